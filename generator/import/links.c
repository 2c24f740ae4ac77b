/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen lint --links: every external (http, https) link of the content
 * is checked, and the broken ones are reported where they are written,
 * as path:line: URL: status.  Links come from Markdown bodies (inline
 * links, autolinks, bare URLs and reference definitions; fenced code
 * and code spans are skipped) and from every string of front matter
 * and seminar files that is a URL (repository, links, slides,
 * recording, url, indico...).  Each distinct URL is checked once,
 * through http.c (parallel, a few connections per host, HEAD then GET);
 * results are kept in the index's links table (url -> JSON {status,
 * final, redirects, error, checked}) and reused while younger than
 * site.yaml links.max_age (default 1d) unless --force.  A status of
 * 400 or more, or no answer, is broken; redirects are reported but are
 * not errors.  Broken links are warnings, errors with --strict.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "net/net.h"
#include "model/model.h"
#include "import/import.h"
#include "import/private.h"
#include "cmd.h"

#define LINKS_MAX_AGE	86400L	/* seconds, links.max_age default */
#define LINKS_TIMEOUT	20L	/* seconds, links.timeout default */
#define LINKS_PER_HOST	2L	/* links.per_host default */

/* One place where a link is written. */
struct occ {
	const char	*path;	/* file, borrowed from the model */
	size_t		 line;
	char		*url;	/* owned */
	size_t		 u;	/* index of its distinct URL */
};

struct coll {
	struct occ	*occs;	/* owned */
	size_t		 occsz;
	size_t		 occcap;
	char		**paths;	/* seminar file paths, owned */
	size_t		 pathsz;
};

static int
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static void
add(struct coll *c, const char *path, size_t line, const char *url,
    size_t sz)
{
	if (c->occsz == c->occcap) {
		c->occcap = c->occcap == 0 ? 64 : c->occcap * 2;
		c->occs = xreallocarray(c->occs, c->occcap,
		    sizeof(*c->occs));
	}
	c->occs[c->occsz].path = path;
	c->occs[c->occsz].line = line;
	c->occs[c->occsz].url = xstrndup(url, sz);
	c->occs[c->occsz].u = 0;
	c->occsz++;
}

/* Every string of a YAML tree that is a URL, at its line. */
static void
from_tree(struct coll *c, const char *path, const struct val *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	if (v->type == VAL_STR && v->str != NULL && is_url(v->str) &&
	    strpbrk(v->str, " \t\n") == NULL)
		add(c, path, v->line, v->str, v->strsz);
	for (i = 0; i < v->kidsz; i++)
		if (v->kids[i]->key == NULL ||
		    strcmp(v->kids[i]->key, "file") != 0)
			from_tree(c, path, v->kids[i]);
}

/* The length of the URL at p (in a line ending at e). */
static size_t
url_len(const char *p, const char *e)
{
	const char	*q;
	int		 depth = 0;

	for (q = p; q < e; q++) {
		if (*q == ' ' || *q == '\t' || *q == '<' || *q == '>' ||
		    *q == '"' || *q == '`' || *q == '\'' || *q == '\r')
			break;
		if (*q == '(')
			depth++;
		else if (*q == ')' && depth-- == 0)
			break;
	}
	/* Sentence punctuation after a bare URL is not part of it. */
	while (q > p && strchr(".,;:!?*_", q[-1]) != NULL)
		q--;
	return (size_t)(q - p);
}

/* The links of a Markdown body starting at line line0 of path. */
static void
from_body(struct coll *c, const char *path, const char *body, size_t sz,
    size_t line0)
{
	const char	*p = body, *end = body + sz, *e, *q, *s;
	size_t		 line = line0, n, ticks;
	char		 fence = 0;
	size_t		 fencesz = 0;

	for (; p < end; p = e + 1, line++) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		for (s = p; s < e && s - p < 4 && *s == ' '; s++)
			continue;
		/* Fenced code: ``` or ~~~, closed by at least as many. */
		if (s < e && (*s == '`' || *s == '~')) {
			for (n = 0; s + n < e && s[n] == *s; n++)
				continue;
			if (n >= 3) {
				if (fence == 0) {
					fence = *s;
					fencesz = n;
				} else if (*s == fence && n >= fencesz)
					fence = 0;
				continue;
			}
		}
		if (fence != 0)
			continue;
		for (q = p; q < e; q++) {
			/* Code spans: skip to the matching backticks. */
			if (*q == '`') {
				for (ticks = 0; q + ticks < e &&
				    q[ticks] == '`'; ticks++)
					continue;
				for (s = q + ticks; s + ticks <= e; s++)
					if (memcmp(s, q, ticks) == 0)
						break;
				q = s + ticks <= e ? s + ticks - 1 : e;
				continue;
			}
			if ((*q != 'h' && *q != 'H') || !is_url(q))
				continue;
			if ((n = url_len(q, e)) > 8)
				add(c, path, line, q, n);
			q += n > 0 ? n - 1 : 0;
		}
		if (e == end)
			break;
	}
}

/*
 * The links of an entry: its front matter from the model, its body
 * read again (the loader lets go of the text once it is rendered).
 */
static void
from_entry(struct coll *c, const struct entry *e)
{
	char		*text = NULL;
	const char	*body;
	size_t		 sz, line;
	struct val	*meta = NULL;

	from_tree(c, e->path, e->meta);
	if (!file_read(e->path, &text, &sz))
		return;
	if (fm_split(e->path, text, sz, &meta, &body, &line))
		from_body(c, e->path, body, sz - (size_t)(body - text), line);
	val_free(meta);
	free(text);
}

static int
occ_cmp(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;
	int		 r;

	if ((r = strcmp(x->path, y->path)) != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->url, y->url);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Seconds of a site.yaml links duration, or def. */
static long
secs(const struct val *links, const char *key, long def)
{
	const char	*s;
	long		 v;

	if ((s = val_get_str(links, key)) == NULL ||
	    (v = duration_secs(s)) < 0)
		return def;
	return v;
}

static void
note_done(void *arg, const struct http_link *l)
{
	size_t	*left = arg;

	(*left)--;
	(void)l;
}

/* Fill l from a cached record if it is younger than max_age. */
static int
cached(struct idx *idx, struct http_link *l, time_t now, long max_age)
{
	char		*rec = NULL;
	size_t		 sz;
	struct val	*v;
	const struct val *f;
	long long	 at;
	int		 ok = 0;

	if (idx_get_rec(idx, "links", l->url, &rec, &sz) != 1)
		return 0;
	if ((v = json_parse(rec, sz)) != NULL && v->type == VAL_MAP &&
	    (f = val_get(v, "checked")) != NULL && f->type == VAL_NUM) {
		at = (long long)f->num;
		if (at <= (long long)now && (long long)now - at < max_age) {
			f = val_get(v, "status");
			l->status = f != NULL && f->type == VAL_NUM ?
			    (long)f->num : 0;
			f = val_get(v, "redirects");
			l->redirects = f != NULL && f->type == VAL_NUM ?
			    (long)f->num : 0;
			if (val_get_str(v, "final") != NULL)
				l->final = xstrdup(val_get_str(v, "final"));
			if (val_get_str(v, "error") != NULL)
				l->error = xstrdup(val_get_str(v, "error"));
			ok = 1;
		}
	}
	val_free(v);
	free(rec);
	return ok;
}

static int
store(struct idx *idx, const struct http_link *l, time_t now)
{
	struct val	*v;
	struct buf	 b;
	int		 ok;

	v = val_map();
	val_set(v, "status", val_int(l->status));
	val_set(v, "redirects", val_int(l->redirects));
	if (l->final != NULL)
		val_set_str(v, "final", l->final);
	if (l->error != NULL)
		val_set_str(v, "error", l->error);
	val_set(v, "checked", val_int((long long)now));
	memset(&b, 0, sizeof(b));
	val_json(&b, v, 0);
	ok = idx_put_rec(idx, "links", l->url, b.data, b.sz);
	buf_free(&b);
	val_free(v);
	return ok;
}

/*
 * kbgen lint --links.  Loads the content quietly (cmd_lint has reported
 * its problems), checks the links and returns 0, or 1 when a link is
 * broken under --strict or the check itself failed.
 */
int
cmd_links(const struct opts *o)
{
	struct kb	*kb;
	struct coll	 c;
	struct idx	*idx = NULL;
	struct http_link *ls = NULL, **todo = NULL, *tl = NULL;
	const struct val *lc = NULL;
	char		**urls = NULL, *cache = NULL, *path;
	size_t		 i, n = 0, ntodo = 0, broken = 0, redirected = 0,
			 left;
	long		 max_age, timeout, per_host;
	time_t		 now;
	const struct val *sem;
	const struct http_link *l;
	int		 rc = 1;

	memset(&c, 0, sizeof(c));
	diag_set_quiet(1);
	kb = kb_load(o->root, 1, par_jobs(o->jobs));
	diag_set_quiet(0);
	diag_set_strict(o->strict);
	if (kb == NULL) {
		fprintf(stderr, "kbgen: links not checked: the content "
		    "could not be loaded\n");
		return 1;
	}
	if (kb->site.tree != NULL && kb->site.tree->type == VAL_MAP)
		lc = val_get(kb->site.tree, "links");
	max_age = secs(lc, "max_age", LINKS_MAX_AGE);
	timeout = secs(lc, "timeout", LINKS_TIMEOUT);
	per_host = LINKS_PER_HOST;
	if (val_get_str(lc, "per_host") != NULL &&
	    atol(val_get_str(lc, "per_host")) > 0)
		per_host = atol(val_get_str(lc, "per_host"));

	diag_set_quiet(1);
	for (i = 0; i < kb->ucsz; i++)
		from_entry(&c, &kb->ucs[i]->e);
	for (i = 0; i < kb->peoplesz; i++)
		from_entry(&c, &kb->people[i]->e);
	for (i = 0; i < kb->pagesz; i++)
		from_entry(&c, &kb->pages[i]->e);
	for (i = 0; i < kb->hacksz; i++)
		from_entry(&c, &kb->hacks[i]->e);
	diag_set_quiet(0);
	/* Seminar maps carry "file", their path below content/. */
	for (i = 0; kb->seminars != NULL && i < kb->seminars->kidsz; i++) {
		sem = kb->seminars->kids[i];
		if (val_get_str(sem, "file") == NULL)
			continue;
		path = path_join(kb->content, val_get_str(sem, "file"));
		/* Seminars of one file share its path. */
		if (c.pathsz > 0 && strcmp(c.paths[c.pathsz - 1], path) == 0)
			free(path);
		else {
			c.paths = xreallocarray(c.paths, c.pathsz + 1,
			    sizeof(*c.paths));
			c.paths[c.pathsz++] = path;
		}
		from_tree(&c, c.paths[c.pathsz - 1], sem);
	}

	/* One check per distinct URL. */
	urls = xcalloc(c.occsz + 1, sizeof(*urls));
	for (i = 0; i < c.occsz; i++)
		urls[i] = c.occs[i].url;
	xqsort(urls, c.occsz, sizeof(*urls), str_cmp);
	for (i = 0; i < c.occsz; i++)
		if (n == 0 || strcmp(urls[n - 1], urls[i]) != 0)
			urls[n++] = urls[i];
	ls = xcalloc(n + 1, sizeof(*ls));
	for (i = 0; i < n; i++)
		ls[i].url = urls[i];

	cache = path_join(o->root, ".kbgen");
	if ((idx = idx_open(cache)) == NULL)
		goto out;
	now = time(NULL);
	todo = xcalloc(n + 1, sizeof(*todo));
	for (i = 0; i < n; i++)
		if (o->force || !cached(idx, &ls[i], now, max_age))
			todo[ntodo++] = &ls[i];
	if (!o->quiet)
		fprintf(stderr, "kbgen: %zu link%s, %zu to check, %zu from "
		    "the cache\n", n, n == 1 ? "" : "s", ntodo, n - ntodo);
	/* http_check wants an array: check copies, then move them back. */
	tl = xcalloc(ntodo + 1, sizeof(*tl));
	for (i = 0; i < ntodo; i++)
		tl[i].url = todo[i]->url;
	left = ntodo;
	if (!http_check(tl, ntodo, per_host, 16, timeout, note_done, &left))
		goto out;
	if (!idx_begin(idx))
		goto out;
	for (i = 0; i < ntodo; i++) {
		free(todo[i]->final);
		free(todo[i]->error);
		*todo[i] = tl[i];
		tl[i].final = tl[i].error = NULL;
		if (!store(idx, todo[i], now)) {
			idx_abort(idx);
			goto out;
		}
	}
	if (!idx_commit(idx))
		goto out;

	/* Report where each link is written, in file and line order. */
	for (i = 0; i < c.occsz; i++) {
		const char **hit = bsearch(&c.occs[i].url, urls, n,
		    sizeof(*urls), str_cmp);

		c.occs[i].u = (size_t)((char **)hit - urls);
	}
	xqsort(c.occs, c.occsz, sizeof(*c.occs), occ_cmp);
	for (i = 0; i < c.occsz; i++) {
		l = &ls[c.occs[i].u];
		if (l->status == 0 || l->status >= 400) {
			if (l->status == 0)
				fprintf(stderr, "%s:%zu: %s: %s\n",
				    c.occs[i].path, c.occs[i].line,
				    c.occs[i].url, l->error != NULL ?
				    l->error : "no answer");
			else
				fprintf(stderr, "%s:%zu: %s: %ld\n",
				    c.occs[i].path, c.occs[i].line,
				    c.occs[i].url, l->status);
			broken++;
		} else if (l->redirects > 0 && l->final != NULL) {
			if (!o->quiet)
				fprintf(stderr, "%s:%zu: %s: %ld, redirected "
				    "to %s\n", c.occs[i].path,
				    c.occs[i].line, c.occs[i].url, l->status,
				    l->final);
			redirected++;
		}
	}
	if (!o->quiet || broken > 0)
		fprintf(stderr, "kbgen: %zu link%s checked: %zu broken, %zu "
		    "redirected\n", n, n == 1 ? "" : "s", broken, redirected);
	rc = broken > 0 && o->strict ? 1 : 0;
out:
	for (i = 0; i < n; i++) {
		free(ls[i].final);
		free(ls[i].error);
	}
	for (i = 0; i < ntodo && tl != NULL; i++) {
		free(tl[i].final);
		free(tl[i].error);
	}
	free(tl);
	free(todo);
	free(ls);
	free(urls);
	for (i = 0; i < c.occsz; i++)
		free(c.occs[i].url);
	free(c.occs);
	for (i = 0; i < c.pathsz; i++)
		free(c.paths[i]);
	free(c.paths);
	idx_free(idx);
	free(cache);
	kb_free(kb);
	return rc;
}
