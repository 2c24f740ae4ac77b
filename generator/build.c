/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The commands that read a knowledge base: build (load, check, index,
 * render, publish), lint (load and check only) and query (answer from
 * the LMDB index).  Each returns an exit status; main.c exits.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "git/git.h"
#include "model/model.h"
#include "publish/publish.h"
#include "render/render.h"
#include "search/search.h"
#include "cmd.h"

#ifndef KBGEN_TEMPLATES
#define KBGEN_TEMPLATES "/usr/local/share/kbgen/templates"
#endif

static int
is_dir(const char *p)
{
	struct stat	 st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether folder p holds a *.mustache file (not only new/, scaffolds). */
static int
has_mustache(const char *p)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n;
	int		 found = 0;

	if ((d = opendir(p)) == NULL)
		return 1;	/* load_theme will say why */
	while (!found && (e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		found = n > 9 && strcmp(e->d_name + n - 9, ".mustache") == 0;
	}
	closedir(d);
	return found;
}

/*
 * The theme folder: --templates, else ROOT/templates when present
 * with templates of its own (a folder holding only the scaffolds of
 * kbgen new, templates/new/, is no theme), else the one installed
 * with kbgen.  The caller frees it.
 */
static char *
templates_dir(const struct opts *o)
{
	char	*p;

	if (o->templates != NULL)
		return xstrdup(o->templates);
	p = path_join(o->root, "templates");
	if (is_dir(p) && has_mustache(p))
		return p;
	free(p);
	return xstrdup(KBGEN_TEMPLATES);
}

/*
 * With KBGEN_TIMING set, print how long the phase that ends now took.
 */
static void
phase(const char *name, double *t)
{
	static double	 cpu0;
	double		 now = mono_secs(), cpu;
	struct rusage	 ru;

	if (getenv("KBGEN_TIMING") != NULL) {
		getrusage(RUSAGE_SELF, &ru);
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		fprintf(stderr, "kbgen: %-8s %.3f s (cpu %.3f s)\n", name,
		    now - *t, cpu - cpu0);
		cpu0 = cpu;
	}
	*t = now;
}

static void
errors_summary(const char *what)
{
	size_t	 n = diag_errors();

	fprintf(stderr, "kbgen: %zu error%s; %s\n", n, n == 1 ? "" : "s",
	    what);
}

static struct tmpl_set *
load_theme(const char *dir)
{
	struct tmpl_set	*ts;
	char		*probe;

	probe = path_join(dir, "base.mustache");
	if (access(probe, R_OK) == -1) {
		diag_err(dir, 0, 0, "no theme here (base.mustache missing); "
		    "name one with --templates DIR");
		free(probe);
		return NULL;
	}
	free(probe);
	ts = tmpl_set_new();
	if (!tmpl_set_load_dir(ts, dir)) {
		tmpl_set_free(ts);
		return NULL;
	}
	return ts;
}

/*
 * Write the model into LMDB: one record per entry and the dimension
 * tables, replacing what was there.  The records come from the use
 * cases' and people's front matter and the taxonomy (in inputs): when
 * those hash as at the last build, they are there already.
 */
static int
index_kb(struct idx *idx, const struct kb *kb, uint64_t inputs)
{
	struct buf	 b = { NULL, 0, 0 };
	struct val	*rec, *l;
	const struct term *t;
	char		*prev = NULL, key[32];
	uint64_t	 h = inputs;
	size_t		 i, j;
	int		 d, same;

	for (i = 0; i < kb->ucsz; i++) {
		h = hash64(kb->ucs[i]->e.relpath,
		    strlen(kb->ucs[i]->e.relpath) + 1, h);
		h = hash64(&kb->ucs[i]->e.fmhash, sizeof(uint64_t), h);
	}
	for (i = 0; i < kb->peoplesz; i++) {
		h = hash64(kb->people[i]->e.relpath,
		    strlen(kb->people[i]->e.relpath) + 1, h);
		h = hash64(&kb->people[i]->e.fmhash, sizeof(uint64_t), h);
	}
	snprintf(key, sizeof(key), "%016llx", (unsigned long long)h);
	same = idx_get_meta(idx, "indexed", &prev) == 1 &&
	    strcmp(prev, key) == 0;
	free(prev);
	if (same)
		return 1;
	if (!idx_begin(idx))
		return 0;
	/* Until this commits, the entries are not those of key. */
	if (!idx_put_meta(idx, "indexed", key))
		goto fail;
	if (!idx_clear_entries(idx))
		goto fail;
	for (i = 0; i < kb->ucsz; i++) {
		const struct usecase *uc = kb->ucs[i];

		rec = val_map();
		val_set_str(rec, "slug", uc->e.slug);
		val_set_str(rec, "title", uc->e.title ? uc->e.title : "");
		val_set_str(rec, "summary", uc->summary ? uc->summary : "");
		val_set_str(rec, "kind", uc->kind ? uc->kind : "");
		val_set_str(rec, "path", uc->e.relpath);
		for (d = 0; d < DIM__MAX; d++) {
			l = val_set(rec, dim_keys[d], val_list());
			for (j = 0; j < uc->termsz[d]; j++)
				val_push(l, val_str(uc->terms[d][j]->name));
		}
		buf_reset(&b);
		val_json(&b, rec, 0);
		val_free(rec);
		if (!idx_put_entry(idx, "usecase", uc->e.slug, b.data, b.sz))
			goto fail;
		for (d = 0; d < DIM__MAX; d++)
			for (j = 0; j < uc->termsz[d]; j++)
				for (t = uc->terms[d][j]; t != NULL;
				    t = t->parent)
					if (!idx_put_term(idx, dim_names[d],
					    t->slug, uc->e.slug))
						goto fail;
	}
	for (i = 0; i < kb->peoplesz; i++) {
		rec = val_map();
		val_set_str(rec, "id", kb->people[i]->e.slug);
		val_set_str(rec, "title", kb->people[i]->name ?
		    kb->people[i]->name : "");
		buf_reset(&b);
		val_json(&b, rec, 0);
		val_free(rec);
		if (!idx_put_entry(idx, "person", kb->people[i]->e.slug,
		    b.data, b.sz))
			goto fail;
	}
	buf_free(&b);
	return idx_commit(idx);
fail:
	buf_free(&b);
	idx_abort(idx);
	return 0;
}

/*
 * When content/ is in a git work tree, give each use case the dates of
 * its file's first and last commit and its number of authors; "added"
 * comes from there unless the front matter sets it.  The walk is
 * cached in LMDB by HEAD's commit id.
 */
static void
attach_history(struct idx *idx, struct kb *kb, const char *head)
{
	struct val	*h = NULL, *e;
	char		*rec = NULL, *cached = NULL, *newhead = NULL;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, sz;
	const char	*s;

	if (head == NULL)
		return;
	if (idx_get_rec(idx, "history", "head", &cached, NULL) == 1 &&
	    strcmp(cached, head) == 0 &&
	    idx_get_rec(idx, "history", "files", &rec, &sz) == 1)
		h = json_parse(rec, sz);
	if (h == NULL) {
		/* libgit2 only now: starting it costs a few milliseconds. */
		if (!gs_init())
			goto out;
		h = gs_history(kb->content, &newhead);
		gs_shutdown();
		if (h == NULL)
			goto out;
		val_json(&b, h, 0);
		(void)idx_put_rec(idx, "history", "files", b.data, b.sz);
		(void)idx_put_rec(idx, "history", "head", head, strlen(head));
	}
	for (i = 0; i < kb->ucsz; i++) {
		struct usecase *uc = kb->ucs[i];

		if ((e = val_get(h, uc->e.relpath)) == NULL)
			continue;
		uc->hist = val_copy(e);
		val_set(uc->hist, "one_author", val_bool(
		    val_get_str(e, "authors") != NULL &&
		    strcmp(val_get_str(e, "authors"), "1") == 0));
		if (uc->added_guess &&
		    (s = val_get_str(e, "added")) != NULL) {
			val_set(uc->e.meta, "added", val_str(s));
			uc->added = val_get_str(uc->e.meta, "added");
		}
	}
out:
	buf_free(&b);
	val_free(h);
	free(rec);
	free(cached);
	free(newhead);
}

/*
 * Attach each use case's run history (kbgen check) for its page.
 */
void
kb_attach_runs(struct idx *idx, struct kb *kb)
{
	struct val	*l;
	size_t		 i;

	for (i = 0; i < kb->ucsz; i++) {
		l = runs_load(idx, kb->ucs[i]->e.slug);
		if (l->kidsz > 0)
			kb->ucs[i]->runs = l;
		else
			val_free(l);
	}
}

/*
 * Remember the use cases whose "added" date came from their file's
 * time (they have none of their own): their times are inputs.
 */
static int
put_guessed(struct idx *idx, const struct kb *kb)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	for (i = 0; i < kb->ucsz; i++)
		if (kb->ucs[i]->added_guess) {
			buf_puts(&b, kb->ucs[i]->e.relpath);
			buf_putc(&b, '\n');
		}
	rc = idx_put_meta(idx, "guessed", buf_cstr(&b));
	buf_free(&b);
	return rc;
}

/*
 * Into buf, the hash of the inputs' bytes (and of base, everything else
 * pages depend on), with the days of the files whose dates are guessed
 * from their times.
 */
static void
content_print(struct idx *idx, struct fcache *fc, const char *content,
    const struct ftree *tree, uint64_t base, char *buf, size_t bufsz)
{
	uint64_t	 h = ftree_print(tree, base, 1, NULL, 0, fc);
	char		*list = NULL, *p, *nl, *path, *day;
	struct stat	 st;

	if (idx_get_meta(idx, "guessed", &list) == 1)
		for (p = list; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			*nl = '\0';
			path = path_join(content, p);
			if (stat(path, &st) == 0) {
				day = utc_text(st.st_mtime, 1);
				h = hash64(day, strlen(day), h);
				free(day);
			}
			free(path);
		}
	free(list);
	snprintf(buf, bufsz, "%016llx", (unsigned long long)h);
}

/*
 * One build of a knowledge base at a time: builds share the store's
 * records of the published site, the spare tree and the caches.  A
 * second build waits for the first (saying so).  Returns the locked
 * descriptor (closing it unlocks), or -1 (reported).
 */
static int
build_lock(const char *cache, int quiet)
{
	char	*p;
	int	 fd;

	p = path_join(cache, "build.lock");
	if ((fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		diag_sys(p, "%s", strerror(errno));
		free(p);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK) {
		if (!quiet)
			fprintf(stderr, "kbgen: waiting for another build of "
			    "this knowledge base\n");
		while (flock(fd, LOCK_EX) == -1 && errno == EINTR)
			continue;
	}
	free(p);
	return fd;
}

/*
 * The hash of every input of the pages but the entries' files, which
 * the render driver hashes from the model (render_opts.inputs): base
 * (the store's stamps, the clock, the options, this kbgen) and the
 * bytes of every other file in tree.  Never 0.
 */
static uint64_t
inputs_print(const struct kb *kb, const struct ftree *tree, uint64_t base,
    struct fcache *fc)
{
	const char	**skip;
	size_t		 n = 0, i;
	uint64_t	 h;

	skip = xcalloc(kb->ucsz + kb->peoplesz + kb->pagesz + kb->hacksz + 1,
	    sizeof(*skip));
	for (i = 0; i < kb->ucsz; i++)
		skip[n++] = kb->ucs[i]->e.path;
	for (i = 0; i < kb->peoplesz; i++)
		skip[n++] = kb->people[i]->e.path;
	for (i = 0; i < kb->pagesz; i++)
		skip[n++] = kb->pages[i]->e.path;
	for (i = 0; i < kb->hacksz; i++)
		skip[n++] = kb->hacks[i]->e.path;
	h = ftree_print(tree, base, 1, skip, n, fc);
	free(skip);
	return h != 0 ? h : 1;
}

/*
 * What a build that ends the process leaves for the operating system
 * to take back at exit, as a whole: the model of 10,000 use cases is a
 * million small blocks, which freeing one by one costs more than a
 * tenth of a build after an edit.  Kept here, it is still reachable
 * (LeakSanitizer and valgrind do not count it).  kbgen serve builds
 * again and again and frees everything.
 */
static int		 leave_at_exit;
static struct {
	struct kb	*kb;
	struct ftree	*tree;
} left;

/*
 * kbgen build.
 */
int
cmd_build(const struct opts *o)
{
	leave_at_exit = 1;
	return build_site(o, NULL);
}

/*
 * A build, as kbgen build; with bs (may be NULL), what it did.
 */
int
build_site(const struct opts *o, struct build_stats *bs)
{
	struct kb		*kb = NULL;
	struct tmpl_set		*ts = NULL;
	struct idx		*idx = NULL;
	struct site_out		*so = NULL;
	struct fcache		*fc = NULL;
	struct ftree		*tree = NULL;
	struct render_opts	 ro;
	char			*out, *cache, *tdir, *assets = NULL;
	char			*content, *prev = NULL, fpbuf[32];
	char			*prevcp = NULL, cpbuf[32];
	char			*synced = NULL, *today = NULL, *head = NULL;
	const char		*dirs[2];
	uint64_t		 fp, base, exe = 0;
	size_t			 written, kept, removed, ran = 0, all = 0;
	double			 t0 = mono_secs(), t1 = t0;
	struct stat		 st;
	int			 rc = 1, lock = -1;

	if (bs != NULL)
		memset(bs, 0, sizeof(*bs));
	diag_set_strict(o->strict);
	out = o->out != NULL ? xstrdup(o->out) : path_join(o->root, "site");
	cache = path_join(o->root, ".kbgen");
	tdir = templates_dir(o);
	content = path_join(o->root, "content");

	if (!is_dir(content)) {
		diag_err(content, 0, 0, "no content folder here (run kbgen "
		    "in a knowledge base's root, or name it with -C DIR)");
		goto out;
	}
	if ((idx = idx_open(cache)) == NULL ||
	    (lock = build_lock(cache, o->quiet)) == -1)
		goto out;

	/* Nothing changed since the last build: say so and stop. */
	dirs[0] = content;
	dirs[1] = tdir;
	fp = hash64(out, strlen(out), 0);
	fp = hash64(&o->drafts, sizeof(o->drafts), fp);
	/* Another kbgen (rebuilt, upgraded) may render differently. */
	if (stat("/proc/self/exe", &st) == 0) {
		exe = hash64(&st.st_size, sizeof(st.st_size), exe);
		exe = hash64(&st.st_mtim, sizeof(st.st_mtim), exe);
		fp = hash64(&exe, sizeof(exe), fp);
	}
	/* What an earlier build read, as this kbgen would have read it. */
	fc = fc_new(idx, hash64(KBGEN_VERSION, sizeof(KBGEN_VERSION), exe),
	    o->root);
	/* A sync or a check changes pages without touching content/. */
	if (idx_get_meta(idx, "synced_at", &synced) == 1)
		fp = hash64(synced, strlen(synced), fp);
	free(synced);
	synced = NULL;
	if (idx_get_meta(idx, "checked_at", &synced) == 1)
		fp = hash64(synced, strlen(synced), fp);
	/*
	 * The dates the pages depend on (see clock_read): the real day,
	 * against which results and repositories age (and which, without
	 * SOURCE_DATE_EPOCH, is the build's day too), and the build's
	 * time when SOURCE_DATE_EPOCH gives it: events are upcoming or
	 * past, calendars stamped, by it.  So a new day rebuilds.
	 */
	today = utc_text(o->now.real, 1);
	fp = hash64(today, strlen(today), fp);
	if (o->now.stamp >= 0)
		fp = hash64(&o->now.stamp, sizeof(o->now.stamp), fp);
	/* A commit changes the dates that pages show. */
	if ((head = gs_head(content)) != NULL)
		fp = hash64(head, strlen(head), fp);
	base = fp;
	tree = ftree_scan(dirs, 2);
	fp = ftree_print(tree, base, 0, NULL, 0, NULL);
	snprintf(fpbuf, sizeof(fpbuf), "%016llx", (unsigned long long)fp);
	if (!o->force && is_dir(out) &&
	    idx_get_meta(idx, "fingerprint", &prev) == 1 &&
	    strcmp(prev, fpbuf) == 0) {
		/* What killed builds left is removed all the same. */
		site_out_clean(out);
		if (!o->quiet)
			fprintf(stderr, "kbgen: nothing changed; %s is up to "
			    "date (%.3f s)\n", out, mono_secs() - t0);
		rc = 0;
		goto out;
	}
	/* Files touched or rewritten with the same bytes (a checkout, an
	 * editor's save): the site would come out the same. */
	content_print(idx, fc, content, tree, base, cpbuf, sizeof(cpbuf));
	if (getenv("KBGEN_TIMING") != NULL) {
		size_t	 nread, nhashed;

		fc_counts(fc, &nread, &nhashed);
		fprintf(stderr, "kbgen: inputs: %zu of %zu files read\n",
		    nread, nhashed);
	}
	if (!o->force && is_dir(out) &&
	    idx_get_meta(idx, "contentprint", &prevcp) == 1 &&
	    strcmp(prevcp, cpbuf) == 0) {
		if (!idx_put_meta(idx, "fingerprint", fpbuf) || !fc_save(fc))
			goto out;
		site_out_clean(out);
		if (!o->quiet)
			fprintf(stderr, "kbgen: nothing changed but file times;"
			    " %s is up to date (%.3f s)\n", out,
			    mono_secs() - t0);
		rc = 0;
		goto out;
	}

	kb = kb_load_cached(o->root, o->drafts, par_jobs(o->jobs), fc, tree);
	phase("load", &t1);
	ts = load_theme(tdir);
	if (kb == NULL || ts == NULL || diag_errors() > 0) {
		errors_summary("nothing published, the site is as it was");
		goto out;
	}
	/* Facts about bytes, true whatever this build does next: kept now,
	 * their memory given back before the render. */
	if (!kb_keep_fm(kb, idx)) {
		errors_summary("nothing published, the site is as it was");
		goto out;
	}
	kb_attach_provenance(idx, kb);
	kb_check_pinned(kb, cache);
	if (diag_errors() > 0) {
		errors_summary("nothing published, the site is as it was");
		goto out;
	}
	kb_attach_runs(idx, kb);
	kb_attach_outputs(idx, kb);
	attach_history(idx, kb, head);
	if ((so = site_out_new(out, idx, o->force)) == NULL)
		goto out;
	memset(&ro, 0, sizeof(ro));
	ro.tmpls = ts;
	ro.now = &o->now;
	{
		const char *ma = val_get_str(val_get(kb->site.tree, "check"),
		    "max_age");

		ro.max_age = ma != NULL ? duration_secs(ma) : 0;
	}
	assets = path_join(tdir, "assets");
	ro.assets = assets;
	ro.jobs = par_jobs(o->jobs);
	ro.idx = idx;
	ro.inputs = inputs_print(kb, tree, base, fc);
	phase("prepare", &t1);
	if (!render_site(kb, &ro, so, &ran, &all) || diag_errors() > 0) {
		errors_summary("nothing published, the site is as it was");
		goto out;
	}
	phase("render", &t1);
	if (!render_search(kb, &ro, so)) {
		errors_summary("nothing published, the site is as it was");
		goto out;
	}
	phase("search", &t1);
	if (!site_out_commit(so))
		goto out;
	phase("publish", &t1);
	if (!index_kb(idx, kb, ro.inputs) ||
	    !idx_put_meta(idx, "fingerprint", fpbuf) ||
	    !put_guessed(idx, kb) ||
	    !idx_put_meta(idx, "contentprint", cpbuf) ||
	    !kb_keep_bodies(kb, idx) || !fc_save(fc))
		goto out;
	phase("index", &t1);
	site_out_counts(so, &written, &kept, &removed);
	if (bs != NULL) {
		bs->published = 1;
		bs->written = written;
		bs->kept = kept;
		bs->removed = removed;
	}
	if (!o->quiet)
		fprintf(stderr, "kbgen: built %s in %.3f s: %zu use cases, "
		    "%zu files (%zu written, %zu unchanged, %zu removed); "
		    "%zu of %zu pages rendered\n",
		    out, mono_secs() - t0, kb->ucsz, written + kept, written,
		    kept, removed, ran, all);
	if (diag_warnings() > 0 && !o->quiet)
		fprintf(stderr, "kbgen: %zu warning%s\n", diag_warnings(),
		    diag_warnings() == 1 ? "" : "s");
	rc = 0;
out:
	site_out_free(so);
	tmpl_set_free(ts);
	if (leave_at_exit && left.kb == NULL) {
		left.kb = kb;
		left.tree = tree;
	} else {
		kb_free(kb);
		ftree_free(tree);
	}
	fc_free(fc);
	idx_free(idx);
	if (lock != -1)
		close(lock);
	free(prev);
	free(prevcp);
	free(synced);
	free(today);
	free(head);
	free(assets);
	free(content);
	free(tdir);
	free(cache);
	free(out);
	return rc;
}

/*
 * The theme folder a build of o reads (kbgen serve watches it).  The
 * caller frees it.
 */
char *
build_theme_dir(const struct opts *o)
{
	return templates_dir(o);
}

/*
 * kbgen lint: load and check everything, write nothing.
 */
int
cmd_lint(const struct opts *o)
{
	struct kb	*kb;
	struct tmpl_set	*ts;
	struct idx	*idx;
	char		*tdir, *cache, *p;
	int		 rc;

	diag_set_strict(o->strict);
	kb = kb_load(o->root, 1, par_jobs(o->jobs));
	/*
	 * What sync pinned, when it has run: nothing is created here, and
	 * a cache this user cannot lock is left alone.
	 */
	cache = path_join(o->root, ".kbgen");
	p = path_join(cache, "data.mdb");
	if (kb != NULL && access(p, F_OK) == 0 && access(cache, W_OK) == 0 &&
	    (idx = idx_open(cache)) != NULL) {
		kb_attach_provenance(idx, kb);
		kb_check_pinned(kb, cache);
		idx_free(idx);
	}
	free(p);
	free(cache);
	if (kb != NULL)
		search_langs_check(kb);
	tdir = templates_dir(o);
	ts = load_theme(tdir);
	rc = kb == NULL || ts == NULL || diag_errors() > 0;
	if (rc)
		errors_summary("see above");
	else if (!o->quiet)
		fprintf(stderr, "kbgen: %zu use cases, %zu people, %zu pages "
		    "checked; %zu warning%s\n", kb->ucsz, kb->peoplesz,
		    kb->pagesz, diag_warnings(),
		    diag_warnings() == 1 ? "" : "s");
	tmpl_set_free(ts);
	kb_free(kb);
	free(tdir);
	return rc;
}

static int
dim_of(const char *s)
{
	static const char *const names[][3] = {
		{ "technology", "technologies", "tech" },
		{ "field", "fields", "f" },
		{ "tool", "tools", "t" },
	};
	int	 d, k;

	for (d = 0; d < DIM__MAX; d++)
		for (k = 0; k < 3; k++)
			if (strcasecmp_ascii(s, names[d][k]) == 0)
				return d;
	return -1;
}

/*
 * kbgen query DIM=TERM...: intersect the index's dimension tables.
 */
int
cmd_query(const struct opts *o, int argc, char **argv)
{
	struct taxonomy	 tax;
	struct idx	*idx = NULL;
	const char	**dims = NULL, **terms = NULL;
	char		**res = NULL, *cache = NULL, *tp = NULL, *eq, *rec,
			*title;
	size_t		 n = 0, i, recsz;
	struct term	*t;
	struct val	 v;
	int		 d, rc = 2;

	memset(&tax, 0, sizeof(tax));
	tp = path_join(o->root, "content/taxonomy.yaml");
	if (!tax_load(&tax, tp)) {
		rc = 1;
		goto out;
	}
	dims = xcalloc((size_t)argc + 1, sizeof(*dims));
	terms = xcalloc((size_t)argc + 1, sizeof(*terms));
	for (i = 0; i < (size_t)argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			fprintf(stderr, "kbgen: query: \"%s\" is not "
			    "DIMENSION=TERM (e.g. technology=CNN)\n", argv[i]);
			goto out;
		}
		*eq = '\0';
		if ((d = dim_of(argv[i])) < 0) {
			fprintf(stderr, "kbgen: query: unknown dimension "
			    "\"%s\"; use technology, field or tool\n",
			    argv[i]);
			goto out;
		}
		memset(&v, 0, sizeof(v));
		v.type = VAL_STR;
		v.str = eq + 1;
		v.strsz = strlen(eq + 1);
		diag_set_quiet(0);
		if ((t = tax_resolve(&tax, (enum dim)d, "query", &v)) == NULL)
			goto out;
		dims[n] = dim_names[d];
		terms[n] = t->slug;
		n++;
	}
	cache = path_join(o->root, ".kbgen");
	if (access(cache, F_OK) == -1) {
		fprintf(stderr, "kbgen: query: no index in %s; run kbgen "
		    "build first\n", cache);
		rc = 1;
		goto out;
	}
	rc = 1;
	if ((idx = idx_open_ro(cache)) == NULL)
		goto out;
	if (!idx_query(idx, dims, terms, n, &res, &n))
		goto out;
	for (i = 0; i < n; i++) {
		title = NULL;
		if (idx_get_entry(idx, "usecase", res[i], &rec, &recsz) == 1) {
			title = json_get_str(rec, recsz, "title");
			free(rec);
		}
		printf("%s\t%s\n", res[i], title ? title : "");
		free(title);
		free(res[i]);
	}
	free(res);
	if (n == 0 && !o->quiet)
		fprintf(stderr, "kbgen: no use case matches\n");
	rc = 0;
out:
	idx_free(idx);
	tax_free(&tax);
	free(dims);
	free(terms);
	free(cache);
	free(tp);
	return rc;
}
