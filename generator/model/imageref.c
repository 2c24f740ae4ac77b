/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Image references, as site.yaml's environments write them: the
 * containers-transports names skopeo and podman users know
 * (docker://, oci:, oci-archive:, docker-archive:) plus rootfs: for a
 * root file system as a tar or a folder.  Parsing only, with messages
 * that say what is wrong; no file or network access.  config.c checks
 * site.yaml with it, check/image.c resolves and unpacks what it parsed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "base/base.h"
#include "model/model.h"
#include "model/private.h"

static const struct {
	const char	*prefix;	/* with its colon */
	enum imgkind	 kind;
} transports[] = {
	{ "docker://", IMG_DOCKER },
	{ "oci:", IMG_OCI },
	{ "oci-archive:", IMG_OCI_ARCHIVE },
	{ "docker-archive:", IMG_DOCKER_ARCHIVE },
	{ "rootfs:", IMG_ROOTFS },
};



void
imgref_free(struct imgref *r)
{
	free(r->name);
	free(r->host);
	free(r->tag);
	free(r->digest);
	free(r->path);
	free(r->suffix);
	memset(r, 0, sizeof(*r));
}

int
is_hex64(const char *s, size_t n)
{
	size_t	 i;

	if (n != SHA256_HEX_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

/*
 * A registry host: a DNS name or IPv4 address, or [IPv6], with an
 * optional :PORT.
 */
static int
host_ok(const char *s, size_t n)
{
	size_t	 i = 0, end;

	if (n > 0 && s[0] == '[') {
		while (i < n && s[i] != ']')
			i++;
		if (i == n || i == 1)
			return 0;
		end = ++i;
	} else {
		while (i < n && s[i] != ':') {
			if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
			    s[i] != '-')
				return 0;
			i++;
		}
		if (i == 0)
			return 0;
		end = i;
	}
	if (end == n)
		return 1;
	if (s[end] != ':' || end + 1 == n)
		return 0;
	for (i = end + 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * One path component of a repository name: lower-case letters and
 * digits, separated by one '.', one or two '_', or any number of '-'.
 * Returns NULL when fine, else what is wrong.
 */
static const char *
component_bad(const char *s, size_t n)
{
	size_t	 i, run;

	if (n == 0)
		return "an empty path component";
	for (i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]))
			return "upper-case letters (repository names are "
			    "lower-case)";
	if (!isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return "a path component that does not start and end with a "
		    "letter or digit";
	for (i = 0; i < n; i++) {
		if (isalnum((unsigned char)s[i]))
			continue;
		if (s[i] != '.' && s[i] != '_' && s[i] != '-')
			return "a character other than a-z, 0-9, '.', '_', '-'";
		for (run = 0; i + run < n &&
		    !isalnum((unsigned char)s[i + run]); run++)
			if (s[i + run] != s[i])
				return "mixed separators";
		if ((s[i] == '.' && run > 1) || (s[i] == '_' && run > 2))
			return "repeated separators";
		i += run - 1;
	}
	return NULL;
}

static int
tag_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/*
 * Parse the part of a docker:// reference after the transport:
 * [HOST[:PORT]/]PATH[:TAG][@sha256:HEX].
 */
static int
docker_parse(const char *s, struct imgref *r, char **err)
{
	const char	*at, *d, *slash, *colon, *p, *e, *why;
	size_t		 n;

	if (*s == '\0') {
		*err = xstrdup("docker:// needs an image name "
		    "(docker://[HOST[:PORT]/]NAME[:TAG][@sha256:HEX])");
		return 0;
	}
	if (*s == '/') {
		*err = xasprintf("docker://%s: the name starts with '/' "
		    "(docker://HOST/NAME, not a path)", s);
		return 0;
	}
	n = strlen(s);
	if ((at = strchr(s, '@')) != NULL) {
		d = at + 1;
		if (strncmp(d, "sha256:", 7) != 0) {
			*err = xasprintf("docker://%s: the digest must be "
			    "sha256:HEX, got '%s'", s, d);
			return 0;
		}
		if (!is_hex64(d + 7, strlen(d + 7))) {
			*err = xasprintf("docker://%s: the digest must be "
			    "sha256: and 64 lower-case hex digits, got %zu "
			    "characters", s, strlen(d + 7));
			return 0;
		}
		r->digest = xstrdup(d);
		n = (size_t)(at - s);
	}
	/* A tag's colon comes after the last slash (a port's before). */
	slash = memrchr(s, '/', n);
	colon = memrchr(slash != NULL ? slash : s, ':',
	    n - (size_t)((slash != NULL ? slash : s) - s));
	if (colon != NULL) {
		r->tag = xstrndup(colon + 1, n - (size_t)(colon + 1 - s));
		if (!tag_ok(r->tag)) {
			*err = xasprintf("docker://%s: bad tag '%s' (letters, "
			    "digits, '_', '.', '-'; at most 128)", s, r->tag);
			return 0;
		}
		n = (size_t)(colon - s);
	}
	r->name = xstrndup(s, n);
	p = r->name;
	/* The first component is a host when a name follows it and it
	 * looks like one, as the docker reference grammar has it. */
	if ((e = strchr(p, '/')) != NULL && (memchr(p, '.', (size_t)(e - p)) ||
	    memchr(p, ':', (size_t)(e - p)) || p[0] == '[' ||
	    strncmp(p, "localhost/", 10) == 0)) {
		if (!host_ok(p, (size_t)(e - p))) {
			*err = xasprintf("docker://%s: bad registry host "
			    "'%.*s'", s, (int)(e - p), p);
			return 0;
		}
		r->host = xstrndup(p, (size_t)(e - p));
		p = e + 1;
	}
	if (*p == '\0') {
		*err = xasprintf("docker://%s: no repository name", s);
		return 0;
	}
	for (;;) {
		e = strchr(p, '/');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if ((why = component_bad(p, n)) != NULL) {
			*err = xasprintf("docker://%s: the name has %s", s, why);
			return 0;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 1;
}

/*
 * A known transport within two edits of word, the transport a
 * reference was written with: the reference with that transport, or
 * NULL.
 */
static char *
transport_typo(const char *ref, const char *word)
{
	const char	*rest;
	char		*s = NULL, name[32];
	size_t		 i, best = 3, d;

	rest = ref + strlen(word) + (ref[strlen(word)] == ':');
	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		snprintf(name, sizeof(name), "%.*s",
		    (int)strcspn(transports[i].prefix, ":"),
		    transports[i].prefix);
		if ((d = edit_distance(word, name)) < best) {
			best = d;
			free(s);
			s = xasprintf("%s%s", transports[i].prefix,
			    rest + (transports[i].kind == IMG_DOCKER ?
			    strspn(rest, "/") : 0));
		}
	}
	return s;
}

/*
 * What a reference without a transport probably meant: a docker name,
 * or a path for rootfs:.  NULL when neither.
 */
static char *
transport_missing(const char *ref)
{
	struct imgref	 r;
	char		*e = NULL, *s = NULL;

	memset(&r, 0, sizeof(r));
	if (ref[0] == '/' || ref[0] == '.')
		s = xasprintf("rootfs:%s", ref);
	else if (docker_parse(ref, &r, &e))
		s = xasprintf("docker://%s", ref);
	free(e);
	imgref_free(&r);
	return s;
}

int
imgref_parse(const char *ref, struct imgref *r, char **err)
{
	const char	*rest = NULL, *c;
	char		*word, *s;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	*err = NULL;
	if (*ref == '\0') {
		*err = xstrdup("empty image reference");
		return 0;
	}
	for (c = ref; *c != '\0'; c++)
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c)) {
			*err = xasprintf("image reference '%s' contains %s",
			    ref, *c == ' ' ? "a space" :
			    "a control character or white space");
			return 0;
		}
	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (strncmp(ref, transports[i].prefix,
		    strlen(transports[i].prefix)) == 0) {
			r->kind = transports[i].kind;
			rest = ref + strlen(transports[i].prefix);
			break;
		}
	if (rest == NULL) {
		word = xstrndup(ref, strcspn(ref, ":"));
		if (strcmp(word, "docker") == 0) {
			s = transport_missing(ref + 7 + strspn(ref + 7, "/"));
			*err = xasprintf("image reference '%s': docker "
			    "references start with docker:// (did you mean "
			    "'%s'?)", ref, s != NULL ? s : "docker://NAME");
		} else if ((s = transport_typo(ref, word)) != NULL)
			*err = xasprintf("unknown image transport '%s:' (did "
			    "you mean '%s'?)", word, s);
		else if ((s = transport_missing(ref)) != NULL)
			*err = xasprintf("image reference '%s' has no "
			    "transport (did you mean '%s'?)", ref, s);
		else
			*err = xasprintf("unknown image transport in '%s'; "
			    "use docker://, oci:, oci-archive:, "
			    "docker-archive: or rootfs:", ref);
		free(word);
		free(s);
		return 0;
	}
	switch (r->kind) {
	case IMG_DOCKER:
		return docker_parse(rest, r, err);
	case IMG_ROOTFS:
		/* Our own transport: the whole rest is the path. */
		if (*rest == '\0') {
			*err = xstrdup("rootfs: needs a path (a tar, "
			    "plain, gzip or zstd, or a folder)");
			return 0;
		}
		r->path = xstrdup(rest);
		return 1;
	default:
		/* As skopeo: the path ends at the first colon. */
		i = strcspn(rest, ":");
		if (i == 0) {
			*err = xasprintf("%.*s needs a path",
			    (int)(rest - ref), ref);
			return 0;
		}
		r->path = xstrndup(rest, i);
		if (rest[i] == '\0')
			return 1;
		if (rest[i + 1] == '\0') {
			*err = xasprintf("%s: empty %s after the path's colon",
			    ref, r->kind == IMG_OCI ? "tag" : "reference");
			return 0;
		}
		if (r->kind == IMG_OCI) {
			r->tag = xstrdup(rest + i + 1);
			if (strchr(r->tag, ':') != NULL ||
			    strchr(r->tag, '@') != NULL) {
				*err = xasprintf("%s: bad tag '%s'", ref,
				    r->tag);
				return 0;
			}
		} else
			r->suffix = xstrdup(rest + i);
		return 1;
	}
}

/*
 * Check the syntax of an image reference (no file or network access).
 * Returns 1 when it is well formed, else 0 with *err a new one-line
 * message (the caller frees it and adds the file and line).
 */
int
image_ref_check(const char *ref, char **err)
{
	struct imgref	 r;
	int		 rc;

	rc = imgref_parse(ref, &r, err);
	imgref_free(&r);
	return rc;
}
