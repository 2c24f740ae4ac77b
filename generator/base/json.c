/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Reading JSON records back (the only jansson user): the index keeps
 * entries as JSON, and commands that print from the index pick fields
 * out of them here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "extern.h"
#include "base/base.h"

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

/*
 * The shortest text that reads back as d (1.094, not
 * 1.0940000000000001).
 */
static char *
real_text(double d)
{
	char	*s;
	int	 prec;

	for (prec = 1; prec < 17; prec++) {
		s = xasprintf("%.*g", prec, d);
		if (strtod(s, NULL) == d)
			return s;
		free(s);
	}
	return xasprintf("%.17g", d);
}

static struct val *
from_json(const json_t *j)
{
	struct val	*v, *k;
	const char	*key;
	json_t		*item;
	size_t		 i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = val_map();
		json_object_foreach((json_t *)j, key, item) {
			k = from_json(item);
			val_set(v, key, k);
		}
		return v;
	case JSON_ARRAY:
		v = val_list();
		json_array_foreach(j, i, item)
			val_push(v, from_json(item));
		return v;
	case JSON_STRING:
		return val_strn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		return val_int((long long)json_integer_value(j));
	case JSON_REAL:
		v = val_new(VAL_NUM);
		v->num = json_real_value(j);
		v->str = real_text(v->num);
		v->strsz = strlen(v->str);
		return v;
	case JSON_TRUE:
		return val_bool(1);
	case JSON_FALSE:
		return val_bool(0);
	default:
		return val_new(VAL_NULL);
	}
}

/*
 * Parse JSON text into a new val tree (caller frees), keeping object
 * member order.  NULL if the text is not valid JSON.
 */
struct val *
json_parse(const char *p, size_t sz)
{
	json_t		*root;
	json_error_t	 err;
	struct val	*v;

	if ((root = json_loadb(p, sz, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &err)) == NULL)
		return NULL;
	v = from_json(root);
	json_decref(root);
	return v;
}
