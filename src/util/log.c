/* SPDX-License-Identifier: MIT */
/* log.c -- stderr logging, one write(2) per line */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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

/*
 * Copy a formatted message into out, escaping what could forge or garble a
 * log line: control characters (CR and LF would start a new "line" that looks
 * like ours; ESC would send terminal escapes) and bytes outside printable
 * ASCII become \xNN. Messages carry client-supplied strings (request paths,
 * user names, header values), so this is done here, for every line, rather
 * than at each call site. Returns the bytes written; out is cut at out_size,
 * never in the middle of an escape, and the cut is marked with "...".
 */
static size_t escape_into(char *out, size_t out_size, const char *msg)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)msg; *p != '\0'; p++) {
		bool plain = *p >= 0x20 && *p < 0x7f;
		size_t need = plain ? 1 : 4;
		if (o + need + 3 > out_size) {
			memcpy(out + o, "...", 3);
			return o + 3;
		}
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	return o;
}

static void __attribute__((format(printf, 2, 0))) vlog(int level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX + 64];
	char msg[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0) {
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ %s ", ts.tv_nsec / 1000000,
			      level_names[level]);
	n += escape_into(line + n, LOG_LINE_MAX - 1, msg);
	line[n++] = '\n';
	/* One write per line keeps lines from different threads whole. */
	ssize_t w = write(STDERR_FILENO, line, n);
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
