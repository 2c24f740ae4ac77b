/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for gitsync.c.  Fixture repositories are made at test time
 * with the git CLI (fixed names and dates) in a temporary folder that
 * is removed at the end: clone by path and by file:// URL, inspect by
 * default branch, branch, annotated tag, commit id and prefix, fetch of
 * new and force-pushed commits, a vanished branch, a vanished source, a
 * refused connection and a server that refuses the token (the token
 * must not appear in messages), checkout, whether a file exists at a
 * commit, and per-file history.  Prints
 * the time of 200 fetches that change nothing.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "git/git.h"
#include "harness.h"

static char	 tmp[] = "/tmp/t_gitsync.XXXXXX";

/*
 * Run a shell command (formatted); 1 when it exits 0.
 */
static int
sh(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	va_list	 ap;
	char	 cmd[4096];
	int	 st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * The first line of a command's output (a new string).
 */
static char *
capture(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *
capture(const char *fmt, ...)
{
	va_list	 ap;
	char	 cmd[4096], line[4096];
	FILE	*f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	line[0] = '\0';
	if ((f = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		pclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

/*
 * Commit everything in the work tree dir as the given author at date.
 */
static int
commit(const char *dir, const char *date, const char *name,
    const char *email, const char *msg)
{
	return sh("cd '%s' && git add -A && GIT_AUTHOR_DATE='%s' "
	    "GIT_COMMITTER_DATE='%s' GIT_AUTHOR_NAME='%s' "
	    "GIT_AUTHOR_EMAIL='%s' git commit -q -m '%s'",
	    dir, date, date, name, email, msg);
}

static int
put(const char *dir, const char *path, const char *text)
{
	char	*p;
	int	 rc;

	p = xasprintf("%s/%s", dir, path);
	rc = sh("mkdir -p \"$(dirname '%s')\"", p) &&
	    file_write(p, text, strlen(text));
	free(p);
	return rc;
}

/*
 * The string of key in rec, "(null)" for null, "(missing)" else.
 */
static const char *
str(const struct val *rec, const char *key)
{
	const struct val	*v = val_get(rec, key);

	if (v == NULL)
		return "(missing)";
	if (v->type == VAL_NULL)
		return "(null)";
	if (v->type == VAL_BOOL)
		return v->b ? "true" : "false";
	return v->str != NULL ? v->str : "(none)";
}

/*
 * The list of key in rec joined with commas, in a static buffer.
 */
static const char *
joined(const struct val *rec, const char *key)
{
	static char		 out[4096];
	const struct val	*v = val_get(rec, key);
	size_t			 i;

	out[0] = '\0';
	if (v == NULL || v->type != VAL_LIST)
		return "(not a list)";
	for (i = 0; i < v->kidsz; i++) {
		if (i > 0)
			strcat(out, ",");
		strcat(out, v->kids[i]->str);
	}
	return out;
}

static void
count_progress(void *arg, size_t recv, size_t total, size_t bytes)
{
	(void)recv;
	(void)total;
	(void)bytes;
	(*(int *)arg)++;
}

/*
 * Whether the path a followed by b exists.
 */
static int
exists(const char *a, const char *b)
{
	char		 p[4096];
	struct stat	 st;

	snprintf(p, sizeof(p), "%s%s", a, b);
	return stat(p, &st) == 0;
}

/*
 * A server on 127.0.0.1 that answers every request with 401 and
 * appends the Authorization headers it saw to log.  Returns its pid.
 */
static pid_t
auth_server(int *port, const char *log)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	const char		*resp = "HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"t\"\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	char			 req[8192], *h, *e;
	ssize_t			 n;
	size_t			 got;
	pid_t			 pid;
	FILE			*f;
	int			 s, c, one = 1;

	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s, 8) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1)
		return -1;
	*port = ntohs(sa.sin_port);
	if ((pid = fork()) != 0) {
		close(s);
		return pid;
	}
	for (;;) {
		if ((c = accept(s, NULL, NULL)) == -1)
			continue;
		got = 0;
		while (got < sizeof(req) - 1 &&
		    (n = read(c, req + got, sizeof(req) - 1 - got)) > 0) {
			got += (size_t)n;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		req[got] = '\0';
		if ((h = strstr(req, "Authorization: ")) != NULL &&
		    (f = fopen(log, "a")) != NULL) {
			e = strstr(h, "\r\n");
			fprintf(f, "%.*s\n", e ? (int)(e - h) : 0, h);
			fclose(f);
		}
		if (write(c, resp, strlen(resp)) == -1)
			continue;
		close(c);
	}
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct val	*rec, *h, *f;
	char		*src, *cache, *a, *b, *err = NULL, *head = NULL;
	char		*c0, *c1, *c2, *c3, *c4, *c5, *c6, *tag, *url;
	char		*sub, *log, *tmpdir, *s;
	char		 prefix[8];
	const char	*readme = "# Title\n\n[![badge](x)](y)\n\n"
	    "First paragraph here\nwith two lines.\n\nSecond.\n";
	double		 t0, t1;
	pid_t		 srv;
	int		 i, port, prog = 0, okall;

	/* Line by line, so that output and child processes interleave. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* Neither our config nor the machine's changes the results. */
	setenv("HOME", tmp, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_COMMITTER_NAME", "Committer", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.org", 1);
	setenv("TZ", "UTC", 1);
	OK(gs_init(), "gs_init");

	src = xasprintf("%s/src", tmp);
	cache = xasprintf("%s/cache", tmp);
	a = xasprintf("%s/a", cache);
	b = xasprintf("%s/b", cache);
	OK(sh("git -c init.defaultBranch=main init -q '%s'", src),
	    "fixture: init");
	okall = put(src, "notes.txt", "old notes\n") &&
	    commit(src, "2022-06-01T12:00:00Z", "Dave", "dave@example.org",
	    "c0") &&
	    put(src, "README.md", readme) &&
	    put(src, "LICENSE", "ISC\n") &&
	    put(src, "hackathon/intro.ipynb", "{}\n") &&
	    put(src, "hackathon/run.py", "print(1)\n") &&
	    commit(src, "2024-01-10T12:00:00Z", "Alice", "alice@example.org",
	    "c1") &&
	    put(src, "hackathon/run.py", "print(2)\n") &&
	    put(src, "hackathon/util.sh", "echo\n") &&
	    put(src, "docs/a.md", "a\n") &&
	    commit(src, "2024-02-01T12:00:00Z", "Bob", "BOB@Example.org",
	    "c2") &&
	    sh("cd '%s' && GIT_COMMITTER_DATE=2024-02-01T12:00:00Z "
	    "git tag -a -m v1 v1 && git checkout -q -b dev", src) &&
	    put(src, "hackathon/dev.R", "1\n") &&
	    sh("cd '%s' && git mv LICENSE LICENCE", src) &&
	    commit(src, "2024-03-01T12:00:00Z", "Carol", "carol@example.org",
	    "c3") &&
	    sh("cd '%s' && git checkout -q main", src) &&
	    put(src, "hackathon/sub/deep.py", "x\n") &&
	    put(src, "hackathon/.ipynb_checkpoints/x-checkpoint.ipynb",
	    "{}\n") &&
	    put(src, "hackathon/README.md", "Hackathon\n=========\n\n"
	    "Notes for *the* [day](https://x).\n") &&
	    commit(src, "2024-04-01T12:00:00Z", "Alice", "alice@example.org",
	    "c4") &&
	    sh("cd '%s' && export GIT_AUTHOR_NAME=Lonely "
	    "GIT_AUTHOR_EMAIL=lonely@example.org "
	    "GIT_AUTHOR_DATE=2024-04-02T00:00:00Z "
	    "GIT_COMMITTER_DATE=2024-04-02T00:00:00Z && git tag "
	    "lonely \"$(git commit-tree -m lonely HEAD^{tree})\"", src);
	OK(okall, "fixture: commits");
	c0 = capture("git -C '%s' rev-parse main~3", src);
	c1 = capture("git -C '%s' rev-parse main~2", src);
	c2 = capture("git -C '%s' rev-parse main~1", src);
	c4 = capture("git -C '%s' rev-parse main", src);
	c3 = capture("git -C '%s' rev-parse dev", src);
	tag = capture("git -C '%s' rev-parse v1", src);
	OK(strcmp(tag, c2) != 0, "fixture: v1 is an annotated tag");

	/* History of the content work tree. */
	h = gs_history(src, &head);
	OK(h != NULL, "history: work tree");
	EQS(head, c4, "history: head");
	f = h ? val_get(h, "hackathon/run.py") : NULL;
	EQS(f ? str(f, "added") : NULL, "2024-01-10", "history: added");
	EQS(f ? str(f, "updated") : NULL, "2024-02-01", "history: updated");
	EQS(f ? str(f, "authors") : NULL, "2", "history: authors");
	f = h ? val_get(h, "notes.txt") : NULL;
	EQS(f ? str(f, "updated") : NULL, "2022-06-01", "history: old file");
	OK(h && val_get(h, "hackathon/dev.R") == NULL,
	    "history: other branch not in HEAD");
	val_free(h);
	free(head);
	sub = xasprintf("%s/hackathon", src);
	h = gs_history(sub, &head);
	f = h ? val_get(h, "run.py") : NULL;
	EQS(f ? str(f, "authors") : NULL, "2", "history: sub-folder");
	OK(h && val_get(h, "hackathon/run.py") == NULL,
	    "history: paths relative to the folder");
	OK(h && val_get(h, "notes.txt") == NULL,
	    "history: only files below the folder");
	val_free(h);
	free(head);
	free(sub);

	/* A file made again counts from then; merges add nobody. */
	s = xasprintf("%s/hist", tmp);
	okall = sh("git -c init.defaultBranch=main init -q '%s'", s);
	head = prefix;
	h = gs_history(s, &head);
	OK(h != NULL && h->kidsz == 0 && head == NULL,
	    "history: no commit yet");
	val_free(h);
	okall = okall && put(s, "x.md", "1\n") &&
	    commit(s, "2024-01-01T00:00:00Z", "A", "a@example.org", "h1") &&
	    sh("rm '%s/x.md'", s) &&
	    commit(s, "2024-01-05T00:00:00Z", "B", "b@example.org", "h2") &&
	    put(s, "x.md", "2\n") &&
	    commit(s, "2024-02-01T00:00:00Z", "C", "c@example.org", "h3") &&
	    sh("git -C '%s' checkout -q -b side", s) &&
	    put(s, "x.md", "3\n") &&
	    commit(s, "2024-02-10T00:00:00Z", "D", "d@example.org", "h4") &&
	    sh("git -C '%s' checkout -q main", s) &&
	    put(s, "y.md", "1\n") &&
	    commit(s, "2024-02-15T00:00:00Z", "A", "a@example.org", "h5") &&
	    sh("cd '%s' && GIT_AUTHOR_NAME=E GIT_AUTHOR_EMAIL=e@example.org "
	    "GIT_AUTHOR_DATE=2024-03-01T00:00:00Z "
	    "GIT_COMMITTER_DATE=2024-03-01T00:00:00Z "
	    "git merge -q --no-ff -m merge side", s);
	OK(okall, "fixture: history repository");
	h = gs_history(s, &head);
	f = h ? val_get(h, "x.md") : NULL;
	EQS(f ? str(f, "added") : NULL, "2024-02-01", "history: re-created");
	EQS(f ? str(f, "updated") : NULL, "2024-02-10",
	    "history: side branch");
	EQS(f ? str(f, "authors") : NULL, "2", "history: merge not counted");
	OK(h && h->kidsz == 2, "history: two files");
	val_free(h);
	free(head);
	free(s);

	head = prefix;
	OK(gs_history(tmp, &head) == NULL, "history: outside a repository");
	OK(head == NULL, "history: no head outside a repository");

	/* Clone by path and by URL. */
	OK(gs_fetch(a, src, NULL, count_progress, &prog, &err),
	    "fetch: clone by path");
	OK(err == NULL, "fetch: no message on success");
	free(err);
	OK(!exists(a, ".part"), "fetch: no temp folder left");
	OK(exists(a, "/HEAD") && !exists(a, "/.git"),
	    "fetch: bare repository");
	printf("     progress calls on clone: %d\n", prog);
	url = xasprintf("file://%s", src);
	OK(gs_fetch(b, url, NULL, NULL, NULL, &err), "fetch: clone by URL");
	free(err);

	rec = val_map();
	OK(gs_inspect(b, NULL, "hackathon", "run.py", rec, &err),
	    "inspect: default branch (URL clone)");
	EQS(str(rec, "commit"), c4, "inspect: default commit");
	free(err);
	val_free(rec);

	rec = val_map();
	OK(gs_inspect(a, NULL, NULL, NULL, rec, &err), "inspect: NULL ref");
	EQS(str(rec, "commit"), c4, "inspect: NULL is main");
	EQS(str(rec, "commit_date"), "2024-04-01", "inspect: commit_date");
	EQS(str(rec, "author"), "Alice", "inspect: author");
	EQS(str(rec, "last_activity"), "2024-04-01",
	    "inspect: last_activity");
	EQS(str(rec, "contributors_year"), "3", "inspect: contributors_year");
	EQS(str(rec, "subdir_exists"), "true", "inspect: no subdir is top");
	EQS(str(rec, "example_exists"), "false", "inspect: no example");
	EQS(str(rec, "license"), "LICENSE", "inspect: license");
	EQS(str(rec, "readme"), "First paragraph here with two lines.",
	    "inspect: readme");
	OK(strstr(joined(rec, "files"), "hackathon/run.py") != NULL,
	    "inspect: files from the top");
	free(err);

	/* Keys are replaced, not added twice. */
	OK(gs_inspect(a, "main", "hackathon", "run.py", rec, &err),
	    "inspect: main");
	OK(rec->kidsz == 10, "inspect: ten keys after two calls");
	EQS(str(rec, "commit"), c4, "inspect: main commit");
	EQS(joined(rec, "files"), "intro.ipynb,run.py,sub/deep.py,util.sh",
	    "inspect: files below subdir, sorted, no checkpoints");
	EQS(str(rec, "subdir_exists"), "true", "inspect: subdir exists");
	EQS(str(rec, "example_exists"), "true", "inspect: example exists");
	EQS(str(rec, "readme"), "Notes for the day.",
	    "inspect: readme of the subdir");
	free(err);
	OK(gs_inspect(a, "main", "./hackathon/", "run.py", rec, &err),
	    "inspect: ./subdir/");
	EQS(joined(rec, "files"), "intro.ipynb,run.py,sub/deep.py,util.sh",
	    "inspect: ./subdir/ is subdir");
	free(err);

	OK(gs_inspect(a, "v1", "nope", "missing.py", rec, &err),
	    "inspect: annotated tag");
	EQS(str(rec, "commit"), c2, "inspect: tag peeled to its commit");
	EQS(str(rec, "author"), "Bob", "inspect: tag author");
	EQS(str(rec, "commit_date"), "2024-02-01", "inspect: tag date");
	EQS(str(rec, "subdir_exists"), "false", "inspect: subdir missing");
	EQS(str(rec, "example_exists"), "false", "inspect: example missing");
	EQS(joined(rec, "files"), "", "inspect: no files without subdir");
	free(err);

	OK(gs_inspect(a, "dev", "hackathon/", NULL, rec, &err),
	    "inspect: branch");
	EQS(str(rec, "commit"), c3, "inspect: dev commit");
	EQS(joined(rec, "files"), "dev.R,intro.ipynb,run.py,util.sh",
	    "inspect: dev files");
	EQS(str(rec, "license"), "LICENCE", "inspect: licence spelt LICENCE");
	EQS(str(rec, "last_activity"), "2024-04-01",
	    "inspect: last_activity over all branches");
	free(err);

	OK(gs_inspect(a, c1, "hackathon", NULL, rec, &err),
	    "inspect: full id");
	EQS(str(rec, "commit"), c1, "inspect: full id commit");
	EQS(joined(rec, "files"), "intro.ipynb,run.py", "inspect: c1 files");
	free(err);
	snprintf(prefix, sizeof(prefix), "%.7s", c0);
	OK(gs_inspect(a, prefix, NULL, NULL, rec, &err), "inspect: prefix");
	EQS(str(rec, "commit"), c0, "inspect: prefix commit");
	EQS(str(rec, "author"), "Dave", "inspect: prefix author");
	EQS(str(rec, "license"), "(null)", "inspect: no license");
	EQS(str(rec, "readme"), "(null)", "inspect: no readme");
	free(err);
	OK(gs_inspect(a, "lonely", NULL, NULL, rec, &err) &&
	    strcmp(str(rec, "author"), "Lonely") == 0,
	    "inspect: tag on no branch");
	free(err);
	OK(!gs_inspect(a, "nosuch", NULL, NULL, rec, &err) && err != NULL &&
	    strstr(err, "nosuch") != NULL, "inspect: unknown ref");
	printf("     message: %s\n", err ? err : "(none)");
	EQS(str(rec, "author"), "Lonely", "inspect: failure keeps the record");
	free(err);
	val_free(rec);

	/* HEAD follows the remote's default branch, whatever its name. */
	s = xasprintf("%s/trunk", tmp);
	tmpdir = xasprintf("%s/trunk", cache);
	okall = sh("git -c init.defaultBranch=trunk init -q '%s'", s) &&
	    put(s, "a.py", "1\n") &&
	    commit(s, "2024-01-01T00:00:00Z", "A", "a@example.org", "t1");
	head = capture("git -C '%s' rev-parse HEAD", s);
	rec = val_map();
	OK(okall && gs_fetch(tmpdir, s, NULL, NULL, NULL, &err),
	    "fetch: default branch trunk");
	free(err);
	OK(gs_inspect(tmpdir, NULL, NULL, NULL, rec, &err) &&
	    strcmp(str(rec, "commit"), head) == 0, "inspect: NULL is trunk");
	free(err);
	free(head);
	okall = sh("git -C '%s' checkout -q -b other", s) &&
	    put(s, "b.py", "2\n") &&
	    commit(s, "2024-01-02T00:00:00Z", "A", "a@example.org", "t2");
	head = capture("git -C '%s' rev-parse HEAD", s);
	OK(okall && gs_fetch(tmpdir, s, NULL, NULL, NULL, &err),
	    "fetch: default branch changed");
	free(err);
	OK(gs_inspect(tmpdir, NULL, NULL, NULL, rec, &err) &&
	    strcmp(str(rec, "commit"), head) == 0, "inspect: NULL follows");
	free(err);
	free(head);
	val_free(rec);
	free(tmpdir);
	free(s);

	/* A new commit is fetched. */
	okall = put(src, "hackathon/run.py", "print(3)\n") &&
	    commit(src, "2024-05-01T12:00:00Z", "Bob", "bob@example.org",
	    "c5");
	c5 = capture("git -C '%s' rev-parse main", src);
	OK(okall && gs_fetch(a, src, NULL, NULL, NULL, &err),
	    "fetch: new commit");
	free(err);
	rec = val_map();
	OK(gs_inspect(a, NULL, NULL, NULL, rec, &err), "inspect: after fetch");
	EQS(str(rec, "commit"), c5, "inspect: new commit seen");
	free(err);
	OK(gs_descends(a, c4, c5) == 1, "descends: fast-forward");
	OK(gs_descends(a, c5, c5) == 1, "descends: same commit");

	/* History rewritten by a force-push. */
	okall = sh("cd '%s' && git reset -q --hard HEAD~2", src) &&
	    put(src, "other.py", "y\n") &&
	    commit(src, "2024-06-01T12:00:00Z", "Eve", "eve@example.org",
	    "c6");
	c6 = capture("git -C '%s' rev-parse main", src);
	OK(okall && gs_fetch(a, src, NULL, NULL, NULL, &err),
	    "fetch: force-push");
	free(err);
	OK(gs_inspect(a, "main", NULL, NULL, rec, &err) &&
	    strcmp(str(rec, "commit"), c6) == 0, "inspect: rewritten main");
	free(err);
	OK(gs_descends(a, c5, c6) == 0, "descends: rewritten");
	OK(gs_descends(a, c2, c6) == 1, "descends: older ancestor");
	OK(gs_descends(a, "0123456789012345678901234567890123456789",
	    c6) == -1, "descends: unknown commit");
	OK(gs_descends(a, "xyz", c6) == -1, "descends: bad id");

	/* A branch that vanished upstream. */
	OK(sh("git -C '%s' branch -q -D dev", src) &&
	    gs_fetch(a, src, NULL, NULL, NULL, &err), "fetch: branch deleted");
	free(err);
	OK(!gs_inspect(a, "dev", NULL, NULL, rec, &err) && err != NULL,
	    "inspect: vanished branch fails");
	printf("     message: %s\n", err ? err : "(none)");
	free(err);
	OK(gs_inspect(a, "v1", NULL, NULL, rec, &err), "inspect: tag kept");
	free(err);
	val_free(rec);

	/* Checkout. */
	s = xasprintf("%s/co/x", tmp);
	OK(gs_checkout(a, c4, s, &err), "checkout: commit");
	free(err);
	OK(exists(s, "/README.md") &&
	    exists(s, "/hackathon/sub/deep.py") &&
	    !exists(s, "/other.py"), "checkout: files written");
	OK(sh("grep -q 'print(2)' '%s/hackathon/run.py'", s),
	    "checkout: file content");
	OK(!exists(a, "/index"), "checkout: no index in the cache");
	OK(!gs_checkout(a, c6, s, &err) && err != NULL,
	    "checkout: non-empty folder refused");
	free(err);
	OK(!gs_checkout(a, "0123456789012345678901234567890123456789",
	    s, &err) && err != NULL, "checkout: unknown commit");
	free(err);
	free(s);

	/* A file at a commit, as kbgen lint asks of run.requirements. */
	OK(gs_path_exists(a, c4, "hackathon/sub/deep.py") == 1,
	    "path exists: a file below folders");
	OK(gs_path_exists(a, c4, "README.md") == 1, "path exists: at the top");
	OK(gs_path_exists(a, c0, "README.md") == 0,
	    "path exists: not yet at an older commit");
	OK(gs_path_exists(a, c4, "hackathon/requirements.txt") == 0,
	    "path exists: absent");
	OK(gs_path_exists(a, c4, "hackathon/sub") == 0,
	    "path exists: a folder is not a file");
	OK(gs_path_exists(a, c4, "README.md/x") == 0,
	    "path exists: below a file");
	OK(gs_path_exists(a, c4, "") == 0, "path exists: the top is a folder");
	diag_set_quiet(1);
	OK(gs_path_exists(a, "0123456789012345678901234567890123456789",
	    "README.md") == -1, "path exists: unknown commit is an error");
	OK(gs_path_exists(a, "xyz", "README.md") == -1,
	    "path exists: bad commit id is an error");
	OK(gs_path_exists(tmp, c4, "README.md") == -1,
	    "path exists: no repository is an error");
	diag_set_quiet(0);

	/* A source that vanished: the old clone stays usable. */
	OK(sh("rm -rf '%s'", src), "fixture: source removed");
	OK(!gs_fetch(a, src, NULL, NULL, NULL, &err) && err != NULL &&
	    strstr(err, "No such file") != NULL,
	    "fetch: vanished source fails");
	printf("     message: %s\n", err ? err : "(none)");
	OK(err && strchr(err, '\n') == NULL, "fetch: one-line message");
	free(err);
	rec = val_map();
	OK(gs_inspect(a, NULL, NULL, NULL, rec, &err) &&
	    strcmp(str(rec, "commit"), c6) == 0, "inspect: old data kept");
	free(err);
	val_free(rec);
	s = xasprintf("%s/c", cache);
	OK(!gs_fetch(s, src, NULL, NULL, NULL, &err),
	    "fetch: clone of missing source fails");
	free(err);
	OK(!exists(s, "") && !exists(s, ".part"),
	    "fetch: failed clone leaves nothing");

	/* Tokens stay out of messages. */
	t0 = now();
	OK(!gs_fetch(s, "https://127.0.0.1:1/x.git", "SECRET123", NULL, NULL,
	    &err) && err != NULL, "fetch: connection refused");
	printf("     message: %s\n", err ? err : "(none)");
	OK(now() - t0 < 5.0, "fetch: refused fails fast");
	OK(err && strstr(err, "SECRET123") == NULL, "fetch: no token");
	free(err);
	OK(!gs_fetch(s, "https://u:SECRET456@127.0.0.1:1/x.git", NULL, NULL,
	    NULL, &err) && err && strstr(err, "SECRET456") == NULL,
	    "fetch: no password from the URL");
	printf("     message: %s\n", err ? err : "(none)");
	free(err);

	log = xasprintf("%s/auth.log", tmp);
	if ((srv = auth_server(&port, log)) > 0) {
		free(url);
		url = xasprintf("http://127.0.0.1:%d/x.git", port);
		OK(!gs_fetch(s, url, NULL, NULL, NULL, &err) && err &&
		    strstr(err, "authentication required") != NULL,
		    "fetch: no token, authentication required");
		printf("     message: %s\n", err ? err : "(none)");
		free(err);
		OK(!gs_fetch(s, url, "SECRET123", NULL, NULL, &err) && err &&
		    strstr(err, "authentication failed") != NULL &&
		    strstr(err, "SECRET123") == NULL,
		    "fetch: refused token, authentication failed");
		printf("     message: %s\n", err ? err : "(none)");
		free(err);
		/* base64("x-access-token:SECRET123") */
		OK(sh("grep -c 'Basic eC1hY2Nlc3MtdG9rZW46U0VDUkVUMTIz' "
		    "'%s' | grep -qx 1", log),
		    "fetch: token sent once as x-access-token");
		OK(!exists(s, "") && !exists(s, ".part"),
		    "fetch: refused clone leaves nothing");
		kill(srv, SIGKILL);
		waitpid(srv, NULL, 0);
	} else
		OK(0, "fetch: auth server");
	free(log);
	free(s);

	/* Timing: fetches that change nothing. */
	tmpdir = xasprintf("%s/bench", tmp);
	okall = sh("git -c init.defaultBranch=main init -q '%s'", tmpdir);
	for (i = 0; okall && i < 50; i++) {
		s = xasprintf("%d\n", i);
		okall = put(tmpdir, "f.txt", s) &&
		    commit(tmpdir, "2024-01-01T00:00:00Z", "A",
		    "a@example.org", "c");
		free(s);
	}
	s = xasprintf("%s/bench", cache);
	OK(okall && gs_fetch(s, tmpdir, NULL, NULL, NULL, &err),
	    "bench: clone 50 commits");
	free(err);
	t0 = now();
	for (i = 0, okall = 1; i < 200; i++) {
		if (!gs_fetch(s, tmpdir, NULL, NULL, NULL, &err))
			okall = 0;
		free(err);
	}
	t1 = now();
	OK(okall, "bench: 200 fetches");
	printf("     200 no-change fetches: %.3f s (%.2f ms each)\n",
	    t1 - t0, (t1 - t0) * 1000.0 / 200);
	free(s);
	free(tmpdir);

	free(c0);
	free(c1);
	free(c2);
	free(c3);
	free(c4);
	free(c5);
	free(c6);
	free(tag);
	free(url);
	free(a);
	free(b);
	free(cache);
	free(src);
	gs_shutdown();
	OK(rmtree(tmp), "cleanup");
	DONE();
}
