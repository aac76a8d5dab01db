/* SPDX-License-Identifier: MIT */
/* rebuild.h -- store rows and config -> the published DNS index (the only writer of zone/) */
#ifndef LC_CTL_REBUILD_H
#define LC_CTL_REBUILD_H

#include "conf/conf.h"
#include "store/store.h"

/**
 * Build the zone set (parent and static zones from the config) and load every
 * live subdomain from the store into it, then publish it. Call once at startup,
 * before the DNS workers start.
 * @return LC_EOK; LC_EINVAL (a static record in the config does not parse; logged); LC_EDB; LC_ENOMEM.
 */
int rebuild_init(const conf_t *c, store_t *st);

/**
 * Publish one subdomain's current state, as read from the store after a
 * committed change, so that DNS answers show it when this returns. A deleted
 * subdomain is removed from the index. Writers are serialised by the caller
 * (ctl/ops.c holds the writer mutex).
 * @return LC_EOK; LC_ENOENT (its parent is not served); LC_ENOMEM.
 */
int rebuild_sub(const sub_rec_t *s);

/**
 * Make the calling thread an RCU writer of its own, so that its rebuild_sub()
 * calls apply directly instead of handing each change to the publisher thread
 * and waiting. For a long-lived writer thread (the group-commit writer of
 * ctl/ops.c); call rebuild_thread_leave() before it exits.
 */
void rebuild_thread_enter(void);

/** Undo rebuild_thread_enter() (waits for nothing; call_rcu callbacks run later). */
void rebuild_thread_leave(void);

/**
 * Pick up changes committed by other processes (localcertctl) since the last
 * call, and publish them. Called about once a second by the daemon; caller
 * holds the writer mutex.
 * @return LC_EOK; LC_EDB.
 */
int rebuild_poll(store_t *st);

/**
 * This process committed and published every change from sequence @p before to
 * @p after (read inside one write transaction; caller holds the writer mutex).
 * When the poll had seen everything up to @p before, it skips these: without
 * this it read every update back from the store a second time, holding the
 * writer mutex, 1,000s of random rows a second under load at N = 1M.
 */
void rebuild_own_changes(int64_t before, int64_t after);

/** Number of subdomains in the published index (for health/stats). */
size_t rebuild_sub_count(void);

/** Free the published zone set at shutdown (after the DNS workers stopped). */
void rebuild_cleanup(void);

#endif
