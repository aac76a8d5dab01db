/* SPDX-License-Identifier: MIT */
/* server.h -- DNS listeners: UDP workers (SO_REUSEPORT, recvmmsg) and a TCP listener (RFC 7766) */
#ifndef LC_NET_SERVER_H
#define LC_NET_SERVER_H

#include "conf/conf.h"

typedef struct dns_server dns_server_t;

/**
 * Bind every address in c->dns_listen (UDP and TCP) and start the worker
 * threads. The zone index must already be published (rebuild_init()).
 * @param out set to the running server; stop and free with dns_server_stop().
 * @param err one-line message on failure (e.g. "bind 127.0.0.1:53: Permission denied").
 * @return LC_EOK; LC_EIO (bind failed); LC_EINVAL (bad address); LC_ENOMEM.
 */
int dns_server_start(const conf_t *c, dns_server_t **out, char *err, size_t err_len);

/** Stop all threads, close sockets, free. Accepts NULL. */
void dns_server_stop(dns_server_t *s);

#endif
