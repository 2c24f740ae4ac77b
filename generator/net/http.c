/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * HTTP with libcurl (the only libcurl user).  Two jobs: fetching one
 * document for kbgen import (http_get: a GET with a time limit, retried
 * with exponential backoff on 5xx answers, timeouts and connection
 * failures, never on 4xx), and checking many links at once for
 * kbgen lint --links (http_check: the multi interface, a limit of
 * connections per host, HEAD first and GET when a server rejects HEAD,
 * redirects followed and counted).  Only http and https are spoken,
 * redirects included.  http_get follows redirects by hand and only
 * within the first URL's host, and checks each address it connects
 * to: after a redirect, never a loopback, link-local or private one
 * unless the first URL connected to that range itself (no server-side
 * request forgery through an Indico server).  A bearer token, when given, goes in an
 * Authorization header and never into a message: errors name the URL
 * and the status or libcurl's text.  The one file written here is the
 * body of http_download (declared data, for data.c), streamed to a
 * path its caller names and checks.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "extern.h"
#include "net/net.h"

#define HTTP_UA		"kbgen/" KBGEN_VERSION
#define HTTP_MAXBODY	((size_t)64 << 20)	/* bytes kept by http_get */
#define HTTP_MAXPROBE	((size_t)1 << 16)	/* bytes read by a GET probe */
#define HTTP_MAXREDIRS	10	/* redirects followed by http_get */

/* Address ranges http_get keeps redirects out of. */
enum	addr_class {
	ADDR_PUBLIC = 0,
	ADDR_LOOPBACK,	/* 127.0.0.0/8, ::1, 0.0.0.0/8, :: */
	ADDR_LINKLOCAL,	/* 169.254.0.0/16, fe80::/10 */
	ADDR_PRIVATE	/* 10/8, 172.16/12, 192.168/16, fc00::/7 */
};

static const char *const addr_class_names[] = {
	"a public", "a loopback", "a link-local", "a private"
};

/*
 * What http_get's socket callback knows of one transfer: the range of
 * the first address connected to, and whether this hop is a redirect,
 * whose addresses must be public or in that same range.
 */
struct hop {
	int		 redirect;	/* this transfer follows a redirect */
	enum addr_class	 first;		/* range of the first URL's address */
	int		 refused;	/* an address was refused */
	char		 addr[INET6_ADDRSTRLEN];	/* the refused one */
	enum addr_class	 cls;		/* and its range */
};

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static CURLcode		 initrc;

/* Whether a[0..n) and b[0..n) match, ASCII case aside. */
static int
strncasecmp_ascii_n(const char *a, const char *b, size_t n)
{
	size_t	 i;
	int	 x, y;

	for (i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return 0;
	}
	return 1;
}

static void
init_once(void)
{
	if ((initrc = curl_global_init(CURL_GLOBAL_DEFAULT)) == CURLE_OK)
		atexit(curl_global_cleanup);
}

/*
 * Start libcurl once per process.  Downloads of data run on several
 * threads at once, and curl_global_init is not safe to race with.
 */
static int
init(void)
{
	pthread_once(&once, init_once);
	if (initrc != CURLE_OK) {
		diag_sys("libcurl", "%s", curl_easy_strerror(initrc));
		return 0;
	}
	return 1;
}

struct sink {
	struct buf	*b;	/* where bytes go, may be NULL (discard) */
	size_t		 max;	/* stop after this many bytes */
	size_t		 seen;
};

static size_t
sink_write(char *p, size_t sz, size_t n, void *arg)
{
	struct sink	*s = arg;

	s->seen += sz * n;
	if (s->seen > s->max)
		return 0;	/* CURLE_WRITE_ERROR: enough */
	if (s->b != NULL)
		buf_put(s->b, p, sz * n);
	return sz * n;
}

static void
sleep_secs(double s)
{
	struct timespec	 ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0)
		continue;
}

/* The range of an IPv4 address, in host order. */
static enum addr_class
class_v4(uint32_t a)
{
	if ((a >> 24) == 127 || (a >> 24) == 0)
		return ADDR_LOOPBACK;
	if ((a >> 16) == ((169u << 8) | 254))
		return ADDR_LINKLOCAL;
	if ((a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1) ||
	    (a >> 16) == ((192u << 8) | 168))
		return ADDR_PRIVATE;
	return ADDR_PUBLIC;
}

/*
 * The range of a socket address; an IPv4-mapped IPv6 address counts
 * as its IPv4 address.  Families other than IPv4 and IPv6 (a Unix
 * socket) count as loopback.
 */
static enum addr_class
addr_class(const struct sockaddr *sa, char *name, size_t namesz)
{
	const struct sockaddr_in	*v4;
	const struct sockaddr_in6	*v6;
	const unsigned char		*b;
	static const unsigned char	 zero[16];
	static const unsigned char	 mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	name[0] = '\0';
	if (sa->sa_family == AF_INET) {
		v4 = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &v4->sin_addr, name, namesz);
		return class_v4(ntohl(v4->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return ADDR_LOOPBACK;
	v6 = (const struct sockaddr_in6 *)(const void *)sa;
	inet_ntop(AF_INET6, &v6->sin6_addr, name, namesz);
	b = v6->sin6_addr.s6_addr;
	if (memcmp(b, mapped, 12) == 0)
		return class_v4((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		    (uint32_t)b[14] << 8 | b[15]);
	if (memcmp(b, zero, 15) == 0 && (b[15] == 1 || b[15] == 0))
		return ADDR_LOOPBACK;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return ADDR_LINKLOCAL;
	if ((b[0] & 0xfe) == 0xfc)
		return ADDR_PRIVATE;
	return ADDR_PUBLIC;
}

/*
 * libcurl's socket opener for http_get: the address about to be
 * connected to is checked here, so that a redirect (or a host name
 * that resolves elsewhere on the second look) never reaches a
 * loopback, link-local or private address unless the first URL did.
 */
static curl_socket_t
hop_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct hop	*h = arg;
	enum addr_class	 cls;
	char		 name[INET6_ADDRSTRLEN];

	(void)purpose;
	cls = addr_class(&a->addr, name, sizeof(name));
	if (!h->redirect)
		h->first = cls;
	else if (cls != ADDR_PUBLIC && cls != h->first) {
		h->refused = 1;
		h->cls = cls;
		snprintf(h->addr, sizeof(h->addr), "%s", name);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/*
 * Whether a redirect from url to to stays on the same host: the same
 * host name (ASCII case aside) and the same port, or the default port
 * of to's scheme (http to https on one host).
 */
static int
same_host(const char *url, const char *to)
{
	CURLU		*a, *b;
	char		*ha = NULL, *hb = NULL, *pa = NULL, *pb = NULL,
			*sb = NULL;
	int		 same = 0;

	a = curl_url();
	b = curl_url();
	if (a == NULL || b == NULL ||
	    curl_url_set(a, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_set(b, CURLUPART_URL, to, 0) != CURLUE_OK ||
	    curl_url_get(a, CURLUPART_HOST, &ha, 0) != CURLUE_OK ||
	    curl_url_get(b, CURLUPART_HOST, &hb, 0) != CURLUE_OK ||
	    curl_url_get(a, CURLUPART_PORT, &pa, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK ||
	    curl_url_get(b, CURLUPART_PORT, &pb, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK ||
	    curl_url_get(b, CURLUPART_SCHEME, &sb, 0) != CURLUE_OK)
		goto out;
	if (strlen(ha) != strlen(hb) ||
	    !strncasecmp_ascii_n(ha, hb, strlen(ha)))
		goto out;
	same = strcmp(pa, pb) == 0 ||
	    (strcmp(sb, "https") == 0 && strcmp(pb, "443") == 0) ||
	    (strcmp(sb, "http") == 0 && strcmp(pb, "80") == 0);
out:
	curl_free(ha);
	curl_free(hb);
	curl_free(pa);
	curl_free(pb);
	curl_free(sb);
	curl_url_cleanup(a);
	curl_url_cleanup(b);
	return same;
}

/* Options common to both jobs. */
static void
setup(CURL *c, const char *url, long timeout, char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, HTTP_UA);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 10 ?
	    timeout : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	errbuf[0] = '\0';
}

void
http_resp_free(struct http_resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->ctype);
	memset(r, 0, sizeof(*r));
}

/* The libcurl failure as one line: its error buffer, else its code. */
static char *
curl_msg(const char *url, CURLcode rc, const char *errbuf)
{
	return xasprintf("%s: %s", url, errbuf[0] != '\0' ? errbuf :
	    curl_easy_strerror(rc));
}

/*
 * One attempt of http_get: GET req->url into s, following redirects
 * by hand (at most HTTP_MAXREDIRS), each only to the host of req->url
 * and, through hop_socket, never to a loopback, link-local or private
 * address unless the first URL connected to one of that range.
 * Returns the libcurl code of the last transfer with *status its
 * HTTP status (0 for none); sets *refused, with *err a new message,
 * when a redirect was refused (never worth a retry).
 */
static CURLcode
get_hops(CURL *c, const struct http_req *req, struct curl_slist *hdr,
    struct sink *s, struct hop *h, char *errbuf, long *status,
    int *refused, char **err)
{
	CURLcode	 rc;
	char		*url, *prev = NULL, *to;
	int		 n;

	*refused = 0;
	url = xstrdup(req->url);
	for (n = 0; ; n++) {
		buf_reset(s->b);
		s->seen = 0;
		h->redirect = n > 0;
		h->refused = 0;
		curl_easy_reset(c);
		setup(c, url, req->timeout > 0 ? req->timeout : 30, errbuf);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, hop_socket);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
		rc = curl_easy_perform(c);
		*status = 0;
		if (rc != CURLE_OK) {
			if (h->refused) {
				*refused = 1;
				*err = xasprintf("%s: redirect to %s refused: "
				    "it connects to %s, %s address", prev,
				    url, h->addr, addr_class_names[h->cls]);
			}
			break;
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (*status < 300 || *status >= 400 ||
		    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &to) !=
		    CURLE_OK || to == NULL)
			break;
		if (n >= HTTP_MAXREDIRS) {
			*refused = 1;
			*err = xasprintf("%s: more than %d redirects",
			    req->url, HTTP_MAXREDIRS);
			break;
		}
		if (!same_host(req->url, to)) {
			*refused = 1;
			*err = xasprintf("%s: redirect to %s refused: "
			    "another host", url, to);
			break;
		}
		free(prev);
		prev = url;
		url = xstrdup(to);
	}
	free(prev);
	free(url);
	return rc;
}

/*
 * GET req->url into resp (caller frees with http_resp_free), with
 * redirects as get_hops follows them.  Retries
 * req->retries times, waiting req->backoff seconds and doubling, when
 * the answer is a 5xx or no answer came (timeout, refused, reset);
 * progress (may be NULL) hears about each retry.  Returns 1 with any
 * status below 400; 0 with *err a new one-line message (caller frees)
 * otherwise, resp->status then holding the last status (0 for none).
 */
int
http_get(const struct http_req *req, struct http_resp *resp, char **err)
{
	CURL			*c = NULL;
	struct curl_slist	*hdr = NULL;
	struct buf		 b;
	struct sink		 s;
	struct hop		 h;
	char			 errbuf[CURL_ERROR_SIZE], *auth, *ct;
	CURLcode		 rc;
	double			 wait;
	int			 attempt, ok = 0, refused;

	memset(resp, 0, sizeof(*resp));
	memset(&b, 0, sizeof(b));
	memset(&h, 0, sizeof(h));
	*err = NULL;
	if (!init() || (c = curl_easy_init()) == NULL) {
		*err = xasprintf("%s: cannot start libcurl", req->url);
		return 0;
	}
	if (req->token != NULL) {
		auth = xasprintf("Authorization: Bearer %s", req->token);
		hdr = curl_slist_append(hdr, auth);
		/* Wipe our copy; libcurl keeps its own in the list. */
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	hdr = curl_slist_append(hdr, "Accept: application/json");
	wait = req->backoff > 0 ? req->backoff : 1;
	for (attempt = 0; ; attempt++) {
		memset(&s, 0, sizeof(s));
		s.b = &b;
		s.max = HTTP_MAXBODY;
		free(*err);
		*err = NULL;
		rc = get_hops(c, req, hdr, &s, &h, errbuf, &resp->status,
		    &refused, err);
		if (refused)
			break;
		if (rc == CURLE_OK && resp->status < 400) {
			ok = 1;
			break;
		}
		if (rc == CURLE_WRITE_ERROR && s.seen > s.max)
			*err = xasprintf("%s: answer larger than %zu MiB",
			    req->url, HTTP_MAXBODY >> 20);
		else if (rc != CURLE_OK)
			*err = curl_msg(req->url, rc, errbuf);
		else
			*err = xasprintf("%s: HTTP %ld", req->url,
			    resp->status);
		/* Client errors and refused protocols will not heal. */
		if ((rc == CURLE_OK && resp->status < 500) ||
		    rc == CURLE_UNSUPPORTED_PROTOCOL ||
		    rc == CURLE_URL_MALFORMAT || rc == CURLE_WRITE_ERROR ||
		    attempt >= req->retries)
			break;
		if (req->progress != NULL)
			req->progress(req->arg, *err, attempt + 1, wait);
		sleep_secs(wait);
		wait *= 2;
	}
	if (ok) {
		if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) ==
		    CURLE_OK && ct != NULL)
			resp->ctype = xstrdup(ct);
		resp->bodysz = b.sz;
		resp->body = b.data != NULL ? buf_steal(&b) : xstrdup("");
	}
	buf_free(&b);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return ok;
}

/* One transfer of http_check: a link and its current attempt. */
struct probe {
	struct http_link *l;	/* borrowed, the result goes here */
	CURL		*c;	/* owned while in flight */
	struct sink	 s;
	char		 errbuf[CURL_ERROR_SIZE];
	int		 get;	/* this attempt is the GET fallback */
};

static CURL *
probe_start(struct probe *p, long timeout)
{
	if ((p->c = curl_easy_init()) == NULL)
		return NULL;
	setup(p->c, p->l->url, timeout, p->errbuf);
	curl_easy_setopt(p->c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(p->c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(p->c, CURLOPT_NOBODY, p->get ? 0L : 1L);
	memset(&p->s, 0, sizeof(p->s));
	p->s.max = HTTP_MAXPROBE;
	curl_easy_setopt(p->c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(p->c, CURLOPT_WRITEDATA, &p->s);
	curl_easy_setopt(p->c, CURLOPT_PRIVATE, p);
	return p->c;
}

/*
 * Record the end of a probe in its link.  Returns 1 when the link
 * should be tried again with GET: the server rejected HEAD (405, 501,
 * or any error status or broken answer to a HEAD, as some servers
 * misbehave on it).
 */
static int
probe_done(struct probe *p, CURLcode rc)
{
	struct http_link *l = p->l;
	long		 code = 0, n = 0;
	char		*eff = NULL;

	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && p->get &&
	    p->s.seen > p->s.max))
		curl_easy_getinfo(p->c, CURLINFO_RESPONSE_CODE, &code);
	if (!p->get && rc != CURLE_OPERATION_TIMEDOUT &&
	    rc != CURLE_COULDNT_RESOLVE_HOST &&
	    rc != CURLE_COULDNT_CONNECT && (code == 0 || code >= 400))
		return 1;
	free(l->final);
	free(l->error);
	l->final = NULL;
	l->error = NULL;
	l->status = code;
	l->get = p->get;
	curl_easy_getinfo(p->c, CURLINFO_REDIRECT_COUNT, &n);
	l->redirects = n;
	if (n > 0 && curl_easy_getinfo(p->c, CURLINFO_EFFECTIVE_URL, &eff) ==
	    CURLE_OK && eff != NULL)
		l->final = xstrdup(eff);
	if (code == 0)
		l->error = xstrdup(rc == CURLE_OPERATION_TIMEDOUT ? "timeout" :
		    p->errbuf[0] != '\0' ? p->errbuf : curl_easy_strerror(rc));
	return 0;
}

/* The host part of url (between "://" and the path), as an index. */
static size_t
host_of(const char *url, char ***hosts, size_t *hostsz)
{
	const char	*h, *e;
	size_t		 i, len;

	h = strstr(url, "://");
	h = h == NULL ? url : h + 3;
	len = strcspn(h, "/?#");
	for (e = h; e < h + len; e++)
		if (*e == '@')		/* user info is not the host */
			h = e + 1;
	len = strcspn(h, "/?#");
	for (i = 0; i < *hostsz; i++)
		if (strlen((*hosts)[i]) == len &&
		    strncasecmp_ascii_n((*hosts)[i], h, len))
			return i;
	*hosts = xreallocarray(*hosts, *hostsz + 1, sizeof(**hosts));
	(*hosts)[*hostsz] = xstrndup(h, len);
	return (*hostsz)++;
}

/*
 * Check every link of ls[0..n) in parallel, at most per_host
 * transfers to one host and total at once, each transfer within
 * timeout seconds.  Transfers are started here as others end rather
 * than queued inside libcurl, whose time limit would count the wait.
 * Fills status (0: no answer, error then says why), final (URL after
 * redirects, or NULL), redirects and get (answered to GET after HEAD
 * failed).  done (may be NULL) is called as each link finishes.
 * Returns 0 only if libcurl itself failed (reported).
 */
int
http_check(struct http_link *ls, size_t n, long per_host, long total,
    long timeout, void (*done)(void *, const struct http_link *),
    void *arg)
{
	CURLM		*m = NULL;
	CURLMsg		*msg;
	struct probe	*ps = NULL, *p;
	char		**hosts = NULL;
	size_t		 hostsz = 0, *busy = NULL, *hostof = NULL, next = 0,
			 inflight = 0, i;
	int		 running = 0, left, rc = 0;
	CURLMcode	 mc;
	CURLcode	 res;

	if (n == 0)
		return 1;
	if (!init() || (m = curl_multi_init()) == NULL) {
		diag_sys("libcurl", "cannot start the multi interface");
		return 0;
	}
	if (per_host <= 0)
		per_host = 2;
	if (total <= 0)
		total = 16;
	if (timeout <= 0)
		timeout = 20;
	ps = xcalloc(n, sizeof(*ps));
	hostof = xcalloc(n, sizeof(*hostof));
	for (i = 0; i < n; i++) {
		ps[i].l = &ls[i];
		hostof[i] = host_of(ls[i].url, &hosts, &hostsz);
	}
	busy = xcalloc(hostsz + 1, sizeof(*busy));
	for (;;) {
		/* Start what the limits allow, in order. */
		for (i = next; i < n && inflight < (size_t)total; i++) {
			if (ps[i].c != NULL || ps[i].get == 2 ||
			    busy[hostof[i]] >= (size_t)per_host)
				continue;
			if (probe_start(&ps[i], timeout) == NULL ||
			    curl_multi_add_handle(m, ps[i].c) != CURLM_OK) {
				diag_sys("libcurl", "cannot add a transfer");
				goto out;
			}
			busy[hostof[i]]++;
			inflight++;
		}
		while (next < n && (ps[next].c != NULL || ps[next].get == 2))
			next++;
		if (inflight == 0)
			break;
		if ((mc = curl_multi_perform(m, &running)) != CURLM_OK) {
			diag_sys("libcurl", "%s", curl_multi_strerror(mc));
			goto out;
		}
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&p);
			/* msg is gone once its handle is removed. */
			res = msg->data.result;
			curl_multi_remove_handle(m, p->c);
			if (probe_done(p, res)) {
				/* GET on the same slot of its host. */
				curl_easy_cleanup(p->c);
				p->get = 1;
				if (probe_start(p, timeout) == NULL ||
				    curl_multi_add_handle(m, p->c) !=
				    CURLM_OK) {
					diag_sys("libcurl", "cannot add a "
					    "transfer");
					goto out;
				}
				continue;
			}
			curl_easy_cleanup(p->c);
			p->c = NULL;
			p->get = 2;	/* finished */
			busy[hostof[p - ps]]--;
			inflight--;
			if (done != NULL)
				done(arg, p->l);
		}
		if (inflight > 0 && (mc = curl_multi_poll(m, NULL, 0, 1000,
		    NULL)) != CURLM_OK) {
			diag_sys("libcurl", "%s", curl_multi_strerror(mc));
			goto out;
		}
	}
	rc = 1;
out:
	for (i = 0; i < n; i++)
		if (ps[i].c != NULL) {
			curl_multi_remove_handle(m, ps[i].c);
			curl_easy_cleanup(ps[i].c);
		}
	for (i = 0; i < hostsz; i++)
		free(hosts[i]);
	free(hosts);
	free(busy);
	free(hostof);
	free(ps);
	curl_multi_cleanup(m);
	return rc;
}

/* Where http_download's body goes: an open file, with a size cap. */
struct fsink {
	int		 fd;	/* borrowed */
	long long	 seen;	/* bytes received this attempt */
	long long	 max;	/* refuse more than this, 0: no cap */
	int		 werr;	/* errno of a failed write, else 0 */
	long long	 clen;	/* Content-Length of the last answer, -1 */
};

/* Keep the Content-Length, to name it when it is over the cap. */
static size_t
fsink_header(char *p, size_t sz, size_t n, void *arg)
{
	struct fsink	*s = arg;
	size_t		 len = sz * n, i;
	char		 num[32];

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		s->clen = -1;	/* a new answer, after a redirect */
	else if (len > 15 && strncasecmp_ascii_n(p, "content-length:", 15)) {
		for (i = 15; i < len && i - 15 < sizeof(num) - 1; i++)
			num[i - 15] = p[i];
		num[i - 15] = '\0';
		s->clen = strtoll(num, NULL, 10);
	}
	return len;
}

static size_t
fsink_write(char *p, size_t sz, size_t n, void *arg)
{
	struct fsink	*s = arg;
	size_t		 len = sz * n, off = 0;
	ssize_t		 w;

	s->seen += (long long)len;
	if (s->max > 0 && s->seen > s->max)
		return 0;	/* CURLE_WRITE_ERROR: too large */
	while (off < len) {
		if ((w = write(s->fd, p + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			s->werr = errno;
			return 0;
		}
		off += (size_t)w;
	}
	return len;
}

/*
 * The one-line reason an attempt of http_download failed (new string).
 * Sets *again when another attempt may help: a 5xx, no answer, a
 * broken or stalled transfer; never a 4xx, a body over the cap, a
 * refused redirect or a local write error.
 */
static char *
download_msg(CURL *c, const struct http_download_req *req, const char *dest,
    CURLcode rc, const struct fsink *s, const char *errbuf, long stall,
    long low_speed, int *again)
{
	long		 code = 0;

	*again = 0;
	switch (rc) {
	case CURLE_HTTP_RETURNED_ERROR:
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		*again = code >= 500;
		return xasprintf("%s: HTTP %ld", req->url, code);
	case CURLE_FILESIZE_EXCEEDED:
		/* Refused from the Content-Length, before any byte. */
		if (s->clen > 0)
			return xasprintf("%s: too large: %lld bytes, over the "
			    "limit of %lld", req->url, s->clen, s->max);
		return xasprintf("%s: too large: over the limit of %lld "
		    "bytes", req->url, s->max);
	case CURLE_WRITE_ERROR:
		if (s->werr != 0)
			return xasprintf("%s: cannot write %s: %s", req->url,
			    dest, strerror(s->werr));
		if (s->max > 0 && s->seen > s->max)
			return xasprintf("%s: too large: over the limit of "
			    "%lld bytes", req->url, s->max);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		*again = 1;
		/* libcurl's words for the low-speed limit. */
		if (strncmp(errbuf, "Operation too slow", 18) == 0)
			return xasprintf("%s: timeout: stalled, less than %ld "
			    "bytes/s for %ld s", req->url, low_speed, stall);
		return xasprintf("%s: timeout: %s", req->url, errbuf[0] !=
		    '\0' ? errbuf : curl_easy_strerror(rc));
	case CURLE_UNSUPPORTED_PROTOCOL:
		return xasprintf("%s: refused: %s (only http and https are "
		    "followed)", req->url, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
	case CURLE_COULDNT_CONNECT:
		*again = 1;
		if (curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &code) ==
		    CURLE_OK && code != 0)
			return xasprintf("%s: cannot connect: %s", req->url,
			    strerror((int)code));
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
		*again = 1;
		break;
	default:
		break;
	}
	return curl_msg(req->url, rc, errbuf);
}

/*
 * Download req->url into the new file dest, which must not exist: its
 * caller names it beside where the file will live (same folder, so
 * that a rename puts it in place), checks it and renames it; nothing
 * here moves it.  Redirects are followed to http and https only.  An
 * attempt ends after req->timeout seconds (0: 3600), or when fewer
 * than req->low_speed bytes per second (0: 1024) came for req->stall
 * seconds (0: 30).  A 5xx, no answer or a broken transfer is tried
 * again req->retries times after req->backoff seconds (0: 1), doubled
 * each time, progress (may be NULL) hearing of each retry; dest starts
 * empty each time.  A body over max_bytes (0: no cap) is refused from
 * its Content-Length or as soon as it passes the cap.  The body is
 * stored as sent (no Content-Encoding decoded) and flushed to disk.
 * Returns 1 with *bytes the body's size; 0 with *err a new one-line
 * message naming the URL and the cause (caller frees), dest removed.
 * Safe to call from several threads at once.
 */
int
http_download(const struct http_download_req *req, const char *dest,
    long long max_bytes, long long *bytes, char **err)
{
	CURL		*c = NULL;
	struct fsink	 s;
	char		 errbuf[CURL_ERROR_SIZE];
	CURLcode	 rc;
	double		 wait;
	long		 timeout, stall, low_speed;
	int		 fd = -1, attempt, again, ok = 0;

	*bytes = 0;
	*err = NULL;
	timeout = req->timeout > 0 ? req->timeout : 3600;
	stall = req->stall > 0 ? req->stall : 30;
	low_speed = req->low_speed > 0 ? req->low_speed : 1024;
	if ((fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		*err = xasprintf("%s: cannot create %s: %s", req->url, dest,
		    strerror(errno));
		return 0;
	}
	if (!init() || (c = curl_easy_init()) == NULL) {
		*err = xasprintf("%s: cannot start libcurl", req->url);
		goto out;
	}
	wait = req->backoff > 0 ? req->backoff : 1;
	for (attempt = 0; ; attempt++) {
		if (ftruncate(fd, 0) == -1 || lseek(fd, 0, SEEK_SET) == -1) {
			*err = xasprintf("%s: cannot write %s: %s", req->url,
			    dest, strerror(errno));
			goto out;
		}
		memset(&s, 0, sizeof(s));
		s.fd = fd;
		s.max = max_bytes > 0 ? max_bytes : 0;
		s.clen = -1;
		curl_easy_reset(c);
		setup(c, req->url, timeout, errbuf);
		/* The bytes as the server holds them: sha256 is of those. */
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, NULL);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
		/* An error page is never taken for the body. */
		curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, low_speed);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, stall);
		if (s.max > 0)
			curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			    (curl_off_t)s.max);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fsink_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, fsink_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
		rc = curl_easy_perform(c);
		free(*err);
		*err = NULL;
		if (rc == CURLE_OK) {
			ok = 1;
			break;
		}
		*err = download_msg(c, req, dest, rc, &s, errbuf, stall,
		    low_speed, &again);
		if (!again || attempt >= req->retries)
			break;
		if (req->progress != NULL)
			req->progress(req->arg, *err, attempt + 1, wait);
		sleep_secs(wait);
		wait *= 2;
	}
	if (!ok) {
		if (attempt > 0) {
			char	*m = *err;

			*err = xasprintf("%s (%d attempts)", m, attempt + 1);
			free(m);
		}
		goto out;
	}
	/* On disk before the caller renames it into a cache. */
	if (fsync(fd) == -1) {
		*err = xasprintf("%s: cannot write %s: %s", req->url, dest,
		    strerror(errno));
		ok = 0;
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		*err = xasprintf("%s: cannot write %s: %s", req->url, dest,
		    strerror(errno));
		ok = 0;
		goto out;
	}
	fd = -1;
	*bytes = s.seen;
out:
	if (fd != -1)
		close(fd);
	if (!ok)
		unlink(dest);
	curl_easy_cleanup(c);
	return ok;
}
