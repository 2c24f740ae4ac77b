/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Rendering: turn the model into template contexts (the contract is
 * templates/README.md) and pages, and write the machine-readable
 * outputs (Atom feed, sitemap, catalogue.json) directly.  Values that
 * many pages show (a use case's summary card, a term, a person) are
 * built once, marked shared, and referenced by every page context, so
 * a page costs little more than its own template walk.  Pages are
 * rendered on the worker pool (par_for); each hands its bytes to site.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

enum job_type {
	JOB_HOME,
	JOB_CATALOGUE,
	JOB_USECASE,
	JOB_DIMENSION,
	JOB_TERM,
	JOB_MATRIX,
	JOB_CELL,
	JOB_PEOPLE,
	JOB_PERSON,
	JOB_PAGE,
	JOB_HACKATHONS,
	JOB_HACKATHON,
	JOB_404,
	JOB_STATUS,
	JOB_BADGE,
	JOB_JSON,
	JOB_FEED,
	JOB_SEMINARS,
	JOB_EXPERTS,
	JOB_SEARCH,
};

struct job {
	enum job_type	 type;
	size_t		 a;	/* index of the entry or term */
	size_t		 b;	/* dimension, or field index of a cell */
};

struct r {
	const struct kb	*kb;
	const struct render_opts *opts;
	struct site_out	*so;
	struct val	**ucsums;	/* shared, by kb->ucs index */
	struct val	**terms[DIM__MAX];	/* shared term values */
	struct val	**prefs;	/* shared person refs */
	struct val	*menu;	/* shared menu, nothing current */
	char		*base;	/* base_url ending in '/', or NULL */
	long		 max_age;	/* check.max_age, seconds */
	struct val	**health;	/* shared example health, by kb->ucs */
	struct val	**menus;	/* shared menu variants, see build_menus */
	struct val	**sites;	/* shared "site" values, one per menu */
	size_t		 menusz;
	struct job	*jobs;
	size_t		 jobsz;
	pthread_mutex_t	 lock;
	int		 failed;
	char		*today;	/* the build's day, see render_today */
	char		*realday;	/* the real day: records' ages */
};


static struct val *
share(struct val *v)
{
	v->shared = 1;
	return v;
}

static void
unshare_free(struct val *v)
{
	if (v == NULL)
		return;
	v->shared = 0;
	val_free(v);
}

/*
 * A URL from the content as a value: null when missing or when its
 * scheme could run code (javascript: and the like), so the page shows
 * no link rather than a live one.
 */
static struct val *
opt_url(const struct val *map, const char *key)
{
	const char	*s = val_get_str(map, key);

	return s != NULL && url_safe(s) ? val_str(s) : val_new(VAL_NULL);
}

/* A borrowed list of shared values. */
static struct val *
list_of(struct val **vals, size_t n)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		val_push(l, vals[i]);
	return l;
}

static size_t
uc_index(const struct kb *kb, const struct usecase *uc)
{
	(void)kb;
	return uc->pos;
}

static size_t
term_index(const struct kb *kb, const struct term *t)
{
	(void)kb;
	return t->pos;
}

static const char *const dim_dirs[DIM__MAX] = { "technologies", "fields",
    "tools" };

static struct val *
term_val(const struct kb *kb, const struct term *t)
{
	struct val	*v = val_map();
	struct md_opts	 mo;
	struct md_out	 out;
	char		*url;

	val_set_str(v, "name", t->name);
	val_set(v, "title", t->title ? val_str(t->title) :
	    val_new(VAL_NULL));
	val_set_str(v, "slug", t->slug);
	url = xasprintf("%s/%s/index.html", dim_dirs[t->dim], t->slug);
	val_set_str(v, "url", url);
	free(url);
	val_set(v, "count", val_int((long long)t->ucsz));
	if (t->desc != NULL) {
		memset(&mo, 0, sizeof(mo));
		mo.path = kb->tax.path;
		mo.line0 = t->line;
		mo.unsafe = kb->site.unsafe_html;
		if (md_render(t->desc, strlen(t->desc), &mo, &out)) {
			val_set(v, "description", val_str(out.html));
			md_out_free(&out);
		}
	} else
		val_set(v, "description", val_new(VAL_NULL));
	return v;
}

static struct val *
terms_list(struct r *r, struct term **ts, size_t n)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		val_push(l, r->terms[ts[i]->dim][term_index(r->kb, ts[i])]);
	return l;
}

/*
 * Whether the date a (YYYY-MM-DD) is more than two years before b.
 */
static int
older_than_two_years(const char *a, const char *b)
{
	char	 lim[32];
	int	 y;

	if (a == NULL || b == NULL || strlen(b) != 10)
		return 0;
	y = atoi(b) - 2;
	snprintf(lim, sizeof(lim), "%04d%s", y, b + 4);
	return strcmp(a, lim) < 0;
}

/*
 * What sync said of a use case's repository: "unreachable" (the last
 * sync failed), "stale" (no commit for two years), "reachable", or
 * NULL when never synced.
 */
static const char *
repo_state(const struct r *r, const struct usecase *uc)
{
	if (uc->prov == NULL)
		return NULL;
	if (val_get_str(uc->prov, "unreachable_since") != NULL)
		return "unreachable";
	if (val_get_str(uc->prov, "commit") == NULL)
		return NULL;
	if (older_than_two_years(val_get_str(uc->prov, "last_activity"),
	    r->realday))
		return "stale";
	return "reachable";
}

/*
 * Whether the facet list in b already holds "dim:slug".
 */
static int
has_word(struct buf *b, const char *dim, const char *slug)
{
	char	*w;
	const char *p;
	size_t	 n;
	int	 found = 0;

	w = xasprintf("%s:%s", dim, slug);
	n = strlen(w);
	for (p = buf_cstr(b); (p = strstr(p, w)) != NULL; p += n)
		if ((p == b->data || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0')) {
			found = 1;
			break;
		}
	free(w);
	return found;
}

static struct val *
ucsum_val(struct r *r, const struct usecase *uc)
{
	const struct term *t;
	struct val	*v = val_map();
	struct buf	 f = { NULL, 0, 0 };
	size_t		 i;
	int		 d;
	char		*url;

	val_set_str(v, "slug", uc->e.slug);
	url = xasprintf("usecases/%s/index.html", uc->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set_str(v, "title", uc->e.title ? uc->e.title : uc->e.slug);
	val_set_str(v, "summary", uc->summary ? uc->summary : "");
	val_set_str(v, "kind", uc->kind ? uc->kind : "");
	val_set(v, "added", uc->added ? val_str(uc->added) :
	    val_new(VAL_NULL));
	for (d = 0; d < DIM__MAX; d++) {
		val_set(v, dim_keys[d], terms_list(r, uc->terms[d],
		    uc->termsz[d]));
		for (i = 0; i < uc->termsz[d]; i++)
			for (t = uc->terms[d][i]; t != NULL; t = t->parent)
				if (!has_word(&f, dim_names[d], t->slug))
					buf_printf(&f, "%s%s:%s", f.sz ? " " :
					    "", dim_names[d], t->slug);
	}
	if (uc->kind != NULL)
		buf_printf(&f, "%skind:%s", f.sz ? " " : "", uc->kind);
	url = slugify(status_words[status_of(uc)]);
	buf_printf(&f, "%sexample:%s", f.sz ? " " : "", url);
	free(url);
	if (repo_state(r, uc) != NULL)
		buf_printf(&f, "%srepository:%s", f.sz ? " " : "",
		    repo_state(r, uc));
	val_set(v, "health", r->health[uc->pos]);
	val_set(v, "executable", val_bool(uc->example != NULL));
	val_set(v, "repo_state", repo_state(r, uc) ?
	    val_str(repo_state(r, uc)) : val_new(VAL_NULL));
	val_set(v, "updated", val_opt_str(uc->hist, "updated"));
	val_set(v, "facets", val_str(buf_cstr(&f)));
	buf_free(&f);
	return v;
}

static struct val *
pref_val(const struct person *p)
{
	struct val	*v = val_map();
	char		*url;

	val_set_str(v, "id", p->e.slug);
	val_set_str(v, "name", p->name ? p->name : p->e.slug);
	url = xasprintf("people/%s/index.html", p->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set(v, "affiliation", p->affiliation ? val_str(p->affiliation) :
	    val_new(VAL_NULL));
	return v;
}

static void
menu_add(struct val *menu, const char *title, const char *url,
    const char *section)
{
	struct val	*m = val_map();

	val_set_str(m, "title", title);
	val_set_str(m, "url", url);
	val_set_str(m, "section", section);
	val_set(m, "current", val_bool(0));
	val_set(m, "active", val_bool(0));
	val_push(menu, m);
}

static int
page_menu_cmp(const void *a, const void *b)
{
	const struct page *pa = *(struct page *const *)a;
	const struct page *pb = *(struct page *const *)b;

	if (pa->menu != pb->menu)
		return pa->menu < pb->menu ? -1 : 1;
	return strcmp(pa->e.slug, pb->e.slug);
}

static struct val *
build_menu(const struct kb *kb)
{
	struct val	*menu = val_list();
	struct page	**ps;
	size_t		 i, n = 0;
	char		*url;

	menu_add(menu, "Catalogue", "catalogue/index.html", "catalogue");
	menu_add(menu, "Technologies", "technologies/index.html",
	    "technologies");
	menu_add(menu, "Fields", "fields/index.html", "fields");
	menu_add(menu, "Tools", "tools/index.html", "tools");
	menu_add(menu, "Matrix", "matrix/index.html", "matrix");
	menu_add(menu, "People", "people/index.html", "people");
	if (kb->hacksz > 0)
		menu_add(menu, "Hackathons", "hackathons/index.html",
		    "hackathons");
	if (kb->seminars != NULL && kb->seminars->kidsz > 0)
		menu_add(menu, "Seminars", "seminars/index.html",
		    "seminars");
	menu_add(menu, "Status", "status/index.html", "status");
	ps = xcalloc(kb->pagesz, sizeof(*ps));
	for (i = 0; i < kb->pagesz; i++)
		if (kb->pages[i]->menu >= 0)
			ps[n++] = kb->pages[i];
	qsort(ps, n, sizeof(*ps), page_menu_cmp);
	for (i = 0; i < n; i++) {
		url = xasprintf("%s/index.html", ps[i]->e.slug);
		menu_add(menu, ps[i]->e.title ? ps[i]->e.title :
		    ps[i]->e.slug, url, ps[i]->e.slug);
		free(url);
	}
	free(ps);
	return menu;
}

/*
 * The "site" value of the pages that show menu (shared).
 */
static struct val *
site_val(const struct r *r, struct val *menu)
{
	struct val	*site = val_map();

	val_set_str(site, "title", r->kb->site.title);
	val_set(site, "description", r->kb->site.description ?
	    val_str(r->kb->site.description) : val_new(VAL_NULL));
	val_set_str(site, "language", r->kb->site.language);
	val_set(site, "base_url", r->base ? val_str(r->base) :
	    val_new(VAL_NULL));
	val_set_str(site, "generator", "kbgen " KBGEN_VERSION);
	val_set(site, "menu", menu);
	return site;
}

/*
 * The menus pages show: for each menu item, one with the item marked
 * active (a page of its section) and one with it also current (the
 * item's own page), and one with nothing marked.  Built once, shared.
 */
static void
build_menus(struct r *r)
{
	size_t	 i, n = r->menu->kidsz;

	r->menus = xcalloc(2 * n + 1, sizeof(*r->menus));
	for (i = 0; i < 2 * n + 1; i++) {
		r->menus[i] = val_copy(r->menu);
		if (i < 2 * n) {
			val_set(r->menus[i]->kids[i / 2], "active",
			    val_bool(1));
			if (i % 2 == 1)
				val_set(r->menus[i]->kids[i / 2], "current",
				    val_bool(1));
		}
		r->menus[i]->shared = 1;
	}
	r->menusz = 2 * n + 1;
	r->sites = xcalloc(r->menusz, sizeof(*r->sites));
	for (i = 0; i < r->menusz; i++)
		r->sites[i] = share(site_val(r, r->menus[i]));
}

/*
 * The index in r->menus (and r->sites) of the menu of the page at path,
 * of the given section.
 */
static size_t
menu_for(const struct r *r, const char *section, const char *path)
{
	size_t	 i;

	for (i = 0; i < r->menu->kidsz; i++)
		if (strcmp(val_get_str(r->menu->kids[i], "section"),
		    section) == 0)
			return 2 * i + (strcmp(val_get_str(
			    r->menu->kids[i], "url"), path) == 0);
	return r->menusz - 1;
}

/*
 * Render template tmpl with ctx (consumed) as the page at path, depth
 * folders below the root.
 */
static int
emit(struct r *r, const char *tmpl, const char *path, int depth,
    const char *section, const char *title, const char *desc,
    struct val *ctx)
{
	struct buf	 out = { NULL, 0, 0 }, root = { NULL, 0, 0 };
	struct val	*page;
	int		 i, rc = 0;

	for (i = 0; i < depth; i++)
		buf_puts(&root, "../");
	val_set(ctx, "root", val_str(buf_cstr(&root)));
	val_set(ctx, "site", r->sites[menu_for(r, section, path)]);
	page = val_set(ctx, "page", val_map());
	val_set_str(page, "title", title);
	val_set(page, "description", desc ? val_str(desc) :
	    val_new(VAL_NULL));
	val_set_str(page, "section", strcmp(tmpl, "index") == 0 ? "home" :
	    tmpl);
	if (tmpl_render(r->opts->tmpls, tmpl, ctx, &out))
		rc = site_out_put(r->so, path, out.data ? out.data : "",
		    out.sz);
	buf_free(&out);
	buf_free(&root);
	val_free(ctx);
	return rc;
}

/*
 * The exported face of this file for events.c, people.c: see extern.h.
 */
const struct kb *
render_kb(const struct r *r)
{
	return r->kb;
}

const char *
render_today(const struct r *r)
{
	return r->today;
}

long long
render_stamp(const struct r *r)
{
	return r->opts->now->stamp;
}

const char *
render_base(const struct r *r)
{
	return r->base;
}

int
render_emit(struct r *r, const char *tmpl, const char *path, int depth,
    const char *section, const char *title, const char *desc,
    struct val *ctx)
{
	return emit(r, tmpl, path, depth, section, title, desc, ctx);
}

int
render_put(struct r *r, const char *path, const char *data, size_t sz)
{
	return site_out_put(r->so, path, data, sz);
}

struct val *
render_ucsum(struct r *r, const struct usecase *uc)
{
	return r->ucsums[uc_index(r->kb, uc)];
}

struct val *
render_health(struct r *r, const struct usecase *uc)
{
	return r->health[uc->pos];
}

struct val *
render_term(struct r *r, const struct term *t)
{
	return r->terms[t->dim][term_index(r->kb, t)];
}

struct val *
render_pref(struct r *r, const struct person *p)
{
	return r->prefs[kb_person_index(r->kb, p)];
}

static int
title_cmp(const void *a, const void *b)
{
	const struct usecase *ua = *(struct usecase *const *)a;
	const struct usecase *ub = *(struct usecase *const *)b;
	int c;

	c = strcasecmp_ascii(ua->e.title ? ua->e.title : ua->e.slug,
	    ub->e.title ? ub->e.title : ub->e.slug);
	return c ? c : strcmp(ua->e.slug, ub->e.slug);
}

static int
added_cmp(const void *a, const void *b)
{
	const struct usecase *ua = *(struct usecase *const *)a;
	const struct usecase *ub = *(struct usecase *const *)b;
	int c;

	c = strcmp(ub->added ? ub->added : "", ua->added ? ua->added : "");
	return c ? c : title_cmp(a, b);
}

static int
rank_cmp(const void *a, const void *b)
{
	const struct usecase *ua = *(struct usecase *const *)a;
	const struct usecase *ub = *(struct usecase *const *)b;

	return ua->rank < ub->rank ? -1 : ua->rank > ub->rank;
}

/*
 * Number the use cases in title order once, so that every list sorts
 * by comparing numbers.
 */
static void
rank_titles(const struct kb *kb)
{
	struct usecase	**s;
	size_t		 i;

	s = xcalloc(kb->ucsz, sizeof(*s));
	if (kb->ucsz > 0)
		memcpy(s, kb->ucs, kb->ucsz * sizeof(*s));
	qsort(s, kb->ucsz, sizeof(*s), title_cmp);
	for (i = 0; i < kb->ucsz; i++)
		s[i]->rank = i;
	free(s);
}

/* Use-case summaries of ucs, sorted by title. */
static struct val *
ucsum_list(struct r *r, struct usecase **ucs, size_t n);

/*
 * Set "usecases" (summaries of ucs) and "has_usecases" in ctx.
 */
static void
set_usecases(struct r *r, struct val *ctx, struct usecase **ucs, size_t n)
{
	val_set(ctx, "usecases", ucsum_list(r, ucs, n));
	val_set(ctx, "has_usecases", val_bool(n > 0));
	/* Long lists lose the chips: a line per use case. */
	val_set(ctx, "compact", val_bool(n > 24));
}

static struct val *
ucsum_list(struct r *r, struct usecase **ucs, size_t n)
{
	struct usecase	**s;
	struct val	*l = val_list();
	size_t		 i;

	s = xcalloc(n, sizeof(*s));
	if (n > 0)
		memcpy(s, ucs, n * sizeof(*s));
	qsort(s, n, sizeof(*s), rank_cmp);
	for (i = 0; i < n; i++)
		val_push(l, r->ucsums[uc_index(r->kb, s[i])]);
	free(s);
	return l;
}

static struct val *
dim_val(int d)
{
	struct val	*v = val_map();
	static const char *const singular[] = { "Technology", "Field",
	    "Tool" };
	char		*url;

	val_set_str(v, "key", dim_names[d]);
	val_set_str(v, "label", dim_labels[d]);
	val_set_str(v, "singular", singular[d]);
	url = xasprintf("%s/index.html", dim_dirs[d]);
	val_set_str(v, "url", url);
	free(url);
	return v;
}

static int
count_cmp(const void *a, const void *b)
{
	const struct term *ta = *(struct term *const *)a;
	const struct term *tb = *(struct term *const *)b;

	if (ta->ucsz != tb->ucsz)
		return ta->ucsz > tb->ucsz ? -1 : 1;
	return strcasecmp_ascii(ta->name, tb->name);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcasecmp_ascii((*(struct term *const *)a)->name,
	    (*(struct term *const *)b)->name);
}

static struct term **
sorted_terms(const struct kb *kb, int d, int (*cmp)(const void *,
    const void *))
{
	struct term	**ts;

	ts = xcalloc(kb->tax.termsz[d], sizeof(*ts));
	if (kb->tax.termsz[d] > 0)
		memcpy(ts, kb->tax.terms[d], kb->tax.termsz[d] * sizeof(*ts));
	qsort(ts, kb->tax.termsz[d], sizeof(*ts), cmp);
	return ts;
}

static int
job_home(struct r *r)
{
	const struct kb	*kb = r->kb;
	struct val	*ctx = val_map(), *c, *dims, *dv;
	struct usecase	**s;
	struct term	**ts;
	size_t		 i, n;
	struct md_opts	 mo;
	struct md_out	 out;
	int		 d;

	c = val_set(ctx, "counts", val_map());
	val_set(c, "usecases", val_int((long long)kb->ucsz));
	for (d = 0; d < DIM__MAX; d++)
		val_set(c, dim_keys[d], val_int((long long)kb->tax.termsz[d]));
	val_set(c, "people", val_int((long long)kb->peoplesz));
	dims = val_set(ctx, "dimensions", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		dv = val_push(dims, dim_val(d));
		ts = sorted_terms(kb, d, count_cmp);
		for (n = 0; n < kb->tax.termsz[d] && n < 8 &&
		    ts[n]->ucsz > 0; n++)
			continue;
		val_set(dv, "terms", terms_list(r, ts, n));
		free(ts);
	}
	s = xcalloc(kb->ucsz, sizeof(*s));
	if (kb->ucsz > 0)
		memcpy(s, kb->ucs, kb->ucsz * sizeof(*s));
	qsort(s, kb->ucsz, sizeof(*s), added_cmp);
	n = kb->ucsz < 8 ? kb->ucsz : 8;
	c = val_set(ctx, "newest", val_list());
	for (i = 0; i < n; i++)
		val_push(c, r->ucsums[uc_index(kb, s[i])]);
	free(s);
	if (kb->site.description != NULL) {
		memset(&mo, 0, sizeof(mo));
		mo.path = kb->site.path;
		if (md_render(kb->site.description,
		    strlen(kb->site.description), &mo, &out)) {
			val_set(ctx, "intro", val_str(out.html));
			md_out_free(&out);
		}
	}
	c = val_set(ctx, "health", val_map());
	{
		size_t exe = 0, fresh = 0;

		for (i = 0; i < kb->ucsz; i++) {
			const struct val *fr = val_get(r->health[i], "fresh");

			exe += kb->ucs[i]->example != NULL;
			fresh += fr != NULL && fr->b;
		}
		val_set(c, "executable", val_int((long long)exe));
		val_set(c, "verified", val_int((long long)fresh));
		val_set(c, "percent", val_int(exe ? (long long)(100 * fresh /
		    exe) : 0));
		val_set(c, "max_age_days", val_int(r->max_age / 86400));
		val_set(c, "has_examples", val_bool(exe > 0));
	}
	return emit(r, "index", "index.html", 0, "home", kb->site.title,
	    kb->site.description, ctx);
}

static int
job_catalogue(struct r *r)
{
	const struct kb	*kb = r->kb;
	struct val	*ctx = val_map(), *facets, *f, *kt, *k;
	static const char *const kinds[] = { "tutorial", "application",
	    "package", "technique", "demo" };
	size_t		 i, j, n;
	int		 d;

	set_usecases(r, ctx, kb->ucs, kb->ucsz);
	val_set(val_set(ctx, "counts", val_map()), "usecases",
	    val_int((long long)kb->ucsz));
	facets = val_set(ctx, "facets", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		struct term **ts = sorted_terms(kb, d, name_cmp);

		f = val_push(facets, val_map());
		val_set_str(f, "key", dim_names[d]);
		val_set_str(f, "label", dim_labels[d]);
		kt = val_set(f, "terms", val_list());
		for (i = 0; i < kb->tax.termsz[d]; i++)
			if (ts[i]->ucsz > 0)
				val_push(kt, r->terms[d][term_index(kb,
				    ts[i])]);
		free(ts);
	}
	f = val_push(facets, val_map());
	val_set_str(f, "key", "kind");
	val_set_str(f, "label", "Kind");
	kt = val_set(f, "terms", val_list());
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		for (n = j = 0; j < kb->ucsz; j++)
			if (kb->ucs[j]->kind != NULL &&
			    strcmp(kb->ucs[j]->kind, kinds[i]) == 0)
				n++;
		if (n == 0)
			continue;
		k = val_push(kt, val_map());
		val_set_str(k, "name", kinds[i]);
		val_set_str(k, "slug", kinds[i]);
		val_set(k, "count", val_int((long long)n));
		val_set(k, "url", val_new(VAL_NULL));
	}
	f = val_push(facets, val_map());
	val_set_str(f, "key", "example");
	val_set_str(f, "label", "Example");
	kt = val_set(f, "terms", val_list());
	for (i = 0; i < STATUS__MAX; i++) {
		char *sl;

		for (n = j = 0; j < kb->ucsz; j++)
			if (status_of(kb->ucs[j]) == i)
				n++;
		if (n == 0)
			continue;
		k = val_push(kt, val_map());
		val_set_str(k, "name", status_words[i]);
		sl = slugify(status_words[i]);
		val_set_str(k, "slug", sl);
		free(sl);
		val_set(k, "count", val_int((long long)n));
		val_set(k, "url", val_new(VAL_NULL));
	}
	f = val_push(facets, val_map());
	val_set_str(f, "key", "repository");
	val_set_str(f, "label", "Repository");
	kt = val_set(f, "terms", val_list());
	for (i = 0; i < 3; i++) {
		static const char *const st[] = { "reachable", "stale",
		    "unreachable" };

		for (n = j = 0; j < kb->ucsz; j++)
			if (repo_state(r, kb->ucs[j]) != NULL &&
			    strcmp(repo_state(r, kb->ucs[j]), st[i]) == 0)
				n++;
		if (n == 0)
			continue;
		k = val_push(kt, val_map());
		val_set_str(k, "name", st[i]);
		val_set_str(k, "slug", st[i]);
		val_set(k, "count", val_int((long long)n));
		val_set(k, "url", val_new(VAL_NULL));
	}
	if (kt->kidsz == 0) {
		facets->kidsz--;
		val_free(f);
	}
	return emit(r, "catalogue", "catalogue/index.html", 1, "catalogue",
	    "Catalogue", "Every use case, with filters.", ctx);
}

/*
 * A link to the example inside its repository on hosts whose URL
 * layout is known (GitHub, GitLab instances, Bitbucket); NULL others.
 */
static char *
example_url(const struct usecase *uc)
{
	const char	*url, *ref, *sub, *host;
	char		*base, *path, *res;
	size_t		 n;

	if (uc->repository == NULL || uc->example == NULL)
		return NULL;
	url = val_get_str(uc->repository, "url");
	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return NULL;
	ref = val_get_str(uc->repository, "ref");
	sub = val_get_str(uc->repository, "subdir");
	n = strlen(url);
	if (n > 4 && strcmp(url + n - 4, ".git") == 0)
		n -= 4;
	base = xstrndup(url, n);
	path = sub ? xasprintf("%s/%s", sub, uc->example) :
	    xstrdup(uc->example);
	host = url + 8;
	if (strncmp(host, "github.com/", 11) == 0)
		res = xasprintf("%s/blob/%s/%s", base, ref ? ref : "HEAD",
		    path);
	else if (strncmp(host, "bitbucket.org/", 14) == 0)
		res = xasprintf("%s/src/%s/%s", base, ref ? ref : "HEAD",
		    path);
	else if (strstr(host, "gitlab") != NULL ||
	    strncmp(host, "baltig.infn.it/", 15) == 0)
		res = xasprintf("%s/-/blob/%s/%s", base, ref ? ref : "HEAD",
		    path);
	else
		res = NULL;
	free(base);
	free(path);
	return res;
}

static char *
edit_url(const struct kb *kb, const struct entry *e)
{
	const char	*t = kb->site.edit_url, *p;
	struct buf	 b = { NULL, 0, 0 };

	if (t == NULL)
		return NULL;
	while ((p = strstr(t, "{path}")) != NULL) {
		buf_put(&b, t, (size_t)(p - t));
		buf_printf(&b, "content/%s", e->relpath);
		t = p + 6;
	}
	buf_puts(&b, t);
	return buf_steal(&b);
}

/*
 * Owner and repository name of an https URL shaped host/owner/repo,
 * as new strings; 0 if the URL has another shape.
 */
static int
owner_repo(const char *url, char **owner, char **repo)
{
	const char	*p, *s1, *s2;
	size_t		 n;

	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return 0;
	if ((p = strchr(url + 8, '/')) == NULL)
		return 0;
	s1 = p + 1;
	if ((s2 = strchr(s1, '/')) == NULL || s2 == s1)
		return 0;
	n = strlen(s2 + 1);
	while (n > 0 && s2[n] == '/')
		n--;
	if (n > 4 && strncmp(s2 + 1 + n - 4, ".git", 4) == 0)
		n -= 4;
	if (n == 0 || memchr(s2 + 1, '/', n) != NULL)
		return 0;
	*owner = xstrndup(s1, (size_t)(s2 - s1));
	*repo = xstrndup(s2 + 1, n);
	return 1;
}

/*
 * A link to a commit, or to a file at a commit (path not NULL), on
 * hosts whose URL layout is known; NULL elsewhere.
 */
static char *
host_url(const char *url, const char *commit, const char *path)
{
	const char	*host;
	char		*base, *res = NULL;
	size_t		 n;

	if (url == NULL || commit == NULL ||
	    strncmp(url, "https://", 8) != 0)
		return NULL;
	n = strlen(url);
	if (n > 4 && strcmp(url + n - 4, ".git") == 0)
		n -= 4;
	base = xstrndup(url, n);
	host = url + 8;
	if (strncmp(host, "github.com/", 11) == 0)
		res = path ? xasprintf("%s/blob/%s/%s", base, commit, path) :
		    xasprintf("%s/commit/%s", base, commit);
	else if (strncmp(host, "bitbucket.org/", 14) == 0)
		res = path ? xasprintf("%s/src/%s/%s", base, commit, path) :
		    xasprintf("%s/commits/%s", base, commit);
	else if (strstr(host, "gitlab") != NULL ||
	    strncmp(host, "baltig.infn.it/", 15) == 0)
		res = path ? xasprintf("%s/-/blob/%s/%s", base, commit, path) :
		    xasprintf("%s/-/commit/%s", base, commit);
	free(base);
	return res;
}

static char *
fill_pattern(const char *pat, const char *owner, const char *repo,
    const char *commit, const char *path)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p;

	for (p = pat; *p != '\0'; p++) {
		if (strncmp(p, "{owner}", 7) == 0) {
			buf_puts(&b, owner);
			p += 6;
		} else if (strncmp(p, "{repo}", 6) == 0) {
			buf_puts(&b, repo);
			p += 5;
		} else if (strncmp(p, "{commit}", 8) == 0) {
			buf_puts(&b, commit);
			p += 7;
		} else if (strncmp(p, "{path}", 6) == 0) {
			buf_puts(&b, path);
			p += 5;
		} else
			buf_putc(&b, *p);
	}
	return buf_steal(&b);
}

/*
 * The provenance of a use case for its page, or null when never
 * synced.
 */
static struct val *
prov_val(struct r *r, const struct usecase *uc)
{
	const struct val *p = uc->prov, *files, *oi;
	const char	*commit, *url, *subdir, *host;
	struct val	*v, *l, *f;
	char		*s, *path, *owner = NULL, *repo = NULL;
	size_t		 i;

	if (p == NULL)
		return val_new(VAL_NULL);
	v = val_map();
	commit = val_get_str(p, "commit");
	url = val_get_str(p, "url");
	subdir = val_get_str(p, "subdir");
	val_set(v, "commit", commit ? val_str(commit) : val_new(VAL_NULL));
	if (commit != NULL) {
		s = xstrndup(commit, 12);
		val_set_str(v, "short", s);
		free(s);
	} else
		val_set(v, "short", val_new(VAL_NULL));
	s = host_url(url, commit, NULL);
	val_set(v, "commit_url", s ? val_str(s) : val_new(VAL_NULL));
	free(s);
	for (i = 0; i < 7; i++) {
		static const char *const keys[] = { "commit_date", "author",
		    "last_activity", "license", "readme", "fetched_at",
		    "unreachable_since" };
		const char *x = val_get_str(p, keys[i]);

		val_set(v, keys[i], x ? val_str(x) : val_new(VAL_NULL));
	}
	val_set(v, "error", val_opt_str(p, "error"));
	val_set(v, "contributors_year", val_opt_str(p, "contributors_year"));
	val_set(v, "stale", val_bool(older_than_two_years(
	    val_get_str(p, "last_activity"), r->realday)));
	l = val_set(v, "files", val_list());
	files = val_get(p, "files");
	for (i = 0; files != NULL && files->type == VAL_LIST &&
	    i < files->kidsz; i++) {
		if (files->kids[i]->str == NULL)
			continue;
		f = val_push(l, val_map());
		val_set_str(f, "path", files->kids[i]->str);
		s = host_url(url, commit, files->kids[i]->str);
		val_set(f, "url", s ? val_str(s) : val_new(VAL_NULL));
		free(s);
	}
	val_set(v, "has_files", val_bool(l->kidsz > 0));
	l = val_set(v, "open_in", val_list());
	oi = val_get(r->kb->site.tree, "open_in");
	if (commit != NULL && uc->example != NULL && oi != NULL &&
	    oi->type == VAL_LIST && owner_repo(url, &owner, &repo)) {
		path = subdir ? xasprintf("%s/%s", subdir, uc->example) :
		    xstrdup(uc->example);
		for (i = 0; i < oi->kidsz; i++) {
			const char *name = val_get_str(oi->kids[i], "name");
			const char *pat = val_get_str(oi->kids[i], "url");

			host = val_get_str(oi->kids[i], "host");
			if (name == NULL || pat == NULL || (host != NULL &&
			    strncmp(url + 8, host, strlen(host)) != 0))
				continue;
			f = val_push(l, val_map());
			val_set_str(f, "name", name);
			s = fill_pattern(pat, owner, repo, commit, path);
			val_set_str(f, "url", s);
			free(s);
		}
		free(path);
	}
	val_set(v, "has_open_in", val_bool(l->kidsz > 0));
	free(owner);
	free(repo);
	return v;
}

static int
job_usecase(struct r *r, size_t i)
{
	const struct usecase *uc = r->kb->ucs[i];
	struct val	*ctx = val_map(), *u, *l, *v, *src;
	char		*s, *path;
	size_t		 j;
	int		 d;

	u = val_set(ctx, "uc", val_map());
	val_set_str(u, "slug", uc->e.slug);
	val_set_str(u, "title", uc->e.title ? uc->e.title : uc->e.slug);
	val_set_str(u, "summary", uc->summary ? uc->summary : "");
	val_set_str(u, "kind", uc->kind ? uc->kind : "");
	l = val_set(u, "audience", val_list());
	if ((src = val_get(uc->e.meta, "audience")) != NULL) {
		if (src->type == VAL_LIST) {
			for (j = 0; j < src->kidsz; j++)
				if (src->kids[j]->str != NULL)
					val_push(l, val_str(src->kids[j]->str));
		} else if (src->str != NULL)
			val_push(l, val_str(src->str));
	}
	val_set(u, "added", uc->added ? val_str(uc->added) :
	    val_new(VAL_NULL));
	val_set_str(u, "language", val_get_str(uc->e.meta, "language") ?
	    val_get_str(uc->e.meta, "language") : r->kb->site.language);
	for (d = 0; d < DIM__MAX; d++)
		val_set(u, dim_keys[d], terms_list(r, uc->terms[d],
		    uc->termsz[d]));
	l = val_set(u, "contacts", val_list());
	for (j = 0; j < uc->contactsz; j++)
		val_push(l, r->prefs[kb_person_index(r->kb, uc->contacts[j])]);
	if (uc->repository != NULL) {
		v = val_set(u, "repository", val_map());
		val_set(v, "url", opt_url(uc->repository, "url"));
		val_set(v, "ref", val_opt_str(uc->repository, "ref"));
		val_set(v, "subdir", val_opt_str(uc->repository, "subdir"));
	} else
		val_set(u, "repository", val_new(VAL_NULL));
	val_set(u, "example", uc->example ? val_str(uc->example) :
	    val_new(VAL_NULL));
	s = example_url(uc);
	val_set(u, "example_url", s ? val_str(s) : val_new(VAL_NULL));
	free(s);
	l = val_set(u, "links", val_list());
	if ((src = val_get(uc->e.meta, "links")) != NULL &&
	    src->type == VAL_LIST)
		for (j = 0; j < src->kidsz; j++) {
			const char *t = val_get_str(src->kids[j], "title");
			const char *h = val_get_str(src->kids[j], "url");

			if (t == NULL || h == NULL || !url_safe(h))
				continue;
			v = val_push(l, val_map());
			val_set_str(v, "title", t);
			val_set_str(v, "url", h);
		}
	val_set(u, "has_links", val_bool(l->kidsz > 0));
	val_set(u, "body", val_str(uc->e.html ? uc->e.html : ""));
	s = edit_url(r->kb, &uc->e);
	val_set(u, "edit_url", s ? val_str(s) : val_new(VAL_NULL));
	free(s);
	val_set(u, "executable", val_bool(uc->example != NULL));
	val_set(u, "prov", prov_val(r, uc));
	val_set(u, "health", r->health[i]);
	if (uc->hist != NULL) {
		v = val_set(u, "history", val_copy(uc->hist));
		v->shared = 0;
	} else
		val_set(u, "history", val_new(VAL_NULL));
	path = xasprintf("usecases/%s/index.html", uc->e.slug);
	d = emit(r, "usecase", path, 2, "catalogue", uc->e.title ?
	    uc->e.title : uc->e.slug, uc->summary, ctx);
	free(path);
	return d;
}

static int
job_dimension(struct r *r, int d)
{
	const struct kb	*kb = r->kb;
	struct val	*ctx = val_map(), *l, *t;
	struct term	**ts;
	size_t		 i;
	char		*path;
	int		 rc;

	val_set(ctx, "dim", dim_val(d));
	val_set_str(ctx, "matrix_url", "matrix/index.html");
	l = val_set(ctx, "terms", val_list());
	ts = sorted_terms(kb, d, name_cmp);
	for (i = 0; i < kb->tax.termsz[d]; i++) {
		/* A copy, to add the parent without touching the shared one. */
		t = val_push(l, val_copy(r->terms[d][term_index(kb, ts[i])]));
		t->shared = 0;
		if (ts[i]->parent != NULL)
			val_set(t, "parent", val_copy(r->terms[d][term_index(kb,
			    ts[i]->parent)]))->shared = 0;
		else
			val_set(t, "parent", val_new(VAL_NULL));
	}
	free(ts);
	path = xasprintf("%s/index.html", dim_dirs[d]);
	rc = emit(r, "dimension", path, 1, dim_dirs[d], dim_labels[d], NULL,
	    ctx);
	free(path);
	return rc;
}

static int
job_term(struct r *r, int d, size_t i)
{
	const struct kb	*kb = r->kb;
	const struct term *tm = kb->tax.terms[d][i];
	struct val	*ctx = val_map(), *t, *l;
	char		*path;
	size_t		 j;
	int		 rc;

	val_set(ctx, "dim", dim_val(d));
	t = val_set(ctx, "term", val_copy(r->terms[d][i]));
	t->shared = 0;
	l = val_set(t, "aliases", val_list());
	if (tm->aliases != NULL && tm->aliases->type == VAL_LIST) {
		for (j = 0; j < tm->aliases->kidsz; j++)
			if (tm->aliases->kids[j]->str != NULL)
				val_push(l, val_str(tm->aliases->kids[j]->str));
	} else if (tm->aliases != NULL && tm->aliases->str != NULL)
		val_push(l, val_str(tm->aliases->str));
	for (j = 0; j < l->kidsz; j++) {
		struct val *a = val_map();

		val_set(a, "name", l->kids[j]);
		val_set(a, "last", val_bool(j + 1 == l->kidsz));
		l->kids[j] = a;
	}
	val_set(t, "parent", tm->parent ? r->terms[d][term_index(kb,
	    tm->parent)] : val_new(VAL_NULL));
	l = val_set(t, "children", val_list());
	for (j = 0; j < kb->tax.termsz[d]; j++)
		if (kb->tax.terms[d][j]->parent == tm)
			val_push(l, r->terms[d][j]);
	val_set(t, "has_children", val_bool(l->kidsz > 0));
	set_usecases(r, ctx, tm->ucs, tm->ucsz);
	path = xasprintf("%s/%s/index.html", dim_dirs[d], tm->slug);
	rc = emit(r, "term", path, 2, dim_dirs[d], tm->title ? tm->title :
	    tm->name, NULL, ctx);
	free(path);
	return rc;
}

/*
 * Use cases carrying both terms, into *out (caller frees) when out is
 * not NULL; returns the count.  Both lists are in kb->ucs order, so
 * one merge pass does it.
 */
static size_t
both(const struct term *a, const struct term *b, struct usecase ***out)
{
	size_t	 i = 0, j = 0, n = 0;

	if (out != NULL)
		*out = xcalloc(a->ucsz < b->ucsz ? a->ucsz : b->ucsz,
		    sizeof(**out));
	while (i < a->ucsz && j < b->ucsz) {
		if (a->ucs[i]->pos < b->ucs[j]->pos)
			i++;
		else if (a->ucs[i]->pos > b->ucs[j]->pos)
			j++;
		else {
			if (out != NULL)
				(*out)[n] = a->ucs[i];
			n++;
			i++;
			j++;
		}
	}
	return n;
}

static char *
cell_url(const struct term *t, const struct term *f)
{
	return xasprintf("matrix/%s--%s/index.html", t->slug, f->slug);
}

static int
job_matrix(struct r *r)
{
	const struct kb	*kb = r->kb;
	struct val	*ctx = val_map(), *rows, *row, *cells, *c;
	size_t		 i, j, n, gaps = 0;
	char		*url;

	val_set(ctx, "cols", list_of(r->terms[DIM_FIELD],
	    kb->tax.termsz[DIM_FIELD]));
	rows = val_set(ctx, "rows", val_list());
	for (i = 0; i < kb->tax.termsz[DIM_TECH]; i++) {
		const struct term *t = kb->tax.terms[DIM_TECH][i];

		row = val_push(rows, val_map());
		val_set(row, "term", r->terms[DIM_TECH][i]);
		cells = val_set(row, "cells", val_list());
		for (j = 0; j < kb->tax.termsz[DIM_FIELD]; j++) {
			const struct term *f = kb->tax.terms[DIM_FIELD][j];

			n = both(t, f, NULL);
			c = val_push(cells, val_map());
			val_set(c, "count", val_int((long long)n));
			val_set(c, "field", r->terms[DIM_FIELD][j]);
			val_set(c, "empty", val_bool(n == 0));
			if (n > 0) {
				url = cell_url(t, f);
				val_set_str(c, "url", url);
				free(url);
			} else {
				val_set(c, "url", val_new(VAL_NULL));
				gaps++;
			}
		}
	}
	val_set(ctx, "gaps", val_int((long long)gaps));
	return emit(r, "matrix", "matrix/index.html", 1, "matrix",
	    "Technology × field matrix", NULL, ctx);
}

static int
job_cell(struct r *r, size_t ti, size_t fi)
{
	const struct kb	*kb = r->kb;
	const struct term *t = kb->tax.terms[DIM_TECH][ti];
	const struct term *f = kb->tax.terms[DIM_FIELD][fi];
	struct usecase	**ucs;
	struct val	*ctx = val_map();
	size_t		 n;
	char		*path, *title;
	int		 rc;

	n = both(t, f, &ucs);
	val_set(ctx, "technology", r->terms[DIM_TECH][ti]);
	val_set(ctx, "field", r->terms[DIM_FIELD][fi]);
	set_usecases(r, ctx, ucs, n);
	free(ucs);
	path = cell_url(t, f);
	title = xasprintf("%s in %s", t->name, f->name);
	rc = emit(r, "intersection", path, 2, "matrix", title, NULL, ctx);
	free(title);
	free(path);
	return rc;
}

static struct val *
roles_list(const struct person *p)
{
	struct val	*l = val_list();
	const struct val *src = val_get(p->e.meta, "roles");
	size_t		 j;

	if (src == NULL)
		return l;
	if (src->type == VAL_LIST) {
		for (j = 0; j < src->kidsz; j++)
			if (src->kids[j]->str != NULL)
				val_push(l, val_str(src->kids[j]->str));
	} else if (src->str != NULL)
		val_push(l, val_str(src->str));
	return l;
}

static int
job_people(struct r *r)
{
	const struct kb	*kb = r->kb;
	struct val	*ctx = val_map(), *l, *v;
	struct person	**ps;
	size_t		 i;

	ps = people_by_name(kb);
	l = val_set(ctx, "people", val_list());
	for (i = 0; i < kb->peoplesz; i++) {
		v = val_push(l, val_copy(r->prefs[kb_person_index(kb,
		    ps[i])]));
		v->shared = 0;
		val_set(v, "has_roles", val_bool(val_set(v, "roles",
		    roles_list(ps[i]))->kidsz > 0));
		val_set(v, "expertise", terms_list(r, ps[i]->expertise,
		    ps[i]->expertisesz));
		val_set(v, "usecases", val_int((long long)ps[i]->ucsz));
	}
	free(ps);
	people_groups(r, ctx);
	return emit(r, "people", "people/index.html", 1, "people", "People",
	    "Experts, tutors and contacts, and what they can help with.",
	    ctx);
}

static int
job_person(struct r *r, size_t i)
{
	const struct person *p = r->kb->people[i];
	struct val	*ctx = val_map(), *v;
	const char	*s;
	char		*path;
	int		 rc;

	v = val_set(ctx, "person", val_map());
	val_set_str(v, "id", p->e.slug);
	val_set_str(v, "name", p->name ? p->name : p->e.slug);
	val_set(v, "affiliation", p->affiliation ? val_str(p->affiliation) :
	    val_new(VAL_NULL));
	val_set(v, "has_roles", val_bool(val_set(v, "roles",
	    roles_list(p))->kidsz > 0));
	val_set(v, "expertise", terms_list(r, p->expertise,
	    p->expertisesz));
	s = val_get_str(p->e.meta, "email");
	val_set(v, "email", s ? val_str(s) : val_new(VAL_NULL));
	val_set(v, "url", opt_url(p->e.meta, "url"));
	s = val_get_str(p->e.meta, "orcid");
	val_set(v, "orcid", s ? val_str(s) : val_new(VAL_NULL));
	val_set(v, "body", val_str(p->e.html ? p->e.html : ""));
	ev_person(r, p, v);
	set_usecases(r, ctx, p->ucs, p->ucsz);
	path = xasprintf("people/%s/index.html", p->e.slug);
	rc = emit(r, "person", path, 2, "people", p->name ? p->name :
	    p->e.slug, p->affiliation, ctx);
	free(path);
	return rc;
}

static int
job_page(struct r *r, size_t i)
{
	const struct page *pg = r->kb->pages[i];
	struct val	*ctx = val_map();
	char		*path;
	int		 rc;

	val_set(ctx, "body", val_str(pg->e.html ? pg->e.html : ""));
	path = xasprintf("%s/index.html", pg->e.slug);
	rc = emit(r, "page", path, 1, pg->e.slug, pg->e.title ?
	    pg->e.title : pg->e.slug, val_get_str(pg->e.meta, "description"),
	    ctx);
	free(path);
	return rc;
}

/*
 * People ids or plain names as {name, url, last}: an id links to the
 * person's page, a plain name is shown as text.
 */
static struct val *
people_list(struct r *r, const struct val *src)
{
	struct val	*l = val_list(), *v;
	const struct val *it;
	struct person	*p;
	size_t		 i, n;
	char		*url;

	n = val_count(src);
	for (i = 0; i < n; i++) {
		it = val_item(src, i);
		if (it->str == NULL)
			continue;
		v = val_push(l, val_map());
		if ((p = kb_person(r->kb, it->str)) != NULL) {
			val_set_str(v, "name", p->name ? p->name : p->e.slug);
			url = xasprintf("people/%s/index.html", p->e.slug);
			val_set_str(v, "url", url);
			free(url);
		} else {
			val_set_str(v, "name", it->str);
			val_set(v, "url", val_new(VAL_NULL));
		}
		val_set(v, "last", val_bool(i + 1 == n));
	}
	return l;
}

/*
 * A list of {title, url} links (session materials) with safe URLs.
 */
static struct val *
links_list(const struct val *src)
{
	struct val	*l = val_list(), *v;
	size_t		 j;

	for (j = 0; src != NULL && src->type == VAL_LIST && j < src->kidsz;
	    j++) {
		const char *t = val_get_str(src->kids[j], "title");
		const char *h = val_get_str(src->kids[j], "url");

		if (t == NULL || h == NULL || !url_safe(h))
			continue;
		v = val_push(l, val_map());
		val_set_str(v, "title", t);
		val_set_str(v, "url", h);
	}
	return l;
}

struct val *
render_people(struct r *r, const struct val *src)
{
	return people_list(r, src);
}

static int
hack_cmp(const void *a, const void *b)
{
	const struct hackathon *ha = *(struct hackathon *const *)a;
	const struct hackathon *hb = *(struct hackathon *const *)b;
	const char *sa = val_get_str(ha->e.meta, "start");
	const char *sb = val_get_str(hb->e.meta, "start");

	return strcmp(sb ? sb : "", sa ? sa : "");
}

static struct val *
hack_val(struct r *r, const struct hackathon *h, int full)
{
	const struct val *m = h->e.meta, *prog, *src;
	struct val	*v = val_map(), *l, *day, *ss, *s;
	struct usecase	*uc;
	char		*url;
	size_t		 i, j;
	int		 b;

	val_set_str(v, "slug", h->e.slug);
	url = xasprintf("hackathons/%s/index.html", h->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set_str(v, "title", h->e.title ? h->e.title : h->e.slug);
	val_set(v, "level", val_opt_str(m, "level"));
	val_set(v, "start", val_opt_str(m, "start"));
	val_set(v, "end", val_opt_str(m, "end"));
	val_set(v, "venue", val_opt_str(m, "venue"));
	val_set(v, "participants", val_opt_str(m, "participants"));
	val_set(v, "indico", opt_url(m, "indico"));
	src = val_get(m, "online");
	val_set(v, "online", val_bool(src != NULL && bool_value(src, &b) &&
	    b));
	val_set(v, "in_person", val_bool(src != NULL && bool_value(src, &b) &&
	    !b));
	url = xasprintf("hackathons/%s.ics", h->e.slug);
	val_set_str(v, "ics", url);
	free(url);
	/* Upcoming until its last day is over. */
	val_set(v, "upcoming", val_bool(val_get_str(m, "end") != NULL &&
	    strcmp(val_get_str(m, "end"), r->today) >= 0));
	val_set(v, "timezone", val_str(val_get_str(m, "timezone") ?
	    val_get_str(m, "timezone") : r->kb->site.timezone));
	if (!full)
		return v;
	l = val_set(v, "organizers", people_list(r, val_get(m, "organizers")));
	val_set(v, "has_organizers", val_bool(l->kidsz > 0));
	l = val_set(v, "tutors", people_list(r, val_get(m, "tutors")));
	val_set(v, "has_tutors", val_bool(l->kidsz > 0));
	l = val_set(v, "exercises", val_list());
	src = val_get(m, "exercises");
	for (i = 0; src != NULL && i < (src->type == VAL_LIST ? src->kidsz :
	    1); i++) {
		const struct val *it = src->type == VAL_LIST ?
		    src->kids[i] : src;

		if (it->str != NULL &&
		    (uc = kb_usecase(r->kb, it->str)) != NULL)
			val_push(l, r->ucsums[uc_index(r->kb, uc)]);
	}
	val_set(v, "has_exercises", val_bool(l->kidsz > 0));
	/* Readiness: how many exercises passed their last check, and
	 * the oldest of those checks. */
	{
		size_t ok = 0, k;
		const char *oldest = NULL, *d;
		struct val *rd;

		for (k = 0; k < l->kidsz; k++) {
			const struct val *h = val_get(l->kids[k], "health");
			const struct val *pa = val_get(h, "passing");
			const struct val *la = val_get(h, "last");

			if (pa != NULL && pa->b)
				ok++;
			d = la != NULL ? val_get_str(la, "date") : NULL;
			if (d != NULL && (oldest == NULL ||
			    strcmp(d, oldest) < 0))
				oldest = d;
		}
		rd = val_set(v, "readiness", val_map());
		val_set(rd, "verified", val_int((long long)ok));
		val_set(rd, "total", val_int((long long)l->kidsz));
		val_set(rd, "oldest", oldest ? val_str(oldest) :
		    val_new(VAL_NULL));
		val_set(rd, "ready", val_bool(ok == l->kidsz && l->kidsz > 0));
	}
	l = val_set(v, "programme", val_list());
	prog = val_get(m, "programme");
	for (i = 0; prog != NULL && prog->type == VAL_LIST &&
	    i < prog->kidsz; i++) {
		day = val_push(l, val_map());
		val_set(day, "date", val_opt_str(prog->kids[i], "date"));
		val_set_str(day, "weekday", ev_weekday(val_get_str(
		    prog->kids[i], "date")));
		val_set(day, "n", val_int((long long)i + 1));
		ss = val_set(day, "sessions", val_list());
		src = val_get(prog->kids[i], "sessions");
		for (j = 0; src != NULL && src->type == VAL_LIST &&
		    j < src->kidsz; j++) {
			const struct val *sm = src->kids[j];
			const char *us = val_get_str(sm, "usecase");

			s = val_push(ss, val_map());
			val_set(s, "start", val_opt_str(sm, "start"));
			val_set(s, "end", val_opt_str(sm, "end"));
			val_set_str(s, "kind", val_get_str(sm, "kind") ?
			    val_get_str(sm, "kind") : "other");
			val_set(s, "title", val_opt_str(sm, "title"));
			val_set(s, "room", val_opt_str(sm, "room"));
			val_set(s, "speakers", people_list(r,
			    val_get(sm, "speakers")));
			val_set(s, "has_speakers", val_bool(
			    val_get(s, "speakers")->kidsz > 0));
			val_set(s, "materials", links_list(val_get(sm,
			    "materials")));
			val_set(s, "has_materials", val_bool(
			    val_get(s, "materials")->kidsz > 0));
			if (us != NULL && (uc = kb_usecase(r->kb, us)) != NULL)
				val_set(s, "usecase",
				    r->ucsums[uc_index(r->kb, uc)]);
			else
				val_set(s, "usecase", val_new(VAL_NULL));
		}
	}
	val_set(v, "has_programme", val_bool(l->kidsz > 0));
	val_set(v, "body", val_str(h->e.html ? h->e.html : ""));
	return v;
}

static int
job_hackathons(struct r *r)
{
	struct hackathon **hs;
	struct val	*ctx = val_map(), *l, *up, *past;
	size_t		 i, n = r->kb->hacksz;

	hs = xcalloc(n, sizeof(*hs));
	if (n > 0)
		memcpy(hs, r->kb->hacks, n * sizeof(*hs));
	qsort(hs, n, sizeof(*hs), hack_cmp);
	l = val_set(ctx, "hackathons", val_list());
	for (i = 0; i < n; i++)
		val_push(l, hack_val(r, hs[i], 0));
	free(hs);
	/* Upcoming ones soonest first, then the past ones newest first. */
	up = val_set(ctx, "upcoming", val_list());
	past = val_set(ctx, "past", val_list());
	for (i = n; i > 0; i--)
		if (val_get(l->kids[i - 1], "upcoming")->b)
			val_push(up, val_copy(l->kids[i - 1]));
	for (i = 0; i < n; i++)
		if (!val_get(l->kids[i], "upcoming")->b)
			val_push(past, val_copy(l->kids[i]));
	val_set(ctx, "has_upcoming", val_bool(up->kidsz > 0));
	val_set(ctx, "has_past", val_bool(past->kidsz > 0));
	return emit(r, "hackathons", "hackathons/index.html", 1,
	    "hackathons", "Hackathons", NULL, ctx);
}

static int
job_hackathon(struct r *r, size_t i)
{
	const struct hackathon *h = r->kb->hacks[i];
	struct val	*ctx = val_map();
	char		*path, *ics;
	int		 rc;

	val_set(ctx, "hack", hack_val(r, h, 1));
	path = xasprintf("hackathons/%s/index.html", h->e.slug);
	rc = emit(r, "hackathon", path, 2, "hackathons", h->e.title ?
	    h->e.title : h->e.slug, NULL, ctx);
	free(path);
	if ((ics = ical_hackathon(r->kb, h, render_stamp(r))) == NULL)
		return 0;
	path = xasprintf("hackathons/%s.ics", h->e.slug);
	rc = site_out_put(r->so, path, ics, strlen(ics)) && rc;
	free(path);
	free(ics);
	return rc;
}


static int	write_catalogue_json(struct r *);
static int	write_feed(struct r *);

/*
 * The search page (search.js fills it from the index that
 * render_search writes); every used term, by count, for the
 * no-JavaScript fallback.
 */
static int
job_search(struct r *r)
{
	struct val	*ctx = val_map(), *dims, *dv;
	struct term	**ts;
	size_t		 n;
	int		 d;

	/* hackathons/ exists only when there are hackathons. */
	val_set(ctx, "has_hackathons", val_bool(r->kb->hacksz > 0));
	dims = val_set(ctx, "dimensions", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		dv = val_push(dims, dim_val(d));
		ts = sorted_terms(r->kb, d, count_cmp);
		for (n = 0; n < r->kb->tax.termsz[d] && ts[n]->ucsz > 0; n++)
			continue;
		val_set(dv, "terms", terms_list(r, ts, n));
		free(ts);
	}
	return emit(r, "search", "search/index.html", 1, "search", "Search",
	    NULL, ctx);
}

static int
run_job(struct r *r, const struct job *j)
{
	switch (j->type) {
	case JOB_HOME:
		return job_home(r);
	case JOB_CATALOGUE:
		return job_catalogue(r);
	case JOB_USECASE:
		return job_usecase(r, j->a);
	case JOB_DIMENSION:
		return job_dimension(r, (int)j->a);
	case JOB_TERM:
		return job_term(r, (int)j->b, j->a);
	case JOB_MATRIX:
		return job_matrix(r);
	case JOB_CELL:
		return job_cell(r, j->a, j->b);
	case JOB_PEOPLE:
		return job_people(r);
	case JOB_PERSON:
		return job_person(r, j->a);
	case JOB_PAGE:
		return job_page(r, j->a);
	case JOB_HACKATHONS:
		return job_hackathons(r);
	case JOB_HACKATHON:
		return job_hackathon(r, j->a);
	case JOB_JSON:
		return write_catalogue_json(r);
	case JOB_STATUS:
		return status_page(r);
	case JOB_BADGE:
		return status_badge(r, j->a);
	case JOB_FEED:
		return write_feed(r);
	case JOB_SEMINARS:
		return ev_seminars(r);
	case JOB_EXPERTS:
		return people_experts(r);
	case JOB_404:
		return emit(r, "404", "404.html", 0, "404", "Page not found",
		    NULL, val_map());
	case JOB_SEARCH:
		return job_search(r);
	}
	return 0;
}

/* One page (or file) of the render, on a worker of par_for. */
static void
render_one(void *arg, size_t i)
{
	struct r	*r = arg;
	int		 ok;

	/* A full disk: no use rendering the rest. */
	ok = !site_out_failed(r->so) && run_job(r, &r->jobs[i]);
	if (!ok) {
		pthread_mutex_lock(&r->lock);
		r->failed = 1;
		pthread_mutex_unlock(&r->lock);
	}
}

static void
add_job(struct r *r, enum job_type t, size_t a, size_t b)
{
	r->jobs = xreallocarray(r->jobs, r->jobsz + 1, sizeof(*r->jobs));
	r->jobs[r->jobsz].type = t;
	r->jobs[r->jobsz].a = a;
	r->jobs[r->jobsz].b = b;
	r->jobsz++;
}

static void
xml_text(struct buf *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

static void
abs_url(struct buf *b, const struct kb *kb, const char *path)
{
	const char	*base = kb->site.base_url;

	if (base != NULL) {
		xml_text(b, base);
		if (*base != '\0' && base[strlen(base) - 1] != '/')
			buf_putc(b, '/');
	}
	xml_text(b, path);
}

static int
write_feed(struct r *r)
{
	const struct kb	*kb = r->kb;
	struct buf	 b = { NULL, 0, 0 };
	struct usecase	**s;
	size_t		 i, j, n;
	char		*url, *when;
	int		 rc;

	s = xcalloc(kb->ucsz, sizeof(*s));
	if (kb->ucsz > 0)
		memcpy(s, kb->ucs, kb->ucsz * sizeof(*s));
	qsort(s, kb->ucsz, sizeof(*s), added_cmp);
	n = kb->ucsz < 50 ? kb->ucsz : 50;
	when = xasprintf("%sT00:00:00Z", n > 0 && s[0]->added ?
	    s[0]->added : "1970-01-01");
	atom_head(&b, kb, r->base, "feed.xml", "new use cases", "index.html",
	    when);
	free(when);
	for (i = 0; i < n; i++) {
		struct atom_entry e;
		const char	**who;

		url = xasprintf("usecases/%s/index.html", s[i]->e.slug);
		when = xasprintf("%sT00:00:00Z", s[i]->added ? s[i]->added :
		    "1970-01-01");
		who = xcalloc(s[i]->contactsz + 1, sizeof(*who));
		for (j = 0; j < s[i]->contactsz; j++)
			who[j] = s[i]->contacts[j]->name ?
			    s[i]->contacts[j]->name :
			    s[i]->contacts[j]->e.slug;
		memset(&e, 0, sizeof(e));
		e.title = s[i]->e.title ? s[i]->e.title : s[i]->e.slug;
		e.path = url;
		e.updated = when;
		e.authors = who;
		e.authorsz = s[i]->contactsz;
		e.summary = s[i]->summary ? s[i]->summary : "";
		atom_entry(&b, kb, r->base, "feed.xml", &e);
		free(who);
		free(when);
		free(url);
	}
	atom_tail(&b);
	free(s);
	rc = site_out_put(r->so, "feed.xml", b.data, b.sz);
	buf_free(&b);
	return rc;
}

static void
sitemap_url(struct buf *b, const struct kb *kb, const char *path)
{
	buf_puts(b, "  <url><loc>");
	abs_url(b, kb, path);
	buf_puts(b, "</loc></url>\n");
}

static int
write_sitemap(struct r *r)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;
	char		*p;
	int		 rc;

	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < r->jobsz; i++) {
		const struct job *j = &r->jobs[i];

		switch (j->type) {
		case JOB_HOME:
			p = xstrdup("index.html");
			break;
		case JOB_CATALOGUE:
			p = xstrdup("catalogue/index.html");
			break;
		case JOB_USECASE:
			p = xasprintf("usecases/%s/index.html",
			    r->kb->ucs[j->a]->e.slug);
			break;
		case JOB_DIMENSION:
			p = xasprintf("%s/index.html", dim_dirs[j->a]);
			break;
		case JOB_TERM:
			p = xasprintf("%s/%s/index.html", dim_dirs[j->b],
			    r->kb->tax.terms[j->b][j->a]->slug);
			break;
		case JOB_MATRIX:
			p = xstrdup("matrix/index.html");
			break;
		case JOB_CELL:
			p = cell_url(r->kb->tax.terms[DIM_TECH][j->a],
			    r->kb->tax.terms[DIM_FIELD][j->b]);
			break;
		case JOB_PEOPLE:
			p = xstrdup("people/index.html");
			break;
		case JOB_PERSON:
			p = xasprintf("people/%s/index.html",
			    r->kb->people[j->a]->e.slug);
			break;
		case JOB_PAGE:
			p = xasprintf("%s/index.html",
			    r->kb->pages[j->a]->e.slug);
			break;
		case JOB_HACKATHONS:
			p = xstrdup("hackathons/index.html");
			break;
		case JOB_STATUS:
			p = xstrdup("status/index.html");
			break;
		case JOB_HACKATHON:
			p = xasprintf("hackathons/%s/index.html",
			    r->kb->hacks[j->a]->e.slug);
			break;
		case JOB_SEMINARS:
			p = xstrdup("seminars/index.html");
			break;
		case JOB_EXPERTS:
			p = xstrdup("people/experts/index.html");
			break;
		case JOB_SEARCH:
			p = xstrdup("search/index.html");
			break;
		default:
			continue;
		}
		sitemap_url(&b, r->kb, p);
		free(p);
	}
	buf_puts(&b, "</urlset>\n");
	rc = site_out_put(r->so, "sitemap.xml", b.data, b.sz);
	buf_free(&b);
	return rc;
}

static struct val *
names_of(struct term **ts, size_t n)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		val_push(l, val_str(ts[i]->name));
	return l;
}

/*
 * Set key of map v to text s with its bidirectional controls balanced
 * (utf8_bidi_balance): catalogue.json's titles are shown as they are.
 */
static void
set_text(struct val *v, const char *key, const char *s)
{
	char	*bal;
	size_t	 balsz;

	if ((bal = utf8_bidi_balance(s, strlen(s), &balsz)) == NULL) {
		val_set_str(v, key, s);
		return;
	}
	val_set(v, key, val_strn(bal, balsz));
	free(bal);
}

static int
write_catalogue_json(struct r *r)
{
	const struct kb	*kb = r->kb;
	struct val	*root = val_map(), *l, *v, *c, *rep;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j;
	int		 d, rc;
	char		*url;

	set_text(root, "title", kb->site.title);
	val_set_str(root, "generator", "kbgen " KBGEN_VERSION);
	l = val_set(root, "usecases", val_list());
	for (i = 0; i < kb->ucsz; i++) {
		const struct usecase *uc = kb->ucs[i];

		v = val_push(l, val_map());
		val_set_str(v, "slug", uc->e.slug);
		set_text(v, "title", uc->e.title ? uc->e.title : "");
		set_text(v, "summary", uc->summary ? uc->summary : "");
		val_set_str(v, "kind", uc->kind ? uc->kind : "");
		url = xasprintf("usecases/%s/index.html", uc->e.slug);
		val_set_str(v, "url", url);
		free(url);
		val_set(v, "added", uc->added ? val_str(uc->added) :
		    val_new(VAL_NULL));
		for (d = 0; d < DIM__MAX; d++)
			val_set(v, dim_keys[d], names_of(uc->terms[d],
			    uc->termsz[d]));
		c = val_set(v, "contacts", val_list());
		for (j = 0; j < uc->contactsz; j++)
			val_push(c, val_str(uc->contacts[j]->e.slug));
		if (uc->repository != NULL) {
			rep = val_copy(uc->repository);
			val_set(v, "repository", rep);
		} else
			val_set(v, "repository", val_new(VAL_NULL));
		val_set(v, "example", uc->example ? val_str(uc->example) :
		    val_new(VAL_NULL));
	}
	val_json(&b, root, 1);
	val_free(root);
	rc = site_out_put(r->so, "catalogue.json", b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * See extern.h.
 */
int
render_site(const struct kb *kb, const struct render_opts *opts,
    struct site_out *so)
{
	struct r	 r;
	size_t		 i, j;
	int		 d, ok = 1;

	memset(&r, 0, sizeof(r));
	r.kb = kb;
	r.opts = opts;
	r.so = so;
	pthread_mutex_init(&r.lock, NULL);
	for (d = 0; d < DIM__MAX; d++) {
		r.terms[d] = xcalloc(kb->tax.termsz[d], sizeof(struct val *));
		for (i = 0; i < kb->tax.termsz[d]; i++)
			r.terms[d][i] = share(term_val(kb, kb->tax.terms[d][i]));
	}
	r.prefs = xcalloc(kb->peoplesz, sizeof(struct val *));
	for (i = 0; i < kb->peoplesz; i++)
		r.prefs[i] = share(pref_val(kb->people[i]));
	r.max_age = opts->max_age > 0 ? opts->max_age : 7 * 86400;
	r.today = utc_text(opts->now->build, 1);
	r.realday = utc_text(opts->now->real, 1);
	r.health = xcalloc(kb->ucsz, sizeof(struct val *));
	for (i = 0; i < kb->ucsz; i++)
		r.health[i] = share(status_health(kb->ucs[i], r.realday,
		    r.max_age));
	r.ucsums = xcalloc(kb->ucsz, sizeof(struct val *));
	for (i = 0; i < kb->ucsz; i++)
		r.ucsums[i] = share(ucsum_val(&r, kb->ucs[i]));
	r.menu = share(build_menu(kb));
	if (kb->site.base_url != NULL && *kb->site.base_url != '\0')
		r.base = kb->site.base_url[strlen(kb->site.base_url) - 1] ==
		    '/' ? xstrdup(kb->site.base_url) :
		    xasprintf("%s/", kb->site.base_url);
	build_menus(&r);
	rank_titles(kb);

	/* The biggest outputs first, so that no thread is left alone
	 * with one at the end. */
	add_job(&r, JOB_CATALOGUE, 0, 0);
	add_job(&r, JOB_STATUS, 0, 0);
	add_job(&r, JOB_JSON, 0, 0);
	add_job(&r, JOB_FEED, 0, 0);
	add_job(&r, JOB_HOME, 0, 0);
	for (i = 0; i < kb->ucsz; i++) {
		add_job(&r, JOB_USECASE, i, 0);
		add_job(&r, JOB_BADGE, i, 0);
	}
	for (d = 0; d < DIM__MAX; d++) {
		add_job(&r, JOB_DIMENSION, (size_t)d, 0);
		for (i = 0; i < kb->tax.termsz[d]; i++)
			add_job(&r, JOB_TERM, i, (size_t)d);
	}
	add_job(&r, JOB_MATRIX, 0, 0);
	for (i = 0; i < kb->tax.termsz[DIM_TECH]; i++)
		for (j = 0; j < kb->tax.termsz[DIM_FIELD]; j++)
			if (both(kb->tax.terms[DIM_TECH][i],
			    kb->tax.terms[DIM_FIELD][j], NULL) > 0)
				add_job(&r, JOB_CELL, i, j);
	add_job(&r, JOB_PEOPLE, 0, 0);
	for (i = 0; i < kb->peoplesz; i++)
		add_job(&r, JOB_PERSON, i, 0);
	for (i = 0; i < kb->pagesz; i++)
		add_job(&r, JOB_PAGE, i, 0);
	if (kb->hacksz > 0)
		add_job(&r, JOB_HACKATHONS, 0, 0);
	for (i = 0; i < kb->hacksz; i++)
		add_job(&r, JOB_HACKATHON, i, 0);
	if (kb->seminars != NULL && kb->seminars->kidsz > 0)
		add_job(&r, JOB_SEMINARS, 0, 0);
	add_job(&r, JOB_EXPERTS, 0, 0);
	add_job(&r, JOB_404, 0, 0);
	add_job(&r, JOB_SEARCH, 0, 0);

	par_for(r.jobsz, opts->jobs, render_one, &r);
	if (r.failed)
		ok = 0;
	/* A sitemap lists absolute URLs only: it needs base_url. */
	if (kb->site.base_url != NULL && !write_sitemap(&r))
		ok = 0;
	if (opts->assets != NULL &&
	    !site_out_copy_dir(so, opts->assets, "assets"))
		ok = 0;

	/* Summaries refer to terms: free them first. */
	for (i = 0; i < kb->ucsz; i++)
		unshare_free(r.ucsums[i]);
	free(r.ucsums);
	for (i = 0; i < kb->ucsz; i++)
		unshare_free(r.health[i]);
	free(r.health);
	for (d = 0; d < DIM__MAX; d++) {
		for (i = 0; i < kb->tax.termsz[d]; i++)
			unshare_free(r.terms[d][i]);
		free(r.terms[d]);
	}
	for (i = 0; i < kb->peoplesz; i++)
		unshare_free(r.prefs[i]);
	free(r.prefs);
	unshare_free(r.menu);
	for (i = 0; i < r.menusz; i++)
		unshare_free(r.sites[i]);
	free(r.sites);
	for (i = 0; i < r.menusz; i++)
		unshare_free(r.menus[i]);
	free(r.menus);
	free(r.base);
	free(r.today);
	free(r.realday);
	free(r.jobs);
	pthread_mutex_destroy(&r.lock);
	return ok;
}
