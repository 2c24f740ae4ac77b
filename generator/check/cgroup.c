/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The control groups of one job: a process limit (so that a fork bomb
 * stops at its own ceiling, not at a limit shared with other jobs) and
 * a memory limit whose breach is told apart from other deaths (the
 * kernel's OOM killer counts its kills), with the job's peak memory.
 * Version 1 controllers (/sys/fs/cgroup/pids, /sys/fs/cgroup/memory)
 * as on this kind of machine, or a version 2 hierarchy at
 * /sys/fs/cgroup.  Without cgroups (not root, no controller) the
 * caller falls back on rlimits; jobcg_new says what it got.
 *
 * Groups are named kbgen-PID-N; those of a kbgen that is gone (killed
 * outright) are removed by the next one.
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "check/check.h"
#include "check/private.h"

#define V1_PIDS		"/sys/fs/cgroup/pids"
#define V1_MEM		"/sys/fs/cgroup/memory"
#define V2_ROOT		"/sys/fs/cgroup"

struct jobcg {
	char	*pids;	/* group with pids.max, may be NULL */
	char	*mem;	/* group with the memory limit, may be NULL */
	int	 v2;	/* one unified group: pids == mem */
	char	*procs[2];	/* their cgroup.procs, for the child */
};

static int
put(const char *dir, const char *file, const char *text)
{
	char	*p = path_join(dir, file);
	int	 fd, ok;

	ok = (fd = open(p, O_WRONLY | O_CLOEXEC)) != -1 &&
	    write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd != -1)
		close(fd);
	free(p);
	return ok;
}

/* The number after "key " in a file of "key value" lines; -1 if none. */
static long long
keyed(const char *dir, const char *file, const char *key)
{
	char		*p = path_join(dir, file), line[256];
	size_t		 n = strlen(key);
	long long	 v = -1;
	FILE		*f;

	if ((f = fopen(p, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, key, n) == 0 && line[n] == ' ') {
				v = atoll(line + n + 1);
				break;
			}
		fclose(f);
	}
	free(p);
	return v;
}

static long long
number(const char *dir, const char *file)
{
	char		*p = path_join(dir, file), line[64];
	long long	 v = -1;
	FILE		*f;

	if ((f = fopen(p, "re")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL)
			v = atoll(line);
		fclose(f);
	}
	free(p);
	return v;
}

static void
clean(const char *base)
{
	DIR		*d;
	struct dirent	*e;
	char		*sub, *end;
	long		 pid;

	if ((d = opendir(base)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "kbgen-", 6) != 0)
			continue;
		pid = strtol(e->d_name + 6, &end, 10);
		if (*end != '-' || pid <= 0 || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		sub = path_join(base, e->d_name);
		(void)rmdir(sub);
		free(sub);
	}
	closedir(d);
}

static char *
mkgroup(const char *base, unsigned int seq)
{
	char	*f, *dir;
	int	 ok;

	f = path_join(base, "cgroup.procs");
	ok = access(f, W_OK) == 0;
	free(f);
	if (!ok)
		return NULL;
	dir = xasprintf("%s/kbgen-%ld-%u", base, (long)getpid(), seq);
	if (mkdir(dir, 0755) == -1) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int
v2_has(const char *ctl)
{
	char	*text = NULL;
	size_t	 sz;
	int	 ok;

	/* Read directly: a missing file is no error of the run's. */
	ok = access(V2_ROOT "/cgroup.subtree_control", R_OK) == 0;
	if (ok) {
		diag_set_quiet(1);
		ok = file_read(V2_ROOT "/cgroup.subtree_control", &text,
		    &sz) && strstr(text, ctl) != NULL;
		diag_set_quiet(0);
	}
	free(text);
	return ok;
}

/*
 * Groups for a job of at most pids processes and mem bytes (0: no
 * memory limit).  Never NULL; fields it could not make stay NULL.
 */
struct jobcg *
jobcg_new(long pids, long long mem)
{
	static int	 cleaned;
	static unsigned int seq;
	struct jobcg	*cg = xcalloc(1, sizeof(*cg));
	unsigned int	 n = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
	char		 text[64];

	if (!__atomic_exchange_n(&cleaned, 1, __ATOMIC_RELAXED)) {
		clean(V1_PIDS);
		clean(V1_MEM);
		clean(V2_ROOT);
	}
	snprintf(text, sizeof(text), "%ld\n", pids);
	if ((cg->pids = mkgroup(V1_PIDS, n)) != NULL &&
	    !put(cg->pids, "pids.max", text)) {
		rmdir(cg->pids);
		free(cg->pids);
		cg->pids = NULL;
	}
	if (mem > 0 && (cg->mem = mkgroup(V1_MEM, n)) != NULL) {
		snprintf(text, sizeof(text), "%lld\n", mem);
		if (!put(cg->mem, "memory.limit_in_bytes", text)) {
			rmdir(cg->mem);
			free(cg->mem);
			cg->mem = NULL;
		} else
			/* No swap beyond the limit, where swap is counted. */
			(void)put(cg->mem, "memory.memsw.limit_in_bytes", text);
	}
	if (cg->pids == NULL && cg->mem == NULL && v2_has("pids") &&
	    (mem <= 0 || v2_has("memory")) &&
	    (cg->pids = mkgroup(V2_ROOT, n)) != NULL) {
		cg->v2 = 1;
		snprintf(text, sizeof(text), "%ld\n", pids);
		(void)put(cg->pids, "pids.max", text);
		if (mem > 0) {
			snprintf(text, sizeof(text), "%lld\n", mem);
			if (put(cg->pids, "memory.max", text)) {
				(void)put(cg->pids, "memory.swap.max", "0\n");
				cg->mem = xstrdup(cg->pids);
			}
		}
	}
	if (cg->pids != NULL)
		cg->procs[0] = path_join(cg->pids, "cgroup.procs");
	if (cg->mem != NULL && !cg->v2)
		cg->procs[1] = path_join(cg->mem, "cgroup.procs");
	return cg;
}

int
jobcg_has_pids(const struct jobcg *cg)
{
	return cg != NULL && cg->pids != NULL;
}

int
jobcg_has_memory(const struct jobcg *cg)
{
	return cg != NULL && cg->mem != NULL;
}

/*
 * In a child before exec: move this process into the groups.  Only
 * open and write (after fork of a threaded program).
 */
void
jobcg_enter(const struct jobcg *cg)
{
	char	 text[32];
	int	 i, fd, len;
	long	 pid = (long)getpid();

	if (cg == NULL)
		return;
	len = snprintf(text, sizeof(text), "%ld\n", pid);
	for (i = 0; i < 2; i++) {
		if (cg->procs[i] == NULL)
			continue;
		if ((fd = open(cg->procs[i], O_WRONLY)) != -1) {
			(void)write(fd, text, (size_t)len);
			close(fd);
		}
	}
}

/* Peak memory of the job's processes in bytes, -1 when unknown. */
long long
jobcg_peak(const struct jobcg *cg)
{
	if (cg == NULL || cg->mem == NULL)
		return -1;
	return number(cg->mem, cg->v2 ? "memory.peak" :
	    "memory.max_usage_in_bytes");
}

/* How many processes the OOM killer killed for the limit. */
long long
jobcg_oom_kills(const struct jobcg *cg)
{
	long long	 n;

	if (cg == NULL || cg->mem == NULL)
		return 0;
	n = keyed(cg->mem, cg->v2 ? "memory.events" : "memory.oom_control",
	    "oom_kill");
	return n > 0 ? n : 0;
}

/* Remove the groups, once the job's processes are reaped. */
void
jobcg_free(struct jobcg *cg)
{
	int	 i;

	if (cg == NULL)
		return;
	if (cg->pids != NULL)
		for (i = 0; i < 50 && rmdir(cg->pids) == -1 &&
		    errno == EBUSY; i++)
			usleep(20000);
	if (cg->mem != NULL && !cg->v2)
		for (i = 0; i < 50 && rmdir(cg->mem) == -1 &&
		    errno == EBUSY; i++)
			usleep(20000);
	free(cg->pids);
	free(cg->mem);
	free(cg->procs[0]);
	free(cg->procs[1]);
	free(cg);
}
