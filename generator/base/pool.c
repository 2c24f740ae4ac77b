/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The worker pool, the only one in kbgen: par_for calls a function once
 * for each index of [0, n) on a number of threads, the calling one
 * included, handing out the indices in order.  It sets no cap of its
 * own: a caller that wants one (fetches per host, jobs per runner) sets
 * it and says why.  It knows nothing of what the calls do: stopping
 * early (an interrupt, a full disk) is the function's business, which
 * returns at once for the indices left.  Output order is the caller's
 * business too.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "base/base.h"

/* The shared state of one par_for. */
struct par {
	void		(*fn)(void *, size_t);
	void		*arg;
	size_t		 n;
	size_t		 next;	/* next index to hand out */
	int		 quiet;	/* the caller's diag_quiet */
	pthread_mutex_t	 lock;
};

static void *
par_worker(void *arg)
{
	struct par	*p = arg;
	size_t		 i;

	/* Quiet is per thread: the workers are as quiet as the caller. */
	diag_set_quiet(p->quiet);
	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		p->fn(p->arg, i);
	}
}

/*
 * See extern.h.
 */
int
par_jobs(int jobs)
{
	long	 n;

	if (jobs > 0)
		return jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > INT_MAX ? INT_MAX : (int)n;
}

/*
 * See extern.h.
 */
void
par_for(size_t n, int jobs, void (*fn)(void *, size_t), void *arg)
{
	struct par	 p;
	pthread_t	*th;
	size_t		 i, nth;

	nth = (size_t)par_jobs(jobs);
	if (nth > n)
		nth = n;
	/* One job (or one index): no thread, easy to debug. */
	if (nth <= 1) {
		for (i = 0; i < n; i++)
			fn(arg, i);
		return;
	}
	p.fn = fn;
	p.arg = arg;
	p.n = n;
	p.next = 0;
	p.quiet = diag_quiet();
	pthread_mutex_init(&p.lock, NULL);
	th = xcalloc(nth, sizeof(*th));
	/* A thread that cannot start leaves its share to the others. */
	for (i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, par_worker, &p) != 0)
			break;
	nth = i;
	par_worker(&p);
	for (i = 1; i < nth; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&p.lock);
}
