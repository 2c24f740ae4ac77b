/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: the search tokenizer and stemmer (search_tokens,
 * search_stem; search.c), as searchdocs.c feeds it page text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "search/private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	char	*s, *toks, *w, *sp, *st;
	int	 n;

	s = xstrndup((const char *)data, sz);
	toks = search_tokens(s);
	/* Stem the first few tokens, as the index writer does. */
	for (w = toks, n = 0; w != NULL && *w != '\0' && n < 8; n++) {
		if ((sp = strchr(w, ' ')) != NULL)
			*sp = '\0';
		st = search_stem("en", w);
		free(st);
		if (sp == NULL)
			break;
		w = sp + 1;
	}
	free(toks);
	free(s);
	return 0;
}
