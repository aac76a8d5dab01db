/* SPDX-License-Identifier: MIT */
/* api.c -- shared API state (throttles, trusted proxies, probe address) and handler helpers */
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ops.h"
#include "http/api.h"
#include "http/errors.h"
#include "http/jsonio.h"
#include "util/error.h"
#include "util/hostport.h"
#include "util/log.h"
#include "util/validate.h"

#define THROTTLE_SLOTS 65536 /* clients tracked per limiter (about 5 MB in all) */

double http_api_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Where to send the health probe: the first DNS listener, with a wildcard address
 * replaced by loopback of the same family. */
static void probe_address(http_api_t *api, const conf_t *c)
{
	api->dns_probe_len = 0;
	if (c->dns_listen == NULL ||
	    hostport_parse(c->dns_listen, &api->dns_probe, &api->dns_probe_len) != LC_EOK) {
		api->dns_probe_len = 0;
		return;
	}
	if (api->dns_probe.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&api->dns_probe;
		if (in->sin_addr.s_addr == htonl(INADDR_ANY)) {
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		}
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&api->dns_probe;
		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)) {
			in6->sin6_addr = in6addr_loopback;
		}
	}
}

int http_api_init(http_api_t *api, const conf_t *c, char *err, size_t err_len)
{
	memset(api, 0, sizeof(*api));
	api->conf = c;
	if (c->trusted_proxy_cnt > 0) {
		api->trusted = calloc(c->trusted_proxy_cnt, sizeof(cidr_t));
		if (api->trusted == NULL) {
			return LC_ENOMEM;
		}
	}
	for (size_t i = 0; i < c->trusted_proxy_cnt; i++) {
		if (cidr_parse(c->trusted_proxies[i], &api->trusted[i]) != LC_EOK) {
			snprintf(err, err_len, "trusted_proxies: \"%s\" is not an address or CIDR",
				 c->trusted_proxies[i]);
			http_api_cleanup(api);
			return LC_EINVAL;
		}
		api->trusted_cnt++;
	}
	/* Instant: a bucket of reg_instant_burst refilled at reg_instant_per_hour, plus a
	 * weekly cap. Delegate: a daily window. Failed key checks: a window. */
	throttle_rule_t instant = {
		.burst = c->reg_instant_burst,
		.refill_per_s = c->reg_instant_per_hour / 3600.0,
		.window_max = c->reg_instant_per_week,
		.window_s = 7 * 86400,
	};
	throttle_rule_t delegate = { .window_max = c->reg_delegate_per_day, .window_s = 86400 };
	throttle_rule_t fails = { .window_max = c->auth_fail_max,
				  .window_s = c->auth_fail_window_s ? c->auth_fail_window_s : 1 };
	api->reg_instant = throttle_new(&instant, THROTTLE_SLOTS);
	api->reg_delegate = throttle_new(&delegate, THROTTLE_SLOTS);
	api->auth_fail = throttle_new(&fails, THROTTLE_SLOTS);
	if (api->reg_instant == NULL || api->reg_delegate == NULL || api->auth_fail == NULL) {
		http_api_cleanup(api);
		return LC_ENOMEM;
	}
	probe_address(api, c);
	return LC_EOK;
}

void http_api_cleanup(http_api_t *api)
{
	throttle_free(api->reg_instant);
	throttle_free(api->reg_delegate);
	throttle_free(api->auth_fail);
	free(api->trusted);
	memset(api, 0, sizeof(*api));
}

bool api_throttled(const http_req_t *req, throttle_t *t, bool take, http_resp_t *resp)
{
	unsigned retry = 0;
	double now = http_api_now();
	bool over = take ? !throttle_take(t, &req->client, now, &retry)
			 : throttle_blocked(t, &req->client, now, &retry);
	if (!over) {
		return false;
	}
	log_ratelimited(LOG_WARN, "api: %s %s from %s: rate limited for %us", req->method,
			req->path, req->client_text, retry);
	http_error(resp, 429, "rate_limited", "too many requests from your address; try again later");
	resp->retry_after_s = retry;
	return true;
}

bool api_allowfrom(const json_t *obj, cidr_t *out, size_t *out_cnt, http_resp_t *resp)
{
	*out_cnt = 0;
	json_t *arr = jsonio_get(obj, "allowfrom");
	if (arr == NULL || json_is_null(arr)) {
		return true;
	}
	if (!json_is_array(arr)) {
		http_error(resp, 400, "invalid_allowfrom_cidr", "allowfrom must be a list of CIDRs");
		return false;
	}
	if (json_array_size(arr) > OPS_ALLOWFROM_MAX) {
		http_error(resp, 400, "invalid_allowfrom_cidr", "allowfrom takes at most 16 CIDRs");
		return false;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || cidr_parse(json_string_value(v), &out[i]) != LC_EOK) {
			http_error(resp, 400, "invalid_allowfrom_cidr",
				   "an allowfrom entry is not a CIDR such as 192.0.2.0/24");
			return false;
		}
	}
	*out_cnt = json_array_size(arr);
	return true;
}

void api_auth_failed(const http_req_t *req, int code, const char *what, const char *user,
		     http_resp_t *resp)
{
	if (code != LC_EAUTH && code != LC_EACCES) {
		http_error_lc(resp, code, what);
		return;
	}
	throttle_hit(req->api->auth_fail, &req->client, http_api_now());
	/* The key id is an identifier, not a secret; anything else is not echoed. */
	log_ratelimited(LOG_WARN, "api: %s refused for key %s from %s: %s", what,
			user != NULL && validate_uuid(user) ? user : "(none or malformed)",
			req->client_text,
			code == LC_EACCES ? "address not in allowfrom" : "bad credentials");
	http_error(resp, 401, "forbidden", "the credentials are wrong or do not allow this");
}
