/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for template.c: every test of the Mustache spec files in
 * $KBGEN_SPEC (default tests/spec/mustache, a verbatim copy of the
 * Mustache spec with its licence, from the repository
 * root), read as they are with jansson, then our own: syntax errors and
 * their positions, loading a folder, the set hash, recursion limits
 * and rendering from several threads at once.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "extern.h"
#include "render/render.h"
#include "harness.h"

/*
 * A JSON number's text as the spec expects it: integers as they are,
 * reals in the shortest form that reads back the same (1.21, not
 * 1.2099999999999999).
 */
static struct val *
num_val(const json_t *j)
{
	struct val	*v;
	char		 s[64];
	double		 d;
	int		 prec;

	if (json_is_integer(j))
		return val_int((long long)json_integer_value(j));
	d = json_real_value(j);
	for (prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	v = val_new(VAL_NUM);
	v->num = d;
	v->str = xstrdup(s);
	v->strsz = strlen(s);
	return v;
}

/* Convert JSON to a value tree (caller frees). */
static struct val *
json_val(const json_t *j)
{
	struct val	*v;
	const char	*k;
	json_t		*kid;
	size_t		 i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = val_map();
		json_object_foreach((json_t *)j, k, kid)
			val_set(v, k, json_val(kid));
		return v;
	case JSON_ARRAY:
		v = val_list();
		json_array_foreach(j, i, kid)
			val_push(v, json_val(kid));
		return v;
	case JSON_STRING:
		return val_strn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
	case JSON_REAL:
		return num_val(j);
	case JSON_TRUE:
		return val_bool(1);
	case JSON_FALSE:
		return val_bool(0);
	default:
		return val_new(VAL_NULL);
	}
}

/* Whether the data holds a lambda ({"__tag__": "code", ...}). */
static int
has_lambda(const json_t *j)
{
	const char	*k;
	json_t		*kid;
	size_t		 i;

	if (json_is_object(j)) {
		if (json_object_get(j, "__tag__") != NULL)
			return 1;
		json_object_foreach((json_t *)j, k, kid)
			if (has_lambda(kid))
				return 1;
	} else if (json_is_array(j))
		json_array_foreach(j, i, kid)
			if (has_lambda(kid))
				return 1;
	return 0;
}

/*
 * Run every test of one spec file; returns how many ran.
 */
static size_t
spec_file(const char *dir, const char *file)
{
	json_t		*root, *tests, *t, *parts, *part;
	json_error_t	 err;
	struct tmpl_set	*set;
	struct val	*data;
	struct buf	 out = { NULL, 0, 0 };
	const char	*pname, *text;
	char		*path, *name;
	size_t		 i, n = 0;
	int		 ok;

	path = path_join(dir, file);
	root = json_load_file(path, 0, &err);
	OK(root != NULL, path);
	tests = json_object_get(root, "tests");
	json_array_foreach(tests, i, t) {
		name = xasprintf("%s: %s", file,
		    json_string_value(json_object_get(t, "name")));
		if (has_lambda(json_object_get(t, "data"))) {
			printf("skip %s (lambda)\n", name);
			free(name);
			continue;
		}
		set = tmpl_set_new();
		ok = 1;
		parts = json_object_get(t, "partials");
		json_object_foreach(parts, pname, part)
			if (!tmpl_set_add(set, pname, json_string_value(part),
			    json_string_length(part), pname))
				ok = 0;
		text = json_string_value(json_object_get(t, "template"));
		if (!tmpl_set_add(set, "(template)", text,
		    json_string_length(json_object_get(t, "template")),
		    "(template)"))
			ok = 0;
		data = json_val(json_object_get(t, "data"));
		buf_reset(&out);
		if (ok && !tmpl_render(set, "(template)", data, &out))
			ok = 0;
		EQS(ok ? buf_cstr(&out) : NULL,
		    json_string_value(json_object_get(t, "expected")), name);
		val_free(data);
		tmpl_set_free(set);
		free(name);
		n++;
	}
	buf_free(&out);
	json_decref(root);
	free(path);
	return n;
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every *.json file of the spec folder, in name order.
 */
static void
spec_all(void)
{
	const char	*dir;
	DIR		*d;
	struct dirent	*e;
	char		*files[64];
	size_t		 nfiles = 0, ntests = 0, i, len;

	if ((dir = getenv("KBGEN_SPEC")) == NULL)
		dir = "tests/spec/mustache";
	if ((d = opendir(dir)) == NULL) {
		OK(0, "open the spec folder (set KBGEN_SPEC)");
		return;
	}
	while ((e = readdir(d)) != NULL && nfiles < 64) {
		len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
			files[nfiles++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(files, nfiles, sizeof(files[0]), strpcmp);
	for (i = 0; i < nfiles; i++) {
		ntests += spec_file(dir, files[i]);
		free(files[i]);
	}
	printf("spec: %zu files, %zu tests\n", nfiles, ntests);
	/* All seven files of the spec, not a folder that lost some. */
	OK(nfiles == 7, "spec: every spec file found");
	OK(nfiles >= 7 && ntests >= 163, "spec: all files and tests ran");
}

/* Add a template whose path is its name. */
static int
add(struct tmpl_set *set, const char *name, const char *text)
{
	return tmpl_set_add(set, name, text, strlen(text), name);
}

/* Render name from set against data; a new string or NULL. */
static char *
render(const struct tmpl_set *set, const char *name, const struct val *v)
{
	struct buf	 b = { NULL, 0, 0 };

	if (!tmpl_render(set, name, v, &b)) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Render one template text against data, for short checks. */
static void
check(const char *text, const struct val *v, const char *want,
    const char *name)
{
	struct tmpl_set	*set = tmpl_set_new();
	char		*got = NULL;

	if (tmpl_set_add(set, "t", text, strlen(text), "t.mustache"))
		got = render(set, "t", v);
	EQS(got, want, name);
	free(got);
	tmpl_set_free(set);
}

/*
 * Adding text must fail with an error counted and, when pos is given,
 * printed as "t.mustache:pos: error: msg".
 */
static void
badn(const char *text, size_t textsz, const char *pos, const char *msg,
    const char *name)
{
	struct tmpl_set	*set = tmpl_set_new();
	char		 tmp[] = "/tmp/t_template.XXXXXX", *got = NULL, *want;
	size_t		 n = diag_errors(), sz;
	int		 fd, saved, rc;

	fflush(stderr);
	saved = dup(2);
	if ((fd = mkstemp(tmp)) == -1 || saved == -1) {
		OK(0, name);
		return;
	}
	dup2(fd, 2);
	diag_set_quiet(0);
	rc = tmpl_set_add(set, "t", text, textsz, "t.mustache");
	diag_set_quiet(1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	OK(rc == 0 && diag_errors() == n + 1, name);
	if (pos != NULL && file_read(tmp, &got, &sz)) {
		want = xasprintf("t.mustache:%s: error: %s\n", pos, msg);
		EQS(got, want, name);
		free(want);
		free(got);
	}
	unlink(tmp);
	tmpl_set_free(set);
}

static void
bad(const char *text, const char *pos, const char *msg, const char *name)
{
	badn(text, strlen(text), pos, msg, name);
}

static void
test_errors(void)
{
	struct tmpl_set	*set = tmpl_set_new(), *nul;
	struct buf	 b;
	char		*got, deep[101 * 6 + 1];
	size_t		 n;

	diag_set_quiet(1);
	bad("a\n  {{#items}}\nx", "2:3",
	    "unclosed section \"items\" opened here",
	    "error: unclosed section");
	bad("{{#a}}\n{{/b}}", "2:1",
	    "closing tag \"b\" does not match \"a\" opened at line 1",
	    "error: mismatched close");
	bad("x {{/a}}", "1:3",
	    "closing tag \"a\" without an open section",
	    "error: close without open");
	bad("ab\ncd {{name", "2:4",
	    "unclosed tag: \"{{\" without \"}}\"", "error: unclosed tag");
	bad("{{{name}}", "1:1",
	    "unclosed tag: \"{{\" without \"}}}\"", "error: unclosed triple");
	bad("{{=<% =}}", "1:1", "bad delimiters in \"{{=<% =}}\": want two, "
	    "without spaces or \"=\"", "error: bad delimiter");
	bad("{{=<% %>=}}<%a", "1:12",
	    "unclosed tag: \"<%\" without \"%>\"", "error: custom unclosed");
	bad("{{a b}}", NULL, NULL, "error: space in name");
	bad("{{}}", NULL, NULL, "error: empty name");
	bad("{{a..b}}", NULL, NULL, "error: bad dotted name");
	/*
	 * A NUL byte inside a tag: the name was copied with its length
	 * but split at dots with strlen (heap overflow under ASan).
	 */
	badn("x\n {{a\0.b}}", 12, "2:5", "NUL byte in tag",
	    "error: NUL in a dotted name");
	badn("{{#a\0}}{{/a\0}}", 16, "1:5", "NUL byte in tag",
	    "error: NUL in a section name");
	badn("{{=<\0 >=}}", 11, "1:5", "NUL byte in tag",
	    "error: NUL in a delimiter");
	badn("{{!a\0}}", 8, "1:5", "NUL byte in tag",
	    "error: NUL in a comment");
	nul = tmpl_set_new();
	b.data = NULL;
	b.sz = b.cap = 0;
	OK(tmpl_set_add(nul, "t", "a\0b", 3, "t") &&
	    tmpl_render(nul, "t", NULL, &b) && b.sz == 3 &&
	    memcmp(b.data, "a\0b", 3) == 0,
	    "NUL in text is kept as text");
	buf_free(&b);
	tmpl_set_free(nul);
	bad("{{<p}}{{$a}}x{{/p}}", NULL, NULL,
	    "error: unclosed block in parent");
	for (n = 0; n < 101; n++)
		memcpy(deep + n * 6, "{{#a}}", 6);
	deep[n * 6] = '\0';
	bad(deep, "1:601", "sections nested more than 100 deep",
	    "error: nesting limit");

	/* A failed replacement keeps the old template. */
	OK(add(set, "t", "old"), "add old");
	OK(!add(set, "t", "{{#x}}"), "bad replacement fails");
	got = render(set, "t", NULL);
	EQS(got, "old", "failed replacement keeps the old template");
	free(got);

	n = diag_errors();
	got = render(set, "missing", NULL);
	OK(got == NULL && diag_errors() == n + 1, "unknown template fails");

	OK(add(set, "loop", "x{{>loop}}"), "add loop");
	n = diag_errors();
	got = render(set, "loop", NULL);
	OK(got == NULL && diag_errors() == n + 1, "endless recursion fails");

	/*
	 * Found by tests/fuzz (tests/fuzz/regress/template/): a NUL byte
	 * in a tag name overflowed op_tag's copy of it, and a parent's
	 * argument holding a block of its own name expanded for ever
	 * (stack overflow).
	 */
	n = diag_errors();
	OK(!tmpl_set_add(set, "nul", "{{a\0.b}}", 9, "nul.mustache") &&
	    diag_errors() == n + 1, "NUL byte in a tag name fails");
	OK(add(set, "p", "<{{$a}}{{/a}}>"), "add parent");
	OK(add(set, "self", "{{<p}}{{$a}}x{{$a}}y{{/a}}{{/a}}{{/p}}"),
	    "add self-expanding block");
	n = diag_errors();
	got = render(set, "self", NULL);
	OK(got == NULL && diag_errors() == n + 1,
	    "self-expanding block fails");
	free(got);
	tmpl_set_free(set);
}

static void
test_values(void)
{
	struct val	*v = val_map(), *l;

	val_set(v, "yes", val_bool(1));
	val_set(v, "no", val_bool(0));
	val_set(v, "n", val_int(-42));
	val_set(v, "nul", val_new(VAL_NULL));
	val_set(v, "empty", val_str(""));
	val_set(v, "zero", val_int(0));
	val_set(v, "q", val_str("it's <b>"));
	l = val_set(v, "list", val_list());
	val_push(l, val_str("a"));
	val_push(l, val_str("b"));
	check("{{yes}} {{no}} {{n}} [{{nul}}]", v, "true false -42 []",
	    "bool, number and null interpolation");
	check("{{#empty}}E{{/empty}}{{#zero}}Z{{/zero}}{{^nul}}N{{/nul}}",
	    v, "EZN", "empty string and zero are true");
	check("{{q}}|{{{q}}}", v, "it&#39;s &lt;b&gt;|it's <b>", "escaping");
	check("{{#list}}{{.}},{{/list}}{{^list}}none{{/list}}", v, "a,b,",
	    "list");
	check("{{missing.x}}{{#missing}}M{{/missing}}", NULL, "",
	    "NULL context");
	val_free(v);
}

/*
 * Behaviour the spec leaves open: template lines produced by a loop in
 * an indented partial are all indented (empty lines are not), and
 * blocks in a partial of a parent can be overridden.
 */
static void
test_indent(void)
{
	struct tmpl_set	*set = tmpl_set_new();
	struct val	*v = val_map(), *l;
	char		*got;

	l = val_set(v, "items", val_list());
	val_push(l, val_str("a"));
	val_push(l, val_str("b\nc"));
	OK(add(set, "_li", "{{#items}}<li>{{.}}</li>\n{{/items}}"
	    "\n\n<br>\n"), "add _li");
	OK(add(set, "page", "<ul>\n  {{>_li}}\n</ul>\n"), "add page");
	got = render(set, "page", v);
	EQS(got, "<ul>\n  <li>a</li>\n  <li>b\nc</li>\n\n  <br>\n</ul>\n",
	    "indented partial with a loop");
	free(got);

	OK(add(set, "base", "<h1>{{$t}}T{{/t}}</h1>\n{{>_foot}}"), "add base");
	OK(add(set, "_foot", "<p>{{$f}}F{{/f}}</p>\n"),
	    "add _foot");
	OK(add(set, "kid", "{{<base}}\n{{$t}}Kid{{/t}}\n"
	    "{{$f}}Foot{{/f}}\n{{/base}}\n"), "add kid");
	got = render(set, "kid", NULL);
	EQS(got, "<h1>Kid</h1>\n<p>Foot</p>\n",
	    "blocks in a parent's partial are overridden");
	free(got);

	/* The same set rendered twice gives the same output. */
	got = render(set, "kid", NULL);
	EQS(got, "<h1>Kid</h1>\n<p>Foot</p>\n", "rendered twice");
	free(got);
	tmpl_set_free(set);
	val_free(v);
}

static void
test_dir(void)
{
	struct tmpl_set	*a = tmpl_set_new();
	char		 dir[] = "/tmp/t_template.XXXXXX", *p, *got;

	if (mkdtemp(dir) == NULL) {
		OK(0, "mkdtemp");
		return;
	}
	p = path_join(dir, "page.mustache");
	file_write(p, "[{{>_part}}]", 12);
	free(p);
	p = path_join(dir, "_part.mustache");
	file_write(p, "part", 4);
	free(p);
	p = path_join(dir, "notes.txt");
	file_write(p, "{{#", 3);
	free(p);
	OK(tmpl_set_load_dir(a, dir), "load folder");
	got = render(a, "page", NULL);
	EQS(got, "[part]", "folder templates render");
	free(got);

	p = path_join(dir, "bad.mustache");
	file_write(p, "{{#x}}", 6);
	free(p);
	OK(!tmpl_set_load_dir(a, dir), "folder with a bad template fails");
	OK(!tmpl_set_load_dir(a, "/nonexistent/t_template"),
	    "missing folder fails");
	rmtree(dir);
	tmpl_set_free(a);
}

struct job {
	const struct tmpl_set	*set;
	const struct val	*v;
	int			 ok;
};

static void *
worker(void *arg)
{
	struct job	*j = arg;
	struct buf	 b = { NULL, 0, 0 };
	int		 i;

	j->ok = 1;
	for (i = 0; i < 2000; i++) {
		buf_reset(&b);
		if (!tmpl_render(j->set, "page", j->v, &b) ||
		    strcmp(buf_cstr(&b), "<main>\n  <p>x</p>\n  <p>y</p>\n"
		    "\n</main>\n") != 0)
			j->ok = 0;
	}
	buf_free(&b);
	return NULL;
}

static void
test_threads(void)
{
	struct tmpl_set	*set = tmpl_set_new();
	struct val	*v = val_map(), *l;
	struct job	 jobs[4];
	pthread_t	 th[4];
	int		 i, ok = 1;

	l = val_set(v, "xs", val_list());
	val_push(l, val_str("x"));
	val_push(l, val_str("y"));
	add(set, "base", "<main>\n  {{$m}}{{/m}}\n</main>\n");
	add(set, "_p", "{{#xs}}\n<p>{{.}}</p>\n{{/xs}}\n");
	add(set, "page", "{{<base}}{{$m}}\n  {{>_p}}\n{{/m}}"
	    "{{/base}}");
	for (i = 0; i < 4; i++) {
		jobs[i].set = set;
		jobs[i].v = v;
		if (pthread_create(&th[i], NULL, worker, &jobs[i]) != 0)
			ok = 0;
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok = ok && jobs[i].ok;
	}
	OK(ok, "four threads render one set");
	tmpl_set_free(set);
	val_free(v);
}

int
main(void)
{
	spec_all();
	test_errors();
	test_values();
	test_indent();
	test_dir();
	test_threads();
	DONE();
}
