/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The syntax of an environment's image reference, for kbgen lint:
 * the containers-transports forms that skopeo and podman users know
 * (docker://REF[@sha256:HEX], oci-archive:PATH, docker-archive:PATH,
 * oci:DIR[:TAG]) plus rootfs:PATH.  This file only reads the text: it
 * neither resolves, fetches nor unpacks anything, and does not look
 * whether a path exists.  A stand-in until image.c, which prepares
 * images, provides the same function; the two are then merged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

/* Transports with what follows their name, in the order users meet them. */
static const char *const transports[] = { "docker", "oci-archive",
    "docker-archive", "oci", "rootfs" };
static const char *const seps[] = { "://", ":", ":", ":", ":" };

#define NTRANSPORTS	(sizeof(transports) / sizeof(transports[0]))

static char *
no_transport(const char *ref)
{
	return xasprintf("image reference \"%s\" names no transport: write "
	    "docker://REF, oci-archive:PATH, docker-archive:PATH, oci:DIR "
	    "or rootfs:PATH", ref);
}

/*
 * Whether the image reference ref is well formed.  Returns 1, or 0 with
 * *err a new one-line message (the caller frees) saying what is wrong
 * and, for a misspelt transport, which one was meant.
 */
int
image_ref_check(const char *ref, char **err)
{
	const char	*colon, *rest, *sug, *at;
	char		*name;
	size_t		 i, n;

	*err = NULL;
	if (ref == NULL || *ref == '\0') {
		*err = xstrdup("empty image reference");
		return 0;
	}
	for (i = 0; ref[i] != '\0'; i++)
		if (isspace((unsigned char)ref[i]) ||
		    iscntrl((unsigned char)ref[i])) {
			*err = xasprintf("image reference \"%s\" contains "
			    "white space", ref);
			return 0;
		}
	if ((colon = strchr(ref, ':')) == NULL) {
		*err = no_transport(ref);
		return 0;
	}
	n = (size_t)(colon - ref);
	for (i = 0; i < NTRANSPORTS; i++)
		if (strlen(transports[i]) == n &&
		    strncmp(ref, transports[i], n) == 0)
			break;
	if (i == NTRANSPORTS) {
		name = xstrndup(ref, n);
		sug = schema_suggest(name, transports, NTRANSPORTS);
		if (sug != NULL) {
			for (i = 0; strcmp(transports[i], sug) != 0; i++)
				continue;
			*err = xasprintf("unknown image transport \"%s\" in "
			    "\"%s\"; did you mean \"%s%s\"?", name, ref, sug,
			    seps[i]);
		} else if (strchr(name, '/') != NULL || strchr(name, '.') !=
		    NULL || strncmp(colon, "://", 3) != 0)
			/* "registry.io/x:tag", "ubuntu:22.04": no transport. */
			*err = no_transport(ref);
		else
			*err = xasprintf("unknown image transport \"%s\" in "
			    "\"%s\": use docker://, oci-archive:, "
			    "docker-archive:, oci: or rootfs:", name, ref);
		free(name);
		return 0;
	}
	if (strncmp(colon, seps[i], strlen(seps[i])) != 0) {
		*err = xasprintf("image reference \"%s\": the %s transport "
		    "is written %s%sREF", ref, transports[i], transports[i],
		    seps[i]);
		return 0;
	}
	rest = colon + strlen(seps[i]);
	if (*rest == '\0') {
		*err = xasprintf("image reference \"%s\" names nothing after "
		    "%s%s", ref, transports[i], seps[i]);
		return 0;
	}
	/* A pinned digest is what makes a docker:// image reproducible. */
	if (i == 0 && (at = strchr(rest, '@')) != NULL) {
		if (strncmp(at + 1, "sha256:", 7) != 0 ||
		    strlen(at + 8) != 64 ||
		    strspn(at + 8, "0123456789abcdef") != 64) {
			*err = xasprintf("image reference \"%s\": a digest is "
			    "written @sha256: and 64 lower-case hexadecimal "
			    "digits", ref);
			return 0;
		}
		if (at == rest) {
			*err = xasprintf("image reference \"%s\" names no "
			    "image before its digest", ref);
			return 0;
		}
	}
	return 1;
}
