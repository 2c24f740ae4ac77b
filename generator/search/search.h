/*
 * What later stages use of generator/search/ (the search
 * index).  Include after extern.h.
 */
#ifndef KBGEN_SEARCH_SEARCH_H
#define KBGEN_SEARCH_SEARCH_H

struct kb;
struct render_opts;
struct site_out;

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

/* Reading a bit string of the index (SEARCH.md). */
struct search_bits {
	const char	*p, *end;	/* next character; borrowed */
	uint64_t	 cur;	/* characters read, 6 bits each */
	int		 left;	/* its low bits not taken yet */
};

/* searchdocs.c: the documents of the search index. */

/*
 * Describe every entry, person, page, hackathon and seminar of kb to
 * search_write.  Returns 0 on failure (reported).
 */
int		 render_search(const struct kb *, const struct render_opts *,
		    struct site_out *);

/*
 * Warn (path:line:col) for every language of kb's entries and
 * site.yaml that has no Snowball stemmer.  render_search calls it;
 * kbgen lint too.
 */
void		 search_langs_check(const struct kb *);

#endif /* !KBGEN_SEARCH_SEARCH_H */
