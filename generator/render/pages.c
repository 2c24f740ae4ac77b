/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of the site's own pages that stand alone: the home
 * page (counts, the busiest terms, the newest use cases, how many
 * examples still run), the free pages of content/pages/, the search
 * page (search.js fills it; every used term for the no-JavaScript
 * fallback) and 404.html.  It builds template contexts from the shared
 * values of render.c and emits them; it writes no other file, and the
 * search index itself is search/'s.
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
pages_home(struct r *r)
{
	const struct kb	*kb = render_kb(r);
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
		dv = val_push(dims, render_dim(d));
		ts = render_sorted_terms(r, d, render_count_cmp);
		for (n = 0; n < kb->tax.termsz[d] && n < 8 &&
		    ts[n]->ucsz > 0; n++)
			continue;
		val_set(dv, "terms", render_terms(r, ts, n));
		free(ts);
	}
	s = render_newest(kb);
	n = kb->ucsz < 8 ? kb->ucsz : 8;
	c = val_set(ctx, "newest", val_list());
	for (i = 0; i < n; i++)
		val_push(c, render_ucsum(r, s[i]));
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
			const struct val *fr = val_get(render_health(r,
			    kb->ucs[i]), "fresh");

			exe += kb->ucs[i]->example != NULL;
			fresh += fr != NULL && fr->b;
		}
		render_set_count(c, "executable", (long long)exe);
		val_set(c, "verified", val_int((long long)fresh));
		val_set(c, "percent", val_int(exe ? (long long)(100 * fresh /
		    exe) : 0));
		render_set_count(c, "max_age_days", render_max_age(r) / 86400);
		val_set(c, "has_examples", val_bool(exe > 0));
	}
	return render_emit(r, "index", url_home(), 0, "home", kb->site.title,
	    kb->site.description, ctx);
}

/*
 * See render/private.h.
 */
int
pages_page(struct r *r, size_t i)
{
	const struct page *pg = render_page(r, i);
	struct val	*ctx = val_map();
	char		*path;
	int		 rc;

	val_set(ctx, "body", val_str(render_html(r, &pg->e)));
	render_lang(ctx, &pg->e);
	path = url_page(pg->e.slug);
	rc = render_emit(r, "page", path, 1, pg->e.slug, pg->e.title ?
	    pg->e.title : pg->e.slug, val_get_str(pg->e.meta, "description"),
	    ctx);
	free(path);
	return rc;
}

/*
 * See render/private.h.  The search page (search.js fills it from the index
 * that render_search writes); every used term, by count, for the
 * no-JavaScript fallback.
 */
int
pages_search(struct r *r)
{
	struct val	*ctx = val_map(), *dims, *dv;
	struct term	**ts;
	size_t		 n;
	int		 d;

	/* hackathons/ exists only when there are hackathons. */
	val_set(ctx, "has_hackathons", val_bool(render_nhacks(r) > 0));
	dims = val_set(ctx, "dimensions", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		dv = val_push(dims, render_dim(d));
		ts = render_sorted_terms(r, d, render_count_cmp);
		for (n = 0; n < render_kb_site(r)->tax.termsz[d] &&
		    ts[n]->ucsz > 0; n++)
			continue;
		val_set(dv, "terms", render_terms(r, ts, n));
		free(ts);
	}
	return render_emit(r, "search", url_search(), 1, "search", "Search",
	    "Search the use cases, people, events and pages of the knowledge "
	    "base, and narrow the results by technology, field and tool.",
	    ctx);
}

/*
 * See render/private.h.
 */
int
pages_404(struct r *r)
{
	return render_emit(r, "404", url_404(), 0, "404", "Page not found",
	    NULL, val_map());
}
