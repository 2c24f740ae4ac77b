/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for url.c, the URL layout of the site: the path of every
 * page and file, for ordinary slugs and awkward ones (dots, dashes,
 * digits only, non-ASCII letters, a slug that looks like a file name),
 * the anchors and links of seminars, and the top-level names that
 * free pages may not take.  Slugs reach url.c checked by content.c:
 * url.c composes, it neither escapes nor rejects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"
#include "harness.h"

/* Check a new string against want, and free it. */
static void
eqf(char *got, const char *want, const char *name)
{
	EQS(got, want, name);
	free(got);
}

static struct val *
seminar(const char *date, const char *title)
{
	struct val	*s = val_map();

	if (date != NULL)
		val_set_str(s, "date", date);
	if (title != NULL)
		val_set_str(s, "title", title);
	return s;
}

/* Is the first component of path a reserved name? */
static int
top_reserved(const char *path)
{
	char	*top = xstrdup(path), *p;
	int	 rc;

	if ((p = strchr(top, '/')) != NULL)
		*p = '\0';
	rc = url_reserved(top);
	free(top);
	return rc;
}

int
main(void)
{
	const char	*fixed[] = { url_home(), url_404(), url_catalogue(),
	    url_matrix(), url_people(), url_experts(), url_hackathons(),
	    url_seminars(), url_seminars_feed(), url_seminars_ics(),
	    url_status(), url_status_json(), url_status_feed(), url_search(),
	    url_feed(), url_sitemap(), url_catalogue_json(), url_assets(),
	    url_dimension(DIM_TECH), url_dimension(DIM_FIELD),
	    url_dimension(DIM_TOOL) };
	struct val	*s;
	char		*p;
	size_t		 i;

	/* One page each. */
	EQS(url_home(), "index.html", "home");
	EQS(url_404(), "404.html", "404");
	EQS(url_catalogue(), "catalogue/index.html", "catalogue");
	EQS(url_matrix(), "matrix/index.html", "matrix");
	EQS(url_people(), "people/index.html", "people");
	EQS(url_experts(), "people/experts/index.html", "experts");
	EQS(url_hackathons(), "hackathons/index.html", "hackathons");
	EQS(url_seminars(), "seminars/index.html", "seminars");
	EQS(url_seminars_feed(), "seminars/feed.xml", "seminars feed");
	EQS(url_seminars_ics(), "seminars/seminars.ics", "seminars ics");
	EQS(url_status(), "status/index.html", "status");
	EQS(url_status_json(), "status/status.json", "status json");
	EQS(url_status_feed(), "status/feed.xml", "status feed");
	EQS(url_search(), "search/index.html", "search");
	EQS(url_feed(), "feed.xml", "feed");
	EQS(url_sitemap(), "sitemap.xml", "sitemap");
	EQS(url_catalogue_json(), "catalogue.json", "catalogue.json");
	EQS(url_assets(), "assets", "assets");

	/* Dimensions. */
	EQS(url_dim_dir(DIM_TECH), "technologies", "dim dir tech");
	EQS(url_dim_dir(DIM_FIELD), "fields", "dim dir field");
	EQS(url_dim_dir(DIM_TOOL), "tools", "dim dir tool");
	EQS(url_dimension(DIM_TECH), "technologies/index.html", "dim tech");
	EQS(url_dimension(DIM_FIELD), "fields/index.html", "dim field");
	EQS(url_dimension(DIM_TOOL), "tools/index.html", "dim tool");

	/* One page of many: ordinary slugs. */
	eqf(url_usecase("jet-tagging"), "usecases/jet-tagging/index.html",
	    "usecase");
	eqf(url_term(DIM_TECH, "gnn"), "technologies/gnn/index.html",
	    "term tech");
	/* A use case's notebook pages and output files, in its folder. */
	eqf(url_usecase_notebook("roc"), "usecases/roc/notebook.html",
	    "usecase notebook");
	eqf(url_usecase_passing("roc"), "usecases/roc/passing.html",
	    "usecase passing");
	eqf(url_usecase_output("roc", "0123456789abcdef.png"),
	    "usecases/roc/outputs/0123456789abcdef.png", "usecase output");
	eqf(url_term(DIM_FIELD, "hep"), "fields/hep/index.html",
	    "term field");
	eqf(url_term(DIM_TOOL, "pytorch"), "tools/pytorch/index.html",
	    "term tool");
	eqf(url_cell("gnn", "hep"), "matrix/gnn--hep/index.html", "cell");
	eqf(url_person("mrossi"), "people/mrossi/index.html", "person");
	eqf(url_page("about"), "about/index.html", "page");
	eqf(url_hackathon("ml-2025"), "hackathons/ml-2025/index.html",
	    "hackathon");
	eqf(url_hackathon_ics("ml-2025"), "hackathons/ml-2025.ics",
	    "hackathon ics");
	eqf(url_badge("jet-tagging"), "badges/jet-tagging.svg", "badge");
	eqf(url_usecase_ipynb("jet-tagging", 0),
	    "usecases/jet-tagging/executed-last.ipynb", "notebook last");
	eqf(url_usecase_ipynb("jet-tagging", 1),
	    "usecases/jet-tagging/executed-passing.ipynb", "notebook passing");
	/* Beside the page: same folder as url_usecase. */
	{
		char *pg = url_usecase("a.b"), *nb = url_usecase_ipynb("a.b",
		    0);

		OK(strncmp(pg, nb, strlen(pg) - strlen("index.html")) == 0 &&
		    strchr(nb + strlen(pg) - strlen("index.html"), '/') == NULL,
		    "notebook in the page's folder");
		free(pg);
		free(nb);
	}
	eqf(url_thumb("jet-tagging", 1), "usecases/jet-tagging/thumb.webp",
	    "thumbnail");
	eqf(url_thumb("jet-tagging", 2),
	    "usecases/jet-tagging/thumb-2x.webp", "thumbnail 2x");
	eqf(url_thumb_tile("cnn"), "thumbs/technology-cnn.svg",
	    "neutral thumbnail of a technology");
	eqf(url_thumb_tile(NULL), "thumbs/example.svg",
	    "neutral thumbnail without a technology");

	/* Awkward slugs: composed as given. */
	eqf(url_usecase("v1.2_beta"), "usecases/v1.2_beta/index.html",
	    "usecase with dot");
	eqf(url_usecase("2024"), "usecases/2024/index.html",
	    "usecase all digits");
	eqf(url_usecase("caf\xc3\xa9"), "usecases/caf\xc3\xa9/index.html",
	    "usecase non-ASCII");
	eqf(url_person("a.b-c_d"), "people/a.b-c_d/index.html",
	    "person punctuation");
	eqf(url_page("index.htm"), "index.htm/index.html",
	    "page like a file");
	eqf(url_term(DIM_TECH, "c--"), "technologies/c--/index.html",
	    "term with double dash");
	/* "--" separates the two slugs of a cell; a slug holding "--"
	 * still gives one folder per pair of terms. */
	eqf(url_cell("a--b", "c"), "matrix/a--b--c/index.html",
	    "cell with double dash");
	eqf(url_cell("x", "y-z"), "matrix/x--y-z/index.html",
	    "cell with dash");
	eqf(url_badge("v1.2"), "badges/v1.2.svg", "badge with dot");
	eqf(url_hackathon_ics("a.b"), "hackathons/a.b.ics",
	    "hackathon ics with dot");

	/* Seminars: anchor slugify(date + " " + title). */
	s = seminar("2025-03-04", "Deep Learning for Jets");
	eqf(url_seminar_anchor(s), "2025-03-04-deep-learning-for-jets",
	    "seminar anchor");
	eqf(url_seminar(s), "seminars/index.html#2025-03-04-deep-learning-"
	    "for-jets", "seminar url");
	val_free(s);
	s = seminar("2025-12-01", "GNNs: why, how & when?");
	eqf(url_seminar(s), "seminars/index.html#2025-12-01-gnns-why-how-"
	    "when", "seminar url punctuation");
	val_free(s);
	s = seminar(NULL, "No date");
	eqf(url_seminar_anchor(s), "no-date", "seminar without date");
	val_free(s);
	s = seminar("2025-01-01", NULL);
	eqf(url_seminar_anchor(s), "2025-01-01", "seminar without title");
	val_free(s);

	/* Reserved top-level names. */
	OK(url_reserved("people"), "reserved people");
	OK(url_reserved("usecases"), "reserved usecases");
	OK(url_reserved("assets"), "reserved assets");
	OK(url_reserved("badges"), "reserved badges");
	OK(url_reserved("files"), "reserved files");
	OK(url_reserved("thumbs"), "reserved thumbs");
	OK(url_reserved("feed.xml"), "reserved feed.xml");
	OK(url_reserved("index.html"), "reserved index.html");
	OK(url_reserved("404.html"), "reserved 404.html");
	OK(url_reserved("seminars"), "reserved seminars");
	OK(!url_reserved("about"), "not reserved about");
	OK(!url_reserved("People"), "not reserved People (case)");
	OK(!url_reserved("people2"), "not reserved people2");
	OK(!url_reserved(""), "not reserved empty");
	/* No free page can stand where the site's own pages are. */
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		OK(top_reserved(fixed[i]), fixed[i]);
	p = url_usecase("x");
	OK(top_reserved(p), "usecases/ reserved");
	free(p);
	p = url_badge("x");
	OK(top_reserved(p), "badges/ reserved");
	free(p);
	p = url_cell("x", "y");
	OK(top_reserved(p), "matrix/ cells reserved");
	free(p);
	DONE();
}
