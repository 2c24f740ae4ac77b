/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libFuzzer target: Mustache templates (template.c).  The input is the
 * template "page", compiled beside a fixed partial and parent and
 * rendered against a fixed context with strings, lists, maps, booleans
 * and markup to escape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char ctxyaml[] =
    "title: \"A <b>title</b> & more\"\n"
    "empty: \"\"\n"
    "yes: true\n"
    "no: false\n"
    "n: 12\n"
    "items:\n"
    "  - {name: one, url: /one/, tags: [a, b]}\n"
    "  - {name: \"<two>\", url: '/t''w\"o/', tags: []}\n"
    "page: {title: nested, author: {name: Ada}}\n"
    "html: \"<p>raw & 'quoted'</p>\"\n";

static const char item[] = "<li>{{name}} {{#tags}}{{.}}{{/tags}}</li>";
static const char base[] = "<title>{{$title}}x{{/title}}</title>"
    "{{$body}}{{/body}}{{#items}}{{>_item}}{{/items}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	static struct val *ctx;
	struct tmpl_set	*ts;
	struct buf	 out;

	if (ctx == NULL &&
	    (ctx = fm_yaml("ctx.yaml", ctxyaml, sizeof(ctxyaml) - 1, 0)) ==
	    NULL)
		abort();
	memset(&out, 0, sizeof(out));
	ts = tmpl_set_new();
	if (!tmpl_set_add(ts, "_item", item, strlen(item), "_item.mustache") ||
	    !tmpl_set_add(ts, "base", base, strlen(base), "base.mustache"))
		abort();
	if (tmpl_set_add(ts, "page", (const char *)data, sz, "page.mustache"))
		(void)tmpl_render(ts, "page", ctx, &out);
	tmpl_set_free(ts);
	buf_free(&out);
	return 0;
}
