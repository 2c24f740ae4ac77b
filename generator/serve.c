/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * kbgen serve: build the knowledge base into a private folder
 * (kbgen-serve-PID-XXXXXX/site in a tmpfs, or in ROOT/.kbgen; removed
 * on exit; never ROOT/site),
 * serve that folder over HTTP (libmicrohttpd: this is its only user),
 * watch content/ and the theme with inotify, build again after a burst
 * of changes, and tell open pages through Server-Sent Events
 * (/__kbgen/events) to reload, or to show the build's errors over the
 * page while the last good build stays served.
 *
 * The live-reload script (/__kbgen/live.js) is added to HTML responses
 * as they leave the server, before </body>: the files built, and any
 * site published by kbgen build, never contain it.  Requests name files
 * only inside the folder: the path is percent-decoded here (strictly:
 * no NUL, no bad escape, no control character), no segment may be "."
 * or ".." or start with a dot, and each segment is opened below the
 * last with O_NOFOLLOW, so no link leads out.  libmicrohttpd refuses
 * headers and URLs larger than a connection's memory.  Bound to a
 * loopback address (the default), the server answers only requests
 * whose Host names a loopback address (serve_host_ok), so that a page
 * on another site cannot read it through DNS rebinding.
 *
 * Builds are build.c's (build_site), run on the main thread one at a
 * time; this file does not know what a page is.  It does not render
 * into memory, and it rebuilds what build_site rebuilds.
 */
#define _GNU_SOURCE
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>
#include <microhttpd.h>

#include "extern.h"
#include "cmd.h"

#define	SERVE_PORT	1414	/* the default port */
#define	EVENTS_URL	"/__kbgen/events"
#define	SCRIPT_URL	"/__kbgen/live.js"
#define	QUIET_SECS	0.03	/* a burst of changes ends after this */
#define	BURST_SECS	0.3	/* ... or this long after its first */
#define	PING_SECS	20	/* an idle event stream's keep-alive */
#define	DIAG_MAX	(32 * 1024)	/* bytes of errors shown */
#define	HTML_MAX	(64 * 1024 * 1024)	/* pages larger go as they are */

/* The state open pages follow; under lock. */
struct serve {
	char		*out;	/* the folder served, owned */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;	/* state changed, or quit */
	char		 token[48];	/* this process and build: pages
					   with another reload */
	unsigned long	 session;	/* this process's part of token */
	unsigned long	 gen;	/* builds published or repaired */
	unsigned long	 seq;	/* state changes, from 1 */
	char		*diag;	/* the failed build's errors, NULL when ok */
	int		 quit;	/* stopping: event streams end */
	int		 loopback;	/* bound to a loopback address */
};

/* One open event stream. */
struct client {
	struct serve	*s;	/* borrowed */
	char		 token[48];	/* the build its page came from */
	unsigned long	 seq;	/* the state last told, 0 none */
	int		 hello;	/* the stream's first lines are out */
	struct buf	 pend;	/* bytes still to send */
	size_t		 off;	/* of pend sent */
};

/* The watched folders. */
struct watch {
	int		 fd;	/* inotify */
	int		 rootwd;	/* ROOT itself, for content/ coming back */
	int		*wds;	/* every watch, to drop them on rescan */
	size_t		 wdsz;
	size_t		 wdcap;
	const struct opts *o;	/* the command's, borrowed */
	char		*content;	/* ROOT/content, owned */
	char		*tdir;	/* the theme (build_theme_dir), owned */
	int		 warned;	/* a watch could not be added */
};

static const char live_js[] =
"/* kbgen serve: reload on a new build, show a failed build's errors. */\n"
"(function () {\n"
"\t\"use strict\";\n"
"\tvar me = document.currentScript, box = null;\n"
"\tvar gen = me ? me.getAttribute(\"data-gen\") : \"\";\n"
"\tvar es = new EventSource(\"" EVENTS_URL "?gen=\" +\n"
"\t    encodeURIComponent(gen || \"\"));\n"
"\tfunction hide() {\n"
"\t\tif (box !== null) {\n"
"\t\t\tbox.remove();\n"
"\t\t\tbox = null;\n"
"\t\t}\n"
"\t}\n"
"\tfunction show(text) {\n"
"\t\tvar h, pre;\n"
"\t\thide();\n"
"\t\tbox = document.createElement(\"div\");\n"
"\t\tbox.id = \"kbgen-overlay\";\n"
"\t\tbox.setAttribute(\"role\", \"alert\");\n"
"\t\tbox.style.cssText = \"position:fixed;inset:0;z-index:2147483647;\" +\n"
"\t\t    \"overflow:auto;margin:0;padding:1.5em 2em;\" +\n"
"\t\t    \"background:rgba(40,0,0,.94);color:#fff;\" +\n"
"\t\t    \"font:14px/1.5 sans-serif\";\n"
"\t\th = document.createElement(\"p\");\n"
"\t\th.style.cssText = \"margin:0 0 1em;font-weight:bold\";\n"
"\t\th.textContent = \"kbgen: the build failed; the last good build \" +\n"
"\t\t    \"is shown until the errors are fixed.\";\n"
"\t\tpre = document.createElement(\"pre\");\n"
"\t\tpre.style.cssText = \"margin:0;white-space:pre-wrap;\" +\n"
"\t\t    \"font:13px/1.5 monospace\";\n"
"\t\tpre.textContent = text;\n"
"\t\tbox.appendChild(h);\n"
"\t\tbox.appendChild(pre);\n"
"\t\tdocument.documentElement.appendChild(box);\n"
"\t}\n"
"\tes.addEventListener(\"reload\", function () {\n"
"\t\tes.close();\n"
"\t\tlocation.reload();\n"
"\t});\n"
"\tes.addEventListener(\"diag\", function (e) { show(e.data); });\n"
"\tes.addEventListener(\"clear\", hide);\n"
"})();\n";

static const char page_400[] =
"<!DOCTYPE html>\n<title>400 Bad Request</title>\n"
"<h1>400 Bad Request</h1>\n<p>kbgen serve refused this path.</p>\n";
static const char page_404[] =
"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
"<body><h1>404 Not Found</h1>\n<p>No such page in this build.</p>\n"
"</body></html>\n";
static const char page_403[] =
"<!DOCTYPE html>\n<title>403 Forbidden</title>\n"
"<h1>403 Forbidden</h1>\n<p>kbgen serve answers only requests to "
"localhost or 127.0.0.1 while it listens on a loopback address.</p>\n";
static const char page_405[] =
"<!DOCTYPE html>\n<title>405 Method Not Allowed</title>\n"
"<h1>405 Method Not Allowed</h1>\n";

/*
 * The media type of a file by its name's extension.
 */
static const char *
media_type(const char *name)
{
	static const char *const types[][2] = {
		{ "html", "text/html; charset=utf-8" },
		{ "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" },
		{ "mjs", "text/javascript; charset=utf-8" },
		{ "json", "application/json" },
		{ "map", "application/json" },
		{ "xml", "application/xml" },
		{ "atom", "application/atom+xml" },
		{ "rss", "application/rss+xml" },
		{ "ics", "text/calendar; charset=utf-8" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "md", "text/markdown; charset=utf-8" },
		{ "csv", "text/csv; charset=utf-8" },
		{ "svg", "image/svg+xml" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
		{ "webp", "image/webp" },
		{ "avif", "image/avif" },
		{ "ico", "image/x-icon" },
		{ "pdf", "application/pdf" },
		{ "woff", "font/woff" },
		{ "woff2", "font/woff2" },
		{ "ttf", "font/ttf" },
		{ "wasm", "application/wasm" },
		{ "ipynb", "application/x-ipynb+json" },
	};
	const char	*dot, *slash;
	size_t		 i;

	slash = strrchr(name, '/');
	dot = strrchr(slash != NULL ? slash : name, '.');
	if (dot != NULL)
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp_ascii(dot + 1, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The file a request names, relative to the folder served: url is the
 * request's path as sent (percent-encoded, no query).  Returns a new
 * string, "" for the root, with '/' between segments and at the end
 * when url ends with one; or NULL when the path is not one to serve:
 * it does not start with '/', an escape is cut or not hex or decodes
 * to NUL, a byte is a control character, or a segment is "." or ".."
 * or starts with a dot.  Empty segments ("a//b") are dropped.
 */
char *
serve_path(const char *url)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 seg = 0;
	int		 hi, lo;
	unsigned char	 c;

	if (url == NULL || url[0] != '/')
		return NULL;
	buf_puts(&b, "");
	for (url++;; url++) {
		c = (unsigned char)*url;
		if (c == '%') {
			if ((hi = hexval(url[1])) < 0 ||
			    (lo = hexval(url[2])) < 0)
				goto bad;
			c = (unsigned char)(hi * 16 + lo);
			if (c == '\0')
				goto bad;
			url += 2;
		} else if (c == '\0' || c == '/') {
			/* The segment ends: b.data[seg..b.sz). */
			if (b.sz > seg && b.data[seg] == '.')
				goto bad;
			if (b.sz > seg && c == '/')
				buf_putc(&b, '/');
			seg = b.sz;
			if (c == '\0')
				break;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		/* A decoded '/' separates segments as a plain one does. */
		if (c == '/') {
			if (b.sz > seg && b.data[seg] == '.')
				goto bad;
			if (b.sz > seg)
				buf_putc(&b, '/');
			seg = b.sz;
			continue;
		}
		buf_putc(&b, (char)c);
	}
	return buf_steal(&b);
bad:
	buf_free(&b);
	return NULL;
}

/*
 * html[0..sz) with tag inserted before its last "</body" (any case), or
 * at the end when it has none.  A new string of *outsz bytes.
 */
char *
serve_inject(const char *html, size_t sz, const char *tag, size_t *outsz)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, at = sz;

	for (i = sz; i >= 6; i--)
		if (html[i - 6] == '<' && html[i - 5] == '/' &&
		    strncasecmp(html + i - 4, "body", 4) == 0) {
			at = i - 6;
			break;
		}
	buf_grow(&b, sz + strlen(tag) + 1);
	buf_put(&b, html, at);
	buf_puts(&b, tag);
	buf_put(&b, html + at, sz - at);
	*outsz = b.sz;
	return buf_steal(&b);
}

/*
 * Open rel (from serve_path) below the folder root, each segment with
 * O_NOFOLLOW below the one before.  Returns the descriptor of a folder
 * or a regular file, with *st; -1 when there is none.
 */
static int
open_beneath(const char *root, const char *rel, struct stat *st)
{
	char	*copy, *seg, *next;
	int	 dfd, fd;

	if ((dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	copy = xstrdup(rel);
	for (seg = copy; seg != NULL && *seg != '\0'; seg = next) {
		if ((next = strchr(seg, '/')) != NULL)
			*next++ = '\0';
		fd = openat(dfd, seg, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		close(dfd);
		if ((dfd = fd) == -1)
			break;
	}
	free(copy);
	if (dfd == -1)
		return -1;
	if (fstat(dfd, st) == -1 ||
	    (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))) {
		close(dfd);
		return -1;
	}
	return dfd;
}

/*
 * Add rel percent-encoded (all but unreserved characters and '/').
 */
static void
put_encoded(struct buf *b, const char *rel)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	 c;

	for (; *rel != '\0'; rel++) {
		c = (unsigned char)*rel;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c) != NULL)
			buf_putc(b, (char)c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

static enum MHD_Result
send_response(struct MHD_Connection *conn, unsigned int status,
    struct MHD_Response *r, const char *type)
{
	enum MHD_Result	 rc;

	if (r == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* Every answer may change with the next build. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
send_static(struct MHD_Connection *conn, unsigned int status,
    const char *text, const char *type)
{
	return send_response(conn, status,
	    MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT), type);
}

/*
 * An HTML page, from fd (closed here) or, when fd is -1, the built-in
 * text, with the live-reload script added.
 */
static enum MHD_Result
send_html(struct serve *s, struct MHD_Connection *conn, unsigned int status,
    int fd, const struct stat *st, const char *text)
{
	char		 tag[128], token[sizeof(s->token)];
	char		*data = NULL, *page;
	size_t		 sz, psz;

	/*
	 * The build's token before the file: a page newer than its token
	 * is reloaded once more, never an older one missed.
	 */
	pthread_mutex_lock(&s->lock);
	memcpy(token, s->token, sizeof(token));
	pthread_mutex_unlock(&s->lock);
	snprintf(tag, sizeof(tag), "<script src=\"%s\" data-gen=\"%s\">"
	    "</script>", SCRIPT_URL, token);
	if (fd != -1) {
		if (st->st_size > HTML_MAX)
			return send_response(conn, status,
			    MHD_create_response_from_fd((uint64_t)st->st_size,
			    fd), media_type(".html"));
		sz = (size_t)st->st_size;
		data = xmalloc(sz + 1);
		/* A file the next build replaced may be shorter now. */
		sz = fd_read_n(fd, data, sz);
		close(fd);
		text = data;
	} else
		sz = strlen(text);
	page = serve_inject(text, sz, tag, &psz);
	free(data);
	return send_response(conn, status, MHD_create_response_from_buffer(
	    psz, page, MHD_RESPMEM_MUST_FREE), media_type(".html"));
}

static enum MHD_Result
send_not_found(struct serve *s, struct MHD_Connection *conn)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open_beneath(s->out, "404.html", &st)) != -1 &&
	    S_ISREG(st.st_mode))
		return send_html(s, conn, MHD_HTTP_NOT_FOUND, fd, &st, NULL);
	if (fd != -1)
		close(fd);
	return send_html(s, conn, MHD_HTTP_NOT_FOUND, -1, NULL, page_404);
}

/*
 * Add one event to c's pending bytes: each line of data a "data:" line
 * (a CR would end a line too, so it goes).
 */
static void
put_event(struct buf *b, const char *name, const char *data)
{
	const char	*p;

	buf_printf(b, "event: %s\n", name);
	for (p = data;; p++) {
		if (p == data)
			buf_puts(b, "data: ");
		if (*p == '\0')
			break;
		if (*p == '\n') {
			if (p[1] == '\0')
				break;
			buf_puts(b, "\ndata: ");
		} else if (*p != '\r')
			buf_putc(b, *p);
	}
	buf_puts(b, "\n\n");
}

/*
 * The event stream of one page: what changed since it last asked,
 * waiting for a change (with a comment now and then, so that a closed
 * page is noticed).  Runs on the connection's own thread.
 */
static ssize_t
events_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct client	*c = cls;
	struct serve	*s = c->s;
	struct timespec	 ts;
	size_t		 n;

	(void)pos;
	pthread_mutex_lock(&s->lock);
	while (c->off == c->pend.sz) {
		buf_reset(&c->pend);
		c->off = 0;
		if (s->quit) {
			pthread_mutex_unlock(&s->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (!c->hello) {
			/* A lost stream comes back after a second. */
			buf_printf(&c->pend, "retry: 1000\n: kbgen %s\n\n",
			    s->token);
			/* No page's build given: reload on the next one. */
			if (c->token[0] == '\0')
				memcpy(c->token, s->token, sizeof(c->token));
			c->hello = 1;
		} else if (c->token[0] != '\0' &&
		    strcmp(c->token, s->token) != 0) {
			put_event(&c->pend, "reload", s->token);
			memcpy(c->token, s->token, sizeof(c->token));
			c->seq = s->seq;
		} else if (c->seq != s->seq) {
			c->seq = s->seq;
			if (s->diag != NULL)
				put_event(&c->pend, "diag", s->diag);
			else
				put_event(&c->pend, "clear", "");
		} else {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += PING_SECS;
			if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) ==
			    ETIMEDOUT)
				buf_puts(&c->pend, ": ping\n\n");
		}
	}
	n = c->pend.sz - c->off;
	if (n > max)
		n = max;
	memcpy(out, c->pend.data + c->off, n);
	c->off += n;
	pthread_mutex_unlock(&s->lock);
	return (ssize_t)n;
}

static void
events_free(void *cls)
{
	struct client	*c = cls;

	buf_free(&c->pend);
	free(c);
}

static enum MHD_Result
send_events(struct serve *s, struct MHD_Connection *conn)
{
	struct MHD_Response	*r;
	struct client		*c;
	const char		*gen;

	c = xcalloc(1, sizeof(*c));
	c->s = s;
	gen = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "gen");
	if (gen != NULL && strlen(gen) < sizeof(c->token) &&
	    strspn(gen, "0123456789abcdef.") == strlen(gen))
		memcpy(c->token, gen, strlen(gen) + 1);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    events_read, c, events_free);
	if (r == NULL) {
		events_free(c);
		return MHD_NO;
	}
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	return send_response(conn, MHD_HTTP_OK, r,
	    "text/event-stream; charset=utf-8");
}

int
serve_host_ok(const char *host)
{
	struct in_addr	 in;
	const char	*p, *end;
	char		 name[16];
	size_t		 n;

	if (host == NULL)
		return 1;	/* HTTP/1.0: no browser sends that */
	if (strncmp(host, "[::1]", 5) == 0)
		end = host + 5;
	else {
		end = host + strcspn(host, ":");
		n = (size_t)(end - host);
		if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
			;
		else if (n > 10 &&
		    strncasecmp(end - 10, ".localhost", 10) == 0) {
			/* A host name: letters, digits, "-" and ".". */
			for (p = host; p < end; p++)
				if (!isalnum((unsigned char)*p) &&
				    *p != '-' && *p != '.')
					return 0;
		}
		else if (n < sizeof(name)) {
			/* 127.0.0.0/8, in the four-number form only. */
			memcpy(name, host, n);
			name[n] = '\0';
			if (inet_pton(AF_INET, name, &in) != 1 ||
			    (ntohl(in.s_addr) >> 24) != 127)
				return 0;
		} else
			return 0;
	}
	if (*end == '\0')
		return 1;
	if (*end != ':' || end[1] == '\0' || strlen(end + 1) > 5)
		return 0;
	for (p = end + 1; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/*
 * Every request: GET and HEAD of the folder's files, the script and
 * the event stream.
 */
static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *uploadsz, void **conncls)
{
	struct serve		*s = cls;
	struct MHD_Response	*r;
	struct buf		 loc = { NULL, 0, 0 };
	struct stat		 st;
	char			*rel;
	int			 fd, ffd;
	size_t			 n;
	enum MHD_Result		 rc;

	(void)version;
	(void)upload;
	(void)uploadsz;
	(void)conncls;
	if (s->loopback && !serve_host_ok(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
		return send_static(conn, MHD_HTTP_FORBIDDEN, page_403,
		    media_type(".html"));
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		r = MHD_create_response_from_buffer(strlen(page_405),
		    (void *)page_405, MHD_RESPMEM_PERSISTENT);
		if (r != NULL)
			MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
			    "GET, HEAD");
		return send_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r,
		    media_type(".html"));
	}
	if (strcmp(url, EVENTS_URL) == 0)
		return send_events(s, conn);
	if (strcmp(url, SCRIPT_URL) == 0)
		return send_static(conn, MHD_HTTP_OK, live_js,
		    media_type(".js"));
	if ((rel = serve_path(url)) == NULL)
		return send_static(conn, MHD_HTTP_BAD_REQUEST, page_400,
		    media_type(".html"));
	if ((fd = open_beneath(s->out, rel, &st)) == -1) {
		free(rel);
		return send_not_found(s, conn);
	}
	if (S_ISDIR(st.st_mode)) {
		n = strlen(rel);
		if (n > 0 && rel[n - 1] != '/') {
			/* Relative links resolve against the folder. */
			close(fd);
			buf_putc(&loc, '/');
			put_encoded(&loc, rel);
			buf_putc(&loc, '/');
			free(rel);
			r = MHD_create_response_from_buffer(0, NULL,
			    MHD_RESPMEM_PERSISTENT);
			if (r != NULL)
				MHD_add_response_header(r,
				    MHD_HTTP_HEADER_LOCATION, loc.data);
			buf_free(&loc);
			return send_response(conn, MHD_HTTP_MOVED_PERMANENTLY,
			    r, NULL);
		}
		ffd = openat(fd, "index.html", O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
		close(fd);
		free(rel);
		if ((fd = ffd) == -1 || fstat(fd, &st) == -1 ||
		    !S_ISREG(st.st_mode)) {
			if (fd != -1)
				close(fd);
			return send_not_found(s, conn);
		}
		return send_html(s, conn, MHD_HTTP_OK, fd, &st, NULL);
	}
	if ((n = strlen(rel)) > 0 && rel[n - 1] == '/') {
		/* "page.html/" names no folder. */
		close(fd);
		free(rel);
		return send_not_found(s, conn);
	}
	if (strcmp(media_type(rel), media_type(".html")) == 0) {
		free(rel);
		return send_html(s, conn, MHD_HTTP_OK, fd, &st, NULL);
	}
	rc = send_response(conn, MHD_HTTP_OK,
	    MHD_create_response_from_fd((uint64_t)st.st_size, fd),
	    media_type(rel));
	free(rel);
	return rc;
}

/*
 * libmicrohttpd decodes the path itself unless told not to: serve_path
 * decodes it, and refuses what it must.
 */
static size_t
unescape_none(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

/*
 * A diagnostic of a build, kept for the pages (diag_set_hook).
 */
static void
collect(void *arg, const char *kind, const char *path, size_t line,
    size_t col, const char *msg)
{
	struct buf	*b = arg;

	if (strcmp(kind, "error") != 0)
		return;
	if (b->sz > DIAG_MAX) {
		if (b->sz < DIAG_MAX + 64)
			buf_puts(b, "... (more in the terminal)\n");
		return;
	}
	if (path != NULL && line > 0 && col > 0)
		buf_printf(b, "%s:%zu:%zu: error: ", path, line, col);
	else if (path != NULL && line > 0)
		buf_printf(b, "%s:%zu: error: ", path, line);
	else if (path != NULL)
		buf_printf(b, "%s: error: ", path);
	else
		buf_puts(b, "kbgen: error: ");
	buf_puts(b, msg);
	buf_putc(b, '\n');
}

/*
 * Build into s->out and tell the pages.  first: the first build of
 * this process (forced: the folder is new).
 */
static void
rebuild(struct serve *s, const struct opts *o, int first)
{
	struct opts		 bo;
	struct build_stats	 bs;
	struct buf		 errs = { NULL, 0, 0 };
	double			 t0 = mono_secs();
	long			 ms;
	int			 rc;

	bo = *o;
	bo.out = s->out;
	bo.quiet = 1;
	bo.force = o->force || first;
	clock_read(&bo.now);
	diag_reset();
	diag_set_hook(collect, &errs);
	rc = build_site(&bo, &bs);
	diag_set_hook(NULL, NULL);
	ms = (long)((mono_secs() - t0) * 1000 + 0.5);

	pthread_mutex_lock(&s->lock);
	if (rc == 0) {
		/* Pages showing errors reload too, to lose them. */
		if (bs.published || s->diag != NULL) {
			s->gen++;
			snprintf(s->token, sizeof(s->token), "%lx.%lu",
			    s->session, s->gen);
		}
		free(s->diag);
		s->diag = NULL;
	} else {
		free(s->diag);
		if (errs.sz == 0)
			buf_puts(&errs, "kbgen: the build failed; "
			    "see the terminal\n");
		s->diag = buf_steal(&errs);
	}
	s->seq++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	buf_free(&errs);

	if (rc != 0)
		fprintf(stderr, "kbgen: the build failed (%ld ms); the last "
		    "good build is still served\n", ms);
	else if (o->quiet)
		return;
	else if (!bs.published)
		fprintf(stderr, "kbgen: %s in %ld ms: nothing changed\n",
		    first ? "built" : "rebuilt", ms);
	else
		fprintf(stderr, "kbgen: %s in %ld ms, %zu files written, "
		    "%zu unchanged, %zu removed\n", first ? "built" :
		    "rebuilt", ms, bs.written, bs.kept, bs.removed);
}

/* Watch dir and every folder below it (not through links). */
static void
watch_tree(struct watch *w, const char *dir, int depth)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		*sub;
	int		 wd;

	if (depth > 64)
		return;
	wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_CREATE |
	    IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
	    IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd == -1) {
		if (errno != ENOENT && errno != ENOTDIR && !w->warned) {
			fprintf(stderr, "kbgen: cannot watch %s: %s; changes "
			    "below it may go unseen\n", dir, strerror(errno));
			w->warned = 1;
		}
		return;
	}
	if (w->wdsz == w->wdcap) {
		w->wdcap = w->wdcap ? w->wdcap * 2 : 64;
		w->wds = xreallocarray(w->wds, w->wdcap, sizeof(int));
	}
	w->wds[w->wdsz++] = wd;
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		sub = path_join(dir, e->d_name);
		if (e->d_type == DT_DIR ||
		    (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)))
			watch_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

/*
 * Drop every watch and add them again: folders came, went or moved
 * (or events were lost).  The build that follows reads everything, so
 * a change made in between is not missed.
 */
static void
watch_rescan(struct watch *w)
{
	size_t	 i;

	for (i = 0; i < w->wdsz; i++)
		inotify_rm_watch(w->fd, w->wds[i]);
	w->wdsz = 0;
	/* ROOT/templates, once there, is the theme. */
	free(w->tdir);
	w->tdir = build_theme_dir(w->o);
	watch_tree(w, w->content, 0);
	watch_tree(w, w->tdir, 0);
}

/* Names editors write beside a file, and hidden ones the build skips. */
static int
ignored(const char *name)
{
	size_t	 n = strlen(name);

	return name[0] == '.' || (n > 0 && name[n - 1] == '~') ||
	    strcmp(name, "4913") == 0 ||
	    (n > 4 && (strcmp(name + n - 4, ".swp") == 0 ||
	    strcmp(name + n - 4, ".swx") == 0));
}

/*
 * Read the pending events.  Returns 1 when one may change the site;
 * sets *rescan when folders changed.
 */
static int
watch_read(struct watch *w, int *rescan)
{
	char			 ev[64 * 1024]
				    __attribute__((aligned(__alignof__(
				    struct inotify_event))));
	const struct inotify_event *ie;
	ssize_t			 n;
	char			*p;
	int			 changed = 0;

	for (;;) {
		if ((n = read(w->fd, ev, sizeof(ev))) <= 0)
			break;
		for (p = ev; p < ev + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)p;
			if (ie->mask & IN_Q_OVERFLOW) {
				*rescan = changed = 1;
				continue;
			}
			if (ie->mask & IN_IGNORED)
				continue;
			if (ie->wd == w->rootwd) {
				/* Only content/ and templates/ matter. */
				if (ie->len > 0 &&
				    (strcmp(ie->name, "content") == 0 ||
				    strcmp(ie->name, "templates") == 0))
					*rescan = changed = 1;
				continue;
			}
			if (ie->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				*rescan = changed = 1;
				continue;
			}
			if (ie->len == 0 || ignored(ie->name))
				continue;
			if (ie->mask & IN_ISDIR)
				*rescan = 1;
			changed = 1;
		}
	}
	return changed;
}

/* The bytes of the files below dir (not through links). */
static unsigned long long
tree_bytes(const char *dir, int depth)
{
	DIR			*d;
	struct dirent		*e;
	struct stat		 st;
	char			*p;
	unsigned long long	 n = 0;

	if (depth > 64 || (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = path_join(dir, e->d_name);
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				n += tree_bytes(p, depth + 1);
			else
				n += (unsigned long long)st.st_size;
		}
		free(p);
	}
	closedir(d);
	return n;
}

/*
 * The folder the private build goes in: KBGEN_SERVE_DIR when set; else
 * a tmpfs ($XDG_RUNTIME_DIR, /dev/shm) with room for eight times the
 * content (a site is about four: pages, search, badges), so that the
 * pages are held in memory, as hugo server holds its own; else cache
 * (ROOT/.kbgen).  On disk each build links every unchanged file into a
 * new tree and deletes the old one, and a file system such as ext4
 * then takes seconds to make the next tree's folders.  A new string,
 * or NULL when KBGEN_SERVE_DIR is not a folder (reported).
 */
static char *
private_base(const char *cache, const char *content)
{
	const char		*cand[2], *env;
	struct statfs		 fs;
	struct statvfs		 vfs;
	struct stat		 st;
	unsigned long long	 need;
	size_t			 i;

	if ((env = getenv("KBGEN_SERVE_DIR")) != NULL && *env != '\0') {
		if (stat(env, &st) == -1 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "kbgen: serve: KBGEN_SERVE_DIR %s: not "
			    "a folder\n", env);
			return NULL;
		}
		return xstrdup(env);
	}
	cand[0] = getenv("XDG_RUNTIME_DIR");
	cand[1] = "/dev/shm";
	need = 8 * tree_bytes(content, 0);
	for (i = 0; i < 2; i++)
		if (cand[i] != NULL && cand[i][0] == '/' &&
		    statfs(cand[i], &fs) == 0 &&
		    (unsigned long)fs.f_type == TMPFS_MAGIC &&
		    statvfs(cand[i], &vfs) == 0 &&
		    (unsigned long long)vfs.f_bavail * vfs.f_frsize >= need &&
		    access(cand[i], W_OK | X_OK) == 0)
			return xstrdup(cand[i]);
	return xstrdup(cache);
}

/*
 * A socket listening on addr:port, or -1 (reported, naming both).
 * *af gets the address family, *bound the port (for port 0).
 */
static int
listen_on(const char *addr, int port, int *af, int *bound)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		len = sizeof(*sin6);
	} else {
		fprintf(stderr, "kbgen: serve: --bind %s: not an IPv4 or "
		    "IPv6 address (e.g. 127.0.0.1, ::1, 0.0.0.0)\n", addr);
		return -1;
	}
	*af = ss.ss_family;
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "kbgen: serve: socket: %s\n", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 64) == -1) {
		fprintf(stderr, "kbgen: serve: cannot listen on %s%s%s:%d: "
		    "%s%s\n", *af == AF_INET6 ? "[" : "", addr,
		    *af == AF_INET6 ? "]" : "", port, strerror(errno),
		    errno == EADDRINUSE ? " (another server has this port; "
		    "choose another with --port N)" : "");
		close(fd);
		return -1;
	}
	len = sizeof(ss);
	*bound = port;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		*bound = ntohs(ss.ss_family == AF_INET6 ? sin6->sin6_port :
		    sin->sin_port);
	return fd;
}

/* Whether addr (an address listen_on took) is a loopback one. */
static int
addr_loopback(const char *addr)
{
	struct in_addr	 in;
	struct in6_addr	 in6;

	if (inet_pton(AF_INET, addr, &in) == 1)
		return (ntohl(in.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &in6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&in6);
}

/*
 * kbgen serve.
 */
int
cmd_serve(const struct opts *o)
{
	struct serve		 s;
	struct watch		 w;
	struct MHD_Daemon	*d = NULL;
	struct pollfd		 pfd[2];
	struct signalfd_siginfo	 si;
	pthread_condattr_t	 ca;
	sigset_t		 sigs, oldsigs;
	const char		*addr = o->bind != NULL ? o->bind : "127.0.0.1";
	char			*cache = NULL, *priv = NULL, *base = NULL;
	double			 first = 0, last = 0, now, due;
	int			 lfd = -1, sfd = -1, af = AF_INET, port;
	int			 pending = 0, rescan, timeout, rc = 1;
	unsigned int		 flags;

	memset(&w, 0, sizeof(w));
	memset(&s, 0, sizeof(s));
	w.fd = -1;
	pthread_mutex_init(&s.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.cond, &ca);
	pthread_condattr_destroy(&ca);
	s.session = ((unsigned long)time(NULL) << 16) ^
	    (unsigned long)getpid();
	s.seq = 1;
	snprintf(s.token, sizeof(s.token), "%lx.%lu", s.session, s.gen);

	w.o = o;
	w.content = path_join(o->root, "content");
	cache = path_join(o->root, ".kbgen");
	if (access(w.content, F_OK) == -1) {
		diag_err(w.content, 0, 0, "no content folder here (run kbgen "
		    "in a knowledge base's root, or name it with -C DIR)");
		goto out;
	}
	port = o->port >= 0 ? o->port : SERVE_PORT;
	if ((lfd = listen_on(addr, port, &af, &port)) == -1)
		goto out;
	s.loopback = addr_loopback(addr);

	/*
	 * Signals are read from a descriptor in the loop below: blocked
	 * here, before any thread starts, so every thread has them
	 * blocked.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &oldsigs);
	signal(SIGPIPE, SIG_IGN);
	if ((sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		fprintf(stderr, "kbgen: serve: signalfd: %s\n",
		    strerror(errno));
		goto out;
	}

	if (!mkdirs(cache) || (base = private_base(cache, w.content)) == NULL)
		goto out;
	/* What serves that were killed left. */
	rmtree_stale(base, "kbgen-serve-");
	priv = xasprintf("%s/kbgen-serve-%ld-XXXXXX", base, (long)getpid());
	if (mkdtemp(priv) == NULL) {
		fprintf(stderr, "kbgen: serve: %s: %s\n", priv, strerror(errno));
		free(priv);
		priv = NULL;
		goto out;
	}
	s.out = path_join(priv, "site");

	if ((w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		fprintf(stderr, "kbgen: serve: inotify: %s\n", strerror(errno));
		goto out;
	}
	w.rootwd = inotify_add_watch(w.fd, o->root, IN_CREATE |
	    IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR);
	watch_rescan(&w);

	flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	if (af == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, &s,
	    MHD_OPTION_LISTEN_SOCKET, lfd,
	    /* Larger headers or URLs are refused (431, 414). */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)128,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(PING_SECS * 3),
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "kbgen: serve: cannot start the HTTP server "
		    "on %s:%d\n", addr, port);
		goto out;
	}
	lfd = -1;	/* the daemon's now */

	if (!o->quiet)
		fprintf(stderr, "kbgen: building %s into %s\n", o->root,
		    s.out);
	rebuild(&s, o, 1);
	fprintf(stderr, "kbgen: serving http://%s%s%s:%d/ (Ctrl-C to "
	    "stop)\n", af == AF_INET6 ? "[" : "", addr,
	    af == AF_INET6 ? "]" : "", port);
	if (!s.loopback)
		fprintf(stderr, "kbgen: warning: --bind %s: other machines "
		    "may reach this server\n", addr);

	pfd[0].fd = w.fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		timeout = -1;
		if (pending) {
			now = mono_secs();
			due = last + QUIET_SECS < first + BURST_SECS ?
			    last + QUIET_SECS : first + BURST_SECS;
			timeout = due <= now ? 0 : (int)((due - now) * 1000) + 1;
		}
		if (poll(pfd, 2, timeout) == -1 && errno != EINTR) {
			fprintf(stderr, "kbgen: serve: poll: %s\n",
			    strerror(errno));
			goto out;
		}
		if (pfd[1].revents & POLLIN &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			break;
		now = mono_secs();
		rescan = 0;
		if (pfd[0].revents & POLLIN && watch_read(&w, &rescan)) {
			if (!pending)
				first = now;
			pending = 1;
			last = now;
		}
		if (rescan)
			watch_rescan(&w);
		if (pending && (now >= last + QUIET_SECS ||
		    now >= first + BURST_SECS)) {
			pending = 0;
			rebuild(&s, o, 0);
		}
	}
	if (!o->quiet)
		fprintf(stderr, "kbgen: stopping\n");
	rc = 0;
out:
	/* Open event streams end; then the daemon can stop. */
	pthread_mutex_lock(&s.lock);
	s.quit = 1;
	pthread_cond_broadcast(&s.cond);
	pthread_mutex_unlock(&s.lock);
	if (d != NULL)
		MHD_stop_daemon(d);
	if (lfd != -1)
		close(lfd);
	if (sfd != -1) {
		close(sfd);
		pthread_sigmask(SIG_SETMASK, &oldsigs, NULL);
	}
	if (w.fd != -1)
		close(w.fd);
	if (priv != NULL && !rmtree(priv) && rc == 0) {
		fprintf(stderr, "kbgen: serve: cannot remove %s\n", priv);
		rc = 1;
	}
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.lock);
	free(w.wds);
	free(w.tdir);
	free(w.content);
	free(s.diag);
	free(s.out);
	free(priv);
	free(base);
	free(cache);
	return rc;
}
