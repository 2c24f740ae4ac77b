/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The driver of rendering: the table of page families (a job per page
 * or file, and the family function that makes it), render_site, which
 * decides which jobs run, runs them on the worker pool (par_for) with
 * the shared context (render.c), and its own two jobs: the sitemap of
 * the pages the jobs make, and the theme's assets.
 * This is the only file that calls the families; it builds no page
 * itself, and the path of every page is model/url.c's.
 *
 * Edit one, render one: while a job runs, render.c records each value
 * it reads through the accessors (an entry, a term, a summary card, a
 * term's or person's use cases, the menu, or with render_kb the whole
 * model).  The manifest (.kbgen/JOBFILE) keeps, per job, what it read
 * and the files it made, with the version of every value at the last
 * build and the inputs that are no entry.  A job none of whose reads
 * changed, and whose files are all still published as it made them,
 * is not run: its files are kept (site_out_keep, a flag each), before
 * any shared value is built.  A job that reported anything is run
 * again, so that a build says the same whether it renders or keeps.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	JOB_THUMB,	/* a use case's thumbnail files */
	JOB_TILES,	/* the neutral tiles of thumbnails */
	JOB_SITEMAP,
	JOB_ASSETS,	/* the theme's assets/ */
};

/* The manifest of the last render, in the store's folder (see below). */
#define JOBFILE	"render-jobs"
#define JOBMAGIC	"kbgen render jobs 3\n"

struct job {
	enum job_type	 type;
	size_t		 a;	/* index of the entry or term */
	size_t		 b;	/* dimension, or field index of a cell */
	uint64_t	 id;	/* what names the job between builds */
};

/* A job of the last build, as the manifest says (JOBFILE). */
struct oldjob {
	uint64_t	 id;
	uint32_t	 said;	/* it spoke: it runs again */
	const char	*reads;	/* nreads ids (uint32_t), unaligned */
	uint32_t	 nreads;
	uint32_t	 nfiles;
	const char	*files;	/* nfiles of: hash (uint64_t), path, NUL */
	const char	*rec;	/* the whole record, to copy when kept */
	size_t		 recsz;
};

/* The jobs of one render, and the pool's state. */
struct plan {
	struct r	*r;	/* the shared context */
	struct vers	*vs;	/* the values' versions, when keeping */
	const struct render_opts *opts;
	struct site_out	*so;
	struct job	*jobs;
	size_t		 jobsz;
	size_t		*torun;	/* indexes of the jobs that run */
	size_t		 torunsz;
	char		*kept;	/* per job: its files were kept */
	char		*said;	/* per job: it reported something */
	struct render_reads *reads;	/* per job that ran: what it read */
	uint64_t	 listh;	/* the jobs' ids, in order: the sitemap's */
	uint64_t	 oldlisth;	/* the last build's */
	char		*old;	/* the manifest's bytes (mapped), or NULL */
	size_t		 oldmapsz;	/* what is mapped */
	struct oldjob	*olds;
	size_t		 oldsz;
	size_t		*oldtab;	/* open addressing: index + 1 in olds */
	size_t		 oldcap;	/* power of two */
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
	case JOB_THUMB:
		return render_thumb_files(r, j->a);
	case JOB_TILES:
		return render_tiles(r);
	case JOB_SITEMAP:
	case JOB_ASSETS:
		break;	/* the driver's own, see run_one */
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


/* What names a job between builds: its kind and its entry's or term's
 * name. */
static uint64_t
job_hid(const struct kb *kb, const struct job *j)
{
	const char	*s = NULL, *s2 = NULL;
	uint64_t	 h;
	int		 t = (int)j->type;

	h = hash64(&t, sizeof(t), 0x6a6f62);
	switch (j->type) {
	case JOB_USECASE:
	case JOB_BADGE:
	case JOB_THUMB:
		s = kb->ucs[j->a]->e.slug;
		break;
	case JOB_DIMENSION:
		h = hash64(&j->a, sizeof(j->a), h);
		break;
	case JOB_TERM:
		h = hash64(&j->b, sizeof(j->b), h);
		s = kb->tax.terms[j->b][j->a]->slug;
		break;
	case JOB_CELL:
		s = kb->tax.terms[DIM_TECH][j->a]->slug;
		s2 = kb->tax.terms[DIM_FIELD][j->b]->slug;
		break;
	case JOB_PERSON:
		s = kb->people[j->a]->e.slug;
		break;
	case JOB_PAGE:
		s = kb->pages[j->a]->e.slug;
		break;
	case JOB_HACKATHON:
		s = kb->hacks[j->a]->e.slug;
		break;
	default:
		break;
	}
	if (s != NULL)
		h = hash64(s, strlen(s) + 1, h);
	if (s2 != NULL)
		h = hash64(s2, strlen(s2) + 1, h);
	return h;
}

static uint32_t
get32(const char *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t
get64(const char *p)
{
	uint64_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * The manifest of the last render (a cache: .kbgen/JOBFILE): the
 * inputs that are no entry and the jobs' list it was made with, the
 * versions of every value then (vers_put), and one record
 * per job: its id, whether it spoke, the ids of what it read, the
 * files it made (hash and path).  A manifest of other inputs, cut
 * short or damaged describes nothing, and every job runs.
 *
 *	JOBMAGIC, u64 inputs, u64 list hash, the versions, then per job:
 *	u64 id, u32 said, u32 nreads, u32 nfiles, u32 filesz,
 *	u32 reads[nreads], filesz bytes of files, each u64 hash then
 *	the path and a NUL.
 */
static void
load_manifest(struct plan *p)
{
	const size_t	 hd = 8 + 4 * 4;
	struct oldjob	 o;
	struct stat	 st;
	void		*m;
	char		*path, *end;
	int		 fd;
	const char	*s;
	size_t		 sz, fsz, i, k, cap = 0;
	uint32_t	 f;

	/* Mapped, not read: most of it is looked at once, if at all. */
	path = path_join(idx_dir(p->opts->idx), JOBFILE);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd == -1)
		return;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > (1u << 30) ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		close(fd);
		return;
	}
	close(fd);
	p->old = m;
	p->oldmapsz = sz = (size_t)st.st_size;
	end = p->old + sz;
	s = p->old + strlen(JOBMAGIC);
	if (sz < strlen(JOBMAGIC) + 16 || memcmp(p->old, JOBMAGIC,
	    strlen(JOBMAGIC)) != 0 || get64(s) != p->opts->inputs)
		goto bad;
	p->oldlisth = get64(s + 8);
	if ((s = vers_diff(p->vs, s + 16, end)) == NULL)
		goto bad;
	while (s < end) {
		if ((size_t)(end - s) < hd)
			goto bad;
		memset(&o, 0, sizeof(o));
		o.rec = s;
		o.id = get64(s);
		o.said = get32(s + 8);
		o.nreads = get32(s + 12);
		o.nfiles = get32(s + 16);
		fsz = get32(s + 20);
		s += hd;
		if ((size_t)(end - s) / 4 < o.nreads)
			goto bad;
		o.reads = s;
		s += (size_t)o.nreads * 4;
		if ((size_t)(end - s) < fsz)
			goto bad;
		o.files = s;
		/* Every file's path ends in the record. */
		for (f = 0, k = 0; f < o.nfiles; f++) {
			if (fsz - k < 9 || memchr(s + k + 8, '\0',
			    fsz - k - 8) == NULL)
				goto bad;
			k += 8 + strlen(s + k + 8) + 1;
		}
		if (k != fsz)
			goto bad;
		s += fsz;
		o.recsz = (size_t)(s - o.rec);
		if (p->oldsz == cap) {
			cap = cap ? cap * 2 : 1024;
			p->olds = xreallocarray(p->olds, cap,
			    sizeof(*p->olds));
		}
		p->olds[p->oldsz++] = o;
	}
	for (p->oldcap = 16; p->oldcap < 2 * p->oldsz; p->oldcap *= 2)
		continue;
	p->oldtab = xcalloc(p->oldcap, sizeof(*p->oldtab));
	for (i = 0; i < p->oldsz; i++) {
		for (k = (size_t)p->olds[i].id & (p->oldcap - 1);
		    p->oldtab[k] != 0; k = (k + 1) & (p->oldcap - 1))
			continue;
		p->oldtab[k] = i + 1;
	}
	return;
bad:
	munmap(p->old, p->oldmapsz);
	p->old = NULL;
	free(p->olds);
	p->olds = NULL;
	p->oldsz = 0;
}

static const struct oldjob *
old_of(const struct plan *p, uint64_t id)
{
	size_t	 k;

	if (p->oldcap == 0)
		return NULL;
	for (k = (size_t)id & (p->oldcap - 1); p->oldtab[k] != 0;
	    k = (k + 1) & (p->oldcap - 1))
		if (p->olds[p->oldtab[k] - 1].id == id)
			return &p->olds[p->oldtab[k] - 1];
	return NULL;
}

/*
 * Keep the files of job i when the manifest says it made them from
 * values that did not change since (the manifest's versions are the
 * last build's, and every job it lists read them: it was kept, or it
 * ran, then), said nothing then, and they are published as it made
 * them.  The inputs that are no entry are the same, or nothing is
 * loaded.  The sitemap reads the list of jobs.
 */
static int
keep_job(struct plan *p, size_t i)
{
	const struct job *j = &p->jobs[i];
	const struct oldjob *o;
	const char	*s;
	uint32_t	 f;
	int		 pass;

	if ((o = old_of(p, j->id)) == NULL || o->said ||
	    (j->type == JOB_SITEMAP && p->listh != p->oldlisth))
		return 0;
	if (vers_any_changed(p->vs, o->reads, o->nreads))
		return 0;
	/* One file: site_out_keep checks it (most jobs). */
	if (o->nfiles == 1)
		return site_out_keep(p->so, o->files + 8, get64(o->files)) ||
		    site_out_failed(p->so);
	/* First check every file, then keep them all. */
	for (pass = 0; pass < 2; pass++)
		for (s = o->files, f = 0; f < o->nfiles; f++) {
			if (pass == 0 && !site_out_has(p->so, s + 8, get64(s)))
				return 0;
			/* A failed link is reported: the build fails. */
			if (pass == 1 && !site_out_keep(p->so, s + 8,
			    get64(s)))
				return 1;
			s += 8 + strlen(s + 8) + 1;
		}
	return 1;
}

/*
 * Write the manifest: a kept job's record as it was, for every job
 * that ran, its key (0 if it spoke), its reads and the files it put.
 * A manifest that cannot be written goes: every job runs next time.
 */
static void
save_manifest(struct plan *p)
{
	const struct oldjob *o;
	struct buf	 out = { NULL, 0, 0 };
	const char	*path;
	char		*file;
	uint64_t	 h;
	uint32_t	 u[4];
	size_t		 i, k, n, tag, *first, *by, *fsz;

	/* The files each job put: the records by tag (counted, placed). */
	n = site_out_nrecs(p->so);
	first = xcalloc(p->jobsz + 2, sizeof(*first));
	fsz = xcalloc(p->jobsz + 1, sizeof(*fsz));
	by = xcalloc(n + 1, sizeof(*by));
	for (i = 0; i < n; i++) {
		path = site_out_rec(p->so, i, &h, &tag);
		if (tag == 0 || p->kept[tag - 1])
			continue;
		first[tag]++;
		fsz[tag - 1] += sizeof(h) + strlen(path) + 1;
	}
	for (i = 1; i <= p->jobsz + 1; i++)
		first[i] += first[i - 1];
	for (i = 0; i < n; i++) {
		(void)site_out_rec(p->so, i, &h, &tag);
		if (tag != 0 && !p->kept[tag - 1])
			by[first[tag - 1]++] = i;
	}
	/* first[j] is now where job j's end: its start is first[j - 1]. */
	/* About the last one's size: no copy as it grows. */
	if (p->oldsz > 0)
		buf_grow(&out, 4096 + (size_t)(p->olds[p->oldsz - 1].rec +
		    p->olds[p->oldsz - 1].recsz - p->old));
	buf_puts(&out, JOBMAGIC);
	buf_put(&out, (const char *)&p->opts->inputs, 8);
	buf_put(&out, (const char *)&p->listh, 8);
	vers_put(p->vs, &out);
	for (i = 0; i < p->jobsz; i++) {
		if (p->kept[i] && (o = old_of(p, p->jobs[i].id)) != NULL) {
			buf_put(&out, o->rec, o->recsz);
			continue;
		}
		buf_put(&out, (const char *)&p->jobs[i].id, 8);
		u[0] = p->said[i];
		u[1] = (uint32_t)p->reads[i].sz;
		u[2] = (uint32_t)(first[i] - (i > 0 ? first[i - 1] : 0));
		u[3] = (uint32_t)fsz[i];
		buf_put(&out, (const char *)u, sizeof(u));
		if (p->reads[i].sz > 0)
			buf_put(&out, (const char *)p->reads[i].ids,
			    p->reads[i].sz * sizeof(uint32_t));
		for (k = i > 0 ? first[i - 1] : 0; k < first[i]; k++) {
			path = site_out_rec(p->so, by[k], &h, &tag);
			buf_put(&out, (const char *)&h, sizeof(h));
			buf_put(&out, path, strlen(path) + 1);
		}
	}
	file = path_join(idx_dir(p->opts->idx), JOBFILE);
	if (!file_replace(file, out.data, out.sz, 1))
		(void)unlink(file);
	free(file);
	free(first);
	free(fsz);
	free(by);
	buf_free(&out);
}

/* sitemap.xml: the pages the jobs make, in job order. */
static int
sitemap(struct plan *p)
{
	const struct kb	*kb = render_kb_site(p->r);
	char		**paths;
	size_t		 i, n;
	int		 rc;

	paths = xcalloc(p->jobsz + 1, sizeof(*paths));
	for (n = i = 0; i < p->jobsz; i++)
		if ((paths[n] = job_path(kb, &p->jobs[i])) != NULL)
			n++;
	rc = feeds_sitemap(p->r, (const char *const *)paths, n);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

static int
run_one(struct plan *p, const struct job *j)
{
	switch (j->type) {
	case JOB_SITEMAP:
		return sitemap(p);
	case JOB_ASSETS:
		return site_out_copy_dir(p->so, p->opts->assets,
		    url_assets());
	default:
		return run_job(p->r, j);
	}
}

/* One job of the render, on a worker of par_for. */
static void
render_one(void *arg, size_t k)
{
	struct plan	*p = arg;
	size_t		 said, i = p->torun[k];
	int		 ok;

	/* A full disk: no use rendering the rest. */
	said = diag_mine();
	site_out_tag(p->so, i + 1);
	(void)reads_track(&p->reads[i]);
	ok = !site_out_failed(p->so) && run_one(p, &p->jobs[i]);
	(void)reads_track(NULL);
	site_out_tag(p->so, 0);
	reads_sort(&p->reads[i]);
	p->said[i] = diag_mine() != said;
	if (!ok) {
		pthread_mutex_lock(&p->lock);
		p->failed = 1;
		pthread_mutex_unlock(&p->lock);
	}
}

static void
add_job(struct plan *p, enum job_type t, size_t a, size_t b)
{
	if ((p->jobsz & (p->jobsz - 1)) == 0)
		p->jobs = xreallocarray(p->jobs, p->jobsz ? 2 * p->jobsz : 1,
		    sizeof(*p->jobs));
	p->jobs[p->jobsz].type = t;
	p->jobs[p->jobsz].a = a;
	p->jobs[p->jobsz].b = b;
	p->jobsz++;
}

/*
 * A job per non-empty cell of the matrix: does any use case of the
 * field carry the technology (marked, one technology at a time)?
 */
static void
add_cells(struct plan *p, const struct kb *kb)
{
	const struct term *t, *f;
	size_t		*mark, i, j, k;

	mark = xcalloc(kb->ucsz + 1, sizeof(*mark));
	for (i = 0; i < kb->tax.termsz[DIM_TECH]; i++) {
		t = kb->tax.terms[DIM_TECH][i];
		for (k = 0; k < t->ucsz; k++)
			mark[t->ucs[k]->pos] = i + 1;
		for (j = 0; j < kb->tax.termsz[DIM_FIELD]; j++) {
			f = kb->tax.terms[DIM_FIELD][j];
			for (k = 0; k < f->ucsz; k++)
				if (mark[f->ucs[k]->pos] == i + 1)
					break;
			if (k < f->ucsz)
				add_job(p, JOB_CELL, i, j);
		}
	}
	free(mark);
}

/* Whether a job makes a page (or a page's files), as counted. */
static int
is_page(enum job_type t)
{
	return t != JOB_THUMB && t != JOB_TILES && t != JOB_SITEMAP &&
	    t != JOB_ASSETS;
}

/*
 * See render/render.h.  The shared context builds nothing before a
 * job asks for it, so that keeping a job costs its key's hashing and
 * its files' flags.
 */
int
render_site(const struct kb *kb, const struct render_opts *opts,
    struct site_out *so, size_t *ran, size_t *all)
{
	struct plan	 p;
	size_t		 i, n;
	int		 d, ok = 1, keep;

	memset(&p, 0, sizeof(p));
	p.so = so;
	p.opts = opts;
	pthread_mutex_init(&p.lock, NULL);
	p.r = render_new(kb, opts, so);

	/* The biggest outputs first, so that no thread is left alone
	 * with one at the end. */
	add_job(&p, JOB_CATALOGUE, 0, 0);
	add_job(&p, JOB_STATUS, 0, 0);
	add_job(&p, JOB_JSON, 0, 0);
	add_job(&p, JOB_FEED, 0, 0);
	add_job(&p, JOB_HOME, 0, 0);
	add_job(&p, JOB_TILES, 0, 0);
	if (kb->site.base_url != NULL)
		add_job(&p, JOB_SITEMAP, 0, 0);
	if (opts->assets != NULL)
		add_job(&p, JOB_ASSETS, 0, 0);
	for (i = 0; i < kb->ucsz; i++) {
		add_job(&p, JOB_USECASE, i, 0);
		add_job(&p, JOB_BADGE, i, 0);
		add_job(&p, JOB_THUMB, i, 0);
	}
	for (d = 0; d < DIM__MAX; d++) {
		add_job(&p, JOB_DIMENSION, (size_t)d, 0);
		for (i = 0; i < kb->tax.termsz[d]; i++)
			add_job(&p, JOB_TERM, i, (size_t)d);
	}
	add_job(&p, JOB_MATRIX, 0, 0);
	add_cells(&p, kb);
	add_job(&p, JOB_PEOPLE, 0, 0);
	for (i = 0; i < kb->peoplesz; i++)
		add_job(&p, JOB_PERSON, i, 0);
	for (i = 0; i < kb->pagesz; i++)
		add_job(&p, JOB_PAGE, i, 0);
	if (kb->hacksz > 0)
		add_job(&p, JOB_HACKATHONS, 0, 0);
	for (i = 0; i < kb->hacksz; i++)
		add_job(&p, JOB_HACKATHON, i, 0);
	if (kb->seminars != NULL && kb->seminars->kidsz > 0)
		add_job(&p, JOB_SEMINARS, 0, 0);
	add_job(&p, JOB_EXPERTS, 0, 0);
	add_job(&p, JOB_404, 0, 0);
	add_job(&p, JOB_SEARCH, 0, 0);
	p.listh = hash64(&p.jobsz, sizeof(p.jobsz), 0);
	for (i = 0; i < p.jobsz; i++) {
		p.jobs[i].id = job_hid(kb, &p.jobs[i]);
		p.listh = hash64(&p.jobs[i].id, sizeof(p.jobs[i].id), p.listh);
	}

	p.kept = xcalloc(p.jobsz + 1, 1);
	p.said = xcalloc(p.jobsz + 1, 1);
	p.reads = xcalloc(p.jobsz + 1, sizeof(*p.reads));
	p.torun = xcalloc(p.jobsz + 1, sizeof(*p.torun));
	keep = opts->idx != NULL && opts->inputs != 0;
	if (keep) {
		p.vs = vers_new(kb);
		if (site_out_reusing(so))
			load_manifest(&p);
	}
	for (i = 0; i < p.jobsz; i++)
		if (!(p.kept[i] = p.oldsz > 0 && keep_job(&p, i)))
			p.torun[p.torunsz++] = i;
	par_for(p.torunsz, opts->jobs, render_one, &p);
	if (p.failed || site_out_failed(so))
		ok = 0;
	if (ok && keep)
		save_manifest(&p);
	for (n = i = 0; i < p.jobsz; i++)
		n += is_page(p.jobs[i].type);
	if (all != NULL)
		*all = n;
	for (n = i = 0; i < p.jobsz; i++)
		n += !p.kept[i] && is_page(p.jobs[i].type);
	if (ran != NULL)
		*ran = n;

	render_free(p.r);
	vers_free(p.vs);
	for (i = 0; i < p.jobsz; i++)
		free(p.reads[i].ids);
	free(p.reads);
	free(p.torun);
	free(p.kept);
	free(p.said);
	free(p.jobs);
	if (p.old != NULL)
		munmap(p.old, p.oldmapsz);
	free(p.olds);
	free(p.oldtab);
	pthread_mutex_destroy(&p.lock);
	return ok;
}
