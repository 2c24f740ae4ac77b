/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Site configuration: content/site.yaml.  Every key has a default, so
 * a missing file is fine.  Sections used by other commands (check,
 * runners, open_in) are type-checked here and read where used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

static const struct fld site_flds[] = {
	{ "title", FLD_STR, 0 },
	{ "description", FLD_STR, 0 },
	{ "base_url", FLD_STR, 0 },
	{ "language", FLD_STR, 0 },
	{ "timezone", FLD_STR, 0 },
	{ "edit_url", FLD_STR, 0 },
	{ "unsafe_html", FLD_BOOL, 0 },
	{ "open_in", FLD_LIST, 0 },
	{ "check", FLD_MAP, 0 },
	{ "runners", FLD_MAP, 0 },
	{ "search", FLD_MAP, 0 },
	{ "links", FLD_MAP, 0 },
	{ NULL, FLD_ANY, 0 },
};

static const struct fld check_flds[] = {
	{ "max_age", FLD_DURATION, 0 },
	{ "keep_jobs", FLD_INT, 0 },
	{ NULL, FLD_ANY, 0 },
};

/* links: kbgen lint --links (read in links.c). */
static const struct fld links_flds[] = {
	{ "max_age", FLD_DURATION, 0 },
	{ "timeout", FLD_DURATION, 0 },
	{ "per_host", FLD_INT, 0 },
	{ NULL, FLD_ANY, 0 },
};

/*
 * Load site.yaml at path into s (zeroed by the caller).  Returns 0 on
 * errors (reported); s always ends up with usable defaults.
 */
int
site_config_load(struct site *s, const char *path)
{
	char		*text = NULL;
	size_t		 sz;
	const struct val *v;
	FILE		*f;
	int		 ok = 1;

	s->path = xstrdup(path);
	s->title = "Knowledge Base";
	s->description = NULL;
	s->language = "en";
	s->timezone = "UTC";
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	fclose(f);
	if (!file_read(path, &text, &sz))
		return 0;
	s->tree = fm_yaml(path, text, sz, 0);
	free(text);
	if (s->tree == NULL)
		return 0;
	if (s->tree->type == VAL_NULL)
		return 1;
	if (!schema_check(path, s->tree, site_flds, "site configuration"))
		ok = 0;
	if (s->tree->type != VAL_MAP)
		return 0;
	if ((v = val_get(s->tree, "check")) != NULL && v->type == VAL_MAP &&
	    !schema_check(path, v, check_flds, "check section"))
		ok = 0;
	if ((v = val_get(s->tree, "links")) != NULL && v->type == VAL_MAP &&
	    !schema_check(path, v, links_flds, "links section"))
		ok = 0;
	if (val_get_str(s->tree, "title") != NULL)
		s->title = val_get_str(s->tree, "title");
	s->description = val_get_str(s->tree, "description");
	s->base_url = val_get_str(s->tree, "base_url");
	if (val_get_str(s->tree, "language") != NULL)
		s->language = val_get_str(s->tree, "language");
	if (val_get_str(s->tree, "timezone") != NULL)
		s->timezone = val_get_str(s->tree, "timezone");
	s->edit_url = val_get_str(s->tree, "edit_url");
	if ((v = val_get(s->tree, "unsafe_html")) != NULL)
		(void)bool_value(v, &s->unsafe_html);
	return ok;
}

void
site_config_free(struct site *s)
{
	val_free(s->tree);
	free(s->path);
}
