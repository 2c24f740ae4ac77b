/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: the small codecs of base/ on untrusted bytes, with
 * their contracts checked (a broken one aborts):
 *  - utf8_decode (utf8.c): each answer is UTF8_BAD one byte long, or a
 *    Unicode scalar value that utf8_encode writes back as exactly the
 *    bytes read; utf8_valid agrees with it;
 *  - val_json_str (val.c): the output holds no '<', no control
 *    character and no U+2028 or U+2029, and, when the input is UTF-8,
 *    reads back (json_parse) as the input;
 *  - entity_lookup (entity.c) with the input as a name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	const char	*s = (const char *)data;
	struct buf	 b = { NULL, 0, 0 };
	struct val	*v;
	size_t		 i, len, l, c;
	uint32_t	 cp;
	char		 o[4];
	int		 good = 1;

	for (i = 0; i < sz; i += len) {
		cp = utf8_decode(s + i, sz - i, &len);
		if (cp == UTF8_BAD) {
			if (len != 1)
				abort();
			good = 0;
			continue;
		}
		if (len < 1 || len > 4 || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    utf8_encode(o, cp) != len || memcmp(o, s + i, len) != 0)
			abort();
	}
	if (utf8_valid(s, sz, &l, &c) != good)
		abort();

	val_json_str(&b, s, sz);
	for (i = 0; i < b.sz; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == '<' ||
		    ((unsigned char)b.data[i] == 0xe2 && i + 2 < b.sz &&
		    (unsigned char)b.data[i + 1] == 0x80 &&
		    ((unsigned char)b.data[i + 2] & 0xfe) == 0xa8))
			abort();
	if (good) {
		v = json_parse(b.data, b.sz);
		if (v == NULL || v->type != VAL_STR || v->strsz != sz ||
		    memcmp(v->str, s, sz) != 0)
			abort();
		val_free(v);
	}
	buf_free(&b);

	(void)entity_lookup(s, sz);
	return 0;
}
