/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for schema.c and the tables of known keys: every key of
 * every kind's tree of tables (content.c's content_tables, config.c's
 * site_table, taxonomy.c's tax_table) that takes one of a set of words
 * is listed, with exactly those words, in generator/kbgen.5's "Allowed
 * values" (so the manual cannot drift from lint); schema_nearest gives
 * every candidate at the nearest distance; schema_check_at counts a key
 * of another place as an error and an unknown key as a warning;
 * jsonschema.c's walk of the same tree gives every kind and the words
 * of a key at a dotted place; date_valid takes only days of the
 * calendar (leap years included); pdate_prec tells a day, a month and
 * a year apart; events.c's span, words and order of partial dates;
 * email_valid takes addresses as people write them and nothing around
 * them; orcid_id takes an iD bare or after https://orcid.org/, and
 * orcid_digit is ISO 7064 MOD 11-2 (ORCID's own examples, X and 0
 * included).  The manual is read from $KBGEN_MAN5,
 * else generator/kbgen.5 (the tests run in the repository's root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"
#include "harness.h"

static char	*man;		/* kbgen.5, whole */
static size_t	 nenums;	/* enumerated keys met in the tables */

/*
 * The line after ".It Cm key Pq what" in the manual, a new string, or
 * NULL.
 */
static char *
man_words(const char *key, const char *what)
{
	char	*want, *p, *end;

	want = xasprintf("\n.It Cm %s Pq %s\n", key, what);
	p = strstr(man, want);
	if (p != NULL) {
		p += strlen(want);
		end = strchr(p, '\n');
		p = end != NULL ? xstrndup(p, (size_t)(end - p)) : NULL;
	}
	free(want);
	return p;
}

/* Check the words of one enumerated key against the manual's line. */
static void
check_enum(const char *what, const char *key, const char *const *set)
{
	struct buf	 want = { NULL, 0, 0 };
	char		*got, *name;
	size_t		 i;

	nenums++;
	buf_printf(&want, ".Cm ");
	for (i = 0; set[i] != NULL; i++)
		buf_printf(&want, "%s%s", i ? " , " : "", set[i]);
	got = man_words(key, what);
	name = xasprintf("kbgen.5 lists %s of a %s", key, what);
	EQS(got, buf_cstr(&want), name);
	free(name);
	free(got);
	buf_free(&want);
}

/* Walk a tree of tables, checking every key with a set of words. */
static void
walk(const char *what, const struct fld *flds, const char *at, int depth)
{
	size_t	 j;
	char	*key;

	if (flds == NULL || depth > 8)
		return;
	for (j = 0; flds[j].key != NULL; j++) {
		key = xasprintf("%s%s%s", at, *at != '\0' ? "." : "",
		    flds[j].key);
		if (flds[j].set != NULL)
			check_enum(what, key, flds[j].set);
		if (flds[j].sub != NULL) {
			if (flds[j].names) {
				free(key);
				key = xasprintf("%s%s%s.NAME", at,
				    *at != '\0' ? "." : "", flds[j].key);
			}
			walk(what, flds[j].sub, key, depth + 1);
		}
		free(key);
	}
}

/* Every ".It Cm KEY Pq WHAT" of Allowed values names a table's set. */
static size_t
man_enums(void)
{
	const char	*p, *end;
	size_t		 n = 0;

	if ((p = strstr(man, "\n.Ss Allowed values\n")) == NULL)
		return 0;
	end = strstr(p + 1, "\n.Ss ");
	while ((p = strstr(p + 1, "\n.It Cm ")) != NULL &&
	    (end == NULL || p < end))
		n++;
	return n;
}

static void
test_nearest(void)
{
	const char *const ids[] = { "ada-rossi", "ada-russo", "bruno-verdi",
	    "ada-rossa" };
	const char	*out[3];
	size_t		 n;

	n = schema_nearest("ada-rosso", ids, 4, out, 3);
	OK(n == 3, "nearest: three ids at distance 1");
	OK(n == 3 && strcmp(out[0], "ada-rossi") == 0 &&
	    strcmp(out[1], "ada-russo") == 0 &&
	    strcmp(out[2], "ada-rossa") == 0, "nearest: in the given order");
	n = schema_nearest("ada-rossi", ids, 4, out, 3);
	OK(n == 1 && strcmp(out[0], "ada-rossi") == 0,
	    "nearest: an exact match alone");
	n = schema_nearest("zzzzzzzz", ids, 4, out, 3);
	OK(n == 0, "nearest: nothing close");
	n = schema_nearest("ada-rosso", ids, 4, out, 1);
	OK(n == 1 && strcmp(out[0], "ada-rossi") == 0,
	    "nearest: at most max");
	OK(schema_suggest("bruno-verdy", ids, 4) != NULL &&
	    strcmp(schema_suggest("bruno-verdy", ids, 4), "bruno-verdi") == 0,
	    "suggest: the nearest one");
}

static void
test_check_at(void)
{
	struct val	*top, *run;
	size_t		 e, w;
	const struct fld *uc = content_tables[0].flds;

	diag_set_quiet(1);
	top = val_map();
	val_set(top, "timeout", val_str("30m"));
	e = diag_errors();
	w = diag_warnings();
	OK(schema_check_at("x.md", top, uc, "", "use case") == 0,
	    "a run key at the top fails");
	OK(diag_errors() > e, "a run key at the top is an error");
	run = val_map();
	val_set(run, "timeout", val_str("30m"));
	val_set(run, "timeuot", val_str("30m"));
	e = diag_errors();
	OK(schema_check_at("x.md", run, uc, "run", "run section") == 1,
	    "an unknown key in run passes");
	OK(diag_errors() == e && diag_warnings() == w + 1,
	    "an unknown key in run is one warning");
	val_free(top);
	val_free(run);
	diag_set_quiet(0);
}

/* kbgen schema walks the same tree: every kind, and words by place. */
static void
test_jsonschema(void)
{
	struct val	*s;
	const char *const *w;
	const char	*k;
	size_t		 i;
	int		 all = 1;

	for (i = 0; (k = jsonschema_kind(i)) != NULL; i++) {
		s = jsonschema_new(NULL, k);
		if (s == NULL || val_get(val_get(s, "$defs"), k) == NULL)
			all = 0;
		val_free(s);
	}
	OK(i == 7 && all, "jsonschema: the seven kinds, each in $defs");
	OK(jsonschema_new(NULL, "event") == NULL, "jsonschema: unknown kind");
	w = jsonschema_words("hackathon", "programme.sessions.kind");
	OK(w != NULL && strcmp(w[0], "lecture") == 0,
	    "jsonschema: words of a list's items' key");
	w = jsonschema_words("site", "runners.local.sandbox");
	OK(w != NULL && strcmp(w[0], "bwrap") == 0 && w[2] == NULL,
	    "jsonschema: words two mappings down");
	OK(jsonschema_words("usecase", "kind") != NULL,
	    "jsonschema: words at the top");
	OK(jsonschema_words("usecase", "title") == NULL &&
	    jsonschema_words("usecase", "run.kind") == NULL &&
	    jsonschema_words("event", "kind") == NULL,
	    "jsonschema: no words where the tree has none");
}

/* Dates as kbgen.5 has them: YYYY-MM-DD, a real day of the calendar. */
static void
test_dates(void)
{
	static const char *const good[] = { "2024-01-01", "2024-12-31",
	    "2024-02-29", "2000-02-29", "2023-11-30", NULL };
	static const char *const bad[] = { "2024-13-01", "2024-00-10",
	    "2024-12-32", "2023-02-29", "1900-02-29", "2100-02-29",
	    "2024-04-31", "2024-1-01", "2024/01/01", "2024-01-00", NULL };
	char		*name;
	size_t		 i;

	for (i = 0; good[i] != NULL; i++) {
		name = xasprintf("date %s is valid", good[i]);
		OK(date_valid(good[i]), name);
		free(name);
	}
	for (i = 0; bad[i] != NULL; i++) {
		name = xasprintf("date %s is invalid", bad[i]);
		OK(!date_valid(bad[i]), name);
		free(name);
	}
}

static void
test_addresses(void)
{
	static const char *const good[] = { "ada@example.org",
	    "a.b+ml@lists.infn.it", "x_y-z@a-b.example.co.uk",
	    "o'neil@example.org", "1@2.io", NULL };
	static const char *const bad[] = { "", "ada", "ada@", "@example.org",
	    "ada@example", "ada at example.org", "Ada <ada@example.org>",
	    "mailto:ada@example.org", "ada@@example.org", "a@b@example.org",
	    ".ada@example.org", "ada.@example.org", "a..b@example.org",
	    "ada@-example.org", "ada@example-.org", "ada@example..org",
	    "ada@example.org.", "\"ada\"@example.org", "ada@exa mple.org",
	    "ada@example.org\n", "ad\xc3\xa0@example.org",
	    "javascript:alert(1)//@example.org", NULL };
	static const struct { const char *id, want; } ids[] = {
		{ "0000-0002-1825-0097", '7' },	/* ORCID's example */
		{ "0000-0001-5109-3700", '0' },
		{ "0000-0002-1694-233X", 'X' },
		{ "0000-0003-1415-9269", '9' },
		{ "0000-0002-1825-0098", '7' },	/* wrong: want 7 */
	};
	char	*name;
	size_t	 i;

	for (i = 0; good[i] != NULL; i++) {
		name = xasprintf("email %s is valid", good[i]);
		OK(email_valid(good[i]), name);
		free(name);
	}
	for (i = 0; bad[i] != NULL; i++) {
		name = xasprintf("email [%s] is invalid", bad[i]);
		OK(!email_valid(bad[i]), name);
		free(name);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		name = xasprintf("orcid %s: check digit %c", ids[i].id,
		    ids[i].want);
		OK(orcid_id(ids[i].id) != NULL &&
		    orcid_digit(ids[i].id) == ids[i].want, name);
		free(name);
	}
	EQS(orcid_id("https://orcid.org/0000-0002-1825-0097"),
	    "0000-0002-1825-0097", "orcid: the iD after https://orcid.org/");
	EQS(orcid_id("HTTP://ORCID.ORG/0000-0002-1825-0097"),
	    "0000-0002-1825-0097", "orcid: the prefix in any case");
	OK(orcid_id("0000-0002-1825-009") == NULL, "orcid: 15 digits refused");
	OK(orcid_id("0000-0002-1825-00977") == NULL, "orcid: 17 refused");
	OK(orcid_id("0000000218250097") == NULL, "orcid: no hyphens refused");
	OK(orcid_id("0000-0002-1825-009x") == NULL, "orcid: lower-case x");
	OK(orcid_id("0000-000X-1825-0097") == NULL, "orcid: X not last");
	OK(orcid_id("https://example.org/0000-0002-1825-0097") == NULL,
	    "orcid: another host refused");
}

/* Partial dates (an event's month or year) and their words. */
static void
test_partial(void)
{
	/* wd: weekday for ev_date_words, -1 for ev_time_words. */
	static const struct {
		const char *d, *hm, *end;
		int	    wd;
		const char *want;
	} words[] = {
		{ "2021-06", NULL, NULL, 1, "June 2021" },
		{ "2023", NULL, NULL, 1, "2023" },
		{ "2023-06-05", NULL, NULL, 1, "Monday 5 June 2023" },
		{ "2023-12-05", NULL, NULL, 0, "5 December 2023" },
		{ "2022-11-22", "14:00", "15:30", -1,
		    "Tue 22 Nov, 14:00\xe2\x80\x93" "15:30" },
		{ "2022-11-22", NULL, NULL, -1, "Tue 22 Nov" },
		{ "2022-11", "14:00", NULL, -1, "" },
		{ NULL, NULL, NULL, 0, NULL },
	};
	char		 f[11], l[11], *w, *name;
	size_t		 i;

	OK(pdate_prec("2021-06-14") == 3, "pdate day");
	OK(pdate_prec("2021-06") == 2, "pdate month");
	OK(pdate_prec("2023") == 1, "pdate year");
	OK(pdate_prec("2021-13") == 0 && pdate_prec("2021-00") == 0 &&
	    pdate_prec("2021-6") == 0 && pdate_prec("202") == 0 &&
	    pdate_prec("2021/06") == 0 && pdate_prec("2021-02-30") == 0 &&
	    pdate_prec("") == 0 && pdate_prec("20x1") == 0,
	    "pdate refuses malformed dates");
	OK(ev_span("2021-06", f, l) == 2 && strcmp(f, "2021-06-01") == 0 &&
	    strcmp(l, "2021-06-31") == 0, "span of a month");
	OK(ev_span("2023", f, l) == 1 && strcmp(f, "2023-01-01") == 0 &&
	    strcmp(l, "2023-12-31") == 0, "span of a year");
	OK(ev_upcoming("2023-06", "2023-06-30") &&
	    !ev_upcoming("2023-06", "2023-07-01") &&
	    ev_upcoming("2023", "2023-12-31") &&
	    !ev_upcoming("2023-06-14", "2023-06-15"),
	    "upcoming until the last day");
	for (i = 0; words[i].d != NULL; i++) {
		w = words[i].hm != NULL || words[i].wd < 0 ?
		    ev_time_words(words[i].d, words[i].hm, words[i].end) :
		    ev_date_words(words[i].d, words[i].wd);
		name = xasprintf("words of %s %s", words[i].d,
		    words[i].hm ? words[i].hm : "");
		EQS(w, words[i].want, name);
		free(name);
		free(w);
	}
}

int
main(void)
{
	const char	*path;
	char		*text = NULL;
	size_t		 sz, i;

	path = getenv("KBGEN_MAN5") != NULL ? getenv("KBGEN_MAN5") :
	    "generator/kbgen.5";
	if (!file_read(path, &text, &sz)) {
		OK(0, "read generator/kbgen.5 (run in the repository root)");
		DONE();
	}
	man = text;
	test_partial();
	for (i = 0; content_tables[i].what != NULL; i++)
		walk(content_tables[i].what, content_tables[i].flds, "", 0);
	walk(site_table.what, site_table.flds, "", 0);
	walk(tax_table.what, tax_table.flds, "", 0);
	OK(nenums >= 6, "the tables have the enumerated keys");
	OK(man_enums() == nenums,
	    "kbgen.5's Allowed values lists no key the tables lack");
	free(man);
	test_nearest();
	test_check_at();
	test_jsonschema();
	test_dates();
	test_addresses();
	DONE();
}
