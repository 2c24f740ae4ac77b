/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: the Indico export reader (indico_read: JSON to
 * seminars and programme sessions, with time zones, people and HTML
 * descriptions; indico.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "import/private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{

	val_free(indico_read("https://indico.example/export/x.json",
	    (const char *)data, sz));
	return 0;
}
