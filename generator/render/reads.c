/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What a page reads, and whether it changed.  While a job of the
 * render runs, render.c's accessors add to the thread's list
 * (reads_track) each value they hand out: an entry, a term, a summary
 * card, a term's or person's use cases, the menu, or the whole model.
 * vers_new hashes, from the model alone and without making any value,
 * the version of every value a page may read; the driver
 * (families.c) keeps those of the last build in its manifest, and
 * vers_diff and vers_any_changed say which differ now.  This file reads
 * the model and writes nothing; which job runs is families.c's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

/*
 * The versions of the values of one kind (RV_*, and for terms one
 * dimension) that a page may read, by index; changed, after
 * vers_diff, says which differ from the last build's.
 */
struct vtab {
	uint64_t	*v;	/* owned, n */
	size_t		 n;
	unsigned char	*changed;	/* owned, n, or NULL: all */
};

struct vers {
	struct vtab	 t[RV__MAX][DIM__MAX];	/* [kind][0], terms [kind][d] */
};

/* The reads of the job running on this thread (reads_track). */
static _Thread_local struct render_reads *cur_reads;

/*
 * See render/private.h.
 */
void
reads_add(unsigned kind, size_t i)
{
	struct render_reads *rr = cur_reads;

	/* The same read again at once: one is enough. */
	if (rr == NULL || (rr->sz > 0 &&
	    rr->ids[rr->sz - 1] == RV_ID(kind, i)))
		return;
	if (rr->sz == rr->cap) {
		rr->cap = rr->cap ? rr->cap * 2 : 64;
		rr->ids = xreallocarray(rr->ids, rr->cap, sizeof(*rr->ids));
	}
	rr->ids[rr->sz++] = RV_ID(kind, i);
}

/*
 * See render/private.h.
 */
void
vers_free(struct vers *vs)
{
	int	 k, d;

	if (vs == NULL)
		return;
	for (k = 0; k < RV__MAX; k++)
		for (d = 0; d < DIM__MAX; d++) {
			free(vs->t[k][d].v);
			free(vs->t[k][d].changed);
		}
	free(vs);
}

/*
 * See render/private.h.
 */
struct render_reads *
reads_track(struct render_reads *rr)
{
	struct render_reads *was = cur_reads;

	cur_reads = rr;
	return was;
}

/*
 * Sort ids[0..n): by insertion when short, else by their bits, 11 at a
 * time (a page of the catalogue reads tens of thousands).
 */
static void
sort_ids(uint32_t *ids, size_t n)
{
	uint32_t	*tmp, *from, *to, x;
	size_t		 cnt[2048], i, j, sum, c;
	int		 shift;

	if (n < 64) {
		for (i = 1; i < n; i++) {
			x = ids[i];
			for (j = i; j > 0 && ids[j - 1] > x; j--)
				ids[j] = ids[j - 1];
			ids[j] = x;
		}
		return;
	}
	tmp = xcalloc(n, sizeof(*tmp));
	from = ids;
	to = tmp;
	for (shift = 0; shift < 33; shift += 11) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(from[i] >> shift) & 2047]++;
		for (sum = i = 0; i < 2048; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			to[cnt[(from[i] >> shift) & 2047]++] = from[i];
		from = to;
		to = from == ids ? tmp : ids;
	}
	/* Three passes: the sorted ids are in tmp. */
	memcpy(ids, from, n * sizeof(*ids));
	free(tmp);
}

/*
 * See render/private.h.
 */
void
reads_sort(struct render_reads *rr)
{
	size_t	 i, n = 0;

	sort_ids(rr->ids, rr->sz);
	for (i = 0; i < rr->sz; i++)
		if (n == 0 || rr->ids[n - 1] != rr->ids[i])
			rr->ids[n++] = rr->ids[i];
	rr->sz = n;
}

/* An entry as it names itself and, with body, whole. */
static uint64_t
entry_v(const struct entry *e, int body, uint64_t h)
{
	h = hash64(e->relpath, strlen(e->relpath) + 1, h);
	h = hash64(&e->fmhash, sizeof(e->fmhash), h);
	if (body)
		h = hash64(&e->bodyhash, sizeof(e->bodyhash), h);
	return h;
}

/* The use cases ucs[0..n) as a set of names, in order. */
static uint64_t
members_v(const uint64_t *names, struct usecase *const *ucs, size_t n)
{
	uint64_t	 h = hash64(&n, sizeof(n), 0);
	size_t		 i;

	for (i = 0; i < n; i++)
		h = hash64(&names[ucs[i]->pos], sizeof(*names), h);
	return h;
}

static uint64_t *
vt_new(struct vers *vs, int k, int d, size_t n)
{
	vs->t[k][d].n = n;
	vs->t[k][d].v = xcalloc(n + 1, sizeof(uint64_t));
	return vs->t[k][d].v;
}

/*
 * See render/private.h.  Each version hashes what the value's making
 * reads of the model (what is not in the model, render_opts.inputs
 * covers): a use case's summary card its front matter (terms, people,
 * dates; its example's health and thumbnail follow the store, an
 * input) and its terms' values; a term's value its count (the rest is
 * the taxonomy's).  Entries are named by their path, so a version
 * at a position that now holds another entry differs.
 */
struct vers *
vers_new(const struct kb *kb)
{
	struct vers	*vs;
	const struct usecase *uc;
	const struct term *t;
	uint64_t	*names, *uv, *bv, *sv, *tv[DIM__MAX], *pv, *pu, *gv, *xv;
	uint64_t	 h;
	size_t		 i, j;
	int		 d;

	vs = xcalloc(1, sizeof(*vs));
	uv = vt_new(vs, RV_UC, 0, kb->ucsz);
	bv = vt_new(vs, RV_UCBODY, 0, kb->ucsz);
	sv = vt_new(vs, RV_UCSUM, 0, kb->ucsz);
	names = xcalloc(kb->ucsz + 1, sizeof(*names));
	h = hash64("kb", 2, 0);
	for (i = 0; i < kb->ucsz; i++) {
		uc = kb->ucs[i];
		names[i] = hash64(uc->e.relpath, strlen(uc->e.relpath) + 1, 0);
		uv[i] = hash64(&uc->e.fmhash, sizeof(uc->e.fmhash), names[i]);
		/* A date guessed from the file's time or history. */
		uv[i] = hash64(uc->added ? uc->added : "",
		    uc->added ? strlen(uc->added) + 1 : 0, uv[i]);
		bv[i] = hash64(&uc->e.bodyhash, sizeof(uint64_t), uv[i]);
		h = hash64(&uv[i], sizeof(uv[i]), h);
	}
	memcpy(vt_new(vs, RV_THUMB, 0, kb->ucsz), uv,
	    kb->ucsz * sizeof(*uv));
	for (d = 0; d < DIM__MAX; d++) {
		tv[d] = vt_new(vs, RV_TERM, d, kb->tax.termsz[d]);
		gv = vt_new(vs, RV_TERMUCS, d, kb->tax.termsz[d]);
		for (i = 0; i < kb->tax.termsz[d]; i++) {
			t = kb->tax.terms[d][i];
			tv[d][i] = hash64(&t->ucsz, sizeof(t->ucsz), 0);
			gv[i] = members_v(names, t->ucs, t->ucsz);
		}
	}
	/* A use case's terms: how many per dimension, which. */
	xv = vt_new(vs, RV_UCTERMS, 0, kb->ucsz);
	for (i = 0; i < kb->ucsz; i++) {
		uc = kb->ucs[i];
		xv[i] = names[i];
		for (d = 0; d < DIM__MAX; d++) {
			xv[i] = hash64(&uc->termsz[d], sizeof(size_t), xv[i]);
			for (j = 0; j < uc->termsz[d]; j++)
				xv[i] = hash64(&uc->terms[d][j]->pos,
				    sizeof(size_t), xv[i]);
		}
	}
	for (i = 0; i < kb->ucsz; i++) {
		uc = kb->ucs[i];
		sv[i] = uv[i];
		for (d = 0; d < DIM__MAX; d++)
			for (j = 0; j < uc->termsz[d]; j++)
				sv[i] = hash64(&tv[d][uc->terms[d][j]->pos],
				    sizeof(uint64_t), sv[i]);
	}
	/* And one after the last: the end, where a new one would be. */
	pv = vt_new(vs, RV_PERSON, 0, kb->peoplesz + 1);
	pv[kb->peoplesz] = hash64("end", 3, 0);
	pu = vt_new(vs, RV_PERSONUCS, 0, kb->peoplesz);
	for (i = 0; i < kb->peoplesz; i++) {
		pv[i] = entry_v(&kb->people[i]->e, 1, 0);
		pu[i] = members_v(names, kb->people[i]->ucs,
		    kb->people[i]->ucsz);
		h = hash64(&pv[i], sizeof(pv[i]), h);
	}
	gv = vt_new(vs, RV_PAGE, 0, kb->pagesz);
	pv = vt_new(vs, RV_MENU, 0, 1);
	pv[0] = hash64(&kb->hacksz, sizeof(kb->hacksz), 0);
	for (i = 0; i < kb->pagesz; i++) {
		gv[i] = entry_v(&kb->pages[i]->e, 1, 0);
		pv[0] = entry_v(&kb->pages[i]->e, 0, pv[0]);
		h = hash64(&gv[i], sizeof(gv[i]), h);
	}
	gv = vt_new(vs, RV_HACKS, 0, 1);
	gv[0] = hash64(&kb->hacksz, sizeof(kb->hacksz), 0);
	for (i = 0; i < kb->hacksz; i++)
		gv[0] = entry_v(&kb->hacks[i]->e, 1, gv[0]);
	vt_new(vs, RV_KB, 0, 1)[0] = hash64(gv, sizeof(*gv), h);
	free(names);
	return vs;
}

/*
 * See render/private.h.  Per table: its kind, dimension and size
 * (uint32_t each), then the versions (uint64_t each).
 */
void
vers_put(const struct vers *vs, struct buf *b)
{
	const struct vtab *vt;
	uint32_t	 u[3];
	int		 k, d;

	for (k = 1; k < RV__MAX; k++)
		for (d = 0; d < DIM__MAX; d++) {
			vt = &vs->t[k][d];
			if (vt->v == NULL)
				continue;
			u[0] = (uint32_t)k;
			u[1] = (uint32_t)d;
			u[2] = (uint32_t)vt->n;
			buf_put(b, (const char *)u, sizeof(u));
			buf_put(b, (const char *)vt->v,
			    vt->n * sizeof(uint64_t));
		}
	u[0] = u[1] = u[2] = 0;
	buf_put(b, (const char *)u, sizeof(u));
}

/*
 * See render/private.h.
 */
const char *
vers_diff(struct vers *vs, const char *p, const char *end)
{
	struct vtab	*vt;
	uint32_t	 u[3];
	uint64_t	 v;
	size_t		 i;

	for (;;) {
		if ((size_t)(end - p) < sizeof(u))
			return NULL;
		memcpy(u, p, sizeof(u));
		p += sizeof(u);
		if (u[0] == 0)
			break;
		if (u[0] >= RV__MAX || u[1] >= DIM__MAX ||
		    (size_t)(end - p) / sizeof(uint64_t) < u[2])
			return NULL;
		vt = &vs->t[u[0]][u[1]];
		if (vt->v == NULL || vt->changed != NULL)
			return NULL;
		vt->changed = xcalloc(vt->n + 1, 1);
		for (i = 0; i < vt->n; i++) {
			if (i < u[2])
				memcpy(&v, p + i * sizeof(v), sizeof(v));
			vt->changed[i] = i >= u[2] || v != vt->v[i];
		}
		p += (size_t)u[2] * sizeof(uint64_t);
	}
	return p;
}

/*
 * See render/private.h.  The ids are sorted: a table is looked up once
 * per kind (and dimension) they read.
 */
int
vers_any_changed(const struct vers *vs, const char *ids, size_t n)
{
	const struct vtab *vt = NULL;
	uint32_t	 id, tab, last = UINT32_MAX;
	size_t		 j, i, k, d;

	for (j = 0; j < n; j++) {
		memcpy(&id, ids + j * sizeof(id), sizeof(id));
		i = id & 0xffffff;
		k = id >> 24;
		d = 0;
		if (k == RV_TERM || k == RV_TERMUCS) {
			d = i >> 16;
			i &= 0xffff;
		}
		/* Its table: the kind's, a term's dimension's. */
		tab = (uint32_t)(k << 8 | (d < 0xff ? d : 0xff));
		if (tab != last) {
			if (k == 0 || k >= RV__MAX || d >= DIM__MAX)
				return 1;
			vt = &vs->t[k][d];
			last = tab;
		}
		if (vt->changed == NULL || i >= vt->n || vt->changed[i])
			return 1;
	}
	return 0;
}
