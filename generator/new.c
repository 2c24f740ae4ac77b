/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen new KIND SLUG: a new entry written from a scaffold, and kbgen
 * schema: the JSON Schema of the content for editors.
 *
 * A scaffold ("archetype", as Hugo calls it) is a Mustache template,
 * new/KIND.md (new/seminar.yaml for a seminars file), looked up in the
 * knowledge base's own templates/new/ first, then in the theme's.  It
 * is rendered with the slug, the title (--title), today's date, the
 * author as git knows them (user.name and user.email, read with
 * libgit2 through git/), the use case's likely contact (the person
 * whose email is the author's), the words each enumerated key allows
 * and the terms of the taxonomy, to be listed in YAML comments.  What
 * the author must still write is left empty ("" or []), which lint
 * refuses until it is filled.  An existing file is never overwritten
 * and a bad slug is refused, with lint's words.
 *
 * kbgen schema prints jsonschema.c's tree, or writes one file per kind
 * (-o DIR), the files kbgen init leaves in schemas/ and the scaffolds
 * name in their "yaml-language-server: $schema=" comment.
 */
#define _POSIX_C_SOURCE 200809L
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
#include "git/git.h"
#include "model/model.h"
#include "render/render.h"
#include "cmd.h"

#ifndef KBGEN_TEMPLATES
#define KBGEN_TEMPLATES "/usr/local/share/kbgen/templates"
#endif

/* Where the schema files of kbgen init live, below the root. */
#define SCHEMA_DIR	"schemas"

static const struct kind {
	const char	*name;	/* kbgen new NAME */
	const char	*dir;	/* below content/ */
	const char	*ext;	/* of the file and of its scaffold */
	const char	*schema;	/* its jsonschema kind */
} kinds[] = {
	{ "usecase", "usecases", ".md", "usecase" },
	{ "person", "people", ".md", "person" },
	{ "hackathon", "hackathons", ".md", "hackathon" },
	{ "seminar", "seminars", ".yaml", "seminars" },
	{ "page", "pages", ".md", "page" },
};

static int
new_usage(void)
{
	fputs("usage: kbgen new usecase|person|hackathon|seminar|page SLUG "
	    "[--title TITLE]\n", stderr);
	return 2;
}

/* s as a YAML double-quoted scalar, appended to b. */
static void
yaml_quote(struct buf *b, const char *s)
{
	unsigned char	 c;

	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/*
 * s with every control character (a newline above all) made a space,
 * in place: text from git config or the taxonomy that goes into a
 * YAML comment must not end it and start a key.
 */
static char *
one_line(char *s)
{
	char	*p;

	for (p = s; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return s;
}

/*
 * The terms of dimension d as YAML comment lines ("#   CNN, LSTM"),
 * wrapped before 72 columns, with no newline at the end.
 */
static char *
terms_help(const struct taxonomy *tax, int d)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, col = 0, w;
	const char	*name;
	char		*nm;

	for (i = 0; i < tax->termsz[d]; i++) {
		name = tax->terms[d][i]->name;
		w = strlen(name) + 2;
		if (col == 0) {
			buf_puts(&b, "#   ");
			col = 4;
		} else if (col + w > 72) {
			buf_puts(&b, ",\n#   ");
			col = 4;
		} else {
			buf_puts(&b, ", ");
			col += 2;
		}
		nm = one_line(xstrdup(name));
		buf_puts(&b, nm);
		free(nm);
		col += w - 2;
	}
	if (i == 0)
		buf_puts(&b, "#   (none yet: add terms to content/taxonomy.yaml)");
	return buf_steal(&b);
}

static int
is_file(const char *p)
{
	struct stat	 st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The id of the person (content/people/ID.md) whose email is email,
 * ignoring case, as a new string, or NULL.
 */
static char *
person_by_email(const char *content, const char *email)
{
	DIR		*d;
	struct dirent	*e;
	struct val	*meta;
	const char	*body, *em;
	char		*dir, *path, *text, *id = NULL;
	size_t		 n, sz, bodyline;

	if (email == NULL)
		return NULL;
	dir = path_join(content, "people");
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return NULL;
	}
	while (id == NULL && (e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0)
			continue;
		path = path_join(dir, e->d_name);
		meta = NULL;
		if (is_file(path) && file_read_input(path, MAX_FILE_SIZE,
		    &text, &sz)) {
			if (fm_split(path, text, sz, &meta, &body, &bodyline) &&
			    (em = val_get_str(meta, "email")) != NULL &&
			    strcasecmp_ascii(em, email) == 0) {
				id = xstrndup(e->d_name, n - 3);
				if (!slug_valid(id)) {
					free(id);
					id = NULL;
				}
			}
			val_free(meta);
			free(text);
		}
		free(path);
	}
	closedir(d);
	free(dir);
	return id;
}

/* The words of an enumerated key of kind's tree, joined by " | ". */
static struct val *
words(const char *kind, const char *place)
{
	const char *const *w;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;
	struct val	*v;

	w = jsonschema_words(kind, place);
	for (i = 0; w != NULL && w[i] != NULL; i++)
		buf_printf(&b, "%s%s", i ? " | " : "", w[i]);
	v = val_str(buf_cstr(&b));
	buf_free(&b);
	return v;
}

/*
 * The scaffold of kind k: ROOT/templates/new/ (a site's own), else the
 * theme's (--templates, or the installed one).  A new path, or NULL.
 */
static char *
scaffold_path(const struct opts *o, const struct kind *k)
{
	char	*name, *p;

	name = xasprintf("new/%s%s", k->name, k->ext);
	p = xasprintf("%s/templates/%s", o->root, name);
	if (!is_file(p)) {
		free(p);
		p = path_join(o->templates != NULL ? o->templates :
		    KBGEN_TEMPLATES, name);
	}
	free(name);
	if (is_file(p))
		return p;
	free(p);
	return NULL;
}

/* The context the scaffold is rendered with; see kbgen(1). */
static struct val *
scaffold_ctx(const struct opts *o, const struct kind *k, const char *slug,
    const char *content, const struct taxonomy *tax)
{
	struct val	*ctx, *l, *t;
	struct buf	 b = { NULL, 0, 0 };
	char		*name = NULL, *email = NULL, *id, day[16], *h, *text;
	struct tm	 tm;
	time_t		 now = o->now.build;
	size_t		 i;
	int		 d;

	ctx = val_map();
	val_set_str(ctx, "slug", slug);
	val_set_str(ctx, "kind", k->name);
	if (o->title != NULL) {
		yaml_quote(&b, o->title);
		val_set_str(ctx, "title", buf_cstr(&b));
		val_set(ctx, "title_given", val_bool(1));
	} else {
		val_set_str(ctx, "title", "\"\"");
		val_set(ctx, "title_given", val_bool(0));
	}
	buf_free(&b);
	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	val_set_str(ctx, "date", day);

	if (gs_init()) {
		(void)gs_author(o->root, &name, &email);
		gs_shutdown();
	}
	one_line(name);
	one_line(email);
	if (name != NULL)
		val_set_str(ctx, "author", name);
	if (email != NULL)
		val_set_str(ctx, "email", email);
	h = name != NULL && email != NULL ? xasprintf("%s <%s>", name, email) :
	    name != NULL ? xstrdup(name) : email != NULL ? xstrdup(email) :
	    xstrdup("unknown (git config user.name is not set)");
	val_set_str(ctx, "author_line", h);
	free(h);
	if ((id = person_by_email(content, email)) != NULL)
		val_set_str(ctx, "contact", id);
	free(id);
	free(name);
	free(email);

	h = xasprintf("../../%s/%s.schema.json", SCHEMA_DIR, k->schema);
	val_set_str(ctx, "schema", h);
	free(h);
	val_set(ctx, "kinds", words("usecase", "kind"));
	val_set(ctx, "levels", words("hackathon", "level"));
	val_set(ctx, "session_kinds", words("hackathon",
	    "programme.sessions.kind"));
	for (d = 0; d < DIM__MAX; d++) {
		l = val_list();
		for (i = 0; i < tax->termsz[d]; i++) {
			t = val_map();
			val_set_str(t, "name", tax->terms[d][i]->name);
			if (tax->terms[d][i]->title != NULL)
				val_set_str(t, "title",
				    tax->terms[d][i]->title);
			val_push(l, t);
		}
		val_set(ctx, dim_keys[d], l);
		h = xasprintf("%s_help", dim_keys[d]);
		text = terms_help(tax, d);
		val_set_str(ctx, h, text);
		free(text);
		free(h);
	}
	return ctx;
}

/* Write sz bytes of p to a new file path; 0 if it exists (reported). */
static int
write_new(const char *path, const char *p, size_t sz)
{
	ssize_t	 w;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1) {
		if (errno == EEXIST)
			fprintf(stderr, "kbgen: new: %s exists; not "
			    "overwritten\n", path);
		else
			diag_sys(path, "%s", strerror(errno));
		return 0;
	}
	while (sz > 0) {
		if ((w = write(fd, p, sz)) == -1) {
			if (errno == EINTR)
				continue;
			diag_sys(path, "%s", strerror(errno));
			close(fd);
			unlink(path);
			return 0;
		}
		p += w;
		sz -= (size_t)w;
	}
	if (close(fd) == -1) {
		diag_sys(path, "%s", strerror(errno));
		unlink(path);
		return 0;
	}
	return 1;
}

/*
 * See cmd.h.  kbgen new KIND SLUG: 0 written, 1 refused (it exists, no
 * knowledge base, a bad scaffold), 2 usage (kind, slug).
 */
int
cmd_new(const struct opts *o, int argc, char **argv)
{
	const struct kind *k = NULL;
	struct taxonomy	 tax;
	struct tmpl_set	*ts = NULL;
	struct val	*ctx = NULL;
	struct buf	 out = { NULL, 0, 0 };
	struct stat	 st;
	char		*content = NULL, *dir = NULL, *path = NULL;
	char		*tpath = NULL, *text = NULL, *p;
	size_t		 i, sz;
	int		 rc = 1;

	memset(&tax, 0, sizeof(tax));
	if (argc != 2) {
		fprintf(stderr, "kbgen: new: %s\n", argc < 2 ?
		    "give a kind and a slug" : "too many arguments");
		return new_usage();
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(argv[0], kinds[i].name) == 0)
			k = &kinds[i];
	if (k == NULL) {
		fprintf(stderr, "kbgen: new: unknown kind \"%s\"\n", argv[0]);
		return new_usage();
	}
	if (!slug_valid(argv[1])) {
		fprintf(stderr, "kbgen: new: \"%s\" is not a valid slug "
		    "(lower-case letters, digits and '-', starting with a "
		    "letter or digit)\n", argv[1]);
		return 2;
	}
	content = path_join(o->root, "content");
	if (stat(content, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kbgen: new: no content folder in %s (kbgen "
		    "init DIR makes a knowledge base)\n", o->root);
		goto out;
	}
	dir = path_join(content, k->dir);
	p = xasprintf("%s%s", argv[1], k->ext);
	path = path_join(dir, p);
	free(p);
	if (lstat(path, &st) == 0) {
		fprintf(stderr, "kbgen: new: %s exists; not overwritten\n",
		    path);
		goto out;
	}
	if ((tpath = scaffold_path(o, k)) == NULL) {
		fprintf(stderr, "kbgen: new: no scaffold new/%s%s in %s/"
		    "templates or in the theme\n", k->name, k->ext, o->root);
		goto out;
	}
	p = path_join(content, "taxonomy.yaml");
	(void)tax_load(&tax, p);
	free(p);
	if (!file_read_input(tpath, MAX_FILE_SIZE, &text, &sz))
		goto out;
	ts = tmpl_set_new();
	if (!tmpl_set_add(ts, "new", text, sz, tpath))
		goto out;
	ctx = scaffold_ctx(o, k, argv[1], content, &tax);
	if (!tmpl_render(ts, "new", ctx, &out))
		goto out;
	if (out.sz > 0 && out.data[out.sz - 1] != '\n')
		buf_putc(&out, '\n');
	if (!mkdirs(dir) || !write_new(path, out.data != NULL ? out.data : "",
	    out.sz))
		goto out;
	if (!o->quiet)
		printf("%s\n", path);
	rc = 0;
out:
	buf_free(&out);
	val_free(ctx);
	tmpl_set_free(ts);
	tax_free(&tax);
	free(text);
	free(tpath);
	free(path);
	free(dir);
	free(content);
	return rc;
}

/*
 * Write the schema of every kind (or of one) into folder dir, as
 * KIND.schema.json.  Returns 0 on failure (reported).
 */
static int
schema_files(const struct taxonomy *tax, const char *dir, const char *one)
{
	struct val	*s;
	struct buf	 b = { NULL, 0, 0 };
	char		*p, *name;
	size_t		 i;
	int		 ok = 1;

	if (!mkdirs(dir))
		return 0;
	for (i = 0; jsonschema_kind(i) != NULL; i++) {
		if (one != NULL && strcmp(one, jsonschema_kind(i)) != 0)
			continue;
		s = jsonschema_new(tax, jsonschema_kind(i));
		b.sz = 0;
		val_json(&b, s, 1);
		val_free(s);
		name = xasprintf("%s.schema.json", jsonschema_kind(i));
		p = path_join(dir, name);
		if (!file_write(p, b.data, b.sz))
			ok = 0;
		free(p);
		free(name);
	}
	buf_free(&b);
	return ok;
}

/*
 * See cmd.h.
 */
int
new_schemas(const char *root)
{
	struct taxonomy	 tax;
	char		*p, *dir;
	int		 ok;

	memset(&tax, 0, sizeof(tax));
	p = xasprintf("%s/content/taxonomy.yaml", root);
	ok = tax_load(&tax, p);
	free(p);
	dir = path_join(root, SCHEMA_DIR);
	ok = schema_files(&tax, dir, NULL) && ok;
	free(dir);
	tax_free(&tax);
	return ok;
}

/*
 * See cmd.h.  kbgen schema [KIND] [-o DIR]: 0 printed (or written), 1
 * taxonomy errors (the schema is still given) or a write failed, 2
 * usage.
 */
int
cmd_schema(const struct opts *o, int argc, char **argv)
{
	struct taxonomy	 tax;
	struct val	*s;
	struct buf	 b = { NULL, 0, 0 };
	const char	*kind = argc > 0 ? argv[0] : NULL;
	char		*p;
	size_t		 i;
	int		 rc = 0;

	if (argc > 1) {
		fprintf(stderr, "kbgen: schema: unexpected argument \"%s\"\n",
		    argv[1]);
		return 2;
	}
	for (i = 0; kind != NULL && jsonschema_kind(i) != NULL; i++)
		if (strcmp(kind, jsonschema_kind(i)) == 0)
			break;
	if (kind != NULL && jsonschema_kind(i) == NULL) {
		fputs("kbgen: schema: unknown kind \"", stderr);
		fputs(kind, stderr);
		fputs("\" (", stderr);
		for (i = 0; jsonschema_kind(i) != NULL; i++)
			fprintf(stderr, "%s%s", i ? ", " : "",
			    jsonschema_kind(i));
		fputs(")\n", stderr);
		return 2;
	}
	memset(&tax, 0, sizeof(tax));
	p = xasprintf("%s/content/taxonomy.yaml", o->root);
	if (!tax_load(&tax, p))
		rc = 1;
	free(p);
	if (o->out != NULL) {
		if (!schema_files(&tax, o->out, kind))
			rc = 1;
	} else {
		s = jsonschema_new(&tax, kind);
		val_json(&b, s, 1);
		val_free(s);
		fwrite(b.data, 1, b.sz, stdout);
		buf_free(&b);
		if (fflush(stdout) == EOF)
			rc = 1;
	}
	tax_free(&tax);
	return rc;
}
