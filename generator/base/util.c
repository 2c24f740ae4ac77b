/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Small utilities: allocators that exit on failure (as sblg's util.c),
 * whole-file reads and atomic writes, folder creation and removal,
 * a 64-bit hash for change detection, the balancing of Unicode
 * bidirectional controls, slugs, sizes such as "16G", and the edit
 * distance behind "did you mean" suggestions.  UTF-8 itself is
 * utf8.c's.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"

static void
oom(void)
{
	fputs("kbgen: out of memory\n", stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p = calloc(n == 0 ? 1 : n, sz == 0 ? 1 : sz);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void	*q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		oom();
	return q;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz)
		oom();
	return xrealloc(p, n * sz);
}

void
xqsort(void *base, size_t n, size_t sz, int (*cmp)(const void *,
    const void *))
{
	if (n > 1)
		qsort(base, n, sz, cmp);
}

char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Format into a new string that the caller frees.
 */
char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	char	 small[256];

	/* One formatting pass for the common short string. */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/*
 * Read a whole file into a new NUL-terminated buffer (*p, freed by the
 * caller) of *sz bytes.  Reports and returns 0 on failure.
 */
int
file_read(const char *path, char **p, size_t *sz)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 chunk[65536];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1) {
		diag_sys(path, "%s", strerror(errno));
		return 0;
	}
	buf_grow(&b, 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&b, chunk, (size_t)n);
	if (n < 0) {
		diag_sys(path, "%s", strerror(errno));
		close(fd);
		buf_free(&b);
		return 0;
	}
	close(fd);
	*sz = b.sz;
	*p = buf_steal(&b);
	return 1;
}

/*
 * Read an input file of the knowledge base as file_read does, but only
 * a regular file of at most max bytes (0: no limit).  The file is
 * opened without blocking, so that a FIFO (or a device) named like a
 * content file is an error naming it rather than a build that waits
 * for ever; the size is checked on the open file and again while
 * reading, so a file that grows meanwhile is refused too.  Reports and
 * returns 0 on failure.
 */
int
file_read_input(const char *path, size_t max, char **p, size_t *sz)
{
	struct buf	 b = { NULL, 0, 0 };
	struct stat	 st;
	char		 chunk[65536];
	ssize_t		 n;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		diag_sys(path, "%s", strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) == -1) {
		diag_sys(path, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_err(path, 0, 0, "not a regular file (a %s); content "
		    "files must be plain files", S_ISFIFO(st.st_mode) ?
		    "FIFO" : S_ISSOCK(st.st_mode) ? "socket" :
		    S_ISDIR(st.st_mode) ? "folder" : "device");
		goto out;
	}
	if (max > 0 && (unsigned long long)st.st_size > max) {
		diag_err(path, 0, 0, "file is %lld bytes, over the limit of "
		    "%zu (max_file_size in site.yaml)", (long long)st.st_size,
		    max);
		goto out;
	}
	buf_grow(&b, 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_put(&b, chunk, (size_t)n);
		if (max > 0 && b.sz > max) {
			diag_err(path, 0, 0, "file is over the limit of %zu "
			    "bytes (max_file_size in site.yaml)", max);
			goto out;
		}
	}
	if (n < 0) {
		diag_sys(path, "%s", strerror(errno));
		goto out;
	}
	*sz = b.sz;
	*p = buf_steal(&b);
	rc = 1;
out:
	buf_free(&b);
	close(fd);
	return rc;
}

/*
 * Whether every line of text (sz bytes) is at most MAX_LINE bytes long;
 * the first longer one is reported at path:line:1.  cmark-gfm's autolink
 * pass takes time quadratic in the length of a run of text, and a soft
 * line break ends a run, so bounding lines bounds a file's Markdown
 * time where the size limit alone would not (4 MiB of "a@a.a." on one
 * line takes minutes).
 */
int
text_lines_check(const char *path, const char *text, size_t sz)
{
	const char	*p = text, *end = text + sz, *nl;
	size_t		 line = 1;

	for (; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > MAX_LINE) {
			diag_err(path, line, 1, "line is %zu bytes long, over "
			    "the limit of %d (break it into shorter lines)",
			    (size_t)(nl - p), MAX_LINE);
			return 0;
		}
	}
	return 1;
}

/*
 * See extern.h.  The temporary is unique per call (mkstemp), so threads
 * of one process may write the same path at once: the last rename wins
 * and a reader never sees half a file.
 */
int
file_replace(const char *path, const void *data, size_t sz, int quiet)
{
	const char	*p = data;
	char		*tmp;
	int		 fd, rc = 0;
	size_t		 off = 0;
	ssize_t		 n;

	tmp = xasprintf("%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		if (!quiet)
			diag_sys(tmp, "%s", strerror(errno));
		free(tmp);
		return 0;
	}
	while (off < sz) {
		if ((n = write(fd, p + off, sz - off)) < 0) {
			if (errno == EINTR)
				continue;
			if (!quiet)
				diag_sys(tmp, "%s", strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) == -1 || close(fd) == -1) {
		fd = -1;
		if (!quiet)
			diag_sys(tmp, "%s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		if (!quiet)
			diag_sys(path, "%s", strerror(errno));
		goto out;
	}
	rc = 1;
out:
	if (fd != -1)
		close(fd);
	if (!rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/*
 * See extern.h.
 */
int
file_write(const char *path, const char *p, size_t sz)
{
	return file_replace(path, p, sz, 0);
}

/*
 * See extern.h.
 */
size_t
fd_read_n(int fd, char *b, size_t n)
{
	size_t	 off = 0;
	ssize_t	 r;

	while (off < n) {
		r = read(fd, b + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	return off;
}

/*
 * See extern.h.  For files kbgen wrote into its own cache: whatever
 * stands there (a link, a FIFO, a folder) is not followed nor waited on.
 */
int
file_read_cached(const char *path, size_t max, char **data, size_t *sz)
{
	struct stat	 st;
	char		*b = NULL;
	size_t		 off = 0;
	int		 fd, ok = 0;

	*data = NULL;
	*sz = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < 0 || (unsigned long long)st.st_size > max)
		goto out;
	b = xmalloc((size_t)st.st_size + 1);
	if ((off = fd_read_n(fd, b, (size_t)st.st_size)) <
	    (size_t)st.st_size)
		goto out;
	b[off] = '\0';
	*data = b;
	*sz = off;
	b = NULL;
	ok = 1;
out:
	free(b);
	close(fd);
	return ok;
}

/*
 * Create a folder and its parents, like mkdir -p.
 */
int
mkdirs(const char *path)
{
	char	*p, *s;

	p = xstrdup(path);
	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			diag_sys(p, "%s", strerror(errno));
			free(p);
			return 0;
		}
		*s = '/';
	}
	if (mkdir(p, 0755) == -1 && errno != EEXIST) {
		diag_sys(p, "%s", strerror(errno));
		free(p);
		return 0;
	}
	free(p);
	return 1;
}

/*
 * Remove name, a folder of the folder open as dfd, with everything
 * below it.  Entries are removed relative to their folder's descriptor
 * and told apart by readdir's d_type, so that a site of tens of
 * thousands of files costs one unlinkat each, with no path to resolve
 * and no stat.
 */
static int
rmtree_at(int dfd, const char *name)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	int		 fd, rc = 1, isdir;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_type == DT_UNKNOWN)
			isdir = fstatat(fd, e->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
		else
			isdir = e->d_type == DT_DIR;
		if (isdir ? !rmtree_at(fd, e->d_name) :
		    unlinkat(fd, e->d_name, 0) == -1 && errno != ENOENT)
			rc = 0;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		rc = 0;
	return rc;
}

/*
 * Remove a file or a folder with everything below it.  A missing path
 * is not an error.
 */
int
rmtree(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 || errno == ENOENT;
	return rmtree_at(AT_FDCWD, path);
}

/*
 * Remove the entries of dir named prefix then the id of a process that
 * is gone, alone or followed by '-' and anything: what killed runs of
 * kbgen left.
 */
void
rmtree_stale(const char *dir, const char *prefix)
{
	DIR		*d;
	struct dirent	*e;
	char		*end, *p;
	size_t		 n = strlen(prefix);
	long		 pid;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, n) != 0)
			continue;
		pid = strtol(e->d_name + n, &end, 10);
		if ((*end != '\0' && *end != '-') || pid <= 0 ||
		    pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		p = path_join(dir, e->d_name);
		(void)rmtree(p);
		free(p);
	}
	closedir(d);
}

/*
 * Join two path parts with one slash; the caller frees the result.
 */
char *
path_join(const char *a, const char *b)
{
	size_t	 n = strlen(a);

	if (n == 0)
		return xstrdup(b);
	if (a[n - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

/*
 * A 64-bit hash chained through seed (start with 0), eight bytes a
 * step with a multiply-xorshift mix.  Used only to notice that an
 * output's inputs changed, never for security.
 */
uint64_t
hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char	*s = p;
	uint64_t		 h, k;
	size_t			 i;

	h = seed ^ (0x9e3779b97f4a7c15ULL + n);
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&k, s + i, 8);
		k *= 0xbf58476d1ce4e5b9ULL;
		k ^= k >> 31;
		h = (h ^ k) * 0x94d049bb133111ebULL;
		h ^= h >> 29;
	}
	for (k = 0; i < n; i++)
		k = (k << 8) | s[i];
	h = (h ^ (k * 0xbf58476d1ce4e5b9ULL)) * 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return h;
}

/*
 * The Unicode bidirectional controls that open or close an embedding,
 * an override or an isolate (U+202A..U+202E, U+2066..U+2069), which
 * can make text display in another order than it reads ("Trojan
 * Source").  Returns the code point when p[0..n) starts with one, else
 * 0; each is three bytes of UTF-8.
 */
static unsigned int
bidi_at(const unsigned char *p, size_t n)
{
	if (n < 3 || p[0] != 0xe2)
		return 0;
	if (p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
		return 0x2000 + 0x2a + (p[2] - 0xaa);
	if (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
		return 0x2066 + (p[2] - 0xa6);
	return 0;
}

static const char *
bidi_name(unsigned int cp)
{
	switch (cp) {
	case 0x202a: return "LEFT-TO-RIGHT EMBEDDING";
	case 0x202b: return "RIGHT-TO-LEFT EMBEDDING";
	case 0x202c: return "POP DIRECTIONAL FORMATTING";
	case 0x202d: return "LEFT-TO-RIGHT OVERRIDE";
	case 0x202e: return "RIGHT-TO-LEFT OVERRIDE";
	case 0x2066: return "LEFT-TO-RIGHT ISOLATE";
	case 0x2067: return "RIGHT-TO-LEFT ISOLATE";
	case 0x2068: return "FIRST STRONG ISOLATE";
	default: return "POP DIRECTIONAL ISOLATE";
	}
}

/*
 * Warn at path:line:col (line0 added to lines, columns in bytes as
 * utf8_valid's) about every bidirectional control in p[0..n): content
 * has no use for them that a page could not show by itself, and they
 * can hide what a title or text says.
 */
void
utf8_bidi_warn(const char *path, const char *p, size_t n, size_t line0)
{
	const unsigned char	*s = (const unsigned char *)p;
	const unsigned char	*e;
	size_t			 i = 0, ln = line0 + 1, lstart = 0, k;
	unsigned int		 cp;

	while (i < n && (e = memchr(s + i, 0xe2, n - i)) != NULL) {
		for (k = i; k < (size_t)(e - s); k++)
			if (s[k] == '\n') {
				ln++;
				lstart = k + 1;
			}
		i = (size_t)(e - s);
		if ((cp = bidi_at(s + i, n - i)) != 0)
			diag_warn(path, ln, i - lstart + 1, "Unicode "
			    "bidirectional control U+%04X (%s): it can "
			    "make text show in another order than it reads",
			    cp, bidi_name(cp));
		i++;
	}
}

/*
 * p[0..n) with its bidirectional controls balanced, so that none
 * reaches past the value on a page: a pop without its opener is
 * dropped, and openers left open are closed at the end (PDF for
 * embeddings and overrides, PDI for isolates; a PDI also closes the
 * embeddings opened inside its isolate, as in UAX #9).  Returns NULL
 * when p holds no bidirectional control (use p as it is), else a new
 * string of *sz bytes that the caller frees.
 */
char *
utf8_bidi_balance(const char *p, size_t n, size_t *sz)
{
	const unsigned char	*s = (const unsigned char *)p;
	struct buf		 b = { NULL, 0, 0 };
	char			 stack[64];
	size_t			 i, start = 0, depth = 0, k;
	unsigned int		 cp;

	if (memchr(p, 0xe2, n) == NULL)
		return NULL;
	for (i = 0; i + 3 <= n; i++) {
		if (s[i] != 0xe2 || (cp = bidi_at(s + i, n - i)) == 0)
			continue;
		if (b.data == NULL)
			buf_grow(&b, n + 16);
		buf_put(&b, p + start, i - start);
		start = i + 3;
		if (cp == 0x202c) {
			/* A PDF closes an embedding, never an isolate. */
			if (depth == 0 || stack[depth - 1] != 'E')
				continue;
			depth--;
		} else if (cp == 0x2069) {
			for (k = depth; k > 0 && stack[k - 1] != 'I'; k--)
				continue;
			if (k == 0)
				continue;
			depth = k - 1;
		} else {
			/* Deeper than any title needs: dropped. */
			if (depth == sizeof(stack))
				continue;
			stack[depth++] = cp >= 0x2066 ? 'I' : 'E';
		}
		buf_put(&b, p + i, 3);
		i += 2;
	}
	if (b.data == NULL)
		return NULL;
	buf_put(&b, p + start, n - start);
	while (depth > 0)
		buf_puts(&b, stack[--depth] == 'I' ? "\xe2\x81\xa9" :
		    "\xe2\x80\xac");
	*sz = b.sz;
	return buf_steal(&b);
}

/*
 * Levenshtein distance, case-insensitive for ASCII, for suggestions.
 */
size_t
edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, d;

	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			d = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]) ? 0 : 1;
			row[j] = prev + d;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			prev = tmp;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

/*
 * Slugs match [a-z0-9][a-z0-9-]*.
 */
int
slug_valid(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/*
 * Derive a slug from a name: ASCII letters and digits lowered, "+"
 * spelled "plus" (C++, "Keras + TF"), anything else a single dash.
 * Non-ASCII bytes are dropped.  Never returns an empty slug.
 */
char *
slugify(const char *s)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 dash = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80) {
			if (dash && b.sz > 0)
				buf_putc(&b, '-');
			dash = 0;
			buf_putc(&b, (char)tolower(c));
		} else if (c == '+') {
			if (b.sz > 0)
				buf_putc(&b, '-');
			buf_puts(&b, "plus");
			dash = 1;
		} else if (c < 0x80)
			dash = 1;
	}
	if (b.sz == 0)
		buf_puts(&b, "x");
	return buf_steal(&b);
}

int
strcasecmp_ascii(const char *a, const char *b)
{
	int	 ca, cb;

	for (;; a++, b++) {
		ca = tolower((unsigned char)*a);
		cb = tolower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/*
 * Whether a URL from the content may become an href: anything but the
 * schemes that run code or embed documents (javascript:, vbscript:,
 * data:, file:).  Browsers skip leading spaces and controls and
 * ignore tabs and newlines inside the scheme, so this does too.
 */
int
url_safe(const char *s)
{
	static const char *const bad[] = { "javascript:", "vbscript:",
	    "data:", "file:" };
	char	 scheme[16];
	size_t	 n = 0, i;

	while (*s != '\0' && (unsigned char)*s <= ' ')
		s++;
	for (; *s != '\0' && n < sizeof(scheme) - 1; s++) {
		if (*s == '\t' || *s == '\n' || *s == '\r')
			continue;
		scheme[n++] = (char)tolower((unsigned char)*s);
		if (*s == ':' || *s == '/' || *s == '?' || *s == '#')
			break;
	}
	scheme[n] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strncmp(scheme, bad[i], strlen(bad[i])) == 0)
			return 0;
	return 1;
}

/*
 * Seconds on the monotonic clock, for durations.
 */
double
mono_secs(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * t in UTC as a new string: YYYY-MM-DD when date_only, else RFC 3339
 * (YYYY-MM-DDTHH:MM:SSZ).
 */
char *
utc_text(time_t t, int date_only)
{
	char		 buf[32];
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), date_only ? "%Y-%m-%d" :
	    "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

/*
 * See extern.h.  SOURCE_DATE_EPOCH counts when it is a whole number of
 * seconds, nothing else: "", "-1", "12abc" are unset.
 */
void
clock_read(struct clock *c)
{
	const char	*s = getenv("SOURCE_DATE_EPOCH");
	char		*end;
	long long	 t;

	memset(c, 0, sizeof(*c));
	c->real = time(NULL);
	c->build = c->real;
	c->stamp = -1;
	if (s != NULL && *s != '\0') {
		errno = 0;
		t = strtoll(s, &end, 10);
		if (*end == '\0' && t >= 0 && errno == 0 &&
		    (long long)(time_t)t == t) {
			c->build = (time_t)t;
			c->stamp = t;
		}
	}
	/* A test hook: sync's records dated by SOURCE_DATE_EPOCH. */
	c->record = c->stamp >= 0 && getenv("KBGEN_PIN_CLOCK") != NULL ?
	    c->build : c->real;
}

/*
 * Parse a size: a whole number of bytes, or one followed by K, M, G or
 * T in either case (binary multiples: "2048K", "512M", "16G").  Nothing
 * else is allowed: no sign, space, fraction or "B".  Returns 1 with
 * *bytes set when s is one and lies within 1 MiB .. 16 TiB; 0 (with
 * *bytes untouched and nothing reported: the caller knows where s came
 * from) otherwise.  Digits stop being read once the value is past the
 * limit, so no input overflows.
 */
int
size_parse(const char *s, long long *bytes)
{
	const long long	 lo = 1LL << 20, hi = 1LL << 44;
	long long	 n = 0;
	int		 shift;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (*s - '0')) > hi)
			return 0;
	switch (*s) {
	case '\0': shift = 0; break;
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	default: return 0;
	}
	if (shift > 0 && *++s != '\0')
		return 0;
	if (n > hi >> shift)
		return 0;
	n <<= shift;
	if (n < lo)
		return 0;
	*bytes = n;
	return 1;
}

/*
 * See base/base.h.
 */
char *
base64_decode(const char *p, size_t n, size_t *sz)
{
	char		*o;
	size_t		 i, k = 0, pad = 0, nq = 0;
	unsigned	 acc = 0, v;
	int		 bits = 0;

	o = xmalloc(n / 4 * 3 + 3);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (isspace(c))
			continue;
		if (c == '=') {
			pad++;
			nq++;
			continue;
		}
		if (pad > 0)
			goto bad;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			goto bad;
		nq++;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2 || nq % 4 != 0 || k == 0)
		goto bad;
	*sz = k;
	return o;
bad:
	free(o);
	return NULL;
}
