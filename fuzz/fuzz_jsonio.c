/* SPDX-License-Identifier: MIT */
/* fuzz_jsonio.c -- libFuzzer driver: API request bodies through the JSON helpers
 * (jsonio_parse_object, case-insensitive getters, api_allowfrom, jsonio_creds, jsonio_respond) */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ops.h"
#include "http/api.h"
#include "http/errors.h"
#include "http/jsonio.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An answer body is one line of JSON whose length is body_len. */
static void check_body(const http_resp_t *r)
{
	if (r->body == NULL || strlen(r->body) != r->body_len) {
		abort();
	}
	json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
	if (j == NULL) {
		abort();
	}
	json_decref(j);
}

static void resp_free(http_resp_t *r)
{
	if (r->body != NULL) {
		OPENSSL_cleanse(r->body, r->body_len);
	}
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* Field values as text for a credentials struct, cut to fit as the real sources are. */
static void copy_field(char *out, size_t out_size, const char *v)
{
	snprintf(out, out_size, "%s", v != NULL ? v : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Bodies reach the handlers NUL-terminated, possibly with NULs inside. */
	char *body = malloc(size + 1);
	if (body == NULL) {
		return 0;
	}
	memcpy(body, data, size);
	body[size] = '\0';

	json_t *obj = NULL;
	http_resp_t resp;
	memset(&resp, 0, sizeof(resp));
	if (jsonio_parse_object(body, size, &obj) != LC_EOK) {
		free(body);
		return 0;
	}
	if (!json_is_object(obj)) {
		abort();
	}
	const char *sub = jsonio_get_string(obj, "subdomain");
	const char *txt = jsonio_get_string(obj, "txt");
	const char *fmt = jsonio_get_string(obj, "output_format");
	/* A case-insensitive match returns a member whose key equals the asked one ignoring case. */
	json_t *v = jsonio_get(obj, "SubDomain");
	if (v != NULL && jsonio_get(obj, "subdomain") == NULL) {
		abort();
	}

	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	ops_creds_t c;
	memset(&c, 0, sizeof(c));
	if (api_allowfrom(obj, allow, &allow_cnt, &resp)) {
		if (allow_cnt > OPS_ALLOWFROM_MAX || resp.body != NULL) {
			abort();
		}
		/* What a registration would answer with these values. */
		if (cidr_list_format(allow, allow_cnt, c.allowfrom, sizeof(c.allowfrom)) != LC_EOK) {
			abort();
		}
		copy_field(c.username, sizeof(c.username), txt);
		copy_field(c.password, sizeof(c.password), txt);
		copy_field(c.fulldomain, sizeof(c.fulldomain), sub);
		copy_field(c.subdomain, sizeof(c.subdomain), sub);
		c.server_url = fmt;
		json_t *creds = jsonio_creds(&c);
		/* jansson refuses strings that are not UTF-8; cut strings may end mid-character. */
		if (creds != NULL) {
			jsonio_respond(&resp, 201, creds);
			check_body(&resp);
		}
		ops_creds_wipe(&c);
	} else {
		if (resp.status != 400) {
			abort();
		}
		check_body(&resp);
	}
	resp_free(&resp);

	/* The parsed object goes back out as one line. */
	jsonio_respond(&resp, 200, json_incref(obj));
	check_body(&resp);
	resp_free(&resp);
	json_decref(obj);
	free(body);
	return 0;
}
