/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The URL rules of code-hosting services: links to a use case's
 * example in its repository, to a commit or a file at a commit, the
 * "open in" links of site.yaml (patterns with {owner}, {repo},
 * {commit}, {path}) and the edit link of an entry (site.yaml's
 * edit_url).  GitHub, GitLab instances and Bitbucket are known; on any
 * other host there is no link.  This file only builds text: it fetches
 * nothing and does not say whether the link works (kbgen lint --links
 * does), and it knows nothing of the site's own layout (url.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

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
	host = url + 8;
	if (strncmp(host, "github.com/", 11) == 0)
		res = xasprintf("%s/blob/%s/%s", base, ref ? ref : "HEAD",
		    path);
	else if (strncmp(host, "bitbucket.org/", 14) == 0)
		res = xasprintf("%s/src/%s/%s", base, ref ? ref : "HEAD",
		    path);
	else if (strstr(host, "gitlab") != NULL ||
	    strncmp(host, "baltig.infn.it/", 15) == 0)
		res = xasprintf("%s/-/blob/%s/%s", base, ref ? ref : "HEAD",
		    path);
	else
		res = NULL;
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
	size_t		 n;

	if (url == NULL || commit == NULL ||
	    strncmp(url, "https://", 8) != 0)
		return NULL;
	n = strlen(url);
	if (n > 4 && strcmp(url + n - 4, ".git") == 0)
		n -= 4;
	base = xstrndup(url, n);
	host = url + 8;
	if (strncmp(host, "github.com/", 11) == 0)
		res = path ? xasprintf("%s/blob/%s/%s", base, commit, path) :
		    xasprintf("%s/commit/%s", base, commit);
	else if (strncmp(host, "bitbucket.org/", 14) == 0)
		res = path ? xasprintf("%s/src/%s/%s", base, commit, path) :
		    xasprintf("%s/commits/%s", base, commit);
	else if (strstr(host, "gitlab") != NULL ||
	    strncmp(host, "baltig.infn.it/", 15) == 0)
		res = path ? xasprintf("%s/-/blob/%s/%s", base, commit, path) :
		    xasprintf("%s/-/commit/%s", base, commit);
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
