/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Running a tool and collecting what it says: skopeo and umoci for
 * images, sbatch, scontrol, sacct and scancel for the Slurm runner.  No
 * shell; the child only makes async-signal-safe calls, since other
 * threads may hold the allocator's locks.  Jobs themselves are
 * runners.c's (sandbox, limits, result channel).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"

/*
 * Run argv (no shell), standard input from /dev/null, and collect its
 * standard output (*out, new string) and standard error (*errout, new
 * string).  Returns the exit status, 127 when it could not be started,
 * -1 when it was killed or could not be forked.
 */
int
proc_run(const char *const *argv, char **out, char **errout)
{
	struct buf	 b = { NULL, 0, 0 }, e = { NULL, 0, 0 };
	struct pollfd	 pfd[2];
	char		 chunk[8192];
	pid_t		 pid;
	int		 fds[2] = { -1, -1 }, efds[2] = { -1, -1 };
	int		 st = 0, nopen = 2, k, nul;
	ssize_t		 n;

	buf_grow(&b, 0);
	buf_grow(&e, 0);
	if (pipe2(fds, O_CLOEXEC) == -1 || pipe2(efds, O_CLOEXEC) == -1 ||
	    (pid = fork()) == -1) {
		buf_printf(&e, "cannot run %s: %s", argv[0], strerror(errno));
		for (k = 0; k < 2; k++) {
			if (fds[k] != -1)
				close(fds[k]);
			if (efds[k] != -1)
				close(efds[k]);
		}
		*out = buf_steal(&b);
		*errout = buf_steal(&e);
		return -1;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls: other threads may hold
		 * the allocator's locks. */
		dup2(fds[1], STDOUT_FILENO);
		dup2(efds[1], STDERR_FILENO);
		if ((nul = open("/dev/null", O_RDONLY)) != -1)
			dup2(nul, STDIN_FILENO);
		execvp(argv[0], (char *const *)argv);
		n = write(STDERR_FILENO, "cannot run ", 11);
		n = write(STDERR_FILENO, argv[0], strlen(argv[0]));
		n = write(STDERR_FILENO, ": not installed or not runnable\n",
		    32);
		(void)n;
		_exit(127);
	}
	close(fds[1]);
	close(efds[1]);
	pfd[0].fd = fds[0];
	pfd[1].fd = efds[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (nopen > 0) {
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
				nopen--;
			}
		}
	}
	close(fds[0]);
	close(efds[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		continue;
	*out = buf_steal(&b);
	*errout = buf_steal(&e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

