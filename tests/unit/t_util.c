/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for util.c's rmtree, which deletes the previous site after
 * each publish: it must remove a whole tree, never follow a symbolic
 * link out of it, and take a missing path as done.
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
	DONE();
}
