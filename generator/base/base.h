/*
 * What later stages use of generator/base/ (codecs and tools a few
 * stages use).  Include after extern.h.
 */
#ifndef KBGEN_BASE_BASE_H
#define KBGEN_BASE_BASE_H

/*
 * utf8.c: the one UTF-8 codec.  utf8_decode reads the code point at
 * p[0..n) (n > 0) and sets *len to its bytes; malformed input (a byte
 * that starts no sequence, a cut sequence, an overlong form, a
 * surrogate, past U+10FFFF) is UTF8_BAD with *len 1.  utf8_encode
 * writes cp into o (room for 4 bytes) and returns how many it wrote.
 */

#define	 UTF8_BAD	0xffffffffu
uint32_t	 utf8_decode(const char *, size_t, size_t *);
size_t		 utf8_encode(char *, uint32_t);
int		 utf8_valid(const char *, size_t, size_t *, size_t *);

/*
 * entity.c: the named HTML character references kbgen decodes.  The
 * UTF-8 text of name[0..namesz) (no '&' or ';'), or NULL if unknown.
 */

const char	*entity_lookup(const char *, size_t);

/* unicode.c: letters, combining marks and search folding. */

int		 uni_letter(uint32_t);
int		 uni_mark(uint32_t);
uint32_t	 uni_fold(uint32_t);

/* json.c: the only jansson user. */

char		*json_get_str(const char *, size_t, const char *);
struct val	*json_parse(const char *, size_t);

/* proc.c: running a tool and collecting its output. */

/*
 * Run argv (no shell, stdin from /dev/null); *out and *err get its
 * standard output and error (new strings, never NULL).  Returns the
 * exit status, 127 when it could not start, -1 when it was killed or
 * could not be forked.
 */
int		 proc_run(const char *const *, char **, char **);

/* sha256.c: SHA-256 over OpenSSL EVP (the only libcrypto user). */

#define SHA256_HEX_LEN	64	/* hex characters of a digest */

struct sha256;

/* A streaming context: new, update, final (then ready again), free. */
struct sha256	*sha256_new(void);
void		 sha256_update(struct sha256 *, const void *, size_t);
void		 sha256_final(struct sha256 *, char hex[SHA256_HEX_LEN + 1]);
void		 sha256_free(struct sha256 *);

/* The digest of a buffer, as 64 lower-case hex characters. */
void		 sha256_hex(const void *, size_t, char hex[SHA256_HEX_LEN + 1]);

/*
 * The digest of a file.  Returns 0 when it cannot be read: *err is then
 * a new message (caller frees), or with err NULL it is reported.
 */
int		 sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1],
		    char **err);

/* util.c: base64 (RFC 4648) as notebooks hold images. */

/*
 * Decode p[0..n), white space allowed (nbformat wraps lines), padding
 * only at the end.  A new buffer of *sz bytes, NULL when not base64 or
 * empty.
 */
char		*base64_decode(const char *p, size_t n, size_t *sz);

#endif /* !KBGEN_BASE_BASE_H */
