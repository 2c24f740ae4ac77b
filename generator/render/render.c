/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The render context that every page family shares (the contract with
 * the templates is templates/README.md).  Values that many pages show
 * (a use case's summary card, a term, a person, an example's health,
 * the menus and the "site" value, the thumbnails, whose files thumb.c
 * makes) are built once, on first use (by whichever worker of par_for
 * needs one first; the others wait for it), marked shared, and
 * referenced by every page context, so a page costs little more than
 * its own template walk, and a build that renders one page builds only
 * the values that page shows.  render_emit fills a template and hands
 * the bytes to site.c.  Also the helpers two families or more use
 * (sorted terms, use-case lists, the newest use cases).
 *
 * What a page reads: every accessor that hands a family part of the
 * model or a shared value records a read (reads.c) of a value whose
 * version vers_new hashes from the model alone, without building it;
 * families.c keeps a page none of whose reads changed since it was
 * made.  render_kb, the way to anything else, is a read of the
 * whole knowledge base (but the use cases' bodies: render_uc_html).
 *
 * This file builds no page itself: the families do (families.c runs
 * them), and the path of every page is model/url.c's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "publish/publish.h"
#include "render/render.h"
#include "render/private.h"

#define LAZY_LOCKS	64	/* mutexes of a lazy array, by index */

/*
 * Shared values built on first use: a slot stays NULL until a worker
 * builds it, under the mutex of its index (so a value is built once),
 * and is read without a lock once set.
 */
struct lazy {
	_Atomic(struct val *) *v;	/* owned array of n, values shared */
	size_t		 n;
	pthread_mutex_t	 mu[LAZY_LOCKS];
};

struct r {
	const struct kb	*kb;
	const struct render_opts *opts;
	struct site_out	*so;
	struct lazy	 ucsums;	/* by kb->ucs index */
	struct lazy	 terms;	/* by term_index */
	struct lazy	 prefs;	/* person refs, by kb->people */
	struct lazy	 health;	/* example health, by kb->ucs */
	struct lazy	 thumbs;	/* thumbnails, by kb->ucs */
	size_t		 termoff[DIM__MAX + 1];	/* each dimension's first */
	struct val	*menu;	/* shared menu, nothing current */
	char		*base;	/* base_url ending in '/', or NULL */
	long		 max_age;	/* check.max_age, seconds */
	struct val	**menus;	/* shared menu variants, see build_menus */
	struct val	**sites;	/* shared "site" values, one per menu */
	size_t		 menusz;
	char		*today;	/* the build's day, see render_today */
	char		*realday;	/* the real day: records' ages */
	size_t		*pidx;	/* people by address: index + 1, or 0 */
	size_t		 pidxcap;	/* power of two */
	pthread_mutex_t	 rankmu;	/* rank_titles, once */
	atomic_int	 ranked;
};

/* With JOB_THUMB's index: where thumb_make leaves the images. */
static _Thread_local struct thumb_res *grab_res;
static _Thread_local size_t grab_i;

static void
lazy_init(struct lazy *l, size_t n)
{
	size_t	 i;

	l->n = n;
	l->v = xcalloc(n + 1, sizeof(*l->v));
	for (i = 0; i < LAZY_LOCKS; i++)
		pthread_mutex_init(&l->mu[i], NULL);
}

static void	 unshare_free(struct val *);

static void
lazy_free(struct lazy *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		unshare_free(atomic_load(&l->v[i]));
	free(l->v);
	for (i = 0; i < LAZY_LOCKS; i++)
		pthread_mutex_destroy(&l->mu[i]);
}

static struct val *share(struct val *);

/*
 * The value at i of l, made by make on first use.  What make reads is
 * no read of the page: the value's version covers it.
 */
static struct val *
lazy_get(struct r *r, struct lazy *l, size_t i,
    struct val *(*make)(struct r *, size_t))
{
	struct render_reads *saved;
	struct val	*v;

	if ((v = atomic_load_explicit(&l->v[i], memory_order_acquire)) !=
	    NULL)
		return v;
	pthread_mutex_lock(&l->mu[i % LAZY_LOCKS]);
	if ((v = atomic_load_explicit(&l->v[i], memory_order_relaxed)) ==
	    NULL) {
		saved = reads_track(NULL);
		v = share(make(r, i));
		(void)reads_track(saved);
		atomic_store_explicit(&l->v[i], v, memory_order_release);
	}
	pthread_mutex_unlock(&l->mu[i % LAZY_LOCKS]);
	return v;
}

static struct val *
share(struct val *v)
{
	v->shared = 1;
	return v;
}

static void
unshare_free(struct val *v)
{
	if (v == NULL)
		return;
	v->shared = 0;
	val_free(v);
}

/*
 * See render/private.h.  A URL from the content as a value: null when missing
 * or when its scheme could run code (javascript: and the like), so the
 * page shows no link rather than a live one.
 */
void
render_set_count(struct val *v, const char *key, long long n)
{
	char	*one;

	val_set(v, key, val_int(n));
	one = xasprintf("%s_one", key);
	val_set(v, one, val_bool(n == 1));
	free(one);
}

struct val *
render_opt_url(const struct val *map, const char *key)
{
	const char	*s = val_get_str(map, key);

	return s != NULL && url_safe(s) ? val_str(s) : val_new(VAL_NULL);
}

static size_t
term_index(const struct r *r, const struct term *t)
{
	return r->termoff[t->dim] + t->pos;
}

static struct val *
term_val(const struct kb *kb, const struct term *t)
{
	struct val	*v = val_map();
	struct md_opts	 mo;
	struct md_out	 out;
	char		*url;

	val_set_str(v, "name", t->name);
	val_set(v, "title", t->title ? val_str(t->title) :
	    val_new(VAL_NULL));
	val_set_str(v, "slug", t->slug);
	url = url_term(t->dim, t->slug);
	val_set_str(v, "url", url);
	free(url);
	val_set(v, "count", val_int((long long)t->ucsz));
	if (t->desc != NULL) {
		memset(&mo, 0, sizeof(mo));
		mo.path = kb->tax.path;
		mo.line0 = t->line;
		mo.unsafe = kb->site.unsafe_html;
		if (md_render(t->desc, strlen(t->desc), &mo, &out)) {
			val_set(v, "description", val_str(out.html));
			md_out_free(&out);
		}
	} else
		val_set(v, "description", val_new(VAL_NULL));
	return v;
}

static struct val *
term_make(struct r *r, size_t i)
{
	int	 d;

	for (d = 0; i >= r->termoff[d + 1]; d++)
		continue;
	return term_val(r->kb, r->kb->tax.terms[d][i - r->termoff[d]]);
}

/* The shared value of t, no read recorded. */
static struct val *
term_get(struct r *r, const struct term *t)
{
	return lazy_get(r, &r->terms, term_index(r, t), term_make);
}

/*
 * See render/private.h.
 */
struct val *
render_terms(struct r *r, struct term **ts, size_t n)
{
	struct val	*l = val_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		val_push(l, render_term(r, ts[i]));
	return l;
}

/*
 * Whether the date a (YYYY-MM-DD) is more than two years before b.
 */
static int
older_than_two_years(const char *a, const char *b)
{
	char	 lim[32];
	int	 y;

	if (a == NULL || b == NULL || strlen(b) != 10)
		return 0;
	y = atoi(b) - 2;
	snprintf(lim, sizeof(lim), "%04d%s", y, b + 4);
	return strcmp(a, lim) < 0;
}

/*
 * See render/private.h.  What sync said of a use case's repository:
 * "unreachable" (the last sync failed), "stale" (no commit for two
 * years), "reachable", or NULL when never synced.
 */
const char *
render_repo_state(const struct r *r, const struct usecase *uc)
{
	if (uc->prov == NULL)
		return NULL;
	if (val_get_str(uc->prov, "unreachable_since") != NULL)
		return "unreachable";
	if (val_get_str(uc->prov, "commit") == NULL)
		return NULL;
	if (older_than_two_years(val_get_str(uc->prov, "last_activity"),
	    r->realday))
		return "stale";
	return "reachable";
}

/*
 * Whether the facet list in b already holds "dim:slug".
 */
static int
has_word(struct buf *b, const char *dim, const char *slug)
{
	char	*w;
	const char *p;
	size_t	 n;
	int	 found = 0;

	w = xasprintf("%s:%s", dim, slug);
	n = strlen(w);
	for (p = buf_cstr(b); (p = strstr(p, w)) != NULL; p += n)
		if ((p == b->data || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0')) {
			found = 1;
			break;
		}
	free(w);
	return found;
}

static struct val *health_get(struct r *, size_t);
static struct val *thumb_get(struct r *, size_t);
static struct val *ucsum_make(struct r *, size_t);
static struct val *pref_make(struct r *, size_t);

static struct val *
ucsum_val(struct r *r, const struct usecase *uc)
{
	const struct term *t;
	struct val	*v = val_map();
	struct buf	 f = { NULL, 0, 0 };
	size_t		 i;
	int		 d;
	char		*url;

	val_set_str(v, "slug", uc->e.slug);
	url = url_usecase(uc->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set_str(v, "title", uc->e.title ? uc->e.title : uc->e.slug);
	val_set_str(v, "summary", uc->summary ? uc->summary : "");
	val_set_str(v, "kind", uc->kind ? uc->kind : "");
	val_set(v, "added", uc->added ? val_str(uc->added) :
	    val_new(VAL_NULL));
	for (d = 0; d < DIM__MAX; d++) {
		val_set(v, dim_keys[d], render_terms(r, uc->terms[d],
		    uc->termsz[d]));
		for (i = 0; i < uc->termsz[d]; i++)
			for (t = uc->terms[d][i]; t != NULL; t = t->parent)
				if (!has_word(&f, dim_names[d], t->slug))
					buf_printf(&f, "%s%s:%s", f.sz ? " " :
					    "", dim_names[d], t->slug);
	}
	if (uc->kind != NULL)
		buf_printf(&f, "%skind:%s", f.sz ? " " : "", uc->kind);
	url = slugify(health_words[health_of(uc)]);
	buf_printf(&f, "%sexample:%s", f.sz ? " " : "", url);
	free(url);
	if (render_repo_state(r, uc) != NULL)
		buf_printf(&f, "%srepository:%s", f.sz ? " " : "",
		    render_repo_state(r, uc));
	val_set(v, "health", health_get(r, uc->pos));
	val_set(v, "thumb", thumb_get(r, uc->pos));
	val_set(v, "executable", val_bool(uc->example != NULL));
	val_set(v, "repo_state", render_repo_state(r, uc) ?
	    val_str(render_repo_state(r, uc)) : val_new(VAL_NULL));
	val_set(v, "updated", val_opt_str(uc->hist, "updated"));
	val_set(v, "facets", val_str(buf_cstr(&f)));
	buf_free(&f);
	return v;
}

/*
 * "mailto:" and addr as an href (a new string): every byte but
 * letters, digits and ".@_+-" percent-encoded, so that "?", "#", "%"
 * or "&" in the local part stay part of the address.
 */
static char *
mailto(const char *addr)
{
	struct buf	 b = { NULL, 0, 0 };
	const unsigned char *s;

	buf_puts(&b, "mailto:");
	for (s = (const unsigned char *)addr; *s != '\0'; s++)
		if (isalnum(*s) || strchr(".@_+-", *s) != NULL)
			buf_putc(&b, (char)*s);
		else
			buf_printf(&b, "%%%02X", *s);
	return buf_steal(&b);
}

/*
 * See render/private.h.
 */
void
render_set_reach(struct val *v, const struct person *p)
{
	char	*s;

	val_set(v, "email", p != NULL && p->email != NULL ?
	    val_str(p->email) : val_new(VAL_NULL));
	s = p != NULL && p->email != NULL ? mailto(p->email) : NULL;
	val_set(v, "email_href", s != NULL ? val_str(s) : val_new(VAL_NULL));
	free(s);
	val_set(v, "web", p != NULL && p->web != NULL ? val_str(p->web) :
	    val_new(VAL_NULL));
	val_set(v, "orcid", p != NULL && p->orcid != NULL ?
	    val_str(p->orcid) : val_new(VAL_NULL));
	s = p != NULL && p->orcid != NULL ?
	    xasprintf("https://orcid.org/%s", p->orcid) : NULL;
	val_set(v, "orcid_url", s != NULL ? val_str(s) : val_new(VAL_NULL));
	free(s);
	val_set(v, "reachable", val_bool(p != NULL && (p->email != NULL ||
	    p->web != NULL || p->orcid != NULL)));
}

static struct val *
pref_val(const struct person *p)
{
	struct val	*v = val_map();
	char		*url;

	val_set_str(v, "id", p->e.slug);
	val_set_str(v, "name", p->name ? p->name : p->e.slug);
	url = url_person(p->e.slug);
	val_set_str(v, "url", url);
	free(url);
	val_set(v, "affiliation", p->affiliation ? val_str(p->affiliation) :
	    val_new(VAL_NULL));
	render_set_reach(v, p);
	return v;
}

static void
menu_add(struct val *menu, const char *title, const char *url,
    const char *section)
{
	struct val	*m = val_map();

	val_set_str(m, "title", title);
	val_set_str(m, "url", url);
	val_set_str(m, "section", section);
	val_set(m, "current", val_bool(0));
	val_set(m, "active", val_bool(0));
	val_push(menu, m);
}

static int
page_menu_cmp(const void *a, const void *b)
{
	const struct page *pa = *(struct page *const *)a;
	const struct page *pb = *(struct page *const *)b;

	if (pa->menu != pb->menu)
		return pa->menu < pb->menu ? -1 : 1;
	return strcmp(pa->e.slug, pb->e.slug);
}

static struct val *
build_menu(const struct kb *kb)
{
	struct val	*menu = val_list();
	struct page	**ps;
	size_t		 i, n = 0;
	char		*url;

	menu_add(menu, "Catalogue", url_catalogue(), "catalogue");
	menu_add(menu, "Technologies", url_dimension(DIM_TECH),
	    url_dim_dir(DIM_TECH));
	menu_add(menu, "Fields", url_dimension(DIM_FIELD),
	    url_dim_dir(DIM_FIELD));
	menu_add(menu, "Tools", url_dimension(DIM_TOOL),
	    url_dim_dir(DIM_TOOL));
	menu_add(menu, "Matrix", url_matrix(), "matrix");
	menu_add(menu, "People", url_people(), "people");
	if (kb->hacksz > 0)
		menu_add(menu, "Hackathons", url_hackathons(), "hackathons");
	if (kb->seminars != NULL && kb->seminars->kidsz > 0)
		menu_add(menu, "Seminars", url_seminars(), "seminars");
	menu_add(menu, "Status", url_status(), "status");
	ps = xcalloc(kb->pagesz, sizeof(*ps));
	for (i = 0; i < kb->pagesz; i++)
		if (kb->pages[i]->menu >= 0)
			ps[n++] = kb->pages[i];
	xqsort(ps, n, sizeof(*ps), page_menu_cmp);
	for (i = 0; i < n; i++) {
		url = url_page(ps[i]->e.slug);
		menu_add(menu, ps[i]->e.title ? ps[i]->e.title :
		    ps[i]->e.slug, url, ps[i]->e.slug);
		free(url);
	}
	free(ps);
	return menu;
}

/*
 * site.yaml's contact as {text, href}, or null: what a page offers
 * where a person gives no address.
 */
static struct val *
contact_val(const struct site *s)
{
	struct val	*v;
	char		*href;

	if (s->contact == NULL)
		return val_new(VAL_NULL);
	v = val_map();
	val_set_str(v, "text", s->contact);
	href = s->contact_email ? mailto(s->contact) : xstrdup(s->contact);
	val_set_str(v, "href", href);
	free(href);
	return v;
}

/*
 * The "site" value of the pages that show menu (shared).
 */
static struct val *
site_val(const struct r *r, struct val *menu)
{
	struct val	*site = val_map();

	val_set_str(site, "title", r->kb->site.title);
	val_set(site, "description", r->kb->site.description ?
	    val_str(r->kb->site.description) : val_new(VAL_NULL));
	val_set_str(site, "language", r->kb->site.language);
	val_set(site, "base_url", r->base ? val_str(r->base) :
	    val_new(VAL_NULL));
	val_set_str(site, "generator", "kbgen " KBGEN_VERSION);
	val_set(site, "contact", contact_val(&r->kb->site));
	val_set(site, "menu", menu);
	return site;
}

/*
 * The menus pages show: for each menu item, one with the item marked
 * active (a page of its section) and one with it also current (the
 * item's own page), and one with nothing marked.  Built once, shared.
 */
static void
build_menus(struct r *r)
{
	size_t	 i, n = r->menu->kidsz;

	r->menus = xcalloc(2 * n + 1, sizeof(*r->menus));
	for (i = 0; i < 2 * n + 1; i++) {
		r->menus[i] = val_copy(r->menu);
		if (i < 2 * n) {
			val_set(r->menus[i]->kids[i / 2], "active",
			    val_bool(1));
			if (i % 2 == 1)
				val_set(r->menus[i]->kids[i / 2], "current",
				    val_bool(1));
		}
		r->menus[i]->shared = 1;
	}
	r->menusz = 2 * n + 1;
	r->sites = xcalloc(r->menusz, sizeof(*r->sites));
	for (i = 0; i < r->menusz; i++)
		r->sites[i] = share(site_val(r, r->menus[i]));
}

/*
 * The index in r->menus (and r->sites) of the menu of the page at path,
 * of the given section.
 */
static size_t
menu_for(const struct r *r, const char *section, const char *path)
{
	size_t	 i;

	for (i = 0; i < r->menu->kidsz; i++)
		if (strcmp(val_get_str(r->menu->kids[i], "section"),
		    section) == 0)
			return 2 * i + (strcmp(val_get_str(
			    r->menu->kids[i], "url"), path) == 0);
	return r->menusz - 1;
}

/*
 * Render template tmpl with ctx (consumed) as the page at path, depth
 * folders below the root.  page.description is desc (may be NULL: some
 * templates show it as the lead); page.meta_description, for the meta
 * tag every page has (search engines and Lighthouse ask for one), is
 * desc or, when the family has none, the page's title and the site's.
 */
static int
emit(struct r *r, const char *tmpl, const char *path, int depth,
    const char *section, const char *title, const char *desc,
    struct val *ctx)
{
	struct buf	 out = { NULL, 0, 0 }, root = { NULL, 0, 0 };
	struct val	*page;
	char		*meta = NULL;
	int		 i, rc = 0;

	if (desc != NULL && *desc == '\0')
		desc = NULL;
	meta = desc != NULL ? xstrdup(desc) : xasprintf("%s · %s", title,
	    r->kb->site.title != NULL ? r->kb->site.title : "");
	for (i = 0; i < depth; i++)
		buf_puts(&root, "../");
	val_set(ctx, "root", val_str(buf_cstr(&root)));
	reads_add(RV_MENU, 0);
	val_set(ctx, "site", r->sites[menu_for(r, section, path)]);
	page = val_set(ctx, "page", val_map());
	val_set_str(page, "title", title);
	val_set(page, "description", desc ? val_str(desc) :
	    val_new(VAL_NULL));
	val_set_str(page, "meta_description", meta);
	free(meta);
	val_set_str(page, "section", strcmp(tmpl, "index") == 0 ? "home" :
	    tmpl);
	val_set_str(page, "language", val_get_str(ctx, "lang") != NULL ?
	    val_get_str(ctx, "lang") : r->kb->site.language);
	if (tmpl_render(r->opts->tmpls, tmpl, ctx, &out))
		rc = site_out_put(r->so, path, out.data ? out.data : "",
		    out.sz);
	buf_free(&out);
	buf_free(&root);
	val_free(ctx);
	return rc;
}

/*
 * Whether s is a language tag as <html lang> takes it: a primary
 * subtag of 2-3 letters, then subtags of 1-8 letters or digits.
 */
static int
lang_tag(const char *s)
{
	size_t	 n = 0;

	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 2 || n > 3)
		return 0;
	while (s[n] == '-') {
		size_t m = 0;

		while (isalnum((unsigned char)s[n + 1 + m]))
			m++;
		if (m < 1 || m > 8)
			return 0;
		n += 1 + m;
	}
	return s[n] == '\0';
}

void
render_date_words(struct val *v, const char *key, const char *d,
    int weekday)
{
	char	*w;

	if (d == NULL) {
		val_set(v, key, val_new(VAL_NULL));
		return;
	}
	w = ev_date_words(d, weekday);
	val_set_str(v, key, w);
	free(w);
}

void
render_lang(struct val *ctx, const struct entry *e)
{
	const char	*l = val_get_str(e->meta, "language");

	if (l != NULL && lang_tag(l))
		val_set_str(ctx, "lang", l);
}

/*
 * The exported face of this file for the page families: see
 * render/private.h.
 */
const struct kb *
render_kb(const struct r *r)
{
	reads_add(RV_KB, 0);
	return r->kb;
}

const struct kb *
render_kb_site(const struct r *r)
{
	return r->kb;
}

const struct usecase *
render_uc(struct r *r, size_t i)
{
	reads_add(RV_UC, i);
	return r->kb->ucs[i];
}

const char *
render_uc_html(struct r *r, const struct usecase *uc)
{
	reads_add(RV_UCBODY, uc->pos);
	return render_html(r, &uc->e);
}

const char *
render_html(struct r *r, const struct entry *e)
{
	const char	*h = kb_html(r->kb, e);

	return h != NULL ? h : "";
}

const struct person *
render_person(struct r *r, size_t i)
{
	reads_add(RV_PERSON, i);
	return r->kb->people[i];
}

const struct page *
render_page(struct r *r, size_t i)
{
	reads_add(RV_PAGE, i);
	return r->kb->pages[i];
}

struct usecase *const *
render_term_ucs(struct r *r, const struct term *t, size_t *n)
{
	(void)r;
	reads_add(RV_TERMUCS, (size_t)t->dim << 16 | t->pos);
	*n = t->ucsz;
	return t->ucs;
}

static size_t	 person_index(const struct r *, const struct person *);

struct usecase *const *
render_person_ucs(struct r *r, const struct person *p, size_t *n)
{
	reads_add(RV_PERSONUCS, person_index(r, p));
	*n = p->ucsz;
	return p->ucs;
}

void
render_uc_terms(struct r *r, const struct usecase *uc)
{
	(void)r;
	reads_add(RV_UCTERMS, uc->pos);
}

struct person *const *
render_people_all(struct r *r, size_t *n)
{
	size_t	 i;

	for (i = 0; i <= r->kb->peoplesz; i++)
		reads_add(RV_PERSON, i);
	*n = r->kb->peoplesz;
	return r->kb->people;
}

size_t
render_nhacks(struct r *r)
{
	/* The menu's version counts them. */
	reads_add(RV_MENU, 0);
	return r->kb->hacksz;
}

struct hackathon **
render_sorted_hacks(struct r *r)
{
	reads_add(RV_HACKS, 0);
	return ev_sorted_hackathons(r->kb);
}

const char *
render_today(const struct r *r)
{
	return r->today;
}

long long
render_stamp(const struct r *r)
{
	return r->opts->now->stamp;
}

const char *
render_base(const struct r *r)
{
	return r->base;
}

int
render_emit(struct r *r, const char *tmpl, const char *path, int depth,
    const char *section, const char *title, const char *desc,
    struct val *ctx)
{
	return emit(r, tmpl, path, depth, section, title, desc, ctx);
}

int
render_put(struct r *r, const char *path, const char *data, size_t sz)
{
	return site_out_put(r->so, path, data, sz);
}

struct val *
render_ucsum(struct r *r, const struct usecase *uc)
{
	reads_add(RV_UCSUM, uc->pos);
	return lazy_get(r, &r->ucsums, uc->pos, ucsum_make);
}

struct val *
render_health(struct r *r, const struct usecase *uc)
{
	reads_add(RV_UC, uc->pos);
	return health_get(r, uc->pos);
}

struct val *
render_term(struct r *r, const struct term *t)
{
	reads_add(RV_TERM, (size_t)t->dim << 16 | t->pos);
	return term_get(r, t);
}

/* The index of p in kb->people, from the table of render_new. */
static size_t
person_index(const struct r *r, const struct person *p)
{
	size_t	 k;

	for (k = (size_t)((uintptr_t)p >> 4) & (r->pidxcap - 1);
	    r->pidx[k] != 0; k = (k + 1) & (r->pidxcap - 1))
		if (r->kb->people[r->pidx[k] - 1] == p)
			return r->pidx[k] - 1;
	return kb_person_index(r->kb, p);
}

struct val *
render_pref(struct r *r, const struct person *p)
{
	size_t	 i = person_index(r, p);

	reads_add(RV_PERSON, i);
	return lazy_get(r, &r->prefs, i, pref_make);
}

long
render_max_age(const struct r *r)
{
	return r->max_age;
}

int
render_stale(const struct r *r, const char *date)
{
	return older_than_two_years(date, r->realday);
}

static int
title_cmp(const void *a, const void *b)
{
	const struct usecase *ua = *(struct usecase *const *)a;
	const struct usecase *ub = *(struct usecase *const *)b;
	int c;

	c = strcasecmp_ascii(ua->e.title ? ua->e.title : ua->e.slug,
	    ub->e.title ? ub->e.title : ub->e.slug);
	return c ? c : strcmp(ua->e.slug, ub->e.slug);
}

static int
added_cmp(const void *a, const void *b)
{
	const struct usecase *ua = *(struct usecase *const *)a;
	const struct usecase *ub = *(struct usecase *const *)b;
	int c;

	c = strcmp(ub->added ? ub->added : "", ua->added ? ua->added : "");
	return c ? c : title_cmp(a, b);
}

static int
rank_cmp(const void *a, const void *b)
{
	const struct usecase *ua = *(struct usecase *const *)a;
	const struct usecase *ub = *(struct usecase *const *)b;

	return ua->rank < ub->rank ? -1 : ua->rank > ub->rank;
}

/*
 * See render/private.h.
 */
struct usecase **
render_newest(const struct kb *kb)
{
	struct usecase	**s;

	s = xcalloc(kb->ucsz, sizeof(*s));
	if (kb->ucsz > 0)
		memcpy(s, kb->ucs, kb->ucsz * sizeof(*s));
	xqsort(s, kb->ucsz, sizeof(*s), added_cmp);
	return s;
}

/*
 * Number the use cases in title order once, so that every list sorts
 * by comparing numbers.
 */
static void
rank_titles(const struct kb *kb)
{
	struct usecase	**s;
	size_t		 i;

	s = xcalloc(kb->ucsz, sizeof(*s));
	if (kb->ucsz > 0)
		memcpy(s, kb->ucs, kb->ucsz * sizeof(*s));
	xqsort(s, kb->ucsz, sizeof(*s), title_cmp);
	for (i = 0; i < kb->ucsz; i++)
		s[i]->rank = i;
	free(s);
}

/* Use-case summaries of ucs, sorted by title. */
static struct val *
ucsum_list(struct r *r, struct usecase *const *ucs, size_t n);

/*
 * See render/private.h.  Set "usecases" (summaries of ucs) and "has_usecases"
 * in ctx.
 */
void
render_set_usecases(struct r *r, struct val *ctx,
    struct usecase *const *ucs, size_t n)
{
	val_set(ctx, "usecases", ucsum_list(r, ucs, n));
	val_set(ctx, "has_usecases", val_bool(n > 0));
	/* Long lists lose the chips: a line per use case. */
	val_set(ctx, "compact", val_bool(n > 24));
}

static struct val *
ucsum_list(struct r *r, struct usecase *const *ucs, size_t n)
{
	struct usecase	**s;
	struct val	*l = val_list();
	size_t		 i;

	/* Once, by the first list. */
	if (!atomic_load_explicit(&r->ranked, memory_order_acquire)) {
		pthread_mutex_lock(&r->rankmu);
		if (!atomic_load_explicit(&r->ranked, memory_order_relaxed)) {
			rank_titles(r->kb);
			atomic_store_explicit(&r->ranked, 1,
			    memory_order_release);
		}
		pthread_mutex_unlock(&r->rankmu);
	}
	s = xcalloc(n, sizeof(*s));
	if (n > 0)
		memcpy(s, ucs, n * sizeof(*s));
	xqsort(s, n, sizeof(*s), rank_cmp);
	for (i = 0; i < n; i++)
		val_push(l, render_ucsum(r, s[i]));
	free(s);
	return l;
}

/*
 * See render/private.h.
 */
struct val *
render_dim(int d)
{
	struct val	*v = val_map();
	static const char *const singular[] = { "Technology", "Field",
	    "Tool" };

	val_set_str(v, "key", dim_names[d]);
	val_set_str(v, "label", dim_labels[d]);
	val_set_str(v, "singular", singular[d]);
	val_set_str(v, "url", url_dimension((enum dim)d));
	return v;
}

/*
 * See render/private.h.
 */
int
render_count_cmp(const void *a, const void *b)
{
	const struct term *ta = *(struct term *const *)a;
	const struct term *tb = *(struct term *const *)b;

	if (ta->ucsz != tb->ucsz)
		return ta->ucsz > tb->ucsz ? -1 : 1;
	return strcasecmp_ascii(ta->name, tb->name);
}

/*
 * See render/private.h.
 */
int
render_name_cmp(const void *a, const void *b)
{
	return strcasecmp_ascii((*(struct term *const *)a)->name,
	    (*(struct term *const *)b)->name);
}

/*
 * See render/private.h.
 */
struct term **
render_sorted_terms(struct r *r, int d, int (*cmp)(const void *,
    const void *))
{
	const struct kb	*kb = r->kb;
	struct term	**ts;
	size_t		 i;

	/* A count order reads every count. */
	for (i = 0; i < kb->tax.termsz[d]; i++)
		reads_add(RV_TERM, (size_t)d << 16 | i);

	ts = xcalloc(kb->tax.termsz[d], sizeof(*ts));
	if (kb->tax.termsz[d] > 0)
		memcpy(ts, kb->tax.terms[d], kb->tax.termsz[d] * sizeof(*ts));
	xqsort(ts, kb->tax.termsz[d], sizeof(*ts), cmp);
	return ts;
}

/*
 * People ids or plain names as {name, url, last}: an id links to the
 * person's page, a plain name is shown as text.
 */
static struct val *
people_list(struct r *r, const struct val *src)
{
	struct val	*l = val_list(), *v;
	const struct val *it;
	struct person	*p;
	size_t		 i, n;
	char		*url;

	n = val_count(src);
	for (i = 0; i < n; i++) {
		it = val_item(src, i);
		if (it->str == NULL)
			continue;
		v = val_push(l, val_map());
		if ((p = kb_person(r->kb, it->str)) != NULL) {
			val_set_str(v, "name", p->name ? p->name : p->e.slug);
			url = url_person(p->e.slug);
			val_set_str(v, "url", url);
			free(url);
		} else {
			val_set_str(v, "name", it->str);
			val_set(v, "url", val_new(VAL_NULL));
		}
		render_set_reach(v, p);
		val_set(v, "last", val_bool(i + 1 == n));
	}
	return l;
}

struct val *
render_people(struct r *r, const struct val *src)
{
	/* Ids or names, found or not: any person's. */
	reads_add(RV_KB, 0);
	return people_list(r, src);
}

/*
 * See render/private.h.  A list of {title, url} links (session materials, a use
 * case's links) with safe URLs.
 */
struct val *
render_links(const struct val *src)
{
	struct val	*l = val_list(), *v;
	size_t		 j;

	for (j = 0; src != NULL && src->type == VAL_LIST && j < src->kidsz;
	    j++) {
		const char *t = val_get_str(src->kids[j], "title");
		const char *h = val_get_str(src->kids[j], "url");

		if (t == NULL || h == NULL || !url_safe(h))
			continue;
		v = val_push(l, val_map());
		val_set_str(v, "title", t);
		val_set_str(v, "url", h);
	}
	return l;
}

/*
 * Whether the example of state st (health_words) last ran and did not
 * pass: its thumbnail carries the mark.
 */
static int
thumb_marked(size_t st)
{
	return st != 0 && strcmp(health_words[st], "not run") != 0 &&
	    strcmp(health_words[st], "not executable") != 0;
}

/*
 * The shared thumbnail value of kb->ucs[i] {src, src2x (null for a
 * tile), tile, mark (the badge word of an example whose last run did
 * not pass, else null)} that the use-case summary carries.  Its files
 * are render_thumb_files's: the images go to grab_res when that is
 * what asked.
 */
static struct val *
thumb_make(struct r *r, size_t i)
{
	const struct usecase *uc = r->kb->ucs[i];
	struct thumb_res tr;
	struct val	*v = val_map();
	char		*u1, *u2;
	size_t		 st;
	int		 tiled = 0;

	if (thumb_usecase(r->kb->root, uc, &tr)) {
		u1 = url_thumb(uc->e.slug, 1);
		u2 = url_thumb(uc->e.slug, 2);
		val_set_str(v, "src", u1);
		val_set_str(v, "src2x", u2);
		free(u2);
		if (grab_res != NULL && grab_i == i) {
			*grab_res = tr;
			grab_res = NULL;
		} else
			thumb_res_free(&tr);
	} else {
		u1 = url_thumb_tile(uc->termsz[DIM_TECH] > 0 ?
		    uc->terms[DIM_TECH][0]->slug : NULL);
		val_set_str(v, "src", u1);
		val_set(v, "src2x", val_new(VAL_NULL));
		tiled = 1;
	}
	free(u1);
	val_set(v, "tile", val_bool(tiled));
	st = health_of(uc);
	val_set(v, "mark", thumb_marked(st) ? val_str(health_words[st]) :
	    val_new(VAL_NULL));
	return v;
}

static struct val *
thumb_get(struct r *r, size_t i)
{
	return lazy_get(r, &r->thumbs, i, thumb_make);
}

static struct val *
health_make(struct r *r, size_t i)
{
	return health_val(r->kb->ucs[i], r->realday, r->max_age);
}

static struct val *
health_get(struct r *r, size_t i)
{
	return lazy_get(r, &r->health, i, health_make);
}

static struct val *
ucsum_make(struct r *r, size_t i)
{
	return ucsum_val(r, r->kb->ucs[i]);
}

static struct val *
pref_make(struct r *r, size_t i)
{
	return pref_val(r->kb->people[i]);
}

/*
 * See render/private.h.  The value decides whether there are images;
 * when another page built it first, they are read again (no warning:
 * they decoded then).
 */
int
render_thumb_files(struct r *r, size_t i)
{
	const struct usecase *uc = r->kb->ucs[i];
	struct thumb_res tr;
	const struct val *v;
	char		*u1, *u2;
	int		 rc = 1;

	reads_add(RV_THUMB, i);
	memset(&tr, 0, sizeof(tr));
	grab_res = &tr;
	grab_i = i;
	v = thumb_get(r, i);
	grab_res = NULL;
	if (val_get(v, "tile")->b)
		return 1;
	if (tr.img[0] == NULL && !thumb_usecase(r->kb->root, uc, &tr))
		return 1;
	u1 = url_thumb(uc->e.slug, 1);
	u2 = url_thumb(uc->e.slug, 2);
	rc = site_out_put(r->so, u1, tr.img[0], tr.imgsz[0]) &&
	    site_out_put(r->so, u2, tr.img[1], tr.imgsz[1]);
	free(u1);
	free(u2);
	thumb_res_free(&tr);
	return rc;
}

/*
 * See render/private.h.  One tile per first technology of the use
 * cases that show one (and one for those without any).
 */
int
render_tiles(struct r *r)
{
	const struct kb	*kb = r->kb;
	const struct term *t;
	char		*need, *url, *svg;
	size_t		 i, nt = kb->tax.termsz[DIM_TECH];
	int		 rc = 1;

	need = xcalloc(nt + 1, 1);
	for (i = 0; i < kb->ucsz; i++) {
		reads_add(RV_THUMB, i);
		if (val_get(thumb_get(r, i), "tile")->b)
			need[kb->ucs[i]->termsz[DIM_TECH] > 0 ?
			    kb->ucs[i]->terms[DIM_TECH][0]->pos : nt] = 1;
	}
	for (i = 0; i <= nt; i++) {
		if (!need[i])
			continue;
		t = i < nt ? kb->tax.terms[DIM_TECH][i] : NULL;
		url = url_thumb_tile(t != NULL ? t->slug : NULL);
		svg = thumb_tile(t != NULL ? t->name : "Example");
		if (!site_out_put(r->so, url, svg, strlen(svg)))
			rc = 0;
		free(svg);
		free(url);
	}
	free(need);
	return rc;
}

/*
 * See render/private.h.  Nothing shared is built here but the menus:
 * each value on first use.
 */
struct r *
render_new(const struct kb *kb, const struct render_opts *opts,
    struct site_out *so)
{
	struct r	*rp;
	size_t		 i, k;
	int		 d;

	rp = xcalloc(1, sizeof(*rp));
	rp->kb = kb;
	rp->opts = opts;
	rp->so = so;
	for (d = 0; d < DIM__MAX; d++)
		rp->termoff[d + 1] = rp->termoff[d] + kb->tax.termsz[d];
	lazy_init(&rp->terms, rp->termoff[DIM__MAX]);
	lazy_init(&rp->prefs, kb->peoplesz);
	lazy_init(&rp->health, kb->ucsz);
	lazy_init(&rp->thumbs, kb->ucsz);
	lazy_init(&rp->ucsums, kb->ucsz);
	pthread_mutex_init(&rp->rankmu, NULL);
	for (rp->pidxcap = 16; rp->pidxcap < 2 * kb->peoplesz; rp->pidxcap *= 2)
		continue;
	rp->pidx = xcalloc(rp->pidxcap, sizeof(*rp->pidx));
	for (i = 0; i < kb->peoplesz; i++) {
		for (k = (size_t)((uintptr_t)kb->people[i] >> 4) &
		    (rp->pidxcap - 1); rp->pidx[k] != 0;
		    k = (k + 1) & (rp->pidxcap - 1))
			continue;
		rp->pidx[k] = i + 1;
	}
	rp->max_age = opts->max_age > 0 ? opts->max_age : 7 * 86400;
	rp->today = utc_text(opts->now->build, 1);
	rp->realday = utc_text(opts->now->real, 1);
	rp->menu = share(build_menu(kb));
	if (kb->site.base_url != NULL && *kb->site.base_url != '\0')
		rp->base = kb->site.base_url[strlen(kb->site.base_url) - 1] ==
		    '/' ? xstrdup(kb->site.base_url) :
		    xasprintf("%s/", kb->site.base_url);
	build_menus(rp);
	return rp;
}

/*
 * See render/private.h.
 */
void
render_free(struct r *rp)
{
	size_t	 i;

	if (rp == NULL)
		return;
	/* Summaries refer to terms, health and thumbnails: first. */
	lazy_free(&rp->ucsums);
	lazy_free(&rp->health);
	lazy_free(&rp->thumbs);
	lazy_free(&rp->terms);
	lazy_free(&rp->prefs);
	unshare_free(rp->menu);
	for (i = 0; i < rp->menusz; i++)
		unshare_free(rp->sites[i]);
	free(rp->sites);
	for (i = 0; i < rp->menusz; i++)
		unshare_free(rp->menus[i]);
	free(rp->menus);
	free(rp->base);
	free(rp->today);
	free(rp->realday);
	pthread_mutex_destroy(&rp->rankmu);
	free(rp->pidx);
	free(rp);
}

