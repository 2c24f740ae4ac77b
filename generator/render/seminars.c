/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of seminars: the seminars page (upcoming first, then
 * the past ones by year), its Atom feed and its calendar (written by
 * model/ical.c).  What a person gave is shown on their page
 * (people.c); hackathons are hackathons.c's; the order of seminars and
 * the weekday of a date are model/events.c's.  Dates are compared as
 * YYYY-MM-DD text against the build's today (render_today), so the
 * split between upcoming and past is reproducible; a seminar dated by
 * its month or year alone ("June 2023", "2023") is upcoming until that
 * month or year is over, stands in the feed at its first day, and is
 * left out of the calendar, which is written only when some seminar
 * has a day.  This file does not validate seminars: content.c does,
 * and reports positions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

static struct val *
str_or_null(const char *s)
{
	return s != NULL ? val_str(s) : val_new(VAL_NULL);
}

static struct val *
url_or_null(const char *s)
{
	return s != NULL && url_safe(s) ? val_str(s) : val_new(VAL_NULL);
}

/*
 * The template value of seminar s: see templates/README.md.
 */
static struct val *
sem_val(struct r *r, const struct val *s)
{
	const struct kb	*kb = render_kb(r);
	struct val	*v = val_map(), *l;
	const struct val *src;
	const char	*abs = val_get_str(s, "abstract");
	struct md_opts	 mo;
	struct md_out	 mout;
	struct usecase	*uc;
	struct term	*t;
	char		*a;
	size_t		 i;
	int		 d;

	a = url_seminar_anchor(s);
	val_set_str(v, "id", a);
	free(a);
	val_set(v, "date", str_or_null(val_get_str(s, "date")));
	val_set_str(v, "weekday", ev_weekday(val_get_str(s, "date")));
	render_date_words(v, "date_words", val_get_str(s, "date"), 1);
	val_set(v, "start", str_or_null(val_get_str(s, "start")));
	val_set(v, "end", str_or_null(val_get_str(s, "end")));
	val_set(v, "title", str_or_null(val_get_str(s, "title")));
	l = val_set(v, "speakers", render_people(r, val_get(s, "speakers")));
	val_set(v, "has_speakers", val_bool(l->kidsz > 0));
	val_set(v, "url", url_or_null(val_get_str(s, "url")));
	val_set(v, "slides", url_or_null(val_get_str(s, "slides")));
	val_set(v, "recording", url_or_null(val_get_str(s, "recording")));
	if (abs != NULL) {
		/* Untrusted Markdown: never unsafe, whatever site.yaml says. */
		memset(&mo, 0, sizeof(mo));
		mo.path = val_get_str(s, "file");
		memset(&mout, 0, sizeof(mout));
		if (md_render(abs, strlen(abs), &mo, &mout)) {
			val_set(v, "abstract", val_str(mout.html ? mout.html :
			    ""));
			md_out_free(&mout);
		} else
			val_set(v, "abstract", val_new(VAL_NULL));
	} else
		val_set(v, "abstract", val_new(VAL_NULL));
	l = val_set(v, "usecases", val_list());
	src = val_get(s, "usecases");
	for (i = 0; i < val_count(src); i++)
		if (val_item(src, i)->str != NULL &&
		    (uc = kb_usecase(kb, val_item(src, i)->str)) != NULL)
			val_push(l, render_ucsum(r, uc));
	val_set(v, "has_usecases", val_bool(l->kidsz > 0));
	l = val_set(v, "terms", val_list());
	for (d = 0; d < DIM__MAX; d++) {
		src = val_get(s, dim_keys[d]);
		for (i = 0; i < val_count(src); i++)
			if (val_item(src, i)->str != NULL &&
			    (t = tax_find(&kb->tax, (enum dim)d,
			    val_item(src, i)->str)) != NULL)
				val_push(l, render_term(r, t));
	}
	val_set(v, "has_terms", val_bool(l->kidsz > 0));
	return v;
}

/*
 * seminars/feed.xml: every seminar of ss (newest first).  Dates stand for
 * "updated": a seminar's record changes rarely after it is announced,
 * and a build must not rewrite the feed.
 */
static int
write_feed(struct r *r, const struct val **ss, size_t n)
{
	const struct kb	*kb = render_kb(r);
	const char	*base = render_base(r), *d;
	struct buf	 b = { NULL, 0, 0 };
	struct val	*v;
	char		*path, *when, first[11], last[11];
	size_t		 i, k;
	int		 rc;

	/* A partial date stands at its first day. */
	d = n > 0 ? val_get_str(ss[0], "date") : NULL;
	when = xasprintf("%sT00:00:00Z", ev_span(d, first, last) ? first :
	    "1970-01-01");
	atom_head(&b, kb, base, url_seminars_feed(), "seminars",
	    url_seminars(), when);
	free(when);
	for (k = 1; k <= n; k++) {
		struct atom_entry e;
		const struct val *sp;
		const char	**who;

		v = sem_val(r, ss[k - 1]);
		path = url_seminar(ss[k - 1]);
		when = xasprintf("%sT00:00:00Z", ev_span(val_get_str(v,
		    "date"), first, last) ? first : "1970-01-01");
		sp = val_get(v, "speakers");
		who = xcalloc(sp->kidsz + 1, sizeof(*who));
		for (i = 0; i < sp->kidsz; i++)
			who[i] = val_get_str(sp->kids[i], "name");
		memset(&e, 0, sizeof(e));
		e.title = val_get_str(v, "title") ? val_get_str(v, "title") :
		    "";
		e.path = path;
		e.updated = when;
		e.authors = who;
		e.authorsz = sp->kidsz;
		e.summary = val_get_str(v, "abstract");
		e.html = 1;
		atom_entry(&b, kb, base, url_seminars_feed(), &e);
		free(who);
		free(when);
		free(path);
		val_free(v);
	}
	atom_tail(&b);
	rc = render_put(r, url_seminars_feed(), b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * See render/private.h.
 */
int
seminars_page(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	const char	*today = render_today(r), *d;
	const struct val **ss;
	struct val	*ctx = val_map(), *up, *years, *y = NULL, *l = NULL;
	char		*ics, year[5];
	size_t		 n, i, exact = 0;
	int		 rc = 1;
	long long	 stamp = render_stamp(r);

	ss = ev_sorted_seminars(kb, &n);
	/* Upcoming: today and later, soonest first. */
	up = val_set(ctx, "upcoming", val_list());
	for (i = 0; i < n; i++) {
		d = val_get_str(ss[i], "date");
		if (d != NULL && ev_upcoming(d, today))
			val_push(up, sem_val(r, ss[i]));
		if (d != NULL && date_valid(d))
			exact++;
	}
	val_set(ctx, "has_upcoming", val_bool(up->kidsz > 0));
	/* Past: newest first, grouped by year. */
	free(ss);
	ss = ev_seminars_newest(kb, &n);
	years = val_set(ctx, "years", val_list());
	for (i = 1; i <= n; i++) {
		d = val_get_str(ss[i - 1], "date");
		if (d == NULL || pdate_prec(d) == 0 || ev_upcoming(d, today))
			continue;
		if (y == NULL || strncmp(val_get_str(y, "year"), d, 4) != 0) {
			memcpy(year, d, 4);
			year[4] = '\0';
			y = val_push(years, val_map());
			val_set_str(y, "year", year);
			l = val_set(y, "seminars", val_list());
		}
		val_push(l, sem_val(r, ss[i - 1]));
	}
	val_set(ctx, "has_past", val_bool(years->kidsz > 0));
	/* Only seminars with a day go in the calendar; none, none. */
	if (exact > 0)
		val_set_str(ctx, "ics", url_seminars_ics());
	else
		val_set(ctx, "ics", val_new(VAL_NULL));
	val_set_str(ctx, "feed", url_seminars_feed());
	rc = write_feed(r, ss, n) && rc;
	free(ss);
	if (exact > 0) {
		if ((ics = ical_seminars(kb, stamp)) != NULL) {
			rc = render_put(r, url_seminars_ics(), ics,
			    strlen(ics)) && rc;
			free(ics);
		} else
			rc = 0;
	}
	return render_emit(r, "seminars", url_seminars(), 1,
	    "seminars", "Seminars", "Seminars on machine learning in INFN "
	    "research: upcoming, and past ones by year.", ctx) && rc;
}

