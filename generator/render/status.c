/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What the site says of each example, from the runs kbgen check keeps:
 * its state (the badge word), badges/SLUG.svg, the history table and
 * duration chart of its page, why the last run did not pass (reason,
 * message, the cell as In [N], warnings, kernel, environment), the
 * status/ page with status.json, and status/feed.xml, an Atom feed of
 * regressions.  A result with nothing to run (reason no-code) is never
 * passing.  What records say reaches pages as text: templates escape
 * it, and the SVG written here escapes it too.
 */
#define _GNU_SOURCE	/* timegm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

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

/* See extern.h: the words on badges and in the Example facet. */
const char *const status_words[STATUS__MAX] = {
	"passing", "failing", "timeout", "error", "interrupted", "not run",
	"not executable", "no code",
};

/* Indices into status_words and states of our own states. */
#define ST_ERROR	3
#define ST_NOTRUN	5
#define ST_NOEXEC	6
#define ST_NOCODE	7

/*
 * Result statuses and colours (Okabe-Ito, safe for colour-blind
 * readers), in the order of status_words.  The first five are the
 * statuses of results.  Grey says nothing is known of the example: an
 * error (the runner, its environment or its data failed) and a
 * notebook with nothing to run are grey, never the colour of a pass.
 */
static const struct {
	const char	*status;	/* result status, or our own */
	const char	*colour;
} states[STATUS__MAX] = {
	{ "pass", "#0072b2" },
	{ "fail", "#d55e00" },
	{ "timeout", "#e69f00" },
	{ "error", "#6e6e6e" },
	{ "interrupted", "#6e6e6e" },
	{ "not run", "#6e6e6e" },
	{ "not executable", "#8a8a8a" },
	{ "no code", "#6e6e6e" },
};

/*
 * See extern.h.
 */
size_t
status_of(const struct usecase *uc)
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
 * A badge as SVG: "example | passing", readable text, width from the
 * text (about 7 px a character at 11 px).
 */
static char *
badge_svg(const char *state, const char *colour)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 lw = 7 * 7 + 10, rw = 7 * (int)strlen(state) + 10;

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
	    "y=\"14\">example</text><text x=\"%d\" y=\"14\">", lw, lw, rw,
	    colour, lw + 5);
	svg_text(&b, state);
	buf_puts(&b, "</text></g></svg>\n");
	return buf_steal(&b);
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
 * See extern.h.
 */
struct val *
status_health(const struct usecase *uc, const char *today, long max_age)
{
	struct val	*v = val_map(), *l;
	const struct val *last = last_run(uc), *fc;
	size_t		 k = status_of(uc), i;
	long		 age;
	char		*s;

	val_set_str(v, "state", status_words[k]);
	val_set_str(v, "colour", states[k].colour);
	s = xasprintf("badges/%s.svg", uc->e.slug);
	val_set_str(v, "badge", s);
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
 * status/feed.xml: an Atom feed of regressions (an example that passed
 * before and fails now), newest first, so people can subscribe.
 */
static int
regressions(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct buf	 b = { NULL, 0, 0 };
	const struct val **regs = NULL;
	const struct usecase **who = NULL;
	size_t		 i, j, n = 0, k;
	char		*url, *id, *title;
	const char	*why;
	int		 rc;

	for (i = 0; i < kb->ucsz; i++)
		for (j = 0; kb->ucs[i]->runs != NULL &&
		    j < kb->ucs[i]->runs->kidsz; j++) {
			const struct val *x = kb->ucs[i]->runs->kids[j];
			const struct val *g = val_get(x, "regression");

			if (g == NULL || g->type != VAL_BOOL || !g->b)
				continue;
			regs = xreallocarray(regs, n + 1, sizeof(*regs));
			who = xreallocarray(who, n + 1, sizeof(*who));
			regs[n] = x;
			who[n++] = kb->ucs[i];
		}
	/* Newest first: by date, a small insertion sort. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(val_get_str(regs[k], "date") ?
		    val_get_str(regs[k], "date") : "", val_get_str(regs[k - 1],
		    "date") ? val_get_str(regs[k - 1], "date") : "") > 0; k--) {
			const struct val *t = regs[k];
			const struct usecase *u = who[k];

			regs[k] = regs[k - 1];
			who[k] = who[k - 1];
			regs[k - 1] = t;
			who[k - 1] = u;
		}
	atom_head(&b, kb, render_base(r), "status/feed.xml",
	    "examples that stopped working", "status/index.html",
	    n > 0 && val_get_str(regs[0], "date") ? val_get_str(regs[0],
	    "date") : "1970-01-01T00:00:00Z");
	for (i = 0; i < n && i < 50; i++) {
		struct atom_entry e;

		url = xasprintf("usecases/%s/index.html", who[i]->e.slug);
		id = xasprintf("%s#run-%s", url, val_get_str(regs[i], "stamp") ?
		    val_get_str(regs[i], "stamp") : "0");
		why = run_reason_label(val_get_str(regs[i], "reason"));
		title = xasprintf("%s: %s%s%s%s", who[i]->e.title ?
		    who[i]->e.title : who[i]->e.slug,
		    val_get_str(regs[i], "status") ?
		    val_get_str(regs[i], "status") : "", why ? " (" : "",
		    why ? why : "", why ? ")" : "");
		memset(&e, 0, sizeof(e));
		e.title = title;
		e.path = url;
		e.id = id;
		e.updated = val_get_str(regs[i], "date");
		e.summary = val_get_str(regs[i], "message") ?
		    val_get_str(regs[i], "message") : "";
		atom_entry(&b, kb, render_base(r), "status/feed.xml", &e);
		free(title);
		free(url);
		free(id);
	}
	atom_tail(&b);
	free(regs);
	free(who);
	rc = render_put(r, "status/feed.xml", b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * See extern.h.
 */
int
status_badge(struct r *r, size_t i)
{
	const struct usecase *uc = render_kb(r)->ucs[i];
	size_t		 k = status_of(uc);
	char		*svg, *path;
	int		 rc;

	svg = badge_svg(status_words[k], states[k].colour);
	path = xasprintf("badges/%s.svg", uc->e.slug);
	rc = render_put(r, path, svg, strlen(svg));
	free(path);
	free(svg);
	return rc;
}

/*
 * See extern.h.
 */
int
status_page(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct val	*ctx = val_map(), *l, *row, *js, *jl;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j, fresh = 0, exe = 0;
	int		 rc;

	l = val_set(ctx, "examples", val_list());
	js = val_map();
	jl = val_set(js, "examples", val_list());
	for (i = 0; i < kb->ucsz; i++) {
		const struct usecase *uc = kb->ucs[i];
		struct val *h = render_health(r, uc), *x;

		row = val_push(l, val_map());
		val_set(row, "uc", render_ucsum(r, uc));
		val_set(row, "health", h);
		x = val_push(jl, val_map());
		val_set_str(x, "slug", uc->e.slug);
		val_set_str(x, "state", val_get_str(h, "state"));
		if (val_get(h, "last") != NULL &&
		    val_get(h, "last")->type == VAL_MAP) {
			const struct val *la = val_get(h, "last");
			const struct val *ws = val_get(h, "warnings");
			struct val *wl;

			/* The record's words, not the page's labels. */
			for (j = 0; j < la->kidsz; j++)
				if (strcmp(la->kids[j]->key,
				    "reason_label") != 0)
					val_set(x, la->kids[j]->key,
					    val_copy(la->kids[j]));
			wl = val_set(x, "warnings", val_list());
			for (j = 0; j < val_count(ws); j++)
				val_push(wl, val_opt_str(val_item(ws, j),
				    "text"));
		}
		if (uc->example != NULL)
			exe++;
		if (val_get(h, "fresh") != NULL && val_get(h, "fresh")->b)
			fresh++;
	}
	val_set(ctx, "total", val_int((long long)exe));
	val_set(ctx, "fresh", val_int((long long)fresh));
	val_json(&b, js, 1);
	val_free(js);
	rc = render_put(r, "status/status.json", b.data, b.sz);
	buf_free(&b);
	rc = render_emit(r, "status", "status/index.html", 1, "status",
	    "Example status", "Whether every example still runs, on what, "
	    "and since when.", ctx) && rc;
	return regressions(r) && rc;
}
