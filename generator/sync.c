/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen sync: collect the repository of every use case into the cache
 * (one bare clone per URL, several fetched at once), pin each use
 * case's ref to a commit, and record what is there (provenance) in
 * LMDB.  A failure never loses what was known: the last good record is
 * kept, with the error and the date since which the repository is
 * unreachable.  The git work itself is gitsync.c's.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "git/git.h"
#include "model/model.h"
#include "cmd.h"

struct syncer;

/* One repository URL and the use cases that point at it. */
struct srepo {
	const char	 *url;	/* borrowed from the content */
	char		 *dir;	/* bare clone, owned */
	struct usecase	**ucs;	/* owned array of borrowed use cases */
	size_t		  ucsz;
	int		  fetched;	/* fetch succeeded (or offline) */
	char		 *err;	/* fetch error, owned, may be NULL */
	double		  secs;	/* fetch time */
	size_t		  bytes;	/* received so far */
	struct syncer	 *s;	/* back pointer for progress */
};

struct syncer {
	struct srepo	*repos;
	size_t		 reposz;
	size_t		 done;
	const char	*token;	/* KBGEN_GIT_TOKEN, may be NULL */
	int		 offline;
	int		 tty;	/* stderr is a terminal: live line */
	int		 quiet;
	double		 t0;
	size_t		 bytes;	/* received by the current fetches */
	const char	*current;	/* URL shown on the live line */
	pthread_mutex_t	 lock;
};

static void
live_line(struct syncer *s)
{
	double	 el = mono_secs() - s->t0, rate, eta;

	if (!s->tty || s->quiet)
		return;
	rate = el > 0 ? (double)s->bytes / el : 0;
	eta = s->done > 0 ? el / (double)s->done *
	    (double)(s->reposz - s->done) : 0;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s  %.1f MB/s  ETA %.0fs",
	    s->done, s->reposz, s->current ? s->current : "",
	    rate / 1e6, eta);
}

static void
on_progress(void *arg, size_t objs, size_t total, size_t bytes)
{
	struct srepo	*r = arg;
	struct syncer	*s = r->s;

	(void)objs;
	(void)total;
	pthread_mutex_lock(&s->lock);
	if (bytes > r->bytes)
		s->bytes += bytes - r->bytes;
	r->bytes = bytes;
	live_line(s);
	pthread_mutex_unlock(&s->lock);
}

/* Fetch repository i, on a worker of par_for. */
static void
fetch_one(void *arg, size_t i)
{
	struct syncer	*s = arg;
	struct srepo	*r = &s->repos[i];
	double		 t;

	pthread_mutex_lock(&s->lock);
	s->current = r->url;
	live_line(s);
	pthread_mutex_unlock(&s->lock);
	t = mono_secs();
	if (s->offline) {
		r->fetched = access(r->dir, F_OK) == 0;
		if (!r->fetched)
			r->err = xstrdup("not collected yet (--offline)");
	} else
		r->fetched = gs_fetch(r->dir, r->url, s->token, on_progress,
		    r, &r->err);
	r->secs = mono_secs() - t;
	pthread_mutex_lock(&s->lock);
	s->done++;
	if (s->tty && !s->quiet)
		fputs("\r\033[K", stderr);
	if (!s->quiet || !r->fetched) {
		if (r->fetched)
			fprintf(stderr, "sync: [%zu/%zu] %s: %s (%.2f s)\n",
			    s->done, s->reposz, r->url, s->offline ?
			    "cached" : "fetched", r->secs);
		else
			fprintf(stderr, "sync: [%zu/%zu] warning: %s\n",
			    s->done, s->reposz, r->err);
	}
	live_line(s);
	pthread_mutex_unlock(&s->lock);
}

static struct val *
load_prov(struct idx *idx, const char *slug)
{
	char		*rec = NULL;
	size_t		 sz;
	struct val	*v;

	if (idx_get_rec(idx, "provenance", slug, &rec, &sz) != 1)
		return NULL;
	v = json_parse(rec, sz);
	free(rec);
	if (v != NULL && v->type != VAL_MAP) {
		val_free(v);
		v = NULL;
	}
	return v;
}

static int
save_prov(struct idx *idx, const char *slug, const struct val *v)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 rc;

	val_json(&b, v, 0);
	rc = idx_put_rec(idx, "provenance", slug, b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * Keep the last good record, add the error and the date since which
 * the repository has been failing.  A new record when none was known.
 */
static struct val *
failed(struct val *old, const char *url, const char *err,
    const char *today)
{
	struct val	*v = old != NULL ? old : val_map();

	if (old == NULL)
		val_set_str(v, "url", url);
	val_set_str(v, "error", err);
	if (val_get_str(v, "unreachable_since") == NULL)
		val_set_str(v, "unreachable_since", today);
	return v;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A copy of old's string member key, or null. */
static struct val *
keep(const struct val *old, const char *key)
{
	const char	*s = val_get_str(old, key);

	return s != NULL ? val_str(s) : val_new(VAL_NULL);
}

/*
 * Describe one use case after its repository was fetched (or not),
 * merging with what was known.  Returns 1 ok, 0 warning, -1 error.
 */
static int
sync_usecase(struct idx *idx, const struct srepo *r, struct usecase *uc,
    const char *now, const char *today, int quiet)
{
	const char	*ref, *subdir, *oldc, *newc;
	struct val	*old, *rec = NULL, *v;
	char		*err = NULL, *msg = NULL;
	int		 res = 1, d;

	ref = val_get_str(uc->repository, "ref");
	subdir = val_get_str(uc->repository, "subdir");
	old = load_prov(idx, uc->e.slug);
	/* A record for another URL is not the last good one of this. */
	if (old != NULL && val_get_str(old, "url") != NULL &&
	    strcmp(val_get_str(old, "url"), r->url) != 0) {
		val_free(old);
		old = NULL;
	}
	if (!r->fetched) {
		rec = failed(old, r->url, r->err, today);
		old = NULL;
		res = 0;
		goto out;
	}
	rec = val_map();
	if (!gs_inspect(r->dir, ref, subdir, uc->example, rec, &err)) {
		val_free(rec);
		rec = failed(old, r->url, err, today);
		old = NULL;
		res = 0;
		goto out;
	}
	oldc = old != NULL ? val_get_str(old, "commit") : NULL;
	newc = val_get_str(rec, "commit");
	/*
	 * Only a ref that still names the same thing can have had its
	 * history rewritten; an entry whose ref was edited moves on.
	 */
	if (oldc != NULL && newc != NULL && strcmp(oldc, newc) != 0 &&
	    same_str(ref, old != NULL ? val_get_str(old, "ref") : NULL) &&
	    (d = gs_descends(r->dir, oldc, newc)) == 0) {
		msg = xasprintf("history rewritten: the pinned commit %.12s "
		    "is no longer an ancestor of %s (%.12s); keeping it "
		    "until the entry's ref is updated", oldc,
		    ref ? ref : "HEAD", newc);
		val_free(rec);
		rec = old;
		old = NULL;
		val_set_str(rec, "error", msg);
		res = 0;
		goto out;
	}
	val_set_str(rec, "url", r->url);
	val_set(rec, "ref", ref ? val_str(ref) : val_new(VAL_NULL));
	val_set(rec, "subdir", subdir ? val_str(subdir) :
	    val_new(VAL_NULL));
	val_set(rec, "example", uc->example ? val_str(uc->example) :
	    val_new(VAL_NULL));
	if (r->s->offline && old != NULL) {
		/* Nothing was fetched: what the last fetch said stands. */
		val_set(rec, "fetched_at", keep(old, "fetched_at"));
		val_set(rec, "error", keep(old, "error"));
		val_set(rec, "unreachable_since", keep(old,
		    "unreachable_since"));
		if (val_get_str(old, "error") != NULL)
			res = 0;
	} else {
		val_set_str(rec, "fetched_at", now);
		val_set(rec, "error", val_new(VAL_NULL));
		val_set(rec, "unreachable_since", val_new(VAL_NULL));
	}
	if (subdir != NULL && (v = val_get(rec, "subdir_exists")) != NULL &&
	    !v->b) {
		msg = xasprintf("subdir \"%s\" does not exist at commit "
		    "%.12s", subdir, newc);
		val_set_str(rec, "error", msg);
		res = -1;
	} else if (uc->example != NULL &&
	    (v = val_get(rec, "example_exists")) != NULL && !v->b) {
		msg = xasprintf("example \"%s\" does not exist at commit "
		    "%.12s", uc->example, newc);
		val_set_str(rec, "error", msg);
		res = -1;
	}
out:
	if (res < 0)
		diag_err(uc->e.path, 0, 0, "%s", msg);
	else if (res == 0 && !quiet)
		fprintf(stderr, "%s: warning: %s\n", uc->e.path,
		    val_get_str(rec, "error"));
	if (!save_prov(idx, uc->e.slug, rec))
		res = -1;
	val_free(rec);
	val_free(old);
	free(err);
	free(msg);
	return res;
}

/*
 * kbgen sync [SLUG...].
 */
int
cmd_sync(const struct opts *o, int argc, char **argv)
{
	struct kb	*kb = NULL;
	struct idx	*idx = NULL;
	struct syncer	 s;
	struct usecase	**sel = NULL, *uc;
	char		*cache = NULL, *now = NULL, *today = NULL;
	size_t		 i, j, nsel = 0, warn = 0, errs = 0, ok = 0;
	int		 rc = 1, r;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	kb = kb_load(o->root, 0, 2);
	if (kb == NULL || diag_errors() > 0) {
		fprintf(stderr, "kbgen: fix the content errors first\n");
		goto out;
	}
	sel = xcalloc(kb->ucsz + 1, sizeof(*sel));
	if (argc > 0) {
		for (i = 0; i < (size_t)argc; i++) {
			if ((uc = kb_usecase(kb, argv[i])) == NULL) {
				fprintf(stderr, "kbgen: sync: no use case "
				    "\"%s\"\n", argv[i]);
				rc = 2;
				goto out;
			}
			if (uc->repository == NULL) {
				fprintf(stderr, "kbgen: sync: use case \"%s\" "
				    "has no repository\n", argv[i]);
				rc = 2;
				goto out;
			}
			for (j = 0; j < nsel && sel[j] != uc; j++)
				continue;
			if (j == nsel)
				sel[nsel++] = uc;
		}
	} else
		for (i = 0; i < kb->ucsz; i++)
			if (kb->ucs[i]->repository != NULL &&
			    val_get_str(kb->ucs[i]->repository, "url"))
				sel[nsel++] = kb->ucs[i];

	cache = path_join(o->root, ".kbgen");
	if ((idx = idx_open(cache)) == NULL)
		goto out;

	/* One repository per URL, shared by its use cases. */
	for (i = 0; i < nsel; i++) {
		const char *url = val_get_str(sel[i]->repository, "url");

		for (j = 0; j < s.reposz; j++)
			if (strcmp(s.repos[j].url, url) == 0)
				break;
		if (j == s.reposz) {
			s.repos = xreallocarray(s.repos, s.reposz + 1,
			    sizeof(*s.repos));
			memset(&s.repos[j], 0, sizeof(s.repos[j]));
			s.repos[j].url = url;
			s.repos[j].dir = repo_cache_dir(cache, url);
			s.repos[j].s = &s;
			s.reposz++;
		}
		s.repos[j].ucs = xreallocarray(s.repos[j].ucs,
		    s.repos[j].ucsz + 1, sizeof(*s.repos[j].ucs));
		s.repos[j].ucs[s.repos[j].ucsz++] = sel[i];
	}
	if (s.reposz == 0) {
		if (!o->quiet)
			fprintf(stderr, "kbgen: no use case has a "
			    "repository; nothing to sync\n");
		rc = 0;
		goto out;
	}
	s.token = getenv("KBGEN_GIT_TOKEN");
	if (s.token != NULL && *s.token == '\0')
		s.token = NULL;
	s.offline = o->offline;
	s.tty = isatty(STDERR_FILENO);
	s.quiet = o->quiet;
	s.t0 = mono_secs();
	if (!gs_init())
		goto out;
	/*
	 * Fetches wait on the network, not on the processors: 4 at once
	 * by default, whatever the machine, so that a sync does not open
	 * a connection per processor to one git host.
	 */
	par_for(s.reposz, o->jobs > 0 ? o->jobs : 4, fetch_one, &s);
	if (s.tty && !s.quiet)
		fputs("\r\033[K", stderr);

	/* When this sync happened: the real clock (see clock_read). */
	now = utc_text(o->now.record, 0);
	today = utc_text(o->now.record, 1);
	for (i = 0; i < s.reposz; i++)
		for (j = 0; j < s.repos[i].ucsz; j++) {
			r = sync_usecase(idx, &s.repos[i], s.repos[i].ucs[j],
			    now, today, o->quiet);
			if (r > 0)
				ok++;
			else if (r == 0)
				warn++;
			else
				errs++;
		}
	(void)idx_put_meta(idx, "synced_at", now);
	gs_shutdown();
	if (!o->quiet)
		fprintf(stderr, "kbgen: synced %zu repositor%s for %zu use "
		    "case%s in %.2f s: %zu ok, %zu warning%s, %zu error%s\n",
		    s.reposz, s.reposz == 1 ? "y" : "ies", nsel,
		    nsel == 1 ? "" : "s", mono_secs() - s.t0, ok, warn,
		    warn == 1 ? "" : "s", errs, errs == 1 ? "" : "s");
	rc = errs > 0 || (o->strict && warn > 0) ? 1 : 0;
out:
	for (i = 0; i < s.reposz; i++) {
		free(s.repos[i].dir);
		free(s.repos[i].ucs);
		free(s.repos[i].err);
	}
	free(s.repos);
	pthread_mutex_destroy(&s.lock);
	free(sel);
	free(now);
	free(today);
	free(cache);
	idx_free(idx);
	kb_free(kb);
	return rc;
}
