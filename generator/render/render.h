/*
 * What later stages use of generator/render/ (pages from
 * templates).  Include after extern.h.
 */
#ifndef KBGEN_RENDER_RENDER_H
#define KBGEN_RENDER_RENDER_H

struct idx;
struct kb;
struct site_out;

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

/* families.c: the driver; render.c: the context every page family shares. */

struct render_opts {
	const struct tmpl_set *tmpls;	/* the theme */
	const struct clock *now;	/* the build's now (clock_read) */
	long		 max_age;	/* check.max_age in seconds, 0 default */
	const char	*assets;	/* theme assets folder, may be NULL */
	int		 jobs;	/* rendering threads (>= 1) */
	/*
	 * A hash of every input of the pages but the entries' files
	 * (build.c: the theme, site.yaml, the taxonomy, the store's
	 * records, the clock...), or 0 to render every page.  With it and
	 * idx, a page none of whose inputs changed since it was published
	 * is kept as it is (families.c: what each page read).
	 */
	uint64_t	 inputs;
	struct idx	*idx;	/* the store, may be NULL */
};

/*
 * Render every page of kb into so, or keep it (render_opts.inputs);
 * *ran and *all (may be NULL) count the jobs rendered and all jobs (a
 * job makes a page, or a few files).  Returns 0 if any page failed
 * (reported).
 */
int		 render_site(const struct kb *, const struct render_opts *,
		    struct site_out *, size_t *ran, size_t *all);

/* render.c: the render context, what the page families use. */

struct r;

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

#endif /* !KBGEN_RENDER_RENDER_H */
