/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test tool, not a test: drive render/thumb.c on image files, and
 * store kept outputs as kbgen check does, for tests/thumb.test.sh.
 *
 *	thumbtool encode IMAGE W H OUT	thumbnail IMAGE to fit W x H
 *	thumbtool pick NOTEBOOK OUT	the image NOTEBOOK shows (warnings
 *					on stderr; exit 1 when none)
 *	thumbtool blob ROOT FILE	store FILE in ROOT's outputs, print
 *					its ref
 *	thumbtool kept ROOT SLUG JSON	the run_outputs record of SLUG
 *
 * Exits 0 on success, 1 on failure (reported on stderr), 2 on misuse.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

static int
put(const char *path, const char *data, size_t sz)
{
	return file_write(path, data, sz) ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct buf	 w = { NULL, 0, 0 };
	struct idx	*idx;
	char		 hex[SHA256_HEX_LEN + 1];
	char		*in = NULL, *out = NULL, *err = NULL, *p, *dir;
	size_t		 insz, outsz;
	int		 rc = 1;

	if (argc == 6 && strcmp(argv[1], "encode") == 0) {
		if (!file_read(argv[2], &in, &insz))
			return 1;
		if (thumb_encode(in, insz, atoi(argv[3]), atoi(argv[4]),
		    &out, &outsz, &err))
			rc = put(argv[5], out, outsz);
		else
			fprintf(stderr, "thumbtool: %s\n", err);
	} else if (argc == 4 && strcmp(argv[1], "pick") == 0) {
		if (!file_read(argv[2], &in, &insz))
			return 1;
		if (thumb_pick(in, insz, &out, &outsz, &w))
			rc = put(argv[3], out, outsz);
		fputs(buf_cstr(&w), stderr);
		buf_free(&w);
	} else if (argc == 4 && strcmp(argv[1], "blob") == 0) {
		if (!file_read(argv[3], &in, &insz))
			return 1;
		sha256_hex(in, insz, hex);
		out = xasprintf("sha256:%s", hex);
		p = outputs_path(argv[2], out);
		dir = xstrndup(p, strrchr(p, '/') - p);
		if (mkdirs(dir) && file_write(p, in, insz)) {
			puts(out);
			rc = 0;
		}
		free(dir);
		free(p);
	} else if (argc == 5 && strcmp(argv[1], "kept") == 0) {
		p = path_join(argv[2], ".kbgen");
		if ((idx = idx_open(p)) != NULL) {
			if (idx_put_rec(idx, "run_outputs", argv[3], argv[4],
			    strlen(argv[4])))
				rc = 0;
			idx_free(idx);
		}
		free(p);
	} else {
		fputs("usage: thumbtool encode IMAGE W H OUT | pick NOTEBOOK "
		    "OUT | blob ROOT FILE | kept ROOT SLUG JSON\n", stderr);
		return 2;
	}
	free(in);
	free(out);
	free(err);
	return rc;
}
