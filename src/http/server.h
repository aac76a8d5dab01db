/* SPDX-License-Identifier: MIT */
/* server.h -- the HTTP API (libmicrohttpd): acme-dns compatible calls and /api/v1 service calls */
#ifndef LC_HTTP_SERVER_H
#define LC_HTTP_SERVER_H

#include "conf/conf.h"
#include "store/store.h"

typedef struct http_server http_server_t;

/**
 * Start the HTTP API on c->http_listen.
 * @param st the store (borrowed; the HTTP layer serialises access to it through ctl/ops).
 * @return LC_EOK; LC_EIO (bind failed, message in err); LC_EINVAL (bad address).
 */
int http_server_start(const conf_t *c, store_t *st, http_server_t **out, char *err,
		      size_t err_len);

/** Stop accepting, finish running requests, free. Accepts NULL. */
void http_server_stop(http_server_t *h);

#endif
