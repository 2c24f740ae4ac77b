/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What a check says, where people read it: the failure printed in the
 * terminal as each job ends, the JUnit and JSON reports of kbgen check
 * (--junit, --json), and kbgen status (a table, or --json).  It reads
 * result records as check.c stores them (runners/README.md) and writes
 * nothing to the run store; running jobs and keeping their records is
 * check.c's business, the site's pages are health.c's and status.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "store/store.h"
#include "model/model.h"
#include "check/check.h"
#include "check/private.h"
#include "cmd.h"

/*
 * The cell as Jupyter shows it, "In [N]", from failed_cell.number;
 * records of older drivers have only the index among all cells:
 * "cell I".  A new string, or NULL when the record names no cell.
 */
static char *
cell_name(const struct val *fc)
{
	const char	*n;

	if (fc == NULL || fc->type != VAL_MAP)
		return NULL;
	if ((n = val_get_str(fc, "number")) != NULL && *n != '\0')
		return xasprintf("In [%s]", n);
	if ((n = val_get_str(fc, "index")) != NULL && *n != '\0')
		return xasprintf("cell %s", n);
	return NULL;
}

/*
 * Put s on the terminal: what a job wrote may hold escape sequences,
 * so control characters become '?'; with indent, each new line is
 * indented by it, else new lines become spaces.
 */
static void
term_puts(FILE *f, const char *s, const char *indent)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s == '\n') {
			if (indent != NULL) {
				fputc('\n', f);
				fputs(indent, f);
			} else
				fputc(' ', f);
		} else if (*s == '\t')
			fputc(*s, f);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fputc('?', f);
		else
			fputc(*s, f);
}

/*
 * See check/private.h.
 */
void
report_failure(const char *name, const struct val *rec)
{
	const struct val *fc = val_get(rec, "failed_cell");
	const struct val *ws = val_get(rec, "warnings");
	const struct val *kn = val_get(rec, "kernel");
	const char	*tb, *why = val_get_str(rec, "reason");
	const char	*env = val_get_str(val_get(rec, "environment"), "name");
	char		*cell, *w;
	size_t		 i;

	term_puts(stderr, name, NULL);
	fputs(": ", stderr);
	term_puts(stderr, val_get_str(rec, "status"), NULL);
	if (why != NULL) {
		fputs(" (", stderr);
		term_puts(stderr, why, NULL);
		fputc(')', stderr);
	}
	fputs(": ", stderr);
	term_puts(stderr, val_get_str(rec, "message"), NULL);
	fputc('\n', stderr);
	if (val_get_str(fc, "ename") != NULL &&
	    (cell = cell_name(fc)) != NULL) {
		fprintf(stderr, "  %s: ", cell);
		term_puts(stderr, val_get_str(fc, "ename"), NULL);
		fputs(": ", stderr);
		term_puts(stderr, val_get_str(fc, "evalue"), NULL);
		fputc('\n', stderr);
		free(cell);
	}
	if (fc != NULL && fc->type == VAL_MAP &&
	    (tb = val_get_str(fc, "traceback")) != NULL && *tb != '\0') {
		fputs("  ", stderr);
		term_puts(stderr, tb, "  ");
		fputc('\n', stderr);
	}
	for (i = 0; i < val_count(ws); i++) {
		w = run_warning(val_item(ws, i));
		fputs("  warning: ", stderr);
		term_puts(stderr, w, NULL);
		fputc('\n', stderr);
		free(w);
	}
	if (kn != NULL && kn->type == VAL_MAP &&
	    val_get_str(kn, "why") != NULL) {
		fputs("  kernel ", stderr);
		term_puts(stderr, val_get_str(kn, "name") ?
		    val_get_str(kn, "name") : "?", NULL);
		fputs(": ", stderr);
		term_puts(stderr, val_get_str(kn, "why"), NULL);
		fputc('\n', stderr);
	}
	if (env != NULL) {
		fputs("  environment ", stderr);
		term_puts(stderr, env, NULL);
		fputc('\n', stderr);
	}
}

/*
 * See check/private.h.
 */
int
report_strict(const struct report_item *items, size_t itemsz)
{
	size_t		 i, bad = 0;
	const char	*why;

	for (i = 0; i < itemsz; i++) {
		if (run_passed(items[i].rec))
			continue;
		bad++;
		why = val_get_str(items[i].rec, "reason");
		fputs("kbgen: check --strict: ", stderr);
		term_puts(stderr, items[i].slug, NULL);
		fputs(": ", stderr);
		term_puts(stderr, val_get_str(items[i].rec, "status") ?
		    val_get_str(items[i].rec, "status") : "?", NULL);
		if (why != NULL) {
			fputs(" (", stderr);
			term_puts(stderr, why, NULL);
			fputc(')', stderr);
		}
		fputc('\n', stderr);
	}
	if (bad > 0)
		fprintf(stderr, "kbgen: check --strict: %zu of %zu example%s "
		    "not passing\n", bad, itemsz, itemsz == 1 ? "" : "s");
	return bad == 0;
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
 * A failure (the example's doing: fail, timeout) or an error (it could
 * not be judged: the runner, the environment, its data, nothing to
 * run): the JUnit element of a record that did not pass.
 */
static const char *
junit_kind(const struct val *rec)
{
	const char	*st = val_get_str(rec, "status");
	const char	*why = val_get_str(rec, "reason");

	if (why != NULL && strcmp(why, "no-code") == 0)
		return "error";
	return st != NULL && (strcmp(st, "fail") == 0 ||
	    strcmp(st, "timeout") == 0) ? "failure" : "error";
}

/*
 * What else a maintainer needs beside the failure, as <system-out>:
 * the warnings (shell commands that failed), the kernel and why, the
 * environment.  Returns whether it wrote any.
 */
static int
junit_out(FILE *f, const struct val *rec)
{
	const struct val *ws = val_get(rec, "warnings");
	const struct val *kn = val_get(rec, "kernel");
	const char	*env = val_get_str(val_get(rec, "environment"), "name");
	const char	*kw = val_get_str(kn, "why");
	char		*w;
	size_t		 i;

	if (val_count(ws) == 0 && kw == NULL && env == NULL)
		return 0;
	fputs("\n    <system-out>", f);
	for (i = 0; i < val_count(ws); i++) {
		w = run_warning(val_item(ws, i));
		fputs("warning: ", f);
		xml_attr(f, w);
		fputc('\n', f);
		free(w);
	}
	if (kw != NULL) {
		fputs("kernel ", f);
		xml_attr(f, val_get_str(kn, "name") ? val_get_str(kn, "name") :
		    "?");
		fputs(": ", f);
		xml_attr(f, kw);
		fputc('\n', f);
	}
	if (env != NULL) {
		fputs("environment ", f);
		xml_attr(f, env);
		fputc('\n', f);
	}
	fputs("</system-out>", f);
	return 1;
}

/*
 * See check/private.h.
 */
int
report_junit(const char *path, const char *runner,
    const struct report_item *items, size_t itemsz)
{
	FILE		*f;
	size_t		 i, fails = 0, errors = 0, skipped = 0;
	const char	*kind, *type;
	char		*cell;

	if ((f = fopen(path, "w")) == NULL) {
		diag_sys(path, "%s", strerror(errno));
		return 0;
	}
	for (i = 0; i < itemsz; i++) {
		if (items[i].skip)
			skipped++;
		else if (run_passed(items[i].rec))
			continue;
		else if (strcmp(junit_kind(items[i].rec), "failure") == 0)
			fails++;
		else
			errors++;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites>\n<testsuite name=\"kbgen check\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n", itemsz,
	    fails, errors, skipped);
	for (i = 0; i < itemsz; i++) {
		const struct report_item *j = &items[i];
		const struct val *fc = val_get(j->rec, "failed_cell");
		int		 body = 0;

		fputs("  <testcase classname=\"kbgen.", f);
		xml_attr(f, runner);
		fputs("\" name=\"", f);
		xml_attr(f, j->slug);
		fputs("\" time=\"", f);
		xml_attr(f, val_get_str(j->rec, "seconds") ?
		    val_get_str(j->rec, "seconds") : "0");
		fputs("\">", f);
		if (j->skip) {
			fputs("<skipped message=\"", f);
			xml_attr(f, val_get_str(j->rec, "message"));
			fputs("\"/>", f);
		} else if (!run_passed(j->rec)) {
			kind = junit_kind(j->rec);
			/* The reason is the type CI tools group by; records
			 * of older drivers have only the status. */
			type = val_get_str(j->rec, "reason");
			if (type == NULL)
				type = val_get_str(j->rec, "status");
			fprintf(f, "\n    <%s type=\"", kind);
			xml_attr(f, type);
			fputs("\" message=\"", f);
			xml_attr(f, val_get_str(j->rec, "message"));
			fputs("\">", f);
			if (val_get_str(fc, "ename") != NULL &&
			    (cell = cell_name(fc)) != NULL) {
				xml_attr(f, cell);
				fputs(": ", f);
				xml_attr(f, val_get_str(fc, "ename"));
				fputs(": ", f);
				xml_attr(f, val_get_str(fc, "evalue"));
				fputc('\n', f);
				free(cell);
			}
			if (fc != NULL && fc->type == VAL_MAP)
				xml_attr(f, val_get_str(fc, "traceback"));
			fprintf(f, "</%s>", kind);
			body = 1;
		}
		if (!j->skip && junit_out(f, j->rec))
			body = 1;
		if (body)
			fputs("\n  ", f);
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
 * The keys every reader of a record may count on, null or empty when
 * the record has none (a pass has no reason; older drivers wrote no
 * warnings).
 */
static void
json_keys(struct val *v)
{
	if (val_get(v, "reason") == NULL)
		val_set(v, "reason", val_new(VAL_NULL));
	if (val_get(v, "message") == NULL)
		val_set(v, "message", val_new(VAL_NULL));
	if (val_get(v, "warnings") == NULL)
		val_set(v, "warnings", val_list());
}

/*
 * See check/private.h.
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
		json_keys(v);
		val_set(v, "cached", val_bool(items[i].cached));
	}
	val_json(&b, l, 1);
	rc = file_write(path, b.data, b.sz);
	buf_free(&b);
	val_free(l);
	return rc;
}

/*
 * A column of kbgen status: s (or "-"), control characters shown as
 * '?', padded to width.
 */
static void
column(struct buf *b, const char *s, size_t width)
{
	size_t	 n = 0;

	if (s == NULL || *s == '\0')
		s = "-";
	for (; *s != '\0'; s++) {
		buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
		/* Count characters, not the bytes that continue one. */
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	for (buf_putc(b, ' '); n < width; n++)
		buf_putc(b, ' ');
}

/*
 * The message at the end of a line of kbgen status: on one line, cut
 * after max characters (never inside one) with an ellipsis.
 */
static void
shorten(struct buf *b, const char *s, size_t max)
{
	size_t	 n = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80 && n++ == max) {
			buf_puts(b, "\xe2\x80\xa6");
			return;
		}
		buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	}
}

/*
 * kbgen status [--json]: the last result of every example (with
 * --json, and the refs of its kept outputs).
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
	idx = access(cache, F_OK) == 0 ? idx_open_ro(cache) : NULL;
	free(cache);
	if (idx != NULL)
		kb_attach_outputs(idx, kb);
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
		json_keys(v);
		val_free(runs);
		/* The refs of the kept outputs (runners/README.md). */
		if (uc->outputs != NULL) {
			static const char *const ks[] = { "last", "passing",
			    "previous_passing" };
			struct val *ko = val_set(v, "kept_outputs", val_map());
			const char *r;
			size_t k;

			for (k = 0; k < 3; k++)
				val_set(ko, ks[k], (r = val_get_str(val_get(
				    uc->outputs, ks[k]), "ref")) != NULL ?
				    val_str(r) : val_new(VAL_NULL));
		}
	}
	if (o->json != NULL) {
		val_json(&b, all, 1);
		fputs(buf_cstr(&b), stdout);
		goto done;
	}
	printf("%-36s %-15s %-14s %-20s %-7s %-5s %-7s %s\n", "USE CASE",
	    "STATUS", "REASON", "DATE", "RUNNER", "GPUS", "SECONDS",
	    "MESSAGE");
	for (i = 0; i < all->kidsz; i++) {
		const char *m;

		v = all->kids[i];
		buf_reset(&b);
		column(&b, val_get_str(v, "slug"), 36);
		column(&b, val_get_str(v, "status"), 15);
		column(&b, val_get_str(v, "reason"), 14);
		column(&b, val_get_str(v, "date"), 20);
		column(&b, val_get_str(v, "runner"), 7);
		column(&b, val_get_str(val_get(v, "gpus"), "count"), 5);
		column(&b, val_get_str(v, "seconds"), 7);
		/* A pass says nothing more than its status. */
		if ((m = val_get_str(v, "message")) != NULL &&
		    !run_passed(v))
			shorten(&b, m, 60);
		while (b.sz > 0 && b.data[b.sz - 1] == ' ')
			b.sz--;
		printf("%.*s\n", (int)b.sz, b.data);
	}
done:
	rc = 0;
out:
	buf_free(&b);
	val_free(all);
	idx_free(idx);
	kb_free(kb);
	return rc;
}
