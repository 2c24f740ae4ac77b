/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for model/outdiff.c: texts with numbers within and beyond
 * the tolerance, timestamps and addresses masked, numbers inside words
 * compared exactly; notebooks (kept as blobs) the same, a stream whose
 * number moved, an image whose bytes changed, an added and a removed
 * cell, an error's message, a notebook that is not one; scripts' logs
 * and images paired by name.  Works in a temporary folder.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "check/check.h"
#include "check/private.h"
#include "harness.h"

static const char *root;
static char *cache;

/* A manifest of kind whose notebook (or log) holds text. */
static struct val *
manifest(const char *kind, const char *text)
{
	struct val	*m = val_map(), *f;
	char		 ref[KEEP_REF_SIZE];

	val_set_str(m, "kind", kind);
	(void)keep_blob(cache, text, strlen(text), ref);
	f = val_set(m, strcmp(kind, "notebook") == 0 ? "notebook" : "log",
	    val_map());
	val_set_str(f, "ref", ref);
	val_set(m, "images", val_list());
	return m;
}

static void
image(struct val *m, const char *name, const char *bytes)
{
	struct val	*im = val_push(val_get(m, "images"), val_map());
	char		 ref[KEEP_REF_SIZE];

	(void)keep_blob(cache, bytes, strlen(bytes), ref);
	val_set_str(im, "name", name);
	val_set_str(im, "ref", ref);
}

/* A notebook of code cells, each given as its outputs' JSON. */
static char *
nb(const char *const *cells, size_t n)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	buf_puts(&b, "{\"cells\":[{\"cell_type\":\"markdown\",\"source\":"
	    "\"# t\",\"metadata\":{}}");
	for (i = 0; i < n; i++)
		buf_printf(&b, ",{\"cell_type\":\"code\",\"source\":\"x\","
		    "\"metadata\":{},\"outputs\":%s}", cells[i]);
	buf_puts(&b, "],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}");
	return buf_steal(&b);
}

/*
 * The changes as "N@BEFORE>INDEX:what,..." (the cell's ordinal, its
 * position in each notebook), or "(none)".
 */
static char *
changes(const char *ba, const char *bb, double rtol)
{
	struct val	*a = manifest("notebook", ba), *b;
	struct val	*r;
	struct buf	 s = { NULL, 0, 0 };
	size_t		 i;

	b = manifest("notebook", bb);
	r = outdiff(root, a, b, rtol);
	if (r == NULL)
		buf_puts(&s, "(null)");
	for (i = 0; r != NULL && i < r->kidsz; i++)
		buf_printf(&s, "%s%s@%s>%s:%s", i ? "," : "",
		    val_get_str(r->kids[i], "number") ?
		    val_get_str(r->kids[i], "number") : "-",
		    val_get_str(r->kids[i], "before") ?
		    val_get_str(r->kids[i], "before") : "-",
		    val_get_str(r->kids[i], "index") ?
		    val_get_str(r->kids[i], "index") : "-",
		    val_get_str(r->kids[i], "what"));
	if (r != NULL && r->kidsz == 0)
		buf_puts(&s, "(none)");
	val_free(a);
	val_free(b);
	val_free(r);
	return buf_steal(&s);
}

#define SAME(a, b, t) outdiff_text_same((a), strlen(a), (b), strlen(b), (t))

int
main(void)
{
	char		 tmpl[] = "/tmp/t_outdiff.XXXXXX", *s, *x, *y, *z;
	const char	*c1[3], *c2[3];
	struct val	*a, *b, *r;

	if ((root = mkdtemp(tmpl)) == NULL)
		return 2;
	cache = path_join(root, ".kbgen");

	/* Texts. */
	OK(SAME("AUC 0.910", "AUC 0.912", 0.01), "text: within tolerance");
	OK(!SAME("AUC 0.91", "AUC 0.81", 0.01), "text: beyond tolerance");
	OK(!SAME("AUC 0.91", "ROC 0.91", 0.01), "text: words differ");
	OK(SAME("loss 1.5e-3 at step 10", "loss 1.5001e-3 at step 10", 0.01),
	    "text: exponents");
	OK(!SAME("step 10", "step 10 11", 0.5), "text: one more number");
	OK(SAME("done at 2026-11-25T12:00:00Z.", "done at "
	    "2026-12-01 08:30:12.123+01:00.", 0), "text: timestamps masked");
	OK(SAME("<Figure at 0x7f3a2b>", "<Figure at 0x55aa01cd>", 0),
	    "text: addresses masked");
	OK(!SAME("conv1d", "conv2d", 0.9), "text: numbers in words exact");
	OK(SAME("-1.0", "-1.001", 0.01), "text: signs");
	OK(!SAME("-1.0", "1.0", 0.5), "text: sign flips");
	OK(SAME("0", "0", 0), "text: zero");
	OK(SAME("", "", 0), "text: empty");

	/* Notebooks. */
	c1[0] = "[{\"output_type\":\"stream\",\"name\":\"stdout\","
	    "\"text\":[\"AUC 0.910\\n\",\"at 2026-11-25T12:00:00Z\\n\"]}]";
	c1[1] = "[{\"output_type\":\"display_data\",\"metadata\":{},"
	    "\"data\":{\"image/png\":\"iVBORw0KGgo=\\n\","
	    "\"text/plain\":\"<Figure size 640x480>\"}}]";
	c1[2] = "[{\"output_type\":\"error\",\"ename\":\"KeyError\","
	    "\"evalue\":\"'x'\",\"traceback\":[]}]";
	x = nb(c1, 3);
	c2[0] = "[{\"output_type\":\"stream\",\"name\":\"stdout\","
	    "\"text\":\"AUC 0.911\\nat 2026-12-01T01:02:03Z\\n\"}]";
	c2[1] = "[{\"output_type\":\"display_data\",\"metadata\":{},"
	    "\"data\":{\"image/png\":\"iVBORw0K\\nGgo=\","
	    "\"text/plain\":\"<Figure size 640x480>\"}}]";
	c2[2] = c1[2];
	y = nb(c2, 3);
	EQS(s = changes(x, y, 0.01), "(none)",
	    "notebook: same within tolerance, lines and base64 breaks");
	free(s);
	free(y);
	c2[0] = "[{\"output_type\":\"stream\",\"name\":\"stdout\","
	    "\"text\":\"AUC 0.71\\nat 2026-12-01T01:02:03Z\\n\"}]";
	c2[1] = "[{\"output_type\":\"display_data\",\"metadata\":{},"
	    "\"data\":{\"image/png\":\"iVBORw0KGgp=\","
	    "\"text/plain\":\"<Figure size 640x480>\"}}]";
	c2[2] = "[{\"output_type\":\"error\",\"ename\":\"KeyError\","
	    "\"evalue\":\"'y'\",\"traceback\":[]}]";
	y = nb(c2, 3);
	EQS(s = changes(x, y, 0.01), "1@1>1:text,2@2>2:image,3@3>3:text",
	    "notebook: a number, an image, an error changed");
	free(s);
	free(y);
	y = nb(c1, 2);
	EQS(s = changes(x, y, 0.01), "3@3>-:removed", "notebook: cell removed");
	free(s);
	EQS(s = changes(y, x, 0.01), "3@->3:added", "notebook: cell added");
	free(s);
	free(y);
	/* A Markdown cell put before the code: the same code cell sits
	 * at another position in each notebook. */
	s = nb(c2, 3);
	z = xasprintf("{\"cells\":[{\"cell_type\":\"markdown\","
	    "\"source\":\"a\",\"metadata\":{}},%s", strchr(s, '[') + 1);
	free(s);
	EQS(s = changes(x, z, 0.01), "1@1>2:text,2@2>3:image,3@3>4:text",
	    "notebook: cells paired by ordinal, each side's position");
	free(s);
	free(z);
	EQS(s = changes(x, "not json", 0.01), "(null)",
	    "notebook: not a notebook");
	free(s);
	free(x);

	/* Scripts. */
	a = manifest("files", "AUC 0.91 in 12.5 s\n");
	b = manifest("files", "AUC 0.91 in 12.6 s\n");
	image(a, "roc.png", "png one");
	image(a, "old.png", "png old");
	image(b, "roc.png", "png two");
	image(b, "new.png", "png new");
	r = outdiff(root, a, b, 0.05);
	OK(r != NULL && r->kidsz == 3, "files: three changes");
	EQS(val_get_str(val_item(r, 0), "name"), "roc.png", "files: image");
	EQS(val_get_str(val_item(r, 0), "what"), "image", "files: by hash");
	EQS(val_get_str(val_item(r, 1), "what"), "added", "files: added");
	EQS(val_get_str(val_item(r, 2), "what"), "removed", "files: removed");
	val_free(r);
	r = outdiff(root, a, b, 0.001);
	EQS(val_get_str(val_item(r, 0), "name"), "output.log",
	    "files: log beyond tolerance");
	val_free(r);
	val_free(b);
	b = manifest("notebook", "{}");
	OK(outdiff(root, a, b, 0.05) == NULL, "kinds differ");
	val_free(a);
	val_free(b);

	free(cache);
	(void)rmtree(root);
	DONE();
}
