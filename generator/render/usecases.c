/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of use cases: the catalogue (every use case, with
 * its filters: terms, kind, example state, repository state) and each
 * use case's page (its front matter, contacts, links, the provenance
 * kbgen sync recorded, the health of its example, its launch buttons
 * and downloads (the source archive at the pin, the executed notebooks
 * of its last and last passing runs), and the executed notebook of its
 * last run: on the page, or on a page of its own when long, with the
 * last passing run's on another when the last failed).  The shared summary
 * card of a use case is render.c's; links into repositories are
 * model/hosting.c's; catalogue.json is feeds.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
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
		struct term **ts = render_sorted_terms(r, d, render_name_cmp);

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
	const struct val *p = uc->prov, *files, *oi, *n;
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
	if ((n = val_get(p, "contributors_year")) != NULL &&
	    n->type == VAL_NUM && n->num >= 0 && n->num < 1e9)
		render_set_count(v, "contributors_year", (long long)n->num);
	else
		val_set(v, "contributors_year", val_new(VAL_NULL));
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
	oi = val_get(render_kb_site(r)->site.tree, "open_in");
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

/* A notebook longer than this (HTML bytes, or cells) gets its own page. */
#define	 NB_INLINE_BYTES	(256 * 1024)
#define	 NB_INLINE_CELLS	60

/* Which run a manifest is: {date, runner, gpu, status, passing}. */
static struct val *
run_of(const struct val *m)
{
	struct val	*v = val_map();
	const char	*st = val_get_str(m, "status");

	val_set(v, "date", val_opt_str(m, "date"));
	val_set(v, "runner", val_opt_str(m, "runner"));
	val_set(v, "gpu", val_opt_str(m, "gpu"));
	val_set(v, "status", val_opt_str(m, "status"));
	val_set(v, "passing", val_bool(st != NULL && strcmp(st, "pass") == 0));
	return v;
}

/*
 * The cell index where the run of manifest m failed: its run record's
 * failed_cell (the record names the manifest in "outputs"), else -1.
 */
static long
failed_index(const struct usecase *uc, const struct val *m)
{
	const char	*ref = val_get_str(m, "ref"), *o;
	const struct val *rec, *fc, *ix;
	size_t		 i;

	if (uc->runs == NULL || ref == NULL)
		return -1;
	for (i = uc->runs->kidsz; i-- > 0; ) {
		rec = uc->runs->kids[i];
		if ((o = val_get_str(rec, "outputs")) == NULL ||
		    strcmp(o, ref) != 0)
			continue;
		fc = val_get(rec, "failed_cell");
		ix = val_get(fc, "index");
		if (ix != NULL && ix->type == VAL_NUM && ix->num >= 0 &&
		    ix->num < 1e9)
			return (long)ix->num;
		return -1;
	}
	return -1;
}

/*
 * The renderer's options for a page in uc's folder: site.yaml's
 * outputs limits, the example's folder (*wd, new: free it after).
 */
static void
nb_opts_of(const struct kb *kb, const struct usecase *uc,
    struct nb_opts *o, char **wd)
{
	const char	*sub = val_get_str(uc->repository, "subdir");

	*wd = sub != NULL ? xasprintf("src/%s", sub) : xstrdup("src");
	memset(o, 0, sizeof(*o));
	o->path = uc->e.path;
	o->workdir = *wd;
	o->img_prefix = "outputs/";
	o->max_text = kb->site.out_max_text;
	o->max_image = kb->site.out_max_image;
	o->max_notebook = kb->site.out_max_notebook;
	o->html_text = kb->site.out_html_text;
	o->failed_index = -1;
}

/*
 * Put out's images into uc's outputs/ folder and report its warnings,
 * prefixed with what; out keeps its HTML.
 */
static void
nb_put(struct r *r, const struct usecase *uc, const struct nb_out *out,
    const char *what)
{
	char	*p;
	size_t	 i;

	for (i = 0; i < out->imgsz; i++) {
		p = url_usecase_output(uc->e.slug, out->imgs[i].name);
		(void)render_put(r, p, out->imgs[i].data, out->imgs[i].datasz);
		free(p);
	}
	for (i = 0; i < out->warnsz; i++)
		diag_warn(uc->e.path, 0, 0, "use case %s: %s: %s", uc->e.slug,
		    what, out->warns[i]);
}

/*
 * What a script left (manifest m of kind "files"): its log and image
 * files rendered into out with options o.  Returns 1 when there was
 * something to render (out filled; free it), else 0.
 */
static int
files_render(const struct kb *kb, const struct usecase *uc,
    const struct val *m, const struct nb_opts *o, struct nb_out *out)
{
	const struct val *imgs = val_get(m, "images"), *im;
	const char	*ref;
	struct nb_file	*f = NULL;
	char		*log = NULL, **bytes = NULL;
	size_t		 logsz = 0, n = 0, i, sz;
	int		 rc = 0;

	ref = val_get_str(val_get(m, "log"), "ref");
	if (ref != NULL && !outputs_read(kb->root, ref, 2 * 1024 * 1024,
	    &log, &logsz))
		diag_warn(uc->e.path, 0, 0, "use case %s: the output log of "
		    "the run of %s cannot be read; not shown", uc->e.slug,
		    val_get_str(m, "date") ? val_get_str(m, "date") : "?");
	if (imgs != NULL && imgs->type == VAL_LIST && imgs->kidsz > 0) {
		f = xcalloc(imgs->kidsz, sizeof(*f));
		bytes = xcalloc(imgs->kidsz, sizeof(*bytes));
	}
	for (i = 0; f != NULL && i < imgs->kidsz; i++) {
		im = imgs->kids[i];
		if (val_get_str(im, "name") == NULL ||
		    val_get_str(im, "type") == NULL)
			continue;
		if (!outputs_read(kb->root, val_get_str(im, "ref"),
		    kb->site.out_max_image, &bytes[n], &sz)) {
			diag_warn(uc->e.path, 0, 0, "use case %s: output file "
			    "%s cannot be read (missing, or over "
			    "outputs.max_image); not shown", uc->e.slug,
			    val_get_str(im, "name"));
			continue;
		}
		f[n].name = val_get_str(im, "name");
		f[n].type = val_get_str(im, "type");
		f[n].data = bytes[n];
		f[n].datasz = sz;
		n++;
	}
	if (log != NULL || n > 0)
		rc = nb_render_files(log, logsz, f, n, o, out);
	for (i = 0; i < n; i++)
		free(bytes[i]);
	free(bytes);
	free(f);
	free(log);
	return rc;
}

/*
 * The outputs of the run of manifest m (an executed notebook, or a
 * script's log and files) rendered into out for a page in the use
 * case's folder, cells' ids prefixed with idp (NULL: "cell-"); the
 * images go into the use case's outputs/ folder; when dl is not NULL,
 * *dl (new, or NULL) is the URL of the notebook's download copy beside
 * the page.  Problems are warnings naming the use case.  Returns 1 when
 * out->html holds something to show; out is to be freed either way.
 */
static int
run_render(struct r *r, const struct usecase *uc, const struct val *m,
    const char *idp, struct nb_out *out, char **dl)
{
	const struct kb	*kb = render_kb_site(r);
	const struct val *nbm = val_get(m, "notebook");
	const char	*ref = val_get_str(nbm, "ref"), *lref, *kind;
	struct nb_opts	 o;
	char		*text = NULL, *wd;
	size_t		 sz;
	int		 rc = 0;

	memset(out, 0, sizeof(*out));
	if (dl != NULL)
		*dl = NULL;
	nb_opts_of(kb, uc, &o, &wd);
	o.id_prefix = idp;
	kind = val_get_str(m, "kind");
	if (ref == NULL) {
		/* A script: its log and files. */
		if (kind != NULL && strcmp(kind, "files") == 0 &&
		    files_render(kb, uc, m, &o, out))
			nb_put(r, uc, out, "outputs");
	} else if (!outputs_read(kb->root, ref, kb->site.out_max_notebook,
	    &text, &sz))
		diag_warn(uc->e.path, 0, 0, "use case %s: the executed notebook "
		    "of the run of %s cannot be read (missing, or over "
		    "outputs.max_notebook); not shown", uc->e.slug,
		    val_get_str(m, "date") ? val_get_str(m, "date") : "?");
	else {
		o.failed_index = failed_index(uc, m);
		if (nb_render(text, sz, &o, out) && dl != NULL) {
			/* The whole notebook, for what the page cut: the
			 * copy the downloads list writes beside the page
			 * (notebooks_val), executed-last.ipynb unless this
			 * is another notebook than the last run's. */
			lref = val_get_str(val_get(val_get(uc->outputs,
			    "last"), "notebook"), "ref");
			*dl = url_usecase_ipynb(uc->e.slug,
			    lref == NULL || strcmp(lref, ref) != 0);
		}
		nb_put(r, uc, out, "executed notebook");
	}
	rc = out->html != NULL;
	free(wd);
	free(text);
	return rc;
}

/*
 * The outputs of the run of manifest m as HTML (a new string) for a
 * page in the use case's folder, its cell count in *cells (see
 * run_render for the rest); NULL when there is nothing to show.
 */
static char *
nb_html(struct r *r, const struct usecase *uc, const struct val *m,
    size_t *cells, char **dl)
{
	struct nb_out	 out;
	char		*html = NULL;

	if (run_render(r, uc, m, NULL, &out, dl)) {
		html = out.html;
		out.html = NULL;
		*cells = out.cells;
	}
	nb_out_free(&out);
	return html;
}

/*
 * A page of its own for an executed notebook (html, taken), of the run
 * of manifest m, at path (usecases/SLUG/notebook.html or passing.html,
 * beside the use case's page: the same outputs/ prefix): the
 * notebook.mustache template.  Returns 1 when written.
 */
static int
nb_own_page(struct r *r, const struct usecase *uc, const struct val *m,
    const char *path, const char *which, char *html, const char *dl,
    size_t cells)
{
	struct val	*ctx, *u, *nb;
	char		*s;
	int		 rc;

	ctx = val_map();
	u = val_set(ctx, "uc", val_map());
	val_set_str(u, "slug", uc->e.slug);
	val_set_str(u, "title", uc->e.title ? uc->e.title : uc->e.slug);
	s = url_usecase(uc->e.slug);
	val_set_str(u, "url", s);
	free(s);
	nb = val_set(ctx, "notebook", val_map());
	val_set_str(nb, "which", which);
	val_set(nb, "passing_run", val_bool(strcmp(which, "passing") == 0));
	val_set(nb, "run", run_of(m));
	val_set(nb, "html", val_str(html));
	val_set(nb, "download", dl ? val_str(dl) : val_new(VAL_NULL));
	val_set(nb, "cells", val_int((long long)cells));
	free(html);
	s = xasprintf("%s: executed notebook", uc->e.title ? uc->e.title :
	    uc->e.slug);
	rc = render_emit(r, "notebook", path, 2, "catalogue", s, uc->summary,
	    ctx);
	free(s);
	return rc;
}

/*
 * uc.notebook: the last run's executed notebook (or a script's log and
 * files), on the page or on its own page when long, and when that run failed a link to the last
 * passing run's (its own page).  null when no run kept a notebook.
 */
static struct val *
nb_val(struct r *r, const struct usecase *uc)
{
	const struct val *last = val_get(uc->outputs, "last");
	const struct val *pass = val_get(uc->outputs, "passing");
	const char	*lst = val_get_str(last, "status");
	const char	*lref = val_get_str(last, "ref");
	const char	*pref = val_get_str(pass, "ref");
	struct val	*v, *p;
	char		*html, *dl, *path;
	size_t		 cells = 0;

	if (last == NULL || last->type != VAL_MAP)
		return val_new(VAL_NULL);
	if ((html = nb_html(r, uc, last, &cells, &dl)) == NULL)
		return val_new(VAL_NULL);
	v = val_map();
	val_set(v, "run", run_of(last));
	val_set(v, "failing", val_bool(lst == NULL || strcmp(lst, "pass")));
	val_set(v, "download", dl ? val_str(dl) : val_new(VAL_NULL));
	val_set(v, "cells", val_int((long long)cells));
	if (strlen(html) > NB_INLINE_BYTES || cells > NB_INLINE_CELLS) {
		path = url_usecase_notebook(uc->e.slug);
		if (nb_own_page(r, uc, last, path, "last", html, dl, cells))
			val_set_str(v, "url", path);
		else
			val_set(v, "url", val_new(VAL_NULL));
		free(path);
		val_set(v, "html", val_new(VAL_NULL));
	} else {
		val_set(v, "url", val_new(VAL_NULL));
		val_set(v, "html", val_str(html));
		free(html);
	}
	free(dl);
	val_set(v, "passing", val_new(VAL_NULL));
	if (lst != NULL && strcmp(lst, "pass") != 0 && pass != NULL &&
	    pass->type == VAL_MAP && pref != NULL &&
	    (lref == NULL || strcmp(pref, lref) != 0) &&
	    (html = nb_html(r, uc, pass, &cells, &dl)) != NULL) {
		path = url_usecase_passing(uc->e.slug);
		if (nb_own_page(r, uc, pass, path, "passing", html, dl,
		    cells)) {
			p = val_set(v, "passing", run_of(pass));
			val_set_str(p, "url", path);
		}
		free(path);
		free(dl);
	}
	return v;
}

/*
 * uc.changed: when the outputs of the last passing run differ from
 * those of the passing run before it (model/outdiff.c, kept in
 * uc->outputs's "changes"), {since, date, count, url} and the page at
 * url showing the changed cells side by side; null otherwise.
 */
static struct val *
changed_val(struct r *r, const struct usecase *uc)
{
	const struct val *ch = val_get(uc->outputs, "changes");
	const struct val *prev = val_get(uc->outputs, "previous_passing");
	const struct val *pass = val_get(uc->outputs, "passing");
	const char	*since = val_get_str(prev, "date");
	const char	*date = val_get_str(pass, "date");
	struct nb_out	 a, b;
	struct val	*ctx, *u, *c, *v = NULL;
	char		*html, *path = NULL, *s;

	if (ch == NULL || ch->type != VAL_LIST || ch->kidsz == 0)
		return val_new(VAL_NULL);
	since = since != NULL ? since : "an earlier run";
	date = date != NULL ? date : "the last passing run";
	if (run_render(r, uc, prev, "before-cell-", &a, NULL) &&
	    run_render(r, uc, pass, "after-cell-", &b, NULL)) {
		html = nbdiff_html(&a, &b, ch, since, date);
		ctx = val_map();
		u = val_set(ctx, "uc", val_map());
		val_set_str(u, "slug", uc->e.slug);
		val_set_str(u, "title", uc->e.title ? uc->e.title :
		    uc->e.slug);
		s = url_usecase(uc->e.slug);
		val_set_str(u, "url", s);
		free(s);
		c = val_set(ctx, "changed", val_map());
		val_set_str(c, "since", since);
		val_set_str(c, "date", date);
		render_set_count(c, "count", (long long)ch->kidsz);
		val_set(c, "html", val_str(html));
		free(html);
		path = url_usecase_changes(uc->e.slug);
		s = xasprintf("%s: outputs changed", uc->e.title ?
		    uc->e.title : uc->e.slug);
		if (render_emit(r, "changes", path, 2, "catalogue", s,
		    uc->summary, ctx)) {
			v = val_map();
			val_set_str(v, "since", since);
			val_set_str(v, "date", date);
			render_set_count(v, "count", (long long)ch->kidsz);
			val_set_str(v, "url", path);
		}
		free(s);
		free(path);
	} else
		memset(&b, 0, sizeof(b));
	nb_out_free(&a);
	nb_out_free(&b);
	return v != NULL ? v : val_new(VAL_NULL);
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
	if (!outputs_read(render_kb_site(r)->root, ref, NOTEBOOK_MAX, &data,
	    &sz)) {
		diag_warn(uc->e.path, 0, 0, "the executed notebook of the %s "
		    "run (%.19s) is missing from .kbgen/outputs or over %u "
		    "MiB: no download", passing ? "last passing" : "last",
		    ref, NOTEBOOK_MAX >> 20);
		return NULL;
	}
	path = url_usecase_ipynb(uc->e.slug, passing);
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
	const struct usecase *uc = render_uc(r, i);
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
	    val_get_str(uc->e.meta, "language") :
	    render_kb_site(r)->site.language);
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
	val_set(u, "body", val_str(render_uc_html(r, uc)));
	s = hosting_edit_url(render_kb_site(r), &uc->e);
	val_set(u, "edit_url", s ? val_str(s) : val_new(VAL_NULL));
	free(s);
	val_set(u, "executable", val_bool(uc->example != NULL));
	l = val_set(u, "launch", hosting_launch(render_kb_site(r), uc));
	val_set(u, "has_launch", val_bool(l->kidsz > 0));
	val_set(u, "source", source_val(uc));
	l = val_set(u, "notebooks", notebooks_val(r, uc));
	val_set(u, "has_downloads", val_bool(l->kidsz > 0 ||
	    val_get(u, "source")->type != VAL_NULL));
	val_set(u, "prov", prov_val(r, uc));
	val_set(u, "health", render_health(r, uc));
	val_set(u, "notebook", nb_val(r, uc));
	val_set(u, "changed", changed_val(r, uc));
	if (uc->hist != NULL) {
		v = val_set(u, "history", val_copy(uc->hist));
		v->shared = 0;
	} else
		val_set(u, "history", val_new(VAL_NULL));
	render_lang(ctx, &uc->e);
	path = url_usecase(uc->e.slug);
	d = render_emit(r, "usecase", path, 2, "catalogue", uc->e.title ?
	    uc->e.title : uc->e.slug, uc->summary, ctx);
	free(path);
	return d;
}
