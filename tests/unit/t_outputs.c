/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for model/outputs.c and check/keep.c's image types
 * (PNG, JPEG, WebP, SVG after a prologue; look-alikes refused): refs (valid, upper case, short,
 * long, other algorithms), blob paths, reading a blob (present, absent,
 * over the limit, a link, a folder), and a use case's kept manifests
 * from the store (last, passing, a missing blob, a blob that is not
 * JSON, no record, a read-only store) attached by
 * kb_attach_outputs.  Works in a temporary folder that it removes.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "model/model.h"
#include "check/check.h"
#include "check/private.h"
#include "harness.h"

/* Store text as a blob of kb root, as check/keep.c does; its ref. */
static char *
put_blob(const char *root, const char *text)
{
	char	 hex[SHA256_HEX_LEN + 1], *ref, *p, *dir;

	sha256_hex(text, strlen(text), hex);
	ref = xasprintf("sha256:%s", hex);
	p = outputs_path(root, ref);
	dir = xstrndup(p, strrchr(p, '/') - p);
	(void)mkdirs(dir);
	(void)file_write(p, text, strlen(text));
	free(dir);
	free(p);
	return ref;
}

int
main(void)
{
	char		 tmpl[] = "/tmp/t_outputs.XXXXXX", *root, *p, *data;
	char		*m1, *m2, *bad, *rec, *cache, *lnk;
	const char	*zero = "sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000";
	struct idx	*idx;
	struct val	*o;
	struct kb	 kb;
	struct usecase	 uc1, uc2, *ucs[2];
	size_t		 sz;

	if ((root = mkdtemp(tmpl)) == NULL)
		return 2;

	/* Image types by their first bytes (check/keep.c). */
#define TYPE(s) keep_image_type((s), sizeof(s) - 1)
	EQS(TYPE("\x89PNG\r\n\x1a\nIHDR"), "image/png", "type: PNG");
	EQS(TYPE("\xff\xd8\xff\xe0JFIF"), "image/jpeg", "type: JPEG");
	EQS(TYPE("RIFF\x10\0\0\0WEBPVP8 "), "image/webp", "type: WebP");
	EQS(TYPE("<svg xmlns=\"x\"/>"), "image/svg+xml", "type: SVG");
	EQS(TYPE("\xef\xbb\xbf <?xml version=\"1.0\"?>\n<!-- c > d -->\n"
	    "<!DOCTYPE svg>\n<svg>"), "image/svg+xml",
	    "type: SVG after a declaration, a comment, a doctype");
	OK(TYPE("<svgx>") == NULL, "type: not <svg");
	OK(TYPE("<html><svg>") == NULL, "type: HTML holding an SVG");
	OK(TYPE("<!-- <svg> never closed") == NULL, "type: open comment");
	OK(TYPE("\x89PNG") == NULL, "type: half a PNG signature");
	OK(TYPE("RIFF\x10\0\0\0WAVE") == NULL, "type: RIFF, not WebP");
	OK(TYPE("GIF89a") == NULL, "type: GIF is not kept");
	OK(keep_image_type("", 0) == NULL, "type: empty");

	/* Refs. */
	OK(outputs_ref_valid(zero), "ref: 64 hex digits");
	OK(!outputs_ref_valid("sha256:00"), "ref: too short");
	OK(!outputs_ref_valid("sha256:"
	    "00000000000000000000000000000000000000000000000000000000000000000"),
	    "ref: too long");
	OK(!outputs_ref_valid("sha256:"
	    "000000000000000000000000000000000000000000000000000000000000000A"),
	    "ref: upper case");
	OK(!outputs_ref_valid("sha1:"
	    "0000000000000000000000000000000000000000000000000000000000000000"),
	    "ref: another algorithm");
	OK(!outputs_ref_valid("sha256:../../../../../../etc/passwd0000000000"
	    "00000000000000000000000"), "ref: a path");
	OK(!outputs_ref_valid(NULL), "ref: NULL");
	p = outputs_path("/kb", zero);
	EQS(p, "/kb/.kbgen/outputs/sha256/00/"
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "path of a ref");
	free(p);
	OK(outputs_path("/kb", "sha256:zz") == NULL, "path of a bad ref");

	/* Reading. */
	m1 = put_blob(root, "{\"status\":\"pass\",\"kind\":\"notebook\"}");
	OK(outputs_read(root, m1, 1024, &data, &sz) == 1 && sz == 35 &&
	    strcmp(data, "{\"status\":\"pass\",\"kind\":\"notebook\"}") == 0,
	    "read a blob");
	free(data);
	OK(outputs_read(root, m1, 10, &data, &sz) == 0 && data == NULL,
	    "a blob over the limit is not read");
	OK(outputs_read(root, zero, 1024, &data, &sz) == 0,
	    "an absent blob");
	OK(outputs_read(root, "sha256:x", 1024, &data, &sz) == 0,
	    "a bad ref");
	/* A link in the store (no one of ours makes one) is not followed. */
	p = xasprintf("%s/.kbgen/outputs/sha256/11", root);
	(void)mkdirs(p);
	free(p);
	lnk = xasprintf("%s/.kbgen/outputs/sha256/11/"
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    root);
	OK(symlink("/etc/passwd", lnk) == 0, "make a link");
	OK(outputs_read(root, "sha256:"
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    1 << 20, &data, &sz) == 0, "a link is not followed");
	free(lnk);
	p = xasprintf("%s/.kbgen/outputs/sha256/22/"
	    "2222222222222222222222222222222222222222222222222222222222222222",
	    root);
	(void)mkdirs(p);
	OK(outputs_read(root, "sha256:"
	    "2222222222222222222222222222222222222222222222222222222222222222",
	    1 << 20, &data, &sz) == 0, "a folder is not a blob");
	free(p);

	/* The store's records. */
	cache = path_join(root, ".kbgen");
	idx = idx_open(cache);
	OK(idx != NULL, "open the store");
	m2 = put_blob(root, "{\"status\":\"fail\",\"kind\":\"files\","
	    "\"images\":[]}");
	bad = put_blob(root, "not json");
	rec = xasprintf("{\"last\":\"%s\",\"passing\":\"%s\","
	    "\"previous_passing\":\"%s\"}", m2, m1, bad);
	OK(idx_put_rec(idx, "run_outputs", "one", rec, strlen(rec)),
	    "put a record");
	free(rec);
	rec = xasprintf("{\"last\":\"%s\",\"passing\":null}", zero);
	OK(idx_put_rec(idx, "run_outputs", "gone", rec, strlen(rec)),
	    "put a record of a missing blob");
	free(rec);

	o = outputs_load(idx, root, "one");
	EQS(val_get_str(val_get(o, "last"), "status"), "fail", "last");
	EQS(val_get_str(val_get(o, "last"), "ref"), m2, "last's ref");
	EQS(val_get_str(val_get(o, "passing"), "status"), "pass", "passing");
	EQS(val_get_str(val_get(o, "passing"), "ref"), m1, "passing's ref");
	OK(val_get(o, "previous_passing") != NULL &&
	    val_get(o, "previous_passing")->type == VAL_NULL,
	    "a blob that is not JSON is null");
	val_free(o);
	o = outputs_load(idx, root, "gone");
	OK(o != NULL && val_get(o, "last")->type == VAL_NULL &&
	    val_get(o, "passing")->type == VAL_NULL, "a missing blob is null");
	val_free(o);
	OK(outputs_load(idx, root, "none") == NULL, "no record: NULL");

	/* Attached to the use cases. */
	memset(&kb, 0, sizeof(kb));
	memset(&uc1, 0, sizeof(uc1));
	memset(&uc2, 0, sizeof(uc2));
	uc1.e.slug = "one";
	uc2.e.slug = "two";
	ucs[0] = &uc1;
	ucs[1] = &uc2;
	kb.root = root;
	kb.ucs = ucs;
	kb.ucsz = 2;
	kb_attach_outputs(idx, &kb);
	EQS(val_get_str(val_get(uc1.outputs, "passing"), "ref"), m1,
	    "kb_attach_outputs: passing");
	EQS(val_get_str(val_get(uc1.outputs, "last"), "kind"), "files",
	    "kb_attach_outputs: last");
	OK(uc2.outputs == NULL, "kb_attach_outputs: none kept");
	val_free(uc1.outputs);
	idx_free(idx);

	/* A store opened for reading only. */
	{
		char	*old = path_join(root, "old");

		idx = idx_open(old);
		idx_free(idx);
		idx = idx_open_ro(old);
		OK(idx != NULL && outputs_load(idx, root, "one") == NULL,
		    "read-only store");
		idx_free(idx);
		free(old);
	}

	free(m1);
	free(m2);
	free(bad);
	free(cache);
	(void)rmtree(root);
	DONE();
}
