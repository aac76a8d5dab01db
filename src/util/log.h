/* SPDX-License-Identifier: MIT */
/* log.h -- one line per event on stderr, levelled, with a rate-limited variant */
#ifndef LC_UTIL_LOG_H
#define LC_UTIL_LOG_H

enum { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/** Set the most verbose level that is printed (default LOG_INFO). Not thread-safe: call at startup. */
void log_set_level(int level);

#define LOG_LINE_MAX 1024 /* bytes of one message, after escaping (longer ones are cut, "...") */

/**
 * Write one line "<UTC timestamp> <level> <message>" to stderr.
 * Control characters and bytes outside printable ASCII in the formatted
 * message are written as \xNN, so a client-supplied string (a request path,
 * a user name) passed through %s can neither start a forged line (CR, LF) nor
 * send terminal escapes (ESC); a message is cut at LOG_LINE_MAX bytes.
 * Never pass secrets (API key secrets, session ids) to this function.
 * Thread-safe (a single write(2) per line).
 */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * Like log_msg(), but prints at most a few lines per second process-wide;
 * for events an attacker can trigger (bad packets, failed logins).
 */
void log_ratelimited(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
