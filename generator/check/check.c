/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen check: re-execute every use case's example on a runner and
 * keep the history of results in LMDB (report.c prints and writes what
 * they say, and is kbgen status).  A job is the pinned commit (from kbgen
 * sync) checked out into a job folder, with job.json from the entry's
 * run: keys (runners/README.md).  A result is reused while its key
 * (code and environment: commit, entry, command, setup, limits, the
 * repository's dependency files, the runner's fingerprint) is unchanged
 * and younger than check.max_age.  Every run is recorded as "running"
 * before it starts, so a check killed outright is found and marked
 * "interrupted" by the next one.  Processes are runners.c's business.
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "store/store.h"
#include "git/git.h"
#include "model/model.h"
#include "render/render.h"
#include "check/check.h"
#include "check/private.h"
#include "cmd.h"

#ifndef KBGEN_RUNNERS
#define KBGEN_RUNNERS "/usr/local/share/kbgen/runners"
#endif

/* One example to check. */
struct job {
	struct usecase	*uc;	/* borrowed */
	char		*key;	/* cache key, owned */
	char		*keydesc;	/* what went into the key, owned */
	struct val	*last;	/* last finished record, owned, may be NULL */
	struct val	*rec;	/* this check's record, owned */
	int		 cached;	/* reused, not run */
	int		 skip;	/* not run: reason in rec */
	int		 regression;
	struct jobenv	*env;	/* borrowed from the checker */
	double		 secs;
};

struct checker {
	const struct opts *o;
	struct kb	*kb;
	struct idx	*idx;
	char		*cache;	/* ROOT/.kbgen */
	char		*runners;	/* runners folder */
	char		*driver;
	const char	*runner;	/* "local" or "slurm" */
	const struct val *rconf;	/* site.yaml runners.RUNNER, may be NULL */
	struct tmpl_set	*tmpls;	/* slurm.sbatch */
	char		*fingerprint;	/* runner environment, owned */
	long		 max_age;	/* seconds */
	long		 keep_jobs;	/* job folders kept per use case; 0: all */
	struct keep_limits keep;	/* site.yaml outputs: */
	int		 sandbox;
	const char	*pip_index;	/* runners.pip_index */
	long long	 memory;	/* default memory limit, bytes */
	long long	 data_max;	/* data cache size, bytes */
	struct jobenv	**envs;	/* resolved environments, owned */
	size_t		 envsz;
	struct gpupool	*gpus;	/* of the local runner */
	struct job	*jobs;
	size_t		 jobsz;
	size_t		*run;	/* indices in jobs of those that run, owned */
	size_t		 torun;	/* jobs that run: run[0..torun) */
	size_t		 running, passed, failed, stopped, done;
	double		 t0;
	int		 tty;
	pthread_mutex_t	 lock;
	char		 host[256];
};

static void
on_signal(int sig)
{
	(void)sig;
	runner_interrupt();
}

/*
 * "16G", "512M", "2048K" or bytes; 0 when absent or malformed (lint
 * has said so already).
 */
static long long
size_of(const char *s)
{
	long long	 n;

	/* size_parse checks the range: no shift can overflow. */
	return s != NULL && size_parse(s, &n) ? n : 0;
}

static const struct val *
run_keys(const struct usecase *uc)
{
	return val_get(uc->e.meta, "run");
}

static long
run_timeout(const struct usecase *uc)
{
	const char	*t = val_get_str(run_keys(uc), "timeout");
	long		 s = t != NULL ? duration_secs(t) : -1;

	return s > 0 ? s : 1800;
}

static int
run_flag(const struct usecase *uc, const char *key)
{
	const struct val *v = val_get(run_keys(uc), key);
	int		 b = 0;

	return v != NULL && bool_value(v, &b) && b;
}

static int
save_run(struct idx *idx, const struct val *rec)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*stamp = val_get_str(rec, "stamp");
	int		 rc;

	val_json(&b, rec, 0);
	rc = idx_put_run(idx, val_get_str(rec, "slug"),
	    (uint64_t)strtoull(stamp ? stamp : "0", NULL, 10), b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * When process pid started, in clock ticks since boot (field 22 of
 * /proc/PID/stat), so that a record's pid reused by another process
 * is told apart; 0 when unknown.
 */
static long long
proc_start(pid_t pid)
{
	char		 path[64], line[1024], *p;
	long long	 v = 0;
	int		 field;
	FILE		*f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (p = strrchr(line, ')')) != NULL) {
		/* After "pid (comm)": state is field 3. */
		for (field = 2; *p != '\0' && field < 22; p++)
			if (*p == ' ')
				field++;
		v = atoll(p);
	}
	fclose(f);
	return v;
}

/* Whether a run record of slug has that stamp. */
static int
stamp_taken(struct checker *c, const char *slug, time_t t)
{
	struct val	*runs;
	const char	*st;
	size_t		 i;
	int		 taken = 0;

	pthread_mutex_lock(&c->lock);
	runs = runs_load(c->idx, slug);
	pthread_mutex_unlock(&c->lock);
	for (i = 0; i < runs->kidsz && !taken; i++)
		taken = (st = val_get_str(runs->kids[i], "stamp")) != NULL &&
		    strtoll(st, NULL, 10) == (long long)t;
	val_free(runs);
	return taken;
}

/* The record as kept, in JOB/result.json for people who look. */
static void
write_result_json(const char *jobdir, const struct val *rec)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*p = path_join(jobdir, "result.json");

	val_json(&b, rec, 1);
	(void)file_write(p, b.data, b.sz);
	buf_free(&b);
	free(p);
}

/*
 * Mark as interrupted every "running" record whose kbgen is gone (it
 * was killed outright, or the machine went down).
 */
static void
recover(struct checker *c, const char *slug)
{
	struct val	*runs, *r;
	const char	*pid, *host, *pstart;
	size_t		 i;

	runs = runs_load(c->idx, slug);
	for (i = 0; i < runs->kidsz; i++) {
		r = runs->kids[i];
		if (strcmp(val_get_str(r, "status") ? val_get_str(r, "status") :
		    "", "running") != 0)
			continue;
		pid = val_get_str(r, "pid");
		host = val_get_str(r, "host");
		pstart = val_get_str(r, "pid_start");
		/*
		 * Another kbgen check is at it when its process is alive
		 * and the same one (a pid is reused after a SIGKILL).
		 */
		if (pid != NULL && host != NULL &&
		    strcmp(host, c->host) == 0 &&
		    (kill((pid_t)atol(pid), 0) == 0 || errno != ESRCH) &&
		    (pstart == NULL || atoll(pstart) == 0 ||
		    proc_start((pid_t)atol(pid)) == atoll(pstart)))
			continue;
		val_set_str(r, "status", "interrupted");
		val_set_str(r, "message", "interrupted: kbgen check stopped "
		    "before the job ended");
		(void)save_run(c->idx, r);
		fprintf(stderr, "check: %s: the run of %s was interrupted; "
		    "marked so\n", slug, val_get_str(r, "date") ?
		    val_get_str(r, "date") : "?");
	}
	val_free(runs);
}

/*
 * The last record that finished (not running, not interrupted), a
 * copy, or NULL.
 */
static struct val *
last_finished(struct idx *idx, const char *slug)
{
	struct val	*runs, *r, *res = NULL;
	const char	*st;
	size_t		 i;

	runs = runs_load(idx, slug);
	for (i = runs->kidsz; i > 0; i--) {
		r = runs->kids[i - 1];
		st = val_get_str(r, "status");
		if (st == NULL || strcmp(st, "running") == 0 ||
		    strcmp(st, "interrupted") == 0)
			continue;
		res = val_copy(r);
		break;
	}
	val_free(runs);
	return res;
}

/*
 * The fingerprint of the runner besides the environment (whose image
 * digest and package list are in the key already): runner kind, Slurm
 * partition, and the GPUs' models and the driver version the host's
 * NVIDIA module reports (/proc/driver/nvidia), read without starting
 * anything.
 */
static char *
runner_fingerprint(struct checker *c)
{
	struct buf	 b = { NULL, 0, 0 };
	glob_t		 g;
	char		*text;
	size_t		 i, sz;

	buf_printf(&b, "runner=%s;", c->runner);
	if (c->rconf != NULL && val_get_str(c->rconf, "partition") != NULL)
		buf_printf(&b, "partition=%s;",
		    val_get_str(c->rconf, "partition"));
	diag_set_quiet(1);
	if (glob("/proc/driver/nvidia/gpus/*/information", 0, NULL,
	    &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			text = NULL;
			if (file_read(g.gl_pathv[i], &text, &sz))
				buf_printf(&b, "gpu=%016llx;",
				    (unsigned long long)hash64(text, sz, 0));
			free(text);
		}
		globfree(&g);
	}
	text = NULL;
	if (access("/proc/driver/nvidia/version", R_OK) == 0 &&
	    file_read("/proc/driver/nvidia/version", &text, &sz))
		buf_printf(&b, "nvidia=%016llx;",
		    (unsigned long long)hash64(text, sz, 0));
	free(text);
	diag_set_quiet(0);
	return buf_steal(&b);
}

static void
key_add(struct buf *k, const char *name, const char *v)
{
	buf_printf(k, "%s=%s\n", name, v != NULL ? v : "");
}

/*
 * The cache key of a use case's check: everything that can change its
 * result.  Returns 0 (with *why set) when the example cannot run yet.
 */
static int
make_key(struct checker *c, struct job *j, const char **why)
{
	const struct usecase *uc = j->uc;
	const struct val *run = run_keys(uc), *v;
	struct buf	 k = { NULL, 0, 0 };
	char		*dir, *dep, *err = NULL;
	const char	*commit, *url;
	size_t		 i;

	commit = uc->prov ? val_get_str(uc->prov, "commit") : NULL;
	url = val_get_str(uc->repository, "url");
	if (commit == NULL) {
		*why = "not synced: run kbgen sync first";
		return 0;
	}
	dir = repo_cache_dir(c->cache, url);
	dep = gs_dep_hash(dir, commit, val_get_str(uc->repository,
	    "subdir"), &err);
	free(dir);
	if (dep == NULL) {
		free(err);
		*why = "the pinned commit is not in the cache: run kbgen sync";
		return 0;
	}
	key_add(&k, "commit", commit);
	key_add(&k, "subdir", val_get_str(uc->repository, "subdir"));
	key_add(&k, "entry", uc->example);
	key_add(&k, "command", val_get_str(run, "command"));
	if ((v = val_get(run, "setup")) != NULL) {
		if (v->type == VAL_LIST) {
			for (i = 0; i < v->kidsz; i++)
				key_add(&k, "setup", v->kids[i]->str);
		} else
			key_add(&k, "setup", v->str);
	}
	key_add(&k, "timeout", val_get_str(run, "timeout"));
	key_add(&k, "memory", val_get_str(run, "memory"));
	key_add(&k, "gpu", val_get_str(run, "gpu"));
	key_add(&k, "network", run_flag(uc, "network") ? "true" : "false");
	if ((v = val_get(run, "env")) != NULL && v->type == VAL_MAP)
		for (i = 0; i < v->kidsz; i++)
			buf_printf(&k, "env.%s=%s\n", v->kids[i]->key,
			    v->kids[i]->str ? v->kids[i]->str : "");
	key_add(&k, "dependencies", dep);
	key_add(&k, "requirements", val_get_str(run, "requirements"));
	key_add(&k, "kernel", val_get_str(run, "kernel"));
	if ((v = val_get(run, "data")) != NULL && v->type == VAL_LIST)
		for (i = 0; i < v->kidsz; i++)
			buf_printf(&k, "data=%s %s %s\n",
			    val_get_str(v->kids[i], "url") ?
			    val_get_str(v->kids[i], "url") : "",
			    val_get_str(v->kids[i], "sha256") ?
			    val_get_str(v->kids[i], "sha256") : "",
			    val_get_str(v->kids[i], "path") ?
			    val_get_str(v->kids[i], "path") : "");
	/*
	 * The environment: its image's digest and its whole package list
	 * (dpkg's and Python's), and where requirements come from.
	 */
	key_add(&k, "env.name", j->env->name);
	key_add(&k, "env.image", j->env->image);
	key_add(&k, "env.digest", j->env->digest);
	key_add(&k, "env.kernel", j->env->kernel);
	key_add(&k, "env.packages", j->env->packages);
	key_add(&k, "env.error", j->env->error);
	key_add(&k, "pip_index", c->pip_index);
	/* Site-wide limits and the sandbox change results too. */
	buf_printf(&k, "site.memory=%lld\n", c->memory);
	key_add(&k, "site.max_file", val_get_str(c->rconf, "max_file"));
	key_add(&k, "sandbox", c->sandbox ? "bwrap" : "none");
	key_add(&k, "environment", c->fingerprint);
	j->key = xasprintf("%016llx", (unsigned long long)hash64(k.data,
	    k.sz, 0));
	j->keydesc = buf_steal(&k);
	free(dep);
	return 1;
}

static void
progress(struct checker *c)
{
	double	 el = mono_secs() - c->t0, eta = 0;

	if (!c->tty || c->o->quiet)
		return;
	if (c->done > 0 && c->torun > c->done)
		eta = el / (double)c->done * (double)(c->torun - c->done);
	fprintf(stderr, "\r\033[Kcheck: %zu queued, %zu running, %zu passed, "
	    "%zu failed  %.0fs elapsed%s", c->torun - c->done - c->running,
	    c->running, c->passed, c->failed, el, c->done > 0 &&
	    c->torun > c->done ? "" : "");
	if (eta > 0)
		fprintf(stderr, ", ETA %.0fs", eta);
}

static char *
job_folder(struct checker *c, const char *slug, time_t t)
{
	char		 stamp[32];
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	return xasprintf("%s/runs/%s/%s", c->cache, slug, stamp);
}

/*
 * Keep the job folders of the newest c->keep_jobs finished runs of a
 * use case (check.keep_jobs in site.yaml): each holds a checkout and
 * the run's outputs, and a nightly check would otherwise fill the disk.
 * The records stay, with their "job" cleared.  A folder is found from
 * its record's stamp, never from the path the record holds, so nothing
 * outside this cache's runs/SLUG/ is touched; runs still going (another
 * kbgen check) are left alone.
 */
static void
prune_jobs(struct checker *c, const char *slug)
{
	struct val	*runs, *r;
	const char	*st, *stamp;
	char		**gone = NULL;
	size_t		 i, ngone = 0;
	long		 kept = 0;

	if (c->keep_jobs <= 0)
		return;
	pthread_mutex_lock(&c->lock);
	runs = runs_load(c->idx, slug);
	for (i = runs->kidsz; i > 0; i--) {
		r = runs->kids[i - 1];
		st = val_get_str(r, "status");
		stamp = val_get_str(r, "stamp");
		if (val_get_str(r, "job") == NULL || st == NULL ||
		    stamp == NULL || strcmp(st, "running") == 0)
			continue;
		if (kept < c->keep_jobs) {
			kept++;
			continue;
		}
		gone = xreallocarray(gone, ngone + 1, sizeof(*gone));
		gone[ngone++] = job_folder(c, slug,
		    (time_t)strtoll(stamp, NULL, 10));
		val_set(r, "job", val_new(VAL_NULL));
		(void)save_run(c->idx, r);
	}
	val_free(runs);
	pthread_mutex_unlock(&c->lock);
	for (i = 0; i < ngone; i++) {
		(void)rmtree(gone[i]);
		free(gone[i]);
	}
	free(gone);
}

/*
 * The environment of a use case, resolved (and its image unpacked) the
 * first time it is asked for: run.environment, else the site's default,
 * else the host.  Called from the main thread only.
 */
static struct jobenv *
job_env(struct checker *c, const struct usecase *uc)
{
	const char	*name = val_get_str(run_keys(uc), "environment");
	const char	*def = val_get_str(val_get(c->kb->site.tree,
	    "runners"), "environment");
	const char	*want = name != NULL ? name : def;
	struct jobenv	*e;
	size_t		 i;

	for (i = 0; i < c->envsz; i++)
		if ((want == NULL && c->envs[i]->name == NULL) ||
		    (want != NULL && c->envs[i]->name != NULL &&
		    strcmp(want, c->envs[i]->name) == 0))
			return c->envs[i];
	if (want != NULL && !c->o->quiet)
		fprintf(stderr, "check: preparing environment %s\n", want);
	/* Jobs keep pointers to it: one allocation each. */
	c->envs = xreallocarray(c->envs, c->envsz + 1, sizeof(*c->envs));
	e = c->envs[c->envsz++] = xcalloc(1, sizeof(*e));
	if (!env_resolve(e, c->kb->site.tree, c->o->root, c->cache, want))
		fprintf(stderr, "check: %s\n", e->error);
	return e;
}

static int
write_job_json(const char *jobdir, const struct usecase *uc, long timeout,
    const struct jobenv *env)
{
	struct val	*j = val_map(), *l;
	const struct val *run = run_keys(uc), *v;
	const char	*sub = val_get_str(uc->repository, "subdir");
	struct buf	 b = { NULL, 0, 0 };
	char		*p, *wd;
	size_t		 i;
	int		 rc;

	val_set_str(j, "slug", uc->e.slug);
	wd = sub != NULL ? xasprintf("src/%s", sub) : xstrdup("src");
	val_set_str(j, "workdir", wd);
	free(wd);
	val_set(j, "entry", uc->example ? val_str(uc->example) :
	    val_new(VAL_NULL));
	val_set(j, "command", val_get_str(run, "command") ?
	    val_str(val_get_str(run, "command")) : val_new(VAL_NULL));
	l = val_set(j, "setup", val_list());
	if ((v = val_get(run, "setup")) != NULL) {
		if (v->type == VAL_LIST) {
			for (i = 0; i < v->kidsz; i++)
				if (v->kids[i]->str != NULL)
					val_push(l, val_str(v->kids[i]->str));
		} else if (v->str != NULL)
			val_push(l, val_str(v->str));
	}
	val_set(j, "timeout", val_int(timeout));
	val_set(j, "cell_timeout", val_int(timeout));
	l = val_set(j, "env", val_map());
	if ((v = val_get(run, "env")) != NULL && v->type == VAL_MAP)
		for (i = 0; i < v->kidsz; i++)
			if (v->kids[i]->str != NULL)
				val_set_str(l, v->kids[i]->key,
				    v->kids[i]->str);
	val_set(j, "gpu", val_int(val_get_str(run, "gpu") ?
	    atol(val_get_str(run, "gpu")) : 0));
	val_set(j, "kernel", val_get_str(run, "kernel") ?
	    val_str(val_get_str(run, "kernel")) : val_new(VAL_NULL));
	val_set(j, "env_kernel", env->kernel ? val_str(env->kernel) :
	    val_new(VAL_NULL));
	val_set_str(j, "user", "kbgen");
	val_json(&b, j, 1);
	p = path_join(jobdir, "job.json");
	rc = file_write(p, b.data, b.sz);
	free(p);
	buf_free(&b);
	val_free(j);
	return rc;
}

/* A result kbgen makes itself: the job could not be prepared. */
static struct val *
prep_error(const char *reason, const char *msg, const char *log)
{
	struct val	*res = val_map(), *fc;

	val_set_str(res, "status", "error");
	val_set_str(res, "reason", reason);
	val_set_str(res, "message", msg);
	if (log != NULL && *log != '\0') {
		fc = val_set(res, "failed_cell", val_map());
		val_set(fc, "index", val_new(VAL_NULL));
		val_set_str(fc, "ename", reason);
		val_set_str(fc, "evalue", msg);
		val_set_str(fc, "traceback", log);
	}
	return res;
}

/* Everything a job is given, prepared by run_one and freed after. */
struct prep {
	struct sandbox	 sb;
	struct sbx_bind	*binds;
	char		**bindsrc;	/* owned strings of binds */
	char		**binddst;
	size_t		 bindsz;
	struct args	 env;	/* NAME=VALUE */
	const char	*gpudev[64];
	size_t		 gpuidx[64];
	size_t		 gpusz;
	char		*venv;
	char		*freeze;
	int		 venvhold;	/* lock keeping the venv, -1 */
	int		 imagehold;	/* lock keeping the image, -1 */
	struct val	*data;	/* facts for the record */
};

static void
prep_bind(struct prep *p, char *src, char *dst)
{
	p->bindsrc = xreallocarray(p->bindsrc, p->bindsz + 1,
	    sizeof(*p->bindsrc));
	p->binddst = xreallocarray(p->binddst, p->bindsz + 1,
	    sizeof(*p->binddst));
	p->bindsrc[p->bindsz] = src;
	p->binddst[p->bindsz++] = dst;
}

static void
prep_free(struct prep *p)
{
	size_t	 i;

	for (i = 0; i < p->bindsz; i++) {
		free(p->bindsrc[i]);
		free(p->binddst[i]);
	}
	free(p->bindsrc);
	free(p->binddst);
	free(p->binds);
	args_free(&p->env);
	if (p->venvhold >= 0)
		close(p->venvhold);
	if (p->imagehold >= 0)
		image_release(p->imagehold);
	free(p->venv);
	free(p->freeze);
	val_free(p->data);
}

/*
 * The example's folder inside the sandbox: /job/src[/SUBDIR][/DIR of
 * the entry].  A new string.
 */
static char *
example_dir(const struct usecase *uc)
{
	const char	*sub = val_get_str(uc->repository, "subdir");
	char		*p, *slash;

	p = xasprintf("/job/src%s%s/%s", sub ? "/" : "", sub ? sub : "",
	    uc->example ? uc->example : ".");
	if ((slash = strrchr(p, '/')) != NULL)
		*slash = '\0';
	return p;
}

/*
 * Declared data: fetched into the cache (outside the sandbox, before
 * the job), bound read-only where the example reads them.  Returns NULL
 * or a result (a "data" error).
 */
static struct val *
prep_data(struct checker *c, const struct usecase *uc, struct prep *p)
{
	const struct val *dl = val_get(run_keys(uc), "data"), *d;
	struct data_item it;
	struct val	*f;
	char		*file = NULL, *err = NULL, *msg, *exdir, *base;
	const char	**keep = NULL;
	long long	 fetched = 0;
	size_t		 i, nkeep = 0;
	struct val	*res = NULL;

	if (dl == NULL || dl->type != VAL_LIST || dl->kidsz == 0)
		return NULL;
	p->data = val_list();
	exdir = example_dir(uc);
	for (i = 0; i < dl->kidsz; i++) {
		d = dl->kids[i];
		it.url = val_get_str(d, "url");
		it.sha256 = val_get_str(d, "sha256");
		it.path = val_get_str(d, "path");
		if (!data_fetch(c->cache, &it, c->data_max, &file, &fetched,
		    &err)) {
			msg = xasprintf("declared data could not be fetched: "
			    "%s", err ? err : it.url);
			res = prep_error("data", msg, NULL);
			free(msg);
			free(err);
			break;
		}
		f = val_push(p->data, val_map());
		val_set_str(f, "url", it.url);
		val_set_str(f, "sha256", it.sha256);
		val_set(f, "bytes_fetched", val_int(fetched));
		val_set(f, "cached", val_bool(fetched == 0));
		if (it.path != NULL) {
			val_set_str(f, "path", it.path);
			prep_bind(p, file, path_join(exdir, it.path));
		} else {
			base = strrchr(it.url, '/');
			base = base != NULL && base[1] != '\0' ? base + 1 :
			    (char *)it.sha256;
			val_set_str(f, "path", base);
			prep_bind(p, file, xasprintf("/run/kbgen/data/%s",
			    base));
		}
		keep = xreallocarray(keep, nkeep + 1, sizeof(*keep));
		keep[nkeep++] = p->bindsrc[p->bindsz - 1];
		file = NULL;
	}
	if (res == NULL && c->data_max > 0)
		(void)data_evict(c->cache, c->data_max, keep, nkeep);
	free(keep);
	free(exdir);
	return res;
}

/*
 * Everything but the example: requirements' venv, data, GPUs, the
 * sandbox.  Returns NULL when the job can run, else the result to
 * record (an environment, data or setup error).
 */
static struct val *
prepare(struct checker *c, struct job *j, const char *work, struct prep *p)
{
	const struct usecase *uc = j->uc;
	const struct val *run = run_keys(uc);
	struct val	*res;
	char		*src, *req = NULL, *err = NULL, *s, *log;
	size_t		 i, ngpu;
	int		 gpu;

	memset(p, 0, sizeof(*p));
	p->venvhold = p->imagehold = -1;
	if (j->env->error != NULL)
		return prep_error("environment", j->env->error, NULL);
	/* Not pruned while the job runs. */
	if (j->env->digest != NULL)
		p->imagehold = image_hold(c->cache, j->env->digest);
	if ((j->env->root != NULL || val_get(run, "requirements") != NULL) &&
	    !c->sandbox)
		return prep_error("environment", "environments and "
		    "requirements need the bubblewrap sandbox "
		    "(runners.local.sandbox: bwrap)", NULL);
	src = path_join(work, "src");
	if (!env_requirements(src, val_get_str(uc->repository, "subdir"),
	    uc->example, val_get_str(run, "requirements"), &req, &err)) {
		free(src);
		res = prep_error("environment", err, NULL);
		free(err);
		return res;
	}
	free(src);
	if (req != NULL && c->sandbox) {
		if (!c->o->quiet)
			fprintf(stderr, "check: %s: installing %s\n",
			    uc->e.slug, req + strlen(work) + 1);
		if (!env_venv(j->env, c->cache, "/usr/bin/bwrap", req,
		    c->pip_index, &p->venv, &p->freeze, &p->venvhold,
		    &err)) {
			log = env_build_log(err);
			res = prep_error("environment", err, log);
			free(log);
			free(err);
			free(req);
			return res;
		}
	}
	free(req);
	if ((res = prep_data(c, uc, p)) != NULL)
		return res;

	gpu = val_get_str(run, "gpu") ? atoi(val_get_str(run, "gpu")) : 0;
	ngpu = gpu > 0 ? (size_t)gpu : 0;
	if (ngpu > 0 && strcmp(c->runner, "local") == 0) {
		if (ngpu > gpupool_size(c->gpus) || ngpu > 64) {
			s = xasprintf("run.gpu asks for %zu GPU%s; the local "
			    "runner has %zu (runners.local.gpus)", ngpu,
			    ngpu == 1 ? "" : "s", gpupool_size(c->gpus));
			res = prep_error("environment", s, NULL);
			free(s);
			return res;
		}
		if (!gpupool_take(c->gpus, ngpu, p->gpuidx))
			return prep_error("setup", "stopped while waiting "
			    "for a GPU", NULL);
		p->gpusz = ngpu;
		for (i = 0; i < ngpu; i++)
			p->gpudev[i] = gpupool_dev(c->gpus, p->gpuidx[i]);
	}

	/*
	 * The job's whole environment (run.env is the driver's): the
	 * image's own variables, then kbgen's, which win.
	 */
	for (i = 0; i < j->env->env.n; i++)
		if (strncmp(j->env->env.v[i], "PATH=", 5) == 0)
			p->sb.path = j->env->env.v[i] + 5;
		else
			args_add(&p->env, j->env->env.v[i]);
	if (c->sandbox) {
		args_add(&p->env, "HOME=/job/home");
		args_add(&p->env, "KBGEN_OUTPUT=/job/output");
	} else {
		s = xasprintf("HOME=%s/home", work);
		args_add(&p->env, s);
		free(s);
		s = xasprintf("KBGEN_OUTPUT=%s/output", work);
		args_add(&p->env, s);
		free(s);
	}
	args_add(&p->env, "LANG=C.UTF-8");
	args_add(&p->env, "USER=kbgen");
	args_add(&p->env, "LOGNAME=kbgen");
	args_add(&p->env, "PYTHONDONTWRITEBYTECODE=1");
	args_add(&p->env, "KBGEN_DATA=/run/kbgen/data");
	if (p->gpusz > 0) {
		struct buf b = { NULL, 0, 0 };

		buf_puts(&b, "CUDA_VISIBLE_DEVICES=");
		for (i = 0; i < p->gpusz; i++)
			buf_printf(&b, "%s%zu", i ? "," : "", i);
		args_add(&p->env, buf_cstr(&b));
		buf_free(&b);
	}
	p->binds = xcalloc(p->bindsz + 1, sizeof(*p->binds));
	for (i = 0; i < p->bindsz; i++) {
		p->binds[i].src = p->bindsrc[i];
		p->binds[i].dst = p->binddst[i];
	}
	p->sb.root = j->env->root;
	p->sb.work = work;
	p->sb.driver = c->driver;
	p->sb.venv = p->venv;
	p->sb.binds = p->binds;
	p->sb.bindsz = p->bindsz;
	p->sb.gpus = p->gpudev;
	p->sb.gpusz = p->gpusz;
	p->sb.network = run_flag(uc, "network");
	p->sb.env = (const char *const *)p->env.v;
	p->sb.envsz = p->env.n;
	return NULL;
}

/* What kbgen knows of the run besides the driver's word. */
static void
add_facts(struct val *rec, const struct job *j, const struct prep *p)
{
	struct val	*e, *g;
	size_t		 i;

	e = val_set(rec, "environment", val_map());
	val_set_str(e, "name", j->env->name ? j->env->name : "host");
	if (j->env->image != NULL)
		val_set_str(e, "image", j->env->image);
	if (j->env->digest != NULL)
		val_set_str(e, "digest", j->env->digest);
	val_set(e, "venv", val_bool(p->venv != NULL));
	if (p->data != NULL)
		val_set(rec, "data", val_copy(p->data));
	if (p->gpusz > 0) {
		g = val_get(rec, "gpus");
		if (g == NULL || g->type != VAL_MAP) {
			g = val_set(rec, "gpus", val_map());
			val_set(g, "count", val_int((long long)p->gpusz));
		}
		e = val_set(g, "devices", val_list());
		for (i = 0; i < p->gpusz; i++)
			val_push(e, val_str(p->gpudev[i]));
	}
}

/*
 * Run one job: folder, checkout, "running" record, environment, runner,
 * result.
 */
static void
run_one(struct checker *c, struct job *j)
{
	struct usecase	*uc = j->uc;
	struct run_req	 q;
	struct prep	 pr;
	struct val	*res = NULL, *rec = j->rec;
	char		*jobdir, *src, *dir, *err = NULL, *home, *p, *work;
	char		*jobfile = NULL, *outdir, *kept = NULL;
	const char	*st;
	time_t		 t = time(NULL);
	double		 t0 = mono_secs();
	size_t		 i;
	int		 ran = 0, lk = -1;
	struct buf	 warn = { NULL, 0, 0 };

	memset(&pr, 0, sizeof(pr));
	pr.venvhold = pr.imagehold = -1;
	/*
	 * One folder and one record per second and use case; mkdir is the
	 * lock between two checks of the same use case.
	 */
	p = path_join(c->cache, "runs");
	dir = path_join(p, uc->e.slug);
	(void)mkdirs(dir);
	free(p);
	free(dir);
	for (;;) {
		jobdir = job_folder(c, uc->e.slug, t);
		if (mkdir(jobdir, 0755) == 0) {
			/*
			 * The folder of an earlier run of this second may
			 * have been pruned already (check.keep_jobs): its
			 * record still holds the stamp.
			 */
			if (!stamp_taken(c, uc->e.slug, t))
				break;
			(void)rmdir(jobdir);
		} else if (errno != EEXIST)
			break;
		free(jobdir);
		t++;
	}
	val_set(rec, "stamp", val_int((long long)t));
	p = utc_text(t, 0);
	val_set_str(rec, "date", p);
	free(p);
	val_set_str(rec, "status", "running");
	val_set_str(rec, "job", jobdir);
	val_set(rec, "pid", val_int((long long)getpid()));
	val_set(rec, "pid_start", val_int(proc_start(getpid())));
	val_set_str(rec, "host", c->host);
	pthread_mutex_lock(&c->lock);
	(void)save_run(c->idx, rec);
	pthread_mutex_unlock(&c->lock);

	/* Only work/ is the job's; the rest of the folder is kbgen's. */
	work = path_join(jobdir, "work");
	src = path_join(work, "src");
	home = path_join(work, "home");
	outdir = path_join(work, "output");
	dir = repo_cache_dir(c->cache, val_get_str(uc->repository, "url"));
	if (!mkdirs(jobdir) || !mkdirs(home) || !mkdirs(outdir)) {
		res = prep_error("setup", "cannot make the job folder", NULL);
	} else if (!gs_checkout(dir, val_get_str(uc->prov, "commit"), src,
	    &err)) {
		res = prep_error("setup", err ? err : "checkout failed", NULL);
	} else if (!write_job_json(jobdir, uc, run_timeout(uc), j->env)) {
		res = prep_error("setup", "cannot write job.json", NULL);
	} else if ((res = prepare(c, j, work, &pr)) == NULL) {
		memset(&q, 0, sizeof(q));
		q.slug = uc->e.slug;
		q.jobdir = jobdir;
		q.driver = c->driver;
		q.python = pr.venv != NULL ? "/run/kbgen/env/bin/python3" :
		    "/usr/bin/python3";
		q.bwrap = "/usr/bin/bwrap";
		q.timeout = run_timeout(uc);
		q.memory = size_of(val_get_str(run_keys(uc), "memory"));
		if (q.memory == 0)
			q.memory = c->memory;
		q.fsize = c->rconf != NULL && val_get_str(c->rconf,
		    "max_file") ? size_of(val_get_str(c->rconf, "max_file")) :
		    (1LL << 30);
		q.nproc = 512;
		q.gpu = val_get_str(run_keys(uc), "gpu") ?
		    atoi(val_get_str(run_keys(uc), "gpu")) : 0;
		q.sandbox = c->sandbox;
		jobfile = path_join(jobdir, "job.json");
		pr.sb.jobfile = jobfile;
		q.sb = &pr.sb;
		q.slurm = c->rconf;
		q.tmpls = c->tmpls;
		res = strcmp(c->runner, "slurm") == 0 ? runner_slurm(&q) :
		    runner_local(&q);
		ran = 1;
		if (pr.gpusz > 0)
			gpupool_give(c->gpus, pr.gpusz, pr.gpuidx);
	}
	free(err);
	free(dir);
	free(src);
	free(home);
	free(outdir);
	free(work);
	free(jobfile);

	/* The driver's result, under our bookkeeping keys. */
	for (i = 0; i < res->kidsz; i++)
		if (strcmp(res->kids[i]->key, "slug") != 0 &&
		    strcmp(res->kids[i]->key, "stamp") != 0)
			val_set(rec, res->kids[i]->key,
			    val_copy(res->kids[i]));
	val_free(res);
	add_facts(rec, j, &pr);
	prep_free(&pr);
	val_set(rec, "pid", val_new(VAL_NULL));
	j->secs = mono_secs() - t0;
	if (val_get(rec, "seconds") == NULL)
		val_set(rec, "seconds", val_int((long long)j->secs));
	st = val_get_str(rec, "status");
	/* A stopped check says nothing about the example: no reason. */
	if (st != NULL && strcmp(st, "interrupted") == 0)
		val_set(rec, "reason", val_new(VAL_NULL));
	if (st == NULL || strcmp(st, "running") == 0) {
		val_set_str(rec, "status", "error");
		val_set_str(rec, "reason", "setup");
		st = "error";
	}
	/*
	 * What the run left for the site, kept beyond the job folder: not
	 * of a run stopped before its job started, nor of an interrupted
	 * one (it says nothing of the example).
	 */
	if (ran && strcmp(st, "interrupted") != 0) {
		lk = keep_begin(c->cache);
		if ((kept = keep_run(c->cache, jobdir, rec, &c->keep,
		    &warn)) != NULL)
			val_set_str(rec, "outputs", kept);
	}
	/* For people who open the folder: the record as kept. */
	write_result_json(jobdir, rec);
	free(jobdir);
	/* A regression is the example's doing: it failed or ran out of
	 * time.  An error (the runner could not run it) is not. */
	j->regression = j->last != NULL && strcmp(val_get_str(j->last,
	    "status") ? val_get_str(j->last, "status") : "", "pass") == 0 &&
	    (strcmp(st, "fail") == 0 || strcmp(st, "timeout") == 0);
	val_set(rec, "regression", val_bool(j->regression));
	pthread_mutex_lock(&c->lock);
	/* Whole lines, not inside the live progress line. */
	if (warn.sz > 0) {
		if (c->tty && !c->o->quiet)
			fputs("\r\033[K", stderr);
		fputs(buf_cstr(&warn), stderr);
		progress(c);
	}
	buf_free(&warn);
	(void)save_run(c->idx, rec);
	if (kept != NULL)
		(void)keep_record(c->idx, uc->e.slug, kept, run_passed(rec));
	pthread_mutex_unlock(&c->lock);
	keep_end(lk);
	free(kept);
	prune_jobs(c, uc->e.slug);
}

/*
 * Run the i-th job to run, on a worker of par_for; after an interrupt,
 * the jobs not started are left as they are.
 */
static void
check_one(void *arg, size_t i)
{
	struct checker	*c = arg;
	struct job	*j = &c->jobs[c->run[i]];

	pthread_mutex_lock(&c->lock);
	if (runner_interrupted()) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->running++;
	progress(c);
	pthread_mutex_unlock(&c->lock);
	run_one(c, j);
	pthread_mutex_lock(&c->lock);
	c->running--;
	c->done++;
	if (strcmp(val_get_str(j->rec, "status"), "pass") == 0)
		c->passed++;
	else if (strcmp(val_get_str(j->rec, "status"), "interrupted") == 0)
		c->stopped++;
	else
		c->failed++;
	if (c->tty && !c->o->quiet)
		fputs("\r\033[K", stderr);
	if (!c->o->quiet)
		fprintf(stderr, "check: [%zu/%zu] %s: %s (%.1f s, %s)%s\n",
		    c->done, c->torun, j->uc->e.slug,
		    val_get_str(j->rec, "status"), j->secs, c->runner,
		    j->regression ? " REGRESSION" : "");
	if (!run_passed(j->rec))
		report_failure(j->uc->e.slug, j->rec);
	progress(c);
	pthread_mutex_unlock(&c->lock);
}

static char *
runners_dir(const struct opts *o)
{
	char		*p;
	struct stat	 st;

	p = path_join(o->root, "runners");
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return p;
	free(p);
	return xstrdup(KBGEN_RUNNERS);
}

/*
 * Pick the use cases: named ones, a hackathon's exercises, or every
 * one with an example.  Returns 0 on a usage error (reported).
 */
static int
select_jobs(struct checker *c, int argc, char **argv)
{
	const struct kb	*kb = c->kb;
	struct usecase	*uc;
	struct hackathon *h = NULL;
	const struct val *ex, *it;
	size_t		 i, n;

	c->jobs = xcalloc(kb->ucsz + (size_t)argc + 1, sizeof(*c->jobs));
	if (c->o->hackathon != NULL) {
		for (i = 0; i < kb->hacksz; i++)
			if (strcmp(kb->hacks[i]->e.slug, c->o->hackathon) == 0)
				h = kb->hacks[i];
		if (h == NULL) {
			fprintf(stderr, "kbgen: check: no hackathon \"%s\"\n",
			    c->o->hackathon);
			return 0;
		}
		ex = val_get(h->e.meta, "exercises");
		n = ex == NULL ? 0 : ex->type == VAL_LIST ? ex->kidsz : 1;
		for (i = 0; i < n; i++) {
			it = ex->type == VAL_LIST ? ex->kids[i] : ex;
			if (it->str != NULL &&
			    (uc = kb_usecase(kb, it->str)) != NULL)
				c->jobs[c->jobsz++].uc = uc;
		}
		return 1;
	}
	if (argc > 0) {
		for (i = 0; i < (size_t)argc; i++) {
			if ((uc = kb_usecase(kb, argv[i])) == NULL) {
				fprintf(stderr, "kbgen: check: no use case "
				    "\"%s\"\n", argv[i]);
				return 0;
			}
			c->jobs[c->jobsz++].uc = uc;
		}
		return 1;
	}
	for (i = 0; i < kb->ucsz; i++)
		if (kb->ucs[i]->example != NULL)
			c->jobs[c->jobsz++].uc = kb->ucs[i];
	return 1;
}

/*
 * kbgen check.
 */
int
cmd_check(const struct opts *o, int argc, char **argv)
{
	struct checker	 c;
	struct job	*j;
	struct sigaction sa, oldint, oldterm;
	struct report_item *items = NULL;
	const struct val *runners, *chk;
	char		*p;
	const char	*why, *age, *sb;
	size_t		 i, regressions = 0, cached = 0, skipped = 0;
	int		 rc = 1, d, nth;

	memset(&c, 0, sizeof(c));
	c.o = o;
	pthread_mutex_init(&c.lock, NULL);
	if (gethostname(c.host, sizeof(c.host) - 1) == -1)
		strcpy(c.host, "localhost");
	c.kb = kb_load(o->root, 0, 2);
	if (c.kb == NULL || diag_errors() > 0) {
		fprintf(stderr, "kbgen: fix the content errors first\n");
		goto out;
	}
	runners = val_get(c.kb->site.tree, "runners");
	c.runner = o->runner != NULL ? o->runner :
	    val_get_str(runners, "default") ? val_get_str(runners, "default") :
	    "local";
	if (strcmp(c.runner, "local") != 0 && strcmp(c.runner, "slurm") != 0) {
		fprintf(stderr, "kbgen: check: unknown runner \"%s\"; use "
		    "local or slurm\n", c.runner);
		rc = 2;
		goto out;
	}
	c.rconf = val_get(runners, c.runner);
	if (c.rconf != NULL && c.rconf->type != VAL_MAP)
		c.rconf = NULL;
	chk = val_get(c.kb->site.tree, "check");
	age = val_get_str(chk, "max_age");
	c.max_age = age != NULL ? duration_secs(age) : 7 * 86400;
	if (c.max_age < 0)
		c.max_age = 7 * 86400;
	c.keep_jobs = val_get_str(chk, "keep_jobs") != NULL ?
	    atol(val_get_str(chk, "keep_jobs")) : 3;
	c.keep.max_image = size_of(val_get_str(val_get(c.kb->site.tree,
	    "outputs"), "max_image"));
	if (c.keep.max_image == 0)
		c.keep.max_image = 5LL << 20;
	c.keep.max_total = size_of(val_get_str(val_get(c.kb->site.tree,
	    "outputs"), "max_total"));
	if (c.keep.max_total == 0)
		c.keep.max_total = 50LL << 20;
	c.keep.max_files = 64;
	/*
	 * Slurm nodes run the same sandbox; a site without bubblewrap on
	 * its nodes says sandbox: none (and gets no environments).
	 */
	c.sandbox = 1;
	sb = val_get_str(c.rconf, "sandbox");
	if (sb != NULL && strcmp(sb, "none") == 0)
		c.sandbox = 0;
	else if (strcmp(c.runner, "local") == 0 &&
	    access("/usr/bin/bwrap", X_OK) == -1) {
		fprintf(stderr, "kbgen: check: bubblewrap is not installed "
		    "(apt install bubblewrap): examples run only inside its "
		    "sandbox; set runners: {local: {sandbox: none}} in "
		    "site.yaml to run them without one\n");
		goto out;
	}
	c.pip_index = val_get_str(runners, "pip_index") != NULL ?
	    val_get_str(runners, "pip_index") : "https://pypi.org/simple";
	c.memory = size_of(val_get_str(runners, "memory"));
	if (c.memory == 0)
		c.memory = 4LL << 30;
	c.data_max = size_of(val_get_str(val_get(runners, "data_cache"),
	    "max_size"));
	if (c.data_max == 0)
		c.data_max = 20LL << 30;
	c.gpus = gpupool_new(val_get(c.rconf, "gpus"));
	c.runners = runners_dir(o);
	p = path_join(c.runners, "driver.py");
	c.driver = realpath(p, NULL);
	if (c.driver == NULL)
		c.driver = p;
	else
		free(p);
	if (access(c.driver, R_OK) == -1) {
		fprintf(stderr, "kbgen: check: no job driver at %s\n",
		    c.driver);
		goto out;
	}
	if (access("/usr/bin/python3", X_OK) == -1) {
		fprintf(stderr, "kbgen: check: /usr/bin/python3 is missing "
		    "(apt install python3 python3-nbclient "
		    "python3-ipykernel)\n");
		goto out;
	}
	if (strcmp(c.runner, "slurm") == 0) {
		c.tmpls = tmpl_set_new();
		p = path_join(c.runners, "slurm.sbatch");
		{
			char *text = NULL;
			size_t sz;

			if (!file_read(p, &text, &sz) ||
			    !tmpl_set_add(c.tmpls, "slurm", text, sz, p)) {
				free(text);
				free(p);
				goto out;
			}
			free(text);
		}
		free(p);
	}
	/* Job folders are handed to other programs: absolute paths. */
	if ((p = realpath(o->root, NULL)) == NULL) {
		diag_sys(o->root, "%s", strerror(errno));
		goto out;
	}
	c.cache = path_join(p, ".kbgen");
	free(p);
	if (o->prune) {
		size_t imgs = 0, envs, blobs = 0;
		long long bytes = 0;

		rc = image_prune(c.cache, 0, &imgs) ? 0 : 1;
		envs = env_prune(c.cache, 0);
		if (!o->quiet)
			fprintf(stderr, "kbgen: check --prune: removed %zu "
			    "unpacked image%s and %zu requirement "
			    "environment%s not in use\n", imgs, imgs == 1 ?
			    "" : "s", envs, envs == 1 ? "" : "s");
		/* Kept outputs no use case's last or passing run uses. */
		if ((c.idx = idx_open(c.cache)) == NULL ||
		    !keep_prune(c.idx, c.cache, &blobs, &bytes))
			rc = 1;
		else if (!o->quiet)
			fprintf(stderr, "kbgen: check --prune: removed %zu "
			    "kept output file%s no use case uses (%.1f MiB "
			    "freed)\n", blobs, blobs == 1 ? "" : "s",
			    (double)bytes / (1024.0 * 1024.0));
		goto out;
	}
	if ((c.idx = idx_open(c.cache)) == NULL)
		goto out;
	kb_attach_provenance(c.idx, c.kb);
	/* A requirements file missing at the pinned commit: before any job. */
	kb_check_pinned(c.kb, c.cache);
	if (diag_errors() > 0) {
		fprintf(stderr, "kbgen: fix the content errors first\n");
		goto out;
	}
	if (!select_jobs(&c, argc, argv)) {
		rc = 2;
		goto out;
	}
	if (!gs_init())
		goto out;
	c.fingerprint = runner_fingerprint(&c);

	/*
	 * Runs left "running" by a check that was killed outright are
	 * marked, whichever use cases this check selected.
	 */
	for (i = 0; i < c.kb->ucsz; i++)
		if (c.kb->ucs[i]->example != NULL)
			recover(&c, c.kb->ucs[i]->e.slug);
	c.run = xcalloc(c.jobsz + 1, sizeof(*c.run));
	for (i = 0; i < c.jobsz; i++) {
		j = &c.jobs[i];
		j->rec = val_map();
		val_set_str(j->rec, "slug", j->uc->e.slug);
		val_set_str(j->rec, "runner", c.runner);
		j->last = last_finished(c.idx, j->uc->e.slug);
		if (j->uc->example == NULL) {
			j->skip = 1;
			val_set_str(j->rec, "status", "not executable");
			val_set_str(j->rec, "message", "no example");
			continue;
		}
		j->env = job_env(&c, j->uc);
		if (!make_key(&c, j, &why)) {
			j->skip = 1;
			val_set_str(j->rec, "status", "not run");
			val_set_str(j->rec, "message", why);
			fprintf(stderr, "check: %s: %s\n", j->uc->e.slug, why);
			continue;
		}
		val_set_str(j->rec, "key", j->key);
		val_set_str(j->rec, "commit", val_get_str(j->uc->prov,
		    "commit"));
		if (j->last != NULL && !o->force) {
			const char *lk = val_get_str(j->last, "key");
			const char *ls = val_get_str(j->last, "stamp");
			long long agesec = ls ? (long long)time(NULL) -
			    atoll(ls) : -1;
			const char *lst = val_get_str(j->last, "status");
			/*
			 * Every finished result follows the same rule,
			 * errors too: what made it is in the key.
			 */
			int same = lk != NULL && strcmp(lk, j->key) == 0 &&
			    lst != NULL;

			/* Stamps of quick reruns may run a little ahead. */
			if ((o->changed && same) || (!o->changed && same &&
			    agesec >= -60 && agesec < c.max_age)) {
				j->cached = 1;
				val_free(j->rec);
				j->rec = val_copy(j->last);
				continue;
			}
		}
		c.run[c.torun++] = i;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	c.tty = isatty(STDERR_FILENO);
	c.t0 = mono_secs();
	/*
	 * Jobs at once: --jobs, else runners.RUNNER.jobs, else 2.  Not the
	 * processors: each job is a whole example with its own threads,
	 * memory limit and GPUs, or a Slurm job in a queue.
	 */
	nth = o->jobs > 0 ? o->jobs : c.rconf != NULL &&
	    val_get_str(c.rconf, "jobs") ? atoi(val_get_str(c.rconf,
	    "jobs")) : 2;
	par_for(c.torun, nth < 1 ? 1 : nth, check_one, &c);
	if (c.tty && !o->quiet)
		fputs("\r\033[K", stderr);
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);

	for (i = 0; i < c.jobsz; i++) {
		if (c.jobs[i].regression)
			regressions++;
		if (c.jobs[i].cached)
			cached++;
		if (c.jobs[i].skip)
			skipped++;
	}
	/* What no check has used for check.prune_after (default 30d). */
	{
		const char *pa = val_get_str(chk, "prune_after");
		long age = pa != NULL ? duration_secs(pa) : 30 * 86400L;
		size_t gone = 0;

		if (age > 0) {
			(void)image_prune(c.cache, age, &gone);
			(void)env_prune(c.cache, age);
		}
	}
	/* A sync or check changes pages: the next build must see it. */
	p = utc_text(time(NULL), 0);
	(void)idx_put_meta(c.idx, "checked_at", p);
	free(p);
	items = xcalloc(c.jobsz + 1, sizeof(*items));
	for (i = 0; i < c.jobsz; i++) {
		items[i].slug = c.jobs[i].uc->e.slug;
		items[i].rec = c.jobs[i].rec;
		items[i].cached = c.jobs[i].cached;
		items[i].skip = c.jobs[i].skip;
	}
	d = 1;
	if (o->junit != NULL && !report_junit(o->junit, c.runner, items,
	    c.jobsz))
		d = 0;
	if (o->json != NULL && !report_json(o->json, items, c.jobsz))
		d = 0;
	if (!o->quiet)
		fprintf(stderr, "kbgen: checked %zu example%s in %.1f s: %zu "
		    "passed, %zu failed, %zu interrupted, %zu cached, %zu not "
		    "run%s\n", c.jobsz, c.jobsz == 1 ? "" : "s",
		    mono_secs() - c.t0, c.passed, c.failed, c.stopped, cached,
		    skipped, regressions ? " — REGRESSION" : "");
	if (runner_interrupted())
		rc = 130;
	else
		rc = (o->strict && !report_strict(items, c.jobsz)) ||
		    regressions > 0 || !d ? 1 : 0;
out:
	for (i = 0; i < c.jobsz; i++) {
		free(c.jobs[i].key);
		free(c.jobs[i].keydesc);
		val_free(c.jobs[i].last);
		val_free(c.jobs[i].rec);
	}
	free(c.jobs);
	free(c.run);
	for (i = 0; i < c.envsz; i++) {
		env_clear(c.envs[i]);
		free(c.envs[i]);
	}
	free(c.envs);
	gpupool_free(c.gpus);
	free(items);
	free(c.fingerprint);
	free(c.driver);
	free(c.runners);
	free(c.cache);
	tmpl_set_free(c.tmpls);
	idx_free(c.idx);
	kb_free(c.kb);
	pthread_mutex_destroy(&c.lock);
	return rc;
}
