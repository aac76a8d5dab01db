/* SPDX-License-Identifier: MIT */
/* router.h -- (method, path) -> handler, with acme-dns path tolerance */
#ifndef LC_HTTP_ROUTER_H
#define LC_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"
#include "util/cidr.h"

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
 * Decode %XX escapes of a request path or query argument in place, as
 * libmicrohttpd's own unescaper does, with one difference: %00 becomes 0x7F
 * (DEL) instead of a NUL that would cut the string short, so "/update%00x"
 * can never be taken for "/update". router_serve() refuses paths that hold
 * any control character (0x00-0x1F, 0x7F) with 400.
 * @return the new length. Allocates nothing; thread-safe.
 */
size_t router_unescape(char *s);

/**
 * Dispatch a request (req->path already normalised) to its handler: the
 * acme-dns calls (register, update, health) under "/" and under
 * "/api/v1/acme-dns-compat", and the /api/v1 service calls. Unknown path:
 * 404 not_found. Known path, other method: 405 method_not_allowed with Allow.
 * HEAD is served wherever GET is.
 */
void router_dispatch(const http_req_t *req, http_resp_t *resp);

/**
 * A second request handler, tried for paths the API does not serve (the web
 * console). It returns false when it does not serve the path either.
 */
typedef bool (*router_hook_t)(const http_req_t *req, http_resp_t *resp);

/**
 * Install the console hook. Call once at startup, before the HTTP server
 * starts (main.c: http/ may not include web/, STYLE 2.1). NULL removes it.
 */
void router_set_console(router_hook_t hook);

/**
 * Serve a request whose body has been read: decide the client (the peer, or
 * the last X-Forwarded-For hop when the peer is a trusted proxy), normalise
 * url and dispatch. This is the whole request path after libmicrohttpd;
 * http/server.c calls it, and so does fuzz/fuzz_http_api.c with a request
 * built in memory (req->conn NULL).
 * @param req  api, method, body and conn (or the header/query tables) set;
 *             client, client_text and path are filled in here (path only
 *             during the call).
 * @param peer the TCP peer.
 * @param url  the request path, decoded with router_unescape() (no query string).
 *             One that holds a control character is answered 400 bad_path.
 */
void router_serve(http_req_t *req, const cidr_t *peer, const char *url, http_resp_t *resp);

#endif
