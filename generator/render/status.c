/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The status pages: badges/SLUG.svg for every use case, the status/
 * page with status.json, and status/feed.xml, an Atom feed of
 * regressions (an example that passed before and fails now, or whose
 * outputs changed between two passing runs).  What
 * the site says of one example (its state, health, badge text) is
 * model/health.c's; this file only lays it out as files.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

/*
 * One entry of the regressions feed: a run that failed after passing
 * (rec, its run record), or a passing run whose outputs changed since
 * the passing run before it (rec NULL, changes the list).
 */
struct reg {
	const struct usecase *uc;
	const struct val *rec;
	const struct val *changes;
	const char	*date;
	size_t		 order;	/* found, for ties */
};

static int
reg_cmp(const void *a, const void *b)
{
	const struct reg *x = a, *y = b;
	int		 c;

	/* Newest first; ties in the order they were found. */
	if ((c = strcmp(y->date, x->date)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* regs with one more entry, the *n-th; returns the array. */
static struct reg *
reg_push(struct reg *regs, size_t *n, const struct usecase *uc,
    const struct val *rec, const struct val *changes, const char *date)
{
	regs = xreallocarray(regs, *n + 1, sizeof(*regs));
	regs[*n].uc = uc;
	regs[*n].rec = rec;
	regs[*n].changes = changes;
	regs[*n].date = date != NULL ? date : "";
	regs[*n].order = *n;
	(*n)++;
	return regs;
}

/*
 * The regressions of kb: runs that failed after passing, and passing
 * runs whose outputs changed (model/outputs.c's "changes"); a new
 * array of *n, newest first.
 */
static struct reg *
regressions_of(const struct kb *kb, size_t *n)
{
	struct reg	*regs = NULL;
	const struct val *x, *g, *ch, *pass;
	size_t		 i, j;

	*n = 0;
	for (i = 0; i < kb->ucsz; i++) {
		for (j = 0; kb->ucs[i]->runs != NULL &&
		    j < kb->ucs[i]->runs->kidsz; j++) {
			x = kb->ucs[i]->runs->kids[j];
			g = val_get(x, "regression");
			if (g == NULL || g->type != VAL_BOOL || !g->b)
				continue;
			regs = reg_push(regs, n, kb->ucs[i], x, NULL,
			    val_get_str(x, "date"));
		}
		ch = val_get(kb->ucs[i]->outputs, "changes");
		pass = val_get(kb->ucs[i]->outputs, "passing");
		if (ch == NULL || ch->type != VAL_LIST || ch->kidsz == 0)
			continue;
		regs = reg_push(regs, n, kb->ucs[i], NULL, ch,
		    val_get_str(pass, "date"));
	}
	if (*n > 1)
		xqsort(regs, *n, sizeof(*regs), reg_cmp);
	return regs;
}

/* A run that failed after passing, as a feed entry. */
static void
reg_failed(struct r *r, struct buf *b, const struct reg *g)
{
	const struct kb	*kb = render_kb(r);
	struct atom_entry e;
	const char	*why, *st;
	char		*url, *id, *title;

	url = url_usecase(g->uc->e.slug);
	id = xasprintf("%s#run-%s", url, val_get_str(g->rec, "stamp") ?
	    val_get_str(g->rec, "stamp") : "0");
	why = run_reason_label(val_get_str(g->rec, "reason"));
	st = val_get_str(g->rec, "status");
	title = xasprintf("%s: %s%s%s%s", g->uc->e.title ? g->uc->e.title :
	    g->uc->e.slug, st ? st : "", why ? " (" : "", why ? why : "",
	    why ? ")" : "");
	memset(&e, 0, sizeof(e));
	e.title = title;
	e.path = url;
	e.id = id;
	e.updated = g->date;
	e.summary = val_get_str(g->rec, "message") ?
	    val_get_str(g->rec, "message") : "";
	atom_entry(b, kb, render_base(r), url_status_feed(), &e);
	free(title);
	free(url);
	free(id);
}

/* Outputs that changed between two passing runs, as a feed entry. */
static void
reg_changed(struct r *r, struct buf *b, const struct reg *g)
{
	const struct kb	*kb = render_kb(r);
	const char	*since;
	struct atom_entry e;
	char		*url, *id, *title, *sum;

	since = val_get_str(val_get(g->uc->outputs, "previous_passing"),
	    "date");
	url = url_usecase_changes(g->uc->e.slug);
	id = xasprintf("%s#%s", url, val_get_str(val_get(g->uc->outputs,
	    "passing"), "ref") ? val_get_str(val_get(g->uc->outputs,
	    "passing"), "ref") : "0");
	title = xasprintf("%s: outputs changed", g->uc->e.title ?
	    g->uc->e.title : g->uc->e.slug);
	sum = xasprintf("The run of %s passed with other outputs than the "
	    "passing run of %s, in %zu %s.", g->date,
	    since ? since : "before", g->changes->kidsz,
	    g->changes->kidsz == 1 ? "place" : "places");
	memset(&e, 0, sizeof(e));
	e.title = title;
	e.path = url;
	e.id = id;
	e.updated = g->date;
	e.summary = sum;
	atom_entry(b, kb, render_base(r), url_status_feed(), &e);
	free(title);
	free(sum);
	free(url);
	free(id);
}

/*
 * status/feed.xml: an Atom feed of regressions (an example that passed
 * before and fails now, or whose outputs changed between two passing
 * runs), newest first, so people can subscribe.
 */
static int
regressions(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct buf	 b = { NULL, 0, 0 };
	struct reg	*regs;
	size_t		 i, n;
	int		 rc;

	regs = regressions_of(kb, &n);
	atom_head(&b, kb, render_base(r), url_status_feed(),
	    "examples that stopped working or changed", url_status(),
	    n > 0 && *regs[0].date != '\0' ? regs[0].date :
	    "1970-01-01T00:00:00Z");
	for (i = 0; i < n && i < 50; i++) {
		if (regs[i].rec != NULL)
			reg_failed(r, &b, &regs[i]);
		else
			reg_changed(r, &b, &regs[i]);
	}
	atom_tail(&b);
	free(regs);
	rc = render_put(r, url_status_feed(), b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * See render/private.h.
 */
int
status_badge(struct r *r, size_t i)
{
	const struct usecase *uc = render_uc(r, i);
	char		*svg, *path;
	int		 rc;

	svg = health_badge(uc);
	path = url_badge(uc->e.slug);
	rc = render_put(r, path, svg, strlen(svg));
	free(path);
	free(svg);
	return rc;
}

/*
 * See render/private.h.
 */
int
status_page(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct val	*ctx = val_map(), *l, *row, *js, *jl;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j, fresh = 0, exe = 0;
	int		 rc;

	l = val_set(ctx, "examples", val_list());
	js = val_map();
	jl = val_set(js, "examples", val_list());
	for (i = 0; i < kb->ucsz; i++) {
		const struct usecase *uc = kb->ucs[i];
		struct val *h = render_health(r, uc), *x;

		row = val_push(l, val_map());
		val_set(row, "uc", render_ucsum(r, uc));
		val_set(row, "health", h);
		x = val_push(jl, val_map());
		val_set_str(x, "slug", uc->e.slug);
		val_set_str(x, "state", val_get_str(h, "state"));
		if (val_get(h, "last") != NULL &&
		    val_get(h, "last")->type == VAL_MAP) {
			const struct val *la = val_get(h, "last");
			const struct val *ws = val_get(h, "warnings");
			struct val *wl;

			/* The record's words, not the page's labels. */
			for (j = 0; j < la->kidsz; j++)
				if (strcmp(la->kids[j]->key,
				    "reason_label") != 0)
					val_set(x, la->kids[j]->key,
					    val_copy(la->kids[j]));
			wl = val_set(x, "warnings", val_list());
			for (j = 0; j < val_count(ws); j++)
				val_push(wl, val_opt_str(val_item(ws, j),
				    "text"));
		}
		if (uc->example != NULL)
			exe++;
		if (val_get(h, "fresh") != NULL && val_get(h, "fresh")->b)
			fresh++;
	}
	render_set_count(ctx, "total", (long long)exe);
	val_set(ctx, "fresh", val_int((long long)fresh));
	val_json(&b, js, 1);
	val_free(js);
	rc = render_put(r, url_status_json(), b.data, b.sz);
	buf_free(&b);
	rc = render_emit(r, "status", url_status(), 1, "status",
	    "Example status", "Whether every example still runs, on what, "
	    "and since when.", ctx) && rc;
	return regressions(r) && rc;
}
