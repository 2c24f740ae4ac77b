/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: JSON as kbgen reads run results (result.json,
 * runner.log records) and notebooks (json_parse, json_get_str;
 * json.c).
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

	val_free(json_parse((const char *)data, sz));
	free(json_get_str((const char *)data, sz, "status"));
	return 0;
}
