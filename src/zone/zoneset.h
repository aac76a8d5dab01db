/* SPDX-License-Identifier: MIT */
/* zoneset.h -- the published DNS data: the configured zones plus the subdomain index (RCU) */
#ifndef LC_ZONE_ZONESET_H
#define LC_ZONE_ZONESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zone/zone.h"

#define SUB_TXT_MAX 2

/**
 * One registered subdomain as the DNS side sees it. Immutable once
 * published: a change builds a new entry and replaces the old one, which is
 * freed after a grace period. Readers use it only inside rcu_read_lock().
 */
typedef struct sub_entry sub_entry_t;

/** Read-side view of a sub_entry_t (accessors keep the layout private). */
uint32_t sub_serial(const sub_entry_t *e);
bool sub_txt_at_apex(const sub_entry_t *e);
unsigned sub_txt_cnt(const sub_entry_t *e);
/** The i-th challenge value (oldest first): bytes and length. */
const uint8_t *sub_txt(const sub_entry_t *e, unsigned i, size_t *out_len);

/** The set of configured zones; immutable after zoneset_publish(). */
typedef struct zoneset {
	zone_t **zones;
	size_t zone_cnt;
} zoneset_t;

/**
 * Publish the zone set (takes ownership) and create the empty subdomain
 * index. Call once at startup from an RCU-registered thread, before readers start.
 * @return LC_EOK; LC_ENOMEM.
 */
int zoneset_publish(zoneset_t *zs);

/** The published set. Call inside rcu_read_lock(); valid until rcu_read_unlock(). */
const zoneset_t *zoneset_get(void);

/**
 * Find the zone that holds a name: the configured zone with the longest apex
 * the name is at or below. Call inside rcu_read_lock().
 * @param out_depth labels of name left of the zone apex.
 * @return the zone or NULL (outside every served zone).
 */
const zone_t *zoneset_find_zone(const zoneset_t *zs, const dname_t *name, unsigned *out_depth);

/**
 * Look up a subdomain by parent zone index and one lowercase label.
 * Call inside rcu_read_lock(); the entry stays valid until rcu_read_unlock().
 * @return the entry or NULL.
 */
const sub_entry_t *zoneset_sub_find(unsigned zone_idx, const uint8_t *label, size_t label_len);

/**
 * Insert or replace a subdomain. The single writer (ctl/rebuild.c) calls this
 * from an RCU-registered thread; the old entry is freed after a grace period.
 * @param txt challenge values, oldest first (at most SUB_TXT_MAX; extra ones ignored).
 * @return LC_EOK; LC_ENOMEM; LC_EINVAL (label not 1..63 bytes).
 */
int zoneset_sub_put(unsigned zone_idx, const char *label, bool txt_at_apex, uint32_t serial,
		    const char *const *txt, unsigned txt_cnt);

/** Remove a subdomain if present. Same calling rules as zoneset_sub_put(). @return LC_EOK. */
int zoneset_sub_del(unsigned zone_idx, const char *label);

/** Number of subdomains in the index (approximate while writes run). */
size_t zoneset_sub_count(void);

#define ZONESET_PREFETCH_MAX 64 /* keys per zoneset_sub_prefetch() call */

/**
 * Warm the cache for lookups about to come: the slots of keys[0..n) first,
 * then, once those are on their way, the entries they point to; so that the
 * misses of a batch overlap instead of coming one lookup at a time (at N = 1M
 * the slot array is 32 MB and the entries 175 MB, read at random). Reads
 * only, changes nothing; call inside an RCU read-side section.
 * @param zone_idx, labels, label_lens  as for zoneset_sub_find(), n of each.
 */
void zoneset_sub_prefetch(const unsigned *zone_idx, const uint8_t *const *labels,
			  const size_t *label_lens, size_t n);

/**
 * Free everything at shutdown, after all readers stopped. Call from an
 * RCU-registered thread.
 */
void zoneset_cleanup(void);

#endif
