/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A small tree of data values.  The YAML loader produces it (with
 * source positions), the test harness builds it from JSON, and the
 * renderer builds it as the context of a template.  A map keeps its
 * members in insertion order; lookups are linear, which is fine for
 * the few dozen keys a page has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"

/*
 * A key's hash for quick lookups (FNV-1a); never 0, which marks a key
 * whose hash is not known.
 */
uint32_t
val_khash(const char *key)
{
	uint32_t	 h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h | 1;
}

/* Whether member k is named key, whose val_khash is h. */
static int
same_key(const struct val *k, const char *key, uint32_t h)
{
	if (k->khash != 0 && k->khash != h)
		return 0;
	return strcmp(k->key, key) == 0;
}

/*
 * A new empty value of the given type; free with val_free.
 */
struct val *
val_new(enum val_type t)
{
	struct val	*v = xcalloc(1, sizeof(*v));

	v->type = t;
	return v;
}

void
val_free(struct val *v)
{
	size_t	 i;

	if (v == NULL || v->shared)
		return;
	if (v->borrowed) {
		free(v->key);
		free(v);
		return;
	}
	for (i = 0; i < v->kidsz; i++)
		val_free(v->kids[i]);
	free(v->kids);
	free(v->key);
	free(v->str);
	free(v);
}

struct val *
val_strn(const char *s, size_t n)
{
	struct val	*v = val_new(VAL_STR);

	v->str = xstrndup(s, n);
	v->strsz = n;
	return v;
}

struct val *
val_str(const char *s)
{
	return val_strn(s, strlen(s));
}

struct val *
val_bool(int b)
{
	struct val	*v = val_new(VAL_BOOL);

	v->b = b != 0;
	return v;
}

struct val *
val_int(long long n)
{
	struct val	*v = val_new(VAL_NUM);

	v->num = (double)n;
	v->str = xasprintf("%lld", n);
	v->strsz = strlen(v->str);
	return v;
}

struct val *
val_list(void)
{
	return val_new(VAL_LIST);
}

struct val *
val_map(void)
{
	return val_new(VAL_MAP);
}

/*
 * Append kid to a list or map (kid->key set for a map); the container
 * takes ownership.  Returns kid.
 */
struct val *
val_push(struct val *v, struct val *kid)
{
	if (v->kidsz == v->kidcap) {
		v->kidcap = v->kidcap == 0 ? 4 : v->kidcap * 2;
		v->kids = xreallocarray(v->kids, v->kidcap, sizeof(*v->kids));
	}
	v->kids[v->kidsz++] = kid;
	return kid;
}

/*
 * Set key in map v to kid (taking ownership), replacing any member of
 * that key.  Returns kid.
 */
struct val *
val_set(struct val *v, const char *key, struct val *kid)
{
	size_t		 i;
	struct val	*proxy;

	if (kid->shared) {
		/*
		 * A shared value may sit in many maps under many keys at
		 * once (and other threads may be reading it), so the map
		 * gets a proxy with its own key that borrows the rest.
		 */
		proxy = val_new(kid->type);
		proxy->borrowed = 1;
		proxy->str = kid->str;
		proxy->strsz = kid->strsz;
		proxy->num = kid->num;
		proxy->b = kid->b;
		proxy->kids = kid->kids;
		proxy->kidsz = kid->kidsz;
		proxy->line = kid->line;
		proxy->col = kid->col;
		kid = proxy;
	}
	free(kid->key);
	kid->key = xstrdup(key);
	kid->khash = val_khash(key);
	for (i = 0; i < v->kidsz; i++)
		if (same_key(v->kids[i], key, kid->khash)) {
			val_free(v->kids[i]);
			v->kids[i] = kid;
			return kid;
		}
	return val_push(v, kid);
}

/*
 * Set key to a string (NULL sets nothing).  Returns the new value or
 * NULL.
 */
struct val *
val_set_str(struct val *v, const char *key, const char *s)
{
	if (s == NULL)
		return NULL;
	return val_set(v, key, val_str(s));
}

/*
 * The member of map v named key, borrowed; NULL if absent or v is not
 * a map.
 */
struct val *
val_get(const struct val *v, const char *key)
{
	if (v == NULL || v->type != VAL_MAP)
		return NULL;
	return val_get_h(v, key, val_khash(key));
}

/*
 * val_get with the key's val_khash already known: templates hash their
 * names once, when they are compiled.
 */
struct val *
val_get_h(const struct val *v, const char *key, uint32_t h)
{
	size_t	 i;

	if (v == NULL || v->type != VAL_MAP)
		return NULL;
	for (i = 0; i < v->kidsz; i++)
		if (same_key(v->kids[i], key, h))
			return v->kids[i];
	return NULL;
}

/*
 * The string member key of map v, borrowed, or NULL if absent or not a
 * scalar.
 */
const char *
val_get_str(const struct val *v, const char *key)
{
	const struct val *k = val_get(v, key);

	if (k == NULL || (k->type != VAL_STR && k->type != VAL_NUM))
		return NULL;
	return k->str;
}

/*
 * The string member key of map v as a new value, or a new null when
 * absent: for template values that may be missing.
 */
struct val *
val_opt_str(const struct val *v, const char *key)
{
	const char	*s = val_get_str(v, key);

	return s != NULL ? val_str(s) : val_new(VAL_NULL);
}

/*
 * Mustache truthiness: null, false and the empty list are false;
 * everything else, the empty string and zero included, is true.
 */
int
val_truthy(const struct val *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case VAL_NULL:
		return 0;
	case VAL_BOOL:
		return v->b;
	case VAL_LIST:
		return v->kidsz > 0;
	default:
		return 1;
	}
}

/*
 * A deep copy, positions included; the caller frees it.
 */
struct val *
val_copy(const struct val *v)
{
	struct val	*c;
	size_t		 i;

	c = val_new(v->type);
	c->key = v->key == NULL ? NULL : xstrdup(v->key);
	c->khash = v->khash;
	c->kline = v->kline;
	c->kcol = v->kcol;
	if (v->str != NULL)
		c->str = xstrndup(v->str, v->strsz);
	c->strsz = v->strsz;
	c->num = v->num;
	c->b = v->b;
	c->plain = v->plain;
	c->line = v->line;
	c->col = v->col;
	for (i = 0; i < v->kidsz; i++)
		val_push(c, val_copy(v->kids[i]));
	return c;
}

/*
 * Whether s[i..n) starts with U+2028 LINE SEPARATOR or U+2029
 * PARAGRAPH SEPARATOR, which end a line in JavaScript before ES2019.
 */
static int
js_newline(const unsigned char *s, size_t n, size_t i)
{
	return s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
	    (s[i + 2] & 0xfe) == 0xa8;
}

/*
 * See extern.h.  The one rule for every JSON string kbgen writes:
 * '"' and '\\' backslashed, \n \r \t by name and the other control
 * characters as \u00XX, '<' as \u003c (no "</script>" or "<!--" when
 * the JSON sits in a <script> element) and U+2028 and U+2029 as
 * \u2028 and \u2029 (a .js file keeps them inside a string).  Every
 * other byte, UTF-8 included, is copied as it is.
 */
void
val_json_str(struct buf *b, const char *p, size_t n)
{
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 i, run = 0;
	unsigned char		 c;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		c = s[i];
		/* Copy the run that needs no escape in one go. */
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' &&
		    (c != 0xe2 || !js_newline(s, n, i)))
			continue;
		buf_put(b, p + run, i - run);
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '<': buf_puts(b, "\\u003c"); break;
		case 0xe2:
			buf_puts(b, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += 2;
			break;
		default:
			buf_printf(b, "\\u%04x", c);
			break;
		}
		run = i + 1;
	}
	buf_put(b, p + run, n - run);
	buf_putc(b, '"');
}

static void
json_indent(struct buf *b, int depth)
{
	int	 i;

	buf_putc(b, '\n');
	for (i = 0; i < depth; i++)
		buf_puts(b, "  ");
}

static void
json_val(struct buf *b, const struct val *v, int pretty, int depth)
{
	size_t	 i;

	switch (v->type) {
	case VAL_NULL:
		buf_puts(b, "null");
		return;
	case VAL_BOOL:
		buf_puts(b, v->b ? "true" : "false");
		return;
	case VAL_NUM:
		buf_puts(b, v->str);
		return;
	case VAL_STR:
		val_json_str(b, v->str, v->strsz);
		return;
	case VAL_LIST:
	case VAL_MAP:
		buf_putc(b, v->type == VAL_LIST ? '[' : '{');
		for (i = 0; i < v->kidsz; i++) {
			if (i > 0)
				buf_putc(b, ',');
			if (pretty)
				json_indent(b, depth + 1);
			if (v->type == VAL_MAP) {
				val_json_str(b, v->kids[i]->key,
				    strlen(v->kids[i]->key));
				buf_puts(b, pretty ? ": " : ":");
			}
			json_val(b, v->kids[i], pretty, depth + 1);
		}
		if (pretty && v->kidsz > 0)
			json_indent(b, depth);
		buf_putc(b, v->type == VAL_LIST ? ']' : '}');
		return;
	}
}

/*
 * Append v as JSON to b, indented when pretty.
 */
void
val_json(struct buf *b, const struct val *v, int pretty)
{
	json_val(b, v, pretty, 0);
	if (pretty)
		buf_putc(b, '\n');
}

/*
 * See extern.h.  Keys such as speakers, contacts or terms take one
 * value or a list of them.
 */
size_t
val_count(const struct val *v)
{
	if (v == NULL || v->type == VAL_NULL)
		return 0;
	return v->type == VAL_LIST ? v->kidsz : 1;
}

const struct val *
val_item(const struct val *v, size_t i)
{
	return v->type == VAL_LIST ? v->kids[i] : v;
}

/*
 * The binary form of a value tree, for caches (model/content.c keeps
 * parsed front matter with it): per value a flags byte (type, plain,
 * bool, whether a key and a string follow), its four positions as
 * LEB128 numbers, the key and the string as length and bytes, a
 * VAL_NUM's double as its 8 bytes, then the number of kids and the
 * kids.  Only this program on this machine reads it back, and only as
 * a cache: val_unpack checks every length and answers NULL to anything
 * malformed.
 */
#define PK_KEY		0x08
#define PK_STR		0x10
#define PK_PLAIN	0x20
#define PK_TRUE		0x40
#define PK_DEPTH	64	/* deeper trees are not packed */

static void
put_uv(struct buf *b, uint64_t n)
{
	while (n >= 0x80) {
		buf_putc(b, (char)((n & 0x7f) | 0x80));
		n >>= 7;
	}
	buf_putc(b, (char)n);
}

static int
get_uv(const unsigned char **p, const unsigned char *end, uint64_t *n)
{
	unsigned	 shift = 0;

	*n = 0;
	while (*p < end && shift < 64) {
		*n |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 1;
		shift += 7;
	}
	return 0;
}

static int
pack(struct buf *b, const struct val *v, int depth)
{
	size_t	 i;
	int	 f = (int)v->type;

	if (depth > PK_DEPTH)
		return 0;
	f |= v->key != NULL ? PK_KEY : 0;
	f |= v->str != NULL ? PK_STR : 0;
	f |= v->plain ? PK_PLAIN : 0;
	f |= v->b ? PK_TRUE : 0;
	buf_putc(b, (char)f);
	put_uv(b, v->line);
	put_uv(b, v->col);
	put_uv(b, v->kline);
	put_uv(b, v->kcol);
	if (v->key != NULL) {
		put_uv(b, strlen(v->key));
		buf_puts(b, v->key);
	}
	if (v->str != NULL) {
		put_uv(b, v->strsz);
		buf_put(b, v->str, v->strsz);
	}
	if (v->type == VAL_NUM)
		buf_put(b, (const char *)&v->num, sizeof(v->num));
	put_uv(b, v->kidsz);
	for (i = 0; i < v->kidsz; i++)
		if (!pack(b, v->kids[i], depth + 1))
			return 0;
	return 1;
}

/*
 * Append v's binary form to b.  Returns 0 (b then holds part of it)
 * for a tree too deep to pack.
 */
int
val_pack(struct buf *b, const struct val *v)
{
	return pack(b, v, 0);
}

static struct val *
unpack(const unsigned char **p, const unsigned char *end, int depth)
{
	struct val	*v;
	uint64_t	 n, pos[4], i;
	int		 f;

	if (*p >= end || depth > PK_DEPTH)
		return NULL;
	f = *(*p)++;
	if ((f & 0x07) > VAL_MAP)
		return NULL;
	for (i = 0; i < 4; i++)
		if (!get_uv(p, end, &pos[i]))
			return NULL;
	v = val_new((enum val_type)(f & 0x07));
	v->line = (size_t)pos[0];
	v->col = (size_t)pos[1];
	v->kline = (uint32_t)pos[2];
	v->kcol = (uint32_t)pos[3];
	v->plain = (f & PK_PLAIN) != 0;
	v->b = (f & PK_TRUE) != 0;
	if (f & PK_KEY) {
		if (!get_uv(p, end, &n) || n > (uint64_t)(end - *p) ||
		    memchr(*p, '\0', (size_t)n) != NULL)
			goto bad;
		v->key = xstrndup((const char *)*p, (size_t)n);
		v->khash = val_khash(v->key);
		*p += n;
	}
	if (f & PK_STR) {
		if (!get_uv(p, end, &n) || n > (uint64_t)(end - *p))
			goto bad;
		v->str = xstrndup((const char *)*p, (size_t)n);
		v->strsz = (size_t)n;
		*p += n;
	}
	if (v->type == VAL_NUM) {
		if ((size_t)(end - *p) < sizeof(v->num))
			goto bad;
		memcpy(&v->num, *p, sizeof(v->num));
		*p += sizeof(v->num);
	}
	/* Each kid takes 5 bytes at least. */
	if (!get_uv(p, end, &n) || n > (uint64_t)(end - *p) / 5)
		goto bad;
	if (n > 0 && v->type != VAL_LIST && v->type != VAL_MAP)
		goto bad;
	if (n > 0) {
		v->kids = xreallocarray(NULL, (size_t)n, sizeof(*v->kids));
		v->kidcap = (size_t)n;
	}
	for (i = 0; i < n; i++) {
		if ((v->kids[i] = unpack(p, end, depth + 1)) == NULL)
			goto bad;
		v->kidsz++;
		if ((v->type == VAL_MAP) != (v->kids[i]->key != NULL))
			goto bad;
	}
	return v;
bad:
	val_free(v);
	return NULL;
}

/*
 * The value whose binary form (val_pack) is data[0..sz), all of it; a
 * new tree, or NULL when data is not one.
 */
struct val *
val_unpack(const char *data, size_t sz)
{
	const unsigned char *p = (const unsigned char *)data;
	const unsigned char *end = p + sz;
	struct val	*v;

	if ((v = unpack(&p, end, 0)) != NULL && p != end) {
		val_free(v);
		v = NULL;
	}
	return v;
}
