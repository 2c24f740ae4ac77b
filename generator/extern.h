/*
 * kbgen: turn a git repository of Markdown and YAML into a static
 * knowledge-base site.  This header declares what every stage of the
 * pipeline needs (generator/base/: buffers, values, diagnostics, files
 * and strings, the clock, the worker pool).  Each stage folder has a
 * header for what later stages use of it (model/model.h) and one for
 * what only its own files share (model/private.h); README.md maps
 * them.  No library type appears in any of them; library handles sit
 * behind opaque structs owned by the file that includes the library.
 *
 * Conventions (see STYLE.md): functions return int 1 on success and 0 on
 * failure already reported; lookups return -1 error, 0 absent, 1 found;
 * pointers are NULL on failure.  Every X_free accepts NULL.
 */
#ifndef KBGEN_EXTERN_H
#define KBGEN_EXTERN_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <time.h>

#define KBGEN_VERSION "0.1.0"

/* buf.c: growable byte buffer, always NUL-terminated. */

struct buf {
	char		*data;	/* owned, NUL-terminated, may be NULL when empty */
	size_t		 sz;	/* bytes used, excluding the NUL */
	size_t		 cap;	/* bytes allocated */
};

void		 buf_grow(struct buf *, size_t);
void		 buf_put(struct buf *, const char *, size_t);
void		 buf_puts(struct buf *, const char *);
void		 buf_putc(struct buf *, char);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 buf_vprintf(struct buf *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
void		 buf_reset(struct buf *);
void		 buf_free(struct buf *);
char		*buf_steal(struct buf *);
const char	*buf_cstr(struct buf *);
void		 buf_html(struct buf *, const char *, size_t);

/* util.c: x-allocators (exit on out of memory), strings, files, hashes. */

void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xrealloc(void *, size_t);
void		*xreallocarray(void *, size_t, size_t);
/* qsort that takes an empty array as NULL (qsort's base must not be). */
void		 xqsort(void *, size_t, size_t,
		    int (*)(const void *, const void *));
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
char		*xasprintf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
int		 file_read(const char *, char **, size_t *);

/* An input file: regular, at most max bytes (0: any); see util.c. */
int		 file_read_input(const char *, size_t, char **, size_t *);

/* The default of site.yaml's max_file_size: 4 MiB (see config.c). */
#define	 MAX_FILE_SIZE	(4 * 1024 * 1024)

/* The longest line of an input file, in bytes; see util.c. */
#define	 MAX_LINE	(128 * 1024)
int		 text_lines_check(const char *, const char *, size_t);
int		 file_write(const char *, const char *, size_t);
/*
 * file_write, quiet when asked (a cache that cannot be written costs
 * time only).  data may be written by several threads to one path.
 */
int		 file_replace(const char *, const void *, size_t, int);
/*
 * A file kbgen keeps in its cache: 1 with *data (NUL-terminated, new)
 * and *sz; 0, quietly, when absent, not a regular file (a link is not
 * followed) or over max bytes.
 */
int		 file_read_cached(const char *, size_t, char **, size_t *);
/* Read up to n bytes of fd into b (EINTR retried): the bytes read,
 * fewer at end of file or on an error. */
size_t		 fd_read_n(int, char *, size_t);
int		 mkdirs(const char *);
int		 rmtree(const char *);
/* Remove dir's entries PREFIXPID[-...] of processes that are gone. */
void		 rmtree_stale(const char *, const char *);
char		*path_join(const char *, const char *);
uint64_t	 hash64(const void *, size_t, uint64_t);
double		 mono_secs(void);
char		*utc_text(time_t, int);
void		 utf8_bidi_warn(const char *, const char *, size_t, size_t);
char		*utf8_bidi_balance(const char *, size_t, size_t *);
size_t		 edit_distance(const char *, const char *);
int		 slug_valid(const char *);
char		*slugify(const char *);
int		 strcasecmp_ascii(const char *, const char *);
int		 url_safe(const char *);

/* 1 with *bytes for "512M", "16G", "2048K" or bytes in 1 MiB .. 16 TiB. */
int		 size_parse(const char *, long long *);

/*
 * util.c: the clock.  A command's "now" is read once, by main.c, into
 * struct opts, and handed down from there; nothing else reads the time
 * of day for a date or SOURCE_DATE_EPOCH (kbgen(1), ENVIRONMENT).
 *  - build: the build's time, SOURCE_DATE_EPOCH when set, else the
 *    real clock: the day the site is as of (upcoming or past events,
 *    hackathons), and with stamp the calendars' DTSTAMP.
 *  - real: the real clock.  How old a recorded fact is (a result's
 *    freshness, a repository's two years without a commit) is measured
 *    against it, as the facts themselves are real times.
 *  - record: what sync dates its records by (fetched_at, synced_at,
 *    unreachable_since): real, or build with KBGEN_PIN_CLOCK (a test
 *    hook); a build variable alone never forges a record.
 * Times measured inside a command (elapsed seconds, timeouts, lock and
 * cache ages, the start of each check job) read the clock when they
 * happen, not this.
 */

struct clock {
	time_t		 build;	/* the build's time */
	long long	 stamp;	/* SOURCE_DATE_EPOCH, -1 when unset */
	time_t		 real;	/* the real clock at the command's start */
	time_t		 record;	/* sync's records' time */
};

void		 clock_read(struct clock *);

/*
 * pool.c: the worker pool.  par_for calls fn(arg, i) once for each i in
 * [0, n), on par_jobs(jobs) threads at most and never more than n, the
 * calling one included; jobs 1 calls them in order on the calling thread.
 * fn must be safe to run concurrently for different i.  Workers are as
 * quiet (diag_quiet) as the caller.
 */

/* jobs when positive, else the number of online processors. */
int		 par_jobs(int);
void		 par_for(size_t, int, void (*)(void *, size_t), void *);

/* diag.c: diagnostics as path:line:col and error counts. */

void		 diag_err(const char *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
void		 diag_warn(const char *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
/* A warning that strict mode leaves a warning (advice, not a fault). */
void		 diag_advise(const char *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
void		 diag_sys(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
size_t		 diag_errors(void);
size_t		 diag_warnings(void);
size_t		 diag_mine(void);	/* reports by this thread so far */
void		 diag_reset(void);
void		 diag_set_hook(void (*)(void *, const char *, const char *,
		    size_t, size_t, const char *), void *);
void		 diag_set_strict(int);
void		 diag_set_quiet(int);	/* this thread only */
int		 diag_quiet(void);
/* Keep diagnostics until diag_release, then print them by file, line. */
void		 diag_hold(void);
void		 diag_release(void);

/* val.c: a tree of data, from YAML, JSON or built for templates. */

enum val_type {
	VAL_NULL,
	VAL_BOOL,
	VAL_NUM,	/* str holds the text, num the value */
	VAL_STR,
	VAL_LIST,
	VAL_MAP,
};

/*
 * A value.  Ordered so that it takes 96 bytes (a knowledge base of
 * 10,000 use cases holds about a million of them while it renders).
 */
struct val {
	char		 *key;	/* key when a map member, else NULL; owned */
	char		 *str;	/* VAL_STR/VAL_NUM text, owned, NUL-terminated */
	struct val	**kids;	/* VAL_LIST items, VAL_MAP members; owned */
	double		  num;	/* VAL_NUM */
	size_t		  strsz;	/* length of str */
	size_t		  kidsz;
	size_t		  kidcap;
	size_t		  line;	/* 1-based position of value, 0 unknown */
	size_t		  col;
	uint32_t	  kline;	/* 1-based position of key, 0 unknown */
	uint32_t	  kcol;
	uint32_t	  khash;	/* val_khash(key), or 0 when not known */
	enum val_type	  type;
	unsigned char	  b;	/* VAL_BOOL */
	unsigned char	  plain;	/* YAML: scalar was unquoted */
	unsigned char	  shared;	/* owned elsewhere: val_free skips it */
	unsigned char	  borrowed;	/* proxy: str and kids are not owned */
};

struct val	*val_new(enum val_type);
void		 val_free(struct val *);
struct val	*val_str(const char *);
struct val	*val_strn(const char *, size_t);
struct val	*val_bool(int);
struct val	*val_int(long long);
struct val	*val_list(void);
struct val	*val_map(void);
struct val	*val_push(struct val *, struct val *);
struct val	*val_set(struct val *, const char *, struct val *);
struct val	*val_set_str(struct val *, const char *, const char *);
struct val	*val_get(const struct val *, const char *);
struct val	*val_get_h(const struct val *, const char *, uint32_t);
uint32_t	 val_khash(const char *);
struct val	*val_opt_str(const struct val *, const char *);
const char	*val_get_str(const struct val *, const char *);
int		 val_truthy(const struct val *);
struct val	*val_copy(const struct val *);

/* A YAML list-or-scalar: how many items (0 for NULL or null), item i. */
size_t		 val_count(const struct val *);
const struct val *val_item(const struct val *, size_t);

/* val.c (continued): JSON output of a value tree. */

void		 val_json(struct buf *, const struct val *, int);

/* s[0..n) as a JSON string, safe in <script> and in a .js file. */
void		 val_json_str(struct buf *, const char *, size_t);

/* val.c (continued): a value tree's binary form, for caches. */

int		 val_pack(struct buf *, const struct val *);
struct val	*val_unpack(const char *, size_t);

#endif /* !KBGEN_EXTERN_H */
