/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen import indico: Indico's HTTP export (JSON, see
 * shared/notes/indico-export.md) into the seminar lists (content/seminars),
 * or, with
 * --hackathon, into the programme of one hackathon's front matter.
 *
 * Imported records carry "source: indico:ID", which is how a later
 * import finds them again: it replaces only the keys that Indico
 * provides (date, times, time zone, title, speakers, url, abstract) and
 * keeps every other key, so slides, recordings, use cases or terms
 * added by hand survive.  New seminars go to seminars/YEAR.yaml.
 * Times are written in the event's own time zone (converted from the
 * zone of the export when they differ) with that zone in "timezone".
 * HTML descriptions become Markdown through html.c.
 *
 * Nothing is written unless the fetch, the JSON and every content file
 * read are good; each file is written whole (temporary file and
 * rename) and only if its bytes change.  Re-emitting a YAML file drops
 * its comments, a limit of going through the emitter.  The token
 * (KBGEN_INDICO_TOKEN) is handed to http.c and to nothing else.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"
#include "base/base.h"
#include "net/net.h"
#include "model/model.h"
#include "import/import.h"
#include "import/private.h"
#include "cmd.h"

struct counts {
	size_t	 added;
	size_t	 updated;
	size_t	 unchanged;
	size_t	 removed;	/* programme sessions gone from Indico */
};

/* A seminar file, read or to be made. */
struct sfile {
	char		*path;	/* full path, owned */
	char		*rel;	/* below content/, owned */
	struct val	*doc;	/* the list of seminars, owned */
	int		 dirty;	/* changed: write it */
};

static long
envnum(const char *name, long def)
{
	const char	*s = getenv(name);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 ? v : def;
}

static void
retry_note(void *arg, const char *msg, int attempt, double wait)
{
	const struct opts *o = arg;

	if (!o->quiet)
		fprintf(stderr, "kbgen: %s; retry %d in %gs\n", msg, attempt,
		    wait);
}

/*
 * The export URL for what the user gave: an /export/ URL as it is, or
 * an event or category page (https://HOST/event/ID/,
 * https://HOST/category/ID/) made into its JSON export.  detail, when
 * not NULL and the URL has no detail parameter, is added.  New string.
 */
static char *
export_url(const char *url, const char *detail)
{
	const char	*p, *host, *id;
	char		*u;
	size_t		 n;
	struct buf	 b;

	memset(&b, 0, sizeof(b));
	if (strstr(url, "/export/") == NULL &&
	    (host = strstr(url, "://")) != NULL &&
	    (p = strchr(host + 3, '/')) != NULL) {
		if (strncmp(p, "/event/", 7) == 0)
			id = p + 7;
		else if (strncmp(p, "/category/", 10) == 0)
			id = p + 10;
		else
			id = NULL;
		n = id == NULL ? 0 : strspn(id, "0123456789");
		if (n > 0) {
			buf_put(&b, url, (size_t)(p - url));
			buf_printf(&b, "/export/%s/%.*s.json",
			    p[1] == 'e' ? "event" : "categ", (int)n, id);
			url = buf_cstr(&b);
		}
	}
	if (detail != NULL && strstr(url, "detail=") == NULL)
		u = xasprintf("%s%c%s", url, strchr(url, '?') ? '&' : '?',
		    detail);
	else
		u = xstrdup(url);
	buf_free(&b);
	return u;
}

/*
 * Fetch and parse the export; NULL on failure (reported).  The answer
 * must be a JSON object with a "results" list.
 */
static struct val *
fetch(const struct opts *o, const char *url)
{
	struct http_req	 req;
	struct http_resp resp;
	struct val	*v = NULL;
	const struct val *res;
	char		*err = NULL;
	const char	*p;

	memset(&req, 0, sizeof(req));
	req.url = url;
	req.token = getenv("KBGEN_INDICO_TOKEN");
	if (req.token != NULL && *req.token == '\0')
		req.token = NULL;
	req.timeout = envnum("KBGEN_HTTP_TIMEOUT", 30);
	req.retries = (int)envnum("KBGEN_HTTP_RETRIES", 3);
	req.backoff = (double)envnum("KBGEN_HTTP_BACKOFF", 1);
	req.progress = retry_note;
	req.arg = (void *)o;
	if (!o->quiet)
		fprintf(stderr, "kbgen: fetching %s\n", url);
	if (!http_get(&req, &resp, &err)) {
		if (resp.status == 401 || resp.status == 403)
			fprintf(stderr, "kbgen: %s (%s)\n", err, req.token ?
			    "is KBGEN_INDICO_TOKEN valid, with scope "
			    "read:legacy_api?" : "a protected event? set "
			    "KBGEN_INDICO_TOKEN");
		else if (resp.status == 404)
			fprintf(stderr, "kbgen: %s (no such event or "
			    "category)\n", err);
		else
			fprintf(stderr, "kbgen: %s\n", err);
		free(err);
		http_resp_free(&resp);
		return NULL;
	}
	for (p = resp.body; *p == ' ' || *p == '\n' || *p == '\r' ||
	    *p == '\t'; p++)
		continue;
	if (*p == '<' || (resp.ctype != NULL &&
	    strstr(resp.ctype, "html") != NULL))
		fprintf(stderr, "kbgen: %s: the answer is an HTML page, not "
		    "JSON (a login page or a wrong URL? use the "
		    "/export/...json URL)\n", url);
	else if ((v = json_parse(resp.body, resp.bodysz)) == NULL)
		fprintf(stderr, "kbgen: %s: the answer is not valid JSON\n",
		    url);
	else if (v->type != VAL_MAP || (res = val_get(v, "results")) ==
	    NULL || res->type != VAL_LIST) {
		fprintf(stderr, "kbgen: %s: not an Indico export (no "
		    "\"results\" list)\n", url);
		val_free(v);
		v = NULL;
	}
	http_resp_free(&resp);
	return v;
}

/* A string member, trimmed of nothing; NULL when absent, null or "". */
static const char *
str(const struct val *m, const char *key)
{
	const struct val *v;

	if (m == NULL || m->type != VAL_MAP || (v = val_get(m, key)) ==
	    NULL || (v->type != VAL_STR && v->type != VAL_NUM) ||
	    v->str == NULL || v->str[0] == '\0')
		return NULL;
	return v->str;
}

/*
 * s with white space runs (newlines included) made one blank and the
 * ends trimmed: titles, names and rooms are one line.  New string.
 */
static char *
oneline(const char *s)
{
	struct buf	 b;
	int		 sp = 0;

	memset(&b, 0, sizeof(b));
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == '\f' || *s == '\v') {
			sp = 1;
			continue;
		}
		if (sp && b.sz > 0)
			buf_putc(&b, ' ');
		sp = 0;
		buf_putc(&b, *s);
	}
	return b.data == NULL ? xstrdup("") : buf_steal(&b);
}

/* Set key to the one-line form of s (nothing if s is NULL or blank). */
static void
set_line(struct val *m, const char *key, const char *s)
{
	char	*t;

	if (s == NULL)
		return;
	t = oneline(s);
	if (*t != '\0')
		val_set_str(m, key, t);
	free(t);
}

/* Whether zone names a time zone file (and nothing else). */
static int
zone_known(const char *zone)
{
	const char	*dir;
	char		*p;
	struct stat	 st;
	int		 ok;

	if (zone == NULL || *zone == '\0' || *zone == '/' ||
	    strstr(zone, "..") != NULL || strchr(zone, ':') != NULL)
		return 0;
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	p = path_join(dir, zone);
	ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

static void
settz(const char *tz)
{
	if (tz == NULL)
		unsetenv("TZ");
	else
		setenv("TZ", tz, 1);
	tzset();
}

/*
 * An Indico {date, time, tz} in zone: *date (YYYY-MM-DD) and *hm
 * (HH:MM), new strings.  Returns 0 when the value is missing or bad
 * (the caller reports).
 */
static int
when(const struct val *d, const char *zone, char **date, char **hm)
{
	const char	*ds, *ts, *from;
	char		*old = NULL;
	struct tm	 tm;
	time_t		 t;
	int		 y, mo, da, h, mi, ok = 0;

	*date = *hm = NULL;
	if ((ds = str(d, "date")) == NULL || !date_valid(ds))
		return 0;
	if ((ts = str(d, "time")) == NULL)
		ts = "00:00:00";
	if (strlen(ts) < 5 || !(ts[2] == ':') ||
	    sscanf(ds, "%d-%d-%d", &y, &mo, &da) != 3 ||
	    sscanf(ts, "%d:%d", &h, &mi) != 2 || h > 23 || mi > 59)
		return 0;
	from = str(d, "tz");
	if (from == NULL || zone == NULL || strcmp(from, zone) == 0) {
		*date = xstrdup(ds);
		*hm = xasprintf("%02d:%02d", h, mi);
		return 1;
	}
	if (!zone_known(from) || !zone_known(zone))
		return 0;
	/* The C library converts through TZ; put it back after. */
	if (getenv("TZ") != NULL)
		old = xstrdup(getenv("TZ"));
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = da;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	settz(from);
	t = mktime(&tm);
	settz(zone);
	if (t != (time_t)-1 && localtime_r(&t, &tm) != NULL) {
		*date = xasprintf("%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
		*hm = xasprintf("%02d:%02d", tm.tm_hour, tm.tm_min);
		ok = 1;
	}
	settz(old);
	free(old);
	return ok;
}

/* "First Last" of an Indico person, or its full name; new or NULL. */
static char *
person_name(const struct val *p)
{
	const char	*f, *l;

	if (p == NULL || p->type != VAL_MAP)
		return NULL;
	f = str(p, "first_name");
	if (f == NULL)
		f = str(p, "firstName");
	l = str(p, "last_name");
	if (l == NULL)
		l = str(p, "familyName");
	if (f != NULL && l != NULL)
		return xasprintf("%s %s", f, l);
	if (str(p, "fullName") != NULL)
		return xstrdup(str(p, "fullName"));
	if (str(p, "name") != NULL)
		return xstrdup(str(p, "name"));
	return l != NULL ? xstrdup(l) : NULL;
}

/*
 * The people of content/people as a map from name to id, so that a
 * speaker who has a page is written by id (the loader links it).  Set
 * by cmd_import for the length of one import.
 */
static struct val *people;

static void
people_load(const char *content)
{
	char		*dir, *path, *text, *id;
	const char	*body, *name;
	size_t		 sz, bl, len;
	DIR		*d;
	struct dirent	*e;
	struct val	*meta;

	people = val_map();
	dir = path_join(content, "people");
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	/* Quietly: lint reports bad people files, not the importer. */
	diag_set_quiet(1);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 4 ||
		    strcmp(e->d_name + len - 3, ".md") != 0)
			continue;
		path = path_join(dir, e->d_name);
		if (file_read(path, &text, &sz)) {
			if (fm_split(path, text, sz, &meta, &body, &bl)) {
				name = val_get_str(meta, "name");
				id = xstrndup(e->d_name, len - 3);
				if (name != NULL && slug_valid(id) &&
				    val_get(people, name) == NULL)
					val_set_str(people, name, id);
				free(id);
				val_free(meta);
			}
			free(text);
		}
		free(path);
	}
	diag_set_quiet(0);
	closedir(d);
	free(dir);
}

/* The person id for name, or name itself. */
static const char *
person_id(const char *name)
{
	size_t	 i;

	for (i = 0; people != NULL && i < people->kidsz; i++)
		if (strcasecmp_ascii(people->kids[i]->key, name) == 0)
			return people->kids[i]->str;
	return name;
}

/* Add the names of the people of list (may be NULL) to names, once. */
static void
add_people(struct val *names, const struct val *list)
{
	size_t	 i, j;
	char	*n, *t;

	if (list == NULL || list->type != VAL_LIST)
		return;
	for (i = 0; i < list->kidsz; i++) {
		if ((n = person_name(list->kids[i])) == NULL)
			continue;
		t = oneline(n);
		free(n);
		n = t;
		if (*n == '\0') {
			free(n);
			continue;
		}
		for (j = 0; j < names->kidsz; j++)
			if (strcmp(names->kids[j]->str, person_id(n)) == 0)
				break;
		if (j == names->kidsz)
			val_push(names, val_str(person_id(n)));
		free(n);
	}
}

/* The id of an Indico object as text, new or NULL. */
static char *
obj_id(const struct val *m)
{
	const struct val *v;

	if ((v = val_get(m, "id")) == NULL ||
	    (v->type != VAL_STR && v->type != VAL_NUM) || v->str[0] == '\0')
		return NULL;
	return xstrdup(v->str);
}

/* The zone an event's times are written in. */
static const char *
event_zone(const struct val *ev)
{
	const char	*z;

	if ((z = str(ev, "timezone")) != NULL && zone_known(z))
		return z;
	if ((z = str(val_get(ev, "startDate"), "tz")) != NULL &&
	    zone_known(z))
		return z;
	return "UTC";
}

/*
 * One export event as a seminar map (new, caller frees), or NULL when
 * it lacks an id, title or start (reported as a warning).
 */
static struct val *
seminar_of(const char *url, const struct val *ev, size_t n)
{
	struct val	*s, *sp;
	const char	*zone, *title, *desc, *from, *why;
	char		*id, *d = NULL, *t = NULL, *ed = NULL, *et = NULL, *md;
	const struct val *cs;
	size_t		 i;

	if (ev->type != VAL_MAP) {
		fprintf(stderr, "kbgen: %s: result %zu skipped: not an "
		    "event object\n", url, n + 1);
		return NULL;
	}
	id = obj_id(ev);
	title = str(ev, "title");
	zone = event_zone(ev);
	from = str(val_get(ev, "startDate"), "tz");
	why = id == NULL ? "no id" : title == NULL ? "no title" :
	    from != NULL && !zone_known(from) ? "unknown time zone" :
	    !when(val_get(ev, "startDate"), zone, &d, &t) ?
	    "no valid startDate {date, time, tz}" : NULL;
	if (why != NULL) {
		fprintf(stderr, "kbgen: %s: result %zu%s%s%s skipped: %s%s%s\n",
		    url, n + 1, id != NULL ? " (id " : "",
		    id != NULL ? id : "", id != NULL ? ")" : "", why,
		    strcmp(why, "unknown time zone") == 0 ? " " : "",
		    strcmp(why, "unknown time zone") == 0 ? from : "");
		free(id);
		free(d);
		free(t);
		return NULL;
	}
	s = val_map();
	val_set_str(s, "date", d);
	val_set_str(s, "start", t);
	if (when(val_get(ev, "endDate"), zone, &ed, &et) &&
	    strcmp(ed, d) == 0 && strcmp(et, t) > 0)
		val_set_str(s, "end", et);
	val_set_str(s, "timezone", zone);
	set_line(s, "title", title);
	/* A talk's speaker sits in chairs; a series' in its contributions. */
	sp = val_list();
	add_people(sp, val_get(ev, "chairs"));
	if (sp->kidsz == 0 && (cs = val_get(ev, "contributions")) != NULL &&
	    cs->type == VAL_LIST)
		for (i = 0; i < cs->kidsz; i++)
			add_people(sp, val_get(cs->kids[i], "speakers"));
	if (sp->kidsz > 0)
		val_set(s, "speakers", sp);
	else
		val_free(sp);
	val_set_str(s, "url", str(ev, "url"));
	if ((desc = str(ev, "description")) != NULL) {
		md = html_to_md(desc);
		if (*md != '\0')
			val_set_str(s, "abstract", md);
		free(md);
	}
	md = xasprintf("indico:%s", id);
	val_set_str(s, "source", md);
	free(md);
	free(id);
	free(d);
	free(t);
	free(ed);
	free(et);
	return s;
}

/* Whether two values are the same data (keys in order, text equal). */
static int
same(const struct val *a, const struct val *b)
{
	size_t	 i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type == VAL_LIST && b->type == VAL_LIST) {
		if (a->kidsz != b->kidsz)
			return 0;
		for (i = 0; i < a->kidsz; i++)
			if (!same(a->kids[i], b->kids[i]))
				return 0;
		return 1;
	}
	if (a->type == VAL_MAP && b->type == VAL_MAP) {
		if (a->kidsz != b->kidsz)
			return 0;
		/* Key order is the author's; it is not a change. */
		for (i = 0; i < a->kidsz; i++)
			if (!same(a->kids[i], val_get(b, a->kids[i]->key)))
				return 0;
		return 1;
	}
	if (a->type == VAL_LIST || a->type == VAL_MAP ||
	    b->type == VAL_LIST || b->type == VAL_MAP)
		return 0;
	if (a->str == NULL || b->str == NULL)
		return a->str == b->str && a->type == b->type;
	return strcmp(a->str, b->str) == 0;
}

/*
 * Set in dst every key of src that differs; returns whether any did.
 * Keys of dst that src lacks are kept (edited by hand).
 */
static int
merge(struct val *dst, const struct val *src)
{
	size_t	 i;
	int	 changed = 0;

	for (i = 0; i < src->kidsz; i++) {
		if (same(val_get(dst, src->kids[i]->key), src->kids[i]))
			continue;
		val_set(dst, src->kids[i]->key, val_copy(src->kids[i]));
		changed = 1;
	}
	return changed;
}

static void
sfiles_free(struct sfile *fs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(fs[i].path);
		free(fs[i].rel);
		val_free(fs[i].doc);
	}
	free(fs);
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read every YAML file of content/seminars into *fs (sorted by name).
 * Returns 0 if any cannot be read or is not a list (reported): the
 * import must not rewrite what it did not understand.
 */
static int
sfiles_load(const char *content, struct sfile **fs, size_t *n)
{
	char		*dir, **names = NULL, *text;
	size_t		 nn = 0, i, sz, l, c, len;
	DIR		*d;
	struct dirent	*e;
	struct val	*doc;
	int		 ok = 1;

	*fs = NULL;
	*n = 0;
	dir = path_join(content, "seminars");
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT) {
			diag_sys(dir, "%s", strerror(errno));
			ok = 0;
		}
		free(dir);
		return ok;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		names = xreallocarray(names, nn + 1, sizeof(*names));
		names[nn++] = xstrdup(e->d_name);
	}
	closedir(d);
	xqsort(names, nn, sizeof(*names), namecmp);
	*fs = xcalloc(nn + 1, sizeof(**fs));
	for (i = 0; i < nn; i++) {
		(*fs)[*n].path = path_join(dir, names[i]);
		(*fs)[*n].rel = xasprintf("seminars/%s", names[i]);
		if (!file_read((*fs)[*n].path, &text, &sz)) {
			ok = 0;
			(*n)++;
			continue;
		}
		doc = NULL;
		if (!utf8_valid(text, sz, &l, &c))
			diag_err((*fs)[*n].path, l, c, "invalid UTF-8");
		else if ((doc = fm_yaml((*fs)[*n].path, text, sz, 0)) !=
		    NULL && doc->type == VAL_NULL) {
			val_free(doc);
			doc = val_list();
		} else if (doc != NULL && doc->type != VAL_LIST) {
			diag_err((*fs)[*n].path, doc->line, doc->col, "a "
			    "seminar file must be a list of seminars");
			val_free(doc);
			doc = NULL;
		}
		free(text);
		if (doc == NULL)
			ok = 0;
		(*fs)[*n].doc = doc;
		(*n)++;
	}
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(dir);
	return ok;
}

/*
 * Emit doc, check that it reads back, and write it to path through a
 * temporary file.  Returns 0 on failure (reported), path untouched.
 */
static int
write_yaml(const char *path, const char *head, const struct val *doc,
    const char *tail, size_t tailsz)
{
	struct buf	 b;
	struct val	*back;
	int		 ok = 0;

	memset(&b, 0, sizeof(b));
	buf_puts(&b, head);
	if (!fm_emit(path, doc, &b))
		goto out;
	if ((back = fm_yaml(path, b.data + strlen(head), b.sz -
	    strlen(head), 0)) == NULL || !same(back, doc)) {
		val_free(back);
		diag_sys(path, "the YAML written would not read back the "
		    "same; nothing written");
		goto out;
	}
	val_free(back);
	buf_put(&b, tail, tailsz);
	ok = file_write(path, b.data, b.sz);
out:
	buf_free(&b);
	return ok;
}

static int
import_seminars(const struct opts *o, const char *content,
    const struct val *res, const char *url, struct counts *cn)
{
	struct sfile	*fs = NULL;
	size_t		 n = 0, i, j, k;
	struct val	*s, *old;
	const char	*src, *osrc;
	char		*dir = NULL, *rel;
	int		 rc = 0;

	if (!sfiles_load(content, &fs, &n))
		goto out;
	for (i = 0; i < res->kidsz; i++) {
		if ((s = seminar_of(url, res->kids[i], i)) == NULL)
			continue;
		src = val_get_str(s, "source");
		old = NULL;
		for (j = 0; j < n && old == NULL; j++)
			for (k = 0; k < fs[j].doc->kidsz; k++) {
				osrc = val_get_str(fs[j].doc->kids[k],
				    "source");
				if (osrc != NULL && strcmp(osrc, src) == 0) {
					old = fs[j].doc->kids[k];
					break;
				}
			}
		if (old != NULL) {
			j--;
			if (old->type == VAL_MAP && merge(old, s)) {
				fs[j].dirty = 1;
				cn->updated++;
				if (!o->quiet)
					fprintf(stderr, "  updated %s %s "
					    "(%s)\n", val_get_str(s, "date"),
					    val_get_str(s, "title"),
					    fs[j].rel);
			} else
				cn->unchanged++;
			val_free(s);
			continue;
		}
		/* A new seminar: seminars/YEAR.yaml, made if needed. */
		rel = xasprintf("seminars/%.4s.yaml", val_get_str(s, "date"));
		for (j = 0; j < n; j++)
			if (strcmp(fs[j].rel, rel) == 0)
				break;
		if (j == n) {
			fs = xreallocarray(fs, n + 1, sizeof(*fs));
			memset(&fs[n], 0, sizeof(fs[n]));
			fs[n].rel = rel;
			fs[n].path = path_join(content, rel);
			fs[n].doc = val_list();
			n++;
		} else
			free(rel);
		fs[j].dirty = 1;
		cn->added++;
		if (!o->quiet)
			fprintf(stderr, "  added   %s %s (%s)\n",
			    val_get_str(s, "date"), val_get_str(s, "title"),
			    fs[j].rel);
		val_push(fs[j].doc, s);
	}
	dir = path_join(content, "seminars");
	for (j = 0; j < n; j++)
		if (fs[j].dirty && !mkdirs(dir))
			goto out;
	/*
	 * Each file is replaced whole; a failure part way leaves earlier
	 * files new and later ones old, each of them whole.
	 */
	for (j = 0; j < n; j++)
		if (fs[j].dirty && !write_yaml(fs[j].path, "", fs[j].doc,
		    "", 0))
			goto out;
	rc = 1;
out:
	free(dir);
	sfiles_free(fs, n);
	return rc;
}

/* A session kind from an Indico type and title. */
static const char *
kind_of(const char *type, const char *title)
{
	static const struct { const char *word; const char *kind; } ks[] = {
		{ "hands", "hands-on" }, { "tutorial", "hands-on" },
		{ "exercise", "exercise" }, { "challenge", "exercise" },
		{ "break", "break" }, { "lunch", "break" },
		{ "coffee", "break" }, { "dinner", "social" },
		{ "social", "social" }, { "seminar", "seminar" },
		{ "lecture", "lecture" }, { "talk", "lecture" },
		{ "introduction", "lecture" }, { "keynote", "lecture" },
	};
	const char	*ss[2];
	char		*low;
	size_t		 i, j, k;

	ss[0] = type;
	ss[1] = title;
	for (k = 0; k < 2; k++) {
		if (ss[k] == NULL)
			continue;
		low = xstrdup(ss[k]);
		for (j = 0; low[j] != '\0'; j++)
			if (low[j] >= 'A' && low[j] <= 'Z')
				low[j] += 'a' - 'A';
		for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
			if (strstr(low, ks[i].word) != NULL) {
				free(low);
				return ks[i].kind;
			}
		free(low);
	}
	return "other";
}

/*
 * A programme session from a contribution or a session slot (new map
 * with its date under "date", removed later), or NULL if unscheduled.
 */
static struct val *
session_of(const struct val *c, const char *zone, const char *prefix,
    const char *room, const struct val *people)
{
	struct val	*s, *sp;
	char		*id, *d = NULL, *t = NULL, *ed = NULL, *et = NULL, *src;
	const char	*title, *r;

	if ((title = str(c, "title")) == NULL)
		title = str(c, "slotTitle");
	if (title == NULL || (id = obj_id(c)) == NULL)
		return NULL;
	if (!when(val_get(c, "startDate"), zone, &d, &t)) {
		free(id);
		return NULL;
	}
	s = val_map();
	val_set_str(s, "date", d);
	val_set_str(s, "start", t);
	if (when(val_get(c, "endDate"), zone, &ed, &et) &&
	    strcmp(ed, d) == 0 && strcmp(et, t) > 0)
		val_set_str(s, "end", et);
	val_set_str(s, "kind", kind_of(str(c, "type"), title));
	set_line(s, "title", title);
	if ((r = str(c, "room")) == NULL)
		r = room;
	set_line(s, "room", r);
	sp = val_list();
	add_people(sp, people);
	if (sp->kidsz > 0)
		val_set(s, "speakers", sp);
	else
		val_free(sp);
	src = xasprintf("indico:%s%s", prefix, id);
	val_set_str(s, "source", src);
	free(src);
	free(id);
	free(d);
	free(t);
	free(ed);
	free(et);
	return s;
}

static int
sess_cmp(const struct val *a, const struct val *b)
{
	const char	*x, *y;
	int		 c;

	x = val_get_str(a, "start");
	y = val_get_str(b, "start");
	if (x == NULL || y == NULL)
		return (x == NULL) - (y == NULL);
	if ((c = strcmp(x, y)) != 0)
		return c;
	x = val_get_str(a, "end");
	y = val_get_str(b, "end");
	return x != NULL && y != NULL ? strcmp(x, y) : 0;
}

/* Insert s in day (a map with a sessions list), in start order. */
static void
day_insert(struct val *day, struct val *s)
{
	struct val	*list = val_get(day, "sessions");
	size_t		 i;

	val_push(list, s);
	for (i = list->kidsz - 1; i > 0 &&
	    sess_cmp(list->kids[i - 1], s) > 0; i--) {
		list->kids[i] = list->kids[i - 1];
		list->kids[i - 1] = s;
	}
}

/* The day of prog for date, made (in date order) if missing. */
static struct val *
day_get(struct val *prog, const char *date)
{
	struct val	*d;
	size_t		 i;

	for (i = 0; i < prog->kidsz; i++)
		if (val_get_str(prog->kids[i], "date") != NULL &&
		    strcmp(val_get_str(prog->kids[i], "date"), date) == 0)
			return prog->kids[i];
	d = val_map();
	val_set_str(d, "date", date);
	val_set(d, "sessions", val_list());
	val_push(prog, d);
	for (i = prog->kidsz - 1; i > 0; i--) {
		const char *p = val_get_str(prog->kids[i - 1], "date");

		if (p == NULL || strcmp(p, date) <= 0)
			break;
		prog->kids[i] = prog->kids[i - 1];
		prog->kids[i - 1] = d;
	}
	return d;
}

/*
 * The session of the old programme with source src; else one written
 * by hand (no source) on date with the same title, which the import
 * adopts (marked in *adopted, so it is not kept twice); else NULL.
 */
static const struct val *
old_session(const struct val *prog, const char *src, const char *date,
    const char *title, struct val *adopted)
{
	const struct val *ss;
	const char	*s, *d;
	size_t		 i, j, k;

	if (prog == NULL || prog->type != VAL_LIST)
		return NULL;
	for (i = 0; i < prog->kidsz; i++) {
		if ((ss = val_get(prog->kids[i], "sessions")) == NULL ||
		    ss->type != VAL_LIST)
			continue;
		for (j = 0; j < ss->kidsz; j++)
			if ((s = val_get_str(ss->kids[j], "source")) !=
			    NULL && strcmp(s, src) == 0)
				return ss->kids[j];
	}
	for (i = 0; i < prog->kidsz; i++) {
		d = val_get_str(prog->kids[i], "date");
		if (d == NULL || strcmp(d, date) != 0 ||
		    (ss = val_get(prog->kids[i], "sessions")) == NULL ||
		    ss->type != VAL_LIST)
			continue;
		for (j = 0; j < ss->kidsz; j++) {
			if (val_get(ss->kids[j], "source") != NULL ||
			    (s = val_get_str(ss->kids[j], "title")) == NULL ||
			    strcasecmp_ascii(s, title) != 0)
				continue;
			for (k = 0; k < adopted->kidsz; k++)
				if (adopted->kids[k]->num ==
				    (double)(i * 100000 + j))
					break;
			if (k < adopted->kidsz)
				continue;
			val_push(adopted, val_int((long long)(i * 100000 +
			    j)));
			return ss->kids[j];
		}
	}
	return NULL;
}

/* Whether the programme prog has a session with source src. */
static int
prog_has(const struct val *prog, const char *src)
{
	const struct val *ss;
	const char	*s;
	size_t		 i, j;

	for (i = 0; i < prog->kidsz; i++) {
		if ((ss = val_get(prog->kids[i], "sessions")) == NULL)
			continue;
		for (j = 0; j < ss->kidsz; j++)
			if ((s = val_get_str(ss->kids[j], "source")) !=
			    NULL && strcmp(s, src) == 0)
				return 1;
	}
	return 0;
}

/* Whether session j of day i was adopted by the import. */
static int
was_adopted(const struct val *adopted, size_t i, size_t j)
{
	size_t	 k;

	for (k = 0; k < adopted->kidsz; k++)
		if (adopted->kids[k]->num == (double)(i * 100000 + j))
			return 1;
	return 0;
}

/* Collect the scheduled sessions of an event into list. */
static void
collect(const struct val *ev, const char *zone, struct val *list)
{
	const struct val *slots, *slot, *cs, *people;
	struct val	*s;
	const char	*room;
	size_t		 i, j;

	slots = val_get(ev, "sessions");
	for (i = 0; slots != NULL && slots->type == VAL_LIST &&
	    i < slots->kidsz; i++) {
		slot = slots->kids[i];
		room = str(slot, "room");
		cs = val_get(slot, "contributions");
		if (cs != NULL && cs->type == VAL_LIST && cs->kidsz > 0) {
			for (j = 0; j < cs->kidsz; j++)
				if ((s = session_of(cs->kids[j], zone, "c",
				    room, val_get(cs->kids[j],
				    "speakers"))) != NULL)
					val_push(list, s);
			continue;
		}
		people = val_get(slot, "conveners");
		if ((s = session_of(slot, zone, "s", room, people)) != NULL)
			val_push(list, s);
	}
	cs = val_get(ev, "contributions");
	for (j = 0; cs != NULL && cs->type == VAL_LIST && j < cs->kidsz; j++)
		if ((s = session_of(cs->kids[j], zone, "c", str(ev, "room"),
		    val_get(cs->kids[j], "speakers"))) != NULL)
			val_push(list, s);
}

/*
 * The reader of an Indico export on its own, for tests/fuzz: parse
 * body as JSON and turn every result into a seminar (as a plain import
 * does) and every scheduled session into a programme entry (as
 * --hackathon does).  Returns a new list of both (caller frees with
 * val_free), or NULL when body is not an export.  Writes nothing.
 */
struct val *
indico_read(const char *url, const char *body, size_t sz)
{
	struct val	*v, *list, *s;
	const struct val *res;
	size_t		 i;

	if ((v = json_parse(body, sz)) == NULL)
		return NULL;
	if (v->type != VAL_MAP || (res = val_get(v, "results")) == NULL ||
	    res->type != VAL_LIST) {
		val_free(v);
		return NULL;
	}
	list = val_list();
	for (i = 0; i < res->kidsz; i++) {
		if ((s = seminar_of(url, res->kids[i], i)) != NULL)
			val_push(list, s);
		if (res->kids[i]->type == VAL_MAP)
			collect(res->kids[i], event_zone(res->kids[i]), list);
	}
	val_free(v);
	return list;
}

static int
import_programme(const struct opts *o, const char *content,
    const struct val *res, const char *url, struct counts *cn)
{
	char		*path, *text = NULL, *date;
	const char	*body, *zone, *src;
	size_t		 sz, bodyline, i, j, k;
	struct val	*meta = NULL, *list = NULL, *prog = NULL, *s;
	struct val	*adopted;
	const struct val *ev, *oldp, *old, *ss;
	int		 rc = 0;

	adopted = val_list();
	path = xasprintf("%s/hackathons/%s.md", content, o->hackathon);
	if (res->kidsz != 1) {
		fprintf(stderr, "kbgen: %s: %zu events in the export; "
		    "--hackathon needs the export of one event\n", url,
		    res->kidsz);
		goto out;
	}
	if (!file_read(path, &text, &sz) ||
	    !fm_split(path, text, sz, &meta, &body, &bodyline))
		goto out;
	ev = res->kids[0];
	zone = val_get_str(meta, "timezone");
	if (zone == NULL || !zone_known(zone))
		zone = event_zone(ev);
	list = val_list();
	collect(ev, zone, list);
	/* An export without a timetable must not empty the programme. */
	if (list->kidsz == 0) {
		fprintf(stderr, "kbgen: %s: no scheduled contribution or "
		    "session in the export (it needs detail=sessions or "
		    "detail=contributions)\n", url);
		goto out;
	}
	oldp = val_get(meta, "programme");
	prog = val_list();
	for (i = 0; i < list->kidsz; i++) {
		s = list->kids[i];
		list->kids[i] = NULL;
		date = xstrdup(val_get_str(s, "date"));
		/* The date belongs to the day, not the session. */
		val_free(s->kids[0]);
		memmove(&s->kids[0], &s->kids[1],
		    (s->kidsz - 1) * sizeof(*s->kids));
		s->kidsz--;
		src = val_get_str(s, "source");
		/* Keys added by hand (use case, materials, kind) stay. */
		if ((old = old_session(oldp, src, date, val_get_str(s,
		    "title"), adopted)) != NULL &&
		    old->type == VAL_MAP) {
			for (k = 0; k < old->kidsz; k++)
				if (val_get(s, old->kids[k]->key) == NULL ||
				    strcmp(old->kids[k]->key, "kind") == 0)
					val_set(s, old->kids[k]->key,
					    val_copy(old->kids[k]));
			if (same(old, s))
				cn->unchanged++;
			else
				cn->updated++;
		} else
			cn->added++;
		day_insert(day_get(prog, date), s);
		free(date);
	}
	/* Sessions written by hand (no source) keep their day. */
	for (i = 0; oldp != NULL && oldp->type == VAL_LIST &&
	    i < oldp->kidsz; i++) {
		const char *d = val_get_str(oldp->kids[i], "date");

		ss = val_get(oldp->kids[i], "sessions");
		if (d == NULL || ss == NULL || ss->type != VAL_LIST)
			continue;
		for (j = 0; j < ss->kidsz; j++) {
			src = val_get_str(ss->kids[j], "source");
			if (src != NULL && strncmp(src, "indico:", 7) == 0) {
				/* Imported before, gone from Indico now. */
				if (!prog_has(prog, src))
					cn->removed++;
				continue;
			}
			if (was_adopted(adopted, i, j))
				continue;
			day_insert(day_get(prog, d), val_copy(ss->kids[j]));
		}
	}
	if (same(oldp, prog)) {
		rc = 1;
		goto out;
	}
	val_set(meta, "programme", prog);
	prog = NULL;
	if (val_get(meta, "indico") == NULL && str(ev, "url") != NULL)
		val_set_str(meta, "indico", str(ev, "url"));
	{
		/* The front matter again; the body stays byte for byte. */
		struct buf	 b;
		struct val	*back;
		size_t		 hsz;

		memset(&b, 0, sizeof(b));
		buf_puts(&b, "---\n");
		hsz = b.sz;
		if (!fm_emit(path, meta, &b)) {
			buf_free(&b);
			goto out;
		}
		back = fm_yaml(path, b.data + hsz, b.sz - hsz, 1);
		if (back == NULL || !same(back, meta)) {
			diag_sys(path, "the YAML written would not read "
			    "back the same; nothing written");
			val_free(back);
			buf_free(&b);
			goto out;
		}
		val_free(back);
		buf_puts(&b, "---\n");
		buf_put(&b, body, sz - (size_t)(body - text));
		rc = file_write(path, b.data, b.sz);
		buf_free(&b);
	}
	if (rc && !o->quiet)
		fprintf(stderr, "  wrote %s\n", path);
out:
	val_free(adopted);
	val_free(list);
	val_free(prog);
	val_free(meta);
	free(text);
	free(path);
	return rc;
}

/*
 * kbgen import indico URL [--hackathon SLUG].
 */
int
cmd_import(const struct opts *o, int argc, char **argv)
{
	struct counts	 cn;
	struct val	*doc = NULL;
	char		*url = NULL, *content = NULL, *hp = NULL;
	struct stat	 st;
	int		 rc = 2;

	memset(&cn, 0, sizeof(cn));
	if (argc != 2 || strcmp(argv[0], "indico") != 0) {
		fprintf(stderr, "kbgen: usage: kbgen import indico URL "
		    "[--hackathon SLUG]\n");
		return 2;
	}
	if (strncmp(argv[1], "http://", 7) != 0 &&
	    strncmp(argv[1], "https://", 8) != 0) {
		fprintf(stderr, "kbgen: import: \"%s\" is not an http(s) "
		    "URL\n", argv[1]);
		return 2;
	}
	content = path_join(o->root, "content");
	if (stat(content, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kbgen: %s: no content folder\n", content);
		rc = 1;
		goto out;
	}
	if (o->hackathon != NULL) {
		if (!slug_valid(o->hackathon)) {
			fprintf(stderr, "kbgen: --hackathon: \"%s\" is not "
			    "a slug\n", o->hackathon);
			goto out;
		}
		hp = xasprintf("%s/hackathons/%s.md", content, o->hackathon);
		if (stat(hp, &st) == -1) {
			fprintf(stderr, "kbgen: %s: no such hackathon (make "
			    "it first: kbgen new hackathon %s)\n", hp,
			    o->hackathon);
			rc = 1;
			goto out;
		}
	}
	rc = 1;
	people_load(content);
	url = export_url(argv[1], o->hackathon != NULL ?
	    "detail=sessions" : NULL);
	if ((doc = fetch(o, url)) == NULL)
		goto out;
	if (o->hackathon != NULL) {
		if (!import_programme(o, content, val_get(doc, "results"),
		    url, &cn))
			goto out;
	} else if (!import_seminars(o, content, val_get(doc, "results"),
	    url, &cn))
		goto out;
	if (!o->quiet)
		fprintf(stderr, "kbgen: %zu added, %zu updated, %zu "
		    "unchanged\n", cn.added, cn.updated, cn.unchanged);
	if (!o->quiet && cn.removed > 0)
		fprintf(stderr, "kbgen: %zu session%s no longer in Indico "
		    "removed from the programme\n", cn.removed,
		    cn.removed == 1 ? "" : "s");
	rc = 0;
out:
	if (rc == 1)
		fprintf(stderr, "kbgen: import failed\n");
	val_free(doc);
	val_free(people);
	people = NULL;
	free(url);
	free(content);
	free(hp);
	return rc;
}
