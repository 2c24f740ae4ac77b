/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Events: the seminars page (upcoming first, then the past ones by
 * year), its Atom feed and calendar, and what a person did at events
 * (hackathon roles, seminars given).  Hackathon pages themselves are
 * built by render.c; their calendars by ical.c.  Dates are compared as
 * YYYY-MM-DD text against the build's today (render_today), so the
 * split between upcoming and past is reproducible.  This file does not
 * validate seminars: content.c does, and reports positions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

/*
 * See extern.h.  Days since 1970-01-01 by the proleptic Gregorian
 * calendar (H. Hinnant's days_from_civil), which needs no time zone.
 */
const char *
ev_weekday(const char *d)
{
	static const char *const names[] = { "Thursday", "Friday",
	    "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday" };
	long	 y, m, dd, era, yoe, doy, doe, days;

	if (d == NULL || !date_valid(d))
		return "";
	y = strtol(d, NULL, 10);
	m = strtol(d + 5, NULL, 10);
	dd = strtol(d + 8, NULL, 10);
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	return names[((days % 7) + 7) % 7];
}

/*
 * See extern.h.  The search index links here too: keep it
 * slugify(date + " " + title).
 */
char *
ev_seminar_anchor(const struct val *s)
{
	const char	*d = val_get_str(s, "date"), *t = val_get_str(s, "title");
	char		*txt, *a;

	txt = xasprintf("%s %s", d ? d : "", t ? t : "");
	a = slugify(txt);
	free(txt);
	return a;
}

static int
sem_cmp(const void *a, const void *b)
{
	const struct val *sa = *(const struct val *const *)a;
	const struct val *sb = *(const struct val *const *)b;
	const char	*da = val_get_str(sa, "date"), *db = val_get_str(sb,
			    "date");
	const char	*ta = val_get_str(sa, "start"), *tb = val_get_str(sb,
			    "start");
	int		 c;

	if ((c = strcmp(da ? da : "", db ? db : "")) != 0)
		return c;
	if ((c = strcmp(ta ? ta : "", tb ? tb : "")) != 0)
		return c;
	return strcmp(val_get_str(sa, "title") ? val_get_str(sa, "title") :
	    "", val_get_str(sb, "title") ? val_get_str(sb, "title") : "");
}

/* The seminars, oldest first (new array of borrowed values). */
static const struct val **
sorted_seminars(const struct kb *kb, size_t *n)
{
	const struct val **ss;

	*n = kb->seminars != NULL ? kb->seminars->kidsz : 0;
	ss = xcalloc(*n + 1, sizeof(*ss));
	if (*n > 0)
		memcpy(ss, kb->seminars->kids, *n * sizeof(*ss));
	qsort(ss, *n, sizeof(*ss), sem_cmp);
	return ss;
}

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

	a = ev_seminar_anchor(s);
	val_set_str(v, "id", a);
	free(a);
	val_set(v, "date", str_or_null(val_get_str(s, "date")));
	val_set_str(v, "weekday", ev_weekday(val_get_str(s, "date")));
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
 * seminars/feed.xml: every seminar, newest first.  Dates stand for
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
	char		*a, *path, *when;
	size_t		 i, k;
	int		 rc;

	d = n > 0 ? val_get_str(ss[n - 1], "date") : NULL;
	when = xasprintf("%sT00:00:00Z", d ? d : "1970-01-01");
	atom_head(&b, kb, base, "seminars/feed.xml", "seminars",
	    "seminars/index.html", when);
	free(when);
	for (k = n; k > 0; k--) {
		struct atom_entry e;
		const struct val *sp;
		const char	**who;

		v = sem_val(r, ss[k - 1]);
		a = ev_seminar_anchor(ss[k - 1]);
		path = xasprintf("seminars/index.html#%s", a);
		when = xasprintf("%sT00:00:00Z", val_get_str(v, "date"));
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
		atom_entry(&b, kb, base, "seminars/feed.xml", &e);
		free(who);
		free(when);
		free(path);
		free(a);
		val_free(v);
	}
	atom_tail(&b);
	rc = render_put(r, "seminars/feed.xml", b.data, b.sz);
	buf_free(&b);
	return rc;
}

/*
 * See extern.h.
 */
int
ev_seminars(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	const char	*today = render_today(r), *d;
	const struct val **ss;
	struct val	*ctx = val_map(), *up, *years, *y = NULL, *l = NULL;
	char		*ics, year[5];
	size_t		 n, i;
	int		 rc = 1;
	long long	 stamp = render_stamp(r);

	ss = sorted_seminars(kb, &n);
	/* Upcoming: today and later, soonest first. */
	up = val_set(ctx, "upcoming", val_list());
	for (i = 0; i < n; i++) {
		d = val_get_str(ss[i], "date");
		if (d != NULL && strcmp(d, today) >= 0)
			val_push(up, sem_val(r, ss[i]));
	}
	val_set(ctx, "has_upcoming", val_bool(up->kidsz > 0));
	/* Past: newest first, grouped by year. */
	years = val_set(ctx, "years", val_list());
	for (i = n; i > 0; i--) {
		d = val_get_str(ss[i - 1], "date");
		if (d == NULL || strcmp(d, today) >= 0)
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
	val_set_str(ctx, "ics", "seminars/seminars.ics");
	val_set_str(ctx, "feed", "seminars/feed.xml");
	rc = write_feed(r, ss, n) && rc;
	free(ss);
	if ((ics = ical_seminars(kb, stamp)) != NULL) {
		rc = render_put(r, "seminars/seminars.ics", ics,
		    strlen(ics)) && rc;
		free(ics);
	} else
		rc = 0;
	return render_emit(r, "seminars", "seminars/index.html", 1,
	    "seminars", "Seminars", "Seminars on machine learning in INFN "
	    "research: upcoming, and past ones by year.", ctx) && rc;
}

/* Does list-or-scalar v name id? */
static int
names(const struct val *v, const char *id)
{
	size_t		 i;

	for (i = 0; i < val_count(v); i++)
		if (val_item(v, i)->str != NULL && strcmp(val_item(v, i)->str,
		    id) == 0)
			return 1;
	return 0;
}

static void
add_role(struct val *l, const struct hackathon *h, const char *role,
    const char *what)
{
	struct val	*v = val_push(l, val_map());
	char		*url;

	val_set_str(v, "role", role);
	val_set_str(v, "title", h->e.title ? h->e.title : h->e.slug);
	url = xasprintf("hackathons/%s/index.html", h->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set(v, "start", str_or_null(val_get_str(h->e.meta, "start")));
	val_set(v, "what", str_or_null(what));
}

static int
hack_start_cmp(const void *a, const void *b)
{
	const struct hackathon *ha = *(struct hackathon *const *)a;
	const struct hackathon *hb = *(struct hackathon *const *)b;
	const char *sa = val_get_str(ha->e.meta, "start");
	const char *sb = val_get_str(hb->e.meta, "start");

	return strcmp(sb ? sb : "", sa ? sa : "");
}

/*
 * See extern.h.  Hackathons newest first; in each, organiser, then
 * tutor, then one "speaker" line per session given.
 */
void
ev_person(struct r *r, const struct person *p, struct val *v)
{
	const struct kb	*kb = render_kb(r);
	const struct val **ss;
	const struct val *prog, *sess;
	struct hackathon **hs;
	struct val	*l, *s;
	size_t		 i, j, k, n;
	char		*a, *url;

	hs = xcalloc(kb->hacksz + 1, sizeof(*hs));
	if (kb->hacksz > 0)
		memcpy(hs, kb->hacks, kb->hacksz * sizeof(*hs));
	qsort(hs, kb->hacksz, sizeof(*hs), hack_start_cmp);
	l = val_set(v, "events", val_list());
	for (i = 0; i < kb->hacksz; i++) {
		if (names(val_get(hs[i]->e.meta, "organizers"), p->e.slug))
			add_role(l, hs[i], "organiser", NULL);
		if (names(val_get(hs[i]->e.meta, "tutors"), p->e.slug))
			add_role(l, hs[i], "tutor", NULL);
		prog = val_get(hs[i]->e.meta, "programme");
		for (j = 0; prog != NULL && prog->type == VAL_LIST &&
		    j < prog->kidsz; j++) {
			sess = val_get(prog->kids[j], "sessions");
			for (k = 0; sess != NULL && sess->type == VAL_LIST &&
			    k < sess->kidsz; k++)
				if (names(val_get(sess->kids[k], "speakers"),
				    p->e.slug))
					add_role(l, hs[i], "speaker",
					    val_get_str(sess->kids[k],
					    "title"));
		}
	}
	free(hs);
	val_set(v, "has_events", val_bool(l->kidsz > 0));
	l = val_set(v, "seminars", val_list());
	ss = sorted_seminars(kb, &n);
	for (i = n; i > 0; i--) {
		if (!names(val_get(ss[i - 1], "speakers"), p->e.slug))
			continue;
		s = val_push(l, val_map());
		val_set(s, "date", str_or_null(val_get_str(ss[i - 1],
		    "date")));
		val_set(s, "title", str_or_null(val_get_str(ss[i - 1],
		    "title")));
		a = ev_seminar_anchor(ss[i - 1]);
		url = xasprintf("seminars/index.html#%s", a);
		val_set_str(s, "url", url);
		free(url);
		free(a);
	}
	free(ss);
	val_set(v, "has_seminars", val_bool(l->kidsz > 0));
}
