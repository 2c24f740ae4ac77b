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
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
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

/* One page (or file) of the render, on a worker of par_for. */
static void
render_one(void *arg, size_t i)
{
	struct plan	*r = arg;
	int		 ok;

	/* A full disk: no use rendering the rest. */
	ok = !site_out_failed(r->so) && run_job(r->r, &r->jobs[i]);
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
    struct site_out *so)
{
	struct plan	 r;
	char		**paths;
	size_t		 i, j, n;
	int		 d, ok = 1;

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

	par_for(r.jobsz, opts->jobs, render_one, &r);
	if (r.failed)
		ok = 0;
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
	free(r.jobs);
	pthread_mutex_destroy(&r.lock);
	return ok;
}
