/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test tool, not a test: store run records in a knowledge base's
 * run store, as kbgen check would, so that tests of what the site and
 * kbgen status say of results need no runner.  Usage:
 *
 *	putrun DIR/.kbgen < records
 *
 * records holds one JSON object a line, each with "slug" and "stamp"
 * (seconds, the record's key in time order).  Exits 0 when every line
 * was stored, 1 otherwise (reported on stderr).
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"

int
main(int argc, char *argv[])
{
	struct idx	*idx = NULL;
	struct val	*v = NULL;
	struct buf	 b = { NULL, 0, 0 };
	char		*line = NULL;
	size_t		 cap = 0, n = 0;
	ssize_t		 len;
	const char	*slug, *stamp;
	int		 rc = 1;

	if (argc != 2) {
		fputs("usage: putrun DIR/.kbgen < records\n", stderr);
		return 2;
	}
	if ((idx = idx_open(argv[1])) == NULL)
		goto out;
	while ((len = getline(&line, &cap, stdin)) != -1) {
		n++;
		if (len <= 1)
			continue;
		v = json_parse(line, (size_t)len);
		slug = val_get_str(v, "slug");
		stamp = val_get_str(v, "stamp");
		if (v == NULL || v->type != VAL_MAP || slug == NULL ||
		    stamp == NULL) {
			fprintf(stderr, "putrun: line %zu: not a record "
			    "with slug and stamp\n", n);
			goto out;
		}
		/* Stored as kbgen check stores them: compact JSON. */
		buf_reset(&b);
		val_json(&b, v, 0);
		if (!idx_put_run(idx, slug, strtoull(stamp, NULL, 10), b.data,
		    b.sz))
			goto out;
		val_free(v);
		v = NULL;
	}
	rc = 0;
out:
	val_free(v);
	buf_free(&b);
	free(line);
	idx_free(idx);
	return rc;
}
