/* SPDX-License-Identifier: MIT */
/* test_zone_zoneset.c -- the subdomain index: insert, replace, delete, grow, look up */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "tap.h"
#include "util/error.h"
#include "zone/zoneset.h"

static const sub_entry_t *find(unsigned zone, const char *label)
{
	return zoneset_sub_find(zone, (const uint8_t *)label, strlen(label));
}

int main(void)
{
	char label[64];
	const char *vals[3] = { "one", "two", "three" };
	int bad = 0;

	rcu_register_thread();
	zoneset_t *zs = calloc(1, sizeof(*zs));
	is_int(zoneset_publish(zs), LC_EOK, "publish an empty zone set");

	rcu_read_lock();
	for (int i = 0; i < 20000; i++) {
		snprintf(label, sizeof(label), "label-%d", i);
		if (zoneset_sub_put((unsigned)(i % 3), label, i % 2, (uint32_t)i, vals, 1) != LC_EOK) {
			bad++;
		}
	}
	is_int(bad, 0, "20000 inserts (the table grows several times)");
	is_int(zoneset_sub_count(), 20000, "count");
	bad = 0;
	for (int i = 0; i < 20000; i++) {
		snprintf(label, sizeof(label), "label-%d", i);
		const sub_entry_t *e = find((unsigned)(i % 3), label);
		if (e == NULL || sub_serial(e) != (uint32_t)i || sub_txt_at_apex(e) != (i % 2)) {
			bad++;
		}
		if (find((unsigned)((i + 1) % 3), label) != NULL) {
			bad++; /* the zone index is part of the key */
		}
	}
	is_int(bad, 0, "every entry found under its own parent only");

	bad = 0;
	for (int i = 0; i < 20000; i += 2) {
		snprintf(label, sizeof(label), "LABEL-%d", i);
		zoneset_sub_put((unsigned)(i % 3), label, false, (uint32_t)i + 100000, vals, 3);
	}
	for (int i = 0; i < 20000; i += 2) {
		snprintf(label, sizeof(label), "label-%d", i);
		const sub_entry_t *e = find((unsigned)(i % 3), label);
		size_t l;
		if (e == NULL || sub_serial(e) != (uint32_t)i + 100000 || sub_txt_cnt(e) != 2 ||
		    memcmp(sub_txt(e, 1, &l), "three", 5) != 0 || l != 5) {
			bad++;
		}
	}
	is_int(bad, 0, "replace keeps the newest two values, label case folded");
	is_int(zoneset_sub_count(), 20000, "replacing does not change the count");

	for (int i = 0; i < 20000; i += 3) {
		snprintf(label, sizeof(label), "label-%d", i);
		zoneset_sub_del((unsigned)(i % 3), label);
	}
	bad = 0;
	for (int i = 0; i < 20000; i++) {
		snprintf(label, sizeof(label), "label-%d", i);
		bool want = i % 3 != 0;
		if ((find((unsigned)(i % 3), label) != NULL) != want) {
			bad++;
		}
	}
	is_int(bad, 0, "deleted entries are gone, the others still found past tombstones");
	for (int i = 0; i < 20000; i += 3) {
		snprintf(label, sizeof(label), "label-%d", i);
		zoneset_sub_put((unsigned)(i % 3), label, false, 7, vals, 0);
	}
	is_int(zoneset_sub_count(), 20000, "re-inserted into tombstones");
	ok(find(0, "label-0") != NULL && sub_serial(find(0, "label-0")) == 7, "re-inserted entry found");
	is_int(zoneset_sub_put(0, "", false, 1, vals, 0), LC_EINVAL, "empty label refused");

	/* zoneset_sub_prefetch(): present, absent, deleted and foreign-zone keys, more than
	 * ZONESET_PREFETCH_MAX of them, and none; it only reads, so every lookup is unchanged. */
	unsigned zi[100];
	const uint8_t *ls[100];
	size_t ll[100];
	char names[100][32];
	for (int i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), i % 4 == 3 ? "absent-%d" : "label-%d", i);
		zi[i] = (unsigned)(i % 5 == 4 ? 7 : i % 3);
		ls[i] = (const uint8_t *)names[i];
		ll[i] = strlen(names[i]);
	}
	zoneset_sub_prefetch(zi, ls, ll, 100);
	zoneset_sub_prefetch(zi, ls, ll, 0);
	bad = 0;
	for (int i = 0; i < 100; i++) {
		bool want = i % 4 != 3 && i % 5 != 4;
		if ((find(zi[i], names[i]) != NULL) != want) {
			bad++;
		}
	}
	is_int(bad, 0, "prefetching changes no lookup");
	rcu_read_unlock();

	zoneset_cleanup();
	rcu_unregister_thread();
	return tap_done();
}
