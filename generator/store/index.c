/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The index: an LMDB environment holding the named databases listed in
 * DESIGN.md ("LMDB layout").  This file is the only LMDB user; it owns
 * the key layout ("kind/slug" entries, term-to-slug duplicates in the
 * by_* databases, output paths to 64-bit hashes) and the one write
 * transaction the build holds at a time.  Reads use that transaction
 * when one is open, otherwise a short read-only transaction of their
 * own; the environment is opened with MDB_NOTLS so that read
 * transactions may be used from any thread.  Every value handed back
 * is copied out before the transaction ends.  It does not know what a
 * record means: records are opaque bytes serialized elsewhere.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "extern.h"
#include "store/store.h"

#define IDX_SCHEMA	"1"			/* format written by us */
#define IDX_MAPSIZE	((size_t)1 << 30)	/* bytes; sparse file */
#define IDX_MAXDBS	24

struct idx {
	MDB_env		*env;		/* owned */
	MDB_txn		*txn;		/* current write txn, may be NULL */
	char		*dir;		/* owned, for diagnostics */
	MDB_dbi		 meta;
	MDB_dbi		 entries;
	MDB_dbi		 by_technology;	/* dupsort */
	MDB_dbi		 by_field;	/* dupsort */
	MDB_dbi		 by_tool;	/* dupsort */
	MDB_dbi		 repos;
	MDB_dbi		 runs;
	MDB_dbi		 outputs;
	MDB_dbi		 links;
	MDB_dbi		 provenance;	/* use-case slug -> JSON record */
	MDB_dbi		 history;	/* content file -> JSON dates */
	MDB_dbi		 run_outputs;	/* use-case slug -> JSON refs of
					   its kept outputs */
	MDB_dbi		 jobs;	/* render job -> its inputs' key and
				   outputs (render/families.c) */
	MDB_dbi		 files;	/* file path -> its identity and
					   the hash of its bytes */
	MDB_dbi		 fm;	/* content file -> its front matter,
					   parsed */
	MDB_dbi		 bodies;	/* body hash -> rendered HTML and
					   its links (model/content.c) */
	int		 no_run_outputs;	/* read-only, made by a kbgen
						   that had no such table */
};

/* Report a library failure once, with the index folder. */
static void
mdberr(const struct idx *i, const char *what, int rc)
{
	diag_sys(i->dir, "%s: %s", what, mdb_strerror(rc));
}

static MDB_val
sval(const char *s)
{
	MDB_val	 v;

	v.mv_size = strlen(s);
	v.mv_data = (void *)s;
	return v;
}

/*
 * The transaction for a read: the open write transaction if any, else
 * a new read-only one that the caller ends with endread().
 */
static int
getread(struct idx *i, MDB_txn **txn)
{
	int	 rc;

	if (i->txn != NULL) {
		*txn = i->txn;
		return 1;
	}
	if ((rc = mdb_txn_begin(i->env, NULL, MDB_RDONLY, txn)) != 0) {
		*txn = NULL;
		mdberr(i, "mdb_txn_begin", rc);
		return 0;
	}
	return 1;
}

static void
endread(struct idx *i, MDB_txn *txn)
{
	if (txn != NULL && txn != i->txn)
		mdb_txn_abort(txn);
}

/*
 * The transaction for a write: the open write transaction if any, else
 * a new one that endwrite() commits (or aborts when ok is 0).
 */
static int
getwrite(struct idx *i, MDB_txn **txn)
{
	int	 rc;

	if (i->txn != NULL) {
		*txn = i->txn;
		return 1;
	}
	if ((rc = mdb_txn_begin(i->env, NULL, 0, txn)) != 0) {
		*txn = NULL;
		mdberr(i, "mdb_txn_begin", rc);
		return 0;
	}
	return 1;
}

static int
endwrite(struct idx *i, MDB_txn *txn, int ok)
{
	int	 rc;

	if (txn == NULL || txn == i->txn)
		return ok;
	if (!ok) {
		mdb_txn_abort(txn);
		return 0;
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		mdberr(i, "mdb_txn_commit", rc);
		return 0;
	}
	return 1;
}

/* The by_* database of a dimension, or NULL (reported) if unknown. */
static const MDB_dbi *
dimdbi(const struct idx *i, const char *dim)
{
	if (strcmp(dim, "technology") == 0)
		return &i->by_technology;
	if (strcmp(dim, "field") == 0)
		return &i->by_field;
	if (strcmp(dim, "tool") == 0)
		return &i->by_tool;
	diag_err(NULL, 0, 0, "unknown index dimension \"%s\"", dim);
	return NULL;
}

/* Append a copy of v (not NUL-terminated) to the string array. */
static void
strpush(char ***a, size_t *asz, size_t *acap, const void *v, size_t vsz)
{
	if (*asz == *acap) {
		*acap = *acap == 0 ? 16 : *acap * 2;
		*a = xreallocarray(*a, *acap, sizeof(char *));
	}
	(*a)[(*asz)++] = xstrndup(v, vsz);
}

static void
strfree(char **a, size_t asz)
{
	size_t	 j;

	for (j = 0; j < asz; j++)
		free(a[j]);
	free(a);
}

/*
 * Open every named database and check or write the schema, all in one
 * write transaction.
 */
static int
opendbs(struct idx *i, int rdonly)
{
	struct {
		const char	*name;
		MDB_dbi		*dbi;
		unsigned int	 flags;
		int		 optional;	/* may be missing when rdonly */
	} dbs[] = {
		{ "meta", &i->meta, 0, 0 },
		{ "entries", &i->entries, 0, 0 },
		{ "by_technology", &i->by_technology, MDB_DUPSORT, 0 },
		{ "by_field", &i->by_field, MDB_DUPSORT, 0 },
		{ "by_tool", &i->by_tool, MDB_DUPSORT, 0 },
		{ "repos", &i->repos, 0, 0 },
		{ "runs", &i->runs, 0, 0 },
		{ "outputs", &i->outputs, 0, 0 },
		{ "links", &i->links, 0, 0 },
		{ "provenance", &i->provenance, 0, 0 },
		{ "history", &i->history, 0, 0 },
		{ "run_outputs", &i->run_outputs, 0, 1 },
		{ "jobs", &i->jobs, 0, 1 },
		{ "bodies", &i->bodies, 0, 1 },
		{ "files", &i->files, 0, 1 },
		{ "fm", &i->fm, 0, 1 },
	};
	MDB_txn	*txn = NULL;
	MDB_val	 k, v;
	size_t	 j;
	char	*have = NULL;
	int	 rc, ok = 0;

	if ((rc = mdb_txn_begin(i->env, NULL, rdonly ? MDB_RDONLY : 0,
	    &txn)) != 0) {
		txn = NULL;
		mdberr(i, "mdb_txn_begin", rc);
		goto out;
	}
	for (j = 0; j < sizeof(dbs) / sizeof(dbs[0]); j++) {
		rc = mdb_dbi_open(txn, dbs[j].name,
		    (rdonly ? 0 : MDB_CREATE) | dbs[j].flags, dbs[j].dbi);
		if (rc == MDB_NOTFOUND && rdonly && dbs[j].optional) {
			/* An older store: as if the table were empty. */
			if (dbs[j].dbi == &i->run_outputs)
				i->no_run_outputs = 1;
			continue;
		}
		if (rc == MDB_NOTFOUND && rdonly) {
			diag_err(NULL, 0, 0, "the index in %s is incomplete "
			    "(no table %s); run kbgen build", i->dir,
			    dbs[j].name);
			goto out;
		}
		if (rc != 0) {
			diag_sys(i->dir, "mdb_dbi_open %s: %s",
			    dbs[j].name, mdb_strerror(rc));
			goto out;
		}
	}

	k = sval("schema");
	rc = mdb_get(txn, i->meta, &k, &v);
	if (rc == MDB_NOTFOUND && rdonly) {
		diag_err(NULL, 0, 0, "the index in %s has no format; run "
		    "kbgen build", i->dir);
		goto out;
	} else if (rc == MDB_NOTFOUND) {
		v = sval(IDX_SCHEMA);
		if ((rc = mdb_put(txn, i->meta, &k, &v, 0)) != 0) {
			mdberr(i, "mdb_put meta", rc);
			goto out;
		}
	} else if (rc != 0) {
		mdberr(i, "mdb_get meta", rc);
		goto out;
	} else if (v.mv_size != strlen(IDX_SCHEMA) ||
	    memcmp(v.mv_data, IDX_SCHEMA, v.mv_size) != 0) {
		have = xstrndup(v.mv_data, v.mv_size);
		diag_err(NULL, 0, 0, "index format %s is not supported; "
		    "remove %s", have, i->dir);
		goto out;
	}

	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0) {
		mdberr(i, "mdb_txn_commit", rc);
		goto out;
	}
	ok = 1;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	free(have);
	return ok;
}

/*
 * Open the index in folder dir, creating the folder, the environment
 * and its databases as needed unless rdonly, and check its format.
 */
static struct idx *
open_env(const char *dir, int rdonly)
{
	struct idx	*i = NULL;
	unsigned int	 flags = MDB_NOTLS;
	int		 rc;

	if (!rdonly && !mkdirs(dir))
		return NULL;
	i = xcalloc(1, sizeof(*i));
	i->dir = xstrdup(dir);
	if (rdonly)
		flags |= MDB_RDONLY;
again:
	if ((rc = mdb_env_create(&i->env)) != 0) {
		i->env = NULL;
		mdberr(i, "mdb_env_create", rc);
		goto out;
	}
	if ((rc = mdb_env_set_maxdbs(i->env, IDX_MAXDBS)) != 0) {
		mdberr(i, "mdb_env_set_maxdbs", rc);
		goto out;
	}
	if ((rc = mdb_env_set_mapsize(i->env, IDX_MAPSIZE)) != 0) {
		mdberr(i, "mdb_env_set_mapsize", rc);
		goto out;
	}
	if ((rc = mdb_env_open(i->env, dir, flags, 0644)) != 0) {
		/*
		 * A read-only reader still opens lock.mdb for writing
		 * (LMDB gives up only on a read-only file system): on a
		 * folder it may not write, read without the lock, as
		 * nothing of ours writes there meanwhile.
		 */
		if (rdonly && rc == EACCES && !(flags & MDB_NOLOCK)) {
			mdb_env_close(i->env);
			i->env = NULL;
			flags |= MDB_NOLOCK;
			goto again;
		}
		mdberr(i, "mdb_env_open", rc);
		goto out;
	}
	if (!opendbs(i, rdonly))
		goto out;
	return i;
out:
	idx_free(i);
	return NULL;
}

/*
 * Open the index in folder dir, creating the folder, the environment
 * and its databases as needed, and check its format.  Returns a handle
 * to free with idx_free, or NULL on failure (reported).  dir is copied.
 */
struct idx *
idx_open(const char *dir)
{
	return open_env(dir, 0);
}

/*
 * As idx_open, for reading only: nothing is created or written, so
 * that a read-only folder (or file system) will do.  Writes through
 * the handle fail (reported).
 */
struct idx *
idx_open_ro(const char *dir)
{
	return open_env(dir, 1);
}

/*
 * See store.h.
 */
const char *
idx_dir(const struct idx *i)
{
	return i->dir;
}

/*
 * Close the index, aborting any open write transaction.  Accepts NULL.
 */
void
idx_free(struct idx *i)
{
	if (i == NULL)
		return;
	idx_abort(i);
	if (i->env != NULL)
		mdb_env_close(i->env);
	free(i->dir);
	free(i);
}

/*
 * Start the write transaction; until idx_commit or idx_abort every
 * read and write goes through it.  Only one may be open, and only the
 * thread that began it may use the index meanwhile.  Returns 0 on
 * failure (reported).
 */
int
idx_begin(struct idx *i)
{
	int	 rc;

	assert(i->txn == NULL);
	if ((rc = mdb_txn_begin(i->env, NULL, 0, &i->txn)) != 0) {
		i->txn = NULL;
		mdberr(i, "mdb_txn_begin", rc);
		return 0;
	}
	return 1;
}

/*
 * Commit the write transaction.  It is ended either way; returns 0 on
 * failure (reported), in which case nothing of it was written.
 */
int
idx_commit(struct idx *i)
{
	int	 rc;

	assert(i->txn != NULL);
	rc = mdb_txn_commit(i->txn);
	i->txn = NULL;
	if (rc != 0) {
		mdberr(i, "mdb_txn_commit", rc);
		return 0;
	}
	return 1;
}

/*
 * Drop the write transaction and its changes, if one is open.
 */
void
idx_abort(struct idx *i)
{
	if (i->txn == NULL)
		return;
	mdb_txn_abort(i->txn);
	i->txn = NULL;
}

/*
 * Empty the entries and every by_* database (they are rebuilt from
 * content on each build).  Meant for inside idx_begin; outside it runs
 * in a transaction of its own.  Returns 0 on failure (reported).
 */
int
idx_clear_entries(struct idx *i)
{
	const MDB_dbi	*dbs[] = {
		&i->entries, &i->by_technology, &i->by_field, &i->by_tool,
	};
	MDB_txn		*txn = NULL;
	size_t		 j;
	int		 rc, ok = 0;

	if (!getwrite(i, &txn))
		return 0;
	for (j = 0; j < sizeof(dbs) / sizeof(dbs[0]); j++)
		if ((rc = mdb_drop(txn, *dbs[j], 0)) != 0) {
			mdberr(i, "mdb_drop", rc);
			goto out;
		}
	ok = 1;
out:
	return endwrite(i, txn, ok);
}

/*
 * Store val under key in dbi, in the open write transaction or one of
 * its own.  what names the record in the error message.  Returns 1, or
 * 0 on failure (reported).
 */
static int
put(struct idx *i, MDB_dbi dbi, const char *what, const void *key,
    size_t keysz, const void *val, size_t valsz)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k, d;
	int	 rc, ok = 0;

	if (!getwrite(i, &txn))
		return 0;
	k.mv_data = (void *)key;
	k.mv_size = keysz;
	d.mv_data = (void *)val;
	d.mv_size = valsz;
	if ((rc = mdb_put(txn, dbi, &k, &d, 0)) != 0)
		diag_sys(i->dir, "mdb_put %s: %s", what, mdb_strerror(rc));
	else
		ok = 1;
	return endwrite(i, txn, ok);
}

/*
 * Store rec (recsz bytes, copied) under "kind/slug" in entries,
 * replacing any earlier record.  Returns 0 on failure (reported).
 */
int
idx_put_entry(struct idx *i, const char *kind, const char *slug,
    const char *rec, size_t recsz)
{
	char	*key, *what;
	int	 ok;

	key = xasprintf("%s/%s", kind, slug);
	what = xasprintf("entries %s", key);
	ok = put(i, i->entries, what, key, strlen(key), rec, recsz);
	free(what);
	free(key);
	return ok;
}

/*
 * Record that slug carries term in dimension dim ("technology",
 * "field" or "tool"); recording a pair twice keeps one.  An unknown
 * dimension is an error.  Returns 0 on failure (reported).
 */
int
idx_put_term(struct idx *i, const char *dim, const char *term,
    const char *slug)
{
	const MDB_dbi	*dbi;
	MDB_txn		*txn = NULL;
	MDB_val		 k, v;
	int		 rc, ok = 0;

	if ((dbi = dimdbi(i, dim)) == NULL)
		return 0;
	if (!getwrite(i, &txn))
		return 0;
	k = sval(term);
	v = sval(slug);
	/* An existing pair is not an error: ask LMDB to say so, and skip. */
	rc = mdb_put(txn, *dbi, &k, &v, MDB_NODUPDATA);
	if (rc != 0 && rc != MDB_KEYEXIST) {
		diag_sys(i->dir, "mdb_put by_%s %s: %s", dim, term,
		    mdb_strerror(rc));
		goto out;
	}
	ok = 1;
out:
	return endwrite(i, txn, ok);
}

/*
 * Every slug of kind usecase in entries, in key order (keys are
 * "usecase/slug", so they sit together and sorted).
 */
static int
allusecases(struct idx *i, MDB_txn *txn, char ***out, size_t *outsz)
{
	static const char	 pfx[] = "usecase/";
	const size_t		 pfxsz = sizeof(pfx) - 1;
	MDB_cursor		*cur = NULL;
	MDB_val			 k, v;
	char			**a = NULL;
	size_t			 asz = 0, acap = 0;
	int			 rc, ok = 0;

	if ((rc = mdb_cursor_open(txn, i->entries, &cur)) != 0) {
		cur = NULL;
		mdberr(i, "mdb_cursor_open", rc);
		goto out;
	}
	k = sval(pfx);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < pfxsz || memcmp(k.mv_data, pfx, pfxsz) != 0)
			break;
		strpush(&a, &asz, &acap,
		    (const char *)k.mv_data + pfxsz, k.mv_size - pfxsz);
	}
	if (rc != 0 && rc != MDB_NOTFOUND) {
		mdberr(i, "mdb_cursor_get entries", rc);
		goto out;
	}
	*out = a;
	*outsz = asz;
	a = NULL;
	asz = 0;
	ok = 1;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	strfree(a, asz);
	return ok;
}

/*
 * The intersection of the n (dims[j], terms[j]) slug lists, in sorted
 * order: walk the shortest list (duplicates are kept sorted by LMDB)
 * and probe every other one for each of its slugs with MDB_GET_BOTH.
 */
static int
intersect(struct idx *i, MDB_txn *txn, const char **dims,
    const char **terms, size_t n, char ***out, size_t *outsz)
{
	MDB_cursor	**cur;
	const MDB_dbi	 *dbi;
	MDB_val		  k, v, pk, pv;
	size_t		  cnt, best = 0, j, shortest = 0;
	size_t		  asz = 0, acap = 0;
	char		**a = NULL;
	int		  rc, ok = 0, hit;

	cur = xcalloc(n, sizeof(*cur));
	for (j = 0; j < n; j++) {
		if ((dbi = dimdbi(i, dims[j])) == NULL)
			goto out;
		if ((rc = mdb_cursor_open(txn, *dbi, &cur[j])) != 0) {
			cur[j] = NULL;
			mdberr(i, "mdb_cursor_open", rc);
			goto out;
		}
	}
	for (j = 0; j < n; j++) {
		k = sval(terms[j]);
		rc = mdb_cursor_get(cur[j], &k, &v, MDB_SET_KEY);
		if (rc == MDB_NOTFOUND)
			goto empty;
		if (rc != 0) {
			diag_sys(i->dir, "mdb_cursor_get by_%s %s: %s",
			    dims[j], terms[j], mdb_strerror(rc));
			goto out;
		}
		if ((rc = mdb_cursor_count(cur[j], &cnt)) != 0) {
			mdberr(i, "mdb_cursor_count", rc);
			goto out;
		}
		if (j == 0 || cnt < best) {
			best = cnt;
			shortest = j;
		}
	}

	/* The shortest cursor still sits on its term. */
	for (rc = mdb_cursor_get(cur[shortest], &k, &v, MDB_FIRST_DUP);
	    rc == 0;
	    rc = mdb_cursor_get(cur[shortest], &k, &v, MDB_NEXT_DUP)) {
		hit = 1;
		for (j = 0; hit && j < n; j++) {
			if (j == shortest)
				continue;
			pk = sval(terms[j]);
			pv = v;
			rc = mdb_cursor_get(cur[j], &pk, &pv, MDB_GET_BOTH);
			if (rc == MDB_NOTFOUND)
				hit = 0;
			else if (rc != 0) {
				diag_sys(i->dir, "mdb_cursor_get by_%s %s: "
				    "%s", dims[j], terms[j],
				    mdb_strerror(rc));
				goto out;
			}
		}
		if (hit)
			strpush(&a, &asz, &acap, v.mv_data, v.mv_size);
	}
	if (rc != MDB_NOTFOUND) {
		diag_sys(i->dir, "mdb_cursor_get by_%s %s: %s",
		    dims[shortest], terms[shortest], mdb_strerror(rc));
		goto out;
	}
empty:
	*out = a;
	*outsz = asz;
	a = NULL;
	asz = 0;
	ok = 1;
out:
	for (j = 0; j < n; j++)
		if (cur[j] != NULL)
			mdb_cursor_close(cur[j]);
	free(cur);
	strfree(a, asz);
	return ok;
}

/*
 * The slugs carrying every (dims[j], terms[j]) pair, sorted; with n 0,
 * every use-case slug in entries.  On success *out is a new array of
 * new strings (the caller frees each and the array; NULL when empty)
 * and *outsz its length.  Returns 0 on failure (reported), leaving
 * *out and *outsz untouched.
 */
int
idx_query(struct idx *i, const char **dims, const char **terms, size_t n,
    char ***out, size_t *outsz)
{
	MDB_txn	*txn = NULL;
	int	 ok;

	if (!getread(i, &txn))
		return 0;
	if (n == 0)
		ok = allusecases(i, txn, out, outsz);
	else
		ok = intersect(i, txn, dims, terms, n, out, outsz);
	endread(i, txn);
	return ok;
}

/*
 * Fetch the record stored under "kind/slug".  Returns -1 on error
 * (reported), 0 if absent, 1 if found: *rec is then a new copy (the
 * caller frees it) with a NUL after its *recsz bytes.
 */
int
idx_get_entry(struct idx *i, const char *kind, const char *slug,
    char **rec, size_t *recsz)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k, v;
	char	*key;
	int	 rc, res = -1;

	key = xasprintf("%s/%s", kind, slug);
	if (!getread(i, &txn))
		goto out;
	k = sval(key);
	if ((rc = mdb_get(txn, i->entries, &k, &v)) == MDB_NOTFOUND) {
		res = 0;
		goto out;
	} else if (rc != 0) {
		diag_sys(i->dir, "mdb_get entries %s: %s", key,
		    mdb_strerror(rc));
		goto out;
	}
	*rec = xmalloc(v.mv_size + 1);
	memcpy(*rec, v.mv_data, v.mv_size);
	(*rec)[v.mv_size] = '\0';
	*recsz = v.mv_size;
	res = 1;
out:
	endread(i, txn);
	free(key);
	return res;
}

/*
 * The hash recorded for output path.  Hashes are stored as 8 bytes,
 * little-endian, so an index reads the same on any machine.  Returns
 * -1 on error (reported), 0 if absent, 1 if found and set in *h.
 */
int
idx_get_output(struct idx *i, const char *path, uint64_t *h)
{
	MDB_txn			*txn = NULL;
	MDB_val			 k, v;
	const unsigned char	*p;
	uint64_t		 x = 0;
	size_t			 j;
	int			 rc, res = -1;

	if (!getread(i, &txn))
		goto out;
	k = sval(path);
	if ((rc = mdb_get(txn, i->outputs, &k, &v)) == MDB_NOTFOUND) {
		res = 0;
		goto out;
	} else if (rc != 0) {
		diag_sys(i->dir, "mdb_get outputs %s: %s", path,
		    mdb_strerror(rc));
		goto out;
	}
	if (v.mv_size != 8) {
		diag_sys(i->dir, "outputs %s: hash of %zu bytes, not 8",
		    path, v.mv_size);
		goto out;
	}
	p = v.mv_data;
	for (j = 8; j > 0; j--)
		x = (x << 8) | p[j - 1];
	*h = x;
	res = 1;
out:
	endread(i, txn);
	return res;
}

/*
 * Record hash h for output path, replacing any earlier one.  Returns 1
 * on success, 0 on failure (reported).
 */
int
idx_put_output(struct idx *i, const char *path, uint64_t h)
{
	unsigned char	 b[8];
	size_t		 j;

	/* Little-endian whatever the machine: the index can move. */
	for (j = 0; j < 8; j++)
		b[j] = (unsigned char)(h >> (8 * j));
	return put(i, i->outputs, "outputs", path, strlen(path), b,
	    sizeof(b));
}

/*
 * Forget output path.  Returns -1 on error (reported), 0 if it was not
 * recorded, 1 if it was and is now removed.
 */
int
idx_del_output(struct idx *i, const char *path)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k;
	int	 rc, res = -1;

	if (!getwrite(i, &txn))
		return -1;
	k = sval(path);
	if ((rc = mdb_del(txn, i->outputs, &k, NULL)) == MDB_NOTFOUND)
		res = 0;
	else if (rc != 0)
		diag_sys(i->dir, "mdb_del outputs %s: %s", path,
		    mdb_strerror(rc));
	else
		res = 1;
	/* An absent key changed nothing: still end cleanly. */
	if (!endwrite(i, txn, res != -1))
		res = -1;
	return res;
}

/*
 * Every output path recorded, sorted.  On success *out is a new array
 * of new strings (the caller frees each and the array; NULL when
 * empty) and *outsz its length.  Returns 0 on failure (reported).
 */
int
idx_list_outputs(struct idx *i, char ***out, size_t *outsz)
{
	MDB_txn		 *txn = NULL;
	MDB_cursor	 *cur = NULL;
	MDB_val		  k, v;
	char		**a = NULL;
	size_t		  asz = 0, acap = 0;
	int		  rc, ok = 0;

	if (!getread(i, &txn))
		return 0;
	if ((rc = mdb_cursor_open(txn, i->outputs, &cur)) != 0) {
		cur = NULL;
		mdberr(i, "mdb_cursor_open", rc);
		goto out;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		strpush(&a, &asz, &acap, k.mv_data, k.mv_size);
	if (rc != MDB_NOTFOUND) {
		mdberr(i, "mdb_cursor_get outputs", rc);
		goto out;
	}
	*out = a;
	*outsz = asz;
	a = NULL;
	asz = 0;
	ok = 1;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	endread(i, txn);
	strfree(a, asz);
	return ok;
}

/*
 * The meta value under key.  Returns -1 on error (reported), 0 if
 * absent, 1 if found: *v is then a new string (the caller frees it).
 */
int
idx_get_meta(struct idx *i, const char *key, char **v)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k, d;
	int	 rc, res = -1;

	if (!getread(i, &txn))
		return -1;
	k = sval(key);
	if ((rc = mdb_get(txn, i->meta, &k, &d)) == MDB_NOTFOUND)
		res = 0;
	else if (rc != 0)
		diag_sys(i->dir, "mdb_get meta %s: %s", key,
		    mdb_strerror(rc));
	else {
		*v = xstrndup(d.mv_data, d.mv_size);
		res = 1;
	}
	endread(i, txn);
	return res;
}

/*
 * Set meta key to string v (copied), replacing any earlier value.
 * Returns 1 on success, 0 on failure (reported).
 */
int
idx_put_meta(struct idx *i, const char *key, const char *v)
{
	return put(i, i->meta, "meta", key, strlen(key), v, strlen(v));
}

/*
 * The record databases that idx_get_rec and idx_put_rec reach by name.
 */
static const MDB_dbi *
recdbi(const struct idx *i, const char *db)
{
	if (strcmp(db, "repos") == 0)
		return &i->repos;
	if (strcmp(db, "provenance") == 0)
		return &i->provenance;
	if (strcmp(db, "history") == 0)
		return &i->history;
	if (strcmp(db, "runs") == 0)
		return &i->runs;
	if (strcmp(db, "links") == 0)
		return &i->links;
	if (strcmp(db, "run_outputs") == 0)
		return &i->run_outputs;
	if (strcmp(db, "jobs") == 0)
		return &i->jobs;
	if (strcmp(db, "bodies") == 0)
		return &i->bodies;
	if (strcmp(db, "files") == 0)
		return &i->files;
	if (strcmp(db, "fm") == 0)
		return &i->fm;
	return NULL;
}

/*
 * The record under key in the named database: a new copy into *v, or
 * (v NULL) its first bufsz - 1 bytes into buf; its size into *vsz (may
 * be NULL).  -1 on error (reported), 0 if absent, 1 if found.
 */
static int
rec_read(struct idx *i, const char *db, const char *key, char **v,
    char *buf, size_t bufsz, size_t *vsz)
{
	const MDB_dbi	*dbi;
	MDB_txn		*txn = NULL;
	MDB_val		 k, d;
	size_t		 n;
	int		 rc, res = -1;

	if ((dbi = recdbi(i, db)) == NULL) {
		diag_sys(i->dir, "no database %s", db);
		return -1;
	}
	if (dbi == &i->run_outputs && i->no_run_outputs)
		return 0;
	if (!getread(i, &txn))
		return -1;
	k = sval(key);
	if ((rc = mdb_get(txn, *dbi, &k, &d)) == MDB_NOTFOUND)
		res = 0;
	else if (rc != 0)
		diag_sys(i->dir, "mdb_get %s %s: %s", db, key,
		    mdb_strerror(rc));
	else {
		if (v != NULL)
			*v = xstrndup(d.mv_data, d.mv_size);
		else {
			n = d.mv_size < bufsz - 1 ? d.mv_size : bufsz - 1;
			memcpy(buf, d.mv_data, n);
			buf[n] = '\0';
		}
		if (vsz != NULL)
			*vsz = d.mv_size;
		res = 1;
	}
	endread(i, txn);
	return res;
}

/*
 * The record under key in the named database (repos, provenance,
 * history, runs, links, run_outputs, jobs, bodies, files, fm).  Returns -1 on error (reported), 0 if absent,
 * 1 if found: *v is then a new NUL-terminated copy of *vsz bytes.
 */
int
idx_get_rec(struct idx *i, const char *db, const char *key, char **v,
    size_t *vsz)
{
	return rec_read(i, db, key, v, NULL, 0, vsz);
}

/*
 * The first bytes of the record under key in the named database: at
 * most bufsz - 1 of them into buf, NUL-terminated, and the record's
 * whole size into *recsz.  As idx_get_rec, without copying the rest.
 */
int
idx_peek_rec(struct idx *i, const char *db, const char *key, char *buf,
    size_t bufsz, size_t *recsz)
{
	if (bufsz == 0)
		return -1;
	return rec_read(i, db, key, NULL, buf, bufsz, recsz);
}

/*
 * Store v (vsz bytes, copied) under key in the named database,
 * replacing any earlier record.  Returns 1, or 0 on failure (reported).
 */
int
idx_put_rec(struct idx *i, const char *db, const char *key, const char *v,
    size_t vsz)
{
	const MDB_dbi	*dbi;

	if ((dbi = recdbi(i, db)) == NULL) {
		diag_sys(i->dir, "no database %s", db);
		return 0;
	}
	return put(i, *dbi, db, key, strlen(key), v, vsz);
}

/*
 * Every record of the named database (as idx_get_rec), in key order:
 * *vals is a new array of new strings (the caller frees each and the
 * array; NULL when empty), *valsz its length.  Returns 0 on failure
 * (reported).
 */
int
idx_list_recs(struct idx *i, const char *db, char ***vals, size_t *valsz)
{
	const MDB_dbi	 *dbi;
	MDB_txn		 *txn = NULL;
	MDB_cursor	 *cur = NULL;
	MDB_val		  k, v;
	char		**a = NULL;
	size_t		  asz = 0, acap = 0;
	int		  rc, ok = 0;

	*vals = NULL;
	*valsz = 0;
	if ((dbi = recdbi(i, db)) == NULL) {
		diag_sys(i->dir, "no database %s", db);
		return 0;
	}
	if (dbi == &i->run_outputs && i->no_run_outputs)
		return 1;
	if (!getread(i, &txn))
		return 0;
	if ((rc = mdb_cursor_open(txn, *dbi, &cur)) != 0) {
		cur = NULL;
		mdberr(i, "mdb_cursor_open", rc);
		goto out;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		strpush(&a, &asz, &acap, v.mv_data, v.mv_size);
	if (rc != MDB_NOTFOUND) {
		diag_sys(i->dir, "mdb_cursor_get %s: %s", db,
		    mdb_strerror(rc));
		goto out;
	}
	*vals = a;
	*valsz = asz;
	a = NULL;
	asz = 0;
	ok = 1;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	endread(i, txn);
	strfree(a, asz);
	return ok;
}

/*
 * The key of a run: the slug, a NUL, and the stamp big-endian, so that
 * a slug's runs sort by time and no slug is a prefix of another's key.
 */
static size_t
runkey(char *k, size_t cap, const char *slug, uint64_t stamp)
{
	size_t	 n = strlen(slug), i;

	if (n + 9 > cap)
		return 0;
	memcpy(k, slug, n);
	k[n] = '\0';
	for (i = 0; i < 8; i++)
		k[n + 1 + i] = (char)(stamp >> (56 - 8 * i));
	return n + 9;
}

/*
 * Store a run record (replacing one of the same slug and stamp).
 * Returns 1, or 0 on failure (reported).
 */
int
idx_put_run(struct idx *i, const char *slug, uint64_t stamp,
    const char *rec, size_t recsz)
{
	char	 key[520];
	size_t	 n;

	if ((n = runkey(key, sizeof(key), slug, stamp)) == 0) {
		diag_sys(i->dir, "run key too long: %s", slug);
		return 0;
	}
	return put(i, i->runs, "runs", key, n, rec, recsz);
}

/*
 * Every run record of slug, oldest first; see store/store.h.
 */
int
idx_get_runs(struct idx *i, const char *slug, char ***recs, size_t *recsz)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*cur = NULL;
	MDB_val		 k, d;
	char		 key[520];
	size_t		 n, cap = 0;
	int		 rc, ok = 0;

	*recs = NULL;
	*recsz = 0;
	if ((n = runkey(key, sizeof(key), slug, 0)) == 0)
		return 1;
	if (!getread(i, &txn))
		return 0;
	if ((rc = mdb_cursor_open(txn, i->runs, &cur)) != 0) {
		diag_sys(i->dir, "mdb_cursor_open runs: %s", mdb_strerror(rc));
		goto out;
	}
	k.mv_data = key;
	k.mv_size = n;
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (k.mv_size != n || memcmp(k.mv_data, key, n - 8) != 0)
			break;
		strpush(recs, recsz, &cap, d.mv_data, d.mv_size);
	}
	if (rc != 0 && rc != MDB_NOTFOUND) {
		diag_sys(i->dir, "mdb_cursor_get runs: %s", mdb_strerror(rc));
		goto out;
	}
	ok = 1;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	endread(i, txn);
	if (!ok) {
		strfree(*recs, *recsz);
		*recs = NULL;
		*recsz = 0;
	}
	return ok;
}
