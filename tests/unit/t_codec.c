/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for the small codecs in base/: the UTF-8 decoder and
 * encoder (utf8.c: the answer for each kind of malformed input, round
 * trips at every boundary), the JSON string escaper (val_json_str in
 * val.c: safe in <script> and in a .js file) and the named HTML
 * character references (entity.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "harness.h"

/* Decoding s[0..n) gives cp with length len. */
static void
dec(const char *s, size_t n, uint32_t cp, size_t len, const char *name)
{
	size_t		 got;
	uint32_t	 c;

	got = 99;
	c = utf8_decode(s, n, &got);
	OK(c == cp && got == len, name);
	if (c != cp || got != len)
		printf("  want U+%04X/%zu, got U+%04X/%zu\n", (unsigned)cp,
		    len, (unsigned)c, got);
}

/* s[0..n) is malformed: UTF8_BAD, one byte, and utf8_valid agrees. */
static void
bad(const char *s, size_t n, const char *name)
{
	size_t	 l, c;

	dec(s, n, UTF8_BAD, 1, name);
	OK(!utf8_valid(s, n, &l, &c) && l == 1 && c == 1, name);
}

/* cp encodes as the bytes want[0..n) and decodes back. */
static void
rt(uint32_t cp, const char *want, size_t n, const char *name)
{
	char	 o[4];
	size_t	 k;

	k = utf8_encode(o, cp);
	OK(k == n && memcmp(o, want, n) == 0, name);
	dec(o, k, cp, n, name);
	OK(utf8_valid(o, k, NULL, NULL), name);
}

static void
js(const char *in, size_t n, const char *want, const char *name)
{
	struct buf	 b = { NULL, 0, 0 };

	val_json_str(&b, in, n);
	EQS(buf_cstr(&b), want, name);
	buf_free(&b);
}

/* The escaped s reads back as s (jansson, as json_parse does). */
static void
js_back(const char *s, const char *name)
{
	struct buf	 b = { NULL, 0, 0 };
	struct val	*v;

	val_json_str(&b, s, strlen(s));
	v = json_parse(b.data, b.sz);
	OK(v != NULL && v->type == VAL_STR && strcmp(v->str, s) == 0, name);
	val_free(v);
	buf_free(&b);
}

static void
b64(const char *in, const char *want, size_t wantsz, const char *name)
{
	size_t	 sz = 0;
	char	*got = base64_decode(in, strlen(in), &sz);

	if (want == NULL)
		OK(got == NULL, name);
	else
		OK(got != NULL && sz == wantsz && memcmp(got, want, sz) == 0,
		    name);
	free(got);
}

static void
ent(const char *name, const char *want, const char *tname)
{
	const char	*got = entity_lookup(name, strlen(name));

	if (want == NULL)
		OK(got == NULL, tname);
	else
		EQS(got, want, tname);
}

int
main(void)
{
	size_t	 l, c;
	char	 o[4];

	/* Well-formed input. */
	dec("A", 1, 'A', 1, "utf8: ASCII");
	dec("\0x", 2, 0, 1, "utf8: NUL is a character");
	dec("\xc3\xa9z", 3, 0xe9, 2, "utf8: two bytes, rest left");
	dec("\xe2\x82\xac", 3, 0x20ac, 3, "utf8: three bytes");
	dec("\xf0\x9f\x98\x80", 4, 0x1f600, 4, "utf8: four bytes");

	/* Every boundary code point, there and back. */
	rt(0x7f, "\x7f", 1, "utf8: U+007F");
	rt(0x80, "\xc2\x80", 2, "utf8: U+0080");
	rt(0x7ff, "\xdf\xbf", 2, "utf8: U+07FF");
	rt(0x800, "\xe0\xa0\x80", 3, "utf8: U+0800");
	rt(0xd7ff, "\xed\x9f\xbf", 3, "utf8: U+D7FF");
	rt(0xe000, "\xee\x80\x80", 3, "utf8: U+E000");
	rt(0xffff, "\xef\xbf\xbf", 3, "utf8: U+FFFF");
	rt(0x10000, "\xf0\x90\x80\x80", 4, "utf8: U+10000");
	rt(0x10ffff, "\xf4\x8f\xbf\xbf", 4, "utf8: U+10FFFF");

	/* An invalid byte: one that starts no sequence. */
	bad("\x80", 1, "utf8: lone continuation byte");
	bad("\xbf\x80", 2, "utf8: continuation bytes");
	bad("\xc0\x80", 2, "utf8: C0 (overlong NUL)");
	bad("\xc1\xbf", 2, "utf8: C1 (overlong U+007F)");
	bad("\xf5\x80\x80\x80", 4, "utf8: F5");
	bad("\xfe", 1, "utf8: FE");
	bad("\xff", 1, "utf8: FF");
	/* Overlong forms. */
	bad("\xe0\x9f\xbf", 3, "utf8: overlong U+07FF in three bytes");
	bad("\xf0\x8f\xbf\xbf", 4, "utf8: overlong U+FFFF in four bytes");
	/* Surrogates. */
	bad("\xed\xa0\x80", 3, "utf8: surrogate U+D800");
	bad("\xed\xbf\xbf", 3, "utf8: surrogate U+DFFF");
	bad("\xed\xa0\xbd\xed\xb8\x80", 6, "utf8: surrogate pair (CESU-8)");
	/* Truncated: cut by the end, or by a byte that is no continuation. */
	bad("\xc3", 1, "utf8: two-byte sequence cut by the end");
	bad("\xe2\x82", 2, "utf8: three-byte sequence cut by the end");
	bad("\xf0\x9f\x98", 3, "utf8: four-byte sequence cut by the end");
	bad("\xf0\x9f\x98\x80", 3, "utf8: n shorter than the sequence");
	bad("\xc3z", 2, "utf8: cut by ASCII");
	bad("\xe2\x82\xc3\xa9", 4, "utf8: cut by another lead byte");
	bad("\xe2\0\xac", 3, "utf8: cut by NUL");
	/* Past U+10FFFF. */
	bad("\xf4\x90\x80\x80", 4, "utf8: U+110000");
	bad("\xf7\xbf\xbf\xbf", 4, "utf8: U+1FFFFF");

	/* The bad byte takes one: the good character after it is kept. */
	dec("\xe2\x82" "A", 3, UTF8_BAD, 1, "utf8: bad, then");
	dec("A", 1, 'A', 1, "utf8: ... the character after it");

	/* utf8_valid says where the first bad byte is. */
	OK(utf8_valid("ok \xc3\xa9\n", 6, &l, &c), "utf8_valid: good");
	OK(!utf8_valid("abcdefgh\nij\xed\xa0\x80", 14, &l, &c) &&
	    l == 2 && c == 3, "utf8_valid: line and column");

	/* The encoder's own contract. */
	OK(utf8_encode(o, 0x110000) == 3 && memcmp(o, "\xef\xbf\xbd", 3) ==
	    0, "utf8_encode: past U+10FFFF is U+FFFD");
	OK(utf8_encode(o, UTF8_BAD) == 3 && memcmp(o, "\xef\xbf\xbd", 3) ==
	    0, "utf8_encode: UTF8_BAD is U+FFFD");
	OK(utf8_encode(o, 0xd800) == 3 && memcmp(o, "\xed\xa0\x80", 3) ==
	    0, "utf8_encode: a surrogate is written as it is");

	/* The JSON escaper. */
	js("", 0, "\"\"", "json: empty");
	js("plain caf\xc3\xa9", 11, "\"plain caf\xc3\xa9\"",
	    "json: UTF-8 kept");
	js("</script>", 9, "\"\\u003c/script>\"", "json: </script>");
	js("<!-- x -->", 10, "\"\\u003c!-- x -->\"", "json: <!--");
	js("a\xe2\x80\xa8" "b", 5, "\"a\\u2028b\"", "json: U+2028");
	js("a\xe2\x80\xa9" "b", 5, "\"a\\u2029b\"", "json: U+2029");
	js("\xe2\x80\xa6\xe2\x80\xaa", 6, "\"\xe2\x80\xa6\xe2\x80\xaa\"",
	    "json: U+2026 and U+202A kept");
	js("\xe2\x80", 2, "\"\xe2\x80\"", "json: cut U+2028 at the end");
	js("say \"hi\"", 8, "\"say \\\"hi\\\"\"", "json: quotes");
	js("a\\b", 3, "\"a\\\\b\"", "json: backslash");
	js("\n\r\t", 3, "\"\\n\\r\\t\"", "json: named controls");
	js("\x01\x08\x0c\x1f", 4, "\"\\u0001\\u0008\\u000c\\u001f\"",
	    "json: other controls");
	js("a\0b", 3, "\"a\\u0000b\"", "json: NUL");
	js("\x7f>&'/", 5, "\"\x7f>&'/\"", "json: what stays as it is");
	js_back("</script><!-- \"q\" \\ \n\t\x01 \xe2\x80\xa8\xe2\x80\xa9 "
	    "caf\xc3\xa9 \xf0\x9f\x98\x80", "json: reads back the same");

	/* Named character references. */
	ent("amp", "&", "entity: amp");
	ent("lt", "<", "entity: lt");
	ent("gt", ">", "entity: gt");
	ent("quot", "\"", "entity: quot");
	ent("apos", "'", "entity: apos");
	ent("nbsp", " ", "entity: nbsp is a plain space");
	ent("mdash", "\xe2\x80\x94", "entity: mdash");
	ent("hellip", "\xe2\x80\xa6", "entity: hellip");
	ent("eacute", "\xc3\xa9", "entity: eacute");
	ent("AMP", NULL, "entity: names are case-sensitive");
	ent("am", NULL, "entity: a prefix is no name");
	ent("ampx", NULL, "entity: nor a longer name");
	ent("", NULL, "entity: empty");
	ent("bogus", NULL, "entity: unknown");
	OK(entity_lookup("amp;rest", 3) != NULL, "entity: length, not NUL");

	/* base64 as notebooks hold images: lines wrapped, padding last. */
	b64("aGVsbG8=", "hello", 5, "base64: padded");
	b64("aGVs\nbG8h", "hello!", 6, "base64: wrapped line");
	b64("aGVsbG8", NULL, 0, "base64: a quad cut short");
	b64("aGV=sbG8", NULL, 0, "base64: padding inside");
	b64("aGVs*G8h", NULL, 0, "base64: a character outside the alphabet");
	b64("", NULL, 0, "base64: empty");

	DONE();
}
