/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The inputs of a build as files: one walk of the content and theme
 * folders (ftree_scan) that lists every name below them, in order,
 * with what lstat and stat say, and the fingerprints build.c compares
 * with the last build's, all from that one list:
 *
 *   by identity   names, and per file its size, time and inode: "did
 *                 anything change at all?" (no file is read);
 *   by bytes      names, and per file the hash of its bytes, from the
 *                 file cache (store/fcache.c) where it holds the file
 *                 unchanged: "did anything change but times?";
 *   by bytes, but some files by name only (the caller hashes those
 *                 its own way: the entries, from the model).
 *
 * A link is hashed as its text and what it names, but a linked folder
 * is not entered (the content walk refuses those that leave the
 * knowledge base, and one may loop); only regular files are read,
 * never a FIFO.  The content walk (content.c) takes each folder's
 * entries from the same list (ftree_children) rather than asking the
 * file system again.  This file does not know what a content file is.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "store/store.h"
#include "model/model.h"

struct fnode {
	char		*path;
	char		*link;	/* a link's text, or NULL */
	size_t		 linksz;
	struct stat	 st;	/* what it names; st_mode 0: hashed by
				   its link text only */
	size_t		 end;	/* one past its last node below it */
	int		 islink;
	const char	*name;	/* its last part, in path */
};

/* A folder given to ftree_scan, and its nodes [first, end). */
struct froot {
	char		*path;
	size_t		 first, end;
};

struct ftree {
	struct fnode	*n;
	size_t		 nsz, ncap;
	struct froot	*r;
	size_t		 rsz;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
scan(struct ftree *t, const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct fnode	*f;
	char		*sub, **names = NULL, lnk[4096];
	size_t		 n = 0, i;
	ssize_t		 ln;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		xqsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		size_t	 at;

		sub = path_join(dir, names[i]);
		free(names[i]);
		if (t->nsz == t->ncap) {
			t->ncap = t->ncap ? t->ncap * 2 : 256;
			t->n = xreallocarray(t->n, t->ncap, sizeof(*t->n));
		}
		at = t->nsz;
		f = &t->n[t->nsz++];
		memset(f, 0, sizeof(*f));
		f->path = sub;
		f->name = strrchr(sub, '/') != NULL ? strrchr(sub, '/') + 1 :
		    sub;
		if (lstat(sub, &f->st) == -1)
			f->st.st_mode = 0;
		else if (S_ISLNK(f->st.st_mode)) {
			f->islink = 1;
			if ((ln = readlink(sub, lnk, sizeof(lnk))) > 0) {
				f->link = xstrndup(lnk, (size_t)ln);
				f->linksz = (size_t)ln;
			}
			if (stat(sub, &f->st) == -1 || S_ISDIR(f->st.st_mode))
				f->st.st_mode = 0;
		}
		if (S_ISDIR(f->st.st_mode))
			scan(t, sub);	/* f may move: not used after */
		t->n[at].end = t->nsz;
	}
	free(names);
}

/*
 * See model/model.h.
 */
struct ftree *
ftree_scan(const char *const *dirs, size_t n)
{
	struct ftree	*t = xcalloc(1, sizeof(*t));
	size_t		 i;

	t->r = xcalloc(n ? n : 1, sizeof(*t->r));
	for (i = 0; i < n; i++) {
		t->r[i].path = xstrdup(dirs[i]);
		t->r[i].first = t->nsz;
		scan(t, dirs[i]);
		t->r[i].end = t->nsz;
	}
	t->rsz = n;
	return t;
}

/*
 * See model/model.h.
 */
size_t
ftree_children(const struct ftree *t, const char *dir,
    struct ftree_ent **out)
{
	const struct fnode *f;
	size_t		 i, first = 0, end = 0, n = 0;
	int		 found = 0;

	for (i = 0; !found && i < t->rsz; i++)
		if (strcmp(t->r[i].path, dir) == 0) {
			first = t->r[i].first;
			end = t->r[i].end;
			found = 1;
		}
	for (i = 0; !found && i < t->nsz; i++)
		if (S_ISDIR(t->n[i].st.st_mode) && !t->n[i].islink &&
		    strcmp(t->n[i].path, dir) == 0) {
			first = i + 1;
			end = t->n[i].end;
			found = 1;
		}
	if (!found)
		return (size_t)-1;
	*out = xcalloc(end > first ? end - first : 1, sizeof(**out));
	for (i = first; i < end; i = f->end) {
		f = &t->n[i];
		(*out)[n].name = f->name;
		(*out)[n].st = &f->st;
		(*out)[n].link = f->islink;
		n++;
	}
	return n;
}

/*
 * See model/model.h.
 */
uint64_t
ftree_names(const struct ftree *t, const char *top)
{
	const struct fnode *f;
	const char	*p;
	uint64_t	 h = 0;
	size_t		 i, n = strlen(top);
	int		 kind;

	for (i = 0; i < t->nsz; i++) {
		f = &t->n[i];
		kind = S_ISDIR(f->st.st_mode) ? 'd' : f->st.st_mode ? 'f' : '-';
		/* The names as below top, however top is spelt. */
		p = f->path;
		if (strncmp(p, top, n) == 0 && p[n] == '/')
			p += n + 1;
		h = hash64(p, strlen(p) + 1, h);
		h = hash64(&kind, sizeof(kind), h);
		if (f->link != NULL)
			h = hash64(f->link, f->linksz, h);
	}
	return h != 0 ? h : 1;
}

void
ftree_free(struct ftree *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsz; i++) {
		free(t->n[i].path);
		free(t->n[i].link);
	}
	free(t->n);
	for (i = 0; i < t->rsz; i++)
		free(t->r[i].path);
	free(t->r);
	free(t);
}

/* A set of paths (borrowed), open addressing; cap a power of 2. */
struct pset {
	const char	**s;
	size_t		  cap;
};

static size_t
pset_slot(const struct pset *ps, const char *p)
{
	size_t	 i = (size_t)hash64(p, strlen(p), 0) & (ps->cap - 1);

	while (ps->s[i] != NULL && strcmp(ps->s[i], p) != 0)
		i = (i + 1) & (ps->cap - 1);
	return i;
}

static void
pset_init(struct pset *ps, const char *const *v, size_t n)
{
	size_t	 i;

	for (ps->cap = 16; ps->cap < 2 * n; ps->cap *= 2)
		continue;
	ps->s = xcalloc(ps->cap, sizeof(*ps->s));
	for (i = 0; i < n; i++)
		ps->s[pset_slot(ps, v[i])] = v[i];
}

/*
 * See model/model.h.
 */
uint64_t
ftree_print(const struct ftree *t, uint64_t seed, int bytes,
    const char *const *skip, size_t skipsz, struct fcache *fc)
{
	const struct fnode *f;
	struct pset	 ps;
	uint64_t	 h = hash64(KBGEN_VERSION, sizeof(KBGEN_VERSION), seed);
	uint64_t	 fh;
	size_t		 i;

	pset_init(&ps, skip, skip != NULL ? skipsz : 0);

	for (i = 0; i < t->nsz; i++) {
		f = &t->n[i];
		if (f->link != NULL)
			h = hash64(f->link, f->linksz, h);
		if (f->st.st_mode == 0)
			continue;
		h = hash64(f->path, strlen(f->path) + 1, h);
		if (S_ISDIR(f->st.st_mode))
			continue;
		if (ps.s[pset_slot(&ps, f->path)] != NULL)
			continue;	/* the caller hashes it its own way */
		if (bytes && S_ISREG(f->st.st_mode)) {
			if (fc_file_hash(fc, f->path, &f->st, &fh))
				h = hash64(&fh, sizeof(fh), h);
		} else {
			h = hash64(&f->st.st_size, sizeof(f->st.st_size), h);
			h = hash64(&f->st.st_mtim, sizeof(f->st.st_mtim), h);
			h = hash64(&f->st.st_ino, sizeof(f->st.st_ino), h);
		}
	}
	free(ps.s);
	return h;
}
