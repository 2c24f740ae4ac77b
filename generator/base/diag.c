/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Diagnostics.  User-input problems are printed as
 * "path:line:col: error: message" (the form compilers use, so editors
 * jump to them) and counted; the caller decides the exit status from
 * the counts.  In strict mode warnings count as errors.  System
 * failures are printed with the path and the system's message.
 * Counts are the process's; quiet is each thread's own (par_for hands
 * the caller's to its workers), so that a thread that reads something
 * quietly never silences another thread's error.  A hook (kbgen serve's)
 * may see every diagnostic printed, and the counts may be reset, so that
 * one process can run several builds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdarg.h>

#include "extern.h"
#include "base/base.h"

static size_t	 nerrors;	/* errors counted so far */
static size_t	 nwarnings;	/* warnings counted so far */
static int	 strict;	/* warnings are errors */
static _Thread_local int quiet;	/* this thread: count, do not print */
/* Loading and rendering report from several threads. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Sees what is printed; see diag_set_hook. */
static void	(*hook)(void *, const char *, const char *, size_t, size_t,
		    const char *);
static void	*hookarg;

static void	tell(const char *, const char *, size_t, size_t,
		    const char *, va_list) __attribute__((format(printf, 5, 0)));

static void	vreport(const char *, const char *, size_t, size_t,
		    const char *, va_list) __attribute__((format(printf, 5, 0)));

/*
 * Hand the hook the message fmt and ap make (ap is left unused).
 */
static void
tell(const char *kind, const char *path, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	struct buf	 msg = { NULL, 0, 0 };

	buf_vprintf(&msg, fmt, ap);
	hook(hookarg, kind, path, line, col, buf_cstr(&msg));
	buf_free(&msg);
}

static void
vreport(const char *kind, const char *path, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	if (quiet)
		return;
	if (hook != NULL)
		tell(kind, path, line, col, fmt, ap);
	if (path != NULL && line > 0 && col > 0)
		fprintf(stderr, "%s:%zu:%zu: %s: ", path, line, col, kind);
	else if (path != NULL && line > 0)
		fprintf(stderr, "%s:%zu: %s: ", path, line, kind);
	else if (path != NULL)
		fprintf(stderr, "%s: %s: ", path, kind);
	else
		fprintf(stderr, "kbgen: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/*
 * Report an error in user input at path:line:col (line or col 0 when
 * unknown) and count it.
 */
void
diag_err(const char *path, size_t line, size_t col, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&lock);
	va_start(ap, fmt);
	vreport("error", path, line, col, fmt, ap);
	va_end(ap);
	nerrors++;
	pthread_mutex_unlock(&lock);
}

/*
 * Report a warning; in strict mode it is reported and counted as an
 * error.
 */
void
diag_warn(const char *path, size_t line, size_t col, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&lock);
	va_start(ap, fmt);
	vreport(strict ? "error" : "warning", path, line, col, fmt, ap);
	va_end(ap);
	if (strict)
		nerrors++;
	else
		nwarnings++;
	pthread_mutex_unlock(&lock);
}

/*
 * Report a system or library failure concerning path (may be NULL).
 * The caller passes the library's own message in the format.
 */
void
diag_sys(const char *path, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&lock);
	va_start(ap, fmt);
	if (!quiet && hook != NULL)
		tell("error", path, 0, 0, fmt, ap);
	if (!quiet) {
		if (path != NULL)
			fprintf(stderr, "%s: ", path);
		else
			fputs("kbgen: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
	nerrors++;
	pthread_mutex_unlock(&lock);
}

size_t
diag_errors(void)
{
	size_t	 n;

	pthread_mutex_lock(&lock);
	n = nerrors;
	pthread_mutex_unlock(&lock);
	return n;
}

size_t
diag_warnings(void)
{
	size_t	 n;

	pthread_mutex_lock(&lock);
	n = nwarnings;
	pthread_mutex_unlock(&lock);
	return n;
}

/*
 * Forget the counts: a process that builds again (kbgen serve) starts
 * each build from none.
 */
void
diag_reset(void)
{
	pthread_mutex_lock(&lock);
	nerrors = nwarnings = 0;
	pthread_mutex_unlock(&lock);
}

/*
 * Have fn(arg, kind, path, line, col, message) called for every
 * diagnostic printed from now on ("error" or "warning"; path may be
 * NULL, line and col 0 when unknown; the message is the formatted
 * text, borrowed for the call), or no longer with fn NULL.  fn runs on
 * the reporting thread with the diagnostics' lock held: it must be
 * quick and must not report.  Quiet threads' diagnostics are not shown.
 */
void
diag_set_hook(void (*fn)(void *, const char *, const char *, size_t, size_t,
    const char *), void *arg)
{
	pthread_mutex_lock(&lock);
	hook = fn;
	hookarg = arg;
	pthread_mutex_unlock(&lock);
}

void
diag_set_strict(int v)
{
	strict = v;
}

/*
 * Count but do not print this thread's diagnostics (v 1), or print
 * them again (v 0).  Other threads are not affected.
 */
void
diag_set_quiet(int v)
{
	quiet = v;
}

/* Whether this thread is quiet, for a pool to hand on to its workers. */
int
diag_quiet(void)
{
	return quiet;
}
