/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * An executed Jupyter notebook (nbformat 4 JSON, as the job driver
 * writes output.ipynb), or what a script left (its log and the image
 * files it wrote under $KBGEN_OUTPUT), to HTML: a pure function of the notebook's text
 * and the options, giving the HTML, the image files its outputs hold
 * (decoded, named by content hash) and warnings.  It writes no file and
 * prints nothing: the caller puts the images into the site and reports
 * the warnings with the use case's name.  Part of the render core (a
 * tool the use-case family calls, tests/layout.py's CORE).
 *
 * What a reader sees, in the order nbconvert and MyST-NB show it:
 *  - Markdown cells through md_render, never unsafe (an example's text
 *    is untrusted whatever site.yaml says);
 *  - code cells with In [N] (the execution count: the one numbering of
 *    the failure report, runners/README.md) and Python highlighted at
 *    build time;
 *  - each output's representation chosen by MyST-NB's priority
 *    (widget, JavaScript, HTML, SVG, PNG, JPEG, WebP, Markdown, LaTeX,
 *    plain text).  Images become files shown with <img> (an SVG only
 *    ever so, never inline); HTML and JavaScript only inside
 *    <iframe sandbox="allow-scripts" srcdoc="..."> with no
 *    allow-same-origin (an opaque origin: no cookies, no parent DOM),
 *    or left out for the next representation when site.yaml says
 *    outputs: {html: text}; text, streams and tracebacks escaped, their
 *    ANSI SGR colours as classes (ansi-red-fg, ansi-bold, as nbconvert
 *    names them; templates/assets/style.css); widgets and unknown
 *    types as a note.
 *  - Limits per output (max_text, max_image), with "output cut here,
 *    N KB more in the notebook".
 *  - The build machine's paths (the sandbox's /job/WORKDIR/, the host's
 *    .../.kbgen/runs/SLUG/STAMP/work/WORKDIR/) relative to the
 *    example's folder, as the driver writes paths in its messages.
 *
 * Highlighting: no C library fits.  Debian 12 packages no tree-sitter
 * grammar for Python (libtree-sitter0 comes bare), GNU
 * source-highlight and highlight are C++ programs with their own
 * language-definition files to install, and Pygments is Python (one
 * process per page, the cost make bench measures against nbconvert).
 * Python's lexical grammar is small and stable, so a tokenizer here
 * marks keywords, builtins, strings (prefixes, triple quotes),
 * comments, numbers, decorators and IPython magics and shell escapes,
 * with Pygments' short class names (k, nb, s, c, m, nd, mg) so that a
 * Pygments style sheet fits.  Cells of other kernels are escaped only.
 *
 * The SVG file of an output that could act when opened on its own
 * (script, event handlers, foreignObject, character references that
 * could hide either) is not written: that image is shown from a data:
 * URL in <img> (an opaque origin even when opened) and warned about.
 */
#define _GNU_SOURCE	/* memmem, memrchr, vasprintf */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "render/private.h"

/* One output being rendered: where warnings and notes go. */
struct nb {
	const struct nb_opts	*o;
	struct nb_out		*out;
	struct buf		*h;	/* the HTML */
	size_t			 index;	/* cell index, 0-based */
	long long		 number;	/* In [N], -1 when none */
	const char		*file;	/* the script's file, or NULL */
};

static void
warn(struct nb *nb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct nb *nb, const char *fmt, ...)
{
	struct nb_out	*out = nb->out;
	struct buf	 b = { NULL, 0, 0 };
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (nb->number >= 0)
		buf_printf(&b, "cell %zu (In [%lld]): %s", nb->index + 1,
		    nb->number, msg ? msg : "");
	else if (nb->file != NULL)
		buf_printf(&b, "file %s: %s", nb->file, msg ? msg : "");
	else if (nb->index != (size_t)-1)
		buf_printf(&b, "cell %zu: %s", nb->index + 1, msg ? msg : "");
	else
		buf_puts(&b, msg ? msg : "");
	free(msg);
	out->warns = xreallocarray(out->warns, out->warnsz + 1,
	    sizeof(*out->warns));
	out->warns[out->warnsz++] = buf_steal(&b);
}

/* A note in the page where an output would be (text, escaped). */
static void
note(struct nb *nb, const char *text)
{
	buf_puts(nb->h, "<p class=\"nb-note\">");
	buf_html(nb->h, text, strlen(text));
	buf_puts(nb->h, "</p>\n");
}

/*
 * A string of the notebook: nbformat writes multi-line text as a list
 * of strings, or as one string.  Returns a new string (length in *sz),
 * or NULL when v is neither.
 */
static char *
joined(const struct val *v, size_t *sz)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	if (v == NULL)
		return NULL;
	if (v->type == VAL_STR) {
		*sz = v->strsz;
		return xstrndup(v->str, v->strsz);
	}
	if (v->type != VAL_LIST)
		return NULL;
	for (i = 0; i < v->kidsz; i++)
		if (v->kids[i]->type == VAL_STR)
			buf_put(&b, v->kids[i]->str, v->kids[i]->strsz);
	*sz = b.sz;
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

/*
 * Paths of the build machine, relative to the example's folder: the
 * sandbox's /job/WORKDIR/x and the host's ROOT/.kbgen/runs/SLUG/STAMP/
 * work/WORKDIR/x become x; other paths of the job (/job/home/x) become
 * home/x; the job's environment /run/kbgen/env/ becomes (venv)/.
 * Returns a new string, length in *sz.
 */
static char *
unpath(const struct nb_opts *o, const char *p, size_t n, size_t *sz)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*wd = o->workdir != NULL ? o->workdir : "src";
	size_t		 wdsz = strlen(wd), i = 0, j, start, k;
	static const char runs[] = ".kbgen/runs/";
	static const char job[] = "/job/";
	static const char env[] = "/run/kbgen/env/";

	while (i < n) {
		if (n - i >= sizeof(env) - 1 &&
		    memcmp(p + i, env, sizeof(env) - 1) == 0) {
			buf_puts(&b, "(venv)/");
			i += sizeof(env) - 1;
			continue;
		}
		start = (size_t)-1;
		if (n - i >= sizeof(job) - 1 &&
		    memcmp(p + i, job, sizeof(job) - 1) == 0 &&
		    (i == 0 || !isalnum((unsigned char)p[i - 1])))
			start = i + sizeof(job) - 1;
		else if (n - i >= sizeof(runs) - 1 &&
		    memcmp(p + i, runs, sizeof(runs) - 1) == 0) {
			/* ROOT/.kbgen/runs/SLUG/STAMP/work/: back to ROOT. */
			k = i + sizeof(runs) - 1;
			for (j = 0; j < 2 && k < n; j++) {
				while (k < n && p[k] != '/' &&
				    !isspace((unsigned char)p[k]))
					k++;
				if (k < n && p[k] == '/')
					k++;
			}
			if (j == 2 && n - k >= 5 &&
			    memcmp(p + k, "work/", 5) == 0) {
				j = i;
				while (j > 0 && b.sz > 0 &&
				    !isspace((unsigned char)p[j - 1]) &&
				    strchr("\"'(<=:,", p[j - 1]) == NULL) {
					j--;
					b.sz--;
				}
				if (b.data != NULL)
					b.data[b.sz] = '\0';
				start = k + 5;
			}
		}
		if (start == (size_t)-1) {
			buf_putc(&b, p[i++]);
			continue;
		}
		i = start;
		if (n - i > wdsz && memcmp(p + i, wd, wdsz) == 0 &&
		    p[i + wdsz] == '/')
			i += wdsz + 1;
	}
	*sz = b.sz;
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

/*
 * Text as a terminal shows it, escaped for HTML: a carriage return not
 * before a newline starts the line again (progress bars), SGR
 * sequences (ESC [ ... m) become <span class>, other escape sequences
 * and control characters are dropped.
 */

struct sgr {
	int	 fg, bg;	/* 0-15 or -1 */
	int	 bold, italic, underline;
};

static const char *const ansi_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static int
sgr_plain(const struct sgr *s)
{
	return s->fg < 0 && s->bg < 0 && !s->bold && !s->italic &&
	    !s->underline;
}

static void
sgr_open(struct buf *b, const struct sgr *s)
{
	const char	*sp = "";

	if (sgr_plain(s))
		return;
	buf_puts(b, "<span class=\"");
	if (s->fg >= 0) {
		buf_printf(b, "ansi-%s%s-fg", ansi_names[s->fg & 7],
		    s->fg > 7 ? "-intense" : "");
		sp = " ";
	}
	if (s->bg >= 0) {
		buf_printf(b, "%sansi-%s%s-bg", sp, ansi_names[s->bg & 7],
		    s->bg > 7 ? "-intense" : "");
		sp = " ";
	}
	if (s->bold) {
		buf_printf(b, "%sansi-bold", sp);
		sp = " ";
	}
	if (s->italic) {
		buf_printf(b, "%sansi-italic", sp);
		sp = " ";
	}
	if (s->underline)
		buf_printf(b, "%sansi-underline", sp);
	buf_puts(b, "\">");
}

/* Apply the parameters of one SGR sequence p[0..n) to s. */
static void
sgr_apply(struct sgr *s, const char *p, size_t n)
{
	long	 v[16];
	size_t	 vn = 0, i = 0, k;

	while (i <= n && vn < 16) {
		v[vn] = 0;
		while (i < n && isdigit((unsigned char)p[i]) && v[vn] < 10000)
			v[vn] = v[vn] * 10 + (p[i++] - '0');
		vn++;
		if (i >= n || p[i] != ';')
			break;
		i++;
	}
	for (k = 0; k < vn; k++) {
		long	 c = v[k];

		if (c == 0) {
			s->fg = s->bg = -1;
			s->bold = s->italic = s->underline = 0;
		} else if (c == 1)
			s->bold = 1;
		else if (c == 3)
			s->italic = 1;
		else if (c == 4)
			s->underline = 1;
		else if (c == 22)
			s->bold = 0;
		else if (c == 23)
			s->italic = 0;
		else if (c == 24)
			s->underline = 0;
		else if (c >= 30 && c <= 37)
			s->fg = (int)(c - 30);
		else if (c == 39)
			s->fg = -1;
		else if (c >= 40 && c <= 47)
			s->bg = (int)(c - 40);
		else if (c == 49)
			s->bg = -1;
		else if (c >= 90 && c <= 97)
			s->fg = (int)(c - 90 + 8);
		else if (c >= 100 && c <= 107)
			s->bg = (int)(c - 100 + 8);
		else if (c == 38 || c == 48) {
			/* 256 colours and RGB: the first 16 map, the rest skip. */
			if (k + 2 < vn && v[k + 1] == 5) {
				if (v[k + 2] < 16) {
					if (c == 38)
						s->fg = (int)v[k + 2];
					else
						s->bg = (int)v[k + 2];
				}
				k += 2;
			} else if (k + 1 < vn && v[k + 1] == 2)
				k += 4;
		}
	}
}

static void
term_html(struct buf *h, const struct nb_opts *o, const char *p, size_t n)
{
	char		*rel;
	size_t		 relsz;
	struct sgr	 s = { -1, -1, 0, 0, 0 };
	struct buf	 line = { NULL, 0, 0 };
	size_t		 i = 0, j, run;

	while (i < n) {
		/* A carriage return not before a newline: start again. */
		if (p[i] == '\r') {
			i++;
			if (i < n && p[i] == '\n')
				continue;
			buf_reset(&line);
			if (!sgr_plain(&s))
				sgr_open(&line, &s);
			continue;
		}
		if (p[i] == '\n') {
			buf_put(h, line.data ? line.data : "", line.sz);
			buf_reset(&line);
			if (!sgr_plain(&s))
				buf_puts(h, "</span>");
			buf_putc(h, '\n');
			if (!sgr_plain(&s))
				sgr_open(&line, &s);
			i++;
			continue;
		}
		if (p[i] == '\033') {
			i++;
			if (i < n && p[i] == '[') {
				j = ++i;
				while (i < n && (unsigned char)p[i] >= 0x20 &&
				    (unsigned char)p[i] <= 0x3f)
					i++;
				if (i < n && p[i] == 'm') {
					if (!sgr_plain(&s))
						buf_puts(&line, "</span>");
					sgr_apply(&s, p + j, i - j);
					sgr_open(&line, &s);
				}
				if (i < n)
					i++;
			} else if (i < n && p[i] == ']') {
				/* OSC: up to BEL or ST. */
				while (i < n && p[i] != '\007' &&
				    !(p[i] == '\033' && i + 1 < n &&
				    p[i + 1] == '\\'))
					i++;
				i += (i < n && p[i] == '\033') ? 2 : 1;
			} else if (i < n)
				i++;
			continue;
		}
		if ((unsigned char)p[i] < 0x20 && p[i] != '\t') {
			i++;
			continue;
		}
		run = i;
		while (i < n && ((unsigned char)p[i] >= 0x20 ||
		    p[i] == '\t') && p[i] != 0x7f)
			i++;
		if (i == run) {
			i++;
			continue;
		}
		/* Paths are whole within a run between escapes. */
		rel = unpath(o, p + run, i - run, &relsz);
		buf_html(&line, rel, relsz);
		free(rel);
	}
	buf_put(h, line.data ? line.data : "", line.sz);
	if (!sgr_plain(&s))
		buf_puts(h, "</span>");
	buf_free(&line);
}

/*
 * Python highlighting: tokens to <span class>, Pygments' short names.
 */

static const char *const py_kw[] = {
	"False", "None", "True", "and", "as", "assert", "async", "await",
	"break", "class", "continue", "def", "del", "elif", "else",
	"except", "finally", "for", "from", "global", "if", "import", "in",
	"is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
	"try", "while", "with", "yield", NULL
};

static const char *const py_builtin[] = {
	"abs", "all", "any", "bool", "bytes", "dict", "dir", "enumerate",
	"filter", "float", "format", "getattr", "hasattr", "input", "int",
	"isinstance", "iter", "len", "list", "map", "max", "min", "next",
	"object", "open", "print", "range", "repr", "reversed", "round",
	"self", "set", "setattr", "sorted", "str", "sum", "super", "tuple",
	"type", "zip", NULL
};

static int
in_words(const char *const *w, const char *p, size_t n)
{
	for (; *w != NULL; w++)
		if (strlen(*w) == n && memcmp(*w, p, n) == 0)
			return 1;
	return 0;
}

static void
span(struct buf *h, const char *cls, const char *p, size_t n)
{
	buf_printf(h, "<span class=\"%s\">", cls);
	buf_html(h, p, n);
	buf_puts(h, "</span>");
}

static int
ident(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

static void
py_html(struct buf *h, const char *p, size_t n)
{
	size_t		 i = 0, j, q;
	int		 bol = 1;
	char		 quote;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n') {
			buf_putc(h, '\n');
			i++;
			bol = 1;
			continue;
		}
		if (c == ' ' || c == '\t') {
			buf_putc(h, (char)c);
			i++;
			continue;
		}
		/* IPython: %magic, %%cell magic and !shell at a line's start. */
		if (bol && (c == '%' || c == '!')) {
			for (j = i; j < n && p[j] != '\n'; j++)
				continue;
			span(h, "mg", p + i, j - i);
			i = j;
			continue;
		}
		bol = 0;
		if (c == '#') {
			for (j = i; j < n && p[j] != '\n'; j++)
				continue;
			span(h, "c", p + i, j - i);
			i = j;
			continue;
		}
		if (c == '@' && i + 1 < n && ident((unsigned char)p[i + 1])) {
			for (j = i + 1; j < n && (ident((unsigned char)p[j]) ||
			    p[j] == '.'); j++)
				continue;
			span(h, "nd", p + i, j - i);
			i = j;
			continue;
		}
		/* A string, with its prefix (r, b, f, u and pairs). */
		for (q = i; q < n && q - i < 2 && strchr("rRbBfFuU", p[q]) &&
		    p[q] != '\0'; q++)
			continue;
		if (q < n && (p[q] == '"' || p[q] == '\'') &&
		    (q == i || i == 0 || !ident((unsigned char)p[i - 1]))) {
			quote = p[q];
			if (n - q >= 3 && p[q + 1] == quote &&
			    p[q + 2] == quote) {
				for (j = q + 3; j < n; j++) {
					if (p[j] == '\\') {
						j++;
						continue;
					}
					if (n - j >= 3 && p[j] == quote &&
					    p[j + 1] == quote &&
					    p[j + 2] == quote) {
						j += 3;
						break;
					}
				}
			} else {
				for (j = q + 1; j < n && p[j] != '\n'; j++) {
					if (p[j] == '\\') {
						j++;
						continue;
					}
					if (p[j] == quote) {
						j++;
						break;
					}
				}
			}
			if (j > n)
				j = n;
			span(h, "s", p + i, j - i);
			i = j;
			continue;
		}
		if (isdigit(c) || (c == '.' && i + 1 < n &&
		    isdigit((unsigned char)p[i + 1]))) {
			for (j = i; j < n && (isalnum((unsigned char)p[j]) ||
			    p[j] == '.' || p[j] == '_' ||
			    ((p[j] == '+' || p[j] == '-') && j > i &&
			    (p[j - 1] == 'e' || p[j - 1] == 'E'))); j++)
				continue;
			span(h, "m", p + i, j - i);
			i = j;
			continue;
		}
		if (ident(c)) {
			for (j = i; j < n && ident((unsigned char)p[j]); j++)
				continue;
			if (in_words(py_kw, p + i, j - i))
				span(h, "k", p + i, j - i);
			else if (in_words(py_builtin, p + i, j - i) &&
			    (i == 0 || p[i - 1] != '.'))
				span(h, "nb", p + i, j - i);
			else
				buf_html(h, p + i, j - i);
			i = j;
			continue;
		}
		buf_html(h, p + i, 1);
		i++;
	}
}

/* Whether the bytes are what the MIME type says. */
static int
sniff(const char *type, const char *p, size_t n)
{
	if (strcmp(type, "image/png") == 0)
		return n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0;
	if (strcmp(type, "image/jpeg") == 0)
		return n >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0;
	if (strcmp(type, "image/webp") == 0)
		return n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
		    memcmp(p + 8, "WEBP", 4) == 0;
	return 0;
}

/* Whether an SVG could act when opened on its own (see the top). */
static int
svg_active(const char *p, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (n - i >= 6 && strncasecmp(p + i, "script", 6) == 0)
			return 1;
		if (n - i >= 2 && p[i] == '&' && p[i + 1] == '#')
			return 1;
		if (n - i >= 13 && strncasecmp(p + i, "foreignobject", 13) ==
		    0)
			return 1;
		/* An attribute on...= (onload, onclick, onbegin). */
		if (isspace((unsigned char)p[i]) && n - i > 3 &&
		    (p[i + 1] == 'o' || p[i + 1] == 'O') &&
		    (p[i + 2] == 'n' || p[i + 2] == 'N')) {
			for (j = i + 3; j < n && isalpha((unsigned char)p[j]);
			    j++)
				continue;
			while (j < n && isspace((unsigned char)p[j]))
				j++;
			if (j > i + 3 && j < n && p[j] == '=')
				return 1;
		}
	}
	return 0;
}

static const char *
img_ext(const char *type)
{
	if (strcmp(type, "image/png") == 0)
		return "png";
	if (strcmp(type, "image/jpeg") == 0)
		return "jpg";
	if (strcmp(type, "image/webp") == 0)
		return "webp";
	return "svg";
}

/* Add an image file (data taken) unless the same bytes are there. */
static const char *
add_image(struct nb *nb, const char *type, char *data, size_t sz)
{
	struct nb_out	*out = nb->out;
	char		 hex[SHA256_HEX_LEN + 1];
	char		*name;
	size_t		 i;

	sha256_hex(data, sz, hex);
	name = xasprintf("%.16s.%s", hex, img_ext(type));
	for (i = 0; i < out->imgsz; i++)
		if (strcmp(out->imgs[i].name, name) == 0) {
			free(name);
			free(data);
			return out->imgs[i].name;
		}
	out->imgs = xreallocarray(out->imgs, out->imgsz + 1,
	    sizeof(*out->imgs));
	out->imgs[out->imgsz].name = name;
	out->imgs[out->imgsz].data = data;
	out->imgs[out->imgsz].datasz = sz;
	out->imgs[out->imgsz].type = type;
	out->imgsz++;
	return name;
}

static void
cut_note(struct nb *nb, size_t more)
{
	char	*t;

	t = xasprintf("output cut here, %zu KB more in the notebook",
	    (more + 1023) / 1024);
	note(nb, t);
	free(t);
}

/*
 * The length of p[0..n) cut to at most max bytes, at a line end when
 * one is near, never inside a UTF-8 sequence.
 */
static size_t
cut_at(const char *p, size_t n, size_t max)
{
	const char *nl;
	size_t	 k;

	if (n <= max || p == NULL)
		return n;
	k = max;
	while (k > 0 && ((unsigned char)p[k] & 0xc0) == 0x80)
		k--;
	if (k > 0 && (nl = memrchr(p, '\n', k)) != NULL &&
	    k - (size_t)(nl - p) < 4096)
		k = (size_t)(nl - p) + 1;
	return k;
}

/* Text as <pre> with terminal colours, paths relative, cut to max_text. */
static void
text_out(struct nb *nb, const char *cls, const char *p, size_t n)
{
	size_t	 k;

	k = cut_at(p, n, nb->o->max_text);
	buf_printf(nb->h, "<pre class=\"%s\">", cls);
	term_html(nb->h, nb->o, p, k);
	buf_puts(nb->h, "</pre>\n");
	if (k < n)
		cut_note(nb, n - k);
}

/* What image_bytes found. */
enum imgres {
	IMG_NONE,	/* not shown: warned (and noted, when asked) */
	IMG_FILE,	/* a file to write */
	IMG_ACTIVE	/* an SVG with script: only ever from a data: URL */
};

/*
 * The bytes of an image output p[0..n) of type (base64 unless raw, a
 * file a script wrote; SVG text as it is) into *data and *sz (new)
 * when they are what the type says and within max_image.  Problems are
 * warnings, and with notes also a note in the page.
 */
static enum imgres
image_bytes(struct nb *nb, const char *type, const char *p, size_t n,
    int raw, int notes, char **data, size_t *sz)
{
	char	*t;

	*data = NULL;
	if (strcmp(type, "image/svg+xml") == 0) {
		if (n > nb->o->max_image) {
			warn(nb, "an SVG image of %zu KB is over the limit of "
			    "%zu KB (outputs.max_image); not shown",
			    n / 1024, nb->o->max_image / 1024);
			if (notes)
				note(nb, "image not shown: over the size "
				    "limit");
			return IMG_NONE;
		}
		if (memmem(p, n, "<svg", 4) == NULL) {
			warn(nb, "image/svg+xml output is not SVG; not shown");
			if (notes)
				note(nb, "image not shown: not an SVG");
			return IMG_NONE;
		}
		if (svg_active(p, n))
			return IMG_ACTIVE;
		*data = xstrndup(p, n);
		*sz = n;
		return IMG_FILE;
	}
	if (raw) {
		*data = xmalloc(n + 1);
		memcpy(*data, p, n);
		*sz = n;
	} else if ((*data = base64_decode(p, n, sz)) == NULL) {
		warn(nb, "%s output is not valid base64; not shown", type);
		if (notes)
			note(nb, "image not shown: it does not decode");
		return IMG_NONE;
	}
	if (!sniff(type, *data, *sz)) {
		warn(nb, "%s output does not decode as %s; not shown", type,
		    type);
		if (notes)
			note(nb, "image not shown: it does not decode");
		free(*data);
		*data = NULL;
		return IMG_NONE;
	}
	if (*sz > nb->o->max_image) {
		warn(nb, "a %s image of %zu KB is over the limit of %zu KB "
		    "(outputs.max_image); not shown", type, *sz / 1024,
		    nb->o->max_image / 1024);
		if (notes) {
			t = xasprintf("image not shown: %zu KB, over the "
			    "limit; it is in the notebook",
			    (*sz + 1023) / 1024);
			note(nb, t);
			free(t);
		}
		free(*data);
		*data = NULL;
		return IMG_NONE;
	}
	return IMG_FILE;
}

/* An SVG as a data: URL (an opaque origin even when opened), into b. */
static void
svg_data_url(struct buf *b, const char *p, size_t n)
{
	size_t	 i;

	buf_puts(b, "data:image/svg+xml,");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (isalnum(c) || strchr(" -_.~/:=;,()!*", c))
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/*
 * An image shown with <img alt=alt>: p[0..n) is base64 (a notebook's
 * raster output) unless raw (a file a script wrote), or SVG text.
 */
static void
image_out(struct nb *nb, const char *type, const char *p, size_t n,
    int raw, const char *alt)
{
	char		*data;
	const char	*name;
	size_t		 sz;
	struct buf	 b = { NULL, 0, 0 };

	switch (image_bytes(nb, type, p, n, raw, 1, &data, &sz)) {
	case IMG_NONE:
		return;
	case IMG_ACTIVE:
		warn(nb, "SVG output holds script or event handlers; "
		    "shown as an image only, not as a file");
		svg_data_url(&b, p, n);
		buf_printf(nb->h, "<p class=\"nb-image\"><img src=\"");
		buf_html(nb->h, b.data, b.sz);
		buf_puts(nb->h, "\" alt=\"");
		buf_html(nb->h, alt, strlen(alt));
		buf_puts(nb->h, "\"></p>\n");
		buf_free(&b);
		return;
	case IMG_FILE:
		break;
	}
	name = add_image(nb, type, data, sz);
	buf_puts(nb->h, "<p class=\"nb-image\"><img src=\"");
	if (nb->o->img_prefix != NULL)
		buf_html(nb->h, nb->o->img_prefix, strlen(nb->o->img_prefix));
	buf_html(nb->h, name, strlen(name));
	buf_puts(nb->h, "\" alt=\"");
	buf_html(nb->h, alt, strlen(alt));
	buf_puts(nb->h, "\" loading=\"lazy\"></p>\n");
}

/* The image types an attachment is shown as, the first one it has. */
static const char *const attach_types[] = {
	"image/png", "image/jpeg", "image/webp", "image/svg+xml", NULL
};

/*
 * The image file of attachment name of a Markdown cell (att: nbformat's
 * "attachments", name to MIME bundle), checked as image outputs are:
 * its name in the outputs (owned by them), or NULL (warned).
 */
static const char *
attachment_file(struct nb *nb, const struct val *att, const char *name)
{
	const struct val *bundle = val_get(att, name), *v;
	char		*text, *data;
	size_t		 i, n, sz;
	enum imgres	 r;

	for (i = 0; attach_types[i] != NULL; i++)
		if ((v = val_get(bundle, attach_types[i])) != NULL)
			break;
	if (attach_types[i] == NULL) {
		warn(nb, "attachment:%s is not an image the cell holds "
		    "(PNG, JPEG, WebP or SVG); not shown", name);
		return NULL;
	}
	if ((text = joined(v, &n)) == NULL) {
		warn(nb, "attachment:%s is not text; not shown", name);
		return NULL;
	}
	r = image_bytes(nb, attach_types[i], text, n, 0, 0, &data, &sz);
	free(text);
	if (r == IMG_ACTIVE)
		warn(nb, "attachment:%s is an SVG with script or event "
		    "handlers; not shown", name);
	if (r != IMG_FILE)
		return NULL;
	return add_image(nb, attach_types[i], data, sz);
}

/*
 * A Markdown cell's source p[0..n) with each "attachment:NAME" (an
 * image kept in the cell, nbformat's "attachments") replaced by the
 * URL of its image file; a new string, length in *sz.  A reference to
 * no attachment of the cell, or to one that is no good image, stays as
 * written (a broken image in the page) and is warned about.
 */
static char *
attach_refs(struct nb *nb, const struct val *att, const char *p, size_t n,
    size_t *sz)
{
	static const char ref[] = "attachment:";
	struct buf	 b = { NULL, 0, 0 };
	const char	*q, *end = p + n, *file;
	char		*name;
	size_t		 k;

	while ((q = memmem(p, (size_t)(end - p), ref, sizeof(ref) - 1)) !=
	    NULL) {
		buf_put(&b, p, (size_t)(q - p));
		p = q + sizeof(ref) - 1;
		for (k = 0; p + k < end && !isspace((unsigned char)p[k]) &&
		    strchr(")\"'<>", p[k]) == NULL; k++)
			continue;
		name = xstrndup(p, k);
		file = NULL;
		if (k > 0 && att != NULL && att->type == VAL_MAP &&
		    val_get(att, name) != NULL)
			file = attachment_file(nb, att, name);
		else if (k > 0)
			warn(nb, "attachment:%s is not among the cell's "
			    "attachments; not shown", name);
		if (file != NULL) {
			if (nb->o->img_prefix != NULL)
				buf_puts(&b, nb->o->img_prefix);
			buf_puts(&b, file);
		} else {
			buf_puts(&b, ref);
			buf_put(&b, p, k);
		}
		free(name);
		p += k;
	}
	buf_put(&b, p, (size_t)(end - p));
	*sz = b.sz;
	return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

/*
 * HTML or JavaScript in a sandboxed frame: scripts run in an opaque
 * origin (no allow-same-origin: no cookies, storage or parent DOM), no
 * forms, popups or top navigation.  The frame's own snippet posts its
 * height; templates/assets/notebook.js, in the page, sets the frame's
 * height from a message whose source is that frame, within bounds
 * (the frame can only choose its own height, from 40 to 1200 pixels;
 * taller content scrolls).
 */
static void
frame_out(struct nb *nb, const char *type, const char *p, size_t n)
{
	struct buf	 doc = { NULL, 0, 0 };
	size_t		 k;

	k = cut_at(p, n, nb->o->max_text);
	if (k < n) {
		/* Cut HTML is broken HTML: show its text instead. */
		text_out(nb, "nb-text", p, n);
		return;
	}
	buf_puts(&doc, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
	    "<base target=\"_blank\"><style>body{margin:0;font-family:"
	    "sans-serif;font-size:14px}</style></head><body>");
	if (strcmp(type, "application/javascript") == 0) {
		buf_puts(&doc, "<div id=\"output\"></div><script>"
		    "var element=document.getElementById('output');\n");
		buf_put(&doc, p, n);
		buf_puts(&doc, "\n</script>");
	} else
		buf_put(&doc, p, n);
	/*
	 * The height of the content, not of the frame: the root element's
	 * box (scrollHeight is at least the frame's own height).
	 */
	buf_puts(&doc, "<script>(function(){function s(){parent.postMessage("
	    "{kbgenFrameHeight:document.documentElement.getBoundingClientRect()"
	    ".height},'*')}addEventListener('load',s);setTimeout(s,500);"
	    "if(window.ResizeObserver)new ResizeObserver(s).observe("
	    "document.documentElement)})()</script></body></html>");
	buf_puts(nb->h, "<iframe class=\"nb-frame\" sandbox=\"allow-scripts\" "
	    "referrerpolicy=\"no-referrer\" title=\"output of "
	    "the notebook\" srcdoc=\"");
	buf_html(nb->h, doc.data, doc.sz);
	buf_puts(nb->h, "\"></iframe>\n");
	buf_free(&doc);
}

static void
markdown_out(struct nb *nb, const char *cls, const char *p, size_t n)
{
	struct md_opts	 mo;
	struct md_out	 mout;
	size_t		 k;

	k = cut_at(p, n, nb->o->max_text);
	memset(&mo, 0, sizeof(mo));
	mo.path = nb->o->path;
	memset(&mout, 0, sizeof(mout));
	if (!md_render(p, k, &mo, &mout)) {
		text_out(nb, "nb-text", p, n);
		return;
	}
	buf_printf(nb->h, "<div class=\"%s\">", cls);
	buf_puts(nb->h, mout.html ? mout.html : "");
	buf_puts(nb->h, "</div>\n");
	md_out_free(&mout);
	if (k < n)
		cut_note(nb, n - k);
}

/* MyST-NB's render priority for HTML (image/webp beside jpeg). */
static const char *const prio[] = {
	"application/vnd.jupyter.widget-view+json",
	"application/javascript",
	"text/html",
	"image/svg+xml",
	"image/png",
	"image/jpeg",
	"image/webp",
	"text/markdown",
	"text/latex",
	"text/plain",
	NULL
};

/* One display_data or execute_result: the first type we show. */
static void
bundle_out(struct nb *nb, const struct val *data)
{
	const struct val *d;
	const char	*type = NULL;
	char		*s;
	size_t		 i, sz;

	if (data == NULL || data->type != VAL_MAP) {
		warn(nb, "an output without data");
		return;
	}
	for (i = 0; prio[i] != NULL; i++) {
		if (nb->o->html_text && (strcmp(prio[i], "text/html") == 0 ||
		    strcmp(prio[i], "application/javascript") == 0))
			continue;
		if ((d = val_get(data, prio[i])) != NULL) {
			type = prio[i];
			break;
		}
	}
	if (type == NULL) {
		/* HTML only, shown as text (outputs: {html: text}). */
		if ((d = val_get(data, "text/html")) != NULL ||
		    (d = val_get(data, "application/javascript")) != NULL) {
			if ((s = joined(d, &sz)) != NULL) {
				text_out(nb, "nb-text", s, sz);
				free(s);
			}
			return;
		}
		warn(nb, "output of unknown type %s; shown as a note",
		    data->kidsz > 0 ? data->kids[0]->key : "(none)");
		s = xasprintf("output of type %s not shown",
		    data->kidsz > 0 ? data->kids[0]->key : "(none)");
		note(nb, s);
		free(s);
		return;
	}
	if (strcmp(type, prio[0]) == 0) {
		note(nb, "interactive widget: run the notebook to use it");
		return;
	}
	if ((s = joined(d, &sz)) == NULL) {
		warn(nb, "%s output is not text; not shown", type);
		note(nb, "output not shown: not text");
		return;
	}
	if (strncmp(type, "image/", 6) == 0)
		image_out(nb, type, s, sz, 0, "output image");
	else if (strcmp(type, "text/html") == 0 ||
	    strcmp(type, "application/javascript") == 0)
		frame_out(nb, type, s, sz);
	else if (strcmp(type, "text/markdown") == 0)
		markdown_out(nb, "nb-markdown", s, sz);
	else
		text_out(nb, "nb-text", s, sz);
	free(s);
}

static void
outputs_out(struct nb *nb, const struct val *outs)
{
	const struct val *o, *v;
	const char	*ot, *name;
	struct buf	 stream = { NULL, 0, 0 };
	const char	*sname = NULL;
	char		*s;
	size_t		 i, j, sz;

	if (outs == NULL || outs->type != VAL_LIST)
		return;
	buf_puts(nb->h, "<div class=\"nb-outputs\">\n");
	for (i = 0; i <= outs->kidsz; i++) {
		o = i < outs->kidsz ? outs->kids[i] : NULL;
		ot = val_get_str(o, "output_type");
		name = val_get_str(o, "name");
		/* Consecutive stream outputs of one name show as one. */
		if (sname != NULL && (ot == NULL ||
		    strcmp(ot, "stream") != 0 || name == NULL ||
		    strcmp(name, sname) != 0)) {
			text_out(nb, strcmp(sname, "stderr") == 0 ?
			    "nb-stderr" : "nb-stdout",
			    stream.data ? stream.data : "", stream.sz);
			buf_reset(&stream);
			sname = NULL;
		}
		if (o == NULL)
			break;
		if (o->type != VAL_MAP || ot == NULL) {
			warn(nb, "output %zu is not an output", i + 1);
			continue;
		}
		if (strcmp(ot, "stream") == 0) {
			if ((s = joined(val_get(o, "text"), &sz)) == NULL)
				continue;
			buf_put(&stream, s, sz);
			free(s);
			sname = (name != NULL && strcmp(name, "stderr") == 0) ?
			    "stderr" : "stdout";
		} else if (strcmp(ot, "error") == 0) {
			v = val_get(o, "traceback");
			buf_reset(&stream);
			if (v != NULL && v->type == VAL_LIST &&
			    v->kidsz > 0) {
				for (j = 0; j < v->kidsz; j++)
					if (v->kids[j]->type == VAL_STR) {
						buf_put(&stream,
						    v->kids[j]->str,
						    v->kids[j]->strsz);
						buf_putc(&stream, '\n');
					}
			} else
				buf_printf(&stream, "%s: %s",
				    val_get_str(o, "ename") ?
				    val_get_str(o, "ename") : "Error",
				    val_get_str(o, "evalue") ?
				    val_get_str(o, "evalue") : "");
			text_out(nb, "nb-error", stream.data ? stream.data :
			    "", stream.sz);
			buf_reset(&stream);
		} else if (strcmp(ot, "display_data") == 0 ||
		    strcmp(ot, "execute_result") == 0 ||
		    strcmp(ot, "update_display_data") == 0)
			bundle_out(nb, val_get(o, "data"));
		else
			warn(nb, "output %zu of unknown output_type %s", i + 1,
			    ot);
	}
	buf_free(&stream);
	buf_puts(nb->h, "</div>\n");
}

/* A render into h and out, with no cell yet. */
static void
nb_start(struct nb *nb, struct buf *h, const struct nb_opts *o,
    struct nb_out *out)
{
	memset(out, 0, sizeof(*out));
	memset(nb, 0, sizeof(*nb));
	nb->o = o;
	nb->out = out;
	nb->h = h;
	nb->index = (size_t)-1;
	nb->number = -1;
}

/* The kernel's language, lower case ("python" when not said). */
static int
is_python(const struct val *nbv)
{
	const struct val *md = val_get(nbv, "metadata");
	const char	*l;

	l = val_get_str(val_get(md, "language_info"), "name");
	if (l == NULL)
		l = val_get_str(val_get(md, "kernelspec"), "language");
	return l == NULL || strcasecmp(l, "python") == 0 ||
	    strcasecmp(l, "python3") == 0;
}

/*
 * See render/private.h.
 */
int
nb_render(const char *text, size_t sz, const struct nb_opts *o,
    struct nb_out *out)
{
	struct nb	 nb;
	struct buf	 h = { NULL, 0, 0 };
	struct val	*nbv = NULL;
	const struct val *cells, *c, *ec, *v;
	const char	*ct, *idp;
	char		*src, *md;
	size_t		 i, srcsz, mdsz;
	int		 py;

	nb_start(&nb, &h, o, out);
	if (o->max_notebook > 0 && sz > o->max_notebook) {
		warn(&nb, "the executed notebook is %zu KB, over the limit "
		    "of %zu KB (outputs.max_notebook); not shown",
		    sz / 1024, o->max_notebook / 1024);
		return 0;
	}
	if ((nbv = json_parse(text, sz)) == NULL || nbv->type != VAL_MAP ||
	    (cells = val_get(nbv, "cells")) == NULL ||
	    cells->type != VAL_LIST) {
		warn(&nb, "the executed notebook is not a notebook "
		    "(nbformat 4 JSON with cells); not shown");
		val_free(nbv);
		return 0;
	}
	py = is_python(nbv);
	idp = o->id_prefix != NULL ? o->id_prefix : "cell-";
	buf_puts(&h, "<div class=\"nb\">\n");
	out->spans = xcalloc(cells->kidsz ? cells->kidsz : 1,
	    sizeof(*out->spans));
	out->spansz = cells->kidsz;
	for (i = 0; i < cells->kidsz; i++) {
		c = cells->kids[i];
		out->spans[i].start = out->spans[i].end = h.sz;
		nb.index = i;
		nb.number = -1;
		ct = val_get_str(c, "cell_type");
		if (c->type != VAL_MAP || ct == NULL) {
			warn(&nb, "not a cell; left out");
			continue;
		}
		src = joined(val_get(c, "source"), &srcsz);
		if (src == NULL) {
			src = xstrdup("");
			srcsz = 0;
		}
		if (strcmp(ct, "markdown") == 0) {
			buf_printf(&h, "<div class=\"nb-cell nb-md\" "
			    "id=\"%s%zu\">", idp, i);
			if (memmem(src, srcsz, "attachment:", 11) != NULL) {
				md = attach_refs(&nb, val_get(c, "attachments"),
				    src, srcsz, &mdsz);
				markdown_out(&nb, "nb-md-body", md, mdsz);
				free(md);
			} else
				markdown_out(&nb, "nb-md-body", src, srcsz);
			buf_puts(&h, "</div>\n");
		} else if (strcmp(ct, "code") == 0) {
			ec = val_get(c, "execution_count");
			if (ec != NULL && ec->type == VAL_NUM &&
			    ec->num >= 0 && ec->num < 1e9)
				nb.number = (long long)ec->num;
			buf_printf(&h, "<div class=\"nb-cell nb-code%s\" "
			    "id=\"%s%zu\">\n", (o->failed_index >= 0 &&
			    (size_t)o->failed_index == i) ? " nb-failed" :
			    "", idp, i);
			if (nb.number >= 0)
				buf_printf(&h, "<div class=\"nb-prompt\">"
				    "In [%lld]:</div>", nb.number);
			else
				buf_puts(&h, "<div class=\"nb-prompt\">"
				    "In [ ]:</div>");
			buf_puts(&h, "<pre class=\"nb-input\"><code>");
			if (py && !(srcsz > 2 && memcmp(src, "%%", 2) == 0 &&
			    strncmp(src, "%%time", 6) != 0 &&
			    strncmp(src, "%%capture", 9) != 0))
				py_html(&h, src, srcsz);
			else
				buf_html(&h, src, srcsz);
			buf_puts(&h, "</code></pre>\n");
			v = val_get(c, "outputs");
			if (v != NULL && v->type == VAL_LIST &&
			    v->kidsz > 0)
				outputs_out(&nb, v);
			buf_puts(&h, "</div>\n");
		} else if (strcmp(ct, "raw") != 0)
			warn(&nb, "cell of unknown type %s; left out", ct);
		out->spans[i].end = h.sz;
		out->cells++;
		free(src);
	}
	buf_puts(&h, "</div>\n");
	out->html = buf_steal(&h);
	out->htmlsz = strlen(out->html);
	val_free(nbv);
	return 1;
}

/*
 * See render/private.h.
 */
int
nb_render_files(const char *log, size_t logsz, const struct nb_file *f,
    size_t fsz, const struct nb_opts *o, struct nb_out *out)
{
	struct nb	 nb;
	struct buf	 h = { NULL, 0, 0 };
	size_t		 i;

	nb_start(&nb, &h, o, out);
	buf_puts(&h, "<div class=\"nb nb-files\">\n");
	if (log != NULL && logsz > 0)
		text_out(&nb, "nb-stdout", log, logsz);
	for (i = 0; i < fsz; i++) {
		buf_puts(&h, "<figure class=\"nb-file\">");
		nb.file = f[i].name;
		image_out(&nb, f[i].type, f[i].data, f[i].datasz, 1,
		    f[i].name);
		buf_puts(&h, "<figcaption><code>");
		buf_html(&h, f[i].name, strlen(f[i].name));
		buf_puts(&h, "</code></figcaption></figure>\n");
		out->cells++;
	}
	buf_puts(&h, "</div>\n");
	out->html = buf_steal(&h);
	out->htmlsz = strlen(out->html);
	return 1;
}

/*
 * See render/private.h.
 */
void
nb_out_free(struct nb_out *out)
{
	size_t	 i;

	if (out == NULL)
		return;
	free(out->html);
	for (i = 0; i < out->imgsz; i++) {
		free(out->imgs[i].name);
		free(out->imgs[i].data);
	}
	free(out->imgs);
	for (i = 0; i < out->warnsz; i++)
		free(out->warns[i]);
	free(out->warns);
	free(out->spans);
	memset(out, 0, sizeof(*out));
}
