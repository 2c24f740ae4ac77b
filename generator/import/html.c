/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * HTML fragments (Indico descriptions and abstracts) to Markdown.  A
 * small tag scanner, not a parser: block tags become paragraph breaks,
 * <br> a hard line break, <li> a list item, <b>/<strong> and
 * <i>/<em> emphasis, <a href> a Markdown link when the target is
 * http, https or mailto (other schemes keep only the text).  The
 * content of script, style, iframe, object, embed, template, noscript,
 * head, title, svg and math is dropped whole; every other tag is
 * dropped, its text kept.  Entities are decoded, and then '<' and an
 * '&' that could start an entity are backslash-escaped (as are '\\',
 * '`', '[' and ']'), so that
 * whatever the input, the output carries no raw HTML.  It does not
 * read tables, images or nested lists beyond one level.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "import/import.h"
#include "import/private.h"

struct hout {
	struct buf	 b;	/* the Markdown so far */
	int		 space;	/* a blank is pending */
	int		 pre;	/* inside <pre>: keep white space */
};

/* ASCII case-insensitive prefix comparison of n bytes. */
static int
strncasecmp_n(const char *a, const char *b, size_t n)
{
	size_t	 i;
	int	 ca, cb;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
	return 0;
}

static int
isblank_html(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Trailing blanks, then the number of newlines ending the output. */
static size_t
trailing_nl(struct hout *o)
{
	size_t	 n = 0, i;

	while (o->b.sz > 0 && (o->b.data[o->b.sz - 1] == ' ' ||
	    o->b.data[o->b.sz - 1] == '\t'))
		o->b.data[--o->b.sz] = '\0';
	for (i = o->b.sz; i > 0 && o->b.data[i - 1] == '\n'; i--)
		n++;
	return n;
}

/* End the current block with a blank line (none at the start). */
static void
para(struct hout *o)
{
	size_t	 n = trailing_nl(o);

	o->space = 0;
	if (o->b.sz == 0)
		return;
	for (; n < 2; n++)
		buf_putc(&o->b, '\n');
}

static void
newline(struct hout *o)
{
	o->space = 0;
	if (o->b.sz == 0 || trailing_nl(o) > 0)
		return;
	buf_putc(&o->b, '\n');
}

/* Append decoded text, escaping what Markdown would read as HTML. */
static void
text(struct hout *o, const char *s, size_t sz)
{
	size_t	 i;
	char	 c;

	for (i = 0; i < sz; i++) {
		c = s[i];
		if (!o->pre && isblank_html(c)) {
			o->space = 1;
			continue;
		}
		if (o->space && o->b.sz > 0 &&
		    o->b.data[o->b.sz - 1] != '\n')
			buf_putc(&o->b, ' ');
		o->space = 0;
		/* '&' only matters where it could start an entity. */
		if (c == '<' || c == '\\' || c == '`' || c == '[' ||
		    c == ']' || (c == '&' && i + 1 < sz &&
		    (s[i + 1] == '#' || (s[i + 1] >= 'a' &&
		    s[i + 1] <= 'z') || (s[i + 1] >= 'A' &&
		    s[i + 1] <= 'Z'))))
			buf_putc(&o->b, '\\');
		if (c == '\r')
			continue;
		buf_putc(&o->b, c);
	}
}

/*
 * Append code point cp of a numeric character reference: NUL, a
 * surrogate and anything past U+10FFFF become U+FFFD, as HTML does.
 */
static void
put_cp(struct buf *b, unsigned long cp)
{
	char	 u[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	buf_put(b, u, utf8_encode(u, (uint32_t)cp));
}

/* Decode the entities of s[0..sz) into a new buffer. */
static void
decode(struct buf *out, const char *s, size_t sz)
{
	size_t		 i, j, len;
	unsigned long	 cp;
	const char	*v;
	char		*end;

	for (i = 0; i < sz; i++) {
		if (s[i] != '&') {
			buf_putc(out, s[i]);
			continue;
		}
		for (j = i + 1; j < sz && j < i + 12 && s[j] != ';'; j++)
			continue;
		if (j >= sz || s[j] != ';') {
			buf_putc(out, '&');
			continue;
		}
		len = j - i - 1;
		if (len > 1 && s[i + 1] == '#') {
			char	 num[16];

			memcpy(num, s + i + 2, len - 1);
			num[len - 1] = '\0';
			if (num[0] == 'x' || num[0] == 'X')
				cp = strtoul(num + 1, &end, 16);
			else
				cp = strtoul(num, &end, 10);
			if (*end != '\0' || end == num) {
				buf_putc(out, '&');
				continue;
			}
			put_cp(out, cp == 0xa0 ? ' ' : cp);
			i = j;
			continue;
		}
		if ((v = entity_lookup(s + i + 1, len)) == NULL) {
			buf_putc(out, '&');
			continue;
		}
		buf_puts(out, v);
		i = j;
	}
}

static void
dtext(struct hout *o, const char *s, size_t sz)
{
	struct buf	 d;

	memset(&d, 0, sizeof(d));
	decode(&d, s, sz);
	text(o, d.data == NULL ? "" : d.data, d.sz);
	buf_free(&d);
}

/* The value of attribute name in the tag text t[0..sz), new or NULL. */
static char *
attr(const char *t, size_t sz, const char *name)
{
	size_t		 i, n = strlen(name), st;
	char		 q;
	struct buf	 d;

	for (i = 0; i + n < sz; i++) {
		if (!isblank_html(t[i]) ||
		    strncasecmp_n(t + i + 1, name, n) != 0)
			continue;
		i += 1 + n;
		while (i < sz && isblank_html(t[i]))
			i++;
		if (i >= sz || t[i] != '=')
			continue;
		i++;
		while (i < sz && isblank_html(t[i]))
			i++;
		q = i < sz && (t[i] == '"' || t[i] == '\'') ? t[i++] : 0;
		st = i;
		while (i < sz && (q ? t[i] != q : !isblank_html(t[i])))
			i++;
		memset(&d, 0, sizeof(d));
		decode(&d, t + st, i - st);
		return d.data == NULL ? xstrdup("") : buf_steal(&d);
	}
	return NULL;
}

static int
safe_href(const char *h)
{
	return (strncasecmp_n(h, "http://", 7) == 0 ||
	    strncasecmp_n(h, "https://", 8) == 0 ||
	    strncasecmp_n(h, "mailto:", 7) == 0) &&
	    strpbrk(h, " \t\n\r<>()\"'`\\") == NULL;
}

char *
html_to_md(const char *html)
{
	static const char *const drop[] = { "script", "style", "iframe",
	    "object", "embed", "template", "noscript", "head", "title",
	    "svg", "math", "textarea", "select" };
	static const char *const blocks[] = { "p", "div", "h1", "h2", "h3",
	    "h4", "h5", "h6", "ul", "ol", "table", "tr", "blockquote",
	    "section", "article", "header", "footer", "hr", "dl", "pre" };
	struct hout	 o;
	const char	*p = html, *e, *te;
	char		 name[16], *href = NULL, *close;
	size_t		 n, k;
	int		 end;

	memset(&o, 0, sizeof(o));
	while (*p != '\0') {
		if (*p != '<') {
			e = strchr(p, '<');
			if (e == NULL)
				e = p + strlen(p);
			dtext(&o, p, (size_t)(e - p));
			p = e;
			continue;
		}
		/* Comments, doctype, CDATA: skip to their end. */
		if (strncmp(p, "<!--", 4) == 0) {
			e = strstr(p + 4, "-->");
			p = e == NULL ? p + strlen(p) : e + 3;
			continue;
		}
		if (p[1] == '!' || p[1] == '?') {
			e = strchr(p, '>');
			p = e == NULL ? p + strlen(p) : e + 1;
			continue;
		}
		end = p[1] == '/';
		te = p + 1 + end;
		for (n = 0; n < sizeof(name) - 1 && ((*te >= 'a' &&
		    *te <= 'z') || (*te >= 'A' && *te <= 'Z') ||
		    (*te >= '0' && *te <= '9')); te++)
			name[n++] = (char)(*te | 0x20);
		name[n] = '\0';
		if (n == 0) {
			/* A lone '<' is text. */
			text(&o, "<", 1);
			p++;
			continue;
		}
		/* The tag's end, minding quoted attribute values. */
		for (e = te; *e != '\0' && *e != '>'; e++)
			if (*e == '"' || *e == '\'') {
				close = strchr(e + 1, *e);
				if (close == NULL)
					break;
				e = close;
			}
		if (*e != '>') {
			p = e + strlen(e);
			break;
		}
		for (k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
			if (strcmp(name, drop[k]) == 0)
				break;
		if (!end && k < sizeof(drop) / sizeof(drop[0])) {
			/* Skip to the matching end tag, or to the end. */
			const char *q = e + 1;

			for (;;) {
				q = strstr(q, "</");
				if (q == NULL)
					break;
				if (strncasecmp_n(q + 2, name, n) == 0 &&
				    (q[2 + n] == '>' ||
				    isblank_html(q[2 + n])))
					break;
				q += 2;
			}
			if (q == NULL) {
				p = e + strlen(e);
				continue;
			}
			e = strchr(q, '>');
			p = e == NULL ? q + strlen(q) : e + 1;
			continue;
		}
		for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++)
			if (strcmp(name, blocks[k]) == 0)
				break;
		if (k < sizeof(blocks) / sizeof(blocks[0])) {
			para(&o);
			if (strcmp(name, "pre") == 0)
				o.pre = !end;
		} else if (strcmp(name, "br") == 0) {
			/* Two blanks and a newline: a hard break. */
			(void)trailing_nl(&o);
			if (o.b.sz > 0 && o.b.data[o.b.sz - 1] != '\n')
				buf_puts(&o.b, "\\\n");
			o.space = 0;
		} else if (strcmp(name, "li") == 0 && !end) {
			newline(&o);
			buf_puts(&o.b, "- ");
		} else if (strcmp(name, "b") == 0 ||
		    strcmp(name, "strong") == 0) {
			if (o.space && o.b.sz > 0 && !end &&
			    o.b.data[o.b.sz - 1] != '\n')
				buf_putc(&o.b, ' ');
			o.space = end ? o.space : 0;
			buf_puts(&o.b, "**");
		} else if (strcmp(name, "i") == 0 || strcmp(name, "em") == 0) {
			if (o.space && o.b.sz > 0 && !end &&
			    o.b.data[o.b.sz - 1] != '\n')
				buf_putc(&o.b, ' ');
			o.space = end ? o.space : 0;
			buf_putc(&o.b, '*');
		} else if (strcmp(name, "a") == 0) {
			if (!end) {
				free(href);
				href = attr(te, (size_t)(e - te), "href");
				if (href != NULL && !safe_href(href)) {
					free(href);
					href = NULL;
				}
				if (href != NULL) {
					if (o.space && o.b.sz > 0 &&
					    o.b.data[o.b.sz - 1] != '\n')
						buf_putc(&o.b, ' ');
					o.space = 0;
					buf_putc(&o.b, '[');
				}
			} else if (href != NULL) {
				buf_printf(&o.b, "](%s)", href);
				free(href);
				href = NULL;
			}
		}
		p = e + 1;
	}
	if (href != NULL)
		buf_printf(&o.b, "](%s)", href);
	free(href);
	/* No trailing blank lines, nor a hard break at the very end. */
	for (;;) {
		(void)trailing_nl(&o);
		while (o.b.sz > 0 && o.b.data[o.b.sz - 1] == '\n')
			o.b.data[--o.b.sz] = '\0';
		for (n = o.b.sz; n > 0 && o.b.data[n - 1] == '\\'; n--)
			continue;
		if ((o.b.sz - n) % 2 == 0)
			break;
		o.b.data[--o.b.sz] = '\0';
	}
	return o.b.data == NULL ? xstrdup("") : buf_steal(&o.b);
}
