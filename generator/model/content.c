/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Loading a knowledge base: walk content/, split and parse every file,
 * check each entry against its key table, resolve references between
 * entries (contacts, exercises, speakers) and taxonomy terms, and
 * render Markdown bodies with links to other content files rewritten
 * to their pages.  Every problem is reported with path:line:col and
 * loading goes on, so that one run shows all errors.  This file writes
 * nothing; render.c and site.c do.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "git/git.h"
#include "model/model.h"
#include "model/private.h"

/*
 * The tables of known keys, nested through their sub members (lint's
 * "belongs under" and kbgen schema read the nesting); words lists end
 * with NULL.
 */
static const char *const kinds[] = { "tutorial", "application", "package",
    "technique", "demo", NULL };
static const char *const levels[] = { "base", "advanced", NULL };
static const char *const session_kinds[] = { "lecture", "hands-on",
    "seminar", "exercise", "break", "social", "other", NULL };

static const struct fld repo_flds[] = {
	{ "url", FLD_STR, 1, NULL, NULL, 0 },
	{ "ref", FLD_STR, 0, NULL, NULL, 0 },
	{ "subdir", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* run.data items; sha256 is required, with a message of its own. */
static const struct fld data_flds[] = {
	{ "url", FLD_STR, 1, NULL, NULL, 0 },
	{ "sha256", FLD_STR, 0, NULL, NULL, 0 },
	{ "path", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* gpu, memory, kernel and the rest are checked further in check_run. */
static const struct fld run_flds[] = {
	{ "environment", FLD_STR, 0, NULL, NULL, 0 },
	{ "requirements", FLD_STR, 0, NULL, NULL, 0 },
	{ "kernel", FLD_STR, 0, NULL, NULL, 0 },
	{ "data", FLD_LIST, 0, data_flds, NULL, 0 },
	{ "gpu", FLD_STR, 0, NULL, NULL, 0 },
	{ "timeout", FLD_DURATION, 0, NULL, NULL, 0 },
	{ "memory", FLD_STR, 0, NULL, NULL, 0 },
	{ "network", FLD_BOOL, 0, NULL, NULL, 0 },
	{ "setup", FLD_STRS, 0, NULL, NULL, 0 },
	{ "command", FLD_STR, 0, NULL, NULL, 0 },
	{ "env", FLD_MAP, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

#define RUN_MAX_GPUS	64		/* run.gpu */
#define RUN_MAX_SECS	(7 * 86400L)	/* run.timeout */

static const struct fld link_flds[] = {
	{ "title", FLD_STR, 1, NULL, NULL, 0 },
	{ "url", FLD_STR, 1, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld uc_flds[] = {
	{ "title", FLD_STR, 1, NULL, NULL, 0 },
	{ "summary", FLD_STR, 1, NULL, NULL, 0 },
	{ "technologies", FLD_STRS, 1, NULL, NULL, 0 },
	{ "fields", FLD_STRS, 1, NULL, NULL, 0 },
	{ "tools", FLD_STRS, 1, NULL, NULL, 0 },
	{ "kind", FLD_STR, 1, NULL, kinds, 0 },
	{ "audience", FLD_STRS, 0, NULL, NULL, 0 },
	{ "contacts", FLD_STRS, 1, NULL, NULL, 0 },
	{ "repository", FLD_MAP, 0, repo_flds, NULL, 0 },
	{ "example", FLD_STR, 0, NULL, NULL, 0 },
	{ "run", FLD_MAP, 0, run_flds, NULL, 0 },
	{ "links", FLD_LIST, 0, link_flds, NULL, 0 },
	{ "added", FLD_DATE, 0, NULL, NULL, 0 },
	{ "language", FLD_STR, 0, NULL, NULL, 0 },
	{ "draft", FLD_BOOL, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld person_flds[] = {
	{ "name", FLD_STR, 1, NULL, NULL, 0 },
	{ "affiliation", FLD_STR, 0, NULL, NULL, 0 },
	{ "roles", FLD_STRS, 0, NULL, NULL, 0 },
	{ "expertise", FLD_STRS, 0, NULL, NULL, 0 },
	{ "email", FLD_STR, 0, NULL, NULL, 0 },
	{ "url", FLD_STR, 0, NULL, NULL, 0 },
	{ "orcid", FLD_STR, 0, NULL, NULL, 0 },
	{ "language", FLD_STR, 0, NULL, NULL, 0 },
	{ "draft", FLD_BOOL, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld page_flds[] = {
	{ "title", FLD_STR, 1, NULL, NULL, 0 },
	{ "menu", FLD_INT, 0, NULL, NULL, 0 },
	{ "description", FLD_STR, 0, NULL, NULL, 0 },
	{ "language", FLD_STR, 0, NULL, NULL, 0 },
	{ "draft", FLD_BOOL, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld session_flds[] = {
	{ "start", FLD_TIME, 0, NULL, NULL, 0 },
	{ "end", FLD_TIME, 0, NULL, NULL, 0 },
	{ "kind", FLD_STR, 0, NULL, session_kinds, 0 },
	{ "title", FLD_STR, 1, NULL, NULL, 0 },
	{ "speakers", FLD_STRS, 0, NULL, NULL, 0 },
	{ "usecase", FLD_SLUG, 0, NULL, NULL, 0 },
	{ "room", FLD_STR, 0, NULL, NULL, 0 },
	{ "materials", FLD_LIST, 0, link_flds, NULL, 0 },
	{ "source", FLD_STR, 0, NULL, NULL, 0 },	/* set by kbgen import indico */
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld day_flds[] = {
	{ "date", FLD_DATE, 1, NULL, NULL, 0 },
	{ "sessions", FLD_LIST, 1, session_flds, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld hack_flds[] = {
	{ "title", FLD_STR, 1, NULL, NULL, 0 },
	{ "level", FLD_STR, 1, NULL, levels, 0 },
	{ "start", FLD_PDATE, 1, NULL, NULL, 0 },
	{ "end", FLD_PDATE, 1, NULL, NULL, 0 },
	{ "timezone", FLD_STR, 0, NULL, NULL, 0 },
	{ "venue", FLD_STR, 0, NULL, NULL, 0 },
	{ "online", FLD_BOOL, 0, NULL, NULL, 0 },
	{ "participants", FLD_INT, 0, NULL, NULL, 0 },
	{ "indico", FLD_STR, 0, NULL, NULL, 0 },
	{ "organizers", FLD_STRS, 0, NULL, NULL, 0 },
	{ "tutors", FLD_STRS, 0, NULL, NULL, 0 },
	{ "exercises", FLD_STRS, 0, NULL, NULL, 0 },
	{ "programme", FLD_LIST, 0, day_flds, NULL, 0 },
	{ "language", FLD_STR, 0, NULL, NULL, 0 },
	{ "draft", FLD_BOOL, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld seminar_flds[] = {
	{ "date", FLD_PDATE, 1, NULL, NULL, 0 },
	{ "start", FLD_TIME, 0, NULL, NULL, 0 },
	{ "end", FLD_TIME, 0, NULL, NULL, 0 },
	{ "timezone", FLD_STR, 0, NULL, NULL, 0 },
	{ "title", FLD_STR, 1, NULL, NULL, 0 },
	{ "speakers", FLD_STRS, 0, NULL, NULL, 0 },
	{ "url", FLD_STR, 0, NULL, NULL, 0 },
	{ "slides", FLD_STR, 0, NULL, NULL, 0 },
	{ "recording", FLD_STR, 0, NULL, NULL, 0 },
	{ "abstract", FLD_STR, 0, NULL, NULL, 0 },
	{ "usecases", FLD_STRS, 0, NULL, NULL, 0 },
	{ "technologies", FLD_STRS, 0, NULL, NULL, 0 },
	{ "fields", FLD_STRS, 0, NULL, NULL, 0 },
	{ "tools", FLD_STRS, 0, NULL, NULL, 0 },
	{ "language", FLD_STR, 0, NULL, NULL, 0 },
	{ "source", FLD_STR, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/*
 * The top tables of the content kinds, for kbgen schema and the tests
 * that read them.  Borrowed, static.
 */
const struct fld_root content_tables[] = {
	{ "use case", "content/usecases/", uc_flds },
	{ "person", "content/people/", person_flds },
	{ "page", "content/pages/", page_flds },
	{ "hackathon", "content/hackathons/", hack_flds },
	{ "seminar", "content/seminars/", seminar_flds },
	{ NULL, NULL, NULL },
};

/* A content file found by the walk. */
struct file {
	char		*path;	/* full path */
	char		*rel;	/* below content/ */
	char		*slug;	/* file name without extension */
	struct stat	 st;	/* what it names, links followed */
};

/* Everything one content file can be linked as. */
struct target {
	const char	*rel;	/* below content/ */
	char		*relcopy;	/* owned copy of rel for drafts, or NULL */
	char		*url;	/* page URL from the site root; NULL: draft */
};

struct loader {
	struct kb	*kb;
	struct target	*targets;	/* sorted by rel */
	size_t		 targetsz;
	struct idx	*idx;	/* the body cache's store, may be NULL */
	uint64_t	 env;	/* what links resolve against (link_env);
				   0: unknown */
};

/*
 * A front-matter record ("fm", by path below content/): this header,
 * then the parsed front matter (val_pack).  It stands for the file
 * while the file cache holds the file unchanged (hash, the hash of its
 * bytes, is fc's) and stamp names this kbgen.
 */
struct fmhead {
	uint64_t	 stamp;
	uint64_t	 hash;
	uint64_t	 fmhash;
	uint64_t	 bodyhash;
	uint64_t	 bodyline;
	uint64_t	 bodysz;
};

static char	*normalise(const char *, const char *);
static void	 walk(const char *, const struct ftree *, const char *,
		    const char *, const char *, struct file **, size_t *);

/*
 * Whether a repository URL names something on the build machine: a
 * file:// URL or a path, absolute or relative.  Remote are URLs with
 * another scheme (https://, ssh://, git://) and scp-like host:path
 * (the host holds no '/' and is longer than a drive letter).
 */
static int
url_local(const char *u)
{
	const char	*p;

	if ((p = strstr(u, "://")) != NULL)
		return p - u == 4 && strncasecmp(u, "file", 4) == 0;
	if ((p = strchr(u, ':')) != NULL && p - u > 1 &&
	    memchr(u, '/', (size_t)(p - u)) == NULL)
		return 0;
	return 1;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->rel,
	    ((const struct file *)b)->rel);
}

/*
 * Whether the real path real lies in the folder top (itself included).
 */
static int
inside(const char *top, const char *real)
{
	size_t	 n = strlen(top);

	if (strcmp(top, "/") == 0)
		return 1;
	return strncmp(real, top, n) == 0 &&
	    (real[n] == '\0' || real[n] == '/');
}

/*
 * Whether the file at path (site.yaml, taxonomy.yaml) is a symbolic
 * link that leaves the knowledge base; reported.
 */
static int
outside(const struct kb *kb, const char *path)
{
	char	*real;
	int	 out;

	if (kb->realroot == NULL || (real = realpath(path, NULL)) == NULL)
		return 0;
	if ((out = !inside(kb->realroot, real)))
		diag_err(path, 0, 0, "symbolic link leaves the knowledge "
		    "base; copy the file in instead");
	free(real);
	return out;
}

/*
 * Collect files ending in ext below dir (recursively), relative names
 * prefixed with rel.  Dot files are skipped.  A symbolic link is
 * followed only when what it names lies inside the knowledge base
 * (top, its real path; NULL: links are not checked) and is not a
 * folder above it; any other link, and a FIFO, socket or device named
 * like a content file, is an error naming it, so that content from
 * elsewhere on the build machine is never published and the walk never
 * waits on a FIFO or loops.
 */
/*
 * One entry, name, of folder dir for walk; st is what lstat says of it
 * when the caller knows (from the build's list of files), else NULL.
 */
static void
walk_one(const char *top, const struct ftree *t, const char *dir,
    const char *rel, const char *name, const struct stat *known,
    const char *ext, struct file **fs, size_t *fsz)
{
	struct stat	 st;
	char		*sub, *subrel, *real, *here;
	size_t		 n = strlen(name), el = strlen(ext);
	int		 named;

	if (name[0] == '.')
		return;
	sub = path_join(dir, name);
	subrel = path_join(rel, name);
	named = n > el && strcmp(name + n - el, ext) == 0;
	if (known != NULL)
		st = *known;
	else if (lstat(sub, &st) == -1) {
		diag_sys(sub, "%s", strerror(errno));
		goto next;
	}
	if (S_ISLNK(st.st_mode)) {
		if ((real = realpath(sub, NULL)) == NULL) {
			diag_err(sub, 0, 0, "symbolic link to nothing "
			    "usable: %s", strerror(errno));
			goto next;
		}
		if (top != NULL && !inside(top, real)) {
			diag_err(sub, 0, 0, "symbolic link leaves the "
			    "knowledge base; copy the file in instead");
			free(real);
			goto next;
		}
		here = realpath(dir, NULL);
		if (stat(sub, &st) == -1) {
			diag_sys(sub, "%s", strerror(errno));
			st.st_mode = 0;
		} else if (S_ISDIR(st.st_mode) && here != NULL &&
		    inside(real, here)) {
			diag_err(sub, 0, 0, "symbolic link to a folder "
			    "above it; the walk would never end");
			st.st_mode = 0;
		}
		free(here);
		free(real);
		if (st.st_mode == 0)
			goto next;
		/* What the link names is not in the list: ask. */
		t = NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		walk(top, t, sub, subrel, ext, fs, fsz);
	} else if (named && !S_ISREG(st.st_mode)) {
		diag_err(sub, 0, 0, "not a regular file (a %s); content "
		    "files must be plain files", S_ISFIFO(st.st_mode) ?
		    "FIFO" : S_ISSOCK(st.st_mode) ? "socket" :
		    "device");
	} else if (named) {
		*fs = xreallocarray(*fs, *fsz + 1, sizeof(**fs));
		(*fs)[*fsz].path = sub;
		(*fs)[*fsz].rel = subrel;
		(*fs)[*fsz].slug = xstrndup(name, n - el);
		(*fs)[*fsz].st = st;
		(*fsz)++;
		return;
	}
next:
	free(sub);
	free(subrel);
}

/*
 * Collect files ending in ext below dir (recursively), relative names
 * prefixed with rel.  Dot files are skipped.  A symbolic link is
 * followed only when what it names lies inside the knowledge base
 * (top, its real path; NULL: links are not checked) and is not a
 * folder above it; any other link, and a FIFO, socket or device named
 * like a content file, is an error naming it, so that content from
 * elsewhere on the build machine is never published and the walk never
 * waits on a FIFO or loops.  A folder the build's list of files (t,
 * may be NULL) holds is read from there; others from the file system.
 */
static void
walk(const char *top, const struct ftree *t, const char *dir,
    const char *rel, const char *ext, struct file **fs, size_t *fsz)
{
	DIR		*d;
	struct dirent	*e;
	struct ftree_ent *ents = NULL;
	char		*real;
	size_t		 n, i;

	/* The folder itself (pages/ as a link) stays inside too. */
	if (top != NULL && (real = realpath(dir, NULL)) != NULL) {
		n = inside(top, real);
		free(real);
		if (!n) {
			diag_err(dir, 0, 0, "symbolic link leaves the "
			    "knowledge base; copy the folder in instead");
			return;
		}
	}
	if (t != NULL && (n = ftree_children(t, dir, &ents)) != (size_t)-1) {
		for (i = 0; i < n; i++)
			walk_one(top, t, dir, rel, ents[i].name,
			    ents[i].link || ents[i].st->st_mode == 0 ? NULL :
			    ents[i].st, ext, fs, fsz);
		free(ents);
	} else if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			diag_sys(dir, "%s", strerror(errno));
		return;
	} else {
		while ((e = readdir(d)) != NULL)
			walk_one(top, NULL, dir, rel, e->d_name, NULL, ext, fs,
			    fsz);
		closedir(d);
	}
	/* An empty folder leaves *fs NULL, which qsort may not take. */
	if (*fsz > 0)
		xqsort(*fs, *fsz, sizeof(**fs), file_cmp);
}

static void
files_free(struct file *fs, size_t fsz)
{
	size_t	 i;

	for (i = 0; i < fsz; i++) {
		free(fs[i].path);
		free(fs[i].rel);
		free(fs[i].slug);
	}
	free(fs);
}

/*
 * Take e's front matter from its fm record when the file cache holds
 * f unchanged and the record was made from these bytes by this kbgen.
 * The text is not read: entry_text reads it when it is needed.
 */
static int
entry_cached(struct entry *e, const struct file *f, size_t max,
    struct fcache *fc)
{
	struct fmhead	 h;
	char		*rec = NULL;
	size_t		 recsz;
	uint64_t	 fh;

	if (fc == NULL || (max > 0 && (uint64_t)f->st.st_size > max) ||
	    !fc_lookup(fc, f->path, &f->st, &fh))
		return 0;
	if (idx_get_rec(fc_idx(fc), "fm", f->rel, &rec, &recsz) != 1)
		return 0;
	if (recsz > sizeof(h)) {
		memcpy(&h, rec, sizeof(h));
		if (h.stamp == fc_stamp(fc) && h.hash == fh &&
		    (e->meta = val_unpack(rec + sizeof(h),
		    recsz - sizeof(h))) != NULL) {
			e->filehash = fh;
			e->fmhash = h.fmhash;
			e->bodyhash = h.bodyhash;
			e->bodyline = (size_t)h.bodyline;
			e->bodysz = (size_t)h.bodysz;
			e->cached = 1;
		}
	}
	free(rec);
	return e->cached;
}

/* The fm record of e, just read, for kb_keep_fm. */
static void
entry_fmrec(struct entry *e, struct fcache *fc)
{
	struct fmhead	 h;
	struct buf	 b = { NULL, 0, 0 };

	memset(&h, 0, sizeof(h));
	h.stamp = fc_stamp(fc);
	h.hash = e->filehash;
	h.fmhash = e->fmhash;
	h.bodyhash = e->bodyhash;
	h.bodyline = e->bodyline;
	h.bodysz = e->bodysz;
	buf_put(&b, (const char *)&h, sizeof(h));
	if (val_pack(&b, e->meta)) {
		e->fmrec = b.data;
		e->fmrecsz = b.sz;
	} else
		buf_free(&b);
}

/*
 * The text of an entry whose front matter came from its fm record,
 * read now.  The file must still be what the record was made from:
 * one changed since this build looked at it is an error (build
 * again), never half old and half new.  Returns 0 on failure
 * (reported).
 */
static int
entry_text(struct entry *e, size_t max)
{
	size_t	 sz;

	if (!e->cached || e->text != NULL)
		return 1;
	if (!file_read_input(e->path, max, &e->text, &sz))
		return 0;
	if (hash64(e->text, sz, 0) != e->filehash || sz < e->bodysz) {
		diag_err(e->path, 0, 0, "changed while kbgen was reading "
		    "it; build again");
		free(e->text);
		e->text = NULL;
		return 0;
	}
	e->body = e->text + (sz - e->bodysz);
	return 1;
}

/*
 * Read and split one Markdown file into e (from the fm cache when fc
 * holds it unchanged).  Returns 0 when the file cannot be used at all
 * (reported).
 */
static int
entry_read(struct entry *e, const struct file *f, const char *what,
    const struct fld *flds, size_t max, struct fcache *fc)
{
	size_t		 sz, said;
	const struct val *v;
	int		 b;

	e->path = xstrdup(f->path);
	e->relpath = xstrdup(f->rel);
	e->slug = xstrdup(f->slug);
	if (!slug_valid(f->slug)) {
		diag_err(f->path, 0, 0, "bad file name: \"%s\" is not a "
		    "valid slug (lower-case letters, digits and '-', "
		    "starting with a letter or digit)", f->slug);
		return 0;
	}
	if (entry_cached(e, f, max, fc))
		goto parsed;
	said = diag_mine();
	if (!file_read_input(f->path, max, &e->text, &sz))
		return 0;
	if (!text_lines_check(f->path, e->text, sz))
		return 0;
	if (!fm_split(f->path, e->text, sz, &e->meta, &e->body, &e->bodyline))
		return 0;
	e->bodysz = sz - (size_t)(e->body - e->text);
	e->fmhash = hash64(e->text, (size_t)(e->body - e->text), 0);
	e->bodyhash = hash64(e->body, e->bodysz, 0);
	e->filehash = hash64(e->text, sz, 0);
	/* What said something says it again next time: no record. */
	if (fc != NULL && diag_mine() == said) {
		fc_note(fc, f->path, &f->st, e->filehash);
		entry_fmrec(e, fc);
	}
parsed:
	/* A run key at the top of a use case says where it belongs. */
	(void)schema_check(f->path, e->meta, flds, what);
	e->title = val_get_str(e->meta, "title");
	if ((v = val_get(e->meta, "draft")) != NULL && bool_value(v, &b))
		e->draft = b;
	return 1;
}

static void
entry_free(struct entry *e)
{
	free(e->slug);
	free(e->path);
	free(e->relpath);
	val_free(e->meta);
	free(e->text);
	free(e->html);
	free(e->fmrec);
}

/*
 * The items of a FLD_STRS value: a list's scalars, or the scalar
 * itself as a list of one.
 */
static size_t
items(const struct val *v, const struct val ***out)
{
	static _Thread_local const struct val *one[1];

	if (v == NULL || v->type == VAL_NULL)
		return 0;
	if (v->type == VAL_LIST) {
		*out = (const struct val **)v->kids;
		return v->kidsz;
	}
	one[0] = v;
	*out = one;
	return 1;
}

static int
entry_slug_cmp(const void *a, const void *b)
{
	const struct entry *ea = *(struct entry *const *)a;
	const struct entry *eb = *(struct entry *const *)b;
	int c;

	c = strcmp(ea->slug, eb->slug);
	return c ? c : strcmp(ea->relpath, eb->relpath);
}

/*
 * Sort entries by slug (then path, so reports are stable) and report
 * every slug used twice.
 */
static void
dup_slugs(struct entry **es, size_t n, const char *what)
{
	size_t	 i, j;

	xqsort(es, n, sizeof(*es), entry_slug_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(es[i]->slug, es[j]->slug) == 0;
		    j++)
			diag_err(es[j]->path, 1, 1, "duplicate %s slug \"%s\": "
			    "already used by %s", what, es[j]->slug,
			    es[i]->path);
	}
}

/*
 * The example's folder within its repository, normalised ("" for the
 * top): the repository's subdir joined with the folder of example.  A
 * new string, or NULL when subdir climbs out of the repository.
 */
static char *
example_dir(const struct usecase *uc)
{
	const char	*sub;
	char		*dir, *slash, *res;

	sub = uc->repository != NULL ? val_get_str(uc->repository,
	    "subdir") : NULL;
	dir = xstrdup(uc->example != NULL ? uc->example : "");
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		*dir = '\0';
	res = normalise(sub != NULL ? sub : "", dir);
	free(dir);
	return res;
}

/*
 * The path within the repository of run.requirements (req, relative
 * to the example's folder), as a new string; NULL when it is absolute,
 * climbs out of the repository, or the example's folder does.
 */
static char *
requirements_path(const struct usecase *uc, const char *req)
{
	char	*dir, *res;

	if (*req == '/' || (dir = example_dir(uc)) == NULL)
		return NULL;
	res = normalise(dir, req);
	free(dir);
	return res;
}

static int
is_sha256_text(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64;
}

/*
 * run.requirements: "none", or a file relative to the example's folder
 * that stays in the repository.  Whether it exists at the pinned
 * commit is kb_check_pinned's question.
 */
static void
check_requirements(const struct usecase *uc, const struct val *v)
{
	const char	*path = uc->e.path, *r;
	char		*in, *dir;
	size_t		 n;

	if (v == NULL || (r = v->str) == NULL || strcmp(r, "none") == 0)
		return;
	if (*r == '/') {
		diag_err(path, v->line, v->col, "\"requirements\" must be a "
		    "path relative to the example's folder, not the absolute "
		    "path \"%s\"", r);
		return;
	}
	/* A subdir that leaves the repository is not this key's fault. */
	if ((dir = example_dir(uc)) == NULL)
		return;
	free(dir);
	if ((in = requirements_path(uc, r)) == NULL) {
		diag_err(path, v->line, v->col, "\"requirements\" path \"%s\" "
		    "leaves the repository", r);
		return;
	}
	n = strlen(r);
	if (*in == '\0' || r[n - 1] == '/')
		diag_err(path, v->line, v->col, "\"requirements\" path \"%s\" "
		    "names a folder, not a file", r);
	else if ((n > 4 && strcmp(r + n - 4, ".yml") == 0) ||
	    (n > 5 && strcmp(r + n - 5, ".yaml") == 0))
		diag_err(path, v->line, v->col, "\"requirements\" file \"%s\" "
		    "looks like a conda environment, which kbgen cannot "
		    "install (no conda in Debian): list the pip packages in a "
		    "requirements.txt, or choose an environment that has "
		    "them (run.environment)", r);
	free(in);
}

/*
 * run.data: a list of {url, sha256, path}; every download is checked
 * against its sha256 and lands, read-only, at path below the example's
 * folder (or under $KBGEN_DATA when path is absent).
 */
static void
check_data(const char *path, const struct val *data)
{
	const struct val *d, *v;
	char		**norms;
	size_t		*lines, i, j, n = 0;

	if (data == NULL || data->type != VAL_LIST)
		return;
	norms = xcalloc(data->kidsz, sizeof(*norms));
	lines = xcalloc(data->kidsz, sizeof(*lines));
	for (i = 0; i < data->kidsz; i++) {
		d = data->kids[i];
		(void)schema_check_at(path, d, uc_flds, "run.data",
		    "data entry");
		if (d->type != VAL_MAP)
			continue;
		(void)schema_http_url(path, val_get(d, "url"), "url");
		v = val_get(d, "sha256");
		if (v == NULL || v->type == VAL_NULL ||
		    (v->str != NULL && v->strsz == 0))
			diag_err(path, d->line, d->col, "data entry without "
			    "sha256: give the file's SHA-256 (64 hexadecimal "
			    "digits, as sha256sum prints it), which every "
			    "download is checked against");
		else if (v->str != NULL && !is_sha256_text(v->str))
			diag_err(path, v->line, v->col, "\"sha256\" must be 64 "
			    "hexadecimal digits, not \"%s\"", v->str);
		if ((v = val_get(d, "path")) == NULL || v->str == NULL)
			continue;
		if (v->str[0] == '/') {
			diag_err(path, v->line, v->col, "data path \"%s\" is "
			    "absolute: give it relative to the example's "
			    "folder", v->str);
			continue;
		}
		if ((norms[n] = normalise("", v->str)) == NULL) {
			diag_err(path, v->line, v->col, "data path \"%s\" "
			    "leaves the example's folder", v->str);
			continue;
		}
		if (*norms[n] == '\0' || v->str[v->strsz - 1] == '/') {
			diag_err(path, v->line, v->col, "data path \"%s\" "
			    "names a folder, not a file", v->str);
			free(norms[n]);
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(norms[j], norms[n]) == 0)
				break;
		if (j < n) {
			diag_err(path, v->line, v->col, "data path \"%s\" is "
			    "already used by the entry at line %zu", v->str,
			    lines[j]);
			free(norms[n]);
			continue;
		}
		lines[n++] = v->line;
	}
	for (j = 0; j < n; j++)
		free(norms[j]);
	free(norms);
	free(lines);
}

/*
 * The run section: its keys, then each value as far as it can be
 * judged without the repository.
 */
static void
check_run(struct kb *kb, const struct usecase *uc, const struct val *run)
{
	const char	*path = uc->e.path;
	const struct val *v;

	(void)schema_check_at(path, run, uc_flds, "run", "run section");
	(void)site_env_check(kb->site.tree, path, val_get(run,
	    "environment"));
	check_requirements(uc, val_get(run, "requirements"));
	(void)site_kernel_check(path, val_get(run, "kernel"));
	check_data(path, val_get(run, "data"));
	(void)schema_range(path, val_get(run, "gpu"), "gpu", 0,
	    RUN_MAX_GPUS, NULL);
	(void)schema_size(path, val_get(run, "memory"), "memory");
	v = val_get(run, "timeout");
	if (v != NULL && v->str != NULL && duration_secs(v->str) > RUN_MAX_SECS)
		diag_err(path, v->line, v->col, "\"timeout\" must be at most "
		    "7d, not \"%s\"", v->str);
}

/*
 * Whether a and b are the same name, ignoring ASCII case and how many
 * blanks stand between words.
 */
static int
name_same(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' && a[1] == ' ')
			a++;
		while (*b == ' ' && b[1] == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

/*
 * Report that v, an item of what ("contact", "speaker") in path, is no
 * person's id: the id of the person it names, or the nearest ids.  A
 * person's name is an error when ids (the key takes only ids), else a
 * warning: a plain name is allowed there, but the person's page would
 * not be linked.  Any other word is an error when ids, else allowed.
 */
static void
person_missing(struct kb *kb, const char *path, const struct val *v,
    const char *what, int ids)
{
	const char	**slugs, *near[3];
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, n;

	for (i = 0; i < kb->peoplesz; i++) {
		if (kb->people[i]->name == NULL ||
		    !name_same(kb->people[i]->name, v->str))
			continue;
		(ids ? diag_err : diag_warn)(path, v->line, v->col, "%s "
		    "\"%s\" is a name; the id is \"%s\"", what, v->str,
		    kb->people[i]->e.slug);
		return;
	}
	if (!ids)
		return;
	slugs = xcalloc(kb->peoplesz + 1, sizeof(*slugs));
	for (i = 0; i < kb->peoplesz; i++)
		slugs[i] = kb->people[i]->e.slug;
	n = schema_nearest(v->str, slugs, kb->peoplesz, near, 3);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\"%s\"", i == 0 ? "" : i + 1 < n ? ", " :
		    " or ", near[i]);
	if (n > 0)
		diag_err(path, v->line, v->col, "%s \"%s\" is not a person; "
		    "did you mean %s?", what, v->str, buf_cstr(&b));
	else
		diag_err(path, v->line, v->col, "%s \"%s\" is not a person: "
		    "no file people/%s.md", what, v->str, v->str);
	buf_free(&b);
	free(slugs);
}

static void
load_usecase(struct kb *kb, struct usecase *uc)
{
	const struct val **it, *v, *repo;
	struct term	*t;
	struct person	*p;
	size_t		 n, i;
	int		 d;
	const char	*path = uc->e.path;

	uc->summary = val_get_str(uc->e.meta, "summary");
	uc->kind = val_get_str(uc->e.meta, "kind");
	uc->added = val_get_str(uc->e.meta, "added");
	uc->example = val_get_str(uc->e.meta, "example");
	for (d = 0; d < DIM__MAX; d++) {
		n = items(val_get(uc->e.meta, dim_keys[d]), &it);
		uc->terms[d] = xcalloc(n, sizeof(struct term *));
		for (i = 0; i < n; i++) {
			if ((t = tax_resolve(&kb->tax, (enum dim)d, path,
			    it[i])) == NULL)
				continue;
			uc->terms[d][uc->termsz[d]++] = t;
		}
	}
	n = items(val_get(uc->e.meta, "contacts"), &it);
	uc->contacts = xcalloc(n, sizeof(struct person *));
	for (i = 0; i < n; i++) {
		if (it[i]->str == NULL)
			continue;
		if ((p = kb_person(kb, it[i]->str)) == NULL) {
			person_missing(kb, path, it[i], "contact", 1);
			continue;
		}
		uc->contacts[uc->contactsz++] = p;
	}
	repo = val_get(uc->e.meta, "repository");
	if (repo != NULL && repo->type == VAL_MAP)
		(void)schema_check_at(path, repo, uc_flds, "repository",
		    "repository");
	uc->repository = repo != NULL && repo->type == VAL_MAP ? repo : NULL;
	if (uc->repository != NULL && !kb->site.allow_local &&
	    (v = val_get(uc->repository, "url")) != NULL && v->str != NULL &&
	    *v->str != '\0' && url_local(v->str))
		diag_err(path, v->line, v->col, "repository \"%s\" is on "
		    "the build machine (a file:// URL or a local path); "
		    "kbgen syncs only remote repositories unless site.yaml "
		    "says sync: {allow_local: true}", v->str);
	if (uc->example != NULL && uc->repository == NULL) {
		v = val_get(uc->e.meta, "example");
		diag_err(path, v->line, v->col,
		    "\"example\" needs a \"repository\" to live in");
	}
	if ((v = val_get(uc->e.meta, "run")) != NULL && v->type == VAL_MAP)
		check_run(kb, uc, v);
	if ((v = val_get(uc->e.meta, "links")) != NULL && v->type == VAL_LIST)
		for (i = 0; i < v->kidsz; i++)
			(void)schema_check_at(path, v->kids[i], uc_flds,
			    "links", "link");
}

static void
load_person(struct kb *kb, struct person *p)
{
	const struct val **it;
	struct term	*t;
	size_t		 n, i;

	const struct val *v;

	p->name = val_get_str(p->e.meta, "name");
	p->e.title = p->name;
	p->affiliation = val_get_str(p->e.meta, "affiliation");
	/* Only what lint takes becomes a link. */
	v = val_get(p->e.meta, "email");
	if (v != NULL && v->type != VAL_NULL &&
	    schema_email(p->e.path, v, "email"))
		p->email = v->str;
	v = val_get(p->e.meta, "url");
	if (v != NULL && v->type != VAL_NULL &&
	    schema_http_url(p->e.path, v, "url"))
		p->web = v->str;
	v = val_get(p->e.meta, "orcid");
	if (v != NULL && v->type != VAL_NULL &&
	    schema_orcid(p->e.path, v, "orcid"))
		p->orcid = orcid_id(v->str);
	n = items(val_get(p->e.meta, "expertise"), &it);
	p->expertise = xcalloc(n, sizeof(struct term *));
	for (i = 0; i < n; i++) {
		if (it[i]->str == NULL)
			continue;
		if ((t = tax_find_any(&kb->tax, it[i]->str)) == NULL) {
			diag_err(p->e.path, it[i]->line, it[i]->col,
			    "unknown expertise \"%s\": not a technology, "
			    "field or tool of the taxonomy", it[i]->str);
			continue;
		}
		p->expertise[p->expertisesz++] = t;
	}
}

/*
 * A list of people ids or plain names: an id-shaped word that names
 * nobody is a dangling reference.  When ids_only, every item must be
 * a person.
 */
static void
check_people(struct kb *kb, const char *path, const struct val *v,
    const char *what, int ids_only)
{
	const struct val **it;
	size_t		 n, i;

	n = items(v, &it);
	for (i = 0; i < n; i++) {
		if (it[i]->str == NULL || kb_person(kb, it[i]->str) != NULL)
			continue;
		person_missing(kb, path, it[i], what, ids_only ||
		    slug_valid(it[i]->str));
	}
}

static void
check_usecases(struct kb *kb, const char *path, const struct val *v,
    const char *what)
{
	const struct val **it;
	size_t		 n, i;

	n = items(v, &it);
	for (i = 0; i < n; i++)
		if (it[i]->str != NULL && kb_usecase(kb, it[i]->str) == NULL)
			diag_err(path, it[i]->line, it[i]->col, "%s \"%s\" "
			    "is not a use case: no file usecases/%s.md", what,
			    it[i]->str, it[i]->str);
}

static void
check_terms(struct kb *kb, const char *path, const struct val *map)
{
	const struct val **it;
	size_t		 n, i;
	int		 d;

	for (d = 0; d < DIM__MAX; d++) {
		n = items(val_get(map, dim_keys[d]), &it);
		for (i = 0; i < n; i++)
			(void)tax_resolve(&kb->tax, (enum dim)d, path, it[i]);
	}
}

/* A time zone must be one the calendars can convert from. */
static void
check_zone(const char *path, const struct val *v)
{
	if (v != NULL && v->str != NULL && !ical_zone_valid(v->str))
		diag_err(path, v->line, v->col, "unknown time zone \"%s\" "
		    "(an IANA name such as Europe/Rome)", v->str);
}

/* Session materials: a list of {title, url}, as use-case links. */
static void
check_links(const char *path, const struct val *v)
{
	size_t	 i;

	if (v == NULL || v->type != VAL_LIST)
		return;
	for (i = 0; i < v->kidsz; i++)
		(void)schema_check_at(path, v->kids[i], hack_flds,
		    "programme.sessions.materials", "material");
}

/*
 * A session (or a seminar) that ends before it starts: an error at its
 * end, since a calendar would get a DTEND before its DTSTART.  Equal
 * times are a moment, which RFC 5545 allows.
 */
static void
check_times(const char *path, const struct val *s, const char *what)
{
	const char	*st = val_get_str(s, "start"), *en = val_get_str(s,
			    "end"), *t = val_get_str(s, "title");
	const struct val *e = val_get(s, "end");

	if (st == NULL || en == NULL || !time_valid(st) || !time_valid(en) ||
	    strcmp(en, st) >= 0)
		return;
	diag_err(path, e->line, e->col, "%s \"%s\" ends (%s) before it "
	    "starts (%s)", what, t != NULL ? t : "", en, st);
}

/* A timed session of a programme, for the overlap check. */
struct slot {
	const struct val *s;	/* the session, borrowed */
	const char	*date;	/* its day's, YYYY-MM-DD */
	const char	*start, *end;	/* HH:MM, start < end */
	const char	*room;
};

/*
 * Sessions in the same room at overlapping times on the same day: an
 * error at the later one in the file, naming the earlier.  Sessions
 * that only touch (one ends at 10:30, the next starts then) do not
 * overlap; a session without a room, an end or a start is not
 * compared.
 */
static void
check_overlaps(const char *path, const struct slot *sl, size_t n)
{
	const struct val *p;
	size_t		 i, j;

	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++) {
			if (strcmp(sl[i].date, sl[j].date) != 0 ||
			    strcmp(sl[i].room, sl[j].room) != 0 ||
			    strcmp(sl[j].start, sl[i].end) >= 0 ||
			    strcmp(sl[i].start, sl[j].end) >= 0)
				continue;
			p = val_get(sl[j].s, "start");
			diag_err(path, p->line, p->col, "session \"%s\" "
			    "(%s-%s) overlaps \"%s\" (%s-%s) in room \"%s\" "
			    "on %s", val_get_str(sl[j].s, "title") ?
			    val_get_str(sl[j].s, "title") : "", sl[j].start,
			    sl[j].end, val_get_str(sl[i].s, "title") ?
			    val_get_str(sl[i].s, "title") : "", sl[i].start,
			    sl[i].end, sl[j].room, sl[j].date);
			break;
		}
}

/*
 * An event's start and end: dates of the same precision (a day, a
 * month or a year), the end not before the start.  Returns 1 and sets
 * first (of start) and last (of end) when both are valid, else 0.
 */
static int
check_span(const char *path, const struct val *m, char first[11],
    char last[11])
{
	const char	*start = val_get_str(m, "start"),
			*end = val_get_str(m, "end");
	const struct val *e = val_get(m, "end");
	char		 x[11];
	int		 ps, pe;

	if (start == NULL || end == NULL)
		return 0;
	ps = ev_span(start, first, x);
	pe = ev_span(end, x, last);
	if (ps == 0 || pe == 0)
		return 0;
	if (ps != pe) {
		diag_err(path, e->line, e->col, "\"end\" (%s) must be as "
		    "precise as \"start\" (%s): both a day, a month or a "
		    "year", end, start);
		return 0;
	}
	if (strcmp(end, start) < 0) {
		diag_err(path, e->line, e->col, "the event ends (%s) before "
		    "it starts (%s)", end, start);
		return 0;
	}
	return 1;
}

static void
load_hackathon(struct kb *kb, struct hackathon *h)
{
	const struct val *prog, *day, *sess, *s, *dv;
	const char	*path = h->e.path, *date;
	char		 first[11], last[11];
	struct slot	*sl = NULL;
	size_t		 i, j, n = 0, max = 0;
	int		 span;

	check_zone(path, val_get(h->e.meta, "timezone"));
	span = check_span(path, h->e.meta, first, last);
	check_people(kb, path, val_get(h->e.meta, "organizers"), "organizer",
	    1);
	check_people(kb, path, val_get(h->e.meta, "tutors"), "tutor", 1);
	check_usecases(kb, path, val_get(h->e.meta, "exercises"), "exercise");
	prog = val_get(h->e.meta, "programme");
	if (prog == NULL || prog->type != VAL_LIST)
		return;
	for (i = 0; i < prog->kidsz; i++) {
		day = prog->kids[i];
		(void)schema_check_at(path, day, hack_flds, "programme",
		    "programme day");
		if (day->type != VAL_MAP)
			continue;
		dv = val_get(day, "date");
		date = val_get_str(day, "date");
		if (date != NULL && !date_valid(date))
			date = NULL;
		if (date != NULL && span && (strcmp(date, first) < 0 ||
		    strcmp(date, last) > 0))
			diag_err(path, dv->line, dv->col, "programme day %s "
			    "is outside the event (%s to %s)", date,
			    val_get_str(h->e.meta, "start"),
			    val_get_str(h->e.meta, "end"));
		sess = val_get(day, "sessions");
		if (sess == NULL || sess->type != VAL_LIST)
			continue;
		for (j = 0; j < sess->kidsz; j++) {
			s = sess->kids[j];
			(void)schema_check_at(path, s, hack_flds,
			    "programme.sessions", "session");
			if (s->type != VAL_MAP)
				continue;
			check_people(kb, path, val_get(s, "speakers"),
			    "speaker", 0);
			check_usecases(kb, path, val_get(s, "usecase"),
			    "use case");
			check_links(path, val_get(s, "materials"));
			check_times(path, s, "session");
			if (date == NULL || val_get_str(s, "room") == NULL ||
			    val_get_str(s, "start") == NULL ||
			    val_get_str(s, "end") == NULL ||
			    !time_valid(val_get_str(s, "start")) ||
			    !time_valid(val_get_str(s, "end")) ||
			    strcmp(val_get_str(s, "end"),
			    val_get_str(s, "start")) <= 0)
				continue;
			if (n == max) {
				max = max ? max * 2 : 16;
				sl = xreallocarray(sl, max, sizeof(*sl));
			}
			sl[n].s = s;
			sl[n].date = date;
			sl[n].start = val_get_str(s, "start");
			sl[n].end = val_get_str(s, "end");
			sl[n].room = val_get_str(s, "room");
			n++;
		}
	}
	check_overlaps(path, sl, n);
	free(sl);
}

/*
 * A seminar dated by its month or year alone has no day to give its
 * times to: a start or an end is an error at its position.
 */
static void
check_partial_times(const char *path, const struct val *s)
{
	const char	*d = val_get_str(s, "date");
	const struct val *t;

	if (d == NULL || pdate_prec(d) == 0 || pdate_prec(d) == 3)
		return;
	if ((t = val_get(s, "start")) == NULL)
		t = val_get(s, "end");
	if (t != NULL && t->type != VAL_NULL)
		diag_err(path, t->line, t->col, "a seminar dated \"%s\" "
		    "has no day for its times: give the date as YYYY-MM-DD "
		    "or leave out \"%s\"", d, t->key);
}

static void
load_seminars(struct kb *kb)
{
	struct file	*fs = NULL;
	size_t		 fsz = 0, i, j, sz, bl, bc;
	char		*dir, *text;
	struct val	*doc, *s;

	kb->seminars = val_list();
	dir = path_join(kb->content, "seminars");
	walk(kb->realroot, kb->tree, dir, "seminars", ".yaml", &fs, &fsz);
	free(dir);
	for (i = 0; i < fsz; i++) {
		if (!file_read_input(fs[i].path, kb->site.max_file, &text,
		    &sz))
			continue;
		if (!text_lines_check(fs[i].path, text, sz)) {
			free(text);
			continue;
		}
		if (!utf8_valid(text, sz, &bl, &bc)) {
			diag_err(fs[i].path, bl, bc, "invalid UTF-8");
			free(text);
			continue;
		}
		doc = fm_yaml(fs[i].path, text, sz, 0);
		free(text);
		if (doc == NULL)
			continue;
		if (doc->type == VAL_NULL) {
			val_free(doc);
			continue;
		}
		if (doc->type != VAL_LIST) {
			diag_err(fs[i].path, doc->line, doc->col, "a seminar "
			    "file must be a list of seminars");
			val_free(doc);
			continue;
		}
		for (j = 0; j < doc->kidsz; j++) {
			s = doc->kids[j];
			(void)schema_check(fs[i].path, s, seminar_flds,
			    "seminar");
			if (s->type != VAL_MAP)
				continue;
			check_people(kb, fs[i].path, val_get(s, "speakers"),
			    "speaker", 0);
			check_usecases(kb, fs[i].path, val_get(s, "usecases"),
			    "use case");
			check_terms(kb, fs[i].path, s);
			check_zone(fs[i].path, val_get(s, "timezone"));
			check_times(fs[i].path, s, "seminar");
			check_partial_times(fs[i].path, s);
		}
		/* Keep the seminars; the list owns them from here. */
		for (j = 0; j < doc->kidsz; j++) {
			s = doc->kids[j];
			val_set(s, "file", val_str(fs[i].rel));
			val_push(kb->seminars, s);
		}
		doc->kidsz = 0;
		val_free(doc);
	}
	files_free(fs, fsz);
}

static int
target_cmp(const void *a, const void *b)
{
	return strcmp(((const struct target *)a)->rel,
	    ((const struct target *)b)->rel);
}

/* The entry e, whose page is at url (url.c: new, now owned). */
static void
add_target(struct loader *ld, const struct entry *e, char *url)
{
	ld->targets = xreallocarray(ld->targets, ld->targetsz + 1,
	    sizeof(*ld->targets));
	ld->targets[ld->targetsz].rel = e->relpath;
	ld->targets[ld->targetsz].relcopy = NULL;
	ld->targets[ld->targetsz].url = url;
	ld->targetsz++;
}

/*
 * Whether a content path lies in a folder of entries; such a file that
 * is not a target failed to load, and said so already.
 */
static int
in_entry_dir(const char *rel)
{
	static const char *const dirs[] = { "usecases/", "people/",
	    "pages/", "hackathons/" };
	size_t	 i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(rel, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return 0;
}

/*
 * A file of seminars is a target too: a link to it is a link to the
 * seminars page.  Seminars of one file are adjacent in the list.
 */
static void
seminar_targets(struct loader *ld, const struct val *sems)
{
	const char	*f, *prev = NULL;
	size_t		 i;

	for (i = 0; sems != NULL && i < sems->kidsz; i++) {
		f = val_get_str(sems->kids[i], "file");
		if (f == NULL || (prev != NULL && strcmp(f, prev) == 0))
			continue;
		prev = f;
		ld->targets = xreallocarray(ld->targets, ld->targetsz + 1,
		    sizeof(*ld->targets));
		ld->targets[ld->targetsz].relcopy = xstrdup(f);
		ld->targets[ld->targetsz].rel =
		    ld->targets[ld->targetsz].relcopy;
		ld->targets[ld->targetsz].url = xstrdup(url_seminars());
		ld->targetsz++;
	}
}

/*
 * Drafts that will be left out stay known to the resolver, with no
 * URL, so that a link to one says what is wrong.  Their relpath must
 * outlive the entry: it is copied.
 */
static void
draft_targets(struct loader *ld, struct entry **es, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!es[i]->draft)
			continue;
		ld->targets = xreallocarray(ld->targets, ld->targetsz + 1,
		    sizeof(*ld->targets));
		ld->targets[ld->targetsz].rel = NULL;
		ld->targets[ld->targetsz].relcopy = xstrdup(es[i]->relpath);
		ld->targets[ld->targetsz].rel =
		    ld->targets[ld->targetsz].relcopy;
		ld->targets[ld->targetsz].url = NULL;
		ld->targetsz++;
	}
}

/* The entry being rendered, for the link resolver. */
struct linkctx {
	struct loader	*ld;
	const struct entry *e;
	const char	*root;	/* from its page to the site root */
};

/*
 * Normalise "dir/../x/./y" into out (a new string), or NULL when it
 * climbs above the top.
 */
static char *
normalise(const char *dir, const char *rel)
{
	char	*joined, *p, *tok, *save = NULL, **parts;
	size_t	 n = 0, i;
	struct buf b = { NULL, 0, 0 };

	joined = *dir != '\0' ? xasprintf("%s/%s", dir, rel) : xstrdup(rel);
	parts = xcalloc(strlen(joined) + 1, sizeof(char *));
	for (p = joined; (tok = strtok_r(p, "/", &save)) != NULL; p = NULL) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n == 0) {
				free(parts);
				free(joined);
				return NULL;
			}
			n--;
			continue;
		}
		parts[n++] = tok;
	}
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "/" : "", parts[i]);
	free(parts);
	free(joined);
	return buf_steal(&b);
}

/*
 * Rewrite a relative link of a body: a content file becomes the URL
 * of its page; a missing file is an error.  Other existing files are
 * left as they are.
 */
static char *
resolve_at(struct linkctx *lc, const char *url, size_t line, size_t col,
    int *bad)
{
	char		*path, *dir, *slash, *norm, *frag, *res = NULL;
	const char	*hash;
	struct target	 key, *t;
	struct stat	 st;

	hash = strpbrk(url, "#?");
	path = hash ? xstrndup(url, (size_t)(hash - url)) : xstrdup(url);
	frag = hash ? xstrdup(hash) : xstrdup("");
	dir = xstrdup(lc->e->relpath);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		*dir = '\0';
	norm = normalise(dir, path);
	if (norm == NULL) {
		if (bad != NULL)
			*bad = 1;
		else
			diag_err(lc->e->path, line, col, "link \"%s\" points "
			    "outside the content folder", url);
		goto out;
	}
	key.rel = norm;
	t = bsearch(&key, lc->ld->targets, lc->ld->targetsz,
	    sizeof(*t), target_cmp);
	if (t != NULL && t->url == NULL) {
		if (bad != NULL)
			*bad = 1;
		else
			diag_err(lc->e->path, line, col, "link to \"%s\", a "
			    "draft: it is not published (build with "
			    "--drafts to see it)", url);
		goto out;
	}
	if (t != NULL) {
		res = xasprintf("%s%s%s", lc->root, t->url, frag);
		goto out;
	}
	free(path);
	path = path_join(lc->ld->kb->content, norm);
	if (bad != NULL && (stat(path, &st) == -1 || (strlen(norm) > 3 &&
	    strcmp(norm + strlen(norm) - 3, ".md") == 0 &&
	    !in_entry_dir(norm))))
		*bad = 1;
	else if (bad != NULL)
		;
	else if (stat(path, &st) == -1)
		diag_err(lc->e->path, line, col, "link to a missing file: "
		    "\"%s\" (no %s)", url, path);
	else if (strlen(norm) > 3 &&
	    strcmp(norm + strlen(norm) - 3, ".md") == 0 &&
	    !in_entry_dir(norm))
		diag_err(lc->e->path, line, col, "link to \"%s\": that file "
		    "is not a page of the site (only files in usecases/, "
		    "people/, hackathons/ and pages/ are)", url);
out:
	free(norm);
	free(dir);
	free(path);
	free(frag);
	return res;
}

/*
 * The body cache.  A body's HTML depends on its bytes, on where its
 * entry lies (relative links), on its first line (the positions of
 * the resolver's messages), on unsafe_html, and on what each of its
 * relative links resolves to.  The store keeps, per entry file, a key
 * of the first four, the links asked with their answers, and the
 * HTML; a build whose key matches asks the same links again, without
 * a word, and takes the HTML when every answer is the same.  Only
 * bodies that rendered without a message are kept, so that a kept one
 * says nothing either.  A link's answer depends on the targets (the
 * entries' pages, drafts) and on which files exist: when both are as
 * when the record was kept (the record's ENV, link_env), the answers
 * are too, and the links are not asked again.  Record: "KEY ENV N
 * LINKSZ HTMLSZ\n", then LINKSZ bytes of, per link, "LINE COL URLSZ
 * RESSZ|-\n" URL RES, then the HTML.
 */
struct bodyrec {
	struct linkctx	*lc;
	struct buf	 links;	/* the links asked, as in the record */
	size_t		 n;
};

static uint64_t
body_key(const struct loader *ld, const struct entry *e, const char *root)
{
	uint64_t	 h;
	size_t		 line = e->bodyline;
	int		 unsafe = ld->kb->site.unsafe_html;

	h = hash64(KBGEN_VERSION, sizeof(KBGEN_VERSION), e->bodyhash);
	h = hash64(e->relpath, strlen(e->relpath) + 1, h);
	h = hash64(root, strlen(root) + 1, h);
	h = hash64(&line, sizeof(line), h);
	return hash64(&unsafe, sizeof(unsafe), h);
}

/*
 * What every link of a body resolves against: the targets (sorted),
 * and files, the caller's hash of which files exist below content/
 * (0: unknown, and so is the result).
 */
static uint64_t
link_env(const struct loader *ld, uint64_t files)
{
	const char	*url;
	uint64_t	 h;
	size_t		 i;

	if (files == 0)
		return 0;
	h = hash64(&files, sizeof(files), 0);
	for (i = 0; i < ld->targetsz; i++) {
		h = hash64(ld->targets[i].rel, strlen(ld->targets[i].rel) + 1,
		    h);
		url = ld->targets[i].url;	/* NULL: a draft */
		h = hash64(url != NULL ? url : "", url != NULL ?
		    strlen(url) + 1 : 0, h);
	}
	return h != 0 ? h : 1;
}

static char *
resolve_link(void *arg, const char *url, size_t line, size_t col)
{
	return resolve_at(arg, url, line, col, NULL);
}

/* resolve_link, noting the question and the answer. */
static char *
resolve_noted(void *arg, const char *url, size_t line, size_t col)
{
	struct bodyrec	*br = arg;
	char		*res;

	res = resolve_at(br->lc, url, line, col, NULL);
	if (res != NULL)
		buf_printf(&br->links, "%zu %zu %zu %zu\n", line, col,
		    strlen(url), strlen(res));
	else
		buf_printf(&br->links, "%zu %zu %zu -\n", line, col,
		    strlen(url));
	buf_puts(&br->links, url);
	if (res != NULL)
		buf_puts(&br->links, res);
	br->n++;
	return res;
}

/* A body record's head, as read by bhead_read. */
struct bhead {
	uint64_t	 key;
	uint64_t	 env;
	size_t		 n;	/* links */
	size_t		 linksz;
	size_t		 htmlsz;
	size_t		 off;	/* where the links start */
};

/*
 * The head of a body record whose first bytes are rec (NUL-terminated,
 * the head in them) and whose size is recsz.  0 when it is no head, or
 * its sizes do not add up to recsz.
 */
static int
bhead_read(const char *rec, size_t recsz, struct bhead *h)
{
	unsigned long long k, env;
	const char	*nl;

	if (sscanf(rec, "%llx %llx %zu %zu %zu", &k, &env, &h->n,
	    &h->linksz, &h->htmlsz) != 5 || (nl = strchr(rec, '\n')) == NULL)
		return 0;
	h->key = k;
	h->env = env;
	h->off = (size_t)(nl + 1 - rec);
	return h->off <= recsz && recsz - h->off == h->linksz + h->htmlsz;
}

/* Append a body record's head to b. */
static void
bhead_write(struct buf *b, uint64_t key, uint64_t env, size_t n,
    size_t linksz, size_t htmlsz)
{
	buf_printf(b, "%016llx %016llx %zu %zu %zu\n", (unsigned long long)key,
	    (unsigned long long)env, n, linksz, htmlsz);
}

/*
 * The HTML of a kept record when its key is key and its links answer
 * as they did, else NULL.  The HTML is moved to the front of rec (a
 * string of recsz bytes), which the caller then owns as the HTML.
 * When the links had to be asked (another ENV) and answered the same,
 * the record's head and links under this build's ENV go into renew, to
 * be kept again, so that the next build need not ask.
 */
static char *
body_kept(struct linkctx *lc, char *rec, size_t recsz, uint64_t key,
    struct buf *renew)
{
	const char	*p, *end = rec + recsz, *links;
	char		*url, *res, *q;
	struct bhead	 h;
	size_t		 n, i, line, col, usz, rsz;
	int		 bad = 0, same, hasres;

	if (!bhead_read(rec, recsz, &h) || h.key != key)
		return NULL;
	p = links = rec + h.off;
	n = h.n;
	/* Nothing they resolve against changed: no need to ask. */
	if (lc->ld->env != 0 && h.env == lc->ld->env) {
		p += h.linksz;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if ((q = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		rsz = 0;
		hasres = sscanf(p, "%zu %zu %zu %zu", &line, &col, &usz,
		    &rsz) == 4;
		p = q + 1;
		if ((size_t)(end - p) < usz + rsz)
			return NULL;
		url = xstrndup(p, usz);
		res = resolve_at(lc, url, line, col, &bad);
		same = !bad && (hasres ? res != NULL && strlen(res) == rsz &&
		    memcmp(res, p + usz, rsz) == 0 : res == NULL);
		free(url);
		free(res);
		if (!same)
			return NULL;
		p += usz + rsz;
	}
	if ((size_t)(p - links) != h.linksz)
		return NULL;
	if (lc->ld->env != 0 && h.env != lc->ld->env) {
		bhead_write(renew, key, lc->ld->env, h.n, h.linksz, h.htmlsz);
		buf_put(renew, links, h.linksz);
	}
	memmove(rec, p, h.htmlsz);
	rec[h.htmlsz] = '\0';
	return rec;
}

/* How render_body came by a body's HTML (KBGEN_TIMING counts them). */
#define BODY_NONE	0	/* it has none, or failed */
#define BODY_KEPT	1	/* kept, its links not asked */
#define BODY_ASKED	2	/* kept, its links asked again */
#define BODY_RENDERED	3
#define BODY_LAZY	4	/* kept, left in the store until asked */

static int
render_body(struct loader *ld, struct entry *e, const char *root,
    char **rec, size_t recsz, struct buf *keep)
{
	struct md_opts	 opts;
	struct md_out	 out;
	struct linkctx	 lc;
	struct bodyrec	 br;
	uint64_t	 key = 0;
	size_t		 said;
	int		 how = BODY_RENDERED;

	memset(&opts, 0, sizeof(opts));
	memset(&out, 0, sizeof(out));
	memset(&br, 0, sizeof(br));
	lc.ld = ld;
	lc.e = e;
	lc.root = root;
	if (e->body == NULL && !e->cached)
		return BODY_NONE;
	if (ld->idx != NULL) {
		key = body_key(ld, e, root);
		if (*rec != NULL &&
		    (out.html = body_kept(&lc, *rec, recsz, key, keep)) !=
		    NULL) {
			*rec = NULL;	/* it is the HTML now */
			how = keep->sz > 0 ? BODY_ASKED : BODY_KEPT;
			goto done;
		}
	}
	if (!entry_text(e, ld->kb->site.max_file))
		return BODY_NONE;
	br.lc = &lc;
	opts.path = e->path;
	opts.line0 = e->bodyline - 1;
	opts.unsafe = ld->kb->site.unsafe_html;
	opts.resolve = ld->idx != NULL ? resolve_noted : resolve_link;
	opts.arg = ld->idx != NULL ? (void *)&br : (void *)&lc;
	said = diag_mine();
	if (!md_render(e->body, e->bodysz, &opts, &out)) {
		buf_free(&br.links);
		return BODY_NONE;
	}
	if (ld->idx != NULL && diag_mine() == said) {
		bhead_write(keep, key, ld->env, br.n, br.links.sz,
		    strlen(out.html));
		if (br.links.sz > 0)
			buf_put(keep, br.links.data, br.links.sz);
		/* The HTML follows, from e->html, when it is kept. */
	}
	buf_free(&br.links);
done:
	e->html = out.html;
	/* The front matter was copied into meta: the text can go. */
	free(e->text);
	e->text = NULL;
	e->body = NULL;
	e->bodysz = 0;
	return how;
}

/*
 * Whether e's body is kept in the store as this build would render it
 * (its key, and the same ENV, so that its links need no asking): then
 * its HTML is left there for kb_html, and only the record's head is
 * read now.
 */
static int
body_lazy(struct loader *ld, struct entry *e, const char *root)
{
	char		 head[128];
	struct bhead	 h;
	size_t		 recsz;
	uint64_t	 key;

	if (ld->idx == NULL || ld->env == 0 || (e->body == NULL && !e->cached))
		return 0;
	key = body_key(ld, e, root);
	if (idx_peek_rec(ld->idx, "bodies", e->relpath, head, sizeof(head),
	    &recsz) != 1 || !bhead_read(head, recsz, &h) || h.key != key ||
	    h.env != ld->env)
		return 0;
	e->lazy = 1;
	e->htmlkey = key;
	free(e->text);
	e->text = NULL;
	e->body = NULL;
	e->bodysz = 0;
	return 1;
}

/* Reads of kept bodies (kb_html), one at a time. */
static pthread_mutex_t	 html_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * See model/model.h.  The record was checked when the model was loaded
 * (body_lazy); it is checked again, and one gone or changed since (no
 * build writes the store while another runs) fails the build.
 */
const char *
kb_html(const struct kb *kb, const struct entry *ce)
{
	struct entry	*e = (struct entry *)ce;	/* html, on first use */
	struct bhead	 h;
	size_t		 recsz;
	char		*rec = NULL;

	if (!ce->lazy)
		return ce->html;
	pthread_mutex_lock(&html_lock);
	if (e->html == NULL) {
		if (kb->idx != NULL && idx_get_rec(kb->idx, "bodies",
		    e->relpath, &rec, &recsz) == 1 &&
		    bhead_read(rec, recsz, &h) && h.key == e->htmlkey &&
		    h.env == kb->env) {
			memmove(rec, rec + h.off + h.linksz, h.htmlsz);
			rec[h.htmlsz] = '\0';
			e->html = rec;
			rec = NULL;
		} else {
			diag_err(e->path, 0, 0, "its rendered body left the "
			    "cache (.kbgen/) during the build; build again");
			e->html = xstrdup("");
		}
	}
	pthread_mutex_unlock(&html_lock);
	free(rec);
	return e->html;
}

/* Every body of the knowledge base, rendered by several threads. */
struct bodies {
	struct loader	*ld;
	struct entry	**es;
	const char	**roots;
	struct buf	*keep;	/* new records to keep, empty for none */
	char		*how;	/* what render_body said, per body */
};

/*
 * One body, on a worker: its kept record is read here (the store's
 * reads may run on any thread while no write is open) and dropped at
 * once, so that no more than a few are in memory.
 */
static void
render_one(void *arg, size_t i)
{
	struct bodies	*b = arg;
	char		*rec = NULL;
	size_t		 recsz = 0;

	if (body_lazy(b->ld, b->es[i], b->roots[i])) {
		b->how[i] = BODY_LAZY;
		return;
	}
	if (b->ld->idx != NULL && idx_get_rec(b->ld->idx, "bodies",
	    b->es[i]->relpath, &rec, &recsz) != 1)
		rec = NULL;
	b->how[i] = (char)render_body(b->ld, b->es[i], b->roots[i], &rec,
	    recsz, &b->keep[i]);
	free(rec);
}

/* The bodies rendered anew, for kb_keep_bodies. */
static void
bodies_note(struct kb *kb, struct bodies *bd, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (bd->keep[i].sz == 0 || bd->es[i]->html == NULL)
			continue;
		/* A list of strings: val_set would look each up. */
		if (kb->bodykeep == NULL)
			kb->bodykeep = val_list();
		(void)val_push(kb->bodykeep, val_str(buf_cstr(&bd->keep[i])));
		kb->bodyents = xreallocarray(kb->bodyents,
		    kb->bodykeep->kidsz, sizeof(*kb->bodyents));
		kb->bodyents[kb->bodykeep->kidsz - 1] = bd->es[i];
	}
}

/*
 * See model/model.h.
 */
int
kb_keep_bodies(const struct kb *kb, struct idx *idx)
{
	const struct val *v = kb->bodykeep;
	const struct entry *e;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	if (v == NULL || v->kidsz == 0)
		return 1;
	if (!idx_begin(idx))
		return 0;
	for (i = 0; i < v->kidsz; i++) {
		e = kb->bodyents[i];
		buf_reset(&b);
		buf_put(&b, v->kids[i]->str, v->kids[i]->strsz);
		buf_puts(&b, e->html);
		if (!idx_put_rec(idx, "bodies", e->relpath, b.data, b.sz)) {
			buf_free(&b);
			idx_abort(idx);
			return 0;
		}
	}
	buf_free(&b);
	return idx_commit(idx);
}

/* Move the new fm records of a kind of entries into kb->fmkeep. */
static void
take_fm(struct kb *kb, struct entry *const *es, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (es[i]->fmrec == NULL)
			continue;
		kb->fmkeep = xreallocarray(kb->fmkeep, kb->fmkeepsz + 1,
		    sizeof(*kb->fmkeep));
		kb->fmkeep[kb->fmkeepsz].rel = xstrdup(es[i]->relpath);
		kb->fmkeep[kb->fmkeepsz].rec = es[i]->fmrec;
		kb->fmkeep[kb->fmkeepsz].recsz = es[i]->fmrecsz;
		kb->fmkeepsz++;
		es[i]->fmrec = NULL;
	}
}

/*
 * See model/model.h.
 */
int
kb_keep_fm(struct kb *kb, struct idx *idx)
{
	size_t	 i;
	int	 ok;

	if (kb->fmkeepsz == 0)
		return 1;
	if (!idx_begin(idx))
		return 0;
	for (i = 0; i < kb->fmkeepsz; i++)
		if (!idx_put_rec(idx, "fm", kb->fmkeep[i].rel,
		    kb->fmkeep[i].rec, kb->fmkeep[i].recsz)) {
			idx_abort(idx);
			return 0;
		}
	ok = idx_commit(idx);
	for (i = 0; i < kb->fmkeepsz; i++) {
		free(kb->fmkeep[i].rel);
		free(kb->fmkeep[i].rec);
	}
	free(kb->fmkeep);
	kb->fmkeep = NULL;
	kb->fmkeepsz = 0;
	return ok;
}

/*
 * Read the entries of one folder into a new array of structures of
 * size elemsz whose first member is a struct entry.
 */
/* One folder being read by several threads. */
struct dirload {
	struct file	*fs;
	struct entry	**out;	/* NULL where the file could not be used */
	size_t		 elemsz;
	const char	*what;
	const struct fld *flds;
	size_t		 max;	/* max_file_size in bytes */
	struct fcache	*fc;	/* may be NULL */
};

static void
load_one(void *arg, size_t i)
{
	struct dirload	*dl = arg;
	struct entry	*e;

	e = xcalloc(1, dl->elemsz);
	if (!entry_read(e, &dl->fs[i], dl->what, dl->flds, dl->max,
	    dl->fc)) {
		entry_free(e);
		free(e);
		e = NULL;
	}
	dl->out[i] = e;
}

/*
 * Read the entries of one folder into a new array of structures of
 * size elemsz whose first member is a struct entry, sorted by slug.
 */
static void **
load_dir(struct kb *kb, const char *sub, size_t elemsz, const char *what,
    const struct fld *flds, struct fcache *fc, size_t *outsz)
{
	struct dirload	 dl;
	size_t		 fsz = 0, i, n = 0;
	char		*dir;

	memset(&dl, 0, sizeof(dl));
	dir = path_join(kb->content, sub);
	walk(kb->realroot, kb->tree, dir, sub, ".md", &dl.fs, &fsz);
	free(dir);
	dl.out = xcalloc(fsz, sizeof(struct entry *));
	dl.elemsz = elemsz;
	dl.what = what;
	dl.flds = flds;
	dl.max = kb->site.max_file;
	dl.fc = fc;
	par_for(fsz, kb->jobs, load_one, &dl);
	for (i = 0; i < fsz; i++)
		if (dl.out[i] != NULL)
			dl.out[n++] = dl.out[i];
	files_free(dl.fs, fsz);
	dup_slugs(dl.out, n, what);
	*outsz = n;
	return (void **)dl.out;
}

/*
 * Drop drafts (unless kept) from an array of entries.
 */
static void
drop_drafts(void **arr, size_t *n, int keep, void (*fr)(void *))
{
	size_t	 i, j = 0;

	for (i = 0; i < *n; i++) {
		if (!keep && ((struct entry *)arr[i])->draft)
			fr(arr[i]);
		else
			arr[j++] = arr[i];
	}
	*n = j;
}

static void
uc_free(void *p)
{
	struct usecase	*uc = p;
	int		 d;

	if (uc == NULL)
		return;
	entry_free(&uc->e);
	val_free(uc->prov);
	val_free(uc->hist);
	val_free(uc->runs);
	val_free(uc->outputs);
	for (d = 0; d < DIM__MAX; d++)
		free(uc->terms[d]);
	free(uc->contacts);
	free(uc);
}

static void
person_free(void *p)
{
	struct person	*pe = p;

	if (pe == NULL)
		return;
	entry_free(&pe->e);
	free(pe->expertise);
	free(pe->ucs);
	free(pe);
}

static void
plain_free(void *p)
{
	if (p == NULL)
		return;
	entry_free(p);
	free(p);
}

/*
 * The use case of a slug, borrowed, or NULL.  Use cases are sorted.
 */
struct usecase *
kb_usecase(const struct kb *kb, const char *slug)
{
	size_t	 lo = 0, hi = kb->ucsz, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(slug, kb->ucs[mid]->e.slug);
		if (c == 0)
			return kb->ucs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * The person of an id, borrowed, or NULL.  People are sorted by id.
 */
struct person *
kb_person(const struct kb *kb, const char *id)
{
	size_t	 lo = 0, hi = kb->peoplesz, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(id, kb->people[mid]->e.slug);
		if (c == 0)
			return kb->people[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * The position of p in kb->people.
 */
size_t
kb_person_index(const struct kb *kb, const struct person *p)
{
	size_t	 i;

	for (i = 0; i < kb->peoplesz; i++)
		if (kb->people[i] == p)
			return i;
	return 0;
}

static void
link_back(struct kb *kb)
{
	struct usecase	*uc;
	struct term	*t;
	struct person	*p;
	size_t		 i, j;
	int		 d;

	for (i = 0; i < kb->ucsz; i++) {
		uc = kb->ucs[i];
		/*
		 * A use case of a term is one of its broader terms too
		 * (LSTM under RNN); a term is visited once per use case.
		 */
		for (d = 0; d < DIM__MAX; d++)
			for (j = 0; j < uc->termsz[d]; j++) {
				for (t = uc->terms[d][j]; t != NULL;
				    t = t->parent) {
					if (t->ucsz > 0 &&
					    t->ucs[t->ucsz - 1] == uc)
						continue;
					t->ucs = xreallocarray(t->ucs,
					    t->ucsz + 1, sizeof(*t->ucs));
					t->ucs[t->ucsz++] = uc;
				}
			}
		for (j = 0; j < uc->contactsz; j++) {
			p = uc->contacts[j];
			if (p->ucsz > 0 && p->ucs[p->ucsz - 1] == uc)
				continue;
			p->ucs = xreallocarray(p->ucs, p->ucsz + 1,
			    sizeof(*p->ucs));
			p->ucs[p->ucsz++] = uc;
		}
	}
}

/*
 * Readers must be able to reach the people the site sends them to: a
 * use case's contact, a hackathon's tutor, an expert (a person with
 * expertise, listed by "find an expert").  One who gives no email, url
 * or orcid that lint takes, on a site with no contact either, is a
 * warning at their name, which --strict leaves a warning: the content
 * is valid, and kbgen init's starter has such a placeholder person.
 * Drafts left out count for nothing.
 */
static void
check_reach(const struct kb *kb)
{
	const struct person *p;
	const struct val *v;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j, k, n;
	int		 tutor;

	if (kb->site.contact != NULL)
		return;
	for (i = 0; i < kb->peoplesz; i++) {
		p = kb->people[i];
		if (p->email != NULL || p->web != NULL || p->orcid != NULL)
			continue;
		/* An address given but refused was reported already. */
		if (val_get_str(p->e.meta, "email") != NULL ||
		    val_get_str(p->e.meta, "url") != NULL ||
		    val_get_str(p->e.meta, "orcid") != NULL)
			continue;
		tutor = 0;
		for (j = 0; j < kb->hacksz && !tutor; j++) {
			v = val_get(kb->hacks[j]->e.meta, "tutors");
			n = val_count(v);
			for (k = 0; k < n && !tutor; k++)
				tutor = val_item(v, k)->str != NULL &&
				    strcmp(val_item(v, k)->str, p->e.slug) == 0;
		}
		b.sz = 0;
		if (p->ucsz > 0)
			buf_puts(&b, "a use case's contact");
		if (tutor)
			buf_printf(&b, "%sa tutor", b.sz > 0 ? ", " : "");
		if (p->expertisesz > 0)
			buf_printf(&b, "%san expert", b.sz > 0 ? ", " : "");
		if (b.sz == 0)
			continue;
		v = val_get(p->e.meta, "name");
		diag_advise(p->e.path, v != NULL ? v->line : 1, v != NULL ?
		    v->col : 1, "%s (%s) cannot be reached: give \"email\", "
		    "\"url\" or \"orcid\", or the site a \"contact\" in "
		    "site.yaml", p->name != NULL ? p->name : p->e.slug,
		    buf_cstr(&b));
	}
	buf_free(&b);
}

static void
default_added(struct usecase *uc)
{
	struct stat	 st;
	char		*date;

	if (uc->added != NULL || stat(uc->e.path, &st) == -1)
		return;
	date = utc_text(st.st_mtime, 1);
	val_set_str(uc->e.meta, "added", date);
	free(date);
	uc->added = val_get_str(uc->e.meta, "added");
	uc->added_guess = 1;
}

/*
 * Load and check the knowledge base under root (content/ below it).
 * Returns NULL only when there is nothing to load (no content folder);
 * otherwise the model, possibly with errors counted by diag.  Free
 * with kb_free.
 */
struct kb *
kb_load(const char *root, int drafts, int jobs)
{
	return kb_load_cached(root, drafts, jobs, NULL, NULL);
}

/* How many entries were read from their files, not from the cache. */
static size_t
read_count(const struct kb *kb)
{
	size_t	 i, n = 0;

	for (i = 0; i < kb->ucsz; i++)
		n += !kb->ucs[i]->e.cached;
	for (i = 0; i < kb->peoplesz; i++)
		n += !kb->people[i]->e.cached;
	for (i = 0; i < kb->pagesz; i++)
		n += !kb->pages[i]->e.cached;
	for (i = 0; i < kb->hacksz; i++)
		n += !kb->hacks[i]->e.cached;
	return n;
}

/* load_person, on a worker: each reads the taxonomy, writes its own. */
static void
person_one(void *arg, size_t i)
{
	struct kb	*kb = arg;

	load_person(kb, kb->people[i]);
}

/* load_usecase, on a worker, once every person is loaded. */
static void
usecase_one(void *arg, size_t i)
{
	struct kb	*kb = arg;

	load_usecase(kb, kb->ucs[i]);
	default_added(kb->ucs[i]);
}

/*
 * See model/model.h.
 */
struct kb *
kb_load_cached(const char *root, int drafts, int jobs, struct fcache *fc,
    const struct ftree *tree)
{
	struct kb	*kb;
	struct loader	 ld;
	struct bodies	 bd;
	struct stat	 st;
	char		*p;
	size_t		 i, n;

	kb = xcalloc(1, sizeof(*kb));
	kb->root = xstrdup(root);
	kb->content = path_join(root, "content");
	kb->realroot = realpath(root, NULL);
	kb->drafts = drafts;
	kb->tree = tree;
	kb->jobs = jobs;
	if (stat(kb->content, &st) == -1 || !S_ISDIR(st.st_mode)) {
		diag_err(kb->content, 0, 0, "no content folder here (run "
		    "kbgen in a knowledge base's root, or name it with -C "
		    "DIR)");
		kb_free(kb);
		return NULL;
	}
	/* A file is read in several passes: report it top to bottom. */
	diag_hold();
	p = path_join(kb->content, "site.yaml");
	(void)site_config_load(&kb->site, p, !outside(kb, p));
	free(p);
	p = path_join(kb->content, "taxonomy.yaml");
	if (!outside(kb, p))
		(void)tax_load(&kb->tax, p);
	free(p);

	kb->people = (struct person **)load_dir(kb, "people",
	    sizeof(struct person), "person", person_flds, fc, &kb->peoplesz);
	kb->ucs = (struct usecase **)load_dir(kb, "usecases",
	    sizeof(struct usecase), "use case", uc_flds, fc, &kb->ucsz);
	kb->pages = (struct page **)load_dir(kb, "pages",
	    sizeof(struct page), "page", page_flds, fc, &kb->pagesz);
	kb->hacks = (struct hackathon **)load_dir(kb, "hackathons",
	    sizeof(struct hackathon), "hackathon", hack_flds, fc,
	    &kb->hacksz);

	if (getenv("KBGEN_TIMING") != NULL)
		fprintf(stderr, "kbgen: load: %zu of %zu entries read and "
		    "parsed\n", read_count(kb), kb->ucsz + kb->peoplesz +
		    kb->pagesz + kb->hacksz);
	/* Each kind's first member is its struct entry. */
	take_fm(kb, (struct entry *const *)kb->ucs, kb->ucsz);
	take_fm(kb, (struct entry *const *)kb->people, kb->peoplesz);
	take_fm(kb, (struct entry *const *)kb->pages, kb->pagesz);
	take_fm(kb, (struct entry *const *)kb->hacks, kb->hacksz);
	/* People first: use cases name them. */
	par_for(kb->peoplesz, kb->jobs, person_one, kb);
	par_for(kb->ucsz, kb->jobs, usecase_one, kb);
	for (i = 0; i < kb->pagesz; i++) {
		const struct val *m = val_get(kb->pages[i]->e.meta, "menu");

		kb->pages[i]->menu = m != NULL && m->str != NULL ?
		    strtol(m->str, NULL, 10) : -1;
		if (url_reserved(kb->pages[i]->e.slug))
			diag_err(kb->pages[i]->e.path, 1, 1, "page slug "
			    "\"%s\" is reserved for the site's own pages; "
			    "rename the file", kb->pages[i]->e.slug);
	}
	for (i = 0; i < kb->hacksz; i++)
		load_hackathon(kb, kb->hacks[i]);
	load_seminars(kb);

	/* Drafts are checked like everything else, then left out. */
	memset(&ld, 0, sizeof(ld));
	ld.kb = kb;
	ld.idx = fc != NULL ? fc_idx(fc) : NULL;
	if (!drafts) {
		draft_targets(&ld, (struct entry **)kb->ucs, kb->ucsz);
		draft_targets(&ld, (struct entry **)kb->people, kb->peoplesz);
		draft_targets(&ld, (struct entry **)kb->pages, kb->pagesz);
		draft_targets(&ld, (struct entry **)kb->hacks, kb->hacksz);
	}
	drop_drafts((void **)kb->ucs, &kb->ucsz, drafts, uc_free);
	drop_drafts((void **)kb->people, &kb->peoplesz, drafts, person_free);
	drop_drafts((void **)kb->pages, &kb->pagesz, drafts, plain_free);
	drop_drafts((void **)kb->hacks, &kb->hacksz, drafts, plain_free);
	for (i = 0; i < kb->ucsz; i++)
		kb->ucs[i]->pos = i;
	link_back(kb);
	check_reach(kb);

	for (i = 0; i < kb->ucsz; i++)
		add_target(&ld, &kb->ucs[i]->e,
		    url_usecase(kb->ucs[i]->e.slug));
	for (i = 0; i < kb->peoplesz; i++)
		add_target(&ld, &kb->people[i]->e,
		    url_person(kb->people[i]->e.slug));
	for (i = 0; i < kb->pagesz; i++)
		add_target(&ld, &kb->pages[i]->e,
		    url_page(kb->pages[i]->e.slug));
	for (i = 0; i < kb->hacksz; i++)
		add_target(&ld, &kb->hacks[i]->e,
		    url_hackathon(kb->hacks[i]->e.slug));
	seminar_targets(&ld, kb->seminars);
	xqsort(ld.targets, ld.targetsz, sizeof(*ld.targets), target_cmp);
	ld.env = link_env(&ld, tree != NULL ? ftree_names(tree, root) : 0);
	kb->idx = ld.idx;
	kb->env = ld.env;
	n = kb->ucsz + kb->peoplesz + kb->pagesz + kb->hacksz;
	bd.ld = &ld;
	bd.es = xcalloc(n, sizeof(*bd.es));
	bd.roots = xcalloc(n, sizeof(*bd.roots));
	n = 0;
	for (i = 0; i < kb->ucsz; i++, n++) {
		bd.es[n] = &kb->ucs[i]->e;
		bd.roots[n] = "../../";
	}
	for (i = 0; i < kb->peoplesz; i++, n++) {
		bd.es[n] = &kb->people[i]->e;
		bd.roots[n] = "../../";
	}
	for (i = 0; i < kb->pagesz; i++, n++) {
		bd.es[n] = &kb->pages[i]->e;
		bd.roots[n] = "../";
	}
	for (i = 0; i < kb->hacksz; i++, n++) {
		bd.es[n] = &kb->hacks[i]->e;
		bd.roots[n] = "../../";
	}
	bd.keep = xcalloc(n + 1, sizeof(*bd.keep));
	bd.how = xcalloc(n + 1, 1);
	par_for(n, kb->jobs, render_one, &bd);
	bodies_note(kb, &bd, n);
	if (getenv("KBGEN_TIMING") != NULL) {
		size_t	 c[5] = { 0, 0, 0, 0, 0 };

		for (i = 0; i < n; i++)
			c[(int)bd.how[i]]++;
		fprintf(stderr, "kbgen: load: %zu of %zu bodies rendered, "
		    "%zu kept with their links asked again, %zu left in the "
		    "store\n", c[BODY_RENDERED], n, c[BODY_ASKED],
		    c[BODY_LAZY]);
	}
	free(bd.how);
	for (i = 0; i < n; i++)
		buf_free(&bd.keep[i]);
	free(bd.keep);
	free(bd.es);
	free(bd.roots);
	for (i = 0; i < ld.targetsz; i++) {
		free(ld.targets[i].url);
		free(ld.targets[i].relcopy);
	}
	free(ld.targets);
	kb->tree = NULL;	/* the caller's, and only for loading */
	diag_release();
	return kb;
}

/*
 * See model/model.h.  libgit2 is started only when some use case has a file
 * to look for.
 */
void
kb_check_pinned(struct kb *kb, const char *cache)
{
	const struct usecase *uc;
	const struct val *v;
	const char	*commit, *url;
	char		*in, *dir;
	struct stat	 st;
	size_t		 i;
	int		 started = 0;

	for (i = 0; i < kb->ucsz; i++) {
		uc = kb->ucs[i];
		v = val_get(val_get(uc->e.meta, "run"), "requirements");
		if (v == NULL || v->str == NULL ||
		    strcmp(v->str, "none") == 0 || uc->repository == NULL ||
		    uc->prov == NULL)
			continue;
		commit = val_get_str(uc->prov, "commit");
		url = val_get_str(uc->repository, "url");
		if (commit == NULL || url == NULL)
			continue;
		/* Malformed paths were reported when the entry was loaded. */
		if ((in = requirements_path(uc, v->str)) == NULL)
			continue;
		dir = repo_cache_dir(cache, url);
		if (*in == '\0' || stat(dir, &st) == -1 ||
		    (!started && !(started = gs_init()))) {
			free(dir);
			free(in);
			continue;
		}
		if (gs_path_exists(dir, commit, in) == 0)
			diag_err(uc->e.path, v->line, v->col, "requirements "
			    "file \"%s\" does not exist at commit %.12s of %s",
			    in, commit, url);
		free(dir);
		free(in);
	}
	if (started)
		gs_shutdown();
}

void
kb_free(struct kb *kb)
{
	size_t	 i;

	if (kb == NULL)
		return;
	for (i = 0; i < kb->ucsz; i++)
		uc_free(kb->ucs[i]);
	free(kb->ucs);
	for (i = 0; i < kb->peoplesz; i++)
		person_free(kb->people[i]);
	free(kb->people);
	for (i = 0; i < kb->pagesz; i++)
		plain_free(kb->pages[i]);
	free(kb->pages);
	for (i = 0; i < kb->hacksz; i++)
		plain_free(kb->hacks[i]);
	free(kb->hacks);
	val_free(kb->seminars);
	val_free(kb->bodykeep);
	free(kb->bodyents);
	for (i = 0; i < kb->fmkeepsz; i++) {
		free(kb->fmkeep[i].rel);
		free(kb->fmkeep[i].rec);
	}
	free(kb->fmkeep);
	tax_free(&kb->tax);
	site_config_free(&kb->site);
	free(kb->content);
	free(kb->realroot);
	free(kb->root);
	free(kb);
}
