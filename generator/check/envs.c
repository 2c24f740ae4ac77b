/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * What an example runs in, prepared before its job: the environment it
 * names (site.yaml environments: an image unpacked by image.c, or the
 * host's system folders), the virtual environment built from its
 * requirements on top of that root (once per image digest, file hash
 * and package index, with the network, in the same sandbox), and the
 * GPUs of the local runner, handed out so that no two jobs share one.
 * Declared data are data.c's; processes are runners.c's.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"
#include "check/check.h"
#include "check/private.h"

#define VENV_TIMEOUT	1800	/* seconds for pip to install */
#define LOG_TAIL	40	/* lines of a build log in a message */

/*
 * The variables an OCI image sets for its processes (umoci keeps them
 * in config.json beside the root): CUDA images set PATH and
 * LD_LIBRARY_PATH there.  Those the sandbox sets itself are left out.
 */
static void
image_env(struct jobenv *e)
{
	static const char *const ours[] = { "HOME=", "USER=", "LOGNAME=",
	    "HOSTNAME=", "TERM=" };
	const struct val *pr, *l;
	struct val	*cfg = NULL;
	char		*dir, *p, *text = NULL;
	const char	*kv;
	size_t		 sz, i, k;

	dir = xstrdup(e->root);
	if ((p = strrchr(dir, '/')) != NULL)
		*p = '\0';
	p = path_join(dir, "config.json");
	diag_set_quiet(1);
	if (access(p, R_OK) == 0 && file_read(p, &text, &sz))
		cfg = json_parse(text, sz);
	diag_set_quiet(0);
	pr = val_get(cfg, "process");
	if ((l = val_get(pr, "env")) != NULL && l->type == VAL_LIST)
		for (i = 0; i < l->kidsz; i++) {
			if ((kv = l->kids[i]->str) == NULL ||
			    strchr(kv, '=') == NULL || kv[0] == '=')
				continue;
			for (k = 0; k < sizeof(ours) / sizeof(ours[0]); k++)
				if (strncmp(kv, ours[k], strlen(ours[k])) == 0)
					break;
			if (k == sizeof(ours) / sizeof(ours[0]))
				args_add(&e->env, kv);
		}
	val_free(cfg);
	free(text);
	free(p);
	free(dir);
}

/*
 * The environment called name (NULL: the default of runners.environment,
 * else the host), resolved and unpacked: fills e (free with env_clear).
 * Returns 1, or 0 with e->error set (a one-line message naming the
 * environment and the tool's words).
 */
int
env_resolve(struct jobenv *e, const struct val *site, const char *kbroot,
    const char *cache, const char *name)
{
	const struct val *envs, *def;
	char		*err = NULL;

	memset(e, 0, sizeof(*e));
	if (name == NULL)
		name = val_get_str(val_get(site, "runners"), "environment");
	if (name == NULL) {
		e->packages = image_packages_hash("/");
		return 1;
	}
	e->name = xstrdup(name);
	envs = val_get(site, "environments");
	if ((def = val_get(envs, name)) == NULL || def->type != VAL_MAP ||
	    val_get_str(def, "image") == NULL) {
		e->error = xasprintf("environment %s is not defined in "
		    "site.yaml (environments: %s: {image: …})", name, name);
		return 0;
	}
	e->image = xstrdup(val_get_str(def, "image"));
	if (val_get_str(def, "kernel") != NULL)
		e->kernel = xstrdup(val_get_str(def, "kernel"));
	if (!image_prepare(cache, kbroot, e->image, &e->digest, &e->root,
	    &err)) {
		e->error = xasprintf("environment %s: image %s could not be "
		    "prepared: %s", name, e->image, err != NULL ? err :
		    "unknown error");
		free(err);
		return 0;
	}
	e->packages = image_packages_hash(e->root);
	image_env(e);
	return 1;
}

void
env_clear(struct jobenv *e)
{
	if (e == NULL)
		return;
	free(e->name);
	free(e->image);
	free(e->digest);
	free(e->root);
	free(e->kernel);
	free(e->packages);
	free(e->error);
	args_free(&e->env);
	memset(e, 0, sizeof(*e));
}

/*
 * The requirements file of an example inside its checkout: the
 * declared one (relative to the example's folder), else
 * requirements.txt in the example's folder, its subdir, or the
 * repository's root.  Returns 1 with *path (new, absolute) or NULL when
 * there is none; 0 with *err when the declared one is missing or when
 * only a conda environment file is there (conda is not in Debian).
 */
int
env_requirements(const char *src, const char *subdir, const char *example,
    const char *declared, char **path, char **err)
{
	char		*exdir, *slash, *p, *cands[3];
	const char	*yml[] = { "environment.yml", "environment.yaml" };
	size_t		 i, k, n = 0;
	int		 rc = 1;

	*path = *err = NULL;
	if (declared != NULL && strcmp(declared, "none") == 0)
		return 1;
	cands[n++] = p = subdir != NULL ? path_join(src, subdir) :
	    xstrdup(src);
	exdir = path_join(p, example != NULL ? example : ".");
	if ((slash = strrchr(exdir, '/')) != NULL)
		*slash = '\0';
	if (declared != NULL) {
		*path = path_join(exdir, declared);
		if (access(*path, R_OK) == -1) {
			*err = xasprintf("run.requirements: %s does not exist "
			    "in the repository at the pinned commit",
			    declared);
			free(*path);
			*path = NULL;
			rc = 0;
		}
		goto out;
	}
	if (strcmp(exdir, cands[0]) != 0) {
		cands[n++] = cands[0];
		cands[0] = xstrdup(exdir);
	}
	if (strcmp(cands[n - 1], src) != 0)
		cands[n++] = xstrdup(src);
	for (i = 0; i < n && *path == NULL; i++) {
		p = path_join(cands[i], "requirements.txt");
		if (access(p, R_OK) == 0)
			*path = p;
		else
			free(p);
	}
	for (i = 0; i < n && *path == NULL && rc; i++)
		for (k = 0; k < 2; k++) {
			p = path_join(cands[i], yml[k]);
			if (access(p, R_OK) == 0) {
				*err = xasprintf("the repository has a conda "
				    "%s and no requirements.txt: conda is not "
				    "supported (not in Debian); list the pip "
				    "packages in a requirements file "
				    "(run.requirements), choose an environment "
				    "that has them (run.environment), or set "
				    "run.requirements: none", yml[k]);
				rc = 0;
				free(p);
				break;
			}
			free(p);
		}
out:
	for (i = 0; i < n; i++)
		free(cands[i]);
	free(exdir);
	return rc;
}

/* The last lines of a log file, for a message. */
static char *
log_tail(const char *path)
{
	char	*text = NULL, *p;
	size_t	 sz = 0, lines = 0;

	if (access(path, R_OK) == 0) {
		diag_set_quiet(1);
		(void)file_read(path, &text, &sz);
		diag_set_quiet(0);
	}
	if (text == NULL)
		return xstrdup("");
	while (sz > 0 && text[sz - 1] == '\n')
		text[--sz] = '\0';
	for (p = text + sz; p > text; p--)
		if (p[-1] == '\n' && ++lines == LOG_TAIL)
			break;
	p = xstrdup(p);
	free(text);
	return p;
}

static const char *
last_line(const char *s)
{
	const char	*nl = strrchr(s, '\n');

	return nl != NULL ? nl + 1 : s;
}

/*
 * Run argv in the sandbox sb, its output into log; wait at most
 * timeout seconds.  Returns the exit status, -1 when it could not
 * start or ran out of time.
 */
static int
run_logged(const char *bwrap, const struct sandbox *sb, const char *const
    *cmd, const char *log, long timeout)
{
	struct args	 a = { NULL, 0, 0 };
	char		*envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	    NULL };
	double		 end = mono_secs() + (double)timeout;
	pid_t		 pid;
	size_t		 i;
	int		 fd, st = 0, rc = -1;

	args_add(&a, bwrap);
	sandbox_args(sb, &a);
	args_add(&a, "--");
	for (i = 0; cmd[i] != NULL; i++)
		args_add(&a, cmd[i]);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		goto out;
	if ((pid = fork()) == -1) {
		close(fd);
		goto out;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execve(a.v[0], a.v, envp);
		_exit(127);
	}
	close(fd);
	for (;;) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		if (mono_secs() > end || runner_interrupted()) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			goto out;
		}
		usleep(100000);
	}
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
out:
	args_free(&a);
	return rc;
}

/*
 * The virtual environment of a requirements file on environment e:
 * built once per (image digest, file contents, package index) under
 * CACHE/envs/KEY/venv, in the sandbox with the network (pip needs
 * it), then only ever bound read-only.  Returns 1 with *venv (new
 * host path) and *freeze (new: what pip installed, for the cache key);
 * 0 with *err (new: the last lines of pip's log) when the build
 * failed.  The build log stays in CACHE/envs/KEY/build.log.  *hold is
 * a shared lock on it that keeps env_prune away until the caller closes
 * it (after the job).
 */
int
env_venv(const struct jobenv *e, const char *cache, const char *bwrap,
    const char *reqfile, const char *index, char **venv, char **freeze,
    int *hold, char **err)
{
	struct sandbox	 sb;
	struct sbx_bind	 bind;
	struct buf	 k = { NULL, 0, 0 };
	char		*text = NULL, *dir = NULL, *tmp = NULL, *log = NULL;
	char		*lockp = NULL, *fz = NULL, *tail, *p;
	const char	*env[] = { "HOME=/tmp", "LANG=C.UTF-8",
	    "PIP_NO_INPUT=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", NULL };
	const char	*cmd[] = { "/bin/sh", "-c",
	    "python3 -m venv --system-site-packages --without-pip "
	    "/run/kbgen/env && /run/kbgen/env/bin/python3 -m pip install "
	    "--no-cache-dir --index-url \"$0\" -r /run/kbgen/requirements.txt"
	    " && /run/kbgen/env/bin/python3 -m pip freeze --local "
	    ">/run/kbgen/env/kbgen-freeze.txt", NULL, NULL };
	size_t		 sz = 0;
	int		 lockfd = -1, rc = 0, st;

	*venv = *freeze = *err = NULL;
	*hold = -1;
	if (!file_read(reqfile, &text, &sz)) {
		*err = xasprintf("cannot read %s", reqfile);
		return 0;
	}
	buf_printf(&k, "digest=%s\nindex=%s\n", e->digest ? e->digest :
	    e->packages ? e->packages : "host", index);
	buf_put(&k, text, sz);
	p = xasprintf("envs/%016llx", (unsigned long long)hash64(k.data,
	    k.sz, 0));
	dir = path_join(cache, p);
	free(p);
	buf_free(&k);
	free(text);
	if (!mkdirs(dir)) {
		*err = xasprintf("cannot make %s", dir);
		goto out;
	}
	/* One build at a time per key, across threads and processes. */
	lockp = path_join(dir, "lock");
	if ((lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1 ||
	    flock(lockfd, LOCK_EX) == -1) {
		*err = xasprintf("%s: %s", lockp, strerror(errno));
		goto out;
	}
	*venv = path_join(dir, "venv");
	fz = path_join(*venv, "kbgen-freeze.txt");
	log = path_join(dir, "build.log");
	if (access(fz, R_OK) != 0) {
		/* A half-built one (crash) goes; the new one is built
		 * aside and renamed into place. */
		(void)rmtree(*venv);
		tmp = path_join(dir, "venv.tmp");
		(void)rmtree(tmp);
		if (!mkdirs(tmp)) {
			*err = xasprintf("cannot make %s", tmp);
			goto out;
		}
		memset(&sb, 0, sizeof(sb));
		sb.root = e->root;
		sb.venv = tmp;
		sb.venv_rw = 1;
		bind.src = reqfile;
		bind.dst = "/run/kbgen/requirements.txt";
		bind.rw = 0;
		sb.binds = &bind;
		sb.bindsz = 1;
		sb.network = 1;
		sb.env = env;
		sb.envsz = 4;
		cmd[3] = index;
		st = run_logged(bwrap, &sb, cmd, log, VENV_TIMEOUT);
		if (st != 0) {
			tail = log_tail(log);
			*err = xasprintf("the requirements could not be "
			    "installed (pip %s; log %s): %s", st < 0 ?
			    "did not finish" : "failed", log,
			    *last_line(tail) ? last_line(tail) : "no output");
			free(tail);
			(void)rmtree(tmp);
			goto out;
		}
		if (rename(tmp, *venv) == -1) {
			*err = xasprintf("%s: %s", *venv, strerror(errno));
			goto out;
		}
	}
	diag_set_quiet(1);
	if (!file_read(fz, freeze, &sz))
		*freeze = xstrdup("");
	diag_set_quiet(0);
	/* In use from now on: the time for pruning, and a shared lock. */
	p = path_join(dir, "used");
	(void)file_write(p, "", 0);
	free(p);
	if (flock(lockfd, LOCK_SH) == 0) {
		*hold = lockfd;
		lockfd = -1;
	}
	rc = 1;
out:
	if (lockfd != -1)
		close(lockfd);
	if (!rc) {
		free(*venv);
		*venv = NULL;
	}
	free(dir);
	free(tmp);
	free(log);
	free(lockp);
	free(fz);
	return rc;
}

/*
 * The log of a failed venv build, for the page: its last lines.
 */
char *
env_build_log(const char *msg)
{
	const char	*p = strstr(msg, "log ");
	char		*path, *res;
	size_t		 n;

	if (p == NULL)
		return xstrdup("");
	p += 4;
	n = strcspn(p, ")");
	path = xstrndup(p, n);
	res = log_tail(path);
	free(path);
	return res;
}

/*
 * Remove the requirement environments under CACHE/envs not used for
 * max_age seconds and not in use (their lock free).  Returns how many
 * went.
 */
size_t
env_prune(const char *cache, long max_age)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*base, *dir, *p;
	size_t		 n = 0;
	int		 fd;
	time_t		 now = time(NULL);

	base = path_join(cache, "envs");
	if ((d = opendir(base)) == NULL) {
		free(base);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		dir = path_join(base, de->d_name);
		p = path_join(dir, "used");
		if (stat(p, &st) == 0 && now - st.st_mtime < max_age) {
			free(p);
			free(dir);
			continue;
		}
		free(p);
		p = path_join(dir, "lock");
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd == -1 || flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (rmtree(dir))
				n++;
		}
		if (fd != -1)
			close(fd);
		free(p);
		free(dir);
	}
	closedir(d);
	free(base);
	return n;
}

/* GPUs of the local runner. */

struct gpupool {
	char		**dev;	/* host device nodes */
	int		*busy;
	size_t		 n;
	pthread_mutex_t	 lock;
	pthread_cond_t	 freed;
};

static void
pool_add(struct gpupool *g, const char *path)
{
	g->dev = xreallocarray(g->dev, g->n + 1, sizeof(*g->dev));
	g->dev[g->n++] = xstrdup(path);
}

/*
 * The GPUs of runners.local.gpus: "auto" (default: /dev/nvidia0,
 * /dev/nvidia1, ...), a number (the first N of those), or a list of
 * indices (/dev/nvidiaI) and device paths.  Never NULL.
 */
struct gpupool *
gpupool_new(const struct val *conf)
{
	struct gpupool	*g = xcalloc(1, sizeof(*g));
	glob_t		 gl;
	const struct val *it;
	char		*p, *end;
	size_t		 i, want = (size_t)-1;
	long		 k;

	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->freed, NULL);
	if (conf != NULL && conf->type == VAL_LIST) {
		for (i = 0; i < conf->kidsz; i++) {
			it = conf->kids[i];
			if (it->str == NULL)
				continue;
			if (it->str[0] == '/')
				pool_add(g, it->str);
			else {
				p = xasprintf("/dev/nvidia%s", it->str);
				pool_add(g, p);
				free(p);
			}
		}
	} else {
		if (conf != NULL && conf->str != NULL &&
		    strcmp(conf->str, "auto") != 0) {
			k = strtol(conf->str, &end, 10);
			want = *end == '\0' && k >= 0 ? (size_t)k : 0;
		}
		if (glob("/dev/nvidia[0-9]*", 0, NULL, &gl) == 0) {
			for (i = 0; i < gl.gl_pathc && g->n < want; i++)
				pool_add(g, gl.gl_pathv[i]);
			globfree(&gl);
		}
	}
	g->busy = xcalloc(g->n + 1, sizeof(*g->busy));
	return g;
}

size_t
gpupool_size(const struct gpupool *g)
{
	return g->n;
}

/*
 * Take n GPUs, waiting while other jobs hold them: their indices in
 * idx (n of them).  Returns 0 when the pool cannot ever give n, or
 * the check was stopped.
 */
int
gpupool_take(struct gpupool *g, size_t n, size_t *idx)
{
	struct timespec	 ts;
	size_t		 i, k, freec;

	if (n > g->n)
		return 0;
	pthread_mutex_lock(&g->lock);
	for (;;) {
		for (freec = 0, i = 0; i < g->n; i++)
			freec += !g->busy[i];
		if (freec >= n || runner_interrupted())
			break;
		/* A Ctrl-C is seen within a second. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&g->freed, &g->lock, &ts);
	}
	if (runner_interrupted()) {
		pthread_mutex_unlock(&g->lock);
		return 0;
	}
	for (k = 0, i = 0; i < g->n && k < n; i++)
		if (!g->busy[i]) {
			g->busy[i] = 1;
			idx[k++] = i;
		}
	pthread_mutex_unlock(&g->lock);
	return 1;
}

void
gpupool_give(struct gpupool *g, size_t n, const size_t *idx)
{
	size_t	 i;

	pthread_mutex_lock(&g->lock);
	for (i = 0; i < n; i++)
		g->busy[idx[i]] = 0;
	pthread_cond_broadcast(&g->freed);
	pthread_mutex_unlock(&g->lock);
}

const char *
gpupool_dev(const struct gpupool *g, size_t i)
{
	return g->dev[i];
}

void
gpupool_free(struct gpupool *g)
{
	size_t	 i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		free(g->dev[i]);
	free(g->dev);
	free(g->busy);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->freed);
	free(g);
}
