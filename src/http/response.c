/* SPDX-License-Identifier: MIT */
/* response.c -- extra response headers, and the request's Host */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "util/error.h"

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
