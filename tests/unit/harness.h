/*
 * A tiny counting test harness (after cmark-gfm's api_test/harness.h).
 * Each unit-test program calls OK() and EQS() and ends with DONE(),
 * which prints "N passed, N failed" and sets the exit status.
 */
#ifndef KBGEN_HARNESS_H
#define KBGEN_HARNESS_H

#include <stdio.h>
#include <string.h>

static int	 t_pass, t_fail;

#define OK(cond, name) do {						\
	if (cond) {							\
		t_pass++;						\
		printf("ok   %s\n", (name));				\
	} else {							\
		t_fail++;						\
		printf("FAIL %s (%s:%d)\n", (name), __FILE__, __LINE__);\
	}								\
} while (0)

#define EQS(got, want, name) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0) {		\
		t_pass++;						\
		printf("ok   %s\n", (name));				\
	} else {							\
		t_fail++;						\
		printf("FAIL %s (%s:%d)\n  want: %s\n  got:  %s\n",	\
		    (name), __FILE__, __LINE__,				\
		    w_ ? w_ : "(null)", g_ ? g_ : "(null)");		\
	}								\
} while (0)

#define DONE() do {							\
	printf("%d passed, %d failed\n", t_pass, t_fail);		\
	return t_fail == 0 ? 0 : 1;					\
} while (0)

#endif
