/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Markdown to HTML.  This is the only file that includes cmark-gfm.
 * The body of a page is parsed as CommonMark with the GFM table,
 * strikethrough, autolink, tagfilter and tasklist extensions, then a
 * few passes run over the tree before it is rendered:
 *
 *  - link and image destinations that are relative go through the
 *    caller's resolver (internal links become site URLs, and the
 *    resolver reports broken ones at path:line:col);
 *  - unless the page is trusted, javascript:, vbscript:, file: and
 *    data: destinations become "#" (cmark-gfm's safe mode also drops
 *    raw HTML; we check URLs ourselves as well so that the rule does
 *    not hang on the library's defaults);
 *  - bidirectional controls in text and code are balanced;
 *  - every heading gets an id from its text, unique in the page.
 *
 * Markdown itself cannot fail; nothing here reports errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "model/private.h"

/* One used heading id and the next suffix to try after it. */
struct slot {
	char		*id;	/* owned, NULL when the slot is free */
	size_t		 next;	/* next "-N" to try for this id */
};

/* Open-addressing set of the heading ids used in one document. */
struct idset {
	struct slot	*slots;	/* owned */
	size_t		 cap;	/* a power of two */
	size_t		 n;
};

/* What the tree passes need besides the tree. */
struct mdctx {
	const struct md_opts	*opts;	/* borrowed */
	const char		*text;	/* the Markdown, borrowed */
	size_t			 sz;
	size_t			*lines;	/* offsets of line starts, owned */
	size_t			 linesz;	/* 0 until needed */
	cmark_node		*memoblk;	/* inline_col's last block, */
	size_t			 memoline;	/* line */
	size_t			 memofirst;	/* and first inline's column */
};

static const char *const exts[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist",
};

static pthread_once_t	 once = PTHREAD_ONCE_INIT;

static void
registerext(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static int
isblock(cmark_node *n)
{
	return (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) ==
	    CMARK_NODE_TYPE_BLOCK;
}

static int
isalnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static unsigned char
lower_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Append the plain text of the inlines under n: text, code, breaks. */
static void
plain(struct buf *b, cmark_node *n)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*cur;
	const char		*lit;

	it = cmark_iter_new(n);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cur = cmark_iter_get_node(it);
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(cur)) != NULL)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/*
 * Non-ASCII characters that separate words like ASCII punctuation
 * does: Latin-1 punctuation and signs, general punctuation through the
 * symbol blocks (dashes, quotes, arrows, maths), CJK and full-width
 * punctuation, and emoji.  Everything else, letters of any script in
 * particular, is kept.
 */
static int
isseparator(unsigned long cp)
{
	return cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || cp == 0xfffd ||
	    (cp >= 0x2000 && cp <= 0x2bff) ||
	    (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff0f) ||
	    (cp >= 0x1f000 && cp <= 0x1faff);
}

/*
 * Lower-case the capitals of the Latin-1, Latin Extended-A, Greek and
 * Cyrillic blocks, which covers most European headings; other letters
 * are kept as they are.
 */
static unsigned long
lower_cp(unsigned long cp)
{
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp == 0x178)
		return 0xff;
	if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177)) &&
	    cp % 2 == 0 && cp != 0x130)
		return cp + 1;
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) &&
	    cp % 2 == 1)
		return cp + 1;
	return cp;
}

/*
 * Heading text to an id: letters lower-cased (ASCII, and the European
 * capitals lower_cp knows), digits and other non-ASCII letters kept,
 * every run of anything else one '-', none at either end; a byte of
 * malformed UTF-8 counts as anything else.  Only those characters
 * appear, each encoded anew, so the id needs no escaping in an
 * attribute.
 */
static void
slug(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 i, len, n = strlen(s);
	int			 dash = 0;
	char			 u[4];

	for (i = 0; i < n; i += len) {
		len = 1;
		cp = p[i];
		/*
		 * Bodies are checked before they get here, but not every
		 * caller's text is: a malformed byte is U+FFFD (a
		 * separator), and the bytes after it are read afresh.
		 */
		if (p[i] >= 0x80 &&
		    (cp = utf8_decode(s + i, n - i, &len)) == UTF8_BAD)
			cp = 0xfffd;
		if (p[i] < 0x80 ? !isalnum_ascii(p[i]) : isseparator(cp)) {
			dash = 1;
			continue;
		}
		if (dash && b->sz > 0)
			buf_putc(b, '-');
		dash = 0;
		if (p[i] < 0x80)
			buf_putc(b, (char)lower_ascii(p[i]));
		else
			buf_put(b, u, utf8_encode(u, (uint32_t)lower_cp(cp)));
	}
	if (b->sz == 0)
		buf_puts(b, "section");
}

static struct slot *
idset_find(struct idset *set, const char *id)
{
	size_t	 i;

	i = hash64(id, strlen(id), 0) & (set->cap - 1);
	while (set->slots[i].id != NULL && strcmp(set->slots[i].id, id) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slots[i];
}

/* Add id (taken over) to the set, which must not hold it yet. */
static void
idset_add(struct idset *set, char *id)
{
	struct slot	*old, *s;
	size_t		 i, oldcap;

	if (2 * (set->n + 1) > set->cap) {
		old = set->slots;
		oldcap = set->cap;
		set->cap = oldcap == 0 ? 16 : oldcap * 2;
		set->slots = xcalloc(set->cap, sizeof(*set->slots));
		for (i = 0; i < oldcap; i++)
			if (old[i].id != NULL)
				*idset_find(set, old[i].id) = old[i];
		free(old);
	}
	s = idset_find(set, id);
	s->id = id;
	s->next = 1;
	set->n++;
}

static void
idset_free(struct idset *set)
{
	size_t	 i;

	for (i = 0; i < set->cap; i++)
		free(set->slots[i].id);
	free(set->slots);
}

/*
 * Make base unique in the set ("intro", then "intro-1", "intro-2"),
 * record it and return it (owned by the set).
 */
static const char *
idset_unique(struct idset *set, const char *base)
{
	struct slot	*s;
	char		*id;
	size_t		 n;

	if (set->cap == 0 || (s = idset_find(set, base))->id == NULL) {
		id = xstrdup(base);
		idset_add(set, id);
		return id;
	}
	/* A "-N" may be taken by a heading that was written so. */
	for (n = s->next; ; n++) {
		id = xasprintf("%s-%zu", base, n);
		if (idset_find(set, id)->id == NULL)
			break;
		free(id);
	}
	/* idset_add may move the slots: look the base up again after. */
	idset_add(set, id);
	idset_find(set, base)->next = n + 1;
	return id;
}

/*
 * A bump allocator for cmark-gfm, one per md_render call: a document
 * makes thousands of small allocations that all die together, and
 * malloc's bookkeeping for them cost as much as parsing.  cmark's
 * allocator callbacks take no argument, so the arena of the document
 * being rendered is found through a thread-local pointer.  (cmark-gfm's
 * own arena.c is process-wide, hence not used.)
 */
struct chunk {
	struct chunk	*next;
	size_t		 used;	/* bytes of data used */
	size_t		 cap;	/* bytes of data */
	max_align_t	 data[];
};

struct arena {
	struct chunk	*head;	/* the chunk being filled */
	char		*last;	/* the newest allocation, may grow in place */
};

static _Thread_local struct arena *cur_arena;

#define ARENA_CHUNK	(60 * 1024)
#define ARENA_ALIGN	sizeof(max_align_t)
#define ARENA_HDR	ARENA_ALIGN	/* holds the allocation's size */

static size_t
round_up(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk	*c = a->head;
	size_t		 need = ARENA_HDR + round_up(n == 0 ? 1 : n), cap;
	char		*p;

	if (c == NULL || c->cap - c->used < need) {
		cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + cap);
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memcpy(p, &n, sizeof(n));
	a->last = p + ARENA_HDR;
	return a->last;
}

static void *
mem_calloc(size_t nmemb, size_t size)
{
	void	*p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		abort();
	p = arena_alloc(cur_arena, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

static void *
mem_realloc(void *p, size_t n)
{
	struct arena	*a = cur_arena;
	struct chunk	*c = a->head;
	size_t		 old, grow;
	void		*q;

	if (p == NULL)
		return arena_alloc(a, n);
	memcpy(&old, (char *)p - ARENA_HDR, sizeof(old));
	if (n <= old)
		return p;
	/* The newest allocation grows where it is when there is room. */
	grow = round_up(n) - round_up(old == 0 ? 1 : old);
	if (p == a->last && c->cap - c->used >= grow) {
		c->used += grow;
		memcpy((char *)p - ARENA_HDR, &n, sizeof(n));
		return p;
	}
	q = arena_alloc(a, n);
	memcpy(q, p, old);
	return q;
}

static void
mem_free(void *p)
{
	/* Everything goes when the document is done. */
	(void)p;
}

static void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->last = NULL;
}

static cmark_mem arena_mem = { mem_calloc, mem_realloc, mem_free };

/*
 * Replace heading h by a custom block holding a custom inline that
 * prints the tags with the id, and move the heading's inlines into it.
 * The renderer prints custom nodes' text whatever the safe mode, and
 * around a custom block exactly the line breaks it prints around a
 * heading.  The unlinked heading must outlive rendering: its inlines'
 * text points into its content buffer.
 */
static void
heading_id(cmark_node *h, const char *id)
{
	cmark_node	*blk, *inl, *kid;
	char		*tag;
	int		 level, rc;

	level = cmark_node_get_heading_level(h);
	blk = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, &arena_mem);
	inl = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, &arena_mem);
	rc = cmark_node_append_child(blk, inl);
	assert(rc);
	tag = xasprintf("<h%d id=\"%s\">", level, id);
	cmark_node_set_on_enter(inl, tag);
	free(tag);
	tag = xasprintf("</h%d>", level);
	cmark_node_set_on_exit(inl, tag);
	free(tag);
	while ((kid = cmark_node_first_child(h)) != NULL) {
		rc = cmark_node_append_child(inl, kid);
		assert(rc);
	}
	rc = cmark_node_replace(h, blk);
	assert(rc);
	(void)rc;
}


/*
 * Whether url has a scheme ("x:"), starts with '/', '#' or '?', or is
 * empty: anything else is relative to the page.
 */
static int
isrelative(const char *url)
{
	const char	*p = url;

	if (*p == '\0' || *p == '/' || *p == '#' || *p == '?')
		return 0;
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
		for (p++; isalnum_ascii((unsigned char)*p) || *p == '+' ||
		    *p == '-' || *p == '.'; p++)
			continue;
		if (*p == ':')
			return 0;
	}
	return 1;
}

/*
 * Whether url has a scheme that runs code or reads local files.  Like
 * browsers, ignore leading spaces and control characters and tabs or
 * newlines anywhere, and compare without case.  Images may use data:
 * with a raster image type.
 */
static int
isdangerous(const char *url, int image)
{
	static const char *const bad[] = {
		"javascript:", "vbscript:", "file:",
	};
	static const char *const okimg[] = {
		"data:image/png", "data:image/gif", "data:image/jpeg",
		"data:image/webp",
	};
	const unsigned char	*p = (const unsigned char *)url;
	char			 s[32];
	size_t			 n = 0, i, len;

	while (*p != '\0' && (*p <= 0x20 || *p == 0x7f))
		p++;
	for (; *p != '\0' && n < sizeof(s) - 1; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			s[n++] = (char)lower_ascii(*p);
	s[n] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strncmp(s, bad[i], strlen(bad[i])) == 0)
			return 1;
	if (strncmp(s, "data:", 5) != 0)
		return 0;
	if (!image)
		return 1;
	for (i = 0; i < sizeof(okimg) / sizeof(okimg[0]); i++) {
		len = strlen(okimg[i]);
		if (strncmp(s, okimg[i], len) == 0 &&
		    (s[len] == ';' || s[len] == ','))
			return 0;
	}
	return 1;
}

/* The offset in the text of 1-based line n, or sz past the end. */
static size_t
linestart(struct mdctx *c, size_t n)
{
	size_t	 i, cap = 64;

	if (c->linesz == 0) {
		/* cmark-gfm ends lines at "\n", "\r\n" or a lone "\r". */
		c->lines = xreallocarray(NULL, cap, sizeof(*c->lines));
		c->lines[c->linesz++] = 0;
		for (i = 0; i < c->sz; i++) {
			if (c->text[i] != '\n' && (c->text[i] != '\r' ||
			    (i + 1 < c->sz && c->text[i + 1] == '\n')))
				continue;
			if (c->linesz == cap) {
				cap *= 2;
				c->lines = xreallocarray(c->lines, cap,
				    sizeof(*c->lines));
			}
			c->lines[c->linesz++] = i + 1;
		}
	}
	return n >= 1 && n <= c->linesz ? c->lines[n - 1] : c->sz;
}

/* The node before x in document order, within blk; NULL at blk. */
static cmark_node *
backward(cmark_node *x, cmark_node *blk)
{
	cmark_node	*p;

	if ((p = cmark_node_previous(x)) != NULL) {
		while (cmark_node_last_child(p) != NULL)
			p = cmark_node_last_child(p);
		return p;
	}
	p = cmark_node_parent(x);
	return p == blk ? NULL : p;
}

/*
 * The column of inline n, which cmark-gfm gives as line, col.  On the
 * second and later lines of a paragraph or heading, cmark-gfm counts
 * columns in the content left once container markers and leading
 * blanks are stripped, from an origin that varies (lazy lines differ).
 * The origin is the same for every inline of the line, so measure n
 * from the line's first inline (the one after the line break) and put
 * that at the first character of the source line that is not a blank
 * or '>' (a continuation line cannot start its content with '>': that
 * would open a block quote).  The first inline's column is remembered
 * for the next links of the same line, so long lines stay linear.
 */
static size_t
inline_col(struct mdctx *c, cmark_node *n, size_t line, size_t col)
{
	cmark_node	*blk, *x;
	size_t		 first = 0, off, start, end;

	for (blk = n; blk != NULL && !isblock(blk);
	    blk = cmark_node_parent(blk))
		continue;
	if (blk == NULL || cmark_node_get_start_line(blk) <= 0 ||
	    (size_t)cmark_node_get_start_line(blk) >= line)
		return col;
	if (c->memoblk == blk && c->memoline == line)
		first = c->memofirst;
	else {
		for (x = n; x != NULL; x = backward(x, blk)) {
			if (cmark_node_get_type(x) == CMARK_NODE_SOFTBREAK ||
			    cmark_node_get_type(x) == CMARK_NODE_LINEBREAK)
				break;
			if (cmark_node_get_start_column(x) > 0)
				first = (size_t)cmark_node_get_start_column(x);
		}
		if (x == NULL)
			return col;
		c->memoblk = blk;
		c->memoline = line;
		c->memofirst = first;
	}
	if (first == 0 || first > col)
		return col;
	start = linestart(c, line);
	end = linestart(c, line + 1);
	for (off = start; off < end && (c->text[off] == ' ' ||
	    c->text[off] == '\t' || c->text[off] == '>'); off++)
		continue;
	return off - start + 1 + (col - first);
}

/* Resolve and check the destination of link or image n. */
static void
fixurl(struct mdctx *c, cmark_node *n)
{
	const struct md_opts	*opts = c->opts;
	cmark_node		*at, *kid;
	const char		*url;
	char			*nurl;
	size_t			 line, col;

	if ((url = cmark_node_get_url(n)) == NULL)
		return;
	if (opts->resolve != NULL && isrelative(url)) {
		/* Inlines made by extensions may lack a position. */
		for (at = n; at != NULL &&
		    cmark_node_get_start_line(at) <= 0;
		    at = cmark_node_parent(at))
			continue;
		line = col = 0;
		if (at != NULL) {
			line = (size_t)cmark_node_get_start_line(at);
			col = (size_t)cmark_node_get_start_column(at);
			/*
			 * cmark-gfm gives a link whose text spans lines
			 * the line of its end; its text knows better.
			 */
			kid = cmark_node_first_child(n);
			if (at == n && kid != NULL &&
			    cmark_node_get_start_line(kid) > 0 &&
			    (size_t)cmark_node_get_start_line(kid) < line)
				line = (size_t)cmark_node_get_start_line(kid);
			if (at == n)
				col = inline_col(c, n, line, col);
			line += opts->line0;
		}
		nurl = opts->resolve(opts->arg, url, line, col);
		if (nurl != NULL) {
			cmark_node_set_url(n, nurl);
			free(nurl);
		}
		url = cmark_node_get_url(n);
	}
	if (!opts->unsafe && isdangerous(url,
	    cmark_node_get_type(n) == CMARK_NODE_IMAGE))
		cmark_node_set_url(n, "#");
}

/*
 * The literal of a text or code node with its bidirectional controls
 * balanced (utf8_bidi_balance), so that none reaches past the node on
 * the page; the literal itself is changed, the tree's shape is not.
 * Returns the literal, borrowed from the node, or NULL.
 */
static const char *
bidi_fix(cmark_node *n)
{
	const char	*lit;
	char		*bal;
	size_t		 balsz;

	if ((lit = cmark_node_get_literal(n)) == NULL ||
	    (bal = utf8_bidi_balance(lit, strlen(lit), &balsz)) == NULL)
		return lit;
	cmark_node_set_literal(n, bal);
	free(bal);
	return cmark_node_get_literal(n);
}

/*
 * Render Markdown text (sz bytes, need not be NUL-terminated) to HTML
 * as described in model/model.h.  opts is borrowed (NULL: safe defaults, no
 * resolver); the resolver's non-NULL results are freed here with
 * free(3) once copied.  Always returns 1; out's strings belong to the
 * caller, who frees them with md_out_free.
 */
int
md_render(const char *text, size_t sz, const struct md_opts *opts,
    struct md_out *out)
{
	static const struct md_opts	 defopts;
	struct mdctx		 ctx;
	cmark_parser		*parser;
	cmark_node		*doc, *cur;
	cmark_node		**heads = NULL;
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_syntax_extension	*ext;
	struct buf		 all = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	struct idset		 ids = { NULL, 0, 0 };
	size_t			 i, headsz = 0, headcap = 0;
	char			*html;
	struct arena		 arena;

	if (opts == NULL)
		opts = &defopts;
	memset(out, 0, sizeof(*out));
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.text = text == NULL ? "" : text;
	ctx.sz = text == NULL ? 0 : sz;
	pthread_once(&once, registerext);

	memset(&arena, 0, sizeof(arena));
	cur_arena = &arena;
	/* Positions are wanted in the tree only, not in the HTML. */
	/*
	 * No CMARK_OPT_VALIDATE_UTF8: bodies were checked by fm_split
	 * (with a position in the error), other text comes from libyaml,
	 * which checks too.
	 */
	parser = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, &arena_mem);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		ext = cmark_find_syntax_extension(exts[i]);
		assert(ext != NULL);
		cmark_parser_attach_syntax_extension(parser, ext);
	}
	if (text != NULL)
		cmark_parser_feed(parser, text, sz);
	doc = cmark_parser_finish(parser);

	/*
	 * One walk: fix URLs, balance bidi controls in literals and
	 * collect headings (changed after the walk, so that the iterator
	 * never sees a changed tree).
	 */
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cur = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_EXIT)
			continue;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			fixurl(&ctx, cur);
			break;
		case CMARK_NODE_HEADING:
			if (headsz == headcap) {
				headcap = headcap == 0 ? 16 : headcap * 2;
				heads = xreallocarray(heads, headcap,
				    sizeof(*heads));
			}
			heads[headsz++] = cur;
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
			bidi_fix(cur);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);

	for (i = 0; i < headsz; i++) {
		buf_reset(&tmp);
		buf_reset(&all);
		plain(&tmp, heads[i]);
		slug(&all, buf_cstr(&tmp));
		heading_id(heads[i], idset_unique(&ids, buf_cstr(&all)));
	}
	buf_free(&tmp);
	buf_free(&all);
	idset_free(&ids);

	/* The HTML lives in the arena: copy it out before it goes. */
	html = cmark_render_html_with_mem(doc, opts->unsafe ?
	    CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT,
	    cmark_parser_get_syntax_extensions(parser), &arena_mem);
	out->html = xstrdup(html);

	cmark_node_free(doc);
	for (i = 0; i < headsz; i++)
		cmark_node_free(heads[i]);
	free(heads);
	free(ctx.lines);
	cmark_parser_free(parser);
	cur_arena = NULL;
	arena_free(&arena);
	return 1;
}

/*
 * Free the strings of out (which may be NULL) and clear them.
 */
void
md_out_free(struct md_out *out)
{
	if (out == NULL)
		return;
	free(out->html);
	out->html = NULL;
}
