/*
 * What later stages use of generator/model/ (the knowledge base in
 * memory).  Include after extern.h.
 */
#ifndef KBGEN_MODEL_MODEL_H
#define KBGEN_MODEL_MODEL_H

struct idx;
struct fcache;

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

/* schema.c: check a YAML mapping against a table of known keys. */

enum fld_type {
	FLD_STR,	/* a scalar */
	FLD_STRS,	/* a list of scalars; one scalar reads as one item */
	FLD_MAP,	/* a mapping (its members checked elsewhere) */
	FLD_LIST,	/* a list of anything */
	FLD_BOOL,	/* true or false */
	FLD_INT,	/* a whole number */
	FLD_DATE,	/* YYYY-MM-DD */
	FLD_PDATE,	/* YYYY-MM-DD, YYYY-MM or YYYY (an event's dates) */
	FLD_TIME,	/* HH:MM */
	FLD_DURATION,	/* 90s, 20m, 2h, 1h30m */
	FLD_SLUG,	/* [a-z0-9][a-z0-9-]* */
	FLD_ANY,
};

/*
 * One key of a table of known keys, ended by a NULL key.  Tables nest
 * through sub, which is what lint derives "belongs under" from: a key
 * of one place written at another is found in the tree of its kind's
 * top table.  The last three members may be left out (zero).
 */
struct fld {
	const char	*key;
	enum fld_type	 type;
	int		 required;
	const struct fld *sub;	/* keys of this mapping, of each item of
				   this list, or (names) of each value;
				   may be NULL */
	const char *const *set;	/* the words a FLD_STR allows, NULL-ended;
				   may be NULL */
	int		 names;	/* a mapping of names chosen by the site,
				   each value a mapping of sub's keys */
};

/*
 * A kind's top table: content.c's content_tables, config.c's
 * site_table, taxonomy.c's tax_table.
 */
struct fld_root {
	const char	*what;	/* "use case", "site configuration" */
	const char	*where;	/* the file or folder, from the knowledge
				   base's root: "content/usecases/",
				   "content/site.yaml" */
	const struct fld *flds;	/* the top table; the front matter's for
				   entries, each item's for seminars */
};
extern const struct fld_root content_tables[];	/* NULL what ends it */
extern const struct fld_root site_table;
extern const struct fld_root tax_table;

int		 date_valid(const char *);

/*
 * How precise a date is: 3 for a day (YYYY-MM-DD, date_valid), 2 for a
 * month (YYYY-MM), 1 for a year (YYYY), 0 for anything else.
 */
int		 pdate_prec(const char *);
long		 duration_secs(const char *);
int		 bool_value(const struct val *, int *);

/*
 * People's addresses (kbgen(5), "People").  email_valid: s is an
 * e-mail address as people write one (name@example.org).  orcid_id: s
 * is an ORCID iD in form, bare (0000-0002-1825-0097) or after
 * https://orcid.org/; returns the bare iD within s (borrowed), else
 * NULL; the check digit is not checked.  orcid_digit: the check digit
 * ('0'-'9' or 'X') that the iD id (as orcid_id returns it) should end
 * with.
 */
int		 email_valid(const char *s);
const char	*orcid_id(const char *s);
char		 orcid_digit(const char *id);

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

/* A name of a term for tax_find: folded (a name, an alias) or not (a
 * slug), and the term's position. */
struct tkey {
	char		 *key;	/* owned */
	size_t		  pos;
};

struct taxonomy {
	char		 *path;	/* taxonomy.yaml, owned */
	struct val	 *tree;	/* parsed file, owned, may be NULL */
	struct term	**terms[DIM__MAX];	/* owned, in file order */
	size_t		  termsz[DIM__MAX];
	/* tax_find's index, sorted by key then pos; NULL until built */
	struct tkey	 *names[DIM__MAX];	/* names, aliases: folded */
	size_t		  namesz[DIM__MAX];
	struct tkey	 *slugs[DIM__MAX];
	size_t		  slugsz[DIM__MAX];
	int		  indexed;
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
	const char	 *contact;	/* the initiative's e-mail address or
					   http(s) page, for people with no
					   address; may be NULL */
	int		  contact_email;	/* contact is an e-mail address */
	int		  unsafe_html;
	size_t		  max_file;	/* max_file_size in bytes */
	int		  allow_local;	/* sync: {allow_local: true} */
	size_t		  out_max_text;	/* outputs.max_text, bytes */
	size_t		  out_max_image;	/* outputs.max_image, bytes */
	size_t		  out_max_notebook;	/* outputs.max_notebook, bytes */
	int		  out_html_text;	/* outputs: {html: text} */
	double		  out_rtol;	/* outputs.rtol: numbers' tolerance */
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
	char		 *html;	/* rendered body, owned: read it with
					   kb_html (it may be in the store) */
	int		  draft;
	uint64_t	  fmhash;	/* hash64 of the file before the body */
	uint64_t	  bodyhash;	/* hash64 of the body */
	uint64_t	  filehash;	/* hash64 of the whole file */
	int		  cached;	/* meta came from the fm cache: text
					   is read again only when needed */
	char		 *fmrec;	/* its new fm record, until the kb
					   takes it (fmkeep), or NULL */
	size_t		  fmrecsz;
	int		  lazy;	/* html is kept in the store, under
				   htmlkey, until kb_html reads it */
	uint64_t	  htmlkey;
};

struct person {
	struct entry	  e;
	const char	 *name;
	const char	 *affiliation;	/* may be NULL */
	/* Ways to reach them, each NULL unless lint takes it. */
	const char	 *email;	/* an e-mail address (email_valid) */
	const char	 *web;	/* an http:// or https:// URL */
	const char	 *orcid;	/* the bare ORCID iD, check digit right */
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
	struct val	 *outputs;	/* kept outputs of runs: {"last",
				   "passing", "previous_passing"}, each a
				   MANIFEST (model/outputs.c) or null, and
				   "changes" (kb_attach_outputs); owned,
				   or NULL when none were kept */
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
	struct val	 *bodykeep;	/* list of the heads of body records
					   to keep (kb_load_cached), may be
					   NULL */
	const struct entry **bodyents;	/* their entries, whose HTML
					   follows each head; owned array */
	struct fmkeep	 *fmkeep;	/* fm records to keep, drafts'
					   too (kb_keep_fm); owned */
	size_t		  fmkeepsz;
	struct idx	 *idx;	/* the store bodies are kept in, or NULL */
	const struct ftree *tree;	/* while loading: the files, or
					   NULL */
	uint64_t	  env;	/* what their links resolved against */
};

/* A front-matter record to keep: path below content/ and bytes. */
struct fmkeep {
	char		 *rel;
	char		 *rec;
	size_t		  recsz;
};

int		 tax_load(struct taxonomy *, const char *path);
void		 tax_free(struct taxonomy *);
struct term	*tax_find(const struct taxonomy *, enum dim, const char *);
struct term	*tax_resolve(const struct taxonomy *, enum dim,
		    const char *path, const struct val *);

struct kb	*kb_load(const char *root, int drafts, int jobs);

/*
 * kb_load with the file cache fc (may be NULL) and its store: a file
 * fc holds unchanged is not read again, its parsed front matter is
 * taken from the store; a body whose bytes, place and links are as
 * when it was kept is not rendered again (content.c says how each is
 * checked).  tree (may be NULL) is the build's list of the files
 * below root/content (ftree_scan): the folders are read from it, and
 * links resolve against which files it holds.
 */
struct ftree;
struct kb	*kb_load_cached(const char *root, int drafts, int jobs,
		    struct fcache *fc, const struct ftree *tree);

/*
 * Keep in idx the bodies that kb_load_cached rendered anew (a build
 * does so once its site is published).  Returns 0 on failure
 * (reported).
 */
int		 kb_keep_bodies(const struct kb *, struct idx *);

/*
 * The HTML of an entry's body (NULL when it has none).  A body kept in
 * the store and not changed is read from there on first use, so that
 * a build reads the bodies of the pages it renders only; any thread.
 */
const char	*kb_html(const struct kb *, const struct entry *);

/*
 * Keep in idx the front matter kb_load_cached parsed anew, for the
 * next build's fc, and free it.  Returns 0 on failure (reported).
 */
int		 kb_keep_fm(struct kb *, struct idx *);
void		 kb_free(struct kb *);

/*
 * jsonschema.c: kbgen schema, a JSON Schema (draft 2020-12) of the
 * content files, walked from the key tables lint uses (content_tables,
 * site_table, tax_table).  jsonschema_kind(i) names the i-th kind,
 * NULL after the last: usecase, person, hackathon, page, seminars,
 * site, taxonomy.  jsonschema_new gives a new tree (val_free it) whose
 * $defs describe every kind, the root being kind's (NULL: none), with
 * the terms of tax (may be NULL) as enums; NULL for an unknown kind.
 * jsonschema_words gives the words (NULL-ended, borrowed) that the key
 * at place (dotted keys of kind's tree: "kind",
 * "programme.sessions.kind") allows, or NULL.
 */
const char	*jsonschema_kind(size_t);
struct val	*jsonschema_new(const struct taxonomy *, const char *kind);
const char *const *jsonschema_words(const char *kind, const char *place);

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

/*
 * The paths of pages and files.  Those of one page return a constant;
 * those of one of many return a new string (caller frees).
 */
const char	*url_home(void);	/* index.html */

const char	*url_404(void);
const char	*url_catalogue(void);
char		*url_usecase(const char *slug);

/*
 * The executed notebook (.ipynb with its outputs) of a use case's last
 * run, or (passing) of its last passing run, for download:
 * usecases/SLUG/executed-last.ipynb, .../executed-passing.ipynb.
 */
char		*url_usecase_ipynb(const char *slug, int passing);

/*
 * A use case's executed notebook on its own page (a long one), the
 * last passing run's outputs (when the last run failed), the outputs
 * that changed between its last two passing runs, all beside its page
 * so that they share one path to the files of its outputs (images and
 * notebooks, named by content hash: HASH.ext); new strings.
 */
char		*url_usecase_notebook(const char *slug);
char		*url_usecase_passing(const char *slug);
char		*url_usecase_changes(const char *slug);
char		*url_usecase_output(const char *slug, const char *name);

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

/*
 * A use case's thumbnail (render/thumb.c): scale 1 is 400x280, scale 2
 * the 800x560 of srcset's 2x; both WebP, in the use case's folder.
 */
char		*url_thumb(const char *slug, int scale);

/*
 * The neutral thumbnail (an SVG tile) of the examples without an image
 * whose first technology has slug tech; tech NULL: those with none.
 */
char		*url_thumb_tile(const char *tech);
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

/*
 * The commit the launch buttons and the source archive use: the
 * repository's ref when it is a full commit (40 hex digits), so that
 * the buttons show before any sync, else the commit kbgen sync
 * recorded; NULL when neither.  Borrowed from uc.
 */
const char	*hosting_pin(const struct usecase *);

/*
 * The source archive of the repository url at commit (40 hex digits):
 * GitHub .../archive/C.tar.gz, GitLab .../-/archive/C/NAME-C.tar.gz,
 * Bitbucket .../get/C.tar.gz; NULL on any other host.  New string.
 */
char		*hosting_archive_url(const char *url, const char *commit);

/*
 * Launch links for the file path (within the repository) of url at
 * commit, every piece percent-encoded, or NULL where the service cannot
 * serve the host: Colab a notebook (.ipynb) on github.com; Binder
 * (hub, e.g. https://mybinder.org) github.com and gitlab.com; a
 * JupyterHub's nbgitpuller (hub) any https git URL, at branch (NULL:
 * the repository's default branch; nbgitpuller pulls a branch, never a
 * commit).  hub must be https.  New strings.
 */
char		*hosting_colab_url(const char *url, const char *commit,
		    const char *path);
char		*hosting_binder_url(const char *hub, const char *url,
		    const char *commit, const char *path);
char		*hosting_gitpuller_url(const char *hub, const char *url,
		    const char *branch, const char *path);

/*
 * The launch buttons of uc from site.yaml's launch section: a new list
 * of {name (colab, binder, jupyterhub), label, url}, empty when there
 * is no pin (hosting_pin) or no service serves the host.
 */
struct val	*hosting_launch(const struct kb *, const struct usecase *);

/* The source archive of uc at its pin, or NULL.  New string. */
char		*hosting_source_url(const struct usecase *);

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

/*
 * The first and last day (YYYY-MM-DD; day 31 ends every month, which
 * compares right as text) of an event's date d, exact or partial
 * (YYYY-MM, YYYY); returns pdate_prec(d), and empty days when 0.
 */
int		 ev_span(const char *d, char first[11], char last[11]);

/* Whether the last day of date d (exact or partial) is today or later. */
int		 ev_upcoming(const char *d, const char *today);

/*
 * Date d in words, new string: "Monday 5 June 2023" (weekday 0: "5
 * June 2023"), "June 2021", "2023"; anything else as given.
 */
char		*ev_date_words(const char *d, int weekday);

/*
 * A session's time in words, new string: "Tue 22 Nov, 14:00-15:30"
 * (an en dash), "Tue 22 Nov, 14:00" without end, "Tue 22 Nov" without
 * start; "" when date is not YYYY-MM-DD.  start and end are HH:MM,
 * local to the event, as written.
 */
char		*ev_time_words(const char *date, const char *start,
		    const char *end);

/*
 * The seminars, oldest first by the first day of their dates, then
 * start time, then file order (new array of borrowed values, *n set).
 */
const struct val **ev_sorted_seminars(const struct kb *, size_t *n);

/* The seminars newest first, those of the same day and time (a month
 * or a year counts as its first day) in file order. */
const struct val **ev_seminars_newest(const struct kb *, size_t *n);

/* The hackathons by the first day of their start, newest first, then
 * by slug (new array, borrowed). */
struct hackathon **ev_sorted_hackathons(const struct kb *);

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

/*
 * The local time hm (HH:MM) of date (YYYY-MM-DD) in zone tz as an HTML
 * global date and time, "2023-06-05T09:00+02:00", into out; 0 when tz
 * is unknown or date or hm malformed.
 */
int		 ical_local(const char *tz, const char *date, const char *hm,
		    char out[32]);

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

/* frontmatter.c (continued): writing YAML with libyaml's emitter. */

/*
 * Append v to out as one block-style YAML document that fm_yaml reads
 * back to the same tree.  Returns 0 on failure (reported at path).
 */
int		 fm_emit(const char *path, const struct val *v, struct buf *out);

/* build.c: the commands, called by main.c with parsed options. */

void		 kb_attach_provenance(struct idx *, struct kb *);

/* check.c: kbgen check. */

/* Every run record of slug, oldest first: a new list (may be empty). */
struct val	*runs_load(struct idx *, const char *slug);

/* report.c: a check's results in the terminal, JUnit, JSON; kbgen status. */

/* Whether a record is a pass (status pass, and something ran). */
int		 run_passed(const struct val *rec);

/* The words for a reason ("missing module"), borrowed; reason itself
 * when unknown, NULL when there is none. */
const char	*run_reason_label(const char *reason);

/* One entry of a record's warnings as one line of text (new string). */
char		*run_warning(const struct val *);

/*
 * outputs.c: the kept outputs of runs (check/keep.c writes them).
 *
 * A blob is stored once under ROOT/.kbgen/outputs/sha256/AB/HEX, named
 * by a ref "sha256:HEX" (64 lowercase hex digits, the SHA-256 of its
 * bytes).  Each run leaves a MANIFEST blob, kbgen's JSON (never the
 * example's):
 *
 *	{"ref": "sha256:HEX",	the manifest's own ref (added when read:
 *				the blob cannot hold its own hash)
 *	 "slug": "SLUG", "stamp": N (the run record's key),
 *	 "date": "2026-11-25T12:00:00Z" (RFC 3339, UTC, start of the run),
 *	 "runner": "local" | "slurm",
 *	 "gpu": "NVIDIA A100-SXM4-40GB, ..." (nvidia-smi -L names) or null,
 *	 "commit": the pinned commit or null,
 *	 "status": the record's status ("pass", "fail", ...),
 *	 "reason": the record's reason or null,
 *	 "kind": "notebook" (a notebook ran) | "files" (script, command),
 *	 "notebook": {"ref", "size"} of the executed notebook, or null,
 *	 "log": {"ref", "size"} of output.log (setup and entry output,
 *		last 1 MiB), or null when empty or absent,
 *	 "images": [{"name": "roc.png", "ref", "type": "image/png",
 *		"size": N}, ...]: regular files found under $KBGEN_OUTPUT
 *		(subfolders too), typed by their magic bytes; "name" is
 *		the path below it, sanitised ([A-Za-z0-9._-] and '/'),
 *		in name order; [] when none}
 *
 * The store's run_outputs record of a use case is {"last": REF,
 * "passing": REF, "previous_passing": REF} (each may be null):
 * manifests of the last run with outputs, of the last passing one, and
 * of the passing one before it.
 */

/* Whether ref is "sha256:" and 64 lowercase hex digits. */
int		 outputs_ref_valid(const char *ref);

/*
 * The path of the blob ref in the knowledge base kbroot (the folder
 * holding content/ and .kbgen/): KBROOT/.kbgen/outputs/sha256/AB/HEX, a
 * new string; NULL when ref is not a valid ref.
 */
char		*outputs_path(const char *kbroot, const char *ref);

/*
 * Read the blob ref: 1 with *data a new NUL-terminated copy (caller
 * frees) of *sz bytes; 0 (reporting nothing) when ref is invalid, the
 * blob is absent, not a regular file, over max bytes or unreadable.
 */
int		 outputs_read(const char *kbroot, const char *ref,
		    size_t max, char **data, size_t *sz);

/*
 * A use case's kept manifests, {"last", "passing", "previous_passing"}
 * each a manifest map (with "ref") or null (missing or unreadable), as
 * a new value; NULL when the store holds no record for slug.
 */
struct val	*outputs_load(struct idx *, const char *kbroot,
		    const char *slug);

/*
 * Set every use case's uc->outputs from the store (outputs_load), with
 * "changes": outdiff from its previous passing run to its last passing
 * run when both are kept and are different runs, else null.
 */
void		 kb_attach_outputs(struct idx *, struct kb *);

/* outdiff.c: whether a run's outputs changed since an earlier run's. */

/*
 * Whether texts a and b are the same once ISO 8601 timestamps and
 * 0x... addresses are masked and each pair of numbers agrees within
 * rtol (relative: |x - y| <= rtol * max(|x|, |y|)).  1 same, 0 not.
 */
int		 outdiff_text_same(const char *a, size_t an, const char *b,
		    size_t bn, double rtol);

/*
 * The changes from manifest before to manifest after (both as
 * outputs_load gives them, of the same kind), as a new list of
 * {"number": the code cell's ordinal (1 for the first) or null,
 * "before": the cell's position in before's notebook or null,
 * "index": its position in after's notebook or null, "name": the file
 * (scripts) or null, "what": "text" | "image" | "added" | "removed"}; an empty list when
 * nothing changed; NULL when they cannot be compared (a missing or
 * corrupt notebook, different kinds).  Notebooks: code cells paired by
 * ordinal, their outputs compared in order (images by hash, the rest
 * as text with outdiff_text_same); scripts: output.log as one text,
 * images paired by name and compared by hash.
 */
struct val	*outdiff(const char *kbroot, const struct val *before,
		    const struct val *after, double rtol);

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
 * ftree.c: the files below the given folders, listed by one walk
 * (names in order, what lstat and stat say), and fingerprints of them:
 * with bytes 0, names and per file its size, time and inode, for the
 * "nothing changed" check; with bytes 1, names and per file the hash
 * of its bytes (from fc when it holds the file unchanged, else read
 * and noted there; fc may be NULL), for "touched but not changed",
 * but of the files in skip (full paths as listed, in any order; may
 * be NULL) their names only: the caller hashes those.
 */
struct ftree;

struct ftree	*ftree_scan(const char *const *dirs, size_t n);
uint64_t	 ftree_print(const struct ftree *, uint64_t seed, int bytes,
		    const char *const *skip, size_t skipsz, struct fcache *);
/* A hash of the names alone, as below top (and whether each is a
 * folder, a file or neither, and links' texts): what exists.  Never
 * 0. */
uint64_t	 ftree_names(const struct ftree *, const char *top);
/*
 * The entries right below folder dir (a folder given to ftree_scan or
 * one below it, spelt as listed), into *out (a new array the caller
 * frees; names and stat borrowed from the tree): how many, or
 * (size_t)-1 when the tree does not list dir.
 */
struct ftree_ent {
	const char		*name;	/* the last part of its path */
	const struct stat	*st;	/* what lstat said; st_mode 0: it
					   failed, or see link */
	int			 link;	/* a symbolic link (st: what it
					   names, or st_mode 0) */
};
size_t		 ftree_children(const struct ftree *, const char *dir,
		    struct ftree_ent **out);
void		 ftree_free(struct ftree *);

#endif /* !KBGEN_MODEL_MODEL_H */
