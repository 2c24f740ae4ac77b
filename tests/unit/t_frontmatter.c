/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for frontmatter.c: the val tree built from YAML (types,
 * positions, the plain flag, aliases), fm_split's cutting of a file,
 * and every error with its path:line:col message; and the binary form
 * the front-matter cache keeps such a tree in (val_pack, val_unpack).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "model/model.h"
#include "harness.h"

static FILE	*capf;	/* where stderr goes while capturing */
static int	 savedfd = -1;	/* the real stderr */
static char	 capbuf[4096];	/* what was captured */

/* Send stderr (the diagnostics) to a temporary file. */
static void
cap_begin(void)
{
	fflush(stderr);
	capf = tmpfile();
	savedfd = dup(2);
	if (capf == NULL || savedfd == -1 || dup2(fileno(capf), 2) == -1) {
		perror("capture");
		exit(2);
	}
	diag_set_quiet(0);
}

/* Restore stderr and return what was written, without the last '\n'. */
static const char *
cap_end(void)
{
	size_t	 n;

	fflush(stderr);
	dup2(savedfd, 2);
	close(savedfd);
	savedfd = -1;
	diag_set_quiet(1);
	rewind(capf);
	n = fread(capbuf, 1, sizeof(capbuf) - 1, capf);
	fclose(capf);
	if (n > 0 && capbuf[n - 1] == '\n')
		n--;
	capbuf[n] = '\0';
	return capbuf;
}

/* Run fm_split on s expecting one error; return its message. */
static const char *
split_err(const char *s, size_t sz)
{
	struct val	*meta = (struct val *)1;
	const char	*body = NULL;
	size_t		 line = 0, before = diag_errors();
	int		 rc;

	cap_begin();
	rc = fm_split("p.md", s, sz, &meta, &body, &line);
	cap_end();
	if (rc != 0 || meta != NULL || diag_errors() != before + 1)
		return "(no single error)";
	return capbuf;
}

/* Run fm_yaml on s expecting an error; return the first message. */
static const char *
yaml_err(const char *s, size_t sz, size_t line0)
{
	struct val	*v;
	size_t		 before = diag_errors();
	char		*nl;

	cap_begin();
	v = fm_yaml("c.yml", s, sz, line0);
	cap_end();
	if (v != NULL || diag_errors() == before) {
		val_free(v);
		return "(no error)";
	}
	if ((nl = strchr(capbuf, '\n')) != NULL)
		*nl = '\0';
	return capbuf;
}

/* The length of a literal that may hold NUL bytes. */
#define SPLIT_ERR(s)	split_err((s), sizeof(s) - 1)
#define YAML_ERR(s, l)	yaml_err((s), sizeof(s) - 1, (l))

static void
t_nested(void)
{
	const char	*doc =
	    "---\n"			/* 1 */
	    "title: Hello\n"		/* 2 */
	    "n: 12\n"			/* 3 */
	    "q: \"12\"\n"		/* 4 */
	    "tags:\n"			/* 5 */
	    "  - a\n"			/* 6 */
	    "  - 'b'\n"			/* 7 */
	    "meta:\n"			/* 8 */
	    "  owner: ana\n"		/* 9 */
	    "  list: [x, y]\n"		/* 10 */
	    "tagged: !!str 7\n"		/* 11 */
	    "empty:\n"			/* 12 */
	    "---\n"			/* 13 */
	    "Body line\n";		/* 14 */
	struct val	*m = NULL, *v, *w;
	const char	*body = NULL;
	size_t		 line = 0;

	OK(fm_split("p.md", doc, strlen(doc), &m, &body, &line),
	    "nested: split ok");
	if (m == NULL)
		return;
	OK(m->type == VAL_MAP && m->kidsz == 7, "nested: map of 7");
	EQS(body, "Body line\n", "nested: body");
	OK(line == 14, "nested: bodyline");

	v = val_get(m, "title");
	OK(v != NULL && v->type == VAL_STR && v->plain, "title plain str");
	EQS(v ? v->str : NULL, "Hello", "title value");
	OK(v && v->kline == 2 && v->kcol == 1, "title key position");
	OK(v && v->line == 2 && v->col == 8, "title value position");

	v = val_get(m, "n");
	OK(v && v->plain && strcmp(v->str, "12") == 0, "n plain 12");
	v = val_get(m, "q");
	OK(v && !v->plain && strcmp(v->str, "12") == 0, "q quoted 12");
	OK(v && v->line == 4 && v->col == 4, "q position at quote");
	v = val_get(m, "tagged");
	OK(v && !v->plain && strcmp(v->str, "7") == 0, "!!str not plain");

	v = val_get(m, "tags");
	OK(v && v->type == VAL_LIST && v->kidsz == 2, "tags list of 2");
	OK(v && v->kline == 5 && v->kcol == 1, "tags key position");
	if (v && v->kidsz == 2) {
		EQS(v->kids[0]->str, "a", "tags[0]");
		OK(v->kids[0]->plain && v->kids[0]->key == NULL,
		    "tags[0] plain, no key");
		OK(v->kids[0]->line == 6 && v->kids[0]->col == 5,
		    "tags[0] position");
		EQS(v->kids[1]->str, "b", "tags[1]");
		OK(!v->kids[1]->plain, "tags[1] quoted");
		OK(v->kids[1]->line == 7 && v->kids[1]->col == 5,
		    "tags[1] position");
	}

	v = val_get(m, "meta");
	OK(v && v->type == VAL_MAP && v->kidsz == 2, "meta map");
	w = v ? val_get(v, "owner") : NULL;
	EQS(w ? w->str : NULL, "ana", "meta.owner");
	OK(w && w->kline == 9 && w->kcol == 3, "meta.owner key position");
	OK(w && w->line == 9 && w->col == 10, "meta.owner value position");
	w = v ? val_get(v, "list") : NULL;
	OK(w && w->type == VAL_LIST && w->kidsz == 2 &&
	    strcmp(w->kids[1]->str, "y") == 0, "flow list");
	OK(w && w->line == 10 && w->col == 9, "flow list position");
	OK(w && w->kidsz == 2 && w->kids[1]->col == 13, "flow item column");

	v = val_get(m, "empty");
	OK(v && v->type == VAL_STR && v->plain && v->strsz == 0,
	    "empty value is plain \"\"");
	val_free(m);
}

static void
t_alias(void)
{
	const char	*doc =
	    "---\n"
	    "base: &b\n"
	    "  x: 1\n"
	    "  y: [a]\n"
	    "copy: *b\n"
	    "s: &s word\n"
	    "t: *s\n"
	    "---\n";
	struct val	*m = NULL, *a, *b;
	const char	*body = NULL;
	size_t		 line = 0;

	OK(fm_split("p.md", doc, strlen(doc), &m, &body, &line),
	    "alias: split ok");
	if (m == NULL)
		return;
	a = val_get(m, "base");
	b = val_get(m, "copy");
	OK(a && b && a != b && b->type == VAL_MAP && b->kidsz == 2,
	    "alias: copy is a map of its own");
	EQS(b ? val_get_str(b, "x") : NULL, "1", "alias: copy.x");
	OK(b && strcmp(b->key, "copy") == 0, "alias: key is the alias's");
	OK(b && b->line == 5 && b->col == 7, "alias: position of alias");
	OK(a && b && val_get(b, "y") != val_get(a, "y") &&
	    val_get(b, "y")->kidsz == 1, "alias: deep copy");
	EQS(val_get_str(m, "t"), "word", "alias: scalar");
	OK(*body == '\0' && line == 9, "alias: empty body");
	val_free(m);
}

static void
t_empty(void)
{
	struct val	*m = NULL;
	const char	*body = NULL, *doc;
	size_t		 line = 0;

	doc = "---\n---\nHi\n";
	OK(fm_split("p.md", doc, strlen(doc), &m, &body, &line) &&
	    m != NULL && m->type == VAL_MAP && m->kidsz == 0,
	    "empty front matter: empty map");
	EQS(body, "Hi\n", "empty front matter: body");
	OK(line == 3, "empty front matter: bodyline");
	val_free(m);

	m = NULL;
	doc = "--- \r\n# only a comment\r\n\r\n...\r\nText";
	OK(fm_split("p.md", doc, strlen(doc), &m, &body, &line) &&
	    m != NULL && m->kidsz == 0, "comment only, CRLF, \"...\"");
	EQS(body, "Text", "CRLF: body");
	OK(line == 5, "CRLF: bodyline");
	val_free(m);

	m = NULL;
	doc = "\xef\xbb\xbf---\na: 1\n---";
	OK(fm_split("p.md", doc, strlen(doc), &m, &body, &line) &&
	    m != NULL && m->kidsz == 1, "BOM skipped, no final newline");
	OK(body == doc + strlen(doc) && line == 4, "no final newline: body");
	val_free(m);

	m = fm_yaml("c.yml", "", 0, 0);
	OK(m != NULL && m->type == VAL_NULL, "fm_yaml: empty is VAL_NULL");
	val_free(m);
	m = fm_yaml("c.yml", "a: 1\n", 5, 10);
	OK(m != NULL && m->kids[0]->kline == 11, "fm_yaml: line0 added");
	val_free(m);
}

static void
t_errors(void)
{
	size_t	 before;
	struct val *v;

	/* Exact messages, positions in the file. */
	EQS(SPLIT_ERR("---\ntitle: a\nbad: x: y\n---\n"),
	    "p.md:3:7: error: mapping values are not allowed in this context; "
	    "hint: a value with \": \" in it must be quoted", "malformed YAML");
	/* Layout hints, their lines counted in the file. */
	EQS(SPLIT_ERR("---\ntitle: a\nrepo:\n\turl: x\n---\n"),
	    "p.md:4:1: error: found character that cannot start any token; "
	    "hint: a tab character at line 4 col 1; YAML indents with spaces",
	    "tab hint");
	EQS(SPLIT_ERR("---\ntitle: a\nrepo:\n  url: x\n   ref: y\n---\n"),
	    "p.md:5:7: error: mapping values are not allowed in this context; "
	    "hint: check the indentation of line 5 against the line above",
	    "indented too far");
	EQS(SPLIT_ERR("---\ntitle: a\nrepo:\n  url: x\n ref: y\n---\n"),
	    "p.md:5:2: error: did not find expected key; hint: check the "
	    "indentation of line 5 against the line above",
	    "indented too little");
	EQS(SPLIT_ERR("---\ntitle: `a`\n---\n"),
	    "p.md:2:8: error: found character that cannot start any token",
	    "no hint for a reserved character");
	EQS(SPLIT_ERR("title: x\n---\n"),
	    "p.md:1:1: error: missing front matter: the file must start "
	    "with a line \"---\"", "missing opening ---");
	EQS(SPLIT_ERR("----\n---\n"),
	    "p.md:1:1: error: missing front matter: the file must start "
	    "with a line \"---\"", "four dashes are not an opening");
	EQS(SPLIT_ERR("---\ntitle: x\n"),
	    "p.md:1:1: error: front matter opened here is not closed "
	    "with \"---\"", "unclosed front matter");
	EQS(SPLIT_ERR("---"),
	    "p.md:1:1: error: front matter opened here is not closed "
	    "with \"---\"", "lone ---");
	EQS(SPLIT_ERR("---\na: \xc3\xa9\xff\n---\n"),
	    "p.md:2:6: error: invalid UTF-8", "invalid UTF-8 position");
	EQS(SPLIT_ERR(""), "p.md: error: empty file", "empty file");
	EQS(SPLIT_ERR("---\n- a\n- b\n---\n"),
	    "p.md:2:1: error: front matter must be a mapping of keys to "
	    "values", "front matter is a list");
	EQS(SPLIT_ERR("---\nplain words\n---\n"),
	    "p.md:2:1: error: front matter must be a mapping of keys to "
	    "values", "front matter is a scalar");
	EQS(SPLIT_ERR("---\na: 1\nb: 2\na: 3\n---\n"),
	    "p.md:4:1: error: duplicate key \"a\"", "duplicate key");
	EQS(SPLIT_ERR("---\nm:\n  k: 1\n  k: 2\n---\n"),
	    "p.md:4:3: error: duplicate key \"k\"", "nested duplicate key");
	EQS(SPLIT_ERR("---\nt: \"open\n---\n"),
	    "p.md:3:1: error: found unexpected end of stream",
	    "unterminated quote");

	EQS(YAML_ERR("a: [1, 2\n", 0),
	    "c.yml:2:1: error: did not find expected ',' or ']'",
	    "fm_yaml: flow sequence");
	EQS(YAML_ERR("a: *nope\n", 0),
	    "c.yml:1:4: error: unknown alias \"nope\"", "unknown alias");
	EQS(YAML_ERR("[a]: 1\n", 0),
	    "c.yml:1:1: error: mapping keys must be scalars",
	    "non-scalar key");
	EQS(YAML_ERR("a: 1\n---\nb: 2\n", 0),
	    "c.yml:2:1: error: only one YAML document is allowed",
	    "two documents");
	EQS(YAML_ERR("a: b\0c\n", 4),
	    "c.yml:5:5: error: control characters are not allowed",
	    "NUL byte");

	/* Several errors in one document are all reported. */
	diag_set_quiet(1);
	before = diag_errors();
	v = fm_yaml("c.yml", "a: 1\na: 2\nb: *x\n", 15, 0);
	OK(v == NULL && diag_errors() == before + 2, "two errors counted");

	/* Hostile input: limits, not crashes. */
	{
		char	 deep[2000];

		memset(deep, '[', sizeof(deep));
		before = diag_errors();
		v = fm_yaml("c.yml", deep, sizeof(deep), 0);
		OK(v == NULL && diag_errors() == before + 1, "deep nesting");
	}
	{
		char	 deep[604];

		memset(deep, '[', 300);
		memcpy(deep + 300, "&a x", 4);
		memset(deep + 304, ']', 300);
		before = diag_errors();
		v = fm_yaml("c.yml", deep, sizeof(deep), 0);
		OK(v != NULL && diag_errors() == before, "300 levels are fine");
		val_free(v);
	}
	{
		struct buf	 doc = { NULL, 0, 0 };
		size_t		 i;

		/* Each line nests the one before ten levels deeper. */
		buf_puts(&doc, "k0: &k0 x\n");
		for (i = 1; i < 60; i++)
			buf_printf(&doc, "k%zu: &k%zu [[[[[[[[[[*k%zu"
			    "]]]]]]]]]]\n", i, i, i - 1);
		before = diag_errors();
		v = fm_yaml("c.yml", doc.data, doc.sz, 0);
		OK(v == NULL && diag_errors() == before + 1,
		    "nesting through aliases");
		buf_free(&doc);
	}
	{
		const char *lol =
		    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";

		before = diag_errors();
		v = fm_yaml("c.yml", lol, strlen(lol), 0);
		OK(v == NULL && diag_errors() == before + 1,
		    "alias expansion limit");
	}
}

/* Whether two trees are the same, positions, keys and flags included. */
static int
same_tree(const struct val *a, const struct val *b)
{
	size_t	 i;

	if (a->type != b->type || a->line != b->line || a->col != b->col ||
	    a->kline != b->kline || a->kcol != b->kcol ||
	    a->plain != b->plain || a->b != b->b || a->kidsz != b->kidsz ||
	    (a->key == NULL) != (b->key == NULL) ||
	    (a->key != NULL && (strcmp(a->key, b->key) != 0 ||
	    b->khash != val_khash(b->key))) ||
	    (a->str == NULL) != (b->str == NULL) || a->strsz != b->strsz ||
	    (a->str != NULL && memcmp(a->str, b->str, a->strsz) != 0) ||
	    (a->type == VAL_NUM && a->num != b->num))
		return 0;
	for (i = 0; i < a->kidsz; i++)
		if (!same_tree(a->kids[i], b->kids[i]))
			return 0;
	return 1;
}

static void
t_pack(void)
{
	const char	*doc =
	    "---\n"
	    "title: \"Caf\u00e9 \\0 and a NUL\"\n"
	    "n: 12.5\n"
	    "yes: true\n"
	    "no: false\n"
	    "nothing: ~\n"
	    "tags: [a, 'b', {c: [1, 2]}]\n"
	    "run:\n"
	    "  timeout: 1h\n"
	    "  data: []\n"
	    "---\n"
	    "Body\n";
	struct val	*m = NULL, *u, *k;
	struct buf	 b, c;
	const char	*body = NULL;
	size_t		 line = 0, i, bad = 0;

	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	OK(fm_split("p.md", doc, strlen(doc), &m, &body, &line),
	    "pack: the document parses");
	if (m == NULL)
		return;
	/* A string holding a NUL byte keeps its length. */
	k = val_get(m, "title");
	OK(k != NULL && k->strsz > strlen(k->str), "pack: a NUL in a string");
	OK(val_pack(&b, m), "pack: packed");
	u = val_unpack(b.data, b.sz);
	OK(u != NULL && same_tree(m, u), "pack: unpacked the same, "
	    "positions, keys, flags and numbers included");
	OK(u != NULL && val_get_str(val_get(u, "run"), "timeout") != NULL &&
	    strcmp(val_get_str(val_get(u, "run"), "timeout"), "1h") == 0,
	    "pack: members found by key (their hashes are set)");
	OK(u != NULL && val_pack(&c, u) && c.sz == b.sz &&
	    memcmp(c.data, b.data, b.sz) == 0, "pack: packs to the same bytes");
	val_free(u);
	/* Every shorter prefix, and one byte more, is refused. */
	for (i = 0; i < b.sz; i++)
		if ((u = val_unpack(b.data, i)) != NULL) {
			bad++;
			val_free(u);
		}
	OK(bad == 0, "pack: every truncation refused");
	buf_putc(&b, 'x');
	OK(val_unpack(b.data, b.sz) == NULL, "pack: trailing bytes refused");
	/* A type out of range, and a list member with a key. */
	OK(val_unpack("\x07\0\0\0\0\0", 6) == NULL, "pack: bad type refused");
	OK(val_unpack("\x04\0\0\0\0\x01\x0b\0\0\0\0\x01k\0", 14) ==
	    NULL, "pack: a keyed member of a list refused");
	OK(val_unpack("\x05\0\0\0\0\x01\x03\0\0\0\0\0", 12) == NULL,
	    "pack: a member of a map without a key refused");
	u = val_unpack("\x05\0\0\0\0\x01\x0b\0\0\0\0\x01k\0", 14);
	OK(u != NULL && u->kidsz == 1 && val_get(u, "k") != NULL,
	    "pack: a well-formed map of one accepted");
	val_free(u);
	buf_free(&b);
	buf_free(&c);
	val_free(m);
}

int
main(void)
{
	diag_set_quiet(1);
	t_pack();
	t_nested();
	t_alias();
	t_empty();
	t_errors();
	DONE();
}
