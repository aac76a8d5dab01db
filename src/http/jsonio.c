/* SPDX-License-Identifier: MIT */
/* jsonio.c -- JSON bodies in and out */
#include <malloc.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/errors.h"
#include "http/jsonio.h"
#include "util/error.h"

int jsonio_parse_object(const char *body, size_t len, json_t **out)
{
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", body[i]) != NULL && body[i] != '\0') {
		i++;
	}
	if (i == len) {
		*out = json_object();
		return *out != NULL ? LC_EOK : LC_ENOMEM;
	}
	/* Duplicate keys are refused: which one would count is a guess. */
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL) {
		return LC_EMALF;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return LC_EMALF;
	}
	*out = j;
	return LC_EOK;
}

json_t *jsonio_get(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (v != NULL) {
		return v;
	}
	const char *k;
	json_t *val;
	/* json_object_foreach needs a non-const object; it does not modify it. */
	json_object_foreach((json_t *)obj, k, val) {
		if (strcasecmp(k, key) == 0) {
			return val;
		}
	}
	return NULL;
}

const char *jsonio_get_string(const json_t *obj, const char *key)
{
	json_t *v = jsonio_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *jsonio_creds(const ops_creds_t *c)
{
	json_t *allow = json_loads(c->allowfrom, 0, NULL);
	if (allow == NULL) {
		allow = json_array();
	}
	/* "o" takes the reference to allow, also when packing fails. */
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "username", c->username, "password",
			 c->password, "fulldomain", c->fulldomain, "subdomain", c->subdomain,
			 "server_url", c->server_url ? c->server_url : "", "allowfrom", allow);
}

void jsonio_respond(http_resp_t *r, unsigned status, json_t *body)
{
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL) {
		http_error_lc(r, LC_ENOMEM, "encode response");
		return;
	}
	free(r->body);
	r->body = text;
	r->body_len = strlen(text);
	r->status = status;
}

/* Free a jansson block, wiping all of it first (malloc_usable_size: jansson does not say). */
static void wipe_free_block(void *p)
{
	if (p != NULL) {
		OPENSSL_cleanse(p, malloc_usable_size(p));
		free(p);
	}
}

void jsonio_wipe_on_free(void)
{
	json_set_alloc_funcs(malloc, wipe_free_block);
}
