/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Diagnostics.  User-input problems are printed as
 * "path:line:col: error: message" (the form compilers use, so editors
 * jump to them) and counted; the caller decides the exit status from
 * the counts.  In strict mode warnings count as errors (advice,
 * diag_advise, stays a warning).  System
 * failures are printed with the path and the system's message.
 * Counts are the process's; quiet is each thread's own (par_for hands
 * the caller's to its workers), so that a thread that reads something
 * quietly never silences another thread's error.  Messages quote
 * untrusted input: control characters are shown, never sent to the
 * terminal (term_puts).  Between diag_hold
 * and diag_release the messages are kept and then printed file by file
 * (in the order each file was first named), each file's in the order
 * of their lines, so that a file read in several passes and by several
 * threads still reads top to bottom.  A hook (kbgen serve's) may see
 * every diagnostic printed, and the counts may be reset, so that one
 * process can run several builds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"

static size_t	 nerrors;	/* errors counted so far */
static size_t	 nwarnings;	/* warnings counted so far */
static int	 strict;	/* warnings are errors */
static _Thread_local int quiet;	/* this thread: count, do not print */
static _Thread_local size_t mine;	/* reports made by this thread */
/* Loading and rendering report from several threads. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Sees what is printed; see diag_set_hook. */
static void	(*hook)(void *, const char *, const char *, size_t, size_t,
		    const char *);
static void	*hookarg;

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

/* A message kept between diag_hold and diag_release. */
struct held {
	char		*path;	/* owned; NULL for none */
	size_t		 line;	/* 0 when unknown */
	size_t		 col;	/* 0 when unknown */
	char		*text;	/* owned: the whole line, with newline */
	size_t		 file;	/* rank of path's first appearance */
	size_t		 seq;	/* arrival, for a stable sort */
};
static struct held *held;	/* kept messages */
static size_t	 heldsz;	/* how many */
static size_t	 heldcap;	/* allocated */
static int	 holding;	/* diag_hold depth */

/* Keep a message (lock held). */
static void
keep(const char *path, size_t line, size_t col, char *text)
{
	size_t	 i, file = heldsz;

	for (i = 0; i < heldsz; i++)
		if ((path == NULL && held[i].path == NULL) ||
		    (path != NULL && held[i].path != NULL &&
		    strcmp(path, held[i].path) == 0)) {
			file = held[i].file;
			break;
		}
	if (heldsz == heldcap) {
		heldcap = heldcap ? heldcap * 2 : 64;
		held = xreallocarray(held, heldcap, sizeof(*held));
	}
	held[heldsz].path = path != NULL ? xstrdup(path) : NULL;
	held[heldsz].line = line;
	held[heldsz].col = col;
	held[heldsz].text = text;
	held[heldsz].file = file;
	held[heldsz].seq = heldsz;
	heldsz++;
}

static int
held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Keep diagnostics until the matching diag_release (holds nest).
 */
void
diag_hold(void)
{
	pthread_mutex_lock(&lock);
	holding++;
	pthread_mutex_unlock(&lock);
}

/*
 * End a diag_hold; the outermost prints what was kept, file by file,
 * each file's messages by line and column.
 */
void
diag_release(void)
{
	size_t	 i;

	pthread_mutex_lock(&lock);
	if (holding > 0 && --holding == 0) {
		if (heldsz > 0)
			xqsort(held, heldsz, sizeof(*held), held_cmp);
		for (i = 0; i < heldsz; i++) {
			term_puts(held[i].text);
			free(held[i].text);
			free(held[i].path);
		}
		free(held);
		held = NULL;
		heldsz = heldcap = 0;
	}
	pthread_mutex_unlock(&lock);
}

/* Print, or keep when holding, one whole message line (lock held). */
static void	emit(const char *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static void
emit(const char *path, size_t line, size_t col, const char *fmt, ...)
{
	va_list	 ap;
	char	*text;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (!holding) {
		term_puts(text);
		free(text);
		return;
	}
	keep(path, line, col, text);
}

static void	vreport(const char *, const char *, size_t, size_t,
		    const char *, va_list) __attribute__((format(printf, 5, 0)));

static void
vreport(const char *kind, const char *path, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	char	*msg;
	va_list	 aq;
	int	 n;

	mine++;
	if (quiet)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	msg = xmalloc((size_t)n + 1);
	(void)vsnprintf(msg, (size_t)n + 1, fmt, ap);
	if (hook != NULL)
		hook(hookarg, kind, path, line, col, msg);
	if (path != NULL && line > 0 && col > 0)
		emit(path, line, col, "%s:%zu:%zu: %s: %s\n", path, line, col,
		    kind, msg);
	else if (path != NULL && line > 0)
		emit(path, line, col, "%s:%zu: %s: %s\n", path, line, kind,
		    msg);
	else if (path != NULL)
		emit(path, 0, 0, "%s: %s: %s\n", path, kind, msg);
	else
		emit(NULL, 0, 0, "kbgen: %s: %s\n", kind, msg);
	free(msg);
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

static void	warn_ap(int, const char *, size_t, size_t, const char *,
		    va_list) __attribute__((format(printf, 5, 0)));

/* Report a warning, counted as an error when as_error. */
static void
warn_ap(int as_error, const char *path, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	pthread_mutex_lock(&lock);
	vreport(as_error ? "error" : "warning", path, line, col, fmt, ap);
	if (as_error)
		nerrors++;
	else
		nwarnings++;
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

	va_start(ap, fmt);
	warn_ap(strict, path, line, col, fmt, ap);
	va_end(ap);
}

/*
 * Report a warning that strict mode does not make an error: advice on
 * content that is valid and publishable as it is (a person readers
 * cannot reach), which lint and lint --strict show alike.
 */
void
diag_advise(const char *path, size_t line, size_t col, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	warn_ap(0, path, line, col, fmt, ap);
	va_end(ap);
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
	int	 n;

	pthread_mutex_lock(&lock);
	mine++;
	if (!quiet) {
		va_start(ap, fmt);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
		*msg = '\0';
		va_start(ap, fmt);
		if (n > 0)
			(void)vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
		if (hook != NULL)
			hook(hookarg, "error", path, 0, 0, msg);
		emit(path, 0, 0, "%s: %s\n", path != NULL ? path : "kbgen",
		    msg);
		free(msg);
	}
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
