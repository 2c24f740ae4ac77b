/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Hackathons and seminars as every output orders and words them: the
 * weekday of an event's date, dates and times in words ("Monday 5 June
 * 2023", "June 2021", "Tue 22 Nov, 14:00-15:30"), the seminars oldest
 * first, the hackathons newest first, and whether an event is still to
 * come at the build's date (SOURCE_DATE_EPOCH).  Dates are YYYY-MM-DD
 * text, compared as text, so no time zone is involved.
 *
 * An event's date may be partial, a month (YYYY-MM) or a year (YYYY):
 * it stands for every day of it (ev_span).  It sorts as its first day,
 * so in a list oldest first it comes before the exact dates of its
 * month or year and, newest first, after them; entries of the same key
 * keep their file order.  It is upcoming until its last day is over,
 * as a hackathon is until its end.  This file neither checks events
 * (content.c does) nor writes any page or calendar (render/seminars.c,
 * render/hackathons.c, ical.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

/*
 * See model/model.h.  Days since 1970-01-01 by the proleptic Gregorian
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

static const char *const months[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };

/* See model/model.h. */
int
ev_span(const char *d, char first[11], char last[11])
{
	int	 p = d != NULL ? pdate_prec(d) : 0;

	/* Day 31 of any month is after its last day as text. */
	switch (p) {
	case 3:
		memcpy(first, d, 11);
		memcpy(last, d, 11);
		break;
	case 2:
		(void)snprintf(first, 11, "%.7s-01", d);
		(void)snprintf(last, 11, "%.7s-31", d);
		break;
	case 1:
		(void)snprintf(first, 11, "%.4s-01-01", d);
		(void)snprintf(last, 11, "%.4s-12-31", d);
		break;
	default:
		*first = *last = '\0';
		break;
	}
	return p;
}

/* See model/model.h. */
int
ev_upcoming(const char *d, const char *today)
{
	char	 first[11], last[11];

	return ev_span(d, first, last) > 0 && strcmp(last, today) >= 0;
}

/* See model/model.h. */
char *
ev_date_words(const char *d, int weekday)
{
	const char	*wd;

	switch (d != NULL ? pdate_prec(d) : 0) {
	case 3:
		wd = weekday ? ev_weekday(d) : "";
		return xasprintf("%s%s%ld %s %.4s", wd, *wd ? " " : "",
		    strtol(d + 8, NULL, 10), months[strtol(d + 5, NULL, 10) -
		    1], d);
	case 2:
		return xasprintf("%s %.4s", months[strtol(d + 5, NULL, 10) -
		    1], d);
	case 1:
		return xstrdup(d);
	default:
		return xstrdup(d != NULL ? d : "");
	}
}

/* See model/model.h. */
char *
ev_time_words(const char *date, const char *start, const char *end)
{
	if (date == NULL || !date_valid(date))
		return xstrdup("");
	if (start == NULL)
		return xasprintf("%.3s %ld %.3s", ev_weekday(date),
		    strtol(date + 8, NULL, 10), months[strtol(date + 5, NULL,
		    10) - 1]);
	/* En dash between the times. */
	return xasprintf("%.3s %ld %.3s, %s%s%s", ev_weekday(date),
	    strtol(date + 8, NULL, 10), months[strtol(date + 5, NULL, 10) -
	    1], start, end != NULL ? "\xe2\x80\x93" : "", end != NULL ?
	    end : "");
}

/* A seminar and its place in the files, for a stable order. */
struct semkey {
	const struct val *s;
	char		  first[11];	/* first day of its date */
	size_t		  pos;	/* index in kb->seminars */
};

/* By the first day of the date, then the start time. */
static int
when_cmp(const struct semkey *ka, const struct semkey *kb)
{
	const char	*ta = val_get_str(ka->s, "start"),
			*tb = val_get_str(kb->s, "start");
	int		 c;

	if ((c = strcmp(ka->first, kb->first)) != 0)
		return c;
	return strcmp(ta ? ta : "", tb ? tb : "");
}

/* Oldest first; the same day and time keep file order. */
static int
sem_cmp(const void *a, const void *b)
{
	const struct semkey *ka = a, *kb = b;
	int		 c;

	if ((c = when_cmp(ka, kb)) != 0)
		return c;
	return ka->pos < kb->pos ? -1 : ka->pos > kb->pos;
}

/* Newest first; the same day and time keep file order. */
static int
sem_cmp_newest(const void *a, const void *b)
{
	const struct semkey *ka = a, *kb = b;
	int		 c;

	if ((c = when_cmp(kb, ka)) != 0)
		return c;
	return ka->pos < kb->pos ? -1 : ka->pos > kb->pos;
}

static const struct val **
sorted(const struct kb *kb, size_t *n, int (*cmp)(const void *,
    const void *))
{
	const struct val **ss;
	struct semkey	*k;
	char		 last[11];
	size_t		 i;

	*n = kb->seminars != NULL ? kb->seminars->kidsz : 0;
	ss = xcalloc(*n + 1, sizeof(*ss));
	k = xcalloc(*n + 1, sizeof(*k));
	for (i = 0; i < *n; i++) {
		k[i].s = kb->seminars->kids[i];
		k[i].pos = i;
		(void)ev_span(val_get_str(k[i].s, "date"), k[i].first, last);
	}
	xqsort(k, *n, sizeof(*k), cmp);
	for (i = 0; i < *n; i++)
		ss[i] = k[i].s;
	free(k);
	return ss;
}

/* See model/model.h. */
const struct val **
ev_sorted_seminars(const struct kb *kb, size_t *n)
{
	return sorted(kb, n, sem_cmp);
}

/* See model/model.h. */
const struct val **
ev_seminars_newest(const struct kb *kb, size_t *n)
{
	return sorted(kb, n, sem_cmp_newest);
}

static int
hack_start_cmp(const void *a, const void *b)
{
	const struct hackathon *ha = *(struct hackathon *const *)a;
	const struct hackathon *hb = *(struct hackathon *const *)b;
	char		 fa[11], fb[11], last[11];
	int		 c;

	(void)ev_span(val_get_str(ha->e.meta, "start"), fa, last);
	(void)ev_span(val_get_str(hb->e.meta, "start"), fb, last);
	if ((c = strcmp(fb, fa)) != 0)
		return c;
	return strcmp(ha->e.slug, hb->e.slug);
}

/* See model/model.h. */
struct hackathon **
ev_sorted_hackathons(const struct kb *kb)
{
	struct hackathon **hs;

	hs = xcalloc(kb->hacksz + 1, sizeof(*hs));
	if (kb->hacksz > 0)
		memcpy(hs, kb->hacks, kb->hacksz * sizeof(*hs));
	xqsort(hs, kb->hacksz, sizeof(*hs), hack_start_cmp);
	return hs;
}
