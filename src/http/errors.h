/* SPDX-License-Identifier: MIT */
/* errors.h -- the single mapping from LC_E* codes to HTTP statuses and JSON error bodies */
#ifndef LC_HTTP_ERRORS_H
#define LC_HTTP_ERRORS_H

#include "http/request.h"

/**
 * Answer with {"error":"<code>","message":"<message>"} (one line, application/json).
 * @param code    machine-readable code, e.g. "bad_txt" (acme-dns compatible names).
 * @param message plain words for a person; never internal details.
 * Replaces any body already set. If even this cannot be allocated, the server sends
 * the status with an empty body.
 */
void http_error(http_resp_t *r, unsigned status, const char *code, const char *message);

/**
 * Answer for an error returned by ctl/ops or the store: LC_EINVAL 400, LC_EMALF 400
 * malformed_json_payload, LC_EAUTH/LC_EACCES 401 forbidden, LC_ENOENT 404, LC_EEXIST 409,
 * LC_ELIMIT 413, LC_ETHROTTLE 429, LC_EBUSY 503 server_busy with Retry-After: 1 (not
 * logged: a load condition, not a fault), LC_EDB/LC_ENOMEM 503, anything else 500. Server
 * faults (5xx) are logged here with the cause and tell the client nothing internal.
 * @param what short description of the operation, for the log ("update").
 */
void http_error_lc(http_resp_t *r, int code, const char *what);

#endif
