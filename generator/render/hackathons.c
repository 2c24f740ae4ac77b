/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of hackathons: the index (upcoming soonest first,
 * then the past ones newest first) and a page per hackathon with its
 * organisers, tutors, exercises and their readiness, and programme,
 * plus the hackathon's calendar (written by model/ical.c) when its
 * programme has a session to put in one.  Dates are shown in words
 * ("5 June 2023", "June 2021"), session times in the event's zone as
 * written ("Tue 22 Nov, 14:00-15:30"), each with a machine-readable
 * <time datetime>.  Upcoming is decided against the build's today
 * (render_today).  Hackathons are checked by content.c, not here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

/*
 * Whether h's programme has a session on an exact day, the events of
 * its calendar (RFC 5545 wants at least one).
 */
static int
has_calendar(const struct hackathon *h)
{
	const struct val *prog = val_get(h->e.meta, "programme"), *ss;
	size_t		 i;

	for (i = 0; prog != NULL && prog->type == VAL_LIST &&
	    i < prog->kidsz; i++) {
		ss = val_get(prog->kids[i], "sessions");
		if (val_get_str(prog->kids[i], "date") != NULL &&
		    date_valid(val_get_str(prog->kids[i], "date")) &&
		    ss != NULL && ss->type == VAL_LIST && ss->kidsz > 0)
			return 1;
	}
	return 0;
}

/*
 * Readiness of the exercises l (ucsum values): verified (the last run
 * passed), never checked, failing (the last run did not pass), and
 * without an example; the oldest of their last checks.
 */
static void
readiness(struct val *v, const struct val *l)
{
	size_t		 ok = 0, never = 0, bad = 0, noexec = 0, k;
	const char	*oldest = NULL, *d, *st;
	struct val	*rd;

	for (k = 0; k < l->kidsz; k++) {
		const struct val *h = val_get(l->kids[k], "health");
		const struct val *pa = val_get(h, "passing");
		const struct val *la = val_get(h, "last");
		const struct val *ex = val_get(h, "executable");

		st = val_get_str(h, "state");
		if (pa != NULL && pa->b)
			ok++;
		else if (ex == NULL || !ex->b)
			noexec++;
		else if (la == NULL || la->type != VAL_MAP ||
		    (st != NULL && strcmp(st, "not run") == 0))
			never++;
		else
			bad++;
		d = la != NULL ? val_get_str(la, "date") : NULL;
		if (d != NULL && (oldest == NULL || strcmp(d, oldest) < 0))
			oldest = d;
	}
	rd = val_set(v, "readiness", val_map());
	val_set(rd, "verified", val_int((long long)ok));
	val_set(rd, "never", val_int((long long)never));
	val_set(rd, "failing", val_int((long long)bad));
	val_set(rd, "noexec", val_int((long long)noexec));
	val_set(rd, "has_noexec", val_bool(noexec > 0));
	val_set(rd, "total", val_int((long long)l->kidsz));
	val_set(rd, "oldest", oldest ? val_str(oldest) : val_new(VAL_NULL));
	if (oldest != NULL && strlen(oldest) >= 10) {
		char day[11];

		memcpy(day, oldest, 10);
		day[10] = '\0';
		render_date_words(rd, "oldest_words", day, 0);
	} else
		val_set(rd, "oldest_words", val_new(VAL_NULL));
	val_set(rd, "ready", val_bool(ok == l->kidsz && l->kidsz > 0));
}

/*
 * The time of session sm on date in zone tz: words ("Tue 22 Nov,
 * 14:00-15:30") and the datetimes of its start and end (with the
 * zone's offset that day), or nulls.
 */
static void
session_time(struct val *s, const struct val *sm, const char *date,
    const char *tz)
{
	const char	*st = val_get_str(sm, "start"),
			*en = val_get_str(sm, "end");
	char		 dt[32], *w;

	if (st != NULL && ical_local(tz, date, st, dt)) {
		w = ev_time_words(date, st, en);
		val_set_str(s, "when", w);
		free(w);
		val_set_str(s, "start_dt", dt);
		w = ev_time_words(date, st, NULL);
		val_set_str(s, "start_words", w);
		free(w);
		if (en != NULL && ical_local(tz, date, en, dt))
			val_set_str(s, "end_dt", dt);
		else
			val_set(s, "end_dt", val_new(VAL_NULL));
	} else {
		val_set(s, "when", val_new(VAL_NULL));
		val_set(s, "start_dt", val_new(VAL_NULL));
		val_set(s, "start_words", val_new(VAL_NULL));
		val_set(s, "end_dt", val_new(VAL_NULL));
	}
}

static struct val *
hack_val(struct r *r, const struct hackathon *h, int full)
{
	const struct val *m = h->e.meta, *prog, *src;
	const char	*tz, *date;
	struct val	*v = val_map(), *l, *day, *ss, *s;
	struct usecase	*uc;
	char		*url;
	size_t		 i, j;
	int		 b;

	val_set_str(v, "slug", h->e.slug);
	url = url_hackathon(h->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set_str(v, "title", h->e.title ? h->e.title : h->e.slug);
	val_set(v, "level", val_opt_str(m, "level"));
	val_set(v, "start", val_opt_str(m, "start"));
	val_set(v, "end", val_opt_str(m, "end"));
	render_date_words(v, "start_words", val_get_str(m, "start"), 0);
	render_date_words(v, "end_words", val_get_str(m, "end"), 0);
	/* One date, not "June 2021 to June 2021". */
	val_set(v, "one_date", val_bool(val_get_str(m, "start") != NULL &&
	    val_get_str(m, "end") != NULL && strcmp(val_get_str(m, "start"),
	    val_get_str(m, "end")) == 0));
	val_set(v, "venue", val_opt_str(m, "venue"));
	val_set(v, "participants", val_opt_str(m, "participants"));
	val_set(v, "indico", render_opt_url(m, "indico"));
	src = val_get(m, "online");
	val_set(v, "online", val_bool(src != NULL && bool_value(src, &b) &&
	    b));
	val_set(v, "in_person", val_bool(src != NULL && bool_value(src, &b) &&
	    !b));
	if (has_calendar(h)) {
		url = url_hackathon_ics(h->e.slug);
		val_set_str(v, "ics", url);
		free(url);
	} else
		val_set(v, "ics", val_new(VAL_NULL));
	/* Upcoming until its last day (of a month or year) is over. */
	val_set(v, "upcoming", val_bool(ev_upcoming(val_get_str(m, "end"),
	    render_today(r))));
	tz = val_get_str(m, "timezone") ? val_get_str(m, "timezone") :
	    render_kb(r)->site.timezone;
	val_set_str(v, "timezone", tz);
	if (!full)
		return v;
	l = val_set(v, "organizers", render_people(r, val_get(m,
	    "organizers")));
	val_set(v, "has_organizers", val_bool(l->kidsz > 0));
	l = val_set(v, "tutors", render_people(r, val_get(m, "tutors")));
	val_set(v, "has_tutors", val_bool(l->kidsz > 0));
	l = val_set(v, "exercises", val_list());
	src = val_get(m, "exercises");
	for (i = 0; src != NULL && i < (src->type == VAL_LIST ? src->kidsz :
	    1); i++) {
		const struct val *it = src->type == VAL_LIST ?
		    src->kids[i] : src;

		if (it->str != NULL &&
		    (uc = kb_usecase(render_kb(r), it->str)) != NULL)
			val_push(l, render_ucsum(r, uc));
	}
	val_set(v, "has_exercises", val_bool(l->kidsz > 0));
	readiness(v, l);
	l = val_set(v, "programme", val_list());
	prog = val_get(m, "programme");
	for (i = 0; prog != NULL && prog->type == VAL_LIST &&
	    i < prog->kidsz; i++) {
		day = val_push(l, val_map());
		date = val_get_str(prog->kids[i], "date");
		val_set(day, "date", val_opt_str(prog->kids[i], "date"));
		val_set_str(day, "weekday", ev_weekday(date));
		render_date_words(day, "date_words", date, 1);
		val_set(day, "n", val_int((long long)i + 1));
		ss = val_set(day, "sessions", val_list());
		src = val_get(prog->kids[i], "sessions");
		for (j = 0; src != NULL && src->type == VAL_LIST &&
		    j < src->kidsz; j++) {
			const struct val *sm = src->kids[j];
			const char *us = val_get_str(sm, "usecase");

			s = val_push(ss, val_map());
			val_set(s, "start", val_opt_str(sm, "start"));
			val_set(s, "end", val_opt_str(sm, "end"));
			session_time(s, sm, date, tz);
			val_set_str(s, "kind", val_get_str(sm, "kind") ?
			    val_get_str(sm, "kind") : "other");
			val_set(s, "title", val_opt_str(sm, "title"));
			val_set(s, "room", val_opt_str(sm, "room"));
			val_set(s, "speakers", render_people(r,
			    val_get(sm, "speakers")));
			val_set(s, "has_speakers", val_bool(
			    val_get(s, "speakers")->kidsz > 0));
			val_set(s, "materials", render_links(val_get(sm,
			    "materials")));
			val_set(s, "has_materials", val_bool(
			    val_get(s, "materials")->kidsz > 0));
			if (us != NULL &&
			    (uc = kb_usecase(render_kb(r), us)) != NULL)
				val_set(s, "usecase",
				    render_ucsum(r, uc));
			else
				val_set(s, "usecase", val_new(VAL_NULL));
		}
	}
	val_set(v, "has_programme", val_bool(l->kidsz > 0));
	val_set(v, "body", val_str(render_html(r, &h->e)));
	return v;
}

/*
 * See render/private.h.
 */
int
hackathons_index(struct r *r)
{
	struct hackathon **hs;
	struct val	*ctx = val_map(), *l, *up, *past;
	size_t		 i, n = render_kb(r)->hacksz;

	hs = ev_sorted_hackathons(render_kb(r));
	l = val_set(ctx, "hackathons", val_list());
	for (i = 0; i < n; i++)
		val_push(l, hack_val(r, hs[i], 0));
	free(hs);
	/* Upcoming ones soonest first, then the past ones newest first. */
	up = val_set(ctx, "upcoming", val_list());
	past = val_set(ctx, "past", val_list());
	for (i = n; i > 0; i--)
		if (val_get(l->kids[i - 1], "upcoming")->b)
			val_push(up, val_copy(l->kids[i - 1]));
	for (i = 0; i < n; i++)
		if (!val_get(l->kids[i], "upcoming")->b)
			val_push(past, val_copy(l->kids[i]));
	val_set(ctx, "has_upcoming", val_bool(up->kidsz > 0));
	val_set(ctx, "has_past", val_bool(past->kidsz > 0));
	return render_emit(r, "hackathons", url_hackathons(), 1,
	    "hackathons", "Hackathons", "Hackathons of the initiative: "
	    "their programmes, tutors and exercises.", ctx);
}

/*
 * See render/private.h.
 */
int
hackathons_page(struct r *r, size_t i)
{
	const struct hackathon *h = render_kb(r)->hacks[i];
	struct val	*ctx = val_map();
	const char	*venue = val_get_str(h->e.meta, "venue");
	char		*path, *ics, *desc;
	int		 rc;

	val_set(ctx, "hack", hack_val(r, h, 1));
	render_lang(ctx, &h->e);
	path = url_hackathon(h->e.slug);
	desc = xasprintf("%s: the programme, tutors and exercises%s%s.",
	    h->e.title ? h->e.title : h->e.slug, venue ? ", at " : "",
	    venue ? venue : "");
	rc = render_emit(r, "hackathon", path, 2, "hackathons", h->e.title ?
	    h->e.title : h->e.slug, desc, ctx);
	free(desc);
	free(path);
	/* No calendar without an event: RFC 5545 wants one. */
	if (!has_calendar(h))
		return rc;
	if ((ics = ical_hackathon(render_kb(r), h, render_stamp(r))) == NULL)
		return 0;
	path = url_hackathon_ics(h->e.slug);
	rc = render_put(r, path, ics, strlen(ics)) && rc;
	free(path);
	free(ics);
	return rc;
}
