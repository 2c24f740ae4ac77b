/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The search index below search/ in the site: the only libstemmer
 * user.  templates/SEARCH.md is the contract with search.js: file
 * names, the bit strings of Exp-Golomb codes, text folding, tokens
 * (hyphenated words also joined), stems, field weights, positions,
 * dictionary shards (rare forms' postings inline), postings and
 * positions packs, fragments and meta.js with the facets.  The caller
 * (searchdocs.c) describes each document (struct search_doc); this
 * file tokenizes them, builds the inverted index in memory and hands
 * the files to site.c.  It does not decide which documents exist nor
 * render any page.
 *
 * Speed: a document's tokens are kept in the cache folder (TOKFILE, see
 * TOKVER) and taken from there while its text is the same, and so are
 * each form's stem and encoded strings while its postings are the same
 * (FORMFILE), so that an edit tokenizes one document again and encodes
 * the forms it touches; and the index written is kept (KEEPFILE), so
 * that a build whose documents are the same but for a few patches it
 * (search_patch): the changed documents' postings are taken out of and
 * put into the forms they had or have, and only the files holding
 * those forms and documents are written, the others kept as published.
 * Documents are tokenized in
 * parallel, in contiguous ranges of
 * document ids, each range with its own table of forms (open
 * addressing, no allocation per token) and, per form, its postings
 * already encoded; the ranges' tables are then merged into one sorted
 * dictionary, and a form's postings string is the concatenation, in
 * range order, of its ranges' strings, decoded and written again as
 * bit strings with the code orders that suit the whole list.  A form
 * is stemmed in every language of the documents that has a stemmer,
 * so that search.js matches a query in each.  Packs and
 * fragments are written in parallel too.  Output depends on the
 * documents only (not on their order in the caller's array nor on the
 * number of threads), so an unchanged site rewrites no index file.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "extern.h"
#include "base/base.h"
#include "store/store.h"
#include "publish/publish.h"
#include "search/search.h"
#include "search/private.h"

#define W_TITLE		10	/* weights per occurrence, by field */
#define W_SUMMARY	5
#define W_TERMS		5
#define W_HEADING	3
#define W_BODY		1
/*
 * A posting's weight is coded as twice the sum of its occurrences'
 * field weights, plus 1 when one of them is in the document's own words
 * (its title or its terms): search.js ranks such a match above a match
 * in the text only.
 */
#define OWN(w)		((uint32_t)(w) * 2 + 1)
#define TEXT(w)		((uint32_t)(w) * 2)
#define GAP		8	/* positions between fields */
#define MAXPOS		8	/* positions kept per document and form */
#define MAXTOK		64	/* longer folded tokens are not indexed */
#define FRAG		16	/* documents per fragment file */
#define PACK		8192	/* bytes of a postings pack, about */
#define QPACK		65536	/* bytes of a positions pack, about */
#define INLINE		32	/* shorter postings sit in the shard */
#define EXCERPT		200	/* characters of a fragment's "x" */
#define MAXK		24	/* largest Exp-Golomb order tried */
#define MAXLANG		8	/* languages stemmed in, at most */
#define LANGSEP		'\037'	/* between a form's stems, by language */

#define MARK_HEAD	'\001'	/* in extracted text: a heading starts */
#define MARK_BODY	'\002'	/* a heading ends */

static const char vchars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static const char *const type_labels[SEARCH__TYPES] = { "Use case",
    "Person", "Hackathon", "Seminar", "Page" };
static const char *const facet_keys[SEARCH__FACETS] = { "technology",
    "field", "tool", "kind", "status" };
static const char *const facet_labels[SEARCH__FACETS] = { "Technology",
    "Field", "Tool", "Kind", "Example" };

/*
 * Stop words, folded: English and Italian function words.  Not
 * indexed, but they take a position.  "ai" and "it" are absent on
 * purpose (AI, IT).
 */
static const char *const stops[] = {
	"a", "an", "and", "are", "as", "at", "be", "been", "but", "by",
	"can", "do", "does", "for", "from", "had", "has", "have", "he",
	"her", "his", "how", "i", "if", "in", "into", "is", "its", "not",
	"of", "on", "or", "our", "s", "she", "so", "such", "t", "than",
	"that", "the", "their", "them", "then", "there", "these", "they",
	"this", "those", "to", "was", "we", "were", "what", "when", "which",
	"while", "who", "will", "with", "you", "your",
	"agli", "al", "alla", "alle", "allo", "anche", "che", "chi", "ci",
	"come", "con", "cui", "d", "da", "dai", "dagli", "dal", "dalla",
	"dalle", "degli", "dei", "del", "della", "delle", "dello", "di",
	"e", "ed", "gli", "ha", "hanno", "il", "l", "la", "le", "lo",
	"ma", "ne", "negli", "nei", "nel", "nella", "nelle", "nello",
	"o", "per", "piu", "questa", "queste", "questi", "questo",
	"se", "si", "sono", "su", "sui", "sul", "sulla", "sulle", "tra",
	"fra", "un", "una", "uno",
};

/*
 * Forms, in a table that maps their bytes to dense ids.  Used per
 * range of documents, for the merged dictionary and for the stop
 * words.
 */
struct tform {
	uint64_t	 h;
	uint32_t	 off;	/* into strs, a multiple of 8 */
	uint32_t	 len;
	uint32_t	 stop;	/* a stop word */
	uint32_t	 stamp;	/* range tables: last document + 1 seen */
	uint32_t	 slot;	/* its dslot in that document */
	uint32_t	 pad;
};

struct tab {
	uint32_t	*slots;	/* form id + 1, 0 when empty */
	size_t		 slotsz;	/* power of two */
	struct tform	*f;	/* by id */
	size_t		 fsz;
	size_t		 fcap;
	char		*strs;	/* form bytes, each zero-padded to a
				   multiple of 8 */
	size_t		 strsz;
	size_t		 strcap;
};

/* One document's occurrences of one form, while tokenizing it. */
struct dslot {
	uint32_t	 form;	/* id in the range's table */
	uint32_t	 weight;
	uint32_t	 npos;
	uint32_t	 pos[MAXPOS];
};

/*
 * The postings of one form in one range of documents, as vints (see
 * vput): per document its id (the first absolute, then gaps), weight,
 * number of positions and the positions (the first absolute, then
 * gaps).  encode_form turns a form's ranges into its bit strings.
 */
struct fpost {
	char		*p;	/* owned */
	uint32_t	 sz, cap;
	uint32_t	 first;	/* first document id */
	uint32_t	 last;	/* last document id */
	uint32_t	 firstsz;	/* bytes of the vint of first */
	uint32_t	 docs;	/* documents */
};

/* One form of a document as its kept record gives it (tok_replay). */
struct cslot {
	const char	*s;	/* into the record */
	uint32_t	 len, weight, npos;
	uint32_t	 pos[MAXPOS];
};

/* A contiguous range of documents, tokenized by one thread. */
struct range {
	size_t		 lo, hi;	/* document ids [lo, hi) */
	struct tab	 tab;
	uint32_t	*ldf;	/* by form: document count */
	size_t		 formcap;	/* of ldf and fp */
	struct dslot	*ds;	/* the current document's forms */
	size_t		 dsz, dcap;
	struct fpost	*fp;	/* by form: its postings, formcap of them */
	uint32_t	*inv;	/* global form id to range id, or NONE */
	struct buf	 text;	/* scratch: text extracted from HTML */
	uint32_t	*map;	/* range form id to global id */
	struct cslot	*cs;	/* scratch: a kept record's forms */
	size_t		 ccap;
	size_t		 ntok;	/* its documents tokenized (not kept) */
	struct buf	 rec;	/* the records to keep of its documents,
				   each ending in NUL */
};

/*
 * A form of the dictionary as the writers see it, in dictionary order:
 * its strings borrowed (from struct ix, or the kept index).
 */
struct fview {
	const char	*s;	/* the form */
	uint32_t	 len;
	uint32_t	 df;	/* documents */
	const char	*stem;	/* as struct ix's stems; NULL: none */
	size_t		 stemsz;
	const char	*b;	/* postings string */
	size_t		 bsz;
	const char	*q;	/* positions string */
	size_t		 qsz;
	uint32_t	 pack, qpack;	/* NONE when inline (layout) */
	uint32_t	 kept;	/* patch: its index in the kept
				   dictionary, or NONE when new */
	int		 dirty;	/* patch: its postings changed */
};

/* The whole build. */
struct ix {
	const struct search_doc **docs;	/* by id, borrowed */
	size_t		 docsz;
	const char	*langs[MAXLANG];	/* stemmed in, sorted */
	size_t		 langsz;
	struct tab	 stop;	/* the stop words */
	struct range	*rs;
	size_t		 rsz;
	char		**frags;	/* by id: the fragment object, JSON */
	struct tab	 g;	/* every form */
	uint32_t	*df;	/* by form */
	uint32_t	*sorted;	/* form ids in dictionary order */
	char		**stems;	/* by form: NULL when equal to it in
					   every language; else one stem, or
					   one per language joined by LANGSEP
					   ("" where equal to the form) */
	char		**enc;	/* by form: its postings string, NUL,
				   its positions string */
	size_t		*encsz;	/* by form: postings length */
	size_t		*encqsz;	/* by form: positions length */
	struct fview	*fv;	/* by sorted index */
	size_t		*packlo;	/* by pack: first form (sorted index) */
	size_t		 packsz;
	size_t		*qpacklo;	/* by positions pack: first form */
	size_t		 qpacksz;
	size_t		*shlo;	/* by shard: its first form */
	size_t		 shsz;
	struct site_out	*so;
	struct idx	*idx;	/* the token cache, may be NULL */
	uint64_t	 seed;	/* of its keys: this kbgen */
	size_t		*keep;	/* by id: its record's offset in its
				   range's rec + 1, or 0 for none */
	const char	*tmap;	/* the kept tokens (TOKFILE), mapped */
	size_t		 tmapsz;
	uint32_t	*tslot;	/* its table: offsets + 1 of URLs */
	size_t		 tslotsz;	/* a power of two */
	uint32_t	*hit;	/* by id: offset + 1 of its URL in tmap
				   when its record was taken */
	FILE		*tf;	/* the tokens kept for the next build */
	size_t		 toff;	/* bytes written to tf */
	size_t		*roff;	/* by id: its record's offset in */
	size_t		*rlen;	/* tf, and length; 0, 0: none */
	uint64_t	*tuple;	/* by id: doc_tuple, for the kept index;
				   may be NULL */
	uint64_t	*ftuple;	/* by id: its facets' hash (doc_tuple) */
	char		*tfpath;	/* ... being written there */
	size_t		 wave;	/* index_range's first range */
	const char	*frec;	/* the kept forms (FORMFILE), mapped */
	size_t		 frecsz;
	uint64_t	*fck;	/* its table: keys, 0 for empty */
	uint32_t	*fco;	/* their entries' offsets in frec */
	size_t		 fcsz;	/* slots, a power of two */
	size_t		 fcn;	/* forms in frec */
	uint64_t	*fkey;	/* by form: its key */
	size_t		*fso, *fbo, *fqo;	/* by form: its stem's
				   and strings' offsets in FORMFILE */
	unsigned char	*fhit;	/* by form: 1 when kept as it was */
	int		 ok;
};

#define NONE	UINT32_MAX

/*
 * Hash of a form, eight bytes at a time (as util.c's hash64, without
 * its tail loop): s must be readable, and zero, up to the next multiple
 * of eight past n.
 */
static uint64_t
whash(const char *s, size_t n)
{
	uint64_t	 h = 0x9e3779b97f4a7c15ULL + n, k;
	size_t		 i;

	for (i = 0; i < n; i += 8) {
		memcpy(&k, s + i, 8);
		k *= 0xbf58476d1ce4e5b9ULL;
		k ^= k >> 31;
		h = (h ^ k) * 0x94d049bb133111ebULL;
	}
	return h ^ (h >> 29);
}

static void
tab_init(struct tab *t)
{
	memset(t, 0, sizeof(*t));
	t->slotsz = 1024;
	t->slots = xcalloc(t->slotsz, sizeof(*t->slots));
}

static void
tab_free(struct tab *t)
{
	free(t->slots);
	free(t->f);
	free(t->strs);
}

static void
tab_rehash(struct tab *t)
{
	size_t	 i, j, mask;

	free(t->slots);
	t->slotsz *= 2;
	t->slots = xcalloc(t->slotsz, sizeof(*t->slots));
	mask = t->slotsz - 1;
	for (i = 0; i < t->fsz; i++) {
		for (j = t->f[i].h & mask; t->slots[j] != 0; j = (j + 1) & mask)
			continue;
		t->slots[j] = (uint32_t)i + 1;
	}
}

/* Whether a and b, zero-padded to a multiple of 8, hold the same n. */
static int
eq8(const char *a, const char *b, size_t n)
{
	uint64_t	 x, y;
	size_t		 i;

	for (i = 0; i < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	return 1;
}

/*
 * The id of form s (n bytes, zero-padded to a multiple of 8; hash h),
 * or -1 when absent; *at is then the free slot for tab_add.  Inline:
 * it runs once a token.
 */
static inline long
tab_find(const struct tab *t, const char *s, size_t n, uint64_t h,
    size_t *at)
{
	size_t		 j, mask = t->slotsz - 1;
	uint32_t	 id;
	const struct tform *f;

	for (j = h & mask; (id = t->slots[j]) != 0; j = (j + 1) & mask) {
		f = &t->f[id - 1];
		if (f->h == h && f->len == n && eq8(t->strs + f->off, s, n))
			return (long)id - 1;
	}
	*at = j;
	return -1;
}

/* Add form s (as for tab_find) in free slot at; its id. */
static long
tab_add(struct tab *t, const char *s, size_t n, uint64_t h, size_t at)
{
	struct tform	*f;
	size_t		 pad;

	if (t->fsz == t->fcap) {
		t->fcap = t->fcap ? t->fcap * 2 : 256;
		t->f = xreallocarray(t->f, t->fcap, sizeof(*t->f));
	}
	pad = (n + 7) & ~(size_t)7;
	if (t->strsz + pad > t->strcap) {
		while (t->strsz + pad > t->strcap)
			t->strcap = t->strcap ? t->strcap * 2 : 4096;
		t->strs = xrealloc(t->strs, t->strcap);
	}
	memcpy(t->strs + t->strsz, s, pad);
	f = &t->f[t->fsz];
	memset(f, 0, sizeof(*f));
	f->h = h;
	f->off = (uint32_t)t->strsz;
	f->len = (uint32_t)n;
	t->strsz += pad;
	t->slots[at] = (uint32_t)++t->fsz;
	if (t->fsz * 2 > t->slotsz)
		tab_rehash(t);
	return (long)t->fsz - 1;
}

/* The id of form s (as for tab_find), added when new. */
static long
tab_get(struct tab *t, const char *s, size_t n, uint64_t h, int *added)
{
	size_t	 at;
	long	 id;

	if ((id = tab_find(t, s, n, h, &at)) >= 0)
		return id;
	*added = 1;
	return tab_add(t, s, n, h, at);
}

/*
 * Vints: the in-memory form of a range's postings (struct fpost), 5
 * bits a character, most significant group first, each group but the
 * last plus 32.  Not part of the contract: search_pack re-encodes them
 * as bit strings.
 */

/* Write v as a vint at o (room for 7 bytes); its length. */
static size_t
vput(char *o, uint32_t v)
{
	char	 g[7];
	size_t	 n = 0, i;

	if (v < 32) {
		o[0] = vchars[v];
		return 1;
	}
	if (v < 1024) {
		o[0] = vchars[32 + (v >> 5)];
		o[1] = vchars[v & 31];
		return 2;
	}
	do {
		g[n++] = (char)(v & 31);
		v >>= 5;
	} while (v != 0);
	for (i = 0; i < n; i++)
		o[i] = vchars[g[n - 1 - i] + (i + 1 < n ? 32 : 0)];
	return n;
}

/* By byte: its index in vchars, or 0xff. */
static unsigned char vval[256];

/* Read one vint that vput wrote at *p, advancing *p. */
static inline uint32_t
vget(const char **p)
{
	uint32_t	 x = 0, c;

	do {
		c = vval[(unsigned char)*(*p)++];
		x = (x << 5) | (c & 31);
	} while (c >= 32);
	return x;
}

/*
 * Bit strings (SEARCH.md): 6 bits a character of vchars, most
 * significant first, zero bits at the end up to a whole character.
 * Numbers >= 1 are Exp-Golomb codes of order k: u = v - 1, then the
 * Elias gamma code of (u >> k) + 1 (as many zero bits as that number
 * has bits after its leading one, then the number), then the low k
 * bits of u.  Order 0 is Elias gamma.
 */
struct bw {
	struct buf	*b;
	uint64_t	 acc;	/* pending bits, the low n */
	int		 n;
};

/* Append the low nb bits of v (nb <= 64). */
static void
bw_bits(struct bw *w, uint64_t v, int nb)
{
	char	*o;
	int	 t;

	while (nb > 0) {
		t = nb > 24 ? 24 : nb;
		nb -= t;
		w->acc = (w->acc << t) | ((v >> nb) & ((1ULL << t) - 1));
		w->n += t;
		if (w->b->sz + 8 > w->b->cap)
			buf_grow(w->b, 8);
		o = w->b->data + w->b->sz;
		while (w->n >= 6) {
			w->n -= 6;
			*o++ = vchars[(w->acc >> w->n) & 63];
		}
		w->b->sz = (size_t)(o - w->b->data);
		w->acc &= (1ULL << w->n) - 1;
	}
}

static int
bitlen(uint64_t v)
{
	int	 n = 0;

	while (v != 0) {
		n++;
		v >>= 1;
	}
	return n;
}

/* Append v >= 1 as an Exp-Golomb code of order k. */
static void
bw_code(struct bw *w, uint32_t v, int k)
{
	uint64_t	 u = (uint64_t)v - 1, q = (u >> k) + 1;
	int		 nb = bitlen(q);

	if (v < 2 && k == 0) {
		bw_bits(w, 1, 1);
		return;
	}
	/* The zeros, q and u's low k bits, as one number when they fit. */
	if (2 * nb - 1 + k <= 64) {
		bw_bits(w, q << k | (u & ((1ULL << k) - 1)), 2 * nb - 1 + k);
		return;
	}
	bw_bits(w, 0, nb - 1);
	bw_bits(w, q, nb);
	bw_bits(w, u, k);
}

/* Pad to a whole character and NUL-terminate. */
static void
bw_end(struct bw *w)
{
	if (w->n > 0)
		bw_bits(w, 0, 6 - w->n);
	buf_grow(w->b, 1);
	w->b->data[w->b->sz] = '\0';
}

/*
 * The order k of the shortest Exp-Golomb codes for values whose v - 1
 * have the bit lengths counted in h[0..64]: a code of order k for u
 * with b bits takes about 2 max(b - k, 0) + 1 + k bits.
 */
static int
best_k(const uint64_t *h)
{
	uint64_t	 c, best = UINT64_MAX;
	int		 k, b, bk = 0;

	for (k = 0; k <= MAXK; k++) {
		for (c = 0, b = 0; b <= 64; b++)
			if (h[b] != 0)
				c += h[b] * (uint64_t)(2 * (b > k ? b - k : 0) +
				    1 + k);
		if (c < best) {
			best = c;
			bk = k;
		}
	}
	return bk;
}

/*
 * See search/private.h.
 */
void
search_codes(struct buf *b, const uint32_t *v, size_t n, int k)
{
	struct bw	 w = { b, 0, 0 };
	size_t		 i;

	for (i = 0; i < n; i++)
		bw_code(&w, v[i], k);
	bw_end(&w);
}

/*
 * See search/private.h.
 */
void
search_bits_init(struct search_bits *r, const char *s, size_t n)
{
	r->p = s;
	r->end = s + n;
	r->cur = 0;
	r->left = 0;
}

/* The value of bit string character c (vchars), or -1. */
static int
vchar(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Read characters into r->cur while it has room, up to the end, a NUL
 * or a bad character. */
static void
bits_fill(struct search_bits *r)
{
	int	 c;

	while (r->left <= 52 && r->p < r->end && (c = vchar((unsigned char)
	    *r->p)) >= 0) {
		r->cur = (r->cur << 6) | (uint64_t)c;
		r->left += 6;
		r->p++;
	}
}

/* The next bit, or -1 past the end or on a bad character. */
static int
bits_one(struct search_bits *r)
{
	if (r->left == 0)
		bits_fill(r);
	if (r->left == 0)
		return -1;
	r->left--;
	return (int)((r->cur >> r->left) & 1);
}

/*
 * See search/private.h.  A code whose bits are all read in already is
 * taken at once (its zeros counted by the leading zeros of the bits
 * left); a longer one bit by bit.
 */
int
search_bits_get(struct search_bits *r, int k, uint32_t *v)
{
	uint64_t	 q = 1, u, top;
	int		 z = 0, b, i, need;

	bits_fill(r);
	if (r->left > 0 && (top = r->cur << (64 - r->left)) != 0 &&
	    (need = 2 * (z = __builtin_clzll(top)) + 1 + k) <= r->left) {
		q = (r->cur >> (r->left - 2 * z - 1)) & ((2ULL << z) - 1);
		u = ((q - 1) << k) | ((r->cur >> (r->left - need)) &
		    ((1ULL << k) - 1));
		r->left -= need;
		if (u >= UINT32_MAX)
			return 0;
		*v = (uint32_t)(u + 1);
		return 1;
	}
	z = 0;
	while ((b = bits_one(r)) == 0)
		if (++z > 40)
			return 0;
	if (b < 0)
		return 0;
	for (i = 0; i < z; i++) {
		if ((b = bits_one(r)) < 0)
			return 0;
		q = (q << 1) | (uint64_t)b;
	}
	u = (q - 1) << k;
	for (i = k - 1; i >= 0; i--) {
		if ((b = bits_one(r)) < 0)
			return 0;
		u |= (uint64_t)b << i;
	}
	if (u >= UINT32_MAX)
		return 0;
	*v = (uint32_t)(u + 1);
	return 1;
}

/*
 * The code point at s[*i], *i moved past it.  The loader checked the
 * text, but a numeric character reference may still bring a
 * surrogate (html_text writes what it names): a malformed byte is
 * UTF8_BAD, one byte long, which is neither a letter nor a mark.
 */
static uint32_t
next_cp(const unsigned char *s, size_t n, size_t *i)
{
	size_t		 len;
	uint32_t	 c;

	c = utf8_decode((const char *)s + *i, n - *i, &len);
	*i += len;
	return c;
}

static int
ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * By byte: ASCII letters and digits lower-cased, 0 for other ASCII, 1
 * for the bytes of longer UTF-8 sequences.  Filled by lowtab_init
 * before any thread starts.
 */
static unsigned char lowtab[256];

static void
lowtab_init(void)
{
	int	 c;

	memset(vval, 0xff, sizeof(vval));
	for (c = 0; c < 64; c++)
		vval[(unsigned char)vchars[c]] = (unsigned char)c;
	for (c = 0; c < 256; c++)
		lowtab[c] = c >= 0x80 ? 1 : !ascii_alnum((unsigned char)c) ?
		    0 : c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) :
		    (unsigned char)c;
}

/*
 * Read the token that starts at s[*i] (a letter or digit) into tok
 * (folded), moving *i past it.  Returns its length in bytes, or
 * MAXTOK + 1 when it is longer than MAXTOK (then tok holds a prefix).
 * tok has room for MAXTOK + 8 bytes; those past the length are zero
 * up to the next multiple of eight, for whash.
 */
static size_t
token(const unsigned char *s, size_t n, size_t *i, char *tok)
{
	uint64_t	*tw = (uint64_t *)(void *)tok, cur = 0;
	size_t		 len = 0, j, k, m, p = *i, sig = 0;
	uint32_t	 c;
	unsigned char	 l = 0;
	char		 u[4];

	/*
	 * Bytes gather in cur and go to tok eight at a time: whash and
	 * eq8 read whole words, and a word read back from byte stores
	 * would stall the CPU (no store-to-load forwarding).
	 */
#define PUTB(b) do {							\
	cur |= (uint64_t)(unsigned char)(b) << ((len & 7) * 8);		\
	if ((++len & 7) == 0) {						\
		if (len <= MAXTOK)					\
			tw[(len >> 3) - 1] = cur;			\
		cur = 0;						\
	}								\
} while (0)
	for (;;) {
		while (p < n && (l = lowtab[s[p]]) > 1) {
			PUTB(l);
			p++;
		}
		if (p >= n || l == 0)
			break;
		j = p;
		c = next_cp(s, n, &j);
		/* Marks are dropped, as NFD then \p{M} removal does. */
		if (uni_mark(c)) {
			p = j;
			continue;
		}
		if (!uni_letter(c))
			break;
		p = j;
		k = utf8_encode(u, uni_fold(c));
		for (m = 0; m < k; m++)
			PUTB(u[m]);
		/* A capital sigma after a letter: final if the word ends
		 * here, as JavaScript's toLowerCase() does. */
		sig = c == 0x3a3 && len > k ? len : 0;
	}
#undef PUTB
	*i = p;
	if (len > MAXTOK)
		return MAXTOK + 1;
	if ((len & 7) != 0)
		tw[len >> 3] = cur;
	if (sig == len && len > 0)
		tok[len - 1] = (char)0x82;	/* U+03C2 */
	return len;
}

/*
 * Whether s[i] starts a token: an ASCII letter or digit or a letter
 * from U+0080.
 */
static int
token_start(const unsigned char *s, size_t n, size_t i)
{
	size_t	 j = i;

	if (s[i] < 0x80)
		return ascii_alnum(s[i]);
	return uni_letter(next_cp(s, n, &j));
}

/*
 * See search/private.h.
 */
char *
search_tokens(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t		 n = strlen(text), i = 0, len;
	struct buf	 b = { NULL, 0, 0 };
	uint64_t	 w[MAXTOK / 8 + 2];
	char		*tok = (char *)w;

	lowtab_init();
	while (i < n) {
		if (!token_start(s, n, i)) {
			if (s[i] < 0x80)
				i++;
			else
				(void)next_cp(s, n, &i);
			continue;
		}
		len = token(s, n, &i, tok);
		if (b.sz > 0)
			buf_putc(&b, ' ');
		if (len > MAXTOK)
			buf_puts(&b, "(long)");
		else
			buf_put(&b, tok, len);
	}
	buf_puts(&b, "");
	return buf_steal(&b);
}

/*
 * See search/private.h.
 */
char *
search_stem(const char *lang, const char *word)
{
	struct sb_stemmer *st;
	const sb_symbol	*r;
	char		*out;

	if ((st = sb_stemmer_new(lang, "UTF_8")) == NULL)
		return NULL;
	r = sb_stemmer_stem(st, (const sb_symbol *)word, (int)strlen(word));
	out = r ? xstrndup((const char *)r, (size_t)sb_stemmer_length(st)) :
	    NULL;
	sb_stemmer_delete(st);
	return out;
}

/*
 * See search/private.h.
 */
int
search_stemmable(const char *lang)
{
	struct sb_stemmer *st;

	if (lang == NULL || (st = sb_stemmer_new(lang, "UTF_8")) == NULL)
		return 0;
	sb_stemmer_delete(st);
	return 1;
}

/* Make room for form ids up to n in a range's per-form arrays. */
static void
range_forms(struct range *r, size_t n)
{
	size_t	 old = r->formcap;

	if (n <= old)
		return;
	r->formcap = old ? old : 1024;
	while (r->formcap < n)
		r->formcap *= 2;
	r->ldf = xreallocarray(r->ldf, r->formcap, sizeof(*r->ldf));
	r->fp = xreallocarray(r->fp, r->formcap, sizeof(*r->fp));
	memset(r->fp + old, 0, (r->formcap - old) * sizeof(*r->fp));
	memset(r->ldf + old, 0, (r->formcap - old) * sizeof(*r->ldf));
}

/*
 * One occurrence of form tok (len bytes, zero-padded to a multiple of
 * 8) in document id at position pos, with weight w (OWN or TEXT of
 * its field's); stop words are left out.
 */
static void
occ(const struct ix *x, struct range *r, uint32_t id, const char *tok,
    size_t len, uint32_t w, uint32_t pos)
{
	struct dslot	*d;
	struct tform	*ff;
	uint64_t	 h;
	size_t		 at;
	long		 f;

	h = whash(tok, len);
	if ((f = tab_find(&r->tab, tok, len, h, &at)) < 0) {
		f = tab_add(&r->tab, tok, len, h, at);
		r->tab.f[f].stop = tab_find(&x->stop, tok, len, h, &at) >= 0;
		range_forms(r, (size_t)f + 1);
	}
	ff = &r->tab.f[f];
	if (ff->stop)
		return;
	if (ff->stamp != id + 1) {
		ff->stamp = id + 1;
		if (r->dsz == r->dcap) {
			r->dcap = r->dcap ? r->dcap * 2 : 256;
			r->ds = xreallocarray(r->ds, r->dcap, sizeof(*r->ds));
		}
		ff->slot = (uint32_t)r->dsz;
		d = &r->ds[r->dsz++];
		d->form = (uint32_t)f;
		d->weight = 0;
		d->npos = 0;
	} else
		d = &r->ds[ff->slot];
	d->weight = (d->weight + (w & ~1U)) | (w & 1U);
	if (d->npos < MAXPOS)
		d->pos[d->npos++] = pos;
}

/*
 * Index the tokens of s[0..n) for document id with weight w; *pos is
 * the next position.  With marks, MARK_HEAD and MARK_BODY switch the
 * weight between headings and body.  Tokens joined by single hyphens
 * ("U-Net", "t-SNE") are also indexed joined ("unet", "tsne") at the
 * position of the first, taking no position of their own.
 */
static void
index_text(const struct ix *x, struct range *r, uint32_t id,
    const char *text, size_t n, uint32_t w, uint32_t *pos, int marks)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t		 i = 0, len, jlen = 0;
	uint64_t	 tw[MAXTOK / 8 + 2], jw[MAXTOK / 8 + 2];
	char		*tok = (char *)tw, *jt = (char *)jw;
	uint32_t	 jpos = 0;
	int		 hy, jparts = 0;

	while (i < n) {
		if (lowtab[s[i]] == 0) {
			if (marks && s[i] == MARK_HEAD)
				w = TEXT(W_HEADING);
			else if (marks && s[i] == MARK_BODY)
				w = TEXT(W_BODY);
			i++;
			continue;
		}
		if (s[i] >= 0x80 && !token_start(s, n, i)) {
			(void)next_cp(s, n, &i);
			continue;
		}
		len = token(s, n, &i, tok);
		hy = i + 1 < n && s[i] == '-' && token_start(s, n, i + 1);
		if (hy && jparts == 0) {
			memset(jw, 0, sizeof(jw));
			jlen = 0;
			jpos = *pos;
		}
		if (hy || jparts > 0) {
			if (len <= MAXTOK && jlen + len <= MAXTOK)
				memcpy(jt + jlen, tok, len);
			jlen += len;
			jparts++;
		}
		if (len <= MAXTOK)
			occ(x, r, id, tok, len, w, *pos);
		(*pos)++;
		if (!hy && jparts > 0) {
			if (jparts > 1 && jlen <= MAXTOK)
				occ(x, r, id, jt, jlen, w, jpos);
			jparts = 0;
		}
	}
}

/* Whether the tag name t[0..n) is inline (no word break). */
static int
inline_tag(const char *t, size_t n)
{
	static const char *const tags[] = { "a", "b", "i", "s", "u", "em",
	    "del", "kbd", "sub", "sup", "abbr", "code", "mark", "span",
	    "strong" };
	char		 low[8];
	size_t		 i;

	if (n > 6)
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)(t[i] | 0x20);
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (tags[i][0] == low[0] && strlen(tags[i]) == n &&
		    memcmp(tags[i], low, n) == 0)
			return 1;
	return 0;
}

/*
 * Plain text of HTML into out: tags removed (block tags become
 * spaces), numeric references and the named ones entity.c knows
 * decoded, script and style dropped, headings between MARK_HEAD and
 * MARK_BODY.
 */
static void
html_text(struct buf *out, const char *h)
{
	const char	*p = h, *q, *name, *v;
	size_t		 n, k;
	int		 close;
	unsigned long	 c;
	char		 u[4], *e;

	while (*p != '\0') {
		if ((q = strpbrk(p, "<&")) == NULL) {
			buf_puts(out, p);
			break;
		}
		buf_put(out, p, (size_t)(q - p));
		p = q;
		if (*p == '&') {
			p++;
			if (*p == '#') {
				if (p[1] == 'x' || p[1] == 'X')
					c = strtoul(p + 2, &e, 16);
				else
					c = strtoul(p + 1, &e, 10);
				if (*e == ';' && c > 0 && c < 0x110000) {
					buf_put(out, u, utf8_encode(u,
					    (uint32_t)c));
					p = e + 1;
				} else
					buf_putc(out, '&');
			} else {
				for (k = 0; ascii_alnum((unsigned char)p[k]);
				    k++)
					continue;
				if (p[k] == ';' &&
				    (v = entity_lookup(p, k)) != NULL) {
					buf_puts(out, v);
					p += k + 1;
				} else
					buf_putc(out, '&');
			}
			continue;
		}
		if (p[1] == '!' && p[2] == '-' && p[3] == '-') {
			q = strstr(p + 4, "-->");
			p = q ? q + 3 : p + strlen(p);
			continue;
		}
		close = p[1] == '/';
		name = p + 1 + close;
		for (n = 0; ascii_alnum((unsigned char)name[n]); n++)
			continue;
		/* Skip to the end of the tag, past quoted values. */
		for (q = name + n; *q != '\0' && *q != '>'; q++)
			if (*q == '"' || *q == '\'') {
				const char *z = strchr(q + 1, *q);

				if (z == NULL)
					break;
				q = z;
			}
		if (n == 0) {
			buf_putc(out, '<');
			p++;
			continue;
		}
		p = *q == '>' ? q + 1 : q + strlen(q);
		if (n == 2 && (name[0] | 0x20) == 'h' && name[1] >= '1' &&
		    name[1] <= '6') {
			buf_putc(out, ' ');
			buf_putc(out, close ? MARK_BODY : MARK_HEAD);
			buf_putc(out, ' ');
		} else if (!close && ((n == 6 &&
		    strncasecmp(name, "script", 6) == 0) || (n == 5 &&
		    strncasecmp(name, "style", 5) == 0))) {
			q = strcasestr(p, n == 6 ? "</script" : "</style");
			p = q ? q : p + strlen(p);
		} else if (!inline_tag(name, n))
			buf_putc(out, ' ');
	}
}

/*
 * Append s[0..n) as a JSON string (val_json_str), its bidirectional
 * controls balanced as buf_html does: the search page shows these
 * strings.
 */
static void
jstr(struct buf *b, const char *s, size_t n)
{
	char	*bal;
	size_t	 balsz;

	if ((bal = utf8_bidi_balance(s, n, &balsz)) == NULL) {
		val_json_str(b, s, n);
		return;
	}
	val_json_str(b, bal, balsz);
	free(bal);
}

static void
jstrz(struct buf *b, const char *s)
{
	jstr(b, s ? s : "", s ? strlen(s) : 0);
}

/*
 * A form's stems (struct ix) as JSON: one string, "" for none, or a
 * list of one per language when they differ.
 */
static void
jstems(struct buf *b, const char *s, size_t n)
{
	const char	*e;

	if (s == NULL || memchr(s, LANGSEP, n) == NULL) {
		jstr(b, s ? s : "", s ? n : 0);
		return;
	}
	buf_putc(b, '[');
	for (;;) {
		e = memchr(s, LANGSEP, n);
		jstr(b, s, e != NULL ? (size_t)(e - s) : n);
		if (e == NULL)
			break;
		buf_putc(b, ',');
		n -= (size_t)(e - s) + 1;
		s = e + 1;
	}
	buf_putc(b, ']');
}

/*
 * The excerpt of extracted text t as a JSON string: spaces collapsed,
 * at most EXCERPT characters, cut at a word (then ending in "…").
 */
static void
excerpt(struct buf *b, const char *t, size_t n)
{
	char		 x[EXCERPT * 4 + 4];
	size_t		 i, xsz = 0, cps = 0, cut = 0;
	int		 sp = 1, full = 0;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)t[i];
		if (c <= ' ') {
			sp = 1;
			continue;
		}
		if ((sp && xsz > 0) || (c & 0xc0) != 0x80) {
			if (cps + 1 + (sp && xsz > 0) >= EXCERPT) {
				full = 1;
				break;
			}
			if (sp && xsz > 0) {
				cut = xsz;
				x[xsz++] = ' ';
				cps++;
			}
			if ((c & 0xc0) != 0x80)
				cps++;
		}
		sp = 0;
		x[xsz++] = (char)c;
	}
	if (full) {
		/* One word longer than the excerpt is cut where it is. */
		if (cut > 0)
			xsz = cut;
		memcpy(x + xsz, "\xe2\x80\xa6", 3);
		xsz += 3;
	}
	jstr(b, x, xsz);
}

/*
 * The token cache: the file TOKFILE of the cache folder holds, for each
 * document of the last build, its URL, NUL, its record and NUL.  A
 * record is "KEY\n", its fragment object, "\n", then for each of its forms,
 * in order of first occurrence, vints (see vput) of the form's length,
 * its bytes, its weight, its number of positions and the positions
 * (the first, then gaps).
 * KEY hashes TOKVER, this kbgen's binary (size and time) and every
 * field of the document that its tokens and fragment depend on, so
 * that a record another kbgen or another text wrote matches nothing:
 * an edit tokenizes again one document, not every one.  Language is
 * in the key too, though only stemming (done per build) reads it.
 */
#define TOKVER	"kbgen search tokens 2"
#define TOKFILE	"search-tokens"

/*
 * File name of the cache folder, read-only in memory; NULL if absent,
 * empty, not ending in NUL (cut short) or too large.
 */
static const char *
cache_map(const struct ix *x, const char *name, size_t *sz)
{
	struct stat	 st;
	char		*path;
	void		*p = NULL;
	int		 fd;

	*sz = 0;
	path = path_join(idx_dir(x->idx), name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0 && st.st_size < (off_t)UINT32_MAX) {
			p = mmap(NULL, (size_t)st.st_size, PROT_READ,
			    MAP_PRIVATE, fd, 0);
			if (p == MAP_FAILED)
				p = NULL;
			else if (((const char *)p)[st.st_size - 1] != '\0') {
				munmap(p, (size_t)st.st_size);
				p = NULL;
			} else
				*sz = (size_t)st.st_size;
		}
		close(fd);
	}
	free(path);
	return p;
}

/* Start writing name of the cache folder anew (as name.new). */
static FILE *
cache_create(const struct ix *x, const char *name, char **path)
{
	char	*tmp;
	FILE	*f;

	*path = path_join(idx_dir(x->idx), name);
	tmp = xasprintf("%s.new", *path);
	if ((f = fopen(tmp, "we")) == NULL)
		diag_sys(tmp, "cannot create");
	free(tmp);
	return f;
}

/* Finish writing f into path (replacing it whole); 0 if it failed
 * (reported, and the file left as it was). */
static int
cache_done(FILE *f, const char *path)
{
	char	*tmp;
	int	 ok;

	tmp = xasprintf("%s.new", path);
	ok = fflush(f) == 0 && !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) == -1)
		ok = 0;
	if (!ok) {
		diag_sys(tmp, "cannot write");
		(void)unlink(tmp);
	}
	free(tmp);
	return ok;
}

/* Read TOKFILE into x's table of URLs. */
static void
tok_load(struct ix *x)
{
	const char	*p, *end, *u;
	size_t		 n = 0, j, mask;
	int		 pass;

	if ((x->tmap = cache_map(x, TOKFILE, &x->tmapsz)) == NULL)
		return;
	end = x->tmap + x->tmapsz;
	for (pass = 0; pass < 2; pass++) {
		for (p = x->tmap; p < end; ) {
			u = p;
			p += strlen(p) + 1;
			if (p >= end)
				break;	/* a URL without its record */
			p += strlen(p) + 1;
			if (pass == 0) {
				n++;
				continue;
			}
			mask = x->tslotsz - 1;
			for (j = hash64(u, strlen(u), 0) & mask;
			    x->tslot[j] != 0; j = (j + 1) & mask)
				continue;
			x->tslot[j] = (uint32_t)(u - x->tmap) + 1;
		}
		if (pass == 0) {
			for (x->tslotsz = 64; x->tslotsz < n * 2;
			    x->tslotsz *= 2)
				continue;
			x->tslot = xcalloc(x->tslotsz, sizeof(*x->tslot));
		}
	}
}

/* The kept record of url (NULL if none), and its URL's offset + 1. */
static const char *
tok_find(const struct ix *x, const char *url, uint32_t *at)
{
	size_t		 j, mask;
	const char	*u;

	if (x->tslotsz == 0)
		return NULL;
	mask = x->tslotsz - 1;
	for (j = hash64(url, strlen(url), 0) & mask; x->tslot[j] != 0;
	    j = (j + 1) & mask) {
		u = x->tmap + x->tslot[j] - 1;
		if (strcmp(u, url) == 0) {
			*at = x->tslot[j];
			return u + strlen(u) + 1;
		}
	}
	return NULL;
}

static uint64_t
hstr(uint64_t h, const char *s)
{
	size_t	 n;

	if (s == NULL)
		return hash64("\001", 1, h);
	n = strlen(s);
	h = hash64(&n, sizeof(n), h);
	return hash64(s, n, h);
}

static uint64_t
doc_key(const struct ix *x, const struct search_doc *d)
{
	uint64_t	 h = x->seed;
	size_t		 i, n = d->termsz;
	int		 t = (int)d->type;

	h = hash64(&t, sizeof(t), h);
	h = hstr(h, d->url);
	h = hstr(h, d->title);
	h = hstr(h, d->summary);
	h = hstr(h, d->language);
	h = hash64(&n, sizeof(n), h);
	for (i = 0; i < d->termsz; i++)
		h = hstr(h, d->terms[i]);
	return hstr(h, d->html);
}

/* One vint of s[*p..end), bounded; 0 if bad. */
static int
vgetb(const char **p, const char *end, uint32_t *v)
{
	uint32_t	 x = 0, c;
	int		 n = 0;

	do {
		if (*p >= end || n++ == 7)
			return 0;
		if ((c = vval[(unsigned char)*(*p)++]) == 0xff)
			return 0;
		x = (x << 5) | (c & 31);
	} while (c >= 32);
	*v = x;
	return 1;
}

/*
 * Take document id's tokens and fragment from its kept record, if it
 * has one under key: its forms become r->ds as occ would have made
 * them.  The record is read whole before anything is added, so that a
 * bad one adds no form.  Returns 0 when there is none (or it is bad).
 */
static int
tok_replay(struct ix *x, struct range *r, uint32_t id, uint64_t key)
{
	const struct search_doc *d = x->docs[id];
	char		 want[32];
	const char	*rec, *p, *end, *nl;
	size_t		 recsz, n = 0, i, at;
	uint64_t	 tw[MAXTOK / 8 + 2], h;
	struct cslot	*c;
	struct tform	*ff;
	struct dslot	*ds;
	uint32_t	 j, url;
	long		 f;

	if ((rec = tok_find(x, d->url, &url)) == NULL)
		return 0;
	recsz = strlen(rec);
	snprintf(want, sizeof(want), "%016llx\n", (unsigned long long)key);
	if (recsz < 17 || memcmp(rec, want, 17) != 0)
		return 0;
	end = rec + recsz;
	if ((nl = memchr(rec + 17, '\n', recsz - 17)) == NULL)
		return 0;
	for (p = nl + 1; p < end; n++) {
		if (n == r->ccap) {
			r->ccap = r->ccap ? r->ccap * 2 : 256;
			r->cs = xreallocarray(r->cs, r->ccap, sizeof(*r->cs));
		}
		c = &r->cs[n];
		if (!vgetb(&p, end, &c->len) || c->len == 0 ||
		    c->len > MAXTOK || (size_t)(end - p) < c->len)
			return 0;
		c->s = p;
		p += c->len;
		if (!vgetb(&p, end, &c->weight) ||
		    !vgetb(&p, end, &c->npos) || c->npos == 0 ||
		    c->npos > MAXPOS)
			return 0;
		for (j = 0; j < c->npos; j++) {
			if (!vgetb(&p, end, &c->pos[j]))
				return 0;
			if (j > 0)
				c->pos[j] += c->pos[j - 1];
		}
		memset(tw, 0, sizeof(tw));
		memcpy(tw, c->s, c->len);
		if (tab_find(&x->stop, (const char *)tw, c->len,
		    whash((const char *)tw, c->len), &at) >= 0)
			return 0;
	}
	for (i = 0; i < n; i++) {
		c = &r->cs[i];
		memset(tw, 0, sizeof(tw));
		memcpy(tw, c->s, c->len);
		h = whash((const char *)tw, c->len);
		if ((f = tab_find(&r->tab, (const char *)tw, c->len, h,
		    &at)) < 0) {
			f = tab_add(&r->tab, (const char *)tw, c->len, h, at);
			range_forms(r, (size_t)f + 1);
		}
		ff = &r->tab.f[f];
		if (ff->stamp == id + 1) {
			/* Twice in a record (no kbgen writes that): once. */
			continue;
		}
		ff->stamp = id + 1;
		if (r->dsz == r->dcap) {
			r->dcap = r->dcap ? r->dcap * 2 : 256;
			r->ds = xreallocarray(r->ds, r->dcap, sizeof(*r->ds));
		}
		ff->slot = (uint32_t)r->dsz;
		ds = &r->ds[r->dsz++];
		ds->form = (uint32_t)f;
		ds->weight = c->weight;
		ds->npos = c->npos;
		memcpy(ds->pos, c->pos, c->npos * sizeof(*c->pos));
	}
	x->frags[id] = xstrndup(rec + 17, (size_t)(nl - (rec + 17)));
	x->hit[id] = url;
	return 1;
}

/*
 * Add to r->rec the record to keep of document id, just tokenized (see
 * TOKVER); its offset + 1, or 0 for none.  The records of a range
 * share one buffer, which goes back whole once they are written: a
 * full build makes one for every document.
 */
static size_t
tok_record(const struct ix *x, struct range *r, uint32_t id,
    uint64_t key)
{
	struct buf	*b = &r->rec;
	const struct tform *f;
	const struct dslot *s;
	char		 o[8];
	size_t		 i, j, at = b->sz;

	if (strchr(x->frags[id], '\n') != NULL)
		return 0;
	buf_printf(b, "%016llx\n", (unsigned long long)key);
	buf_puts(b, x->frags[id]);
	buf_putc(b, '\n');
	for (i = 0; i < r->dsz; i++) {
		s = &r->ds[i];
		f = &r->tab.f[s->form];
		buf_put(b, o, vput(o, f->len));
		buf_put(b, r->tab.strs + f->off, f->len);
		buf_put(b, o, vput(o, s->weight));
		buf_put(b, o, vput(o, s->npos));
		for (j = 0; j < s->npos; j++)
			buf_put(b, o, vput(o, j == 0 ? s->pos[0] :
			    s->pos[j] - s->pos[j - 1]));
	}
	buf_putc(b, '\0');
	return at + 1;
}

/*
 * Write to x->tf the records of the documents of ranges [lo, hi):
 * those made in this build, whose buffers then go back, and those
 * taken from the last.
 */
static void
tok_keep(struct ix *x, size_t lo, size_t hi)
{
	struct range	*r;
	const char	*u;
	size_t		 ri, id;

	for (ri = lo; ri < hi; ri++) {
		r = &x->rs[ri];
		for (id = r->lo; x->tf != NULL && id < r->hi; id++) {
			if (x->keep[id] != 0) {
				u = x->docs[id]->url;
				fwrite(u, 1, strlen(u) + 1, x->tf);
				x->toff += strlen(u) + 1;
				u = r->rec.data + x->keep[id] - 1;
			} else if (x->hit[id] != 0) {
				u = x->tmap + x->hit[id] - 1;
				fwrite(u, 1, strlen(u) + 1, x->tf);
				x->toff += strlen(u) + 1;
				u += strlen(u) + 1;
			} else
				continue;
			/* Where the kept index finds it (keep_write). */
			x->roff[id] = x->toff;
			x->rlen[id] = strlen(u);
			fwrite(u, 1, x->rlen[id] + 1, x->tf);
			x->toff += x->rlen[id] + 1;
		}
		buf_free(&r->rec);
	}
}

/* Append s and its NUL to b, or SOH and NUL for none. */
static void
tput(struct buf *b, const char *s)
{
	if (s != NULL)
		buf_put(b, s, strlen(s) + 1);
	else
		buf_put(b, "\001", 2);
}

/* A document's first value of facet f, or "". */
static const char *
facet1(const struct search_doc *d, int f)
{
	return d->facetsz[f] > 0 && d->facets[f][0] != NULL ?
	    d->facets[f][0] : "";
}

/*
 * What fixes a document's place among the others: its type, URL,
 * language, example state and kind (doc_cmp); *fh gets the hash of its
 * part of meta.js's facets, every facet value.  A patch needs each
 * changed document's place to be the same.  b is scratch.
 */
static uint64_t
doc_tuple(const struct search_doc *d, struct buf *b, uint64_t *fh)
{
	size_t		 f, j;

	/* One string hashed once: a full build makes one a document. */
	buf_reset(b);
	for (f = 0; f < SEARCH__FACETS; f++) {
		buf_put(b, (const char *)&d->facetsz[f],
		    sizeof(d->facetsz[f]));
		for (j = 0; j < d->facetsz[f]; j++) {
			buf_putc(b, d->fparent[f] == NULL ||
			    j < d->facetown[f] ? 'o' : 'i');
			tput(b, d->facets[f][j]);
			tput(b, d->fparent[f] ? d->fparent[f][j] : NULL);
		}
	}
	*fh = hash64(b->data, b->sz, 0);
	buf_reset(b);
	buf_putc(b, (char)('0' + d->type));
	tput(b, d->url);
	tput(b, d->language);
	tput(b, facet1(d, SEARCH_STATUS));
	tput(b, facet1(d, SEARCH_KIND));
	return hash64(b->data, b->sz, 0);
}

/* Tokenize document id into r->ds and write its fragment. */
static void
doc_tokenize(struct ix *x, struct range *r, size_t id, struct buf *fr)
{
	const struct search_doc *d = x->docs[id];
	uint32_t	 pos = 0;
	size_t		 i;

	if (d->title != NULL)
		index_text(x, r, (uint32_t)id, d->title,
		    strlen(d->title), OWN(W_TITLE), &pos, 0);
	pos += GAP;
	if (d->summary != NULL)
		index_text(x, r, (uint32_t)id, d->summary,
		    strlen(d->summary), TEXT(W_SUMMARY), &pos, 0);
	for (i = 0; i < d->termsz; i++) {
		/* Words of two terms are never adjacent either. */
		pos += GAP;
		index_text(x, r, (uint32_t)id, d->terms[i],
		    strlen(d->terms[i]), OWN(W_TERMS), &pos, 0);
	}
	pos += GAP;
	buf_reset(&r->text);
	if (d->html != NULL)
		html_text(&r->text, d->html);
	index_text(x, r, (uint32_t)id, r->text.data ? r->text.data :
	    "", r->text.sz, TEXT(W_BODY), &pos, 1);

	/* Its fragment object. */
	buf_reset(fr);
	buf_puts(fr, "{\"u\":");
	jstrz(fr, d->url);
	buf_puts(fr, ",\"t\":");
	jstrz(fr, d->title);
	/* Type and chips come from meta.js's facets; the body's
	 * excerpt only where no summary stands for it. */
	if (d->summary != NULL && *d->summary != '\0') {
		buf_puts(fr, ",\"s\":");
		jstrz(fr, d->summary);
	} else {
		buf_puts(fr, ",\"x\":");
		excerpt(fr, r->text.data ? r->text.data : "",
		    r->text.sz);
	}
	buf_putc(fr, '}');
	x->frags[id] = buf_steal(fr);
}

/*
 * Tokenize the documents of range x->wave + ri (or take their kept
 * records) and write their fragments.
 */
static void
index_range(void *arg, size_t ri)
{
	struct ix	*x = arg;
	struct range	*r = &x->rs[x->wave + ri];
	struct buf	 fr = { NULL, 0, 0 };
	size_t		 id, i, j;
	struct dslot	*s;
	struct fpost	*fp;
	uint64_t	 key = 0;
	char		*o;

	tab_init(&r->tab);
	for (id = r->lo; id < r->hi; id++) {
		r->dsz = 0;
		if (x->tuple != NULL)
			x->tuple[id] = doc_tuple(x->docs[id], &r->text,
			    &x->ftuple[id]);
		if (x->idx != NULL)
			key = doc_key(x, x->docs[id]);
		if (x->idx == NULL ||
		    !tok_replay(x, r, (uint32_t)id, key)) {
			r->dsz = 0;
			r->ntok++;
			doc_tokenize(x, r, id, &fr);
			if (x->idx != NULL)
				x->keep[id] = tok_record(x, r,
				    (uint32_t)id, key);
		}

		/* The document's postings. */
		for (i = 0; i < r->dsz; i++) {
			s = &r->ds[i];
			fp = &r->fp[s->form];
			/* At most 7 bytes a vint, 3 + MAXPOS of them. */
			if (fp->sz + 7 * (3 + MAXPOS) > fp->cap) {
				fp->cap = fp->cap ? fp->cap * 2 : 64;
				if (fp->cap < 7 * (3 + MAXPOS))
					fp->cap = 7 * (3 + MAXPOS);
				fp->p = xrealloc(fp->p, fp->cap);
			}
			o = fp->p + fp->sz;
			if (fp->docs++ == 0) {
				fp->first = (uint32_t)id;
				fp->firstsz = (uint32_t)vput(o, (uint32_t)id);
				o += fp->firstsz;
			} else
				o += vput(o, (uint32_t)id - fp->last);
			fp->last = (uint32_t)id;
			o += vput(o, s->weight);
			o += vput(o, s->npos);
			for (j = 0; j < s->npos; j++)
				o += vput(o, j == 0 ? s->pos[0] :
				    s->pos[j] - s->pos[j - 1]);
			fp->sz = (uint32_t)(o - fp->p);
			r->ldf[s->form]++;
		}
	}
	buf_free(&fr);
}

static const struct ix *sort_ix;	/* for the qsort comparators */

static int
form_cmp(const void *a, const void *b)
{
	const struct tform *fa = &sort_ix->g.f[*(const uint32_t *)a];
	const struct tform *fb = &sort_ix->g.f[*(const uint32_t *)b];
	int	 c;

	c = memcmp(sort_ix->g.strs + fa->off, sort_ix->g.strs + fb->off,
	    fa->len < fb->len ? fa->len : fb->len);
	if (c != 0)
		return c;
	return fa->len < fb->len ? -1 : fa->len > fb->len;
}


static int
doc_cmp(const void *a, const void *b)
{
	const struct search_doc *da = *(const struct search_doc *const *)a;
	const struct search_doc *db = *(const struct search_doc *const *)b;
	int	 c;

	if (da->type != db->type)
		return da->type < db->type ? -1 : 1;
	if ((c = strcmp(facet1(da, SEARCH_STATUS),
	    facet1(db, SEARCH_STATUS))) != 0)
		return c;
	if ((c = strcmp(facet1(da, SEARCH_KIND), facet1(db, SEARCH_KIND))) != 0)
		return c;
	return strcmp(da->url ? da->url : "", db->url ? db->url : "");
}

#define STEMBLK	1024	/* forms stemmed by one call */

/* Scratch for encoding postings, one per thread. */
struct enc {
	uint32_t	*v;	/* decoded values */
	size_t		 vsz, vcap;
	struct buf	 b;	/* postings string */
	struct buf	 q;	/* positions string */
};

static void	 encode_vals(struct enc *, uint32_t, const uint64_t *,
		    const uint64_t *);

/* Room in e for need values, none yet; the histograms hd and hp (65
 * each, see encode_vals) emptied. */
static void
enc_start(struct enc *e, size_t need, uint64_t *hd, uint64_t *hp)
{
	if (need > e->vcap) {
		e->vcap = need;
		e->v = xreallocarray(e->v, e->vcap, sizeof(*e->v));
	}
	memset(hd, 0, 65 * sizeof(*hd));
	memset(hp, 0, 65 * sizeof(*hp));
	e->vsz = 0;
}

/*
 * The postings and positions strings of form g (SEARCH.md) into e->b
 * and e->q: its ranges' vint strings decoded, document ids and
 * positions made gaps of at least 1, the orders of their codes
 * picked, then written as codes.
 */
static void
encode_form(const struct ix *x, uint32_t g, struct enc *e)
{
	const struct fpost *fp;
	const char	*p, *end;
	uint64_t	 hd[65], hp[65];
	int64_t		 prev = -1;
	uint32_t	 l, n = 0, np, j, v;
	size_t		 i, k, need = 0;

	for (i = 0; i < x->rsz; i++)
		if ((l = x->rs[i].inv[g]) != NONE)
			need += x->rs[i].fp[l].sz;
	enc_start(e, need, hd, hp);
	/* Values: doc gap, weight, npos, then first position + 1 and
	 * position gaps; the vints had the first of each range absolute
	 * and the first position absolute. */
	for (i = 0; i < x->rsz; i++) {
		if ((l = x->rs[i].inv[g]) == NONE)
			continue;
		fp = &x->rs[i].fp[l];
		p = fp->p;
		end = fp->p + fp->sz;
		for (j = 0; p < end; j++) {
			v = vget(&p);
			if (j == 0) {
				v = (uint32_t)((int64_t)v - prev);
				prev = (int64_t)fp->first;
			} else
				prev += v;
			hd[bitlen(v - 1)]++;
			e->v[e->vsz++] = v;
			e->v[e->vsz++] = vget(&p);
			e->v[e->vsz++] = np = vget(&p);
			for (k = 0; k < np; k++) {
				v = vget(&p) + (k == 0);
				hp[bitlen(v - 1)]++;
				e->v[e->vsz++] = v;
			}
			n++;
		}
	}
	encode_vals(e, n, hd, hp);
}

/*
 * Write the values e->v[0..e->vsz) of n postings (document gap, weight,
 * number of positions, positions) as the postings and positions
 * strings into e->b and e->q; hd and hp count the bit lengths of the
 * gaps' and positions' values less one.
 */
static void
encode_vals(struct enc *e, uint32_t n, const uint64_t *hd,
    const uint64_t *hp)
{
	int64_t		 prevown;
	uint32_t	 np, j, nown;
	size_t		 i, k;
	struct bw	 w, wq;
	int		 kd, kp;

	kd = best_k(hd);
	kp = best_k(hp);
	buf_reset(&e->b);
	buf_reset(&e->q);
	memset(&w, 0, sizeof(w));
	memset(&wq, 0, sizeof(wq));
	w.b = &e->b;
	wq.b = &e->q;
	bw_code(&w, n, 0);
	bw_code(&w, (uint32_t)kd + 1, 0);
	bw_code(&wq, (uint32_t)kp + 1, 0);
	for (i = 0, nown = 0; i < e->vsz; ) {
		bw_code(&w, e->v[i++], kd);
		/* The weight; own words are listed after. */
		nown += e->v[i] & 1;
		bw_code(&w, e->v[i++] >> 1, 0);
		bw_code(&wq, np = e->v[i++], 0);
		for (k = 0; k < np; k++)
			bw_code(&wq, e->v[i++], kp);
	}
	/* The documents whose own words hold the form: few, so their
	 * places among the postings cost less than a bit on each. */
	bw_code(&w, nown + 1, 0);
	for (i = 0, j = 0, prevown = -1; i < e->vsz; j++) {
		if (e->v[i + 1] & 1) {
			bw_code(&w, (uint32_t)((int64_t)j - prevown), 0);
			prevown = j;
		}
		i += 3 + e->v[i + 2];
	}
	bw_end(&w);
	bw_end(&wq);
}

/*
 * The forms kept: the file FORMFILE of the cache folder holds "SEED\n",
 * then per form of the dictionary its
 * KEY (16 hex digits), vints of its stem's length + 1 (0: no stem) and
 * the stem, of its postings string's length and the string, and of its
 * positions string's length and the string.  KEY hashes the seed, the
 * form, the languages it is stemmed in and its postings as the ranges
 * hold them, so that a form whose documents and occurrences are the
 * same takes its stem and strings from here instead of the stemmer and
 * encode_form: an edit encodes again only the forms it touches.
 */
#define FORMFILE	"search-forms"

static uint64_t
form_key(const struct ix *x, uint32_t g)
{
	const struct tform *f = &x->g.f[g];
	const struct fpost *fp;
	uint64_t	 h = x->seed;
	uint32_t	 l;
	size_t		 i;

	h = hash64(&f->len, sizeof(f->len), h);
	h = hash64(x->g.strs + f->off, f->len, h);
	for (i = 0; i < x->langsz; i++)
		h = hstr(h, x->langs[i]);
	for (i = 0; i < x->rsz; i++) {
		if ((l = x->rs[i].inv[g]) == NONE)
			continue;
		fp = &x->rs[i].fp[l];
		h = hash64(&i, sizeof(i), h);
		h = hash64(&fp->sz, sizeof(fp->sz), h);
		h = hash64(fp->p, fp->sz, h);
	}
	return h != 0 ? h : 1;
}

/* Read the kept forms' record into x's table; nothing if there is none
 * or it is bad. */
static void
forms_read(struct ix *x)
{
	char		 want[32];
	const char	*rec, *p, *end, *e;
	size_t		 mapsz, recsz, n = 0, j, mask;
	uint32_t	 v;
	uint64_t	 k;
	int		 pass;

	if ((rec = cache_map(x, FORMFILE, &mapsz)) == NULL)
		return;
	recsz = mapsz - 1;	/* the NUL that ends it */
	snprintf(want, sizeof(want), "%016llx\n", (unsigned long long)x->seed);
	if (recsz < 17 || memcmp(rec, want, 17) != 0) {
		munmap((void *)rec, mapsz);
		return;
	}
	end = rec + recsz;
	/* Count and check, then fill. */
	for (pass = 0; pass < 2; pass++) {
		for (p = rec + 17; p < end; ) {
			e = p;
			if (end - p < 16)
				goto bad;
			for (k = 0, j = 0; j < 16; j++) {
				if (!((p[j] >= '0' && p[j] <= '9') ||
				    (p[j] >= 'a' && p[j] <= 'f')))
					goto bad;
				k = k << 4 | (uint64_t)(p[j] <= '9' ?
				    p[j] - '0' : p[j] - 'a' + 10);
			}
			p += 16;
			for (j = 0; j < 3; j++) {
				if (!vgetb(&p, end, &v))
					goto bad;
				if (j == 0 && v > 0)
					v--;
				if ((size_t)(end - p) < v)
					goto bad;
				p += v;
			}
			if (pass == 0) {
				n++;
				continue;
			}
			mask = x->fcsz - 1;
			for (j = k & mask; x->fck[j] != 0 && x->fck[j] != k;
			    j = (j + 1) & mask)
				continue;
			x->fck[j] = k;
			x->fco[j] = (uint32_t)(e - rec);
		}
		if (pass == 0) {
			if (recsz >= UINT32_MAX)
				goto bad;
			for (x->fcsz = 64; x->fcsz < n * 2; x->fcsz *= 2)
				continue;
			x->fck = xcalloc(x->fcsz, sizeof(*x->fck));
			x->fco = xcalloc(x->fcsz, sizeof(*x->fco));
		}
	}
	x->frec = rec;
	x->frecsz = recsz;
	x->fcn = n;
	return;
bad:
	free(x->fck);
	free(x->fco);
	x->fck = NULL;
	x->fco = NULL;
	x->fcsz = 0;
	munmap((void *)rec, mapsz);
}

/* Take form g's stem and strings from the kept record under key. */
static int
forms_take(struct ix *x, uint32_t g, uint64_t key)
{
	const char	*p, *q, *end;
	size_t		 j, mask;
	uint32_t	 sl = 0, bl = 0, ql = 0;

	if (x->fcsz == 0)
		return 0;
	mask = x->fcsz - 1;
	for (j = key & mask; x->fck[j] != key; j = (j + 1) & mask)
		if (x->fck[j] == 0)
			return 0;
	/* Read whole by forms_read. */
	p = x->frec + x->fco[j] + 16;
	end = x->frec + x->frecsz;
	(void)vgetb(&p, end, &sl);
	if (sl > 0)
		x->stems[g] = xstrndup(p, sl - 1);
	x->fso[g] = (size_t)(p - x->frec);
	p += sl > 0 ? sl - 1 : 0;
	(void)vgetb(&p, end, &bl);
	q = p;
	x->fbo[g] = (size_t)(q - x->frec);
	p += bl;
	(void)vgetb(&p, end, &ql);
	x->fqo[g] = (size_t)(p - x->frec);
	/* Both strings in one allocation, as stem_block makes them. */
	x->enc[g] = xmalloc((size_t)bl + ql + 2);
	memcpy(x->enc[g], q, bl);
	x->enc[g][bl] = '\0';
	memcpy(x->enc[g] + bl + 1, p, ql);
	x->enc[g][bl + 1 + ql] = '\0';
	x->encsz[g] = bl;
	x->encqsz[g] = ql;
	return 1;
}

/* Write v as a vint (see vput) to f; its length. */
static size_t
fputs_vint(FILE *f, uint32_t v)
{
	char	 o[8];
	size_t	 n = vput(o, v);

	fwrite(o, 1, n, f);
	return n;
}

/* Keep every form's stem and strings for the next build. */
static int
forms_keep(struct ix *x)
{
	char		*path;
	size_t		 i, sl, at;
	uint32_t	 g;
	FILE		*f;

	if ((f = cache_create(x, FORMFILE, &path)) == NULL) {
		free(path);
		return 0;
	}
	fprintf(f, "%016llx\n", (unsigned long long)x->seed);
	at = 17;
	for (i = 0; i < x->g.fsz; i++) {
		g = x->sorted[i];
		sl = x->stems[g] != NULL ? strlen(x->stems[g]) + 1 : 0;
		fprintf(f, "%016llx", (unsigned long long)x->fkey[g]);
		at += 16 + fputs_vint(f, (uint32_t)sl);
		x->fso[g] = at;
		if (sl > 0)
			fwrite(x->stems[g], 1, sl - 1, f);
		at += sl > 0 ? sl - 1 : 0;
		at += fputs_vint(f, (uint32_t)x->encsz[g]);
		x->fbo[g] = at;
		fwrite(x->enc[g], 1, x->encsz[g], f);
		at += x->encsz[g];
		at += fputs_vint(f, (uint32_t)x->encqsz[g]);
		x->fqo[g] = at;
		fwrite(x->enc[g] + x->encsz[g] + 1, 1, x->encqsz[g], f);
		at += x->encqsz[g];
	}
	fputc('\0', f);
	i = cache_done(f, path);
	free(path);
	return (int)i;
}

static char	*stem_str(const struct ix *, struct sb_stemmer **,
		    const char *, size_t, struct buf *);

/*
 * Form g's stems in x's languages into x->stems[g] (see struct ix):
 * NULL when each is the form itself, one stem when all agree, else one
 * per language joined by LANGSEP, "" where it is the form itself.  b is
 * scratch.
 */
static void
stem_form(struct ix *x, struct sb_stemmer **st, uint32_t g,
    struct buf *b)
{
	const struct tform *f = &x->g.f[g];

	x->stems[g] = stem_str(x, st, x->g.strs + f->off, f->len, b);
}

/* The stems of form[0..flen) as stem_form says (new string), or NULL. */
static char *
stem_str(const struct ix *x, struct sb_stemmer **st, const char *form,
    size_t flen, struct buf *b)
{
	const sb_symbol	*s;
	size_t		 l, n, off[MAXLANG], len[MAXLANG];
	int		 same = 1, asis = 1, k;

	buf_reset(b);
	for (l = 0; l < x->langsz; l++) {
		s = st[l] == NULL ? NULL : sb_stemmer_stem(st[l],
		    (const sb_symbol *)form, (int)flen);
		n = 0;
		if (s != NULL && (k = sb_stemmer_length(st[l])) > 0 &&
		    ((size_t)k != flen || memcmp(s, form, flen) != 0))
			n = (size_t)k;
		if (l > 0)
			buf_putc(b, LANGSEP);
		off[l] = b->sz;
		len[l] = n;
		if (n > 0) {
			buf_put(b, (const char *)s, n);
			asis = 0;
		}
		if (l > 0 && (n != len[0] || memcmp(b->data + off[0],
		    b->data + off[l], n) != 0))
			same = 0;
	}
	if (asis)
		return NULL;
	return same ? xstrndup(b->data + off[0], len[0]) :
	    xstrndup(b->data, b->sz);
}

/*
 * Stem block bi of the sorted forms in every language of x (stem_form).
 * Snowball stemmers are not thread-safe: each call has its own.  Then
 * encode their postings.  A form kept as it is (forms_take) is neither
 * stemmed nor encoded.
 */
static void
stem_block(void *arg, size_t bi)
{
	struct ix	*x = arg;
	struct sb_stemmer *st[MAXLANG];
	size_t		 i, lo = bi * STEMBLK, hi = lo + STEMBLK, l;
	struct buf	 sb = { NULL, 0, 0 };
	struct enc	 e;
	uint32_t	 g;
	int		 made = 0;

	memset(st, 0, sizeof(st));
	if (hi > x->g.fsz)
		hi = x->g.fsz;
	for (i = lo; i < hi; i++) {
		g = x->sorted[i];
		if (x->fkey != NULL) {
			x->fkey[g] = form_key(x, g);
			if ((x->fhit[g] = (unsigned char)forms_take(x, g,
			    x->fkey[g])) != 0)
				continue;
		}
		if (!made) {
			/* Each known to exist (search_stemmable). */
			for (l = 0; l < x->langsz; l++)
				st[l] = sb_stemmer_new(x->langs[l], "UTF_8");
			made = 1;
		}
		stem_form(x, st, g, &sb);
	}
	buf_free(&sb);
	memset(&e, 0, sizeof(e));
	for (i = lo; i < hi; i++) {
		g = x->sorted[i];
		if (x->enc[g] != NULL)
			continue;
		encode_form(x, g, &e);
		/* Both strings in one allocation: postings NUL positions. */
		x->encsz[g] = e.b.sz;
		x->encqsz[g] = e.q.sz;
		x->enc[g] = xmalloc(e.b.sz + e.q.sz + 2);
		memcpy(x->enc[g], e.b.data, e.b.sz + 1);
		memcpy(x->enc[g] + e.b.sz + 1, e.q.data, e.q.sz + 1);
	}
	free(e.v);
	buf_free(&e.b);
	buf_free(&e.q);
	for (l = 0; l < MAXLANG; l++)
		if (st[l] != NULL)
			sb_stemmer_delete(st[l]);
}

/* The bytes of a file calling kbSearch.load(NAME, data) into b. */
static void
load_bytes(const char *name, const struct buf *data, struct buf *b)
{
	buf_reset(b);
	buf_grow(b, data->sz + strlen(name) + 32);
	buf_puts(b, "kbSearch.load(\"");
	buf_puts(b, name);
	buf_puts(b, "\",");
	buf_put(b, data->data ? data->data : "", data->sz);
	buf_puts(b, ");\n");
}

/* Write one file "search/NAME.js" calling kbSearch.load(NAME, data). */
static int
put_file(struct ix *x, struct site_out *so, const char *name,
    struct buf *data)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*path;
	int		 rc;

	load_bytes(name, data, &b);
	path = xasprintf("search/%s.js", name);
	rc = site_out_put(so, path, b.data, b.sz);
	if (!rc)
		x->ok = 0;
	free(path);
	buf_free(&b);
	return rc;
}

/* The shard key of a form (SEARCH.md) into key. */
static void
shard_key(const char *s, size_t n, char *key)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t		 i = 0, k = 0, m;
	uint32_t	 c;

	for (m = 0; m < 2 && i < n; m++) {
		c = next_cp(u, n, &i);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			key[k++] = (char)c;
		else
			k += (size_t)sprintf(key + k, "_%x", c);
	}
	key[k] = '\0';
}

/*
 * The bytes of pack pi: postings (search/p/) or, with q, positions
 * (q/), of the forms v[lo..hi) that are not inline.
 */
static void
pack_bytes(const struct fview *v, size_t lo, size_t hi, size_t pi, int q,
    struct buf *b)
{
	size_t		 i, sz = 0;
	int		 first;

	for (i = lo; i < hi; i++)
		sz += v[i].len + (q ? v[i].qsz : v[i].bsz) + 6;
	buf_reset(b);
	buf_grow(b, sz + 64);
	buf_printf(b, "kbSearch.load(\"%c/%zu\",{", q ? 'q' : 'p', pi);
	for (i = lo, first = 1; i < hi; i++) {
		if (v[i].pack == NONE)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		/* Forms are letters and digits: nothing to escape. */
		buf_putc(b, '"');
		buf_put(b, v[i].s, v[i].len);
		buf_puts(b, "\":\"");
		if (q)
			buf_put(b, v[i].q, v[i].qsz);
		else
			buf_put(b, v[i].b, v[i].bsz);
		buf_putc(b, '"');
	}
	buf_puts(b, "});\n");
}

/* Write pack pi, p/ or q/, of x's views; its hash into x->phash. */
static void
write_pack1(struct ix *x, size_t pi, int q)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		*plo = q ? x->qpacklo : x->packlo;
	char		*path;

	pack_bytes(x->fv, plo[pi], plo[pi + 1], pi, q, &b);
	path = xasprintf("search/%c/%zu.js", q ? 'q' : 'p', pi);
	if (!site_out_put(x->so, path, b.data, b.sz))
		x->ok = 0;
	free(path);
	buf_free(&b);
}

/* Write postings pack pi, or positions pack pi - packsz. */
static void
write_pack(void *arg, size_t pi)
{
	struct ix	*x = arg;

	if (pi < x->packsz)
		write_pack1(x, pi, 0);
	else
		write_pack1(x, pi - x->packsz, 1);
}

/*
 * The pack of form i (sorted index) taking sz bytes, packs being cut at
 * about limit bytes: *n is the current pack, *cur its bytes so far, lo
 * the first form of each pack.
 */
static uint32_t
pack_of(size_t *lo, size_t *n, size_t *cur, size_t i, size_t sz,
    size_t limit)
{
	if (*cur > 0 && *cur + sz > limit) {
		lo[++*n] = i;
		*cur = 0;
	}
	*cur += sz;
	return (uint32_t)*n;
}

/*
 * Packs: forms v[0..nf) in dictionary order, cut at about PACK bytes of
 * postings, and apart at about QPACK bytes of positions; short
 * postings stay in the shard (pack NONE).  *plo and *qlo (new arrays)
 * get each pack's first form and, last, nf; *np and *nq their counts.
 */
static void
layout(struct fview *v, size_t nf, size_t **plo, size_t *np, size_t **qlo,
    size_t *nq)
{
	size_t		 i, cur_sz = 0, npack = 0, cur_qsz = 0, nqpack = 0;

	*plo = xcalloc(nf + 2, sizeof(**plo));
	*qlo = xcalloc(nf + 2, sizeof(**qlo));
	for (i = 0; i < nf; i++) {
		/* Short postings go in the shard: no second round. */
		if (v[i].bsz + v[i].qsz <= INLINE) {
			v[i].pack = v[i].qpack = NONE;
			continue;
		}
		v[i].pack = pack_of(*plo, &npack, &cur_sz, i,
		    v[i].len + v[i].bsz + 6, PACK);
		v[i].qpack = pack_of(*qlo, &nqpack, &cur_qsz, i,
		    v[i].len + v[i].qsz + 6, QPACK);
	}
	(*plo)[++npack] = nf;
	(*qlo)[++nqpack] = nf;
	*np = npack;
	*nq = nqpack;
}

/* The end of the shard that starts at form lo of v[0..nf); its key. */
static size_t
shard_end(const struct fview *v, size_t nf, size_t lo, char *key)
{
	char	 k2[32];
	size_t	 i;

	shard_key(v[lo].s, v[lo].len, key);
	for (i = lo + 1; i < nf; i++) {
		shard_key(v[i].s, v[i].len, k2);
		if (strcmp(k2, key) != 0)
			break;
	}
	return i;
}

/* The data of the shard of forms v[lo..hi) into sh. */
static void
shard_bytes(const struct fview *v, size_t lo, size_t hi, struct buf *sh)
{
	size_t	 i;

	buf_reset(sh);
	buf_putc(sh, '[');
	for (i = lo; i < hi; i++) {
		if (i > lo)
			buf_putc(sh, ',');
		buf_putc(sh, '[');
		jstr(sh, v[i].s, v[i].len);
		buf_putc(sh, ',');
		jstems(sh, v[i].stem, v[i].stemsz);
		buf_printf(sh, ",%u,", v[i].df);
		if (v[i].pack == NONE) {
			jstr(sh, v[i].b, v[i].bsz);
			buf_putc(sh, ',');
			jstr(sh, v[i].q, v[i].qsz);
		} else
			buf_printf(sh, "%u,%u", v[i].pack, v[i].qpack);
		buf_putc(sh, ']');
	}
	buf_putc(sh, ']');
}

/* Postings packs and dictionary shards. */
static void
write_dict(struct ix *x, struct site_out *so, struct buf *meta, int jobs)
{
	struct buf	 sh = { NULL, 0, 0 };
	size_t		 i, hi, nq;
	char		 key[32], name[48];

	layout(x->fv, x->g.fsz, &x->packlo, &x->packsz, &x->qpacklo, &nq);
	par_for(x->packsz + nq, jobs, write_pack, x);

	/* Shards: forms with the same key are contiguous. */
	buf_printf(meta, "\"packs\":%zu,\"qpacks\":%zu,\"dict\":[",
	    x->packsz, nq);
	x->qpacksz = nq;
	x->shlo = xcalloc(x->g.fsz + 1, sizeof(*x->shlo));
	for (i = 0; i < x->g.fsz; i = hi) {
		hi = shard_end(x->fv, x->g.fsz, i, key);
		x->shlo[x->shsz++] = i;
		if (i > 0)
			buf_putc(meta, ',');
		jstrz(meta, key);
		shard_bytes(x->fv, i, hi, &sh);
		snprintf(name, sizeof(name), "d/%s", key);
		put_file(x, so, name, &sh);
	}
	buf_puts(meta, "],");
	buf_free(&sh);
}

/* A (value, document) pair of a facet. */
struct fpair {
	const char	*v;
	const char	*parent;	/* its parent value, may be NULL */
	uint32_t	 doc;
	int		 own;	/* the document's own, not inherited */
};

static int
fpair_cmp(const void *a, const void *b)
{
	const struct fpair *pa = a, *pb = b;
	int	 c = pa->v == pb->v ? 0 : strcmp(pa->v, pb->v);

	return c != 0 ? c : pa->doc < pb->doc ? -1 : pa->doc > pb->doc;
}

/* A facet value: its pairs [lo, hi). */
struct fval {
	size_t		 lo, hi;
	const struct fpair *p;
};

static int
fval_cmp(const void *a, const void *b)
{
	const struct fval *va = a, *vb = b;

	if (va->hi - va->lo != vb->hi - vb->lo)
		return va->hi - va->lo > vb->hi - vb->lo ? -1 : 1;
	return strcmp(va->p[va->lo].v, vb->p[vb->lo].v);
}

/*
 * Append the sorted distinct ids[0..n) as a JSON bit string (SEARCH.md):
 * gamma(mode + 1), gamma(count + 1), gamma(k + 1), then either the
 * ids as gaps (mode 0: id + 1 first, then id - previous) or runs of
 * consecutive ids (mode 1: the gap from the previous run's last id,
 * or start + 1, then the run's length), whichever is shorter.
 */
static void
facet_list(struct buf *m, const uint32_t *ids, size_t n)
{
	uint64_t	 hg[65], hr[65], cg = 0, cr = 0;
	uint32_t	 v;
	int64_t		 prev;
	size_t		 i, j, runs = 0;
	int		 kg, kr, b;
	struct buf	 t = { NULL, 0, 0 };
	struct bw	 w = { &t, 0, 0 };

	memset(hg, 0, sizeof(hg));
	memset(hr, 0, sizeof(hr));
	for (prev = -1, i = 0; i < n; i++) {
		hg[bitlen((uint64_t)(ids[i] - prev - 1))]++;
		prev = ids[i];
	}
	for (prev = -1, i = 0; i < n; i = j, runs++) {
		for (j = i + 1; j < n && ids[j] == ids[j - 1] + 1; j++)
			continue;
		hr[bitlen((uint64_t)(ids[i] - prev - 1))]++;
		cr += 2 * (uint64_t)bitlen(j - i) - 1;
		prev = ids[j - 1];
	}
	kg = best_k(hg);
	kr = best_k(hr);
	for (b = 0; b <= 64; b++) {
		cg += hg[b] * (uint64_t)(2 * (b > kg ? b - kg : 0) + 1 + kg);
		cr += hr[b] * (uint64_t)(2 * (b > kr ? b - kr : 0) + 1 + kr);
	}
	if (cr < cg) {
		bw_code(&w, 2, 0);
		bw_code(&w, (uint32_t)runs + 1, 0);
		bw_code(&w, (uint32_t)kr + 1, 0);
		for (prev = -1, i = 0; i < n; i = j) {
			for (j = i + 1; j < n && ids[j] == ids[j - 1] + 1; j++)
				continue;
			bw_code(&w, (uint32_t)(ids[i] - prev), kr);
			bw_code(&w, (uint32_t)(j - i), 0);
			prev = ids[j - 1];
		}
	} else {
		bw_code(&w, 1, 0);
		bw_code(&w, (uint32_t)n + 1, 0);
		bw_code(&w, (uint32_t)kg + 1, 0);
		for (prev = -1, i = 0; i < n; i++) {
			v = (uint32_t)(ids[i] - prev);
			bw_code(&w, v, kg);
			prev = ids[i];
		}
	}
	bw_end(&w);
	buf_putc(m, '"');
	buf_put(m, t.data ? t.data : "", t.sz);
	buf_putc(m, '"');
	buf_free(&t);
}

/* The facets of meta.js. */
static void
write_facets(struct ix *x, struct buf *m)
{
	struct fpair	*p = NULL;
	struct fval	*v = NULL;
	size_t		 n, i, j, k, vsz, first;
	const struct search_doc *d;
	uint32_t	*ids;
	long		*pidx = NULL;
	int		 f, t;

	ids = xcalloc(x->docsz ? x->docsz : 1, sizeof(*ids));
	buf_puts(m, "\"facets\":[{\"key\":\"type\",\"label\":\"Type\","
	    "\"values\":[");
	for (first = 1, t = 0; t < SEARCH__TYPES; t++) {
		for (i = 0; i < x->docsz && (int)(int)x->docs[i]->type != t; i++)
			continue;
		if (i == x->docsz)
			continue;
		buf_printf(m, "%s\"%s\"", first ? "" : ",", type_labels[t]);
		first = 0;
	}
	buf_puts(m, "],\"ids\":[");
	for (first = 1, t = 0; t < SEARCH__TYPES; t++) {
		for (i = 0; i < x->docsz && (int)(int)x->docs[i]->type != t; i++)
			continue;
		if (i == x->docsz)
			continue;
		if (!first)
			buf_putc(m, ',');
		first = 0;
		/* Contiguous: one run. */
		for (k = 0; i < x->docsz && (int)x->docs[i]->type == t; i++)
			ids[k++] = (uint32_t)i;
		facet_list(m, ids, k);
	}
	buf_puts(m, "]}");

	for (f = 0; f < SEARCH__FACETS; f++) {
		for (n = 0, i = 0; i < x->docsz; i++)
			n += x->docs[i]->facetsz[f];
		p = xreallocarray(p, n ? n : 1, sizeof(*p));
		for (n = 0, i = 0; i < x->docsz; i++) {
			d = x->docs[i];
			for (j = 0; j < d->facetsz[f]; j++)
				if (d->facets[f][j] != NULL) {
					p[n].v = d->facets[f][j];
					p[n].parent = d->fparent[f] ?
					    d->fparent[f][j] : NULL;
					p[n].own = d->fparent[f] == NULL ||
					    j < d->facetown[f];
					p[n++].doc = (uint32_t)i;
				}
		}
		xqsort(p, n, sizeof(*p), fpair_cmp);
		/* Values, each with its distinct documents. */
		v = xreallocarray(v, n ? n : 1, sizeof(*v));
		for (vsz = 0, i = 0; i < n; i = j) {
			for (j = i + 1; j < n && strcmp(p[j].v, p[i].v) == 0;
			    j++)
				continue;
			v[vsz].lo = i;
			v[vsz].hi = j;
			v[vsz++].p = p;
		}
		xqsort(v, vsz, sizeof(*v), fval_cmp);
		buf_printf(m, ",{\"key\":\"%s\",\"label\":\"%s\","
		    "\"values\":[", facet_keys[f], facet_labels[f]);
		for (i = 0; i < vsz; i++) {
			if (i > 0)
				buf_putc(m, ',');
			jstrz(m, p[v[i].lo].v);
		}
		buf_putc(m, ']');
		/*
		 * Parents by index: the ids hold the documents that carry
		 * a value themselves, and search.js adds its descendants'.
		 */
		pidx = xreallocarray(pidx, vsz ? vsz : 1, sizeof(*pidx));
		for (first = 1, i = 0; i < vsz; i++) {
			const char *par = NULL;

			pidx[i] = -1;
			for (k = v[i].lo; k < v[i].hi && par == NULL; k++)
				par = p[k].parent;
			for (j = 0; par != NULL && j < vsz; j++)
				if (strcmp(p[v[j].lo].v, par) == 0) {
					pidx[i] = (long)j;
					first = 0;
					break;
				}
		}
		for (i = 0; !first && i < vsz; i++)
			buf_printf(m, "%s%ld", i ? "," : ",\"parents\":[",
			    pidx[i]);
		if (!first)
			buf_putc(m, ']');
		buf_puts(m, ",\"ids\":[");
		for (i = 0; i < vsz; i++) {
			if (i > 0)
				buf_putc(m, ',');
			for (j = 0, k = v[i].lo; k < v[i].hi; k++)
				/* A value given twice for one document. */
				if (p[k].own && (j == 0 || p[k].doc != ids[j - 1]))
					ids[j++] = p[k].doc;
			facet_list(m, ids, j);
		}
		buf_puts(m, "]}");
	}
	buf_putc(m, ']');
	free(pidx);
	free(ids);
	free(p);
	free(v);
}

/* The start of meta.js's object, up to its packs, into b. */
static void
meta_head(const struct ix *x, struct buf *b)
{
	size_t	 i;

	buf_printf(b, "{\"v\":3,\"docs\":%zu,\"frag\":%d,\"langs\":[",
	    x->docsz, FRAG);
	for (i = 0; i < x->langsz; i++) {
		if (i > 0)
			buf_putc(b, ',');
		jstrz(b, x->langs[i]);
	}
	buf_puts(b, "],");
}

/* Write fragment file fi. */
static void
write_frag(void *arg, size_t fi)
{
	struct ix	*x = arg;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 j, lo = fi * FRAG, hi = lo + FRAG;
	char		 name[32];

	if (hi > x->docsz)
		hi = x->docsz;
	buf_putc(&b, '[');
	for (j = lo; j < hi; j++) {
		if (j > lo)
			buf_putc(&b, ',');
		buf_puts(&b, x->frags[j]);
	}
	buf_putc(&b, ']');
	snprintf(name, sizeof(name), "f/%zu", fi);
	put_file(x, x->so, name, &b);
	buf_free(&b);
}

/*
 * The kept index: the file KEEPFILE of the cache folder describes the
 * index the last build wrote, so that a build whose documents are the
 * same but for a few patches it (search_patch) instead of building it
 * again.  It holds, for each document slot (the caller's order) its
 * key and id, for each document its tuple (doc_tuple) and where its
 * record (TOKVER) lies, for each form of the dictionary its bytes,
 * documents and where its stem and strings lie, the hashes of the
 * files written (packs, positions packs, fragments, shards), the
 * languages and meta.js's facets.  Records, stems and strings lie in
 * TOKFILE and FORMFILE, whose inode, size and time it names, or in
 * its own extra part, which holds what patches changed since.  Native
 * byte order: it is read only by the kbgen that wrote it (seed).  A
 * file that is missing, cut short, of another version or another
 * kbgen, or naming other TOKFILE or FORMFILE, is not used.  It is a
 * cache keyed by content, as TOKFILE is: the files it says were written
 * are kept only when the published ones hash the same
 * (site_out_keep), else written again from it.
 */
#define KEEPVER		"kbgen search index 2"
#define KEEPFILE	"search-index"
#define KEEPMAXX	(8u << 20)	/* extra bytes, at most, to patch */

struct khead {
	char		 magic[32];	/* KEEPVER, zero-padded */
	uint64_t	 seed;
	uint64_t	 size;	/* of the file */
	uint64_t	 tok[3];	/* TOKFILE's inode, size, time (ns) */
	uint64_t	 form[3];	/* FORMFILE's */
	uint64_t	 n, nf, npack, nqpack, nshard;
	uint64_t	 said;	/* the documents gave warnings */
	uint64_t	 slots, docs, forms, phash, qhash, fhash, shards;
	uint64_t	 strs, strsz;	/* offset, size */
	uint64_t	 extra, extrasz;
	uint64_t	 langs, langsz;	/* in strs: NUL-ended, count */
	uint64_t	 facets, facetsz;	/* in strs */
};

struct kslot {
	uint64_t	 key;	/* the caller's key of the document */
	uint64_t	 id;
};

struct kdoc {
	uint64_t	 tuple;	/* doc_tuple */
	uint64_t	 facets;	/* its facets' hash (doc_tuple) */
	uint32_t	 blob;	/* 0: TOKFILE, 1: extra */
	uint32_t	 off, len;	/* its record */
};

struct kform {
	uint32_t	 soff, len;	/* the form, in strs */
	uint32_t	 df;
	uint32_t	 blob;	/* 0: FORMFILE, 1: extra */
	uint32_t	 stemoff, stemlen;	/* stemlen NONE: none */
	uint32_t	 boff, bsz, qoff, qsz;
};

struct kshard {
	uint64_t	 hash;	/* of its file */
	uint32_t	 koff, klen;	/* its key, in strs */
	uint32_t	 lo, hi;	/* its forms */
};

/* A kept index as read, or as about to be written. */
struct kin {
	char		*map;	/* the file, mapped */
	size_t		 mapsz;
	struct khead	 h;
	const struct kslot *slots;
	const struct kdoc *docs;
	const struct kform *forms;
	const uint64_t	*phash, *qhash, *fhash;
	const struct kshard *shards;
	const char	*strs;
	const char	*extra;
	const char	*blob[2][2];	/* [docs 0, forms 1][blob] */
	size_t		 blobsz[2][2];
	const char	*tok, *frm;	/* TOKFILE and FORMFILE, mapped */
	size_t		 toksz, frmsz;
};

/* The seed of every key: this kbgen's binary. */
static uint64_t
seed_of(void)
{
	struct stat	 st;
	uint64_t	 h = hash64(TOKVER, strlen(TOKVER), 0);

	if (stat("/proc/self/exe", &st) == 0) {
		h = hash64(&st.st_size, sizeof(st.st_size), h);
		h = hash64(&st.st_mtim, sizeof(st.st_mtim), h);
	}
	return h;
}

/* Inode, size and time of the cache file name into id; 0 if none. */
static int
cache_id(const struct ix *x, const char *name, uint64_t *id)
{
	struct stat	 st;
	char		*path;
	int		 rc;

	path = path_join(idx_dir(x->idx), name);
	rc = stat(path, &st) == 0;
	free(path);
	if (!rc)
		return 0;
	id[0] = (uint64_t)st.st_ino;
	id[1] = (uint64_t)st.st_size;
	id[2] = (uint64_t)st.st_mtim.tv_sec * 1000000000ULL +
	    (uint64_t)st.st_mtim.tv_nsec;
	return 1;
}

/* Map the cache file name when it is the one id names. */
static const char *
cache_map_id(const struct ix *x, const char *name, const uint64_t *id,
    size_t *sz)
{
	uint64_t	 now[3];
	const char	*p;

	if (!cache_id(x, name, now) || memcmp(now, id, sizeof(now)) != 0)
		return NULL;
	if ((p = cache_map(x, name, sz)) == NULL)
		return NULL;
	if (*sz != id[1] || !cache_id(x, name, now) ||
	    memcmp(now, id, sizeof(now)) != 0) {
		munmap((void *)p, *sz);
		return NULL;
	}
	return p;
}

static void
keep_unlink(const struct ix *x)
{
	char	*path;

	path = path_join(idx_dir(x->idx), KEEPFILE);
	(void)unlink(path);
	free(path);
}

/* Append n bytes (8-aligned) to b; their offset. */
static uint64_t
sect(struct buf *b, const void *p, size_t n)
{
	uint64_t	 at;

	while (b->sz % 8 != 0)
		buf_putc(b, '\0');
	at = b->sz;
	if (n > 0)
		buf_put(b, p, n);
	return at;
}

/*
 * Write the kept index k, its sections given by the pointers and counts
 * of k and k->h and the bytes k->strs[0..strsz) and extra: the header
 * gets the offsets.  0 if it could not be written (reported).
 */
static int
keep_emit(const struct ix *x, struct kin *k)
{
	struct buf	 b = { NULL, 0, 0 };
	struct khead	*h = &k->h;
	size_t		 nfrag = (h->n + FRAG - 1) / FRAG;
	char		*path;
	FILE		*f;
	int		 ok;

	memset(h->magic, 0, sizeof(h->magic));
	memcpy(h->magic, KEEPVER, strlen(KEEPVER));
	h->seed = x->seed;
	buf_grow(&b, sizeof(*h));
	b.sz = sizeof(*h);
	h->slots = sect(&b, k->slots, h->n * sizeof(*k->slots));
	h->docs = sect(&b, k->docs, h->n * sizeof(*k->docs));
	h->forms = sect(&b, k->forms, h->nf * sizeof(*k->forms));
	h->phash = sect(&b, k->phash, h->npack * sizeof(uint64_t));
	h->qhash = sect(&b, k->qhash, h->nqpack * sizeof(uint64_t));
	h->fhash = sect(&b, k->fhash, nfrag * sizeof(uint64_t));
	h->shards = sect(&b, k->shards, h->nshard * sizeof(*k->shards));
	h->strs = sect(&b, k->strs, h->strsz);
	h->extra = sect(&b, k->extra, h->extrasz);
	h->size = b.sz;
	memcpy(b.data, h, sizeof(*h));
	if ((f = cache_create(x, KEEPFILE, &path)) == NULL) {
		free(path);
		buf_free(&b);
		return 0;
	}
	fwrite(b.data, 1, b.sz, f);
	ok = cache_done(f, path);
	free(path);
	buf_free(&b);
	return ok;
}

/* The tables of a kept index to write; strs gets its last NUL. */
static void
kin_tables(struct kin *k, const struct kslot *slots, const struct kdoc *docs,
    const struct kform *forms, const uint64_t *ph, const uint64_t *qh,
    const uint64_t *fh, const struct kshard *shards, struct buf *strs)
{
	k->slots = slots;
	k->docs = docs;
	k->forms = forms;
	k->phash = ph;
	k->qhash = qh;
	k->fhash = fh;
	k->shards = shards;
	buf_putc(strs, '\0');
	k->strs = strs->data;
	k->h.strsz = strs->sz;
}

/* Whether [off, off + n) lies within sz. */
static int
inside(uint64_t off, uint64_t n, uint64_t sz)
{
	return off <= sz && n <= sz - off;
}

static void
keep_close(struct kin *k)
{
	if (k->map != NULL)
		munmap(k->map, k->mapsz);
	if (k->tok != NULL)
		munmap((void *)k->tok, k->toksz);
	if (k->frm != NULL)
		munmap((void *)k->frm, k->frmsz);
	memset(k, 0, sizeof(*k));
}

/*
 * Read the kept index into k and check every table in it; 0 if there
 * is none, or it is not whole, or not this kbgen's.
 */
static int
keep_load(const struct ix *x, struct kin *k)
{
	struct stat	 st;
	const struct khead *h;
	const struct kform *f;
	const struct kdoc *d;
	const struct kshard *s;
	char		*path, magic[32];
	size_t		 i, nfrag, b;
	int		 fd;

	memset(k, 0, sizeof(*k));
	path = path_join(idx_dir(x->idx), KEEPFILE);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size >= sizeof(*h)) {
		k->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (k->map == MAP_FAILED)
			k->map = NULL;
		else
			k->mapsz = (size_t)st.st_size;
	}
	close(fd);
	if (k->map == NULL)
		return 0;
	memcpy(&k->h, k->map, sizeof(k->h));
	h = &k->h;
	memset(magic, 0, sizeof(magic));
	memcpy(magic, KEEPVER, strlen(KEEPVER));
	if (memcmp(h->magic, magic, sizeof(magic)) != 0 ||
	    h->seed != x->seed || h->size != k->mapsz ||
	    h->n >= UINT32_MAX || h->nf >= UINT32_MAX ||
	    h->npack > h->nf + 1 || h->nqpack > h->nf + 1 ||
	    h->nshard > h->nf || h->langsz > MAXLANG)
		goto bad;
	nfrag = (h->n + FRAG - 1) / FRAG;
	if (!inside(h->slots, h->n * sizeof(*k->slots), k->mapsz) ||
	    !inside(h->docs, h->n * sizeof(*k->docs), k->mapsz) ||
	    !inside(h->forms, h->nf * sizeof(*k->forms), k->mapsz) ||
	    !inside(h->phash, h->npack * 8, k->mapsz) ||
	    !inside(h->qhash, h->nqpack * 8, k->mapsz) ||
	    !inside(h->fhash, nfrag * 8, k->mapsz) ||
	    !inside(h->shards, h->nshard * sizeof(*k->shards), k->mapsz) ||
	    !inside(h->strs, h->strsz, k->mapsz) ||
	    !inside(h->extra, h->extrasz, k->mapsz) ||
	    ((h->slots | h->docs | h->forms | h->phash | h->qhash |
	    h->fhash | h->shards) & 7) != 0 ||
	    !inside(h->langs, 0, h->strsz) ||
	    !inside(h->facets, h->facetsz, h->strsz))
		goto bad;
	k->slots = (const void *)(k->map + h->slots);
	k->docs = (const void *)(k->map + h->docs);
	k->forms = (const void *)(k->map + h->forms);
	k->phash = (const void *)(k->map + h->phash);
	k->qhash = (const void *)(k->map + h->qhash);
	k->fhash = (const void *)(k->map + h->fhash);
	k->shards = (const void *)(k->map + h->shards);
	k->strs = k->map + h->strs;
	k->extra = k->map + h->extra;
	if (h->strsz == 0 || k->strs[h->strsz - 1] != '\0')
		goto bad;
	for (i = 0, b = h->langs; i < h->langsz; i++) {
		if (b >= h->strsz)
			goto bad;
		b += strlen(k->strs + b) + 1;
	}
	if ((k->tok = cache_map_id(x, TOKFILE, h->tok, &k->toksz)) == NULL ||
	    (k->frm = cache_map_id(x, FORMFILE, h->form, &k->frmsz)) == NULL)
		goto bad;
	k->blob[0][0] = k->tok;
	k->blobsz[0][0] = k->toksz;
	k->blob[1][0] = k->frm;
	k->blobsz[1][0] = k->frmsz;
	k->blob[0][1] = k->blob[1][1] = k->extra;
	k->blobsz[0][1] = k->blobsz[1][1] = h->extrasz;
	for (i = 0; i < h->n; i++) {
		d = &k->docs[i];
		if (k->slots[i].id >= h->n || d->blob > 1 || d->len < 18 ||
		    !inside(d->off, d->len, k->blobsz[0][d->blob]))
			goto bad;
	}
	for (i = 0; i < h->nf; i++) {
		f = &k->forms[i];
		if (f->blob > 1 || f->len == 0 || f->len > MAXTOK ||
		    f->df == 0 || !inside(f->soff, f->len, h->strsz) ||
		    (f->stemlen != NONE && !inside(f->stemoff, f->stemlen,
		    k->blobsz[1][f->blob])) ||
		    !inside(f->boff, f->bsz, k->blobsz[1][f->blob]) ||
		    !inside(f->qoff, f->qsz, k->blobsz[1][f->blob]))
			goto bad;
	}
	for (i = 0; i < h->nshard; i++) {
		s = &k->shards[i];
		if (!inside(s->koff, s->klen, h->strsz) || s->lo >= s->hi ||
		    s->hi > h->nf)
			goto bad;
	}
	return 1;
bad:
	keep_close(k);
	return 0;
}

/* A form of the kept dictionary as the writers see it. */
static void
kview(const struct kin *k, size_t i, struct fview *v)
{
	const struct kform *f = &k->forms[i];
	const char	*blob = k->blob[1][f->blob];

	memset(v, 0, sizeof(*v));
	v->s = k->strs + f->soff;
	v->len = f->len;
	v->df = f->df;
	if (f->stemlen != NONE) {
		v->stem = blob + f->stemoff;
		v->stemsz = f->stemlen;
	}
	v->b = blob + f->boff;
	v->bsz = f->bsz;
	v->q = blob + f->qoff;
	v->qsz = f->qsz;
	v->kept = (uint32_t)i;
}

/* The order of the dictionary: bytes, then length. */
static int
fcmp(const char *a, size_t an, const char *b, size_t bn)
{
	int	 c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

/* The index of form s[0..n) in the kept dictionary, or NONE. */
static uint32_t
kfind(const struct kin *k, const char *s, size_t n)
{
	size_t		 lo = 0, hi = k->h.nf, mid;
	const struct kform *f;
	int		 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		f = &k->forms[mid];
		if ((c = fcmp(k->strs + f->soff, f->len, s, n)) == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/*
 * The kept index of a full build: x's documents (their records as
 * tok_keep wrote them), forms (as forms_keep or forms_take found them)
 * and the files it wrote, recorded in so since mark.  keys[i] is the
 * caller's key of docs[i], base the caller's array.  Nothing is kept
 * when a record or a file is missing.
 */
static void
keep_full(struct ix *x, const struct search_doc *base, const uint64_t *keys,
    int said, const struct buf *facets, size_t mark)
{
	struct kin	 k;
	struct kslot	*slots;
	struct kdoc	*docs;
	struct kform	*forms;
	struct kshard	*shards;
	uint64_t	*ph, *qh, *fh, h;
	struct buf	 strs = { NULL, 0, 0 };
	size_t		 i, nfrag, n, got = 0, want, id, hi;
	const char	*path, *e;
	char		 key[32], *end;
	const struct fview *v;
	uint32_t	 g;
	unsigned long	 num;

	memset(&k, 0, sizeof(k));
	nfrag = (x->docsz + FRAG - 1) / FRAG;
	slots = xcalloc(x->docsz + 1, sizeof(*slots));
	docs = xcalloc(x->docsz + 1, sizeof(*docs));
	forms = xcalloc(x->g.fsz + 1, sizeof(*forms));
	shards = xcalloc(x->shsz + 1, sizeof(*shards));
	ph = xcalloc(x->packsz + 1, sizeof(*ph));
	qh = xcalloc(x->qpacksz + 1, sizeof(*qh));
	fh = xcalloc(nfrag + 1, sizeof(*fh));
	if (!cache_id(x, TOKFILE, k.h.tok) || !cache_id(x, FORMFILE, k.h.form))
		goto out;
	for (i = 0; i < x->docsz; i++) {
		if (x->rlen[i] == 0 || x->roff[i] + x->rlen[i] >= UINT32_MAX)
			goto out;
		slots[x->docs[i] - base].key = keys[x->docs[i] - base];
		slots[x->docs[i] - base].id = i;
		docs[i].tuple = x->tuple[i];
		docs[i].facets = x->ftuple[i];
		docs[i].off = (uint32_t)x->roff[i];
		docs[i].len = (uint32_t)x->rlen[i];
	}
	buf_putc(&strs, '\0');
	k.h.langs = strs.sz;
	k.h.langsz = x->langsz;
	for (i = 0; i < x->langsz; i++)
		buf_put(&strs, x->langs[i], strlen(x->langs[i]) + 1);
	k.h.facets = strs.sz;
	buf_put(&strs, facets->data, facets->sz);
	k.h.facetsz = facets->sz;
	buf_putc(&strs, '\0');
	for (i = 0; i < x->g.fsz; i++) {
		v = &x->fv[i];
		g = x->sorted[i];
		forms[i].soff = (uint32_t)strs.sz;
		buf_put(&strs, v->s, v->len);
		forms[i].len = v->len;
		forms[i].df = v->df;
		forms[i].stemoff = (uint32_t)x->fso[g];
		forms[i].stemlen = v->stem != NULL ? (uint32_t)v->stemsz : NONE;
		forms[i].boff = (uint32_t)x->fbo[g];
		forms[i].bsz = (uint32_t)v->bsz;
		forms[i].qoff = (uint32_t)x->fqo[g];
		forms[i].qsz = (uint32_t)v->qsz;
	}
	for (i = 0; i < x->shsz; i++) {
		hi = i + 1 < x->shsz ? x->shlo[i + 1] : x->g.fsz;
		shard_key(x->fv[x->shlo[i]].s, x->fv[x->shlo[i]].len, key);
		shards[i].koff = (uint32_t)strs.sz;
		shards[i].klen = (uint32_t)strlen(key);
		buf_put(&strs, key, strlen(key) + 1);
		shards[i].lo = (uint32_t)x->shlo[i];
		shards[i].hi = (uint32_t)hi;
	}

	/* The files' hashes, as site.c recorded them. */
	want = x->packsz + x->qpacksz + nfrag + x->shsz;
	n = site_out_nrecs(x->so);
	for (i = mark; i < n; i++) {
		path = site_out_rec(x->so, i, &h, &id);
		if (strncmp(path, "search/", 7) != 0)
			continue;
		path += 7;
		if ((path[0] == 'p' || path[0] == 'q' || path[0] == 'f') &&
		    path[1] == '/') {
			num = strtoul(path + 2, &end, 10);
			if (strcmp(end, ".js") != 0)
				continue;
			if (path[0] == 'p' && num < x->packsz)
				ph[num] = h;
			else if (path[0] == 'q' && num < x->qpacksz)
				qh[num] = h;
			else if (path[0] == 'f' && num < nfrag)
				fh[num] = h;
			else
				continue;
			got++;
		} else if (path[0] == 'd' && path[1] == '/' &&
		    (e = strstr(path, ".js")) != NULL && e[3] == '\0') {
			/* Shards are few: find it by its first form. */
			for (id = 0; id < x->shsz; id++)
				if (strlen(strs.data + shards[id].koff) ==
				    (size_t)(e - path - 2) &&
				    memcmp(strs.data + shards[id].koff,
				    path + 2, (size_t)(e - path - 2)) == 0)
					break;
			if (id == x->shsz)
				continue;
			shards[id].hash = h;
			got++;
		}
	}
	if (got != want)
		goto out;
	kin_tables(&k, slots, docs, forms, ph, qh, fh, shards, &strs);
	k.h.n = x->docsz;
	k.h.nf = x->g.fsz;
	k.h.npack = x->packsz;
	k.h.nqpack = x->qpacksz;
	k.h.nshard = x->shsz;
	k.h.said = said != 0;
	if (!keep_emit(x, &k))
		x->ok = 0;
out:
	free(slots);
	free(docs);
	free(forms);
	free(shards);
	free(ph);
	free(qh);
	free(fh);
	buf_free(&strs);
}

/* One posting of a form while a patch changes it. */
struct pent {
	uint32_t	 id;
	uint32_t	 w;	/* weight, own bit included */
	uint32_t	 np;
	uint32_t	 v[MAXPOS];	/* first position + 1, then gaps */
};

/*
 * Decode a form's postings and positions strings (encode_vals) into
 * (*pe)[0..*n), growing *pe (*cap entries).  0 if they are bad.
 */
static int
post_decode(const char *b, size_t bsz, const char *q, size_t qsz,
    uint32_t ndocs, struct pent **pe, size_t *cap, size_t *n)
{
	struct search_bits rb, rq;
	uint32_t	 cnt, kd, kp, v, j, nown, at;
	int64_t		 prev = -1;
	size_t		 i;
	struct pent	*e;

	search_bits_init(&rb, b, bsz);
	search_bits_init(&rq, q, qsz);
	if (!search_bits_get(&rb, 0, &cnt) || !search_bits_get(&rb, 0, &kd) ||
	    kd > MAXK + 1 || !search_bits_get(&rq, 0, &kp) || kp > MAXK + 1 ||
	    cnt == 0 || cnt > ndocs)
		return 0;
	kd--;
	kp--;
	if (cnt > *cap) {
		*cap = cnt;
		*pe = xreallocarray(*pe, *cap, sizeof(**pe));
	}
	for (i = 0; i < cnt; i++) {
		e = &(*pe)[i];
		if (!search_bits_get(&rb, (int)kd, &v) || prev + v >= ndocs)
			return 0;
		prev += v;
		e->id = (uint32_t)prev;
		if (!search_bits_get(&rb, 0, &v) || v > UINT32_MAX / 2)
			return 0;
		e->w = v << 1;
		if (!search_bits_get(&rq, 0, &e->np) || e->np == 0 ||
		    e->np > MAXPOS)
			return 0;
		for (j = 0; j < e->np; j++)
			if (!search_bits_get(&rq, (int)kp, &e->v[j]))
				return 0;
	}
	if (!search_bits_get(&rb, 0, &nown) || nown - 1 > cnt)
		return 0;
	for (j = 0, at = NONE; j < nown - 1; j++) {
		if (!search_bits_get(&rb, 0, &v))
			return 0;
		at += v;	/* from -1 */
		if (at >= cnt)
			return 0;
		(*pe)[at].w |= 1;
	}
	*n = cnt;
	return 1;
}

/* Encode postings pe[0..n) (sorted by id) into e's strings. */
static void
post_encode(struct enc *e, const struct pent *pe, size_t n)
{
	uint64_t	 hd[65], hp[65];
	int64_t		 prev = -1;
	size_t		 i, need = 0;
	uint32_t	 j, v;

	for (i = 0; i < n; i++)
		need += 3 + pe[i].np;
	enc_start(e, need, hd, hp);
	for (i = 0; i < n; i++) {
		v = (uint32_t)((int64_t)pe[i].id - prev);
		prev = pe[i].id;
		hd[bitlen(v - 1)]++;
		e->v[e->vsz++] = v;
		e->v[e->vsz++] = pe[i].w;
		e->v[e->vsz++] = pe[i].np;
		for (j = 0; j < pe[i].np; j++) {
			hp[bitlen(pe[i].v[j] - 1)]++;
			e->v[e->vsz++] = pe[i].v[j];
		}
	}
	encode_vals(e, (uint32_t)n, hd, hp);
}

/* A form a patch touches: its kept index and its postings after. */
struct pform {
	uint32_t	 kept;	/* in the kept dictionary, or NONE */
	struct pent	*add;	/* the changed documents' postings */
	size_t		 addsz, addcap;
	struct pent	*del;	/* ... and those they had */
	size_t		 delsz, delcap;
	char		*b, *q;	/* its strings after, owned */
	size_t		 bsz, qsz;
	uint32_t	 df;	/* 0: no document has it any more */
	int		 same;	/* the postings are the kept ones */
	char		*stem;	/* a new form's, owned */
};

/* A new posting at the end of *pe (zeroed, for memcmp). */
static struct pent *
pent_add(struct pent **pe, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*pe = xreallocarray(*pe, *cap, sizeof(**pe));
	}
	memset(&(*pe)[*n], 0, sizeof(**pe));
	return &(*pe)[(*n)++];
}

/* The record (TOKVER) of kept document id and its length; NULL if bad. */
static const char *
krec(const struct kin *k, size_t id, size_t *len)
{
	const struct kdoc *d = &k->docs[id];
	const char	*r = k->blob[0][d->blob] + d->off;

	*len = d->len;
	if (r[16] != '\n' || memchr(r + 17, '\n', d->len - 17) == NULL)
		return NULL;
	return r;
}

/* The fragment object of a record, and its length. */
static const char *
rec_frag(const char *r, size_t len, size_t *n)
{
	const char	*nl = memchr(r + 17, '\n', len - 17);

	*n = (size_t)(nl - (r + 17));
	return r + 17;
}

/* Append to b a copy of n bytes of p; their offset. */
static uint32_t
xput(struct buf *b, const char *p, size_t n)
{
	uint32_t	 at = (uint32_t)b->sz;

	buf_put(b, p, n);
	return at;
}

/* For qsort of new forms, by their bytes in the patch's table. */
static const struct tab *sort_tab;

static int
newform_cmp(const void *a, const void *b)
{
	const struct tform *fa = &sort_tab->f[*(const uint32_t *)a];
	const struct tform *fb = &sort_tab->f[*(const uint32_t *)b];

	return fcmp(sort_tab->strs + fa->off, fa->len,
	    sort_tab->strs + fb->off, fb->len);
}

static const char *sort_strs;	/* for kshard_cmp */

static int
kshard_cmp(const void *a, const void *b)
{
	return strcmp(sort_strs + ((const struct kshard *)a)->koff,
	    sort_strs + ((const struct kshard *)b)->koff);
}

/* Write the file path of b's bytes; *h gets their hash. */
static void
put_hashed(struct ix *x, const char *path, const struct buf *b, uint64_t *h)
{
	*h = hash64(b->data, b->sz, 0);
	if (!site_out_put(x->so, path, b->data, b->sz))
		x->ok = 0;
}

/* The kept shard of key, or NULL; os sorted by kshard_cmp. */
static const struct kshard *
kshard_find(const struct kshard *os, size_t n, const char *strs,
    const char *key)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(strs + os[mid].koff, key)) == 0)
			return &os[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Whether the views v[lo..hi) are the kept forms from klo on, as
 * they were (and, with moved, in the same packs). */
static int
same_run(const struct fview *v, size_t lo, size_t hi, size_t klo,
    size_t khi, const struct fview *ov, int moved)
{
	size_t	 i;

	if (hi - lo != khi - klo)
		return 0;
	for (i = 0; i < hi - lo; i++) {
		if (v[lo + i].kept != klo + i || v[lo + i].dirty)
			return 0;
		if (moved && (v[lo + i].pack != ov[klo + i].pack ||
		    v[lo + i].qpack != ov[klo + i].qpack))
			return 0;
	}
	return 1;
}

/* The stop words into x->stop. */
static void
stop_init(struct ix *x)
{
	size_t	 i;
	int	 added;

	tab_init(&x->stop);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		uint64_t w[2] = { 0, 0 };

		memcpy(w, stops[i], strlen(stops[i]));
		(void)tab_get(&x->stop, (const char *)w, strlen(stops[i]),
		    whash((const char *)w, strlen(stops[i])), &added);
	}
}

/* Make room for form ids up to n in pf (zeroed). */
static void
pf_grow(struct pform **pf, size_t *cap, size_t n)
{
	size_t	 old = *cap;

	if (n <= old)
		return;
	*cap = old ? old : 64;
	while (*cap < n)
		*cap *= 2;
	*pf = xreallocarray(*pf, *cap, sizeof(**pf));
	memset(*pf + old, 0, (*cap - old) * sizeof(**pf));
}

/* A patch of the kept index (search_patch), stage by stage. */
struct patch {
	struct ix	 x;	/* the changed documents only */
	struct kin	 k;	/* the kept index */
	size_t		 n;	/* documents */
	size_t		*ch;	/* the changed slots */
	size_t		 nch;
	unsigned char	*chg;	/* by id: changed */
	uint64_t	*fhs;	/* by id: a changed one's facets hash */
	struct search_doc *dd;	/* the changed ones, as ch */
	struct buf	 fj;	/* meta.js's facets */
	struct range	 r;	/* their tokens and records */
	size_t		*recat;	/* by id: a changed one's record in r.rec
				   + 1 */
	struct tab	 aff;	/* the forms they had or have */
	struct pform	*pf;	/* by aff id */
	size_t		 pfcap;
	uint32_t	*kmod;	/* by kept form: its aff id, or NONE */
	struct fview	*nv;	/* the dictionary after */
	size_t		 nvz;
	struct fview	*ov;	/* the kept dictionary */
	size_t		*plo, *qlo, np, nq;	/* packs after (layout) */
	size_t		*oplo, *oqlo, onp, onq;	/* kept packs */
	unsigned char	*keepf;	/* by pack, positions pack, fragment
				   file: kept as published */
	size_t		 nfrag;
	uint64_t	*nph, *nqh, *nfh;	/* their hashes after */
	struct kshard	*nsh;	/* the shards after */
	size_t		 nsz;
	size_t		 nenc;	/* forms encoded */
	int		 said;	/* the changed documents warned */
};

/*
 * The documents whose keys changed, described; each in its place, and
 * meta.js's facets as they are after.  0 if they cannot be patched.
 */
static int
patch_docs(struct patch *p, const uint64_t *keys,
    int (*describe)(void *, size_t, struct search_doc *),
    int (*describe_all)(void *, const struct search_doc **, size_t *),
    void *arg)
{
	const struct search_doc *all;
	struct ix	 fx;
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, j, m, n = p->n;
	uint32_t	 id;
	int		 fchg = 0, ok = 0;

	for (i = 0; i < n; i++)
		p->nch += keys[i] != p->k.slots[i].key;
	if (p->nch * 8 > n + 64)
		return 0;
	p->ch = xcalloc(p->nch + 1, sizeof(*p->ch));
	for (i = 0, j = 0; i < n; i++)
		if (keys[i] != p->k.slots[i].key)
			p->ch[j++] = i;
	p->chg = xcalloc(n + 1, 1);
	p->fhs = xcalloc(n + 1, sizeof(*p->fhs));
	p->x.docsz = n;
	p->x.docs = xcalloc(n + 1, sizeof(*p->x.docs));
	p->x.frags = xcalloc(n + 1, sizeof(*p->x.frags));
	p->dd = xcalloc(p->nch + 1, sizeof(*p->dd));
	for (i = 0; i < p->nch; i++) {
		id = (uint32_t)p->k.slots[p->ch[i]].id;
		if (p->chg[id])
			goto out;
		p->chg[id] = 1;
		if (!describe(arg, p->ch[i], &p->dd[i]) ||
		    doc_tuple(&p->dd[i], &b, &p->fhs[id]) !=
		    p->k.docs[id].tuple)
			goto out;
		fchg |= p->fhs[id] != p->k.docs[id].facets;
		p->x.docs[id] = &p->dd[i];
	}
	/* Terms changed: meta.js's facets again, of every document. */
	if (fchg) {
		if (!describe_all(arg, &all, &m) || m != n)
			goto out;
		memset(&fx, 0, sizeof(fx));
		fx.docsz = n;
		fx.docs = xcalloc(n + 1, sizeof(*fx.docs));
		for (i = 0; i < n; i++)
			fx.docs[p->k.slots[i].id] = &all[i];
		write_facets(&fx, &p->fj);
		free(fx.docs);
	} else
		buf_put(&p->fj, p->k.strs + p->k.h.facets, p->k.h.facetsz);
	for (i = 0, j = p->k.h.langs; i < p->k.h.langsz; i++) {
		p->x.langs[i] = p->k.strs + j;
		j += strlen(p->k.strs + j) + 1;
	}
	p->x.langsz = p->k.h.langsz;
	ok = 1;
out:
	buf_free(&b);
	return ok;
}

/* The postings the changed documents had, by form, from their kept
 * records.  0 if a record is bad. */
static int
patch_olds(struct patch *p)
{
	const char	*rec, *pp, *end, *s;
	uint64_t	 tw[MAXTOK / 8 + 2];
	size_t		 len, fl, id;
	uint32_t	 w, np, j;
	struct pform	*pf;
	struct pent	*t;
	long		 f;
	int		 added;

	for (id = 0; id < p->n; id++) {
		if (!p->chg[id])
			continue;
		if ((rec = krec(&p->k, id, &len)) == NULL)
			return 0;
		end = rec + len;
		pp = (const char *)memchr(rec + 17, '\n', len - 17) + 1;
		while (pp < end) {
			if (!vgetb(&pp, end, &w) || w == 0 || w > MAXTOK ||
			    (size_t)(end - pp) < w)
				return 0;
			s = pp;
			fl = w;
			pp += w;
			if (!vgetb(&pp, end, &w) || !vgetb(&pp, end, &np) ||
			    np == 0 || np > MAXPOS)
				return 0;
			memset(tw, 0, sizeof(tw));
			memcpy(tw, s, fl);
			f = tab_get(&p->aff, (const char *)tw, fl,
			    whash((const char *)tw, fl), &added);
			pf_grow(&p->pf, &p->pfcap, p->aff.fsz);
			pf = &p->pf[f];
			t = pent_add(&pf->del, &pf->delsz, &pf->delcap);
			t->id = (uint32_t)id;
			t->w = w;
			t->np = np;
			for (j = 0; j < np; j++)
				if (!vgetb(&pp, end, &t->v[j]))
					return 0;
			t->v[0]++;
		}
	}
	return 1;
}

/* Tokenize the changed documents again, in order of id: their records
 * and, by form, their postings.  0 if a record cannot be made. */
static int
patch_tokenize(struct patch *p)
{
	struct range	*r = &p->r;
	struct buf	 fr = { NULL, 0, 0 };
	const struct tform *tf;
	struct pform	*pf;
	struct pent	*t;
	size_t		 id, i;
	uint32_t	 j;
	long		 f;
	int		 added, ok = 0;

	tab_init(&r->tab);
	p->recat = xcalloc(p->n + 1, sizeof(*p->recat));
	for (id = 0; id < p->n; id++) {
		if (!p->chg[id])
			continue;
		r->dsz = 0;
		doc_tokenize(&p->x, r, id, &fr);
		if ((p->recat[id] = tok_record(&p->x, r, (uint32_t)id,
		    doc_key(&p->x, p->x.docs[id]))) == 0)
			goto out;
		for (i = 0; i < r->dsz; i++) {
			tf = &r->tab.f[r->ds[i].form];
			f = tab_get(&p->aff, r->tab.strs + tf->off, tf->len,
			    tf->h, &added);
			pf_grow(&p->pf, &p->pfcap, p->aff.fsz);
			pf = &p->pf[f];
			t = pent_add(&pf->add, &pf->addsz, &pf->addcap);
			t->id = (uint32_t)id;
			t->w = r->ds[i].weight;
			t->np = r->ds[i].npos;
			for (j = 0; j < t->np; j++)
				t->v[j] = j == 0 ? r->ds[i].pos[0] + 1 :
				    r->ds[i].pos[j] - r->ds[i].pos[j - 1];
		}
	}
	ok = 1;
out:
	buf_free(&fr);
	return ok;
}

/*
 * Each touched form's postings after: the kept ones but the changed
 * documents', and theirs, encoded.  0 if a kept form is bad, or when
 * a full build is quicker.
 */
static int
patch_postings(struct patch *p)
{
	const struct kform *kf;
	struct pform	*pf;
	struct pent	*pe = NULL, *pe2 = NULL;
	struct enc	 e;
	const char	*blob;
	size_t		 f, i, j, m, all, work = 0, pecap = 0, pe2cap = 0;
	size_t		 nf = p->k.h.nf;
	int		 ok = 0;

	memset(&e, 0, sizeof(e));
	p->kmod = xreallocarray(NULL, nf + 1, sizeof(*p->kmod));
	memset(p->kmod, 0xff, (nf + 1) * sizeof(*p->kmod));
	for (f = 0; f < p->aff.fsz; f++) {
		pf = &p->pf[f];
		pf->kept = kfind(&p->k, p->aff.strs + p->aff.f[f].off,
		    p->aff.f[f].len);
		if (pf->kept == NONE && pf->delsz > 0)
			goto out;
		/* The same postings of the changed documents: as kept. */
		pf->same = pf->delsz == pf->addsz && memcmp(pf->del, pf->add,
		    pf->addsz * sizeof(*pf->add)) == 0;
		if (!pf->same && pf->kept != NONE)
			work += p->k.forms[pf->kept].df;
	}
	/*
	 * An edit that moves the words of a document (its title, the
	 * start of its body) changes the postings of all its forms: when
	 * they hold much of the index, the full build is quicker.
	 */
	for (i = 0, all = 0; i < nf; i++)
		all += p->k.forms[i].df;
	if (work > all / 4)
		goto out;
	for (f = 0; f < p->aff.fsz; f++) {
		pf = &p->pf[f];
		if (pf->same)
			continue;
		m = 0;
		if (pf->kept != NONE) {
			kf = &p->k.forms[pf->kept];
			blob = p->k.blob[1][kf->blob];
			if (!post_decode(blob + kf->boff, kf->bsz,
			    blob + kf->qoff, kf->qsz, (uint32_t)p->n, &pe,
			    &pecap, &m))
				goto out;
			for (i = 0, j = 0; i < m; i++)
				if (!p->chg[pe[i].id])
					pe[j++] = pe[i];
			m = j;
			p->kmod[pf->kept] = (uint32_t)f;
		}
		if (m + pf->addsz > pe2cap) {
			pe2cap = m + pf->addsz;
			pe2 = xreallocarray(pe2, pe2cap, sizeof(*pe2));
		}
		for (i = 0, j = 0, all = 0; i < m || j < pf->addsz; all++)
			pe2[all] = j == pf->addsz || (i < m &&
			    pe[i].id < pf->add[j].id) ? pe[i++] : pf->add[j++];
		if ((pf->df = (uint32_t)all) == 0)
			continue;
		post_encode(&e, pe2, all);
		pf->b = xstrndup(e.b.data, e.b.sz);
		pf->bsz = e.b.sz;
		pf->q = xstrndup(e.q.data, e.q.sz);
		pf->qsz = e.q.sz;
	}
	ok = 1;
out:
	free(pe);
	free(pe2);
	free(e.v);
	buf_free(&e.b);
	buf_free(&e.q);
	return ok;
}

/*
 * The dictionary after: the kept one with the forms gone left out, the
 * changed ones' strings, and the new ones, stemmed, in their places;
 * then both laid out in packs.  0 if the kept one is not as its
 * header says.
 */
static int
patch_dict(struct patch *p)
{
	struct sb_stemmer *st[MAXLANG];
	struct buf	 b = { NULL, 0, 0 };
	struct pform	*pf;
	struct fview	*v;
	uint32_t	*newf;
	size_t		 f, i, j, l, nnew = 0, nf = p->k.h.nf;
	int		 made = 0;

	memset(st, 0, sizeof(st));
	for (f = 0; f < p->aff.fsz; f++)
		nnew += p->pf[f].kept == NONE && p->pf[f].df > 0;
	newf = xcalloc(nnew + 1, sizeof(*newf));
	for (f = 0, j = 0; f < p->aff.fsz; f++)
		if (p->pf[f].kept == NONE && p->pf[f].df > 0)
			newf[j++] = (uint32_t)f;
	sort_tab = &p->aff;
	xqsort(newf, nnew, sizeof(*newf), newform_cmp);
	sort_tab = NULL;
	p->nv = xcalloc(nf + nnew + 1, sizeof(*p->nv));
	for (i = 0, j = 0; i < nf || j < nnew; ) {
		if (j < nnew && (i == nf || fcmp(p->aff.strs +
		    p->aff.f[newf[j]].off, p->aff.f[newf[j]].len, p->k.strs +
		    p->k.forms[i].soff, p->k.forms[i].len) < 0)) {
			pf = &p->pf[newf[j++]];
			v = &p->nv[p->nvz++];
			v->s = p->aff.strs + p->aff.f[newf[j - 1]].off;
			v->len = p->aff.f[newf[j - 1]].len;
			if (!made) {
				for (l = 0; l < p->x.langsz; l++)
					st[l] = sb_stemmer_new(p->x.langs[l],
					    "UTF_8");
				made = 1;
			}
			pf->stem = stem_str(&p->x, st, v->s, v->len, &b);
			v->stem = pf->stem;
			v->stemsz = pf->stem != NULL ? strlen(pf->stem) : 0;
			v->kept = NONE;
		} else if (p->kmod[i] != NONE) {
			pf = &p->pf[p->kmod[i++]];
			if (pf->df == 0)
				continue;
			kview(&p->k, i - 1, &p->nv[p->nvz]);
			v = &p->nv[p->nvz++];
			if (pf->df == v->df && pf->bsz == v->bsz &&
			    pf->qsz == v->qsz &&
			    memcmp(pf->b, v->b, pf->bsz) == 0 &&
			    memcmp(pf->q, v->q, pf->qsz) == 0)
				continue;
		} else {
			kview(&p->k, i++, &p->nv[p->nvz++]);
			continue;
		}
		v->df = pf->df;
		v->b = pf->b;
		v->bsz = pf->bsz;
		v->q = pf->q;
		v->qsz = pf->qsz;
		v->dirty = 1;
		p->nenc++;
	}
	for (l = 0; l < MAXLANG; l++)
		if (st[l] != NULL)
			sb_stemmer_delete(st[l]);
	buf_free(&b);
	free(newf);
	layout(p->nv, p->nvz, &p->plo, &p->np, &p->qlo, &p->nq);
	p->ov = xcalloc(nf + 1, sizeof(*p->ov));
	for (i = 0; i < nf; i++)
		kview(&p->k, i, &p->ov[i]);
	layout(p->ov, nf, &p->oplo, &p->onp, &p->oqlo, &p->onq);
	return p->onp == p->k.h.npack && p->onq == p->k.h.nqpack;
}

/*
 * Which packs and fragment files stay as published; the records of the
 * documents of those to write, checked.  0 if one is bad.
 */
static int
patch_keeps(struct patch *p)
{
	char		 path[64];
	size_t		 i, j, lo, hi, len;

	p->nfrag = (p->n + FRAG - 1) / FRAG;
	p->keepf = xcalloc(p->np + p->nq + p->nfrag + 1, 1);
	for (i = 0; i < p->np; i++) {
		snprintf(path, sizeof(path), "search/p/%zu.js", i);
		p->keepf[i] = i < p->onp && same_run(p->nv, p->plo[i],
		    p->plo[i + 1], p->oplo[i], p->oplo[i + 1], p->ov, 0) &&
		    site_out_has(p->x.so, path, p->k.phash[i]);
	}
	for (i = 0; i < p->nq; i++) {
		snprintf(path, sizeof(path), "search/q/%zu.js", i);
		p->keepf[p->np + i] = i < p->onq && same_run(p->nv,
		    p->qlo[i], p->qlo[i + 1], p->oqlo[i], p->oqlo[i + 1],
		    p->ov, 0) && site_out_has(p->x.so, path, p->k.qhash[i]);
	}
	for (i = 0; i < p->nfrag; i++) {
		lo = i * FRAG;
		hi = lo + FRAG < p->n ? lo + FRAG : p->n;
		for (j = lo; j < hi && !p->chg[j]; j++)
			continue;
		snprintf(path, sizeof(path), "search/f/%zu.js", i);
		if (j == hi && site_out_has(p->x.so, path, p->k.fhash[i])) {
			p->keepf[p->np + p->nq + i] = 1;
			continue;
		}
		for (j = lo; j < hi; j++)
			if (!p->chg[j] && krec(&p->k, j, &len) == NULL)
				return 0;
	}
	return 1;
}

/* Keep or write every file of the index: packs, fragments, shards and
 * meta.js.  x.ok is 0 if one could not be written (reported). */
static void
patch_write(struct patch *p)
{
	struct ix	*x = &p->x;
	struct kin	*k = &p->k;
	struct kshard	*os;
	const struct kshard *ks;
	struct buf	 b = { NULL, 0, 0 }, sh = { NULL, 0, 0 };
	struct buf	 fr = { NULL, 0, 0 };
	const char	*rec, *s;
	char		 key[32], path[64], name[48];
	size_t		 i, j, lo, hi, len, fl, pi, *l;
	uint64_t	 h;
	int		 q;

	p->nph = xcalloc(p->np + 1, sizeof(*p->nph));
	p->nqh = xcalloc(p->nq + 1, sizeof(*p->nqh));
	p->nfh = xcalloc(p->nfrag + 1, sizeof(*p->nfh));
	for (i = 0; i < p->np + p->nq && x->ok; i++) {
		q = i >= p->np;
		pi = q ? i - p->np : i;
		l = q ? p->qlo : p->plo;
		snprintf(path, sizeof(path), "search/%c/%zu.js", q ? 'q' : 'p',
		    pi);
		if (p->keepf[i]) {
			h = q ? k->qhash[pi] : k->phash[pi];
			if (!site_out_keep(x->so, path, h))
				x->ok = 0;
			(q ? p->nqh : p->nph)[pi] = h;
			continue;
		}
		pack_bytes(p->nv, l[pi], l[pi + 1], pi, q, &b);
		put_hashed(x, path, &b, &(q ? p->nqh : p->nph)[pi]);
	}
	for (i = 0; i < p->nfrag && x->ok; i++) {
		snprintf(path, sizeof(path), "search/f/%zu.js", i);
		if (p->keepf[p->np + p->nq + i]) {
			if (!site_out_keep(x->so, path, k->fhash[i]))
				x->ok = 0;
			p->nfh[i] = k->fhash[i];
			continue;
		}
		lo = i * FRAG;
		hi = lo + FRAG < p->n ? lo + FRAG : p->n;
		buf_reset(&sh);
		buf_putc(&sh, '[');
		for (j = lo; j < hi; j++) {
			if (j > lo)
				buf_putc(&sh, ',');
			if (p->chg[j])
				buf_puts(&sh, x->frags[j]);
			else {
				rec = krec(k, j, &len);
				s = rec_frag(rec, len, &fl);
				buf_put(&sh, s, fl);
			}
		}
		buf_putc(&sh, ']');
		snprintf(name, sizeof(name), "f/%zu", i);
		load_bytes(name, &sh, &b);
		put_hashed(x, path, &b, &p->nfh[i]);
	}

	/* Shards, and meta.js with their keys. */
	os = xcalloc(k->h.nshard + 1, sizeof(*os));
	memcpy(os, k->shards, k->h.nshard * sizeof(*os));
	sort_strs = k->strs;
	xqsort(os, k->h.nshard, sizeof(*os), kshard_cmp);
	sort_strs = NULL;
	p->nsh = xcalloc(p->nvz + 1, sizeof(*p->nsh));
	buf_reset(&b);
	meta_head(x, &b);
	buf_printf(&b, "\"packs\":%zu,\"qpacks\":%zu,\"dict\":[", p->np,
	    p->nq);
	for (i = 0; i < p->nvz && x->ok; i = hi) {
		hi = shard_end(p->nv, p->nvz, i, key);
		if (i > 0)
			buf_putc(&b, ',');
		jstrz(&b, key);
		p->nsh[p->nsz].lo = (uint32_t)i;
		p->nsh[p->nsz].hi = (uint32_t)hi;
		snprintf(path, sizeof(path), "search/d/%s.js", key);
		ks = kshard_find(os, k->h.nshard, k->strs, key);
		if (ks != NULL && same_run(p->nv, i, hi, ks->lo, ks->hi, p->ov,
		    1) && site_out_keep(x->so, path, ks->hash))
			p->nsh[p->nsz].hash = ks->hash;
		else if (site_out_failed(x->so))
			x->ok = 0;
		else {
			shard_bytes(p->nv, i, hi, &sh);
			snprintf(name, sizeof(name), "d/%s", key);
			load_bytes(name, &sh, &fr);
			put_hashed(x, path, &fr, &p->nsh[p->nsz].hash);
		}
		p->nsz++;
	}
	buf_puts(&b, "],");
	buf_put(&b, p->fj.data, p->fj.sz);
	buf_putc(&b, '}');
	if (x->ok)
		put_file(x, x->so, "meta", &b);
	free(os);
	buf_free(&b);
	buf_free(&sh);
	buf_free(&fr);
}

/*
 * Write the kept index after the patch: the kept one's tables with the
 * changed documents, forms, files and shards; in its extra part their
 * records and strings, and those of the extra part before.
 */
static int
patch_keep(struct patch *p, const uint64_t *keys)
{
	struct kin	 nk, *k = &p->k;
	struct kslot	*nslots;
	struct kdoc	*ndocs;
	struct kform	*nforms, *kf;
	struct buf	 strs = { NULL, 0, 0 }, extra = { NULL, 0, 0 };
	const struct fview *v;
	const char	*rec;
	char		 key[32];
	size_t		 i;
	int		 ok;

	memset(&nk, 0, sizeof(nk));
	nslots = xcalloc(p->n + 1, sizeof(*nslots));
	ndocs = xcalloc(p->n + 1, sizeof(*ndocs));
	nforms = xcalloc(p->nvz + 1, sizeof(*nforms));
	for (i = 0; i < p->n; i++) {
		nslots[i].key = keys[i];
		nslots[i].id = k->slots[i].id;
		ndocs[i] = k->docs[i];
		if (p->chg[i]) {
			ndocs[i].facets = p->fhs[i];
			rec = p->r.rec.data + p->recat[i] - 1;
			ndocs[i].len = (uint32_t)strlen(rec);
		} else if (k->docs[i].blob == 1)
			rec = k->extra + k->docs[i].off;
		else
			continue;
		ndocs[i].blob = 1;
		ndocs[i].off = xput(&extra, rec, ndocs[i].len);
		buf_putc(&extra, '\0');
	}
	buf_putc(&strs, '\0');
	for (i = 0; i < p->nsz; i++) {
		v = &p->nv[p->nsh[i].lo];
		shard_key(v->s, v->len, key);
		p->nsh[i].koff = xput(&strs, key, strlen(key) + 1);
		p->nsh[i].klen = (uint32_t)strlen(key);
	}
	nk.h.langs = strs.sz;
	nk.h.langsz = p->x.langsz;
	for (i = 0; i < p->x.langsz; i++)
		(void)xput(&strs, p->x.langs[i], strlen(p->x.langs[i]) + 1);
	nk.h.facets = xput(&strs, p->fj.data, p->fj.sz);
	nk.h.facetsz = p->fj.sz;
	buf_putc(&strs, '\0');
	for (i = 0; i < p->nvz; i++) {
		kf = &nforms[i];
		v = &p->nv[i];
		kf->soff = xput(&strs, v->s, v->len);
		kf->len = v->len;
		kf->df = v->df;
		if (v->kept != NONE && !v->dirty &&
		    k->forms[v->kept].blob == 0) {
			*kf = k->forms[v->kept];
			kf->soff = (uint32_t)(strs.sz - v->len);
			continue;
		}
		kf->blob = 1;
		kf->stemlen = NONE;
		if (v->stem != NULL) {
			kf->stemoff = xput(&extra, v->stem, v->stemsz);
			kf->stemlen = (uint32_t)v->stemsz;
		}
		kf->boff = xput(&extra, v->b, v->bsz);
		kf->bsz = (uint32_t)v->bsz;
		kf->qoff = xput(&extra, v->q, v->qsz);
		kf->qsz = (uint32_t)v->qsz;
	}
	kin_tables(&nk, nslots, ndocs, nforms, p->nph, p->nqh, p->nfh,
	    p->nsh, &strs);
	nk.extra = extra.data;
	memcpy(nk.h.tok, k->h.tok, sizeof(nk.h.tok));
	memcpy(nk.h.form, k->h.form, sizeof(nk.h.form));
	nk.h.n = p->n;
	nk.h.nf = p->nvz;
	nk.h.npack = p->np;
	nk.h.nqpack = p->nq;
	nk.h.nshard = p->nsz;
	nk.h.said = p->said;
	nk.h.extrasz = extra.sz;
	ok = keep_emit(&p->x, &nk);
	free(nslots);
	free(ndocs);
	free(nforms);
	buf_free(&strs);
	buf_free(&extra);
	return ok;
}

static void
patch_free(struct patch *p)
{
	size_t	 i;

	for (i = 0; i < p->pfcap; i++) {
		free(p->pf[i].add);
		free(p->pf[i].del);
		free(p->pf[i].b);
		free(p->pf[i].q);
		free(p->pf[i].stem);
	}
	free(p->pf);
	for (i = 0; p->x.frags != NULL && i < p->n; i++)
		free(p->x.frags[i]);
	free(p->x.frags);
	free(p->x.docs);
	free(p->dd);
	free(p->ch);
	free(p->chg);
	free(p->fhs);
	free(p->recat);
	free(p->kmod);
	free(p->nv);
	free(p->ov);
	free(p->plo);
	free(p->qlo);
	free(p->oplo);
	free(p->oqlo);
	free(p->keepf);
	free(p->nph);
	free(p->nqh);
	free(p->nfh);
	free(p->nsh);
	buf_free(&p->fj);
	if (p->r.tab.slots != NULL)
		tab_free(&p->r.tab);
	free(p->r.ds);
	free(p->r.ldf);
	for (i = 0; p->r.fp != NULL && i < p->r.formcap; i++)
		free(p->r.fp[i].p);
	free(p->r.fp);
	buf_free(&p->r.text);
	buf_free(&p->r.rec);
	if (p->aff.slots != NULL)
		tab_free(&p->aff);
	if (p->x.stop.slots != NULL)
		tab_free(&p->x.stop);
	keep_close(&p->k);
}

/*
 * See search/private.h.  Nothing is written to so until every check
 * that can send the caller to search_write has passed.
 */
int
search_patch(const uint64_t *keys, size_t n,
    int (*describe)(void *, size_t, struct search_doc *),
    int (*describe_all)(void *, const struct search_doc **, size_t *),
    int (*warn)(void *, size_t), void *arg, struct idx *idx,
    struct site_out *so)
{
	struct patch	 p;
	size_t		 i;
	int		 rc;

	if (idx == NULL || keys == NULL || !site_out_reusing(so))
		return -1;
	memset(&p, 0, sizeof(p));
	p.n = n;
	p.x.ok = 1;
	p.x.idx = idx;
	p.x.so = so;
	p.x.seed = seed_of();
	lowtab_init();
	if (!keep_load(&p.x, &p.k))
		return -1;
	if (p.k.h.n != n || p.k.h.said || p.k.h.extrasz > KEEPMAXX ||
	    !patch_docs(&p, keys, describe, describe_all, arg)) {
		patch_free(&p);
		return -1;
	}
	stop_init(&p.x);
	tab_init(&p.aff);
	if (!patch_olds(&p) || !patch_tokenize(&p) || !patch_postings(&p) ||
	    !patch_dict(&p) || !patch_keeps(&p)) {
		patch_free(&p);
		return -1;
	}

	/* From here on the patch is made: say what the changed documents
	 * say, then keep or write every file, and keep the index. */
	for (i = 0; i < p.nch; i++)
		if (warn(arg, p.ch[i]))
			p.said = 1;
	patch_write(&p);
	if (p.x.ok && !patch_keep(&p, keys))
		p.x.ok = 0;
	if (!p.x.ok)
		keep_unlink(&p.x);
	if (getenv("KBGEN_TIMING") != NULL) {
		fprintf(stderr, "kbgen: search: %zu of %zu documents "
		    "tokenized\n", p.nch, n);
		fprintf(stderr, "kbgen: search: %zu of %zu forms encoded\n",
		    p.nenc, p.nvz);
		fprintf(stderr, "kbgen: search: the kept index patched\n");
	}
	rc = p.x.ok;
	patch_free(&p);
	return rc;
}

/*
 * See search/private.h.
 */
int
search_write(const struct search_doc *docs, size_t n, const uint64_t *keys,
    int said, int jobs, struct idx *idx, struct site_out *so)
{
	struct ix	 x;
	struct buf	 b = { NULL, 0, 0 }, fb = { NULL, 0, 0 };
	size_t		 mark = site_out_nrecs(so);
	size_t		 i, j, l, per, nr, nblk, gcap = 0;
	struct range	*r;
	const struct tform *f;
	long		 g;
	int		 added;
	const char	*lang;

	memset(&x, 0, sizeof(x));
	x.ok = 1;
	lowtab_init();
	x.docsz = n;
	x.docs = xcalloc(n ? n : 1, sizeof(*x.docs));
	for (i = 0; i < n; i++)
		x.docs[i] = &docs[i];
	xqsort(x.docs, n, sizeof(*x.docs), doc_cmp);

	/*
	 * The languages every form is stemmed in: those of the documents
	 * that have a Snowball stemmer, in code order (not the documents'),
	 * so that a query matches in each (searchdocs.c warns for the
	 * others, whose words are matched as they are).
	 */
	for (i = 0; i < n; i++) {
		lang = x.docs[i]->language;
		if (lang == NULL)
			lang = "en";
		for (l = 0; l < x.langsz && strcmp(x.langs[l], lang) != 0; l++)
			continue;
		if (l < x.langsz || x.langsz == MAXLANG ||
		    !search_stemmable(lang))
			continue;
		for (l = x.langsz++; l > 0 && strcmp(x.langs[l - 1], lang) > 0;
		    l--)
			x.langs[l] = x.langs[l - 1];
		x.langs[l] = lang;
	}

	stop_init(&x);

	/* Tokenize: a few ranges per thread, for balance. */
	nr = jobs > 1 ? (size_t)jobs * 2 : 1;
	if (nr > n)
		nr = n ? n : 1;
	x.rsz = nr;
	x.rs = xcalloc(nr, sizeof(*x.rs));
	per = (n + nr - 1) / nr;
	for (i = 0; i < nr; i++) {
		x.rs[i].lo = i * per < n ? i * per : n;
		x.rs[i].hi = (i + 1) * per < n ? (i + 1) * per : n;
	}
	x.frags = xcalloc(n ? n : 1, sizeof(*x.frags));
	if ((x.idx = idx) != NULL) {
		/* TOKFILE changes: the kept index goes first. */
		keep_unlink(&x);
		x.seed = seed_of();
		x.keep = xcalloc(n ? n : 1, sizeof(*x.keep));
		if (keys != NULL) {
			x.tuple = xcalloc(n ? n : 1, sizeof(*x.tuple));
			x.ftuple = xcalloc(n ? n : 1, sizeof(*x.ftuple));
		}
		x.roff = xcalloc(n ? n : 1, sizeof(*x.roff));
		x.rlen = xcalloc(n ? n : 1, sizeof(*x.rlen));
		x.hit = xcalloc(n ? n : 1, sizeof(*x.hit));
		tok_load(&x);
		if ((x.tf = cache_create(&x, TOKFILE, &x.tfpath)) == NULL)
			x.ok = 0;
	}
	/* In two waves, each writing its records to keep: half of them
	 * in memory at a time. */
	x.wave = 0;
	par_for((nr + 1) / 2, jobs, index_range, &x);
	if (x.idx != NULL)
		tok_keep(&x, 0, (nr + 1) / 2);
	x.wave = (nr + 1) / 2;
	par_for(nr - x.wave, jobs, index_range, &x);
	if (x.idx != NULL) {
		tok_keep(&x, x.wave, nr);
		if (x.tf != NULL && !cache_done(x.tf, x.tfpath))
			x.ok = 0;
		if (x.tmap != NULL)
			munmap((void *)x.tmap, x.tmapsz);
		free(x.tslot);
		free(x.hit);
		free(x.tfpath);
	}
	if (getenv("KBGEN_TIMING") != NULL) {
		for (i = 0, j = 0; i < nr; i++)
			j += x.rs[i].ntok;
		fprintf(stderr, "kbgen: search: %zu of %zu documents "
		    "tokenized\n", j, n);
	}

	/* Merge the ranges' forms into one dictionary. */
	tab_init(&x.g);
	for (i = 0; i < nr; i++) {
		r = &x.rs[i];
		r->map = xcalloc(r->tab.fsz ? r->tab.fsz : 1, sizeof(*r->map));
		for (j = 0; j < r->tab.fsz; j++) {
			f = &r->tab.f[j];
			if (f->stop)
				continue;
			added = 0;
			g = tab_get(&x.g, r->tab.strs + f->off, f->len, f->h,
			    &added);
			r->map[j] = (uint32_t)g;
			if (added && x.g.fcap > gcap) {
				x.df = xreallocarray(x.df, x.g.fcap,
				    sizeof(*x.df));
				memset(x.df + gcap, 0, (x.g.fcap - gcap) *
				    sizeof(*x.df));
				gcap = x.g.fcap;
			}
			x.df[g] += r->ldf[j];
		}
	}
	if (x.df == NULL)
		x.df = xcalloc(1, sizeof(*x.df));
	x.sorted = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.sorted));
	x.stems = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.stems));
	x.enc = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.enc));
	x.encsz = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.encsz));
	x.encqsz = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.encqsz));
	x.so = so;
	for (i = 0; i < nr; i++) {
		r = &x.rs[i];
		r->inv = xreallocarray(NULL, x.g.fsz ? x.g.fsz : 1,
		    sizeof(*r->inv));
		memset(r->inv, 0xff, (x.g.fsz ? x.g.fsz : 1) *
		    sizeof(*r->inv));
		for (j = 0; j < r->tab.fsz; j++)
			if (!r->tab.f[j].stop)
				r->inv[r->map[j]] = (uint32_t)j;
	}
	for (i = 0; i < x.g.fsz; i++)
		x.sorted[i] = (uint32_t)i;
	sort_ix = &x;
	xqsort(x.sorted, x.g.fsz, sizeof(*x.sorted), form_cmp);
	sort_ix = NULL;
	nblk = (x.g.fsz + STEMBLK - 1) / STEMBLK;
	if (x.idx != NULL) {
		x.fkey = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.fkey));
		x.fhit = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.fhit));
		x.fso = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.fso));
		x.fbo = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.fbo));
		x.fqo = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.fqo));
		forms_read(&x);
	}
	par_for(nblk, jobs, stem_block, &x);
	for (i = 0, j = 0; x.fhit != NULL && i < x.g.fsz; i++)
		j += x.fhit[i];
	/* Every form kept and no other: the record would be the same. */
	if (x.idx != NULL && !(j == x.g.fsz && x.fcn == x.g.fsz) &&
	    !forms_keep(&x))
		x.ok = 0;
	if (getenv("KBGEN_TIMING") != NULL)
		fprintf(stderr, "kbgen: search: %zu of %zu forms encoded\n",
		    x.g.fsz - j, x.g.fsz);
	free(x.fhit);
	if (x.frec != NULL)
		munmap((void *)x.frec, x.frecsz + 1);
	free(x.fck);
	free(x.fco);
	free(x.fkey);

	x.fv = xcalloc(x.g.fsz ? x.g.fsz : 1, sizeof(*x.fv));
	for (i = 0; i < x.g.fsz; i++) {
		struct fview *v = &x.fv[i];

		l = x.sorted[i];
		v->s = x.g.strs + x.g.f[l].off;
		v->len = x.g.f[l].len;
		v->df = x.df[l];
		v->stem = x.stems[l];
		v->stemsz = x.stems[l] != NULL ? strlen(x.stems[l]) : 0;
		v->b = x.enc[l];
		v->bsz = x.encsz[l];
		v->q = x.enc[l] + x.encsz[l] + 1;
		v->qsz = x.encqsz[l];
		v->kept = NONE;
	}
	meta_head(&x, &b);
	write_dict(&x, so, &b, jobs);
	write_facets(&x, &fb);
	buf_put(&b, fb.data, fb.sz);
	buf_putc(&b, '}');
	put_file(&x, so, "meta", &b);

	/* Fragments. */
	par_for((n + FRAG - 1) / FRAG, jobs, write_frag, &x);
	if (x.idx != NULL && keys != NULL && x.ok)
		keep_full(&x, docs, keys, said, &fb, mark);
	buf_free(&b);
	buf_free(&fb);
	free(x.roff);
	free(x.rlen);
	free(x.tuple);
	free(x.ftuple);
	free(x.fso);
	free(x.fbo);
	free(x.fqo);
	for (i = 0; i < nr; i++) {
		r = &x.rs[i];
		tab_free(&r->tab);
		free(r->ldf);
		free(r->ds);
		for (j = 0; j < r->formcap; j++)
			free(r->fp[j].p);
		free(r->fp);
		buf_free(&r->text);
		buf_free(&r->rec);
		free(r->cs);
		free(r->map);
		free(r->inv);
	}
	free(x.rs);
	for (i = 0; i < n; i++)
		free(x.frags[i]);
	free(x.frags);
	free(x.keep);
	for (i = 0; i < x.g.fsz; i++)
		free(x.stems[i]);
	free(x.stems);
	free(x.sorted);
	free(x.df);
	for (i = 0; i < x.g.fsz; i++)
		free(x.enc[i]);
	free(x.enc);
	free(x.encsz);
	free(x.encqsz);
	free(x.packlo);
	free(x.fv);
	free(x.shlo);
	free(x.qpacklo);
	tab_free(&x.g);
	tab_free(&x.stop);
	free(x.docs);
	return x.ok;
}
