/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for markdown.c: the GFM extensions, heading ids, the safe
 * mode (raw HTML and URL schemes), the link resolver with its positions,
 * and empty input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "harness.h"

/* What the test resolver saw. */
struct seen {
	char	 url[8][64];
	size_t	 line[8];
	size_t	 col[8];
	size_t	 n;
};

/* Record every call; rewrite "*.md" to a site path, keep the rest. */
static char *
resolve(void *arg, const char *url, size_t line, size_t col)
{
	struct seen	*s = arg;
	size_t		 len = strlen(url);

	if (s->n < 8) {
		snprintf(s->url[s->n], sizeof(s->url[0]), "%s", url);
		s->line[s->n] = line;
		s->col[s->n] = col;
		s->n++;
	}
	if (len > 3 && strcmp(url + len - 3, ".md") == 0)
		return xasprintf("/kb/%.*s/", (int)(len - 3), url);
	return NULL;
}

/* Render s with the given options; the HTML, to be freed. */
static char *
render(const char *s, int unsafe)
{
	struct md_opts	 o = { "t.md", 0, unsafe, NULL, NULL };
	struct md_out	 out;
	char		*html;

	md_render(s, strlen(s), &o, &out);
	html = out.html;
	out.html = NULL;
	md_out_free(&out);
	return html;
}

/* Whether the rendering of s contains want. */
static int
has(const char *s, int unsafe, const char *want)
{
	char	*html = render(s, unsafe);
	int	 rc = strstr(html, want) != NULL;

	if (!rc)
		printf("  rendered: %s", html);
	free(html);
	return rc;
}

static void
t_extensions(void)
{
	char	*h;

	h = render("| a | b |\n|---|:-:|\n| 1 | 2 |\n", 0);
	EQS(h, "<table>\n<thead>\n<tr>\n<th>a</th>\n"
	    "<th align=\"center\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
	    "<td>1</td>\n<td align=\"center\">2</td>\n</tr>\n</tbody>\n"
	    "</table>\n", "table");
	free(h);
	OK(has("a ~~gone~~ b\n", 0, "<p>a <del>gone</del> b</p>"),
	    "strikethrough");
	OK(has("see www.example.com now\n", 0,
	    "<a href=\"http://www.example.com\">www.example.com</a>"),
	    "autolink www");
	OK(has("at https://example.org/x.\n", 0,
	    "<a href=\"https://example.org/x\">https://example.org/x</a>."),
	    "autolink url");
	h = render("- [ ] todo\n- [x] done\n", 0);
	EQS(h, "<ul>\n<li><input type=\"checkbox\" disabled=\"\" /> todo</li>\n"
	    "<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"
	    "</li>\n</ul>\n", "tasklist");
	free(h);
}

static void
t_headings(void)
{
	char	*h;

	h = render("# Intro\n\n## Intro\n\n## Hello, *World*!\n\n"
	    "Setext `code`\n---\n\n## intro-1\n\n### Intro\n\n#\n\n"
	    "> ## Quoted\n\n- ## Listed\n", 0);
	EQS(h, "<h1 id=\"intro\">Intro</h1>\n"
	    "<h2 id=\"intro-1\">Intro</h2>\n"
	    "<h2 id=\"hello-world\">Hello, <em>World</em>!</h2>\n"
	    "<h2 id=\"setext-code\">Setext <code>code</code></h2>\n"
	    "<h2 id=\"intro-1-1\">intro-1</h2>\n"
	    "<h3 id=\"intro-2\">Intro</h3>\n"
	    "<h1 id=\"section\"></h1>\n"
	    "<blockquote>\n<h2 id=\"quoted\">Quoted</h2>\n</blockquote>\n"
	    "<ul>\n<li>\n<h2 id=\"listed\">Listed</h2>\n</li>\n</ul>\n",
	    "heading ids, dedupe, nesting");
	free(h);
	OK(has("## Ünïcode Straße — “ÀÉ” 漢字 ½\n", 0,
	    "<h2 id=\"ünïcode-straße-àé-漢字\">"), "heading id, non-ASCII");
	/* Raw <h2> kept in unsafe mode must not take the id. */
	h = render("<h2>raw</h2>\n\n## Real\n", 1);
	EQS(h, "<h2>raw</h2>\n<h2 id=\"real\">Real</h2>\n",
	    "raw heading does not steal the id");
	free(h);
	OK(has("`<h2>` text\n\n## A\n", 0, "<h2 id=\"a\">A</h2>"),
	    "<h2> in code does not count");

	/*
	 * Malformed UTF-8 (bodies are checked first, but the id must not
	 * count on it): a bad byte is a separator and the bytes after it
	 * are read on their own, never copied, so no '"' or '<' gets in.
	 */
	OK(has("## a\xe0\"b<c\n", 0, "<h2 id=\"a-b-c\">"),
	    "heading id, cut 3-byte sequence before a quote");
	OK(has("## x\xc3\xa9\xff\xfey\n", 0, "<h2 id=\"x\xc3\xa9-y\">"),
	    "heading id, bytes that start nothing");
	OK(has("## \xf0\x9f\"\n", 0, "<h2 id=\"section\">"),
	    "heading id, cut 4-byte sequence only");
	OK(has("## p\x80\"q\xc0\xafr\xed\xa0\x80s\n", 0,
	    "<h2 id=\"p-q-r-s\">"),
	    "heading id, stray continuation, overlong, surrogate");
	OK(has("## \xf0\x9f\x98\x80 Emoji \xf0\xa0\x80\x80\n", 0,
	    "<h2 id=\"emoji-\xf0\xa0\x80\x80\">"),
	    "heading id, 4-byte letters kept, emoji a separator");
}

static void
t_safety(void)
{
	const char	*raw = "<script>alert(1)</script>\n\n"
	    "text <b onclick=\"x()\">bold</b>\n\n<div class=\"n\">d</div>\n";
	char		*h;

	h = render(raw, 0);
	OK(h && strstr(h, "<script") == NULL && strstr(h, "<b") == NULL &&
	    strstr(h, "<div") == NULL && strstr(h, "alert") == NULL,
	    "safe: raw HTML omitted");
	free(h);
	OK(has(raw, 1, "text <b onclick=\"x()\">bold</b>") &&
	    has(raw, 1, "<div class=\"n\">d</div>"), "unsafe: raw HTML kept");
	/* The tagfilter extension still defuses <script> when unsafe. */
	OK(has(raw, 1, "&lt;script>alert(1)&lt;/script>"),
	    "unsafe: tagfilter");

	OK(has("[a](javascript:alert(1))\n", 0, "<a href=\"#\">a</a>"),
	    "javascript: neutralised");
	OK(has("[a](JavaScript:alert(1))\n", 0, "<a href=\"#\">a</a>"),
	    "JavaScript: neutralised");
	OK(has("[a](<\tjava\tscript:x>)\n", 0, "<a href=\"#\">a</a>"),
	    "leading blank and tabs neutralised");
	OK(has("[a](<\001\177 javascript:x>)\n", 0, "<a href=\"#\">a</a>"),
	    "leading control characters neutralised");
	OK(has("[a](&#106;avascript:x)\n", 0, "<a href=\"#\">a</a>"),
	    "entity javascript: neutralised");
	OK(has("[a](vbscript:msgbox)\n", 0, "<a href=\"#\">a</a>"),
	    "vbscript: neutralised");
	OK(has("[a](file:///etc/passwd)\n", 0, "<a href=\"#\">a</a>"),
	    "file: neutralised");
	OK(has("[a](data:text/html,hi)\n", 0, "<a href=\"#\">a</a>"),
	    "data:text link neutralised");
	OK(has("[a](data:image/png;base64,AAAA)\n", 0,
	    "<a href=\"#\">a</a>"), "data:image link neutralised");
	OK(has("![i](data:image/png;base64,AAAA)\n", 0,
	    "<img src=\"data:image/png;base64,AAAA\" alt=\"i\" />"),
	    "data:image/png image kept");
	OK(has("![i](data:image/svg+xml,x)\n", 0,
	    "<img src=\"#\" alt=\"i\" />"), "data:image/svg+xml neutralised");
	OK(has("[m](mailto:a@example.org) [h](https://x.org)\n", 0,
	    "<a href=\"mailto:a@example.org\">m</a> "
	    "<a href=\"https://x.org\">h</a>"), "safe schemes kept");
	OK(has("[a](javascript:alert(1))\n", 1,
	    "<a href=\"javascript:alert(1)\">a</a>"), "unsafe: URL kept");
}

static void
t_resolve(void)
{
	const char	*doc =
	    "Intro line.\n"				/* 1 */
	    "\n"					/* 2 */
	    "See [one](one.md) and ![pic](img/a.png),\n"	/* 3 */
	    "  then [two](sub/two.md#x).\n"		/* 4 */
	    "[abs](https://x.org) [frag](#top) [root](/r) [q](?a) [e]()\n"
	    "\n"					/* 6 */
	    "> quoted [three](three.md)\n";		/* 7 */
	struct seen	 s;
	struct md_opts	 o;
	struct md_out	 out;

	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	o.path = "t.md";
	o.line0 = 10;
	o.resolve = resolve;
	o.arg = &s;
	OK(md_render(doc, strlen(doc), &o, &out), "resolve: render");
	OK(s.n == 4, "resolver called for the relative URLs only");
	EQS(s.url[0], "one.md", "resolve: first URL");
	OK(s.line[0] == 13 && s.col[0] == 5, "resolve: line0 added, col");
	EQS(s.url[1], "img/a.png", "resolve: image URL");
	OK(s.line[1] == 13 && s.col[1] == 23, "resolve: image position");
	EQS(s.url[2], "sub/two.md#x", "resolve: continuation line URL");
	OK(s.line[2] == 14 && s.col[2] == 8,
	    "resolve: continuation line position");
	EQS(s.url[3], "three.md", "resolve: quoted URL");
	OK(s.line[3] == 17 && s.col[3] == 10, "resolve: quoted position");
	OK(strstr(out.html, "<a href=\"/kb/one/\">one</a>") != NULL,
	    "resolve: URL replaced");
	OK(strstr(out.html, "<img src=\"img/a.png\"") != NULL,
	    "resolve: NULL keeps the URL");
	OK(strstr(out.html, "<a href=\"/kb/sub/two.md#x/\">") == NULL &&
	    strstr(out.html, "<a href=\"sub/two.md#x\">") != NULL,
	    "resolve: kept as given");
	md_out_free(&out);
	md_out_free(&out);
	md_out_free(NULL);
	OK(out.html == NULL, "md_out_free clears");
}

/* Where the resolver is told the only relative link of s is. */
static int
at(const char *s, size_t line, size_t col)
{
	struct seen	 sn;
	struct md_opts	 o;
	struct md_out	 out;

	memset(&sn, 0, sizeof(sn));
	memset(&o, 0, sizeof(o));
	o.resolve = resolve;
	o.arg = &sn;
	md_render(s, strlen(s), &o, &out);
	md_out_free(&out);
	if (sn.n == 1 && sn.line[0] == line && sn.col[0] == col)
		return 1;
	printf("  got %zu calls, %zu:%zu\n", sn.n, sn.line[0], sn.col[0]);
	return 0;
}

/* cmark-gfm's columns on continuation lines need correcting. */
static void
t_positions(void)
{
	OK(at("[x](a.md)\n", 1, 1), "position: first column");
	OK(at("a\n  see [x](a.md)\n", 2, 7), "position: indented line");
	OK(at("> a\n>   see [x](a.md)\n", 2, 9), "position: quoted line");
	OK(at("> a\n  see [x](a.md)\n", 2, 7), "position: lazy line");
	OK(at("a *b\n  c* [x](a.md)\n", 2, 6), "position: after emphasis");
	OK(at("x\n  a [l\nm](a.md)\n", 2, 5), "position: link over lines");
	OK(at("| a |\n|---|\n|  [x](a.md) |\n", 3, 4),
	    "position: table cell");
	OK(at("Title [x](a.md)\n===\n", 1, 7), "position: setext heading");
}

static void
t_empty(void)
{
	struct md_out	 out;

	md_render(NULL, 0, NULL, &out);
	EQS(out.html, "", "empty: html");
	md_out_free(&out);
}

int
main(void)
{
	diag_set_quiet(1);
	t_extensions();
	t_headings();
	t_safety();
	t_resolve();
	t_positions();
	t_empty();
	DONE();
}
