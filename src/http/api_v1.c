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
#include "http/jsonio.h"
#include "util/error.h"
#include "util/log.h"

#define FORM_VALUE_MAX 64

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

/* Decode one application/x-www-form-urlencoded component ('+' is a space). */
static bool form_decode(const char *s, size_t len, char *out, size_t out_size)
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
		if (o + 1 >= out_size) {
			return false;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

/* Find a field in a form body; false if absent or unreadable. */
static bool form_value(const char *body, size_t len, const char *key, char *out, size_t out_size)
{
	size_t klen = strlen(key);
	size_t i = 0;
	while (i < len) {
		const char *pair = body + i;
		const char *amp = memchr(pair, '&', len - i);
		size_t plen = amp != NULL ? (size_t)(amp - pair) : len - i;
		const char *eq = memchr(pair, '=', plen);
		if (eq != NULL && (size_t)(eq - pair) == klen && memcmp(pair, key, klen) == 0) {
			return form_decode(eq + 1, plen - klen - 1, out, out_size);
		}
		i += plen + 1;
	}
	return false;
}

static bool is_form(const http_req_t *req)
{
	const char *ct = http_req_header(req, "Content-Type");
	return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

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

	if (is_form(req)) {
		if (!form_value(req->body, req->body_len, "output_format", format, sizeof(format))) {
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
