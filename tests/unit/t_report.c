/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for report.c on made-up result records: the JUnit file
 * (a <failure> or an <error> typed by the reason, no-code an error,
 * In [N] before the traceback, warnings, kernel and environment in
 * <system-out>, escaping, counts), the failure printed in the terminal
 * (status (reason): message, In [N] or the old cell index, warnings,
 * no escape sequences from the job), --json's keys, --strict, and the
 * helpers the site shares (pass, reason labels, warning text).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "check/check.h"
#include "check/private.h"
#include "harness.h"

static struct val *
rec(const char *json)
{
	struct val	*v = json_parse(json, strlen(json));

	if (v == NULL) {
		fprintf(stderr, "bad test JSON: %s\n", json);
		exit(2);
	}
	return v;
}

/* The contents of path, a new string ("" when unreadable). */
static char *
slurp(const char *path)
{
	char	*s = NULL;
	size_t	 sz;

	if (!file_read(path, &s, &sz))
		return xstrdup("");
	return s;
}

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* What report_failure prints for r, a new string. */
static char *
failure_text(const char *name, const struct val *r, const char *tmp)
{
	char	*p = xasprintf("%s/stderr", tmp), *s;
	FILE	*f;
	int	 fd, saved;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if ((f = fopen(p, "w")) == NULL) {
		free(p);
		return xstrdup("");
	}
	fd = fileno(f);
	dup2(fd, STDERR_FILENO);
	report_failure(name, r);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fclose(f);
	s = slurp(p);
	free(p);
	return s;
}

int
main(void)
{
	char		 tmpl[] = "/tmp/t_report.XXXXXX";
	char		*tmp, *path, *x, *t;
	struct report_item items[8];
	struct val	*r[8], *l;
	size_t		 i, n = 0;

	if ((tmp = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	r[n++] = rec("{\"slug\":\"uc-pass\",\"status\":\"pass\","
	    "\"seconds\":3}");
	r[n++] = rec("{\"slug\":\"uc-module\",\"status\":\"fail\","
	    "\"reason\":\"missing-module\",\"seconds\":4,\"message\":"
	    "\"No module named 'tensorflow': add it to requirements.txt\","
	    "\"failed_cell\":{\"index\":5,\"number\":3,\"ename\":"
	    "\"ModuleNotFoundError\",\"evalue\":\"No module named "
	    "'tensorflow'\",\"traceback\":\"Traceback\\n  File x\\n"
	    "ModuleNotFoundError: No module named 'tensorflow'\"},"
	    "\"warnings\":[{\"cell\":2,\"command\":\"wget u\",\"exit_code\":4,"
	    "\"message\":\"an earlier cell's command failed: wget u exit 4\"}],"
	    "\"kernel\":{\"name\":\"python3\",\"why\":\"run.kernel\"},"
	    "\"environment\":{\"name\":\"tf215\"}}");
	r[n++] = rec("{\"slug\":\"uc-nocode\",\"status\":\"error\","
	    "\"reason\":\"no-code\",\"message\":\"the notebook has no code "
	    "cells\"}");
	r[n++] = rec("{\"slug\":\"uc-false\",\"status\":\"pass\","
	    "\"reason\":\"no-code\",\"message\":\"nothing ran\"}");
	r[n++] = rec("{\"slug\":\"uc-time\",\"status\":\"timeout\","
	    "\"reason\":\"timeout\",\"message\":\"past 10 s\"}");
	r[n++] = rec("{\"slug\":\"uc-old\",\"status\":\"fail\",\"message\":"
	    "\"cell 1 raised ValueError: boom\",\"failed_cell\":{\"index\":1,"
	    "\"ename\":\"ValueError\",\"evalue\":\"boom\",\"traceback\":"
	    "\"ValueError: boom\"}}");
	r[n++] = rec("{\"slug\":\"uc-env\",\"status\":\"error\","
	    "\"reason\":\"environment\",\"message\":\"<b>\\\"x\\\" & y</b>"
	    "\\u001b[31m\",\"warnings\":[{\"command\":\"<pip>\","
	    "\"exit_code\":1}]}");
	r[n++] = rec("{\"slug\":\"btagging\",\"status\":\"not run\","
	    "\"message\":\"not synced\"}");
	memset(items, 0, sizeof(items));
	for (i = 0; i < n; i++) {
		items[i].slug = val_get_str(r[i], "slug");
		items[i].rec = r[i];
	}
	items[n - 1].skip = 1;
	items[0].cached = 1;

	/* Helpers. */
	OK(run_passed(r[0]), "passed-pass");
	OK(!run_passed(r[1]), "passed-fail");
	OK(!run_passed(r[3]), "passed-no-code-never");
	EQS(run_reason_label("missing-module"), "missing module",
	    "label-missing-module");
	EQS(run_reason_label("no-code"), "no code", "label-no-code");
	EQS(run_reason_label("memory"), "out of memory", "label-memory");
	EQS(run_reason_label("brand-new"), "brand-new", "label-unknown");
	OK(run_reason_label(NULL) == NULL, "label-none");
	x = run_warning(val_item(val_get(r[6], "warnings"), 0));
	EQS(x, "a cell's command failed: <pip> exit 1", "warning-composed");
	free(x);
	x = run_warning(val_item(val_get(r[1], "warnings"), 0));
	EQS(x, "an earlier cell's command failed: wget u exit 4",
	    "warning-message");
	free(x);

	/* JUnit. */
	path = xasprintf("%s/junit.xml", tmp);
	OK(report_junit(path, "local", items, n), "junit-written");
	x = slurp(path);
	OK(has(x, "<testsuite name=\"kbgen check\" tests=\"8\" failures=\"3\" "
	    "errors=\"3\" skipped=\"1\">"), "junit-counts");
	OK(has(x, "<testcase classname=\"kbgen.local\" name=\"uc-pass\" "
	    "time=\"3\"></testcase>"), "junit-pass-empty");
	OK(has(x, "<failure type=\"missing-module\" message=\"No module "
	    "named 'tensorflow': add it to requirements.txt\">In [3]: "
	    "ModuleNotFoundError: No module named 'tensorflow'\nTraceback\n"),
	    "junit-failure-reason-cell");
	OK(has(x, "ModuleNotFoundError: No module named 'tensorflow'"
	    "</failure>\n    <system-out>warning: an earlier cell's command "
	    "failed: wget u exit 4\nkernel python3: run.kernel\n"
	    "environment tf215\n</system-out>\n  </testcase>"),
	    "junit-system-out");
	OK(has(x, "<error type=\"no-code\" message=\"the notebook has no code "
	    "cells\"></error>"), "junit-no-code-error");
	OK(has(x, "name=\"uc-false\" time=\"0\">\n    <error type=\"no-code\""),
	    "junit-false-pass-error");
	OK(has(x, "<failure type=\"timeout\" message=\"past 10 s\">"),
	    "junit-timeout-failure");
	OK(has(x, "<failure type=\"fail\" message=\"cell 1 raised ValueError: "
	    "boom\">cell 1: ValueError: boom\nValueError: boom</failure>"),
	    "junit-old-record");
	OK(has(x, "<error type=\"environment\" message=\"&lt;b&gt;&quot;x&quot;"
	    " &amp; y&lt;/b&gt;?[31m\"></error>"), "junit-escaped");
	OK(has(x, "<system-out>warning: a cell's command failed: &lt;pip&gt; "
	    "exit 1\n</system-out>"), "junit-warning-escaped");
	OK(has(x, "name=\"btagging\" time=\"0\"><skipped message=\"not "
	    "synced\"/></testcase>"), "junit-skipped");
	free(x);
	free(path);

	/* --json: the records, with the keys readers count on. */
	path = xasprintf("%s/r.json", tmp);
	OK(report_json(path, items, n), "json-written");
	x = slurp(path);
	l = json_parse(x, strlen(x));
	OK(l != NULL && l->type == VAL_LIST && l->kidsz == n, "json-list");
	if (l != NULL && l->kidsz == n) {
		OK(val_get(l->kids[0], "reason") != NULL &&
		    val_get(l->kids[0], "reason")->type == VAL_NULL,
		    "json-pass-reason-null");
		OK(val_get(l->kids[0], "warnings") != NULL &&
		    val_get(l->kids[0], "warnings")->type == VAL_LIST &&
		    val_get(l->kids[0], "warnings")->kidsz == 0,
		    "json-pass-warnings-empty");
		OK(val_get(l->kids[0], "cached")->b, "json-cached");
		EQS(val_get_str(l->kids[1], "reason"), "missing-module",
		    "json-reason");
		EQS(val_get_str(val_item(val_get(l->kids[1], "warnings"), 0),
		    "exit_code"), "4", "json-warnings-as-stored");
		EQS(val_get_str(val_get(l->kids[1], "failed_cell"), "number"),
		    "3", "json-cell-number");
	}
	val_free(l);
	free(x);
	free(path);

	/* The terminal. */
	t = failure_text("uc-module", r[1], tmp);
	EQS(t, "uc-module: fail (missing-module): No module named "
	    "'tensorflow': add it to requirements.txt\n"
	    "  In [3]: ModuleNotFoundError: No module named 'tensorflow'\n"
	    "  Traceback\n    File x\n  ModuleNotFoundError: No module named "
	    "'tensorflow'\n"
	    "  warning: an earlier cell's command failed: wget u exit 4\n"
	    "  kernel python3: run.kernel\n"
	    "  environment tf215\n", "terminal-classified");
	free(t);
	t = failure_text("uc-old", r[5], tmp);
	EQS(t, "uc-old: fail: cell 1 raised ValueError: boom\n"
	    "  cell 1: ValueError: boom\n  ValueError: boom\n",
	    "terminal-old-record");
	free(t);
	t = failure_text("uc-env", r[6], tmp);
	EQS(t, "uc-env: error (environment): <b>\"x\" & y</b>?[31m\n"
	    "  warning: a cell's command failed: <pip> exit 1\n",
	    "terminal-no-escape-sequences");
	free(t);

	/* --strict. */
	OK(report_strict(items, 1), "strict-all-pass");
	t = NULL;
	{
		char	*p = xasprintf("%s/strict", tmp);
		FILE	*f = fopen(p, "w");
		int	 saved = dup(STDERR_FILENO), ok;

		fflush(stderr);
		dup2(fileno(f), STDERR_FILENO);
		ok = report_strict(items, n);
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		fclose(f);
		OK(!ok, "strict-fails");
		t = slurp(p);
		OK(has(t, "kbgen: check --strict: uc-false: pass (no-code)\n"),
		    "strict-false-pass-named");
		OK(has(t, "kbgen: check --strict: btagging: not run\n"),
		    "strict-not-run-named");
		OK(!has(t, "uc-pass"), "strict-pass-not-named");
		OK(has(t, "7 of 8 examples not passing"), "strict-count");
		unlink(p);
		free(p);
	}
	free(t);

	for (i = 0; i < n; i++)
		val_free(r[i]);
	x = xasprintf("%s/junit.xml", tmp);
	unlink(x);
	free(x);
	x = xasprintf("%s/r.json", tmp);
	unlink(x);
	free(x);
	x = xasprintf("%s/stderr", tmp);
	unlink(x);
	free(x);
	rmdir(tmp);
	DONE();
}
