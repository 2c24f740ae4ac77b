/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Example environments' images: check the syntax of an image reference
 * (the containers-transports names skopeo and podman users know, plus
 * rootfs: for a root file system as a tar or a folder), resolve it to a
 * content digest, and unpack it once per digest into CACHE/images/HEX/
 * for the local runner to use as the sandbox's root.  Root file system
 * tars are read with libarchive (the only libarchive user); the other
 * transports go through skopeo (into one OCI layout, CACHE/images/oci,
 * so layers shared between images are fetched once) and umoci unpack,
 * which applies layers in order with their whiteouts and hard links.
 *
 * Cache layout under CACHE/images/:
 *	HEX/rootfs/	the unpacked root (HEX: the digest's hex)
 *	HEX/used	touched at each use; its time drives pruning
 *	HEX/ref		the reference first unpacked under that digest
 *	HEX/config.json	umoci's runtime config (the image's Env, Cwd,
 *			User) for images that came through skopeo
 *	HEX.lock	flock: shared while used, exclusive to unpack or prune
 *	.tmp-HEX-*	an unpack in progress (renamed to HEX when complete)
 *	oci/, oci.lock	skopeo's layout, one skopeo or umoci at a time
 *	sums, sums.lock	tar digests memoised by (path, size, mtime, inode)
 * An image folder exists only once complete (it is renamed into place),
 * so a failure or a crash leaves at most a .tmp- folder, which the next
 * unpack of that digest or a prune removes.  Device nodes and sockets
 * are never kept (the sandbox makes its own /dev).  Locks are flock(2) on
 * files opened per call, so they exclude threads of one process as well
 * as processes.  This file does not run jobs and knows nothing of
 * site.yaml; messages go to *err for the caller to record.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "check/check.h"
#include "check/private.h"

#define MEMO_MAX	256	/* lines kept in CACHE/images/sums */
#define TOOL_LINES	3	/* lines of a tool's stderr kept in *err */

/* ---- Files and processes, reporting into *err only. ---- */

static int
mkpath(const char *path, char **err)
{
	char	*p, *s;

	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			*s = '\0';
			if (mkdir(p, 0755) == -1 && errno != EEXIST) {
				*err = xasprintf("%s: %s", p, strerror(errno));
				free(p);
				return 0;
			}
			*s = path[s - p];
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return 1;
}

/*
 * Write a line to a small file (the reference an image came from);
 * it serves people reading the cache, so a failure is ignored.
 */
static void
write_small(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "we")) == NULL)
		return;
	fprintf(f, "%s\n", text);
	fclose(f);
}

/*
 * Create path if needed and set its time to now.
 */
static void
touch(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return;
	futimens(fd, NULL);
	close(fd);
}

/*
 * Open (creating it) the lock file path and flock it with op
 * (LOCK_SH or LOCK_EX, maybe with LOCK_NB).  A prune unlinks the lock
 * files of the images it removes while it holds them, so a lock taken
 * on a file that is no longer at path is let go and taken again.
 * Returns the descriptor, -2 when LOCK_NB found it held, -1 on error
 * (with *err when err is not NULL).
 */
static int
lock_take(const char *path, int op, char **err)
{
	struct stat	 a, b;
	int		 fd, rc;

	for (;;) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1)
			break;
		while ((rc = flock(fd, op)) == -1 && errno == EINTR)
			continue;
		if (rc == -1 && errno == EWOULDBLOCK) {
			close(fd);
			return -2;
		}
		if (rc == -1 || fstat(fd, &a) == -1)
			break;
		if (stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
	if (err != NULL)
		*err = xasprintf("%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static void
lock_drop(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * Remove a tree.  As a user other than root, read-only folders (images
 * keep their modes) are made writable first, which rmtree cannot do.
 */
static void
writable(int dfd, const char *name)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	int		 fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISDIR(st.st_mode))
		return;
	if ((st.st_mode & 0700) != 0700)
		fchmodat(dfd, name, (st.st_mode & 07777) | 0700, 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if ((e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) &&
		    strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			writable(fd, e->d_name);
	closedir(d);
}

static int
purge(const char *path)
{
	if (geteuid() != 0)
		writable(AT_FDCWD, path);
	return rmtree(path);
}

/*
 * The last TOOL_LINES non-empty lines of a tool's stderr on one line,
 * joined by "; ".  For logrus lines (time=... level=fatal msg="...")
 * only the message, unquoted.
 */
static char *
tool_message(const char *s)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*lines[TOOL_LINES], *p, *e, *m;
	size_t		 n = 0, i, len[TOOL_LINES];

	for (p = s; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : NULL) {
		e = p + strcspn(p, "\n");
		if (e == p || strspn(p, " \t\r") == (size_t)(e - p))
			continue;
		if (n == TOOL_LINES) {
			memmove(lines, lines + 1, sizeof(lines[0]) * (n - 1));
			memmove(len, len + 1, sizeof(len[0]) * (n - 1));
			n--;
		}
		lines[n] = p;
		len[n++] = (size_t)(e - p);
	}
	for (i = 0; i < n; i++) {
		if (b.sz > 0)
			buf_puts(&b, "; ");
		p = lines[i];
		e = p + len[i];
		if ((m = memmem(p, len[i], "msg=\"", 5)) != NULL) {
			for (p = m + 5; p < e && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < e)
					p++;
				buf_putc(&b, *p);
			}
		} else
			buf_put(&b, p, (size_t)(e - p));
	}
	if (b.sz == 0)
		buf_puts(&b, "(no message)");
	return buf_steal(&b);
}

/*
 * Run a tool for its effect; on failure *err is "WHAT: its message".
 */
static int
tool(const char *const *argv, const char *what, char **out, char **err)
{
	char	*o = NULL, *e = NULL, *m;
	int	 st;

	st = proc_run(argv, &o, &e);
	if (st != 0) {
		m = tool_message(e);
		*err = xasprintf("%s: %s", what, m);
		free(m);
		free(o);
		free(e);
		return 0;
	}
	if (out != NULL)
		*out = o;
	else
		free(o);
	free(e);
	return 1;
}

/* ---- Digests. ---- */

/*
 * The memo of tar and archive digests: lines of
 * "HEX SIZE MTIME NSEC DEV INO KEY", KEY the transport and absolute
 * path.  Looked up without a lock (the file is replaced by rename),
 * rewritten under sums.lock.
 */
static int
memo_get(const char *dir, const char *key, const struct stat *st,
    char hex[SHA256_HEX_LEN + 1])
{
	char			*path, *p = NULL, *line, *nl;
	size_t			 sz;
	long long		 size, sec;
	long			 nsec;
	unsigned long long	 dev, ino;
	int			 off, found = 0;
	char			 h[SHA256_HEX_LEN + 1];
	FILE			*f;

	path = path_join(dir, "sums");
	f = fopen(path, "re");
	free(path);
	if (f == NULL)
		return 0;
	sz = 0;
	while (getline(&p, &sz, f) != -1) {
		line = p;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (sscanf(line, "%64s %lld %lld %ld %llu %llu %n", h, &size,
		    &sec, &nsec, &dev, &ino, &off) != 6 || off <= 0)
			continue;
		if (strcmp(line + off, key) == 0 && size == st->st_size &&
		    sec == st->st_mtim.tv_sec && nsec == st->st_mtim.tv_nsec &&
		    dev == st->st_dev && ino == st->st_ino &&
		    is_hex64(h, strlen(h))) {
			memcpy(hex, h, sizeof(h));
			found = 1;
		}
	}
	free(p);
	fclose(f);
	return found;
}

static void
memo_put(const char *dir, const char *key, const struct stat *st,
    const char *hex)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*path, *tmp, *lk, *old = NULL, *p, *e;
	const char	*lines[MEMO_MAX];
	size_t		 n = 0, i, sz;
	int		 fd, wfd = -1;
	FILE		*f;

	if (strchr(key, '\n') != NULL)
		return;
	path = path_join(dir, "sums");
	tmp = path_join(dir, "sums.tmp");
	lk = path_join(dir, "sums.lock");
	if ((fd = lock_take(lk, LOCK_EX, NULL)) < 0)
		goto out;
	if ((f = fopen(path, "re")) != NULL) {
		sz = 0;
		if (getdelim(&old, &sz, '\0', f) == -1) {
			free(old);
			old = NULL;
		}
		fclose(f);
	}
	/* Keep the newest lines of other keys, then add this one. */
	for (p = old; p != NULL && *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			break;
		*e = '\0';
		sz = strlen(p);
		if (sz > strlen(key) && strcmp(p + sz - strlen(key), key) == 0 &&
		    p[sz - strlen(key) - 1] == ' ')
			continue;
		if (n == MEMO_MAX - 1) {
			memmove(lines, lines + 1, sizeof(lines[0]) * (n - 1));
			n--;
		}
		lines[n++] = p;
	}
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\n", lines[i]);
	buf_printf(&b, "%s %lld %lld %ld %llu %llu %s\n", hex,
	    (long long)st->st_size, (long long)st->st_mtim.tv_sec,
	    (long)st->st_mtim.tv_nsec, (unsigned long long)st->st_dev,
	    (unsigned long long)st->st_ino, key);
	wfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (wfd != -1 && write(wfd, b.data, b.sz) == (ssize_t)b.sz &&
	    close(wfd) == 0) {
		wfd = -1;
		rename(tmp, path);
	}
	if (wfd != -1)
		close(wfd);
out:
	lock_drop(fd);
	buf_free(&b);
	free(old);
	free(path);
	free(tmp);
	free(lk);
}

/*
 * The digest of a file, memoised in dir's sums under key, so that an
 * unchanged 400 MB tar is read once.
 */
static int
file_digest(const char *dir, const char *key, const char *path,
    char hex[SHA256_HEX_LEN + 1], char **err)
{
	struct stat	 st;

	if (stat(path, &st) == -1) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return 0;
	}
	if (memo_get(dir, key, &st, hex))
		return 1;
	if (!sha256_file(path, hex, err))
		return 0;
	memo_put(dir, key, &st, hex);
	return 1;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sorted names of a folder's entries (without . and ..), or NULL when
 * it cannot be read; *n is set.
 */
static char **
names_sorted(int dfd, const char *name, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		**v = NULL;
	size_t		 cap = 0;
	int		 fd;

	*n = 0;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	xqsort(v, *n, sizeof(*v), namecmp);
	return v;
}

static void
names_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Hash a tree's listing: for each entry in name order, its path, type
 * and mode, size, mtime and a symbolic link's target.  Links are not
 * followed; a folder that cannot be read counts as empty.
 */
static void
listing_hash(struct sha256 *h, int dfd, const char *name, const char *rel)
{
	struct stat	 st;
	char		**v, *sub, target[PATH_MAX];
	size_t		 n, i;
	ssize_t		 tn;
	int		 fd;

	if ((v = names_sorted(dfd, name, &n)) == NULL)
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; fd != -1 && i < n; i++) {
		if (fstatat(fd, v[i], &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		sub = xasprintf("%s/%s", rel, v[i]);
		sha256_update(h, sub, strlen(sub) + 1);
		sha256_update(h, &st.st_mode, sizeof(st.st_mode));
		if (!S_ISDIR(st.st_mode)) {
			sha256_update(h, &st.st_size, sizeof(st.st_size));
			sha256_update(h, &st.st_mtim, sizeof(st.st_mtim));
		}
		if (S_ISLNK(st.st_mode) &&
		    (tn = readlinkat(fd, v[i], target, sizeof(target))) > 0)
			sha256_update(h, target, (size_t)tn);
		if (S_ISDIR(st.st_mode))
			listing_hash(h, fd, v[i], sub);
		free(sub);
	}
	if (fd != -1)
		close(fd);
	names_free(v, n);
}

static int
readable_tree(int dfd, const char *name)
{
	return faccessat(dfd, name, R_OK | X_OK, 0) == 0;
}

/* ---- Unpacking. ---- */

/*
 * An entry's name made relative to the destination: leading slashes
 * and "./" dropped; NULL when a component is "..".
 */
static const char *
entry_rel(const char *name)
{
	const char	*p;
	size_t		 n;

	while (*name == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	for (p = name; *p != '\0'; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return NULL;
	}
	return name;
}

static const char *
entry_name(struct archive_entry *e, int link)
{
	const char	*s;

	s = link ? archive_entry_hardlink(e) : archive_entry_pathname(e);
	if (s == NULL)
		s = link ? archive_entry_hardlink_utf8(e) :
		    archive_entry_pathname_utf8(e);
	return s;
}

/*
 * libarchive's message for an entry, with the temporary destination
 * taken out of the paths it names (a new string).
 */
static char *
ar_message(const char *path, const char *entry, const char *msg,
    const char *dest)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p, *q;
	size_t		 n = strlen(dest);

	buf_printf(&b, "%s: ", path);
	if (entry != NULL)
		buf_printf(&b, "%s: ", entry);
	if (msg == NULL)
		msg = "unknown libarchive error";
	for (p = msg; (q = strstr(p, dest)) != NULL && q[n] == '/'; p = q + n + 1)
		buf_put(&b, p, (size_t)(q - p));
	buf_puts(&b, p);
	return buf_steal(&b);
}

/*
 * Extract the tar (plain, gzip, xz, bzip2 or zstd) at path into the
 * folder dest, which must be a real path (no symbolic link in it: the
 * secure-symlinks check walks it).  Entries are written under dest by
 * prefixing their names, which leaves the process's working folder
 * alone (other threads use it); libarchive's secure flags refuse ".."
 * and writing through a symbolic link, and we refuse ".." in names and
 * hard link targets before that.  Device nodes and sockets are skipped
 * (the sandbox brings its own /dev).  Owners are restored as numbers,
 * never looked up by name on this machine, and only as root.
 */
static int
tar_extract(const char *path, const char *dest, char **err)
{
	struct archive		*a = NULL, *w = NULL;
	struct archive_entry	*e;
	const void		*blk;
	const char		*name, *rel;
	char			*full = NULL, *orig = NULL;
	size_t			 len;
	la_int64_t		 off;
	int			 r, flags, rc = 0;

	flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
	    ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS;
	if (geteuid() == 0)
		flags |= ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR;
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	w = archive_write_disk_new();
	archive_write_disk_set_options(w, flags);
	if (archive_read_open_filename(a, path, 1024 * 1024) != ARCHIVE_OK) {
		*err = ar_message(path, NULL, archive_error_string(a), dest);
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			*err = ar_message(path, NULL,
			    archive_error_string(a), dest);
			goto out;
		}
		switch (archive_entry_filetype(e)) {
		case AE_IFCHR:
		case AE_IFBLK:
		case AE_IFSOCK:
			continue;
		default:
			break;
		}
		if ((name = entry_name(e, 0)) == NULL) {
			*err = xasprintf("%s: an entry without a usable name",
			    path);
			goto out;
		}
		if ((rel = entry_rel(name)) == NULL) {
			*err = xasprintf("%s: entry '%s' leaves the root "
			    "(\"..\"): refused", path, name);
			goto out;
		}
		free(orig);
		orig = xstrdup(name);
		free(full);
		full = *rel == '\0' ? xstrdup(dest) :
		    xasprintf("%s/%s", dest, rel);
		archive_entry_copy_pathname(e, full);
		if ((name = entry_name(e, 1)) != NULL) {
			if ((rel = entry_rel(name)) == NULL) {
				*err = xasprintf("%s: hard link '%s' leaves "
				    "the root (\"..\"): refused", path, name);
				goto out;
			}
			free(full);
			full = xasprintf("%s/%s", dest, rel);
			archive_entry_copy_hardlink(e, full);
		}
		r = archive_write_header(w, e);
		if (r < ARCHIVE_WARN) {
			*err = ar_message(path, orig, archive_error_string(w),
			    dest);
			goto out;
		}
		if (r == ARCHIVE_OK || r == ARCHIVE_WARN) {
			while ((r = archive_read_data_block(a, &blk, &len,
			    &off)) == ARCHIVE_OK)
				if (archive_write_data_block(w, blk, len,
				    off) < ARCHIVE_WARN) {
					*err = ar_message(path, orig,
					    archive_error_string(w), dest);
					goto out;
				}
			if (r != ARCHIVE_EOF && r < ARCHIVE_WARN) {
				*err = ar_message(path, orig,
				    archive_error_string(a), dest);
				goto out;
			}
		}
		if (archive_write_finish_entry(w) < ARCHIVE_WARN) {
			*err = ar_message(path, orig, archive_error_string(w),
			    dest);
			goto out;
		}
	}
	/* Folders' modes and times are set here, after their files. */
	if (archive_write_close(w) < ARCHIVE_WARN) {
		*err = ar_message(path, NULL, archive_error_string(w), dest);
		goto out;
	}
	rc = 1;
out:
	free(full);
	free(orig);
	archive_read_free(a);
	archive_write_free(w);
	return rc;
}

/*
 * Remove the device nodes and sockets below a folder, as tar_extract
 * skips them: the sandbox brings its own /dev, and a node elsewhere in
 * an image could open a host device.
 */
static void
strip_devices(int dfd, const char *name)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	int		 fd;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_type == DT_UNKNOWN) {
			if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW))
				continue;
			e->d_type = S_ISDIR(st.st_mode) ? DT_DIR :
			    S_ISCHR(st.st_mode) ? DT_CHR :
			    S_ISBLK(st.st_mode) ? DT_BLK :
			    S_ISSOCK(st.st_mode) ? DT_SOCK : DT_REG;
		}
		if (e->d_type == DT_DIR)
			strip_devices(fd, e->d_name);
		else if (e->d_type == DT_CHR || e->d_type == DT_BLK ||
		    e->d_type == DT_SOCK)
			unlinkat(fd, e->d_name, 0);
	}
	closedir(d);
}

static int
local_registry(const char *host)
{
	size_t	 n;

	if (host == NULL)
		return 0;
	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0;
	n = strcspn(host, ":");
	return (n == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
	    (n == 9 && strncmp(host, "localhost", 9) == 0);
}

/*
 * Fetch the image src with skopeo into the shared OCI layout under
 * the tag hex, and unpack that with umoci into bundle (an empty
 * folder), which gets rootfs/ and umoci's config files.  One skopeo or
 * umoci runs at a time on the layout.
 */
static int
oci_unpack(const char *imgdir, const char *src, int insecure,
    const char *hex, const char *bundle, char **err)
{
	const char	*argv[12];
	char		*lk, *layout, *dst, *image, *p, **v = NULL;
	size_t		 n = 0, i;
	int		 fd, k = 0, rc = 0;

	lk = path_join(imgdir, "oci.lock");
	layout = path_join(imgdir, "oci");
	dst = xasprintf("oci:%s:%s", layout, hex);
	image = xasprintf("%s:%s", layout, hex);
	if ((fd = lock_take(lk, LOCK_EX, err)) < 0)
		goto out;
	argv[k++] = "skopeo";
	argv[k++] = "copy";
	argv[k++] = "--quiet";
	if (insecure)
		argv[k++] = "--src-tls-verify=false";
	argv[k++] = src;
	argv[k++] = dst;
	argv[k] = NULL;
	if (!tool(argv, "skopeo copy failed", NULL, err))
		goto out;
	k = 0;
	argv[k++] = "umoci";
	argv[k++] = "unpack";
	if (geteuid() != 0)
		argv[k++] = "--rootless";
	argv[k++] = "--image";
	argv[k++] = image;
	argv[k++] = bundle;
	argv[k] = NULL;
	if (!tool(argv, "umoci unpack failed", NULL, err))
		goto out;
	p = path_join(bundle, "rootfs");
	strip_devices(AT_FDCWD, p);
	free(p);
	/* umoci's mtree serves umoci repack only. */
	if ((v = names_sorted(AT_FDCWD, bundle, &n)) != NULL)
		for (i = 0; i < n; i++)
			if (fnmatch("*.mtree", v[i], 0) == 0) {
				free(dst);
				dst = path_join(bundle, v[i]);
				unlink(dst);
			}
	rc = 1;
out:
	lock_drop(fd);
	names_free(v, n);
	free(lk);
	free(layout);
	free(dst);
	free(image);
	return rc;
}

/*
 * The digest of a reference that goes through skopeo: sha256 of the
 * manifest it serves (skopeo inspect --raw writes it byte for byte),
 * for a manifest list the list's.  Sets *src to what to copy from:
 * for docker://, the name pinned to that digest.
 */
static int
skopeo_digest(const char *imgdir, const struct imgref *r, const char *abs,
    char hex[SHA256_HEX_LEN + 1], char **src, char **err)
{
	const char	*argv[8];
	struct stat	 st;
	char		*o = NULL, *key = NULL, *what;
	int		 k = 0, rc = 0, memo = 0;

	switch (r->kind) {
	case IMG_DOCKER:
		if (r->digest != NULL) {
			memcpy(hex, r->digest + 7, SHA256_HEX_LEN + 1);
			*src = xasprintf("docker://%s@%s", r->name, r->digest);
			return 1;
		}
		key = xasprintf("docker://%s:%s", r->name,
		    r->tag != NULL ? r->tag : "latest");
		break;
	case IMG_OCI:
		key = xasprintf("oci:%s%s%s", abs, r->tag != NULL ? ":" : "",
		    r->tag != NULL ? r->tag : "");
		break;
	default:
		key = xasprintf("%s:%s%s", r->kind == IMG_OCI_ARCHIVE ?
		    "oci-archive" : "docker-archive", abs,
		    r->suffix != NULL ? r->suffix : "");
		/* An archive is unpacked to a temporary folder to be
		 * inspected: memoise its digest as a tar's. */
		if (stat(abs, &st) == -1) {
			*err = xasprintf("%s: %s", abs, strerror(errno));
			goto out;
		}
		memo = 1;
		if (memo_get(imgdir, key, &st, hex)) {
			*src = key;
			return 1;
		}
		break;
	}
	argv[k++] = "skopeo";
	argv[k++] = "inspect";
	argv[k++] = "--raw";
	if (r->kind == IMG_DOCKER && local_registry(r->host))
		argv[k++] = "--tls-verify=false";
	argv[k++] = key;
	argv[k] = NULL;
	what = xasprintf("cannot inspect %s", key);
	rc = tool(argv, what, &o, err);
	free(what);
	if (!rc)
		goto out;
	rc = 0;
	if (o == NULL || *o == '\0') {
		*err = xasprintf("cannot inspect %s: skopeo printed no "
		    "manifest", key);
		goto out;
	}
	sha256_hex(o, strlen(o), hex);
	if (memo)
		memo_put(imgdir, key, &st, hex);
	if (r->kind == IMG_DOCKER) {
		*src = xasprintf("docker://%s@sha256:%s", r->name, hex);
		free(key);
	} else
		*src = key;
	key = NULL;
	rc = 1;
out:
	free(o);
	free(key);
	return rc;
}

/*
 * Remove what a crashed or failed unpack of hex left (.tmp-HEX-*);
 * the caller holds HEX.lock exclusively.
 */
static void
clear_tmps(const char *imgdir, const char *hex)
{
	char	**v, *p, *pre;
	size_t	 n, i;

	pre = xasprintf(".tmp-%s-", hex);
	if ((v = names_sorted(AT_FDCWD, imgdir, &n)) != NULL)
		for (i = 0; i < n; i++)
			if (strncmp(v[i], pre, strlen(pre)) == 0) {
				p = path_join(imgdir, v[i]);
				purge(p);
				free(p);
			}
	names_free(v, n);
	free(pre);
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Make sure CACHE/images/HEX holds the image, unpacking it when not:
 * by tar_extract from the file tar, else by skopeo and umoci from src.
 */
static int
unpack_once(const char *imgdir, const char *hex, const char *ref,
    const char *tar, const char *src, int insecure, char **err)
{
	char	*entry, *root, *lk, *tmp = NULL, *p = NULL, *tmpl;
	int	 fd = -1, dfd, rc = 0;

	entry = path_join(imgdir, hex);
	root = path_join(entry, "rootfs");
	lk = xasprintf("%s/%s.lock", imgdir, hex);
	/* Shared first: any number of jobs may be using it. */
	if ((fd = lock_take(lk, LOCK_SH, err)) < 0)
		goto out;
	if (is_dir(root)) {
		rc = 1;
		goto out;
	}
	lock_drop(fd);
	if ((fd = lock_take(lk, LOCK_EX, err)) < 0)
		goto out;
	if (is_dir(root)) {
		rc = 1;
		goto out;
	}
	clear_tmps(imgdir, hex);
	/* A folder without a root is none of ours: it would block the
	 * rename. */
	if (is_dir(entry) && !purge(entry)) {
		*err = xasprintf("%s: cannot remove it", entry);
		goto out;
	}
	tmpl = xasprintf("%s/.tmp-%s-XXXXXX", imgdir, hex);
	if ((tmp = mkdtemp(tmpl)) == NULL) {
		*err = xasprintf("%s: %s", tmpl, strerror(errno));
		free(tmpl);
		goto out;
	}
	if (tar != NULL) {
		p = path_join(tmp, "rootfs");
		if (mkdir(p, 0755) == -1) {
			*err = xasprintf("%s: %s", p, strerror(errno));
			goto out;
		}
		if (!tar_extract(tar, p, err))
			goto out;
	} else if (!oci_unpack(imgdir, src, insecure, hex, tmp, err))
		goto out;
	free(p);
	p = path_join(tmp, "ref");
	write_small(p, ref);
	free(p);
	p = path_join(tmp, "rootfs");
	/* The sandbox runs as an unprivileged user: it must be able to
	 * reach the root (mkdtemp made the folder 0700). */
	if (chmod(tmp, 0755) == -1 || chmod(p, 0755) == -1) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	/* Everything on disk before the name says it is complete. */
	if ((dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		syncfs(dfd);
		close(dfd);
	}
	if (rename(tmp, entry) == -1) {
		*err = xasprintf("%s: %s", entry, strerror(errno));
		goto out;
	}
	rc = 1;
out:
	if (rc) {
		free(p);
		p = path_join(entry, "used");
		touch(p);
	} else if (tmp != NULL)
		purge(tmp);
	lock_drop(fd);
	free(tmp);
	free(p);
	free(entry);
	free(root);
	free(lk);
	return rc;
}

/*
 * Resolve ref to a content digest and make sure the image is unpacked
 * under CACHE/images/.  Relative paths in ref are relative to kbroot;
 * absolute ones are used as they are.  A rootfs: folder is used in
 * place (its digest hashes its listing: names, modes, sizes, mtimes).
 * On success *digest ("sha256:HEX") and *rootfs (the root folder's
 * absolute path) are new strings and the image's use time is renewed;
 * on failure *err is a new one-line message carrying the tool's own
 * (skopeo's or umoci's last lines, libarchive's error) and whatever
 * was cached before is intact.  Safe to call from several threads and
 * processes at once: an image is unpacked by one of them, the others
 * wait for it.
 */
int
image_prepare(const char *cache, const char *kbroot, const char *ref,
    char **digest, char **rootfs, char **err)
{
	struct imgref	 r;
	struct stat	 st;
	struct sha256	*h = NULL;
	char		*imgdir = NULL, *joined = NULL, *real = NULL;
	char		*src = NULL, *key = NULL;
	char		 hex[SHA256_HEX_LEN + 1];
	int		 rc = 0;

	*digest = *rootfs = *err = NULL;
	if (!imgref_parse(ref, &r, err))
		goto out;
	joined = path_join(cache, "images");
	if (!mkpath(joined, err))
		goto out;
	/* Real, because libarchive's symlink check walks the path. */
	if ((imgdir = realpath(joined, NULL)) == NULL) {
		*err = xasprintf("%s: %s", joined, strerror(errno));
		goto out;
	}
	if (r.path != NULL) {
		free(joined);
		joined = r.path[0] == '/' ? xstrdup(r.path) :
		    path_join(kbroot, r.path);
		if ((real = realpath(joined, NULL)) == NULL) {
			*err = xasprintf("%s: %s", joined, strerror(errno));
			goto out;
		}
	}
	if (r.kind != IMG_ROOTFS) {
		if (!skopeo_digest(imgdir, &r, real, hex, &src, err) ||
		    !unpack_once(imgdir, hex, ref, NULL, src, r.kind ==
		    IMG_DOCKER && local_registry(r.host), err))
			goto out;
	} else if (stat(real, &st) == -1) {
		*err = xasprintf("%s: %s", real, strerror(errno));
		goto out;
	} else if (S_ISDIR(st.st_mode)) {
		if (!readable_tree(AT_FDCWD, real)) {
			*err = xasprintf("%s: %s", real, strerror(errno));
			goto out;
		}
		h = sha256_new();
		sha256_update(h, "rootfs-listing\n", 15);
		listing_hash(h, AT_FDCWD, real, "");
		sha256_final(h, hex);
		*digest = xasprintf("sha256:%s", hex);
		*rootfs = real;
		real = NULL;
		rc = 1;
		goto out;
	} else if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("%s: not a tar file or a folder", real);
		goto out;
	} else {
		key = xasprintf("rootfs:%s", real);
		if (!file_digest(imgdir, key, real, hex, err) ||
		    !unpack_once(imgdir, hex, ref, real, NULL, 0, err))
			goto out;
	}
	*digest = xasprintf("sha256:%s", hex);
	*rootfs = xasprintf("%s/%s/rootfs", imgdir, hex);
	rc = 1;
out:
	imgref_free(&r);
	sha256_free(h);
	free(imgdir);
	free(joined);
	free(real);
	free(src);
	free(key);
	return rc;
}

/*
 * Hold the unpacked image of digest ("sha256:HEX") for a job: a shared
 * lock that keeps image_prune from removing it, and a renewed use
 * time.  Returns the lock's descriptor for image_release, or -1 when
 * that image is not in the cache (a rootfs: folder is used in place
 * and has nothing to hold; a pruned one needs image_prepare again).
 */
int
image_hold(const char *cache, const char *digest)
{
	char	*lk = NULL, *root = NULL, *used = NULL;
	int	 fd = -1;

	if (strncmp(digest, "sha256:", 7) != 0 ||
	    !is_hex64(digest + 7, strlen(digest + 7)))
		return -1;
	lk = xasprintf("%s/images/%s.lock", cache, digest + 7);
	root = xasprintf("%s/images/%s/rootfs", cache, digest + 7);
	used = xasprintf("%s/images/%s/used", cache, digest + 7);
	if (is_dir(root) && (fd = lock_take(lk, LOCK_SH, NULL)) >= 0) {
		if (is_dir(root))
			touch(used);
		else {
			lock_drop(fd);
			fd = -1;
		}
	}
	free(lk);
	free(root);
	free(used);
	return fd < 0 ? -1 : fd;
}

void
image_release(int fd)
{
	lock_drop(fd);
}

static time_t
last_use(const char *entry)
{
	struct stat	 st;
	char		*p;
	time_t		 t = 0;

	p = path_join(entry, "used");
	if (stat(p, &st) == 0 || stat(entry, &st) == 0)
		t = st.st_mtime;
	free(p);
	return t;
}

/*
 * Drop the OCI layout's tags of images no longer unpacked (pruned, or
 * a failed unpack) and let umoci collect their blobs.
 */
static int
prune_layout(const char *imgdir)
{
	const char	*argv[5];
	char		*layout, *lk, *o = NULL, *e = NULL, *p, *q, *t, *image;
	int		 fd = -1, gone = 0, tfd, rc = 0;

	layout = path_join(imgdir, "oci");
	lk = path_join(imgdir, "oci.lock");
	if (!is_dir(layout)) {
		rc = 1;
		goto out;
	}
	if ((fd = lock_take(lk, LOCK_EX, &e)) < 0)
		goto out;
	argv[0] = "umoci";
	argv[1] = "ls";
	argv[2] = "--layout";
	argv[3] = layout;
	argv[4] = NULL;
	if (!tool(argv, "umoci ls", &o, &e))
		goto out;
	for (p = o; (t = strsep(&p, "\n")) != NULL; ) {
		if (!is_hex64(t, strlen(t)))
			continue;
		q = xasprintf("%s/%s", imgdir, t);
		image = xasprintf("%s.lock", q);
		/* Busy: an unpack holds it and waits for our lock. */
		tfd = is_dir(q) ? -1 : lock_take(image, LOCK_EX | LOCK_NB,
		    NULL);
		free(image);
		free(q);
		if (tfd < 0)
			continue;
		image = xasprintf("%s:%s", layout, t);
		argv[0] = "umoci";
		argv[1] = "rm";
		argv[2] = "--image";
		argv[3] = image;
		argv[4] = NULL;
		rc = tool(argv, "umoci rm", NULL, &e);
		free(image);
		lock_drop(tfd);
		if (!rc)
			goto out;
		gone++;
	}
	argv[0] = "umoci";
	argv[1] = "gc";
	argv[2] = "--layout";
	argv[3] = layout;
	argv[4] = NULL;
	rc = gone == 0 || tool(argv, "umoci gc", NULL, &e);
out:
	if (!rc)
		diag_sys(layout, "%s", e != NULL ? e : "cannot prune");
	lock_drop(fd);
	free(layout);
	free(lk);
	free(o);
	free(e);
	return rc;
}

/*
 * Remove the unpacked images under CACHE/images/ not used for
 * max_age_secs (0: every one), skipping those in use (held by
 * image_hold, or being unpacked), and what failed unpacks left.
 * *removed is the number of images removed.  Returns 0 when something
 * could not be removed (reported with diag_sys), else 1.
 */
int
image_prune(const char *cache, long max_age_secs, size_t *removed)
{
	char	*imgdir, **v = NULL, *entry, *lk, *trash, *hex;
	size_t	 n = 0, i;
	time_t	 now = time(NULL);
	int	 fd, rc = 1;

	*removed = 0;
	imgdir = path_join(cache, "images");
	if (!is_dir(imgdir))
		goto out;
	if ((v = names_sorted(AT_FDCWD, imgdir, &n)) == NULL) {
		diag_sys(imgdir, "%s", strerror(errno));
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		entry = path_join(imgdir, v[i]);
		if (strncmp(v[i], ".trash-", 7) == 0)
			purge(entry);
		else if (strncmp(v[i], ".tmp-", 5) == 0 &&
		    strlen(v[i]) > 5 + SHA256_HEX_LEN) {
			hex = xstrndup(v[i] + 5, SHA256_HEX_LEN);
			lk = xasprintf("%s/%s.lock", imgdir, hex);
			if ((fd = lock_take(lk, LOCK_EX | LOCK_NB, NULL)) >= 0)
				purge(entry);
			lock_drop(fd);
			free(lk);
			free(hex);
		} else if (is_hex64(v[i], strlen(v[i])) && is_dir(entry) &&
		    (max_age_secs <= 0 || now - last_use(entry) >=
		    max_age_secs)) {
			lk = xasprintf("%s.lock", entry);
			fd = lock_take(lk, LOCK_EX | LOCK_NB, NULL);
			/* Used again since we looked? */
			if (fd >= 0 && (max_age_secs <= 0 ||
			    now - last_use(entry) >= max_age_secs)) {
				trash = xasprintf("%s/.trash-%s-%ld", imgdir,
				    v[i], (long)getpid());
				if (rename(entry, trash) == -1) {
					diag_sys(entry, "%s", strerror(errno));
					rc = 0;
				} else {
					(*removed)++;
					unlink(lk);
					lock_drop(fd);
					fd = -1;
					if (!purge(trash)) {
						diag_sys(trash, "cannot "
						    "remove all of it");
						rc = 0;
					}
				}
				free(trash);
			}
			lock_drop(fd);
			free(lk);
		}
		free(entry);
	}
	if (!prune_layout(imgdir))
		rc = 0;
out:
	names_free(v, n);
	free(imgdir);
	return rc;
}

/*
 * Add to h the sorted names of the *.dist-info and *.egg-info entries
 * of TOP/SUB/python3*\/dist-packages and site-packages, each folder in
 * name order and named relative to top, so that a tree hashes the
 * same wherever it is unpacked.
 */
static void
site_names(struct sha256 *h, const char *top, const char *sub)
{
	static const char *const leaves[] = { "dist-packages",
	    "site-packages" };
	char	**pv, **sv, *base, *dir, *rel;
	size_t	 pn, sn, i, j, k;

	base = path_join(top, sub);
	pv = names_sorted(AT_FDCWD, base, &pn);
	for (i = 0; pv != NULL && i < pn; i++) {
		if (fnmatch("python3*", pv[i], 0) != 0)
			continue;
		for (k = 0; k < 2; k++) {
			rel = xasprintf("%s/%s/%s", sub, pv[i], leaves[k]);
			dir = path_join(top, rel);
			if ((sv = names_sorted(AT_FDCWD, dir, &sn)) != NULL) {
				sha256_update(h, rel, strlen(rel) + 1);
				for (j = 0; j < sn; j++)
					if (fnmatch("*.dist-info", sv[j],
					    0) == 0 || fnmatch("*.egg-info",
					    sv[j], 0) == 0)
						sha256_update(h, sv[j],
						    strlen(sv[j]) + 1);
				names_free(sv, sn);
			}
			free(dir);
			free(rel);
		}
	}
	names_free(pv, pn);
	free(base);
}

/*
 * The hash (64 hex, a new string) of an environment's installed
 * packages: the contents of ROOT/var/lib/dpkg/status and the sorted
 * names of the *.dist-info and *.egg-info entries of ROOT's Python
 * folders (usr/lib/python3*\/, usr/local/lib/python3*\/: dist-packages
 * and site-packages), plus VENV/lib/python3*\/site-packages when venv
 * is not NULL.  Names carry versions, so an upgrade changes the hash;
 * no package file is read.  rootfs "/" hashes the host's.  NULL when
 * the dpkg status exists but cannot be read.
 */
char *
image_packages_hash2(const char *rootfs, const char *venv)
{
	struct sha256	*h;
	char		*p, *chunk;
	char		 hex[SHA256_HEX_LEN + 1];
	ssize_t		 n;
	int		 fd;

	h = sha256_new();
	p = path_join(rootfs, "var/lib/dpkg/status");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd == -1 && errno != ENOENT) {
		sha256_free(h);
		return NULL;
	}
	sha256_update(h, fd == -1 ? "no-dpkg\n" : "dpkg\n", fd == -1 ? 8 : 5);
	chunk = xmalloc(65536);
	while (fd != -1 && (n = read(fd, chunk, 65536)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			free(chunk);
			sha256_free(h);
			return NULL;
		}
		sha256_update(h, chunk, (size_t)n);
	}
	if (fd != -1)
		close(fd);
	free(chunk);
	sha256_update(h, "\npython\n", 8);
	site_names(h, rootfs, "usr/lib");
	site_names(h, rootfs, "usr/local/lib");
	if (venv != NULL) {
		sha256_update(h, "\nvenv\n", 6);
		site_names(h, venv, "lib");
	}
	sha256_final(h, hex);
	sha256_free(h);
	return xstrdup(hex);
}

char *
image_packages_hash(const char *rootfs)
{
	return image_packages_hash2(rootfs, NULL);
}
