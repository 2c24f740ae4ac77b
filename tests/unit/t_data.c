/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Tests of data.c and http_download, in two modes.
 *
 * Without arguments (as tests/run.sh runs every t_* program): what
 * needs no server.  A sha256 that is not 64 hex digits is refused and
 * creates nothing; a file already in the cache is a hit that costs no
 * download (the URL points at a closed port) and becomes the most
 * recently used; data_evict removes the least recently used first,
 * spares the files in keep and a file whose lock a fetch holds, and
 * tidies what killed downloads left; http_download names the URL when
 * nobody answers, leaves no file, and never overwrites dest.
 *
 * With a command, a tool for tests/data.test.sh, which serves files
 * from tests/httpd.py and checks the server's log:
 *   fetch CACHE URL SHA256 [MAX]      data_fetch: "fetched N FILE"
 *   fetchn CACHE URL SHA256 ...       one thread per URL SHA256 pair,
 *                                     a line "I fetched N FILE" each
 *   evict CACHE MAX [KEEP ...]        data_evict
 *   download URL DEST MAX TIMEOUT STALL RETRIES   http_download:
 *                                     "downloaded N"
 * A failure prints "error: MESSAGE" and exits 1.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "net/net.h"
#include "check/check.h"
#include "check/private.h"
#include "harness.h"

#define HEX_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C	"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HEX_D	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
#define HEX_E	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
#define CLOSED	"http://127.0.0.1:1/never"	/* nothing listens there */

static int
exists(const char *dir, const char *name)
{
	struct stat	 st;
	char		*p = path_join(dir, name);
	int		 rc = lstat(p, &st) == 0;

	free(p);
	return rc;
}

/* Put sz bytes at dir/name, last modified at mtime (seconds). */
static void
seed(const char *dir, const char *name, size_t sz, time_t mtime)
{
	struct timespec	 ts[2];
	char		*p = path_join(dir, name), *b = xcalloc(1, sz + 1);

	memset(b, 'x', sz);
	if (!file_write(p, b, sz))
		printf("# cannot write %s\n", p);
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	(void)utimensat(AT_FDCWD, p, ts, 0);
	free(b);
	free(p);
}

static int
has(const char *s, const char *part)
{
	return s != NULL && strstr(s, part) != NULL;
}

static int
offline(void)
{
	char		 tmpl[] = "/tmp/kbgen-t_data-XXXXXX", bad[65];
	char		*top, *cache, *dir, *file = NULL, *err = NULL, *p;
	const char	*keep[2];
	struct data_item it;
	struct http_download_req req;
	struct stat	 st;
	long long	 n = -1;
	time_t		 now = time(NULL);
	int		 fd;

	if ((top = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	cache = path_join(top, "cache");
	dir = path_join(cache, "data/sha256");

	/* A sha256 that is not one: refused, nothing made. */
	memset(&it, 0, sizeof(it));
	it.url = CLOSED;
	it.sha256 = HEX_A + 1;
	OK(!data_fetch(cache, &it, 0, &file, &n, &err) && file == NULL &&
	    has(err, "not 64 hex digits") && has(err, CLOSED),
	    "sha256: 63 digits refused");
	free(err);
	memcpy(bad, HEX_A, sizeof(bad));
	bad[10] = 'g';
	it.sha256 = bad;
	OK(!data_fetch(cache, &it, 0, &file, &n, &err) &&
	    has(err, "not 64 hex digits"), "sha256: not hex refused");
	free(err);
	it.sha256 = HEX_A "a";
	OK(!data_fetch(cache, &it, 0, &file, &n, &err),
	    "sha256: 65 digits refused");
	free(err);
	it.sha256 = NULL;
	OK(!data_fetch(cache, &it, 0, &file, &n, &err),
	    "sha256: missing refused");
	free(err);
	OK(!exists(top, "cache"), "sha256: nothing created");

	/* A hit: no download (nobody listens), and now the newest. */
	OK(mkdirs(dir), "mkdirs");
	seed(dir, HEX_A, 100, now - 86400);
	it.sha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAA";
	err = NULL;
	p = path_join(dir, HEX_A);
	OK(data_fetch(cache, &it, 0, &file, &n, &err) && n == 0,
	    "hit: no download, 0 bytes fetched");
	EQS(file, p, "hit: the cached file's path (sha256 in lower case)");
	OK(stat(p, &st) == 0 && st.st_mtime >= now - 5,
	    "hit: its use time is now");
	if (err != NULL)
		printf("# %s\n", err);
	free(err);
	free(file);
	free(p);
	file = err = NULL;

	/*
	 * Eviction, least recently used first: a (oldest), b, c, d of 100
	 * bytes; under 250 with a kept: b and c go, a and d stay.
	 */
	seed(dir, HEX_A, 100, now - 4000);
	seed(dir, HEX_B, 100, now - 3000);
	seed(dir, HEX_C, 100, now - 2000);
	seed(dir, HEX_D, 100, now - 1000);
	seed(dir, "." HEX_E ".part", 10, now);	/* a killed download */
	seed(dir, "." HEX_D ".lock", 0, now);
	keep[0] = HEX_A;
	OK(data_evict(cache, 250, keep, 1), "evict: ok");
	OK(exists(dir, HEX_A), "evict: kept file stays though oldest");
	OK(!exists(dir, HEX_B) && !exists(dir, HEX_C),
	    "evict: least recently used removed");
	OK(exists(dir, HEX_D), "evict: stops under the limit");
	OK(!exists(dir, "." HEX_E ".part") &&
	    !exists(dir, "." HEX_D ".lock"),
	    "evict: leftovers of killed downloads removed");
	/* keep as a path data_fetch gave; nothing else left to spare */
	keep[0] = p = path_join(dir, HEX_D);
	OK(data_evict(cache, 0, keep, 1) && !exists(dir, HEX_A) &&
	    exists(dir, HEX_D), "evict: keep given as a path");
	free(p);

	/* A file whose lock a fetch holds is not removed. */
	p = path_join(dir, "." HEX_D ".lock");
	fd = open(p, O_RDWR | O_CREAT, 0644);
	OK(fd != -1 && flock(fd, LOCK_EX) == 0, "evict: lock taken");
	OK(data_evict(cache, 0, NULL, 0) && exists(dir, HEX_D),
	    "evict: file being fetched stays");
	if (fd != -1)
		close(fd);
	OK(data_evict(cache, 0, NULL, 0) && !exists(dir, HEX_D) &&
	    !exists(dir, "." HEX_D ".lock"), "evict: then it goes");
	free(p);
	p = path_join(top, "none");
	OK(data_evict(p, 0, NULL, 0), "evict: no cache yet is fine");
	free(p);

	/* http_download: nobody answers; dest never overwritten. */
	memset(&req, 0, sizeof(req));
	req.url = CLOSED;
	p = path_join(top, "dl");
	OK(!http_download(&req, p, 0, &n, &err) && has(err, CLOSED) &&
	    !exists(top, "dl"), "download: no answer names the URL");
	if (err != NULL)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	seed(top, "dl", 3, now);
	OK(!http_download(&req, p, 0, &n, &err) && has(err, "cannot create")
	    && stat(p, &st) == 0 && st.st_size == 3,
	    "download: an existing dest is left alone");
	free(err);
	free(p);

	rmtree(top);
	free(dir);
	free(cache);
	DONE();
}

/* One thread of fetchn. */
struct job {
	const char	*cache;
	struct data_item item;
	char		*file;
	char		*err;
	long long	 n;
	int		 ok;
};

static void *
job_run(void *arg)
{
	struct job	*j = arg;

	j->ok = data_fetch(j->cache, &j->item, 0, &j->file, &j->n, &j->err);
	return NULL;
}

static int
tool(int argc, char **argv)
{
	struct data_item it;
	struct http_download_req req;
	struct job	*js;
	pthread_t	*ts;
	char		*file = NULL, *err = NULL;
	long long	 n = 0;
	int		 i, nj, rc = 0;

	memset(&it, 0, sizeof(it));
	if (strcmp(argv[1], "fetch") == 0 && (argc == 5 || argc == 6)) {
		it.url = argv[3];
		it.sha256 = argv[4];
		if (!data_fetch(argv[2], &it, argc == 6 ? atoll(argv[5]) : 0,
		    &file, &n, &err)) {
			printf("error: %s\n", err);
			free(err);
			return 1;
		}
		printf("fetched %lld %s\n", n, file);
		free(file);
		return 0;
	}
	if (strcmp(argv[1], "fetchn") == 0 && argc >= 5 && argc % 2 == 1) {
		nj = (argc - 3) / 2;
		js = xcalloc((size_t)nj, sizeof(*js));
		ts = xcalloc((size_t)nj, sizeof(*ts));
		for (i = 0; i < nj; i++) {
			js[i].cache = argv[2];
			js[i].item.url = argv[3 + 2 * i];
			js[i].item.sha256 = argv[4 + 2 * i];
			if (pthread_create(&ts[i], NULL, job_run, &js[i]) != 0)
				return 2;
		}
		for (i = 0; i < nj; i++) {
			pthread_join(ts[i], NULL);
			if (js[i].ok)
				printf("%d fetched %lld %s\n", i, js[i].n,
				    js[i].file);
			else {
				printf("%d error: %s\n", i, js[i].err);
				rc = 1;
			}
			free(js[i].file);
			free(js[i].err);
		}
		free(js);
		free(ts);
		return rc;
	}
	if (strcmp(argv[1], "evict") == 0 && argc >= 4)
		return data_evict(argv[2], atoll(argv[3]),
		    (const char *const *)argv + 4, (size_t)argc - 4) ? 0 : 1;
	if (strcmp(argv[1], "download") == 0 && argc == 8) {
		memset(&req, 0, sizeof(req));
		req.url = argv[2];
		req.timeout = atol(argv[5]);
		req.stall = atol(argv[6]);
		req.retries = atoi(argv[7]);
		if (!http_download(&req, argv[3], atoll(argv[4]), &n, &err)) {
			printf("error: %s\n", err);
			free(err);
			return 1;
		}
		printf("downloaded %lld\n", n);
		return 0;
	}
	fprintf(stderr, "usage: t_data [fetch|fetchn|evict|download ...]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		return tool(argc, argv);
	return offline();
}
