/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: the README reader (gs_readme, the first paragraph
 * that kbgen sync shows for a repository; gitsync.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "git/private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{

	free(gs_readme((const char *)data, sz));
	return 0;
}
