/* SPDX-License-Identifier: MIT */
/* router.c -- path normalisation and the route table */
#include <string.h>

#include "http/api.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/router.h"
#include "util/error.h"
#include "util/log.h"

typedef struct route {
	const char *path;
	const char *method; /* GET routes also answer HEAD */
	http_handler_t handler;
	const char *allow;  /* value of the Allow header for a 405 */
} route_t;

/* acme-dns calls, served below both "" and ACMEDNS_PREFIX. */
static const route_t acmedns_routes[] = {
	{ "/register", "POST", api_acmedns_register, "POST" },
	{ "/update", "POST", api_acmedns_update, "POST" },
	{ "/health", "GET", api_acmedns_health, "GET, HEAD" },
};

static const route_t v1_routes[] = {
	{ "/api/v1/register", "POST", api_v1_register, "POST" },
	{ "/api/v1/check", "GET", api_v1_check, "GET, HEAD" },
	{ "/api/v1/health", "GET", api_v1_health, "GET, HEAD" },
};

#define ACMEDNS_PREFIX "/api/v1/acme-dns-compat"

int router_normalise(const char *path, char *out, size_t out_size)
{
	size_t o = 0;
	if (out_size < 2) {
		return LC_ESPACE;
	}
	if (path[0] != '/') {
		out[o++] = '/';
	}
	for (const char *p = path; *p; p++) {
		if (*p == '/' && o > 0 && out[o - 1] == '/') {
			continue;
		}
		if (o + 1 >= out_size) {
			return LC_ESPACE;
		}
		out[o++] = *p;
	}
	if (o > 1 && out[o - 1] == '/') {
		o--;
	}
	out[o] = '\0';
	return LC_EOK;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9') {
		return ch - '0';
	}
	if (ch >= 'a' && ch <= 'f') {
		return ch - 'a' + 10;
	}
	if (ch >= 'A' && ch <= 'F') {
		return ch - 'A' + 10;
	}
	return -1;
}

size_t router_unescape(char *s)
{
	size_t o = 0;
	for (size_t i = 0; s[i] != '\0'; i++) {
		int hi = s[i] == '%' ? hex_digit(s[i + 1]) : -1;
		int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
		if (lo < 0) {
			s[o++] = s[i]; /* not an escape: kept as it is, as libmicrohttpd does */
			continue;
		}
		unsigned char ch = (unsigned char)(hi * 16 + lo);
		s[o++] = (char)(ch == 0 ? 0x7f : ch);
		i += 2;
	}
	s[o] = '\0';
	return o;
}

/* A control character in a decoded path: nothing we serve has one, and each is a trick. */
static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			return true;
		}
	}
	return false;
}

static const route_t *find(const route_t *table, size_t cnt, const char *path)
{
	for (size_t i = 0; i < cnt; i++) {
		if (strcmp(table[i].path, path) == 0) {
			return &table[i];
		}
	}
	return NULL;
}

static router_hook_t console_hook;

void router_set_console(router_hook_t hook)
{
	console_hook = hook;
}

void router_dispatch(const http_req_t *req, http_resp_t *resp)
{
	const char *path = req->path;
	size_t plen = strlen(ACMEDNS_PREFIX);
	const route_t *rt = NULL;
	const char *api_host = req->api != NULL ? req->api->conf->api_host : NULL;
	bool health = strcmp(path, "/health") == 0 || strcmp(path, "/api/v1/health") == 0;
	if (api_host != NULL && !health && !http_req_host_is(req, api_host)) {
		/* The API has its own host name: elsewhere only the console (and the
		 * health checks, which monitors call by address) answer. */
	} else if (strncmp(path, ACMEDNS_PREFIX, plen) == 0 && path[plen] == '/') {
		rt = find(acmedns_routes, sizeof(acmedns_routes) / sizeof(acmedns_routes[0]),
			  path + plen);
	} else {
		rt = find(acmedns_routes, sizeof(acmedns_routes) / sizeof(acmedns_routes[0]), path);
		if (rt == NULL) {
			rt = find(v1_routes, sizeof(v1_routes) / sizeof(v1_routes[0]), path);
		}
	}
	if (rt == NULL && console_hook != NULL && console_hook(req, resp)) {
		return;
	}
	if (rt == NULL) {
		http_error(resp, 404, "not_found", "there is nothing at this path");
		return;
	}
	bool head_ok = strcmp(rt->method, "GET") == 0 && strcmp(req->method, "HEAD") == 0;
	if (strcmp(rt->method, req->method) != 0 && !head_ok) {
		http_error(resp, 405, "method_not_allowed", "this path does not take that method");
		resp->allow = rt->allow;
		return;
	}
	rt->handler(req, resp);
}

void router_serve(http_req_t *req, const cidr_t *peer, const char *url, http_resp_t *resp)
{
	char path[ROUTER_PATH_MAX];
	const http_api_t *api = req->api;
	/* The last X-Forwarded-For header is the one our trusted proxy appended. */
	const char *xff = http_req_header_last(req, "X-Forwarded-For");
	auth_client_addr(peer, xff, api->trusted, api->trusted_cnt, &req->client);
	req->tls = auth_forwarded_tls(peer, http_req_header_last(req, "X-Forwarded-Proto"),
				      api->trusted, api->trusted_cnt);
	cidr_format(&req->client, true, req->client_text, sizeof(req->client_text));
	if (has_control(url)) {
		/* Logged (escaped by util/log.c) because it is a probe, not a typo. */
		log_ratelimited(LOG_INFO, "http: %s %s from %s: control character in the path",
				req->method, url, req->client_text);
		http_error(resp, 400, "bad_path", "the path holds a control character");
		return;
	}
	if (router_normalise(url, path, sizeof(path)) != LC_EOK) {
		http_error(resp, 404, "not_found", "there is nothing at this path");
		return;
	}
	req->path = path;
	router_dispatch(req, resp);
	req->path = NULL;
}
