/* SPDX-License-Identifier: MIT */
/* test_util_log.c -- log lines: one line per call whatever the message holds (log injection) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "util/log.h"

static char captured[8192];

/* Run one log call with stderr sent to a temporary file; the output is left in captured. */
#define CAPTURE(call)                                                                              \
	do {                                                                                       \
		FILE *f_ = tmpfile();                                                              \
		int saved_ = dup(STDERR_FILENO);                                                   \
		fflush(stderr);                                                                    \
		dup2(fileno(f_), STDERR_FILENO);                                                   \
		call;                                                                              \
		dup2(saved_, STDERR_FILENO);                                                       \
		close(saved_);                                                                     \
		rewind(f_);                                                                        \
		size_t n_ = fread(captured, 1, sizeof(captured) - 1, f_);                          \
		captured[n_] = '\0';                                                               \
		fclose(f_);                                                                        \
	} while (0)

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		n += *s == '\n';
	}
	return n;
}

/* The message part of the one captured line ("<time> <level> <message>\n"). */
static const char *message(void)
{
	static char m[8192];
	const char *p = strchr(captured, ' ');
	p = p != NULL ? strchr(p + 1, ' ') : NULL;
	snprintf(m, sizeof(m), "%s", p != NULL ? p + 1 : "");
	m[strcspn(m, "\n")] = '\0';
	return m;
}

int main(void)
{
	/* The QA report: a path with %0a forged a second log line, %1b an ANSI escape. */
	const char *forged = "/subdomains/x\n2026-01-01T00:00:00.000Z info FORGED/txt";
	CAPTURE(log_warn("web: POST %s from %s: missing or wrong CSRF token", forged, "192.0.2.1"));
	is_int(lines(captured), 1, "bug_log_injection: a path with LF gives one log line");
	is_str(message(),
	       "web: POST /subdomains/x\\x0a2026-01-01T00:00:00.000Z info FORGED/txt from 192.0.2.1: "
	       "missing or wrong CSRF token",
	       "LF written as \\x0a");
	CAPTURE(log_ratelimited(LOG_WARN, "api: %s", "/\x1b[31mred\r\x7f"));
	is_int(lines(captured), 1, "rate-limited variant: one line");
	is_str(message(), "api: /\\x1b[31mred\\x0d\\x7f", "ESC, CR and DEL escaped");
	CAPTURE(log_info("user %s", "j\xc3\xb6rg"));
	is_str(message(), "user j\\xc3\\xb6rg", "bytes outside ASCII escaped");
	CAPTURE(log_info("plain text: a-z 0-9 \\ \"quotes\" ~"));
	is_str(message(), "plain text: a-z 0-9 \\ \"quotes\" ~", "printable ASCII unchanged");

	/* A long client string is cut, never split inside an escape, and the line still ends. */
	char *big = malloc(5000);
	memset(big, '\n', 4999);
	big[4999] = '\0';
	CAPTURE(log_info("path %s", big));
	is_int(lines(captured), 1, "a long message of LFs is one line");
	const char *m = message();
	ok(strlen(m) <= LOG_LINE_MAX, "cut to LOG_LINE_MAX (%zu bytes)", strlen(m));
	ok(strlen(m) > 3 && strcmp(m + strlen(m) - 3, "...") == 0, "the cut is marked");
	ok(strncmp(m + strlen(m) - 7, "\\x0a...", 7) == 0, "no half escape before the mark");
	free(big);

	log_set_level(LOG_WARN);
	CAPTURE(log_info("not shown"));
	is_str(captured, "", "below the level: nothing written");
	return tap_done();
}
