/* SPDX-License-Identifier: MIT */
/* throttle.h -- per-address rate limits in memory: a token bucket and/or a fixed window */
#ifndef LC_HTTP_THROTTLE_H
#define LC_HTTP_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cidr.h"

/**
 * A limit per client. IPv4 clients are counted per address (/32), IPv6
 * clients per /64 (one end site usually holds a whole /64). Either part may
 * be off.
 */
typedef struct throttle_rule {
	unsigned burst;        /**< token bucket size; 0 = no bucket */
	double refill_per_s;   /**< tokens added per second (0 = the bucket never refills) */
	unsigned window_max;   /**< events per fixed window; 0 = no window */
	unsigned window_s;     /**< window length in seconds */
} throttle_rule_t;

typedef struct throttle throttle_t;

/**
 * Make a limiter that tracks up to about slots clients. The table is fixed in
 * size: when it is full, the client seen least recently in the same set is
 * forgotten (memory stays bounded whatever the traffic).
 * @return a new limiter (free with throttle_free()); NULL when out of memory.
 */
throttle_t *throttle_new(const throttle_rule_t *rule, size_t slots);

/** Free a limiter. Accepts NULL. */
void throttle_free(throttle_t *t);

/**
 * Ask to do one event now (e.g. a registration). Allowed when the bucket has a
 * token and the window is not full; then both are charged.
 * @param now         a monotonic clock in seconds.
 * @param out_retry_s when refused: seconds until it would be allowed (at least 1).
 * @return true if allowed. Thread-safe.
 */
bool throttle_take(throttle_t *t, const cidr_t *client, double now, unsigned *out_retry_s);

/**
 * Is this client over the window limit (e.g. too many failed key checks)?
 * Does not count anything. Same out_retry_s as throttle_take().
 */
bool throttle_blocked(throttle_t *t, const cidr_t *client, double now, unsigned *out_retry_s);

/** Count one event (e.g. a failed key check) against the client's window. Thread-safe. */
void throttle_hit(throttle_t *t, const cidr_t *client, double now);

/**
 * Give back one event charged by throttle_take() or throttle_hit(): a token
 * to the bucket (up to its size) and a count to the window (not below 0).
 * For actions charged before they ran, so that nothing can slip past the
 * limit while they run, and then refused or found not to count (a sign-in
 * that succeeded, a name that was taken). If the window has started anew
 * meanwhile, the new window is the one credited (at most one event early).
 * Thread-safe.
 */
void throttle_refund(throttle_t *t, const cidr_t *client, double now);

#endif
