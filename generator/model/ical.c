/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Calendars (RFC 5545) of hackathon programmes and of seminars; the
 * only libical user.  libical writes the text, so line folding at 75
 * octets and TEXT escaping (commas, semicolons, backslashes, newlines)
 * are its job.  Local times are converted to UTC with libical's copy
 * of the time-zone database, which spares every calendar a VTIMEZONE
 * (whose text would follow the machine's tzdata).  A session or a
 * seminar without a start time is an all-day event.
 *
 * Rebuilding must not rewrite a calendar, and a calendar application
 * must update an event rather than add a second one: UIDs come from
 * the content (the hackathon's slug, the session's date and title; a
 * seminar's importer source, else its date and title), and DTSTAMP
 * from SOURCE_DATE_EPOCH or, without it, the event's own date.
 * This file does not check content: content.c does.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

/* libical's built-in time-zone cache is shared: one user at a time. */
static pthread_mutex_t	 ical_lock = PTHREAD_MUTEX_INITIALIZER;

/* The text of one calendar being built. */
struct cal {
	const struct kb	*kb;
	icalcomponent	*root;
	icaltimezone	*zone;	/* of the events, may be UTC */
	long long	 stamp;	/* SOURCE_DATE_EPOCH or -1 */
	char		*host;	/* right-hand side of UIDs, owned */
};

/*
 * An IANA name: letters, digits, '_', '-', '+' and '/' between
 * components, never "..": libical reads the zone from a file of that
 * name below the zoneinfo folder.
 */
static int
zone_name_ok(const char *tz)
{
	const char	*p;

	if (*tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL)
		return 0;
	for (p = tz; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '+' || *p == '/'))
			return 0;
	return 1;
}

/* The zone named tz, or NULL; call with ical_lock held. */
static icaltimezone *
zone(const char *tz)
{
	if (strcmp(tz, "UTC") == 0)
		return icaltimezone_get_utc_timezone();
	return zone_name_ok(tz) ? icaltimezone_get_builtin_timezone(tz) :
	    NULL;
}

/*
 * See model/private.h.
 */
int
ical_zone_valid(const char *tz)
{
	int	 ok;

	pthread_mutex_lock(&ical_lock);
	ok = zone(tz) != NULL;
	pthread_mutex_unlock(&ical_lock);
	return ok;
}

/*
 * See model/model.h.
 */
int
ical_local(const char *tz, const char *date, const char *hm, char out[32])
{
	icaltimezone		*z;
	struct icaltimetype	 t = icaltime_null_time();
	int			 off, dst = 0, ok = 0;

	if (tz == NULL || date == NULL || hm == NULL || !date_valid(date) ||
	    !time_valid(hm))
		return 0;
	t.year = (int)strtol(date, NULL, 10);
	t.month = (int)strtol(date + 5, NULL, 10);
	t.day = (int)strtol(date + 8, NULL, 10);
	t.hour = (int)strtol(hm, NULL, 10);
	t.minute = (int)strtol(hm + 3, NULL, 10);
	pthread_mutex_lock(&ical_lock);
	if ((z = zone(tz)) != NULL) {
		t.zone = z;
		off = icaltimezone_get_utc_offset(z, &t, &dst);
		(void)snprintf(out, 32, "%sT%s%c%02d:%02d", date, hm,
		    off < 0 ? '-' : '+', abs(off) / 3600, abs(off) / 60 % 60);
		ok = 1;
	}
	pthread_mutex_unlock(&ical_lock);
	return ok;
}

static int
cal_init(struct cal *c, const struct kb *kb, const char *tz,
    const char *path, long long stamp)
{
	char	*site;

	memset(c, 0, sizeof(*c));
	c->kb = kb;
	c->stamp = stamp;
	if (tz == NULL)
		c->zone = icaltimezone_get_utc_timezone();
	else if ((c->zone = zone(tz)) == NULL) {
		diag_err(path, 0, 0, "unknown time zone \"%s\" (an IANA name "
		    "such as Europe/Rome)", tz);
		return 0;
	}
	site = slugify(kb->site.title);
	c->host = xasprintf("%s.kbgen", site);
	free(site);
	c->root = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT,
	    icalproperty_new_version("2.0"),
	    icalproperty_new_prodid("-//kbgen//kbgen " KBGEN_VERSION "//EN"),
	    icalproperty_new_calscale("GREGORIAN"),
	    icalproperty_new_method(ICAL_METHOD_PUBLISH),
	    (void *)0);
	return 1;
}

static void
cal_free(struct cal *c)
{
	if (c->root != NULL)
		icalcomponent_free(c->root);
	free(c->host);
}

/* A date (and time, may be NULL) in the calendar's zone, as UTC. */
static struct icaltimetype
when(const struct cal *c, const char *date, const char *hm)
{
	struct icaltimetype t = icaltime_null_time();

	t.year = (int)strtol(date, NULL, 10);
	t.month = (int)strtol(date + 5, NULL, 10);
	t.day = (int)strtol(date + 8, NULL, 10);
	if (hm == NULL) {
		t.is_date = 1;
		return t;
	}
	t.hour = (int)strtol(hm, NULL, 10);
	t.minute = (int)strtol(hm + 3, NULL, 10);
	t.zone = c->zone;
	return icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
}

static struct icaltimetype
stamp_of(const struct cal *c, const char *date)
{
	struct icaltimetype t;

	if (c->stamp >= 0)
		return icaltime_from_timet_with_zone((time_t)c->stamp, 0,
		    icaltimezone_get_utc_timezone());
	t = icaltime_null_time();
	t.year = (int)strtol(date, NULL, 10);
	t.month = (int)strtol(date + 5, NULL, 10);
	t.day = (int)strtol(date + 8, NULL, 10);
	t.zone = icaltimezone_get_utc_timezone();
	return t;
}

/* The absolute URL of a site path, or NULL without base_url (new). */
static char *
site_url(const struct kb *kb, const char *path)
{
	const char	*b = kb->site.base_url;

	if (b == NULL || *b == '\0')
		return NULL;
	return xasprintf("%s%s%s", b, b[strlen(b) - 1] == '/' ? "" : "/",
	    path);
}

/* Names of a list of people ids or plain names, comma-separated. */
/*
 * Add one event.  end may be NULL (then it ends when it starts, or,
 * all day, the next day).
 */
static void
add_event(struct cal *c, const char *uid, const char *date,
    const char *start, const char *end, const char *summary,
    const char *desc, const char *location, const char *url,
    const char *category)
{
	icalcomponent		*ev;
	icalproperty		*p;
	struct icaltimetype	 ts, te;

	ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev,
	    icalproperty_new_dtstamp(stamp_of(c, date)));
	ts = when(c, date, start);
	if (start == NULL) {
		te = ts;
		icaltime_adjust(&te, 1, 0, 0, 0);
	} else
		te = when(c, date, end != NULL ? end : start);
	p = icalproperty_new_dtstart(ts);
	if (ts.is_date)
		icalproperty_set_parameter(p,
		    icalparameter_new_value(ICAL_VALUE_DATE));
	icalcomponent_add_property(ev, p);
	p = icalproperty_new_dtend(te);
	if (te.is_date)
		icalproperty_set_parameter(p,
		    icalparameter_new_value(ICAL_VALUE_DATE));
	icalcomponent_add_property(ev, p);
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	if (desc != NULL && *desc != '\0')
		icalcomponent_add_property(ev,
		    icalproperty_new_description(desc));
	if (location != NULL && *location != '\0')
		icalcomponent_add_property(ev,
		    icalproperty_new_location(location));
	if (url != NULL && url_safe(url))
		icalcomponent_add_property(ev, icalproperty_new_url(url));
	if (category != NULL)
		icalcomponent_add_property(ev,
		    icalproperty_new_categories(category));
	icalcomponent_add_component(c->root, ev);
}

static char *
cal_text(struct cal *c)
{
	char	*s, *out;

	s = icalcomponent_as_ical_string_r(c->root);
	out = xstrdup(s != NULL ? s : "");
	free(s);
	return out;
}

/*
 * See model/model.h.
 */
char *
ical_hackathon(const struct kb *kb, const struct hackathon *h,
    long long stamp)
{
	const struct val *m = h->e.meta, *prog, *ss, *s;
	const char	*tz, *date, *title, *room, *venue, *us;
	struct cal	 c;
	struct buf	 uid = { NULL, 0, 0 }, d = { NULL, 0, 0 },
			 loc = { NULL, 0, 0 };
	struct usecase	*uc;
	char		*url, *page, *out = NULL;
	size_t		 i, j, k, dup;

	tz = val_get_str(m, "timezone") ? val_get_str(m, "timezone") :
	    kb->site.timezone;
	pthread_mutex_lock(&ical_lock);
	if (!cal_init(&c, kb, tz, h->e.path, stamp))
		goto out;
	page = url_hackathon(h->e.slug);
	url = site_url(kb, page);
	free(page);
	venue = val_get_str(m, "venue");
	prog = val_get(m, "programme");
	for (i = 0; prog != NULL && prog->type == VAL_LIST &&
	    i < prog->kidsz; i++) {
		date = val_get_str(prog->kids[i], "date");
		ss = val_get(prog->kids[i], "sessions");
		if (date == NULL || !date_valid(date) || ss == NULL ||
		    ss->type != VAL_LIST)
			continue;
		for (j = 0; j < ss->kidsz; j++) {
			s = ss->kids[j];
			if ((title = val_get_str(s, "title")) == NULL)
				continue;
			/* Same title twice on a day: number the repeats. */
			for (dup = 0, k = 0; k < j; k++)
				if (val_get_str(ss->kids[k], "title") &&
				    strcmp(val_get_str(ss->kids[k], "title"),
				    title) == 0)
					dup++;
			buf_reset(&uid);
			buf_printf(&uid, "hackathon-%s-%s-%016llx", h->e.slug,
			    date, (unsigned long long)hash64(title,
			    strlen(title), 0));
			if (dup > 0)
				buf_printf(&uid, "-%zu", dup + 1);
			buf_printf(&uid, "@%s", c.host);
			buf_reset(&d);
			buf_printf(&d, "%s session of %s.",
			    val_get_str(s, "kind") ? val_get_str(s, "kind") :
			    "other", h->e.title ? h->e.title : h->e.slug);
			if (val_get(s, "speakers") != NULL) {
				struct buf n = { NULL, 0, 0 };

				roster_names(kb, val_get(s, "speakers"), &n);
				if (n.sz > 0)
					buf_printf(&d, "\nSpeakers: %s",
					    n.data);
				buf_free(&n);
			}
			if ((us = val_get_str(s, "usecase")) != NULL &&
			    (uc = kb_usecase(kb, us)) != NULL)
				buf_printf(&d, "\nUse case: %s",
				    uc->e.title ? uc->e.title : uc->e.slug);
			buf_reset(&loc);
			room = val_get_str(s, "room");
			if (room != NULL)
				buf_puts(&loc, room);
			if (venue != NULL)
				buf_printf(&loc, "%s%s", loc.sz ? ", " : "",
				    venue);
			add_event(&c, uid.data, date, val_get_str(s, "start"),
			    val_get_str(s, "end"), title, d.data, loc.data,
			    url, val_get_str(s, "kind") ? val_get_str(s,
			    "kind") : "other");
		}
	}
	free(url);
	out = cal_text(&c);
out:
	cal_free(&c);
	pthread_mutex_unlock(&ical_lock);
	buf_free(&uid);
	buf_free(&d);
	buf_free(&loc);
	return out;
}

/*
 * See model/model.h.
 */
char *
ical_seminars(const struct kb *kb, long long stamp)
{
	const struct val *s;
	const char	*date, *title, *tz, *src;
	struct cal	 c;
	struct buf	 uid = { NULL, 0, 0 }, d = { NULL, 0, 0 };
	char		*anchor, *page, *url, *out = NULL, *x;
	size_t		 i;

	pthread_mutex_lock(&ical_lock);
	if (!cal_init(&c, kb, kb->site.timezone, kb->site.path, stamp))
		goto out;
	for (i = 0; kb->seminars != NULL && i < kb->seminars->kidsz; i++) {
		s = kb->seminars->kids[i];
		date = val_get_str(s, "date");
		title = val_get_str(s, "title");
		if (date == NULL || !date_valid(date) || title == NULL)
			continue;
		/* A seminar with its own zone gets a calendar of its own
		 * zone for its times; the text stays in UTC either way. */
		tz = val_get_str(s, "timezone");
		if (tz != NULL && zone(tz) == NULL) {
			diag_err(val_get_str(s, "file") ?
			    val_get_str(s, "file") : "seminars", 0, 0,
			    "unknown time zone \"%s\"", tz);
			continue;
		}
		anchor = url_seminar_anchor(s);
		buf_reset(&uid);
		if ((src = val_get_str(s, "source")) != NULL) {
			x = slugify(src);
			buf_printf(&uid, "seminar-%s@%s", x, c.host);
			free(x);
		} else
			buf_printf(&uid, "seminar-%s@%s", anchor, c.host);
		buf_reset(&d);
		roster_names(kb, val_get(s, "speakers"), &d);
		if (d.sz > 0 && val_get_str(s, "abstract") != NULL)
			buf_puts(&d, "\n\n");
		if (val_get_str(s, "abstract") != NULL)
			buf_puts(&d, val_get_str(s, "abstract"));
		page = url_seminar(s);
		url = val_get_str(s, "url") != NULL ?
		    xstrdup(val_get_str(s, "url")) : site_url(kb, page);
		if (tz != NULL) {
			icaltimezone *z = c.zone;

			c.zone = zone(tz);
			add_event(&c, uid.data, date, val_get_str(s, "start"),
			    val_get_str(s, "end"), title, d.data, NULL, url,
			    "seminar");
			c.zone = z;
		} else
			add_event(&c, uid.data, date, val_get_str(s, "start"),
			    val_get_str(s, "end"), title, d.data, NULL, url,
			    "seminar");
		free(url);
		free(page);
		free(anchor);
	}
	out = cal_text(&c);
out:
	cal_free(&c);
	pthread_mutex_unlock(&ical_lock);
	buf_free(&uid);
	buf_free(&d);
	return out;
}
