/*
 * kbgen: turn a git repository of Markdown and YAML into a static
 * knowledge-base site.  This is the one internal header: our structs,
 * enums and prototypes, grouped by the file that implements them.
 * No library type appears here; library handles sit behind opaque
 * structs owned by the file that includes the library.
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
int		 mkdirs(const char *);
int		 rmtree(const char *);
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

/*
 * utf8.c: the one UTF-8 codec.  utf8_decode reads the code point at
 * p[0..n) (n > 0) and sets *len to its bytes; malformed input (a byte
 * that starts no sequence, a cut sequence, an overlong form, a
 * surrogate, past U+10FFFF) is UTF8_BAD with *len 1.  utf8_encode
 * writes cp into o (room for 4 bytes) and returns how many it wrote.
 */

#define	 UTF8_BAD	0xffffffffu
uint32_t	 utf8_decode(const char *, size_t, size_t *);
size_t		 utf8_encode(char *, uint32_t);
int		 utf8_valid(const char *, size_t, size_t *, size_t *);

/*
 * entity.c: the named HTML character references kbgen decodes.  The
 * UTF-8 text of name[0..namesz) (no '&' or ';'), or NULL if unknown.
 */

const char	*entity_lookup(const char *, size_t);

/* diag.c: diagnostics as path:line:col and error counts. */

void		 diag_err(const char *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
void		 diag_warn(const char *, size_t, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
void		 diag_sys(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
size_t		 diag_errors(void);
size_t		 diag_warnings(void);
void		 diag_set_strict(int);
void		 diag_set_quiet(int);	/* this thread only */
int		 diag_quiet(void);

/* val.c: a tree of data, from YAML, JSON or built for templates. */

enum val_type {
	VAL_NULL,
	VAL_BOOL,
	VAL_NUM,	/* str holds the text, num the value */
	VAL_STR,
	VAL_LIST,
	VAL_MAP,
};

struct val {
	enum val_type	  type;
	char		 *key;	/* key when a map member, else NULL; owned */
	uint32_t	  khash;	/* val_khash(key), or 0 when not known */
	size_t		  kline;	/* 1-based position of key, 0 unknown */
	size_t		  kcol;
	char		 *str;	/* VAL_STR/VAL_NUM text, owned, NUL-terminated */
	size_t		  strsz;	/* length of str */
	double		  num;	/* VAL_NUM */
	int		  b;	/* VAL_BOOL */
	int		  plain;	/* YAML: scalar was unquoted */
	struct val	**kids;	/* VAL_LIST items, VAL_MAP members; owned */
	size_t		  kidsz;
	size_t		  kidcap;
	size_t		  line;	/* 1-based position of value, 0 unknown */
	size_t		  col;
	int		  shared;	/* owned elsewhere: val_free skips it */
	int		  borrowed;	/* proxy: str and kids are not owned */
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

/* frontmatter.c: the only libyaml user.  YAML text to a val tree. */

/*
 * Parse YAML text into a new val tree (free with val_free), recording
 * 1-based positions; line0 is added to every line (the line of the
 * text's first line within path, minus one).  A document that is empty
 * gives a VAL_NULL.  Scalars are VAL_STR with plain set when unquoted
 * (the loader decides what "true" or "12" mean).  Anchors and aliases
 * are resolved by copy.  Syntax errors are reported as
 * path:line:col and give NULL.
 */
struct val	*fm_yaml(const char *path, const char *text, size_t sz,
		    size_t line0);

/*
 * Split a Markdown file into front matter and body.  Checks UTF-8 (error
 * at the first bad byte), requires a first line "---" and a closing
 * "---" line, parses the YAML between them (an empty front matter gives
 * an empty map; a front matter that is not a mapping is an error).  On
 * success *meta is a new VAL_MAP (caller frees), *body points into text
 * after the closing line and *bodyline is the 1-based line where the
 * body starts.  Returns 0 on error (reported).
 */
int		 fm_split(const char *path, const char *text, size_t sz,
		    struct val **meta, const char **body, size_t *bodyline);

/* markdown.c: the only cmark-gfm user. */

struct md_opts {
	const char	*path;	/* source file for diagnostics */
	size_t		 line0;	/* lines before the body in path */
	int		 unsafe;	/* keep raw HTML and any URL scheme */
	/*
	 * Called for every link or image destination that is relative
	 * (no scheme, not starting with '/', '#' or '?'); returns a new
	 * URL (md_render frees it with free()) to use instead, or NULL to
	 * keep it.  The resolver reports its own errors at line, col.
	 * May be NULL.
	 */
	char		*(*resolve)(void *arg, const char *url,
			    size_t line, size_t col);
	void		*arg;
};

struct md_out {
	char		*html;	/* rendered HTML, owned by caller */
};

/*
 * Render Markdown (CommonMark with the GFM table, strikethrough,
 * autolink, tagfilter and tasklist extensions) to HTML.  Headings get
 * id attributes (slugified text, made unique with -1, -2 ...).  Unless
 * opts->unsafe, raw HTML is omitted and javascript:, vbscript:, file:
 * and data: URLs (data:image/png|gif|jpeg|webp for images excepted)
 * are replaced by "#".  Returns 1 and fills out, which the caller
 * frees with md_out_free.
 */
int		 md_render(const char *text, size_t sz,
		    const struct md_opts *opts, struct md_out *out);
void		 md_out_free(struct md_out *);

/* template.c: Mustache templates with partials and inheritance. */

struct tmpl_set;

/*
 * A set of named templates: partials ({{>name}}) and parents
 * ({{<name}}) are looked up in the set by name.  Free with
 * tmpl_set_free.
 */
struct tmpl_set	*tmpl_set_new(void);
void		 tmpl_set_free(struct tmpl_set *);

/*
 * Add (or replace) template name with the given text; path is used in
 * diagnostics (path:line:col).  The text is copied.  Syntax errors are
 * reported and give 0.
 */
int		 tmpl_set_add(struct tmpl_set *, const char *name,
		    const char *text, size_t sz, const char *path);

/*
 * Add every "*.mustache" file of a folder, named by its file name
 * without the extension.  Returns 0 if any failed (reported).
 */
int		 tmpl_set_load_dir(struct tmpl_set *, const char *dir);

/*
 * Render template name against ctx, appending to out.  {{x}} is
 * HTML-escaped, {{{x}}} and {{&x}} are not.  A missing partial renders
 * as empty; a missing template is an error (reported, returns 0).
 * Safe to call from several threads at once on the same set.
 */
int		 tmpl_render(const struct tmpl_set *, const char *name,
		    const struct val *ctx, struct buf *out);

/* index.c: the only LMDB user.  Key layout and transactions. */

struct idx;

/*
 * Open (creating folder and environment) the LMDB index in dir, with
 * the named databases meta, entries, by_technology, by_field, by_tool
 * (dupsort), repos, runs, outputs and links.  NULL on failure
 * (reported).
 */
struct idx	*idx_open(const char *dir);
/* The same for reading only: creates and writes nothing. */
struct idx	*idx_open_ro(const char *dir);
void		 idx_free(struct idx *);

/* One write transaction at a time; idx_abort drops it. */
int		 idx_begin(struct idx *);
int		 idx_commit(struct idx *);
void		 idx_abort(struct idx *);

/* Within a transaction: drop every entry and dimension record. */
int		 idx_clear_entries(struct idx *);
/* Store record (bytes) under key "kind/slug" in entries. */
int		 idx_put_entry(struct idx *, const char *kind,
		    const char *slug, const char *rec, size_t recsz);
/* Add slug under term in dimension dim ("technology", "field", "tool"). */
int		 idx_put_term(struct idx *, const char *dim,
		    const char *term, const char *slug);
/*
 * The slugs that carry every (dims[i], terms[i]) pair, intersected
 * through cursors; *out is a new array of new strings (caller frees
 * each and the array), *outsz its length, sorted.  Outside a write
 * transaction it uses its own read transaction.  Returns 0 on failure.
 */
int		 idx_query(struct idx *, const char **dims,
		    const char **terms, size_t n, char ***out, size_t *outsz);
/* Fetch entry record: -1 error, 0 absent, 1 found (*rec new, caller frees). */
int		 idx_get_entry(struct idx *, const char *kind,
		    const char *slug, char **rec, size_t *recsz);
/* Output hashes: -1 error, 0 absent, 1 found. */
int		 idx_get_output(struct idx *, const char *path, uint64_t *);
int		 idx_put_output(struct idx *, const char *path, uint64_t);
int		 idx_del_output(struct idx *, const char *path);
/* Every output path recorded, for removing stale ones; like idx_query. */
int		 idx_list_outputs(struct idx *, char ***out, size_t *outsz);
/* meta key/value strings: -1 error, 0 absent, 1 found (*v new). */
int		 idx_get_meta(struct idx *, const char *key, char **v);
int		 idx_put_meta(struct idx *, const char *key, const char *v);
/* Records of repos, provenance, history, runs, links (see index.c). */
int		 idx_get_rec(struct idx *, const char *db, const char *key,
		    char **v, size_t *vsz);
int		 idx_put_rec(struct idx *, const char *db, const char *key,
		    const char *v, size_t vsz);
/*
 * Run history: records (JSON) under slug and a time stamp, kept in
 * time order.  idx_get_runs gives every record of slug, oldest first,
 * as new strings (caller frees each and the array).
 */
int		 idx_put_run(struct idx *, const char *slug, uint64_t stamp,
		    const char *rec, size_t recsz);
int		 idx_get_runs(struct idx *, const char *slug, char ***recs,
		    size_t *recsz);

/* schema.c: check a YAML mapping against a table of known keys. */

enum fld_type {
	FLD_STR,	/* a scalar */
	FLD_STRS,	/* a list of scalars; one scalar reads as one item */
	FLD_MAP,	/* a mapping (its members checked elsewhere) */
	FLD_LIST,	/* a list of anything */
	FLD_BOOL,	/* true or false */
	FLD_INT,	/* a whole number */
	FLD_DATE,	/* YYYY-MM-DD */
	FLD_TIME,	/* HH:MM */
	FLD_DURATION,	/* 90s, 20m, 2h, 1h30m */
	FLD_SLUG,	/* [a-z0-9][a-z0-9-]* */
	FLD_ANY,
};

struct fld {
	const char	*key;
	enum fld_type	 type;
	int		 required;
};

int		 schema_check(const char *path, const struct val *map,
		    const struct fld *flds, const char *what);
const char	*schema_suggest(const char *word, const char *const *cands,
		    size_t candsz);
/* As schema_check; an unknown key of the table sub (the member subkey)
 * is a warning that says it belongs there.  sub may be NULL. */
int		 schema_check_in(const char *path, const struct val *map,
		    const struct fld *flds, const char *what,
		    const struct fld *sub, const char *subkey);
/*
 * Checks of one value after schema_check: absent (NULL, null) is fine,
 * a non-scalar was reported there and gives 0 silently; else 1, or 0
 * with an error at v's position naming key.
 */
int		 schema_enum(const char *path, const struct val *v,
		    const char *key, const char *const *set, size_t n);
int		 schema_range(const char *path, const struct val *v,
		    const char *key, long long lo, long long hi,
		    long long *out);
int		 schema_size(const char *path, const struct val *v,
		    const char *key);
int		 schema_http_url(const char *path, const struct val *v,
		    const char *key);
int		 date_valid(const char *);
int		 time_valid(const char *);
long		 duration_secs(const char *);
int		 bool_value(const struct val *, int *);

/* taxonomy.c, config.c, content.c: the in-memory model. */

enum dim {
	DIM_TECH,
	DIM_FIELD,
	DIM_TOOL,
	DIM__MAX
};

/* "technologies", "fields", "tools": the front-matter keys. */
extern const char *const dim_keys[DIM__MAX];
/* "technology", "field", "tool": index and query names. */
extern const char *const dim_names[DIM__MAX];
/* "Technologies", "Fields", "Tools": headings. */
extern const char *const dim_labels[DIM__MAX];

struct usecase;
struct person;

struct term {
	enum dim	  dim;
	const char	 *name;	/* borrowed from the taxonomy tree */
	const char	 *title;	/* may be NULL */
	char		 *slug;	/* owned */
	const char	 *desc;	/* Markdown, may be NULL */
	const char	 *parent_name;	/* may be NULL */
	struct term	 *parent;	/* resolved, may be NULL */
	const struct val *aliases;	/* list or NULL */
	size_t		  line;	/* position of the term in taxonomy.yaml */
	size_t		  col;
	struct usecase	**ucs;	/* use cases carrying the term, owned array,
				   in kb->ucs order */
	size_t		  ucsz;
	size_t		  pos;	/* index in its dimension's array */
};

struct taxonomy {
	char		 *path;	/* taxonomy.yaml, owned */
	struct val	 *tree;	/* parsed file, owned, may be NULL */
	struct term	**terms[DIM__MAX];	/* owned, in file order */
	size_t		  termsz[DIM__MAX];
};

struct site {
	char		 *path;	/* site.yaml, owned */
	struct val	 *tree;	/* parsed file, owned, may be NULL */
	const char	 *title;
	const char	 *description;
	const char	 *base_url;	/* may be NULL */
	const char	 *language;
	const char	 *timezone;
	const char	 *edit_url;	/* may be NULL */
	int		  unsafe_html;
	size_t		  max_file;	/* max_file_size in bytes */
	int		  allow_local;	/* sync: {allow_local: true} */
};

struct entry {
	char		 *slug;	/* owned */
	char		 *path;	/* source file, owned */
	char		 *relpath;	/* path below content/, owned */
	struct val	 *meta;	/* front matter, owned */
	char		 *text;	/* whole file, owned */
	const char	 *body;	/* Markdown body, into text */
	size_t		  bodysz;
	size_t		  bodyline;	/* 1-based line of the body */
	const char	 *title;	/* borrowed from meta */
	char		 *html;	/* rendered body, owned */
	int		  draft;
};

struct person {
	struct entry	  e;
	const char	 *name;
	const char	 *affiliation;	/* may be NULL */
	struct term	**expertise;	/* owned array */
	size_t		  expertisesz;
	struct usecase	**ucs;	/* where a contact, owned array */
	size_t		  ucsz;
};

struct usecase {
	struct entry	  e;
	const char	 *summary;
	const char	 *kind;
	const char	 *added;	/* YYYY-MM-DD, may be NULL */
	const char	 *example;	/* may be NULL */
	const struct val *repository;	/* map or NULL */
	struct term	**terms[DIM__MAX];	/* owned arrays */
	size_t		  termsz[DIM__MAX];
	struct person	**contacts;	/* owned array */
	size_t		  contactsz;
	struct val	 *prov;	/* provenance from kbgen sync, owned, or NULL */
	struct val	 *hist;	/* {added, updated, authors} from git, or NULL */
	struct val	 *runs;	/* run records from kbgen check, oldest first,
				   owned, or NULL */
	int		  added_guess;	/* added came from the file's time */
	size_t		  pos;	/* index in kb->ucs */
	size_t		  rank;	/* position in title order (render.c) */
};

struct page {
	struct entry	  e;
	long		  menu;	/* position in the menu, -1 if none */
};

struct hackathon {
	struct entry	  e;
};

struct kb {
	char		 *root;	/* knowledge-base root, owned */
	char		 *content;	/* content folder, owned */
	char		 *realroot;	/* root without links, owned, or NULL */
	int		  drafts;	/* include drafts */
	int		  jobs;	/* threads for loading */
	struct site	  site;
	struct taxonomy	  tax;
	struct usecase	**ucs;	/* owned, sorted by slug */
	size_t		  ucsz;
	struct person	**people;
	size_t		  peoplesz;
	struct page	**pages;
	size_t		  pagesz;
	struct hackathon **hacks;
	size_t		  hacksz;
	struct val	 *seminars;	/* list of seminar maps, owned */
	uint64_t	  inputs;	/* hash of every input file's content */
};

int		 tax_load(struct taxonomy *, const char *path);
void		 tax_free(struct taxonomy *);
struct term	*tax_find(const struct taxonomy *, enum dim, const char *);
struct term	*tax_resolve(const struct taxonomy *, enum dim,
		    const char *path, const struct val *);
struct term	*tax_find_any(const struct taxonomy *, const char *);

int		 site_config_load(struct site *, const char *path, int use);
void		 site_config_free(struct site *);
/*
 * Whether v (a value of the file path; NULL or not a scalar: yes) names
 * an environment of the site configuration tree's environments; an
 * unknown one is reported with the nearest name.
 */
int		 site_env_check(const struct val *tree, const char *path,
		    const struct val *v);
/* Kernel names: [A-Za-z0-9._-]+. */
int		 kernel_name_valid(const char *);
/* As kernel_name_valid, reporting a bad "kernel" value v of path. */
int		 site_kernel_check(const char *path, const struct val *v);

struct kb	*kb_load(const char *root, int drafts, int jobs);
void		 kb_free(struct kb *);
/*
 * The checks that need kbgen sync's record (uc->prov, attached by
 * kb_attach_provenance) and the clones in the cache folder: a
 * run.requirements file missing at the pinned commit is an error at
 * the key's position.  Use cases never synced, or whose clone is gone,
 * are skipped.  Reports; returns nothing.
 */
void		 kb_check_pinned(struct kb *, const char *cache);
struct usecase	*kb_usecase(const struct kb *, const char *);
struct person	*kb_person(const struct kb *, const char *);
size_t		 kb_person_index(const struct kb *, const struct person *);

/* url.c: the URL layout; every path of the site, below its root. */

/* Is slug a top-level name the site's own pages use ("people", ...)? */
int		 url_reserved(const char *slug);
/*
 * The paths of pages and files.  Those of one page return a constant;
 * those of one of many return a new string (caller frees).
 */
const char	*url_home(void);	/* index.html */
const char	*url_404(void);
const char	*url_catalogue(void);
char		*url_usecase(const char *slug);
/* The folder of a dimension's pages ("technologies"), its menu section. */
const char	*url_dim_dir(enum dim);
const char	*url_dimension(enum dim);
char		*url_term(enum dim, const char *slug);
const char	*url_matrix(void);
/* The page of a technology x field cell of the matrix, by slugs. */
char		*url_cell(const char *tech, const char *field);
const char	*url_people(void);
const char	*url_experts(void);
char		*url_person(const char *id);
/* A free page (content/pages/SLUG.md). */
char		*url_page(const char *slug);
const char	*url_hackathons(void);
char		*url_hackathon(const char *slug);
char		*url_hackathon_ics(const char *slug);
const char	*url_seminars(void);
/* The anchor of seminar s on the seminars page, and its link. */
char		*url_seminar_anchor(const struct val *s);
char		*url_seminar(const struct val *s);
const char	*url_seminars_feed(void);
const char	*url_seminars_ics(void);
const char	*url_status(void);
const char	*url_status_json(void);
const char	*url_status_feed(void);
char		*url_badge(const char *slug);
const char	*url_search(void);
const char	*url_feed(void);	/* feed.xml, new use cases */
const char	*url_sitemap(void);
const char	*url_catalogue_json(void);
/* The folder of the theme's assets. */
const char	*url_assets(void);

/* hosting.c: links into repositories on GitHub, GitLab, Bitbucket. */

/*
 * A link to the example inside its repository on hosts whose URL
 * layout is known (GitHub, GitLab instances, Bitbucket); NULL others.
 * New string.
 */
char		*hosting_example_url(const struct usecase *);
/*
 * A link to a commit, or to a file at a commit (path not NULL), on
 * hosts whose URL layout is known; NULL elsewhere.  New string.
 */
char		*hosting_url(const char *url, const char *commit,
		    const char *path);
/*
 * Owner and repository name of an https URL shaped host/owner/repo,
 * as new strings; 0 if the URL has another shape.
 */
int		 hosting_owner_repo(const char *url, char **owner,
		    char **repo);
/* An "open in" pattern with {owner}, {repo}, {commit}, {path} filled. */
char		*hosting_fill(const char *pat, const char *owner,
		    const char *repo, const char *commit, const char *path);
/* site.yaml's edit_url with {path} filled for entry e, or NULL. */
char		*hosting_edit_url(const struct kb *, const struct entry *e);

/* roster.c: the people of the knowledge base as lists. */

/* The people sorted by name, then id (new array, borrowed pointers). */
struct person	**roster_by_name(const struct kb *);
/* Append to b the names of ids (one person id or text, or a list),
 * joined with ", ": a person's name, else the text as given. */
void		 roster_names(const struct kb *, const struct val *ids,
		    struct buf *b);

/* events.c (model/): hackathons and seminars as every output orders them. */

/* The weekday of a YYYY-MM-DD date ("Monday"), "" when invalid. */
const char	*ev_weekday(const char *);
/* The seminars, oldest first (new array of borrowed values, *n set). */
const struct val **ev_sorted_seminars(const struct kb *, size_t *n);
/* The hackathons by start date, newest first (new array, borrowed). */
struct hackathon **ev_sorted_hackathons(const struct kb *);
/* site.c: write site/ atomically and incrementally. */

struct site_out;

/*
 * Start a build of outdir: files go to a fresh folder beside it, which
 * site_out_commit swaps with outdir in one rename.  idx (may be NULL)
 * holds the hashes of the outputs last published; a file whose bytes
 * hash as before is hard-linked from the old site instead of written
 * (with verify, only after comparing its bytes, so that --force
 * repairs a damaged site).
 * NULL on failure (reported).
 */
struct site_out	*site_out_new(const char *outdir, struct idx *idx,
		    int verify);

/*
 * Add the file path (relative, '/'-separated) with the given bytes.
 * Safe to call from several threads.  Returns 0 on failure (reported).
 */
int		 site_out_put(struct site_out *, const char *path,
		    const char *data, size_t sz);

/*
 * Whether a write of the build failed (reported once): the build
 * stops, and every later site_out_put returns 0 without a word.
 */
int		 site_out_failed(struct site_out *);

/* Copy every file below dir into the site under prefix. */
int		 site_out_copy_dir(struct site_out *, const char *dir,
		    const char *prefix);

/*
 * Publish: swap the new folder with outdir, remove the old one, and
 * record the output hashes.  Returns 0 on failure (reported), leaving
 * outdir as it was.
 */
void		 site_out_clean(const char *);
int		 site_out_commit(struct site_out *);

/* Discard an uncommitted build (its folder is removed). */
void		 site_out_free(struct site_out *);

/* Counts: files written, files kept from the old site, stale removed. */
void		 site_out_counts(const struct site_out *, size_t *written,
		    size_t *kept, size_t *removed);

/*
 * A fingerprint of every file below the given folders: their names and
 * sizes, times and inodes, for the "nothing changed" check; with bytes,
 * their names and bytes only, for "touched but not changed".
 */
uint64_t	 site_fingerprint(const char *const *dirs, size_t n,
		    uint64_t seed, int bytes);

/* families.c: the driver; render.c: the context every page family shares. */

struct render_opts {
	const struct tmpl_set *tmpls;	/* the theme */
	const struct clock *now;	/* the build's now (clock_read) */
	long		 max_age;	/* check.max_age in seconds, 0 default */
	const char	*assets;	/* theme assets folder, may be NULL */
	int		 jobs;	/* rendering threads (>= 1) */
};

/*
 * Render every page of kb into so.  Returns 0 if any page failed
 * (reported).
 */
int		 render_site(const struct kb *, const struct render_opts *,
		    struct site_out *);

/* render.c: the render context, what the page families use. */

struct r;

/*
 * The context of one render of kb into so: the values many pages show
 * (use-case summaries, terms, people, health, menus), built once and
 * shared.  render_free accepts NULL.
 */
struct r	*render_new(const struct kb *, const struct render_opts *,
		    struct site_out *);
void		 render_free(struct r *);
/* The model being rendered and the options (borrowed, for the build). */
const struct kb	*render_kb(const struct r *);
/*
 * The build's day as YYYY-MM-DD (SOURCE_DATE_EPOCH when set, else the
 * real clock, see clock_read), which splits upcoming events from past
 * ones.  Borrowed.
 */
const char	*render_today(const struct r *);
/* The calendars' DTSTAMP: SOURCE_DATE_EPOCH, -1 when unset. */
long long	 render_stamp(const struct r *);
/* SOURCE_DATE_EPOCH for the calendars' DTSTAMP, -1 when unset. */
long long	 render_stamp(const struct r *);
/* base_url ending in '/', or NULL (borrowed). */
const char	*render_base(const struct r *);
/* check.max_age in seconds (default a week). */
long		 render_max_age(const struct r *);
/* Is date (YYYY-MM-DD) more than two years before the build's today? */
int		 render_stale(const struct r *, const char *date);
/*
 * Render template tmpl with ctx (consumed) as the page at path, depth
 * folders below the root, in menu section.  Returns 0 on failure.
 */
int		 render_emit(struct r *, const char *tmpl, const char *path,
		    int depth, const char *section, const char *title,
		    const char *desc, struct val *ctx);
/* Add a file that no template makes (feed, calendar). */
int		 render_put(struct r *, const char *path, const char *,
		    size_t);
/* People ids or plain names as [{name, url or null, last}] (new). */
struct val	*render_people(struct r *, const struct val *);
/* The {title, url} maps of list src with safe URLs (new list). */
struct val	*render_links(const struct val *src);
/* The shared summary of a use case, the shared value of a term. */
struct val	*render_ucsum(struct r *, const struct usecase *);
struct val	*render_term(struct r *, const struct term *);
/* The shared values of terms ts[0..n) as a new list. */
struct val	*render_terms(struct r *, struct term **ts, size_t n);
/* The shared health of a use case's example (see health.c). */
struct val	*render_health(struct r *, const struct usecase *);
/* The shared person ref {id, name, url, affiliation}. */
struct val	*render_pref(struct r *, const struct person *);
/* A URL of map's key as a value: null when missing or unsafe. */
struct val	*render_opt_url(const struct val *map, const char *key);
/* "unreachable", "stale", "reachable" or NULL: uc's repository. */
const char	*render_repo_state(const struct r *, const struct usecase *);
/* Set "usecases" (summaries of ucs, by title), "has_usecases" and
 * "compact" in ctx. */
void		 render_set_usecases(struct r *, struct val *ctx,
		    struct usecase **ucs, size_t n);
/* A dimension as {key, label, singular, url} (new). */
struct val	*render_dim(int d);
/* The terms of dimension d sorted by cmp (new array, borrowed terms):
 * render_count_cmp (most use cases first, then name), render_name_cmp. */
struct term	**render_sorted_terms(const struct kb *, int d,
		    int (*cmp)(const void *, const void *));
int		 render_count_cmp(const void *, const void *);
int		 render_name_cmp(const void *, const void *);
/* The use cases newest first, then by title (new array, borrowed). */
struct usecase	**render_newest(const struct kb *);

/* The page families, one file each; families.c calls them.  Each
 * emits its pages (and files) and returns 0 if one failed. */

/* pages.c: index.html, the free pages, search/index.html, 404.html. */
int		 pages_home(struct r *);
int		 pages_page(struct r *, size_t i);
int		 pages_search(struct r *);
int		 pages_404(struct r *);

/* usecases.c: catalogue/index.html and the page of kb->ucs[i]. */
int		 usecases_catalogue(struct r *);
int		 usecases_page(struct r *, size_t i);

/* terms.c: the dimension indexes, term pages, matrix and its cells. */
int		 terms_dimension(struct r *, int d);
int		 terms_term(struct r *, int d, size_t i);
int		 terms_matrix(struct r *);
int		 terms_cell(struct r *, size_t ti, size_t fi);
/*
 * Use cases carrying both terms, into *out (caller frees) when out is
 * not NULL; returns the count (the driver lists the non-empty cells).
 */
size_t		 terms_both(const struct term *a, const struct term *b,
		    struct usecase ***out);

/* people.c: people/index.html, person pages, people/experts/. */
int		 people_index(struct r *);
int		 people_person(struct r *, size_t i);
/* people/experts/index.html: technology x field, people in cells. */
int		 people_experts(struct r *);

/* hackathons.c: hackathons/index.html, a hackathon's page and .ics. */
int		 hackathons_index(struct r *);
int		 hackathons_page(struct r *, size_t i);

/* seminars.c: seminars/index.html, seminars/feed.xml, seminars.ics. */
int		 seminars_page(struct r *);

/* status.c: the status/ pages and the badges. */

/* badges/SLUG.svg of the use case at index i of kb->ucs. */
int		 status_badge(struct r *, size_t i);
/* status/index.html, status/status.json and status/feed.xml. */
int		 status_page(struct r *);

/* feeds.c: feed.xml, sitemap.xml, catalogue.json. */
int		 feeds_atom(struct r *);
/* sitemap.xml listing paths[0..n) (pages below the site root). */
int		 feeds_sitemap(struct r *, const char *const *paths,
		    size_t n);
int		 feeds_catalogue_json(struct r *);

/* ical.c: the only libical user.  RFC 5545 calendars. */

/*
 * The calendar of a hackathon (one event per programme session) or of
 * every seminar, as new text (caller frees), or NULL on failure
 * (reported).  Times are written in UTC, converted from the event's
 * time zone (default site.yaml timezone); a session without times is
 * an all-day event.  UIDs are derived from the content, DTSTAMP from
 * stamp (SOURCE_DATE_EPOCH) or, when stamp is -1, the event's date.
 */
char		*ical_hackathon(const struct kb *, const struct hackathon *,
		    long long stamp);
char		*ical_seminars(const struct kb *, long long stamp);
/* Is tz a time zone libical knows ("UTC" or an IANA name)? */
int		 ical_zone_valid(const char *tz);
/* search.c: the search index (templates/SEARCH.md); only libstemmer user. */

enum search_type {	/* in document order; fragment "y" and facet */
	SEARCH_USECASE,
	SEARCH_PERSON,
	SEARCH_HACKATHON,
	SEARCH_SEMINAR,
	SEARCH_PAGE,
	SEARCH__TYPES
};

enum search_facet {	/* meta.js facets after "type", in order */
	SEARCH_TECH,
	SEARCH_FIELD,
	SEARCH_TOOL,
	SEARCH_KIND,	/* use cases: one value */
	SEARCH_STATUS,	/* use cases: example state, one value */
	SEARCH__FACETS
};

/* One document to index; every pointer is borrowed. */
struct search_doc {
	enum search_type  type;
	const char	 *url;	/* relative to the site root */
	const char	 *title;
	const char	 *summary;	/* may be NULL */
	const char	 *language;	/* "en", "it" ...; NULL: English */
	const char	*const *terms;	/* term names (chips), weight 5 */
	size_t		  termsz;
	const char	 *html;	/* rendered body, may be NULL */
	const char	*const *facets[SEARCH__FACETS];	/* values */
	size_t		  facetsz[SEARCH__FACETS];
	/* With fparent (may be NULL: every value the document's own):
	 * each value's parent name or NULL; values [0, facetown) are the
	 * document's own, the rest their ancestors. */
	const char	*const *fparent[SEARCH__FACETS];
	size_t		  facetown[SEARCH__FACETS];
};

/*
 * Write the index of docs[0..n) into so as search/meta.js,
 * search/d/KEY.js, search/p/N.js, search/q/N.js and search/f/N.js
 * (templates/SEARCH.md), tokenizing on up
 * to jobs threads.  The output depends on the documents only, not on
 * their order in docs nor on jobs.  Returns 0 if a file could not be
 * written (reported).
 */
int		 search_write(const struct search_doc *docs, size_t n,
		    int jobs, struct site_out *);
/* Reading a bit string of the index (SEARCH.md). */
struct search_bits {
	const char	*p, *end;	/* next character; borrowed */
	uint32_t	 cur;	/* the character being read */
	int		 left;	/* its bits not read yet */
};
/* Append v[0..n) (each >= 1) to b as Exp-Golomb codes of order k,
 * then pad the bit string to a whole character. */
void		 search_codes(struct buf *, const uint32_t *v, size_t n,
		    int k);
/* Read the bit string s[0..n) (borrowed while reading). */
void		 search_bits_init(struct search_bits *, const char *s,
		    size_t n);
/* Read one code of order k into *v; 0 if truncated or bad. */
int		 search_bits_get(struct search_bits *, int k, uint32_t *v);
/* The folded tokens of text, space-separated (new string; for tests). */
char		*search_tokens(const char *text);
/* The Snowball stem of a folded word in lang (new string), NULL if none. */
char		*search_stem(const char *lang, const char *word);

/* unicode.c: letters, combining marks and search folding. */

int		 uni_letter(uint32_t);
int		 uni_mark(uint32_t);
uint32_t	 uni_fold(uint32_t);

/* searchdocs.c: the documents of the search index. */

/*
 * Describe every entry, person, page, hackathon and seminar of kb to
 * search_write.  Returns 0 on failure (reported).
 */
int		 render_search(const struct kb *, const struct render_opts *,
		    struct site_out *);

/* health.c: what the site says of each example, from its runs. */

#define HEALTH__MAX	8
/* "passing", "failing", "timeout", "error", "interrupted", "not run",
 * "not executable", "no code": the badge words, indexed by health_of. */
extern const char *const health_words[HEALTH__MAX];
/* The state of uc's example (an index into health_words). */
size_t		 health_of(const struct usecase *);
/*
 * What the site says of uc's example: state, last result (with its
 * reason), failing cell (In [N]), warnings, kernel and environment,
 * history, chart, freshness against today (YYYY-MM-DD) and max_age
 * (seconds).  New value; render.c shares it between pages.
 */
struct val	*health_val(const struct usecase *, const char *today,
		    long max_age);
/* The text of uc's badges/SLUG.svg ("example | passing"), new string. */
char		*health_badge(const struct usecase *);

/* atom.c: Atom feeds (feed.xml, status/feed.xml, seminars/feed.xml). */

struct atom_entry {
	const char	 *title;	/* text */
	const char	 *path;	/* the entry's page, below the site root */
	const char	 *id;	/* what names the entry, NULL for path */
	const char	 *updated;	/* RFC 3339 */
	const char	**authors;	/* names, borrowed; may be NULL */
	size_t		  authorsz;
	const char	 *summary;	/* may be NULL */
	int		  html;	/* summary is HTML */
};

/*
 * Start the feed at path feed (below the site root) of the site of kb,
 * whose base_url is base (ending in '/', or NULL), titled "SITE: title",
 * about page (may be NULL), last updated at updated (RFC 3339).
 */
void		 atom_head(struct buf *, const struct kb *, const char *base,
		    const char *feed, const char *title, const char *page,
		    const char *updated);
void		 atom_entry(struct buf *, const struct kb *, const char *base,
		    const char *feed, const struct atom_entry *);
void		 atom_tail(struct buf *);

/* json.c: the only jansson user. */

char		*json_get_str(const char *, size_t, const char *);
struct val	*json_parse(const char *, size_t);

/* frontmatter.c (continued): writing YAML with libyaml's emitter. */

/*
 * Append v to out as one block-style YAML document that fm_yaml reads
 * back to the same tree.  Returns 0 on failure (reported at path).
 */
int		 fm_emit(const char *path, const struct val *v, struct buf *out);

/* http.c: the only libcurl user.  Fetching and link checking. */

struct http_req {
	const char	*url;	/* borrowed */
	const char	*token;	/* bearer token, may be NULL; never printed */
	long		 timeout;	/* seconds per attempt, 0: 30 */
	int		 retries;	/* extra attempts on 5xx and no answer */
	double		 backoff;	/* seconds before the first retry,
					   doubled each time; 0: 1 */
	/* Told of each retry (message, attempt, seconds); may be NULL. */
	void		(*progress)(void *, const char *, int, double);
	void		*arg;
};

struct http_resp {
	long		 status;	/* HTTP status, 0 if none */
	char		*body;	/* owned, NUL-terminated */
	size_t		 bodysz;
	char		*ctype;	/* Content-Type, owned, may be NULL */
};

int		 http_get(const struct http_req *, struct http_resp *,
		    char **err);
void		 http_resp_free(struct http_resp *);

struct http_link {
	const char	*url;	/* borrowed */
	long		 status;	/* final status, 0: no answer */
	char		*final;	/* URL after redirects, owned, may be NULL */
	long		 redirects;	/* redirects followed */
	int		 get;	/* answered to GET after HEAD failed */
	char		*error;	/* why no answer, owned, may be NULL */
};

int		 http_check(struct http_link *, size_t n, long per_host,
		    long total, long timeout,
		    void (*done)(void *, const struct http_link *), void *arg);

/* html.c: Indico's HTML descriptions to safe Markdown. */

/*
 * Turn an HTML fragment into Markdown text (new string, caller frees):
 * paragraphs, line breaks, lists, emphasis and http(s)/mailto links are
 * kept; scripts, styles and every other tag are dropped, entities
 * decoded, and '<' escaped so that no raw HTML survives.
 */
char		*html_to_md(const char *html);

/* indico.c: kbgen import indico. */

struct opts;

int		 cmd_import(const struct opts *, int argc, char **argv);

/*
 * Read an Indico export (JSON text body[0..sz), fetched from url) into
 * a new list of seminars and programme sessions without writing
 * anything (for tests/fuzz).  Caller frees with val_free; NULL when
 * body is not an export.
 */
struct val	*indico_read(const char *url, const char *body, size_t sz);

/* links.c: kbgen lint --links. */

/* Check every external link of the content; exit status as cmd_lint. */
int		 cmd_links(const struct opts *);

/* build.c: the commands, called by main.c with parsed options. */

struct opts {
	const char	*root;	/* -C: knowledge-base root */
	const char	*out;	/* -o: output folder, NULL for ROOT/site */
	const char	*templates;	/* --templates, NULL for the default */
	int		 drafts;	/* --drafts */
	int		 strict;	/* --strict */
	int		 force;	/* --force: rebuild even if unchanged */
	int		 jobs;	/* -j: threads, 0 for the number of CPUs */
	int		 quiet;	/* -q */
	int		 offline;	/* --offline: no network, inspect clones */
	const char	*runner;	/* --runner local|slurm, NULL: site.yaml */
	int		 changed;	/* --changed: only entries whose key changed */
	const char	*hackathon;	/* --hackathon SLUG */
	const char	*junit;	/* --junit FILE */
	const char	*json;	/* --json FILE (check), --json (status) */
	int		 prune;	/* check --prune: remove unused images */
	struct clock	 now;	/* the command's now, see clock_read */
};

/* Each returns the exit status: 0 ok, 1 content errors, 2 usage. */
int		 cmd_build(const struct opts *);
int		 cmd_lint(const struct opts *);
int		 cmd_query(const struct opts *, int argc, char **argv);
void		 kb_attach_provenance(struct idx *, struct kb *);
void		 kb_attach_runs(struct idx *, struct kb *);

/* check.c: kbgen check. */

int		 cmd_check(const struct opts *, int argc, char **argv);
/* Every run record of slug, oldest first: a new list (may be empty). */
struct val	*runs_load(struct idx *, const char *slug);

/* report.c: a check's results in the terminal, JUnit, JSON; kbgen status. */

/* One example's result in a check. */
struct report_item {
	const char	*slug;	/* use case, borrowed */
	const struct val *rec;	/* result record, borrowed */
	int		 cached;	/* reused, not run */
	int		 skip;	/* not run: why in rec's message */
};

/*
 * Print on stderr what failed in rec, under name: status (reason):
 * message, the failing cell as In [N] with its traceback, the
 * warnings, the kernel and why, the environment.
 */
void		 report_failure(const char *name, const struct val *rec);
/*
 * Write the items as a JUnit file at path: a <failure> (fail, timeout)
 * or an <error> (anything else, and no-code) whose type is the reason,
 * warnings in <system-out>.  Returns 0 on failure (reported).
 */
int		 report_junit(const char *path, const char *runner,
		    const struct report_item *, size_t);
/* Write the items' records, with "cached", as a JSON list at path. */
int		 report_json(const char *path, const struct report_item *,
		    size_t);
/* kbgen check --strict: 1 when every item passed, else 0 after naming
 * each that did not on stderr. */
int		 report_strict(const struct report_item *, size_t);
/* Whether a record is a pass (status pass, and something ran). */
int		 run_passed(const struct val *rec);
/* The words for a reason ("missing module"), borrowed; reason itself
 * when unknown, NULL when there is none. */
const char	*run_reason_label(const char *reason);
/* One entry of a record's warnings as one line of text (new string). */
char		*run_warning(const struct val *);
int		 cmd_status(const struct opts *, int argc, char **argv);

/* sync.c: kbgen sync. */

int		 cmd_sync(const struct opts *, int argc, char **argv);
char		*repo_cache_dir(const char *cache, const char *url);

/* gitsync.c (and gitstream.c, its sockets): the only libgit2 users. */

/*
 * Call once before any other gs_ function (and gs_shutdown at exit).
 */
int		 gs_init(void);
void		 gs_shutdown(void);

/* gitstream.c: libgit2's socket stream with time limits (KBGEN_GIT_TIMEOUT);
 * gs_init registers it.  Returns 0 on failure (reported). */
int		 gs_stream_register(void);

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
 * The plain first paragraph of a README's text, as gs_inspect's
 * "readme" (new string, caller frees), or NULL.  For tests/fuzz.
 */
char		*gs_readme(const char *text, size_t n);

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

/* runners.c: run a job folder on a runner. */

struct sandbox;

struct run_req {
	const char	*slug;	/* for names and messages */
	const char	*jobdir;	/* absolute host job folder: job.json,
					   result.json, runner.log, work/ */
	const char	*driver;	/* absolute path of runners/driver.py */
	const char	*python;	/* the driver's interpreter, as the
					   sandbox sees it */
	const char	*bwrap;	/* bubblewrap, absolute path */
	long		 timeout;	/* seconds, the driver's own limit */
	long long	 memory;	/* bytes, 0 none */
	long long	 fsize;	/* largest file the job may write */
	long		 nproc;	/* processes of the job */
	int		 gpu;	/* GPUs to ask for (Slurm) */
	int		 sandbox;	/* run inside bubblewrap */
	const struct sandbox *sb;	/* what the sandbox holds; its env
					   is the job's whole environment */
	const struct val *slurm;	/* site.yaml runners.slurm, may be NULL */
	const struct tmpl_set *tmpls;	/* holds "slurm" (the batch script) */
};

/*
 * Run a prepared job folder and return its result (a new map as in
 * runners/README.md): what the driver sent on the result channel (a
 * pipe locally, a file outside the work folder on Slurm: never what
 * the job wrote), or written by the runner when the job was killed
 * (timeout, memory), stopped (interrupted) or could not run.  Output
 * is kept in JOB/runner.log (last 1 MiB).
 */
struct val	*runner_local(const struct run_req *);
struct val	*runner_slurm(const struct run_req *);
/* From a signal handler: make every runner stop its jobs. */
void		 runner_interrupt(void);
int		 runner_interrupted(void);

/* proc.c: running a tool and collecting its output. */

/*
 * Run argv (no shell, stdin from /dev/null); *out and *err get its
 * standard output and error (new strings, never NULL).  Returns the
 * exit status, 127 when it could not start, -1 when it was killed or
 * could not be forked.
 */
int		 proc_run(const char *const *, char **, char **);

/* cgroup.c: a job's process and memory limits. */

struct jobcg;
struct jobcg	*jobcg_new(long, long long);
int		 jobcg_has_pids(const struct jobcg *);
int		 jobcg_has_memory(const struct jobcg *);
void		 jobcg_enter(const struct jobcg *);
long long	 jobcg_peak(const struct jobcg *);
long long	 jobcg_oom_kills(const struct jobcg *);
void		 jobcg_free(struct jobcg *);

/* sandbox.c: the bubblewrap command line of a job. */

struct args {
	char		**v;	/* owned strings, NULL-terminated */
	size_t		 n;
	size_t		 cap;
};

void		 args_add(struct args *, const char *);
void		 args_free(struct args *);
char		*args_shell(const struct args *);

struct sbx_bind {
	const char	*src;	/* host path, borrowed */
	const char	*dst;	/* path inside the sandbox, borrowed */
	int		 rw;	/* writable (else read-only) */
};

struct sandbox {
	const char	*root;	/* unpacked image, NULL: host system folders */
	const char	*work;	/* host folder bound read-write at /job */
	const char	*driver;	/* host driver.py, may be NULL */
	const char	*jobfile;	/* host job.json, may be NULL */
	const char	*venv;	/* host venv folder, at /run/kbgen/env */
	int		 venv_rw;	/* writable (while it is built) */
	const struct sbx_bind *binds;	/* declared data and the like */
	size_t		 bindsz;
	const char *const *gpus;	/* host device nodes granted */
	size_t		 gpusz;
	int		 network;	/* share the host's network */
	const char *const *env;	/* NAME=VALUE, the whole environment */
	const char	*path;	/* PATH before ours, NULL: the usual */
	size_t		 envsz;
};

void		 sandbox_args(const struct sandbox *, struct args *);
char		*sandbox_gpu_name(const char *);

/* envs.c: environments, requirements, GPUs of the local runner. */

struct jobenv {
	char		*name;	/* environment name, NULL: the host */
	char		*image;	/* its reference, NULL for the host */
	char		*digest;	/* "sha256:…", NULL for the host */
	char		*root;	/* unpacked root, NULL: host folders */
	char		*kernel;	/* its kernel, may be NULL */
	char		*packages;	/* hash of its full package list */
	char		*error;	/* why it cannot be used, else NULL */
	struct args	 env;	/* the image's own NAME=VALUE (OCI config) */
};

int		 env_resolve(struct jobenv *, const struct val *,
		    const char *, const char *, const char *);
void		 env_clear(struct jobenv *);
int		 env_requirements(const char *, const char *, const char *,
		    const char *, char **, char **);
int		 env_venv(const struct jobenv *, const char *, const char *,
		    const char *, const char *, char **, char **, int *,
		    char **);
size_t		 env_prune(const char *, long);
char		*env_build_log(const char *);

struct gpupool;
struct gpupool	*gpupool_new(const struct val *);
size_t		 gpupool_size(const struct gpupool *);
int		 gpupool_take(struct gpupool *, size_t, size_t *);
void		 gpupool_give(struct gpupool *, size_t, const size_t *);
const char	*gpupool_dev(const struct gpupool *, size_t);
void		 gpupool_free(struct gpupool *);

/* http.c (continued): downloading declared data to a file, for data.c. */

struct http_download_req {
	const char	*url;	/* borrowed; http or https */
	long		 timeout;	/* seconds per attempt, 0: 3600 */
	long		 stall;	/* seconds under low_speed that end an
				   attempt, 0: 30 */
	long		 low_speed;	/* bytes per second, 0: 1024 */
	int		 retries;	/* extra attempts on 5xx and no answer */
	double		 backoff;	/* seconds before the first retry,
					   doubled each time; 0: 1 */
	/* Told of each retry (message, attempt, seconds); may be NULL. */
	void		(*progress)(void *, const char *, int, double);
	void		*arg;
};

/*
 * Download req->url into the new file dest (must not exist; a
 * temporary name in the folder where the caller will rename it after
 * checking it).  At most max_bytes (0: no cap), refused from the
 * Content-Length or while streaming.  Returns 1 with *bytes the size;
 * 0 with *err a new one-line message naming the URL and the cause
 * ("HTTP 404", "timeout", "too large", "refused"; caller frees) and
 * dest removed.  Thread-safe.
 */
int		 http_download(const struct http_download_req *,
		    const char *dest, long long max_bytes, long long *bytes,
		    char **err);

/* data.c: declared data, fetched once into a content-addressed cache. */

struct data_item {
	const char	*url;	/* borrowed; http or https */
	const char	*sha256;	/* borrowed; 64 hex digits */
	const char	*path;	/* borrowed; where the job sees it (unused
				   here), may be NULL */
};

/*
 * Make the file of item available at CACHE/data/sha256/HEX and set
 * *file to that path (new string, caller frees).  A file already there
 * costs no download: *fetched is 0 and its modification time is set to
 * now (the cache's least-recently-used order).  Otherwise it is
 * downloaded (at most 2 downloads to one host at a time in the process,
 * retried on 5xx and no answer, a stall limit, at most max_file bytes,
 * 0: no cap) beside its place, its sha256 checked, and renamed into
 * place; *fetched is its size.  Several threads or processes fetching
 * the same file download it once (a lock per file).  Returns 1; or 0
 * with *err a new one-line message (caller frees), nothing left in the
 * cache: a sha256 that is not 64 hex digits, a download that failed,
 * "sha256 mismatch for URL: expected HEX, got HEX".  Prints nothing.
 */
int		 data_fetch(const char *cache, const struct data_item *item,
		    long long max_file, char **file, long long *fetched,
		    char **err);

/*
 * Remove files of CACHE/data/sha256, least recently used first, until
 * their sizes add up to at most max_size bytes, sparing keep[0..nkeep)
 * (the files of the job about to run: each a sha256 in hex or a path
 * data_fetch gave), files in use by a fetch, and files used since the
 * scan.  Also removes what failed or killed downloads left.  Returns 1,
 * or 0 when the cache could not be read (reported).
 */
int		 data_evict(const char *cache, long long max_size,
		    const char *const *keep, size_t nkeep);
/* sha256.c: SHA-256 over OpenSSL EVP (the only libcrypto user). */

#define SHA256_HEX_LEN	64	/* hex characters of a digest */

struct sha256;

/* A streaming context: new, update, final (then ready again), free. */
struct sha256	*sha256_new(void);
void		 sha256_update(struct sha256 *, const void *, size_t);
void		 sha256_final(struct sha256 *, char hex[SHA256_HEX_LEN + 1]);
void		 sha256_free(struct sha256 *);
/* The digest of a buffer, as 64 lower-case hex characters. */
void		 sha256_hex(const void *, size_t, char hex[SHA256_HEX_LEN + 1]);
/*
 * The digest of a file.  Returns 0 when it cannot be read: *err is then
 * a new message (caller frees), or with err NULL it is reported.
 */
int		 sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1],
		    char **err);

/* model/imageref.c: image references parsed, no file or network access. */
enum imgkind {
	IMG_DOCKER,
	IMG_OCI,
	IMG_OCI_ARCHIVE,
	IMG_DOCKER_ARCHIVE,
	IMG_ROOTFS
};

/* A parsed reference; every string is owned, may be NULL. */
struct imgref {
	enum imgkind	 kind;
	char		*name;	/* docker: [HOST/]PATH, no tag or digest */
	char		*host;	/* docker: HOST[:PORT] when given */
	char		*tag;	/* docker: TAG; oci: TAG */
	char		*digest;	/* docker: "sha256:HEX" when given */
	char		*path;	/* file kinds: the path as written */
	char		*suffix;	/* archives: ":REF" after the path */
};

/* Parse ref into *r (zeroed first): 1, or 0 with *err a new message. */
int		 imgref_parse(const char *ref, struct imgref *r, char **err);
void		 imgref_free(struct imgref *r);
/* Are s[0..n) exactly 64 lowercase hex digits (a sha256)? */
int		 is_hex64(const char *s, size_t n);
/*
 * Syntax of an image reference, without touching files or network:
 * docker://[HOST[:PORT]/]NAME[:TAG][@sha256:HEX], oci:DIR[:TAG],
 * oci-archive:PATH[:REF], docker-archive:PATH[:REF], rootfs:PATH.
 * Returns 1, or 0 with *err a new one-line message (caller frees).
 */
int		 image_ref_check(const char *ref, char **err);

/* image.c: environment images, resolved to digests and unpacked once. */

/*
 * Resolve ref to a digest and unpack it once under CACHE/images/
 * (relative paths in ref are relative to kbroot).  On success *digest
 * ("sha256:HEX") and *rootfs (absolute path of the root folder) are new
 * strings; a rootfs: folder is used in place.  On failure returns 0
 * with *err a new message carrying the tool's own; the cache is left
 * as it was.  Thread- and process-safe.
 */
int		 image_prepare(const char *cache, const char *kbroot,
		    const char *ref, char **digest, char **rootfs, char **err);
/*
 * Keep a prepared image from being pruned while a job uses it: returns
 * a descriptor for image_release, or -1 when digest is not unpacked
 * in the cache (a rootfs: folder, or pruned since).
 */
int		 image_hold(const char *cache, const char *digest);
void		 image_release(int);
/*
 * Remove unpacked images unused for max_age_secs (0: all) and not held
 * or being unpacked; *removed counts them.  Returns 0 when something
 * could not be removed (reported), else 1.
 */
int		 image_prune(const char *cache, long max_age_secs,
		    size_t *removed);
/*
 * Hash (64 hex, new string) of the installed packages of the root
 * folder rootfs ("/" for the host): dpkg status and the names of the
 * Python *.dist-info and *.egg-info entries; the 2 variant adds a venv
 * (may be NULL).  NULL when the dpkg status cannot be read.
 */
char		*image_packages_hash(const char *rootfs);
char		*image_packages_hash2(const char *rootfs, const char *venv);

#endif /* !KBGEN_EXTERN_H */
