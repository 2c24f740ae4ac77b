/*
 * What later stages use of generator/store/ (the LMDB store).  Include
 * after extern.h.
 */
#ifndef KBGEN_STORE_STORE_H
#define KBGEN_STORE_STORE_H

/* index.c: the only LMDB user.  Key layout and transactions. */

struct idx;

/*
 * Open (creating folder and environment) the LMDB index in dir, with
 * the named databases meta, entries, by_technology, by_field, by_tool
 * (dupsort), repos, runs, outputs (site file hashes), links,
 * run_outputs (kept outputs of runs), jobs and bodies.  NULL on failure
 * (reported).
 */
struct idx	*idx_open(const char *dir);

/* The folder of the index (borrowed): other caches may sit beside it. */
const char	*idx_dir(const struct idx *);

/* The same for reading only: creates and writes nothing. */
struct idx	*idx_open_ro(const char *dir);
void		 idx_free(struct idx *);

/* One write transaction at a time; idx_abort drops it. */
int		 idx_begin(struct idx *);
int		 idx_commit(struct idx *);
void		 idx_abort(struct idx *);

/* Within a transaction: drop every entry and dimension record. */
int		 idx_clear_entries(struct idx *);

/* Store record (bytes) under key "kind/slug" in entries. */
int		 idx_put_entry(struct idx *, const char *kind,
		    const char *slug, const char *rec, size_t recsz);

/* Add slug under term in dimension dim ("technology", "field", "tool"). */
int		 idx_put_term(struct idx *, const char *dim,
		    const char *term, const char *slug);

/*
 * The slugs that carry every (dims[i], terms[i]) pair, intersected
 * through cursors; *out is a new array of new strings (caller frees
 * each and the array), *outsz its length, sorted.  Outside a write
 * transaction it uses its own read transaction.  Returns 0 on failure.
 */
int		 idx_query(struct idx *, const char **dims,
		    const char **terms, size_t n, char ***out, size_t *outsz);

/* Fetch entry record: -1 error, 0 absent, 1 found (*rec new, caller frees). */
int		 idx_get_entry(struct idx *, const char *kind,
		    const char *slug, char **rec, size_t *recsz);

/* Output hashes: -1 error, 0 absent, 1 found. */
int		 idx_get_output(struct idx *, const char *path, uint64_t *);
int		 idx_put_output(struct idx *, const char *path, uint64_t);
int		 idx_del_output(struct idx *, const char *path);

/* Every output path recorded, for removing stale ones; like idx_query. */
int		 idx_list_outputs(struct idx *, char ***out, size_t *outsz);

/* meta key/value strings: -1 error, 0 absent, 1 found (*v new). */
int		 idx_get_meta(struct idx *, const char *key, char **v);
int		 idx_put_meta(struct idx *, const char *key, const char *v);

/*
 * Records of repos, provenance, history, runs, links (see index.c) and
 * run_outputs (use-case slug -> the refs of its kept outputs:
 * check/keep.c writes them, model/outputs.c reads them), jobs (a render
 * job -> the key of its inputs and its outputs: render/families.c) and
 * bodies (a Markdown body's hash -> its HTML: model/content.c).
 */
int		 idx_get_rec(struct idx *, const char *db, const char *key,
		    char **v, size_t *vsz);
/* The same, but only the first bufsz - 1 bytes (NUL-terminated) into
 * buf, and the record's size into *vsz. */
int		 idx_peek_rec(struct idx *, const char *db, const char *key,
		    char *buf, size_t bufsz, size_t *vsz);
int		 idx_put_rec(struct idx *, const char *db, const char *key,
		    const char *v, size_t vsz);

/* Every record of a database, in key order (new strings). */
int		 idx_list_recs(struct idx *, const char *db, char ***vals,
		    size_t *valsz);

/*
 * Run history: records (JSON) under slug and a time stamp, kept in
 * time order.  idx_get_runs gives every record of slug, oldest first,
 * as new strings (caller frees each and the array).
 */
int		 idx_put_run(struct idx *, const char *slug, uint64_t stamp,
		    const char *rec, size_t recsz);
int		 idx_get_runs(struct idx *, const char *slug, char ***recs,
		    size_t *recsz);

/*
 * fcache.c: the identity and hash of each input file when a build last
 * read it, so that the next build need not read it again.  stamp names
 * this kbgen (a cache made by another is not trusted: see
 * model/content.c); paths below top are kept as below it, however top
 * is spelt.  fc_lookup gives a file's hash when st shows it
 * unchanged since then (1; 0 otherwise); fc_note records what was read
 * (any thread); fc_file_hash is either, reading the file on a miss (0
 * when it cannot be read), and remembers the answer for this build's
 * lookups (one thread, while no lookup runs); fc_save writes the notes
 * in one transaction; fc_counts says how many files fc_file_hash read
 * of those it hashed.
 * A NULL cache looks up nothing and notes nothing.
 */
struct fcache;
struct stat;

struct fcache	*fc_new(struct idx *, uint64_t stamp, const char *top);
uint64_t	 fc_stamp(const struct fcache *);
struct idx	*fc_idx(const struct fcache *);
int		 fc_lookup(struct fcache *, const char *path,
		    const struct stat *, uint64_t *hash);
void		 fc_note(struct fcache *, const char *path,
		    const struct stat *, uint64_t hash);
int		 fc_file_hash(struct fcache *, const char *path,
		    const struct stat *, uint64_t *hash);
void		 fc_counts(const struct fcache *, size_t *read,
		    size_t *hashed);
int		 fc_save(struct fcache *);
void		 fc_free(struct fcache *);

#endif /* !KBGEN_STORE_STORE_H */
