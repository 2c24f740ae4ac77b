/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What a build knows of its input files without reading them: per
 * path, the file's identity (device, inode, size, modification and
 * change times) when it was last read, and the hash of its bytes then.
 * A later build that finds the same identity takes the hash from here
 * (and model/content.c its parsed front matter, the "fm" records)
 * instead of reading the file, as git's index does.
 *
 * A change to a file moves its change time, which no program can set
 * back; but times are coarse (a clock tick, or more on some file
 * systems), so a file changed again within a tick of its last reading
 * could keep its identity.  So, as git treats a "racily clean" entry, a
 * record is trusted only when the file's change time lies more than
 * RACY seconds before the build that read it began; a file changed
 * just before a build is read again by the next one.
 *
 * The records live in the store's "files" database (store/index.c);
 * lookups read it from any thread, notes are gathered under a lock and
 * written in one transaction by fc_save.  What this build hashed
 * itself (fc_file_hash) it remembers in memory, so that a file is
 * looked up or read once per build: fc_file_hash runs on one thread,
 * while no lookup does.  This file reads no content
 * format; it only hashes bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"
#include "store/store.h"

#define RACY	2	/* seconds: see above */

/* A record: the identity, the hash, the time its reading began. */
struct frec {
	uint64_t	 dev, ino, size, mtime, ctime;
	uint64_t	 hash;
	uint64_t	 seen;
};

struct fnote {
	char		*path;
	struct frec	 r;
};

/* A file hashed by this build (fc_file_hash), by path. */
struct fmemo {
	char		*path;	/* NULL: a free slot */
	struct frec	 r;
};

struct fcache {
	struct idx	*idx;
	char		*top;	/* paths below it are kept as below it */
	struct fmemo	*memo;	/* open addressing, memocap a power of 2 */
	size_t		 memosz, memocap;
	uint64_t	 stamp;
	uint64_t	 start;	/* the build began, ns since the epoch */
	pthread_mutex_t	 lock;
	struct fnote	*notes;
	size_t		 notesz, notecap;
	size_t		 hashed, read;	/* by fc_file_hash */
};

static uint64_t
ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static void
ident(struct frec *r, const struct stat *st)
{
	r->dev = (uint64_t)st->st_dev;
	r->ino = (uint64_t)st->st_ino;
	r->size = (uint64_t)st->st_size;
	r->mtime = ns(&st->st_mtim);
	r->ctime = ns(&st->st_ctim);
}

/*
 * See store/store.h.
 */
struct fcache *
fc_new(struct idx *idx, uint64_t stamp, const char *top)
{
	struct fcache	*fc = xcalloc(1, sizeof(*fc));
	struct timespec	 now;

	fc->idx = idx;
	fc->top = xstrdup(top);
	fc->stamp = stamp;
	clock_gettime(CLOCK_REALTIME, &now);
	fc->start = ns(&now);
	pthread_mutex_init(&fc->lock, NULL);
	return fc;
}

uint64_t
fc_stamp(const struct fcache *fc)
{
	return fc->stamp;
}

struct idx *
fc_idx(const struct fcache *fc)
{
	return fc->idx;
}

/*
 * The key of path in the store: below top when it is (so that "kbgen
 * -C DIR" and a build in DIR share it), else as it is.
 */
static const char *
fkey(const struct fcache *fc, const char *path)
{
	size_t	 n = strlen(fc->top);

	if (strncmp(path, fc->top, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Whether a and b name the same file, unchanged. */
static int
same_ident(const struct frec *a, const struct frec *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime == b->mtime && a->ctime == b->ctime;
}

static struct fmemo *
memo_slot(const struct fcache *fc, const char *path)
{
	size_t	 i;

	i = (size_t)hash64(path, strlen(path), 0) & (fc->memocap - 1);
	while (fc->memo[i].path != NULL && strcmp(fc->memo[i].path, path) != 0)
		i = (i + 1) & (fc->memocap - 1);
	return &fc->memo[i];
}

static void
memo_put(struct fcache *fc, const char *path, const struct frec *r)
{
	struct fmemo	*old = fc->memo, *m;
	size_t		 oldcap = fc->memocap, i;

	if (2 * (fc->memosz + 1) > fc->memocap) {
		fc->memocap = oldcap ? oldcap * 2 : 1024;
		fc->memo = xcalloc(fc->memocap, sizeof(*fc->memo));
		for (i = 0; i < oldcap; i++)
			if (old[i].path != NULL)
				*memo_slot(fc, old[i].path) = old[i];
		free(old);
	}
	m = memo_slot(fc, path);
	if (m->path == NULL) {
		m->path = xstrdup(path);
		fc->memosz++;
	}
	m->r = *r;
}

/*
 * See store/store.h.
 */
int
fc_lookup(struct fcache *fc, const char *path, const struct stat *st,
    uint64_t *hash)
{
	struct frec	 want, r;
	struct fmemo	*m;
	char		*rec = NULL;
	size_t		 recsz = 0;
	int		 hit;

	if (fc == NULL)
		return 0;
	ident(&want, st);
	/* Hashed by this build: as true as a reading can be. */
	if (fc->memocap > 0 && (m = memo_slot(fc, path))->path != NULL) {
		r = m->r;
		if ((hit = same_ident(&r, &want)))
			*hash = r.hash;
		return hit;
	}
	if (idx_get_rec(fc->idx, "files", fkey(fc, path), &rec, &recsz) != 1)
		return 0;
	hit = recsz == sizeof(r);
	if (hit) {
		memcpy(&r, rec, sizeof(r));
		hit = same_ident(&r, &want) &&
		    r.ctime + (uint64_t)RACY * 1000000000u < r.seen;
		if (hit)
			*hash = r.hash;
	}
	free(rec);
	return hit;
}

/*
 * See store/store.h.
 */
void
fc_note(struct fcache *fc, const char *path, const struct stat *st,
    uint64_t hash)
{
	struct fnote	*n;

	if (fc == NULL)
		return;
	pthread_mutex_lock(&fc->lock);
	if (fc->notesz == fc->notecap) {
		fc->notecap = fc->notecap ? fc->notecap * 2 : 64;
		fc->notes = xreallocarray(fc->notes, fc->notecap,
		    sizeof(*fc->notes));
	}
	n = &fc->notes[fc->notesz++];
	n->path = xstrdup(fkey(fc, path));
	ident(&n->r, st);
	n->r.hash = hash;
	n->r.seen = fc->start;
	pthread_mutex_unlock(&fc->lock);
}

/*
 * See store/store.h.
 */
int
fc_file_hash(struct fcache *fc, const char *path, const struct stat *st,
    uint64_t *hash)
{
	struct frec	 r;
	char		*data;
	size_t		 sz;

	if (fc != NULL)
		fc->hashed++;
	if (fc_lookup(fc, path, st, hash))
		goto memo;
	if (!file_read(path, &data, &sz))
		return 0;
	if (fc != NULL)
		fc->read++;
	*hash = hash64(data, sz, 0);
	free(data);
	fc_note(fc, path, st, *hash);
memo:
	if (fc != NULL) {
		ident(&r, st);
		r.hash = *hash;
		r.seen = fc->start;
		memo_put(fc, path, &r);
	}
	return 1;
}

void
fc_counts(const struct fcache *fc, size_t *read, size_t *hashed)
{
	*read = fc->read;
	*hashed = fc->hashed;
}

/*
 * See store/store.h.
 */
int
fc_save(struct fcache *fc)
{
	size_t	 i;
	int	 ok = 1;

	if (fc == NULL || fc->notesz == 0)
		return 1;
	if (!idx_begin(fc->idx))
		return 0;
	for (i = 0; ok && i < fc->notesz; i++)
		ok = idx_put_rec(fc->idx, "files", fc->notes[i].path,
		    (const char *)&fc->notes[i].r, sizeof(fc->notes[i].r));
	if (!ok) {
		idx_abort(fc->idx);
		return 0;
	}
	for (i = 0; i < fc->notesz; i++)
		free(fc->notes[i].path);
	fc->notesz = 0;
	return idx_commit(fc->idx);
}

void
fc_free(struct fcache *fc)
{
	size_t	 i;

	if (fc == NULL)
		return;
	for (i = 0; i < fc->notesz; i++)
		free(fc->notes[i].path);
	free(fc->notes);
	for (i = 0; i < fc->memocap; i++)
		free(fc->memo[i].path);
	free(fc->memo);
	free(fc->top);
	pthread_mutex_destroy(&fc->lock);
	free(fc);
}
