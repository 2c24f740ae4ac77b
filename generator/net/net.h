/*
 * What later stages use of generator/net/ (HTTP (libcurl)).  Include
 * after extern.h.
 */
#ifndef KBGEN_NET_NET_H
#define KBGEN_NET_NET_H

/* http.c: the only libcurl user.  Fetching and link checking. */

struct http_req {
	const char	*url;	/* borrowed */
	const char	*token;	/* bearer token, may be NULL; never printed */
	long		 timeout;	/* seconds per attempt, 0: 30 */
	int		 retries;	/* extra attempts on 5xx and no answer */
	double		 backoff;	/* seconds before the first retry,
					   doubled each time; 0: 1 */
	/* Told of each retry (message, attempt, seconds); may be NULL. */
	void		(*progress)(void *, const char *, int, double);
	void		*arg;
};

struct http_resp {
	long		 status;	/* HTTP status, 0 if none */
	char		*body;	/* owned, NUL-terminated */
	size_t		 bodysz;
	char		*ctype;	/* Content-Type, owned, may be NULL */
};

int		 http_get(const struct http_req *, struct http_resp *,
		    char **err);
void		 http_resp_free(struct http_resp *);

struct http_link {
	const char	*url;	/* borrowed */
	long		 status;	/* final status, 0: no answer */
	char		*final;	/* URL after redirects, owned, may be NULL */
	long		 redirects;	/* redirects followed */
	int		 get;	/* answered to GET after HEAD failed */
	char		*error;	/* why no answer, owned, may be NULL */
};

int		 http_check(struct http_link *, size_t n, long per_host,
		    long total, long timeout,
		    void (*done)(void *, const struct http_link *), void *arg);

/* http.c (continued): downloading declared data to a file, for data.c. */

struct http_download_req {
	const char	*url;	/* borrowed; http or https */
	long		 timeout;	/* seconds per attempt, 0: 3600 */
	long		 stall;	/* seconds under low_speed that end an
				   attempt, 0: 30 */
	long		 low_speed;	/* bytes per second, 0: 1024 */
	int		 retries;	/* extra attempts on 5xx and no answer */
	double		 backoff;	/* seconds before the first retry,
					   doubled each time; 0: 1 */
	/* Told of each retry (message, attempt, seconds); may be NULL. */
	void		(*progress)(void *, const char *, int, double);
	void		*arg;
};

/*
 * Download req->url into the new file dest (must not exist; a
 * temporary name in the folder where the caller will rename it after
 * checking it).  At most max_bytes (0: no cap), refused from the
 * Content-Length or while streaming.  Returns 1 with *bytes the size;
 * 0 with *err a new one-line message naming the URL and the cause
 * ("HTTP 404", "timeout", "too large", "refused"; caller frees) and
 * dest removed.  Thread-safe.
 */
int		 http_download(const struct http_download_req *,
		    const char *dest, long long max_bytes, long long *bytes,
		    char **err);

#endif /* !KBGEN_NET_NET_H */
