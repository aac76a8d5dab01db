/* SPDX-License-Identifier: MIT */
/* zoneset.c -- the published DNS data: configured zones plus an RCU hash of subdomains */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>
#include <urcu/rculfhash.h>

#include "zone/zoneset.h"

/*
 * A subdomain entry. Its label and challenge values live in one allocation
 * right after the fixed fields, so an entry costs one malloc and no pointers.
 */
struct sub_entry {
	struct cds_lfht_node node;
	struct rcu_head rcu;
	uint32_t serial;
	uint16_t zone_idx;
	uint8_t label_len;
	uint8_t txt_at_apex;
	uint8_t txt_cnt;
	uint8_t txt_len[SUB_TXT_MAX];
	uint8_t data[]; /* label, then each value */
};

static zoneset_t *current;
static struct cds_lfht *subs;
static atomic_size_t sub_cnt;

uint32_t sub_serial(const sub_entry_t *e)
{
	return e->serial;
}

bool sub_txt_at_apex(const sub_entry_t *e)
{
	return e->txt_at_apex != 0;
}

unsigned sub_txt_cnt(const sub_entry_t *e)
{
	return e->txt_cnt;
}

const uint8_t *sub_txt(const sub_entry_t *e, unsigned i, size_t *out_len)
{
	size_t at = e->label_len;
	for (unsigned j = 0; j < i; j++) {
		at += e->txt_len[j];
	}
	*out_len = e->txt_len[i];
	return e->data + at;
}

/* FNV-1a over the zone index and the label; good enough spread for UUID and chosen labels. */
static unsigned long hash_key(unsigned zone_idx, const uint8_t *label, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ zone_idx;
	for (size_t i = 0; i < len; i++) {
		h = (h ^ label[i]) * 1099511628211ULL;
	}
	return (unsigned long)(h ^ (h >> 29));
}

struct key {
	unsigned zone_idx;
	const uint8_t *label;
	size_t len;
};

static int match(struct cds_lfht_node *node, const void *key)
{
	const sub_entry_t *e = caa_container_of(node, sub_entry_t, node);
	const struct key *k = key;
	return e->zone_idx == k->zone_idx && e->label_len == k->len &&
	       memcmp(e->data, k->label, k->len) == 0;
}

int zoneset_publish(zoneset_t *zs)
{
	if (subs == NULL) {
		subs = cds_lfht_new(1 << 12, 1 << 12, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
				    NULL);
		if (subs == NULL) {
			return LC_ENOMEM;
		}
	}
	for (size_t i = 0; i < zs->zone_cnt; i++) {
		zs->zones[i]->idx = (unsigned)i;
	}
	rcu_assign_pointer(current, zs);
	return LC_EOK;
}

const zoneset_t *zoneset_get(void)
{
	return rcu_dereference(current);
}

const zone_t *zoneset_find_zone(const zoneset_t *zs, const dname_t *name, unsigned *out_depth)
{
	const zone_t *best = NULL;
	unsigned best_depth = 0;

	for (size_t i = 0; i < zs->zone_cnt; i++) {
		const zone_t *z = zs->zones[i];
		unsigned depth;
		if ((best == NULL || z->apex_labels > best->apex_labels) &&
		    dname_under(name, z->apex, z->apex_len, z->apex_labels, &depth)) {
			best = z;
			best_depth = depth;
		}
	}
	if (best != NULL && out_depth != NULL) {
		*out_depth = best_depth;
	}
	return best;
}

const sub_entry_t *zoneset_sub_find(unsigned zone_idx, const uint8_t *label, size_t label_len)
{
	struct cds_lfht_iter it;
	struct key k = { zone_idx, label, label_len };

	cds_lfht_lookup(subs, hash_key(zone_idx, label, label_len), match, &k, &it);
	struct cds_lfht_node *node = cds_lfht_iter_get_node(&it);
	return node != NULL ? caa_container_of(node, sub_entry_t, node) : NULL;
}

static void free_entry(struct rcu_head *head)
{
	free(caa_container_of(head, sub_entry_t, rcu));
}

int zoneset_sub_put(unsigned zone_idx, const char *label, bool txt_at_apex, uint32_t serial,
		    const char *const *txt, unsigned txt_cnt)
{
	size_t ll = strlen(label);
	size_t total = ll;

	if (ll == 0 || ll > 63) {
		return LC_EINVAL;
	}
	if (txt_cnt > SUB_TXT_MAX) {
		txt = txt + (txt_cnt - SUB_TXT_MAX);
		txt_cnt = SUB_TXT_MAX;
	}
	for (unsigned i = 0; i < txt_cnt; i++) {
		size_t l = strlen(txt[i]);
		if (l > 255) {
			return LC_EINVAL;
		}
		total += l;
	}
	sub_entry_t *e = calloc(1, sizeof(*e) + total);
	if (e == NULL) {
		return LC_ENOMEM;
	}
	e->serial = serial;
	e->zone_idx = (uint16_t)zone_idx;
	e->label_len = (uint8_t)ll;
	e->txt_at_apex = txt_at_apex;
	e->txt_cnt = (uint8_t)txt_cnt;
	for (size_t i = 0; i < ll; i++) {
		char c = label[i];
		e->data[i] = (uint8_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	size_t at = ll;
	for (unsigned i = 0; i < txt_cnt; i++) {
		size_t l = strlen(txt[i]);
		e->txt_len[i] = (uint8_t)l;
		memcpy(e->data + at, txt[i], l);
		at += l;
	}
	cds_lfht_node_init(&e->node);

	struct key k = { zone_idx, e->data, ll };
	rcu_read_lock();
	struct cds_lfht_node *old =
		cds_lfht_add_replace(subs, hash_key(zone_idx, e->data, ll), match, &k, &e->node);
	rcu_read_unlock();
	if (old != NULL) {
		call_rcu(&caa_container_of(old, sub_entry_t, node)->rcu, free_entry);
	} else {
		atomic_fetch_add(&sub_cnt, 1);
	}
	return LC_EOK;
}

int zoneset_sub_del(unsigned zone_idx, const char *label)
{
	uint8_t low[64];
	size_t ll = strlen(label);
	struct cds_lfht_iter it;

	if (ll == 0 || ll > 63) {
		return LC_EOK;
	}
	for (size_t i = 0; i < ll; i++) {
		char c = label[i];
		low[i] = (uint8_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	struct key k = { zone_idx, low, ll };
	rcu_read_lock();
	cds_lfht_lookup(subs, hash_key(zone_idx, low, ll), match, &k, &it);
	struct cds_lfht_node *node = cds_lfht_iter_get_node(&it);
	if (node != NULL && cds_lfht_del(subs, node) == 0) {
		call_rcu(&caa_container_of(node, sub_entry_t, node)->rcu, free_entry);
		atomic_fetch_sub(&sub_cnt, 1);
	}
	rcu_read_unlock();
	return LC_EOK;
}

size_t zoneset_sub_count(void)
{
	return atomic_load(&sub_cnt);
}

void zoneset_cleanup(void)
{
	if (subs != NULL) {
		struct cds_lfht_iter it;
		struct cds_lfht_node *node;
		rcu_read_lock();
		cds_lfht_for_each(subs, &it, node) {
			if (cds_lfht_del(subs, node) == 0) {
				call_rcu(&caa_container_of(node, sub_entry_t, node)->rcu, free_entry);
			}
		}
		rcu_read_unlock();
		rcu_barrier();
		cds_lfht_destroy(subs, NULL);
		subs = NULL;
	}
	zoneset_t *zs = current;
	rcu_assign_pointer(current, NULL);
	synchronize_rcu();
	if (zs != NULL) {
		for (size_t i = 0; i < zs->zone_cnt; i++) {
			zone_free(zs->zones[i]);
		}
		free(zs->zones);
		free(zs);
	}
	atomic_store(&sub_cnt, 0);
}
