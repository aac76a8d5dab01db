/* SPDX-License-Identifier: MIT */
/* form.h -- application/x-www-form-urlencoded bodies (HTML forms, form-encoded API calls) */
#ifndef LC_HTTP_FORM_H
#define LC_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

/**
 * Find a field in a form body and decode it ('+' is a space, %XX a byte).
 * The first field of that name wins. A decoded NUL byte makes the field
 * unreadable (false), so the result is always a plain C string.
 * @param out_size the result and its NUL must fit, or false.
 * @return true if found and decoded; false if absent, malformed or too long.
 */
bool form_get(const char *body, size_t len, const char *key, char *out, size_t out_size);

/** Is the request's Content-Type application/x-www-form-urlencoded? */
bool form_is_form(const http_req_t *req);

#endif
