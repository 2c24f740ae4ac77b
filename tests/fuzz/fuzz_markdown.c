/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: the Markdown pipeline with heading ids, plain
 * text, first paragraph and URL filtering (markdown.c).  The first
 * byte picks safe or unsafe rendering; links starting with "x" are
 * rewritten by the resolver, as content links are.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
resolve(void *arg, const char *url, size_t line, size_t col)
{

	(void)arg;
	(void)line;
	(void)col;
	return url[0] == 'x' ? xasprintf("/resolved/%s/", url + 1) : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct md_opts	 opts;
	struct md_out	 out;

	if (sz == 0)
		return 0;
	memset(&opts, 0, sizeof(opts));
	memset(&out, 0, sizeof(out));
	opts.path = "fuzz.md";
	opts.line0 = 3;
	opts.unsafe = data[0] & 1;
	opts.resolve = resolve;
	if (md_render((const char *)data + 1, sz - 1, &opts, &out))
		md_out_free(&out);
	return 0;
}
