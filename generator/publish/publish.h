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
 * Start a build of outdir: files go to a folder beside it, which
 * site_out_commit swaps with outdir in one rename.  idx (may be NULL)
 * holds the hashes of the outputs last published.  That folder is the
 * site before the published one ("OUT.prev"), brought in step, when
 * the store says what it holds: a file whose bytes hash as the
 * published one's is then already there.  Otherwise it is a fresh
 * folder, where such a file is hard-linked from the published site
 * (with verify, only after comparing its bytes, so that --force
 * repairs a damaged site; verify never uses OUT.prev).
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

/*
 * The outputs this thread puts from now on carry tag (0: none), so
 * that the render driver learns which files each of its jobs made.
 */
void		 site_out_tag(struct site_out *, size_t tag);

/*
 * Whether the store describes the published site and the build may
 * take files from it unread (not with verify): site_out_keep works.
 */
int		 site_out_reusing(const struct site_out *);

/*
 * Keep the published file path, whose bytes hash to h, without its
 * bytes (a job whose inputs did not change): in OUT.prev it is there
 * already, into a fresh folder it is hard-linked.  Returns 0,
 * recording nothing, when the build cannot: not site_out_reusing, or
 * the published file is not that one, and the caller then renders
 * it; or when the link fails (reported: the build fails as for a
 * failed write).
 */
int		 site_out_keep(struct site_out *, const char *path,
		    uint64_t h);

/* Whether site_out_keep of path and h would succeed. */
int		 site_out_has(const struct site_out *, const char *path,
		    uint64_t h);

/*
 * The outputs put so far (not those kept: site_out_keep costs a flag),
 * i < site_out_nrecs: the path (borrowed until site_out_free), its
 * hash and tag.  Not while threads put.
 */
size_t		 site_out_nrecs(const struct site_out *);
const char	*site_out_rec(const struct site_out *, size_t i, uint64_t *h,
		    size_t *tag);

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

#endif /* !KBGEN_PUBLISH_PUBLISH_H */
