/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The URL rules of code-hosting services: links to a use case's
 * example in its repository, to a commit or a file at a commit, the
 * "open in" links of site.yaml (patterns with {owner}, {repo},
 * {commit}, {path}), the edit link of an entry (site.yaml's edit_url),
 * the source archive at a commit, and the launch buttons of site.yaml's
 * launch section (Colab, Binder, a JupyterHub through nbgitpuller),
 * with every piece of a repository path or query percent-encoded.
 * GitHub, GitLab instances and Bitbucket are known; on any other host
 * there is no link but nbgitpuller's, which takes any https git URL.
 * This file only builds text: it fetches nothing and does not say
 * whether the link works (kbgen lint --links does), and it knows
 * nothing of the site's own layout (url.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

/* Hosts whose URL layout is known. */
enum host {
	HOST_NONE,
	HOST_GITHUB,
	HOST_GITLAB,	/* gitlab.com and self-hosted instances */
	HOST_BITBUCKET
};

/*
 * The host of an https URL: *name and *namesz the host name, the
 * return value its kind.  Judged on the host name alone, so that
 * "https://example.org/gitlab/x" is no GitLab.  Any URL that is not
 * https is HOST_NONE.
 */
static enum host
host_of(const char *url, const char **name, size_t *namesz)
{
	const char	*h, *e;
	size_t		 n;
	char		 buf[256];

	*name = NULL;
	*namesz = 0;
	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return HOST_NONE;
	h = url + 8;
	if ((e = strchr(h, '/')) == NULL)
		e = h + strlen(h);
	n = (size_t)(e - h);
	*name = h;
	*namesz = n;
	if (n == 0 || n >= sizeof(buf))
		return HOST_NONE;
	memcpy(buf, h, n);
	buf[n] = '\0';
	if (strcmp(buf, "github.com") == 0)
		return HOST_GITHUB;
	if (strcmp(buf, "bitbucket.org") == 0)
		return HOST_BITBUCKET;
	if (strstr(buf, "gitlab") != NULL ||
	    strcmp(buf, "baltig.infn.it") == 0)
		return HOST_GITLAB;
	return HOST_NONE;
}

/*
 * Is url an https URL plain enough to build links from: a host name of
 * letters, digits, '.', '-' (and a ':' port), then a path (non-empty
 * if need_path) of printable ASCII without '?', '#', '\\', quotes,
 * braces or angle brackets?
 * The launch and archive links are built only from such URLs, so a
 * repository URL cannot bring its own query or fragment into them.
 */
static int
plain_https(const char *url, int need_path)
{
	const char	*p;

	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return 0;
	for (p = url + 8; *p != '\0' && *p != '/'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == ':'))
			return 0;
	if (p == url + 8)
		return 0;
	if (need_path && (*p != '/' || p[1] == '\0'))
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("?#\\\"'<>`{}|^", *p) != NULL)
			return 0;
	return 1;
}

/*
 * The repository's path on its host ("owner/repo", "group/sub/repo"),
 * without a trailing ".git" or '/', as a new string; NULL when there
 * is none or a segment is empty, "." or "..".
 */
static char *
repo_path(const char *url)
{
	const char	*p, *s, *e;
	size_t		 n;

	if (!plain_https(url, 1))
		return NULL;
	p = strchr(url + 8, '/') + 1;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n > 4 && strncmp(p + n - 4, ".git", 4) == 0)
		n -= 4;
	if (n == 0)
		return NULL;
	for (s = p; s < p + n; s = e + 1) {
		if ((e = memchr(s, '/', (size_t)(p + n - s))) == NULL)
			e = p + n;
		if (e == s || (e - s == 1 && s[0] == '.') ||
		    (e - s == 2 && s[0] == '.' && s[1] == '.'))
			return NULL;
	}
	return xstrndup(p, n);
}

/* Is s a full commit id, 40 hexadecimal digits? */
static int
is_commit(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[40] == '\0';
}

/*
 * Append s percent-encoded to b: every byte but the unreserved ones of
 * RFC 3986 (letters, digits, '-', '.', '_', '~') and those of keep
 * (may be NULL) becomes %XX, UTF-8 byte by byte.  keep "/" encodes a
 * path; NULL a query value or one path segment.
 */
static void
pct_put(struct buf *b, const char *s, const char *keep)
{
	unsigned char	 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (keep != NULL &&
		    strchr(keep, c) != NULL))
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/*
 * A path within the repository, normalised: segments joined with '/',
 * empty and "." segments dropped.  A new string; NULL when a segment
 * is ".." or nothing is left.
 */
static char *
clean_path(const char *a, const char *b)
{
	struct buf	 out = { NULL, 0, 0 };
	const char	*parts[2] = { a, b }, *s, *e;
	size_t		 i, n;

	for (i = 0; i < 2; i++) {
		if (parts[i] == NULL)
			continue;
		for (s = parts[i]; *s != '\0'; s = *e ? e + 1 : e) {
			if ((e = strchr(s, '/')) == NULL)
				e = s + strlen(s);
			n = (size_t)(e - s);
			if (n == 0 || (n == 1 && s[0] == '.'))
				continue;
			if (n == 2 && s[0] == '.' && s[1] == '.') {
				buf_free(&out);
				return NULL;
			}
			if (out.sz > 0)
				buf_putc(&out, '/');
			buf_put(&out, s, n);
		}
	}
	if (out.sz == 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* A hub's URL without its trailing slashes, or NULL if not https. */
static char *
hub_base(const char *hub)
{
	size_t	 n;

	if (!plain_https(hub, 0))
		return NULL;
	n = strlen(hub);
	while (n > 8 && hub[n - 1] == '/')
		n--;
	return xstrndup(hub, n);
}

/*
 * See model/model.h.  A link to the example inside its repository on hosts
 * whose URL layout is known (GitHub, GitLab instances, Bitbucket); NULL
 * others.
 */
char *
hosting_example_url(const struct usecase *uc)
{
	const char	*url, *ref, *sub, *host;
	char		*base, *path, *res;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 n;

	if (uc->repository == NULL || uc->example == NULL)
		return NULL;
	url = val_get_str(uc->repository, "url");
	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return NULL;
	ref = val_get_str(uc->repository, "ref");
	sub = val_get_str(uc->repository, "subdir");
	n = strlen(url);
	if (n > 4 && strcmp(url + n - 4, ".git") == 0)
		n -= 4;
	base = xstrndup(url, n);
	path = sub ? xasprintf("%s/%s", sub, uc->example) :
	    xstrdup(uc->example);
	/* A path or branch holding '#', '?' or a space is encoded. */
	pct_put(&b, ref ? ref : "HEAD", "/");
	buf_putc(&b, '/');
	pct_put(&b, path, "/");
	switch (host_of(url, &host, &n)) {
	case HOST_GITHUB:
		res = xasprintf("%s/blob/%s", base, buf_cstr(&b));
		break;
	case HOST_BITBUCKET:
		res = xasprintf("%s/src/%s", base, buf_cstr(&b));
		break;
	case HOST_GITLAB:
		res = xasprintf("%s/-/blob/%s", base, buf_cstr(&b));
		break;
	default:
		res = NULL;
		break;
	}
	buf_free(&b);
	free(base);
	free(path);
	return res;
}

/*
 * See model/model.h.
 */
char *
hosting_edit_url(const struct kb *kb, const struct entry *e)
{
	const char	*t = kb->site.edit_url, *p;
	struct buf	 b = { NULL, 0, 0 };

	if (t == NULL)
		return NULL;
	while ((p = strstr(t, "{path}")) != NULL) {
		buf_put(&b, t, (size_t)(p - t));
		buf_printf(&b, "content/%s", e->relpath);
		t = p + 6;
	}
	buf_puts(&b, t);
	return buf_steal(&b);
}

/*
 * See model/model.h.  Owner and repository name of an https URL shaped
 * host/owner/repo, as new strings; 0 if the URL has another shape.
 */
int
hosting_owner_repo(const char *url, char **owner, char **repo)
{
	const char	*p, *s1, *s2;
	size_t		 n;

	if (url == NULL || strncmp(url, "https://", 8) != 0)
		return 0;
	if ((p = strchr(url + 8, '/')) == NULL)
		return 0;
	s1 = p + 1;
	if ((s2 = strchr(s1, '/')) == NULL || s2 == s1)
		return 0;
	n = strlen(s2 + 1);
	while (n > 0 && s2[n] == '/')
		n--;
	if (n > 4 && strncmp(s2 + 1 + n - 4, ".git", 4) == 0)
		n -= 4;
	if (n == 0 || memchr(s2 + 1, '/', n) != NULL)
		return 0;
	*owner = xstrndup(s1, (size_t)(s2 - s1));
	*repo = xstrndup(s2 + 1, n);
	return 1;
}

/*
 * See model/model.h.  A link to a commit, or to a file at a commit (path
 * not NULL), on hosts whose URL layout is known; NULL elsewhere.
 */
char *
hosting_url(const char *url, const char *commit, const char *path)
{
	const char	*host;
	char		*base, *res = NULL;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 n;

	if (url == NULL || commit == NULL ||
	    strncmp(url, "https://", 8) != 0)
		return NULL;
	n = strlen(url);
	if (n > 4 && strcmp(url + n - 4, ".git") == 0)
		n -= 4;
	base = xstrndup(url, n);
	if (path != NULL)
		pct_put(&b, path, "/");
	switch (host_of(url, &host, &n)) {
	case HOST_GITHUB:
		res = path ? xasprintf("%s/blob/%s/%s", base, commit,
		    buf_cstr(&b)) : xasprintf("%s/commit/%s", base, commit);
		break;
	case HOST_BITBUCKET:
		res = path ? xasprintf("%s/src/%s/%s", base, commit,
		    buf_cstr(&b)) : xasprintf("%s/commits/%s", base, commit);
		break;
	case HOST_GITLAB:
		res = path ? xasprintf("%s/-/blob/%s/%s", base, commit,
		    buf_cstr(&b)) : xasprintf("%s/-/commit/%s", base, commit);
		break;
	default:
		break;
	}
	buf_free(&b);
	free(base);
	return res;
}

/*
 * See model/model.h.
 */
char *
hosting_fill(const char *pat, const char *owner, const char *repo,
    const char *commit, const char *path)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p;

	for (p = pat; *p != '\0'; p++) {
		if (strncmp(p, "{owner}", 7) == 0) {
			buf_puts(&b, owner);
			p += 6;
		} else if (strncmp(p, "{repo}", 6) == 0) {
			buf_puts(&b, repo);
			p += 5;
		} else if (strncmp(p, "{commit}", 8) == 0) {
			buf_puts(&b, commit);
			p += 7;
		} else if (strncmp(p, "{path}", 6) == 0) {
			buf_puts(&b, path);
			p += 5;
		} else
			buf_putc(&b, *p);
	}
	return buf_steal(&b);
}

/*
 * See model/model.h.  GitHub /archive/C.tar.gz, GitLab
 * /-/archive/C/NAME-C.tar.gz, Bitbucket /get/C.tar.gz.
 */
char *
hosting_archive_url(const char *url, const char *commit)
{
	const char	*host, *name;
	char		*path, *res = NULL;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 n;
	enum host	 h;

	if (!is_commit(commit) || (path = repo_path(url)) == NULL)
		return NULL;
	h = host_of(url, &host, &n);
	name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (h == HOST_NONE || (h != HOST_GITLAB && strchr(path, '/') !=
	    strrchr(path, '/')) || strchr(path, '/') == NULL) {
		free(path);
		return NULL;
	}
	buf_puts(&b, "https://");
	buf_put(&b, host, n);
	buf_putc(&b, '/');
	buf_puts(&b, path);
	switch (h) {
	case HOST_GITHUB:
		buf_printf(&b, "/archive/%s.tar.gz", commit);
		break;
	case HOST_GITLAB:
		buf_printf(&b, "/-/archive/%s/", commit);
		buf_puts(&b, name);
		buf_printf(&b, "-%s.tar.gz", commit);
		break;
	default:
		buf_printf(&b, "/get/%s.tar.gz", commit);
		break;
	}
	res = buf_steal(&b);
	free(path);
	return res;
}

/*
 * See model/model.h.  Colab opens notebooks of GitHub repositories
 * only: https://colab.research.google.com/github/O/R/blob/C/PATH.
 */
char *
hosting_colab_url(const char *url, const char *commit, const char *path)
{
	const char	*host;
	char		*rp, *p;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 n;

	if (!is_commit(commit) || path == NULL ||
	    host_of(url, &host, &n) != HOST_GITHUB)
		return NULL;
	n = strlen(path);
	if (n < 6 || strcmp(path + n - 6, ".ipynb") != 0)
		return NULL;
	if ((rp = repo_path(url)) == NULL)
		return NULL;
	if ((p = strchr(rp, '/')) == NULL || strchr(p + 1, '/') != NULL) {
		free(rp);
		return NULL;
	}
	buf_puts(&b, "https://colab.research.google.com/github/");
	pct_put(&b, rp, "/");
	buf_printf(&b, "/blob/%s/", commit);
	pct_put(&b, path, "/");
	free(rp);
	return buf_steal(&b);
}

/*
 * See model/model.h.  HUB/v2/gh/O/R/C or, for gitlab.com,
 * HUB/v2/gl/NAMESPACE%2FR/C, with ?urlpath=lab/tree/PATH encoded.
 */
char *
hosting_binder_url(const char *hub, const char *url, const char *commit,
    const char *path)
{
	const char	*host;
	char		*rp = NULL, *base = NULL, *p, *tree = NULL;
	char		*res = NULL;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 n;
	enum host	 h;

	if (!is_commit(commit) || path == NULL ||
	    (base = hub_base(hub)) == NULL ||
	    (rp = repo_path(url)) == NULL)
		goto out;
	h = host_of(url, &host, &n);
	p = strchr(rp, '/');
	if (h == HOST_GITHUB && p != NULL && strchr(p + 1, '/') == NULL) {
		buf_printf(&b, "%s/v2/gh/", base);
		pct_put(&b, rp, "/");
	} else if (h == HOST_GITLAB && n == 10 &&
	    strncmp(host, "gitlab.com", 10) == 0 && p != NULL) {
		buf_printf(&b, "%s/v2/gl/", base);
		pct_put(&b, rp, NULL);
	} else
		goto out;
	tree = xasprintf("lab/tree/%s", path);
	buf_printf(&b, "/%s?urlpath=", commit);
	pct_put(&b, tree, NULL);
	res = buf_steal(&b);
out:
	buf_free(&b);
	free(tree);
	free(rp);
	free(base);
	return res;
}

/*
 * See model/model.h.  HUB/hub/user-redirect/git-pull?repo=URL
 * [&branch=B]&urlpath=lab/tree/NAME/PATH, every value encoded; NAME is
 * the folder nbgitpuller clones into, the URL's last segment.
 */
char *
hosting_gitpuller_url(const char *hub, const char *url,
    const char *branch, const char *path)
{
	char		*rp = NULL, *base = NULL, *tree = NULL, *res = NULL;
	const char	*name;
	struct buf	 b = { NULL, 0, 0 };

	if (path == NULL || (base = hub_base(hub)) == NULL ||
	    (rp = repo_path(url)) == NULL)
		goto out;
	name = strrchr(rp, '/') != NULL ? strrchr(rp, '/') + 1 : rp;
	buf_printf(&b, "%s/hub/user-redirect/git-pull?repo=", base);
	pct_put(&b, url, NULL);
	if (branch != NULL && *branch != '\0') {
		buf_puts(&b, "&branch=");
		pct_put(&b, branch, NULL);
	}
	tree = xasprintf("lab/tree/%s/%s", name, path);
	buf_puts(&b, "&urlpath=");
	pct_put(&b, tree, NULL);
	res = buf_steal(&b);
out:
	buf_free(&b);
	free(tree);
	free(rp);
	free(base);
	return res;
}

/*
 * See model/model.h.  The content's own ref when it is a full commit,
 * else the commit kbgen sync recorded.
 */
const char *
hosting_pin(const struct usecase *uc)
{
	const char	*ref;

	if (uc->repository == NULL)
		return NULL;
	ref = val_get_str(uc->repository, "ref");
	if (is_commit(ref))
		return ref;
	ref = uc->prov != NULL ? val_get_str(uc->prov, "commit") : NULL;
	return is_commit(ref) ? ref : NULL;
}

/*
 * One button of site.yaml's launch section: its map (NULL when given
 * as true), whether it is on, and its label.
 */
static int
launch_on(const struct val *launch, const char *key,
    const struct val **map, const char **label, const char *def)
{
	const struct val *v;
	int		 b;

	*map = NULL;
	*label = def;
	if ((v = val_get(launch, key)) == NULL)
		return 0;
	if (v->type == VAL_MAP) {
		*map = v;
		if (val_get_str(v, "label") != NULL)
			*label = val_get_str(v, "label");
		return 1;
	}
	return bool_value(v, &b) && b;
}

/* Push {name, label, url} to l when url is not NULL; frees url. */
static void
push_button(struct val *l, const char *name, const char *label, char *url)
{
	struct val	*f;

	if (url == NULL)
		return;
	f = val_push(l, val_map());
	val_set_str(f, "name", name);
	val_set_str(f, "label", label);
	val_set_str(f, "url", url);
	free(url);
}

/*
 * See model/model.h.
 */
struct val *
hosting_launch(const struct kb *kb, const struct usecase *uc)
{
	const struct val *launch, *m;
	const char	*url, *commit, *ref, *label, *hub;
	struct val	*l = val_list();
	char		*path;

	launch = val_get(kb->site.tree, "launch");
	if (launch == NULL || launch->type != VAL_MAP ||
	    uc->repository == NULL || uc->example == NULL ||
	    (commit = hosting_pin(uc)) == NULL)
		return l;
	url = val_get_str(uc->repository, "url");
	ref = val_get_str(uc->repository, "ref");
	path = clean_path(val_get_str(uc->repository, "subdir"),
	    uc->example);
	if (path == NULL)
		return l;
	if (launch_on(launch, "colab", &m, &label, "Colab"))
		push_button(l, "colab", label,
		    hosting_colab_url(url, commit, path));
	if (launch_on(launch, "binder", &m, &label, "Binder")) {
		hub = m != NULL ? val_get_str(m, "hub") : NULL;
		push_button(l, "binder", label, hosting_binder_url(hub ? hub :
		    "https://mybinder.org", url, commit, path));
	}
	if (launch_on(launch, "jupyterhub", &m, &label, "JupyterHub") &&
	    m != NULL && (hub = val_get_str(m, "hub")) != NULL)
		push_button(l, "jupyterhub", label, hosting_gitpuller_url(hub,
		    url, is_commit(ref) ? NULL : ref, path));
	free(path);
	return l;
}

/*
 * See model/model.h.
 */
char *
hosting_source_url(const struct usecase *uc)
{
	if (uc->repository == NULL)
		return NULL;
	return hosting_archive_url(val_get_str(uc->repository, "url"),
	    hosting_pin(uc));
}
