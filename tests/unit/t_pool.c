/*
 * Unit tests for pool.c: par_for runs every index exactly once, for no
 * index, one and many; starts no more threads than indices (counted by
 * wrapping pthread_create); runs jobs 1 in order on the calling thread
 * without a thread; and runs jobs n at once.  par_jobs: the number asked
 * for, else the online processors.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "harness.h"

/* Threads started since the last reset, by anyone in this process. */
static atomic_int	 started;

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *,
    void *(*)(void *), void *);

/* Count, then start it with the C library's pthread_create. */
int
pthread_create(pthread_t *th, const pthread_attr_t *attr,
    void *(*fn)(void *), void *arg)
{
	static create_fn real;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	atomic_fetch_add(&started, 1);
	return real(th, attr, fn, arg);
}

/* What each call saw. */
struct seen {
	atomic_int	*count;	/* calls per index */
	size_t		*order;	/* index of each call, in call order */
	atomic_size_t	 calls;
	pthread_t	 caller;
	atomic_int	 elsewhere;	/* calls not on the caller's thread */
};

static void
count_one(void *arg, size_t i)
{
	struct seen	*s = arg;
	size_t		 k;

	atomic_fetch_add(&s->count[i], 1);
	k = atomic_fetch_add(&s->calls, 1);
	s->order[k] = i;
	if (!pthread_equal(pthread_self(), s->caller))
		atomic_fetch_add(&s->elsewhere, 1);
}

/*
 * par_for(n, jobs) with every call counted: 1 when every index ran
 * exactly once.  *threads: threads it started; *inorder: the calls
 * came 0, 1, 2...; *away: calls not on this thread.
 */
static int
run(size_t n, int jobs, int *threads, int *inorder, int *away)
{
	struct seen	 s;
	size_t		 i;
	int		 once = 1;

	s.count = calloc(n + 1, sizeof(*s.count));
	s.order = calloc(n + 1, sizeof(*s.order));
	atomic_init(&s.calls, 0);
	atomic_init(&s.elsewhere, 0);
	s.caller = pthread_self();
	atomic_store(&started, 0);
	par_for(n, jobs, count_one, &s);
	*threads = atomic_load(&started);
	for (i = 0; i < n; i++)
		if (atomic_load(&s.count[i]) != 1)
			once = 0;
	if (atomic_load(&s.calls) != n)
		once = 0;
	*inorder = 1;
	for (i = 0; i < n && i < atomic_load(&s.calls); i++)
		if (s.order[i] != i)
			*inorder = 0;
	*away = atomic_load(&s.elsewhere);
	free(s.count);
	free(s.order);
	return once;
}

/* Calls that wait (5 s at most) until all n of them have started. */
static atomic_int	 arrived;
static atomic_int	 met;

static void
meet(void *arg, size_t i)
{
	int		 n = *(int *)arg;
	time_t		 t0 = time(NULL);

	(void)i;
	atomic_fetch_add(&arrived, 1);
	while (atomic_load(&arrived) < n && time(NULL) - t0 < 5)
		usleep(1000);
	if (atomic_load(&arrived) >= n)
		atomic_fetch_add(&met, 1);
}

int
main(void)
{
	long	 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int	 th, inorder, away, n;

	/* par_jobs. */
	OK(par_jobs(3) == 3, "par_jobs: 3 is 3");
	OK(par_jobs(1) == 1, "par_jobs: 1 is 1");
	OK(par_jobs(0) == (cpus < 1 ? 1 : cpus), "par_jobs: 0 is the CPUs");
	OK(par_jobs(-4) == par_jobs(0), "par_jobs: negative is the CPUs");
	OK(par_jobs(1000) == 1000, "par_jobs: no cap of its own");

	/* No index. */
	OK(run(0, 4, &th, &inorder, &away), "n 0: no call");
	OK(th == 0, "n 0: no thread");
	OK(run(0, 0, &th, &inorder, &away) && th == 0, "n 0, jobs 0");

	/* One index: on the calling thread, whatever jobs. */
	OK(run(1, 8, &th, &inorder, &away), "n 1: one call");
	OK(th == 0 && away == 0, "n 1: no thread for one index");

	/* Many. */
	OK(run(1000, 4, &th, &inorder, &away), "n 1000, jobs 4: each once");
	OK(th == 3, "n 1000, jobs 4: 3 threads besides the caller");
	OK(run(1000, 0, &th, &inorder, &away), "n 1000, jobs 0: each once");
	OK(th == par_jobs(0) - 1, "n 1000, jobs 0: one per CPU");
	OK(run(100000, 16, &th, &inorder, &away), "n 100000, jobs 16");

	/* More jobs than indices: one thread per index at most. */
	OK(run(3, 64, &th, &inorder, &away), "n 3, jobs 64: each once");
	OK(th == 2, "n 3, jobs 64: no more threads than indices");
	OK(run(7, 1000, &th, &inorder, &away) && th == 6, "n 7, jobs 1000");

	/* jobs 1: inline, in order, no thread. */
	OK(run(500, 1, &th, &inorder, &away), "jobs 1: each once");
	OK(th == 0, "jobs 1: no thread started");
	OK(away == 0, "jobs 1: every call on the calling thread");
	OK(inorder, "jobs 1: in index order");

	/* jobs n: all at once, or they could not meet. */
	n = 4;
	atomic_store(&arrived, 0);
	atomic_store(&met, 0);
	par_for((size_t)n, n, meet, &n);
	OK(atomic_load(&met) == n, "jobs 4, n 4: four calls at once");
	DONE();
}
