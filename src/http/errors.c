/* SPDX-License-Identifier: MIT */
/* errors.c -- LC_E* -> HTTP status + {"error","message"} body */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "http/errors.h"
#include "util/error.h"
#include "util/log.h"

void http_error(http_resp_t *r, unsigned status, const char *code, const char *message)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	r->status = status;
	json_t *j = json_pack("{s:s, s:s}", "error", code, "message", message);
	if (j == NULL) {
		return;
	}
	r->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (r->body != NULL) {
		r->body_len = strlen(r->body);
	}
}

void http_error_lc(http_resp_t *r, int code, const char *what)
{
	switch (code) {
	case LC_EINVAL:
		http_error(r, 400, "bad_request", "the request is not valid");
		return;
	case LC_EMALF:
		http_error(r, 400, "malformed_json_payload", "the body is not a valid JSON object");
		return;
	case LC_EAUTH:
	case LC_EACCES:
		http_error(r, 401, "forbidden", "the credentials do not allow this");
		return;
	case LC_ENOENT:
		http_error(r, 404, "not_found", "no such thing here");
		return;
	case LC_EEXIST:
		http_error(r, 409, "exists", "that name is taken");
		return;
	case LC_ELIMIT:
		http_error(r, 413, "limit_reached", "a limit was reached");
		return;
	case LC_ETHROTTLE:
		http_error(r, 429, "rate_limited", "too many requests; try again later");
		return;
	case LC_EBUSY:
		r->retry_after_s = 1;
		http_error(r, 503, "server_busy", "the service is busy; try again in a second");
		return;
	case LC_EDB:
	case LC_ENOMEM:
		log_err("http: %s failed: %s", what, lc_strerror(code));
		http_error(r, 503, "server_error", "the service is unavailable; try again later");
		return;
	default:
		log_err("http: %s failed: %s", what, lc_strerror(code));
		http_error(r, 500, "server_error", "something went wrong on our side");
		return;
	}
}
