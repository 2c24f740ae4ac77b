/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * UTF-8, the one codec every other file calls: utf8_decode reads one
 * code point and says plainly when the bytes are malformed,
 * utf8_encode writes one, and utf8_valid checks a whole text with the
 * decoder.  What a caller does with a malformed byte (replace it with
 * U+FFFD, skip it, reject the text) is the caller's policy, not the
 * codec's.  It does not classify or fold code points (unicode.c),
 * balance bidirectional controls (util.c) nor know about entities
 * (entity.c).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"

/*
 * See base/base.h.  Malformed input gives UTF8_BAD with *len 1, so that
 * the caller reads the byte after it afresh and never swallows a good
 * character behind a bad one: a byte that starts no sequence (a
 * continuation byte 0x80..0xbf, 0xc0 and 0xc1, which only start
 * overlong forms, and 0xf5..0xff), a sequence cut short by the end of
 * the input or by a byte that is no continuation, an overlong form, a
 * surrogate (U+D800..U+DFFF) and a value past U+10FFFF.
 */
uint32_t
utf8_decode(const char *p, size_t n, size_t *len)
{
	const unsigned char	*s = (const unsigned char *)p;
	uint32_t		 cp, min;
	size_t			 need, k;

	assert(n > 0);
	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return UTF8_BAD;
	if (need > n)
		return UTF8_BAD;
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return UTF8_BAD;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return UTF8_BAD;
	*len = need;
	return cp;
}

/*
 * See base/base.h.  A surrogate is written in the three bytes UTF-8 would
 * give it, which are not well-formed: a caller with code points from
 * input (numeric character references) decides what to do with those
 * first.  A value past U+10FFFF (UTF8_BAD included) is written as
 * U+FFFD.
 */
size_t
utf8_encode(char *o, uint32_t cp)
{
	if (cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Check that p[0..n) is well-formed UTF-8 (utf8_decode finds nothing
 * malformed).  On failure, *line and *col (1-based, col in bytes)
 * locate the first bad byte.
 */
int
utf8_valid(const char *p, size_t n, size_t *line, size_t *col)
{
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 i = 0, ln = 1, lstart = 0, len, k;
	uint64_t		 w;

	while (i < n) {
		/* Most text is ASCII: eight bytes a step. */
		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (utf8_decode(p + i, n - i, &len) == UTF8_BAD)
			goto bad;
		i += len;
	}
	return 1;
bad:
	/* Only now count lines, to say where. */
	for (k = 0; k < i; k++)
		if (s[k] == '\n') {
			ln++;
			lstart = k + 1;
		}
	if (line != NULL)
		*line = ln;
	if (col != NULL)
		*col = i - lstart + 1;
	return 0;
}
