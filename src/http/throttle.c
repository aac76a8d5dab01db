/* SPDX-License-Identifier: MIT */
/* throttle.c -- per-address token buckets and fixed windows in a bounded table */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/throttle.h"
#include "util/error.h"
#include "util/rand.h"

#define WAYS 4 /* entries per set; a new client replaces the stalest of its set */

typedef struct entry {
	bool used;
	uint8_t key[17];    /* family byte + address truncated to /32 or /64 */
	double last_seen;
	double tokens;
	double refilled_at;
	double window_start;
	unsigned window_cnt;
} entry_t;

struct throttle {
	throttle_rule_t rule;
	pthread_mutex_t lock;
	size_t sets;        /* power of two */
	entry_t *entries;   /* sets * WAYS */
	uint64_t seed;      /* hash seed, so clients cannot aim at one set */
};

throttle_t *throttle_new(const throttle_rule_t *rule, size_t slots)
{
	throttle_t *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->rule = *rule;
	t->sets = 1;
	while (t->sets * WAYS < slots) {
		t->sets <<= 1;
	}
	t->entries = calloc(t->sets * WAYS, sizeof(entry_t));
	if (t->entries == NULL) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	if (rand_bytes(&t->seed, sizeof(t->seed)) != LC_EOK) {
		t->seed = (uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15ULL;
	}
	return t;
}

void throttle_free(throttle_t *t)
{
	if (t == NULL) {
		return;
	}
	pthread_mutex_destroy(&t->lock);
	free(t->entries);
	free(t);
}

static void make_key(const cidr_t *client, uint8_t key[17])
{
	cidr_t c = *client;
	cidr_truncate(&c, c.family == AF_INET ? 32 : 64);
	key[0] = (uint8_t)c.family;
	memcpy(key + 1, c.addr, 16);
}

/* FNV-1a over the key, mixed with the seed. */
static size_t set_of(const throttle_t *t, const uint8_t key[17])
{
	uint64_t h = 1469598103934665603ULL ^ t->seed;
	for (int i = 0; i < 17; i++) {
		h ^= key[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29)) & (t->sets - 1);
}

/* Find the client's entry, or take over the stalest in its set; caller holds the lock. */
static entry_t *lookup(throttle_t *t, const cidr_t *client, double now)
{
	uint8_t key[17];
	make_key(client, key);
	entry_t *set = &t->entries[set_of(t, key) * WAYS];
	entry_t *victim = &set[0];
	for (int i = 0; i < WAYS; i++) {
		if (set[i].used && memcmp(set[i].key, key, sizeof(key)) == 0) {
			set[i].last_seen = now;
			return &set[i];
		}
		if (!set[i].used) {
			victim = &set[i];
		} else if (victim->used && set[i].last_seen < victim->last_seen) {
			victim = &set[i];
		}
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	memcpy(victim->key, key, sizeof(key));
	victim->last_seen = now;
	victim->tokens = t->rule.burst;
	victim->refilled_at = now;
	victim->window_start = now;
	return victim;
}

/* Bring the bucket and the window up to now. */
static void advance(const throttle_t *t, entry_t *e, double now)
{
	if (t->rule.burst > 0 && now > e->refilled_at) {
		e->tokens += (now - e->refilled_at) * t->rule.refill_per_s;
		if (e->tokens > t->rule.burst) {
			e->tokens = t->rule.burst;
		}
		e->refilled_at = now;
	}
	if (t->rule.window_max > 0 && now >= e->window_start + t->rule.window_s) {
		e->window_start = now;
		e->window_cnt = 0;
	}
}

static unsigned ceil_s(double s)
{
	if (s < 1) {
		return 1;
	}
	if (s > 7 * 86400.0) {
		return 7 * 86400;
	}
	unsigned u = (unsigned)s;
	return (double)u < s ? u + 1 : u;
}

/* Seconds until the window has room again, or 0 if it has room now. */
static double window_wait(const throttle_t *t, const entry_t *e, double now)
{
	if (t->rule.window_max == 0 || e->window_cnt < t->rule.window_max) {
		return 0;
	}
	return e->window_start + t->rule.window_s - now;
}

bool throttle_take(throttle_t *t, const cidr_t *client, double now, unsigned *out_retry_s)
{
	pthread_mutex_lock(&t->lock);
	entry_t *e = lookup(t, client, now);
	advance(t, e, now);
	double wait = window_wait(t, e, now);
	if (t->rule.burst > 0 && e->tokens < 1) {
		/* A bucket that never refills stays empty until the entry is forgotten. */
		double bw = t->rule.refill_per_s > 0 ? (1 - e->tokens) / t->rule.refill_per_s
						     : 7 * 86400.0;
		if (bw > wait) {
			wait = bw;
		}
	}
	bool allowed = wait <= 0;
	if (allowed) {
		if (t->rule.burst > 0) {
			e->tokens -= 1;
		}
		e->window_cnt++;
	} else {
		*out_retry_s = ceil_s(wait);
	}
	pthread_mutex_unlock(&t->lock);
	return allowed;
}

bool throttle_blocked(throttle_t *t, const cidr_t *client, double now, unsigned *out_retry_s)
{
	pthread_mutex_lock(&t->lock);
	entry_t *e = lookup(t, client, now);
	advance(t, e, now);
	double wait = window_wait(t, e, now);
	if (wait > 0) {
		*out_retry_s = ceil_s(wait);
	}
	pthread_mutex_unlock(&t->lock);
	return wait > 0;
}

void throttle_hit(throttle_t *t, const cidr_t *client, double now)
{
	pthread_mutex_lock(&t->lock);
	entry_t *e = lookup(t, client, now);
	advance(t, e, now);
	e->window_cnt++;
	pthread_mutex_unlock(&t->lock);
}

void throttle_refund(throttle_t *t, const cidr_t *client, double now)
{
	pthread_mutex_lock(&t->lock);
	entry_t *e = lookup(t, client, now);
	advance(t, e, now);
	if (t->rule.burst > 0) {
		e->tokens += 1;
		if (e->tokens > t->rule.burst) {
			e->tokens = t->rule.burst;
		}
	}
	if (e->window_cnt > 0) {
		e->window_cnt--;
	}
	pthread_mutex_unlock(&t->lock);
}
