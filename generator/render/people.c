/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of people: the people index, a page per person
 * (with their part in events: hackathon roles, seminars given), and
 * the experts by what they can help with.  A person can help with a
 * taxonomy term when the term (or a narrower one) is in their expertise
 * or on a use case they are a contact for, and with a technology in a
 * field when one of their use cases carries both, or one of the two is
 * their expertise.  The people index groups people under such
 * terms, dimension by dimension; people/experts/ crosses technologies
 * with fields ("find an expert"), each cell listing the people who can
 * help with both.  Each person is shown with the ways to reach them
 * (e-mail, web page, ORCID), and where one has none, the site's contact
 * (site.yaml).  The shared person reference is render.c's; the
 * order of people, hackathons and seminars is the model's (roster.c,
 * events.c).
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

/*
 * What one person can help with, by term position in each dimension:
 * expert (the term or a narrower one is in their expertise), knows
 * (expert, or the term or a narrower one is on a use case they are a
 * contact for), and pair (technology x field: one of their use cases
 * carries both).  Filled by skill_fill for one person at a time.
 */
struct skill {
	unsigned char	*expert[DIM__MAX];
	unsigned char	*knows[DIM__MAX];
	unsigned char	*pair;	/* [tech pos * number of fields + field pos] */
	size_t		 nt[DIM__MAX];
};

static void
skill_init(struct skill *s, const struct kb *kb)
{
	int	 d;

	for (d = 0; d < DIM__MAX; d++) {
		s->nt[d] = kb->tax.termsz[d];
		s->expert[d] = xcalloc(s->nt[d] + 1, 1);
		s->knows[d] = xcalloc(s->nt[d] + 1, 1);
	}
	s->pair = xcalloc(s->nt[DIM_TECH] * s->nt[DIM_FIELD] + 1, 1);
}

static void
skill_free(struct skill *s)
{
	int	 d;

	for (d = 0; d < DIM__MAX; d++) {
		free(s->expert[d]);
		free(s->knows[d]);
	}
	free(s->pair);
}

/* What p can help with, into s: their expertise, their use cases'
 * terms (each a read). */
static void
skill_fill(struct r *r, struct skill *s, const struct person *p)
{
	const struct term *x, *t, *f;
	const struct usecase *uc;
	struct usecase *const *ucs;
	size_t	 i, j, k, n, nf = s->nt[DIM_FIELD];
	int	 d;

	for (d = 0; d < DIM__MAX; d++) {
		memset(s->expert[d], 0, s->nt[d]);
		memset(s->knows[d], 0, s->nt[d]);
	}
	memset(s->pair, 0, s->nt[DIM_TECH] * nf);
	for (i = 0; i < p->expertisesz; i++)
		for (x = p->expertise[i]; x != NULL; x = x->parent)
			s->expert[x->dim][x->pos] = s->knows[x->dim][x->pos] = 1;
	ucs = render_person_ucs(r, p, &n);
	for (i = 0; i < n; i++) {
		uc = ucs[i];
		render_uc_terms(r, uc);
		for (d = 0; d < DIM__MAX; d++)
			for (j = 0; j < uc->termsz[d]; j++)
				for (x = uc->terms[d][j]; x != NULL;
				    x = x->parent)
					s->knows[d][x->pos] = 1;
		for (j = 0; j < uc->termsz[DIM_TECH]; j++)
			for (t = uc->terms[DIM_TECH][j]; t != NULL;
			    t = t->parent)
				for (k = 0; k < uc->termsz[DIM_FIELD]; k++)
					for (f = uc->terms[DIM_FIELD][k];
					    f != NULL; f = f->parent)
						s->pair[t->pos * nf + f->pos] = 1;
	}
}

/*
 * Can the person of s help with technology t in field f: one of their
 * use cases carries both, or one is their expertise and they know the
 * other.  Two use cases of theirs, one with each term, are not enough.
 */
static int
knows_both(const struct skill *s, size_t t, size_t f)
{
	const unsigned char *et = s->expert[DIM_TECH], *kt = s->knows[DIM_TECH];
	const unsigned char *ef = s->expert[DIM_FIELD];
	const unsigned char *kf = s->knows[DIM_FIELD];

	return s->pair[t * s->nt[DIM_FIELD] + f] || (et[t] && kf[f]) ||
	    (ef[f] && kt[t]);
}

/*
 * The people index's groups, set as "groups" on ctx (new values):
 * [{key, label, terms: [{term, people}]}], only terms someone can
 * help with.
 */
static void
groups(struct r *r, struct val *ctx)
{
	const struct kb	*kb = render_kb_site(r);
	struct person	**ps;
	struct val	*gs, *g, *ts, *t, **lists[DIM__MAX];
	struct skill	 sk;
	size_t		 i, k, np;
	int		 d;

	(void)render_people_all(r, &np);
	ps = roster_by_name(kb);
	/* One pass over the people, in name order, fills every list. */
	skill_init(&sk, kb);
	for (d = 0; d < DIM__MAX; d++)
		lists[d] = xcalloc(kb->tax.termsz[d] + 1, sizeof(**lists));
	for (k = 0; k < np; k++) {
		skill_fill(r, &sk, ps[k]);
		for (d = 0; d < DIM__MAX; d++)
			for (i = 0; i < kb->tax.termsz[d]; i++) {
				if (!sk.knows[d][i])
					continue;
				if (lists[d][i] == NULL)
					lists[d][i] = val_list();
				val_push(lists[d][i], render_pref(r, ps[k]));
			}
	}
	gs = val_set(ctx, "groups", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		g = val_map();
		val_set_str(g, "key", dim_keys[d]);
		val_set_str(g, "label", dim_labels[d]);
		ts = val_set(g, "terms", val_list());
		for (i = 0; i < kb->tax.termsz[d]; i++) {
			if (lists[d][i] == NULL)
				continue;
			t = val_push(ts, val_map());
			val_set(t, "term", render_term(r,
			    kb->tax.terms[d][i]));
			val_set(t, "people", lists[d][i]);
		}
		if (ts->kidsz > 0)
			val_push(gs, g);
		else
			val_free(g);
		free(lists[d]);
	}
	val_set(ctx, "has_groups", val_bool(gs->kidsz > 0));
	skill_free(&sk);
	free(ps);
}

/*
 * See render/private.h.  rows: [{term, cells: [{people, empty}]}] over cols:
 * [term], keeping only technologies and fields someone knows.
 */
int
people_experts(struct r *r)
{
	const struct kb	*kb = render_kb_site(r);
	struct person	**ps;
	struct val	*ctx = val_map(), *rows, *row, *cells, *c, *cols, **cell;
	struct skill	 sk;
	size_t		 i, j, k, np, ntt = kb->tax.termsz[DIM_TECH];
	size_t		 nff = kb->tax.termsz[DIM_FIELD];
	unsigned char	*tused, *fused;
	int		 any_t = 0, any_f = 0, unreached = 0;

	/* One pass over the people, in name order, fills every cell. */
	(void)render_people_all(r, &np);
	ps = roster_by_name(kb);
	skill_init(&sk, kb);
	cell = xcalloc(ntt * nff + 1, sizeof(*cell));
	tused = xcalloc(ntt + 1, 1);
	fused = xcalloc(nff + 1, 1);
	for (k = 0; k < np; k++) {
		skill_fill(r, &sk, ps[k]);
		for (i = 0; i < ntt; i++)
			tused[i] |= sk.knows[DIM_TECH][i];
		for (j = 0; j < nff; j++)
			fused[j] |= sk.knows[DIM_FIELD][j];
		for (i = 0; i < ntt; i++) {
			if (!sk.knows[DIM_TECH][i])
				continue;
			for (j = 0; j < nff; j++) {
				if (!knows_both(&sk, i, j))
					continue;
				if (cell[i * nff + j] == NULL)
					cell[i * nff + j] = val_list();
				if (ps[k]->email == NULL && ps[k]->web ==
				    NULL && ps[k]->orcid == NULL)
					unreached = 1;
				val_push(cell[i * nff + j],
				    render_pref(r, ps[k]));
			}
		}
	}
	/* Keep only technologies and fields someone knows. */
	cols = val_set(ctx, "cols", val_list());
	for (j = 0; j < nff; j++)
		if (fused[j]) {
			val_push(cols, render_term(r, kb->tax.terms[DIM_FIELD][j]));
			any_f = 1;
		}
	rows = val_set(ctx, "rows", val_list());
	for (i = 0; i < ntt; i++) {
		if (!tused[i])
			continue;
		any_t = 1;
		row = val_push(rows, val_map());
		val_set(row, "term", render_term(r, kb->tax.terms[DIM_TECH][i]));
		cells = val_set(row, "cells", val_list());
		for (j = 0; j < nff; j++) {
			if (!fused[j])
				continue;
			c = val_push(cells, val_map());
			val_set(c, "empty", val_bool(cell[i * nff + j] == NULL));
			val_set(c, "people", cell[i * nff + j] != NULL ?
			    cell[i * nff + j] : val_list());
			cell[i * nff + j] = NULL;
			val_set(c, "field", render_term(r,
			    kb->tax.terms[DIM_FIELD][j]));
		}
	}
	val_set(ctx, "has_rows", val_bool(any_t && any_f));
	/* The matrix shows addresses; the site's contact once, below. */
	val_set(ctx, "has_unreached", val_bool(unreached));
	for (i = 0; i < ntt * nff; i++)
		val_free(cell[i]);
	free(cell);
	free(tused);
	free(fused);
	skill_free(&sk);
	free(ps);
	return render_emit(r, "experts", url_experts(), 2,
	    "people", "Find an expert", "People who can help, by machine-"
	    "learning technology and scientific field.", ctx);
}

static struct val *
str_or_null(const char *s)
{
	return s != NULL ? val_str(s) : val_new(VAL_NULL);
}

/* Does list-or-scalar v name id? */
static int
names(const struct val *v, const char *id)
{
	size_t		 i;

	for (i = 0; i < val_count(v); i++)
		if (val_item(v, i)->str != NULL && strcmp(val_item(v, i)->str,
		    id) == 0)
			return 1;
	return 0;
}

static void
add_role(struct val *l, const struct hackathon *h, const char *role,
    const char *what)
{
	struct val	*v = val_push(l, val_map());
	char		*url;

	val_set_str(v, "role", role);
	val_set_str(v, "title", h->e.title ? h->e.title : h->e.slug);
	url = url_hackathon(h->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set(v, "start", str_or_null(val_get_str(h->e.meta, "start")));
	render_date_words(v, "start_words", val_get_str(h->e.meta, "start"),
	    0);
	val_set(v, "what", str_or_null(what));
}

/*
 * A person's part in events, set on v: "events" (hackathon roles:
 * organiser, tutor, speaker) and "seminars" (seminars given).
 * Hackathons newest first; in each, organiser, then tutor, then one
 * "speaker" line per session given.
 */
static void
person_events(struct r *r, const struct person *p, struct val *v)
{
	const struct kb	*kb = render_kb_site(r);
	const struct val **ss;
	const struct val *prog, *sess;
	struct hackathon **hs;
	struct val	*l, *s;
	size_t		 i, j, k, n;
	char		*url;

	hs = render_sorted_hacks(r);
	l = val_set(v, "events", val_list());
	for (i = 0; i < kb->hacksz; i++) {
		if (names(val_get(hs[i]->e.meta, "organizers"), p->e.slug))
			add_role(l, hs[i], "organiser", NULL);
		if (names(val_get(hs[i]->e.meta, "tutors"), p->e.slug))
			add_role(l, hs[i], "tutor", NULL);
		prog = val_get(hs[i]->e.meta, "programme");
		for (j = 0; prog != NULL && prog->type == VAL_LIST &&
		    j < prog->kidsz; j++) {
			sess = val_get(prog->kids[j], "sessions");
			for (k = 0; sess != NULL && sess->type == VAL_LIST &&
			    k < sess->kidsz; k++)
				if (names(val_get(sess->kids[k], "speakers"),
				    p->e.slug))
					add_role(l, hs[i], "speaker",
					    val_get_str(sess->kids[k],
					    "title"));
		}
	}
	free(hs);
	val_set(v, "has_events", val_bool(l->kidsz > 0));
	l = val_set(v, "seminars", val_list());
	ss = ev_sorted_seminars(kb, &n);
	for (i = n; i > 0; i--) {
		if (!names(val_get(ss[i - 1], "speakers"), p->e.slug))
			continue;
		s = val_push(l, val_map());
		val_set(s, "date", str_or_null(val_get_str(ss[i - 1],
		    "date")));
		render_date_words(s, "date_words", val_get_str(ss[i - 1],
		    "date"), 0);
		val_set(s, "title", str_or_null(val_get_str(ss[i - 1],
		    "title")));
		url = url_seminar(ss[i - 1]);
		val_set_str(s, "url", url);
		free(url);
	}
	free(ss);
	val_set(v, "has_seminars", val_bool(l->kidsz > 0));
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

/*
 * See render/private.h.
 */
int
people_index(struct r *r)
{
	const struct kb	*kb = render_kb_site(r);
	struct val	*ctx = val_map(), *l, *v;
	struct person	**ps;
	size_t		 i, n, np;

	(void)render_people_all(r, &np);
	ps = roster_by_name(kb);
	l = val_set(ctx, "people", val_list());
	for (i = 0; i < np; i++) {
		v = val_push(l, val_copy(render_pref(r, ps[i])));
		v->shared = 0;
		val_set(v, "has_roles", val_bool(val_set(v, "roles",
		    roles_list(ps[i]))->kidsz > 0));
		val_set(v, "expertise", render_terms(r, ps[i]->expertise,
		    ps[i]->expertisesz));
		(void)render_person_ucs(r, ps[i], &n);
		val_set(v, "usecases", val_int((long long)n));
	}
	free(ps);
	groups(r, ctx);
	return render_emit(r, "people", url_people(), 1, "people", "People",
	    "Experts, tutors and contacts, and what they can help with.",
	    ctx);
}

/*
 * See render/private.h.
 */
int
people_person(struct r *r, size_t i)
{
	const struct person *p = render_person(r, i);
	struct usecase *const *ucs;
	struct val	*ctx = val_map(), *v;
	char		*path;
	size_t		 n;
	int		 rc;

	v = val_set(ctx, "person", val_map());
	val_set_str(v, "id", p->e.slug);
	val_set_str(v, "name", p->name ? p->name : p->e.slug);
	val_set(v, "affiliation", p->affiliation ? val_str(p->affiliation) :
	    val_new(VAL_NULL));
	val_set(v, "has_roles", val_bool(val_set(v, "roles",
	    roles_list(p))->kidsz > 0));
	val_set(v, "expertise", render_terms(r, p->expertise,
	    p->expertisesz));
	render_set_reach(v, p);
	val_set(v, "body", val_str(render_html(r, &p->e)));
	person_events(r, p, v);
	ucs = render_person_ucs(r, p, &n);
	render_set_usecases(r, ctx, ucs, n);
	render_lang(ctx, &p->e);
	path = url_person(p->e.slug);
	rc = render_emit(r, "person", path, 2, "people", p->name ? p->name :
	    p->e.slug, p->affiliation, ctx);
	free(path);
	return rc;
}
