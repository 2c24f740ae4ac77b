/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * libgit2's plain socket stream, with time limits.  libgit2 1.5 (Debian
 * 12) sets none: a host that drops packets holds a connect for two
 * minutes, and a server that accepts and then says nothing holds a
 * fetch for ever.  kbgen registers this stream for GIT_STREAM_STANDARD,
 * so that every connection libgit2 opens goes through it: git://,
 * http://, https:// (libgit2's TLS stream runs over it) and proxies.
 * A connect that takes longer than the limit fails, and so does a read
 * or a write that waits longer than the limit for the other side;
 * a long download that keeps moving is never cut.  The limit is
 * KBGEN_GIT_TIMEOUT seconds (default 30).
 *
 * The first members mirror libgit2's own socket stream (parent, host,
 * port, socket), which its SSH transport reads the socket from.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/stream.h>

#include "extern.h"
#include "git/git.h"
#include "git/private.h"

#define DEFAULT_TIMEOUT	30	/* seconds */

struct tstream {
	git_stream	 parent;
	char		*host;
	char		*port;
	int		 s;	/* the socket, -1 when closed */
};

static int	 limit = DEFAULT_TIMEOUT;

static int
ts_connect(git_stream *st)
{
	struct tstream	*t = (struct tstream *)st;
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd;
	struct timeval	 tv;
	socklen_t	 len;
	int		 fd = -1, rc, err = 0, fl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(t->host, t->port, &hints, &res)) != 0) {
		git_error_set(GIT_ERROR_NET, "cannot resolve %s: %s", t->host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS)
			err = errno;
		else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				rc = poll(&pfd, 1, limit * 1000);
			while (rc == -1 && errno == EINTR);
			len = sizeof(err);
			if (rc == 0)
				err = ETIMEDOUT;
			else if (rc == -1)
				err = errno;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1)
				err = errno;
			if (err == 0)
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (err == ETIMEDOUT)
			git_error_set(GIT_ERROR_NET, "cannot connect to %s "
			    "port %s: no answer in %d s", t->host, t->port,
			    limit);
		else
			git_error_set(GIT_ERROR_NET, "cannot connect to %s "
			    "port %s: %s", t->host, t->port, strerror(err));
		return -1;
	}

	/* Blocking from now on, each wait bounded by the limit. */
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	tv.tv_sec = limit;
	tv.tv_usec = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	t->s = fd;
	return 0;
}

static void
io_error(const struct tstream *t, const char *what)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		git_error_set(GIT_ERROR_NET, "%s stopped answering: nothing "
		    "in %d s", t->host, limit);
	else
		git_error_set(GIT_ERROR_NET, "error %s %s: %s", what, t->host,
		    strerror(errno));
}

static ssize_t
ts_read(git_stream *st, void *data, size_t len)
{
	struct tstream	*t = (struct tstream *)st;
	ssize_t		 n;

	do
		n = recv(t->s, data, len, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		io_error(t, "receiving from");
	return n;
}

static ssize_t
ts_write(git_stream *st, const char *data, size_t len, int flags)
{
	struct tstream	*t = (struct tstream *)st;
	size_t		 off = 0;
	ssize_t		 n;

	(void)flags;
	while (off < len) {
		n = send(t->s, data + off, len - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			io_error(t, "sending to");
			return -1;
		}
		off += (size_t)n;
	}
	return (ssize_t)len;
}

static int
ts_close(git_stream *st)
{
	struct tstream	*t = (struct tstream *)st;
	int		 rc = 0;

	if (t->s != -1 && close(t->s) == -1) {
		git_error_set(GIT_ERROR_NET, "error closing the connection "
		    "to %s: %s", t->host, strerror(errno));
		rc = -1;
	}
	t->s = -1;
	return rc;
}

static void
ts_free(git_stream *st)
{
	struct tstream	*t = (struct tstream *)st;

	if (t->s != -1)
		close(t->s);
	free(t->host);
	free(t->port);
	free(t);
}

static int
ts_new(git_stream **out, const char *host, const char *port)
{
	struct tstream	*t = xcalloc(1, sizeof(*t));

	t->parent.version = GIT_STREAM_VERSION;
	t->parent.connect = ts_connect;
	t->parent.read = ts_read;
	t->parent.write = ts_write;
	t->parent.close = ts_close;
	t->parent.free = ts_free;
	t->host = xstrdup(host);
	t->port = xstrdup(port);
	t->s = -1;
	*out = &t->parent;
	return 0;
}

/*
 * See git/private.h.
 */
int
gs_stream_register(void)
{
	git_stream_registration	 reg;
	const char		*e = getenv("KBGEN_GIT_TIMEOUT");
	char			*end;
	long			 v;

	if (e != NULL && *e != '\0') {
		v = strtol(e, &end, 10);
		if (*end != '\0' || v < 1 || v > 86400) {
			diag_err(NULL, 0, 0, "KBGEN_GIT_TIMEOUT=%s: want a "
			    "number of seconds from 1 to 86400", e);
			return 0;
		}
		limit = (int)v;
	}
	memset(&reg, 0, sizeof(reg));
	reg.version = GIT_STREAM_VERSION;
	reg.init = ts_new;
	if (git_stream_register(GIT_STREAM_STANDARD, &reg) < 0) {
		diag_sys(NULL, "libgit2: cannot register the socket stream");
		return 0;
	}
	return 1;
}
