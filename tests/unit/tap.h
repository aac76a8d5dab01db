/* SPDX-License-Identifier: MIT */
/* tap.h -- a tiny Test Anything Protocol producer for unit tests (run with prove) */
#ifndef LC_TESTS_TAP_H
#define LC_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n;
static int tap_failed;

#define ok(cond, ...)                                                                              \
	do {                                                                                       \
		int ok_c_ = !!(cond);                                                              \
		tap_n++;                                                                           \
		if (!ok_c_) {                                                                      \
			tap_failed++;                                                              \
		}                                                                                  \
		printf("%s %d - ", ok_c_ ? "ok" : "not ok", tap_n);                                \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		if (!ok_c_) {                                                                      \
			printf("#   failed at %s:%d\n", __FILE__, __LINE__);                           \
		}                                                                                  \
	} while (0)

#define is_int(got, want, ...)                                                                     \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		ok(g_ == w_, __VA_ARGS__);                                                         \
		if (g_ != w_) {                                                                    \
			printf("#   got %lld, want %lld\n", g_, w_);                                   \
		}                                                                                  \
	} while (0)

#define is_str(got, want, ...)                                                                     \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		int e_ = g_ && w_ && strcmp(g_, w_) == 0;                                          \
		ok(e_, __VA_ARGS__);                                                               \
		if (!e_) {                                                                         \
			printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
		}                                                                                  \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
