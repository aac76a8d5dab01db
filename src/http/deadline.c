/* SPDX-License-Identifier: MIT */
/* deadline.c -- whole-request deadlines: a watchdog that cuts connections whose request is too slow */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/deadline.h"
#include "util/log.h"

/* The watchdog looks a few times per timeout, but not more often than this. */
#define TICK_MIN_MS 20
#define TICK_MAX_MS 500

struct deadline_conn {
	deadline_conn_t *prev, *next; /* under deadline_t.lock */
	int fd;
	unsigned timeout_ms; /* a copy, so deadline_restart() needs no deadline_t */
	cidr_t net;          /* the client's /32 or /64 */
	bool gone;           /* shut down by deadline_admit(); no longer counted */
	/* When the current request must be in (CLOCK_MONOTONIC, ms); 0 while a request
	 * is being handled. Written by the connection's thread, read by the watchdog. */
	_Atomic uint64_t due_ms;
};

struct deadline {
	pthread_mutex_t lock; /* the list, stop */
	pthread_cond_t wake;  /* signalled to stop */
	pthread_t thread;
	deadline_conn_t *head;
	unsigned timeout_ms;
	unsigned tick_ms;
	bool stop;
	_Atomic uint64_t cut_cnt;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Shut down every connection past its deadline. The list lock is held, so no
 * entry can be removed meanwhile, and an entry is removed before its socket is
 * closed: the fd is still the connection's own.
 */
static unsigned sweep(deadline_t *d)
{
	unsigned cut = 0;
	uint64_t now = now_ms();
	for (deadline_conn_t *c = d->head; c != NULL; c = c->next) {
		uint64_t due = atomic_load_explicit(&c->due_ms, memory_order_relaxed);
		if (due == 0 || now < due) {
			continue;
		}
		/* Once is enough: the connection's thread sees end of file and closes. A
		 * request that completed at this very moment loses its connection, which a
		 * client that took the whole timeout to send it must expect. */
		atomic_compare_exchange_strong(&c->due_ms, &due, 0);
		shutdown(c->fd, SHUT_RDWR);
		cut++;
	}
	return cut;
}

static void *watch(void *arg)
{
	deadline_t *d = arg;
	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)d->tick_ms * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		int rc = pthread_cond_timedwait(&d->wake, &d->lock, &ts);
		if (d->stop) {
			break;
		}
		if (rc != ETIMEDOUT && rc != 0) {
			continue;
		}
		unsigned cut = sweep(d);
		if (cut > 0) {
			atomic_fetch_add(&d->cut_cnt, cut);
			pthread_mutex_unlock(&d->lock);
			log_ratelimited(LOG_INFO,
					"http: %u connection(s) closed: request not complete within %.3g s",
					cut, d->timeout_ms / 1000.0);
			pthread_mutex_lock(&d->lock);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

deadline_t *deadline_new(unsigned timeout_ms)
{
	if (timeout_ms == 0) {
		return NULL;
	}
	deadline_t *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		return NULL;
	}
	d->timeout_ms = timeout_ms;
	d->tick_ms = timeout_ms / 8;
	d->tick_ms = d->tick_ms < TICK_MIN_MS ? TICK_MIN_MS : d->tick_ms;
	d->tick_ms = d->tick_ms > TICK_MAX_MS ? TICK_MAX_MS : d->tick_ms;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&d->thread, NULL, watch, d) != 0) {
		pthread_cond_destroy(&d->wake);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return NULL;
	}
	return d;
}

void deadline_free(deadline_t *d)
{
	if (d == NULL) {
		return;
	}
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	while (d->head != NULL) {
		deadline_conn_t *c = d->head;
		d->head = c->next;
		free(c);
	}
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

deadline_conn_t *deadline_add(deadline_t *d, int fd, const cidr_t *client)
{
	if (d == NULL || fd < 0) {
		return NULL;
	}
	deadline_conn_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->fd = fd;
	c->timeout_ms = d->timeout_ms;
	if (client != NULL) {
		c->net = *client;
		cidr_truncate(&c->net, c->net.family == AF_INET ? 32 : 64);
	}
	atomic_init(&c->due_ms, now_ms() + d->timeout_ms);
	pthread_mutex_lock(&d->lock);
	c->next = d->head;
	if (d->head != NULL) {
		d->head->prev = c;
	}
	d->head = c;
	pthread_mutex_unlock(&d->lock);
	return c;
}

static bool same_net(const cidr_t *a, const cidr_t *b)
{
	return a->family == b->family && a->family != 0 && memcmp(a->addr, b->addr, 16) == 0;
}

int deadline_admit(deadline_t *d, deadline_conn_t *c, unsigned total, unsigned per_net)
{
	if (d == NULL || c == NULL) {
		return DEADLINE_ADMITTED;
	}
	int ret = DEADLINE_ADMITTED;
	unsigned open = 0, mine = 0;
	deadline_conn_t *idlest = NULL;
	uint64_t idlest_due = 0;
	pthread_mutex_lock(&d->lock);
	for (deadline_conn_t *x = d->head; x != NULL; x = x->next) {
		if (x->gone) {
			continue;
		}
		open++;
		mine += same_net(&x->net, &c->net);
		/* Waiting longest for its request (due earliest); never one being answered. */
		uint64_t due = atomic_load_explicit(&x->due_ms, memory_order_relaxed);
		if (x != c && due != 0 && (idlest == NULL || due < idlest_due)) {
			idlest = x;
			idlest_due = due;
		}
	}
	deadline_conn_t *cut = NULL;
	if (per_net > 0 && mine > per_net) {
		cut = c;
		ret = DEADLINE_REFUSED;
	} else if (total > 0 && open > total && idlest != NULL) {
		cut = idlest;
		ret = DEADLINE_EVICTED;
	}
	if (cut != NULL) {
		/* As sweep(): the entry stays until its connection closes, so the fd is
		 * still that connection's. */
		cut->gone = true;
		atomic_store_explicit(&cut->due_ms, 0, memory_order_relaxed);
		shutdown(cut->fd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&d->lock);
	if (ret == DEADLINE_REFUSED) {
		log_ratelimited(LOG_INFO, "http: a connection refused: over %u from one network",
				per_net);
	} else if (ret == DEADLINE_EVICTED) {
		log_ratelimited(LOG_INFO,
				"http: %u connections open: the one idle longest was closed", open);
	}
	return ret;
}

void deadline_hold(deadline_conn_t *c)
{
	if (c != NULL) {
		atomic_store_explicit(&c->due_ms, 0, memory_order_relaxed);
	}
}

void deadline_restart(deadline_conn_t *c)
{
	if (c != NULL) {
		atomic_store_explicit(&c->due_ms, now_ms() + c->timeout_ms, memory_order_relaxed);
	}
}

void deadline_remove(deadline_t *d, deadline_conn_t *c)
{
	if (d == NULL || c == NULL) {
		return;
	}
	pthread_mutex_lock(&d->lock);
	if (c->prev != NULL) {
		c->prev->next = c->next;
	} else {
		d->head = c->next;
	}
	if (c->next != NULL) {
		c->next->prev = c->prev;
	}
	pthread_mutex_unlock(&d->lock);
	free(c);
}

uint64_t deadline_cut_cnt(deadline_t *d)
{
	return d != NULL ? atomic_load(&d->cut_cnt) : 0;
}
