/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The bubblewrap command line of a job: what the example may see.  The
 * sandbox's root is an empty tmpfs on which are bound, read-only, the
 * host's system folders (/usr, /bin, /lib*, /sbin, /etc) or every
 * top-level folder of an unpacked image; then a fresh /dev and /proc, a
 * private /tmp, the job's own work folder at /job (the only writable
 * place), the job driver and job.json under /run/kbgen, the
 * requirements' virtual environment at /run/kbgen/env, the declared
 * data files, and the GPU device nodes granted to the job (with the
 * host's NVIDIA driver libraries when the root is an image).  Nothing
 * else of the machine: not the knowledge base, not .kbgen/, not site/,
 * not other jobs, not /home, /root, /srv, /opt or /work.  The
 * environment is cleared and set from the list given.
 *
 * This file builds argument lists; runners.c starts processes.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "check/check.h"
#include "check/private.h"

/* Host folders that make a working system without showing anything. */
static const char *const host_dirs[] = { "usr", "bin", "sbin", "lib",
    "lib32", "lib64", "libx32", "etc" };

/* Top-level names of an image that the sandbox provides itself. */
static const char *const own_dirs[] = { "dev", "proc", "sys", "tmp",
    "run", "job" };

/* Host driver files of NVIDIA GPUs, for a root that is an image. */
static const char *const nv_libs[] = {
	"/usr/lib/x86_64-linux-gnu/libcuda.so*",
	"/usr/lib/x86_64-linux-gnu/libnvidia-*.so*",
	"/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so*",
	"/usr/lib/x86_64-linux-gnu/nvidia/current/libnvidia-*.so*",
	"/usr/lib64/libcuda.so*", "/usr/lib64/libnvidia-*.so*",
	"/usr/lib/aarch64-linux-gnu/libcuda.so*",
	"/usr/lib/aarch64-linux-gnu/libnvidia-*.so*",
};
static const char *const nv_ctl[] = { "/dev/nvidiactl", "/dev/nvidia-uvm",
    "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset" };

void
args_add(struct args *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void
add2(struct args *a, const char *opt, const char *x)
{
	args_add(a, opt);
	args_add(a, x);
}

static void
add3(struct args *a, const char *opt, const char *x, const char *y)
{
	args_add(a, opt);
	args_add(a, x);
	args_add(a, y);
}

void
args_free(struct args *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/*
 * One entry of the root: a link stays a link, a folder or file is bound
 * read-only.  Other kinds (sockets, devices) are left out.
 */
static void
root_entry(struct args *a, const char *dir, const char *name)
{
	struct stat	 st;
	char		*src, *dst, link[4096];
	ssize_t		 n;

	src = path_join(dir, name);
	dst = xasprintf("/%s", name);
	if (lstat(src, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			if ((n = readlink(src, link, sizeof(link) - 1)) > 0) {
				link[n] = '\0';
				add3(a, "--symlink", link, dst);
			}
		} else if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))
			add3(a, "--ro-bind", src, dst);
	}
	free(src);
	free(dst);
}

static int
own_dir(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(own_dirs) / sizeof(own_dirs[0]); i++)
		if (strcmp(name, own_dirs[i]) == 0)
			return 1;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
root_args(struct args *a, const char *root)
{
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL;
	size_t		 i, n = 0;

	if (root == NULL) {
		for (i = 0; i < sizeof(host_dirs) / sizeof(host_dirs[0]); i++)
			root_entry(a, "/", host_dirs[i]);
		return;
	}
	if ((d = opendir(root)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || own_dir(e->d_name))
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	/* A stable order: the same image gives the same command. */
	xqsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		root_entry(a, root, names[i]);
		free(names[i]);
	}
	free(names);
}

/*
 * The host's NVIDIA user-space driver, bound under /run/kbgen/nvidia
 * for an image that cannot carry it (it must match the host's kernel
 * module).  Returns whether anything was bound.
 */
static int
nvidia_libs(struct args *a)
{
	glob_t		 g;
	size_t		 i, k;
	const char	*base;
	char		*dst;
	int		 any = 0;

	for (k = 0; k < sizeof(nv_libs) / sizeof(nv_libs[0]); k++) {
		if (glob(nv_libs[k], 0, NULL, &g) != 0)
			continue;
		for (i = 0; i < g.gl_pathc; i++) {
			base = strrchr(g.gl_pathv[i], '/') + 1;
			dst = xasprintf("/run/kbgen/nvidia/lib/%s", base);
			add3(a, "--ro-bind", g.gl_pathv[i], dst);
			free(dst);
			any = 1;
		}
		globfree(&g);
	}
	if (access("/usr/bin/nvidia-smi", X_OK) == 0)
		add3(a, "--ro-bind", "/usr/bin/nvidia-smi",
		    "/run/kbgen/nvidia/bin/nvidia-smi");
	return any;
}

/*
 * Where a GPU's device node appears inside: /dev/nvidiaN, N its minor
 * number, whatever its name on the host (a site may keep them
 * elsewhere; the tests make fake ones).  NULL when path is not a
 * character device.
 */
char *
sandbox_gpu_name(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1 || !S_ISCHR(st.st_mode))
		return NULL;
	return xasprintf("/dev/nvidia%u", minor(st.st_rdev));
}

/*
 * Append to a the bubblewrap options of sb; the caller adds its own,
 * then "--" and the command.  Strings are copied.
 */
void
sandbox_args(const struct sandbox *sb, struct args *a)
{
	struct buf	 path = { NULL, 0, 0 };
	char		*name;
	size_t		 i;
	int		 libs = 0;

	root_args(a, sb->root);
	add2(a, "--dev", "/dev");
	add2(a, "--proc", "/proc");
	add2(a, "--tmpfs", "/tmp");
	add2(a, "--dir", "/run/kbgen");
	if (sb->work != NULL)
		add3(a, "--bind", sb->work, "/job");
	if (sb->driver != NULL)
		add3(a, "--ro-bind", sb->driver, "/run/kbgen/driver.py");
	if (sb->jobfile != NULL)
		add3(a, "--ro-bind", sb->jobfile, "/run/kbgen/job.json");
	if (sb->venv != NULL)
		add3(a, sb->venv_rw ? "--bind" : "--ro-bind", sb->venv,
		    "/run/kbgen/env");
	for (i = 0; i < sb->bindsz; i++)
		add3(a, sb->binds[i].rw ? "--bind" : "--ro-bind",
		    sb->binds[i].src, sb->binds[i].dst);
	for (i = 0; i < sb->gpusz; i++) {
		if ((name = sandbox_gpu_name(sb->gpus[i])) == NULL)
			continue;
		add3(a, "--dev-bind", sb->gpus[i], name);
		free(name);
	}
	if (sb->gpusz > 0) {
		for (i = 0; i < sizeof(nv_ctl) / sizeof(nv_ctl[0]); i++)
			add3(a, "--dev-bind-try", nv_ctl[i], nv_ctl[i]);
		if (sb->root != NULL)
			libs = nvidia_libs(a);
	}
	/* The root tmpfs itself stays as it was made. */
	add2(a, "--remount-ro", "/");
	args_add(a, "--unshare-all");
	if (sb->network)
		args_add(a, "--share-net");
	args_add(a, "--die-with-parent");
	args_add(a, "--new-session");
	add2(a, "--cap-drop", "ALL");
	args_add(a, "--clearenv");
	buf_puts(&path, "PATH=");
	if (sb->venv != NULL)
		buf_puts(&path, "/run/kbgen/env/bin:");
	if (sb->gpusz > 0 && sb->root != NULL)
		buf_puts(&path, "/run/kbgen/nvidia/bin:");
	buf_puts(&path, sb->path != NULL ? sb->path : "/usr/local/sbin:"
	    "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (i = 0; i < sb->envsz + 1; i++) {
		const char *kv = i < sb->envsz ? sb->env[i] : buf_cstr(&path);
		const char *eq = strchr(kv, '=');

		/* An image's LD_LIBRARY_PATH gets the driver's too. */
		if (eq == NULL || (libs && strncmp(kv, "LD_LIBRARY_PATH=",
		    16) == 0))
			continue;
		name = xstrndup(kv, (size_t)(eq - kv));
		add3(a, "--setenv", name, eq + 1);
		free(name);
	}
	if (libs) {
		const char *ld = NULL;

		for (i = 0; i < sb->envsz; i++)
			if (strncmp(sb->env[i], "LD_LIBRARY_PATH=", 16) == 0)
				ld = sb->env[i] + 16;
		name = xasprintf("/run/kbgen/nvidia/lib%s%s", ld && *ld ?
		    ":" : "", ld ? ld : "");
		add3(a, "--setenv", "LD_LIBRARY_PATH", name);
		free(name);
	}
	buf_free(&path);
	add2(a, "--chdir", sb->work != NULL ? "/job" : "/");
}

/*
 * The words of a as one line for a POSIX shell, each single-quoted:
 * a new string.
 */
char *
args_shell(const struct args *a)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p;
	size_t		 i;

	for (i = 0; i < a->n; i++) {
		if (i > 0)
			buf_putc(&b, ' ');
		buf_putc(&b, '\'');
		for (p = a->v[i]; *p != '\0'; p++)
			if (*p == '\'')
				buf_puts(&b, "'\\''");
			else
				buf_putc(&b, *p);
		buf_putc(&b, '\'');
	}
	return buf_steal(&b);
}
