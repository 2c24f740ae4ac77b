/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The run store as the model sees it: every run record of a use case,
 * what kbgen sync recorded of its repository (provenance), and the
 * words for a record that the terminal, the reports and the site share
 * (reasons, warnings, what counts as a pass).  It reads the store
 * (store/index.c) and writes nothing; check/check.c keeps the records,
 * check/report.c, model/health.c and render/status.c show them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "model/model.h"
#include "model/private.h"

/* Reasons of results that did not pass (plan: "Result record"), and
 * the words the site shows for them. */
static const struct {
	const char	*reason;
	const char	*label;
} reasons[] = {
	{ "missing-module", "missing module" },
	{ "network", "network" },
	{ "data", "data" },
	{ "kernel", "kernel" },
	{ "syntax", "syntax" },
	{ "timeout", "timeout" },
	{ "memory", "out of memory" },
	{ "killed", "killed" },
	{ "environment", "environment" },
	{ "setup", "setup" },
	{ "no-code", "no code" },
	{ "exception", "exception" },
};

/*
 * See model/model.h.
 */
const char *
run_reason_label(const char *reason)
{
	size_t	 i;

	if (reason == NULL || *reason == '\0')
		return NULL;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reason, reasons[i].reason) == 0)
			return reasons[i].label;
	return reason;
}

/*
 * See model/model.h.
 */
int
run_passed(const struct val *rec)
{
	const char	*st = val_get_str(rec, "status");
	const char	*why = val_get_str(rec, "reason");

	/* An example with nothing to run proves nothing, whatever an
	 * older driver said of it. */
	return st != NULL && strcmp(st, "pass") == 0 &&
	    (why == NULL || strcmp(why, "no-code") != 0);
}

/*
 * See model/model.h.
 */
char *
run_warning(const struct val *w)
{
	const char	*m = val_get_str(w, "message");
	const char	*cmd = val_get_str(w, "command");
	const char	*ec = val_get_str(w, "exit_code");

	if (w != NULL && w->type == VAL_STR && w->str != NULL)
		return xstrdup(w->str);
	if (m != NULL && *m != '\0')
		return xstrdup(m);
	return xasprintf("a cell's command failed: %s%s%s",
	    cmd != NULL ? cmd : "?", ec != NULL ? " exit " : "",
	    ec != NULL ? ec : "");
}

/*
 * Every run record of a slug, parsed, oldest first: a new list (empty
 * when there is none) that the caller frees.
 */
struct val *
runs_load(struct idx *idx, const char *slug)
{
	char		**recs = NULL;
	size_t		 n = 0, i;
	struct val	*l = val_list(), *v;

	if (!idx_get_runs(idx, slug, &recs, &n))
		return l;
	for (i = 0; i < n; i++) {
		if ((v = json_parse(recs[i], strlen(recs[i]))) != NULL &&
		    v->type == VAL_MAP)
			val_push(l, v);
		else
			val_free(v);
		free(recs[i]);
	}
	free(recs);
	return l;
}

/*
 * Attach what kbgen sync recorded to each use case.  Never touches the
 * network: a use case never synced simply has no provenance.
 */
void
kb_attach_provenance(struct idx *idx, struct kb *kb)
{
	char		*rec;
	const char	*url;
	struct val	*p;
	size_t		 i, sz;

	for (i = 0; i < kb->ucsz; i++) {
		rec = NULL;
		if (idx_get_rec(idx, "provenance", kb->ucs[i]->e.slug, &rec,
		    &sz) == 1)
			kb->ucs[i]->prov = json_parse(rec, sz);
		free(rec);
		/* A record of the repository the entry named before. */
		p = kb->ucs[i]->prov;
		url = kb->ucs[i]->repository != NULL ?
		    val_get_str(kb->ucs[i]->repository, "url") : NULL;
		if (p != NULL && (url == NULL || val_get_str(p, "url") == NULL ||
		    strcmp(val_get_str(p, "url"), url) != 0)) {
			val_free(p);
			kb->ucs[i]->prov = NULL;
		}
	}
}
