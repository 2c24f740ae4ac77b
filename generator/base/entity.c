/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The one table of named HTML character references that kbgen decodes
 * (the HTML importer, import/html.c, and the search text extractor,
 * search/search.c): the five of XML, the no-break space (read as a
 * plain space: both callers want text to break there) and the
 * punctuation and accented letters Indico descriptions use.  It does
 * not decode numeric references (each caller has its own rule for
 * what a bad one becomes) nor know the rest of HTML's 2,000 names.
 */
#include <stddef.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"

static const struct {
	const char	*name;	/* without '&' and ';' */
	const char	*text;	/* UTF-8 */
} ents[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" },
	{ "quot", "\"" }, { "apos", "'" }, { "nbsp", " " },
	{ "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
	{ "rsquo", "\xe2\x80\x99" }, { "lsquo", "\xe2\x80\x98" },
	{ "rdquo", "\xe2\x80\x9d" }, { "ldquo", "\xe2\x80\x9c" },
	{ "hellip", "\xe2\x80\xa6" }, { "eacute", "\xc3\xa9" },
	{ "egrave", "\xc3\xa8" }, { "agrave", "\xc3\xa0" },
	{ "ograve", "\xc3\xb2" }, { "ugrave", "\xc3\xb9" },
	{ "igrave", "\xc3\xac" },
};

/*
 * See base/base.h.  Names are case-sensitive, as in HTML ("&AMP;" is
 * another name, not in the table).
 */
const char *
entity_lookup(const char *name, size_t namesz)
{
	size_t	 k;

	for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
		if (strlen(ents[k].name) == namesz &&
		    memcmp(name, ents[k].name, namesz) == 0)
			return ents[k].text;
	return NULL;
}
