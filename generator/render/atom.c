/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Atom feeds (RFC 4287): the one writer of feed.xml (new use cases),
 * status/feed.xml (regressions) and seminars/feed.xml.  Links are
 * absolute under base_url, else relative to the feed's folder, so a
 * feed works from a sub-path and from file://; ids, which must be
 * absolute IRIs, are URLs under base_url, else URNs naming the page
 * within the site.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

static void
text(struct buf *b, const char *s)
{
	buf_html(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/*
 * path (below the site root) as seen from the folder of feed: without
 * base_url, relative, for a page in the feed's folder or any other.
 */
static void
url(struct buf *b, const char *base, const char *feed, const char *path)
{
	const char	*slash, *p;
	size_t		 dir;

	if (base != NULL) {
		text(b, base);
		text(b, path);
		return;
	}
	slash = strrchr(feed, '/');
	dir = slash != NULL ? (size_t)(slash - feed) + 1 : 0;
	if (dir > 0 && strncmp(path, feed, dir) == 0)
		path += dir;
	else
		for (p = feed; p < feed + dir; p++)
			if (*p == '/')
				buf_puts(b, "../");
	text(b, path);
}

static void
id(struct buf *b, const struct kb *kb, const char *base, const char *path)
{
	char	*site;

	if (base != NULL) {
		text(b, base);
		text(b, path);
		return;
	}
	site = slugify(kb->site.title);
	buf_printf(b, "urn:kbgen:%s:", site);
	text(b, path);
	free(site);
}

/*
 * See render/private.h.
 */
void
atom_head(struct buf *b, const struct kb *kb, const char *base,
    const char *feed, const char *title, const char *page,
    const char *updated)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	text(b, kb->site.title);
	buf_puts(b, ": ");
	text(b, title);
	buf_puts(b, "</title>\n  <id>");
	id(b, kb, base, feed);
	buf_puts(b, "</id>\n  <link rel=\"self\" href=\"");
	url(b, base, feed, feed);
	buf_puts(b, "\"/>\n");
	if (page != NULL) {
		buf_puts(b, "  <link href=\"");
		url(b, base, feed, page);
		buf_puts(b, "\"/>\n");
	}
	buf_puts(b, "  <updated>");
	text(b, updated);
	buf_puts(b, "</updated>\n  <generator>kbgen</generator>\n");
}

/*
 * See render/render.h.
 */
void
atom_entry(struct buf *b, const struct kb *kb, const char *base,
    const char *feed, const struct atom_entry *e)
{
	size_t	 i;

	buf_puts(b, "  <entry>\n    <title>");
	text(b, e->title);
	buf_puts(b, "</title>\n    <id>");
	id(b, kb, base, e->id != NULL ? e->id : e->path);
	buf_puts(b, "</id>\n    <link href=\"");
	url(b, base, feed, e->path);
	buf_puts(b, "\"/>\n    <updated>");
	text(b, e->updated);
	buf_puts(b, "</updated>\n");
	for (i = 0; i < e->authorsz; i++) {
		buf_puts(b, "    <author><name>");
		text(b, e->authors[i]);
		buf_puts(b, "</name></author>\n");
	}
	if (e->summary != NULL) {
		/* Escaped HTML, as type="html" wants, or text. */
		buf_puts(b, e->html ? "    <summary type=\"html\">" :
		    "    <summary>");
		text(b, e->summary);
		buf_puts(b, "</summary>\n");
	}
	buf_puts(b, "  </entry>\n");
}

/*
 * See render/private.h.
 */
void
atom_tail(struct buf *b)
{
	buf_puts(b, "</feed>\n");
}
