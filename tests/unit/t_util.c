/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for util.c's rmtree, which deletes the previous site after
 * each publish: it must remove a whole tree, never follow a symbolic
 * link out of it, and take a missing path as done; and for size_parse,
 * which reads memory limits and cache sizes from the content: the
 * forms it takes, its range (1 MiB .. 16 TiB) at both ends, and input
 * that would overflow a 64-bit number; and for clock_read, the one
 * "now" of a command: what SOURCE_DATE_EPOCH and KBGEN_PIN_CLOCK move.
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"
#include "harness.h"

static int
exists(const char *p)
{
	struct stat	 st;

	return lstat(p, &st) == 0;
}

static void
touch(const char *dir, const char *name)
{
	char	*p = path_join(dir, name);
	int	 fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd != -1) {
		(void)write(fd, "x\n", 2);
		close(fd);
	}
	free(p);
}

/* size_parse(s) gives want (0: refused, *bytes untouched). */
static void
size_case(const char *s, long long want)
{
	long long	 got = -7;
	int		 ok;
	char		*name;

	ok = size_parse(s, &got);
	name = xasprintf("size_parse \"%s\" -> %lld", s, want);
	if (want == 0)
		OK(!ok && got == -7, name);
	else
		OK(ok && got == want, name);
	free(name);
}

static void
sizes(void)
{
	size_case("16G", 16LL << 30);
	size_case("512M", 512LL << 20);
	size_case("512m", 512LL << 20);
	size_case("2048K", 2048LL << 10);
	size_case("2048k", 2048LL << 10);
	size_case("1M", 1LL << 20);
	size_case("16T", 16LL << 40);
	size_case("16384G", 16LL << 40);
	size_case("1048576", 1LL << 20);
	size_case("17592186044416", 16LL << 40);
	size_case("0001G", 1LL << 30);
	/* Below 1 MiB, above 16 TiB. */
	size_case("1023K", 0);
	size_case("1048575", 0);
	size_case("0", 0);
	size_case("0G", 0);
	size_case("17T", 0);
	size_case("16385G", 0);
	size_case("17592186044417", 0);
	/* Numbers that overflow 64 bits, with and without a unit. */
	size_case("99999999999999999999", 0);
	size_case("99999999999999999999T", 0);
	size_case("18446744073709551617", 0);
	size_case("9223372036854775807K", 0);
	size_case("4398046511104T", 0);
	/* Anything else. */
	size_case("", 0);
	size_case("G", 0);
	size_case("16GB", 0);
	size_case("16Gi", 0);
	size_case("16 G", 0);
	size_case(" 16G", 0);
	size_case("+16G", 0);
	size_case("-16G", 0);
	size_case("1.5G", 0);
	size_case("16P", 0);
	size_case("0x100000", 0);
	OK(!size_parse(NULL, NULL), "size_parse NULL");
}

/* utf8_bidi_balance of in gives want (NULL: left as it is). */
static void
bidi_case(const char *in, const char *want, const char *name)
{
	char	*got;
	size_t	 sz = 0;

	got = utf8_bidi_balance(in, strlen(in), &sz);
	if (want == NULL)
		OK(got == NULL, name);
	else {
		EQS(got, want, name);
		OK(got != NULL && sz == strlen(want), name);
	}
	free(got);
}

#define RLO "\xe2\x80\xae"
#define LRE "\xe2\x80\xaa"
#define PDF "\xe2\x80\xac"
#define LRI "\xe2\x81\xa6"
#define PDI "\xe2\x81\xa9"

static void
bidi(void)
{
	char	 deep[70 * 3 + 1];
	char	*got;
	size_t	 i, sz;

	bidi_case("plain", NULL, "bidi: none");
	bidi_case("\xe2\x80\x9cquoted\xe2\x80\x9d", NULL,
	    "bidi: other U+20xx left alone");
	bidi_case("a" RLO "b", "a" RLO "b" PDF, "bidi: override closed");
	bidi_case("a" RLO "b" PDF "c", "a" RLO "b" PDF "c",
	    "bidi: balanced kept");
	bidi_case("a" PDF "b" PDI, "ab", "bidi: stray pops dropped");
	bidi_case(LRI "a" RLO "b", LRI "a" RLO "b" PDF PDI,
	    "bidi: closed in reverse order");
	bidi_case(LRI "a" RLO "b" PDI "c", LRI "a" RLO "b" PDI "c",
	    "bidi: a PDI closes the embeddings inside it");
	bidi_case(LRE LRI "a" PDF "b", LRE LRI "ab" PDI PDF,
	    "bidi: a PDF does not close an isolate");
	bidi_case("a\xe2\x80", NULL, "bidi: cut sequence at the end");
	for (i = 0; i < 70; i++)
		memcpy(deep + i * 3, RLO, 3);
	deep[i * 3] = '\0';
	got = utf8_bidi_balance(deep, strlen(deep), &sz);
	OK(got != NULL && sz == 64 * 6, "bidi: 64 deep at most, all closed");
	free(got);
}

/*
 * diag's quiet flag is each thread's own: a thread reading something
 * quietly (site.c compares old files, runners.c reads results) must
 * not silence an error of another thread, which would be counted but
 * never printed.  par_for hands the caller's flag to its workers.
 */
static pthread_barrier_t	 qb;

static void *
quiet_reader(void *arg)
{
	(void)arg;
	diag_set_quiet(1);
	pthread_barrier_wait(&qb);	/* quiet now */
	pthread_barrier_wait(&qb);	/* the other thread reported */
	diag_err("quiet.yaml", 1, 1, "not printed");
	diag_set_quiet(0);
	return NULL;
}

static void
par_err(void *arg, size_t i)
{
	(void)arg;
	diag_err("par.yaml", i + 1, 1, "from a worker");
}

/* The text written to stderr by fn(), with stderr to a file. */
static char *
stderr_of(void (*fn)(void))
{
	char	 tmp[] = "/tmp/t_util.err.XXXXXX", *got = NULL;
	size_t	 sz;
	int	 fd, saved;

	fflush(stderr);
	if ((fd = mkstemp(tmp)) == -1 || (saved = dup(2)) == -1)
		return NULL;
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	if (!file_read(tmp, &got, &sz))
		got = NULL;
	unlink(tmp);
	return got;
}

static void
two_threads(void)
{
	pthread_t	 th;

	pthread_barrier_init(&qb, NULL, 2);
	pthread_create(&th, NULL, quiet_reader, NULL);
	pthread_barrier_wait(&qb);
	diag_err("loud.yaml", 2, 3, "printed");
	pthread_barrier_wait(&qb);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&qb);
}

static void
quiet_pool(void)
{
	diag_set_quiet(1);
	par_for(8, 4, par_err, NULL);
	diag_set_quiet(0);
}

static void
loud_pool(void)
{
	par_for(2, 2, par_err, NULL);
}

static void
quiet_threads(void)
{
	char	*got;
	size_t	 n;

	n = diag_errors();
	got = stderr_of(two_threads);
	EQS(got, "loud.yaml:2:3: error: printed\n",
	    "quiet: another thread's quiet does not silence this one");
	OK(diag_errors() == n + 2, "quiet: both errors counted");
	free(got);

	n = diag_errors();
	got = stderr_of(quiet_pool);
	EQS(got, "", "quiet: par_for workers are as quiet as the caller");
	OK(diag_errors() == n + 8, "quiet: and their errors counted");
	free(got);
	got = stderr_of(loud_pool);
	OK(got != NULL && strstr(got, "par.yaml:1:1: error: from a worker\n") &&
	    strstr(got, "par.yaml:2:1: error: from a worker\n"),
	    "quiet: a loud caller's workers print");
	free(got);
	OK(!diag_quiet(), "quiet: this thread loud again");
}

/* clock_read with SOURCE_DATE_EPOCH sde (NULL: unset), pin or not. */
static void
read_with(struct clock *c, const char *sde, int pin)
{
	if (sde != NULL)
		setenv("SOURCE_DATE_EPOCH", sde, 1);
	else
		unsetenv("SOURCE_DATE_EPOCH");
	if (pin)
		setenv("KBGEN_PIN_CLOCK", "1", 1);
	else
		unsetenv("KBGEN_PIN_CLOCK");
	clock_read(c);
}

static void
clocks(void)
{
	struct clock	 c;
	time_t		 t0 = time(NULL);

	read_with(&c, NULL, 0);
	OK(c.stamp == -1, "clock: no SOURCE_DATE_EPOCH, no stamp");
	OK(c.real >= t0 && c.real <= t0 + 5, "clock: real is the clock");
	OK(c.build == c.real && c.record == c.real,
	    "clock: no SOURCE_DATE_EPOCH: build and record are real");
	read_with(&c, "1700000000", 0);
	OK(c.stamp == 1700000000 && c.build == 1700000000,
	    "clock: SOURCE_DATE_EPOCH is the build's time and stamp");
	OK(c.real >= t0 && c.record == c.real,
	    "clock: SOURCE_DATE_EPOCH forges no record");
	read_with(&c, "1700000000", 1);
	OK(c.record == 1700000000 && c.real >= t0,
	    "clock: KBGEN_PIN_CLOCK dates records by it, real stays");
	read_with(&c, NULL, 1);
	OK(c.record == c.real && c.stamp == -1,
	    "clock: KBGEN_PIN_CLOCK alone pins nothing");
	read_with(&c, "", 0);
	OK(c.stamp == -1 && c.build == c.real, "clock: empty is unset");
	read_with(&c, "-5", 0);
	OK(c.stamp == -1, "clock: negative is unset");
	read_with(&c, "17e8", 1);
	OK(c.stamp == -1 && c.record == c.real, "clock: junk is unset");
	read_with(&c, "99999999999999999999999", 0);
	OK(c.stamp == -1, "clock: out of range is unset");
	read_with(&c, "0", 0);
	OK(c.stamp == 0 && c.build == 0, "clock: 0 is 1970-01-01");
	unsetenv("SOURCE_DATE_EPOCH");
	unsetenv("KBGEN_PIN_CLOCK");
}

int
main(void)
{
	char	 tmpl[] = "/tmp/kbgen-t_util-XXXXXX";
	char	*top, *tree, *p, *outside, *name;
	int	 i;

	if ((top = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	tree = path_join(top, "site.old");
	outside = path_join(top, "outside");

	/* A site's shape: folders of folders, files, links in and out. */
	p = path_join(tree, "usecases/a/deep/er");
	OK(mkdirs(p), "mkdirs");
	free(p);
	OK(mkdirs(outside), "mkdirs outside");
	touch(outside, "keep.txt");
	touch(tree, "index.html");
	p = path_join(tree, "usecases/a");
	touch(p, "index.html");
	free(p);
	p = path_join(tree, "usecases");
	for (i = 0; i < 300; i++) {
		name = xasprintf("many-%03d", i);
		touch(p, name);
		free(name);
	}
	free(p);
	p = path_join(tree, "usecases/a/deep/out");
	OK(symlink(outside, p) == 0, "symlink to a folder outside");
	free(p);
	p = path_join(tree, "usecases/a/deep/er/file");
	OK(symlink("../../../../index.html", p) == 0, "symlink to a file");
	free(p);
	p = path_join(tree, "usecases/a/deep/er/dangling");
	OK(symlink("nowhere", p) == 0, "dangling symlink");
	free(p);
	p = path_join(tree, "usecases/a/twin.html");
	name = path_join(tree, "index.html");
	OK(link(name, p) == 0, "hard link");
	free(name);
	free(p);

	OK(rmtree(tree), "rmtree removes the tree");
	OK(!exists(tree), "the tree is gone");
	OK(exists(outside), "a linked folder outside stays");
	p = path_join(outside, "keep.txt");
	OK(exists(p), "and its files stay");
	free(p);

	OK(rmtree(tree), "a missing path is not an error");
	p = path_join(top, "single");
	touch(top, "single");
	OK(rmtree(p) && !exists(p), "a single file");
	free(p);
	p = path_join(top, "empty");
	OK(mkdirs(p) && rmtree(p) && !exists(p), "an empty folder");
	free(p);

	OK(rmtree(outside), "cleanup");
	OK(rmdir(top) == 0, "nothing else was left");
	free(tree);
	free(outside);
	sizes();
	bidi();
	quiet_threads();
	clocks();
	DONE();
}
