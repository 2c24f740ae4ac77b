/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen init DIR: a new knowledge base that builds at once.  The theme's
 * init/ folder (templates/init: content/site.yaml, content/taxonomy.yaml,
 * one person, one use case, a README for the maintainers, .gitignore
 * and the CI recipes .gitlab-ci.yml and .github/workflows/kbgen.yml) is
 * copied into DIR as it is, then the JSON Schemas of its content are
 * written into DIR/schemas (new.c), which the files' "yaml-language-
 * server: $schema=" comments name.  DIR must be new or empty: nothing
 * of a folder in use is overwritten.  Only regular files and folders
 * are copied; links in the theme are skipped.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "cmd.h"

#ifndef KBGEN_TEMPLATES
#define KBGEN_TEMPLATES "/usr/local/share/kbgen/templates"
#endif

/* Whether folder dir holds anything: 1 yes, 0 no, -1 error (reported). */
static int
dir_used(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 used = 0;

	if ((d = opendir(dir)) == NULL) {
		diag_sys(dir, "%s", strerror(errno));
		return -1;
	}
	while (!used && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			used = 1;
	closedir(d);
	return used;
}

/* Copy the folder src into dst (which exists), recursively. */
static int
copy_tree(const char *src, const char *dst)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		*s, *t, *text;
	size_t		 sz;
	int		 ok = 1;

	if ((d = opendir(src)) == NULL) {
		diag_sys(src, "%s", strerror(errno));
		return 0;
	}
	while (ok && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		s = path_join(src, e->d_name);
		t = path_join(dst, e->d_name);
		if (lstat(s, &st) == -1) {
			diag_sys(s, "%s", strerror(errno));
			ok = 0;
		} else if (S_ISDIR(st.st_mode)) {
			if (mkdir(t, 0755) == -1) {
				diag_sys(t, "%s", strerror(errno));
				ok = 0;
			} else
				ok = copy_tree(s, t);
		} else if (S_ISREG(st.st_mode)) {
			if (!file_read(s, &text, &sz))
				ok = 0;
			else {
				ok = file_write(t, text, sz);
				free(text);
			}
		}
		free(s);
		free(t);
	}
	closedir(d);
	return ok;
}

/*
 * See cmd.h.  kbgen init DIR: 0 made, 1 refused or failed, 2 usage.
 */
int
cmd_init(const struct opts *o, int argc, char **argv)
{
	struct stat	 st;
	char		*dir = NULL, *src = NULL;
	int		 rc = 1, used;

	if (argc != 1) {
		fprintf(stderr, "kbgen: init: %s\nusage: kbgen init DIR\n",
		    argc == 0 ? "name the folder of the new knowledge base" :
		    "one folder only");
		return 2;
	}
	dir = argv[0][0] == '/' || strcmp(o->root, ".") == 0 ?
	    xstrdup(argv[0]) : path_join(o->root, argv[0]);
	src = path_join(o->templates != NULL ? o->templates :
	    KBGEN_TEMPLATES, "init");
	if (stat(src, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kbgen: init: the theme has no init/ folder "
		    "(%s)\n", src);
		goto out;
	}
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "kbgen: init: %s exists and is not a "
			    "folder\n", dir);
			goto out;
		}
		if ((used = dir_used(dir)) != 0) {
			if (used == 1)
				fprintf(stderr, "kbgen: init: %s is not empty; "
				    "kbgen init writes only into a new or "
				    "empty folder\n", dir);
			goto out;
		}
	} else {
		if (!mkdirs(dir))
			goto out;
	}
	if (!copy_tree(src, dir) || !new_schemas(dir))
		goto out;
	if (!o->quiet)
		printf("kbgen: a new knowledge base in %s; next: kbgen -C %s "
		    "build (README.md says more)\n", dir, dir);
	rc = 0;
out:
	free(src);
	free(dir);
	return rc;
}
