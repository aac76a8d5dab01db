/* SPDX-License-Identifier: MIT */
/* jsonio.h -- jansson helpers for the API: bodies in, case-insensitive keys, responses out */
#ifndef LC_HTTP_JSONIO_H
#define LC_HTTP_JSONIO_H

#include <jansson.h>
#include <stddef.h>

#include "ctl/ops.h"
#include "http/request.h"

/**
 * Make jansson wipe every block before freeing it: parsed request bodies and
 * the strings and text of new credentials (a key's secret) pass through its
 * allocations, including the buffers it outgrows while encoding. Process-wide
 * (json_set_alloc_funcs); call once at startup, before any thread uses jansson.
 */
void jsonio_wipe_on_free(void);

/**
 * Parse a request body as a JSON object. An empty (or all-whitespace) body
 * is an empty object, because acme-dns clients POST register with no body.
 * @param out set to a new object; json_decref() it.
 * @return LC_EOK; LC_EMALF (not JSON, or not an object); LC_ENOMEM.
 */
int jsonio_parse_object(const char *body, size_t len, json_t **out);

/**
 * Member of an object by key, matched case-insensitively as Go's
 * encoding/json does (lego sends "SubDomain" and "Txt"): an exact match wins,
 * otherwise the first case-insensitive one. Borrowed; NULL if absent.
 */
json_t *jsonio_get(const json_t *obj, const char *key);

/** The string value of jsonio_get(), or NULL if absent or not a string. Borrowed. */
const char *jsonio_get_string(const json_t *obj, const char *key);

/**
 * Credentials JSON (SPEC 2): {"username","password","fulldomain","subdomain","server_url","allowfrom"}.
 * @return a new object (json_decref() it); NULL when out of memory.
 */
json_t *jsonio_creds(const ops_creds_t *c);

/**
 * Set a JSON response: one line, application/json. Takes body (decref'd here,
 * also on failure). When out of memory, answers 503 instead.
 */
void jsonio_respond(http_resp_t *r, unsigned status, json_t *body);

#endif
