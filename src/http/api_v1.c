/* SPDX-License-Identifier: MIT */
/* api_v1.c -- the service calls: POST /api/v1/register (instant subdomain), GET /api/v1/check */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl/ops.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/form.h"
#include "http/jsonio.h"
#include "util/error.h"
#include "util/log.h"

#define FORM_VALUE_MAX 64

/*
 * POST /api/v1/register: an instant subdomain (random label) under the default
 * parent with its first key. output_format=lego (JSON field, form field or
 * query argument) wraps the credentials as lego's acme-dns storage file does:
 * {"<fqdn>": {credentials}}.
 */
void api_v1_register(const http_req_t *req, http_resp_t *resp)
{
	json_t *body = NULL;
	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	char format[FORM_VALUE_MAX] = "";
	ops_creds_t creds;
	memset(&creds, 0, sizeof(creds));

	if (form_is_form(req)) {
		if (!form_get(req->body, req->body_len, "output_format", format, sizeof(format))) {
			format[0] = '\0';
		}
	} else {
		int ret = jsonio_parse_object(req->body, req->body_len, &body);
		if (ret != LC_EOK) {
			http_error_lc(resp, ret, "register");
			return;
		}
		const char *f = jsonio_get_string(body, "output_format");
		if (f != NULL) {
			snprintf(format, sizeof(format), "%s", f);
		}
		if (!api_allowfrom(body, allow, &allow_cnt, resp)) {
			goto out;
		}
	}
	const char *q = http_req_query(req, "output_format");
	if (format[0] == '\0' && q != NULL) {
		snprintf(format, sizeof(format), "%s", q);
	}
	bool lego = strcasecmp(format, "lego") == 0;
	if (format[0] != '\0' && !lego && strcasecmp(format, "json") != 0) {
		http_error(resp, 400, "bad_output_format", "output_format must be \"lego\" or \"json\"");
		goto out;
	}
	if (api_throttled(req, req->api->reg_instant, true, resp)) {
		goto out;
	}
	int ret = ops_register(SUB_INSTANT, NULL, NULL, allow, allow_cnt, &creds);
	if (ret != LC_EOK) {
		http_error_lc(resp, ret, "register");
		goto out;
	}
	log_info("api: registered instant %s key %s for %s", creds.fulldomain, creds.username,
		 req->client_text);
	json_t *c = jsonio_creds(&creds);
	if (lego && c != NULL) {
		json_t *wrap = json_object();
		if (wrap == NULL) {
			json_decref(c);
			c = NULL;
		} else if (json_object_set_new(wrap, creds.fulldomain, c) != 0) {
			json_decref(wrap); /* set_new released c */
			c = NULL;
		} else {
			c = wrap;
		}
	}
	jsonio_respond(resp, 201, c);
out:
	ops_creds_wipe(&creds);
	json_decref(body);
}

/* GET /api/v1/check: do these credentials work (from here)? */
void api_v1_check(const http_req_t *req, http_resp_t *resp)
{
	auth_creds_t creds;
	if (api_throttled(req, req->api->auth_fail, false, resp)) {
		return;
	}
	int ret = auth_from_request(req, &creds);
	if (ret == LC_EOK) {
		ops_auth_t a = { .key_id = creds.user, .secret = creds.key, .addr = &req->client };
		sub_rec_t s;
		ret = ops_check(&a, &s);
		if (ret == LC_EOK) {
			char fqdn[STORE_NAME_MAX + 2];
			ops_fqdn(&s, fqdn, sizeof(fqdn));
			jsonio_respond(resp, 200, json_pack("{s:s, s:s}", "status", "ok", "domain", fqdn));
			auth_creds_wipe(&creds);
			return;
		}
	}
	api_auth_failed(req, ret, "check", creds.user[0] ? creds.user : NULL, resp);
	auth_creds_wipe(&creds);
}
