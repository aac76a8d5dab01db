/* SPDX-License-Identifier: MIT */
/* api_acmedns.c -- the acme-dns compatible calls: register, update, health */
#include <jansson.h>
#include <string.h>

#include "ctl/ops.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/jsonio.h"
#include "util/error.h"
#include "util/log.h"
#include "util/validate.h"

/*
 * POST register: a delegate subdomain (its challenge values live at its apex,
 * the target of someone's "_acme-challenge CNAME") and its first key.
 * lego sends an empty body; {"allowfrom": [...]} restricts the key.
 */
void api_acmedns_register(const http_req_t *req, http_resp_t *resp)
{
	json_t *body = NULL;
	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	ops_creds_t creds;
	memset(&creds, 0, sizeof(creds));

	int ret = jsonio_parse_object(req->body, req->body_len, &body);
	if (ret != LC_EOK) {
		http_error_lc(resp, ret, "register");
		return;
	}
	if (!api_allowfrom(body, allow, &allow_cnt, resp)) {
		goto out;
	}
	if (api_throttled(req, req->api->reg_delegate, true, resp)) {
		goto out;
	}
	ret = ops_register(SUB_DELEGATE, NULL, NULL, allow, allow_cnt, &creds);
	if (ret != LC_EOK) {
		http_error_lc(resp, ret, "register");
		goto out;
	}
	log_info("api: registered delegate %s key %s for %s", creds.fulldomain, creds.username,
		 req->client_text);
	jsonio_respond(resp, 201, jsonio_creds(&creds));
out:
	ops_creds_wipe(&creds);
	json_decref(body);
}

/* Is s a subdomain as clients send it: a label, or a full name (trailing dot allowed)? */
static bool subdomain_syntax_ok(const char *s)
{
	char name[VALIDATE_NAME_MAX + 1];
	return validate_canonical_name(s, name, sizeof(name)) && validate_name(name);
}

/*
 * POST update: set a challenge value. Order of checks: throttled client (429),
 * body syntax (400), then the key (401), so that nothing about keys or
 * subdomains is revealed to a client that cannot use them.
 */
void api_acmedns_update(const http_req_t *req, http_resp_t *resp)
{
	json_t *body = NULL;
	auth_creds_t creds;
	memset(&creds, 0, sizeof(creds));

	if (api_throttled(req, req->api->auth_fail, false, resp)) {
		return;
	}
	int ret = jsonio_parse_object(req->body, req->body_len, &body);
	if (ret != LC_EOK) {
		http_error_lc(resp, ret, "update");
		return;
	}
	const char *sub = jsonio_get_string(body, "subdomain");
	const char *txt = jsonio_get_string(body, "txt");
	if (sub == NULL || !subdomain_syntax_ok(sub)) {
		http_error(resp, 400, "bad_subdomain", "subdomain must be your subdomain's label");
		goto out;
	}
	if (!validate_txt(txt)) {
		http_error(resp, 400, "bad_txt",
			   "txt must be 43 characters of unpadded base64url (a SHA-256 digest)");
		goto out;
	}
	ret = auth_from_request(req, &creds);
	if (ret == LC_EOK) {
		ops_auth_t a = { .key_id = creds.user, .secret = creds.key, .addr = &req->client };
		sub_rec_t s;
		ret = ops_update(&a, sub, txt, &s);
		if (ret == LC_EOK) {
			log_info("api: update %s.%s (serial %u) key %s from %s", s.label, s.parent,
				 s.serial, creds.user, req->client_text);
			jsonio_respond(resp, 200, json_pack("{s:s}", "txt", txt));
			goto out;
		}
	}
	api_auth_failed(req, ret, "update", creds.user[0] ? creds.user : NULL, resp);
out:
	auth_creds_wipe(&creds);
	json_decref(body);
}

/* GET health: 200 with an empty body, as acme-dns answers. */
void api_acmedns_health(const http_req_t *req, http_resp_t *resp)
{
	(void)req;
	resp->status = 200;
}
