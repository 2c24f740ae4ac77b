/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for kbgen serve's request paths and script injection
 * (serve.c): serve_path decodes a request's path strictly and refuses
 * what could name a file outside the folder served or a hidden one;
 * serve_inject puts the live-reload tag before the last </body>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "cmd.h"
#include "harness.h"

/* serve_path(url) is want (NULL: refused). */
static void
path(const char *url, const char *want, const char *name)
{
	char	*got = serve_path(url);

	if (want == NULL) {
		OK(got == NULL, name);
		if (got != NULL)
			printf("  want refused, got \"%s\"\n", got);
	} else
		EQS(got, want, name);
	free(got);
}

/* serve_inject(html, "<s>") is want. */
static void
inject(const char *html, const char *want, const char *name)
{
	size_t	 sz = 0;
	char	*got = serve_inject(html, strlen(html), "<s>", &sz);

	EQS(got, want, name);
	OK(sz == strlen(want), name);
	free(got);
}

int
main(void)
{
	path("/", "", "root");
	path("/index.html", "index.html", "file");
	path("/usecases/btagging/", "usecases/btagging/", "folder keeps its /");
	path("/usecases/btagging", "usecases/btagging", "no / added");
	path("//a///b//", "a/b/", "empty segments dropped");
	path("/a%20b.html", "a b.html", "escape decoded");
	path("/%C3%A9t%C3%A9/", "\xc3\xa9t\xc3\xa9/", "UTF-8 escapes");
	path("/a%2Fb", "a/b", "encoded / separates");
	path("/a..b/c.d", "a..b/c.d", "dots inside a name");
	path("/..", NULL, "..");
	path("/a/../b", NULL, ".. inside");
	path("/a/..", NULL, ".. at the end");
	path("/.", NULL, ".");
	path("/%2e%2e/etc/passwd", NULL, "encoded ..");
	path("/%2E%2e%2Fetc", NULL, "encoded ../");
	path("/a%2f..%2f..%2fb", NULL, "encoded / then ..");
	path("/.kbgen/index", NULL, "hidden folder");
	path("/a/.hidden", NULL, "hidden file");
	path("/a%00b", NULL, "NUL");
	path("/a%0Ab", NULL, "newline");
	path("/a%7fb", NULL, "DEL");
	path("/a\tb", NULL, "raw control character");
	path("/a%zz", NULL, "not hex");
	path("/a%4", NULL, "cut escape");
	path("/a%", NULL, "lone %");
	path("a/b", NULL, "no leading /");
	path("", NULL, "empty");
	path("http://example.org/", NULL, "absolute form");
	path(NULL, NULL, "NULL");

	inject("<html><body><p>x</p></body></html>",
	    "<html><body><p>x</p><s></body></html>", "before </body>");
	inject("<BODY>a</BODY>", "<BODY>a<s></BODY>", "any case");
	inject("<body><pre>&lt;/body&gt;</pre></body>\n</body>",
	    "<body><pre>&lt;/body&gt;</pre></body>\n<s></body>", "the last one");
	inject("<p>no body", "<p>no body<s>", "none: at the end");
	inject("", "<s>", "empty page");
	inject("</body", "<s></body", "cut tag");
	DONE();
}
