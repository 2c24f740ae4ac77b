/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test tool, not a test: drive render/thumb.c on image files, for
 * tests/thumb.test.sh (putout keeps outputs as kbgen check does).
 *
 *	thumbtool encode IMAGE W H OUT	thumbnail IMAGE to fit W x H
 *	thumbtool pick NOTEBOOK OUT	the image NOTEBOOK shows (warnings
 *					on stderr; exit 1 when none)
 *
 * Exits 0 on success, 1 on failure (reported on stderr), 2 on misuse.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
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
	char		*in = NULL, *out = NULL, *err = NULL;
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
	} else {
		fputs("usage: thumbtool encode IMAGE W H OUT | pick NOTEBOOK "
		    "OUT\n", stderr);
		return 2;
	}
	free(in);
	free(out);
	free(err);
	return rc;
}
