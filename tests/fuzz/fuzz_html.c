/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: Indico's HTML descriptions to Markdown
 * (html_to_md, html.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "import/private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	char	*s, *md;

	/* html_to_md reads a C string: the input up to its first NUL. */
	s = xstrndup((const char *)data, sz);
	md = html_to_md(s);
	free(md);
	free(s);
	return 0;
}
