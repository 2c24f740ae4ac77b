/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Reading JSON records back (the only jansson user): the index keeps
 * entries as JSON, and commands that print from the index pick fields
 * out of them here.
 */
#include <string.h>

#include <jansson.h>

#include "extern.h"

/*
 * The string member key of the JSON object in p[0..sz), as a new
 * string (caller frees), or NULL if absent or not a string.
 */
char *
json_get_str(const char *p, size_t sz, const char *key)
{
	json_t		*root, *v;
	json_error_t	 err;
	char		*s = NULL;

	if ((root = json_loadb(p, sz, 0, &err)) == NULL)
		return NULL;
	v = json_object_get(root, key);
	if (json_is_string(v))
		s = xstrdup(json_string_value(v));
	json_decref(root);
	return s;
}
