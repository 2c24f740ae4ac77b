/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The driver of rendering: the table of page families (a job per page
 * or file, and the family function that makes it), render_site, which
 * builds the shared context (render.c), runs the jobs on the worker
 * pool (par_for) and then writes the sitemap of the pages the jobs
 * made.
 * This is the only file that calls the families; it builds no page
 * itself, and the path of every page is model/url.c's.
 *
 * Edit one, render one: job_reads says what each family reads, and a
 * job's key hashes those inputs.  The store keeps, per job, the key
 * and the files it made; a job whose key is unchanged, and whose files
 * are all still published as it made them, is not run: its files are
 * kept (site_out_keep).  A job that reported anything is run again,
 * so that a build says the same whether it renders or keeps.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "store/store.h"
#include "model/model.h"
#include "publish/publish.h"
#include "render/render.h"
#include "render/private.h"

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

/* What a family reads (job_reads). */
#define READS_SITE	0x1	/* site, theme, store, clock, front matter */
#define READS_UC_BODY	0x2	/* the body of use case a */

struct job {
	enum job_type	 type;
	size_t		 a;	/* index of the entry or term */
	size_t		 b;	/* dimension, or field index of a cell */
};

/* The jobs of one render, and the pool's state. */
struct plan {
	struct r	*r;	/* the shared context */
	struct site_out	*so;
	struct job	*jobs;
	size_t		 jobsz;
	char		*kept;	/* per job: its files were kept */
	char		*said;	/* per job: it reported something */
	pthread_mutex_t	 lock;
	int		 failed;
};

/*
 * The table of page families: each kind of job, and the function of
 * its family that renders it.
 */
static int
run_job(struct r *r, const struct job *j)
{
	switch (j->type) {
	case JOB_HOME:
		return pages_home(r);
	case JOB_CATALOGUE:
		return usecases_catalogue(r);
	case JOB_USECASE:
		return usecases_page(r, j->a);
	case JOB_DIMENSION:
		return terms_dimension(r, (int)j->a);
	case JOB_TERM:
		return terms_term(r, (int)j->b, j->a);
	case JOB_MATRIX:
		return terms_matrix(r);
	case JOB_CELL:
		return terms_cell(r, j->a, j->b);
	case JOB_PEOPLE:
		return people_index(r);
	case JOB_PERSON:
		return people_person(r, j->a);
	case JOB_PAGE:
		return pages_page(r, j->a);
	case JOB_HACKATHONS:
		return hackathons_index(r);
	case JOB_HACKATHON:
		return hackathons_page(r, j->a);
	case JOB_JSON:
		return feeds_catalogue_json(r);
	case JOB_STATUS:
		return status_page(r);
	case JOB_BADGE:
		return status_badge(r, j->a);
	case JOB_FEED:
		return feeds_atom(r);
	case JOB_SEMINARS:
		return seminars_page(r);
	case JOB_EXPERTS:
		return people_experts(r);
	case JOB_404:
		return pages_404(r);
	case JOB_SEARCH:
		return pages_search(r);
	}
	return 0;
}

/*
 * The page a job makes, for the sitemap (new string), or NULL for a
 * job that makes no page there (files, 404.html).
 */
static char *
job_path(const struct kb *kb, const struct job *j)
{
	switch (j->type) {
	case JOB_HOME:
		return xstrdup(url_home());
	case JOB_CATALOGUE:
		return xstrdup(url_catalogue());
	case JOB_USECASE:
		return url_usecase(kb->ucs[j->a]->e.slug);
	case JOB_DIMENSION:
		return xstrdup(url_dimension((enum dim)j->a));
	case JOB_TERM:
		return url_term((enum dim)j->b,
		    kb->tax.terms[j->b][j->a]->slug);
	case JOB_MATRIX:
		return xstrdup(url_matrix());
	case JOB_CELL:
		return url_cell(kb->tax.terms[DIM_TECH][j->a]->slug,
		    kb->tax.terms[DIM_FIELD][j->b]->slug);
	case JOB_PEOPLE:
		return xstrdup(url_people());
	case JOB_PERSON:
		return url_person(kb->people[j->a]->e.slug);
	case JOB_PAGE:
		return url_page(kb->pages[j->a]->e.slug);
	case JOB_HACKATHONS:
		return xstrdup(url_hackathons());
	case JOB_STATUS:
		return xstrdup(url_status());
	case JOB_HACKATHON:
		return url_hackathon(kb->hacks[j->a]->e.slug);
	case JOB_SEMINARS:
		return xstrdup(url_seminars());
	case JOB_EXPERTS:
		return xstrdup(url_experts());
	case JOB_SEARCH:
		return xstrdup(url_search());
	default:
		return NULL;
	}
}

/*
 * What the family of a job reads, the one place that says so.  Every
 * page reads the site: site.yaml, the taxonomy, the theme, the store's
 * records (provenance, runs, outputs, history), the clock, every
 * entry's front matter (use cases' summaries, terms, people, dates
 * show on many pages), and the whole of every entry that is not a use
 * case.  A use case's body (its HTML) shows on its own page only
 * (search/ indexes it too, outside these jobs).
 */
static unsigned
job_reads(enum job_type t)
{
	switch (t) {
	case JOB_USECASE:
		return READS_SITE | READS_UC_BODY;
	default:
		return READS_SITE;
	}
}

/* What names a job between builds (a new string). */
static char *
job_id(const struct kb *kb, const struct job *j)
{
	char	*p, *id;

	switch (j->type) {
	case JOB_BADGE:
		return xasprintf("badge %s", kb->ucs[j->a]->e.slug);
	case JOB_JSON:
		return xstrdup("json");
	case JOB_FEED:
		return xstrdup("feed");
	case JOB_404:
		return xstrdup("404");
	default:
		break;
	}
	p = job_path(kb, j);
	id = xasprintf("%d %s", (int)j->type, p != NULL ? p : "");
	free(p);
	return id;
}

/* Hash entries whole (front matter and body), into h. */
static uint64_t
whole_key(struct entry *const *es, size_t n, uint64_t h)
{
	const struct entry *e;
	size_t		 i;

	for (i = 0; i < n; i++) {
		e = es[i];
		h = hash64(e->relpath, strlen(e->relpath) + 1, h);
		h = hash64(&e->fmhash, sizeof(e->fmhash), h);
		h = hash64(&e->bodyhash, sizeof(e->bodyhash), h);
	}
	return hash64("|", 1, h);
}

/*
 * The hash of every input of the site but the use cases' bodies:
 * opts->inputs (what is not an entry) and each entry as job_reads
 * says pages read it.
 */
static uint64_t
site_key(const struct kb *kb, uint64_t inputs)
{
	const struct entry *e;
	uint64_t	 h = inputs;
	size_t		 i;

	for (i = 0; i < kb->ucsz; i++) {
		e = &kb->ucs[i]->e;
		h = hash64(e->relpath, strlen(e->relpath) + 1, h);
		h = hash64(&e->fmhash, sizeof(e->fmhash), h);
		/* A date guessed from the file's time or history. */
		if (kb->ucs[i]->added != NULL)
			h = hash64(kb->ucs[i]->added,
			    strlen(kb->ucs[i]->added), h);
		h = hash64("", 1, h);
	}
	/* Each kind's first member is its struct entry (as content.c). */
	h = whole_key((struct entry *const *)kb->people, kb->peoplesz, h);
	h = whole_key((struct entry *const *)kb->pages, kb->pagesz, h);
	return whole_key((struct entry *const *)kb->hacks, kb->hacksz, h);
}

static uint64_t
job_key(const struct kb *kb, uint64_t site, const struct job *j)
{
	uint64_t	 h = site;

	if (job_reads(j->type) & READS_UC_BODY)
		h = hash64(&kb->ucs[j->a]->e.bodyhash,
		    sizeof(kb->ucs[j->a]->e.bodyhash), h);
	return h;
}

/*
 * Keep the files of job j when the store says it made them from
 * inputs that hash to key, said nothing then, and they are published
 * as it made them.  Record: "KEY\n" then "HASH PATH\n" per file.
 */
static int
keep_job(struct plan *p, struct idx *idx, const char *id, uint64_t key)
{
	char		*rec = NULL, *s, *nl, *end;
	char		 want[32];
	size_t		 recsz, pass;
	uint64_t	 h;
	int		 ok = 0;

	if (idx_get_rec(idx, "jobs", id, &rec, &recsz) != 1)
		return 0;
	snprintf(want, sizeof(want), "%016llx\n", (unsigned long long)key);
	if (strncmp(rec, want, strlen(want)) != 0)
		goto out;
	/* First check every file, then keep them all. */
	for (pass = 0; pass < 2; pass++)
		for (s = rec + strlen(want); *s != '\0'; s = nl + 1) {
			if ((nl = strchr(s, '\n')) == NULL)
				goto out;
			*nl = '\0';
			h = strtoull(s, &end, 16);
			if (end != s + 16 || *end != ' ')
				goto out;
			if (pass == 0 && !site_out_has(p->so, end + 1, h))
				goto out;
			if (pass == 1 && !site_out_keep(p->so, end + 1, h)) {
				/* A failed link, reported: the build fails. */
				ok = 1;
				goto out;
			}
			*nl = '\n';
		}
	ok = 1;
out:
	free(rec);
	return ok;
}

/*
 * Store, for every job that ran and said nothing, its key and files.
 */
static int
record_jobs(struct plan *p, struct idx *idx, uint64_t site)
{
	const struct kb	*kb = render_kb(p->r);
	struct buf	*bs;
	const char	*path;
	char		*id;
	uint64_t	 h;
	size_t		 i, n, tag;
	int		 ok = 1;

	bs = xcalloc(p->jobsz, sizeof(*bs));
	n = site_out_nrecs(p->so);
	for (i = 0; i < n; i++) {
		path = site_out_rec(p->so, i, &h, &tag);
		if (tag == 0 || p->kept[tag - 1])
			continue;
		buf_printf(&bs[tag - 1], "%016llx %s\n",
		    (unsigned long long)h, path);
	}
	if (!idx_begin(idx)) {
		ok = 0;
		goto out;
	}
	for (i = 0; ok && i < p->jobsz; i++) {
		struct buf rec = { NULL, 0, 0 };

		if (p->kept[i])
			continue;
		/* A job that spoke runs again: "" matches no key. */
		if (!p->said[i])
			buf_printf(&rec, "%016llx\n", (unsigned long long)
			    job_key(kb, site, &p->jobs[i]));
		if (bs[i].sz > 0)
			buf_put(&rec, bs[i].data, bs[i].sz);
		id = job_id(kb, &p->jobs[i]);
		ok = idx_put_rec(idx, "jobs", id, rec.data ? rec.data : "",
		    rec.sz);
		free(id);
		buf_free(&rec);
	}
	if (ok)
		ok = idx_commit(idx);
	else
		idx_abort(idx);
out:
	for (i = 0; i < p->jobsz; i++)
		buf_free(&bs[i]);
	free(bs);
	return ok;
}

/* One page (or file) of the render, on a worker of par_for. */
static void
render_one(void *arg, size_t i)
{
	struct plan	*r = arg;
	size_t		 said;
	int		 ok;

	if (r->kept[i])
		return;
	/* A full disk: no use rendering the rest. */
	said = diag_mine();
	site_out_tag(r->so, i + 1);
	ok = !site_out_failed(r->so) && run_job(r->r, &r->jobs[i]);
	site_out_tag(r->so, 0);
	r->said[i] = diag_mine() != said;
	if (!ok) {
		pthread_mutex_lock(&r->lock);
		r->failed = 1;
		pthread_mutex_unlock(&r->lock);
	}
}

static void
add_job(struct plan *r, enum job_type t, size_t a, size_t b)
{
	r->jobs = xreallocarray(r->jobs, r->jobsz + 1, sizeof(*r->jobs));
	r->jobs[r->jobsz].type = t;
	r->jobs[r->jobsz].a = a;
	r->jobs[r->jobsz].b = b;
	r->jobsz++;
}

/*
 * See render/render.h.
 */
int
render_site(const struct kb *kb, const struct render_opts *opts,
    struct site_out *so, size_t *ran, size_t *all)
{
	struct plan	 r;
	char		**paths, *id;
	size_t		 i, j, n;
	uint64_t	 site = 0;
	int		 d, ok = 1, keep;

	memset(&r, 0, sizeof(r));
	r.so = so;
	pthread_mutex_init(&r.lock, NULL);
	r.r = render_new(kb, opts, so);

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
			if (terms_both(kb->tax.terms[DIM_TECH][i],
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

	r.kept = xcalloc(r.jobsz + 1, 1);
	r.said = xcalloc(r.jobsz + 1, 1);
	keep = opts->idx != NULL && opts->inputs != 0;
	if (keep)
		site = site_key(kb, opts->inputs);
	for (i = 0; keep && site_out_reusing(so) && i < r.jobsz; i++) {
		id = job_id(kb, &r.jobs[i]);
		r.kept[i] = keep_job(&r, opts->idx, id,
		    job_key(kb, site, &r.jobs[i]));
		free(id);
	}
	par_for(r.jobsz, opts->jobs, render_one, &r);
	if (r.failed || site_out_failed(so))
		ok = 0;
	if (ok && keep && !record_jobs(&r, opts->idx, site))
		ok = 0;
	if (all != NULL)
		*all = r.jobsz;
	for (n = i = 0; ran != NULL && i < r.jobsz; i++)
		n += !r.kept[i];
	if (ran != NULL)
		*ran = n;
	/* A sitemap lists absolute URLs only: it needs base_url.  It
	 * lists the pages the jobs made, in job order. */
	if (kb->site.base_url != NULL) {
		paths = xcalloc(r.jobsz + 1, sizeof(*paths));
		for (n = i = 0; i < r.jobsz; i++)
			if ((paths[n] = job_path(kb, &r.jobs[i])) != NULL)
				n++;
		if (!feeds_sitemap(r.r, (const char *const *)paths, n))
			ok = 0;
		for (i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	if (opts->assets != NULL &&
	    !site_out_copy_dir(so, opts->assets, url_assets()))
		ok = 0;

	render_free(r.r);
	free(r.kept);
	free(r.said);
	free(r.jobs);
	pthread_mutex_destroy(&r.lock);
	return ok;
}
