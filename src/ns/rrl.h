/* SPDX-License-Identifier: MIT */
/* rrl.h -- response rate limiting for UDP, so the server is useless for amplification */
#ifndef LC_NS_RRL_H
#define LC_NS_RRL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** What to do with one UDP response. */
enum { RRL_PASS = 0, RRL_SLIP = 1, RRL_DROP = 2 };

typedef struct rrl rrl_t;

/**
 * A limiter allowing `rate` identical-class responses per second to one
 * client network (IPv4 /24, IPv6 /56). Over the rate, every `slip`-th
 * response is sent truncated (TC, no records) so that a real resolver retries
 * over TCP, and the rest are dropped (slip 0: drop all).
 * @param buckets table size (rounded up to a power of two).
 * @return owned limiter; free with rrl_free(); NULL when out of memory or rate is 0.
 */
rrl_t *rrl_new(unsigned rate, unsigned slip, size_t buckets);

/** Free a limiter. Accepts NULL. */
void rrl_free(rrl_t *r);

/**
 * Account one response.
 * @param client the client's address (AF_INET or AF_INET6).
 * @param class_hash the response class from query_t.rrl_class.
 * @param now_s a seconds clock (monotonic).
 * @return RRL_PASS, RRL_SLIP or RRL_DROP. Thread-safe, lock-free; allocates nothing.
 */
int rrl_check(rrl_t *r, const struct sockaddr *client, uint64_t class_hash, uint32_t now_s);

#endif
