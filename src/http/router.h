/* SPDX-License-Identifier: MIT */
/* router.h -- (method, path) -> handler, with acme-dns path tolerance */
#ifndef LC_HTTP_ROUTER_H
#define LC_HTTP_ROUTER_H

#include <stddef.h>

#include "http/request.h"

#define ROUTER_PATH_MAX 512

/**
 * Normalise a request path: repeated slashes become one ("//update" is what
 * goacmedns sends for a base URL with a trailing slash) and one trailing
 * slash is dropped. Never redirects; the caller serves the result directly.
 * @param out_size at least strlen(path) + 2.
 * @return LC_EOK; LC_ESPACE (too long).
 */
int router_normalise(const char *path, char *out, size_t out_size);

/**
 * Dispatch a request (req->path already normalised) to its handler: the
 * acme-dns calls (register, update, health) under "/" and under
 * "/api/v1/acme-dns-compat", and the /api/v1 service calls. Unknown path:
 * 404 not_found. Known path, other method: 405 method_not_allowed with Allow.
 * HEAD is served wherever GET is.
 */
void router_dispatch(const http_req_t *req, http_resp_t *resp);

#endif
