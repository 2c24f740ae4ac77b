/*
 * What later stages use of generator/git/ (repositories
 * (libgit2)).  Include after extern.h.
 */
#ifndef KBGEN_GIT_GIT_H
#define KBGEN_GIT_GIT_H

/* sync.c: kbgen sync. */

char		*repo_cache_dir(const char *cache, const char *url);

/* gitsync.c (and gitstream.c, its sockets): the only libgit2 users. */

/*
 * Call once before any other gs_ function (and gs_shutdown at exit).
 */
int		 gs_init(void);
void		 gs_shutdown(void);

/* gitstream.c: libgit2's socket stream with time limits (KBGEN_GIT_TIMEOUT);
 * gs_init registers it.  Returns 0 on failure (reported). */

/*
 * Clone url into the bare repository dir (first time) or fetch every
 * branch and tag into it (later), forcing updated refs, and record the
 * remote's HEAD.  url may be a path, file://, https:// (with token, if
 * not NULL, sent as the password of user "x-access-token"; the token
 * never appears in messages) or ssh (through the agent).  progress
 * (may be NULL) is called with received and total objects and bytes.
 * On failure returns 0 and sets *err to a new one-line message (caller
 * frees), leaving a previous clone intact.  Safe from several threads
 * on different dirs.
 */
int		 gs_fetch(const char *dir, const char *url, const char *token,
		    void (*progress)(void *, size_t, size_t, size_t),
		    void *arg, char **err);

/*
 * Resolve ref (branch, tag, commit id or prefix; NULL for the remote
 * HEAD) in the bare repository dir and describe that commit into the
 * map rec (keys replaced): commit (40 hex), commit_date (YYYY-MM-DD,
 * UTC), author (name), last_activity (date of the newest commit on any
 * branch), contributors_year (distinct author e-mails in the year
 * before last_activity), subdir_exists, example_exists (booleans;
 * subdir and example may be NULL), files (list of paths of *.ipynb,
 * *.py, *.sh, *.R below subdir, at most 200, sorted), license (path of
 * LICENSE*, COPYING* at the top, or null), readme (plain first
 * paragraph of README*, at most 500 bytes, or null).  Reads only the
 * object database.  Returns 0 and sets *err when the ref cannot be
 * resolved.
 */
int		 gs_inspect(const char *dir, const char *ref,
		    const char *subdir, const char *example, struct val *rec,
		    char **err);

/*
 * Whether commit old is an ancestor of (or equal to) commit new in
 * dir: 1 yes, 0 no (history rewritten), -1 error (e.g. unknown).
 */
int		 gs_descends(const char *dir, const char *oldc,
		    const char *newc);

/*
 * Write the tree of commit (40 hex) into the folder dest, which must
 * not exist or be empty.  Returns 0 and sets *err on failure.
 */
int		 gs_checkout(const char *dir, const char *commit,
		    const char *dest, char **err);

/*
 * History of the files of the git work tree that contains folder
 * path: a new map from file paths relative to path (e.g.
 * "usecases/x.md") to maps {added, updated (YYYY-MM-DD of the first and
 * last commit touching it), authors (number of distinct authors)}.
 * *head (new string, may be NULL) is the commit id of HEAD.  Returns
 * NULL when path is not inside a git work tree (not an error).
 */
struct val	*gs_history(const char *path, char **head);
char		*gs_head(const char *path);
char		*gs_dep_hash(const char *dir, const char *commit,
		    const char *subdir, char **err);

/*
 * Whether commit (40 hex) of the bare repository dir has a file at
 * path (relative to the top, normalised): 1 yes, 0 no (absent or a
 * folder), -1 error (reported: no repository, unknown commit).
 */
int		 gs_path_exists(const char *dir, const char *commit,
		    const char *path);

/*
 * gitconfig.c: user.name and user.email as git reads them for the
 * folder dir (its repository's configuration, then the global and
 * system ones).  *name and *email are new strings, NULL when unset.
 * Returns 0 when the configuration cannot be read (nothing is set).
 * Call gs_init first.
 */
int		 gs_author(const char *dir, char **name, char **email);

#endif /* !KBGEN_GIT_GIT_H */
