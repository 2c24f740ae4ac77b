/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Growable byte buffers.  Every write keeps the data NUL-terminated so
 * that a buffer can be handed to C string functions.  Allocation failure
 * exits through the x-allocators; nothing here returns an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"

/*
 * Make room for at least n more bytes plus the terminating NUL.
 */
void
buf_grow(struct buf *b, size_t n)
{
	size_t	 need = b->sz + n + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
	b->data[b->sz] = '\0';
}

void
buf_put(struct buf *b, const char *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->sz, p, n);
	b->sz += n;
	b->data[b->sz] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->sz++] = c;
	b->data[b->sz] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/*
 * buf_printf with a va_list, which is left unused (copied).
 */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_copy(aq, ap);
	vsnprintf(b->data + b->sz, (size_t)n + 1, fmt, aq);
	va_end(aq);
	b->sz += (size_t)n;
}

/*
 * Empty the buffer but keep its memory for reuse.
 */
void
buf_reset(struct buf *b)
{
	b->sz = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->sz = b->cap = 0;
}

/*
 * Hand the contents to the caller, who frees them; the buffer is empty
 * afterwards.  Never returns NULL.
 */
char *
buf_steal(struct buf *b)
{
	char	*p = b->data;

	if (p == NULL)
		p = xstrdup("");
	b->data = NULL;
	b->sz = b->cap = 0;
	return p;
}

/*
 * The contents as a C string, valid until the next write; "" if empty.
 */
const char *
buf_cstr(struct buf *b)
{
	return b->data == NULL ? "" : b->data;
}

static void
html_esc(struct buf *b, const char *p, size_t n)
{
	size_t	 i, start = 0;
	const char *rep;

	/* The characters that need an entity, as a table for the scan. */
	static const unsigned char esc[256] = {
		['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
	};

	buf_grow(b, n);
	for (i = 0; i < n; i++) {
		while (i < n && !esc[(unsigned char)p[i]])
			i++;
		if (i == n)
			break;
		switch (p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_put(b, p + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, p + start, n - start);
}

/*
 * Append text escaped for HTML element content and quoted attributes,
 * its bidirectional controls balanced so that none reaches past it
 * (into the rest of a <title>, a heading or the page).
 */
void
buf_html(struct buf *b, const char *p, size_t n)
{
	char	*bal;
	size_t	 balsz;

	if ((bal = utf8_bidi_balance(p, n, &balsz)) == NULL) {
		html_esc(b, p, n);
		return;
	}
	html_esc(b, bal, balsz);
	free(bal);
}
