/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Mustache templates: the spec's interpolation, sections, inverted
 * sections, comments, set-delimiter tags, partials and inheritance
 * (parents and blocks), standalone-line and indentation rules
 * included.  Lambdas are not supported: our data is a tree of plain
 * values (struct val).
 *
 * Each template is parsed once, when it is added, in two steps: a lexer
 * cuts the text into a flat array of tokens (text and tags, with their
 * positions), matches opening and closing tags, and decides which tags
 * stand alone on their lines and what whitespace that removes; then
 * the tokens become a tree of operations (struct op), which copies
 * the text it needs, so the source is not kept.  Rendering walks that
 * tree with the context stack, the inheritance frames and the
 * indentation on the C stack, so a set is never written during rendering and several
 * threads may render from one set at once.  Partials and parents are
 * looked up by name when rendered, so they may be added in any order.
 *
 * Indentation (of standalone partials, parents and blocks) is applied
 * to the lines of template text as they are written: a line of text
 * that a template emits gets the current indentation in front, unless
 * it is empty; interpolated values are never indented inside.  Lines
 * that a loop repeats are indented on every pass.
 *
 * A block takes the argument of the outermost parent being expanded
 * that passes one of its name (so a child overrides its parent's
 * parent), and blocks in partials of a parent can be overridden too.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "render/render.h"
#include "render/private.h"

/* Partials and parents nested deeper than this are taken as a loop. */
#define TMPL_MAXDEPTH	100

/* Sections nested deeper than this are refused (the C stack). */
#define TMPL_MAXNEST	100

enum tok_type {
	TOK_TEXT,
	TOK_VAR,	/* {{x}} */
	TOK_RAW,	/* {{{x}}} or {{&x}} */
	TOK_SECTION,	/* {{#x}} */
	TOK_INVERTED,	/* {{^x}} */
	TOK_CLOSE,	/* {{/x}} */
	TOK_COMMENT,	/* {{!x}} */
	TOK_PARTIAL,	/* {{>x}} */
	TOK_PARENT,	/* {{<x}} */
	TOK_BLOCK,	/* {{$x}} */
	TOK_DELIM,	/* {{=a b=}} */
};

/*
 * How an expansion (partial, parent, overridden block) is indented.
 */
enum tmpl_ind {
	IND_NONE,	/* inline: keep the current indentation */
	IND_LINE,	/* its line was removed: indent every line */
	IND_INLINE,	/* indentation was left in the text: skip line 1 */
	IND_REBASED,	/* argument block: content already outdented */
};

struct tok {
	enum tok_type	 type;
	size_t		 lo, hi;	/* text bytes, or the whole tag */
	size_t		 tlo, thi;	/* TOK_TEXT: what is kept */
	size_t		 nlo, nhi;	/* tag content (name), trimmed */
	size_t		 line, col;	/* 1-based start of the tag */
	size_t		 match;		/* index of the matching open/close */
	int		 arg;		/* TOK_BLOCK directly inside a parent */
	enum tmpl_ind	 mode;		/* PARTIAL, PARENT, BLOCK */
	size_t		 wlo, whi;	/* indentation bytes for mode */
};

enum op_type {
	TMPL_OP_TEXT,
	TMPL_OP_VAR,		/* escaped interpolation */
	TMPL_OP_RAW,		/* unescaped interpolation */
	TMPL_OP_SECTION,
	TMPL_OP_INVERTED,
	TMPL_OP_PARTIAL,
	TMPL_OP_PARENT,		/* kids are its argument blocks */
	TMPL_OP_BLOCK,		/* kids are its default content */
};

struct op {
	enum op_type	  type;
	char		 *str;	/* TEXT: bytes; else the name; owned */
	size_t		  strsz;	/* length of str */
	char		 *path;	/* dotted name split at NULs; owned */
	char		**segs;	/* into path; segsz 0 for "."; owned */
	uint32_t	 *segh;	/* val_khash of each of segs; owned */
	size_t		  segsz;
	uint64_t	  hash;	/* PARTIAL, PARENT: hash64 of str */
	char		 *ind;	/* indentation to add, owned, may be NULL */
	size_t		  indsz;
	enum tmpl_ind	  mode;	/* PARTIAL, PARENT, BLOCK */
	int		  bol;	/* TEXT: begins at a line start */
	struct op	 *kids;	/* owned */
	size_t		  kidsz;
	size_t		  kidcap;
	size_t		  line;	/* 1-based source position */
	size_t		  col;
};

struct tmpl {
	char		*name;	/* owned */
	uint64_t	 hash;	/* hash64 of name */
	char		*path;	/* for diagnostics, owned, may be NULL */
	struct op	 root;	/* kids are the template's operations */
};

struct tmpl_set {
	struct tmpl	**tab;	/* open addressing, NULL = free slot */
	size_t		  cap;	/* power of two */
	size_t		  n;	/* templates held */
};

struct parser {
	const char	*path;	/* for diagnostics, may be NULL */
	const char	*src;
	size_t		 sz;
	struct tok	*toks;	/* owned */
	size_t		 toksz;
	size_t		 tokcap;
	size_t		 cpos;	/* line counting has reached here */
	size_t		 cline;	/* line of cpos, 1-based */
	size_t		 clstart;	/* offset where that line starts */
};

/* One level of the context stack, innermost first. */
struct ctx {
	const struct val	*v;
	const struct ctx	*up;
};

/* One parent being expanded, innermost first. */
struct frame {
	const struct op		*parent;	/* TMPL_OP_PARENT */
	const char		*path;	/* its template's path */
	const struct frame	*up;
};

struct rstate {
	const struct tmpl_set	*set;
	struct buf		*out;
	struct buf		 ind;	/* current indentation */
	size_t			 pend;	/* ind[pend..] is owed on this line */
	const struct frame	*frames;
	const char		*path;	/* template being rendered */
	size_t			 depth;
};

static int	 render(struct rstate *, const struct op *, size_t,
		    const struct ctx *);

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whitespace that may surround a standalone tag on its line. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Offset of pat in s[from, to), or (size_t)-1.
 */
static size_t
find(const char *s, size_t from, size_t to, const char *pat, size_t patsz)
{
	const char	*p;

	while (from + patsz <= to) {
		p = memchr(s + from, pat[0], to - from - patsz + 1);
		if (p == NULL)
			break;
		from = (size_t)(p - s);
		if (memcmp(p, pat, patsz) == 0)
			return from;
		from++;
	}
	return (size_t)-1;
}

/*
 * Line and column (1-based) of offset off; offsets asked for only
 * grow, so lines are counted once.
 */
static void
parser_pos(struct parser *p, size_t off, size_t *line, size_t *col)
{
	const char	*nl;

	while (p->cpos < off) {
		nl = memchr(p->src + p->cpos, '\n', off - p->cpos);
		if (nl == NULL) {
			p->cpos = off;
			break;
		}
		p->cline++;
		p->cpos = p->clstart = (size_t)(nl - p->src) + 1;
	}
	*line = p->cline;
	*col = off - p->clstart + 1;
}

static struct tok *
tok_add(struct parser *p, enum tok_type type, size_t lo, size_t hi)
{
	struct tok	*t;

	if (p->toksz == p->tokcap) {
		p->tokcap = p->tokcap == 0 ? 64 : p->tokcap * 2;
		p->toks = xreallocarray(p->toks, p->tokcap, sizeof(*p->toks));
	}
	t = &p->toks[p->toksz++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->lo = t->tlo = lo;
	t->hi = t->thi = hi;
	t->match = (size_t)-1;
	return t;
}

/*
 * Parse the inside of a set-delimiter tag, "a b" between the equal
 * signs, into two delimiters pointing into the source.
 */
static int
parse_delims(const char *s, size_t lo, size_t hi, const char **o,
    size_t *osz, const char **c, size_t *csz)
{
	size_t	 i, j;

	for (i = lo; i < hi && is_ws(s[i]); i++)
		continue;
	for (j = i; j < hi && !is_ws(s[j]); j++)
		if (s[j] == '=')
			return 0;
	if (j == i)
		return 0;
	*o = s + i;
	*osz = j - i;
	for (i = j; i < hi && is_ws(s[i]); i++)
		continue;
	for (j = i; j < hi && !is_ws(s[j]); j++)
		if (s[j] == '=')
			return 0;
	if (j == i)
		return 0;
	*c = s + i;
	*csz = j - i;
	for (; j < hi; j++)
		if (!is_ws(s[j]))
			return 0;
	return 1;
}

/*
 * Check a tag's name: not empty, no whitespace, and for names looked
 * up in the context either "." or dot-separated non-empty parts.
 */
static int
check_name(struct parser *p, const struct tok *t)
{
	const char	*s = p->src + t->nlo;
	size_t		 n = t->nhi - t->nlo, i;
	int		 dotted;

	if (t->type == TOK_COMMENT || t->type == TOK_DELIM)
		return 1;
	if (n == 0) {
		diag_err(p->path, t->line, t->col, "empty tag name");
		return 0;
	}
	for (i = 0; i < n; i++)
		if (is_ws(s[i])) {
			diag_err(p->path, t->line, t->col,
			    "tag name \"%.*s\" contains whitespace",
			    (int)n, s);
			return 0;
		}
	/* op_tag copies names as C strings: a NUL would cut them short. */
	if (memchr(s, '\0', n) != NULL) {
		diag_err(p->path, t->line, t->col,
		    "tag name contains a NUL byte");
		return 0;
	}
	dotted = t->type == TOK_VAR || t->type == TOK_RAW ||
	    t->type == TOK_SECTION || t->type == TOK_INVERTED;
	if (!dotted || (n == 1 && s[0] == '.'))
		return 1;
	if (s[0] == '.' || s[n - 1] == '.' || find(s, 0, n, "..", 2) !=
	    (size_t)-1) {
		diag_err(p->path, t->line, t->col,
		    "bad dotted name \"%.*s\"", (int)n, s);
		return 0;
	}
	return 1;
}

/*
 * Cut the source into text and tag tokens, following set-delimiter
 * tags.  Reports the first syntax error and returns 0.
 */
static int
lex(struct parser *p)
{
	const char	*s = p->src, *o = "{{", *c = "}}", *nul;
	size_t		 osz = 2, csz = 2, pos = 0, q, r, e, cl, line, col;
	size_t		 nlo, nhi;
	enum tok_type	 type;
	struct tok	*t;

	while (pos < p->sz) {
		q = find(s, pos, p->sz, o, osz);
		if (q == (size_t)-1) {
			tok_add(p, TOK_TEXT, pos, p->sz);
			break;
		}
		if (q > pos)
			tok_add(p, TOK_TEXT, pos, q);
		parser_pos(p, q, &line, &col);
		r = q + osz;

		/*
		 * The closing delimiter of "{{=" and "{{{" tags must be
		 * preceded by "=" or "}", which the search for the
		 * delimiter alone would miss: "{{{a}}}" has "}}" at "a}".
		 */
		type = TOK_VAR;
		if (r < p->sz && (s[r] == '=' || s[r] == '{')) {
			type = s[r] == '=' ? TOK_DELIM : TOK_RAW;
			for (cl = r + 1; ; cl++) {
				cl = find(s, cl, p->sz, c, csz);
				if (cl == (size_t)-1 ||
				    (cl > r + 1 && s[cl - 1] ==
				    (type == TOK_DELIM ? '=' : '}')))
					break;
			}
			nlo = r + 1;
			nhi = cl - 1;
		} else {
			cl = find(s, r, p->sz, c, csz);
			nlo = r;
			nhi = cl;
			if (cl != (size_t)-1 && r < cl) {
				switch (s[r]) {
				case '&': type = TOK_RAW; break;
				case '#': type = TOK_SECTION; break;
				case '^': type = TOK_INVERTED; break;
				case '/': type = TOK_CLOSE; break;
				case '!': type = TOK_COMMENT; break;
				case '>': type = TOK_PARTIAL; break;
				case '<': type = TOK_PARENT; break;
				case '$': type = TOK_BLOCK; break;
				default: break;
				}
				if (type != TOK_VAR)
					nlo++;
			}
		}
		if (cl == (size_t)-1) {
			diag_err(p->path, line, col,
			    "unclosed tag: \"%.*s\" without \"%s%.*s\"",
			    (int)osz, o, type == TOK_DELIM ? "=" :
			    type == TOK_RAW && s[r] == '{' ? "}" : "",
			    (int)csz, c);
			return 0;
		}
		e = cl + csz;

		/*
		 * Names are copied and split as C strings: a NUL inside
		 * a tag (any tag, comments too) would cut them short.
		 */
		if ((nul = memchr(s + q, '\0', e - q)) != NULL) {
			parser_pos(p, (size_t)(nul - s), &line, &col);
			diag_err(p->path, line, col, "NUL byte in tag");
			return 0;
		}
		t = tok_add(p, type, q, e);
		t->line = line;
		t->col = col;
		if (type == TOK_DELIM) {
			if (!parse_delims(s, nlo, nhi, &o, &osz, &c, &csz)) {
				diag_err(p->path, line, col, "bad delimiters "
				    "in \"%.*s\": want two, without spaces "
				    "or \"=\"", (int)(e - q), s + q);
				return 0;
			}
		} else if (type != TOK_COMMENT) {
			while (nlo < nhi && is_ws(s[nlo]))
				nlo++;
			while (nhi > nlo && is_ws(s[nhi - 1]))
				nhi--;
		}
		t->nlo = nlo;
		t->nhi = nhi;
		if (!check_name(p, t))
			return 0;
		pos = e;
	}
	return 1;
}

static int
tok_name_eq(const struct parser *p, const struct tok *a, const struct tok *b)
{
	return a->nhi - a->nlo == b->nhi - b->nlo &&
	    memcmp(p->src + a->nlo, p->src + b->nlo, a->nhi - a->nlo) == 0;
}

/*
 * Pair every opening tag with its closing tag and mark the blocks that
 * are arguments of a parent.
 */
static int
match(struct parser *p)
{
	size_t		*stack, sp = 0, i, o;
	struct tok	*t;
	int		 rc = 0;

	stack = xcalloc(TMPL_MAXNEST, sizeof(*stack));
	for (i = 0; i < p->toksz; i++) {
		t = &p->toks[i];
		switch (t->type) {
		case TOK_BLOCK:
			t->arg = sp > 0 &&
			    p->toks[stack[sp - 1]].type == TOK_PARENT;
			/* FALLTHROUGH */
		case TOK_SECTION:
		case TOK_INVERTED:
		case TOK_PARENT:
			if (sp == TMPL_MAXNEST) {
				diag_err(p->path, t->line, t->col,
				    "sections nested more than %d deep",
				    TMPL_MAXNEST);
				goto out;
			}
			stack[sp++] = i;
			break;
		case TOK_CLOSE:
			if (sp == 0) {
				diag_err(p->path, t->line, t->col,
				    "closing tag \"%.*s\" without an open "
				    "section", (int)(t->nhi - t->nlo),
				    p->src + t->nlo);
				goto out;
			}
			o = stack[--sp];
			if (!tok_name_eq(p, &p->toks[o], t)) {
				diag_err(p->path, t->line, t->col,
				    "closing tag \"%.*s\" does not match "
				    "\"%.*s\" opened at line %zu",
				    (int)(t->nhi - t->nlo), p->src + t->nlo,
				    (int)(p->toks[o].nhi - p->toks[o].nlo),
				    p->src + p->toks[o].nlo, p->toks[o].line);
				goto out;
			}
			t->match = o;
			p->toks[o].match = i;
			break;
		default:
			break;
		}
	}
	if (sp > 0) {
		t = &p->toks[stack[sp - 1]];
		diag_err(p->path, t->line, t->col,
		    "unclosed %s \"%.*s\" opened here",
		    t->type == TOK_PARENT ? "parent" :
		    t->type == TOK_BLOCK ? "block" : "section",
		    (int)(t->nhi - t->nlo), p->src + t->nlo);
		goto out;
	}
	rc = 1;
out:
	free(stack);
	return rc;
}

/*
 * Whether tag i has only blanks between the start of its line and
 * itself; if so, [*wlo, *whi) are those blanks.  Judged on the source,
 * before any standalone tag trims its neighbours.
 */
static int
left_clear(const struct parser *p, size_t i, size_t *wlo, size_t *whi)
{
	const struct tok	*t;
	size_t			 k;

	if (i == 0) {
		*wlo = *whi = p->toks[i].lo;
		return 1;
	}
	t = &p->toks[i - 1];
	if (t->type != TOK_TEXT)
		return 0;
	for (k = t->hi; k > t->lo && p->src[k - 1] != '\n'; k--)
		if (!is_blank(p->src[k - 1]))
			return 0;
	if (k == t->lo && i - 1 != 0)
		return 0;
	*wlo = k;
	*whi = t->hi;
	return 1;
}

/*
 * Whether tag i has only blanks and then a line end (or the end of the
 * template) after it; if so, *cut is where the next line starts.
 */
static int
right_clear(const struct parser *p, size_t i, size_t *cut)
{
	const struct tok	*t;
	size_t			 k;

	if (i + 1 == p->toksz) {
		*cut = p->toks[i].hi;
		return 1;
	}
	t = &p->toks[i + 1];
	if (t->type != TOK_TEXT)
		return 0;
	for (k = t->lo; k < t->hi && p->src[k] != '\n'; k++)
		if (!is_blank(p->src[k]))
			return 0;
	if (k == t->hi && i + 2 != p->toksz)
		return 0;
	*cut = k < t->hi ? k + 1 : k;
	return 1;
}

/* Drop the blanks before tag i (to the start of its line). */
static void
trim_left(struct parser *p, size_t i, size_t wlo)
{
	if (i > 0 && p->toks[i - 1].thi > wlo)
		p->toks[i - 1].thi = wlo;
}

/* Drop the rest of tag i's line, line end included. */
static void
trim_right(struct parser *p, size_t i, size_t cut)
{
	if (i + 1 < p->toksz && p->toks[i + 1].tlo < cut)
		p->toks[i + 1].tlo = cut;
}

/*
 * The blanks that start the line after tag i, which right_clear()
 * found to end its own line at cut: a block's intrinsic indentation.
 */
static void
next_indent(const struct parser *p, size_t i, size_t cut, size_t *wlo,
    size_t *whi)
{
	size_t	 k, end = i + 1 < p->toksz ? p->toks[i + 1].hi : cut;

	for (k = cut; k < end && (p->src[k] == ' ' || p->src[k] == '\t'); k++)
		continue;
	*wlo = cut;
	*whi = k;
}

/*
 * Apply the standalone rules.  A non-interpolation tag alone on its
 * line (but for blanks) takes that line with it.  Besides, parents and
 * blocks count as standalone when their opening tag starts a line and
 * their closing tag ends one, even on one line ("{{<a}}{{/a}}"): a
 * parent then takes the blanks before it and the line end after it
 * and is indented, and a block outside a parent says how to indent the
 * argument that overrides it.  An argument block (inside a parent)
 * drops the line end after its opening tag and the blanks before its
 * closing tag, and is outdented by the blanks that start its first
 * line.  The whitespace rules of the spec's ~inheritance file, as
 * explained in the spec's whitespace.md.
 */
static void
standalone(struct parser *p)
{
	struct tok	*t, *o;
	size_t		 i, wlo = 0, whi = 0, cut = 0, mwlo, mwhi, mcut;
	int		 l, r;

	for (i = 0; i < p->toksz; i++) {
		t = &p->toks[i];
		if (t->type == TOK_TEXT || t->type == TOK_VAR ||
		    t->type == TOK_RAW)
			continue;
		l = left_clear(p, i, &wlo, &whi);
		r = right_clear(p, i, &cut);
		o = t->type == TOK_CLOSE ? &p->toks[t->match] : NULL;

		if (t->type == TOK_BLOCK && t->arg) {
			if (r) {
				trim_right(p, i, cut);
				next_indent(p, i, cut, &t->wlo, &t->whi);
				t->mode = IND_REBASED;
			}
			continue;
		}
		if (o != NULL && o->type == TOK_BLOCK && o->arg) {
			if (l)
				trim_left(p, i, wlo);
			continue;
		}
		if (t->type == TOK_PARENT && l &&
		    right_clear(p, t->match, &mcut)) {
			trim_left(p, i, wlo);
			trim_right(p, t->match, mcut);
			t->mode = IND_LINE;
			t->wlo = wlo;
			t->whi = whi;
			continue;
		}
		if (o != NULL && o->type == TOK_PARENT && o->mode == IND_LINE)
			continue;
		if (t->type == TOK_BLOCK && l &&
		    right_clear(p, t->match, &mcut)) {
			if (r) {
				t->mode = IND_LINE;
				next_indent(p, i, cut, &mwlo, &mwhi);
				t->wlo = mwlo;
				t->whi = mwhi;
			} else {
				t->mode = IND_INLINE;
				t->wlo = wlo;
				t->whi = whi;
			}
		}
		if (!l || !r)
			continue;
		trim_left(p, i, wlo);
		trim_right(p, i, cut);
		if (t->type == TOK_PARTIAL) {
			t->mode = IND_LINE;
			t->wlo = wlo;
			t->whi = whi;
		}
	}
}

static void
op_free(struct op *op)
{
	size_t	 i;

	for (i = 0; i < op->kidsz; i++)
		op_free(&op->kids[i]);
	free(op->kids);
	free(op->str);
	free(op->path);
	free(op->segs);
	free(op->segh);
	free(op->ind);
}

static struct op *
op_add(struct op *parent, enum op_type type)
{
	struct op	*op;

	if (parent->kidsz == parent->kidcap) {
		parent->kidcap = parent->kidcap == 0 ? 4 :
		    parent->kidcap * 2;
		parent->kids = xreallocarray(parent->kids, parent->kidcap,
		    sizeof(*parent->kids));
	}
	op = &parent->kids[parent->kidsz++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	return op;
}

/*
 * Fill an operation's name, position and indentation from its tag.
 */
static void
op_tag(const struct parser *p, struct op *op, const struct tok *t)
{
	size_t	 i, n;

	op->str = xstrndup(p->src + t->nlo, t->nhi - t->nlo);
	op->strsz = t->nhi - t->nlo;
	op->line = t->line;
	op->col = t->col;
	op->mode = t->mode;
	if (t->whi > t->wlo) {
		op->ind = xstrndup(p->src + t->wlo, t->whi - t->wlo);
		op->indsz = t->whi - t->wlo;
	}
	if (op->type == TMPL_OP_PARTIAL || op->type == TMPL_OP_PARENT)
		op->hash = hash64(op->str, op->strsz, 0);
	if (op->type != TMPL_OP_VAR && op->type != TMPL_OP_RAW &&
	    op->type != TMPL_OP_SECTION && op->type != TMPL_OP_INVERTED)
		return;
	if (strcmp(op->str, ".") == 0)
		return;
	op->path = xstrndup(op->str, op->strsz);
	for (n = 1, i = 0; i < op->strsz; i++)
		if (op->path[i] == '.')
			n++;
	op->segs = xcalloc(n, sizeof(*op->segs));
	op->segs[op->segsz++] = op->path;
	for (i = 0; i < op->strsz; i++)
		if (op->path[i] == '.') {
			op->path[i] = '\0';
			op->segs[op->segsz++] = op->path + i + 1;
		}
	op->segh = xcalloc(n, sizeof(*op->segh));
	for (i = 0; i < op->segsz; i++)
		op->segh[i] = val_khash(op->segs[i]);
}

/*
 * Remove pre from the start of every line of the operations (and of
 * the indentation they add), for an argument block whose first line
 * shows that its content is indented by pre.  Argument blocks of
 * nested parents that were outdented on their own are left alone.
 */
static void
dedent(struct op *ops, size_t n, const char *pre, size_t presz)
{
	struct op	*op;
	size_t		 i, r, w;
	int		 bol;

	for (i = 0; i < n; i++) {
		op = &ops[i];
		if (op->ind != NULL && op->indsz >= presz &&
		    memcmp(op->ind, pre, presz) == 0) {
			memmove(op->ind, op->ind + presz,
			    op->indsz - presz + 1);
			op->indsz -= presz;
		}
		switch (op->type) {
		case TMPL_OP_TEXT:
			bol = op->bol;
			for (r = w = 0; r < op->strsz; ) {
				if (bol && op->strsz - r >= presz &&
				    memcmp(op->str + r, pre, presz) == 0)
					r += presz;
				bol = 0;
				while (r < op->strsz && !bol) {
					bol = op->str[r] == '\n';
					op->str[w++] = op->str[r++];
				}
			}
			op->str[w] = '\0';
			op->strsz = w;
			break;
		case TMPL_OP_BLOCK:
			if (op->mode == IND_REBASED)
				break;
			/* FALLTHROUGH */
		case TMPL_OP_SECTION:
		case TMPL_OP_INVERTED:
		case TMPL_OP_PARENT:
			dedent(op->kids, op->kidsz, pre, presz);
			break;
		default:
			break;
		}
	}
}

/*
 * Append the kept part of a text token to parent, merging it with a
 * text operation just before it.
 */
static void
build_text(const struct parser *p, struct op *parent, const struct tok *t)
{
	struct op	*op = NULL;
	size_t		 n = t->thi - t->tlo;

	if (t->thi <= t->tlo)
		return;
	if (parent->kidsz > 0 &&
	    parent->kids[parent->kidsz - 1].type == TMPL_OP_TEXT)
		op = &parent->kids[parent->kidsz - 1];
	if (op == NULL) {
		op = op_add(parent, TMPL_OP_TEXT);
		op->bol = t->tlo == 0 || p->src[t->tlo - 1] == '\n';
		op->str = xstrndup(p->src + t->tlo, n);
		op->strsz = n;
		return;
	}
	if (op->strsz == 0)
		op->bol = t->tlo == 0 || p->src[t->tlo - 1] == '\n';
	op->str = xrealloc(op->str, op->strsz + n + 1);
	memcpy(op->str + op->strsz, p->src + t->tlo, n);
	op->strsz += n;
	op->str[op->strsz] = '\0';
}

/*
 * Build the operations of tokens [from, to) into parent's kids.
 */
static void
build(const struct parser *p, struct op *parent, size_t from, size_t to)
{
	const struct tok	*t, *a;
	struct op		*op, *arg;
	size_t			 i, j;

	for (i = from; i < to; i++) {
		t = &p->toks[i];
		switch (t->type) {
		case TOK_TEXT:
			build_text(p, parent, t);
			break;
		case TOK_VAR:
		case TOK_RAW:
			op = op_add(parent, t->type == TOK_VAR ?
			    TMPL_OP_VAR : TMPL_OP_RAW);
			op_tag(p, op, t);
			break;
		case TOK_SECTION:
		case TOK_INVERTED:
		case TOK_BLOCK:
			op = op_add(parent, t->type == TOK_SECTION ?
			    TMPL_OP_SECTION : t->type == TOK_INVERTED ?
			    TMPL_OP_INVERTED : TMPL_OP_BLOCK);
			op_tag(p, op, t);
			build(p, op, i + 1, t->match);
			i = t->match;
			break;
		case TOK_PARTIAL:
			op = op_add(parent, TMPL_OP_PARTIAL);
			op_tag(p, op, t);
			break;
		case TOK_PARENT:
			op = op_add(parent, TMPL_OP_PARENT);
			op_tag(p, op, t);

			/*
			 * Only the blocks directly inside count; text and
			 * other tags there are ignored, as the spec says.
			 */
			for (j = i + 1; j < t->match; j++) {
				a = &p->toks[j];
				if (a->type == TOK_BLOCK) {
					arg = op_add(op, TMPL_OP_BLOCK);
					op_tag(p, arg, a);
					build(p, arg, j + 1, a->match);
					if (arg->indsz > 0)
						dedent(arg->kids, arg->kidsz,
						    arg->ind, arg->indsz);
				} else if (a->type != TOK_TEXT &&
				    a->type != TOK_COMMENT &&
				    a->type != TOK_DELIM)
					diag_warn(p->path, a->line, a->col,
					    "tag inside parent \"%s\" but "
					    "outside a block is ignored",
					    op->str);
				if (a->match != (size_t)-1)
					j = a->match;
			}
			i = t->match;
			break;
		default:
			break;
		}
	}
}

/*
 * Parse text into a new template, or NULL after reporting a syntax
 * error.
 */
static struct tmpl *
parse_template(const char *name, const char *text, size_t sz, const char *path)
{
	struct parser	 p;
	struct tmpl	*t = NULL;

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.src = text;
	p.sz = sz;
	p.cline = 1;
	if (!lex(&p) || !match(&p))
		goto out;
	standalone(&p);
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->hash = hash64(name, strlen(name), 0);
	t->path = path == NULL ? NULL : xstrdup(path);
	build(&p, &t->root, 0, p.toksz);
out:
	free(p.toks);
	return t;
}

static void
free_template(struct tmpl *t)
{
	if (t == NULL)
		return;
	op_free(&t->root);
	free(t->name);
	free(t->path);
	free(t);
}

/*
 * A new empty set of templates; free with tmpl_set_free.
 */
struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set	*set = xcalloc(1, sizeof(*set));

	set->cap = 16;
	set->tab = xcalloc(set->cap, sizeof(*set->tab));
	return set;
}

/*
 * Free a set and every template in it; NULL is fine.
 */
void
tmpl_set_free(struct tmpl_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->cap; i++)
		free_template(set->tab[i]);
	free(set->tab);
	free(set);
}

/* The slot of name in the table: its template or the free slot. */
static size_t
set_slot(const struct tmpl_set *set, const char *name, uint64_t h)
{
	size_t	 i = (size_t)h & (set->cap - 1);

	while (set->tab[i] != NULL && (set->tab[i]->hash != h ||
	    strcmp(set->tab[i]->name, name) != 0))
		i = (i + 1) & (set->cap - 1);
	return i;
}

static const struct tmpl *
set_find(const struct tmpl_set *set, const char *name, uint64_t h)
{
	return set->tab[set_slot(set, name, h)];
}

static void
set_grow(struct tmpl_set *set)
{
	struct tmpl	**old = set->tab;
	size_t		  oldcap = set->cap, i;

	set->cap *= 2;
	set->tab = xcalloc(set->cap, sizeof(*set->tab));
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			set->tab[set_slot(set, old[i]->name,
			    old[i]->hash)] = old[i];
	free(old);
}

/*
 * Parse text (sz bytes, copied) as template name and add it to the
 * set, replacing a template of that name.  Syntax errors are reported
 * at path:line:col and give 0, leaving the set as it was.
 */
int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *text,
    size_t sz, const char *path)
{
	struct tmpl	*t;
	size_t		 i;

	if ((t = parse_template(name, text, sz, path)) == NULL)
		return 0;
	if ((set->n + 1) * 2 > set->cap)
		set_grow(set);
	i = set_slot(set, t->name, t->hash);
	if (set->tab[i] == NULL)
		set->n++;
	free_template(set->tab[i]);
	set->tab[i] = t;
	return 1;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Add every "*.mustache" file of dir, named by its file name without
 * the extension, in name order.  Returns 0 if the folder cannot be
 * read or any file failed (every failure is reported).
 */
int
tmpl_set_load_dir(struct tmpl_set *set, const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		**names = NULL, *path, *text, *name;
	size_t		 namesz = 0, namecap = 0, len, sz, i;
	int		 rc = 1;

	if ((d = opendir(dir)) == NULL) {
		diag_sys(dir, "%s", strerror(errno));
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 9 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 9, ".mustache") != 0)
			continue;
		if (namesz == namecap) {
			namecap = namecap == 0 ? 16 : namecap * 2;
			names = xreallocarray(names, namecap,
			    sizeof(*names));
		}
		names[namesz++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (names != NULL)
		xqsort(names, namesz, sizeof(*names), namecmp);
	for (i = 0; i < namesz; i++) {
		path = path_join(dir, names[i]);
		if (stat(path, &st) == -1) {
			diag_sys(path, "%s", strerror(errno));
			rc = 0;
		} else if (S_ISREG(st.st_mode)) {
			if (!file_read_input(path, MAX_FILE_SIZE, &text, &sz))
				rc = 0;
			else {
				name = xstrndup(names[i],
				    strlen(names[i]) - 9);
				if (!tmpl_set_add(set, name, text, sz, path))
					rc = 0;
				free(name);
				free(text);
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * Write the indentation still owed on this line: all of it at a line
 * start, less what the template wrote itself before an inline block.
 */
static void
put_ind(struct rstate *rs)
{
	if (rs->pend < rs->ind.sz)
		buf_put(rs->out, rs->ind.data + rs->pend,
		    rs->ind.sz - rs->pend);
	rs->pend = rs->ind.sz;
}

/*
 * Write template text, indenting each line but the empty ones.  With
 * no indentation there is nothing to track: pend stays 0.
 */
static void
put_text(struct rstate *rs, const char *s, size_t n)
{
	const char	*nl;
	size_t		 i = 0, j;

	if (rs->ind.sz == 0) {
		buf_put(rs->out, s, n);
		return;
	}
	while (i < n) {
		if (s[i] != '\n' &&
		    !(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			put_ind(rs);
		nl = memchr(s + i, '\n', n - i);
		j = nl == NULL ? n : (size_t)(nl - s) + 1;
		buf_put(rs->out, s + i, j - i);
		if (nl != NULL)
			rs->pend = 0;
		i = j;
	}
}

/*
 * Write an interpolated value (escaped unless raw).  Its own line ends
 * get no indentation.
 */
static void
put_val(struct rstate *rs, const struct val *v, int raw)
{
	const char	*s;
	size_t		 n;

	if (v == NULL)
		return;
	switch (v->type) {
	case VAL_STR:
	case VAL_NUM:
		s = v->str == NULL ? "" : v->str;
		n = v->str == NULL ? 0 : v->strsz;
		break;
	case VAL_BOOL:
		s = v->b ? "true" : "false";
		n = strlen(s);
		break;
	default:
		return;
	}
	if (n == 0)
		return;
	put_ind(rs);
	if (raw)
		buf_put(rs->out, s, n);
	else
		buf_html(rs->out, s, n);
}

/*
 * Resolve a (dotted) name: the first part in the innermost context
 * that has it, the others inside what that gave.
 */
static const struct val *
lookup(const struct ctx *c, const struct op *op)
{
	const struct val	*v = NULL;
	size_t			 i;

	if (op->segsz == 0)
		return c->v;
	for (; c != NULL; c = c->up)
		if ((v = val_get_h(c->v, op->segs[0], op->segh[0])) != NULL)
			break;
	for (i = 1; v != NULL && i < op->segsz; i++)
		v = val_get_h(v, op->segs[i], op->segh[i]);
	return v;
}

/* Go back to the indentation of sz bytes. */
static void
ind_pop(struct rstate *rs, size_t sz)
{
	rs->ind.sz = sz;
	if (rs->pend > sz)
		rs->pend = sz;
}

/*
 * Render template t (a partial or parent) with the indentation of op
 * added.
 */
static int
render_tmpl(struct rstate *rs, const struct tmpl *t, const struct op *op,
    const struct ctx *c)
{
	const char	*path = rs->path;
	size_t		 indsz = rs->ind.sz;
	int		 rc;

	if (rs->depth >= TMPL_MAXDEPTH) {
		diag_err(rs->path, op->line, op->col, "\"%s\" nested more "
		    "than %d deep: recursive template?", op->str,
		    TMPL_MAXDEPTH);
		return 0;
	}
	if (op->mode == IND_LINE)
		buf_put(&rs->ind, op->ind == NULL ? "" : op->ind, op->indsz);
	rs->depth++;
	rs->path = t->path;
	rc = render(rs, t->root.kids, t->root.kidsz, c);
	rs->path = path;
	rs->depth--;
	ind_pop(rs, indsz);
	return rc;
}

/*
 * Render a block: the argument of the outermost parent being expanded
 * that passes one of its name, else its own content.
 */
static int
render_block(struct rstate *rs, const struct op *op, const struct ctx *c)
{
	const struct frame	*f, *from = NULL;
	const struct op		*arg = NULL, *a;
	const char		*path = rs->path;
	size_t			 i, indsz = rs->ind.sz;
	int			 rc;

	for (f = rs->frames; f != NULL; f = f->up)
		for (i = 0; i < f->parent->kidsz; i++) {
			a = &f->parent->kids[i];
			if (strcmp(a->str, op->str) == 0) {
				arg = a;
				from = f;
				break;
			}
		}
	if (arg == NULL)
		return render(rs, op->kids, op->kidsz, c);
	/*
	 * An argument that holds its own block, inside a parent of its
	 * own, would expand itself for ever: count it as nesting.
	 */
	if (rs->depth >= TMPL_MAXDEPTH) {
		diag_err(rs->path, op->line, op->col, "block \"%s\" nested "
		    "more than %d deep: recursive template?", op->str,
		    TMPL_MAXDEPTH);
		return 0;
	}
	/*
	 * An inline block's indentation is already written on its
	 * first line, by the template text before it.
	 */
	if (op->mode == IND_LINE || op->mode == IND_INLINE)
		buf_put(&rs->ind, op->ind == NULL ? "" : op->ind, op->indsz);
	if (op->mode == IND_INLINE && rs->pend >= indsz)
		rs->pend = rs->ind.sz;
	rs->path = from->path;
	rs->depth++;
	rc = render(rs, arg->kids, arg->kidsz, c);
	rs->depth--;
	rs->path = path;
	ind_pop(rs, indsz);
	return rc;
}

/*
 * Render operations against the context stack c.
 */
static int
render(struct rstate *rs, const struct op *ops, size_t n,
    const struct ctx *c)
{
	const struct op		*op;
	const struct val	*v;
	const struct tmpl	*t;
	struct ctx		 sub;
	struct frame		 f;
	size_t			 i, k;
	int			 rc;

	for (i = 0; i < n; i++) {
		op = &ops[i];
		switch (op->type) {
		case TMPL_OP_TEXT:
			put_text(rs, op->str, op->strsz);
			break;
		case TMPL_OP_VAR:
		case TMPL_OP_RAW:
			put_val(rs, lookup(c, op), op->type == TMPL_OP_RAW);
			break;
		case TMPL_OP_SECTION:
			v = lookup(c, op);
			if (!val_truthy(v))
				break;
			sub.up = c;
			if (v->type != VAL_LIST) {
				sub.v = v;
				if (!render(rs, op->kids, op->kidsz, &sub))
					return 0;
				break;
			}
			for (k = 0; k < v->kidsz; k++) {
				sub.v = v->kids[k];
				if (!render(rs, op->kids, op->kidsz, &sub))
					return 0;
			}
			break;
		case TMPL_OP_INVERTED:
			if (!val_truthy(lookup(c, op)) &&
			    !render(rs, op->kids, op->kidsz, c))
				return 0;
			break;
		case TMPL_OP_PARTIAL:
			t = set_find(rs->set, op->str, op->hash);
			if (t != NULL && !render_tmpl(rs, t, op, c))
				return 0;
			break;
		case TMPL_OP_PARENT:
			if ((t = set_find(rs->set, op->str, op->hash)) == NULL)
				break;
			f.parent = op;
			f.path = rs->path;
			f.up = rs->frames;
			rs->frames = &f;
			rc = render_tmpl(rs, t, op, c);
			rs->frames = f.up;
			if (!rc)
				return 0;
			break;
		case TMPL_OP_BLOCK:
			if (!render_block(rs, op, c))
				return 0;
			break;
		}
	}
	return 1;
}

/*
 * Render template name against ctx (may be NULL), appending to out.
 * The set is only read, so threads may share it.  A missing partial or
 * parent renders as empty; a missing template, or partials nested
 * past TMPL_MAXDEPTH, are reported and give 0, and out may then hold
 * part of the output.
 */
int
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct val *ctx, struct buf *out)
{
	const struct tmpl	*t;
	struct rstate		 rs;
	struct ctx		 root;
	int			 rc;

	t = set_find(set, name, hash64(name, strlen(name), 0));
	if (t == NULL) {
		diag_err(NULL, 0, 0, "no template \"%s\"", name);
		return 0;
	}
	memset(&rs, 0, sizeof(rs));
	rs.set = set;
	rs.out = out;
	rs.path = t->path;
	root.v = ctx;
	root.up = NULL;
	rc = render(&rs, t->root.kids, t->root.kidsz, &root);
	buf_free(&rs.ind);
	return rc;
}
