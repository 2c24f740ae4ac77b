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

/* serve_host_ok(host) is want. */
static void
host(const char *h, int want, const char *name)
{
	OK(serve_host_ok(h) == want, name);
	if (serve_host_ok(h) != want)
		printf("  host \"%s\": want %d\n", h ? h : "(none)", want);
}

int
main(void)
{
	host(NULL, 1, "no Host (HTTP/1.0)");
	host("localhost", 1, "localhost");
	host("localhost:1414", 1, "localhost:port");
	host("LocalHost:1414", 1, "names are caseless");
	host("app.localhost:8080", 1, "*.localhost");
	host("127.0.0.1:1414", 1, "127.0.0.1:port");
	host("127.1.2.3", 1, "127/8");
	host("[::1]:1414", 1, "[::1]:port");
	host("[::1]", 1, "[::1]");
	host("evil.example:1414", 0, "another name (DNS rebinding)");
	host("localhost.evil.example", 0, "localhost as a prefix");
	host("evillocalhost", 0, "localhost as a suffix, no dot");
	host("127.0.0.1.evil.example", 0, "127.0.0.1 as a prefix");
	host("128.0.0.1", 0, "not 127/8");
	host("127.0.0.256", 0, "octet over 255");
	host("127.1", 0, "short form");
	host("192.168.1.5:1414", 0, "a LAN address");
	host("localhost:", 0, "empty port");
	host("localhost:14a", 0, "port not a number");
	host("localhost:123456", 0, "port too long");
	host("[::1]x", 0, "junk after [::1]");
	host("", 0, "empty Host");
	host("\xff/\x0e.localhost", 0, "*.localhost: not a host name (fuzz)");
	host("a b.localhost", 0, "*.localhost: a blank");

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
