/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test tool, not a test: keep a run's outputs in a knowledge base's
 * store as kbgen check does after a run (check/keep.c, the same code),
 * so that tests of what pages show of executed notebooks and images
 * need no runner.  Usage:
 *
 *	putout ROOT SLUG STATUS STAMP [-g GPU]... [-n NOTEBOOK] [-l LOG]
 *	    [IMAGE ...]
 *
 * ROOT is the knowledge base (holding .kbgen/), STATUS the run's
 * ("pass", "fail", ...), STAMP its time in seconds; -g the name of a
 * GPU the run had (as nvidia-smi -L gives it); -n an executed
 * notebook (the run is then a notebook's), -l its output.log, IMAGE
 * files as the example would write them under $KBGEN_OUTPUT (kept by
 * their base names, with the same checks).  The use case's kept
 * "last" becomes this run, and "passing" too when STATUS is pass.
 * Prints the manifest's ref; warnings on stderr.  Exits 0 when kept.
 * Pair it with putrun, giving the record "outputs": REF.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "model/model.h"
#include "check/check.h"
#include "check/private.h"

/* Copy file src to dst; 0 on failure (reported). */
static int
copy(const char *src, const char *dst)
{
	char	*text = NULL;
	size_t	 sz;
	int	 ok;

	if (!file_read(src, &text, &sz))
		return 0;
	ok = file_write(dst, text, sz);
	free(text);
	return ok;
}

int
main(int argc, char *argv[])
{
	struct keep_limits lim = { 5LL << 20, 50LL << 20, 64 };
	struct idx	*idx = NULL;
	struct val	*rec = NULL, *gpus = NULL;
	struct buf	 warn = { NULL, 0, 0 };
	char		 tmpl[] = "/tmp/putout.XXXXXX", *job = NULL;
	char		*cache = NULL, *p, *ref = NULL, *date;
	const char	*base;
	int		 i, rc = 1, nb = 0;

	if (argc < 5) {
		fputs("usage: putout ROOT SLUG STATUS STAMP [-g GPU]... "
		    "[-n NOTEBOOK] [-l LOG] [IMAGE ...]\n", stderr);
		return 2;
	}
	if ((job = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	p = xasprintf("%s/work/output", job);
	(void)mkdirs(p);
	free(p);
	for (i = 5; i < argc; i++) {
		if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
			if (gpus == NULL)
				gpus = val_list();
			val_push(gpus, val_str(argv[++i]));
			continue;
		}
		if ((strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "-l") == 0) &&
		    i + 1 < argc) {
			nb |= argv[i][1] == 'n';
			p = xasprintf("%s/work/%s", job, argv[i][1] == 'n' ?
			    "output.ipynb" : "output.log");
			i++;
		} else {
			base = strrchr(argv[i], '/');
			p = xasprintf("%s/work/output/%s", job,
			    base != NULL ? base + 1 : argv[i]);
		}
		if (!copy(argv[i], p)) {
			free(p);
			goto out;
		}
		free(p);
	}
	rec = val_map();
	val_set_str(rec, "slug", argv[2]);
	val_set(rec, "stamp", val_int(atoll(argv[4])));
	date = utc_text((time_t)atoll(argv[4]), 0);
	val_set_str(rec, "date", date);
	free(date);
	val_set_str(rec, "runner", "local");
	val_set_str(rec, "status", argv[3]);
	if (nb)
		val_set_str(rec, "output_notebook", "output.ipynb");
	if (gpus != NULL) {
		struct val *g = val_set(rec, "gpus", val_map());

		val_set(g, "count", val_int((long long)gpus->kidsz));
		val_set(g, "names", gpus);
		gpus = NULL;
	}
	cache = path_join(argv[1], ".kbgen");
	if ((idx = idx_open(cache)) == NULL)
		goto out;
	ref = keep_run(cache, job, rec, &lim, &warn);
	fputs(buf_cstr(&warn), stderr);
	if (ref == NULL || !keep_record(idx, argv[2], ref, run_passed(rec)))
		goto out;
	printf("%s\n", ref);
	rc = 0;
out:
	(void)rmtree(job);
	buf_free(&warn);
	val_free(rec);
	val_free(gpus);
	free(ref);
	free(cache);
	idx_free(idx);
	return rc;
}
