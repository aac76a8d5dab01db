/* SPDX-License-Identifier: MIT */
/* test_ctl_rebuild.c -- unit tests for src/ctl/rebuild.c: building zones from a conf_t */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "ctl/rebuild.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"

#include "tap.h"

/*
 * Bug (found by fuzz_conf): a parent zone name of more than 242 bytes in
 * wire form overflowed the stack buffers of the zone builder's fixed records
 * ("*._domainkey.<parent>"). conf now refuses such names; the builder must
 * refuse them too, whatever conf_t it is handed, and a failed build must
 * leave no state behind (a later rebuild_init() works).
 */
static void bug_parent_name_too_long_for_fixed_records(store_t *st)
{
	char err[256];
	conf_t *c = NULL;
	if (conf_load(NULL, &c, err, sizeof(err)) != LC_EOK) {
		ok(0, "default conf loads (%s)", err);
		return;
	}
	char *orig = c->zones[0].name;
	char long_name[256];
	snprintf(long_name, sizeof(long_name), "%063d.%063d.%063d.%059d", 0, 0, 0, 0);
	c->zones[0].name = long_name; /* 251 characters: what conf now refuses */
	int ret = rebuild_init(c, st);
	is_int(ret, LC_ERANGE, "bug: a parent name too long for *._domainkey is refused");
	rebuild_cleanup();
	c->zones[0].name = orig;
	is_int(rebuild_init(c, st), LC_EOK, "a build after the failed one works");
	is_int(rebuild_sub_count(), 0, "and starts empty");
	rebuild_cleanup();
	conf_free(c);
}

/*
 * Bug (review of the change log): the poll with nothing seen yet (last_seq 0)
 * took the first-load path, which reads live subdomains only, so a deletion
 * made by another process before the daemon's first poll was never applied
 * and the name stayed in DNS until a restart.
 */
static void bug_first_poll_missed_a_deletion(const char *dir, store_t *st)
{
	char err[256];
	conf_t *c = NULL;
	store_t *other = NULL; /* localcertctl */
	if (conf_load(NULL, &c, err, sizeof(err)) != LC_EOK || store_open(dir, &other) != LC_EOK) {
		ok(0, "default conf and a second connection (%s)", err);
		return;
	}
	const char *parent = c->zones[0].name;
	is_int(rebuild_init(c, st), LC_EOK, "build on an empty store");
	sub_rec_t y, x, gone;
	is_int(store_sub_create(other, "y", parent, SUB_NAMED, &y), LC_EOK, "another process adds y");
	is_int(store_sub_create(st, "x", parent, SUB_NAMED, &x), LC_EOK, "the daemon adds x");
	is_int(rebuild_sub(&x), LC_EOK, "and publishes it");
	is_int(store_sub_delete(other, x.id, &gone), LC_EOK, "another process deletes x");
	is_int(rebuild_poll(st), LC_EOK, "the first poll");
	is_int(rebuild_sub_count(), 1, "bug: x is gone from the index, y is in it");
	rebuild_cleanup();
	store_free(other);
	conf_free(c);
}

int main(void)
{
	char dir[] = "/tmp/test_ctl_rebuild.XXXXXX";
	store_t *st = NULL;
	log_set_level(-1); /* the builder logs the zone it refuses */
	if (mkdtemp(dir) == NULL || store_open(dir, &st) != LC_EOK) {
		printf("Bail out! cannot open a store in %s\n", dir);
		return 2;
	}
	bug_parent_name_too_long_for_fixed_records(st);
	bug_first_poll_missed_a_deletion(dir, st);
	store_free(st);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
