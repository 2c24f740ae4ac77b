/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The controlled vocabulary: taxonomy.yaml's three dimensions
 * (technologies, fields, tools), each a list of terms with a name,
 * aliases, a description and an optional parent.  Lookup by name or
 * alias is case-insensitive; an unknown term is reported with the
 * nearest known name or alias.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

const char *const dim_keys[DIM__MAX] = { "technologies", "fields", "tools" };
const char *const dim_names[DIM__MAX] = { "technology", "field", "tool" };
const char *const dim_labels[DIM__MAX] = { "Technologies", "Fields", "Tools" };

static const struct fld term_flds[] = {
	{ "name", FLD_STR, 1, NULL, NULL, 0 },
	{ "title", FLD_STR, 0, NULL, NULL, 0 },
	{ "aliases", FLD_STRS, 0, NULL, NULL, 0 },
	{ "description", FLD_STR, 0, NULL, NULL, 0 },
	{ "parent", FLD_STR, 0, NULL, NULL, 0 },
	{ "slug", FLD_SLUG, 0, NULL, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

static const struct fld tax_flds[] = {
	{ "technologies", FLD_LIST, 0, term_flds, NULL, 0 },
	{ "fields", FLD_LIST, 0, term_flds, NULL, 0 },
	{ "tools", FLD_LIST, 0, term_flds, NULL, 0 },
	{ NULL, FLD_ANY, 0, NULL, NULL, 0 },
};

/* See model/model.h. */
const struct fld_root tax_table = { "taxonomy", "content/taxonomy.yaml",
    tax_flds };

static int
term_matches(const struct term *t, const char *s)
{
	size_t	 i;

	if (strcasecmp_ascii(t->name, s) == 0)
		return 1;
	if (t->aliases == NULL)
		return 0;
	if (t->aliases->type != VAL_LIST)
		return t->aliases->str != NULL &&
		    strcasecmp_ascii(t->aliases->str, s) == 0;
	for (i = 0; i < t->aliases->kidsz; i++)
		if (t->aliases->kids[i]->str != NULL &&
		    strcasecmp_ascii(t->aliases->kids[i]->str, s) == 0)
			return 1;
	return 0;
}

/* s with ASCII letters in lower case (strcasecmp_ascii's folding). */
static char *
fold(const char *s)
{
	char	*f = xstrdup(s), *p;

	for (p = f; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return f;
}

static int
tkey_cmp(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;
	int		 c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
tkey_add(struct tkey **ks, size_t *n, char *key, size_t pos)
{
	*ks = xreallocarray(*ks, *n + 1, sizeof(**ks));
	(*ks)[*n].key = key;
	(*ks)[*n].pos = pos;
	(*n)++;
}

/*
 * tax_find's index of dimension d: every name and alias folded, every
 * slug as it is, sorted, so that a lookup is a binary search rather
 * than a walk of the terms (a knowledge base of 10,000 use cases looks
 * up tens of thousands of terms).
 */
static void
index_dim(struct taxonomy *tax, enum dim d)
{
	const struct term *t;
	const struct val *a;
	size_t		 i, j;

	for (i = 0; i < tax->termsz[d]; i++) {
		t = tax->terms[d][i];
		tkey_add(&tax->names[d], &tax->namesz[d], fold(t->name), i);
		tkey_add(&tax->slugs[d], &tax->slugsz[d], xstrdup(t->slug), i);
		if ((a = t->aliases) == NULL)
			continue;
		if (a->type != VAL_LIST) {
			if (a->str != NULL)
				tkey_add(&tax->names[d], &tax->namesz[d],
				    fold(a->str), i);
			continue;
		}
		for (j = 0; j < a->kidsz; j++)
			if (a->kids[j]->str != NULL)
				tkey_add(&tax->names[d], &tax->namesz[d],
				    fold(a->kids[j]->str), i);
	}
	if (tax->namesz[d] > 1)
		xqsort(tax->names[d], tax->namesz[d], sizeof(struct tkey),
		    tkey_cmp);
	if (tax->slugsz[d] > 1)
		xqsort(tax->slugs[d], tax->slugsz[d], sizeof(struct tkey),
		    tkey_cmp);
}

/* The first position (in file order) of key in ks, or (size_t)-1. */
static size_t
tkey_find(const struct tkey *ks, size_t n, const char *key)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ks[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(ks[lo].key, key) == 0 ? ks[lo].pos :
	    (size_t)-1;
}

/*
 * The term of dimension d named s (by name, alias or slug,
 * case-insensitive), borrowed; NULL if none.  The first such term in
 * file order.
 */
struct term *
tax_find(const struct taxonomy *tax, enum dim d, const char *s)
{
	size_t	 i, a, b;
	char	*f;

	if (tax->indexed) {
		f = fold(s);
		a = tkey_find(tax->names[d], tax->namesz[d], f);
		b = tkey_find(tax->slugs[d], tax->slugsz[d], s);
		free(f);
		if (b < a)
			a = b;
		return a != (size_t)-1 ? tax->terms[d][a] : NULL;
	}
	for (i = 0; i < tax->termsz[d]; i++)
		if (term_matches(tax->terms[d][i], s) ||
		    strcmp(tax->terms[d][i]->slug, s) == 0)
			return tax->terms[d][i];
	return NULL;
}

/*
 * A term of any dimension, technologies first.
 */
struct term *
tax_find_any(const struct taxonomy *tax, const char *s)
{
	struct term	*t;
	int		 d;

	for (d = 0; d < DIM__MAX; d++)
		if ((t = tax_find(tax, (enum dim)d, s)) != NULL)
			return t;
	return NULL;
}

/*
 * Resolve the scalar v, found in path, to a term of dimension d; an
 * unknown term is an error at v's position naming the nearest known
 * term.  Returns the term or NULL.
 */
struct term *
tax_resolve(const struct taxonomy *tax, enum dim d, const char *path,
    const struct val *v)
{
	struct term	*t;
	const char	**cands, *sug;
	size_t		 i, j, n = 0, cap = 0;

	if (v->str == NULL) {
		diag_err(path, v->line, v->col, "a %s must be a single "
		    "name", dim_names[d]);
		return NULL;
	}
	if ((t = tax_find(tax, d, v->str)) != NULL)
		return t;

	cands = NULL;
	for (i = 0; i < tax->termsz[d]; i++) {
		const struct val *a = tax->terms[d][i]->aliases;

		cap = n + 1 + (a ? (a->type == VAL_LIST ? a->kidsz : 1) : 0);
		cands = xreallocarray(cands, cap, sizeof(*cands));
		cands[n++] = tax->terms[d][i]->name;
		if (a != NULL && a->type == VAL_LIST) {
			for (j = 0; j < a->kidsz; j++)
				if (a->kids[j]->str != NULL)
					cands[n++] = a->kids[j]->str;
		} else if (a != NULL && a->str != NULL)
			cands[n++] = a->str;
	}
	sug = schema_suggest(v->str, cands, n);
	if (sug != NULL) {
		t = tax_find(tax, d, sug);
		diag_err(path, v->line, v->col, "unknown %s \"%s\"; did "
		    "you mean \"%s\"?", dim_names[d], v->str, t->name);
	} else
		diag_err(path, v->line, v->col, "unknown %s \"%s\" (add "
		    "it to taxonomy.yaml)", dim_names[d], v->str);
	free(cands);
	return NULL;
}

static void
load_dim(struct taxonomy *tax, enum dim d, const struct val *list)
{
	struct term	*t, *o;
	const struct val *item, *s;
	size_t		 i, j;

	assert(list->type == VAL_LIST);
	tax->terms[d] = xcalloc(list->kidsz, sizeof(struct term *));
	for (i = 0; i < list->kidsz; i++) {
		item = list->kids[i];
		if (!schema_check_at(tax->path, item, tax_flds, dim_keys[d],
		    "term"))
			continue;
		t = xcalloc(1, sizeof(*t));
		t->dim = d;
		t->name = val_get_str(item, "name");
		t->title = val_get_str(item, "title");
		t->desc = val_get_str(item, "description");
		t->parent_name = val_get_str(item, "parent");
		t->aliases = val_get(item, "aliases");
		t->line = item->line;
		t->col = item->col;
		s = val_get(item, "slug");
		t->slug = s != NULL && s->str != NULL ? xstrdup(s->str) :
		    slugify(t->name);
		for (j = 0; j < tax->termsz[d]; j++) {
			o = tax->terms[d][j];
			if (term_matches(o, t->name) ||
			    strcmp(o->slug, t->slug) == 0) {
				diag_err(tax->path, item->line, item->col,
				    "%s \"%s\" is already defined at "
				    "line %zu", dim_names[d], t->name,
				    o->line);
				break;
			}
			if (t->aliases != NULL && t->aliases->type ==
			    VAL_LIST) {
				size_t k;

				for (k = 0; k < t->aliases->kidsz; k++)
					if (t->aliases->kids[k]->str &&
					    term_matches(o,
					    t->aliases->kids[k]->str))
						diag_err(tax->path,
						    t->aliases->kids[k]->line,
						    t->aliases->kids[k]->col,
						    "alias \"%s\" already names "
						    "%s \"%s\"",
						    t->aliases->kids[k]->str,
						    dim_names[d], o->name);
			}
		}
		t->pos = tax->termsz[d];
		tax->terms[d][tax->termsz[d]++] = t;
	}
}

/*
 * Load taxonomy.yaml at path into tax (zeroed by the caller).  A
 * missing file gives an empty taxonomy.  Returns 0 on errors
 * (reported); tax is usable either way and freed with tax_free.
 */
int
tax_load(struct taxonomy *tax, const char *path)
{
	char		*text = NULL;
	size_t		 sz, i, before = diag_errors();
	const struct val *l;
	struct term	*t;
	int		 d;
	struct stat	 st;

	tax->path = xstrdup(path);
	/* No fopen to probe: it would wait on a FIFO. */
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 1;
	if (!file_read_input(path, MAX_FILE_SIZE, &text, &sz))
		return 0;
	if (!text_lines_check(path, text, sz)) {
		free(text);
		return 0;
	}
	tax->tree = fm_yaml(path, text, sz, 0);
	free(text);
	if (tax->tree == NULL)
		return 0;
	if (tax->tree->type == VAL_NULL)
		return 1;
	/* A key out of place loses itself, not the terms. */
	(void)schema_check(path, tax->tree, tax_flds, "taxonomy");
	if (tax->tree->type != VAL_MAP)
		return 0;
	for (d = 0; d < DIM__MAX; d++)
		if ((l = val_get(tax->tree, dim_keys[d])) != NULL &&
		    l->type == VAL_LIST)
			load_dim(tax, (enum dim)d, l);
	for (d = 0; d < DIM__MAX; d++)
		index_dim(tax, (enum dim)d);
	tax->indexed = 1;
	for (d = 0; d < DIM__MAX; d++)
		for (i = 0; i < tax->termsz[d]; i++) {
			t = tax->terms[d][i];
			if (t->parent_name == NULL)
				continue;
			t->parent = tax_find(tax, (enum dim)d, t->parent_name);
			if (t->parent == NULL || t->parent == t) {
				diag_err(path, t->line, t->col, "%s \"%s\": "
				    "parent \"%s\" is not a %s of the "
				    "taxonomy", dim_names[d], t->name,
				    t->parent_name, dim_names[d]);
				t->parent = NULL;
			}
		}
	return diag_errors() == before;
}

void
tax_free(struct taxonomy *tax)
{
	size_t	 i;
	int	 d;

	for (d = 0; d < DIM__MAX; d++) {
		for (i = 0; i < tax->termsz[d]; i++) {
			free(tax->terms[d][i]->slug);
			free(tax->terms[d][i]->ucs);
			free(tax->terms[d][i]);
		}
		free(tax->terms[d]);
		for (i = 0; i < tax->namesz[d]; i++)
			free(tax->names[d][i].key);
		free(tax->names[d]);
		for (i = 0; i < tax->slugsz[d]; i++)
			free(tax->slugs[d][i].key);
		free(tax->slugs[d]);
	}
	val_free(tax->tree);
	free(tax->path);
}
