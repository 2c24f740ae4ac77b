/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Checking YAML mappings against tables of known keys: required keys,
 * value types, dates, times, durations and slugs; then single values
 * further (one of a set of words, a whole number in a range, a size,
 * an http(s) URL, an e-mail address, an ORCID iD with its check
 * digit).  Unknown keys are warnings with the nearest known
 * key as a suggestion; a key that the tree of tables knows at another
 * place is an error naming where it belongs, since its value would be
 * lost; everything else is an error at the offending value's position.  This file knows
 * nothing about what a use case or a person is; content.c and config.c
 * supply the tables.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

static const char *
type_name(const struct val *v)
{
	switch (v->type) {
	case VAL_NULL:
		return "nothing";
	case VAL_BOOL:
		return "a boolean";
	case VAL_NUM:
	case VAL_STR:
		return "a single value";
	case VAL_LIST:
		return "a list";
	case VAL_MAP:
		return "a mapping";
	}
	return "?";
}

/*
 * The candidates closest to word by edit distance, all at the same
 * distance, close enough to be a plausible typo: up to max of them
 * into out, in the order of cands.  Returns how many.  Borrowed from
 * cands.
 */
size_t
schema_nearest(const char *word, const char *const *cands, size_t candsz,
    const char **out, size_t max)
{
	size_t		 i, d, best = (size_t)-1, lim, n = 0;

	lim = strlen(word) / 3 + 1;
	if (lim < 2)
		lim = 2;
	for (i = 0; i < candsz; i++) {
		d = edit_distance(word, cands[i]);
		if (d > lim || d > best)
			continue;
		if (d < best) {
			best = d;
			n = 0;
		}
		if (n < max)
			out[n++] = cands[i];
	}
	return n;
}

/*
 * The candidate closest to word by edit distance, or NULL when none is
 * close enough to be a plausible typo.  Borrowed from cands.
 */
const char *
schema_suggest(const char *word, const char *const *cands, size_t candsz)
{
	const char	*pick = NULL;

	return schema_nearest(word, cands, candsz, &pick, 1) ? pick : NULL;
}

/*
 * YYYY-MM-DD naming a real day.
 */
int
date_valid(const char *s)
{
	int	 y, m, d, mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	size_t	 i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1)
		return 0;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return d <= 29;
	return d <= mdays[m - 1];
}

/*
 * See model/model.h.
 */
int
pdate_prec(const char *s)
{
	size_t	 i, n = strlen(s);
	int	 m;

	if (n == 10)
		return date_valid(s) ? 3 : 0;
	if (n != 4 && n != 7)
		return 0;
	for (i = 0; i < n; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return 0;
	if (n == 4)
		return 1;
	m = atoi(s + 5);
	return s[4] == '-' && m >= 1 && m <= 12 ? 2 : 0;
}

/*
 * HH:MM, 24 hours.
 */
int
time_valid(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':' ||
	    !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return 0;
	return atoi(s) < 24 && atoi(s + 3) < 60;
}

/*
 * Seconds in a duration such as 90s, 20m, 2h, 1h30m or 7d; -1 if
 * malformed.
 */
long
duration_secs(const char *s)
{
	long	 total = 0, n;
	int	 any = 0;

	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (n = 0; isdigit((unsigned char)*s); s++) {
			n = n * 10 + (*s - '0');
			if (n > 100000000L)
				return -1;
		}
		switch (*s++) {
		case 'd': n *= 86400; break;
		case 'h': n *= 3600; break;
		case 'm': n *= 60; break;
		case 's': break;
		default: return -1;
		}
		total += n;
		any = 1;
	}
	return any ? total : -1;
}

/*
 * Read a YAML boolean (true/false, yes/no, on/off, unquoted).  Returns
 * 1 and sets *b, or 0 if v is not one.
 */
int
bool_value(const struct val *v, int *b)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "on", "On" };
	static const char *const no[] = { "false", "False", "FALSE", "no",
	    "No", "off", "Off" };
	size_t	 i;

	if (v->type == VAL_BOOL) {
		*b = v->b;
		return 1;
	}
	if (v->type != VAL_STR || !v->plain)
		return 0;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v->str, yes[i]) == 0) {
			*b = 1;
			return 1;
		}
		if (strcmp(v->str, no[i]) == 0) {
			*b = 0;
			return 1;
		}
	}
	return 0;
}

static int
is_scalar(const struct val *v)
{
	return v->type == VAL_STR || v->type == VAL_NUM ||
	    v->type == VAL_BOOL;
}

static int
check_one(const char *path, const struct val *v, const struct fld *f,
    const char *what)
{
	size_t	 i;
	int	 b;
	char	*end;

	switch (f->type) {
	case FLD_ANY:
		return 1;
	case FLD_MAP:
		if (v->type == VAL_MAP)
			return 1;
		diag_err(path, v->line, v->col,
		    "\"%s\" must be a mapping of keys to values, not %s",
		    f->key, type_name(v));
		return 0;
	case FLD_LIST:
		if (v->type == VAL_LIST)
			return 1;
		diag_err(path, v->line, v->col,
		    "\"%s\" must be a list, not %s", f->key, type_name(v));
		return 0;
	case FLD_STRS:
		if (is_scalar(v))
			return 1;
		if (v->type != VAL_LIST) {
			diag_err(path, v->line, v->col, "\"%s\" must be a "
			    "list of values, not %s", f->key, type_name(v));
			return 0;
		}
		for (i = 0; i < v->kidsz; i++)
			if (!is_scalar(v->kids[i])) {
				diag_err(path, v->kids[i]->line,
				    v->kids[i]->col, "\"%s\" must be a list "
				    "of values; this item is %s", f->key,
				    type_name(v->kids[i]));
				return 0;
			}
		return 1;
	case FLD_BOOL:
		if (bool_value(v, &b))
			return 1;
		diag_err(path, v->line, v->col,
		    "\"%s\" must be true or false", f->key);
		return 0;
	default:
		break;
	}

	if (!is_scalar(v) || v->str == NULL) {
		diag_err(path, v->line, v->col,
		    "\"%s\" must be a single value, not %s", f->key,
		    type_name(v));
		return 0;
	}
	switch (f->type) {
	case FLD_INT:
		errno = 0;
		(void)strtol(v->str, &end, 10);
		if (*v->str != '\0' && *end == '\0' && errno == ERANGE) {
			diag_err(path, v->line, v->col, "\"%s\": %s is out "
			    "of range", f->key, v->str);
			return 0;
		}
		if (*v->str != '\0' && *end == '\0')
			return 1;
		diag_err(path, v->line, v->col,
		    "\"%s\" must be a whole number, not \"%s\"", f->key,
		    v->str);
		return 0;
	case FLD_DATE:
		if (date_valid(v->str))
			return 1;
		/* A month or a year where a day is needed: say so. */
		if (pdate_prec(v->str) > 0)
			diag_err(path, v->line, v->col, "\"%s\" of a %s must "
			    "be an exact date as YYYY-MM-DD, not the month or "
			    "year \"%s\"", f->key, what, v->str);
		else
			diag_err(path, v->line, v->col, "\"%s\" must be a "
			    "date as YYYY-MM-DD, not \"%s\"", f->key, v->str);
		return 0;
	case FLD_PDATE:
		if (pdate_prec(v->str) > 0)
			return 1;
		diag_err(path, v->line, v->col, "\"%s\" must be a date as "
		    "YYYY-MM-DD, a month as YYYY-MM or a year as YYYY, not "
		    "\"%s\"", f->key, v->str);
		return 0;
	case FLD_TIME:
		if (time_valid(v->str))
			return 1;
		diag_err(path, v->line, v->col, "\"%s\" must be a time as "
		    "HH:MM (24 h, quoted), not \"%s\"", f->key, v->str);
		return 0;
	case FLD_DURATION:
		if (duration_secs(v->str) > 0)
			return 1;
		diag_err(path, v->line, v->col, "\"%s\" must be a duration "
		    "such as 90s, 20m, 2h or 1h30m, not \"%s\"", f->key,
		    v->str);
		return 0;
	case FLD_STR:
		if (f->set == NULL)
			return 1;
		for (i = 0; f->set[i] != NULL; i++)
			;
		return schema_enum(path, v, f->key, f->set, i);
	case FLD_SLUG:
		if (slug_valid(v->str))
			return 1;
		diag_err(path, v->line, v->col, "\"%s\": \"%s\" is not a "
		    "valid id (lower-case letters, digits and '-')", f->key,
		    v->str);
		return 0;
	default:
		return 1;
	}
}

/*
 * See private.h.
 */
const struct fld *
schema_table_at(const struct fld *root, const char *place)
{
	const struct fld *t = root;
	size_t		 n, j;

	while (t != NULL && *place != '\0') {
		n = strcspn(place, ".");
		for (j = 0; t[j].key != NULL; j++)
			if (strlen(t[j].key) == n &&
			    strncmp(t[j].key, place, n) == 0)
				break;
		if (t[j].key == NULL)
			return NULL;
		place += n;
		if (*place == '.')
			place++;
		/* The segment after a mapping of names is the name. */
		if (t[j].names && *place != '\0') {
			place += strcspn(place, ".");
			if (*place == '.')
				place++;
		}
		t = t[j].sub;
	}
	return t;
}

/*
 * Collect into out (up to max, new strings; *n counts all) every place
 * of the tree of flds (whose own place is at) other than not that
 * knows key.  Places under a mapping of names read NAME for the name.
 */
static void
places_of(const struct fld *flds, const char *at, const char *key,
    const char *not, char **out, size_t max, size_t *n, int depth)
{
	size_t	 j;
	char	*sub;

	if (flds == NULL || depth > 8)
		return;
	for (j = 0; flds[j].key != NULL; j++)
		if (strcmp(flds[j].key, key) == 0 && strcmp(at, not) != 0) {
			if (*n < max)
				out[*n] = xstrdup(at);
			(*n)++;
			break;
		}
	for (j = 0; flds[j].key != NULL; j++) {
		if (flds[j].sub == NULL)
			continue;
		sub = xasprintf("%s%s%s%s", at, *at != '\0' ? "." : "",
		    flds[j].key, flds[j].names ? ".NAME" : "");
		places_of(flds[j].sub, sub, key, not, out, max, n, depth + 1);
		free(sub);
	}
}

/*
 * Where key belongs in the tree of root, other than at not, as words
 * ("at the top", "under \"run:\"", "under \"a:\", \"b:\" or \"c:\""),
 * into b; 0 when nowhere.
 */
static int
belongs(const struct fld *root, const char *key, const char *not,
    struct buf *b)
{
	char	*at[8];
	size_t	 i, k = 0, n = 0, max = sizeof(at) / sizeof(at[0]);

	places_of(root, "", key, not, at, max, &n, 0);
	if (n > max)
		n = max;
	b->sz = 0;
	/* The top is found first, when it is a place at all. */
	if (n > 0 && *at[0] == '\0') {
		buf_printf(b, "at the top%s", n > 1 ? " or " : "");
		k = 1;
	}
	for (i = k; i < n; i++)
		buf_printf(b, "%s\"%s:\"", i == k ? "under " : i + 1 < n ?
		    ", " : " or ", at[i]);
	for (i = 0; i < n; i++)
		free(at[i]);
	return n > 0;
}

/*
 * Check map (described as what, e.g. "use case") against flds, a table
 * ending with a NULL key.  Reports every problem.  Returns 1 when no
 * error was found (warnings allowed).
 */
int
schema_check(const char *path, const struct val *map,
    const struct fld *flds, const char *what)
{
	return schema_check_at(path, map, flds, "", what);
}

/*
 * As schema_check, for the map at place (dotted keys, "" for the top;
 * items of a list are at the list's key) of the tree of tables root.
 * An unknown key that is known at another place of the tree is an
 * error that names where it belongs; any other unknown key is a
 * warning with the nearest known key of this place.
 */
int
schema_check_at(const char *path, const struct val *map,
    const struct fld *root, const char *place, const char *what)
{
	const struct fld *flds;
	const char	*keys[64], *sug;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 nkeys = 0, i, j;
	int		 ok = 1, found;

	flds = schema_table_at(root, place);
	assert(flds != NULL);
	if (map == NULL || map->type != VAL_MAP) {
		diag_err(path, map ? map->line : 1, map ? map->col : 1,
		    "a %s must be a mapping of keys to values", what);
		return 0;
	}
	for (j = 0; flds[j].key != NULL && nkeys < 64; j++)
		keys[nkeys++] = flds[j].key;

	for (i = 0; i < map->kidsz; i++) {
		const struct val *v = map->kids[i];

		found = 0;
		for (j = 0; flds[j].key != NULL; j++)
			if (strcmp(flds[j].key, v->key) == 0) {
				found = 1;
				if (v->type == VAL_NULL && !flds[j].required)
					break;
				if (!check_one(path, v, &flds[j], what))
					ok = 0;
				break;
			}
		if (found)
			continue;
		if (belongs(root, v->key, place, &b)) {
			/* Known elsewhere: its value would be lost. */
			diag_err(path, v->kline, v->kcol, "\"%s\" belongs %s, "
			    "not %s %s", v->key, buf_cstr(&b), *place ==
			    '\0' ? "at the top of the" : "in the", what);
			ok = 0;
			continue;
		}
		sug = schema_suggest(v->key, keys, nkeys);
		if (sug != NULL)
			diag_warn(path, v->kline, v->kcol, "unknown key \"%s\" "
			    "in %s; did you mean \"%s\"?", v->key, what, sug);
		else
			diag_warn(path, v->kline, v->kcol,
			    "unknown key \"%s\" in %s", v->key, what);
	}
	buf_free(&b);
	for (j = 0; flds[j].key != NULL; j++) {
		const struct val *v;

		if (!flds[j].required)
			continue;
		v = val_get(map, flds[j].key);
		if (v == NULL || v->type == VAL_NULL ||
		    (v->type == VAL_STR && v->strsz == 0) ||
		    (v->type == VAL_LIST && v->kidsz == 0)) {
			diag_err(path, v ? v->line : (map->line ? map->line : 1),
			    v ? v->col : (map->line ? map->col : 1),
			    "%s is missing required key \"%s\"", what,
			    flds[j].key);
			ok = 0;
		}
	}
	return ok;
}

/*
 * The helpers below check one value further after schema_check has
 * type-checked its map: an absent value (NULL or null) is fine, and a
 * value that is not a scalar was reported there, so they return 0
 * without a word.  Each returns 1 when v is fine, else 0 (reported at
 * v's position).
 */

/*
 * v, the value of key, is one of the n words of set.
 */
int
schema_enum(const char *path, const struct val *v, const char *key,
    const char *const *set, size_t n)
{
	const char	*sug;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->str == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(v->str, set[i]) == 0)
			return 1;
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", set[i]);
	sug = schema_suggest(v->str, set, n);
	if (sug != NULL)
		diag_err(path, v->line, v->col, "\"%s\" must be one of %s; "
		    "did you mean \"%s\"?", key, buf_cstr(&b), sug);
	else
		diag_err(path, v->line, v->col, "\"%s\" must be one of %s, "
		    "not \"%s\"", key, buf_cstr(&b), v->str);
	buf_free(&b);
	return 0;
}

/*
 * Read a whole number in lo .. hi (both at most 2^62 in size) without
 * overflow: 1 with *out set, else 0.
 */
static int
whole_in(const char *s, long long lo, long long hi, long long *out)
{
	long long	 n = 0;
	int		 neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9')
		return 0;
	/* Refuse before the step that would pass 2^62, never after. */
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (((long long)1 << 62) - (*s - '0')) / 10)
			return 0;
		n = n * 10 + (*s - '0');
	}
	if (*s != '\0')
		return 0;
	if (neg)
		n = -n;
	if (n < lo || n > hi)
		return 0;
	*out = n;
	return 1;
}

/*
 * v, the value of key, is a whole number from lo to hi; *out (may be
 * NULL) gets it.
 */
int
schema_range(const char *path, const struct val *v, const char *key,
    long long lo, long long hi, long long *out)
{
	long long	 n;

	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->str == NULL)
		return 0;
	if (whole_in(v->str, lo, hi, &n)) {
		if (out != NULL)
			*out = n;
		return 1;
	}
	diag_err(path, v->line, v->col, "\"%s\" must be a whole number from "
	    "%lld to %lld, not \"%s\"", key, lo, hi, v->str);
	return 0;
}

/*
 * v, the value of key, is a size that size_parse takes.
 */
int
schema_size(const char *path, const struct val *v, const char *key)
{
	long long	 n;

	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->str == NULL)
		return 0;
	if (size_parse(v->str, &n))
		return 1;
	diag_err(path, v->line, v->col, "\"%s\" must be a size from 1M to "
	    "16T such as 512M or 16G, not \"%s\"", key, v->str);
	return 0;
}

/* Whether s starts with p (lower-case), ignoring ASCII case. */
static int
prefix_ci(const char *s, const char *p)
{
	for (; *p != '\0'; s++, p++)
		if (tolower((unsigned char)*s) != *p)
			return 0;
	return 1;
}

/*
 * v, the value of key, is an http:// or https:// URL with a host.
 */
int
schema_http_url(const char *path, const struct val *v, const char *key)
{
	const char	*s, *host;
	size_t		 i;

	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if ((s = v->str) == NULL)
		return 0;
	host = prefix_ci(s, "https://") ? s + 8 :
	    prefix_ci(s, "http://") ? s + 7 : NULL;
	for (i = 0; host != NULL && s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			host = NULL;
	if (host != NULL && *host != '\0' && *host != '/')
		return 1;
	diag_err(path, v->line, v->col, "\"%s\" must be an http:// or "
	    "https:// URL, not \"%s\"", key, s);
	return 0;
}

/*
 * See model/model.h.  The dot-atom form of RFC 5322 that people write:
 * a local part of letters, digits and !#$%&'*+/=?^_`{|}~- with single
 * dots between them (64 bytes at most), "@", and a domain of two or
 * more labels of letters, digits and hyphens (1 to 63 each, no hyphen
 * at either end), 254 bytes in all.  No display name, no quotes, no
 * "mailto:", no address literal, no spaces.
 */
int
email_valid(const char *s)
{
	const char	*at, *p;
	size_t		 lab = 0, labels = 0;

	if (strlen(s) > 254 || (at = strchr(s, '@')) == NULL ||
	    at == s || at - s > 64 || strchr(at + 1, '@') != NULL)
		return 0;
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p + 1 == at || p[1] == '.')
				return 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) &&
		    strchr("!#$%&'*+/=?^_`{|}~-", *p) == NULL)
			return 0;
	}
	for (p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (lab == 0 || lab > 63 || p[-1] == '-')
				return 0;
			labels++;
			lab = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
		if (lab == 0 && *p == '-')
			return 0;
		lab++;
	}
	return labels >= 2;
}

/*
 * See model/model.h.  ISO 7064 MOD 11-2, as ORCID computes it: over
 * the first 15 digits, total = (total + digit) * 2; the check is
 * (12 - total mod 11) mod 11, 10 written X.
 */
char
orcid_digit(const char *id)
{
	unsigned int	 total = 0, r;

	for (; *id != '\0'; id++) {
		if (*id == '-')
			continue;
		if (id[1] == '\0')
			break;
		total = (total + (unsigned int)(*id - '0')) * 2;
	}
	r = (12 - total % 11) % 11;
	return r == 10 ? 'X' : (char)('0' + r);
}

/*
 * See model/model.h.
 */
const char *
orcid_id(const char *s)
{
	static const char *const pre[] = { "https://orcid.org/",
	    "http://orcid.org/" };
	size_t	 i;

	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (prefix_ci(s, pre[i])) {
			s += strlen(pre[i]);
			break;
		}
	if (strlen(s) != 19)
		return NULL;
	for (i = 0; i < 19; i++) {
		if (i % 5 == 4) {
			if (s[i] != '-')
				return NULL;
		} else if (!isdigit((unsigned char)s[i]) &&
		    !(i == 18 && s[i] == 'X'))
			return NULL;
	}
	return s;
}

/*
 * v, the value of key, is an e-mail address (email_valid).
 */
int
schema_email(const char *path, const struct val *v, const char *key)
{
	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->str == NULL)
		return 0;
	if (email_valid(v->str))
		return 1;
	diag_err(path, v->line, v->col, "\"%s\" must be an e-mail address "
	    "such as name@example.org, not \"%s\"", key, v->str);
	return 0;
}

/*
 * v, the value of key, is an ORCID iD (orcid_id) whose last character
 * is its check digit (orcid_digit).
 */
int
schema_orcid(const char *path, const struct val *v, const char *key)
{
	const char	*id;
	char		 want;

	if (v == NULL || v->type == VAL_NULL)
		return 1;
	if (v->str == NULL)
		return 0;
	if ((id = orcid_id(v->str)) == NULL) {
		diag_err(path, v->line, v->col, "\"%s\" must be an ORCID iD "
		    "such as 0000-0002-1825-0097 (four groups of four "
		    "digits, the last may be X), not \"%s\"", key, v->str);
		return 0;
	}
	if ((want = orcid_digit(id)) == id[18])
		return 1;
	diag_err(path, v->line, v->col, "%s %s has a wrong check digit "
	    "(want %c)", key, id, want);
	return 0;
}
