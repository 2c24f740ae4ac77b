/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The declared data of examples (run.data of a use case), fetched once
 * into a content-addressed cache before a job runs.  A file lives at
 * CACHE/data/sha256/HEX, HEX being the sha256 its use case declares,
 * and gets there only after its bytes were checked against that hash,
 * by a rename from a temporary beside it, so that a reader never sees
 * half a file or a wrong one.  Beside each entry, .HEX.lock is the
 * lock (flock) held by whoever downloads HEX, so that threads and
 * processes asking for the same file download it once, and .HEX.part
 * is its download in progress; both exist only while a fetch or an
 * eviction of HEX runs, unless a process was killed.  An entry's modification time is its
 * last use: data_evict removes the least recently used first.  At most
 * DATA_PER_HOST downloads go to one host at once in a process.
 * Downloads go through http.c (the only libcurl user).
 *
 * What this file does not do: decide which data a job gets and bind
 * them into the sandbox (runners.c), or check the declarations (lint).
 * SHA-256 comes from OpenSSL's EVP in one static function, sha256_path,
 * until sha256.c takes over as the only libcrypto user.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "extern.h"
#include "net/net.h"
#include "check/check.h"
#include "check/private.h"

#define DATA_DIR	"data/sha256"	/* below the cache folder */
#define DATA_PER_HOST	2	/* downloads to one host at once */
#define DATA_RETRIES	3	/* extra attempts on 5xx and no answer */

static const char hexdigits[] = "0123456789abcdef";

/*
 * The SHA-256 of the file at path, as 64 lower-case hex digits in
 * hex.  Returns 0 with *err a new message when it cannot be read.
 */
static int
sha256_path(const char *path, char hex[65], char **err)
{
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE], chunk[65536];
	unsigned int	 mdsz = 0, i;
	ssize_t		 n;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return 0;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		*err = xasprintf("%s: cannot start SHA-256", path);
		goto out;
	}
	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err = xasprintf("%s: %s", path, strerror(errno));
			goto out;
		}
		if (EVP_DigestUpdate(ctx, chunk, (size_t)n) != 1) {
			*err = xasprintf("%s: SHA-256 failed", path);
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdsz) != 1 || mdsz != 32) {
		*err = xasprintf("%s: SHA-256 failed", path);
		goto out;
	}
	for (i = 0; i < mdsz; i++) {
		hex[2 * i] = hexdigits[md[i] >> 4];
		hex[2 * i + 1] = hexdigits[md[i] & 0xf];
	}
	hex[64] = '\0';
	rc = 1;
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

/* s in lower case into hex; 0 unless s is 64 hex digits. */
static int
hex_norm(const char *s, char hex[65])
{
	size_t	 i;
	char	 c;

	for (i = 0; i < 64; i++) {
		c = s[i];
		if (c >= 'A' && c <= 'F')
			c += 'a' - 'A';
		if (strchr(hexdigits, c) == NULL || c == '\0')
			return 0;
		hex[i] = c;
	}
	hex[64] = '\0';
	return s[64] == '\0';
}

/* Whether name is an entry's: 64 lower-case hex digits. */
static int
hex_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < 64; i++)
		if (name[i] == '\0' || strchr(hexdigits, name[i]) == NULL)
			return 0;
	return name[64] == '\0';
}

/*
 * The downloads in progress per host, shared by every thread: a slot
 * is taken before a download and given back after it.  Hosts are
 * never forgotten; a run names a handful.
 */
struct hostslot {
	char		*host;	/* owned: lower case, with its port */
	int		 busy;	/* downloads in progress */
};

static pthread_mutex_t	 hostlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 hostfree = PTHREAD_COND_INITIALIZER;
static struct hostslot	*hosts;
static size_t		 hostsz;

/* The host (and port) of url, lower case, as a new string. */
static char *
host_key(const char *url)
{
	const char	*h, *e;
	char		*k;
	size_t		 len, i;

	h = strstr(url, "://");
	h = h == NULL ? url : h + 3;
	len = strcspn(h, "/?#");
	for (e = h + len; e > h; e--)
		if (e[-1] == '@') {	/* user info is not the host */
			len -= (size_t)(e - h);
			h = e;
			break;
		}
	k = xstrndup(h, len);
	for (i = 0; i < len; i++)
		if (k[i] >= 'A' && k[i] <= 'Z')
			k[i] += 'a' - 'A';
	return k;
}

/* Wait for a free slot of url's host and take it; returns its index. */
static size_t
host_take(const char *url)
{
	char	*k = host_key(url);
	size_t	 i;

	pthread_mutex_lock(&hostlock);
	for (i = 0; i < hostsz; i++)
		if (strcmp(hosts[i].host, k) == 0)
			break;
	if (i == hostsz) {
		hosts = xreallocarray(hosts, hostsz + 1, sizeof(*hosts));
		hosts[i].host = k;
		hosts[i].busy = 0;
		hostsz++;
		k = NULL;
	}
	while (hosts[i].busy >= DATA_PER_HOST)
		pthread_cond_wait(&hostfree, &hostlock);
	hosts[i].busy++;
	pthread_mutex_unlock(&hostlock);
	free(k);
	return i;
}

static void
host_give(size_t i)
{
	pthread_mutex_lock(&hostlock);
	hosts[i].busy--;
	pthread_cond_broadcast(&hostfree);
	pthread_mutex_unlock(&hostlock);
}

/*
 * Open and lock the lock file path (created when missing), waiting
 * unless nb.  Returns the descriptor (closing it unlocks), or -1 with
 * errno (EWOULDBLOCK: nb and held).  A lock counts only while path
 * still names the file locked: data_evict removes lock files while it
 * holds them, so whoever locked a removed one opens the new one.
 */
static int
lock_open(const char *path, int nb)
{
	struct stat	 fst, pst;
	int		 fd, e;

	for (;;) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC,
		    0644)) == -1)
			return -1;
		while (flock(fd, LOCK_EX | (nb ? LOCK_NB : 0)) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (fstat(fd, &fst) == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (stat(path, &pst) == 0 && pst.st_dev == fst.st_dev &&
		    pst.st_ino == fst.st_ino)
			return fd;
		close(fd);
	}
}

/* Create dir and its parents; 0 with *err a new message on failure. */
static int
dir_make(const char *dir, const char *url, char **err)
{
	char	*p, *s;
	int	 rc = 1;

	p = xstrdup(dir);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char	 c = *s;

			*s = '\0';
			if (mkdir(p, 0755) == -1 && errno != EEXIST) {
				*err = xasprintf("%s: cannot create %s: %s",
				    url, p, strerror(errno));
				rc = 0;
				break;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return rc;
}

/* Make a rename in dir last through a crash; best effort. */
static void
dir_sync(const char *dir)
{
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/*
 * Whether the entry at path is there; if so it was just used: set its
 * modification time to now (a cache another user owns may refuse,
 * which only blurs the order of eviction).
 */
static int
hit(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	(void)utimensat(AT_FDCWD, path, NULL, 0);
	return 1;
}

/*
 * See check/private.h.  The order matters: the lock of the entry first (a
 * thread waiting for another's download holds no host slot), then the
 * host slot for the download alone.
 */
int
data_fetch(const char *cache, const struct data_item *item,
    long long max_file, char **file, long long *fetched, char **err)
{
	struct http_download_req req;
	char		 hex[65], got[65];
	char		*dir = NULL, *dest = NULL, *lock = NULL, *part = NULL;
	long long	 n = 0;
	size_t		 slot;
	int		 lfd = -1, rc = 0, ok;

	*file = NULL;
	*fetched = 0;
	*err = NULL;
	if (item->sha256 == NULL || !hex_norm(item->sha256, hex)) {
		*err = xasprintf("%s: sha256 \"%s\" is not 64 hex digits",
		    item->url, item->sha256 != NULL ? item->sha256 : "");
		return 0;
	}
	dir = path_join(cache, DATA_DIR);
	dest = xasprintf("%s/%s", dir, hex);
	if (hit(dest)) {
		rc = 1;
		goto out;
	}
	if (!dir_make(dir, item->url, err))
		goto out;
	lock = xasprintf("%s/.%s.lock", dir, hex);
	part = xasprintf("%s/.%s.part", dir, hex);
	if ((lfd = lock_open(lock, 0)) == -1) {
		*err = xasprintf("%s: cannot lock %s: %s", item->url, lock,
		    strerror(errno));
		goto out;
	}
	/* Fetched by another thread or process while we waited. */
	if (hit(dest)) {
		rc = 1;
		goto out;
	}
	/* Left by a killed download: the lock says nobody writes it now. */
	if (unlink(part) == -1 && errno != ENOENT) {
		*err = xasprintf("%s: cannot remove %s: %s", item->url, part,
		    strerror(errno));
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.url = item->url;
	req.retries = DATA_RETRIES;
	slot = host_take(item->url);
	ok = http_download(&req, part, max_file, &n, err);
	host_give(slot);
	if (!ok)
		goto out;
	if (!sha256_path(part, got, err)) {
		unlink(part);
		goto out;
	}
	if (strcmp(got, hex) != 0) {
		*err = xasprintf("sha256 mismatch for %s: expected %s, got %s",
		    item->url, hex, got);
		unlink(part);
		goto out;
	}
	/* Jobs see it read-only anyway; this keeps slips on the host off. */
	(void)chmod(part, 0444);
	if (rename(part, dest) == -1) {
		*err = xasprintf("%s: cannot rename %s to %s: %s", item->url,
		    part, dest, strerror(errno));
		unlink(part);
		goto out;
	}
	dir_sync(dir);
	*fetched = n;
	rc = 1;
out:
	if (rc) {
		*file = dest;
		dest = NULL;
	}
	/*
	 * Remove the lock file while holding it, so none piles up: a
	 * thread waiting on it finds the name gone, opens a new one and
	 * sees the entry (lock_open).
	 */
	if (lfd != -1) {
		(void)unlink(lock);
		close(lfd);
	}
	free(dir);
	free(dest);
	free(lock);
	free(part);
	return rc;
}

/* An entry seen by data_evict. */
struct cached {
	char		 name[65];	/* its sha256 */
	struct timespec	 mtime;	/* its last use */
	long long	 size;	/* bytes */
};

static int
cached_cmp(const void *a, const void *b)
{
	const struct cached *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Whether name is one of keep[0..nkeep): a sha256 or a path ending in one. */
static int
kept(const char *name, const char *const *keep, size_t nkeep)
{
	const char	*b;
	size_t		 i;

	for (i = 0; i < nkeep; i++) {
		if (keep[i] == NULL)
			continue;
		b = strrchr(keep[i], '/');
		b = b == NULL ? keep[i] : b + 1;
		if (strcasecmp_ascii(b, name) == 0)
			return 1;
	}
	return 0;
}

/*
 * When nobody holds the lock of HEX in dir: remove its .part and its
 * lock file, and, when mtime is not NULL, the entry itself unless it
 * was used since (its modification time is no longer *mtime).
 * Returns 1 when the entry was removed or was not there.
 */
static int
drop(const char *dir, const char *hex, const struct timespec *mtime)
{
	struct stat	 st;
	char		*lock, *part, *path;
	int		 fd, rc = 0;

	lock = xasprintf("%s/.%s.lock", dir, hex);
	part = xasprintf("%s/.%s.part", dir, hex);
	path = xasprintf("%s/%s", dir, hex);
	if ((fd = lock_open(lock, 1)) == -1)
		goto out;
	if (stat(path, &st) == -1)
		rc = errno == ENOENT;
	else if (mtime != NULL && st.st_mtim.tv_sec == mtime->tv_sec &&
	    st.st_mtim.tv_nsec == mtime->tv_nsec)
		rc = unlink(path) == 0 || errno == ENOENT;
	(void)unlink(part);
	/* Still held: a fetch waiting for it will open a new one. */
	(void)unlink(lock);
	close(fd);
out:
	free(lock);
	free(part);
	free(path);
	return rc;
}

/*
 * See check/private.h.  One eviction at a time (CACHE/data/.evict.lock): two
 * at once would each free the room the other already freed.
 */
int
data_evict(const char *cache, long long max_size, const char *const *keep,
    size_t nkeep)
{
	DIR		*d = NULL;
	struct dirent	*e;
	struct stat	 st;
	struct cached	*cs = NULL;
	char		**left = NULL, *dir, *glock = NULL, hex[65];
	size_t		 csz = 0, leftsz = 0, i, len;
	long long	 total = 0;
	int		 gfd = -1, rc = 0;

	dir = path_join(cache, DATA_DIR);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			rc = 1;
		else
			diag_sys(dir, "%s", strerror(errno));
		goto out;
	}
	glock = path_join(cache, "data/.evict.lock");
	if ((gfd = lock_open(glock, 0)) == -1) {
		diag_sys(glock, "%s", strerror(errno));
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		if (hex_name(e->d_name)) {
			if (fstatat(dirfd(d), e->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
				continue;
			cs = xreallocarray(cs, csz + 1, sizeof(*cs));
			memcpy(cs[csz].name, e->d_name, 65);
			cs[csz].mtime = st.st_mtim;
			cs[csz].size = (long long)st.st_size;
			total += cs[csz].size;
			csz++;
			continue;
		}
		/* .HEX.part and .HEX.lock: tidied below, under the lock. */
		len = strlen(e->d_name);
		if (len != 70 || e->d_name[0] != '.' ||
		    (strcmp(e->d_name + 65, ".part") != 0 &&
		    strcmp(e->d_name + 65, ".lock") != 0))
			continue;
		memcpy(hex, e->d_name + 1, 64);
		hex[64] = '\0';
		if (!hex_name(hex))
			continue;
		left = xreallocarray(left, leftsz + 1, sizeof(*left));
		left[leftsz++] = xstrdup(hex);
	}
	xqsort(cs, csz, sizeof(*cs), cached_cmp);
	for (i = 0; i < csz && total > max_size; i++) {
		if (kept(cs[i].name, keep, nkeep))
			continue;
		if (drop(dir, cs[i].name, &cs[i].mtime))
			total -= cs[i].size;
	}
	/* What killed or failed downloads left, and idle lock files. */
	for (i = 0; i < leftsz; i++)
		(void)drop(dir, left[i], NULL);
	rc = 1;
out:
	for (i = 0; i < leftsz; i++)
		free(left[i]);
	free(left);
	free(cs);
	if (gfd != -1)
		close(gfd);
	if (d != NULL)
		closedir(d);
	free(glock);
	free(dir);
	return rc;
}
