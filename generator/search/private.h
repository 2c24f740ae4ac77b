/*
 * What the files of generator/search/ share and no other folder
 * uses.  Include after extern.h.
 */
#ifndef KBGEN_SEARCH_PRIVATE_H
#define KBGEN_SEARCH_PRIVATE_H

struct idx;
struct search_bits;
struct search_doc;
struct site_out;

/* search.c: the search index (templates/SEARCH.md); only libstemmer user. */

/*
 * Write the index of docs[0..n) into so as search/meta.js,
 * search/d/KEY.js, search/p/N.js, search/q/N.js and search/f/N.js
 * (templates/SEARCH.md), tokenizing on up
 * to jobs threads.  The output depends on the documents only, not on
 * their order in docs nor on jobs.  With idx (may be NULL), each
 * document's tokens are kept in files beside it (idx_dir) and taken
 * from there while the document is the same; with keys too (may be
 * NULL: keys[i] hashes all that docs[i] depends on, the caller's
 * order being the same from build to build), the index is kept for
 * search_patch, said recording that the documents gave warnings.
 * Returns 0 if a file could not be written (reported).
 */
int		 search_write(const struct search_doc *docs, size_t n,
		    const uint64_t *keys, int said, int jobs, struct idx *,
		    struct site_out *);

/*
 * Patch the index that the last search_write or search_patch kept when
 * the documents are the same n, in the same order, as keys[0..n) say,
 * but for a few: describe(arg, i, d) describes document i into d (its
 * strings the caller's until search_patch returns; 0 if it cannot),
 * and each must keep its type, URL, language, example state and kind.
 * When one's other facet values (terms) change, describe_all(arg,
 * &docs, &n) describes every document, in the order of keys, for
 * meta.js's facets.  Only the files holding
 * what changed are written; the others are kept (site_out_keep).  Once
 * the patch is sure, warn(arg, i) says the warnings of each changed
 * document, returning 1 if it said any.  Returns 1 when done, 0 if a
 * file could not be written (reported), -1 when it cannot patch (no
 * kept index, another version, too many changes, --force...) and has
 * written nothing: the caller then calls search_write.
 */
int		 search_patch(const uint64_t *keys, size_t n,
		    int (*describe)(void *, size_t, struct search_doc *),
		    int (*describe_all)(void *, const struct search_doc **,
		    size_t *),
		    int (*warn)(void *, size_t), void *arg, struct idx *,
		    struct site_out *);

/* Append v[0..n) (each >= 1) to b as Exp-Golomb codes of order k,
 * then pad the bit string to a whole character. */
void		 search_codes(struct buf *, const uint32_t *v, size_t n,
		    int k);

/* Read the bit string s[0..n) (borrowed while reading). */
void		 search_bits_init(struct search_bits *, const char *s,
		    size_t n);

/* Read one code of order k into *v; 0 if truncated or bad. */
int		 search_bits_get(struct search_bits *, int k, uint32_t *v);

/* The folded tokens of text, space-separated (new string; for tests). */
char		*search_tokens(const char *text);

/* The Snowball stem of a folded word in lang (new string), NULL if
 * lang has no stemmer. */
char		*search_stem(const char *lang, const char *word);

/* 1 if lang ("it", "en", "italian" ...) has a Snowball stemmer. */
int		 search_stemmable(const char *lang);

#endif /* !KBGEN_SEARCH_PRIVATE_H */
