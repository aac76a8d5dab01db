/* SPDX-License-Identifier: MIT */
/* timefmt.h -- a stored unix time as text for people (console, localcertctl) */
#ifndef LC_UTIL_TIMEFMT_H
#define LC_UTIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* 9999-12-31T23:59:59Z: the last time the store holds. A plain literal, so that
 * SQL text can name it too (TIMEFMT_STR(TIMEFMT_MAX)). */
#define TIMEFMT_MAX 253402300799
#define TIMEFMT_STR_(x) #x
#define TIMEFMT_STR(x) TIMEFMT_STR_(x)

/* How timefmt_utc() writes a time. */
typedef enum {
	TIMEFMT_MINUTE, /* "2026-12-04 08:09 UTC" (the console) */
	TIMEFMT_ISO,	/* "2026-12-04T08:09:49Z" (localcertctl) */
} timefmt_style_t;

/**
 * Format unix time t in UTC into out: "never" for 0 (a time not yet set),
 * "unknown" for a time before 1970 or after TIMEFMT_MAX (only a hand-edited
 * store holds one) or one that does not fit out. Thread-safe.
 */
void timefmt_utc(int64_t t, timefmt_style_t style, char *out, size_t out_size);

#endif
