/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of use cases: the catalogue (every use case, with
 * its filters: terms, kind, example state, repository state) and each
 * use case's page (its front matter, contacts, links, the provenance
 * kbgen sync recorded, the health of its example, its launch buttons
 * and downloads: the source archive at the pin and the executed
 * notebooks of its last and last passing runs, copied from the outputs
 * store beside the page).  The shared summary
 * card of a use case is render.c's; links into repositories are
 * model/hosting.c's; catalogue.json is feeds.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

/*
 * See render/private.h.
 */
int
usecases_catalogue(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct val	*ctx = val_map(), *facets, *f, *kt, *k;
	static const char *const kinds[] = { "tutorial", "application",
	    "package", "technique", "demo" };
	size_t		 i, j, n;
	int		 d;

	render_set_usecases(r, ctx, kb->ucs, kb->ucsz);
	val_set(val_set(ctx, "counts", val_map()), "usecases",
	    val_int((long long)kb->ucsz));
	facets = val_set(ctx, "facets", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		struct term **ts = render_sorted_terms(kb, d, render_name_cmp);

		f = val_push(facets, val_map());
		val_set_str(f, "key", dim_names[d]);
		val_set_str(f, "label", dim_labels[d]);
		kt = val_set(f, "terms", val_list());
		for (i = 0; i < kb->tax.termsz[d]; i++)
			if (ts[i]->ucsz > 0)
				val_push(kt, render_term(r, ts[i]));
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
	for (i = 0; i < HEALTH__MAX; i++) {
		char *sl;

		for (n = j = 0; j < kb->ucsz; j++)
			if (health_of(kb->ucs[j]) == i)
				n++;
		if (n == 0)
			continue;
		k = val_push(kt, val_map());
		val_set_str(k, "name", health_words[i]);
		sl = slugify(health_words[i]);
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
			if (render_repo_state(r, kb->ucs[j]) != NULL &&
			    strcmp(render_repo_state(r, kb->ucs[j]),
			    st[i]) == 0)
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
	return render_emit(r, "catalogue", url_catalogue(), 1, "catalogue",
	    "Catalogue", "Every use case, with filters.", ctx);
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
	s = hosting_url(url, commit, NULL);
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
	val_set(v, "stale", val_bool(render_stale(r,
	    val_get_str(p, "last_activity"))));
	l = val_set(v, "files", val_list());
	files = val_get(p, "files");
	for (i = 0; files != NULL && files->type == VAL_LIST &&
	    i < files->kidsz; i++) {
		if (files->kids[i]->str == NULL)
			continue;
		f = val_push(l, val_map());
		val_set_str(f, "path", files->kids[i]->str);
		s = hosting_url(url, commit, files->kids[i]->str);
		val_set(f, "url", s ? val_str(s) : val_new(VAL_NULL));
		free(s);
	}
	val_set(v, "has_files", val_bool(l->kidsz > 0));
	l = val_set(v, "open_in", val_list());
	oi = val_get(render_kb(r)->site.tree, "open_in");
	if (commit != NULL && uc->example != NULL && oi != NULL &&
	    oi->type == VAL_LIST && hosting_owner_repo(url, &owner, &repo)) {
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
			s = hosting_fill(pat, owner, repo, commit, path);
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

/*
 * The source archive of uc at its pin, {url, commit, short}, or null
 * when there is no pin or the host has no archive URL.
 */
static struct val *
source_val(const struct usecase *uc)
{
	struct val	*v;
	char		*url, *s;

	if ((url = hosting_source_url(uc)) == NULL)
		return val_new(VAL_NULL);
	v = val_map();
	val_set_str(v, "url", url);
	val_set_str(v, "commit", hosting_pin(uc));
	s = xstrndup(hosting_pin(uc), 12);
	val_set_str(v, "short", s);
	free(s);
	free(url);
	return v;
}

/* The largest executed notebook copied into the site. */
#define NOTEBOOK_MAX	(256u * 1024 * 1024)

/* A size for readers: "840 B", "12.3 KiB", "4.0 MiB". */
static char *
human_size(size_t n)
{
	if (n < 1024)
		return xasprintf("%zu B", n);
	if (n < 1024 * 1024)
		return xasprintf("%.1f KiB", (double)n / 1024);
	return xasprintf("%.1f MiB", (double)n / (1024 * 1024));
}

/*
 * The executed notebook of the run of manifest m (the use case's last,
 * or with passing its last passing run), copied from the outputs store
 * into the site beside the page and described for the template as
 * {which, label, url, bytes, size, date, runner, status}; NULL (nothing
 * written) when m kept no notebook.  A blob that is missing or too big
 * is a warning naming the use case: the page goes without the link.
 * Only the store is read, never the repository's committed notebook.
 */
static struct val *
notebook_val(struct r *r, const struct usecase *uc, const struct val *m,
    int passing)
{
	const struct val *nb;
	const char	*ref;
	struct val	*v = NULL;
	char		*data = NULL, *path = NULL, *s;
	size_t		 sz;

	if (m == NULL || m->type != VAL_MAP ||
	    (nb = val_get(m, "notebook")) == NULL || nb->type != VAL_MAP ||
	    (ref = val_get_str(nb, "ref")) == NULL)
		return NULL;
	if (!outputs_read(render_kb(r)->root, ref, NOTEBOOK_MAX, &data,
	    &sz)) {
		diag_warn(uc->e.path, 0, 0, "the executed notebook of the %s "
		    "run (%.19s) is missing from .kbgen/outputs or over %u "
		    "MiB: no download", passing ? "last passing" : "last",
		    ref, NOTEBOOK_MAX >> 20);
		return NULL;
	}
	path = url_usecase_notebook(uc->e.slug, passing);
	if (render_put(r, path, data, sz)) {
		v = val_map();
		val_set_str(v, "which", passing ? "passing" : "last");
		val_set_str(v, "label", passing ? "last passing run" :
		    "last run");
		val_set_str(v, "url", path);
		val_set(v, "bytes", val_int((long long)sz));
		s = human_size(sz);
		val_set_str(v, "size", s);
		free(s);
		val_set(v, "date", val_opt_str(m, "date"));
		val_set(v, "runner", val_opt_str(m, "runner"));
		val_set(v, "status", val_opt_str(m, "status"));
	}
	free(path);
	free(data);
	return v;
}

/*
 * The downloads of executed notebooks: the last run's, and the last
 * passing run's when that is another notebook.  A new list.
 */
static struct val *
notebooks_val(struct r *r, const struct usecase *uc)
{
	const struct val *last, *pass;
	const char	*lref, *pref;
	struct val	*l = val_list(), *v;

	last = val_get(uc->outputs, "last");
	pass = val_get(uc->outputs, "passing");
	lref = last != NULL ? val_get_str(val_get(last, "notebook"), "ref") :
	    NULL;
	pref = pass != NULL ? val_get_str(val_get(pass, "notebook"), "ref") :
	    NULL;
	if ((v = notebook_val(r, uc, last, 0)) != NULL)
		val_push(l, v);
	if ((lref == NULL || pref == NULL || strcmp(lref, pref) != 0) &&
	    (v = notebook_val(r, uc, pass, 1)) != NULL)
		val_push(l, v);
	return l;
}

/*
 * See render/private.h.
 */
int
usecases_page(struct r *r, size_t i)
{
	const struct usecase *uc = render_kb(r)->ucs[i];
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
	    val_get_str(uc->e.meta, "language") : render_kb(r)->site.language);
	for (d = 0; d < DIM__MAX; d++)
		val_set(u, dim_keys[d], render_terms(r, uc->terms[d],
		    uc->termsz[d]));
	l = val_set(u, "contacts", val_list());
	for (j = 0; j < uc->contactsz; j++)
		val_push(l, render_pref(r, uc->contacts[j]));
	if (uc->repository != NULL) {
		v = val_set(u, "repository", val_map());
		val_set(v, "url", render_opt_url(uc->repository, "url"));
		val_set(v, "ref", val_opt_str(uc->repository, "ref"));
		val_set(v, "subdir", val_opt_str(uc->repository, "subdir"));
	} else
		val_set(u, "repository", val_new(VAL_NULL));
	val_set(u, "example", uc->example ? val_str(uc->example) :
	    val_new(VAL_NULL));
	s = hosting_example_url(uc);
	val_set(u, "example_url", s ? val_str(s) : val_new(VAL_NULL));
	free(s);
	l = val_set(u, "links", render_links(val_get(uc->e.meta, "links")));
	val_set(u, "has_links", val_bool(l->kidsz > 0));
	val_set(u, "body", val_str(uc->e.html ? uc->e.html : ""));
	s = hosting_edit_url(render_kb(r), &uc->e);
	val_set(u, "edit_url", s ? val_str(s) : val_new(VAL_NULL));
	free(s);
	val_set(u, "executable", val_bool(uc->example != NULL));
	l = val_set(u, "launch", hosting_launch(render_kb(r), uc));
	val_set(u, "has_launch", val_bool(l->kidsz > 0));
	val_set(u, "source", source_val(uc));
	l = val_set(u, "notebooks", notebooks_val(r, uc));
	val_set(u, "has_downloads", val_bool(l->kidsz > 0 ||
	    val_get(u, "source")->type != VAL_NULL));
	val_set(u, "prov", prov_val(r, uc));
	val_set(u, "health", render_health(r, uc));
	if (uc->hist != NULL) {
		v = val_set(u, "history", val_copy(uc->hist));
		v->shared = 0;
	} else
		val_set(u, "history", val_new(VAL_NULL));
	path = url_usecase(uc->e.slug);
	d = render_emit(r, "usecase", path, 2, "catalogue", uc->e.title ?
	    uc->e.title : uc->e.slug, uc->summary, ctx);
	free(path);
	return d;
}
