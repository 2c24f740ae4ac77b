/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for search.c and unicode.c: tokens and folding (accents,
 * case, marks, apostrophes, Greek), Snowball stems in English and
 * Italian, bit strings of Exp-Golomb codes, and an index written with
 * search_write into a temporary site, then read back: meta.js, a
 * dictionary shard, a postings pack (documents, weights, positions)
 * and a fragment.  Works in a temporary folder that it removes.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "publish/publish.h"
#include "search/search.h"
#include "search/private.h"
#include "harness.h"

static void
tok(const char *in, const char *want, const char *name)
{
	char	*got = search_tokens(in);

	EQS(got, want, name);
	free(got);
}

static void
stem(const char *lang, const char *w, const char *want)
{
	char	*got = search_stem(lang, w), name[128];

	snprintf(name, sizeof(name), "stem %s %s", lang, w);
	EQS(got, want, name);
	free(got);
}

/* The bit string of v[0..n) as codes of order k (new string). */
static char *
codes_str(const uint32_t *v, size_t n, int k)
{
	struct buf	 b = { NULL, 0, 0 };

	search_codes(&b, v, n, k);
	buf_puts(&b, "");
	return buf_steal(&b);
}

/*
 * Read search/NAME.js below site and parse its data: the file must be
 * kbSearch.load("NAME", JSON);\n.  NULL when it is not.
 */
static struct val *
load(const char *site, const char *name)
{
	char		*path, *text = NULL, *head;
	size_t		 sz, hsz;
	struct val	*v = NULL;

	path = xasprintf("%s/search/%s.js", site, name);
	head = xasprintf("kbSearch.load(\"%s\",", name);
	hsz = strlen(head);
	if (access(path, R_OK) == 0 && file_read(path, &text, &sz) &&
	    sz > hsz + 3 &&
	    strncmp(text, head, hsz) == 0 &&
	    strcmp(text + sz - 3, ");\n") == 0)
		v = json_parse(text + hsz, sz - hsz - 3);
	free(text);
	free(head);
	free(path);
	return v;
}

/* The shard entry [form, stem, df, pack or postings...] of form. */
static const struct val *
dict_entry(const struct val *shard, const char *form)
{
	size_t	 i;

	for (i = 0; shard != NULL && i < shard->kidsz; i++)
		if (shard->kids[i]->kidsz >= 4 &&
		    strcmp(shard->kids[i]->kids[0]->str, form) == 0)
			return shard->kids[i];
	return NULL;
}

/*
 * Decode a postings string and its positions string into
 * "doc:weight:pos,pos;..." (absolute ids and positions; weight
 * followed by + when the form is in the document's own words), or
 * "(bad)".
 */
static char *
postings(const char *s, const char *q)
{
	struct buf	 b = { NULL, 0, 0 };
	struct search_bits r, rq;
	uint32_t	 n, kd, kp, d, np, x, i, j, nown, g;
	uint32_t	*w = NULL, *own = NULL, *docs = NULL, **ps = NULL, *pn = NULL;
	int64_t		 doc = -1, pos, at = -1;
	int		 bad = 0;

	if (s == NULL || q == NULL)
		return xstrdup("(bad)");
	search_bits_init(&r, s, strlen(s));
	search_bits_init(&rq, q, strlen(q));
	if (!search_bits_get(&r, 0, &n) || !search_bits_get(&r, 0, &kd) ||
	    !search_bits_get(&rq, 0, &kp) || n > 1000000)
		return xstrdup("(bad)");
	w = xcalloc(n + 1, sizeof(*w));
	own = xcalloc(n + 1, sizeof(*own));
	docs = xcalloc(n + 1, sizeof(*docs));
	pn = xcalloc(n + 1, sizeof(*pn));
	ps = xcalloc(n + 1, sizeof(*ps));
	for (i = 0; i < n && !bad; i++) {
		if (!search_bits_get(&r, (int)kd - 1, &d) ||
		    !search_bits_get(&r, 0, &w[i]) ||
		    !search_bits_get(&rq, 0, &np) || np > 8) {
			bad = 1;
			break;
		}
		doc += d;
		docs[i] = (uint32_t)doc;
		pn[i] = np;
		ps[i] = xcalloc(np + 1, sizeof(**ps));
		for (pos = -1, j = 0; j < np; j++) {
			if (!search_bits_get(&rq, (int)kp - 1, &x)) {
				bad = 1;
				break;
			}
			pos += x;
			ps[i][j] = (uint32_t)pos;
		}
	}
	/* Then the places of the postings whose own words hold the form. */
	if (!bad && !search_bits_get(&r, 0, &nown))
		bad = 1;
	for (i = 0; !bad && i + 1 < nown; i++) {
		if (!search_bits_get(&r, 0, &g) || at + g >= n) {
			bad = 1;
			break;
		}
		at += g;
		own[at] = 1;
	}
	for (i = 0; !bad && i < n; i++) {
		buf_printf(&b, "%s%u:%u%s:", b.sz ? ";" : "", docs[i], w[i],
		    own[i] ? "+" : "");
		for (j = 0; j < pn[i]; j++)
			buf_printf(&b, "%s%u", j ? "," : "", ps[i][j]);
	}
	for (i = 0; i < n; i++)
		free(ps[i]);
	free(ps);
	free(pn);
	free(docs);
	free(own);
	free(w);
	if (bad) {
		buf_free(&b);
		return xstrdup("(bad)");
	}
	buf_puts(&b, "");
	return buf_steal(&b);
}

/*
 * The postings of shard entry e (loading its packs below site) as
 * postings() gives them.
 */
static char *
entry_postings(const char *site, const struct val *e)
{
	struct val	*p = NULL, *q = NULL;
	char		 name[32], *s;
	const char	*form = e->kids[0]->str;

	if (e->kidsz == 5 && e->kids[3]->type == VAL_STR)
		return postings(e->kids[3]->str, e->kids[4]->str);
	snprintf(name, sizeof(name), "p/%d", (int)e->kids[3]->num);
	p = load(site, name);
	snprintf(name, sizeof(name), "q/%d", (int)e->kids[4]->num);
	q = load(site, name);
	s = postings(p ? val_get_str(p, form) : NULL,
	    q ? val_get_str(q, form) : NULL);
	val_free(p);
	val_free(q);
	return s;
}

/*
 * The postings of form (entry_postings) from its shard search/d/KEY.js
 * below site, or NULL when it is not there.
 */
static char *
form_postings(const char *site, const char *key, const char *form)
{
	struct val	*sh;
	const struct val *e;
	char		 name[32], *s;

	snprintf(name, sizeof(name), "d/%s", key);
	sh = load(site, name);
	e = dict_entry(sh, form);
	s = e ? entry_postings(site, e) : NULL;
	val_free(sh);
	return s;
}

/* The decoded ids of a facet list, "1,2,3", or "(bad)". */
static char *
idlist(const char *s)
{
	struct buf	 b = { NULL, 0, 0 };
	struct search_bits r;
	uint32_t	 mode, n, k, g, len, i, j;
	int64_t		 id = -1;

	search_bits_init(&r, s, strlen(s));
	if (!search_bits_get(&r, 0, &mode) || !search_bits_get(&r, 0, &n) ||
	    !search_bits_get(&r, 0, &k))
		return xstrdup("(bad)");
	for (i = 0; i + 1 < n; i++) {
		if (!search_bits_get(&r, (int)k - 1, &g)) {
			buf_free(&b);
			return xstrdup("(bad)");
		}
		id += g;
		len = 1;
		if (mode == 2 && !search_bits_get(&r, 0, &len)) {
			buf_free(&b);
			return xstrdup("(bad)");
		}
		for (j = 0; j < len; j++)
			buf_printf(&b, "%s%lld", b.sz ? "," : "",
			    (long long)(id + j));
		id += len - 1;
	}
	buf_puts(&b, "");
	return buf_steal(&b);
}

static void
test_index(void)
{
	char		 tmpl[] = "/tmp/t_search.XXXXXX", *site = NULL, *s;
	struct site_out	*so;
	struct search_doc d[3];
	const char	*ta[] = { "GNN", "High Energy Physics" };
	const char	*kind[] = { "tutorial" }, *status[] = { "passing" };
	const char	*tech[] = { "GAT", "GNN" }, *tpar[] = { "GNN", NULL };
	struct val	*meta = NULL, *sh = NULL, *fr = NULL;
	const struct val *e, *f;
	const char	*x;

	if (mkdtemp(tmpl) == NULL) {
		OK(0, "mkdtemp");
		return;
	}
	site = xasprintf("%s/site", tmpl);
	memset(d, 0, sizeof(d));
	/* Given out of order: ids go by type (use case, person, page). */
	d[0].type = SEARCH_PAGE;
	d[0].url = "reti/index.html";
	d[0].title = "Reti neurali";
	d[0].language = "it";
	/* Longer than an excerpt: cut after a whole word (parola x 40). */
	d[0].html = "<p>Le reti neurali analizzano i dati.</p><p>"
	    "parola parola parola parola parola parola parola parola "
	    "parola parola parola parola parola parola parola parola "
	    "parola parola parola parola parola parola parola parola "
	    "parola parola parola parola parola parola parola parola "
	    "parola parola parola parola parola parola parola parola</p>";
	d[1].type = SEARCH_USECASE;
	d[1].url = "usecases/jets/index.html";
	d[1].title = "Neural networks for jets";
	d[1].summary = "Graph networks";
	d[1].terms = ta;
	d[1].termsz = 2;
	d[1].html = "<h2 id=\"m\">Method</h2>\n<p>We train <em>net</em>works "
	    "&amp; more.</p><script>var hidden;</script>";
	/* Its own GAT, and GAT's parent GNN inherited. */
	d[1].facets[SEARCH_TECH] = tech;
	d[1].facetsz[SEARCH_TECH] = 2;
	d[1].fparent[SEARCH_TECH] = tpar;
	d[1].facetown[SEARCH_TECH] = 1;
	d[1].facets[SEARCH_KIND] = kind;
	d[1].facetsz[SEARCH_KIND] = 1;
	d[1].facets[SEARCH_STATUS] = status;
	d[1].facetsz[SEARCH_STATUS] = 1;
	d[2].type = SEARCH_PERSON;
	d[2].url = "people/ada/index.html";
	d[2].title = "Ada";
	d[2].html = "<p>Networks, networks. A U-Net, t-SNE.</p>";

	so = site_out_new(site, NULL, 0);
	OK(so != NULL, "index: site_out_new");
	if (so == NULL)
		goto out;
	OK(search_write(d, 3, NULL, 0, 2, NULL, so), "index: search_write");
	OK(site_out_commit(so), "index: commit");
	site_out_free(so);

	meta = load(site, "meta");
	OK(meta != NULL, "index: meta.js parses");
	OK(meta != NULL && val_get(meta, "docs") != NULL &&
	    val_get(meta, "docs")->num == 3, "index: meta docs");
	f = meta ? val_get(meta, "facets") : NULL;
	OK(f != NULL && f->kidsz == 6 && strcmp(val_get_str(f->kids[0],
	    "key"), "type") == 0, "index: six facets, type first");
	if (f != NULL && f->kidsz == 6) {
		const struct val *v = val_get(f->kids[0], "values");
		const struct val *ids = val_get(f->kids[0], "ids");

		OK(v && v->kidsz == 3 && strcmp(v->kids[0]->str,
		    "Use case") == 0 && strcmp(v->kids[2]->str, "Page") == 0,
		    "index: type values");
		s = ids && ids->kidsz == 3 ? idlist(ids->kids[1]->str) : NULL;
		EQS(s, "1", "index: type ids");
		free(s);
		s = ids && ids->kidsz == 3 ? idlist(ids->kids[2]->str) : NULL;
		EQS(s, "2", "index: type ids, page");
		free(s);
		v = val_get(f->kids[1], "values");
		ids = val_get(f->kids[1], "ids");
		OK(v && v->kidsz == 2 && strcmp(v->kids[0]->str, "GAT") == 0 &&
		    strcmp(v->kids[1]->str, "GNN") == 0 && ids &&
		    ids->kidsz == 2, "index: technology facet values");
		s = ids && ids->kidsz == 2 ? idlist(ids->kids[0]->str) : NULL;
		EQS(s, "0", "index: technology ids, own");
		free(s);
		s = ids && ids->kidsz == 2 ? idlist(ids->kids[1]->str) : NULL;
		EQS(s, "", "index: technology ids, inherited left out");
		free(s);
		v = val_get(f->kids[1], "parents");
		OK(v && v->kidsz == 2 && v->kids[0]->num == 1 &&
		    v->kids[1]->num == -1, "index: technology parents");
		OK(val_get(f->kids[2], "parents") == NULL,
		    "index: no parents, no list");
		OK(strcmp(val_get_str(f->kids[5], "key"), "status") == 0 &&
		    strcmp(val_get(f->kids[5], "values")->kids[0]->str,
		    "passing") == 0, "index: status facet");
	}

	/* "networks": the use case (0) and the person (1). */
	sh = load(site, "d/ne");
	OK(sh != NULL, "index: shard d/ne parses");
	e = dict_entry(sh, "networks");
	OK(e != NULL, "index: networks in d/ne");
	if (e != NULL) {
		/* Languages en, it: English stem, Italian leaves it. */
		OK(e->kids[1]->type == VAL_LIST && e->kids[1]->kidsz == 2 &&
		    strcmp(e->kids[1]->kids[0]->str, "network") == 0 &&
		    strcmp(e->kids[1]->kids[1]->str, "") == 0,
		    "index: stems of networks by language");
		OK(e->kids[2]->num == 2, "index: df of networks");
		s = entry_postings(site, e);
		/* Title 10 + summary 5 + body 1, own (title); positions:
		 * title 1, summary 12 + 1, body at 42 after two terms. */
		EQS(s, "0:16+:1,13,45;1:2:17,18", "index: postings of networks");
		free(s);
		e = dict_entry(sh, "neural");
		s = e ? entry_postings(site, e) : NULL;
		EQS(s, "0:10+:0", "index: postings of neural (en)");
		free(s);
	}
	val_free(sh);
	/* Hyphenated: "u", "net" and "unet" at the position of "u". */
	s = form_postings(site, "un", "unet");
	EQS(s, "1:1:20", "index: U-Net also indexed as unet");
	free(s);
	s = form_postings(site, "ts", "tsne");
	EQS(s, "1:1:22", "index: t-SNE also indexed as tsne");
	free(s);
	s = form_postings(site, "ne", "net");
	EQS(s, "1:1:21", "index: the parts stay (net)");
	free(s);
	sh = load(site, "d/me");
	e = dict_entry(sh, "method");
	OK(e != NULL, "index: heading word indexed");
	if (e != NULL) {
		s = entry_postings(site, e);
		EQS(s, "0:3:42", "index: heading weight 3");
		free(s);
	}
	val_free(sh);
	sh = load(site, "d/re");
	e = dict_entry(sh, "reti");
	OK(e != NULL && e->kids[1]->type == VAL_LIST &&
	    e->kids[1]->kidsz == 2 && strcmp(e->kids[1]->kids[1]->str,
	    "ret") == 0 && strcmp(e->kids[1]->kids[0]->str, "") == 0,
	    "index: Italian stem of reti, none in English");
	val_free(sh);
	/* A term is an own word: GNN, 5, in the use case's terms only. */
	s = form_postings(site, "gn", "gnn");
	EQS(s, "0:5+:22", "index: a term's word is own");
	free(s);
	sh = load(site, "d/we");
	OK(sh == NULL, "index: stop word we not indexed");
	val_free(sh);
	sh = load(site, "d/hi");
	OK(dict_entry(sh, "hidden") == NULL, "index: script text dropped");
	val_free(sh);

	fr = load(site, "f/0");
	sh = load(site, "f/1");
	OK(sh == NULL, "index: no fragment past the documents");
	val_free(sh);
	OK(fr != NULL && fr->kidsz == 3, "index: fragment of 3 documents");
	if (fr != NULL && fr->kidsz == 3) {
		EQS(val_get_str(fr->kids[0], "u"), "usecases/jets/index.html",
		    "index: fragment url");
		EQS(val_get_str(fr->kids[0], "s"), "Graph networks",
		    "index: fragment summary");
		OK(val_get(fr->kids[0], "x") == NULL &&
		    val_get(fr->kids[0], "y") == NULL &&
		    val_get(fr->kids[0], "m") == NULL,
		    "index: no excerpt with a summary, type and chips in meta");
		EQS(val_get_str(fr->kids[1], "x"), "Networks, networks. A "
		    "U-Net, t-SNE.", "index: fragment text without summary");
		EQS(val_get_str(fr->kids[2], "u"), "reti/index.html",
		    "index: page last");
		x = val_get_str(fr->kids[2], "x");
		OK(x != NULL && strlen(x) > 3 &&
		    strcmp(x + strlen(x) - 3, "\xe2\x80\xa6") == 0 &&
		    strlen(x) <= 200 + 2 && strlen(x) >= 190 &&
		    strncmp(x + strlen(x) - 9, "parola", 6) == 0,
		    "index: a long excerpt cut after a whole word, then \u2026");
		printf("     excerpt: %s\n", x ? x : "(null)");
	}
	/* No documents at all: an empty index that still loads. */
	val_free(meta);
	meta = NULL;
	if ((so = site_out_new(site, NULL, 0)) != NULL) {
		OK(search_write(NULL, 0, NULL, 0, 2, NULL, so) && site_out_commit(so),
		    "empty index: written");
		site_out_free(so);
		meta = load(site, "meta");
		OK(meta != NULL && val_get(meta, "docs")->num == 0 &&
		    val_get(meta, "packs")->num == 1, "empty index: meta");
	}
out:
	val_free(meta);
	val_free(fr);
	rmtree(tmpl);
	free(site);
}

int
main(void)
{
	char		*s;
	uint32_t	 v, vals[] = { 1, 2, 3, 31, 32, 33, 1023, 1024, 32767,
	    32768, 1048575, 1048576, 4294967294U };
	struct search_bits r;
	int		 k;
	size_t		 i;
	int		 good;

	tok("Hello, World", "hello world", "tokens: ASCII, case");
	tok("l'analisi dell'U-Net", "l analisi dell u net",
	    "tokens: apostrophes and hyphens split");
	tok("È già così: Ça va, naïve ÉCOLE", "e gia cosi ca va naive ecole",
	    "tokens: Latin-1 folding");
	tok("Łódź Ŕ œuvre ĳ Ş", "łodz r œuvre ĳ s",
	    "tokens: Latin Extended-A folding");
	tok("e\xcc\x81te\xcc\x81", "ete", "tokens: combining marks dropped");
	tok("ΑΒΓ αβγ Ωmega", "αβγ αβγ ωmega", "tokens: Greek");
	tok("ΟΔΟΣ ΣΑ Σ οδοσ", "οδος σα σ οδοσ",
	    "tokens: final sigma as toLowerCase()");
	tok("3D x2 π≈3.14 — end…", "3d x2 π 3 14 end",
	    "tokens: digits, symbols split");
	tok("", "", "tokens: empty");
	/* Malformed UTF-8 (utf8_decode's UTF8_BAD) is neither a letter
	 * nor a mark: each bad byte separates words, as a surrogate from
	 * a numeric reference does. */
	tok("ab\xed\xa0\x80" "cd", "ab cd", "tokens: encoded surrogate splits");
	tok("ab\xc3", "ab", "tokens: cut sequence at the end dropped");
	tok("a\xaa" "b \x80\xb5 \xf8x", "a b x",
	    "tokens: stray bytes split, never letters");
	tok("\xc0\xaf" "x\xe0\x80\x80y", "x y", "tokens: overlong forms split");

	stem("en", "networks", "network");
	stem("en", "running", "run");
	stem("it", "reti", "ret");
	stem("it", "rete", "ret");
	stem("it", "analisi", "analis");
	stem("italian", "neurali", "neural");
	s = search_stem("xx", "reti");
	OK(s == NULL, "stem: none for a language with no stemmer");
	free(s);
	OK(search_stemmable("it") && search_stemmable("en") &&
	    !search_stemmable("xx") && !search_stemmable(""),
	    "search_stemmable");

	/* Exp-Golomb codes, 6 bits a character: 1 is "1", 2 "010", 3
	 * "011"; order 2: 5 is "010" "00". */
	s = codes_str((const uint32_t[]){ 1 }, 1, 0);
	EQS(s, "g", "codes: gamma 1");
	free(s);
	s = codes_str((const uint32_t[]){ 1, 2, 3 }, 3, 0);
	EQS(s, "pg", "codes: gamma 1 2 3, padded");
	free(s);
	s = codes_str((const uint32_t[]){ 5 }, 1, 2);
	EQS(s, "Q", "codes: order 2");
	free(s);
	good = 1;
	for (k = 0; k < 6; k++) {
		s = codes_str(vals, sizeof(vals) / sizeof(vals[0]), k);
		search_bits_init(&r, s, strlen(s));
		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			if (!search_bits_get(&r, k, &v) || v != vals[i])
				good = 0;
		if (search_bits_get(&r, k, &v))
			good = 0;	/* only padding left */
		free(s);
	}
	OK(good, "codes round trip, orders 0-5");
	search_bits_init(&r, "A", 1);
	OK(!search_bits_get(&r, 0, &v), "codes: truncated");
	search_bits_init(&r, "*", 1);
	OK(!search_bits_get(&r, 0, &v), "codes: bad character");

	OK(uni_letter(0xe9) && uni_letter(0x3b1) && !uni_letter(0x2014) &&
	    !uni_letter(0xd7), "unicode letters");
	OK(uni_mark(0x301) && !uni_mark(0x61), "unicode marks");
	OK(uni_fold(0xc9) == 'e' && uni_fold(0x130) == 'i' &&
	    uni_fold(0x3a9) == 0x3c9 && uni_fold(0x1ebf) == 'e',
	    "unicode fold");

	test_index();
	DONE();
}
