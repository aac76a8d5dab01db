/* SPDX-License-Identifier: MIT */
/* response.c -- extra response headers, and the request's Host */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "util/error.h"

/*
 * The policy for every response: nothing from other sites, no inline script
 * or style (the console works without JavaScript), forms post only here, and
 * no framing (clickjacking). JSON is never rendered, but a browser pointed at
 * an API URL, or at an error, gets the same protection as a console page.
 * no-store: the key page and register answers hold secrets.
 */
const http_kv_t http_security_headers[] = {
	{ "Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
				     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'" },
	{ "X-Frame-Options", "DENY" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cache-Control", "no-store" },
};
const size_t http_security_header_cnt =
	sizeof(http_security_headers) / sizeof(http_security_headers[0]);

int http_resp_header(http_resp_t *r, const char *name, const char *fmt, ...)
{
	if (r->hdr_cnt == HTTP_RESP_HDR_MAX) {
		return LC_ESPACE;
	}
	http_hdr_t *h = &r->hdr[r->hdr_cnt];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(h->value, sizeof(h->value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(h->value)) {
		return LC_ESPACE;
	}
	if (strpbrk(h->value, "\r\n") != NULL) {
		return LC_EINVAL;
	}
	h->name = name;
	r->hdr_cnt++;
	return LC_EOK;
}

bool http_req_host_is(const http_req_t *r, const char *name)
{
	const char *host = http_req_header(r, "Host");
	if (host == NULL) {
		return false;
	}
	/* "name", "name:port", "[v6]:port"; a trailing dot is the same name. */
	size_t len = strlen(host);
	const char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	if (colon != NULL) {
		len = (size_t)(colon - host) + (host[0] == '[' ? 1 : 0);
	}
	if (len > 0 && host[len - 1] == '.') {
		len--;
	}
	return strlen(name) == len && strncasecmp(host, name, len) == 0;
}
