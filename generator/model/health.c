/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What the site says of each example, from the runs kbgen check keeps:
 * its state (the badge word) and colour, and its health, the value
 * every page about the example shows: the history table and duration
 * chart, why the last run did not pass (reason, message, the cell as
 * In [N], warnings, kernel, environment), whether the last pass is
 * fresh.  A result with nothing to run (reason no-code) is never
 * passing.  What records say reaches pages as text: templates escape
 * it, and the SVG written here escapes it too.  This file writes no
 * page: the badges and the status/ pages are render/status.c's; the
 * words of a single record are runs.c's.
 */
#define _GNU_SOURCE	/* timegm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

/*
 * The last finished run of a use case (not "running" nor
 * "interrupted"), borrowed, or NULL.
 */
static const struct val *
last_run(const struct usecase *uc)
{
	size_t		 i;
	const char	*st;

	/* A run that was cut short says nothing of the example. */
	for (i = uc->runs ? uc->runs->kidsz : 0; i > 0; i--) {
		st = val_get_str(uc->runs->kids[i - 1], "status");
		if (st != NULL && strcmp(st, "running") != 0 &&
		    strcmp(st, "interrupted") != 0)
			return uc->runs->kids[i - 1];
	}
	return NULL;
}

/* See model/model.h: the words on badges and in the Example facet. */
const char *const health_words[HEALTH__MAX] = {
	"passing", "failing", "timeout", "error", "interrupted", "not run",
	"not executable", "no code",
};

/* Indices into health_words and states of our own states. */
#define ST_ERROR	3
#define ST_NOTRUN	5
#define ST_NOEXEC	6
#define ST_NOCODE	7

/*
 * Result statuses and colours (Okabe-Ito, safe for colour-blind
 * readers), in the order of health_words.  The first five are the
 * statuses of results.  Grey says nothing is known of the example: an
 * error (the runner, its environment or its data failed) and a
 * notebook with nothing to run are grey, never the colour of a pass.
 */
static const struct {
	const char	*status;	/* result status, or our own */
	const char	*colour;	/* the badge's right half */
	const char	*ink;	/* its text: 4.5:1 or more on colour */
} states[HEALTH__MAX] = {
	{ "pass", "#0072b2", "#fff" },	/* 5.2:1 */
	{ "fail", "#d55e00", "#111" },	/* 4.9:1 */
	{ "timeout", "#e69f00", "#111" },	/* 8.4:1 */
	{ "error", "#6e6e6e", "#fff" },	/* 5.1:1 */
	{ "interrupted", "#6e6e6e", "#fff" },
	{ "not run", "#6e6e6e", "#fff" },
	{ "not executable", "#6e6e6e", "#fff" },
	{ "no code", "#6e6e6e", "#fff" },
};

/*
 * See model/model.h.
 */
size_t
health_of(const struct usecase *uc)
{
	const struct val *l = last_run(uc);
	const char	*st, *why;
	size_t		 i;

	if (uc->example == NULL)
		return ST_NOEXEC;
	if (l == NULL || (st = val_get_str(l, "status")) == NULL)
		return ST_NOTRUN;
	/* Whatever its status says, nothing ran: not a pass. */
	if ((why = val_get_str(l, "reason")) != NULL &&
	    strcmp(why, "no-code") == 0)
		return ST_NOCODE;
	for (i = 0; i < 5; i++)
		if (strcmp(st, states[i].status) == 0)
			return i;
	return ST_ERROR;
}

/*
 * Days between a date-time "YYYY-MM-DDT..." and today "YYYY-MM-DD";
 * -1 when unknown.
 */
static long
age_days(const char *when, const char *today)
{
	struct tm	 a, b;

	if (when == NULL || today == NULL || strlen(when) < 10)
		return -1;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (sscanf(when, "%d-%d-%d", &a.tm_year, &a.tm_mon, &a.tm_mday) != 3 ||
	    sscanf(today, "%d-%d-%d", &b.tm_year, &b.tm_mon, &b.tm_mday) != 3)
		return -1;
	a.tm_year -= 1900;
	b.tm_year -= 1900;
	a.tm_mon--;
	b.tm_mon--;
	return (long)((timegm(&b) - timegm(&a)) / 86400);
}

static void
svg_text(struct buf *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

/*
 * Durations of the runs as a small inline bar chart, coloured by
 * result, for the use-case page.
 */
static char *
chart_svg(const struct val *runs)
{
	struct buf	 b = { NULL, 0, 0 };
	double		 max = 1, sec;
	size_t		 i, n = 0, first, k;
	const char	*st;
	int		 h, x;

	first = runs->kidsz > 30 ? runs->kidsz - 30 : 0;
	for (i = first; i < runs->kidsz; i++) {
		sec = val_get_str(runs->kids[i], "seconds") ?
		    atof(val_get_str(runs->kids[i], "seconds")) : 0;
		if (sec > max)
			max = sec;
		n++;
	}
	buf_printf(&b, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/"
	    "svg\" width=\"%zu\" height=\"44\" role=\"img\" aria-label=\""
	    "Duration of the last %zu runs, longest %.0f s\">", n * 8 + 2, n,
	    max);
	for (x = 1, i = first; i < runs->kidsz; i++, x += 8) {
		sec = val_get_str(runs->kids[i], "seconds") ?
		    atof(val_get_str(runs->kids[i], "seconds")) : 0;
		h = (int)(40.0 * sec / max) + 2;
		st = val_get_str(runs->kids[i], "status");
		for (k = 0; k < 5; k++)
			if (st != NULL && strcmp(st, states[k].status) == 0)
				break;
		buf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"6\" "
		    "height=\"%d\" fill=\"%s\"><title>", x, 42 - h, h,
		    states[k < 5 ? k : ST_ERROR].colour);
		svg_text(&b, val_get_str(runs->kids[i], "date") ?
		    val_get_str(runs->kids[i], "date") : "");
		/* The status is the record's: text, like the date. */
		buf_puts(&b, ": ");
		svg_text(&b, st ? st : "?");
		buf_printf(&b, ", %.0f s</title></rect>", sec);
	}
	buf_puts(&b, "</svg>");
	return buf_steal(&b);
}

static struct val *
run_row(const struct val *run)
{
	struct val	*v = val_map();
	const struct val *g = val_get(run, "gpus"), *names;
	const char	*c = val_get_str(run, "commit");
	char		*s;

	val_set(v, "date", val_opt_str(run, "date"));
	val_set_str(v, "status", val_get_str(run, "status") ?
	    val_get_str(run, "status") : "?");
	val_set(v, "runner", val_opt_str(run, "runner"));
	/* Numbers stay numbers (status.json). */
	val_set(v, "seconds", val_get(run, "seconds") != NULL ?
	    val_copy(val_get(run, "seconds")) : val_new(VAL_NULL));
	val_set(v, "gpus", g != NULL && val_get(g, "count") != NULL ?
	    val_copy(val_get(g, "count")) : val_int(0));
	names = g != NULL ? val_get(g, "names") : NULL;
	val_set(v, "gpu_names", names != NULL && names->kidsz > 0 &&
	    names->kids[0]->str ? val_str(names->kids[0]->str) :
	    val_new(VAL_NULL));
	if (c != NULL) {
		s = xstrndup(c, 12);
		val_set_str(v, "commit", s);
		free(s);
	} else
		val_set(v, "commit", val_new(VAL_NULL));
	val_set(v, "message", val_opt_str(run, "message"));
	/* reason is the record's word (status.json), reason_label the
	 * page's. */
	val_set(v, "reason", val_opt_str(run, "reason"));
	val_set(v, "reason_label", run_reason_label(val_get_str(run,
	    "reason")) ? val_str(run_reason_label(val_get_str(run,
	    "reason"))) : val_new(VAL_NULL));
	return v;
}

/*
 * What the page says beside the result of run, in health: the
 * warnings (shell commands that failed) as text, the kernel that ran
 * and why, the environment's name.
 */
static void
run_notes(struct val *v, const struct val *run)
{
	const struct val *ws = val_get(run, "warnings");
	const struct val *kn = val_get(run, "kernel");
	struct val	*l, *k;
	char		*s;
	size_t		 i;

	l = val_set(v, "warnings", val_list());
	for (i = 0; i < val_count(ws); i++) {
		s = run_warning(val_item(ws, i));
		val_set_str(val_push(l, val_map()), "text", s);
		free(s);
	}
	val_set(v, "has_warnings", val_bool(l->kidsz > 0));
	if (kn != NULL && kn->type == VAL_MAP &&
	    val_get_str(kn, "name") != NULL) {
		k = val_set(v, "kernel", val_map());
		val_set(k, "name", val_opt_str(kn, "name"));
		val_set(k, "why", val_opt_str(kn, "why"));
	} else
		val_set(v, "kernel", val_new(VAL_NULL));
	val_set(v, "environment", val_opt_str(val_get(run, "environment"),
	    "name"));
}

/*
 * The width in pixels of the badge of state: about 7 px a character at
 * 11 px, 10 px of padding each side of the bar.  The pages give it to
 * the <img> so that a narrow table cell cannot squeeze it.
 */
static int
badge_width(const char *state)
{
	return 7 * 7 + 10 + 7 * (int)strlen(state) + 10;
}

/*
 * See model/model.h.
 */
struct val *
health_val(const struct usecase *uc, const char *today, long max_age)
{
	struct val	*v = val_map(), *l;
	const struct val *last = last_run(uc), *fc;
	size_t		 k = health_of(uc), i;
	long		 age;
	char		*s;

	val_set_str(v, "state", health_words[k]);
	val_set_str(v, "colour", states[k].colour);
	s = url_badge(uc->e.slug);
	val_set_str(v, "badge", s);
	val_set(v, "badge_width", val_int(badge_width(health_words[k])));
	free(s);
	val_set(v, "passing", val_bool(k == 0));
	val_set(v, "executable", val_bool(uc->example != NULL));
	val_set(v, "has_run", val_bool(last != NULL));
	val_set(v, "has_history", val_bool(uc->runs != NULL &&
	    uc->runs->kidsz > 0));
	if (uc->runs != NULL && uc->runs->kidsz > 0) {
		l = val_set(v, "history", val_list());
		for (i = uc->runs->kidsz; i > 0; i--)
			val_push(l, run_row(uc->runs->kids[i - 1]));
		s = chart_svg(uc->runs);
		val_set_str(v, "chart", s);
		free(s);
	} else {
		val_set(v, "history", val_list());
		val_set(v, "chart", val_new(VAL_NULL));
	}
	if (last != NULL) {
		val_set(v, "last", run_row(last));
		age = age_days(val_get_str(last, "date"), today);
		val_set(v, "age_days", val_int(age));
		val_set(v, "fresh", val_bool(k == 0 && age >= 0 &&
		    age * 86400 < max_age));
		fc = val_get(last, "failed_cell");
		if (fc != NULL && fc->type == VAL_MAP && k != 0) {
			struct val *f = val_set(v, "failed_cell", val_map());

			val_set(f, "index", val_opt_str(fc, "index"));
			/* In [N], as Jupyter numbers code cells; older
			 * records have only the index. */
			val_set(f, "number", val_opt_str(fc, "number"));
			val_set(f, "ename", val_opt_str(fc, "ename"));
			val_set(f, "evalue", val_opt_str(fc, "evalue"));
			val_set(f, "traceback", val_opt_str(fc, "traceback"));
		} else
			val_set(v, "failed_cell", val_new(VAL_NULL));
		run_notes(v, last);
		/* Since when: the first run of the current streak. */
		for (i = uc->runs->kidsz; i > 0; i--) {
			const char *st = val_get_str(uc->runs->kids[i - 1],
			    "status");

			if (st == NULL || strcmp(st, "running") == 0 ||
			    strcmp(st, "interrupted") == 0)
				continue;
			if (strcmp(st, val_get_str(last, "status")) != 0)
				break;
			val_set(v, "since", val_get_str(uc->runs->kids[i - 1],
			    "date") ? val_str(val_get_str(uc->runs->kids[i - 1],
			    "date")) : val_new(VAL_NULL));
		}
	} else {
		val_set(v, "last", val_new(VAL_NULL));
		val_set(v, "fresh", val_bool(0));
		val_set(v, "failed_cell", val_new(VAL_NULL));
		run_notes(v, NULL);
	}
	return v;
}

/*
 * A badge as SVG: "example | passing", readable text (each half's text
 * at 4.5:1 or more on its colour), width from the text.
 */
static char *
badge_svg(const char *state, const char *colour, const char *ink)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 lw = 7 * 7 + 10, rw = badge_width(state) - lw;

	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"20\" role=\"img\" aria-label=\"example: ",
	    lw + rw);
	svg_text(&b, state);
	buf_printf(&b, "\"><title>example: ");
	svg_text(&b, state);
	buf_printf(&b, "</title><rect width=\"%d\" height=\"20\" "
	    "fill=\"#444\"/><rect x=\"%d\" width=\"%d\" height=\"20\" "
	    "fill=\"%s\"/><g fill=\"#fff\" font-family=\"Verdana,"
	    "DejaVu Sans,sans-serif\" font-size=\"11\"><text x=\"5\" "
	    "y=\"14\">example</text><text x=\"%d\" y=\"14\" "
	    "fill=\"%s\">", lw, lw, rw, colour, lw + 5, ink);
	svg_text(&b, state);
	buf_puts(&b, "</text></g></svg>\n");
	return buf_steal(&b);
}

/*
 * See model/model.h.
 */
char *
health_badge(const struct usecase *uc)
{
	size_t	 k = health_of(uc);

	return badge_svg(health_words[k], states[k].colour, states[k].ink);
}
