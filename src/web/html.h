/* SPDX-License-Identifier: MIT */
/* html.h -- HTML writer that escapes by default (STYLE 3.12) */
#ifndef LC_WEB_HTML_H
#define LC_WEB_HTML_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable buffer with a hard maximum and a sticky error: after the first
 * failure (too long, out of memory) every write does nothing and err says
 * why, so a page is checked once at the end.
 *
 * Text from anywhere (users, the store, the config) goes in only through
 * html_text()/html_textf(), which escape & < > " and ' -- safe between tags
 * and inside quoted attribute values. Markup goes in through html_raw(), a
 * macro that compiles only with a string literal, or as a whole fragment
 * built by this writer (html_append). A template (web/tmpl.c) is markup
 * from our own source tree.
 */
typedef struct html {
	char *buf;   /**< NUL-terminated when not NULL */
	size_t len;
	size_t cap;
	size_t max;  /**< the ceiling (STYLE 2.4 rule 5) */
	int err;     /**< LC_EOK, LC_ELIMIT (over max) or LC_ENOMEM */
} html_t;

/** Start an empty buffer that may grow to max bytes. */
void html_init(html_t *h, size_t max);

/** Free the buffer. Accepts NULL and a buffer already taken. */
void html_cleanup(html_t *h);

/** Append markup. Use html_raw(), which only takes a literal; templates use this directly. */
void html_raw_n(html_t *h, const char *markup, size_t len);

/** Append a string literal as markup (does not compile with a variable). */
#define html_raw(h, lit) html_raw_n((h), "" lit, sizeof(lit) - 1)

/** Append text, escaped. NULL writes nothing. */
void html_text(html_t *h, const char *text);

/** Append len bytes of text, escaped. */
void html_text_n(html_t *h, const char *text, size_t len);

/** Format like printf, then append the result escaped (at most 4 KiB). */
void html_textf(html_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Append a fragment built with this writer (already safe). Its error carries over. */
void html_append(html_t *h, const html_t *frag);

/**
 * Take the buffer (for an http_resp_t body): the caller owns it (free()).
 * The html_t is left empty. @return NULL if err is set (nothing to take).
 */
char *html_take(html_t *h, size_t *out_len);

#endif
