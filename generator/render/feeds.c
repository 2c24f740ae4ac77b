/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The machine-readable files of the site, written directly rather than
 * from templates: feed.xml (the newest use cases, Atom), sitemap.xml
 * (the pages the driver lists, as absolute URLs) and catalogue.json
 * (every use case as data).  The other feeds belong to their families
 * (seminars.c, status.c); atom.c writes the Atom text for all.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "render/render.h"
#include "render/private.h"

static void
xml_text(struct buf *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

static void
abs_url(struct buf *b, const struct kb *kb, const char *path)
{
	const char	*base = kb->site.base_url;

	if (base != NULL) {
		xml_text(b, base);
		if (*base != '\0' && base[strlen(base) - 1] != '/')
			buf_putc(b, '/');
	}
	xml_text(b, path);
}

/*
 * See render/private.h.
 */
int
feeds_atom(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct buf	 b = { NULL, 0, 0 };
	struct usecase	**s;
	size_t		 i, j, n;
	char		*url, *when;
	int		 rc;

	s = render_newest(kb);
	n = kb->ucsz < 50 ? kb->ucsz : 50;
	when = xasprintf("%sT00:00:00Z", n > 0 && s[0]->added ?
	    s[0]->added : "1970-01-01");
	atom_head(&b, kb, render_base(r), url_feed(), "new use cases",
	    url_home(),
	    when);
	free(when);
	for (i = 0; i < n; i++) {
		struct atom_entry e;
		const char	**who;

		url = url_usecase(s[i]->e.slug);
		when = xasprintf("%sT00:00:00Z", s[i]->added ? s[i]->added :
		    "1970-01-01");
		who = xcalloc(s[i]->contactsz + 1, sizeof(*who));
		for (j = 0; j < s[i]->contactsz; j++)
			who[j] = s[i]->contacts[j]->name ?
			    s[i]->contacts[j]->name :
			    s[i]->contacts[j]->e.slug;
		memset(&e, 0, sizeof(e));
		e.title = s[i]->e.title ? s[i]->e.title : s[i]->e.slug;
		e.path = url;
		e.updated = when;
		e.authors = who;
		e.authorsz = s[i]->contactsz;
		e.summary = s[i]->summary ? s[i]->summary : "";
		atom_entry(&b, kb, render_base(r), url_feed(), &e);
		free(who);
		free(when);
		free(url);
	}
	atom_tail(&b);
	free(s);
	rc = render_put(r, url_feed(), b.data, b.sz);
	buf_free(&b);
	return rc;
}

static void
sitemap_url(struct buf *b, const struct kb *kb, const char *path)
{
	buf_puts(b, "  <url><loc>");
	abs_url(b, kb, path);
	buf_puts(b, "</loc></url>\n");
}

/*
 * See render/private.h.
 */
int
feeds_sitemap(struct r *r, const char *const *paths, size_t n)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < n; i++)
		sitemap_url(&b, render_kb_site(r), paths[i]);
	buf_puts(&b, "</urlset>\n");
	rc = render_put(r, url_sitemap(), b.data, b.sz);
	buf_free(&b);
	return rc;
}

static struct val *
names_of(struct term **ts, size_t n)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		val_push(l, val_str(ts[i]->name));
	return l;
}

/*
 * Set key of map v to text s with its bidirectional controls balanced
 * (utf8_bidi_balance): catalogue.json's titles are shown as they are.
 */
static void
set_text(struct val *v, const char *key, const char *s)
{
	char	*bal;
	size_t	 balsz;

	if ((bal = utf8_bidi_balance(s, strlen(s), &balsz)) == NULL) {
		val_set_str(v, key, s);
		return;
	}
	val_set(v, key, val_strn(bal, balsz));
	free(bal);
}

/*
 * See render/private.h.
 */
int
feeds_catalogue_json(struct r *r)
{
	const struct kb	*kb = render_kb(r);
	struct val	*root = val_map(), *l, *v, *c, *rep;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j;
	int		 d, rc;
	char		*url;

	set_text(root, "title", kb->site.title);
	val_set_str(root, "generator", "kbgen " KBGEN_VERSION);
	l = val_set(root, "usecases", val_list());
	for (i = 0; i < kb->ucsz; i++) {
		const struct usecase *uc = kb->ucs[i];

		v = val_push(l, val_map());
		val_set_str(v, "slug", uc->e.slug);
		set_text(v, "title", uc->e.title ? uc->e.title : "");
		set_text(v, "summary", uc->summary ? uc->summary : "");
		val_set_str(v, "kind", uc->kind ? uc->kind : "");
		url = url_usecase(uc->e.slug);
		val_set_str(v, "url", url);
		free(url);
		val_set(v, "added", uc->added ? val_str(uc->added) :
		    val_new(VAL_NULL));
		for (d = 0; d < DIM__MAX; d++)
			val_set(v, dim_keys[d], names_of(uc->terms[d],
			    uc->termsz[d]));
		c = val_set(v, "contacts", val_list());
		for (j = 0; j < uc->contactsz; j++)
			val_push(c, val_str(uc->contacts[j]->e.slug));
		if (uc->repository != NULL) {
			rep = val_copy(uc->repository);
			val_set(v, "repository", rep);
		} else
			val_set(v, "repository", val_new(VAL_NULL));
		val_set(v, "example", uc->example ? val_str(uc->example) :
		    val_new(VAL_NULL));
	}
	val_json(&b, root, 1);
	val_free(root);
	rc = render_put(r, url_catalogue_json(), b.data, b.sz);
	buf_free(&b);
	return rc;
}
