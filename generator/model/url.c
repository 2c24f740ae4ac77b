/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The URL layout of the site: the path, below the site root, of every
 * page and file kbgen writes, and the top-level names the site's own
 * pages take (which a free page may not).  Every page family, the
 * sitemap, the feeds, the calendars, the search documents and the
 * link check ask here, so that moving a page is a change to this file
 * alone.  Paths are relative ("usecases/x/index.html"): this file
 * knows nothing of base_url, nor of the search index's own files below
 * search/ (search.c's business), and it does not check slugs: content.c
 * does, before anything is built.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

/* The folder of each taxonomy dimension's pages. */
static const char *const dim_dirs[DIM__MAX] = { "technologies", "fields",
    "tools" };

/* The index of each dimension. */
static const char *const dim_index[DIM__MAX] = {
	"technologies/index.html", "fields/index.html", "tools/index.html" };

/* Top-level page slugs that the site itself uses. */
static const char *const reserved[] = { "assets", "catalogue", "usecases",
    "technologies", "fields", "tools", "matrix", "people", "hackathons",
    "seminars", "status", "search", "badges", "files", "thumbs", "feed.xml",
    "sitemap.xml", "catalogue.json", "404.html", "index.html" };

/*
 * See model/private.h.
 */
int
url_reserved(const char *slug)
{
	size_t	 i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(slug, reserved[i]) == 0)
			return 1;
	return 0;
}

/* See model/model.h. */
const char *
url_home(void)
{
	return "index.html";
}

/* See model/model.h. */
const char *
url_404(void)
{
	return "404.html";
}

/* See model/model.h. */
const char *
url_catalogue(void)
{
	return "catalogue/index.html";
}

/* See model/model.h. */
char *
url_usecase(const char *slug)
{
	return xasprintf("usecases/%s/index.html", slug);
}

/*
 * See model/model.h.  Beside the use case's page, so that a copy of
 * its folder keeps its downloads.
 */
char *
url_usecase_ipynb(const char *slug, int passing)
{
	return xasprintf("usecases/%s/executed-%s.ipynb", slug,
	    passing ? "passing" : "last");
}

/* See model/model.h. */
char *
url_usecase_notebook(const char *slug)
{
	return xasprintf("usecases/%s/notebook.html", slug);
}

/* See model/model.h. */
char *
url_usecase_passing(const char *slug)
{
	return xasprintf("usecases/%s/passing.html", slug);
}

/* See model/model.h. */
char *
url_usecase_changes(const char *slug)
{
	return xasprintf("usecases/%s/changes.html", slug);
}

/* See model/model.h. */
char *
url_usecase_output(const char *slug, const char *name)
{
	return xasprintf("usecases/%s/outputs/%s", slug, name);
}

/* See model/model.h. */
const char *
url_dim_dir(enum dim d)
{
	return dim_dirs[d];
}

/* See model/model.h. */
const char *
url_dimension(enum dim d)
{
	return dim_index[d];
}

/* See model/model.h. */
char *
url_term(enum dim d, const char *slug)
{
	return xasprintf("%s/%s/index.html", dim_dirs[d], slug);
}

/* See model/model.h. */
const char *
url_matrix(void)
{
	return "matrix/index.html";
}

/* See model/model.h. */
char *
url_cell(const char *tech, const char *field)
{
	return xasprintf("matrix/%s--%s/index.html", tech, field);
}

/* See model/model.h. */
const char *
url_people(void)
{
	return "people/index.html";
}

/* See model/model.h. */
const char *
url_experts(void)
{
	return "people/experts/index.html";
}

/* See model/model.h. */
char *
url_person(const char *id)
{
	return xasprintf("people/%s/index.html", id);
}

/* See model/model.h. */
char *
url_page(const char *slug)
{
	return xasprintf("%s/index.html", slug);
}

/* See model/model.h. */
const char *
url_hackathons(void)
{
	return "hackathons/index.html";
}

/* See model/model.h. */
char *
url_hackathon(const char *slug)
{
	return xasprintf("hackathons/%s/index.html", slug);
}

/* See model/model.h. */
char *
url_hackathon_ics(const char *slug)
{
	return xasprintf("hackathons/%s.ics", slug);
}

/* See model/model.h. */
const char *
url_seminars(void)
{
	return "seminars/index.html";
}

/*
 * See model/model.h.  The search index links here too: keep it
 * slugify(date + " " + title).
 */
char *
url_seminar_anchor(const struct val *s)
{
	const char	*d = val_get_str(s, "date");
	const char	*t = val_get_str(s, "title");
	char		*txt, *a;

	txt = xasprintf("%s %s", d ? d : "", t ? t : "");
	a = slugify(txt);
	free(txt);
	return a;
}

/* See model/model.h. */
char *
url_seminar(const struct val *s)
{
	char	*a, *url;

	a = url_seminar_anchor(s);
	url = xasprintf("%s#%s", url_seminars(), a);
	free(a);
	return url;
}

/* See model/model.h. */
const char *
url_seminars_feed(void)
{
	return "seminars/feed.xml";
}

/* See model/model.h. */
const char *
url_seminars_ics(void)
{
	return "seminars/seminars.ics";
}

/* See model/model.h. */
const char *
url_status(void)
{
	return "status/index.html";
}

/* See model/model.h. */
const char *
url_status_json(void)
{
	return "status/status.json";
}

/* See model/model.h. */
const char *
url_status_feed(void)
{
	return "status/feed.xml";
}

/* See model/model.h. */
char *
url_badge(const char *slug)
{
	return xasprintf("badges/%s.svg", slug);
}

/* See model/model.h. */
char *
url_thumb(const char *slug, int scale)
{
	return scale > 1 ? xasprintf("usecases/%s/thumb-2x.webp", slug) :
	    xasprintf("usecases/%s/thumb.webp", slug);
}

/* See model/model.h. */
char *
url_thumb_tile(const char *tech)
{
	return tech != NULL ? xasprintf("thumbs/technology-%s.svg", tech) :
	    xstrdup("thumbs/example.svg");
}

/* See model/model.h. */
const char *
url_search(void)
{
	return "search/index.html";
}

/* See model/model.h. */
const char *
url_feed(void)
{
	return "feed.xml";
}

/* See model/model.h. */
const char *
url_sitemap(void)
{
	return "sitemap.xml";
}

/* See model/model.h. */
const char *
url_catalogue_json(void)
{
	return "catalogue.json";
}

/* See model/model.h. */
const char *
url_assets(void)
{
	return "assets";
}
