/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test driver for image.c, so that tests/image.test.sh can call the
 * C code with real tars, registries and layouts.  Built as
 * $(BUILD)/imagetool by "make unit"; not part of kbgen.
 *
 *	imagetool check REF			syntax; prints the message
 *	imagetool prepare CACHE KBROOT REF	prints the digest, the root
 *	imagetool parallel N CACHE KBROOT REF	N threads prepare at once
 *	imagetool prune CACHE MAX_AGE		prints how many were removed
 *	imagetool hold CACHE DIGEST SECONDS	holds an image that long
 *	imagetool pkghash ROOT [VENV]		prints the packages hash
 *	imagetool sha256 FILE			prints the file's digest
 *
 * Exit status 0 on success, 1 on failure (message on standard error).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "model/private.h"
#include "check/private.h"

struct job {
	const char	*cache, *kbroot, *ref;
	char		*digest, *rootfs, *err;
	int		 rc;
};

static void *
prepare_thread(void *arg)
{
	struct job	*j = arg;

	j->rc = image_prepare(j->cache, j->kbroot, j->ref, &j->digest,
	    &j->rootfs, &j->err);
	return NULL;
}

static int
usage(void)
{
	fputs("usage: imagetool check REF | prepare CACHE KBROOT REF | "
	    "parallel N CACHE KBROOT REF | prune CACHE MAX_AGE | "
	    "hold CACHE DIGEST SECONDS | pkghash ROOT [VENV] | "
	    "sha256 FILE\n", stderr);
	return 1;
}

int
main(int argc, char *argv[])
{
	struct job	 one, *jobs;
	pthread_t	*tids;
	char		*err = NULL, *h, hex[SHA256_HEX_LEN + 1];
	size_t		 removed;
	int		 i, n, fd, rc = 0;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "check") == 0 && argc == 3) {
		if (image_ref_check(argv[2], &err)) {
			puts("ok");
			return 0;
		}
		printf("%s\n", err);
		free(err);
		return 1;
	}
	if (strcmp(argv[1], "prepare") == 0 && argc == 5) {
		memset(&one, 0, sizeof(one));
		one.cache = argv[2];
		one.kbroot = argv[3];
		one.ref = argv[4];
		prepare_thread(&one);
		if (!one.rc) {
			fprintf(stderr, "imagetool: %s\n", one.err);
			free(one.err);
			return 1;
		}
		printf("%s\n%s\n", one.digest, one.rootfs);
		free(one.digest);
		free(one.rootfs);
		return 0;
	}
	if (strcmp(argv[1], "parallel") == 0 && argc == 6) {
		if ((n = atoi(argv[2])) < 1)
			return usage();
		jobs = xcalloc((size_t)n, sizeof(*jobs));
		tids = xcalloc((size_t)n, sizeof(*tids));
		for (i = 0; i < n; i++) {
			jobs[i].cache = argv[3];
			jobs[i].kbroot = argv[4];
			jobs[i].ref = argv[5];
			if (pthread_create(&tids[i], NULL, prepare_thread,
			    &jobs[i]) != 0)
				return 1;
		}
		for (i = 0; i < n; i++) {
			pthread_join(tids[i], NULL);
			if (jobs[i].rc)
				printf("%s %s\n", jobs[i].digest,
				    jobs[i].rootfs);
			else {
				fprintf(stderr, "imagetool: %s\n", jobs[i].err);
				rc = 1;
			}
			free(jobs[i].digest);
			free(jobs[i].rootfs);
			free(jobs[i].err);
		}
		free(jobs);
		free(tids);
		return rc;
	}
	if (strcmp(argv[1], "prune") == 0 && argc == 4) {
		if (!image_prune(argv[2], atol(argv[3]), &removed))
			rc = 1;
		printf("%zu\n", removed);
		return rc;
	}
	if (strcmp(argv[1], "hold") == 0 && argc == 5) {
		if ((fd = image_hold(argv[2], argv[3])) < 0) {
			fputs("imagetool: not in the cache\n", stderr);
			return 1;
		}
		puts("held");
		fflush(stdout);
		sleep((unsigned)atoi(argv[4]));
		image_release(fd);
		return 0;
	}
	if (strcmp(argv[1], "pkghash") == 0 && (argc == 3 || argc == 4)) {
		if ((h = image_packages_hash2(argv[2],
		    argc == 4 ? argv[3] : NULL)) == NULL) {
			fputs("imagetool: cannot read the dpkg status\n",
			    stderr);
			return 1;
		}
		puts(h);
		free(h);
		return 0;
	}
	if (strcmp(argv[1], "sha256") == 0 && argc == 3) {
		if (!sha256_file(argv[2], hex, &err)) {
			fprintf(stderr, "imagetool: %s\n", err);
			free(err);
			return 1;
		}
		puts(hex);
		return 0;
	}
	return usage();
}
