/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Front matter and YAML.  This is the only file that includes libyaml.
 * YAML text is read with libyaml's event parser and turned into a val
 * tree: mappings become VAL_MAP (members carry their key and the key's
 * position), sequences VAL_LIST and every scalar a VAL_STR, flagged
 * plain when it was written unquoted and untagged, so that the loaders
 * decide what "true", "12" or "~" mean for each key.  Anchors and
 * aliases are resolved by copying.  Syntax errors are reported with
 * libyaml's own message at path:line:col.
 *
 * fm_split cuts a Markdown file into its "---" delimited front matter
 * and body.  Nothing here knows which keys a page needs; that is the
 * loaders' business.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "model/private.h"

/*
 * Guards against hostile input: nesting deeper than this would run the
 * recursive builder (and val_free) out of stack, and aliases of aliases
 * can expand a small file into billions of nodes ("billion laughs").
 */
#define FM_MAXDEPTH	512
#define FM_MAXNODES	1000000

struct anchor {
	char		*name;	/* anchor name, owned */
	struct val	*v;	/* copy of the anchored node, owned */
	size_t		 height;	/* levels in v, 1 for a scalar */
};

struct yctx {
	yaml_parser_t	 parser;
	const char	*path;	/* for diagnostics */
	const char	*text;	/* for reader error offsets */
	size_t		 textsz;
	size_t		 line0;	/* added to every line */
	struct anchor	*anchors;	/* owned; the latest wins */
	size_t		 anchorsz;
	size_t		 anchorcap;
	size_t		 nodes;	/* built so far, aliases expanded */
	int		 bad;	/* error reported: result is NULL */
};

static struct val	*node(struct yctx *, yaml_event_t *, size_t);

static size_t
mline(const struct yctx *c, yaml_mark_t m)
{
	return m.line + 1 + c->line0;
}

static size_t
mcol(yaml_mark_t m)
{
	return m.column + 1;
}

/*
 * A hint for a syntax error whose cause is most often the layout (a
 * tab, a line indented too far or not far enough, a second ": " in a
 * plain value), or NULL.  libyaml's words name the symptom; the hint
 * names the line to look at.  Returns a new string.
 */
static char *
yhint(const struct yctx *c, const char *problem, yaml_mark_t m)
{
	static const char *const layout[] = {
		"found a tab character that violates indentation",
		"found character that cannot start any token",
		"did not find expected key",
		"mapping values are not allowed in this context",
		"block sequence entries are not allowed in this context",
		"did not find expected '-' indicator",
	};
	const char	*ln, *end, *q;
	size_t		 i, n;

	for (i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
		if (strcmp(problem, layout[i]) == 0)
			break;
	if (i == sizeof(layout) / sizeof(layout[0]))
		return NULL;
	/* The mark's line of the text, and the tab in its indentation. */
	ln = c->text;
	end = c->text + c->textsz;
	for (n = 0; n < m.line && ln < end; n++) {
		if ((q = memchr(ln, '\n', (size_t)(end - ln))) == NULL)
			return NULL;
		ln = q + 1;
	}
	for (q = ln; q < end && (*q == ' ' || *q == '\t'); q++)
		if (*q == '\t')
			return xasprintf("a tab character at line %zu col %zu; "
			    "YAML indents with spaces", mline(c, m),
			    (size_t)(q - ln) + 1);
	if (i == 1)
		return NULL;
	/* title: a: b -- the second ": " of a plain value. */
	if (i == 3) {
		q = memchr(ln, ':', (size_t)(end - ln));
		if (q != NULL && (size_t)(q - ln) < m.column && q + 1 < end &&
		    q[1] == ' ')
			return xasprintf("a value with \": \" in it must be "
			    "quoted");
	}
	return xasprintf("check the indentation of line %zu against the "
	    "line above", mline(c, m));
}

/*
 * Report the parser's error.  Reader errors (bad encoding, control
 * characters) carry a byte offset rather than a mark.
 */
static void
yerr(struct yctx *c)
{
	yaml_parser_t	*p = &c->parser;
	const char	*problem;
	char		*hint;
	size_t		 i, line, col;

	problem = p->problem != NULL ? p->problem : "YAML syntax error";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		diag_sys(c->path, "libyaml: out of memory");
		break;
	case YAML_READER_ERROR:
		line = 1;
		col = 1;
		for (i = 0; i < p->problem_offset && i < c->textsz; i++) {
			if (c->text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)c->text[i] & 0xc0) != 0x80)
				col++;
		}
		diag_err(c->path, line + c->line0, col, "%s", problem);
		break;
	default:
		hint = yhint(c, problem, p->problem_mark);
		diag_err(c->path, mline(c, p->problem_mark),
		    mcol(p->problem_mark), "%s%s%s", problem,
		    hint != NULL ? "; hint: " : "", hint != NULL ? hint : "");
		free(hint);
		break;
	}
}

/* Fetch the next event; 0 on a syntax error (reported). */
static int
next(struct yctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return 1;
	yerr(c);
	return 0;
}

static size_t
count(const struct val *v)
{
	size_t	 i, n = 1;

	for (i = 0; i < v->kidsz; i++)
		n += count(v->kids[i]);
	return n;
}

static size_t
height(const struct val *v)
{
	size_t	 i, h, max = 0;

	for (i = 0; i < v->kidsz; i++)
		if ((h = height(v->kids[i])) > max)
			max = h;
	return max + 1;
}

/* Remember a private copy of v under name (borrowed, may be NULL). */
static void
anchor_set(struct yctx *c, const char *name, const struct val *v)
{
	struct val	*cp;
	size_t		 i;

	if (name == NULL)
		return;
	cp = val_copy(v);
	free(cp->key);
	cp->key = NULL;
	for (i = 0; i < c->anchorsz; i++)
		if (strcmp(c->anchors[i].name, name) == 0) {
			val_free(c->anchors[i].v);
			c->anchors[i].v = cp;
			c->anchors[i].height = height(cp);
			return;
		}
	if (c->anchorsz == c->anchorcap) {
		c->anchorcap = c->anchorcap == 0 ? 8 : c->anchorcap * 2;
		c->anchors = xreallocarray(c->anchors, c->anchorcap,
		    sizeof(*c->anchors));
	}
	c->anchors[c->anchorsz].name = xstrdup(name);
	c->anchors[c->anchorsz].v = cp;
	c->anchors[c->anchorsz].height = height(cp);
	c->anchorsz++;
}

static struct val *
alias(struct yctx *c, yaml_event_t *ev, size_t depth)
{
	struct val	*v;
	size_t		 i, n, line, col;
	const char	*name = (const char *)ev->data.alias.anchor;

	line = mline(c, ev->start_mark);
	col = mcol(ev->start_mark);
	for (i = c->anchorsz; i > 0; i--)
		if (strcmp(c->anchors[i - 1].name, name) == 0)
			break;
	if (i == 0) {
		/* An undefined alias is not fatal: keep finding errors. */
		diag_err(c->path, line, col, "unknown alias \"%s\"", name);
		c->bad = 1;
		yaml_event_delete(ev);
		v = val_new(VAL_NULL);
		v->line = line;
		v->col = col;
		return v;
	}
	/* Aliases inside aliases could otherwise nest without limit. */
	if (depth + c->anchors[i - 1].height > FM_MAXDEPTH + 1) {
		diag_err(c->path, line, col, "YAML nested more than %d "
		    "levels deep after expanding aliases", FM_MAXDEPTH);
		yaml_event_delete(ev);
		return NULL;
	}
	n = count(c->anchors[i - 1].v);
	if (n > FM_MAXNODES - c->nodes) {
		diag_err(c->path, line, col, "too many nodes after "
		    "expanding aliases (more than %d)", FM_MAXNODES);
		yaml_event_delete(ev);
		return NULL;
	}
	c->nodes += n;
	v = val_copy(c->anchors[i - 1].v);
	/* The value is here; its parts still point at the anchor. */
	v->line = line;
	v->col = col;
	yaml_event_delete(ev);
	return v;
}

static struct val *
scalar(struct yctx *c, yaml_event_t *ev)
{
	struct val	*v;

	v = val_strn((const char *)ev->data.scalar.value,
	    ev->data.scalar.length);
	/* A tag such as !!str makes "12" a string, as quotes would. */
	v->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    ev->data.scalar.plain_implicit;
	v->line = mline(c, ev->start_mark);
	v->col = mcol(ev->start_mark);
	anchor_set(c, (const char *)ev->data.scalar.anchor, v);
	yaml_event_delete(ev);
	return v;
}

static struct val *
sequence(struct yctx *c, yaml_event_t *ev, size_t depth)
{
	struct val	*v, *kid;
	char		*anchor = NULL;

	v = val_list();
	v->line = mline(c, ev->start_mark);
	v->col = mcol(ev->start_mark);
	if (ev->data.sequence_start.anchor != NULL)
		anchor = xstrdup((const char *)
		    ev->data.sequence_start.anchor);
	yaml_event_delete(ev);
	for (;;) {
		if (!next(c, ev))
			goto fail;
		if (ev->type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(ev);
			break;
		}
		if ((kid = node(c, ev, depth + 1)) == NULL)
			goto fail;
		val_push(v, kid);
	}
	anchor_set(c, anchor, v);
	free(anchor);
	return v;
fail:
	free(anchor);
	val_free(v);
	return NULL;
}

static struct val *
mapping(struct yctx *c, yaml_event_t *ev, size_t depth)
{
	struct val	*v, *k = NULL, *kid;
	char		*anchor = NULL;
	size_t		 i;

	v = val_map();
	v->line = mline(c, ev->start_mark);
	v->col = mcol(ev->start_mark);
	if (ev->data.mapping_start.anchor != NULL)
		anchor = xstrdup((const char *)
		    ev->data.mapping_start.anchor);
	yaml_event_delete(ev);
	for (;;) {
		if (!next(c, ev))
			goto fail;
		if (ev->type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(ev);
			break;
		}
		if ((k = node(c, ev, depth + 1)) == NULL)
			goto fail;
		if (!next(c, ev))
			goto fail;
		if ((kid = node(c, ev, depth + 1)) == NULL)
			goto fail;

		/* Errors in keys are reported and parsing goes on. */
		if (k->type != VAL_STR) {
			diag_err(c->path, k->line, k->col,
			    "mapping keys must be scalars");
			c->bad = 1;
			val_free(kid);
		} else if (memchr(k->str, '\0', k->strsz) != NULL) {
			diag_err(c->path, k->line, k->col,
			    "mapping key contains a NUL character");
			c->bad = 1;
			val_free(kid);
		} else {
			for (i = 0; i < v->kidsz; i++)
				if (strcmp(v->kids[i]->key, k->str) == 0)
					break;
			if (i < v->kidsz) {
				diag_err(c->path, k->line, k->col,
				    "duplicate key \"%s\"", k->str);
				c->bad = 1;
				val_free(kid);
			} else {
				kid->key = k->str;
				kid->khash = val_khash(kid->key);
				k->str = NULL;
				kid->kline = k->line;
				kid->kcol = k->col;
				val_push(v, kid);
			}
		}
		val_free(k);
		k = NULL;
	}
	anchor_set(c, anchor, v);
	free(anchor);
	return v;
fail:
	val_free(k);
	free(anchor);
	val_free(v);
	return NULL;
}

/*
 * Build the node that starts with event ev (consumed).  Returns NULL on
 * a fatal error (reported): syntax errors and the limits.
 */
static struct val *
node(struct yctx *c, yaml_event_t *ev, size_t depth)
{
	if (depth > FM_MAXDEPTH) {
		diag_err(c->path, mline(c, ev->start_mark),
		    mcol(ev->start_mark), "YAML nested more than %d levels "
		    "deep", FM_MAXDEPTH);
		yaml_event_delete(ev);
		return NULL;
	}
	if (ev->type != YAML_ALIAS_EVENT && ++c->nodes > FM_MAXNODES) {
		diag_err(c->path, mline(c, ev->start_mark),
		    mcol(ev->start_mark), "too many YAML nodes (more than "
		    "%d)", FM_MAXNODES);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return alias(c, ev, depth);
	case YAML_SCALAR_EVENT:
		return scalar(c, ev);
	case YAML_SEQUENCE_START_EVENT:
		return sequence(c, ev, depth);
	case YAML_MAPPING_START_EVENT:
		return mapping(c, ev, depth);
	default:
		/* libyaml only gives these events here. */
		diag_err(c->path, mline(c, ev->start_mark),
		    mcol(ev->start_mark), "unexpected YAML event");
		yaml_event_delete(ev);
		return NULL;
	}
}

/*
 * Parse YAML text into a new val tree (free with val_free).  path is
 * borrowed for diagnostics; line0 is added to every line.  An empty
 * document gives VAL_NULL; more than one document is an error.  Every
 * error is reported at path:line:col and gives NULL.
 */
struct val *
fm_yaml(const char *path, const char *text, size_t sz, size_t line0)
{
	struct yctx	 c;
	yaml_event_t	 ev;
	struct val	*root = NULL;
	size_t		 i;
	int		 rc = 0;

	memset(&c, 0, sizeof(c));
	c.path = path;
	c.text = text;
	c.textsz = sz;
	c.line0 = line0;
	if (text != NULL)
		utf8_bidi_warn(path, text, sz, line0);
	if (!yaml_parser_initialize(&c.parser)) {
		diag_sys(path, "libyaml: cannot initialise parser");
		return NULL;
	}
	yaml_parser_set_input_string(&c.parser,
	    (const unsigned char *)(text == NULL ? "" : text), sz);
	yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);

	/* STREAM-START, then at most one document, then STREAM-END. */
	if (!next(&c, &ev))
		goto out;
	yaml_event_delete(&ev);
	if (!next(&c, &ev))
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		root = val_new(VAL_NULL);
		rc = 1;
		goto out;
	}
	yaml_event_delete(&ev);		/* DOCUMENT-START */
	if (!next(&c, &ev) || (root = node(&c, &ev, 0)) == NULL)
		goto out;
	if (!next(&c, &ev))		/* DOCUMENT-END */
		goto out;
	yaml_event_delete(&ev);
	if (!next(&c, &ev))
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		diag_err(path, mline(&c, ev.start_mark),
		    mcol(ev.start_mark), "only one YAML document is allowed");
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	rc = 1;
out:
	if (!rc || c.bad) {
		val_free(root);
		root = NULL;
	}
	for (i = 0; i < c.anchorsz; i++) {
		free(c.anchors[i].name);
		val_free(c.anchors[i].v);
	}
	free(c.anchors);
	yaml_parser_delete(&c.parser);
	return root;
}

/*
 * Whether the line at p (ending before end) is, apart from trailing
 * blanks and a carriage return, exactly the three bytes m.  *nl is set
 * to the line's newline, or NULL for a last line without one.
 */
static int
isfence(const char *p, const char *end, const char *m, const char **nl)
{
	const char	*e;

	*nl = memchr(p, '\n', (size_t)(end - p));
	e = *nl == NULL ? end : *nl;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return e - p == 3 && memcmp(p, m, 3) == 0;
}

/*
 * Split a Markdown file into front matter (a new VAL_MAP in *meta,
 * caller frees) and body (*body points into text; *bodyline is the
 * body's first line).  A UTF-8 byte order mark before the opening
 * "---" is skipped.  Returns 0 on error (reported); *meta is then NULL.
 */
int
fm_split(const char *path, const char *text, size_t sz,
    struct val **meta, const char **body, size_t *bodyline)
{
	const char	*end, *p, *nl, *yaml;
	size_t		 line, col;
	struct val	*v;

	*meta = NULL;
	if (text == NULL || sz == 0) {
		diag_err(path, 0, 0, "empty file");
		return 0;
	}
	if (!utf8_valid(text, sz, &line, &col)) {
		diag_err(path, line, col, "invalid UTF-8");
		return 0;
	}
	end = text + sz;
	p = text;
	if (sz >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (!isfence(p, end, "---", &nl)) {
		diag_err(path, 1, 1, "missing front matter: the file must "
		    "start with a line \"---\"");
		return 0;
	}
	yaml = p = nl == NULL ? end : nl + 1;
	line = 2;
	for (;;) {
		if (p >= end) {
			diag_err(path, 1, 1, "front matter opened here is "
			    "not closed with \"---\"");
			return 0;
		}
		if (isfence(p, end, "---", &nl) ||
		    isfence(p, end, "...", &nl))
			break;
		if (nl == NULL)
			p = end;
		else
			p = nl + 1;
		line++;
	}

	/* The YAML's first line is line 2 of the file. */
	if ((v = fm_yaml(path, yaml, (size_t)(p - yaml), 1)) == NULL)
		return 0;
	if (v->type == VAL_NULL) {
		val_free(v);
		v = val_map();
		v->line = 2;
		v->col = 1;
	} else if (v->type != VAL_MAP) {
		diag_err(path, v->line, v->col, "front matter must be a "
		    "mapping of keys to values");
		val_free(v);
		return 0;
	}
	*meta = v;
	*body = nl == NULL ? end : nl + 1;
	*bodyline = line + 1;
	utf8_bidi_warn(path, *body, (size_t)(end - *body), line);
	return 1;
}

/*
 * Writing YAML back (kbgen import): a val tree through libyaml's
 * emitter, so that quoting is libyaml's and the result always parses.
 * Scalars that the loaders would read as something else than the
 * string they hold ("true", "12", "16:00", "~", "") are double-quoted;
 * dates stay plain, as CONTENT.md writes them.  Lists of scalars and
 * maps inside lists of scalars-only maps use flow style when asked.
 */

/* Whether s, written plain, could read as anything but this string. */
static int
ambiguous(const char *s)
{
	static const char *const words[] = { "~", "null", "true", "false",
	    "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
	    ".nan" };
	size_t	 i;
	int	 digit = 0;

	if (*s == '\0')
		return 1;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp_ascii(s, words[i]) == 0)
			return 1;
	if (date_valid(s))
		return 0;
	/* Numbers, hexadecimal, sexagesimal (YAML 1.1 reads 16:00 so). */
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digit = 1;
		else if (strchr("+-._:eExXoObBabcdefABCDEF", s[i]) == NULL)
			return 0;
	}
	return digit;
}

static int
emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return yaml_emitter_emit(em, ev);
}

static int
emit_scalar(yaml_emitter_t *em, const char *s, size_t sz, int quote)
{
	yaml_event_t		 ev;
	yaml_scalar_style_t	 style;

	if (quote)
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	else if (memchr(s, '\n', sz) != NULL)
		style = YAML_LITERAL_SCALAR_STYLE;
	else
		style = YAML_ANY_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)s, (int)sz, 1, 1, style))
		return 0;
	return emit(em, &ev);
}

static int
scalars_only(const struct val *v)
{
	size_t	 i;

	for (i = 0; i < v->kidsz; i++)
		if (v->kids[i]->type == VAL_LIST ||
		    v->kids[i]->type == VAL_MAP)
			return 0;
	return 1;
}

static int
emit_val(yaml_emitter_t *em, const struct val *v, int flow)
{
	yaml_event_t	 ev;
	size_t		 i;
	int		 f;

	switch (v->type) {
	case VAL_NULL:
		return emit_scalar(em, "", 0, 0) ;
	case VAL_BOOL:
		return emit_scalar(em, v->b ? "true" : "false",
		    v->b ? 4 : 5, 0);
	case VAL_NUM:
		return emit_scalar(em, v->str, v->strsz, 0);
	case VAL_STR:
		/* Keep what the author wrote plain, plain. */
		return emit_scalar(em, v->str, v->strsz,
		    memchr(v->str, '\0', v->strsz) != NULL ||
		    (!v->plain && ambiguous(v->str)));
	case VAL_LIST:
		/* A list of scalars reads best as [a, b]. */
		f = flow || scalars_only(v);
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    f ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) ||
		    !emit(em, &ev))
			return 0;
		for (i = 0; i < v->kidsz; i++)
			if (!emit_val(em, v->kids[i], f))
				return 0;
		if (!yaml_sequence_end_event_initialize(&ev))
			return 0;
		return emit(em, &ev);
	case VAL_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    flow ? YAML_FLOW_MAPPING_STYLE :
		    YAML_BLOCK_MAPPING_STYLE) || !emit(em, &ev))
			return 0;
		for (i = 0; i < v->kidsz; i++) {
			if (!emit_scalar(em, v->kids[i]->key,
			    strlen(v->kids[i]->key),
			    ambiguous(v->kids[i]->key)) ||
			    !emit_val(em, v->kids[i], flow))
				return 0;
		}
		if (!yaml_mapping_end_event_initialize(&ev))
			return 0;
		return emit(em, &ev);
	}
	return 0;
}

static int
emit_write(void *arg, unsigned char *p, size_t sz)
{
	buf_put(arg, (const char *)p, sz);
	return 1;
}

/*
 * Append v as one YAML document (block style, no "---" or "..."
 * markers, UTF-8 unescaped, lines unfolded) to out.  Values from
 * fm_yaml keep their plainness; new strings are quoted only when they
 * must be.  Returns 0 on failure (reported against path).
 */
int
fm_emit(const char *path, const struct val *v, struct buf *out)
{
	yaml_emitter_t	 em;
	yaml_event_t	 ev;
	int		 rc = 0;

	if (!yaml_emitter_initialize(&em)) {
		diag_sys(path, "libyaml: cannot initialise emitter");
		return 0;
	}
	yaml_emitter_set_output(&em, emit_write, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    !emit(&em, &ev))
		goto out;
	if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    !emit(&em, &ev))
		goto out;
	if (!emit_val(&em, v, 0))
		goto out;
	if (!yaml_document_end_event_initialize(&ev, 1) || !emit(&em, &ev))
		goto out;
	if (!yaml_stream_end_event_initialize(&ev) || !emit(&em, &ev))
		goto out;
	rc = yaml_emitter_flush(&em);
out:
	if (!rc)
		diag_sys(path, "libyaml: %s", em.problem != NULL ?
		    em.problem : "cannot write YAML");
	yaml_emitter_delete(&em);
	return rc;
}
