/* SPDX-License-Identifier: MIT */
/* deadline.h -- whole-request deadlines: a watchdog that cuts connections whose request is too slow */
#ifndef LC_HTTP_DEADLINE_H
#define LC_HTTP_DEADLINE_H

#include <stdint.h>

#include "util/cidr.h"

/*
 * An idle timeout counts silence only, so a client that sends one byte of its
 * headers every few seconds ("slowloris") keeps a connection, and with a
 * thread per connection a thread, for as long as it likes. A deadline counts
 * from the start of a request until the request is in, however busy the
 * client looks: when it passes, the watchdog shuts the socket down
 * (shutdown(2), not close: the fd stays the HTTP library's to close) and the
 * library then closes the connection as if the client had gone.
 */

typedef struct deadline deadline_t;
typedef struct deadline_conn deadline_conn_t;

/**
 * Start a watchdog thread that checks every registered connection a few
 * times per timeout (at most every 500 ms).
 * @param timeout_ms how long a request may take to arrive, > 0.
 * @return a new watchdog (stop and free with deadline_free()); NULL when out
 *         of memory or no thread could be started.
 */
deadline_t *deadline_new(unsigned timeout_ms);

/**
 * Stop the watchdog and free it, with any connection still registered.
 * Accepts NULL.
 */
void deadline_free(deadline_t *d);

/**
 * Register a new connection; its first request's clock starts now.
 * @param fd the connected socket (borrowed; it must stay open until
 *           deadline_remove()).
 * @param client its address (counted per /32 or /64 by deadline_admit()), or NULL.
 * @return the entry (owned by d; give it back with deadline_remove()); NULL
 *         when out of memory (the connection then has no deadline).
 * Thread-safe.
 */
deadline_conn_t *deadline_add(deadline_t *d, int fd, const cidr_t *client);

enum { DEADLINE_ADMITTED, DEADLINE_REFUSED, DEADLINE_EVICTED };

/**
 * Make room for a connection just registered. When its client's network (an
 * IPv4 address, an IPv6 /64) now holds more than per_net connections, it is
 * shut down itself. When more than total are open, the connection that has
 * waited longest for its next request (an idle keep-alive, a slow client;
 * never one whose request is being answered) is shut down instead, so that a
 * few clients holding idle connections cannot lock everybody else out. 0
 * turns a limit off. Accepts NULL.
 * @return DEADLINE_ADMITTED, DEADLINE_REFUSED (c was shut down) or
 *         DEADLINE_EVICTED (another connection was). Thread-safe.
 */
int deadline_admit(deadline_t *d, deadline_conn_t *c, unsigned total, unsigned per_net);

/**
 * The request is in: stop the clock while it is handled and answered.
 * Accepts NULL. Thread-safe, lock-free.
 */
void deadline_hold(deadline_conn_t *c);

/**
 * The previous request is done; the clock for the next one on the same
 * (keep-alive) connection starts now. Accepts NULL. Thread-safe, lock-free.
 */
void deadline_restart(deadline_conn_t *c);

/**
 * Unregister and free a connection's entry. Call before its socket is closed,
 * so the watchdog never shuts down a reused fd. Accepts NULL. Thread-safe.
 */
void deadline_remove(deadline_t *d, deadline_conn_t *c);

/** How many connections the watchdog has cut so far. Thread-safe. */
uint64_t deadline_cut_cnt(deadline_t *d);

#endif
