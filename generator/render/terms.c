/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of the taxonomy: the index of each dimension, a page
 * per term (aliases, parent, narrower terms, its use cases), the
 * technology x field matrix (the technologies and fields with no use
 * case folded below it) and a page per non-empty cell.  The shared
 * value of a term is render.c's; the taxonomy itself is
 * model/taxonomy.c's.
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
terms_dimension(struct r *r, int d)
{
	const struct kb	*kb = render_kb_site(r);
	struct val	*ctx = val_map(), *l, *t;
	struct term	**ts;
	char		*desc;
	size_t		 i;
	int		 rc;

	val_set(ctx, "dim", render_dim(d));
	val_set_str(ctx, "matrix_url", url_matrix());
	l = val_set(ctx, "terms", val_list());
	ts = render_sorted_terms(r, d, render_name_cmp);
	for (i = 0; i < kb->tax.termsz[d]; i++) {
		/* A copy, to add the parent without touching the shared one. */
		t = val_push(l, val_copy(render_term(r, ts[i])));
		t->shared = 0;
		if (ts[i]->parent != NULL)
			val_set(t, "parent", val_copy(render_term(r,
			    ts[i]->parent)))->shared = 0;
		else
			val_set(t, "parent", val_new(VAL_NULL));
	}
	free(ts);
	desc = xasprintf("%s of the knowledge base, each with the use cases "
	    "that carry it.", dim_labels[d]);
	rc = render_emit(r, "dimension", url_dimension((enum dim)d), 1,
	    url_dim_dir((enum dim)d), dim_labels[d], desc, ctx);
	free(desc);
	return rc;
}

/*
 * See render/private.h.
 */
int
terms_term(struct r *r, int d, size_t i)
{
	const struct kb	*kb = render_kb_site(r);
	const struct term *tm = kb->tax.terms[d][i];
	struct usecase *const *ucs;
	struct val	*ctx = val_map(), *t, *l;
	char		*path, *desc;
	size_t		 j, n;
	int		 rc;

	val_set(ctx, "dim", render_dim(d));
	t = val_set(ctx, "term", val_copy(render_term(r, tm)));
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
	val_set(t, "parent", tm->parent ? render_term(r, tm->parent) :
	    val_new(VAL_NULL));
	l = val_set(t, "children", val_list());
	for (j = 0; j < kb->tax.termsz[d]; j++)
		if (kb->tax.terms[d][j]->parent == tm)
			val_push(l, render_term(r, kb->tax.terms[d][j]));
	val_set(t, "has_children", val_bool(l->kidsz > 0));
	ucs = render_term_ucs(r, tm, &n);
	render_set_usecases(r, ctx, ucs, n);
	path = url_term((enum dim)d, tm->slug);
	desc = xasprintf("%s: the %zu use case%s that carry it, and its "
	    "related terms.", tm->title ? tm->title : tm->name, n,
	    n == 1 ? "" : "s");
	rc = render_emit(r, "term", path, 2, url_dim_dir((enum dim)d),
	    tm->title ? tm->title : tm->name, desc, ctx);
	free(desc);
	free(path);
	return rc;
}

/*
 * See render/private.h.  Use cases carrying both terms, into *out (caller
 * frees) when out is not NULL; returns the count.  Both lists are in
 * kb->ucs order, so one merge pass does it.
 */
size_t
terms_both(const struct term *a, const struct term *b, struct usecase ***out)
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
	return url_cell(t->slug, f->slug);
}

/*
 * See render/private.h.  A technology (row) or field (column) with no
 * use case at all is folded out of the table into a list under "Show
 * empty (N)", a <details> that opens without JavaScript: its terms stay
 * one click away, and its pairs still count as gaps.
 */
int
terms_matrix(struct r *r)
{
	const struct kb	*kb = render_kb_site(r);
	const size_t	 nt = kb->tax.termsz[DIM_TECH];
	const size_t	 nf = kb->tax.termsz[DIM_FIELD];
	struct val	*ctx = val_map(), *rows, *row, *cells, *c, *cols,
			*erows, *ecols;
	size_t		 i, j, gaps = 0, *cnt, *rsum, *csum;
	char		*url;
	int		 rc;

	/* The counts are of what the two lists share. */
	for (i = 0; i < nt; i++)
		(void)render_term_ucs(r, kb->tax.terms[DIM_TECH][i], &j);
	for (j = 0; j < nf; j++)
		(void)render_term_ucs(r, kb->tax.terms[DIM_FIELD][j], &i);
	cnt = xcalloc(nt * nf + 1, sizeof(*cnt));
	rsum = xcalloc(nt + 1, sizeof(*rsum));
	csum = xcalloc(nf + 1, sizeof(*csum));
	for (i = 0; i < nt; i++)
		for (j = 0; j < nf; j++) {
			cnt[i * nf + j] = terms_both(kb->tax.terms[DIM_TECH][i],
			    kb->tax.terms[DIM_FIELD][j], NULL);
			rsum[i] += cnt[i * nf + j];
			csum[j] += cnt[i * nf + j];
			gaps += cnt[i * nf + j] == 0;
		}

	cols = val_set(ctx, "cols", val_list());
	ecols = val_set(ctx, "empty_cols", val_list());
	for (j = 0; j < nf; j++)
		val_push(csum[j] > 0 ? cols : ecols,
		    render_term(r, kb->tax.terms[DIM_FIELD][j]));
	rows = val_set(ctx, "rows", val_list());
	erows = val_set(ctx, "empty_rows", val_list());
	for (i = 0; i < nt; i++) {
		const struct term *t = kb->tax.terms[DIM_TECH][i];

		if (rsum[i] == 0) {
			val_push(erows, render_term(r, t));
			continue;
		}
		row = val_push(rows, val_map());
		val_set(row, "term", render_term(r, t));
		cells = val_set(row, "cells", val_list());
		for (j = 0; j < nf; j++) {
			const struct term *f = kb->tax.terms[DIM_FIELD][j];

			if (csum[j] == 0)
				continue;
			c = val_push(cells, val_map());
			val_set(c, "count", val_int((long long)cnt[i * nf + j]));
			val_set(c, "field", render_term(r, f));
			val_set(c, "empty", val_bool(cnt[i * nf + j] == 0));
			if (cnt[i * nf + j] > 0) {
				url = cell_url(t, f);
				val_set_str(c, "url", url);
				free(url);
			} else
				val_set(c, "url", val_new(VAL_NULL));
		}
	}
	val_set(ctx, "has_rows", val_bool(rows->kidsz > 0));
	val_set(ctx, "has_empty", val_bool(erows->kidsz + ecols->kidsz > 0));
	val_set(ctx, "empty_count", val_int((long long)(erows->kidsz +
	    ecols->kidsz)));
	val_set(ctx, "has_empty_rows", val_bool(erows->kidsz > 0));
	val_set(ctx, "has_empty_cols", val_bool(ecols->kidsz > 0));
	val_set(ctx, "gaps", val_int((long long)gaps));
	free(cnt);
	free(rsum);
	free(csum);
	rc = render_emit(r, "matrix", url_matrix(), 1, "matrix",
	    "Technology × field matrix", "How many use cases apply each "
	    "machine-learning technology to each scientific field, and which "
	    "pairs have none yet.", ctx);
	return rc;
}

/*
 * See render/private.h.
 */
int
terms_cell(struct r *r, size_t ti, size_t fi)
{
	const struct kb	*kb = render_kb_site(r);
	const struct term *t = kb->tax.terms[DIM_TECH][ti];
	const struct term *f = kb->tax.terms[DIM_FIELD][fi];
	struct usecase	**ucs;
	struct val	*ctx = val_map();
	size_t		 n;
	char		*path, *title, *desc;
	int		 rc;

	/* Both lists are read: the cell is what they share. */
	(void)render_term_ucs(r, t, &n);
	(void)render_term_ucs(r, f, &n);
	n = terms_both(t, f, &ucs);
	val_set(ctx, "technology", render_term(r, t));
	val_set(ctx, "field", render_term(r, f));
	render_set_usecases(r, ctx, ucs, n);
	val_set(ctx, "count", val_int((long long)n));
	free(ucs);
	path = cell_url(t, f);
	title = xasprintf("%s in %s", t->name, f->name);
	desc = xasprintf("Use cases that apply %s to %s.", t->title ?
	    t->title : t->name, f->title ? f->title : f->name);
	rc = render_emit(r, "intersection", path, 2, "matrix", title, desc,
	    ctx);
	free(desc);
	free(title);
	free(path);
	return rc;
}
