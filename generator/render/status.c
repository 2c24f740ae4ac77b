/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The status pages: badges/SLUG.svg for every use case, the status/
 * page with status.json, and status/feed.xml, an Atom feed of
 * regressions (an example that passed before and fails now).  What
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
 * status/feed.xml: an Atom feed of regressions (an example that passed
 * before and fails now), newest first, so people can subscribe.
 */
static int
regressions(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct buf	 b = { NULL, 0, 0 };
	const struct val **regs = NULL;
	const struct usecase **who = NULL;
	size_t		 i, j, n = 0, k;
	char		*url, *id, *title;
	const char	*why;
	int		 rc;

	for (i = 0; i < kb->ucsz; i++)
		for (j = 0; kb->ucs[i]->runs != NULL &&
		    j < kb->ucs[i]->runs->kidsz; j++) {
			const struct val *x = kb->ucs[i]->runs->kids[j];
			const struct val *g = val_get(x, "regression");

			if (g == NULL || g->type != VAL_BOOL || !g->b)
				continue;
			regs = xreallocarray(regs, n + 1, sizeof(*regs));
			who = xreallocarray(who, n + 1, sizeof(*who));
			regs[n] = x;
			who[n++] = kb->ucs[i];
		}
	/* Newest first: by date, a small insertion sort. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(val_get_str(regs[k], "date") ?
		    val_get_str(regs[k], "date") : "", val_get_str(regs[k - 1],
		    "date") ? val_get_str(regs[k - 1], "date") : "") > 0; k--) {
			const struct val *t = regs[k];
			const struct usecase *u = who[k];

			regs[k] = regs[k - 1];
			who[k] = who[k - 1];
			regs[k - 1] = t;
			who[k - 1] = u;
		}
	atom_head(&b, kb, render_base(r), url_status_feed(),
	    "examples that stopped working", url_status(),
	    n > 0 && val_get_str(regs[0], "date") ? val_get_str(regs[0],
	    "date") : "1970-01-01T00:00:00Z");
	for (i = 0; i < n && i < 50; i++) {
		struct atom_entry e;

		url = url_usecase(who[i]->e.slug);
		id = xasprintf("%s#run-%s", url, val_get_str(regs[i], "stamp") ?
		    val_get_str(regs[i], "stamp") : "0");
		why = run_reason_label(val_get_str(regs[i], "reason"));
		title = xasprintf("%s: %s%s%s%s", who[i]->e.title ?
		    who[i]->e.title : who[i]->e.slug,
		    val_get_str(regs[i], "status") ?
		    val_get_str(regs[i], "status") : "", why ? " (" : "",
		    why ? why : "", why ? ")" : "");
		memset(&e, 0, sizeof(e));
		e.title = title;
		e.path = url;
		e.id = id;
		e.updated = val_get_str(regs[i], "date");
		e.summary = val_get_str(regs[i], "message") ?
		    val_get_str(regs[i], "message") : "";
		atom_entry(&b, kb, render_base(r), url_status_feed(), &e);
		free(title);
		free(url);
		free(id);
	}
	atom_tail(&b);
	free(regs);
	free(who);
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
	const struct usecase *uc = render_kb(r)->ucs[i];
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
	val_set(ctx, "total", val_int((long long)exe));
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
