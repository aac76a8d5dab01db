/* SPDX-License-Identifier: MIT */
/* log.c -- stderr logging, one write(2) per line */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static int max_level = LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

/* Rate limiting: a budget of lines per wall-clock second, shared by all threads. */
#define LOG_RL_PER_S 10
static _Atomic long rl_second;
static atomic_int rl_count;

void log_set_level(int level)
{
	max_level = level;
}

static void vlog(int level, const char *fmt, va_list ap)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ldZ %s ", ts.tv_nsec / 1000000,
		      level_names[level]);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (m < 0) {
		return;
	}
	n += m;
	if (n > (int)sizeof(line) - 2) {
		n = (int)sizeof(line) - 2;
	}
	line[n++] = '\n';
	/* One write per line keeps lines from different threads whole. */
	ssize_t w = write(STDERR_FILENO, line, (size_t)n);
	(void)w;
}

void log_msg(int level, const char *fmt, ...)
{
	if (level > max_level) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void log_ratelimited(int level, const char *fmt, ...)
{
	if (level > max_level) {
		return;
	}
	long now = (long)time(NULL);
	if (atomic_exchange(&rl_second, now) != now) {
		atomic_store(&rl_count, 0);
	}
	if (atomic_fetch_add(&rl_count, 1) >= LOG_RL_PER_S) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}
