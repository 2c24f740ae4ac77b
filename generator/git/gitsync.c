/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * With gitstream.c (its sockets), the only libgit2 user.  It keeps a
 * cache of bare repositories, one per repository URL, in a mirror-like
 * layout (the remote's branches are our refs/heads/X, its tags our
 * refs/tags/X, and HEAD follows the remote's default branch);
 * describes a commit of a cached repository (date, author, activity,
 * files, licence, README); writes the tree of a commit into a folder;
 * and collects per-file history (first and last change, number of
 * authors) of the work tree that holds the content.
 *
 * It does not decide what to fetch or when, does not run anything and
 * prints nothing for the cache functions: they hand back one-line
 * messages, scrubbed of tokens, for the caller to report.  Only
 * gs_history reports library failures itself (through diag_sys), as it
 * has no error out-parameter.
 *
 * libgit2 1.5 has no connect or read timeout (the option came in 1.7)
 * and no shallow fetch, so an unreachable host blocks for as long as
 * the system's TCP connect does; callers that need a bound run fetches
 * in threads and stop waiting.  The remote is never read from the
 * cache's configuration and url.*.insteadOf is not applied (see
 * mkremote).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "extern.h"
#include "base/base.h"
#include "git/git.h"
#include "git/private.h"

#define SPEC_HEADS	"+refs/heads/*:refs/heads/*"
#define SPEC_TAGS	"+refs/tags/*:refs/tags/*"
#define MAXFILES	200		/* files listed by gs_inspect */
#define MAXREADME	500		/* bytes of README paragraph */
#define READMESCAN	65536		/* bytes of README looked at */
#define AUTHTRIES	2		/* credential requests per method */
#define YEARSECS	(365 * 86400LL)

/*
 * What the fetch callbacks need.
 */
struct fetchctx {
	const char	 *token;	/* https password, may be NULL */
	void		(*progress)(void *, size_t, size_t, size_t);
	void		 *arg;	/* for progress */
	int		  userpass;	/* token requests so far */
	int		  ssh;	/* ssh key requests so far */
	const char	 *authmsg;	/* why we gave up, or NULL */
};

/*
 * A set of strings (owned), open addressing.
 */
struct strset {
	char		**slot;	/* cap entries, NULL when free */
	size_t		  sz;	/* strings held */
	size_t		  cap;	/* power of two, or 0 */
};

/*
 * One file of gs_history.
 */
struct hfile {
	char		 *path;	/* relative to the folder asked, owned */
	int64_t		  added;	/* oldest author time seen */
	int64_t		  updated;	/* newest author time seen */
	int		  seen;	/* some commit touched it */
	int		  sealed;	/* its creation was seen: older is
					   another file of the same name */
	struct strset	  authors;	/* lower-case e-mails */
};

/*
 * Files of gs_history by path, open addressing.
 */
struct htab {
	struct hfile	**slot;	/* cap entries, NULL when free */
	struct hfile	**all;	/* in insertion order */
	size_t		  sz;
	size_t		  cap;	/* power of two */
};

/*
 * The paths gathered by the tree walk of gs_inspect.
 */
struct files {
	char		**v;	/* owned */
	size_t		  sz;
	size_t		  cap;
};

static size_t
set_find(char **slot, size_t cap, const char *s)
{
	size_t	 i;

	i = (size_t)hash64(s, strlen(s), 0) & (cap - 1);
	while (slot[i] != NULL && strcmp(slot[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

/*
 * Add s, whose ownership passes to the set.  Returns 1 when it was new.
 */
static int
set_take(struct strset *s, char *str)
{
	char	**old;
	size_t	  i, ocap;

	if ((s->sz + 1) * 2 > s->cap) {
		old = s->slot;
		ocap = s->cap;
		s->cap = s->cap == 0 ? 8 : s->cap * 2;
		s->slot = xcalloc(s->cap, sizeof(char *));
		for (i = 0; i < ocap; i++)
			if (old[i] != NULL)
				s->slot[set_find(s->slot, s->cap,
				    old[i])] = old[i];
		free(old);
	}
	i = set_find(s->slot, s->cap, str);
	if (s->slot[i] != NULL) {
		free(str);
		return 0;
	}
	s->slot[i] = str;
	s->sz++;
	return 1;
}

static void
set_free(struct strset *s)
{
	size_t	 i;

	for (i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/*
 * A lower-case copy of an e-mail address: authors differ by address,
 * and the case of an address is not meaningful in practice.
 */
static char *
email_key(const git_signature *sig)
{
	char	*p, *s;

	p = xstrdup(sig->email != NULL ? sig->email : "");
	for (s = p; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
	return p;
}

static void
ymd(char out[16], int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		strcpy(out, "1970-01-01");
}

static struct val *
val_date(int64_t t)
{
	char	 d[16];

	ymd(d, t);
	return val_str(d);
}

/*
 * A string value of s, with the bytes of any ill-formed UTF-8 (names
 * and paths from old repositories may be Latin-1) replaced by '?'.
 */
static struct val *
val_text(const char *s)
{
	struct val	*v;
	size_t		 l, c, i, n = strlen(s);

	v = val_str(s);
	if (utf8_valid(s, n, &l, &c))
		return v;
	for (i = 0; i < n; i++)
		if ((unsigned char)v->str[i] >= 0x80)
			v->str[i] = '?';
	return v;
}

/*
 * Replace every occurrence of secret (if not NULL or empty) in the
 * buffer with "***".
 */
static void
scrub(struct buf *b, const char *secret)
{
	struct buf	 out;
	const char	*p, *q;
	size_t		 n;

	if (secret == NULL || *secret == '\0' || b->data == NULL)
		return;
	n = strlen(secret);
	if (strstr(b->data, secret) == NULL)
		return;
	memset(&out, 0, sizeof(out));
	for (p = b->data; (q = strstr(p, secret)) != NULL; p = q + n) {
		buf_put(&out, p, (size_t)(q - p));
		buf_puts(&out, "***");
	}
	buf_puts(&out, p);
	buf_free(b);
	*b = out;
}

/*
 * The password of a URL of the form scheme://user:password@host/...,
 * as a new string, or NULL.
 */
static char *
url_password(const char *url)
{
	const char	*s, *at, *colon, *slash;

	if ((s = strstr(url, "://")) == NULL)
		return NULL;
	s += 3;
	slash = strchr(s, '/');
	at = strchr(s, '@');
	if (at == NULL || (slash != NULL && at > slash))
		return NULL;
	colon = memchr(s, ':', (size_t)(at - s));
	if (colon == NULL || colon + 1 == at)
		return NULL;
	return xstrndup(colon + 1, (size_t)(at - colon - 1));
}

/*
 * A new one-line message "what url: detail" (detail NULL: libgit2's
 * last error), with control characters flattened and the token and any
 * password in the URL replaced by "***".
 */
static char *
mkerr(const char *what, const char *url, const char *token,
    const char *detail)
{
	const git_error	*ge;
	struct buf	 b;
	char		*pw, *p;
	size_t		 i, j;

	if (detail == NULL) {
		ge = git_error_last();
		detail = ge != NULL && ge->message != NULL ?
		    ge->message : "unknown error";
	}
	memset(&b, 0, sizeof(b));
	if (url != NULL)
		buf_printf(&b, "%s %s: %s", what, url, detail);
	else
		buf_printf(&b, "%s: %s", what, detail);
	scrub(&b, token);
	if (url != NULL && (pw = url_password(url)) != NULL) {
		scrub(&b, pw);
		free(pw);
	}
	p = buf_steal(&b);

	/* One line: messages from servers may carry newlines. */
	for (i = j = 0; p[i] != '\0'; i++) {
		if (iscntrl((unsigned char)p[i]))
			p[i] = ' ';
		if (p[i] == ' ' && (j == 0 || p[j - 1] == ' '))
			continue;
		p[j++] = p[i];
	}
	while (j > 0 && p[j - 1] == ' ')
		j--;
	p[j] = '\0';
	return p;
}

/*
 * Credentials for libgit2, which asks again after each refusal: a
 * token for https (as the password of "x-access-token"), the ssh agent
 * for ssh, and a clear message instead of endless retries.
 */
static int
cred_cb(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	struct fetchctx	*ctx = payload;

	(void)url;

	/* ssh servers may offer passwords too: the agent comes first. */
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (++ctx->ssh > AUTHTRIES) {
			ctx->authmsg = "authentication failed "
			    "(no key of the ssh agent was accepted)";
			return GIT_EAUTH;
		}
		return git_credential_ssh_key_from_agent(out,
		    user != NULL ? user : "git");
	}
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out,
		    user != NULL ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		if (ctx->token == NULL) {
			ctx->authmsg = "authentication required "
			    "(no token given)";
			return GIT_EAUTH;
		}
		if (++ctx->userpass > 1) {
			ctx->authmsg = "authentication failed "
			    "(token refused)";
			return GIT_EAUTH;
		}
		return git_credential_userpass_plaintext_new(out,
		    "x-access-token", ctx->token);
	}
	ctx->authmsg = "authentication required "
	    "(no supported method offered)";
	return GIT_EAUTH;
}

static int
progress_cb(const git_indexer_progress *st, void *payload)
{
	struct fetchctx	*ctx = payload;

	if (ctx->progress != NULL)
		ctx->progress(ctx->arg, st->received_objects,
		    st->total_objects, st->received_bytes);
	return 0;
}

/*
 * Fetch every branch and tag of the remote into repo, pruning what the
 * remote no longer has, and point HEAD at the remote's default branch.
 * libgit2 writes the pack and moves the refs only after a complete
 * download, so a failure leaves the repository as it was.
 */
static int
sync_remote(git_repository *repo, git_remote *remote,
    struct fetchctx *ctx, const char *what, const char *url, char **err)
{
	git_remote_callbacks	 cb;
	git_proxy_options	 px;
	git_fetch_options	 fo;
	git_buf			 def = { NULL, 0, 0 };
	git_reference		*head = NULL;
	char			*specs[2] = { SPEC_HEADS, SPEC_TAGS };
	git_strarray		 sa = { specs, 2 };
	int			 rc = 0, havedef;

	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb.credentials = cred_cb;
	cb.transfer_progress = progress_cb;
	cb.payload = ctx;
	git_proxy_options_init(&px, GIT_PROXY_OPTIONS_VERSION);
	px.type = GIT_PROXY_AUTO;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.callbacks = cb;
	fo.proxy_opts = px;
	fo.prune = GIT_FETCH_PRUNE;
	fo.update_fetchhead = 0;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;

	/*
	 * Connect first: the remote's HEAD is only known on a live
	 * connection, and git_remote_fetch reuses it.
	 */
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, &px,
	    NULL) < 0) {
		*err = mkerr(what, url, ctx->token, ctx->authmsg);
		goto out;
	}
	havedef = git_remote_default_branch(&def, remote) == 0;
	if (git_remote_fetch(remote, &sa, &fo, "kbgen sync") < 0) {
		*err = mkerr(what, url, ctx->token, ctx->authmsg);
		goto out;
	}

	/* Rewrite HEAD only when it changes: most syncs change nothing. */
	if (havedef && strncmp(def.ptr, "refs/heads/", 11) == 0 &&
	    (git_reference_lookup(&head, repo, "HEAD") < 0 ||
	    git_reference_type(head) != GIT_REFERENCE_SYMBOLIC ||
	    strcmp(git_reference_symbolic_target(head), def.ptr) != 0) &&
	    git_repository_set_head(repo, def.ptr) < 0) {
		*err = mkerr(what, url, ctx->token, NULL);
		goto out;
	}
	rc = 1;
out:
	git_reference_free(head);
	git_buf_dispose(&def);
	return rc;
}

/*
 * An in-memory remote for url in repo.  libgit2 1.5 leaks a regex
 * match buffer for every configuration entry it tests against a
 * pattern, which remote lookup and url.*.insteadOf rewriting both do,
 * so the remote is not read from the configuration and insteadOf is
 * not applied; the refspecs are passed to each fetch instead.
 */
static int
mkremote(git_remote **remote, git_repository *repo, const char *url)
{
	git_remote_create_options	 ro;

	git_remote_create_options_init(&ro,
	    GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
	    GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return git_remote_create_with_opts(remote, url, &ro) == 0;
}

/*
 * First collection: make the bare repository in a sibling folder and
 * rename it into place once complete, so that a failure leaves nothing.
 * The configuration records the remote for people who run git in the
 * cache; kbgen itself never reads it.
 */
static int
clone_into(const char *dir, const char *url, struct fetchctx *ctx,
    char **err)
{
	git_repository_init_options	 io;
	git_repository			*repo = NULL;
	git_remote			*remote = NULL;
	git_config			*cfg = NULL;
	char				*tmp;
	int				 rc = 0;

	tmp = xasprintf("%s.part", dir);
	if (!rmtree(tmp)) {
		*err = mkerr("clone", url, ctx->token, strerror(errno));
		goto out;
	}
	git_repository_init_options_init(&io,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
	    GIT_REPOSITORY_INIT_NO_REINIT;
	if (git_repository_init_ext(&repo, tmp, &io) < 0 ||
	    git_repository_config(&cfg, repo) < 0 ||
	    git_config_set_string(cfg, "remote.origin.url", url) < 0 ||
	    git_config_set_string(cfg, "remote.origin.fetch",
	    SPEC_HEADS) < 0 ||
	    git_config_set_string(cfg, "remote.origin.tagOpt",
	    "--tags") < 0 ||
	    !mkremote(&remote, repo, url)) {
		*err = mkerr("clone", url, ctx->token, NULL);
		goto out;
	}
	if (!sync_remote(repo, remote, ctx, "clone", url, err))
		goto out;
	git_remote_free(remote);
	remote = NULL;
	git_config_free(cfg);
	cfg = NULL;
	git_repository_free(repo);
	repo = NULL;
	if (rename(tmp, dir) == -1) {
		*err = mkerr("clone", url, ctx->token, strerror(errno));
		goto out;
	}
	rc = 1;
out:
	git_remote_free(remote);
	git_config_free(cfg);
	git_repository_free(repo);
	if (!rc)
		rmtree(tmp);
	free(tmp);
	return rc;
}

/*
 * Later collections: fetch into the existing bare repository.
 */
static int
fetch_into(const char *dir, const char *url, struct fetchctx *ctx,
    char **err)
{
	git_repository	*repo = NULL;
	git_remote	*remote = NULL;
	int		 rc = 0;

	if (git_repository_open_bare(&repo, dir) < 0 ||
	    !mkremote(&remote, repo, url)) {
		*err = mkerr("fetch", url, ctx->token, NULL);
		goto out;
	}
	rc = sync_remote(repo, remote, ctx, "fetch", url, err);
out:
	git_remote_free(remote);
	git_repository_free(repo);
	return rc;
}

/*
 * The folder a local URL (a path or file://) names, or NULL for a
 * remote one (scheme://, or scp-like host:path).
 */
static const char *
local_path(const char *url)
{
	const char	*colon, *slash;

	if (strncmp(url, "file://", 7) == 0)
		return strchr(url, '%') == NULL ? url + 7 : NULL;
	if (strstr(url, "://") != NULL)
		return NULL;
	colon = strchr(url, ':');
	slash = strchr(url, '/');
	if (colon != NULL && (slash == NULL || colon < slash))
		return NULL;
	return url;
}

/*
 * Start libgit2.  Returns 1 on success, 0 on failure (reported).
 */
int
gs_init(void)
{
	const git_error	*ge;

	if (git_libgit2_init() < 0) {
		ge = git_error_last();
		diag_sys(NULL, "libgit2: %s", ge != NULL ?
		    ge->message : "cannot initialise");
		return 0;
	}

	/*
	 * libgit2 caches no tree over 4 KiB (about 100 entries), so a
	 * big folder was parsed again at every step of gs_history.
	 */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
	    (size_t)1024 * 1024);
	/* Connections that give up rather than hang (gitstream.c). */
	if (!gs_stream_register()) {
		git_libgit2_shutdown();
		return 0;
	}
	return 1;
}

/*
 * Release libgit2's global state (one call per gs_init).
 */
void
gs_shutdown(void)
{
	git_libgit2_shutdown();
}

/*
 * Clone url into the bare repository dir, or fetch into it when it
 * exists.  See git/git.h.  *err (new string, caller frees) is set on
 * failure and NULL on success.
 */
int
gs_fetch(const char *dir, const char *url, const char *token,
    void (*progress)(void *, size_t, size_t, size_t), void *arg,
    char **err)
{
	struct fetchctx	 ctx;
	struct stat	 st;
	const char	*lp;
	int		 have;

	*err = NULL;
	memset(&ctx, 0, sizeof(ctx));
	ctx.token = token != NULL && *token != '\0' ? token : NULL;
	ctx.progress = progress;
	ctx.arg = arg;
	if (!(have = stat(dir, &st) == 0) && errno != ENOENT) {
		*err = mkerr("fetch", url, token, strerror(errno));
		return 0;
	}

	/* libgit2 calls a missing folder an "unsupported URL protocol". */
	if ((lp = local_path(url)) != NULL && stat(lp, &st) == -1) {
		*err = mkerr(have ? "fetch" : "clone", url, token,
		    strerror(errno));
		return 0;
	}
	return have ? fetch_into(dir, url, &ctx, err) :
	    clone_into(dir, url, &ctx, err);
}

/*
 * Peel the reference name to a commit: 1 found, 0 not.
 */
static int
ref_commit(git_repository *repo, const char *name, git_commit **c)
{
	git_reference	*r = NULL;
	git_object	*o = NULL;

	if (git_reference_lookup(&r, repo, name) < 0)
		return 0;
	if (git_reference_peel(&o, r, GIT_OBJECT_COMMIT) < 0) {
		git_reference_free(r);
		return 0;
	}
	git_reference_free(r);
	*c = (git_commit *)o;
	return 1;
}

/*
 * Resolve ref as a branch, a tag, a full reference name or a commit
 * id or prefix; NULL means HEAD (the remote's default branch), then
 * main, then master.  Returns 1 with *c set, else 0 with *err set.
 */
static int
resolve(git_repository *repo, const char *ref, git_commit **c,
    char **err)
{
	git_object	*o = NULL;
	git_oid		 oid;
	char		*name;
	size_t		 n, i;
	int		 found, e;

	*c = NULL;
	if (ref == NULL) {
		if (ref_commit(repo, "HEAD", c) ||
		    ref_commit(repo, "refs/heads/main", c) ||
		    ref_commit(repo, "refs/heads/master", c))
			return 1;
		*err = xstrdup("no default branch (HEAD, main or master)");
		return 0;
	}
	name = xasprintf("refs/heads/%s", ref);
	found = ref_commit(repo, name, c);
	free(name);
	if (found)
		return 1;
	name = xasprintf("refs/tags/%s", ref);
	found = ref_commit(repo, name, c);
	free(name);
	if (found)
		return 1;
	if (strncmp(ref, "refs/", 5) == 0 && ref_commit(repo, ref, c))
		return 1;
	n = strlen(ref);
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)ref[i]))
			break;
	if (i == n && n >= GIT_OID_MINPREFIXLEN && n <= GIT_OID_HEXSZ &&
	    git_oid_fromstrn(&oid, ref, n) == 0) {
		e = git_object_lookup_prefix(&o, repo, &oid, n,
		    GIT_OBJECT_ANY);
		if (e == GIT_EAMBIGUOUS) {
			*err = mkerr("ref", ref, NULL, NULL);
			return 0;
		}
		if (e == 0) {
			found = git_object_peel((git_object **)c, o,
			    GIT_OBJECT_COMMIT) == 0;
			git_object_free(o);
			if (found)
				return 1;
		}
	}
	*err = xasprintf("ref %s: no branch, tag or commit of that name",
	    ref);
	return 0;
}

/*
 * The date of the newest commit on any branch (*last) and the number
 * of distinct author e-mails of commits in the year before it, both
 * by committer time.  The walk goes newest first and stops at the
 * first older commit.  Returns 2, 1 when there is no branch (*last and
 * *n are 0), 0 on error.
 */
static int
activity(git_repository *repo, int64_t *last, long long *n)
{
	git_reference_iterator	*it = NULL;
	git_reference		*r;
	git_object		*o;
	git_revwalk		*w = NULL;
	git_commit		*c;
	git_oid			 oid;
	struct strset		 set;
	int64_t			 t;
	int			 rc = 0, any = 0;

	memset(&set, 0, sizeof(set));
	*last = 0;
	*n = 0;
	if (git_reference_iterator_glob_new(&it, repo, "refs/heads/*") < 0)
		goto out;
	while (git_reference_next(&r, it) == 0) {
		if (git_reference_peel(&o, r, GIT_OBJECT_COMMIT) == 0) {
			t = git_commit_time((git_commit *)o);
			if (!any || t > *last)
				*last = t;
			any = 1;
			git_object_free(o);
		}
		git_reference_free(r);
	}
	if (!any) {
		rc = 1;
		goto out;
	}
	if (git_revwalk_new(&w, repo) < 0 ||
	    git_revwalk_sorting(w, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push_glob(w, "refs/heads/*") < 0)
		goto out;
	while (git_revwalk_next(&oid, w) == 0) {
		if (git_commit_lookup(&c, repo, &oid) < 0)
			goto out;
		t = git_commit_time(c);
		if (t < *last - YEARSECS) {
			git_commit_free(c);
			break;
		}
		set_take(&set, email_key(git_commit_author(c)));
		git_commit_free(c);
	}
	*n = (long long)set.sz;
	rc = 2;
out:
	set_free(&set);
	git_revwalk_free(w);
	git_reference_iterator_free(it);
	return rc;
}

static int
files_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct files	*f = payload;
	const char	*name = git_tree_entry_name(e), *dot;

	/* Hidden folders hold tooling and checkpoints, not examples. */
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return name[0] == '.' ? 1 : 0;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    (dot = strrchr(name, '.')) == NULL)
		return 0;
	if (strcmp(dot, ".ipynb") != 0 && strcmp(dot, ".py") != 0 &&
	    strcmp(dot, ".sh") != 0 && strcmp(dot, ".R") != 0 &&
	    strcmp(dot, ".r") != 0)
		return 0;
	if (f->sz == f->cap) {
		f->cap = f->cap == 0 ? 32 : f->cap * 2;
		f->v = xreallocarray(f->v, f->cap, sizeof(char *));
	}
	f->v[f->sz++] = xasprintf("%s%s", root, name);
	return 0;
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Whether name (a top-level entry) is a licence file.
 */
static int
is_license(const char *name)
{
	return strncasecmp(name, "license", 7) == 0 ||
	    strncasecmp(name, "licence", 7) == 0 ||
	    strncasecmp(name, "copying", 7) == 0;
}

/*
 * Whether name is a README in a text format we can read.
 */
static int
is_readme(const char *name)
{
	const char	*ext;

	if (strncasecmp(name, "readme", 6) != 0)
		return 0;
	if (name[6] == '\0')
		return 1;
	if (name[6] != '.')
		return 0;
	ext = name + 7;
	return strcasecmp(ext, "md") == 0 ||
	    strcasecmp(ext, "markdown") == 0 ||
	    strcasecmp(ext, "rst") == 0 || strcasecmp(ext, "txt") == 0;
}

/*
 * Append the plain text of the Markdown inline p[0..n): images and
 * HTML tags dropped, links reduced to their text, emphasis and code
 * marks removed, whitespace collapsed.
 */
static void
plain_inline(struct buf *b, const char *p, size_t n)
{
	size_t	 i, j, depth, close;
	int	 image;

	for (i = 0; i < n; i++) {
		image = p[i] == '!' && i + 1 < n && p[i + 1] == '[';
		if (p[i] == '[' || image) {
			j = i + (image ? 1 : 0);
			for (depth = 0, close = j; close < n; close++) {
				if (p[close] == '[')
					depth++;
				else if (p[close] == ']' && --depth == 0)
					break;
			}
			if (close < n && close + 1 < n &&
			    (p[close + 1] == '(' || p[close + 1] == '[')) {
				if (!image)
					plain_inline(b, p + j + 1,
					    close - j - 1);
				for (i = close + 2; i < n &&
				    p[i] != (p[close + 1] == '(' ?
				    ')' : ']'); i++)
					continue;
				continue;
			}
		}
		if (p[i] == '<' && i + 1 < n && (isalpha((unsigned char)
		    p[i + 1]) || p[i + 1] == '/' || p[i + 1] == '!')) {
			for (j = i + 1; j < n && p[j] != '>'; j++)
				continue;
			if (j < n) {
				/* An autolink keeps its address. */
				if (memchr(p + i, ':', j - i) != NULL &&
				    memchr(p + i, ' ', j - i) == NULL)
					buf_put(b, p + i + 1, j - i - 1);
				i = j;
				continue;
			}
		}
		if (p[i] == '*' || p[i] == '`')
			continue;
		if (isspace((unsigned char)p[i])) {
			if (b->sz > 0 && b->data[b->sz - 1] != ' ')
				buf_putc(b, ' ');
			continue;
		}
		buf_putc(b, p[i]);
	}
}

/*
 * Whether the line is a setext or reStructuredText underline.
 */
static int
is_rule(const char *p, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t')
			continue;
		if (p[i] != '=' && p[i] != '-' && p[i] != '~' &&
		    p[i] != '*' && p[i] != '#' && p[i] != '^')
			return 0;
		k++;
	}
	return k >= 2;
}

/*
 * The first paragraph of a README as plain text (new string), or NULL.
 * Titles (ATX and underlined), badge and HTML-only lines, comments,
 * directives and code blocks before it are skipped.
 */
static char *
readme_para(const char *text, size_t n)
{
	struct buf	 b, line;
	const char	*p = text, *e = text + n, *nl;
	size_t		 len, lead, cut, l, c;
	int		 fence = 0, comment = 0;
	char		*res = NULL;

	memset(&b, 0, sizeof(b));
	memset(&line, 0, sizeof(line));
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		len = (size_t)(nl - p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		for (lead = 0; lead < len &&
		    isspace((unsigned char)p[lead]); lead++)
			continue;
		if (comment) {
			if (len >= 3 && memcmp(p + len - 3, "-->", 3) == 0)
				comment = 0;
			continue;
		}
		if (len - lead >= 3 && (memcmp(p + lead, "```", 3) == 0 ||
		    memcmp(p + lead, "~~~", 3) == 0)) {
			if (b.sz > 0 && !fence)
				break;
			fence = !fence;
			continue;
		}
		if (fence)
			continue;
		if (lead == len) {
			if (b.sz > 0)
				break;
			continue;
		}
		if (p[lead] == '#' && !is_rule(p, len)) {
			if (b.sz > 0)
				break;
			continue;
		}
		if (is_rule(p, len)) {
			/* The lines before an underline were a title. */
			buf_reset(&b);
			continue;
		}
		if (len - lead >= 4 && memcmp(p + lead, "<!--", 4) == 0) {
			if (!(len >= 3 && memcmp(p + len - 3, "-->", 3) == 0))
				comment = 1;
			continue;
		}
		if (len - lead >= 3 && memcmp(p + lead, ".. ", 3) == 0)
			continue;
		buf_reset(&line);
		plain_inline(&line, p + lead, len - lead);
		while (line.sz > 0 && line.data[line.sz - 1] == ' ')
			line.sz--;
		if (line.sz == 0)
			continue;
		if (b.sz > 0)
			buf_putc(&b, ' ');
		buf_put(&b, line.data, line.sz);
	}
	buf_free(&line);
	if (b.sz == 0)
		goto out;
	if (b.sz > MAXREADME) {
		/* Cut at a character boundary, leaving room for "…". */
		cut = MAXREADME - 3;
		while (cut > 0 && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
		while (cut > 0 && b.data[cut - 1] == ' ')
			cut--;
		b.sz = cut;
		b.data[cut] = '\0';
		buf_puts(&b, "\xe2\x80\xa6");
	}
	if (utf8_valid(b.data, b.sz, &l, &c))
		res = buf_steal(&b);
out:
	buf_free(&b);
	return res;
}

/*
 * readme_para for tests/fuzz: the plain first paragraph of the README
 * text[0..n) (new string, caller frees), or NULL.
 */
char *
gs_readme(const char *text, size_t n)
{

	return readme_para(text, n);
}

/*
 * The first file of the tree (in git's name order) whose name matches,
 * or NULL.  The entry belongs to the tree.
 */
static const git_tree_entry *
find_blob(const git_tree *t, int (*match)(const char *))
{
	const git_tree_entry	*e;
	size_t			 i;

	for (i = 0; i < git_tree_entrycount(t); i++) {
		e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
		    match(git_tree_entry_name(e)))
			return e;
	}
	return NULL;
}

/*
 * The README paragraph of the tree, or NULL.
 */
static char *
tree_readme(git_repository *repo, const git_tree *t)
{
	const git_tree_entry	*e;
	git_blob		*blob = NULL;
	size_t			 n;
	char			*res = NULL;

	if ((e = find_blob(t, is_readme)) == NULL ||
	    git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0)
		return NULL;
	if (!git_blob_is_binary(blob)) {
		n = (size_t)git_blob_rawsize(blob);
		res = readme_para(git_blob_rawcontent(blob),
		    n > READMESCAN ? READMESCAN : n);
	}
	git_blob_free(blob);
	return res;
}

/*
 * subdir without leading "./" or "/" and trailing "/", as a new string
 * ("" for the top).
 */
static char *
norm_subdir(const char *s)
{
	size_t	 n;

	if (s == NULL)
		return xstrdup("");
	for (;;) {
		if (s[0] == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else if (s[0] == '.' && s[1] == '\0')
			s++;
		else
			break;
	}
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	return xstrndup(s, n);
}

/*
 * Describe a commit of the bare repository dir into rec; see git/git.h.
 * Dates are UTC: commit_date and last_activity use the committer time
 * (when the change landed).  subdir NULL is the top of the repository
 * (subdir_exists true); example NULL gives example_exists false.
 * files are relative to subdir, like example; hidden folders are
 * skipped.  readme is taken from subdir first, then from the top.
 * Returns 1, or 0 with *err (new string, caller frees) set.
 */
int
gs_inspect(const char *dir, const char *ref, const char *subdir,
    const char *example, struct val *rec, char **err)
{
	git_repository		*repo = NULL;
	git_commit		*c = NULL;
	git_tree		*root = NULL, *sub = NULL;
	git_tree_entry		*te = NULL;
	const git_tree_entry	*ce;
	const git_signature	*sig;
	struct files		 f;
	struct val		*nr, *list;
	char			*sd, *path = NULL, *readme = NULL, *key;
	char			 hex[GIT_OID_HEXSZ + 1];
	int64_t			 last;
	long long		 n;
	size_t			 i;
	int			 rc = 0, act;

	/* Keys go to rec only on success: a failure changes nothing. */
	*err = NULL;
	memset(&f, 0, sizeof(f));
	nr = val_map();
	sd = norm_subdir(subdir);
	if (git_repository_open_bare(&repo, dir) < 0) {
		*err = mkerr("open", dir, NULL, NULL);
		goto out;
	}
	if (!resolve(repo, ref, &c, err))
		goto out;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	if (git_commit_tree(&root, c) < 0) {
		*err = mkerr("tree of", hex, NULL, NULL);
		goto out;
	}

	val_set(nr, "commit", val_str(hex));
	val_set(nr, "commit_date", val_date(git_commit_time(c)));
	sig = git_commit_author(c);
	val_set(nr, "author", val_text(sig->name != NULL ? sig->name : ""));
	if ((act = activity(repo, &last, &n)) == 0) {
		*err = mkerr("history of", dir, NULL, NULL);
		goto out;
	}
	val_set(nr, "last_activity", act == 2 ? val_date(last) :
	    val_new(VAL_NULL));
	val_set(nr, "contributors_year", val_int(n));

	if (sd[0] == '\0')
		git_tree_dup(&sub, root);
	else if (git_tree_entry_bypath(&te, root, sd) == 0 &&
	    git_tree_entry_type(te) == GIT_OBJECT_TREE)
		git_tree_lookup(&sub, repo, git_tree_entry_id(te));
	git_tree_entry_free(te);
	te = NULL;
	val_set(nr, "subdir_exists", val_bool(sub != NULL));

	if (example != NULL) {
		path = sd[0] == '\0' ? xstrdup(example) :
		    xasprintf("%s/%s", sd, example);
		val_set(nr, "example_exists", val_bool(
		    git_tree_entry_bypath(&te, root, path) == 0));
	} else
		val_set(nr, "example_exists", val_bool(0));

	if (sub != NULL && git_tree_walk(sub, GIT_TREEWALK_PRE, files_cb,
	    &f) < 0) {
		*err = mkerr("files of", hex, NULL, NULL);
		goto out;
	}
	if (f.sz > 1)
		xqsort(f.v, f.sz, sizeof(char *), strp_cmp);
	list = val_list();
	for (i = 0; i < f.sz && i < MAXFILES; i++)
		val_push(list, val_text(f.v[i]));
	val_set(nr, "files", list);

	ce = find_blob(root, is_license);
	val_set(nr, "license", ce != NULL ?
	    val_text(git_tree_entry_name(ce)) : val_new(VAL_NULL));

	if (sub != NULL && sd[0] != '\0')
		readme = tree_readme(repo, sub);
	if (readme == NULL)
		readme = tree_readme(repo, root);
	val_set(nr, "readme", readme != NULL ? val_str(readme) :
	    val_new(VAL_NULL));

	/* val_set replaces the key of what it adds: pass a copy. */
	for (i = 0; i < nr->kidsz; i++) {
		key = xstrdup(nr->kids[i]->key);
		val_set(rec, key, nr->kids[i]);
		free(key);
	}
	nr->kidsz = 0;
	rc = 1;
out:
	val_free(nr);
	for (i = 0; i < f.sz; i++)
		free(f.v[i]);
	free(f.v);
	free(readme);
	free(path);
	free(sd);
	git_tree_entry_free(te);
	git_tree_free(sub);
	git_tree_free(root);
	git_commit_free(c);
	git_repository_free(repo);
	return rc;
}

/*
 * Whether oldc is newc or an ancestor of it in the bare repository
 * dir: 1 yes, 0 no, -1 error (bad id, unknown commit, no repository).
 */
int
gs_descends(const char *dir, const char *oldc, const char *newc)
{
	git_repository	*repo = NULL;
	git_commit	*oc = NULL, *nc = NULL;
	git_oid		 o, n;
	int		 rc = -1, r;

	if (git_oid_fromstr(&o, oldc) < 0 || git_oid_fromstr(&n, newc) < 0 ||
	    git_repository_open_bare(&repo, dir) < 0)
		goto out;

	/* Unknown commits are errors, not "history rewritten". */
	if (git_commit_lookup(&oc, repo, &o) < 0 ||
	    git_commit_lookup(&nc, repo, &n) < 0)
		goto out;
	if (git_oid_equal(&o, &n)) {
		rc = 1;
		goto out;
	}
	if ((r = git_graph_descendant_of(repo, &n, &o)) < 0)
		goto out;
	rc = r ? 1 : 0;
out:
	git_commit_free(nc);
	git_commit_free(oc);
	git_repository_free(repo);
	return rc;
}

/*
 * Make the folder path and its parents.  Returns 0 with errno set.
 */
static int
mkpath(const char *path)
{
	char	*p, *s;
	int	 rc = 0;

	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) == -1 && errno != EEXIST)
				goto out;
			*s = '/';
			continue;
		}
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			goto out;
		break;
	}
	rc = 1;
out:
	free(p);
	return rc;
}

/*
 * Write the tree of commit into dest (made if missing; must be empty).
 * The bare repository keeps no index of it.  Returns 1, or 0 with *err
 * (new string, caller frees) set.
 */
int
gs_checkout(const char *dir, const char *commit, const char *dest,
    char **err)
{
	git_repository		*repo = NULL;
	git_commit		*c = NULL;
	git_tree		*t = NULL;
	git_checkout_options	 co;
	git_oid			 oid;
	DIR			*d = NULL;
	struct dirent		*de;
	int			 rc = 0;

	*err = NULL;
	if (git_repository_open_bare(&repo, dir) < 0) {
		*err = mkerr("open", dir, NULL, NULL);
		goto out;
	}
	if (git_oid_fromstr(&oid, commit) < 0 ||
	    git_commit_lookup(&c, repo, &oid) < 0 ||
	    git_commit_tree(&t, c) < 0) {
		*err = mkerr("commit", commit, NULL, NULL);
		goto out;
	}
	if (!mkpath(dest) || (d = opendir(dest)) == NULL) {
		*err = xasprintf("checkout %s: %s", dest, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			*err = xasprintf("checkout %s: folder not empty",
			    dest);
			goto out;
		}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE |
	    GIT_CHECKOUT_DONT_UPDATE_INDEX | GIT_CHECKOUT_DONT_WRITE_INDEX;
	co.target_directory = dest;
	if (git_checkout_tree(repo, (const git_object *)t, &co) < 0) {
		*err = mkerr("checkout", dest, NULL, NULL);
		goto out;
	}
	rc = 1;
out:
	if (d != NULL)
		closedir(d);
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(repo);
	return rc;
}

static size_t
htab_find(struct hfile **slot, size_t cap, const char *path)
{
	size_t	 i;

	i = (size_t)hash64(path, strlen(path), 0) & (cap - 1);
	while (slot[i] != NULL && strcmp(slot[i]->path, path) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static struct hfile *
htab_get(const struct htab *h, const char *path)
{
	if (h->cap == 0)
		return NULL;
	return h->slot[htab_find(h->slot, h->cap, path)];
}

static void
htab_add(struct htab *h, const char *path)
{
	struct hfile	**old, *f;
	size_t		  i, ocap;

	if ((h->sz + 1) * 2 > h->cap) {
		old = h->slot;
		ocap = h->cap;
		h->cap = h->cap == 0 ? 64 : h->cap * 2;
		h->slot = xcalloc(h->cap, sizeof(struct hfile *));
		for (i = 0; i < ocap; i++)
			if (old[i] != NULL)
				h->slot[htab_find(h->slot, h->cap,
				    old[i]->path)] = old[i];
		free(old);
		h->all = xreallocarray(h->all, h->cap / 2,
		    sizeof(struct hfile *));
	}
	i = htab_find(h->slot, h->cap, path);
	if (h->slot[i] != NULL)
		return;
	f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	h->slot[i] = f;
	h->all[h->sz++] = f;
}

static void
htab_free(struct htab *h)
{
	size_t	 i;

	for (i = 0; i < h->sz; i++) {
		free(h->all[i]->path);
		set_free(&h->all[i]->authors);
		free(h->all[i]);
	}
	free(h->all);
	free(h->slot);
}

static int
head_files_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct htab	*h = payload;
	char		*p;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	p = xasprintf("%s%s", root, git_tree_entry_name(e));
	htab_add(h, p);
	free(p);
	return 0;
}

static int
hfile_cmp(const void *a, const void *b)
{
	return strcmp((*(struct hfile *const *)a)->path,
	    (*(struct hfile *const *)b)->path);
}

/*
 * The tree at prefix ("" for the top) of commit c, or NULL when the
 * commit has no folder there (or on error).
 */
static git_tree *
subtree(git_repository *repo, git_commit *c, const char *prefix)
{
	git_tree	*root = NULL, *t = NULL;
	git_tree_entry	*e = NULL;

	if (git_commit_tree(&root, c) < 0)
		return NULL;
	if (prefix[0] == '\0')
		return root;
	if (git_tree_entry_bypath(&e, root, prefix) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_tree_lookup(&t, repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(root);
	return t;
}

/*
 * What one commit of gs_history changed, for touch().
 */
struct hcommit {
	struct htab		*h;
	const git_signature	*sig;	/* author */
	struct buf		 path;	/* of the folder being compared */
};

/*
 * Record that the commit of hc added (or changed) the file name in the
 * folder hc->path.
 */
static void
touch(struct hcommit *hc, const char *name, int added)
{
	struct hfile	*f;
	size_t		 len = hc->path.sz;
	int64_t		 when = hc->sig->when.time;

	buf_puts(&hc->path, name);
	f = htab_get(hc->h, hc->path.data);
	hc->path.sz = len;
	hc->path.data[len] = '\0';
	if (f == NULL || f->sealed)
		return;
	if (!f->seen || when < f->added)
		f->added = when;
	if (!f->seen || when > f->updated)
		f->updated = when;
	f->seen = 1;
	set_take(&f->authors, email_key(hc->sig));
	if (added)
		f->sealed = 1;
}

/*
 * Compare the trees a (the parent's, may be NULL) and b (may be NULL)
 * and touch() every file of b that is new or changed.  Entries of both
 * are in git's order, so one merge pass pairs them, and subtrees with
 * the same id are skipped: a commit costs what it changed, not the
 * size of the tree (git_diff_tree_to_tree took half as long again on
 * a 3,000-commit history).
 */
static int
tree_cmp(git_repository *repo, const git_tree *a, const git_tree *b,
    struct hcommit *hc)
{
	const git_tree_entry	*ea, *eb;
	git_tree		*sa = NULL, *sb = NULL;
	size_t			 i = 0, j = 0, na, nb, len;
	int			 c, ta, tb, rc = 1;

	na = a != NULL ? git_tree_entrycount(a) : 0;
	nb = b != NULL ? git_tree_entrycount(b) : 0;
	while (j < nb && rc) {
		eb = git_tree_entry_byindex(b, j);
		ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		c = ea == NULL ? 1 : git_tree_entry_cmp(ea, eb);
		if (c < 0) {
			i++;
			continue;
		}
		j++;
		if (c == 0)
			i++;
		if (c == 0 && git_oid_equal(git_tree_entry_id(ea),
		    git_tree_entry_id(eb)))
			continue;
		ta = c == 0 && git_tree_entry_type(ea) == GIT_OBJECT_TREE;
		tb = git_tree_entry_type(eb) == GIT_OBJECT_TREE;
		if (!tb) {
			if (git_tree_entry_type(eb) == GIT_OBJECT_BLOB)
				touch(hc, git_tree_entry_name(eb),
				    c != 0 || ta);
			continue;
		}
		if ((ta && git_tree_lookup(&sa, repo,
		    git_tree_entry_id(ea)) < 0) ||
		    git_tree_lookup(&sb, repo, git_tree_entry_id(eb)) < 0)
			rc = 0;
		else {
			len = hc->path.sz;
			buf_puts(&hc->path, git_tree_entry_name(eb));
			buf_putc(&hc->path, '/');
			rc = tree_cmp(repo, sa, sb, hc);
			hc->path.sz = len;
			hc->path.data[len] = '\0';
		}
		git_tree_free(sa);
		git_tree_free(sb);
		sa = sb = NULL;
	}
	return rc;
}

/*
 * Record the files the commit c changed below prefix (relative to it)
 * against its first parent.  Merges are skipped: what they bring was
 * recorded with the commits that made it.
 */
static int
history_commit(git_repository *repo, git_commit *c, const char *prefix,
    struct htab *h)
{
	git_commit	*pc = NULL;
	git_tree	*t = NULL, *pt = NULL;
	struct hcommit	 hc;
	int		 rc = 0;

	memset(&hc, 0, sizeof(hc));
	if (git_commit_parentcount(c) > 1)
		return 1;
	t = subtree(repo, c, prefix);
	if (git_commit_parentcount(c) == 1) {
		if (git_commit_parent(&pc, c, 0) < 0)
			goto out;
		pt = subtree(repo, pc, prefix);
	}
	if (t == NULL || (pt != NULL &&
	    git_oid_equal(git_tree_id(t), git_tree_id(pt)))) {
		rc = 1;
		goto out;
	}
	hc.h = h;
	hc.sig = git_commit_author(c);
	buf_puts(&hc.path, "");
	rc = tree_cmp(repo, pt, t, &hc);
out:
	buf_free(&hc.path);
	git_tree_free(pt);
	git_tree_free(t);
	git_commit_free(pc);
	return rc;
}

/*
 * Per-file history of the git work tree holding path; see git/git.h.
 * Dates are the author dates (UTC).  Files are those of HEAD below
 * path; a file deleted and made again counts from its last creation.
 * Returns NULL without a message when path is in no work tree, NULL
 * after diag_sys on a library failure, else a new map (caller frees
 * with val_free) and *head (new string, caller frees; NULL when the
 * branch has no commit yet).
 */
struct val *
gs_history(const char *path, char **head)
{
	git_repository	*repo = NULL;
	git_reference	*hr = NULL;
	git_commit	*hc = NULL, *c;
	git_tree	*t = NULL;
	git_revwalk	*w = NULL;
	git_oid		 oid;
	struct htab	 h;
	struct val	*res = NULL, *m = NULL, *rec;
	const char	*wd;
	char		*rp = NULL, *rw = NULL, *prefix = NULL;
	char		 hex[GIT_OID_HEXSZ + 1];
	size_t		 n, i;
	int		 e;

	memset(&h, 0, sizeof(h));
	if (head != NULL)
		*head = NULL;
	if ((e = git_repository_open_ext(&repo, path, 0, NULL)) < 0) {
		if (e != GIT_ENOTFOUND)
			diag_warn(path, 0, 0, "git history: %s", git_error_last() != NULL ?
			    git_error_last()->message : "cannot open");
		goto out;
	}
	if ((wd = git_repository_workdir(repo)) == NULL)
		goto out;

	/* Both sides resolved, so symbolic links cannot hide the prefix. */
	if ((rp = realpath(path, NULL)) == NULL ||
	    (rw = realpath(wd, NULL)) == NULL) {
		diag_warn(path, 0, 0, "git history: %s", strerror(errno));
		goto out;
	}
	n = strlen(rw);
	if (strcmp(rp, rw) == 0)
		prefix = xstrdup("");
	else if (strncmp(rp, rw, n) == 0 && (rp[n] == '/' ||
	    (n == 1 && rw[0] == '/')))
		prefix = xstrdup(rp + n + (rw[n - 1] == '/' ? 0 : 1));
	else
		goto out;

	m = val_map();
	if ((e = git_repository_head(&hr, repo)) < 0) {
		if (e == GIT_EUNBORNBRANCH || e == GIT_ENOTFOUND) {
			res = m;
			goto out;
		}
		val_free(m);
		diag_warn(path, 0, 0, "git history: HEAD: %s", git_error_last()->message);
		goto out;
	}
	if (git_reference_peel((git_object **)&hc, hr,
	    GIT_OBJECT_COMMIT) < 0) {
		val_free(m);
		diag_warn(path, 0, 0, "git history: HEAD: %s", git_error_last()->message);
		goto out;
	}
	if ((t = subtree(repo, hc, prefix)) != NULL &&
	    git_tree_walk(t, GIT_TREEWALK_PRE, head_files_cb, &h) < 0)
		goto fail;

	if (h.sz > 0) {
		if (git_revwalk_new(&w, repo) < 0 ||
		    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL |
		    GIT_SORT_TIME) < 0 ||
		    git_revwalk_push(w, git_commit_id(hc)) < 0)
			goto fail;
		while ((e = git_revwalk_next(&oid, w)) == 0) {
			if (git_commit_lookup(&c, repo, &oid) < 0)
				goto fail;
			if (!history_commit(repo, c, prefix, &h)) {
				git_commit_free(c);
				goto fail;
			}
			git_commit_free(c);
		}
		if (e != GIT_ITEROVER)
			goto fail;
	}

	if (h.sz > 1)
		xqsort(h.all, h.sz, sizeof(struct hfile *), hfile_cmp);
	for (i = 0; i < h.sz; i++) {
		if (!h.all[i]->seen)
			continue;
		rec = val_map();
		val_set(rec, "added", val_date(h.all[i]->added));
		val_set(rec, "updated", val_date(h.all[i]->updated));
		val_set(rec, "authors", val_int((long long)
		    h.all[i]->authors.sz));
		/* Paths are unique: val_set's search for the key is not
		   needed, and it would make this quadratic. */
		rec->key = xstrdup(h.all[i]->path);
		rec->khash = val_khash(rec->key);
		val_push(m, rec);
	}
	if (head != NULL)
		*head = xstrdup(git_oid_tostr(hex, sizeof(hex),
		    git_commit_id(hc)));
	res = m;
	goto out;
fail:
	diag_warn(path, 0, 0, "git history: history: %s", git_error_last() != NULL ?
	    git_error_last()->message : "failed");
	val_free(m);
out:
	htab_free(&h);
	git_revwalk_free(w);
	git_tree_free(t);
	git_commit_free(hc);
	git_reference_free(hr);
	git_repository_free(repo);
	free(prefix);
	free(rw);
	free(rp);
	return res;
}

/*
 * Read the first line of a small file into a new string without its
 * newline, or NULL.
 */
static char *
first_line(const char *path)
{
	FILE	*f;
	char	 line[1024];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return xstrdup(line);
}

static int
is_hex40(const char *s)
{
	size_t	 i;

	for (i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return s[40] == '\0' || s[40] == ' ' || s[40] == '\n';
}

/*
 * HEAD's commit id read from the files of the repository (loose or
 * packed ref), without starting libgit2, which costs milliseconds of
 * TLS set-up: this runs on every build.  NULL when the layout is one
 * this does not know (the caller then asks libgit2), or when no folder
 * from path up to the root has a .git (then *none is set).
 */
static char *
head_from_files(const char *path, int *none)
{
	char	*dir, *slash, *dotgit = NULL, *gitdir = NULL, *head = NULL;
	char	*ref = NULL, *p = NULL, *res = NULL, line[1024];
	struct stat st;
	FILE	*f;

	if ((dir = realpath(path, NULL)) == NULL)
		return NULL;
	for (;;) {
		dotgit = path_join(dir, ".git");
		if (stat(dotgit, &st) == 0)
			break;
		free(dotgit);
		dotgit = NULL;
		if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
			*none = 1;
			goto out;
		}
		*slash = '\0';
	}
	if (!S_ISDIR(st.st_mode))
		goto out;	/* a worktree or submodule: ask libgit2 */
	gitdir = dotgit;
	dotgit = NULL;
	p = path_join(gitdir, "HEAD");
	if ((head = first_line(p)) == NULL)
		goto out;
	if (is_hex40(head)) {
		res = xstrndup(head, 40);
		goto out;
	}
	if (strncmp(head, "ref: ", 5) != 0)
		goto out;
	free(p);
	p = path_join(gitdir, head + 5);
	if ((ref = first_line(p)) != NULL && is_hex40(ref)) {
		res = xstrndup(ref, 40);
		goto out;
	}
	free(p);
	p = path_join(gitdir, "packed-refs");
	if ((f = fopen(p, "r")) == NULL)
		goto out;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 41 && is_hex40(line) && strcmp(line + 41,
		    head + 5) == 0) {
			res = xstrndup(line, 40);
			break;
		}
	}
	fclose(f);
out:
	free(dir);
	free(dotgit);
	free(gitdir);
	free(head);
	free(ref);
	free(p);
	return res;
}

/*
 * The commit id of HEAD of the git work tree containing path, as a new
 * string, or NULL (no repository, unborn branch).  Cheap in the common
 * case: for the "nothing changed" check of kbgen build.  Needs no
 * gs_init.
 */
char *
gs_head(const char *path)
{
	git_repository	*repo = NULL;
	git_oid		 oid;
	char		 hex[GIT_OID_HEXSZ + 1];
	char		*res;
	int		 none = 0;

	if ((res = head_from_files(path, &none)) != NULL || none)
		return res;
	if (git_libgit2_init() < 0)
		return NULL;
	if (git_repository_open_ext(&repo, path, 0, NULL) == 0 &&
	    git_reference_name_to_id(&oid, repo, "HEAD") == 0) {
		git_oid_tostr(hex, sizeof(hex), &oid);
		res = xstrdup(hex);
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	return res;
}

/*
 * Whether a file name is one that pins an environment: pip
 * requirements, conda environments, pyproject and lock files.
 */
static int
is_depfile(const char *name)
{
	static const char *const exact[] = { "pyproject.toml", "setup.py",
	    "setup.cfg", "Pipfile", "Pipfile.lock", "poetry.lock",
	    "uv.lock", "conda-lock.yml", "requirements.in", "runtime.txt",
	    "apt.txt", "DESCRIPTION", "renv.lock", "Project.toml",
	    "Manifest.toml" };
	size_t	 i, n = strlen(name);

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(name, exact[i]) == 0)
			return 1;
	if (strncmp(name, "requirements", 12) == 0 && n > 4 &&
	    strcmp(name + n - 4, ".txt") == 0)
		return 1;
	if (strncmp(name, "environment", 11) == 0 && ((n > 4 &&
	    strcmp(name + n - 4, ".yml") == 0) || (n > 5 &&
	    strcmp(name + n - 5, ".yaml") == 0)))
		return 1;
	return 0;
}

static void
dep_tree(const git_tree *t, const char *where, struct buf *b)
{
	const git_tree_entry	*e;
	size_t			 i, n;
	char			 hex[GIT_OID_HEXSZ + 1];

	if (t == NULL)
		return;
	n = git_tree_entrycount(t);
	for (i = 0; i < n; i++) {
		e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
		    !is_depfile(git_tree_entry_name(e)))
			continue;
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
		buf_printf(b, "%s/%s %s\n", where, git_tree_entry_name(e),
		    hex);
	}
}

/*
 * A digest of the dependency files (see is_depfile) at the top of
 * commit's tree and in subdir (may be NULL): their names and blob ids,
 * which are content hashes already.  A new string (caller frees), or
 * NULL with *err set.
 */
char *
gs_dep_hash(const char *dir, const char *commit, const char *subdir,
    char **err)
{
	git_repository	*repo = NULL;
	git_commit	*c = NULL;
	git_tree	*t = NULL, *st = NULL;
	git_tree_entry	*se = NULL;
	git_oid		 oid;
	struct buf	 b = { NULL, 0, 0 };
	char		*sub = NULL, *res = NULL;

	*err = NULL;
	if (git_repository_open_bare(&repo, dir) < 0) {
		*err = mkerr("open", dir, NULL, NULL);
		goto out;
	}
	if (git_oid_fromstr(&oid, commit) < 0 ||
	    git_commit_lookup(&c, repo, &oid) < 0 ||
	    git_commit_tree(&t, c) < 0) {
		*err = mkerr("commit", commit, NULL, NULL);
		goto out;
	}
	dep_tree(t, "", &b);
	sub = norm_subdir(subdir);
	if (*sub != '\0' && git_tree_entry_bypath(&se, t, sub) == 0 &&
	    git_tree_entry_type(se) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&st, repo, git_tree_entry_id(se)) == 0)
		dep_tree(st, sub, &b);
	res = xasprintf("%016llx", (unsigned long long)hash64(buf_cstr(&b),
	    b.sz, 0));
out:
	buf_free(&b);
	free(sub);
	git_tree_entry_free(se);
	git_tree_free(st);
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(repo);
	return res;
}

/*
 * Whether commit's tree in the bare repository dir has a blob (a file
 * or a symbolic link) at path, which is relative to the top, with no
 * "." or ".." parts.  Reads only the object database.  Returns 1
 * present, 0 absent (nothing there, or a folder), -1 when the
 * repository or the commit cannot be read (reported).
 */
int
gs_path_exists(const char *dir, const char *commit, const char *path)
{
	git_repository	*repo = NULL;
	git_commit	*c = NULL;
	git_tree	*t = NULL;
	git_tree_entry	*e = NULL;
	git_oid		 oid;
	char		*msg = NULL;
	int		 rc = -1, r;

	if (git_repository_open_bare(&repo, dir) < 0) {
		msg = mkerr("open", dir, NULL, NULL);
		goto out;
	}
	if (git_oid_fromstr(&oid, commit) < 0 ||
	    git_commit_lookup(&c, repo, &oid) < 0 ||
	    git_commit_tree(&t, c) < 0) {
		msg = mkerr("commit", commit, NULL, NULL);
		goto out;
	}
	if (*path == '\0') {
		rc = 0;
		goto out;
	}
	if ((r = git_tree_entry_bypath(&e, t, path)) == GIT_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (r < 0) {
		msg = mkerr("path", path, NULL, NULL);
		goto out;
	}
	rc = git_tree_entry_type(e) == GIT_OBJECT_BLOB;
out:
	if (msg != NULL)
		diag_sys(dir, "%s", msg);
	free(msg);
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(repo);
	return rc;
}

/*
 * The cache folder of a URL: readable, and unique through a hash.  A
 * new string; kbgen check finds the clones through it too.
 */
char *
repo_cache_dir(const char *cache, const char *url)
{
	char	*slug, *dir, *name;
	size_t	 n;

	slug = slugify(url);
	n = strlen(slug);
	if (n > 60)
		memmove(slug, slug + n - 60, 61);
	name = xasprintf("%s-%08llx", slug, (unsigned long long)
	    (hash64(url, strlen(url), 0) & 0xffffffffULL));
	dir = xasprintf("%s/repos/%s", cache, name);
	free(slug);
	free(name);
	return dir;
}
