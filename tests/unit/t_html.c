/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for html.c (Indico HTML to safe Markdown) and for
 * fm_emit in frontmatter.c (YAML written back reads back the same).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "import/private.h"
#include "harness.h"

static void
md(const char *in, const char *want, const char *name)
{
	char	*got = html_to_md(in);

	EQS(got, want, name);
	free(got);
}

/* Emit v, parse it back, emit again: both texts must match. */
static void
roundtrip(struct val *v, const char *want, const char *name)
{
	struct buf	 a, b;
	struct val	*back;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	OK(fm_emit("t", v, &a), name);
	if (want != NULL)
		EQS(buf_cstr(&a), want, name);
	back = fm_yaml("t", buf_cstr(&a), a.sz, 0);
	OK(back != NULL, name);
	if (back != NULL) {
		OK(fm_emit("t", back, &b), name);
		EQS(buf_cstr(&b), buf_cstr(&a), name);
	}
	val_free(back);
	val_free(v);
	buf_free(&a);
	buf_free(&b);
}

int
main(void)
{
	struct val	*v, *l;

	md("", "", "html: empty");
	md("plain text", "plain text", "html: text");
	md("<p>one</p><p>two</p>", "one\n\ntwo", "html: paragraphs");
	md("a<br>b<br/>c", "a\\\nb\\\nc", "html: line breaks");
	md("<ul><li>x</li><li>y</li></ul>", "- x\n- y", "html: list");
	md("<b>bold</b> and <em>it</em>", "**bold** and *it*",
	    "html: emphasis");
	md("<script>alert(1)</script>ok", "ok", "html: script dropped");
	md("<SCRIPT type=x>alert(1)</SCRIPT >ok", "ok",
	    "html: upper-case script dropped");
	md("<style>p{}</style><iframe src=x></iframe>ok", "ok",
	    "html: style, iframe dropped");
	md("<script>never closed", "", "html: unclosed script");
	md("<a href=\"https://x.org/a?b=1&amp;c=2\">x</a>",
	    "[x](https://x.org/a?b=1&c=2)", "html: link, entity in href");
	md("<a href=\"javascript:alert(1)\">x</a>", "x",
	    "html: javascript: link keeps text only");
	md("<a href=\"https://x.org/(a)\">x</a>", "x",
	    "html: href with parentheses keeps text only");
	md("&lt;img src=x onerror=alert(1)&gt;",
	    "\\<img src=x onerror=alert(1)>", "html: escaped tag stays text");
	md("1 &lt; 2 &amp; 3 &#62; 2 &#x41; &unknown; &", "1 \\< 2 & 3 > 2 A "
	    "\\&unknown; &", "html: entities");
	md("a &amp;lt; b", "a \\&lt; b", "html: double-escaped entity");
	md("x <!-- <script>alert(1)</script> --> y", "x y",
	    "html: comments dropped");
	md("[not a link](javascript:x) `code`",
	    "\\[not a link\\](javascript:x) \\`code\\`",
	    "html: Markdown syntax in text escaped");
	md("<img src=x onerror=\"alert('<b>')\">after", "after",
	    "html: attribute with '>' inside quotes");
	md("caf&eacute; &#233;", "caf\xc3\xa9 \xc3\xa9", "html: UTF-8");
	md("a < b", "a \\< b", "html: lone '<'");
	md("&#xD800;|&#0;|&#x110000;|&#x10FFFF;", "\xef\xbf\xbd|\xef\xbf\xbd|"
	    "\xef\xbf\xbd|\xf4\x8f\xbf\xbf", "html: bad numeric references");
	md("a&#160;b&#xa0;c&nbsp;d", "a b c d", "html: no-break spaces");
	md("x&mdash;y&hellip;", "x\xe2\x80\x94y\xe2\x80\xa6",
	    "html: entity.c's names");

	v = val_map();
	val_set_str(v, "date", "2023-03-13");
	val_set_str(v, "start", "16:00");
	val_set_str(v, "title", "Colons: and # hashes");
	/* "n" is a YAML 1.1 boolean: quoted even as a key. */
	val_set_str(v, "n", "12");
	val_set_str(v, "b", "yes");
	val_set_str(v, "e", "");
	val_set_str(v, "abstract", "Line one.\n\nLine two.");
	l = val_list();
	val_push(l, val_str("Jane Doe"));
	val_push(l, val_str("true"));
	val_set(v, "speakers", l);
	roundtrip(v, "date: 2023-03-13\nstart: \"16:00\"\n"
	    "title: 'Colons: and # hashes'\n\"n\": \"12\"\nb: \"yes\"\ne: \"\"\n"
	    "abstract: |-\n  Line one.\n\n  Line two.\n"
	    "speakers: [Jane Doe, \"true\"]\n", "emit: quoting and styles");

	v = fm_yaml("t", "a: 1\nb: [x, y]\nc:\n  - {k: v, n: 2}\n"
	    "d: 'quoted'\ne: \"  spaces  \"\nf: \"tab\\there\"\n", 77, 0);
	OK(v != NULL, "emit: parse input");
	if (v != NULL)
		roundtrip(v, "a: 1\nb: [x, y]\nc:\n- k: v\n  \"n\": 2\n"
		    "d: quoted\ne: '  spaces  '\nf: \"tab\\there\"\n",
		    "emit: a parsed tree, plain stays plain");
	DONE();
}
