/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen schema: a JSON Schema (draft 2020-12) of every kind of content
 * file, for editors (the YAML language server) and other tools.  It
 * is generated from the key tables that lint checks with (content.c,
 * config.c and taxonomy.c export them by name) and from the
 * knowledge base's taxonomy, whose terms become enums; so it says
 * what lint says about keys: which are known (any other is refused,
 * as lint --strict does), which are required, their types and the
 * words of the enumerated ones.  What lint checks in code beyond the
 * tables is repeated here only where it is a shape a schema can say:
 * which key holds which table (LINKS), which keys hold taxonomy terms
 * or entry ids.  References to entries that do not exist, time zones,
 * image references and the rest stay lint's business.
 *
 * Values are as the YAML language server reads them, YAML 1.2: dates
 * and times are strings, yes/no are strings (lint takes them as
 * booleans, so the schema does too), a bare 12 is a number, which
 * lint takes wherever a single value is allowed.
 *
 * This file builds a value tree; val_json writes it.  It reads no file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

#define SCHEMA_DRAFT	"https://json-schema.org/draft/2020-12/schema"

/* The kinds of file: see model.h. */
const char *const jsonschema_kinds[] = { "usecase", "person", "hackathon",
    "page", "seminars", "site", "taxonomy", NULL };

/* Which table the value of a key holds: one map, a list or a map of them. */
enum link_how {
	LINK_MAP,
	LINK_LIST,
	LINK_MAPOF,
};

static const struct link {
	const char	*table;
	const char	*key;
	const char	*sub;	/* the table of the value */
	enum link_how	 how;
} links[] = {
	{ "usecase", "repository", "repository", LINK_MAP },
	{ "usecase", "run", "run", LINK_MAP },
	{ "usecase", "links", "link", LINK_LIST },
	{ "run", "data", "data", LINK_LIST },
	{ "hackathon", "programme", "day", LINK_LIST },
	{ "day", "sessions", "session", LINK_LIST },
	{ "session", "materials", "link", LINK_LIST },
	{ "site", "outputs", "site.outputs", LINK_MAP },
	{ "site", "sync", "site.sync", LINK_MAP },
	{ "site", "check", "site.check", LINK_MAP },
	{ "site", "environments", "site.environment", LINK_MAPOF },
	{ "site", "runners", "site.runners", LINK_MAP },
	{ "site", "links", "site.links", LINK_MAP },
	{ "site.runners", "data_cache", "site.data_cache", LINK_MAP },
	{ "site.runners", "local", "site.local", LINK_MAP },
	{ "site.runners", "slurm", "site.slurm", LINK_MAP },
	{ NULL, NULL, NULL, LINK_MAP },
};

/*
 * Keys whose values are taxonomy terms (dim: a dimension, -1 any) or
 * ids of entries (people, use cases: a slug each).
 */
static const struct ref {
	const char	*table;
	const char	*key;
	int		 dim;	/* DIM_*, -1 any dimension, -2 an id */
} refs[] = {
	{ "usecase", "technologies", DIM_TECH },
	{ "usecase", "fields", DIM_FIELD },
	{ "usecase", "tools", DIM_TOOL },
	{ "usecase", "contacts", -2 },
	{ "seminar", "technologies", DIM_TECH },
	{ "seminar", "fields", DIM_FIELD },
	{ "seminar", "tools", DIM_TOOL },
	{ "seminar", "usecases", -2 },
	{ "person", "expertise", -1 },
	{ "hackathon", "organizers", -2 },
	{ "hackathon", "tutors", -2 },
	{ "hackathon", "exercises", -2 },
	{ NULL, NULL, 0 },
};

static const char *const bool_words[] = { "yes", "Yes", "on", "On", "no",
    "No", "off", "Off" };

static const struct fld_words *const all_words[] = { content_words,
    site_words };

/*
 * See model.h.
 */
const char *const *
schema_words(const char *table, const char *key, size_t *n)
{
	size_t	 i, j;

	for (i = 0; i < sizeof(all_words) / sizeof(all_words[0]); i++)
		for (j = 0; all_words[i][j].table != NULL; j++)
			if (strcmp(all_words[i][j].table, table) == 0 &&
			    strcmp(all_words[i][j].key, key) == 0) {
				*n = all_words[i][j].wordsz;
				return all_words[i][j].words;
			}
	*n = 0;
	return NULL;
}

static struct val *
strs(const char *const *s, size_t n)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		val_push(l, val_str(s[i]));
	return l;
}

static struct val *
ref_to(const char *def)
{
	struct val	*m = val_map();
	char		*p;

	p = xasprintf("#/$defs/%s", def);
	val_set_str(m, "$ref", p);
	free(p);
	return m;
}

/* {"type": "string", "pattern": pat} */
static struct val *
str_pattern(const char *pat)
{
	struct val	*m = val_map();

	val_set_str(m, "type", "string");
	val_set_str(m, "pattern", pat);
	return m;
}

/* A single value as lint takes it: a string, a number or a boolean. */
static struct val *
scalar(int required)
{
	struct val	*m = val_map(), *t;

	t = val_list();
	val_push(t, val_str("string"));
	val_push(t, val_str("number"));
	val_push(t, val_str("boolean"));
	val_set(m, "type", t);
	if (required)
		val_set(m, "minLength", val_int(1));
	return m;
}

/* {"anyOf": [item, {"type": "array", "items": item}]}: one or a list. */
static struct val *
one_or_list(struct val *item, int required)
{
	struct val	*m = val_map(), *any = val_list(), *arr = val_map();

	val_set_str(arr, "type", "array");
	val_set(arr, "items", val_copy(item));
	if (required)
		val_set(arr, "minItems", val_int(1));
	val_push(any, item);
	val_push(any, arr);
	val_set(m, "anyOf", any);
	return m;
}

/* The value of a key of type t, as check_one in schema.c takes it. */
static struct val *
fld_value(const struct fld *f)
{
	struct val	*m, *l, *any;
	size_t		 i;

	switch (f->type) {
	case FLD_ANY:
		return val_map();
	case FLD_STR:
		return scalar(f->required);
	case FLD_STRS:
		return one_or_list(scalar(f->required), f->required);
	case FLD_MAP:
		m = val_map();
		val_set_str(m, "type", "object");
		return m;
	case FLD_LIST:
		m = val_map();
		val_set_str(m, "type", "array");
		if (f->required)
			val_set(m, "minItems", val_int(1));
		return m;
	case FLD_BOOL:
		m = val_map();
		l = val_list();
		val_push(l, val_bool(1));
		val_push(l, val_bool(0));
		for (i = 0; i < sizeof(bool_words) / sizeof(bool_words[0]);
		    i++)
			val_push(l, val_str(bool_words[i]));
		val_set(m, "enum", l);
		return m;
	case FLD_INT:
		m = val_map();
		any = val_list();
		l = val_map();
		val_set_str(l, "type", "integer");
		val_push(any, l);
		val_push(any, str_pattern("^[+-]?[0-9]+$"));
		val_set(m, "anyOf", any);
		return m;
	case FLD_DATE:
		m = str_pattern("^[0-9]{4}-(0[1-9]|1[0-2])-"
		    "(0[1-9]|[12][0-9]|3[01])$");
		val_set_str(m, "format", "date");
		return m;
	case FLD_TIME:
		return str_pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$");
	case FLD_DURATION:
		return str_pattern("^([0-9]+[dhms])+$");
	case FLD_SLUG:
		return str_pattern("^[a-z0-9][a-z0-9-]*$");
	}
	return val_map();
}

/* The value of key (a field of table): linked table, words, terms. */
static struct val *
key_value(const char *table, const struct fld *f)
{
	struct val	*m;
	const char *const *w;
	size_t		 n, i;
	const char	*def;

	for (i = 0; links[i].table != NULL; i++) {
		if (strcmp(links[i].table, table) != 0 ||
		    strcmp(links[i].key, f->key) != 0)
			continue;
		m = fld_value(f);
		if (links[i].how == LINK_LIST)
			val_set(m, "items", ref_to(links[i].sub));
		else if (links[i].how == LINK_MAP) {
			val_free(m);
			m = ref_to(links[i].sub);
		} else {
			val_set(m, "additionalProperties",
			    ref_to(links[i].sub));
			val_set(m, "propertyNames",
			    str_pattern("^[a-z0-9][a-z0-9_.-]*$"));
		}
		return m;
	}
	for (i = 0; refs[i].table != NULL; i++) {
		if (strcmp(refs[i].table, table) != 0 ||
		    strcmp(refs[i].key, f->key) != 0)
			continue;
		def = refs[i].dim >= 0 ? dim_names[refs[i].dim] :
		    refs[i].dim == -1 ? "any_term" : "id";
		return one_or_list(ref_to(def), f->required);
	}
	if ((w = schema_words(table, f->key, &n)) != NULL) {
		m = val_map();
		val_set(m, "enum", strs(w, n));
		return m;
	}
	return fld_value(f);
}

/*
 * The object a table describes: every key known, the required ones
 * required, nothing else (lint warns of other keys, and lint --strict
 * refuses them).
 */
static struct val *
table_schema(const char *name, const struct fld *flds)
{
	struct val	*m, *props, *req, *v, *t;
	size_t		 i;

	m = val_map();
	val_set_str(m, "type", "object");
	props = val_map();
	req = val_list();
	for (i = 0; flds[i].key != NULL; i++) {
		v = key_value(name, &flds[i]);
		/* An optional key may be left empty (null), as lint allows. */
		if (!flds[i].required) {
			t = val_map();
			val_set(t, "anyOf", val_list());
			val_push(val_get(t, "anyOf"), v);
			v = val_map();
			val_set_str(v, "type", "null");
			val_push(val_get(t, "anyOf"), v);
			v = t;
		} else
			val_push(req, val_str(flds[i].key));
		val_set(props, flds[i].key, v);
	}
	val_set(m, "properties", props);
	if (req->kidsz > 0)
		val_set(m, "required", req);
	else
		val_free(req);
	val_set(m, "additionalProperties", val_bool(0));
	return m;
}

/* Append to b a pattern matching s whatever its ASCII case. */
static void
pattern_ci(struct buf *b, const char *s)
{
	unsigned char	 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			buf_printf(b, "[%c%c]", c & ~0x20, c | 0x20);
		else if (strchr("^$\\.*+?()[]{}|/", c) != NULL)
			buf_printf(b, "\\%c", c);
		else
			buf_putc(b, (char)c);
	}
}

/*
 * The terms of dimension d (-1 for every one): names and aliases as
 * an enum, for completion, or any of them in another ASCII case, as
 * lint takes them (tax_find).
 */
static struct val *
terms_schema(const struct taxonomy *tax, int d)
{
	struct val	*m, *en, *any, *p;
	struct buf	 b = { NULL, 0, 0 };
	const struct term *t;
	size_t		 i, k;
	int		 dd, n = 0;

	en = val_list();
	buf_puts(&b, "^(?:");
	for (dd = 0; dd < DIM__MAX; dd++) {
		if (d >= 0 && dd != d)
			continue;
		for (i = 0; tax != NULL && i < tax->termsz[dd]; i++) {
			t = tax->terms[dd][i];
			val_push(en, val_str(t->name));
			buf_puts(&b, n++ ? "|" : "");
			pattern_ci(&b, t->name);
			for (k = 0; k < val_count(t->aliases); k++) {
				if (val_item(t->aliases, k)->str == NULL)
					continue;
				val_push(en, val_str(val_item(t->aliases,
				    k)->str));
				buf_puts(&b, "|");
				pattern_ci(&b, val_item(t->aliases, k)->str);
			}
		}
	}
	buf_puts(&b, ")$");
	m = val_map();
	if (n == 0) {
		/* No term to take: nothing validates, as in lint. */
		val_set(m, "enum", en);
		buf_free(&b);
		return m;
	}
	any = val_list();
	p = val_map();
	val_set(p, "enum", en);
	val_push(any, p);
	val_push(any, str_pattern(buf_cstr(&b)));
	val_set(m, "anyOf", any);
	buf_free(&b);
	return m;
}

static void
add_tables(struct val *defs, const struct fld_table *ts)
{
	size_t	 i;

	for (i = 0; ts[i].name != NULL; i++)
		val_set(defs, ts[i].name, table_schema(ts[i].name,
		    ts[i].flds));
}

/*
 * See model.h.
 */
struct val *
jsonschema_new(const struct taxonomy *tax, const char *kind)
{
	struct val	*root, *defs, *m, *props;
	size_t		 i;
	int		 d;
	char		*s;

	for (i = 0; kind != NULL && jsonschema_kinds[i] != NULL; i++)
		if (strcmp(kind, jsonschema_kinds[i]) == 0)
			break;
	if (kind != NULL && jsonschema_kinds[i] == NULL)
		return NULL;

	defs = val_map();
	add_tables(defs, content_tables);
	add_tables(defs, site_tables);
	add_tables(defs, tax_tables);
	/* A seminars file is a list of seminars. */
	m = val_map();
	val_set_str(m, "type", "array");
	val_set(m, "items", ref_to("seminar"));
	val_set(defs, "seminars", m);
	/* taxonomy.yaml: a list of terms per dimension. */
	m = val_map();
	val_set_str(m, "type", "object");
	props = val_map();
	for (d = 0; d < DIM__MAX; d++) {
		struct val *l = val_map();

		val_set_str(l, "type", "array");
		val_set(l, "items", ref_to("term"));
		val_set(props, dim_keys[d], l);
	}
	val_set(m, "properties", props);
	val_set(m, "additionalProperties", val_bool(0));
	val_set(defs, "taxonomy", m);
	for (d = 0; d < DIM__MAX; d++)
		val_set(defs, dim_names[d], terms_schema(tax, d));
	val_set(defs, "any_term", terms_schema(tax, -1));
	val_set(defs, "id", str_pattern("^[a-z0-9][a-z0-9-]*$"));

	root = val_map();
	val_set_str(root, "$schema", SCHEMA_DRAFT);
	s = xasprintf("kbgen %s", kind != NULL ? kind : "content");
	val_set_str(root, "title", s);
	free(s);
	val_set_str(root, "description", kind == NULL ?
	    "Every kind of kbgen content file, in $defs (usecase, person, "
	    "hackathon, page, seminars, site, taxonomy); written by kbgen "
	    "schema from the tables kbgen lint checks with and from the "
	    "knowledge base's taxonomy: run it again after editing "
	    "taxonomy.yaml." :
	    "Written by kbgen schema from the tables kbgen lint checks with "
	    "and from the knowledge base's taxonomy: run it again after "
	    "editing taxonomy.yaml.");
	if (kind != NULL) {
		s = xasprintf("#/$defs/%s", kind);
		val_set_str(root, "$ref", s);
		free(s);
	}
	val_set(root, "$defs", defs);
	return root;
}
