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
#include "base/base.h"
#include "render/render.h"
#include "check/check.h"
#include "check/private.h"

#define OUTPUT_CAP	(1024 * 1024)	/* bytes of output kept */
#define GRACE_SECS	20	/* after the driver's own limit */
#define RESULT_CAP	(16 * 1024 * 1024)	/* bytes of a result */

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
 * A result written by kbgen when the driver sent none: status, reason
 * (may be NULL) and message.
 */
static struct val *
synth(const char *status, const char *reason, const char *msg, int code)
{
	struct val	*v = val_map();

	val_set_str(v, "status", status);
	if (reason != NULL)
		val_set_str(v, "reason", reason);
	val_set(v, "exit_code", code >= 0 ? val_int(code) :
	    val_new(VAL_NULL));
	val_set_str(v, "message", msg);
	val_set(v, "failed_cell", val_new(VAL_NULL));
	return v;
}

/*
 * What the driver sent on the result channel: a map with a status, or
 * NULL (nothing, cut short, not JSON).
 */
static struct val *
parse_result(const char *text, size_t sz)
{
	struct val	*v;

	if (sz == 0)
		return NULL;
	diag_set_quiet(1);
	v = json_parse(text, sz);
	diag_set_quiet(0);
	if (v != NULL && (v->type != VAL_MAP ||
	    val_get_str(v, "status") == NULL)) {
		val_free(v);
		v = NULL;
	}
	return v;
}

static struct val *
read_result_file(const char *path)
{
	char		*text = NULL;
	size_t		 sz = 0;
	struct val	*v = NULL;

	if (access(path, R_OK) == 0) {
		diag_set_quiet(1);
		if (file_read(path, &text, &sz))
			v = parse_result(text, sz);
		diag_set_quiet(0);
	}
	free(text);
	return v;
}

/*
 * Give the job's work folder to uid/gid, so that an unprivileged job
 * can write there and nowhere else.
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
 * Move fd to number want in a child, whatever other fds sit there.
 */
static void
fd_to(int fd, int want)
{
	if (fd == want)
		fcntl(fd, F_SETFD, 0);
	else {
		dup2(fd, want);
		close(fd);
	}
}

/*
 * The whole command of a job, prepared in the parent (a child of a
 * threaded program may only call async-signal-safe functions):
 * bubblewrap's options then the driver, or the driver alone.
 */
static void
job_argv(const struct run_req *q, struct args *a, char ***envp)
{
	struct args	 e = { NULL, 0, 0 };
	size_t		 i;
	char		*work, *jobfile;

	work = path_join(q->jobdir, "work");
	jobfile = path_join(q->jobdir, "job.json");
	if (q->sandbox) {
		args_add(a, q->bwrap);
		sandbox_args(q->sb, a);
		args_add(a, "--info-fd");
		args_add(a, "3");
		args_add(a, "--");
		args_add(a, q->python);
		args_add(a, "/run/kbgen/driver.py");
		args_add(a, "--job");
		args_add(a, "/run/kbgen/job.json");
		args_add(a, "--result-fd");
		args_add(a, "4");
		args_add(a, "/job");
		/* bwrap's own environment: it sets the job's itself. */
		args_add(&e, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	} else {
		args_add(a, q->python);
		args_add(a, q->driver);
		args_add(a, "--job");
		args_add(a, jobfile);
		args_add(a, "--result-fd");
		args_add(a, "4");
		args_add(a, work);
		args_add(&e, "PATH=/usr/local/bin:/usr/bin:/bin");
		for (i = 0; i < q->sb->envsz; i++)
			args_add(&e, q->sb->env[i]);
	}
	*envp = e.v != NULL ? e.v : xcalloc(1, sizeof(char *));
	free(work);
	free(jobfile);
}

/*
 * In the child: limits, groups, identity, then exec.  Never returns.
 */
static void
child_exec(const struct run_req *q, char *const *argv, char *const *envp,
    const char *workdir, int out, int info, int res,
    const struct jobcg *cg, uid_t uid, gid_t gid, int drop)
{
	int	 hi;

	setpgid(0, 0);
	/* Into the job's own groups before anything can fork. */
	jobcg_enter(cg);
	/* Out of the way of 1-4 first, then into place. */
	out = fcntl(out, F_DUPFD, 10);
	info = fcntl(info, F_DUPFD, 10);
	hi = fcntl(res, F_DUPFD, 10);
	res = hi;
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	close(out);
	fd_to(info, 3);
	fd_to(res, 4);
	/*
	 * With a memory group the limit is there (address space would
	 * also stop CUDA, which maps far more than it uses).
	 */
	if (q->memory > 0 && !jobcg_has_memory(cg))
		limit(RLIMIT_AS, (rlim_t)q->memory);
	/*
	 * With a group of its own a job's processes are counted there;
	 * without, the per-user limit is all there is (and it is shared
	 * by every job of that user).
	 */
	limit(RLIMIT_NPROC, (rlim_t)(jobcg_has_pids(cg) ? 8 * q->nproc :
	    q->nproc));
	limit(RLIMIT_FSIZE, (rlim_t)q->fsize);
	limit(RLIMIT_CORE, 0);
	if (drop && (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)) {
		dprintf(STDERR_FILENO, "kbgen: cannot drop privileges\n");
		_exit(125);
	}
	if (chdir(workdir) == -1) {
		dprintf(STDERR_FILENO, "kbgen: the job cannot enter %s as "
		    "uid %ld (every folder above it must be searchable by "
		    "that user)\n", workdir, (long)getuid());
		_exit(125);
	}
	execve(argv[0], argv, envp);
	dprintf(STDERR_FILENO, "kbgen: cannot run %s\n", argv[0]);
	_exit(127);
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
 * searchable by others (or owned by uid).  NULL is reachable.
 */
static int
reachable(const char *path, uid_t uid)
{
	char		*p, *slash;
	struct stat	 st;
	int		 ok = 1;

	if (path == NULL)
		return 1;
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

/* Whether user uid can reach everything the sandbox binds. */
static int
all_reachable(const struct run_req *q, uid_t uid)
{
	size_t	 i;

	if (!reachable(q->jobdir, uid) || !reachable(q->driver, uid) ||
	    !reachable(q->sb->root, uid) || !reachable(q->sb->venv, uid))
		return 0;
	for (i = 0; i < q->sb->bindsz; i++)
		if (!reachable(q->sb->binds[i].src, uid))
			return 0;
	return 1;
}

/*
 * Add what only kbgen knows to a result: peak memory from the job's
 * group, and a memory breach told apart from other deaths.
 */
static void
memory_facts(struct val *res, const struct jobcg *cg, long long memory)
{
	long long	 peak = jobcg_peak(cg);
	const char	*st = val_get_str(res, "status");
	char		*msg;

	if (peak >= 0)
		val_set(res, "peak_memory_mb", val_int(peak / (1024 * 1024)));
	if (jobcg_oom_kills(cg) == 0 || st == NULL ||
	    strcmp(st, "pass") == 0 || strcmp(st, "interrupted") == 0)
		return;
	msg = xasprintf("the example used more than its memory limit of "
	    "%lld MiB and was killed (run.memory raises it)",
	    memory / (1024 * 1024));
	val_set_str(res, "status", "fail");
	val_set_str(res, "reason", "memory");
	val_set_str(res, "message", msg);
	free(msg);
}

/*
 * Run the job folder q->jobdir on this machine; see check/private.h.
 */
struct val *
runner_local(const struct run_req *q)
{
	struct tail	 t;
	struct buf	 chan = { NULL, 0, 0 };
	struct passwd	*pw;
	struct pollfd	 pfd[3];
	struct val	*res;
	struct jobcg	*cg;
	struct args	 a = { NULL, 0, 0 };
	char		 chunk[65536], *msg, *p, **envp = NULL, *work;
	long		 sandbox_pid = 0;
	double		 deadline, killed_at = 0;
	pid_t		 pid;
	uid_t		 uid = 0;
	gid_t		 gid = 0;
	int		 fds[2], info[2], rfd[2], st = 0, drop = 0, why = 0;
	int		 done = 0, k;
	ssize_t		 n;

	memset(&t, 0, sizeof(t));
	work = path_join(q->jobdir, "work");
	/*
	 * As root, jobs run as nobody, who owns nothing else, when nobody
	 * can reach everything the sandbox binds (a checkout below a 0700
	 * home cannot be).  Otherwise they run as root without any
	 * capability, inside the same sandbox; their processes are
	 * counted by their group either way.
	 */
	if (geteuid() == 0 && (pw = getpwnam("nobody")) != NULL &&
	    all_reachable(q, pw->pw_uid)) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		drop = 1;
		chown_tree(work, uid, gid);
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		free(work);
		return synth("error", "setup", strerror(errno), -1);
	}
	if (pipe2(info, O_CLOEXEC) == -1 || pipe2(rfd, O_CLOEXEC) == -1) {
		close(fds[0]);
		close(fds[1]);
		free(work);
		return synth("error", "setup", strerror(errno), -1);
	}
	job_argv(q, &a, &envp);
	cg = jobcg_new(q->nproc, q->memory);
	if ((pid = fork()) == -1) {
		for (k = 0; k < 2; k++) {
			close(fds[k]);
			close(info[k]);
			close(rfd[k]);
		}
		jobcg_free(cg);
		args_free(&a);
		free(work);
		return synth("error", "setup", strerror(errno), -1);
	}
	if (pid == 0)
		child_exec(q, a.v, envp, work, fds[1], info[1], rfd[1], cg,
		    uid, gid, drop);
	close(fds[1]);
	close(info[1]);
	close(rfd[1]);
	setpgid(pid, pid);
	deadline = mono_secs() + (double)q->timeout + GRACE_SECS;
	pfd[0].fd = fds[0];
	pfd[1].fd = info[0];
	pfd[2].fd = rfd[0];
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	while (!done) {
		if (poll(pfd, 3, 200) > 0) {
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
			if (pfd[2].revents != 0) {
				n = read(rfd[0], chunk, sizeof(chunk));
				/* A result is small; more is not one. */
				if (n > 0 && chan.sz < RESULT_CAP)
					buf_put(&chan, chunk, (size_t)n);
				else if (n == 0 || (n < 0 && errno != EINTR &&
				    errno != EAGAIN))
					pfd[2].fd = -1;
			}
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			done = 1;
		else if (killed_at == 0 && (mono_secs() > deadline ||
		    interrupted)) {
			/*
			 * The driver keeps its own limit; past it and a
			 * grace period (or on Ctrl-C) it gets SIGTERM,
			 * and sends its result; after 10 s the group gets
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
	/* Whatever is left in the pipes. */
	while ((n = read(rfd[0], chunk, sizeof(chunk))) > 0)
		if (chan.sz < RESULT_CAP)
			buf_put(&chan, chunk, (size_t)n);
	close(rfd[0]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		tail_put(&t, chunk, (size_t)n);
	close(fds[0]);
	save_log(q->jobdir, &t);

	/*
	 * The driver's own word, when it had time to say it; nothing the
	 * job wrote in its folder counts.
	 */
	res = chan.sz < RESULT_CAP ? parse_result(chan.data, chan.sz) : NULL;
	if (res != NULL && (why == 0 ||
	    strcmp(val_get_str(res, "status"), "timeout") == 0 ||
	    strcmp(val_get_str(res, "status"), "interrupted") == 0))
		goto out;
	val_free(res);
	if (why == 1) {
		msg = xasprintf("killed after the time limit of %lds",
		    q->timeout);
		res = synth("timeout", "timeout", msg, -1);
	} else if (why == 2) {
		msg = xstrdup("kbgen check was stopped");
		res = synth("interrupted", NULL, msg, -1);
	} else if (WIFSIGNALED(st)) {
		msg = xasprintf("the job was killed by signal %d and sent "
		    "no result", WTERMSIG(st));
		res = synth("fail", "killed", msg, -1);
	} else {
		char *tl = tail_string(&t), *last;
		size_t len = strlen(tl);

		/* Name the last line of output: often the reason. */
		while (len > 0 && tl[len - 1] == '\n')
			tl[--len] = '\0';
		last = strrchr(tl, '\n');
		msg = xasprintf("the job ended without a result from the "
		    "driver (exit %d)%s%s", WEXITSTATUS(st), len ? ": " : "",
		    last ? last + 1 : tl);
		/*
		 * Exit 125-127, or bwrap's own complaint: the sandbox (or
		 * the driver in it) could not start; the environment is
		 * to blame when it is an image.
		 */
		if (WEXITSTATUS(st) >= 125 || strstr(tl, "bwrap: ") != NULL ||
		    strstr(tl, "driver.py: not found") != NULL)
			res = synth("error", q->sb->root != NULL ?
			    "environment" : "setup", msg, WEXITSTATUS(st));
		else
			res = synth("fail", "killed", msg, WEXITSTATUS(st));
		free(tl);
	}
	free(msg);
out:
	memory_facts(res, cg, q->memory);
	jobcg_free(cg);
	args_free(&a);
	for (k = 0; envp[k] != NULL; k++)
		free(envp[k]);
	free(envp);
	buf_free(&chan);
	free(t.ring);
	free(work);
	return res;
}

/*
 * Run argv (no shell) and collect its standard output (*out, new
 * string) and, when err is not NULL, its standard error (*err);
 * otherwise that is dropped: Slurm's tools complain on stderr about
 * jobs they have forgotten, once per poll.  Returns the exit status
 * (127: could not start), or -1 when it was killed.
 */
static int
capture(const char *const *argv, char **out, char **err)
{
	char	*e = NULL;
	int	 st;

	st = proc_run(argv, out, &e);
	if (err != NULL)
		*err = e;
	else
		free(e);
	return st;
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
 * Run the job folder through Slurm; see check/private.h.
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
	char		*rpath = NULL, *jobfile;
	struct args	 a = { NULL, 0, 0 };
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
	/*
	 * The same sandbox as on this machine, started by the batch
	 * script on the node (which adds the GPUs Slurm gave the job);
	 * the driver's result goes to a file outside the job's work
	 * folder, opened by the script, where the example cannot reach.
	 */
	if (q->sb->root != NULL)
		val_set_str(ctx, "rootfs", q->sb->root);
	rpath = path_join(q->jobdir, "driver.result");
	(void)unlink(rpath);
	val_set_str(ctx, "result", rpath);
	if (q->sandbox) {
		args_add(&a, q->bwrap);
		sandbox_args(q->sb, &a);
		s = args_shell(&a);
		val_set_str(ctx, "sandbox", s);
		free(s);
		args_free(&a);
		val_set(ctx, "has_sandbox", val_bool(1));
		args_add(&a, q->python);
		args_add(&a, "/run/kbgen/driver.py");
		args_add(&a, "--job");
		args_add(&a, "/run/kbgen/job.json");
		args_add(&a, "--result-fd");
		args_add(&a, "4");
		args_add(&a, "/job");
	} else {
		s = path_join(q->jobdir, "work");
		args_add(&a, q->python);
		args_add(&a, q->driver);
		args_add(&a, "--job");
		args_add(&a, jobfile = path_join(q->jobdir, "job.json"));
		args_add(&a, "--result-fd");
		args_add(&a, "4");
		args_add(&a, s);
		free(s);
		free(jobfile);
	}
	s = args_shell(&a);
	val_set_str(ctx, "command", s);
	free(s);
	args_free(&a);
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
		res = synth("error", "setup", "cannot render runners/slurm.sbatch",
		    -1);
		goto out;
	}
	path = path_join(q->jobdir, "job.sbatch");
	if (!file_write(path, buf_cstr(&script), script.sz)) {
		res = synth("error", "setup", "cannot write job.sbatch", -1);
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
		res = synth("error", "setup", msg, -1);
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
	res = read_result_file(rpath);
	if (strncmp(state, "TIMEOUT", 7) == 0 || cancelled == 2) {
		val_free(res);
		msg = xasprintf("Slurm job %s reached its time limit", id);
		res = synth("timeout", "timeout", msg, -1);
	} else if (strncmp(state, "CANCELLED", 9) == 0) {
		val_free(res);
		msg = cancelled ? xasprintf("Slurm job %s cancelled by kbgen "
		    "check, which was stopped", id) : xasprintf("Slurm job %s "
		    "was cancelled", id);
		/* Cancelled by someone else: not the example's doing. */
		res = synth(cancelled ? "interrupted" : "error", cancelled ?
		    NULL : "killed", msg, -1);
	} else if (strncmp(state, "OUT_OF_MEMORY", 13) == 0) {
		val_free(res);
		msg = xasprintf("Slurm job %s used more than its memory limit "
		    "and was killed (run.memory raises it)", id);
		res = synth("fail", "memory", msg, -1);
	} else if (strncmp(state, "NODE_FAIL", 9) == 0 ||
	    strncmp(state, "BOOT_FAIL", 9) == 0) {
		val_free(res);
		msg = xasprintf("Slurm job %s: %s", id, state);
		res = synth("error", "setup", msg, -1);
	} else if (res == NULL) {
		msg = strcmp(state, "UNKNOWN") == 0 ? xasprintf("lost track "
		    "of Slurm job %s: neither scontrol nor sacct knows it",
		    id) : xasprintf("Slurm job %s ended %s (exit %s) without "
		    "a result", id, state, code ? code : "?");
		res = strcmp(state, "UNKNOWN") == 0 ?
		    synth("error", "setup", msg, -1) :
		    synth("fail", "killed", msg, -1);
	}
	v = val_set(res, "slurm", val_map());
	val_set_str(v, "job_id", id);
	val_set_str(v, "state", state);
	if (code != NULL)
		val_set_str(v, "exit_code", code);
out:
	buf_free(&script);
	val_free(ctx);
	free(rpath);
	free(path);
	free(out);
	free(id);
	free(state);
	free(code);
	free(msg);
	free(serr);
	return res;
}
