/* SPDX-License-Identifier: MIT */
/* html.c -- HTML writer: escaped text by default, markup only from literals and fragments */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "web/html.h"

void html_init(html_t *h, size_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max;
}

void html_cleanup(html_t *h)
{
	if (h != NULL) {
		free(h->buf);
		h->buf = NULL;
		h->len = h->cap = 0;
	}
}

/* Make room for n more bytes and the NUL; sets the sticky error on failure. */
static bool reserve(html_t *h, size_t n)
{
	if (h->err != LC_EOK) {
		return false;
	}
	if (h->len + n + 1 > h->max) {
		h->err = LC_ELIMIT;
		return false;
	}
	if (h->len + n + 1 <= h->cap) {
		return true;
	}
	size_t cap = h->cap ? h->cap : 1024;
	while (cap < h->len + n + 1) {
		cap *= 2;
	}
	if (cap > h->max) {
		cap = h->max;
	}
	char *b = realloc(h->buf, cap);
	if (b == NULL) {
		h->err = LC_ENOMEM;
		return false;
	}
	h->buf = b;
	h->cap = cap;
	return true;
}

void html_raw_n(html_t *h, const char *markup, size_t len)
{
	if (!reserve(h, len)) {
		return;
	}
	memcpy(h->buf + h->len, markup, len);
	h->len += len;
	h->buf[h->len] = '\0';
}

void html_text_n(html_t *h, const char *text, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		const char *rep;
		switch (text[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		html_raw_n(h, text + start, i - start);
		html_raw_n(h, rep, strlen(rep));
		start = i + 1;
	}
	html_raw_n(h, text + start, len - start);
}

void html_text(html_t *h, const char *text)
{
	if (text != NULL) {
		html_text_n(h, text, strlen(text));
	}
}

void html_textf(html_t *h, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	html_text_n(h, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void html_append(html_t *h, const html_t *frag)
{
	if (frag->err != LC_EOK) {
		if (h->err == LC_EOK) {
			h->err = frag->err;
		}
		return;
	}
	if (frag->len > 0) {
		html_raw_n(h, frag->buf, frag->len);
	}
}

char *html_take(html_t *h, size_t *out_len)
{
	if (h->err != LC_EOK) {
		return NULL;
	}
	if (h->buf == NULL && !reserve(h, 0)) {
		return NULL;
	}
	if (h->len == 0) {
		h->buf[0] = '\0';
	}
	char *b = h->buf;
	*out_len = h->len;
	h->buf = NULL;
	h->len = h->cap = 0;
	return b;
}
