/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for util.c's rmtree, which deletes the previous site after
 * each publish: it must remove a whole tree, never follow a symbolic
 * link out of it, and take a missing path as done; and for size_parse,
 * which reads memory limits and cache sizes from the content: the
 * forms it takes, its range (1 MiB .. 16 TiB) at both ends, and input
 * that would overflow a 64-bit number.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "harness.h"

static int
exists(const char *p)
{
	struct stat	 st;

	return lstat(p, &st) == 0;
}

static void
touch(const char *dir, const char *name)
{
	char	*p = path_join(dir, name);
	int	 fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd != -1) {
		(void)write(fd, "x\n", 2);
		close(fd);
	}
	free(p);
}

/* size_parse(s) gives want (0: refused, *bytes untouched). */
static void
size_case(const char *s, long long want)
{
	long long	 got = -7;
	int		 ok;
	char		*name;

	ok = size_parse(s, &got);
	name = xasprintf("size_parse \"%s\" -> %lld", s, want);
	if (want == 0)
		OK(!ok && got == -7, name);
	else
		OK(ok && got == want, name);
	free(name);
}

static void
sizes(void)
{
	size_case("16G", 16LL << 30);
	size_case("512M", 512LL << 20);
	size_case("512m", 512LL << 20);
	size_case("2048K", 2048LL << 10);
	size_case("2048k", 2048LL << 10);
	size_case("1M", 1LL << 20);
	size_case("16T", 16LL << 40);
	size_case("16384G", 16LL << 40);
	size_case("1048576", 1LL << 20);
	size_case("17592186044416", 16LL << 40);
	size_case("0001G", 1LL << 30);
	/* Below 1 MiB, above 16 TiB. */
	size_case("1023K", 0);
	size_case("1048575", 0);
	size_case("0", 0);
	size_case("0G", 0);
	size_case("17T", 0);
	size_case("16385G", 0);
	size_case("17592186044417", 0);
	/* Numbers that overflow 64 bits, with and without a unit. */
	size_case("99999999999999999999", 0);
	size_case("99999999999999999999T", 0);
	size_case("18446744073709551617", 0);
	size_case("9223372036854775807K", 0);
	size_case("4398046511104T", 0);
	/* Anything else. */
	size_case("", 0);
	size_case("G", 0);
	size_case("16GB", 0);
	size_case("16Gi", 0);
	size_case("16 G", 0);
	size_case(" 16G", 0);
	size_case("+16G", 0);
	size_case("-16G", 0);
	size_case("1.5G", 0);
	size_case("16P", 0);
	size_case("0x100000", 0);
	OK(!size_parse(NULL, NULL), "size_parse NULL");
}

int
main(void)
{
	char	 tmpl[] = "/tmp/kbgen-t_util-XXXXXX";
	char	*top, *tree, *p, *outside, *name;
	int	 i;

	if ((top = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	tree = path_join(top, "site.old");
	outside = path_join(top, "outside");

	/* A site's shape: folders of folders, files, links in and out. */
	p = path_join(tree, "usecases/a/deep/er");
	OK(mkdirs(p), "mkdirs");
	free(p);
	OK(mkdirs(outside), "mkdirs outside");
	touch(outside, "keep.txt");
	touch(tree, "index.html");
	p = path_join(tree, "usecases/a");
	touch(p, "index.html");
	free(p);
	p = path_join(tree, "usecases");
	for (i = 0; i < 300; i++) {
		name = xasprintf("many-%03d", i);
		touch(p, name);
		free(name);
	}
	free(p);
	p = path_join(tree, "usecases/a/deep/out");
	OK(symlink(outside, p) == 0, "symlink to a folder outside");
	free(p);
	p = path_join(tree, "usecases/a/deep/er/file");
	OK(symlink("../../../../index.html", p) == 0, "symlink to a file");
	free(p);
	p = path_join(tree, "usecases/a/deep/er/dangling");
	OK(symlink("nowhere", p) == 0, "dangling symlink");
	free(p);
	p = path_join(tree, "usecases/a/twin.html");
	name = path_join(tree, "index.html");
	OK(link(name, p) == 0, "hard link");
	free(name);
	free(p);

	OK(rmtree(tree), "rmtree removes the tree");
	OK(!exists(tree), "the tree is gone");
	OK(exists(outside), "a linked folder outside stays");
	p = path_join(outside, "keep.txt");
	OK(exists(p), "and its files stay");
	free(p);

	OK(rmtree(tree), "a missing path is not an error");
	p = path_join(top, "single");
	touch(top, "single");
	OK(rmtree(p) && !exists(p), "a single file");
	free(p);
	p = path_join(top, "empty");
	OK(mkdirs(p) && rmtree(p) && !exists(p), "an empty folder");
	free(p);

	OK(rmtree(outside), "cleanup");
	OK(rmdir(top) == 0, "nothing else was left");
	free(tree);
	free(outside);
	sizes();
	DONE();
}
