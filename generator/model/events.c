/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Hackathons and seminars as every output orders them: the weekday of
 * an event's date, the seminars oldest first, the hackathons newest
 * first, and the build's stamp (SOURCE_DATE_EPOCH) that calendars and
 * the upcoming/past split go by.  Dates are YYYY-MM-DD text, compared
 * as text, so no time zone is involved.  This file neither checks
 * events (content.c does) nor writes any page or calendar
 * (render/seminars.c, render/hackathons.c, ical.c).
 */
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

/* See model/model.h. */
const struct val **
ev_sorted_seminars(const struct kb *kb, size_t *n)
{
	const struct val **ss;

	*n = kb->seminars != NULL ? kb->seminars->kidsz : 0;
	ss = xcalloc(*n + 1, sizeof(*ss));
	if (*n > 0)
		memcpy(ss, kb->seminars->kids, *n * sizeof(*ss));
	xqsort(ss, *n, sizeof(*ss), sem_cmp);
	return ss;
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
