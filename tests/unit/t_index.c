/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for index.c: entries, dimension queries (one, two and
 * three terms, empty, all use cases), output hashes, meta, write
 * transactions (abort, commit, reopen), clearing entries and the
 * schema check.  Works in a temporary folder that it removes.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "store/store.h"
#include "harness.h"

/*
 * Run a query and give its result joined with commas (a new string),
 * or "(failed)" when the query fails.
 */
static char *
query(struct idx *i, const char **dims, const char **terms, size_t n)
{
	struct buf	 b;
	char		**out = NULL;
	size_t		 outsz = 0, j;

	memset(&b, 0, sizeof(b));
	if (!idx_query(i, dims, terms, n, &out, &outsz))
		return xstrdup("(failed)");
	for (j = 0; j < outsz; j++) {
		if (j > 0)
			buf_putc(&b, ',');
		buf_puts(&b, out[j]);
		free(out[j]);
	}
	free(out);
	buf_puts(&b, "");
	return buf_steal(&b);
}

static char *
q1(struct idx *i, const char *dim, const char *term)
{
	return query(i, &dim, &term, 1);
}

static char *
outputs(struct idx *i)
{
	struct buf	 b;
	char		**out = NULL;
	size_t		 outsz = 0, j;

	memset(&b, 0, sizeof(b));
	if (!idx_list_outputs(i, &out, &outsz))
		return xstrdup("(failed)");
	for (j = 0; j < outsz; j++) {
		if (j > 0)
			buf_putc(&b, ',');
		buf_puts(&b, out[j]);
		free(out[j]);
	}
	free(out);
	buf_puts(&b, "");
	return buf_steal(&b);
}

#define CHECKS(expr, want, name) do {					\
	char *s_ = (expr);						\
	EQS(s_, (want), (name));					\
	free(s_);							\
} while (0)

static int
put(struct idx *i, const char *dim, const char *term, const char *slugs)
{
	char	*p, *s, *t;
	int	 ok = 1;

	p = xstrdup(slugs);
	for (s = p; (t = strsep(&s, ",")) != NULL; )
		if (!idx_put_term(i, dim, term, t))
			ok = 0;
	free(p);
	return ok;
}

int
main(void)
{
	char		 tmpl[] = "/tmp/t_index.XXXXXX";
	char		*dir, *rec = NULL, *v = NULL;
	struct idx	*i;
	size_t		 recsz = 0, nerr;
	uint64_t	 h = 0;
	const char	*d2[] = { "technology", "field" };
	const char	*t2[] = { "python", "bio" };
	const char	*d3[] = { "field", "technology", "tool" };
	const char	*t3[] = { "bio", "python", "git" };
	const char	*dbad[] = { "technology", "colour" };
	const char	*tbad[] = { "python", "red" };
	const char	*dnone[] = { "technology", "field" };
	const char	*tnone[] = { "python", "astronomy" };

	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* A folder below the temporary one: idx_open creates it. */
	dir = path_join(tmpl, "cache/index");

	i = idx_open(dir);
	OK(i != NULL, "open creates the index");
	if (i == NULL) {
		rmtree(tmpl);
		free(dir);
		DONE();
	}
	OK(idx_get_meta(i, "schema", &v) == 1, "schema written");
	EQS(v, "1", "schema is 1");
	free(v);
	v = NULL;

	/* Entries and terms in one transaction. */
	OK(idx_begin(i), "begin");
	OK(idx_put_entry(i, "usecase", "alpha", "rec-a", 5), "put alpha");
	OK(idx_put_entry(i, "usecase", "beta", "rec-b", 5), "put beta");
	OK(idx_put_entry(i, "usecase", "gamma", "rec-g", 5), "put gamma");
	OK(idx_put_entry(i, "usecase", "delta", "rec-d", 5), "put delta");
	OK(idx_put_entry(i, "tool", "git", "rec-t", 5), "put tool/git");
	OK(idx_put_entry(i, "usecases", "zeta", "x", 1), "put usecases/zeta");
	OK(idx_put_entry(i, "usecas", "eta", "x", 1), "put usecas/eta");
	OK(idx_put_entry(i, "usecase", "empty", "", 0), "put empty record");
	OK(put(i, "technology", "python", "gamma,alpha,beta"),
	    "terms python");
	OK(put(i, "technology", "rust", "gamma,delta"), "terms rust");
	OK(put(i, "field", "bio", "delta,alpha,gamma,empty"), "terms bio");
	OK(put(i, "tool", "git", "gamma,beta,alpha"), "terms git");
	OK(put(i, "tool", "make", "gamma"), "terms make");
	OK(idx_put_term(i, "technology", "python", "alpha"),
	    "repeated term pair is fine");

	CHECKS(q1(i, "technology", "python"), "alpha,beta,gamma",
	    "one term, in the write txn, sorted");
	CHECKS(query(i, d2, t2, 2), "alpha,gamma", "two terms intersect");
	CHECKS(query(i, d3, t3, 3), "alpha,gamma", "three terms intersect");
	CHECKS(q1(i, "technology", "cobol"), "", "unknown term: empty");
	CHECKS(query(i, dnone, tnone, 2), "", "one missing term: empty");
	CHECKS(query(i, NULL, NULL, 0), "alpha,beta,delta,empty,gamma",
	    "no terms: every use case");
	OK(idx_commit(i), "commit");

	/* Same queries through the index's own read transactions. */
	CHECKS(q1(i, "technology", "python"), "alpha,beta,gamma",
	    "one term, read txn");
	CHECKS(query(i, d2, t2, 2), "alpha,gamma", "two terms, read txn");
	CHECKS(query(i, d3, t3, 3), "alpha,gamma", "three terms, read txn");
	{
		const char *d[] = { "tool", "technology", "field" };
		const char *t[] = { "make", "rust", "bio" };

		CHECKS(query(i, d, t, 3), "gamma",
		    "three terms, shortest list first");
	}
	CHECKS(query(i, NULL, NULL, 0), "alpha,beta,delta,empty,gamma",
	    "no terms, read txn");

	/* Unknown dimension. */
	diag_set_quiet(1);
	nerr = diag_errors();
	OK(!idx_put_term(i, "colour", "red", "alpha"), "put unknown dim fails");
	CHECKS(query(i, dbad, tbad, 2), "(failed)", "query unknown dim fails");
	OK(diag_errors() == nerr + 2, "unknown dims reported");
	diag_set_quiet(0);

	/* Entries. */
	OK(idx_get_entry(i, "usecase", "beta", &rec, &recsz) == 1,
	    "get entry");
	OK(recsz == 5, "entry size");
	EQS(rec, "rec-b", "entry record");
	free(rec);
	rec = NULL;
	OK(idx_get_entry(i, "usecase", "empty", &rec, &recsz) == 1 &&
	    recsz == 0, "get empty entry");
	EQS(rec, "", "empty record is NUL-terminated");
	free(rec);
	rec = NULL;
	OK(idx_get_entry(i, "usecase", "omega", &rec, &recsz) == 0,
	    "absent entry");
	OK(rec == NULL, "absent entry leaves rec");

	/* Output hashes, outside any transaction (each its own). */
	OK(idx_put_output(i, "site/b.html", UINT64_C(0x0123456789abcdef)),
	    "put output");
	OK(idx_put_output(i, "site/a.html", 42), "put output 2");
	OK(idx_put_output(i, "site/c.html", UINT64_MAX), "put output 3");
	OK(idx_get_output(i, "site/b.html", &h) == 1 &&
	    h == UINT64_C(0x0123456789abcdef), "get output");
	OK(idx_get_output(i, "site/c.html", &h) == 1 && h == UINT64_MAX,
	    "get output max");
	OK(idx_put_output(i, "site/a.html", 7), "replace output");
	OK(idx_get_output(i, "site/a.html", &h) == 1 && h == 7,
	    "replaced output");
	OK(idx_get_output(i, "site/none.html", &h) == 0, "absent output");
	CHECKS(outputs(i), "site/a.html,site/b.html,site/c.html",
	    "list outputs");
	OK(idx_del_output(i, "site/b.html") == 1, "del output");
	OK(idx_del_output(i, "site/b.html") == 0, "del absent output");
	OK(idx_get_output(i, "site/b.html", &h) == 0, "deleted output gone");
	CHECKS(outputs(i), "site/a.html,site/c.html", "list after del");

	/* Meta. */
	OK(idx_put_meta(i, "built", "2026-01-01"), "put meta");
	OK(idx_get_meta(i, "built", &v) == 1, "get meta");
	EQS(v, "2026-01-01", "meta value");
	free(v);
	v = NULL;
	OK(idx_get_meta(i, "nothing", &v) == 0 && v == NULL, "absent meta");

	/* Abort discards everything written in the transaction. */
	OK(idx_begin(i), "begin to abort");
	OK(idx_put_entry(i, "usecase", "omega", "rec-o", 5), "put omega");
	OK(idx_put_term(i, "technology", "python", "omega"), "term omega");
	OK(idx_put_meta(i, "built", "never"), "meta in txn");
	OK(idx_put_output(i, "site/o.html", 1), "output in txn");
	OK(idx_del_output(i, "site/a.html") == 1, "del in txn");
	CHECKS(q1(i, "technology", "python"), "alpha,beta,gamma,omega",
	    "txn sees its own writes");
	idx_abort(i);
	OK(idx_get_entry(i, "usecase", "omega", &rec, &recsz) == 0,
	    "aborted entry gone");
	CHECKS(q1(i, "technology", "python"), "alpha,beta,gamma",
	    "aborted term gone");
	OK(idx_get_meta(i, "built", &v) == 1, "meta after abort");
	EQS(v, "2026-01-01", "aborted meta write gone");
	free(v);
	v = NULL;
	CHECKS(outputs(i), "site/a.html,site/c.html", "aborted outputs gone");
	idx_abort(i);	/* no transaction: nothing to do */

	/* Reopen: everything committed persists. */
	idx_free(i);
	i = idx_open(dir);
	OK(i != NULL, "reopen");
	if (i == NULL) {
		rmtree(tmpl);
		free(dir);
		DONE();
	}
	OK(idx_get_entry(i, "usecase", "alpha", &rec, &recsz) == 1,
	    "entry persists");
	EQS(rec, "rec-a", "persisted record");
	free(rec);
	rec = NULL;
	CHECKS(query(i, d2, t2, 2), "alpha,gamma", "terms persist");
	OK(idx_get_output(i, "site/a.html", &h) == 1 && h == 7,
	    "output persists");
	OK(idx_get_meta(i, "built", &v) == 1, "meta persists");
	EQS(v, "2026-01-01", "persisted meta");
	free(v);
	v = NULL;

	/* Clearing entries empties entries and by_*, not the rest. */
	OK(idx_begin(i), "begin clear");
	OK(idx_clear_entries(i), "clear entries");
	CHECKS(q1(i, "technology", "python"), "", "cleared in txn");
	OK(idx_put_entry(i, "usecase", "new", "rec-n", 5), "put after clear");
	OK(idx_put_term(i, "field", "bio", "new"), "term after clear");
	OK(idx_commit(i), "commit clear");
	CHECKS(q1(i, "technology", "python"), "", "by_technology empty");
	CHECKS(q1(i, "technology", "rust"), "", "by_technology empty 2");
	CHECKS(q1(i, "tool", "git"), "", "by_tool empty");
	CHECKS(q1(i, "field", "bio"), "new", "by_field rebuilt");
	CHECKS(query(i, NULL, NULL, 0), "new", "entries rebuilt");
	OK(idx_get_entry(i, "tool", "git", &rec, &recsz) == 0,
	    "other kinds cleared");
	OK(idx_get_output(i, "site/a.html", &h) == 1, "outputs kept");
	OK(idx_get_meta(i, "built", &v) == 1, "meta kept");
	free(v);
	v = NULL;

	/* A different schema is refused. */
	OK(idx_put_meta(i, "schema", "2"), "write schema 2");
	idx_free(i);
	diag_set_quiet(1);
	nerr = diag_errors();
	i = idx_open(dir);
	OK(i == NULL, "schema mismatch fails");
	OK(diag_errors() == nerr + 1, "schema mismatch reported once");
	diag_set_quiet(0);
	idx_free(i);
	idx_free(NULL);

	OK(rmtree(tmpl), "rmtree");
	free(dir);
	DONE();
}
