/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Publishing site/.  A build writes into a folder beside the output,
 * then exchanges it with the output in one renameat2(RENAME_EXCHANGE),
 * so a reader or a failed build never sees half a site.
 *
 * Two trees in turn.  After a swap the previous site is kept as the
 * spare ("site.prev"), its files hard links of the published ones
 * where they are the same; the store records which paths the last
 * build changed.  The next build first makes the spare equal to the
 * published site on those paths only (a link, or an unlink), then
 * writes into it just the files whose bytes hash differently from the
 * published ones (unlinking first: an inode may be shared with the
 * published site, which is never written), unlinks the files no
 * longer made, and swaps.  An unchanged file costs nothing: no link,
 * no write.  While the spare is being changed the store marks it
 * unknown, so a build killed at any point leaves the published site
 * whole and the next build starts from a fresh folder ("site.new-PID",
 * where files whose hashes match are hard-linked from the published
 * site, as --force does after comparing their bytes).
 *
 * This file does not know what a page is; render.c hands it bytes.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "store/store.h"
#include "publish/publish.h"

/* One output recorded during the build. */
struct rec {
	char		*path;	/* relative to the site root, owned */
	uint64_t	 hash;	/* of its bytes */
	size_t		 tag;	/* site_out_tag's when it was put, or 0 */
};

/* A file of the last build, and whether this build makes it again. */
struct old {
	char		*path;	/* relative to the site root, owned */
	uint64_t	 hash;	/* of its bytes */
	int		 seen;	/* put or kept by this build */
};

/* An open-addressing table of the last build's hashes. */
struct oldmap {
	struct old	*slots;	/* owned; path NULL when empty */
	size_t		 cap;	/* power of two */
	size_t		 n;
};

/* A small file of this build, found again by its content. */
struct small {
	uint64_t	 hash;
	size_t		 sz;
	char		*full;	/* its path in the build folder, owned */
};

struct site_out {
	char		*outdir;	/* the published folder, owned */
	char		*newdir;	/* the folder being built, owned */
	char		*sparedir;	/* "OUT.prev", owned */
	int		 spare;	/* newdir is the spare, kept in step */
	struct idx	*idx;	/* borrowed, may be NULL */
	struct oldmap	 old;	/* last build's hashes */
	struct rec	*recs;	/* this build's outputs, owned */
	size_t		 recsz;
	size_t		 reccap;
	size_t		 written;
	size_t		 kept;
	size_t		 removed;
	int		 committed;
	int		 failed;	/* a write failed: the build stops */
	int		 verify;	/* compare old files' bytes before reuse */
	struct small	*smalls;	/* small files written, by content */
	size_t		 smallcap;	/* power of two, 0 when empty */
	size_t		 smallsz;
	pthread_mutex_t	 lock;	/* recs, counters */
};

static size_t
slot_of(const struct oldmap *m, const char *path)
{
	size_t	 i = (size_t)hash64(path, strlen(path), 0) & (m->cap - 1);

	while (m->slots[i].path != NULL && strcmp(m->slots[i].path, path))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
oldmap_put(struct oldmap *m, char *path, uint64_t h)
{
	size_t	 i;

	i = slot_of(m, path);
	if (m->slots[i].path != NULL) {
		free(path);
		m->slots[i].hash = h;
		return;
	}
	m->slots[i].path = path;
	m->slots[i].hash = h;
	m->n++;
}

static int
oldmap_get(const struct oldmap *m, const char *path, uint64_t *h)
{
	size_t	 i;

	if (m->cap == 0)
		return 0;
	i = slot_of(m, path);
	if (m->slots[i].path == NULL)
		return 0;
	*h = m->slots[i].hash;
	return 1;
}

static void
oldmap_free(struct oldmap *m)
{
	size_t	 i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].path);
	free(m->slots);
}

static int
load_old(struct site_out *so)
{
	char		**paths = NULL, *prev = NULL;
	size_t		 n = 0, i;
	uint64_t	 h;
	struct stat	 st;
	int		 rc = 0;

	if (so->idx == NULL || stat(so->outdir, &st) == -1)
		return 1;
	/* Hashes describe the folder they were published to. */
	if (idx_get_meta(so->idx, "outdir", &prev) < 0)
		return 0;
	if (prev == NULL || strcmp(prev, so->outdir) != 0) {
		free(prev);
		return 1;
	}
	free(prev);
	if (!idx_list_outputs(so->idx, &paths, &n))
		return 0;
	so->old.cap = 16;
	while (so->old.cap < n * 2)
		so->old.cap *= 2;
	so->old.slots = xcalloc(so->old.cap, sizeof(struct old));
	for (i = 0; i < n; i++) {
		if (idx_get_output(so->idx, paths[i], &h) == 1)
			oldmap_put(&so->old, paths[i], h);
		else
			free(paths[i]);
	}
	rc = 1;
	free(paths);
	return rc;
}

/*
 * Remove folders "OUT.new-PID" left by builds that were killed: their
 * process is gone.
 */
void
site_out_clean(const char *outdir)
{
	char		*parent, *base, *prefix, *p, *sub;
	const char	*slash;
	DIR		*d;
	struct dirent	*e;
	size_t		 n;
	long		 pid;

	if ((slash = strrchr(outdir, '/')) != NULL) {
		parent = slash == outdir ? xstrdup("/") :
		    xstrndup(outdir, (size_t)(slash - outdir));
		base = xstrdup(slash + 1);
	} else {
		parent = xstrdup(".");
		base = xstrdup(outdir);
	}
	prefix = xasprintf("%s.new-", base);
	n = strlen(prefix);
	if ((d = opendir(parent)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, prefix, n) != 0)
				continue;
			pid = strtol(e->d_name + n, &p, 10);
			if (*p == '\0' && pid > 0 && (kill((pid_t)pid, 0) == 0 ||
			    errno != ESRCH))
				continue;
			sub = path_join(parent, e->d_name);
			(void)rmtree(sub);
			free(sub);
		}
		closedir(d);
	}
	free(prefix);
	free(base);
	free(parent);
}

/* The tag of the outputs this thread puts (site_out_tag). */
static _Thread_local size_t cur_tag;

/*
 * For the tests: with KBGEN_TEST_CRASH set to name, die here as a
 * killed build would, leaving everything as it is at this point.
 */
static void
crash_point(const char *name)
{
	const char	*v = getenv("KBGEN_TEST_CRASH");

	if (v != NULL && strcmp(v, name) == 0) {
		fprintf(stderr, "kbgen: KBGEN_TEST_CRASH: killed at %s\n",
		    name);
		(void)raise(SIGKILL);
	}
}

/*
 * Remove the folders of full, from its parent up to (not including)
 * top, while they are empty.
 */
static void
prune_parents(const char *top, const char *full)
{
	char	*dir, *slash;
	size_t	 topsz = strlen(top);

	dir = xstrdup(full);
	while ((slash = strrchr(dir, '/')) != NULL &&
	    (size_t)(slash - dir) > topsz) {
		*slash = '\0';
		if (rmdir(dir) == -1)
			break;
	}
	free(dir);
}

static int	 make_parent(const char *);
static void	 write_failed(struct site_out *, const char *, int);

/*
 * Make the spare equal to the published site on the paths of list
 * (one a line: what the last build changed): each becomes a link of
 * the published file, or goes.  Returns 0 when a link fails (the
 * spare is then left for a fresh folder).
 */
static int
spare_sync(struct site_out *so, char *list)
{
	char		*p, *nl, *full, *pub;
	uint64_t	 h;
	int		 ok = 1;

	for (p = list; ok && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		full = path_join(so->sparedir, p);
		if (unlink(full) == -1 && errno != ENOENT && errno != ENOTDIR)
			ok = 0;
		else if (oldmap_get(&so->old, p, &h)) {
			pub = path_join(so->outdir, p);
			ok = make_parent(full) == 0 && link(pub, full) == 0;
			free(pub);
		} else
			prune_parents(so->sparedir, full);
		free(full);
	}
	return ok;
}

/*
 * Whether the spare can be brought in step and built into: the store
 * says what it holds (it is the site before the published one, which
 * the store describes too).  The mark goes first, so that a build
 * killed while the spare is changed leaves it unknown.
 */
static int
spare_open(struct site_out *so)
{
	char		*rec = NULL, *nl;
	struct stat	 st;
	int		 ok = 0;

	if (so->idx == NULL || so->old.cap == 0 ||
	    stat(so->sparedir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    idx_get_meta(so->idx, "spare", &rec) != 1)
		goto out;
	if ((nl = strchr(rec, '\n')) == NULL)
		goto out;
	*nl = '\0';
	if (strcmp(rec, so->outdir) != 0)
		goto out;
	if (!idx_put_meta(so->idx, "spare", "-"))
		goto out;
	crash_point("spare-marked");
	ok = spare_sync(so, nl + 1);
	crash_point("spare-synced");
out:
	free(rec);
	return ok;
}

/*
 * See publish/publish.h.  The caller frees with site_out_free.
 */
struct site_out *
site_out_new(const char *outdir, struct idx *idx, int verify)
{
	struct site_out	*so;
	size_t		 n;

	so = xcalloc(1, sizeof(*so));
	so->outdir = xstrdup(outdir);
	n = strlen(so->outdir);
	while (n > 1 && so->outdir[n - 1] == '/')
		so->outdir[--n] = '\0';
	so->sparedir = xasprintf("%s.prev", so->outdir);
	so->idx = idx;
	so->verify = verify;
	pthread_mutex_init(&so->lock, NULL);
	site_out_clean(so->outdir);
	if (!load_old(so)) {
		site_out_free(so);
		return NULL;
	}
	if (!verify && spare_open(so)) {
		so->spare = 1;
		so->newdir = xstrdup(so->sparedir);
		return so;
	}
	so->newdir = xasprintf("%s.new-%ld", so->outdir, (long)getpid());
	(void)rmtree(so->newdir);
	if (!mkdirs(so->newdir)) {
		site_out_free(so);
		return NULL;
	}
	return so;
}

/*
 * See publish/publish.h.
 */
void
site_out_tag(struct site_out *so, size_t tag)
{
	(void)so;
	cur_tag = tag;
}

/*
 * See publish/publish.h.
 */
int
site_out_reusing(const struct site_out *so)
{
	return so->old.cap > 0 && !so->verify;
}

/*
 * The file at path is in this build: it stays (under so->lock, as the
 * flags are read after the threads are done).
 */
static void
mark_seen(struct site_out *so, const char *path)
{
	size_t	 i;

	if (so->old.cap == 0)
		return;
	i = slot_of(&so->old, path);
	if (so->old.slots[i].path != NULL)
		so->old.slots[i].seen = 1;
}

static void
add_rec(struct site_out *so, const char *path, uint64_t h)
{
	mark_seen(so, path);
	if (so->recsz == so->reccap) {
		so->reccap = so->reccap ? so->reccap * 2 : 1024;
		so->recs = xreallocarray(so->recs, so->reccap,
		    sizeof(*so->recs));
	}
	so->recs[so->recsz].path = xstrdup(path);
	so->recs[so->recsz].hash = h;
	so->recs[so->recsz].tag = cur_tag;
	so->recsz++;
}

/*
 * See publish/publish.h.
 */
int
site_out_has(const struct site_out *so, const char *path, uint64_t h)
{
	uint64_t	 prev;

	return site_out_reusing(so) && oldmap_get(&so->old, path, &prev) &&
	    prev == h;
}

/*
 * See publish/publish.h.  In the spare the file is there already; a
 * fresh folder gets a link of the published one.
 */
int
site_out_keep(struct site_out *so, const char *path, uint64_t h)
{
	char	*full, *oldfile;
	int	 err;

	if (!site_out_has(so, path, h))
		return 0;
	if (!so->spare) {
		full = path_join(so->newdir, path);
		oldfile = path_join(so->outdir, path);
		if ((err = make_parent(full)) == 0 &&
		    link(oldfile, full) == -1)
			err = errno;
		if (err != 0)
			write_failed(so, full, err);
		free(oldfile);
		free(full);
		if (err != 0)
			return 0;
	}
	pthread_mutex_lock(&so->lock);
	mark_seen(so, path);
	so->kept++;
	pthread_mutex_unlock(&so->lock);
	return 1;
}

/*
 * See publish/publish.h.
 */
size_t
site_out_nrecs(const struct site_out *so)
{
	return so->recsz;
}

const char *
site_out_rec(const struct site_out *so, size_t i, uint64_t *h, size_t *tag)
{
	*h = so->recs[i].hash;
	*tag = so->recs[i].tag;
	return so->recs[i].path;
}

/*
 * Create the folder of a file about to be written.  Most pages go into
 * a folder of their own below an existing one: one mkdir does.
 * Returns 0 or the errno of the failure, which the caller reports.
 */
static int
make_parent(const char *full)
{
	char	*dir, *slash, *s;
	int	 err = 0;

	dir = xstrdup(full);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			/* Each folder on the way, from the top. */
			for (s = dir + 1; err == 0 && *s != '\0'; s++) {
				if (*s != '/')
					continue;
				*s = '\0';
				if (mkdir(dir, 0755) == -1 && errno != EEXIST)
					err = errno;
				*s = '/';
			}
			if (err == 0 && mkdir(dir, 0755) == -1 &&
			    errno != EEXIST)
				err = errno;
		}
	}
	free(dir);
	return err;
}

/*
 * Write a new file of the build folder.  Nobody reads that folder
 * before the swap, so no temporary file and rename are needed.
 * Returns 0 or the errno of the failure, which the caller reports.
 */
static int
write_new(const char *path, const char *data, size_t sz)
{
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, err;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return errno;
	while (off < sz) {
		if ((n = write(fd, data + off, sz - off)) < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			close(fd);
			return err;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1)
		return errno;
	return 0;
}

/*
 * A write of the build failed (a full disk, a file size limit): report
 * the first one only and mark the build failed, so that every later
 * site_out_put gives up at once instead of printing one line per file
 * (thousands when a disk fills).
 */
static void
write_failed(struct site_out *so, const char *full, int err)
{
	int	 first;

	pthread_mutex_lock(&so->lock);
	first = !so->failed;
	so->failed = 1;
	pthread_mutex_unlock(&so->lock);
	if (first)
		diag_sys(full, "cannot write: %s", strerror(err));
}

/*
 * See publish/publish.h.
 */
int
site_out_failed(struct site_out *so)
{
	int	 failed;

	pthread_mutex_lock(&so->lock);
	failed = so->failed;
	pthread_mutex_unlock(&so->lock);
	return failed;
}

/*
 * Whether the file at path holds exactly data: a hand-edited or
 * damaged old file is then written anew rather than reused.  A file
 * that cannot be read is simply not the same; nothing is reported (nor
 * counted), as the new one is written instead.
 */
static int
same_bytes(const char *path, const char *data, size_t sz)
{
	struct stat	 st;
	char		 chunk[65536];
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, same = 0;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != sz)
		goto out;
	while (off < sz) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (size_t)n > sz - off ||
		    memcmp(chunk, data + off, (size_t)n) != 0)
			goto out;
		off += (size_t)n;
	}
	/* Nothing more: the file did not grow meanwhile. */
	same = read(fd, chunk, 1) == 0;
out:
	close(fd);
	return same;
}

#define SMALL_MAX	4096	/* bytes: files shared by content up to this */

/*
 * The path of a small file of this build with the given content hash
 * and size (a new string), or NULL.
 */
static char *
small_find(struct site_out *so, uint64_t h, size_t sz)
{
	char	*res = NULL;
	size_t	 i;

	pthread_mutex_lock(&so->lock);
	if (so->smallcap > 0)
		for (i = (size_t)h & (so->smallcap - 1);
		    so->smalls[i].full != NULL; i = (i + 1) & (so->smallcap - 1))
			if (so->smalls[i].hash == h && so->smalls[i].sz == sz) {
				res = xstrdup(so->smalls[i].full);
				break;
			}
	pthread_mutex_unlock(&so->lock);
	return res;
}

static void
small_add(struct site_out *so, uint64_t h, size_t sz, const char *full)
{
	struct small	*old;
	size_t		 oldcap, i, k;

	pthread_mutex_lock(&so->lock);
	if (2 * (so->smallsz + 1) > so->smallcap) {
		old = so->smalls;
		oldcap = so->smallcap;
		so->smallcap = oldcap ? oldcap * 2 : 256;
		so->smalls = xcalloc(so->smallcap, sizeof(*so->smalls));
		for (i = 0; i < oldcap; i++) {
			if (old[i].full == NULL)
				continue;
			for (k = (size_t)old[i].hash & (so->smallcap - 1);
			    so->smalls[k].full != NULL;
			    k = (k + 1) & (so->smallcap - 1))
				continue;
			so->smalls[k] = old[i];
		}
		free(old);
	}
	for (i = (size_t)h & (so->smallcap - 1); so->smalls[i].full != NULL;
	    i = (i + 1) & (so->smallcap - 1))
		if (so->smalls[i].hash == h && so->smalls[i].sz == sz) {
			pthread_mutex_unlock(&so->lock);
			return;
		}
	so->smalls[i].hash = h;
	so->smalls[i].sz = sz;
	so->smalls[i].full = xstrdup(full);
	so->smallsz++;
	pthread_mutex_unlock(&so->lock);
}

/*
 * See publish/publish.h.
 */
int
site_out_put(struct site_out *so, const char *path, const char *data,
    size_t sz)
{
	char		*full, *oldfile, *twin;
	uint64_t	 h, prev;
	int		 rc = 0, linked = 0, dup = 0, err;

	if (site_out_failed(so))
		return 0;
	h = hash64(data, sz, 0);
	full = path_join(so->newdir, path);
	/* The spare holds the published file already. */
	if (so->spare && oldmap_get(&so->old, path, &prev) && prev == h) {
		linked = 1;
		goto done;
	}
	if ((err = make_parent(full)) != 0) {
		write_failed(so, full, err);
		goto out;
	}
	/* Its inode may be the published file's too: never write it. */
	if (so->spare && unlink(full) == -1 && errno != ENOENT) {
		write_failed(so, full, errno);
		goto out;
	}
	if (!so->spare && oldmap_get(&so->old, path, &prev) && prev == h) {
		oldfile = path_join(so->outdir, path);
		if (!so->verify || same_bytes(oldfile, data, sz))
			linked = link(oldfile, full) == 0;
		free(oldfile);
	}
	if (!linked && sz <= SMALL_MAX && (twin = small_find(so, h, sz)) !=
	    NULL) {
		/* Badges and the like repeat: one inode serves them all. */
		dup = link(twin, full) == 0;
		free(twin);
	}
	if (!linked && !dup) {
		if ((err = write_new(full, data, sz)) != 0) {
			write_failed(so, full, err);
			goto out;
		}
		if (sz <= SMALL_MAX)
			small_add(so, h, sz, full);
	}
done:
	pthread_mutex_lock(&so->lock);
	add_rec(so, path, h);
	if (linked)
		so->kept++;
	else
		so->written++;
	pthread_mutex_unlock(&so->lock);
	rc = 1;
out:
	free(full);
	return rc;
}

/*
 * See publish/publish.h.  Files are read whole; assets are small.
 */
int
site_out_copy_dir(struct site_out *so, const char *dir, const char *prefix)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		*sub, *rel, *data;
	size_t		 sz;
	int		 rc = 1;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 1;
		diag_sys(dir, "%s", strerror(errno));
		return 0;
	}
	while ((e = readdir(d)) != NULL && !site_out_failed(so)) {
		if (e->d_name[0] == '.')
			continue;
		sub = path_join(dir, e->d_name);
		rel = *prefix ? path_join(prefix, e->d_name) :
		    xstrdup(e->d_name);
		if (stat(sub, &st) == -1) {
			diag_sys(sub, "%s", strerror(errno));
			rc = 0;
		} else if (S_ISDIR(st.st_mode)) {
			if (!site_out_copy_dir(so, sub, rel))
				rc = 0;
		} else if (file_read(sub, &data, &sz)) {
			if (!site_out_put(so, rel, data, sz))
				rc = 0;
			free(data);
		} else
			rc = 0;
		free(sub);
		free(rel);
	}
	closedir(d);
	return rc && !site_out_failed(so);
}

/*
 * Record the published files' hashes and, when the site before is kept
 * as the spare, the paths where the two differ: the files this build
 * put with other bytes, and those it neither put nor kept.  What it
 * kept costs nothing here.
 */
static int
record(struct site_out *so, int spare)
{
	struct buf	 changed = { NULL, 0, 0 };
	size_t		 i;

	if (so->idx == NULL)
		return 1;
	buf_printf(&changed, "%s\n", so->outdir);
	if (!idx_begin(so->idx))
		return 0;
	for (i = 0; i < so->recsz; i++) {
		uint64_t prev;

		if (oldmap_get(&so->old, so->recs[i].path, &prev) &&
		    prev == so->recs[i].hash)
			continue;
		buf_printf(&changed, "%s\n", so->recs[i].path);
		if (!idx_put_output(so->idx, so->recs[i].path,
		    so->recs[i].hash))
			goto fail;
	}
	for (i = 0; i < so->old.cap; i++) {
		if (so->old.slots[i].path == NULL || so->old.slots[i].seen)
			continue;
		buf_printf(&changed, "%s\n", so->old.slots[i].path);
		if (idx_del_output(so->idx, so->old.slots[i].path) < 0)
			goto fail;
		so->removed++;
	}
	if (!idx_put_meta(so->idx, "outdir", so->outdir) ||
	    !idx_put_meta(so->idx, "spare", spare ? buf_cstr(&changed) : "-"))
		goto fail;
	buf_free(&changed);
	return idx_commit(so->idx);
fail:
	buf_free(&changed);
	idx_abort(so->idx);
	return 0;
}

/*
 * Unlink from the spare the published files this build no longer
 * makes: neither put nor kept.
 */
static void
spare_drop(struct site_out *so)
{
	char		*full;
	size_t		 i;

	for (i = 0; i < so->old.cap; i++) {
		if (so->old.slots[i].path == NULL || so->old.slots[i].seen)
			continue;
		full = path_join(so->newdir, so->old.slots[i].path);
		if (unlink(full) == 0)
			prune_parents(so->newdir, full);
		free(full);
	}
}

/*
 * See publish/publish.h.
 */
int
site_out_commit(struct site_out *so)
{
	struct stat	 st;
	int		 spare = 0;

	crash_point("written");
	if (so->spare)
		spare_drop(so);
	/*
	 * From the swap until the new hashes and prints are recorded,
	 * the store must not describe the folder: a build killed in
	 * between leaves a site the next build knows nothing of, and so
	 * renders whole (the same bytes are still kept, by comparison).
	 */
	if (so->idx != NULL && (!idx_put_meta(so->idx, "outdir", "-") ||
	    !idx_put_meta(so->idx, "fingerprint", "-") ||
	    !idx_put_meta(so->idx, "contentprint", "-") ||
	    !idx_put_meta(so->idx, "spare", "-")))
		return 0;
	/* A spare nobody can vouch for goes before the swap. */
	if (!so->spare)
		(void)rmtree(so->sparedir);
	crash_point("before-swap");
	if (stat(so->outdir, &st) == 0) {
		if (renameat2(AT_FDCWD, so->newdir, AT_FDCWD, so->outdir,
		    RENAME_EXCHANGE) == -1) {
			diag_sys(so->outdir, "cannot publish: %s",
			    strerror(errno));
			return 0;
		}
		crash_point("after-swap");
		/*
		 * newdir now holds the previous site: it is the spare
		 * when the store described it and no file of it is in
		 * doubt (--force compares bytes because some may be).
		 */
		if (so->spare)
			spare = 1;
		else if (so->old.cap > 0 && !so->verify &&
		    rename(so->newdir, so->sparedir) == 0)
			spare = 1;
		else
			(void)rmtree(so->newdir);
	} else if (rename(so->newdir, so->outdir) == -1) {
		diag_sys(so->outdir, "cannot publish: %s", strerror(errno));
		return 0;
	}
	so->committed = 1;
	return record(so, spare);
}

void
site_out_counts(const struct site_out *so, size_t *written, size_t *kept,
    size_t *removed)
{
	*written = so->written;
	*kept = so->kept;
	*removed = so->removed;
}

void
site_out_free(struct site_out *so)
{
	size_t	 i;

	if (so == NULL)
		return;
	/* A spare left unfinished is marked unknown in the store. */
	if (!so->committed && !so->spare)
		(void)rmtree(so->newdir);
	for (i = 0; i < so->recsz; i++)
		free(so->recs[i].path);
	free(so->recs);
	oldmap_free(&so->old);
	for (i = 0; i < so->smallcap; i++)
		free(so->smalls[i].full);
	free(so->smalls);
	pthread_mutex_destroy(&so->lock);
	free(so->newdir);
	free(so->sparedir);
	free(so->outdir);
	free(so);
}
