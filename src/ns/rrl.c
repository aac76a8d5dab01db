/* SPDX-License-Identifier: MIT */
/* rrl.c -- response rate limiting (the BIND/Knot idea: limit identical responses per network) */
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "ns/rrl.h"

/*
 * One bucket per (network, response class), found by hash in a fixed table.
 * A collision simply takes the bucket over: the table bounds memory, and an
 * attacker who spreads over many classes is still limited per class. Each
 * bucket has a tiny spin lock; workers rarely meet on the same bucket.
 */
typedef struct bucket {
	atomic_flag busy;
	uint32_t second; /* the window this count belongs to */
	uint64_t key;
	uint32_t count;  /* responses in this second */
	uint32_t over;   /* responses over the rate in this second (for slip) */
} bucket_t;

struct rrl {
	uint64_t seed;  /* random per process: bucket positions cannot be predicted */
	unsigned rate;
	unsigned slip;
	size_t mask;
	bucket_t *buckets;
};

rrl_t *rrl_new(unsigned rate, unsigned slip, size_t buckets)
{
	if (rate == 0) {
		return NULL;
	}
	size_t n = 1024;
	while (n < buckets) {
		n <<= 1;
	}
	rrl_t *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return NULL;
	}
	r->buckets = calloc(n, sizeof(bucket_t));
	if (r->buckets == NULL) {
		free(r);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		atomic_flag_clear(&r->buckets[i].busy);
	}
	if (getrandom(&r->seed, sizeof(r->seed), 0) != (ssize_t)sizeof(r->seed)) {
		r->seed = (uint64_t)(uintptr_t)r ^ 0x2545f4914f6cdd1dULL;
	}
	r->rate = rate;
	r->slip = slip;
	r->mask = n - 1;
	return r;
}

void rrl_free(rrl_t *r)
{
	if (r != NULL) {
		free(r->buckets);
		free(r);
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* The client's network: IPv4 /24, IPv6 /56 (what one site usually holds). */
static uint64_t network_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		uint32_t a = ntohl(s4->sin_addr.s_addr) & 0xFFFFFF00u;
		return ((uint64_t)4 << 32) | a;
	}
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	uint64_t p = 0;
	memcpy(&p, s6->sin6_addr.s6_addr, 7);
	return mix(6, p);
}

int rrl_check(rrl_t *r, const struct sockaddr *client, uint64_t class_hash, uint32_t now_s)
{
	uint64_t key = mix(mix(r->seed, network_of(client)), class_hash) | 1; /* never 0: empty */
	bucket_t *b = &r->buckets[key & r->mask];
	int verdict = RRL_PASS;

	while (atomic_flag_test_and_set_explicit(&b->busy, memory_order_acquire)) {
		/* spin: the critical section is a few instructions */
	}
	if (b->key != key || b->second != now_s) {
		b->key = key;
		b->second = now_s;
		b->count = 0;
		b->over = 0;
	}
	if (++b->count > r->rate) {
		b->over++;
		/* The first response over the rate slips, so a client just over it sees TC at once. */
		verdict = (r->slip != 0 && (b->over - 1) % r->slip == 0) ? RRL_SLIP : RRL_DROP;
	}
	atomic_flag_clear_explicit(&b->busy, memory_order_release);
	return verdict;
}
