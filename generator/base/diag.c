/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Diagnostics.  User-input problems are printed as
 * "path:line:col: error: message" (the form compilers use, so editors
 * jump to them) and counted; the caller decides the exit status from
 * the counts.  In strict mode warnings count as errors.  System
 * failures are printed with the path and the system's message.
 * Messages quote untrusted input: control characters are shown, never
 * sent to the terminal (term_puts).
 * Counts are the process's; quiet is each thread's own (par_for hands
 * the caller's to its workers), so that a thread that reads something
 * quietly never silences another thread's error.
 */
#include <err.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "extern.h"
#include "base/base.h"

static size_t	 nerrors;	/* errors counted so far */
static size_t	 nwarnings;	/* warnings counted so far */
static int	 strict;	/* warnings are errors */
static _Thread_local int quiet;	/* this thread: count, do not print */
/* Loading and rendering report from several threads. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void	vreport(const char *, const char *, size_t, size_t,
		    const char *, va_list) __attribute__((format(printf, 5, 0)));

/*
 * Write s to stderr as text a terminal shows and does not obey:
 * messages quote untrusted input (content, example outputs, file
 * names), so C0 and C1 control characters (an escape sequence that
 * would recolour, retitle or clear the terminal) and the bidirectional
 * overrides and isolates (which reorder what is read) are written as
 * \xHH or \u+HHHH.  Line ends and tabs stay.
 */
static void
term_puts(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			fprintf(stderr, "\\x%02X", *p);
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fprintf(stderr, "\\u%04X", p[1]);
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) {
			fprintf(stderr, "\\u%04X", 0x2000 + p[2] - 0x80);
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9) {
			fprintf(stderr, "\\u%04X", 0x2040 + p[2] - 0x80);
			p += 2;
		} else
			fputc(*p, stderr);
	}
}

/* fmt with ap, a new string. */
static char *
vformat(const char *fmt, va_list ap)
{
	va_list	 aq;
	char	*s;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		err(1, "vsnprintf");
	s = xmalloc((size_t)n + 1);
	(void)vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static void
vreport(const char *kind, const char *path, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	char	*msg;

	if (quiet)
		return;
	if (path != NULL)
		term_puts(path);
	if (path != NULL && line > 0 && col > 0)
		fprintf(stderr, ":%zu:%zu: %s: ", line, col, kind);
	else if (path != NULL && line > 0)
		fprintf(stderr, ":%zu: %s: ", line, kind);
	else if (path != NULL)
		fprintf(stderr, ": %s: ", kind);
	else
		fprintf(stderr, "kbgen: %s: ", kind);
	msg = vformat(fmt, ap);
	term_puts(msg);
	free(msg);
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
	char	*msg;

	pthread_mutex_lock(&lock);
	va_start(ap, fmt);
	if (!quiet) {
		if (path != NULL) {
			term_puts(path);
			fputs(": ", stderr);
		} else
			fputs("kbgen: ", stderr);
		msg = vformat(fmt, ap);
		term_puts(msg);
		free(msg);
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
