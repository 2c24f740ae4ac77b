/*
 * What later stages use of generator/publish/ (the published site
 * folder).  Include after extern.h.
 */
#ifndef KBGEN_PUBLISH_PUBLISH_H
#define KBGEN_PUBLISH_PUBLISH_H

struct idx;

/* site.c: write site/ atomically and incrementally. */

struct site_out;

/*
 * Start a build of outdir: files go to a fresh folder beside it, which
 * site_out_commit swaps with outdir in one rename.  idx (may be NULL)
 * holds the hashes of the outputs last published; a file whose bytes
 * hash as before is hard-linked from the old site instead of written
 * (with verify, only after comparing its bytes, so that --force
 * repairs a damaged site).
 * NULL on failure (reported).
 */
struct site_out	*site_out_new(const char *outdir, struct idx *idx,
		    int verify);

/*
 * Add the file path (relative, '/'-separated) with the given bytes.
 * Safe to call from several threads.  Returns 0 on failure (reported).
 */
int		 site_out_put(struct site_out *, const char *path,
		    const char *data, size_t sz);

/*
 * Whether a write of the build failed (reported once): the build
 * stops, and every later site_out_put returns 0 without a word.
 */
int		 site_out_failed(struct site_out *);

/* Copy every file below dir into the site under prefix. */
int		 site_out_copy_dir(struct site_out *, const char *dir,
		    const char *prefix);

/*
 * Publish: swap the new folder with outdir, remove the old one, and
 * record the output hashes.  Returns 0 on failure (reported), leaving
 * outdir as it was.
 */
void		 site_out_clean(const char *);
int		 site_out_commit(struct site_out *);

/* Discard an uncommitted build (its folder is removed). */
void		 site_out_free(struct site_out *);

/* Counts: files written, files kept from the old site, stale removed. */
void		 site_out_counts(const struct site_out *, size_t *written,
		    size_t *kept, size_t *removed);

/*
 * A fingerprint of every file below the given folders: their names and
 * sizes, times and inodes, for the "nothing changed" check; with bytes,
 * their names and bytes only, for "touched but not changed".
 */
uint64_t	 site_fingerprint(const char *const *dirs, size_t n,
		    uint64_t seed, int bytes);

#endif /* !KBGEN_PUBLISH_PUBLISH_H */
