/* SPDX-License-Identifier: MIT */
/* zoneset.c -- the published DNS data: configured zones plus an RCU hash of subdomains */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "zone/zoneset.h"

/*
 * LeakSanitizer finds live blocks by scanning memory for values that point
 * into them. A tagged slot (below) is not such a value, so every entry looks
 * leaked to a check made while the daemon runs, such as libFuzzer's check
 * after each input (fuzz_http_api stopped at its first input). In ASan
 * builds each entry is therefore marked as referenced; the table is the only
 * owner, and zoneset_free()/call_rcu free the entries as before.
 */
#if defined(__SANITIZE_ADDRESS__)
#define LC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LC_LSAN 1
#endif
#endif
#ifdef LC_LSAN
#include <sanitizer/lsan_interface.h>
#define lsan_ignore(p) __lsan_ignore_object(p)
#else
#define lsan_ignore(p) ((void)(p))
#endif

/*
 * A subdomain entry. Its label and challenge values live in one allocation
 * right after the fixed fields, so an entry costs one malloc and no pointers.
 */
struct sub_entry {
	struct rcu_head rcu;
	uint32_t hash;
	uint32_t serial;
	uint16_t zone_idx;
	uint8_t label_len;
	uint8_t txt_at_apex;
	uint8_t txt_cnt;
	uint8_t txt_len[SUB_TXT_MAX];
	uint8_t data[]; /* label, then each value */
};

/*
 * The subdomain index: an open-addressing hash table of pointers to
 * immutable entries, linear probing, load factor at most 1/2. Readers probe
 * without locks. The single writer replaces an entry by storing the new
 * pointer into the same slot (readers see the old or the new entry, both
 * whole), deletes by storing a tombstone, and grows by publishing a new slot
 * array that points at the same entries; the old array and replaced entries
 * are freed after an RCU grace period. Compared with a linked hash table a
 * lookup touches two cache lines: the slot and the entry.
 */
typedef struct sub_table {
	struct rcu_head rcu;
	size_t mask;
	size_t used;      /* live entries + tombstones */
	_Atomic uintptr_t slots[];
} sub_table_t;

/*
 * A slot is a pointer with a 16-bit tag from the key's hash in its top bits
 * (user-space pointers use 47 bits on x86-64 and ARM64), so probing past
 * other keys rarely touches their entries: most lookups and inserts then
 * miss the cache once for the slot and once for the right entry only.
 */
#define SLOT_EMPTY ((uintptr_t)0)
#define SLOT_TOMB ((uintptr_t)1)
#define SLOT_PTR_MASK ((((uintptr_t)1) << 48) - 1)
#define TABLE_MIN 1024
_Static_assert(sizeof(uintptr_t) == 8, "tagged slots need 64-bit pointers");

static inline sub_entry_t *slot_entry(uintptr_t v)
{
	return (sub_entry_t *)(v & SLOT_PTR_MASK);
}

static inline uint16_t slot_tag(uintptr_t v)
{
	return (uint16_t)(v >> 48);
}

static inline uint16_t tag_of(uint64_t h)
{
	return (uint16_t)((h >> 48) | 1); /* never 0, so SLOT_EMPTY/SLOT_TOMB never match a tag */
}

/*
 * Publication uses C11 release stores and consume loads rather than liburcu's
 * rcu_assign_pointer()/rcu_dereference() on these _Atomic pointers: the same
 * instructions on x86 and ARM64, but ThreadSanitizer sees the ordering, and
 * clang accepts them on _Atomic objects. Reclamation still waits for an RCU
 * grace period (call_rcu); see docs/hardening.md for the TSan suppressions.
 */
static zoneset_t *_Atomic current;
static sub_table_t *_Atomic table;
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
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

/*
 * A multiply-xorshift hash over the label eight bytes at a time (labels are
 * mostly 36-character UUIDs), with the zone index mixed in first.
 */
static uint64_t hash_key(unsigned zone_idx, const uint8_t *label, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = (zone_idx + 1) * k ^ len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, label + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (i < len) {
		uint64_t w = 0;
		memcpy(&w, label + i, len - i);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	h *= k;
	return h ^ (h >> 29);
}

static sub_table_t *table_new(size_t slots)
{
	sub_table_t *t = calloc(1, sizeof(*t) + slots * sizeof(t->slots[0]));
	if (t != NULL) {
		t->mask = slots - 1;
	}
	return t;
}

static void free_table(struct rcu_head *head)
{
	free(caa_container_of(head, sub_table_t, rcu));
}

static void free_entry(struct rcu_head *head)
{
	free(caa_container_of(head, sub_entry_t, rcu));
}

static bool entry_is(const sub_entry_t *e, uint32_t h, unsigned zone_idx, const uint8_t *label,
		     size_t len)
{
	return e->hash == h && e->zone_idx == zone_idx && e->label_len == len &&
	       memcmp(e->data, label, len) == 0;
}

/* Writer only: the slot holding the key, or the first free one; NULL when the table is full. */
static _Atomic uintptr_t *find_slot(sub_table_t *t, uint64_t h, unsigned zone_idx,
				    const uint8_t *label, size_t len, bool *out_found)
{
	_Atomic uintptr_t *reuse = NULL;
	uint16_t tag = tag_of(h);
	for (size_t i = 0, at = h & t->mask; i <= t->mask; i++, at = (at + 1) & t->mask) {
		uintptr_t v = atomic_load_explicit(&t->slots[at], memory_order_relaxed);
		if (v == SLOT_EMPTY) {
			*out_found = false;
			return reuse != NULL ? reuse : &t->slots[at];
		}
		if (v == SLOT_TOMB) {
			if (reuse == NULL) {
				reuse = &t->slots[at];
			}
			continue;
		}
		if (slot_tag(v) == tag && entry_is(slot_entry(v), (uint32_t)h, zone_idx, label, len)) {
			*out_found = true;
			return &t->slots[at];
		}
	}
	*out_found = false;
	return reuse;
}

/* Writer only: a table twice the live size (at least TABLE_MIN), tombstones dropped. */
static int grow(void)
{
	size_t live = atomic_load(&sub_cnt);
	size_t slots = TABLE_MIN;
	while (slots < 4 * (live + 1)) {
		slots <<= 1;
	}
	sub_table_t *t = table_new(slots);
	if (t == NULL) {
		return LC_ENOMEM;
	}
	sub_table_t *old = table;
	for (size_t i = 0; old != NULL && i <= old->mask; i++) {
		uintptr_t v = atomic_load_explicit(&old->slots[i], memory_order_relaxed);
		if (v == SLOT_EMPTY || v == SLOT_TOMB) {
			continue;
		}
		size_t at = slot_entry(v)->hash & t->mask;
		while (t->slots[at] != SLOT_EMPTY) {
			at = (at + 1) & t->mask;
		}
		t->slots[at] = v; /* the tag moves with the pointer */
		t->used++;
	}
	atomic_store_explicit(&table, t, memory_order_release);
	if (old != NULL) {
		call_rcu(&old->rcu, free_table);
	}
	return LC_EOK;
}

int zoneset_publish(zoneset_t *zs)
{
	if (table == NULL && grow() != LC_EOK) {
		return LC_ENOMEM;
	}
	for (size_t i = 0; i < zs->zone_cnt; i++) {
		zs->zones[i]->idx = (unsigned)i;
	}
	atomic_store_explicit(&current, zs, memory_order_release);
	return LC_EOK;
}

const zoneset_t *zoneset_get(void)
{
	return atomic_load_explicit(&current, memory_order_consume);
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
	const sub_table_t *t = atomic_load_explicit(&table, memory_order_consume);
	uint64_t h = hash_key(zone_idx, label, label_len);
	uint16_t tag = tag_of(h);

	for (size_t i = 0, at = h & t->mask; i <= t->mask; i++, at = (at + 1) & t->mask) {
		uintptr_t v = atomic_load_explicit(&t->slots[at], memory_order_consume);
		if (v == SLOT_EMPTY) {
			return NULL;
		}
		if (slot_tag(v) == tag && entry_is(slot_entry(v), (uint32_t)h, zone_idx, label,
						   label_len)) {
			return slot_entry(v);
		}
	}
	return NULL;
}

void zoneset_sub_prefetch(const unsigned *zone_idx, const uint8_t *const *labels,
			  const size_t *label_lens, size_t n)
{
	const sub_table_t *t = atomic_load_explicit(&table, memory_order_consume);
	uint64_t h[ZONESET_PREFETCH_MAX];
	if (t == NULL) {
		return;
	}
	n = n < ZONESET_PREFETCH_MAX ? n : ZONESET_PREFETCH_MAX;
	for (size_t i = 0; i < n; i++) {
		h[i] = hash_key(zone_idx[i], labels[i], label_lens[i]);
		__builtin_prefetch(&t->slots[h[i] & t->mask]);
	}
	for (size_t i = 0; i < n; i++) {
		uintptr_t v = atomic_load_explicit(&t->slots[h[i] & t->mask], memory_order_consume);
		if (v != SLOT_EMPTY && v != SLOT_TOMB && slot_tag(v) == tag_of(h[i])) {
			__builtin_prefetch(slot_entry(v));
		}
	}
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
	uint64_t h = hash_key(zone_idx, e->data, ll);
	e->hash = (uint32_t)h;
	if (((uintptr_t)e & ~SLOT_PTR_MASK) != 0) {
		free(e); /* cannot happen with 4-level paging; refuse rather than corrupt */
		return LC_ENOMEM;
	}
	uintptr_t nv = (uintptr_t)e | ((uintptr_t)tag_of(h) << 48);
	lsan_ignore(e);

	pthread_mutex_lock(&writer);
	int ret = LC_EOK;
	bool found;
	if ((table->used + 1) * 2 > table->mask + 1) {
		ret = grow();
	}
	_Atomic uintptr_t *slot = NULL;
	if (ret == LC_EOK) {
		slot = find_slot(table, h, zone_idx, e->data, ll, &found);
	}
	if (slot == NULL) {
		pthread_mutex_unlock(&writer);
		free(e);
		return LC_ENOMEM;
	}
	uintptr_t old = atomic_load_explicit(slot, memory_order_relaxed);
	atomic_store_explicit(slot, nv, memory_order_release);
	if (found) {
		call_rcu(&slot_entry(old)->rcu, free_entry);
	} else {
		if (old == SLOT_EMPTY) {
			table->used++;
		}
		atomic_fetch_add(&sub_cnt, 1);
	}
	pthread_mutex_unlock(&writer);
	return LC_EOK;
}

int zoneset_sub_del(unsigned zone_idx, const char *label)
{
	uint8_t low[64];
	size_t ll = strlen(label);
	bool found;

	if (ll == 0 || ll > 63) {
		return LC_EOK;
	}
	for (size_t i = 0; i < ll; i++) {
		char c = label[i];
		low[i] = (uint8_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	pthread_mutex_lock(&writer);
	uint64_t h = hash_key(zone_idx, low, ll);
	_Atomic uintptr_t *slot = find_slot(table, h, zone_idx, low, ll, &found);
	if (found) {
		uintptr_t old = atomic_load_explicit(slot, memory_order_relaxed);
		atomic_store_explicit(slot, SLOT_TOMB, memory_order_release);
		call_rcu(&slot_entry(old)->rcu, free_entry);
		atomic_fetch_sub(&sub_cnt, 1);
	}
	pthread_mutex_unlock(&writer);
	return LC_EOK;
}

size_t zoneset_sub_count(void)
{
	return atomic_load(&sub_cnt);
}

void zoneset_cleanup(void)
{
	zoneset_t *zs = current;
	sub_table_t *t = table;
	atomic_store_explicit(&current, NULL, memory_order_release);
	atomic_store_explicit(&table, NULL, memory_order_release);
	synchronize_rcu();
	rcu_barrier(); /* replaced entries and old tables queued with call_rcu */
	for (size_t i = 0; t != NULL && i <= t->mask; i++) {
		uintptr_t v = t->slots[i];
		if (v != SLOT_EMPTY && v != SLOT_TOMB) {
			free(slot_entry(v));
		}
	}
	free(t);
	if (zs != NULL) {
		for (size_t i = 0; i < zs->zone_cnt; i++) {
			zone_free(zs->zones[i]);
		}
		free(zs->zones);
		free(zs);
	}
	atomic_store(&sub_cnt, 0);
}
