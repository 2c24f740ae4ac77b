/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Whether a run's outputs changed since an earlier one: two kept
 * manifests (model/outputs.c) compared cell by cell.  Text outputs
 * (streams, text and JSON data, errors) are equal when they are the
 * same once timestamps (ISO 8601) and memory addresses (0x...) are
 * masked and their numbers agree within a relative tolerance; images
 * are equal when their bytes are (by hash).  Code cells are paired by
 * their ordinal (In [N]); a cell only one side has is added or removed.
 * For scripts (manifests of kind "files") the log is one text and each
 * image is paired by name.  It reads kept blobs and writes nothing;
 * showing the changes is the renderer's business.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"

/* Notebooks larger than this are not compared (said as "unknown"). */
#define OUTDIFF_MAX	((size_t)256 * 1024 * 1024)

/* Whether s[0..n) starts an ISO 8601 date-time: its length, else 0. */
static size_t
timestamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd?dd:dd";
	size_t		 i;

	if (n < sizeof(shape) - 1)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' && !isdigit((unsigned char)s[i]))
			return 0;
		if (shape[i] == '?' && s[i] != 'T' && s[i] != ' ')
			return 0;
		if ((shape[i] == '-' || shape[i] == ':') && s[i] != shape[i])
			return 0;
	}
	/* Seconds, fractions, a zone. */
	if (i + 2 < n && s[i] == ':' && isdigit((unsigned char)s[i + 1]) &&
	    isdigit((unsigned char)s[i + 2]))
		i += 3;
	if (i < n && (s[i] == '.' || s[i] == ','))
		for (i++; i < n && isdigit((unsigned char)s[i]); i++)
			;
	if (i < n && s[i] == 'Z')
		i++;
	else if (i + 2 < n && (s[i] == '+' || s[i] == '-') &&
	    isdigit((unsigned char)s[i + 1]) &&
	    isdigit((unsigned char)s[i + 2])) {
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		if (i + 1 < n && isdigit((unsigned char)s[i]) &&
		    isdigit((unsigned char)s[i + 1]))
			i += 2;
	}
	return i;
}

/*
 * The next token of s[*off..n): a number (*num set, returns 'n'), a
 * masked run (timestamp or address, returns 'm') or one other byte
 * (*c set, returns 'c'); 0 at the end.
 */
static int
token(const char *s, size_t n, size_t *off, double *num, char *c)
{
	size_t	 i = *off, j, t;
	char	 tmp[64];

	if (i >= n)
		return 0;
	if ((t = timestamp(s + i, n - i)) > 0) {
		*off = i + t;
		return 'm';
	}
	if (s[i] == '0' && i + 2 < n && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
	    isxdigit((unsigned char)s[i + 2])) {
		for (j = i + 2; j < n && isxdigit((unsigned char)s[j]); j++)
			;
		*off = j;
		return 'm';
	}
	j = i;
	if ((s[j] == '-' || s[j] == '+') && j + 1 < n &&
	    (isdigit((unsigned char)s[j + 1]) || s[j + 1] == '.'))
		j++;
	if (isdigit((unsigned char)s[j]) || (s[j] == '.' && j + 1 < n &&
	    isdigit((unsigned char)s[j + 1]))) {
		/* Not the tail of a word ("x2", "conv1d"). */
		if (i > 0 && (isalpha((unsigned char)s[i - 1]) ||
		    s[i - 1] == '_')) {
			*c = s[i];
			*off = i + 1;
			return 'c';
		}
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		if (j < n && s[j] == '.')
			for (j++; j < n && isdigit((unsigned char)s[j]); j++)
				;
		if (j + 1 < n && (s[j] == 'e' || s[j] == 'E') &&
		    (isdigit((unsigned char)s[j + 1]) || ((s[j + 1] == '-' ||
		    s[j + 1] == '+') && j + 2 < n &&
		    isdigit((unsigned char)s[j + 2]))))
			for (j += 2; j < n && isdigit((unsigned char)s[j]); j++)
				;
		t = j - i < sizeof(tmp) - 1 ? j - i : sizeof(tmp) - 1;
		memcpy(tmp, s + i, t);
		tmp[t] = '\0';
		*num = strtod(tmp, NULL);
		*off = j;
		return 'n';
	}
	*c = s[i];
	*off = i + 1;
	return 'c';
}

static double
absd(double x)
{
	return x < 0 ? -x : x;
}

/*
 * See model/model.h.
 */
int
outdiff_text_same(const char *a, size_t an, const char *b, size_t bn,
    double rtol)
{
	size_t	 i = 0, j = 0;
	double	 x = 0, y = 0;
	char	 c = 0, d = 0;
	int	 ta, tb;

	for (;;) {
		ta = token(a, an, &i, &x, &c);
		tb = token(b, bn, &j, &y, &d);
		if (ta != tb)
			return 0;
		if (ta == 0)
			return 1;
		if (ta == 'c' && c != d)
			return 0;
		if (ta == 'n' && x != y && !(absd(x - y) <= rtol *
		    (absd(x) > absd(y) ? absd(x) : absd(y))))
			return 0;
	}
}

/* Text of a notebook field: a string, or a list of strings joined. */
static void
nbtext(struct buf *b, const struct val *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	if (v->type == VAL_STR || v->type == VAL_NUM)
		buf_put(b, v->str, v->strsz);
	else if (v->type == VAL_LIST)
		for (i = 0; i < v->kidsz; i++)
			nbtext(b, v->kids[i]);
	else if (v->type == VAL_MAP || v->type == VAL_BOOL)
		val_json(b, v, 0);
}

/*
 * One output as a list of parts, each "T:" (text to compare loosely)
 * or "H:" (a hash to compare exactly) followed by its key; appended to
 * l as strings.
 */
static void
output_parts(struct val *l, const struct val *o)
{
	const char	*ot = val_get_str(o, "output_type");
	const struct val *data;
	struct buf	 b = { NULL, 0, 0 };
	char		 hex[SHA256_HEX_LEN + 1];
	size_t		 i;

	if (ot == NULL)
		return;
	buf_printf(&b, "K:%s", ot);
	val_push(l, val_str(buf_cstr(&b)));
	if (strcmp(ot, "stream") == 0) {
		buf_reset(&b);
		buf_printf(&b, "T:%s:", val_get_str(o, "name") ?
		    val_get_str(o, "name") : "");
		nbtext(&b, val_get(o, "text"));
		val_push(l, val_strn(b.data, b.sz));
	} else if (strcmp(ot, "error") == 0) {
		buf_reset(&b);
		buf_puts(&b, "T:");
		nbtext(&b, val_get(o, "ename"));
		buf_puts(&b, ": ");
		nbtext(&b, val_get(o, "evalue"));
		val_push(l, val_strn(b.data, b.sz));
	} else if ((data = val_get(o, "data")) != NULL &&
	    data->type == VAL_MAP) {
		for (i = 0; i < data->kidsz; i++) {
			buf_reset(&b);
			nbtext(&b, data->kids[i]);
			if (strncmp(data->kids[i]->key, "image/", 6) == 0 &&
			    strcmp(data->kids[i]->key, "image/svg+xml") != 0) {
				/* Base64 as stored: line breaks aside. */
				struct buf c = { NULL, 0, 0 };
				size_t k;

				for (k = 0; k < b.sz; k++)
					if (!isspace((unsigned char)b.data[k]))
						buf_putc(&c, b.data[k]);
				sha256_hex(c.data != NULL ? c.data : "", c.sz,
				    hex);
				buf_free(&c);
				buf_reset(&b);
				buf_printf(&b, "H:%s:%s", data->kids[i]->key,
				    hex);
			} else {
				struct buf c = { NULL, 0, 0 };

				buf_printf(&c, "T:%s:", data->kids[i]->key);
				buf_put(&c, b.data, b.sz);
				buf_reset(&b);
				buf_put(&b, c.data, c.sz);
				buf_free(&c);
			}
			val_push(l, val_strn(b.data, b.sz));
		}
	}
	buf_free(&b);
}

/* Whether two lists of parts are the same (see output_parts). */
static int
parts_same(const struct val *a, const struct val *b, double rtol,
    int *image)
{
	size_t	 i;

	*image = 0;
	if (a->kidsz != b->kidsz)
		return 0;
	for (i = 0; i < a->kidsz; i++) {
		if (a->kids[i]->str[0] != b->kids[i]->str[0])
			return 0;
		if (a->kids[i]->str[0] == 'T') {
			if (!outdiff_text_same(a->kids[i]->str,
			    a->kids[i]->strsz, b->kids[i]->str,
			    b->kids[i]->strsz, rtol))
				return 0;
		} else if (strcmp(a->kids[i]->str, b->kids[i]->str) != 0) {
			*image = a->kids[i]->str[0] == 'H';
			return 0;
		}
	}
	return 1;
}

/*
 * The code cells of a notebook: a list of {index, parts}, in order;
 * NULL when the notebook is not one.
 */
static struct val *
code_cells(const struct val *nb)
{
	const struct val *cells = val_get(nb, "cells"), *c, *outs;
	struct val	*l, *e, *p;
	const char	*ct;
	size_t		 i, k;

	if (cells == NULL || cells->type != VAL_LIST)
		return NULL;
	l = val_list();
	for (i = 0; i < cells->kidsz; i++) {
		c = cells->kids[i];
		ct = val_get_str(c, "cell_type");
		if (ct == NULL || strcmp(ct, "code") != 0)
			continue;
		e = val_push(l, val_map());
		val_set(e, "index", val_int((long long)i));
		p = val_set(e, "parts", val_list());
		outs = val_get(c, "outputs");
		for (k = 0; outs != NULL && outs->type == VAL_LIST &&
		    k < outs->kidsz; k++)
			output_parts(p, outs->kids[k]);
	}
	return l;
}

/* The notebook of a manifest, parsed; NULL when it has none. */
static struct val *
load_nb(const char *kbroot, const struct val *m)
{
	struct val	*nb;
	char		*text = NULL;
	size_t		 sz;

	if (!outputs_read(kbroot, val_get_str(val_get(m, "notebook"), "ref"),
	    OUTDIFF_MAX, &text, &sz))
		return NULL;
	nb = json_parse(text, sz);
	free(text);
	return nb;
}

static void
add_change(struct val *l, long long number, const struct val *before,
    const struct val *index, const char *what, const char *name)
{
	struct val	*c = val_push(l, val_map());

	val_set(c, "number", number > 0 ? val_int(number) :
	    val_new(VAL_NULL));
	val_set(c, "before", before != NULL ? val_copy(before) :
	    val_new(VAL_NULL));
	val_set(c, "index", index != NULL ? val_copy(index) :
	    val_new(VAL_NULL));
	val_set(c, "name", name != NULL ? val_str(name) :
	    val_new(VAL_NULL));
	val_set_str(c, "what", what);
}

/* Scripts: the log as one text, images paired by name. */
static void
diff_files(const char *kbroot, const struct val *a, const struct val *b,
    double rtol, struct val *res)
{
	const struct val *ia = val_get(a, "images"), *ib = val_get(b, "images");
	const char	*ra, *rb, *name;
	char		*ta = NULL, *tb = NULL;
	size_t		 sa = 0, sb = 0, i, k;
	int		 found;

	ra = val_get_str(val_get(a, "log"), "ref");
	rb = val_get_str(val_get(b, "log"), "ref");
	if (ra != NULL || rb != NULL) {
		(void)outputs_read(kbroot, ra, OUTDIFF_MAX, &ta, &sa);
		(void)outputs_read(kbroot, rb, OUTDIFF_MAX, &tb, &sb);
		if (!outdiff_text_same(ta ? ta : "", sa, tb ? tb : "", sb,
		    rtol))
			add_change(res, 0, NULL, NULL, "text", "output.log");
		free(ta);
		free(tb);
	}
	for (i = 0; ib != NULL && ib->type == VAL_LIST && i < ib->kidsz;
	    i++) {
		name = val_get_str(ib->kids[i], "name");
		found = 0;
		for (k = 0; ia != NULL && ia->type == VAL_LIST &&
		    k < ia->kidsz; k++) {
			if (name == NULL || val_get_str(ia->kids[k], "name") ==
			    NULL || strcmp(name, val_get_str(ia->kids[k],
			    "name")) != 0)
				continue;
			found = 1;
			ra = val_get_str(ia->kids[k], "ref");
			rb = val_get_str(ib->kids[i], "ref");
			if (ra == NULL || rb == NULL || strcmp(ra, rb) != 0)
				add_change(res, 0, NULL, NULL, "image", name);
		}
		if (!found)
			add_change(res, 0, NULL, NULL, "added", name);
	}
	for (k = 0; ia != NULL && ia->type == VAL_LIST && k < ia->kidsz;
	    k++) {
		name = val_get_str(ia->kids[k], "name");
		found = 0;
		for (i = 0; ib != NULL && ib->type == VAL_LIST &&
		    i < ib->kidsz && !found; i++)
			found = name != NULL && val_get_str(ib->kids[i],
			    "name") != NULL && strcmp(name,
			    val_get_str(ib->kids[i], "name")) == 0;
		if (!found)
			add_change(res, 0, NULL, NULL, "removed", name);
	}
}

/*
 * See model/model.h.
 */
struct val *
outdiff(const char *kbroot, const struct val *before,
    const struct val *after, double rtol)
{
	struct val	*res, *na = NULL, *nb = NULL, *ca = NULL, *cb = NULL;
	const char	*ka = val_get_str(before, "kind");
	const char	*kb = val_get_str(after, "kind");
	size_t		 i, n;
	int		 image;

	if (before == NULL || after == NULL || ka == NULL || kb == NULL ||
	    strcmp(ka, kb) != 0)
		return NULL;
	res = val_list();
	if (strcmp(kb, "notebook") != 0) {
		diff_files(kbroot, before, after, rtol, res);
		return res;
	}
	if ((na = load_nb(kbroot, before)) == NULL ||
	    (nb = load_nb(kbroot, after)) == NULL ||
	    (ca = code_cells(na)) == NULL || (cb = code_cells(nb)) == NULL) {
		val_free(res);
		res = NULL;
		goto out;
	}
	n = ca->kidsz > cb->kidsz ? ca->kidsz : cb->kidsz;
	for (i = 0; i < n; i++) {
		if (i >= ca->kidsz) {
			add_change(res, (long long)i + 1, NULL,
			    val_get(cb->kids[i], "index"), "added", NULL);
			continue;
		}
		if (i >= cb->kidsz) {
			add_change(res, (long long)i + 1,
			    val_get(ca->kids[i], "index"), NULL, "removed",
			    NULL);
			continue;
		}
		if (!parts_same(val_get(ca->kids[i], "parts"),
		    val_get(cb->kids[i], "parts"), rtol, &image))
			add_change(res, (long long)i + 1,
			    val_get(ca->kids[i], "index"),
			    val_get(cb->kids[i], "index"),
			    image ? "image" : "text", NULL);
	}
out:
	val_free(na);
	val_free(nb);
	val_free(ca);
	val_free(cb);
	return res;
}
