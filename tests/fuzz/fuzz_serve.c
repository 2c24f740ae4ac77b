/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: what kbgen serve makes of a request, on untrusted
 * bytes, with its contracts checked (a broken one aborts):
 *  - serve_path (serve.c), the path of a request to a file below the
 *    folder served: refused (NULL) or a relative path with no empty
 *    segment, no segment that starts with a dot (so never "." or
 *    ".."), no control character and no leading '/' (a trailing one
 *    says a folder);
 *  - serve_host_ok (serve.c): a Host taken names a loopback address
 *    (localhost, *.localhost, 127.x, [::1]) and holds no "/", blank
 *    or "@";
 *  - serve_inject (serve.c): the page with the reload script put in,
 *    every byte of the page kept, in order, around it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"
#include "base/base.h"
#include "cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_path(const char *p)
{
	size_t	 i, n = strlen(p);

	if (n > 0 && p[0] == '/')
		abort();
	for (i = 0; i < n; i++) {
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			abort();
		if (p[i] == '/' && p[i + 1] == '/')
			abort();
		if ((i == 0 || p[i - 1] == '/') && p[i] == '.')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	static const char tag[] = "<script src=\"/__kbgen/live.js\"></script>";
	char	*s, *p, *out;
	size_t	 outsz, at;

	s = xmalloc(sz + 1);
	memcpy(s, data, sz);
	s[sz] = '\0';
	if ((p = serve_path(s)) != NULL) {
		check_path(p);
		free(p);
	}
	/* A Host taken is a loopback name, with at most a port after. */
	if (serve_host_ok(s) && strncmp(s, "[::1]", 5) != 0 &&
	    strncmp(s, "127.", 4) != 0 && strncasecmp(s, "localhost", 9) != 0 &&
	    (strcspn(s, ":") < 10 ||
	    strncasecmp(s + strcspn(s, ":") - 10, ".localhost", 10) != 0))
		abort();
	if (serve_host_ok(s) && strpbrk(s, "/ \t@") != NULL)
		abort();
	out = serve_inject(s, sz, tag, &outsz);
	if (outsz != sz + sizeof(tag) - 1)
		abort();
	/* The page around the tag: some prefix of it, the tag, the rest. */
	for (at = 0; at < sz && out[at] == s[at]; at++)
		continue;
	for (;; at--) {
		if (memcmp(out + at, tag, sizeof(tag) - 1) == 0 &&
		    memcmp(out + at + sizeof(tag) - 1, s + at, sz - at) == 0)
			break;
		if (at == 0)
			abort();
	}
	free(out);
	free(s);
	return 0;
}
