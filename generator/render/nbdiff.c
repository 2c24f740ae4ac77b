/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The side-by-side view of outputs that changed between two passing
 * runs of one example: given both runs rendered by notebook.c (whose
 * nb_out says where each cell's HTML lies) and the list of changes
 * model/outdiff.c found, one row per changed cell with the earlier
 * run's cell on the left and the later run's on the right.  The cells'
 * HTML is notebook.c's, already escaped and framed; this file adds only
 * its own words and layout.  Deciding what changed is outdiff.c's;
 * writing the page is the use-case family's.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "render/render.h"
#include "render/private.h"

/* What changed, in readers' words. */
static const char *
what_label(const char *what)
{
	if (what == NULL)
		return "changed";
	if (strcmp(what, "text") == 0)
		return "text output changed";
	if (strcmp(what, "image") == 0)
		return "image changed";
	if (strcmp(what, "added") == 0)
		return "new in the later run";
	if (strcmp(what, "removed") == 0)
		return "not in the later run";
	return "changed";
}

/* Cell ix of out (a number from a change), or a note when absent. */
static void
cell_of(struct buf *b, const struct nb_out *out, const struct val *ix)
{
	size_t	 i = out->spansz;

	if (ix != NULL && ix->type == VAL_NUM && ix->num >= 0 &&
	    ix->num < (double)out->spansz)
		i = (size_t)ix->num;
	if (i >= out->spansz || out->spans[i].end <= out->spans[i].start) {
		buf_puts(b, "<p class=\"nb-diff-none\">(no such cell in "
		    "this run)</p>");
		return;
	}
	buf_put(b, out->html + out->spans[i].start,
	    out->spans[i].end - out->spans[i].start);
}

/* The column heads: which run is which. */
static void
heads(struct buf *b, const char *bdate, const char *adate)
{
	buf_puts(b, "<thead><tr><th scope=\"col\">Earlier passing run, ");
	buf_html(b, bdate, strlen(bdate));
	buf_puts(b, "</th><th scope=\"col\">Last passing run, ");
	buf_html(b, adate, strlen(adate));
	buf_puts(b, "</th></tr></thead>\n");
}

/*
 * See render/private.h.
 */
char *
nbdiff_html(const struct nb_out *before, const struct nb_out *after,
    const struct val *changes, const char *bdate, const char *adate)
{
	struct buf	 b = { NULL, 0, 0 };
	const struct val *c;
	const char	*name;
	size_t		 i;
	int		 files;

	files = before->spans == NULL || after->spans == NULL;
	buf_puts(&b, "<table class=\"nb-diff\">\n");
	heads(&b, bdate, adate);
	buf_puts(&b, "<tbody>\n");
	if (files) {
		/* A script's log and files: one row, the changed names
		 * above it. */
		buf_puts(&b, "<tr class=\"nb-diff-what\"><th colspan=\"2\" "
		    "scope=\"row\">");
		for (i = 0; changes != NULL && i < changes->kidsz; i++) {
			c = changes->kids[i];
			name = val_get_str(c, "name");
			if (i > 0)
				buf_puts(&b, "; ");
			buf_puts(&b, "<code>");
			if (name != NULL)
				buf_html(&b, name, strlen(name));
			buf_puts(&b, "</code>: ");
			buf_puts(&b, what_label(val_get_str(c, "what")));
		}
		buf_puts(&b, "</th></tr>\n<tr><td>");
		if (before->html != NULL)
			buf_puts(&b, before->html);
		buf_puts(&b, "</td><td>");
		if (after->html != NULL)
			buf_puts(&b, after->html);
		buf_puts(&b, "</td></tr>\n");
	}
	for (i = 0; !files && changes != NULL && i < changes->kidsz; i++) {
		c = changes->kids[i];
		buf_puts(&b, "<tr class=\"nb-diff-what\"><th colspan=\"2\" "
		    "scope=\"row\">");
		if (val_get(c, "number") != NULL &&
		    val_get(c, "number")->type == VAL_NUM)
			buf_printf(&b, "Code cell %lld: ",
			    (long long)val_get(c, "number")->num);
		buf_puts(&b, what_label(val_get_str(c, "what")));
		buf_puts(&b, "</th></tr>\n<tr><td>");
		cell_of(&b, before, val_get(c, "before"));
		buf_puts(&b, "</td><td>");
		cell_of(&b, after, val_get(c, "index"));
		buf_puts(&b, "</td></tr>\n");
	}
	buf_puts(&b, "</tbody>\n</table>\n");
	return buf_steal(&b);
}
