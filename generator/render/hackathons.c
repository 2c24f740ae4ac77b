/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The page family of hackathons: the index (upcoming soonest first,
 * then the past ones newest first) and a page per hackathon with its
 * organisers, tutors, exercises and their readiness, and programme,
 * plus the hackathon's calendar (written by model/ical.c).  Upcoming
 * is decided against the build's today (render_today).  Hackathons are
 * checked by content.c, not here.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

static struct val *
hack_val(struct r *r, const struct hackathon *h, int full)
{
	const struct val *m = h->e.meta, *prog, *src;
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
	val_set(v, "venue", val_opt_str(m, "venue"));
	val_set(v, "participants", val_opt_str(m, "participants"));
	val_set(v, "indico", render_opt_url(m, "indico"));
	src = val_get(m, "online");
	val_set(v, "online", val_bool(src != NULL && bool_value(src, &b) &&
	    b));
	val_set(v, "in_person", val_bool(src != NULL && bool_value(src, &b) &&
	    !b));
	url = url_hackathon_ics(h->e.slug);
	val_set_str(v, "ics", url);
	free(url);
	/* Upcoming until its last day is over. */
	val_set(v, "upcoming", val_bool(val_get_str(m, "end") != NULL &&
	    strcmp(val_get_str(m, "end"), render_today(r)) >= 0));
	val_set(v, "timezone", val_str(val_get_str(m, "timezone") ?
	    val_get_str(m, "timezone") : render_kb(r)->site.timezone));
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
	/* Readiness: how many exercises passed their last check, and
	 * the oldest of those checks. */
	{
		size_t ok = 0, k;
		const char *oldest = NULL, *d;
		struct val *rd;

		for (k = 0; k < l->kidsz; k++) {
			const struct val *h = val_get(l->kids[k], "health");
			const struct val *pa = val_get(h, "passing");
			const struct val *la = val_get(h, "last");

			if (pa != NULL && pa->b)
				ok++;
			d = la != NULL ? val_get_str(la, "date") : NULL;
			if (d != NULL && (oldest == NULL ||
			    strcmp(d, oldest) < 0))
				oldest = d;
		}
		rd = val_set(v, "readiness", val_map());
		val_set(rd, "verified", val_int((long long)ok));
		val_set(rd, "total", val_int((long long)l->kidsz));
		val_set(rd, "oldest", oldest ? val_str(oldest) :
		    val_new(VAL_NULL));
		val_set(rd, "ready", val_bool(ok == l->kidsz && l->kidsz > 0));
	}
	l = val_set(v, "programme", val_list());
	prog = val_get(m, "programme");
	for (i = 0; prog != NULL && prog->type == VAL_LIST &&
	    i < prog->kidsz; i++) {
		day = val_push(l, val_map());
		val_set(day, "date", val_opt_str(prog->kids[i], "date"));
		val_set_str(day, "weekday", ev_weekday(val_get_str(
		    prog->kids[i], "date")));
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
	val_set(v, "body", val_str(h->e.html ? h->e.html : ""));
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
	path = url_hackathon(h->e.slug);
	desc = xasprintf("%s: the programme, tutors and exercises%s%s.",
	    h->e.title ? h->e.title : h->e.slug, venue ? ", at " : "",
	    venue ? venue : "");
	rc = render_emit(r, "hackathon", path, 2, "hackathons", h->e.title ?
	    h->e.title : h->e.slug, desc, ctx);
	free(desc);
	free(path);
	if ((ics = ical_hackathon(render_kb(r), h, render_stamp(r))) == NULL)
		return 0;
	path = url_hackathon_ics(h->e.slug);
	rc = render_put(r, path, ics, strlen(ics)) && rc;
	free(path);
	free(ics);
	return rc;
}
