/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for image.c and sha256.c that need no tool and no image:
 * the syntax of image references and its messages, SHA-256 vectors,
 * the packages hash of a fake root, rootfs: folders used in place, a
 * file that is not a tar, and pruning by age and by hold.  Real tars,
 * registries and OCI layouts are tests/image.test.sh's.
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "model/private.h"
#include "check/private.h"
#include "harness.h"

#define HEX_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void
put(const char *dir, const char *name, const char *text)
{
	char	*p = path_join(dir, name), *d;
	int	 fd;

	d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	mkdirs(d);
	free(d);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1) {
		if (write(fd, text, strlen(text)) < 0)
			perror(p);
		close(fd);
	}
	free(p);
}

static int
exists(const char *dir, const char *name)
{
	struct stat	 st;
	char		*p = path_join(dir, name);
	int		 rc = lstat(p, &st) == 0;

	free(p);
	return rc;
}

/* How many folders a folder holds. */
static int
folders(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The reference is accepted. */
static void
good(const char *ref)
{
	char	*err = NULL, *name;

	name = xasprintf("accepts %s", ref);
	OK(image_ref_check(ref, &err) && err == NULL, name);
	if (err != NULL)
		printf("  message: %s\n", err);
	free(err);
	free(name);
}

/* The reference is refused with a message that contains want. */
static void
bad(const char *ref, const char *want)
{
	char	*err = NULL, *name;
	int	 rc;

	name = xasprintf("refuses '%s' saying \"%s\"", ref, want);
	rc = image_ref_check(ref, &err);
	OK(!rc && err != NULL && strstr(err, want) != NULL &&
	    strchr(err, '\n') == NULL, name);
	if (rc || err == NULL || strstr(err, want) == NULL)
		printf("  message: %s\n", err != NULL ? err : "(none)");
	free(err);
	free(name);
}

static void
refs(void)
{
	good("docker://ubuntu");
	good("docker://ubuntu:22.04");
	good("docker://registry.example.org/ml_infn/tf:2.15");
	good("docker://127.0.0.1:5000/kbgen/test@sha256:" HEX_A);
	good("docker://127.0.0.1:5000/kbgen/test:1@sha256:" HEX_A);
	good("docker://localhost/kbgen/test");
	good("docker://[::1]:5000/kbgen/test:v1.0-rc_2");
	good("docker://quay.io/a__b/c-d.e/f---g");
	good("oci:images/layout");
	good("oci:/srv/kbgen/layout:v1");
	good("oci-archive:images/x.tar");
	good("docker-archive:/srv/x.tar");
	good("docker-archive:/srv/x.tar:kbgen/t:1");
	good("rootfs:/srv/kbgen/images/base.tar");
	good("rootfs:images/base");
	good("rootfs:images/odd:name.tar.zst");

	bad("", "empty image reference");
	bad("dokcer://ubuntu", "did you mean 'docker://ubuntu'?");
	bad("rotfs:/srv/base.tar", "did you mean 'rootfs:/srv/base.tar'?");
	bad("oci-archiv:x.tar", "did you mean 'oci-archive:x.tar'?");
	bad("podman://x", "unknown image transport in 'podman://x'; use docker://");
	bad("docker:ubuntu", "start with docker:// (did you mean "
	    "'docker://ubuntu'?)");
	bad("ubuntu:22.04", "has no transport (did you mean 'docker://ubuntu:22.04'?");
	bad("registry.example.org/ml/tf:2.15", "(did you mean 'docker://registry.example.org/ml/tf:2.15'?)");
	bad("/srv/base.tar", "has no transport (did you mean 'rootfs:/srv/base.tar'?)");
	bad("docker://x@sha256:abc", "64 lower-case hex digits, got 3 "
	    "characters");
	bad("docker://x@sha256:" HEX_A "0", "got 65 characters");
	bad("docker://x@sha256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAA", "lower-case hex");
	bad("docker://x@md5:abc", "the digest must be sha256:HEX");
	bad("docker://", "needs an image name");
	bad("docker:///srv/x", "not a path");
	bad("docker://Ubuntu", "lower-case");
	bad("docker://host:port/x", "bad registry host");
	bad("docker://ubuntu:", "bad tag ''");
	bad("docker://ubuntu:a/b", "bad registry host 'ubuntu:a'");
	bad("docker://a//b", "empty path component");
	bad("docker://a..b", "repeated separators");
	bad("docker://-a", "does not start and end");
	bad("rootfs:", "rootfs: needs a path");
	bad("oci-archive:", "oci-archive: needs a path");
	bad("oci:", "oci: needs a path");
	bad("oci:dir:", "empty tag");
	bad("rootfs:/srv/my image.tar", "contains a space");
	bad("docker://ubuntu\t", "white space");
}

static void
sha(const char *top)
{
	struct sha256	*h;
	char		 a[SHA256_HEX_LEN + 1], b[SHA256_HEX_LEN + 1];
	char		*p, *err = NULL;

	sha256_hex("abc", 3, a);
	EQS(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 of abc");
	sha256_hex("", 0, a);
	EQS(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "sha256 of nothing");
	h = sha256_new();
	sha256_update(h, "ab", 2);
	sha256_update(h, "c", 1);
	sha256_final(h, b);
	EQS(b, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 streamed in pieces");
	sha256_update(h, "", 0);
	sha256_final(h, b);
	EQS(b, a, "sha256 context ready again after final");
	sha256_free(h);
	sha256_free(NULL);
	put(top, "abc.txt", "abc");
	p = path_join(top, "abc.txt");
	OK(sha256_file(p, a, &err), "sha256_file reads a file");
	EQS(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256_file digest");
	free(p);
	p = path_join(top, "missing.txt");
	OK(!sha256_file(p, a, &err) && err != NULL &&
	    strstr(err, "missing.txt: No such file") != NULL,
	    "sha256_file names a missing file");
	free(err);
	free(p);
}

static void
pkghash(const char *top)
{
	char	*r1, *r2, *venv, *h1, *h2, *h3, *h4, *hv1, *hv2;

	r1 = path_join(top, "root1");
	r2 = path_join(top, "root2");
	venv = path_join(top, "venv");
	put(r1, "var/lib/dpkg/status", "Package: python3\nVersion: 3.11\n");
	put(r1, "usr/lib/python3/dist-packages/numpy-1.24.2.dist-info/RECORD",
	    "x");
	put(r1, "usr/lib/python3/dist-packages/tabulate-0.8.egg-info", "x");
	put(r1, "usr/lib/python3/dist-packages/numpy/__init__.py", "x");
	put(r2, "var/lib/dpkg/status", "Package: python3\nVersion: 3.11\n");
	put(r2, "usr/lib/python3/dist-packages/tabulate-0.8.egg-info", "y");
	put(r2, "usr/lib/python3/dist-packages/numpy-1.24.2.dist-info/RECORD",
	    "y");
	h1 = image_packages_hash(r1);
	h2 = image_packages_hash(r2);
	OK(h1 != NULL && strlen(h1) == SHA256_HEX_LEN, "packages hash: 64 hex");
	EQS(h2, h1, "packages hash: same packages elsewhere, same hash");
	put(r2, "usr/lib/python3/dist-packages/extra.py", "z");
	free(h2);
	h2 = image_packages_hash(r2);
	EQS(h2, h1, "packages hash: a module file is not a package");
	put(r2, "usr/local/lib/python3.11/dist-packages/"
	    "tensorflow-2.15.0.dist-info/METADATA", "z");
	h3 = image_packages_hash(r2);
	OK(h3 != NULL && strcmp(h3, h1) != 0,
	    "packages hash: pip install in usr/local changes it");
	put(r1, "var/lib/dpkg/status", "Package: python3\nVersion: 3.12\n");
	h4 = image_packages_hash(r1);
	OK(h4 != NULL && strcmp(h4, h1) != 0,
	    "packages hash: a dpkg upgrade changes it");
	hv1 = image_packages_hash2(r1, venv);
	put(venv, "lib/python3.11/site-packages/pkg-1.0.dist-info/RECORD", "");
	hv2 = image_packages_hash2(r1, venv);
	OK(hv1 != NULL && hv2 != NULL && strcmp(hv1, h4) != 0 &&
	    strcmp(hv1, hv2) != 0, "packages hash: the venv's packages count");
	free(h1);
	h1 = image_packages_hash(venv);
	OK(h1 != NULL, "packages hash: a root without dpkg");
	free(h1);
	free(h2);
	free(h3);
	free(h4);
	free(hv1);
	free(hv2);
	free(r1);
	free(r2);
	free(venv);
}

static void
rootfs_dir(const char *top)
{
	char	*cache, *d1 = NULL, *d2 = NULL, *d3 = NULL, *root = NULL;
	char	*err = NULL, *real, *p;

	cache = path_join(top, "cache");
	put(top, "kb/images/tree/usr/bin/python3", "#!");
	put(top, "kb/images/tree/etc/os-release", "ID=debian\n");
	p = path_join(top, "kb");
	OK(image_prepare(cache, p, "rootfs:images/tree", &d1, &root, &err),
	    "rootfs: folder relative to the knowledge base");
	real = path_join(p, "images/tree");
	EQS(root, real, "rootfs: folder used in place");
	OK(d1 != NULL && strncmp(d1, "sha256:", 7) == 0 &&
	    strlen(d1) == 7 + SHA256_HEX_LEN, "rootfs: folder digest");
	free(root);
	root = NULL;
	OK(image_prepare(cache, "/nonexistent", "rootfs:" "", &d2, &root,
	    &err) == 0 && err != NULL, "rootfs: empty path refused");
	free(err);
	err = NULL;
	free(p);
	p = xasprintf("rootfs:%s", real);
	OK(image_prepare(cache, "/nonexistent", p, &d2, &root, &err),
	    "rootfs: absolute folder ignores kbroot");
	EQS(d2, d1, "rootfs: same listing, same digest");
	free(root);
	root = NULL;
	put(real, "etc/os-release", "ID=debian\nVERSION=12\n");
	OK(image_prepare(cache, "/", p, &d3, &root, &err) &&
	    strcmp(d3, d1) != 0, "rootfs: a changed file changes the digest");
	free(root);
	free(p);
	free(d1);
	free(d2);
	free(d3);
	root = d1 = NULL;

	OK(!image_prepare(cache, top, "rootfs:kb/absent.tar", &d1, &root,
	    &err) && err != NULL && strstr(err, "absent.tar: No such file"),
	    "rootfs: a missing tar is named");
	free(err);
	err = NULL;
	put(top, "kb/notatar.tar", "this is not a tar archive at all\n");
	OK(!image_prepare(cache, top, "rootfs:kb/notatar.tar", &d1, &root,
	    &err) && err != NULL && strstr(err, "notatar.tar: ") != NULL,
	    "rootfs: a file that is not a tar fails with libarchive's word");
	if (err != NULL)
		printf("  message: %s\n", err);
	free(err);
	err = NULL;
	p = path_join(cache, "images");
	OK(folders(p) == 0, "rootfs: a failed unpack leaves no folder");
	free(p);
	OK(!image_prepare(cache, top, "dokcer://x", &d1, &root, &err) &&
	    err != NULL && strstr(err, "did you mean"),
	    "prepare checks the syntax first");
	free(err);
	OK(d1 == NULL && root == NULL, "nothing returned on failure");
	free(real);
	free(cache);
}

static void
age(const char *path, long secs)
{
	struct timespec	 ts[2];

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - secs;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, path, ts, 0);
}

static void
prune(const char *top)
{
	char	*cache, *imgs, *p;
	size_t	 removed = 99;
	int	 fd;

	cache = path_join(top, "pcache");
	imgs = path_join(cache, "images");
	OK(image_prune(cache, 3600, &removed) && removed == 0,
	    "prune: no cache yet");
	put(imgs, HEX_A "/rootfs/etc/os-release", "old");
	put(imgs, HEX_A "/used", "");
	put(imgs, HEX_B "/rootfs/etc/os-release", "new");
	put(imgs, HEX_B "/used", "");
	put(imgs, ".tmp-" HEX_B "-Xy12ab/rootfs/half", "");
	put(imgs, "sums", "");
	/* A read-only folder, as images have. */
	p = path_join(imgs, HEX_A "/rootfs/etc");
	chmod(p, 0555);
	free(p);
	p = path_join(imgs, HEX_A "/used");
	age(p, 7200);
	free(p);
	OK(image_prune(cache, 3600, &removed) && removed == 1,
	    "prune: one image unused for two hours");
	OK(!exists(imgs, HEX_A) && exists(imgs, HEX_B "/rootfs/etc/os-release"),
	    "prune: the old one is gone, the recent one kept");
	OK(!exists(imgs, ".tmp-" HEX_B "-Xy12ab"),
	    "prune: a crashed unpack's leftovers are removed");
	OK(exists(imgs, "sums"), "prune: the digest memo stays");
	OK(image_hold(cache, "sha256:" HEX_A) == -1,
	    "hold: a pruned image is not held");
	fd = image_hold(cache, "sha256:" HEX_B);
	OK(fd >= 0, "hold: a cached image");
	OK(image_prune(cache, 0, &removed) && removed == 0 &&
	    exists(imgs, HEX_B), "prune 0: a held image is kept");
	image_release(fd);
	OK(image_prune(cache, 0, &removed) && removed == 1 &&
	    !exists(imgs, HEX_B), "prune 0: released, it goes");
	OK(!exists(imgs, HEX_B ".lock"), "prune: its lock file goes too");
	free(imgs);
	free(cache);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/kbgen-t_image-XXXXXX";
	char	*top;

	if ((top = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	refs();
	sha(top);
	pkghash(top);
	rootfs_dir(top);
	prune(top);
	rmtree(top);
	DONE();
}
