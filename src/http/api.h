/* SPDX-License-Identifier: MIT */
/* api.h -- server-wide API state and the request handlers (acme-dns calls, /api/v1 calls) */
#ifndef LC_HTTP_API_H
#define LC_HTTP_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "conf/conf.h"
#include "http/request.h"
#include "http/throttle.h"
#include "util/cidr.h"

/** State shared by all requests; built at start, read-only afterwards (throttles lock inside). */
typedef struct http_api {
	const conf_t *conf;        /**< borrowed */
	throttle_t *auth_fail;     /**< failed key checks per client */
	throttle_t *reg_instant;   /**< /api/v1/register per client */
	throttle_t *reg_delegate;  /**< acme-dns register per client */
	cidr_t *trusted;           /**< conf->trusted_proxies, parsed */
	size_t trusted_cnt;
	struct sockaddr_storage dns_probe; /**< where /api/v1/health sends its SOA query */
	socklen_t dns_probe_len;           /**< 0 = no DNS listener configured */
} http_api_t;

/**
 * Build the shared state from the configuration.
 * @param err one-line message on failure (e.g. a bad trusted_proxies entry).
 * @return LC_EOK; LC_EINVAL; LC_ENOMEM.
 */
int http_api_init(http_api_t *api, const conf_t *c, char *err, size_t err_len);

/** Free what http_api_init() built. Accepts a zeroed or half-built struct. */
void http_api_cleanup(http_api_t *api);

/** Seconds on a monotonic clock, for the throttles. */
double http_api_now(void);

/**
 * If the client is over a limit, answer 429 rate_limited with Retry-After and
 * return true. take = charge one event (registrations); otherwise only look
 * (failed key checks, charged by api_auth_failed()).
 */
bool api_throttled(const http_req_t *req, throttle_t *t, bool take, http_resp_t *resp);

/**
 * Read an optional "allowfrom" array (key matched case-insensitively) of CIDR strings.
 * On failure answers 400 invalid_allowfrom_cidr and returns false.
 * @param out capacity OPS_ALLOWFROM_MAX.
 */
bool api_allowfrom(const json_t *obj, cidr_t *out, size_t *out_cnt, http_resp_t *resp);

/**
 * Answer a failed key check: count it against the client (throttle), log one
 * rate-limited line, and answer 401 forbidden (or the server error for LC_EDB etc.).
 * @param what the call ("update", "check"); @param user the presented key id, or NULL.
 */
void api_auth_failed(const http_req_t *req, int code, const char *what, const char *user,
		     http_resp_t *resp);

/** The request handlers. Each fills resp; none fails. */
typedef void (*http_handler_t)(const http_req_t *req, http_resp_t *resp);

/** acme-dns POST register: a delegate subdomain and its first key (201 credentials). */
void api_acmedns_register(const http_req_t *req, http_resp_t *resp);
/** acme-dns POST update: set a challenge value with a key (200 {"txt"}); see docs/api.md. */
void api_acmedns_update(const http_req_t *req, http_resp_t *resp);
/** acme-dns GET health: 200 with an empty body. */
void api_acmedns_health(const http_req_t *req, http_resp_t *resp);
/** POST /api/v1/register: an instant subdomain and its first key; output_format=lego. */
void api_v1_register(const http_req_t *req, http_resp_t *resp);
/** GET /api/v1/check: 200 {"status":"ok","domain"} when the key works from this client. */
void api_v1_check(const http_req_t *req, http_resp_t *resp);
/** GET /api/v1/health: store read + SOA probe of our DNS listener; 200 or 503. */
void api_v1_health(const http_req_t *req, http_resp_t *resp);

#endif
