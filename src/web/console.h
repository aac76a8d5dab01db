/* SPDX-License-Identifier: MIT */
/* console.h -- the web console: server-rendered pages on the HTTP server (SPEC 3) */
#ifndef LC_WEB_CONSOLE_H
#define LC_WEB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "http/request.h"

/**
 * Set up the console's state (sign-in and sign-up throttles). Call at
 * startup, after ops_init(), then install web_dispatch() with
 * router_set_console().
 * @param c the configuration (borrowed; must outlive web_cleanup()).
 * @return LC_EOK; LC_ENOMEM.
 */
int web_init(const conf_t *c);

/** Free the console's state. Call after the HTTP server stopped. Safe to call twice. */
void web_cleanup(void);

/**
 * The router hook (http/router.h): serve a console page. Returns false for a
 * path the console does not serve (the API then answers 404 JSON), and when
 * the console is off or the request is for another host than console_host.
 * Thread-safe.
 */
bool web_dispatch(const http_req_t *req, http_resp_t *resp);

#endif
