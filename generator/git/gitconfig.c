/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Who the user is, as git knows it: user.name and user.email from the
 * configuration of the repository holding a folder (its .git/config,
 * then the global and system files, as git itself reads them), or the
 * global and system files alone outside a repository.  kbgen new
 * writes them into a scaffold.  A libgit2 user (git/ holds them all);
 * it reads, never writes, and needs no network.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "extern.h"
#include "git/git.h"

/* A copy of the string key of cfg, or NULL when unset or empty. */
static char *
cfg_str(git_config *cfg, const char *key)
{
	const char	*s = NULL;

	if (git_config_get_string(&s, cfg, key) < 0 || s == NULL ||
	    *s == '\0')
		return NULL;
	return xstrdup(s);
}

/*
 * See git/git.h.
 */
int
gs_author(const char *dir, char **name, char **email)
{
	git_repository	*repo = NULL;
	git_config	*cfg = NULL, *snap = NULL;
	int		 rc = 0;

	*name = *email = NULL;
	if (git_repository_open_ext(&repo, dir, 0, NULL) == 0) {
		if (git_repository_config_snapshot(&snap, repo) < 0)
			goto out;
	} else {
		/* No repository: ~/.gitconfig and the system file only. */
		if (git_config_open_default(&cfg) < 0 ||
		    git_config_snapshot(&snap, cfg) < 0)
			goto out;
	}
	*name = cfg_str(snap, "user.name");
	*email = cfg_str(snap, "user.email");
	rc = 1;
out:
	git_config_free(snap);
	git_config_free(cfg);
	git_repository_free(repo);
	return rc;
}
