/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Experts by what they can help with.  A person can help with a
 * taxonomy term when the term (or a narrower one) is in their expertise
 * or on a use case they are a contact for, and with a technology in a
 * field when one of their use cases carries both, or one of the two is
 * their expertise.  The people index groups people under such
 * terms, dimension by dimension; people/experts/ crosses technologies
 * with fields ("find an expert"), each cell listing the people who can
 * help with both.  The person pages themselves are built by render.c.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"

/* Does uc carry t, itself or through a narrower term? */
static int
carries(const struct usecase *uc, const struct term *t)
{
	size_t	 lo = 0, hi = t->ucsz, mid;

	/* t->ucs is in kb->ucs order, narrower terms' use cases included. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->ucs[mid]->pos == uc->pos)
			return 1;
		if (t->ucs[mid]->pos < uc->pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Is t, or a term narrower than t, in p's expertise? */
static int
expert(const struct person *p, const struct term *t)
{
	const struct term *x;
	size_t	 i;

	for (i = 0; i < p->expertisesz; i++)
		for (x = p->expertise[i]; x != NULL; x = x->parent)
			if (x == t)
				return 1;
	return 0;
}

/* Can p help with t: their expertise, or a use case they are a contact for? */
static int
knows(const struct person *p, const struct term *t)
{
	size_t	 i;

	if (expert(p, t))
		return 1;
	for (i = 0; i < p->ucsz; i++)
		if (carries(p->ucs[i], t))
			return 1;
	return 0;
}

/*
 * Can p help with t and u together: one of their use cases carries
 * both, or one is their expertise and they know the other.  Two use
 * cases of theirs, one with each term, are not enough.
 */
static int
knows_both(const struct person *p, const struct term *t,
    const struct term *u)
{
	size_t	 i;

	for (i = 0; i < p->ucsz; i++)
		if (carries(p->ucs[i], t) && carries(p->ucs[i], u))
			return 1;
	return (expert(p, t) && knows(p, u)) || (expert(p, u) && knows(p, t));
}

static int
name_cmp(const void *a, const void *b)
{
	const struct person *pa = *(struct person *const *)a;
	const struct person *pb = *(struct person *const *)b;
	int c;

	c = strcasecmp_ascii(pa->name ? pa->name : "", pb->name ? pb->name :
	    "");
	return c ? c : strcmp(pa->e.slug, pb->e.slug);
}

/* The people by name (new array of borrowed pointers). */
static struct person **
by_name(const struct kb *kb)
{
	struct person	**ps;

	ps = xcalloc(kb->peoplesz + 1, sizeof(*ps));
	if (kb->peoplesz > 0)
		memcpy(ps, kb->people, kb->peoplesz * sizeof(*ps));
	qsort(ps, kb->peoplesz, sizeof(*ps), name_cmp);
	return ps;
}

/* The people who can help with t (and with u, when not NULL). */
static struct val *
helpers(struct r *r, struct person **ps, size_t n, const struct term *t,
    const struct term *u)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		if (u == NULL ? knows(ps[i], t) : knows_both(ps[i], t, u))
			val_push(l, render_pref(r, ps[i]));
	return l;
}

/*
 * See extern.h.  groups: [{key, label, terms: [{term, people}]}], only
 * terms someone can help with.
 */
void
people_groups(struct r *r, struct val *ctx)
{
	const struct kb	*kb = render_kb(r);
	struct person	**ps = by_name(kb);
	struct val	*gs, *g, *ts, *t, *l;
	size_t		 i;
	int		 d;

	gs = val_set(ctx, "groups", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		g = val_map();
		val_set_str(g, "key", dim_keys[d]);
		val_set_str(g, "label", dim_labels[d]);
		ts = val_set(g, "terms", val_list());
		for (i = 0; i < kb->tax.termsz[d]; i++) {
			l = helpers(r, ps, kb->peoplesz, kb->tax.terms[d][i],
			    NULL);
			if (l->kidsz == 0) {
				val_free(l);
				continue;
			}
			t = val_push(ts, val_map());
			val_set(t, "term", render_term(r,
			    kb->tax.terms[d][i]));
			val_set(t, "people", l);
		}
		if (ts->kidsz > 0)
			val_push(gs, g);
		else
			val_free(g);
	}
	val_set(ctx, "has_groups", val_bool(gs->kidsz > 0));
	free(ps);
}

/*
 * See extern.h.  rows: [{term, cells: [{people, empty}]}] over cols:
 * [term], keeping only technologies and fields someone knows.
 */
int
people_experts(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct person	**ps = by_name(kb);
	struct term	**techs, **fields;
	struct val	*ctx = val_map(), *rows, *row, *cells, *c, *l, *cols;
	size_t		 i, j, nt = 0, nf = 0, k;

	techs = xcalloc(kb->tax.termsz[DIM_TECH] + 1, sizeof(*techs));
	fields = xcalloc(kb->tax.termsz[DIM_FIELD] + 1, sizeof(*fields));
	for (i = 0; i < kb->tax.termsz[DIM_TECH]; i++)
		for (k = 0; k < kb->peoplesz; k++)
			if (knows(ps[k], kb->tax.terms[DIM_TECH][i])) {
				techs[nt++] = kb->tax.terms[DIM_TECH][i];
				break;
			}
	for (i = 0; i < kb->tax.termsz[DIM_FIELD]; i++)
		for (k = 0; k < kb->peoplesz; k++)
			if (knows(ps[k], kb->tax.terms[DIM_FIELD][i])) {
				fields[nf++] = kb->tax.terms[DIM_FIELD][i];
				break;
			}
	cols = val_set(ctx, "cols", val_list());
	for (j = 0; j < nf; j++)
		val_push(cols, render_term(r, fields[j]));
	rows = val_set(ctx, "rows", val_list());
	for (i = 0; i < nt; i++) {
		row = val_push(rows, val_map());
		val_set(row, "term", render_term(r, techs[i]));
		cells = val_set(row, "cells", val_list());
		for (j = 0; j < nf; j++) {
			c = val_push(cells, val_map());
			l = val_set(c, "people", helpers(r, ps, kb->peoplesz,
			    techs[i], fields[j]));
			val_set(c, "empty", val_bool(l->kidsz == 0));
			val_set(c, "field", render_term(r, fields[j]));
		}
	}
	val_set(ctx, "has_rows", val_bool(nt > 0 && nf > 0));
	free(techs);
	free(fields);
	free(ps);
	return render_emit(r, "experts", "people/experts/index.html", 2,
	    "people", "Find an expert", "People who can help, by machine-"
	    "learning technology and scientific field.", ctx);
}
