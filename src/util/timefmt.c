/* SPDX-License-Identifier: MIT */
/* timefmt.c -- a stored unix time as text for people */
#include <stdio.h>
#include <time.h>

#include "util/timefmt.h"

void timefmt_utc(int64_t t, timefmt_style_t style, char *out, size_t out_size)
{
	if (t == 0) {
		snprintf(out, out_size, "never");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	if (t < 0 || t > TIMEFMT_MAX || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, out_size, style == TIMEFMT_ISO ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M UTC",
		     &tm) == 0) {
		snprintf(out, out_size, "unknown");
	}
}
