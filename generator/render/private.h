/*
 * What the files of generator/render/ share and no other folder
 * uses.  Include after extern.h.
 */
#ifndef KBGEN_RENDER_PRIVATE_H
#define KBGEN_RENDER_PRIVATE_H

struct atom_entry;
struct hackathon;
struct kb;
struct entry;
struct page;
struct person;
struct r;
struct render_opts;
struct site_out;
struct term;
struct usecase;

/* render.c: the render context, what the page families use. */

/*
 * The context of one render of kb into so: the values many pages show
 * (use-case summaries, terms, people, health, thumbnails, menus), each
 * built once, on first use (safe from par_for's workers), and shared.
 * render_free accepts NULL.
 */
struct r	*render_new(const struct kb *, const struct render_opts *,
		    struct site_out *);
void		 render_free(struct r *);

/*
 * What a page reads.  The accessors below record, for the job running
 * on the thread (reads_track), each value they hand out, as an id:
 * the kind (RV_*) and an index (an entry's in kb, a term's
 * dimension << 16 | position).  vers_new hashes what each value is
 * made of, from the model, without making it; families.c keeps a
 * page when no value it read changed.
 */
enum rv_kind {
	RV_KB = 1,	/* the whole model but use cases' bodies */
	RV_MENU,	/* the menu: the pages' front matter */
	RV_UC,		/* a use case's front matter (and health) */
	RV_UCBODY,	/* a use case's body, as HTML */
	RV_UCSUM,	/* a use case's summary card */
	RV_TERM,	/* a term's value (its count) */
	RV_TERMUCS,	/* a term's use cases */
	RV_PERSON,	/* a person, whole */
	RV_PERSONUCS,	/* a person's use cases */
	RV_PAGE,	/* a free page, whole */
	RV_HACKS,	/* every hackathon, whole */
	RV_THUMB,	/* a use case's thumbnail */
	RV_UCTERMS,	/* a use case's terms, no more of it */
	RV__MAX
};
#define RV_ID(kind, i)	((uint32_t)(kind) << 24 | (uint32_t)(i))

/* The reads of one job: ids, in the order read until sorted. */
struct render_reads {
	uint32_t	*ids;	/* owned */
	size_t		 sz;
	size_t		 cap;
};

/* reads.c: what a page reads, and whether it changed. */

/*
 * Record the reads of this thread into rr (borrowed), or none: NULL;
 * returns the list recorded into before.
 */
struct render_reads *reads_track(struct render_reads *rr);

/* A read of the value of kind (RV_*) at i, into the thread's list. */
void		 reads_add(unsigned kind, size_t i);

/* Sort rr's ids and drop repeats. */
void		 reads_sort(struct render_reads *rr);

/*
 * The version of every value of kb a page may read (free with
 * vers_free, which accepts NULL).  vers_put appends them to b;
 * vers_diff reads what the last build put, from p (not past end),
 * and returns where that ends, or NULL when it is not such.
 */
struct vers;
struct vers	*vers_new(const struct kb *);
void		 vers_free(struct vers *);
void		 vers_put(const struct vers *, struct buf *b);
const char	*vers_diff(struct vers *, const char *p, const char *end);
/*
 * Whether any of the n ids at ids (sorted, unaligned) was read of a
 * value that differs from the last build's, is new, is no more, or
 * when nothing was diffed.
 */
int		 vers_any_changed(const struct vers *, const char *ids,
		    size_t n);

/*
 * The model being rendered (borrowed, for the build): a read of all
 * of it, but the use cases' bodies (render_uc_html), so a page that
 * takes it is made again after any edit of front matter.
 */
const struct kb	*render_kb(const struct r *);

/*
 * The same, without a read: only for what every page depends on
 * anyway (render_opts.inputs): kb->site, kb->root, kb->seminars and
 * the taxonomy's terms as written (names, slugs, parents, positions),
 * never entries, nor a term's use cases or count.
 */
const struct kb	*render_kb_site(const struct r *);

/* Entries, each a read: a use case's front matter, its body's HTML;
 * a person or a free page whole. */
const struct usecase *render_uc(struct r *, size_t i);
const char	*render_uc_html(struct r *, const struct usecase *);
const struct person *render_person(struct r *, size_t i);
const struct page *render_page(struct r *, size_t i);
/* The body's HTML of an entry read whole (a person, a page, a
 * hackathon): no read of its own; "" for none. */
const char	*render_html(struct r *, const struct entry *);

/* The use cases of a term, of a person (borrowed, in kb order). */
struct usecase *const *render_term_ucs(struct r *, const struct term *,
		    size_t *n);
struct usecase *const *render_person_ucs(struct r *, const struct person *,
		    size_t *n);

/* A read of uc's terms: what may be read of it, uc->terms, no more. */
void		 render_uc_terms(struct r *, const struct usecase *);

/*
 * kb->people and *n (borrowed), a read of every person, whole, and
 * of the place after the last, where a new one would be.
 */
struct person *const *render_people_all(struct r *, size_t *n);

/* How many hackathons there are (a read of the menu, which counts them). */
size_t		 render_nhacks(struct r *);

/* ev_sorted_hackathons's array (caller frees), a read of them all. */
struct hackathon **render_sorted_hacks(struct r *);

/*
 * The files of kb->ucs[i]'s thumbnail (none when it shows a tile),
 * and the neutral tiles the use cases need.  Return 0 on failure.
 */
int		 render_thumb_files(struct r *, size_t i);
int		 render_tiles(struct r *);

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

/*
 * Set key of v to date d (exact or partial; may be NULL: null) in
 * words: "Monday 5 June 2023" (weekday 0: "5 June 2023"), "June 2021",
 * "2023" (model's ev_date_words).
 */
void		 render_date_words(struct val *v, const char *key,
		    const char *d, int weekday);

/*
 * The page about entry e is in its own language: ctx's "lang" becomes
 * e's front-matter language when that is a language tag, and emit
 * makes it page.language (the site's language otherwise), for <html
 * lang>.
 */
void		 render_lang(struct val *ctx, const struct entry *e);

/* Add a file that no template makes (feed, calendar). */
int		 render_put(struct r *, const char *path, const char *,
		    size_t);

/*
 * People ids or plain names as [{name, url or null, last}] and the
 * reach of each (render_set_reach; a plain name has none) (new).
 */
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

/* The shared person ref {id, name, url, affiliation} and its reach. */
struct val	*render_pref(struct r *, const struct person *);

/*
 * Set on v how to reach p (NULL: a plain name, nobody): "email",
 * "email_href" (mailto:, encoded), "web", "orcid", "orcid_url"
 * (https://orcid.org/ID), each null when not given, and "reachable"
 * (any of them).  Templates show them with the partial _reach.
 */
void		 render_set_reach(struct val *v, const struct person *p);

/*
 * Set key of map v to n and key_one to whether n is 1, so that a
 * template says "1 example" and "2 examples":
 * {{n}} {{#n_one}}example{{/n_one}}{{^n_one}}examples{{/n_one}}.
 */
void		 render_set_count(struct val *v, const char *key,
		    long long n);

/* A URL of map's key as a value: null when missing or unsafe. */
struct val	*render_opt_url(const struct val *map, const char *key);

/* "unreachable", "stale", "reachable" or NULL: uc's repository. */
const char	*render_repo_state(const struct r *, const struct usecase *);

/* Set "usecases" (summaries of ucs, by title), "has_usecases" and
 * "compact" in ctx. */
void		 render_set_usecases(struct r *, struct val *ctx,
		    struct usecase *const *ucs, size_t n);

/* A dimension as {key, label, singular, url} (new). */
struct val	*render_dim(int d);

/* The terms of dimension d sorted by cmp (new array, borrowed terms):
 * render_count_cmp (most use cases first, then name), render_name_cmp. */
struct term	**render_sorted_terms(struct r *, int d,
		    int (*cmp)(const void *, const void *));
int		 render_count_cmp(const void *, const void *);
int		 render_name_cmp(const void *, const void *);

/* The use cases newest first, then by title (new array, borrowed). */
struct usecase	**render_newest(const struct kb *);

/* thumb.c: thumbnails of examples (the only libvips user). */

#define THUMB_W	400	/* a thumbnail's size; srcset's 2x is twice it */
#define THUMB_H	280

/* A use case's thumbnail, 1x and 2x (WebP, new bytes). */
struct thumb_res {
	char		*img[2];	/* THUMB_W x THUMB_H, then twice that */
	size_t		 imgsz[2];
};

/*
 * The thumbnail of uc's last passing run (uc->outputs, kept under
 * root/.kbgen/outputs): the image of the notebook cell tagged
 * "thumbnail", else its first image, else the first image file of a
 * script.  Returns 1 with res filled (free with thumb_res_free); 0
 * when there is none to show (res empty): no passing run, no image, or
 * an image that does not decode (a warning naming the use case, and
 * the cell where a tag is on one without an image).  Cached under
 * root/.kbgen/thumbs.  Safe to call from several threads.
 */
int		 thumb_usecase(const char *root, const struct usecase *uc,
		    struct thumb_res *res);
void		 thumb_res_free(struct thumb_res *);

/*
 * The image bytes img[0..sz) (PNG, JPEG, WebP or SVG) scaled to fit
 * w x h (never enlarged), centred on a neutral background, as WebP:
 * 1 with *out new bytes (caller frees); 0 with *err a new message.
 */
int		 thumb_encode(const void *img, size_t sz, int w, int h,
		    char **out, size_t *outsz, char **err);

/*
 * Both sizes of the thumbnail of the image bytes img[0..sz) (its
 * SHA-256 is hex) through the cache of root, made from one decoding
 * when not cached: 1 with res filled; 0 with *err (the image does not
 * decode, perhaps known from an earlier build); -1 when not cached and
 * img is NULL.
 */
int		 thumb_cached(const char *root, const char *hex,
		    const void *img, size_t sz, struct thumb_res *res,
		    char **err);

/*
 * The image a notebook (JSON text nb[0..nbsz)) shows for its
 * thumbnail: the first image output of the first cell tagged
 * "thumbnail" that has one, else the first image output.  Returns 1
 * with *img its new bytes; 0 when none.  Lines of warnings (a tagged
 * cell without an image, a notebook that is not JSON) go to warn.
 */
int		 thumb_pick(const char *nb, size_t nbsz, char **img,
		    size_t *imgsz, struct buf *warn);

/* The neutral thumbnail: an SVG tile showing name (new text). */
char		*thumb_tile(const char *name);

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

/* atom.c: Atom feeds (feed.xml, status/feed.xml, seminars/feed.xml). */

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

/*
 * notebook.c: an executed notebook (nbformat 4 JSON) to HTML, a pure
 * function: nothing written, nothing printed.
 */

struct nb_opts {
	const char	*path;	/* for md_render's diagnostics, may be NULL */
	const char	*workdir;	/* job.json's workdir ("src/sub"), NULL: "src" */
	const char	*img_prefix;	/* URL of the images' folder from the page, "" or NULL: beside it */
	size_t		 max_text;	/* bytes of one text output shown */
	size_t		 max_image;	/* bytes of one image shown */
	size_t		 max_notebook;	/* bytes of a notebook rendered, 0: any */
	int		 html_text;	/* outputs: {html: text}: no frames */
	long		 failed_index;	/* cell index of the failure, -1 none */
	const char	*id_prefix;	/* of the cells' ids, NULL: "cell-" */
};

struct nb_image {
	char		*name;	/* HASH.ext (16 hex digits of SHA-256), owned */
	char		*data;	/* the file's bytes, owned */
	size_t		 datasz;
	const char	*type;	/* MIME type, static */
};

/* Where a cell's HTML lies in nb_out's html: [start, end), empty if none. */
struct nb_span {
	size_t		 start;
	size_t		 end;
};

struct nb_out {
	char		*html;	/* owned; NULL when not rendered */
	size_t		 htmlsz;
	struct nb_image	*imgs;	/* image files the HTML shows, owned */
	size_t		 imgsz;
	char		**warns;	/* "cell 4 (In [3]): ...", owned */
	size_t		 warnsz;
	size_t		 cells;	/* cells rendered */
	struct nb_span	*spans;	/* per cell of the notebook, owned */
	size_t		 spansz;	/* the notebook's cells */
};

/* Defaults of site.yaml's outputs: max_text, max_image, max_notebook. */
#define	 NB_MAX_TEXT	(1024 * 1024)
#define	 NB_MAX_IMAGE	(5 * 1024 * 1024)
#define	 NB_MAX_NOTEBOOK	(64 * 1024 * 1024)

/*
 * Render the notebook text[0..sz).  Fills out (free it with
 * nb_out_free, even on failure, for its warnings) and returns 1; 0
 * when the text is no notebook or over max_notebook (out->html NULL,
 * the reason in out->warns).  Problems of single cells and outputs are
 * warnings, their place in the page a note.
 */
int		 nb_render(const char *text, size_t sz,
		    const struct nb_opts *, struct nb_out *);
void		 nb_out_free(struct nb_out *);

/* An image file a script wrote (manifest "images"), borrowed. */
struct nb_file {
	const char	*name;	/* path below $KBGEN_OUTPUT */
	const char	*type;	/* image/png, image/jpeg, image/webp, image/svg+xml */
	const char	*data;
	size_t		 datasz;
};

/*
 * What a script, .sh or command entry left: its log (output.log, may
 * be NULL) as terminal text and its image files, checked as notebook
 * images are, into out as nb_render does (the warnings name no cell).
 * Returns 1.
 */
int		 nb_render_files(const char *log, size_t logsz,
		    const struct nb_file *, size_t,
		    const struct nb_opts *, struct nb_out *);

/* nbdiff.c: the side-by-side view of changed outputs. */

/*
 * The changes (model/outdiff.c's list) between two renderings of an
 * example's outputs, before and after (nb_render's, with their cells'
 * spans; or nb_render_files's, shown whole), as an HTML table (a new
 * string): a row per changed cell, the earlier run (of date bdate) on
 * the left, the later (adate) on the right.
 */
char		*nbdiff_html(const struct nb_out *before,
		    const struct nb_out *after, const struct val *changes,
		    const char *bdate, const char *adate);

#endif /* !KBGEN_RENDER_PRIVATE_H */
