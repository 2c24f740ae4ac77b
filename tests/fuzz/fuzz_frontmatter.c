/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: front matter and YAML values (frontmatter.c).  The
 * input is split as a Markdown file (fm_split), its front matter
 * written back through the emitter and read again (fm_emit, fm_yaml),
 * and the whole input is also read as a YAML file (site.yaml,
 * taxonomy.yaml, seminar lists).  The parsed front matter goes through
 * the cache's binary form (val_pack), which must give it back the
 * same; and the input itself is read as that binary form (val_unpack
 * answers NULL to what is not one, never crashes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct val	*meta = NULL, *v;
	struct buf	 out;
	const char	*body;
	size_t		 bodyline;

	memset(&out, 0, sizeof(out));
	if ((v = val_unpack((const char *)data, sz)) != NULL)
		val_free(v);
	if (fm_split("fuzz.md", (const char *)data, sz, &meta, &body,
	    &bodyline)) {
		struct buf	 a, b;

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		if (val_pack(&a, meta)) {
			if ((v = val_unpack(a.data, a.sz)) == NULL)
				abort();
			if (!val_pack(&b, v) || a.sz != b.sz ||
			    memcmp(a.data, b.data, a.sz) != 0)
				abort();
			val_free(v);
		}
		buf_free(&a);
		buf_free(&b);
		if (fm_emit("fuzz.md", meta, &out) &&
		    (v = fm_yaml("fuzz.yaml", out.data, out.sz, 0)) != NULL)
			val_free(v);
		val_free(meta);
	}
	buf_free(&out);
	if ((v = fm_yaml("fuzz.yaml", (const char *)data, sz, 0)) != NULL)
		val_free(v);
	return 0;
}
