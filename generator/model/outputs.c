/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The kept outputs of runs as the model sees them.  After each run
 * kbgen check (check/keep.c) copies what the example produced (the
 * executed notebook, or the captured output and the image files it
 * wrote under $KBGEN_OUTPUT) into a content-addressed store,
 * ROOT/.kbgen/outputs/sha256/AB/HEX, writes a manifest blob that names
 * them, and records per use case which manifests are kept (the store's
 * run_outputs table: {"last", "passing", "previous_passing"}).  This
 * file finds blobs by reference, reads them with a size limit, and
 * attaches the manifests to the use cases for the build; it writes
 * nothing and never looks at the repository's own notebook.  Blobs
 * are the example's untrusted bytes: whoever shows them escapes them.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "model/model.h"

/* A manifest is kbgen's own small JSON; anything bigger is not one. */
#define MANIFEST_MAX	(1024 * 1024)

/*
 * See model/model.h.
 */
int
outputs_ref_valid(const char *ref)
{
	size_t	 i;

	if (ref == NULL || strncmp(ref, "sha256:", 7) != 0)
		return 0;
	ref += 7;
	for (i = 0; i < 64; i++)
		if (!((ref[i] >= '0' && ref[i] <= '9') ||
		    (ref[i] >= 'a' && ref[i] <= 'f')))
			return 0;
	return ref[64] == '\0';
}

/*
 * See model/model.h.
 */
char *
outputs_path(const char *kbroot, const char *ref)
{
	if (kbroot == NULL || !outputs_ref_valid(ref))
		return NULL;
	return xasprintf("%s/.kbgen/outputs/sha256/%.2s/%s", kbroot,
	    ref + 7, ref + 7);
}

/*
 * See model/model.h.  The blob is opened without following a link and
 * must be a regular file of at most max bytes.
 */
int
outputs_read(const char *kbroot, const char *ref, size_t max, char **data,
    size_t *sz)
{
	char	*p;
	int	 ok;

	*data = NULL;
	*sz = 0;
	if ((p = outputs_path(kbroot, ref)) == NULL)
		return 0;
	ok = file_read_cached(p, max, data, sz);
	free(p);
	return ok;
}

/*
 * The manifest under ref, parsed, with its own "ref" added; NULL when
 * ref is not one or the blob is missing or not a manifest.
 */
static struct val *
manifest_load(const char *kbroot, const char *ref)
{
	struct val	*m;
	char		*text = NULL;
	size_t		 sz;

	if (!outputs_ref_valid(ref) ||
	    !outputs_read(kbroot, ref, MANIFEST_MAX, &text, &sz))
		return NULL;
	m = json_parse(text, sz);
	free(text);
	if (m == NULL || m->type != VAL_MAP) {
		val_free(m);
		return NULL;
	}
	val_set_str(m, "ref", ref);
	return m;
}

/*
 * See model/model.h.
 */
struct val *
outputs_load(struct idx *idx, const char *kbroot, const char *slug)
{
	static const char *const keys[] = { "last", "passing",
	    "previous_passing" };
	struct val	*rec = NULL, *res = NULL, *m;
	char		*text = NULL;
	size_t		 sz, i;

	if (idx_get_rec(idx, "run_outputs", slug, &text, &sz) != 1)
		return NULL;
	rec = json_parse(text, sz);
	free(text);
	if (rec == NULL || rec->type != VAL_MAP)
		goto out;
	res = val_map();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		m = manifest_load(kbroot, val_get_str(rec, keys[i]));
		val_set(res, keys[i], m != NULL ? m : val_new(VAL_NULL));
	}
out:
	val_free(rec);
	return res;
}

/*
 * Set outs's "changes": what changed from the previous passing run's
 * outputs to the last passing run's (outdiff, within site.yaml's
 * outputs.rtol), a list when both are kept and differ (empty when they
 * are the same once compared loosely), null otherwise.
 */
static void
outputs_changes(const struct kb *kb, struct val *outs)
{
	const struct val *prev = val_get(outs, "previous_passing");
	const struct val *pass = val_get(outs, "passing");
	const char	*pr = val_get_str(prev, "ref");
	const char	*ps = val_get_str(pass, "ref");
	struct val	*c = NULL;

	if (outs == NULL)
		return;
	if (pr != NULL && ps != NULL && strcmp(pr, ps) != 0)
		c = outdiff(kb->root, prev, pass, kb->site.out_rtol);
	val_set(outs, "changes", c != NULL ? c : val_new(VAL_NULL));
}

/*
 * See model/model.h.
 */
void
kb_attach_outputs(struct idx *idx, struct kb *kb)
{
	size_t	 i;

	for (i = 0; i < kb->ucsz; i++) {
		val_free(kb->ucs[i]->outputs);
		kb->ucs[i]->outputs = outputs_load(idx, kb->root,
		    kb->ucs[i]->e.slug);
		outputs_changes(kb, kb->ucs[i]->outputs);
	}
}
