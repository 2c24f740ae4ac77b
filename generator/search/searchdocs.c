/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What each page of the site gives the search index: a search_doc per
 * use case, person, hackathon, seminar and free page (title, summary,
 * language, body HTML, terms and facet values), handed to search.c,
 * which writes the index.  A use case's body includes its executed
 * notebook's words (the last passing run's, else the last run's): the
 * text of its Markdown cells and the names its code uses, so that
 * "roc_auc_score" finds the examples that call it; never its outputs.  This file knows the model; search.c knows
 * only documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "publish/publish.h"
#include "render/render.h"
#include "search/search.h"
#include "search/private.h"

/*
 * The documents of the search index (search.c writes it): use cases,
 * people, hackathons, seminars and free pages.  Strings made here are
 * kept in own until search_write is done.
 */
struct sdocs {
	struct search_doc *d;
	size_t		 dsz;
	void		**own;	/* strings and arrays to free */
	size_t		 ownsz, owncap;
};

/* The search facet of each dimension. */
static const enum search_facet dim_facet[DIM__MAX] = { SEARCH_TECH,
    SEARCH_FIELD, SEARCH_TOOL };

static void *
sd_keep(struct sdocs *s, void *p)
{
	if (s->ownsz == s->owncap) {
		s->owncap = s->owncap ? s->owncap * 2 : 256;
		s->own = xreallocarray(s->own, s->owncap, sizeof(*s->own));
	}
	s->own[s->ownsz++] = p;
	return p;
}

/*
 * Terms as chips (names) and as facet values by dimension: the
 * document's own terms first, then their ancestors (so that a broader
 * term's facet finds narrower ones), each with its parent's name.
 */
static void
sd_terms(struct sdocs *s, struct search_doc *d, struct term **ts,
    size_t n)
{
	const char	**names, **fv[DIM__MAX], **fp[DIM__MAX];
	const struct term *t;
	size_t		 i, j, k, depth;
	int		 dm, pass;

	names = sd_keep(s, xcalloc(n ? n : 1, sizeof(*names)));
	for (depth = 0, i = 0; i < n; i++)
		for (t = ts[i]; t != NULL; t = t->parent)
			depth++;
	for (dm = 0; dm < DIM__MAX; dm++) {
		fv[dm] = sd_keep(s, xcalloc(depth ? depth : 1,
		    sizeof(*fv[dm])));
		fp[dm] = sd_keep(s, xcalloc(depth ? depth : 1,
		    sizeof(*fp[dm])));
	}
	for (i = 0; i < n; i++)
		names[d->termsz++] = ts[i]->name;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++)
			for (t = pass ? ts[i]->parent : ts[i]; t != NULL;
			    t = pass ? t->parent : NULL) {
				dm = (int)t->dim;
				k = d->facetsz[dim_facet[dm]];
				for (j = 0; j < k &&
				    strcmp(fv[dm][j], t->name) != 0; j++)
					continue;
				if (j < k)
					continue;
				fv[dm][k] = t->name;
				fp[dm][k] = t->parent ? t->parent->name : NULL;
				d->facetsz[dim_facet[dm]]++;
			}
		if (pass == 0)
			for (dm = 0; dm < DIM__MAX; dm++)
				d->facetown[dim_facet[dm]] =
				    d->facetsz[dim_facet[dm]];
	}
	d->terms = names;
	for (dm = 0; dm < DIM__MAX; dm++) {
		d->facets[dim_facet[dm]] = fv[dm];
		d->fparent[dim_facet[dm]] = fp[dm];
	}
}

static struct search_doc *
sd_set(struct sdocs *s, struct search_doc *d, enum search_type type,
    char *url, const char *title, const char *summary, const char *lang,
    const char *html)
{
	memset(d, 0, sizeof(*d));
	d->type = type;
	d->url = sd_keep(s, url);
	d->title = title;
	d->summary = summary;
	d->language = lang;
	d->html = html;
	return d;
}

static struct search_doc *
sd_add(struct sdocs *s, enum search_type type, char *url,
    const char *title, const char *summary, const char *lang,
    const char *html)
{
	return sd_set(s, &s->d[s->dsz++], type, url, title, summary, lang,
	    html);
}

/*
 * The language of an entry whose front matter (or seminar item) is m:
 * its own, else the site's.  Borrowed from m or the site.
 */
static const char *
sd_lang(const struct kb *kb, const struct val *m)
{
	const char	*l = val_get_str(m, "language");

	return l != NULL ? l : kb->site.language;
}

/* Warn at v (in path) if its language has no stemmer. */
static void
lang_warn(const char *path, const struct val *v)
{
	if (v == NULL || v->str == NULL || search_stemmable(v->str))
		return;
	diag_warn(path, v->line, v->col, "language \"%s\" has no "
	    "stemmer: the search index does not stem in it", v->str);
}

/*
 * See search/search.h.
 */
void
search_langs_check(const struct kb *kb)
{
	const struct val *sem, *f;
	char		*path;
	size_t		 i;

	lang_warn(kb->site.path, val_get(kb->site.tree, "language"));
	for (i = 0; i < kb->ucsz; i++)
		lang_warn(kb->ucs[i]->e.path, val_get(kb->ucs[i]->e.meta,
		    "language"));
	for (i = 0; i < kb->peoplesz; i++)
		lang_warn(kb->people[i]->e.path, val_get(
		    kb->people[i]->e.meta, "language"));
	for (i = 0; i < kb->hacksz; i++)
		lang_warn(kb->hacks[i]->e.path, val_get(kb->hacks[i]->e.meta,
		    "language"));
	for (i = 0; i < kb->pagesz; i++)
		lang_warn(kb->pages[i]->e.path, val_get(kb->pages[i]->e.meta,
		    "language"));
	for (i = 0; kb->seminars != NULL && i < kb->seminars->kidsz; i++) {
		sem = kb->seminars->kids[i];
		if ((f = val_get(sem, "language")) == NULL ||
		    val_get_str(sem, "file") == NULL)
			continue;
		path = path_join(kb->content, val_get_str(sem, "file"));
		lang_warn(path, f);
		free(path);
	}
}

/* A text or a list of texts (YAML) joined with ", ", or NULL. */
static char *
sd_names(const struct kb *kb, const struct val *v)
{
	struct buf	 b = { NULL, 0, 0 };

	if (v == NULL || (v->type != VAL_LIST && v->str == NULL))
		return NULL;
	roster_names(kb, v, &b);
	buf_puts(&b, "");
	return buf_steal(&b);
}

static int
name_start(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The words of a use case's executed notebook appended to b as HTML
 * text: Markdown cells as they are (escaped), code cells as their names
 * (identifiers and dotted names, each once), nothing of the outputs.
 * A notebook that cannot be read adds nothing (the page warns).
 */
static void
sd_notebook(const struct kb *kb, const struct usecase *uc, struct buf *b)
{
	const struct val *m, *cells, *c, *src;
	const char	*ref, *ct, *p;
	struct buf	 code = { NULL, 0, 0 };
	struct val	*nb = NULL;
	char		*text = NULL, **ws = NULL;
	size_t		 sz, i, j, k, n, wsz = 0;

	m = val_get(uc->outputs, "passing");
	if (val_get_str(val_get(m, "notebook"), "ref") == NULL)
		m = val_get(uc->outputs, "last");
	ref = val_get_str(val_get(m, "notebook"), "ref");
	if (ref == NULL || !outputs_read(kb->root, ref,
	    kb->site.out_max_notebook, &text, &sz))
		return;
	if ((nb = json_parse(text, sz)) == NULL ||
	    (cells = val_get(nb, "cells")) == NULL || cells->type != VAL_LIST)
		goto out;
	buf_puts(b, "<p>");
	for (i = 0; i < cells->kidsz; i++) {
		c = cells->kids[i];
		ct = val_get_str(c, "cell_type");
		src = val_get(c, "source");
		if (ct == NULL || src == NULL)
			continue;
		n = src->type == VAL_LIST ? src->kidsz : 1;
		for (j = 0; j < n; j++) {
			const struct val *l = src->type == VAL_LIST ?
			    src->kids[j] : src;

			if (l->type != VAL_STR)
				continue;
			if (strcmp(ct, "markdown") == 0) {
				buf_html(b, l->str, l->strsz);
				buf_putc(b, ' ');
			} else if (strcmp(ct, "code") == 0)
				buf_put(&code, l->str, l->strsz);
		}
	}
	/* Names of the code: [A-Za-z_][A-Za-z0-9_.]*, each once. */
	p = code.data != NULL ? code.data : "";
	for (k = 0; k < code.sz; ) {
		if (!name_start(p[k]) || (k > 0 && name_char(p[k - 1]))) {
			k++;
			continue;
		}
		for (j = k; j < code.sz && (name_char(p[j]) || p[j] == '.');
		    j++)
			continue;
		while (j > k && p[j - 1] == '.')
			j--;
		if (j - k > 2) {
			ws = xreallocarray(ws, wsz + 1, sizeof(*ws));
			ws[wsz++] = xstrndup(p + k, j - k);
		}
		k = j + 1;
	}
	if (wsz > 1)
		xqsort(ws, wsz, sizeof(*ws), str_cmp);
	for (k = 0; k < wsz; k++)
		if (k == 0 || strcmp(ws[k], ws[k - 1]) != 0) {
			buf_putc(b, ' ');
			buf_html(b, ws[k], strlen(ws[k]));
		}
	buf_puts(b, "</p>");
out:
	for (k = 0; k < wsz; k++)
		free(ws[k]);
	free(ws);
	buf_free(&code);
	val_free(nb);
	free(text);
}

/* Describe use case i of kb into d; b is scratch. */
static void
sd_usecase(struct sdocs *s, const struct kb *kb, size_t i,
    struct search_doc *d, struct buf *b)
{
	const struct usecase *uc = kb->ucs[i];
	const char	*html = kb_html(kb, &uc->e);
	struct term	**ts;
	size_t		 j, n;
	int		 dm;

	if (uc->outputs != NULL) {
		buf_reset(b);
		buf_puts(b, html != NULL ? html : "");
		sd_notebook(kb, uc, b);
		html = sd_keep(s, xstrdup(buf_cstr(b)));
	}
	sd_set(s, d, SEARCH_USECASE, url_usecase(uc->e.slug), uc->e.title ?
	    uc->e.title : uc->e.slug, uc->summary, sd_lang(kb, uc->e.meta),
	    html);
	for (n = 0, dm = 0; dm < DIM__MAX; dm++)
		n += uc->termsz[dm];
	ts = sd_keep(s, xcalloc(n ? n : 1, sizeof(*ts)));
	for (n = 0, dm = 0; dm < DIM__MAX; dm++)
		for (j = 0; j < uc->termsz[dm]; j++)
			ts[n++] = uc->terms[dm][j];
	sd_terms(s, d, ts, n);
	if (uc->kind != NULL) {
		d->facets[SEARCH_KIND] = &uc->kind;
		d->facetsz[SEARCH_KIND] = 1;
	}
	d->facets[SEARCH_STATUS] = &health_words[health_of(uc)];
	d->facetsz[SEARCH_STATUS] = 1;
}

/*
 * The keys of the documents render_search describes, in its order:
 * each hashes what the document depends on.  A use case's are its
 * file (front matter and body) and what every document shares: the
 * inputs that are not entries (opts->inputs: site.yaml, the taxonomy,
 * the theme, the store's records, the day...), which use cases there
 * are (their links resolve to each other), and the other entries
 * whole (seminars name people); so that an edit of one use case
 * changes one key.  The other documents' keys are those shared ones.
 * NULL when there are none to trust (no inputs).
 */
static uint64_t *
sd_keys(const struct kb *kb, const struct render_opts *opts, size_t *np)
{
	const struct entry *e;
	uint64_t	*k, g = opts->inputs;
	size_t		 i, n = 0, j;

	if (opts->inputs == 0 || opts->idx == NULL)
		return NULL;
	g = hash64("search docs 1", 13, g);
	g = hash64(&kb->ucsz, sizeof(kb->ucsz), g);
	for (i = 0; i < kb->ucsz; i++) {
		e = &kb->ucs[i]->e;
		g = hash64(e->relpath, strlen(e->relpath) + 1, g);
		g = hash64(e->slug, strlen(e->slug) + 1, g);
		g = hash64(&e->draft, sizeof(e->draft), g);
	}
	for (i = 0; i < kb->peoplesz + kb->pagesz + kb->hacksz; i++) {
		e = i < kb->peoplesz ? &kb->people[i]->e :
		    i < kb->peoplesz + kb->pagesz ?
		    &kb->pages[i - kb->peoplesz]->e :
		    &kb->hacks[i - kb->peoplesz - kb->pagesz]->e;
		g = hash64(e->relpath, strlen(e->relpath) + 1, g);
		g = hash64(&e->fmhash, sizeof(e->fmhash), g);
		g = hash64(&e->bodyhash, sizeof(e->bodyhash), g);
		g = hash64(&e->draft, sizeof(e->draft), g);
	}
	for (i = 0; kb->seminars != NULL && i < kb->seminars->kidsz; i++)
		if (val_get_str(kb->seminars->kids[i], "date") != NULL &&
		    val_get_str(kb->seminars->kids[i], "title") != NULL)
			n++;
	g = hash64(&n, sizeof(n), g);
	n += kb->ucsz + kb->peoplesz + kb->hacksz + kb->pagesz;
	k = xcalloc(n ? n : 1, sizeof(*k));
	for (i = 0; i < n; i++) {
		k[i] = hash64(&i, sizeof(i), g);
		if (i >= kb->ucsz)
			continue;
		e = &kb->ucs[i]->e;
		j = strlen(e->relpath);
		k[i] = hash64(e->relpath, j + 1, k[i]);
		k[i] = hash64(&e->fmhash, sizeof(e->fmhash), k[i]);
		k[i] = hash64(&e->bodyhash, sizeof(e->bodyhash), k[i]);
	}
	*np = n;
	return k;
}

/* Describe every document of kb into s, in sd_keys' order; b is
 * scratch. */
static void
sd_all(const struct kb *kb, struct sdocs *s, struct buf *b)
{
	struct search_doc *d;
	struct term	**ts;
	const struct val *sem, *l;
	size_t		 i, j, k, n, cap;
	int		 dm;
	char		*t;

	cap = kb->ucsz + kb->peoplesz + kb->hacksz + kb->pagesz +
	    (kb->seminars ? kb->seminars->kidsz : 0);
	s->d = xcalloc(cap ? cap : 1, sizeof(*s->d));
	for (i = 0; i < kb->ucsz; i++)
		sd_usecase(s, kb, i, &s->d[s->dsz++], b);
	for (i = 0; i < kb->peoplesz; i++) {
		const struct person *p = kb->people[i];

		d = sd_add(s, SEARCH_PERSON, url_person(
		    p->e.slug), p->name ? p->name :
		    p->e.slug, p->affiliation, sd_lang(kb, p->e.meta),
		    kb_html(kb, &p->e));
		sd_terms(s, d, p->expertise, p->expertisesz);
	}
	for (i = 0; i < kb->hacksz; i++) {
		const struct hackathon *h = kb->hacks[i];
		const struct val *m = h->e.meta;
		const char	*st, *en;
		char		*w;

		/* When and where, and the titles of the programme. */
		buf_reset(b);
		if (val_get_str(m, "venue") != NULL)
			buf_puts(b, val_get_str(m, "venue"));
		if ((st = val_get_str(m, "start")) != NULL) {
			w = ev_date_words(st, 0);
			buf_printf(b, "%s%s", b->sz ? ", " : "", w);
			free(w);
		}
		if ((en = val_get_str(m, "end")) != NULL &&
		    (st == NULL || strcmp(st, en) != 0)) {
			w = ev_date_words(en, 0);
			buf_printf(b, " to %s", w);
			free(w);
		}
		t = sd_keep(s, xstrdup(buf_cstr(b)));
		buf_reset(b);
		buf_puts(b, kb_html(kb, &h->e) ? kb_html(kb, &h->e) : "");
		l = val_get(m, "programme");
		for (j = 0; l != NULL && l->type == VAL_LIST && j < l->kidsz;
		    j++) {
			const struct val *ss = val_get(l->kids[j], "sessions");

			for (k = 0; ss != NULL && ss->type == VAL_LIST &&
			    k < ss->kidsz; k++)
				if (val_get_str(ss->kids[k], "title") != NULL) {
					buf_puts(b, "<p>");
					buf_html(b, val_get_str(ss->kids[k],
					    "title"), strlen(val_get_str(
					    ss->kids[k], "title")));
					buf_puts(b, "</p>");
				}
		}
		sd_add(s, SEARCH_HACKATHON, url_hackathon(
		    h->e.slug), h->e.title ?
		    h->e.title : h->e.slug, *t ? t : NULL, sd_lang(kb, m),
		    sd_keep(s, xstrdup(buf_cstr(b))));
	}
	for (i = 0; kb->seminars != NULL && i < kb->seminars->kidsz; i++) {
		const char *date, *title, *abs;

		sem = kb->seminars->kids[i];
		date = val_get_str(sem, "date");
		title = val_get_str(sem, "title");
		if (date == NULL || title == NULL)
			continue;
		buf_reset(b);
		if ((abs = val_get_str(sem, "abstract")) != NULL) {
			buf_puts(b, "<p>");
			buf_html(b, abs, strlen(abs));
			buf_puts(b, "</p>");
		}
		t = sd_names(kb, val_get(sem, "speakers"));
		d = sd_add(s, SEARCH_SEMINAR, url_seminar(sem), title,
		    t ? sd_keep(s, t) : NULL, sd_lang(kb, sem),
		    sd_keep(s, xstrdup(buf_cstr(b))));
		/* Terms by name, as the seminar gives them. */
		for (n = 0, dm = 0; dm < DIM__MAX; dm++)
			n += val_count(val_get(sem, dim_keys[dm]));
		ts = sd_keep(s, xcalloc(n ? n : 1, sizeof(*ts)));
		for (n = 0, dm = 0; dm < DIM__MAX; dm++) {
			l = val_get(sem, dim_keys[dm]);
			for (j = 0; j < val_count(l); j++) {
				const struct val *it = val_item(l, j);
				struct term *tm;

				if (it->str != NULL && (tm = tax_find(&kb->tax,
				    (enum dim)dm, it->str)) != NULL)
					ts[n++] = tm;
			}
		}
		sd_terms(s, d, ts, n);
	}
	for (i = 0; i < kb->pagesz; i++) {
		const struct page *pg = kb->pages[i];

		sd_add(s, SEARCH_PAGE, url_page(
		    pg->e.slug), pg->e.title ? pg->e.title : pg->e.slug,
		    val_get_str(pg->e.meta, "description"), sd_lang(kb,
		    pg->e.meta), kb_html(kb, &pg->e));
	}
}

/* What search_patch asks of render_search. */
struct sdpatch {
	const struct kb	*kb;
	struct sdocs	*s;
	struct buf	*b;
};

/* Describe document i for search_patch: only use cases change alone. */
static int
sd_describe(void *arg, size_t i, struct search_doc *d)
{
	struct sdpatch	*p = arg;

	if (i >= p->kb->ucsz)
		return 0;
	sd_usecase(p->s, p->kb, i, d, p->b);
	return 1;
}

/* Every document for search_patch, described once. */
static int
sd_describe_all(void *arg, const struct search_doc **d, size_t *n)
{
	struct sdpatch	*p = arg;

	if (p->s->d == NULL)
		sd_all(p->kb, p->s, p->b);
	*d = p->s->d;
	*n = p->s->dsz;
	return 1;
}

/* The warnings of document i for search_patch (search_langs_check). */
static int
sd_warn(void *arg, size_t i)
{
	struct sdpatch	*p = arg;
	const struct usecase *uc = p->kb->ucs[i];
	size_t		 w = diag_warnings();

	lang_warn(uc->e.path, val_get(uc->e.meta, "language"));
	return diag_warnings() != w;
}

/*
 * See search/search.h.
 */
int
render_search(const struct kb *kb, const struct render_opts *opts,
    struct site_out *so)
{
	struct sdocs	 s;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, nkeys = 0, w;
	uint64_t	*keys;
	struct sdpatch	 sp;
	int		 rc, said;

	memset(&s, 0, sizeof(s));
	keys = sd_keys(kb, opts, &nkeys);
	if (keys != NULL) {
		sp.kb = kb;
		sp.s = &s;
		sp.b = &b;
		rc = search_patch(keys, nkeys, sd_describe, sd_describe_all,
		    sd_warn, &sp, opts->idx, so);
		if (rc >= 0)
			goto out;
	}
	w = diag_warnings();
	search_langs_check(kb);
	said = diag_warnings() != w;
	if (s.d == NULL)
		sd_all(kb, &s, &b);
	if (keys != NULL && nkeys != s.dsz) {
		/* Not the documents sd_keys counted: keep nothing. */
		free(keys);
		keys = NULL;
	}
	rc = search_write(s.d, s.dsz, keys, said, opts->jobs, opts->idx, so);
out:
	free(keys);
	buf_free(&b);
	for (i = 0; i < s.ownsz; i++)
		free(s.own[i]);
	free(s.own);
	free(s.d);
	return rc;
}
