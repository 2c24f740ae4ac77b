/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What a check says, where people read it: the failure printed in the
 * terminal as each job ends, the JUnit and JSON reports of kbgen check
 * (--junit, --json), and kbgen status (a table, or --json).  It reads
 * result records as check.c stores them (runners/README.md) and writes
 * nothing to the run store; running jobs and keeping their records is
 * check.c's business, the site's pages are status.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

/*
 * See extern.h.
 */
void
report_failure(const char *name, const struct val *rec)
{
	const struct val *fc = val_get(rec, "failed_cell");
	const char	*tb;

	fprintf(stderr, "%s: %s: %s\n", name,
	    val_get_str(rec, "status"), val_get_str(rec, "message") ?
	    val_get_str(rec, "message") : "");
	if (fc == NULL || fc->type != VAL_MAP)
		return;
	if (val_get_str(fc, "index") != NULL)
		fprintf(stderr, "  cell %s: %s: %s\n", val_get_str(fc, "index"),
		    val_get_str(fc, "ename") ? val_get_str(fc, "ename") : "",
		    val_get_str(fc, "evalue") ? val_get_str(fc, "evalue") : "");
	if ((tb = val_get_str(fc, "traceback")) != NULL && *tb != '\0')
		fprintf(stderr, "  %s\n", tb);
}

static void
xml_attr(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' &&
			    *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
}

/*
 * See extern.h.
 */
int
report_junit(const char *path, const char *runner,
    const struct report_item *items, size_t itemsz)
{
	FILE		*f;
	size_t		 i, fails = 0, errors = 0, skipped = 0;
	const char	*st;

	if ((f = fopen(path, "w")) == NULL) {
		diag_sys(path, "%s", strerror(errno));
		return 0;
	}
	for (i = 0; i < itemsz; i++) {
		st = val_get_str(items[i].rec, "status");
		if (items[i].skip)
			skipped++;
		else if (strcmp(st, "fail") == 0 || strcmp(st, "timeout") == 0)
			fails++;
		else if (strcmp(st, "pass") != 0)
			errors++;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites>\n<testsuite name=\"kbgen check\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n", itemsz,
	    fails, errors, skipped);
	for (i = 0; i < itemsz; i++) {
		const struct report_item *j = &items[i];
		const struct val *fc = val_get(j->rec, "failed_cell");

		st = val_get_str(j->rec, "status");
		fprintf(f, "  <testcase classname=\"kbgen.%s\" name=\"",
		    runner);
		xml_attr(f, j->slug);
		fprintf(f, "\" time=\"%s\">", val_get_str(j->rec, "seconds") ?
		    val_get_str(j->rec, "seconds") : "0");
		if (j->skip) {
			fputs("<skipped message=\"", f);
			xml_attr(f, val_get_str(j->rec, "message"));
			fputs("\"/>", f);
		} else if (strcmp(st, "pass") != 0) {
			fprintf(f, "\n    <%s type=\"%s\" message=\"",
			    strcmp(st, "fail") == 0 || strcmp(st, "timeout") == 0 ?
			    "failure" : "error", st);
			xml_attr(f, val_get_str(j->rec, "message"));
			fputs("\">", f);
			if (fc != NULL && fc->type == VAL_MAP)
				xml_attr(f, val_get_str(fc, "traceback"));
			fprintf(f, "</%s>\n  ", strcmp(st, "fail") == 0 ||
			    strcmp(st, "timeout") == 0 ? "failure" : "error");
		}
		fputs("</testcase>\n", f);
	}
	fputs("</testsuite>\n</testsuites>\n", f);
	if (fclose(f) != 0) {
		diag_sys(path, "%s", strerror(errno));
		return 0;
	}
	return 1;
}

/*
 * See extern.h.
 */
int
report_json(const char *path, const struct report_item *items,
    size_t itemsz)
{
	struct val	*l = val_list(), *v;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	for (i = 0; i < itemsz; i++) {
		v = val_push(l, val_copy(items[i].rec));
		val_set(v, "cached", val_bool(items[i].cached));
	}
	val_json(&b, l, 1);
	rc = file_write(path, b.data, b.sz);
	buf_free(&b);
	val_free(l);
	return rc;
}

/*
 * kbgen status [--json]: the last result of every example.
 */
int
cmd_status(const struct opts *o, int argc, char **argv)
{
	struct kb	*kb;
	struct idx	*idx = NULL;
	struct val	*all = val_list(), *runs, *last, *v;
	struct buf	 b = { NULL, 0, 0 };
	char		*cache;
	size_t		 i;
	int		 rc = 1;

	(void)argc;
	(void)argv;
	if ((kb = kb_load(o->root, 0, 2)) == NULL || diag_errors() > 0)
		goto out;
	cache = path_join(o->root, ".kbgen");
	idx = access(cache, F_OK) == 0 ? idx_open(cache) : NULL;
	free(cache);
	for (i = 0; i < kb->ucsz; i++) {
		const struct usecase *uc = kb->ucs[i];

		v = val_push(all, val_map());
		val_set_str(v, "slug", uc->e.slug);
		last = NULL;
		runs = idx != NULL ? runs_load(idx, uc->e.slug) : NULL;
		if (runs != NULL && runs->kidsz > 0)
			last = runs->kids[runs->kidsz - 1];
		if (uc->example == NULL)
			val_set_str(v, "status", "not executable");
		else if (last == NULL)
			val_set_str(v, "status", "not run");
		else {
			size_t k;

			for (k = 0; k < last->kidsz; k++)
				if (strcmp(last->kids[k]->key, "slug") != 0)
					val_set(v, last->kids[k]->key,
					    val_copy(last->kids[k]));
		}
		val_free(runs);
	}
	if (o->json != NULL) {
		val_json(&b, all, 1);
		fputs(buf_cstr(&b), stdout);
	} else {
		printf("%-36s %-15s %-20s %-7s %-5s %s\n", "USE CASE",
		    "STATUS", "DATE", "RUNNER", "GPUS", "SECONDS");
		for (i = 0; i < all->kidsz; i++) {
			const struct val *g;

			v = all->kids[i];
			g = val_get(v, "gpus");
			printf("%-36s %-15s %-20s %-7s %-5s %s\n",
			    val_get_str(v, "slug"), val_get_str(v, "status"),
			    val_get_str(v, "date") ? val_get_str(v, "date") :
			    "-", val_get_str(v, "runner") ?
			    val_get_str(v, "runner") : "-",
			    g != NULL && val_get_str(g, "count") ?
			    val_get_str(g, "count") : "-",
			    val_get_str(v, "seconds") ?
			    val_get_str(v, "seconds") : "-");
		}
	}
	rc = 0;
out:
	buf_free(&b);
	val_free(all);
	idx_free(idx);
	kb_free(kb);
	return rc;
}
