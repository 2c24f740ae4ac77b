/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Running a job folder (runners/README.md) on a runner: the local one
 * starts runners/driver.py inside bubblewrap, as an unprivileged user
 * when kbgen runs as root, with rlimits and a wall-clock limit that
 * kills the whole sandbox; the Slurm one renders runners/slurm.sbatch,
 * submits it with sbatch and follows it with scontrol and sacct.  Both
 * end by reading result.json, or by writing the result themselves when
 * the driver could not (killed, sandbox failure, Slurm cancel).  This
 * file knows processes, not use cases: check.c builds the jobs.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define OUTPUT_CAP	(1024 * 1024)	/* bytes of output kept */
#define GRACE_SECS	20	/* after the driver's own limit */

static volatile sig_atomic_t interrupted;

/*
 * Ask every runner to stop its jobs (from a signal handler).
 */
void
runner_interrupt(void)
{
	interrupted = 1;
}

int
runner_interrupted(void)
{
	return interrupted != 0;
}

/* The last OUTPUT_CAP bytes of a stream, in a ring. */
struct tail {
	char	*ring;
	size_t	 pos;	/* next write */
	size_t	 len;	/* bytes held, at most OUTPUT_CAP */
	size_t	 total;	/* bytes seen */
};

static void
tail_put(struct tail *t, const char *p, size_t n)
{
	size_t	 i;

	if (t->ring == NULL)
		t->ring = xmalloc(OUTPUT_CAP);
	for (i = 0; i < n; i++) {
		t->ring[t->pos] = p[i];
		t->pos = (t->pos + 1) % OUTPUT_CAP;
	}
	t->len = t->len + n > OUTPUT_CAP ? OUTPUT_CAP : t->len + n;
	t->total += n;
}

static char *
tail_string(const struct tail *t)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 start;

	if (t->len == 0)
		return xstrdup("");
	start = (t->pos + OUTPUT_CAP - t->len) % OUTPUT_CAP;
	if (start + t->len <= OUTPUT_CAP)
		buf_put(&b, t->ring + start, t->len);
	else {
		buf_put(&b, t->ring + start, OUTPUT_CAP - start);
		buf_put(&b, t->ring, t->len - (OUTPUT_CAP - start));
	}
	return buf_steal(&b);
}

/*
 * A result written by kbgen when the driver wrote none.
 */
static struct val *
synth(const char *status, const char *msg, int code)
{
	struct val	*v = val_map();

	val_set_str(v, "status", status);
	val_set(v, "exit_code", code >= 0 ? val_int(code) :
	    val_new(VAL_NULL));
	val_set_str(v, "message", msg);
	val_set(v, "failed_cell", val_new(VAL_NULL));
	return v;
}

static struct val *
read_result(const char *jobdir)
{
	char		*p, *text = NULL;
	size_t		 sz;
	struct val	*v = NULL;

	p = path_join(jobdir, "result.json");
	if (access(p, R_OK) == 0) {
		diag_set_quiet(1);
		if (file_read(p, &text, &sz))
			v = json_parse(text, sz);
		diag_set_quiet(0);
	}
	if (v != NULL && (v->type != VAL_MAP ||
	    val_get_str(v, "status") == NULL)) {
		val_free(v);
		v = NULL;
	}
	free(text);
	free(p);
	return v;
}

/*
 * Give the job folder to uid/gid, so that an unprivileged job can write
 * there and nowhere else.
 */
static void
chown_tree(const char *path, uid_t uid, gid_t gid)
{
	DIR		*d;
	struct dirent	*e;
	char		*sub;
	struct stat	 st;

	if (lchown(path, uid, gid) == -1 || lstat(path, &st) == -1 ||
	    !S_ISDIR(st.st_mode))
		return;
	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = path_join(path, e->d_name);
		chown_tree(sub, uid, gid);
		free(sub);
	}
	closedir(d);
}

static void
limit(int res, rlim_t v)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = v;
	(void)setrlimit(res, &rl);
}

/*
 * In the child: limits, identity, then exec the sandbox.  Never
 * returns.
 */
static void
child_exec(const struct run_req *q, int out, int info, const char *cg,
    uid_t uid, gid_t gid, int drop)
{
	const char	*argv[48];
	char		*home, *envp[8], pidtext[32], *procs, *drvdir, *slash;
	size_t		 n = 0;
	int		 fd;

	setpgid(0, 0);
	/* Into the job's own pids cgroup before anything can fork. */
	if (cg != NULL) {
		procs = path_join(cg, "cgroup.procs");
		snprintf(pidtext, sizeof(pidtext), "%ld\n", (long)getpid());
		if ((fd = open(procs, O_WRONLY)) != -1) {
			(void)write(fd, pidtext, strlen(pidtext));
			close(fd);
		}
		free(procs);
	}
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	close(out);
	/* bwrap tells the sandbox's pid on fd 3. */
	if (info == 3)
		fcntl(3, F_SETFD, 0);
	else {
		dup2(info, 3);
		close(info);
	}
	if (q->memory > 0)
		limit(RLIMIT_AS, (rlim_t)q->memory);
	/*
	 * With a cgroup of its own a job's processes are counted there;
	 * without, the per-user limit is all there is (and it is shared
	 * by every job of that user).
	 */
	limit(RLIMIT_NPROC, (rlim_t)(cg != NULL ? 8 * q->nproc : q->nproc));
	limit(RLIMIT_FSIZE, (rlim_t)q->fsize);
	limit(RLIMIT_CORE, 0);
	if (drop && (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)) {
		fprintf(stderr, "kbgen: cannot drop privileges: %s\n",
		    strerror(errno));
		_exit(125);
	}
	home = path_join(q->jobdir, "home");
	drvdir = xstrdup(q->driver);
	if ((slash = strrchr(drvdir, '/')) != NULL && slash != drvdir)
		*slash = '\0';
	envp[0] = "PATH=/usr/local/bin:/usr/bin:/bin";
	envp[1] = "LANG=C.UTF-8";
	envp[2] = xasprintf("HOME=%s", home);
	envp[3] = "PYTHONDONTWRITEBYTECODE=1";
	envp[4] = NULL;
	if (q->sandbox) {
		argv[n++] = "bwrap";
		argv[n++] = "--ro-bind";
		argv[n++] = "/";
		argv[n++] = "/";
		argv[n++] = "--dev";
		argv[n++] = "/dev";
		argv[n++] = "--proc";
		argv[n++] = "/proc";
		argv[n++] = "--tmpfs";
		argv[n++] = "/tmp";
		/* The driver may live below /tmp (a checkout there). */
		argv[n++] = "--ro-bind";
		argv[n++] = drvdir;
		argv[n++] = drvdir;
		argv[n++] = "--bind";
		argv[n++] = q->jobdir;
		argv[n++] = q->jobdir;
		argv[n++] = "--chdir";
		argv[n++] = q->jobdir;
		argv[n++] = "--unshare-all";
		if (q->network)
			argv[n++] = "--share-net";
		argv[n++] = "--die-with-parent";
		argv[n++] = "--new-session";
		argv[n++] = "--cap-drop";
		argv[n++] = "ALL";
		argv[n++] = "--info-fd";
		argv[n++] = "3";
		argv[n++] = "--";
	}
	argv[n++] = q->python;
	argv[n++] = q->driver;
	argv[n++] = q->jobdir;
	argv[n] = NULL;
	if (chdir(q->jobdir) == -1) {
		fprintf(stderr, "kbgen: the job cannot enter %s as uid %ld: "
		    "%s (every folder above it must be searchable by that "
		    "user)\n", q->jobdir, (long)getuid(), strerror(errno));
		_exit(125);
	}
	execve(q->sandbox ? q->bwrap : q->python, (char *const *)argv,
	    envp);
	fprintf(stderr, "kbgen: cannot run %s: %s\n", q->sandbox ?
	    q->bwrap : q->python, strerror(errno));
	_exit(127);
}

/*
 * Remove the job cgroups of a kbgen that is gone (killed outright):
 * "kbgen-PID-N" with no process PID.
 */
static void
clean_cgroups(const char *base)
{
	static int	 done;
	DIR		*d;
	struct dirent	*e;
	char		*sub, *end;
	long		 pid;

	if (__atomic_exchange_n(&done, 1, __ATOMIC_RELAXED))
		return;
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

/*
 * A pids cgroup (v1 controller, as on this kind of machine) of its own
 * for a job, limited to max processes, so that a fork bomb stops at its
 * own ceiling and not at a limit shared with the other jobs.  The path
 * (new string) or NULL when cgroups cannot be used (not root, no pids
 * controller): the per-user rlimit is then the guard.
 */
static char *
pids_cgroup(long max)
{
	static const char *const bases[] = { "/sys/fs/cgroup/pids",
	    "/sys/fs/cgroup" };
	static unsigned int seq;
	char		*dir, *f, text[32];
	size_t		 i;
	int		 fd, ok;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		f = path_join(bases[i], "cgroup.procs");
		ok = access(f, W_OK) == 0;
		free(f);
		if (!ok)
			continue;
		clean_cgroups(bases[i]);
		dir = xasprintf("%s/kbgen-%ld-%u", bases[i], (long)getpid(),
		    __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
		if (mkdir(dir, 0755) == -1) {
			free(dir);
			continue;
		}
		f = path_join(dir, "pids.max");
		snprintf(text, sizeof(text), "%ld\n", max);
		ok = (fd = open(f, O_WRONLY)) != -1 &&
		    write(fd, text, strlen(text)) == (ssize_t)strlen(text);
		if (fd != -1)
			close(fd);
		free(f);
		if (ok)
			return dir;
		rmdir(dir);
		free(dir);
	}
	return NULL;
}

static void
pids_cgroup_free(char *dir)
{
	int	 i;

	if (dir == NULL)
		return;
	/* Empty once the sandbox's processes are reaped. */
	for (i = 0; i < 50 && rmdir(dir) == -1 && errno == EBUSY; i++)
		usleep(20000);
	free(dir);
}

/*
 * Ask the driver to stop: it is the child of the sandbox's init
 * (bwrap's child-pid), which ignores signals.  The driver records
 * "timeout" or "interrupted" itself and exits.
 */
static void
term_driver(long sandbox_pid, pid_t pid)
{
	char	*p, line[256], *tok, *save = NULL;
	FILE	*f;

	if (sandbox_pid <= 0) {
		kill(-pid, SIGTERM);
		return;
	}
	p = xasprintf("/proc/%ld/task/%ld/children", sandbox_pid,
	    sandbox_pid);
	if ((f = fopen(p, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL)
			for (tok = strtok_r(line, " \n", &save); tok != NULL;
			    tok = strtok_r(NULL, " \n", &save))
				kill((pid_t)atol(tok), SIGTERM);
		fclose(f);
	}
	free(p);
}

static void
save_log(const char *jobdir, const struct tail *t)
{
	char	*p, *s;

	p = path_join(jobdir, "runner.log");
	s = tail_string(t);
	(void)file_write(p, s, strlen(s));
	free(s);
	free(p);
}

/*
 * Whether a user other than root can reach path: every folder above it
 * searchable by others (or owned by uid).
 */
static int
reachable(const char *path, uid_t uid)
{
	char		*p, *slash;
	struct stat	 st;
	int		 ok = 1;

	if ((p = realpath(path, NULL)) == NULL)
		return 0;
	while ((slash = strrchr(p, '/')) != NULL) {
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(p, &st) == -1 || (!(st.st_mode & S_IXOTH) &&
		    st.st_uid != uid)) {
			ok = 0;
			break;
		}
		if (slash == p)
			break;
	}
	free(p);
	return ok;
}

/*
 * Run the job folder q->jobdir on this machine; see extern.h.
 */
struct val *
runner_local(const struct run_req *q)
{
	struct tail	 t;
	struct passwd	*pw;
	struct pollfd	 pfd[2];
	struct val	*res;
	char		 chunk[65536], *msg, *cg, *p;
	long		 sandbox_pid = 0;
	double		 deadline, killed_at = 0;
	pid_t		 pid;
	uid_t		 uid = 0;
	gid_t		 gid = 0;
	int		 fds[2], info[2], st = 0, drop = 0, why = 0, done = 0;
	ssize_t		 n;

	memset(&t, 0, sizeof(t));
	/*
	 * As root, jobs run as nobody, who owns nothing else, when nobody
	 * can reach the job folder and the driver (a checkout below a
	 * 0700 home cannot be).  Otherwise they run as root without any
	 * capability, inside the same read-only sandbox; their processes
	 * are counted by their pids cgroup either way.
	 */
	if (geteuid() == 0 && (pw = getpwnam("nobody")) != NULL &&
	    reachable(q->jobdir, pw->pw_uid) &&
	    reachable(q->driver, pw->pw_uid)) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		drop = 1;
		chown_tree(q->jobdir, uid, gid);
	}
	if (pipe2(fds, O_CLOEXEC) == -1)
		return synth("error", strerror(errno), -1);
	if (pipe2(info, O_CLOEXEC) == -1) {
		close(fds[0]);
		close(fds[1]);
		return synth("error", strerror(errno), -1);
	}
	cg = pids_cgroup(q->nproc);
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		close(info[0]);
		close(info[1]);
		pids_cgroup_free(cg);
		return synth("error", strerror(errno), -1);
	}
	if (pid == 0) {
		close(fds[0]);
		close(info[0]);
		child_exec(q, fds[1], info[1], cg, uid, gid, drop);
	}
	close(fds[1]);
	close(info[1]);
	setpgid(pid, pid);
	deadline = mono_secs() + (double)q->timeout + GRACE_SECS;
	pfd[0].fd = fds[0];
	pfd[1].fd = info[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (!done) {
		if (poll(pfd, 2, 200) > 0) {
			if (pfd[0].revents != 0) {
				n = read(fds[0], chunk, sizeof(chunk));
				if (n > 0)
					tail_put(&t, chunk, (size_t)n);
				else if (n == 0 || (errno != EINTR &&
				    errno != EAGAIN))
					pfd[0].fd = -1;
			}
			if (pfd[1].revents != 0) {
				n = read(info[0], chunk, sizeof(chunk) - 1);
				if (n > 0) {
					chunk[n] = '\0';
					if ((p = strstr(chunk, "\"child-pid\"")) !=
					    NULL && (p = strchr(p, ':')) != NULL)
						sandbox_pid = atol(p + 1);
				} else if (n == 0 || (errno != EINTR &&
				    errno != EAGAIN))
					pfd[1].fd = -1;
			}
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			done = 1;
		else if (killed_at == 0 && (mono_secs() > deadline ||
		    interrupted)) {
			/*
			 * The driver keeps its own limit; past it and a
			 * grace period (or on Ctrl-C) it gets SIGTERM,
			 * and writes its result; after 10 s the group gets
			 * SIGKILL, and everything inside the sandbox dies
			 * with bwrap (its PID namespace).
			 */
			why = interrupted ? 2 : 1;
			term_driver(q->sandbox ? sandbox_pid : 0, pid);
			killed_at = mono_secs();
		} else if (killed_at > 0 && mono_secs() > killed_at + 10)
			kill(-pid, SIGKILL);
	}
	close(info[0]);
	pids_cgroup_free(cg);
	/* Whatever the job left in the pipe. */
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		tail_put(&t, chunk, (size_t)n);
	close(fds[0]);
	save_log(q->jobdir, &t);

	/* The driver's own word, when it had time to say it. */
	if ((res = read_result(q->jobdir)) != NULL && (why == 0 ||
	    strcmp(val_get_str(res, "status"), "timeout") == 0 ||
	    strcmp(val_get_str(res, "status"), "interrupted") == 0))
		goto out;
	val_free(res);
	if (why == 1) {
		msg = xasprintf("killed after the time limit of %lds",
		    q->timeout);
		res = synth("timeout", msg, -1);
	} else if (why == 2) {
		msg = xstrdup("kbgen check was stopped");
		res = synth("interrupted", msg, -1);
	} else if (WIFSIGNALED(st)) {
		msg = xasprintf("the job was killed by signal %d and wrote "
		    "no result", WTERMSIG(st));
		res = synth("error", msg, -1);
	} else {
		char *tl = tail_string(&t), *last;
		size_t k = strlen(tl);

		/* Name the last line of output: often the reason. */
		while (k > 0 && tl[k - 1] == '\n')
			tl[--k] = '\0';
		last = strrchr(tl, '\n');
		msg = xasprintf("the job driver wrote no result (exit %d)%s%s",
		    WEXITSTATUS(st), k ? ": " : "", last ? last + 1 : tl);
		free(tl);
		res = synth("error", msg, WEXITSTATUS(st));
	}
	free(msg);
out:
	free(t.ring);
	return res;
}

/*
 * Run argv (no shell) and collect its standard output (*out, new
 * string) and, when err is not NULL, its standard error (*err);
 * otherwise that goes to /dev/null: Slurm's tools complain on stderr
 * about jobs they have forgotten, once per poll.  Returns the exit
 * status, or -1 when it could not start or was killed.
 */
static int
capture(const char *const *argv, char **out, char **err)
{
	struct buf	 b = { NULL, 0, 0 }, e = { NULL, 0, 0 };
	struct pollfd	 pfd[2];
	char		 chunk[4096];
	pid_t		 pid;
	int		 fds[2], efds[2], st, open_fds = 2, k, nul;
	ssize_t		 n;

	*out = NULL;
	if (err != NULL)
		*err = NULL;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(efds, O_CLOEXEC) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		close(efds[0]);
		close(efds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		if (err != NULL)
			dup2(efds[1], STDERR_FILENO);
		else if ((nul = open("/dev/null", O_WRONLY)) != -1)
			dup2(nul, STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	close(efds[1]);
	pfd[0].fd = fds[0];
	pfd[1].fd = efds[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (k = 0; k < 2; k++) {
			if (pfd[k].fd == -1 || pfd[k].revents == 0)
				continue;
			n = read(pfd[k].fd, chunk, sizeof(chunk));
			if (n > 0)
				buf_put(k == 0 ? &b : &e, chunk, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				pfd[k].fd = -1;
				open_fds--;
			}
		}
	}
	close(fds[0]);
	close(efds[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		continue;
	*out = buf_steal(&b);
	if (err != NULL)
		*err = buf_steal(&e);
	else
		buf_free(&e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * The value of Key= in a line of "Key=Value" words, as a new string.
 */
static char *
field(const char *line, const char *key)
{
	const char	*p = line, *e;
	size_t		 n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[n] == '=') {
			p += n + 1;
			e = p + strcspn(p, " \n");
			return xstrndup(p, (size_t)(e - p));
		}
		p += n;
	}
	return NULL;
}

static int
terminal(const char *state)
{
	static const char *const done[] = { "COMPLETED", "FAILED", "TIMEOUT",
	    "CANCELLED", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED",
	    "BOOT_FAIL", "DEADLINE" };
	size_t	 i;

	for (i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		if (strncmp(state, done[i], strlen(done[i])) == 0)
			return 1;
	return 0;
}

/*
 * The state of a Slurm job: from scontrol while Slurm remembers it,
 * else from sacct.  Sets *state and *code (new strings) when known.
 */
static void
slurm_state(const char *id, char **state, char **code)
{
	const char	*sc[] = { "scontrol", "show", "job", "-o", id, NULL };
	const char	*sa[] = { "sacct", "-n", "-P", "-X", "-j", id, "-o",
	    "State,ExitCode", NULL };
	const char	*sac[] = { "sacct", "--completion", "-n", "-P", "-j",
	    id, "-o", "State,ExitCode", NULL };
	char		*out = NULL, *bar;

	*state = *code = NULL;
	if (capture(sc, &out, NULL) == 0 && out != NULL &&
	    (*state = field(out, "JobState")) != NULL) {
		*code = field(out, "ExitCode");
		free(out);
		return;
	}
	free(out);
	if ((capture(sa, &out, NULL) == 0 && out != NULL && *out != '\0') ||
	    (free(out), capture(sac, &out, NULL) == 0 && out != NULL &&
	    *out != '\0')) {
		out[strcspn(out, "\n")] = '\0';
		if ((bar = strchr(out, '|')) != NULL) {
			*bar = '\0';
			*code = xstrdup(bar + 1);
		}
		*state = xstrndup(out, strcspn(out, " "));
	}
	free(out);
}

/*
 * Run the job folder through Slurm; see extern.h.
 */
struct val *
runner_slurm(const struct run_req *q)
{
	struct buf	 script = { NULL, 0, 0 };
	struct val	*ctx, *l, *res = NULL, *v;
	const struct val *x;
	const char	*argv[8];
	char		*path = NULL, *out = NULL, *id = NULL, *state = NULL;
	char		*code = NULL, *msg = NULL, *s, *serr = NULL;
	double		 deadline, known, cancelled_at = 0;
	size_t		 i;
	int		 cancelled = 0;

	ctx = val_map();
	s = xasprintf("kbgen-%s", q->slug);
	val_set_str(ctx, "job_name", s);
	free(s);
	val_set_str(ctx, "workdir", q->jobdir);
	s = path_join(q->jobdir, "slurm.out");
	val_set_str(ctx, "output", s);
	free(s);
	val_set(ctx, "time", val_int((q->timeout + GRACE_SECS + 59) / 60));
	if (q->memory > 0)
		val_set(ctx, "mem", val_int(q->memory / (1024 * 1024)));
	val_set(ctx, "gpus", val_int(q->gpu));
	val_set(ctx, "has_gpus", val_bool(q->gpu > 0));
	val_set_str(ctx, "driver", q->driver);
	val_set_str(ctx, "python", q->python);
	if (q->slurm != NULL) {
		/* An empty value would render "--account=". */
		if ((s = (char *)val_get_str(q->slurm, "partition")) != NULL &&
		    *s != '\0')
			val_set_str(ctx, "partition", s);
		if ((s = (char *)val_get_str(q->slurm, "account")) != NULL &&
		    *s != '\0')
			val_set_str(ctx, "account", s);
		l = val_set(ctx, "extra_args", val_list());
		if ((x = val_get(q->slurm, "extra_args")) != NULL &&
		    x->type == VAL_LIST)
			for (i = 0; i < x->kidsz; i++)
				if (x->kids[i]->str != NULL)
					val_push(l, val_str(x->kids[i]->str));
	}
	if (!tmpl_render(q->tmpls, "slurm", ctx, &script)) {
		res = synth("error", "cannot render runners/slurm.sbatch", -1);
		goto out;
	}
	path = path_join(q->jobdir, "job.sbatch");
	if (!file_write(path, buf_cstr(&script), script.sz)) {
		res = synth("error", "cannot write job.sbatch", -1);
		goto out;
	}
	argv[0] = "sbatch";
	argv[1] = "--parsable";
	argv[2] = path;
	argv[3] = NULL;
	if (capture(argv, &out, &serr) != 0 || out == NULL || *out == '\0') {
		/* Slurm says why on stderr ("Requested node configuration
		 * is not available"). */
		if (serr != NULL)
			serr[strcspn(serr, "\n")] = '\0';
		msg = xasprintf("sbatch failed: %s", serr && *serr ? serr :
		    "no job id (is Slurm running? is SLURM_CONF right?)");
		res = synth("error", msg, -1);
		goto out;
	}
	id = xstrndup(out, strcspn(out, ";\n"));
	deadline = mono_secs() + (double)q->timeout + 2 * GRACE_SECS + 120;
	known = mono_secs();
	for (;;) {
		free(state);
		free(code);
		slurm_state(id, &state, &code);
		if (state != NULL && terminal(state))
			break;
		if (state != NULL)
			known = mono_secs();
		if (interrupted && !cancelled) {
			argv[0] = "scancel";
			argv[1] = id;
			argv[2] = NULL;
			free(out);
			(void)capture(argv, &out, NULL);
			cancelled = 1;
			cancelled_at = mono_secs();
		}
		if (mono_secs() > deadline && !cancelled) {
			/* Slurm's own limit should have struck already. */
			argv[0] = "scancel";
			argv[1] = id;
			argv[2] = NULL;
			free(out);
			(void)capture(argv, &out, NULL);
			cancelled = 2;
			cancelled_at = mono_secs();
		}
		/*
		 * Neither scontrol nor sacct knows the job (no accounting,
		 * no completion log), or it was cancelled and still shows
		 * no end: stop waiting rather than wait for ever.
		 */
		if ((state == NULL && mono_secs() - known > 60) ||
		    (cancelled && mono_secs() - cancelled_at > 30)) {
			free(state);
			state = xstrdup(cancelled == 1 ? "CANCELLED" :
			    cancelled == 2 ? "TIMEOUT" : "UNKNOWN");
			break;
		}
		usleep(state == NULL || strcmp(state, "PENDING") == 0 ?
		    500000 : 250000);
	}
	res = read_result(q->jobdir);
	if (strncmp(state, "TIMEOUT", 7) == 0 || cancelled == 2) {
		val_free(res);
		msg = xasprintf("Slurm job %s reached its time limit", id);
		res = synth("timeout", msg, -1);
	} else if (strncmp(state, "CANCELLED", 9) == 0) {
		val_free(res);
		msg = cancelled ? xasprintf("Slurm job %s cancelled by kbgen "
		    "check, which was stopped", id) : xasprintf("Slurm job %s "
		    "was cancelled", id);
		res = synth(cancelled ? "interrupted" : "error", msg, -1);
	} else if (strncmp(state, "OUT_OF_MEMORY", 13) == 0) {
		val_free(res);
		msg = xasprintf("Slurm job %s ran out of memory", id);
		res = synth("fail", msg, -1);
	} else if (strncmp(state, "NODE_FAIL", 9) == 0 ||
	    strncmp(state, "BOOT_FAIL", 9) == 0) {
		val_free(res);
		msg = xasprintf("Slurm job %s: %s", id, state);
		res = synth("error", msg, -1);
	} else if (res == NULL) {
		msg = strcmp(state, "UNKNOWN") == 0 ? xasprintf("lost track "
		    "of Slurm job %s: neither scontrol nor sacct knows it",
		    id) : xasprintf("Slurm job %s ended %s (exit %s) without "
		    "a result", id, state, code ? code : "?");
		res = synth("error", msg, -1);
	}
	v = val_set(res, "slurm", val_map());
	val_set_str(v, "job_id", id);
	val_set_str(v, "state", state);
	if (code != NULL)
		val_set_str(v, "exit_code", code);
out:
	buf_free(&script);
	val_free(ctx);
	free(path);
	free(out);
	free(id);
	free(state);
	free(code);
	free(msg);
	free(serr);
	return res;
}
