/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * SHA-256 over OpenSSL's EVP interface: a streaming context for data
 * hashed as it arrives (downloads), a one-shot digest of a buffer and
 * the digest of a file.  Digests are handed out as 64 lower-case hex
 * characters.  This is the only file that includes libcrypto; it does
 * no other cryptography and knows nothing of images or data.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "extern.h"
#include "base/base.h"

struct sha256 {
	EVP_MD_CTX	*ctx;	/* owned */
};

static void
hexify(const unsigned char *md, char hex[SHA256_HEX_LEN + 1])
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

/*
 * A new context; EVP only fails when out of memory, which exits as the
 * x-allocators do.  Free with sha256_free.
 */
struct sha256 *
sha256_new(void)
{
	struct sha256	*h;

	h = xmalloc(sizeof(*h));
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		fputs("kbgen: out of memory (sha256)\n", stderr);
		exit(1);
	}
	return h;
}

void
sha256_update(struct sha256 *h, const void *p, size_t n)
{
	if (n > 0)
		EVP_DigestUpdate(h->ctx, p, n);
}

/*
 * Write the digest of everything given so far into hex and start
 * again, so the context can hash another stream.
 */
void
sha256_final(struct sha256 *h, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	hexify(md, hex);
	EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void
sha256_free(struct sha256 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

/*
 * The digest of n bytes at p, as hex.
 */
void
sha256_hex(const void *p, size_t n, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdsz = 0;

	if (EVP_Digest(p, n, md, &mdsz, EVP_sha256(), NULL) != 1) {
		fputs("kbgen: out of memory (sha256)\n", stderr);
		exit(1);
	}
	hexify(md, hex);
}

/*
 * The digest of the file at path, read in 1 MiB blocks.  Returns 1, or
 * 0 when it cannot be read: then *err (when err is not NULL) is a new
 * message naming the path, else the failure is reported with diag_sys.
 */
int
sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], char **err)
{
	struct sha256	*h = NULL;
	char		*chunk = NULL;
	ssize_t		 n;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto out;
	h = sha256_new();
	chunk = xmalloc(1024 * 1024);
	for (;;) {
		n = read(fd, chunk, 1024 * 1024);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sha256_update(h, chunk, (size_t)n);
	}
	if (n == 0) {
		sha256_final(h, hex);
		rc = 1;
	}
out:
	if (!rc) {
		if (err != NULL)
			*err = xasprintf("%s: %s", path, strerror(errno));
		else
			diag_sys(path, "%s", strerror(errno));
	}
	if (fd != -1)
		close(fd);
	free(chunk);
	sha256_free(h);
	return rc;
}
