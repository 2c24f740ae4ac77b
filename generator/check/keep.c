/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What a run leaves for the site, kept after its job folder is pruned:
 * the executed notebook (JOB/work/output.ipynb) when a notebook ran,
 * the captured output (JOB/work/output.log), and the image files the
 * example wrote under $KBGEN_OUTPUT (JOB/work/output), copied into a
 * content-addressed store, CACHE/outputs/sha256/AB/HEX, beside a
 * manifest of the run (model/model.h gives its shape), and the store's
 * run_outputs record of the use case (last, passing, previous_passing
 * manifests).  Also kbgen check --prune's sweep of the blobs that no
 * kept manifest reaches.
 *
 * Everything under work/ is the job's, which is untrusted: files are
 * opened relative to the folder's descriptor without following links
 * (a link to /etc/passwd stays a link), only regular files are read,
 * never more than the limits allow, and an image's type comes from its
 * first bytes, never from its name.  Problems are warnings naming the
 * use case and the file; a run is never failed for its outputs.  It
 * does not read the repository's own notebook, nor render anything.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "model/model.h"
#include "check/private.h"

#define KEEP_DEPTH	8	/* folders below $KBGEN_OUTPUT */
#define KEEP_SCAN	4096	/* entries looked at, at most */

/* One file found under the output folder. */
struct found {
	char		*name;	/* sanitised path below the folder, owned */
	const char	*type;	/* MIME type, static */
	char		 ref[KEEP_REF_SIZE];
	size_t		 size;
};

/* One walk of the output folder. */
struct walk {
	const char	*slug;
	const struct keep_limits *lim;
	const char	*cache;
	struct found	*fs;
	size_t		 fsz;
	size_t		 seen;	/* entries looked at */
	long long	 total;	/* bytes kept so far */
	int		 full;	/* said so already */
	struct buf	*warn;	/* warnings, one a line */
};

/*
 * The lock between keeping (shared: blobs written, then the record)
 * and pruning (exclusive): a blob written but not yet recorded is not
 * swept.  -1 when it cannot be had (then nothing is pruned).
 */
static int
store_lock(const char *cache, int op)
{
	char	*dir = xasprintf("%s/outputs", cache), *p;
	int	 fd;

	(void)mkdirs(dir);
	p = xasprintf("%s/.lock", dir);
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd != -1 && flock(fd, op) == -1) {
		close(fd);
		fd = -1;
	}
	free(p);
	free(dir);
	return fd;
}

/*
 * See check/private.h.  Written beside its place and renamed in, so a
 * reader never sees half a blob; a blob already there is not written
 * again (two jobs writing the same one end with the same bytes).
 */
int
keep_blob(const char *cache, const void *data, size_t sz,
    char ref[KEEP_REF_SIZE])
{
	char		 hex[SHA256_HEX_LEN + 1], *dir, *p;
	struct stat	 st;
	int		 ok = 0;

	sha256_hex(data, sz, hex);
	snprintf(ref, KEEP_REF_SIZE, "sha256:%s", hex);
	dir = xasprintf("%s/outputs/sha256/%.2s", cache, hex);
	p = xasprintf("%s/%s", dir, hex);
	if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == sz) {
		ok = 1;
		goto out;
	}
	ok = mkdirs(dir) && file_replace(p, data, sz, 0);
out:
	free(p);
	free(dir);
	return ok;
}

/*
 * Read the regular file name under folder dfd, not following a link,
 * not waiting on a FIFO: at most max bytes.  Returns 1 with *data (new,
 * caller frees) and *sz; 0 absent or not a regular file (*why static
 * text, or NULL when simply absent); -1 over max (*sz its size).
 */
static int
read_at(int dfd, const char *name, long long max, char **data, size_t *sz,
    const char **why)
{
	struct stat	 st;
	char		*b = NULL;
	size_t		 off = 0;
	int		 fd, rc = 0;

	*data = NULL;
	*sz = 0;
	*why = NULL;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno == ELOOP)
			*why = "a link, not followed";
		else if (errno != ENOENT)
			*why = "cannot be opened";
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		goto out;
	}
	*sz = (size_t)st.st_size;
	if (st.st_size > max) {
		rc = -1;
		goto out;
	}
	b = xmalloc((size_t)st.st_size + 1);
	/* It cannot grow now (the job is over), but never read past. */
	off = fd_read_n(fd, b, (size_t)st.st_size);
	b[off] = '\0';
	*data = b;
	*sz = off;
	b = NULL;
	rc = 1;
out:
	free(b);
	close(fd);
	return rc;
}

/*
 * The image type of data by its first bytes: PNG, JPEG, WebP, or SVG
 * (text whose first element, after an XML declaration, comments and a
 * doctype, is <svg); NULL otherwise.
 */
const char *
keep_image_type(const char *data, size_t sz)
{
	const unsigned char *u = (const unsigned char *)data;
	const char	*p = data, *end = data + sz, *q;

	if (sz >= 8 && memcmp(u, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (sz >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff)
		return "image/jpeg";
	if (sz >= 12 && memcmp(u, "RIFF", 4) == 0 &&
	    memcmp(u + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (sz >= 3 && memcmp(u, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		if (end - p >= 4 && memcmp(p, "<svg", 4) == 0 &&
		    (end - p == 4 || p[4] == ' ' || p[4] == '>' ||
		    p[4] == '\t' || p[4] == '\n' || p[4] == '\r'))
			return "image/svg+xml";
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			q = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
		else if (end - p >= 2 && (memcmp(p, "<?", 2) == 0 ||
		    memcmp(p, "<!", 2) == 0))
			q = memchr(p, '>', (size_t)(end - p));
		else
			return NULL;
		if (q == NULL)
			return NULL;
		p = q + (*q == '-' ? 3 : 1);
	}
}

/* The type a name says it has, by its extension; NULL when none. */
static const char *
named_type(const char *name)
{
	const char	*dot = strrchr(name, '.');

	if (dot == NULL)
		return NULL;
	if (strcasecmp_ascii(dot, ".png") == 0)
		return "image/png";
	if (strcasecmp_ascii(dot, ".jpg") == 0 ||
	    strcasecmp_ascii(dot, ".jpeg") == 0)
		return "image/jpeg";
	if (strcasecmp_ascii(dot, ".webp") == 0)
		return "image/webp";
	if (strcasecmp_ascii(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcasecmp_ascii(dot, ".gif") == 0 ||
	    strcasecmp_ascii(dot, ".bmp") == 0 ||
	    strcasecmp_ascii(dot, ".tif") == 0 ||
	    strcasecmp_ascii(dot, ".tiff") == 0)
		return "image/other";
	return NULL;
}

/*
 * A file's name below the output folder as the manifest gives it:
 * characters other than A-Za-z0-9._- replaced by '_' (the job chose
 * the bytes), a leading dot too.  New string.
 */
static char *
clean_name(const char *prefix, const char *name)
{
	char	*s = prefix != NULL ? xasprintf("%s/%s", prefix, name) :
	    xstrdup(name), *p;
	int	 start = 1;

	for (p = s; *p != '\0'; p++) {
		if (*p == '/') {
			start = 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    (*p == '.' && !start)))
			*p = '_';
		start = 0;
	}
	return s;
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_dir(struct walk *w, int dfd, const char *prefix, int depth);

/* One entry of a folder under the output folder. */
static void
walk_one(struct walk *w, int dfd, const char *prefix, const char *name,
    int depth)
{
	struct stat	 st;
	const char	*why, *type, *said;
	char		*data = NULL, *shown;
	size_t		 sz;
	int		 fd, rc;

	shown = clean_name(prefix, name);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		if (depth >= KEEP_DEPTH) {
			buf_printf(w->warn, "check: %s: output %s/: more than %d "
			    "folders deep, not kept\n", w->slug, shown,
			    KEEP_DEPTH);
			goto out;
		}
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd != -1)
			walk_dir(w, fd, shown, depth + 1);
		goto out;
	}
	said = named_type(name);
	if (S_ISLNK(st.st_mode)) {
		buf_printf(w->warn, "check: %s: output %s is a link, not "
		    "followed\n", w->slug, shown);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		if (said != NULL)
			buf_printf(w->warn, "check: %s: output %s is not a "
			    "regular file, not kept\n", w->slug, shown);
		goto out;
	}
	if (w->fsz >= w->lim->max_files) {
		if (!w->full)
			buf_printf(w->warn, "check: %s: more than %zu files in "
			    "the output folder; only the first %zu kept\n",
			    w->slug, w->lim->max_files, w->lim->max_files);
		w->full = 1;
		goto out;
	}
	rc = read_at(dfd, name, w->lim->max_image, &data, &sz, &why);
	if (rc == 0) {
		if (why != NULL)
			buf_printf(w->warn, "check: %s: output %s: %s\n",
			    w->slug, shown, why);
		goto out;
	}
	if (rc < 0) {
		if (said != NULL || st.st_size > 0)
			buf_printf(w->warn, "check: %s: output %s is %zu bytes, "
			    "over outputs.max_image (%lld); not kept\n",
			    w->slug, shown, sz, w->lim->max_image);
		goto out;
	}
	type = keep_image_type(data, sz);
	if (type == NULL) {
		/* Other files (a CSV, a model) are the example's own. */
		if (said != NULL)
			buf_printf(w->warn, "check: %s: output %s is not the "
			    "image its name says; not kept\n", w->slug, shown);
		goto out;
	}
	if (said != NULL && strcmp(said, type) != 0) {
		buf_printf(w->warn, "check: %s: output %s holds %s, not what "
		    "its name says; not kept\n", w->slug, shown, type);
		goto out;
	}
	if (w->total + (long long)sz > w->lim->max_total) {
		buf_printf(w->warn, "check: %s: output %s would pass "
		    "outputs.max_total (%lld bytes for a run); not kept\n",
		    w->slug, shown, w->lim->max_total);
		goto out;
	}
	w->fs = xreallocarray(w->fs, w->fsz + 1, sizeof(*w->fs));
	if (!keep_blob(w->cache, data, sz, w->fs[w->fsz].ref))
		goto out;
	w->fs[w->fsz].name = shown;
	w->fs[w->fsz].type = type;
	w->fs[w->fsz].size = sz;
	w->fsz++;
	w->total += (long long)sz;
	shown = NULL;
out:
	free(data);
	free(shown);
}

/*
 * Walk folder dfd (closed here) in name order, keeping its images.
 */
static void
walk_dir(struct walk *w, int dfd, const char *prefix, int depth)
{
	DIR		 *d;
	struct dirent	 *de;
	char		**names = NULL;
	size_t		  n = 0, i;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->seen > KEEP_SCAN) {
			if (w->seen == KEEP_SCAN + 1)
				buf_printf(w->warn, "check: %s: more than %d "
				    "entries in the output folder; the rest "
				    "not looked at\n", w->slug, KEEP_SCAN);
			break;
		}
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	if (n > 1)
		xqsort(names, n, sizeof(*names), cmpname);
	for (i = 0; i < n; i++) {
		walk_one(w, dirfd(d), prefix, names[i], depth);
		free(names[i]);
	}
	free(names);
	closedir(d);
}

static int
cmpfound(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
	    ((const struct found *)b)->name);
}

/*
 * Keep the file name of work (the notebook or the log) as a blob:
 * {"ref", "size"}, or null when absent, empty, unreadable or too big
 * (said).
 */
static struct val *
keep_file(struct walk *w, int wfd, const char *name, long long max)
{
	const char	*slug = w->slug, *cache = w->cache;
	long long	*total = &w->total;
	struct val	*v;
	const char	*why;
	char		*data = NULL, ref[KEEP_REF_SIZE];
	size_t		 sz;
	int		 rc;

	rc = read_at(wfd, name, max - *total, &data, &sz, &why);
	if (rc < 0)
		buf_printf(w->warn, "check: %s: %s is %zu bytes, over "
		    "outputs.max_total (%lld); not kept\n", slug, name, sz,
		    max);
	else if (rc == 0 && why != NULL)
		buf_printf(w->warn, "check: %s: %s: %s\n", slug, name, why);
	if (rc <= 0 || sz == 0 || !keep_blob(cache, data, sz, ref)) {
		free(data);
		return val_new(VAL_NULL);
	}
	free(data);
	*total += (long long)sz;
	v = val_map();
	val_set_str(v, "ref", ref);
	val_set(v, "size", val_int((long long)sz));
	return v;
}

/* The GPUs of a record ("A100, A100"), or null. */
static struct val *
gpu_text(const struct val *rec)
{
	const struct val *names = val_get(val_get(rec, "gpus"), "names");
	struct val	*v;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	if (names == NULL || names->type != VAL_LIST || names->kidsz == 0)
		return val_new(VAL_NULL);
	for (i = 0; i < names->kidsz; i++)
		if (names->kids[i]->str != NULL)
			buf_printf(&b, "%s%s", b.sz ? ", " : "",
			    names->kids[i]->str);
	v = b.sz == 0 ? val_new(VAL_NULL) : val_str(buf_cstr(&b));
	buf_free(&b);
	return v;
}

static struct val *
str_or_null(const char *s)
{
	return s != NULL ? val_str(s) : val_new(VAL_NULL);
}

/*
 * See check/private.h.
 */
char *
keep_run(const char *cache, const char *jobdir, const struct val *rec,
    const struct keep_limits *lim, struct buf *warn)
{
	struct walk	 w;
	struct val	*m, *l, *im;
	struct buf	 b = { NULL, 0, 0 };
	const char	*slug = val_get_str(rec, "slug");
	const char	*nb = val_get_str(rec, "output_notebook");
	char		*work, ref[KEEP_REF_SIZE], *res = NULL;
	int		 wfd, ofd;
	size_t		 i;

	memset(&w, 0, sizeof(w));
	w.slug = slug != NULL ? slug : "?";
	w.lim = lim;
	w.cache = cache;
	w.warn = warn;
	work = path_join(jobdir, "work");
	wfd = open(work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(work);
	if (wfd == -1)
		return NULL;

	m = val_map();
	val_set(m, "slug", str_or_null(slug));
	val_set(m, "stamp", val_int(val_get_str(rec, "stamp") ?
	    atoll(val_get_str(rec, "stamp")) : 0));
	val_set(m, "date", str_or_null(val_get_str(rec, "date")));
	val_set(m, "runner", str_or_null(val_get_str(rec, "runner")));
	val_set(m, "gpu", gpu_text(rec));
	val_set(m, "commit", str_or_null(val_get_str(rec, "commit")));
	val_set(m, "status", str_or_null(val_get_str(rec, "status")));
	val_set(m, "reason", str_or_null(val_get_str(rec, "reason")));
	/* The driver's word that a notebook ran, never the job's files. */
	val_set_str(m, "kind", nb != NULL ? "notebook" : "files");
	val_set(m, "notebook", nb != NULL ? keep_file(&w, wfd,
	    "output.ipynb", lim->max_total) : val_new(VAL_NULL));
	val_set(m, "log", keep_file(&w, wfd, "output.log", lim->max_total));
	ofd = openat(wfd, "output", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (ofd != -1)
		walk_dir(&w, ofd, NULL, 0);
	else if (errno == ELOOP || errno == ENOTDIR)
		buf_printf(w.warn, "check: %s: the output folder was replaced "
		    "by the job; nothing kept from it\n", w.slug);
	close(wfd);
	if (w.fsz > 1)
		xqsort(w.fs, w.fsz, sizeof(*w.fs), cmpfound);
	l = val_set(m, "images", val_list());
	for (i = 0; i < w.fsz; i++) {
		im = val_push(l, val_map());
		val_set_str(im, "name", w.fs[i].name);
		val_set_str(im, "ref", w.fs[i].ref);
		val_set_str(im, "type", w.fs[i].type);
		val_set(im, "size", val_int((long long)w.fs[i].size));
		free(w.fs[i].name);
	}
	free(w.fs);
	val_json(&b, m, 0);
	if (keep_blob(cache, b.data, b.sz, ref))
		res = xstrdup(ref);
	buf_free(&b);
	val_free(m);
	return res;
}

/*
 * See check/private.h.
 */
int
keep_record(struct idx *idx, const char *slug, const char *ref, int passed)
{
	struct val	*r = NULL;
	struct buf	 b = { NULL, 0, 0 };
	const char	*old;
	char		*text = NULL;
	size_t		 sz;
	int		 ok;

	if (idx_get_rec(idx, "run_outputs", slug, &text, &sz) == 1)
		r = json_parse(text, sz);
	free(text);
	if (r == NULL || r->type != VAL_MAP) {
		val_free(r);
		r = val_map();
		val_set(r, "last", val_new(VAL_NULL));
		val_set(r, "passing", val_new(VAL_NULL));
		val_set(r, "previous_passing", val_new(VAL_NULL));
	}
	val_set_str(r, "last", ref);
	if (passed) {
		old = val_get_str(r, "passing");
		if (old != NULL && strcmp(old, ref) != 0)
			val_set_str(r, "previous_passing", old);
		val_set_str(r, "passing", ref);
	}
	val_json(&b, r, 0);
	ok = idx_put_rec(idx, "run_outputs", slug, b.data, b.sz);
	buf_free(&b);
	val_free(r);
	return ok;
}

/*
 * See check/private.h.
 */
int
keep_begin(const char *cache)
{
	return store_lock(cache, LOCK_SH);
}

void
keep_end(int fd)
{
	if (fd != -1)
		close(fd);
}

/* A set of refs (hex digits), sorted for bsearch once marked. */
struct refs {
	char		**v;
	size_t		  n;
};

static void
mark(struct refs *s, const char *ref)
{
	if (!outputs_ref_valid(ref))
		return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(ref + 7);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The blobs a manifest reaches: itself, its notebook, log, images. */
static void
mark_manifest(struct refs *s, const char *cache, const char *ref)
{
	const struct val *im;
	struct val	*m;
	const char	*hex, *why;
	char		*text = NULL, *p;
	size_t		 sz, i;
	int		 fd;

	if (!outputs_ref_valid(ref))
		return;
	mark(s, ref);
	hex = ref + 7;
	p = xasprintf("%s/outputs/sha256/%.2s", cache, hex);
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	if (fd == -1)
		return;
	(void)read_at(fd, hex, 1 << 20, &text, &sz, &why);
	close(fd);
	m = text != NULL ? json_parse(text, sz) : NULL;
	free(text);
	mark(s, val_get_str(val_get(m, "notebook"), "ref"));
	mark(s, val_get_str(val_get(m, "log"), "ref"));
	im = val_get(m, "images");
	for (i = 0; im != NULL && im->type == VAL_LIST && i < im->kidsz; i++)
		mark(s, val_get_str(im->kids[i], "ref"));
	val_free(m);
}

/*
 * See check/private.h.
 */
int
keep_prune(struct idx *idx, const char *cache, size_t *files,
    long long *bytes)
{
	static const char *const keys[] = { "last", "passing",
	    "previous_passing" };
	struct refs	 s = { NULL, 0 };
	struct val	*r;
	struct stat	 st;
	DIR		*top = NULL, *sub;
	struct dirent	*de, *fe;
	char		**recs = NULL, *dir, *p, *key;
	size_t		 n = 0, i, k;
	int		 lk, ok = 0, tmp;

	*files = 0;
	*bytes = 0;
	if ((lk = store_lock(cache, LOCK_EX)) == -1)
		return 0;
	if (!idx_list_recs(idx, "run_outputs", &recs, &n))
		goto out;
	for (i = 0; i < n; i++) {
		r = json_parse(recs[i], strlen(recs[i]));
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			mark_manifest(&s, cache, val_get_str(r, keys[k]));
		val_free(r);
		free(recs[i]);
	}
	free(recs);
	if (s.n > 1)
		xqsort(s.v, s.n, sizeof(*s.v), cmpstr);

	dir = xasprintf("%s/outputs/sha256", cache);
	top = opendir(dir);
	if (top == NULL) {
		ok = errno == ENOENT;
		if (!ok)
			diag_sys(dir, "%s", strerror(errno));
		free(dir);
		goto out;
	}
	while ((de = readdir(top)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if ((sub = opendir(p)) == NULL) {
			free(p);
			continue;
		}
		while ((fe = readdir(sub)) != NULL) {
			if (strcmp(fe->d_name, ".") == 0 ||
			    strcmp(fe->d_name, "..") == 0)
				continue;
			key = fe->d_name;
			/* file_replace's temporaries: HEX.tmpXXXXXX. */
			tmp = strstr(key, ".tmp") != NULL;
			if (!tmp && s.n > 0 && bsearch(&key, s.v, s.n,
			    sizeof(*s.v), cmpstr) != NULL)
				continue;
			/* Temporary files of a writer that died. */
			if (fstatat(dirfd(sub), key, &st,
			    AT_SYMLINK_NOFOLLOW) == -1 || S_ISDIR(st.st_mode))
				continue;
			if (tmp && st.st_mtime > time(NULL) - 3600)
				continue;
			if (unlinkat(dirfd(sub), key, 0) == 0) {
				(*files)++;
				*bytes += (long long)st.st_size;
			}
		}
		closedir(sub);
		(void)rmdir(p);
		free(p);
	}
	closedir(top);
	free(dir);
	ok = 1;
out:
	for (i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	close(lk);
	return ok;
}
