/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * A test tool, not a test: keep a use case's outputs as kbgen check
 * would (runners/README.md, "Outputs kept for the site"), so that
 * tests of the executed notebook on its page need no runner.  Usage:
 *
 *	putnb KBDIR SLUG WHICH=MANIFEST.json ...
 *
 * WHICH is last, passing or previous_passing; MANIFEST.json a manifest
 * in which any map with "file": PATH ("notebook", "log", the items of
 * "images") has that file stored as a blob and "file" replaced by its
 * "ref" and "size".  The manifest is
 * stored as a blob too and KBDIR/.kbgen's run_outputs record of SLUG
 * names them; checked_at changes, as after a check, so that the next
 * build renders again.  Prints each manifest's ref; exits 0 when all was
 * stored, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "store/store.h"

/* Store bytes as a blob; *ref gets "sha256:HEX" (new). */
static int
blob(const char *kb, const char *data, size_t sz, char **ref)
{
	char	 hex[SHA256_HEX_LEN + 1];
	char	*p, *d;
	int	 ok;

	sha256_hex(data, sz, hex);
	*ref = xasprintf("sha256:%s", hex);
	p = outputs_path(kb, *ref);
	d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	ok = mkdirs(d) && file_write(p, data, sz);
	free(d);
	free(p);
	return ok;
}

/* Every map below v with "file": stored, "file" become "ref", "size". */
static int
files(const char *kb, struct val *v)
{
	const char	*f;
	char		*text = NULL, *ref = NULL;
	size_t		 sz, i;
	int		 ok;

	if (v == NULL || (v->type != VAL_MAP && v->type != VAL_LIST))
		return 1;
	for (i = 0; i < v->kidsz; i++)
		if (!files(kb, v->kids[i]))
			return 0;
	if (v->type != VAL_MAP || (f = val_get_str(v, "file")) == NULL)
		return 1;
	ok = file_read(f, &text, &sz) && blob(kb, text, sz, &ref);
	for (i = 0; ok && i < v->kidsz; i++) {
		struct val *k = v->kids[i];

		if (strcmp(k->key, "file") != 0)
			continue;
		free(k->key);
		k->key = xstrdup("ref");
		k->khash = val_khash("ref");
		free(k->str);
		k->str = xstrdup(ref);
		k->strsz = strlen(ref);
		break;
	}
	if (ok)
		val_set(v, "size", val_int((long long)sz));
	free(text);
	free(ref);
	return ok;
}

int
main(int argc, char *argv[])
{
	struct idx	*idx = NULL;
	struct val	*rec = val_map(), *m = NULL;
	struct buf	 b = { NULL, 0, 0 };
	char		*text = NULL, *ref = NULL, *dot;
	struct timespec	 ts;
	size_t		 sz;
	int		 i, rc = 1;

	if (argc < 4) {
		fputs("usage: putnb KBDIR SLUG WHICH=MANIFEST.json ...\n",
		    stderr);
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if ((dot = strchr(argv[i], '=')) == NULL)
			goto out;
		*dot = '\0';
		if (!file_read(dot + 1, &text, &sz) ||
		    (m = json_parse(text, sz)) == NULL) {
			fprintf(stderr, "putnb: %s: not JSON\n", dot + 1);
			goto out;
		}
		free(text);
		text = NULL;
		if (!files(argv[1], m))
			goto out;
		buf_reset(&b);
		val_json(&b, m, 0);
		if (!blob(argv[1], b.data, b.sz, &ref))
			goto out;
		printf("%s %s\n", argv[i], ref);
		val_set_str(rec, argv[i], ref);
		free(ref);
		ref = NULL;
		val_free(m);
		m = NULL;
	}
	text = path_join(argv[1], ".kbgen");
	if ((idx = idx_open(text)) == NULL)
		goto out;
	buf_reset(&b);
	val_json(&b, rec, 0);
	if (!idx_put_rec(idx, "run_outputs", argv[2], b.data, b.sz))
		goto out;
	/* As a check does: the build's fingerprint changes. */
	clock_gettime(CLOCK_REALTIME, &ts);
	buf_printf(&b, " %lld.%09ld", (long long)ts.tv_sec, ts.tv_nsec);
	if (!idx_put_meta(idx, "checked_at", b.data))
		goto out;
	rc = 0;
out:
	idx_free(idx);
	val_free(rec);
	val_free(m);
	buf_free(&b);
	free(text);
	free(ref);
	return rc;
}
