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
 * quietly never silences another thread's error.
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
static _Thread_local size_t mine;	/* reports made by this thread */
/* Loading and rendering report from several threads. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void	vreport(const char *, const char *, size_t, size_t,
		    const char *, va_list) __attribute__((format(printf, 5, 0)));

static void
vreport(const char *kind, const char *path, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	mine++;
	if (quiet)
		return;
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
	mine++;
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

/*
 * How many errors and warnings this thread has reported so far: a
 * caller that caches what a piece of work made learns whether it said
 * anything that a cached run would not say again.
 */
size_t
diag_mine(void)
{
	return mine;
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
