/* SPDX-License-Identifier: MIT */
/* form.c -- decode fields of application/x-www-form-urlencoded bodies */
#include <string.h>
#include <strings.h>

#include "http/form.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Decode one component (WHATWG URL, application/x-www-form-urlencoded parsing). */
static bool decode(const char *s, size_t len, char *out, size_t out_size)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= len) {
				return false;
			}
			int hi = hex_value(s[i + 1]);
			int lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0) {
				return false;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0' || o + 1 >= out_size) {
			return false;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

bool form_get(const char *body, size_t len, const char *key, char *out, size_t out_size)
{
	size_t klen = strlen(key);
	size_t i = 0;
	if (out_size == 0) {
		return false;
	}
	while (i < len) {
		const char *pair = body + i;
		const char *amp = memchr(pair, '&', len - i);
		size_t plen = amp != NULL ? (size_t)(amp - pair) : len - i;
		const char *eq = memchr(pair, '=', plen);
		if (eq != NULL && (size_t)(eq - pair) == klen && memcmp(pair, key, klen) == 0) {
			return decode(eq + 1, plen - klen - 1, out, out_size);
		}
		i += plen + 1;
	}
	return false;
}

bool form_is_form(const http_req_t *req)
{
	const char *ct = http_req_header(req, "Content-Type");
	return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}
