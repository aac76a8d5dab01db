/* SPDX-License-Identifier: MIT */
/* test_store_sqlite.c -- the SQLite store: subdomains, values, keys, change feed, schema */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"

struct seen {
	int cnt;
	int deleted;
	char last_label[STORE_LABEL_MAX + 1];
	unsigned last_txt_cnt;
};

static int count_sub(const sub_rec_t *s, void *ctx)
{
	struct seen *seen = ctx;
	seen->cnt++;
	seen->deleted += s->deleted;
	snprintf(seen->last_label, sizeof(seen->last_label), "%s", s->label);
	seen->last_txt_cnt = s->txt_cnt;
	return 0;
}

static int count_key(const key_rec_t *k, void *ctx)
{
	(void)k;
	(*(int *)ctx)++;
	return 0;
}

static int stop_at_first(const sub_rec_t *s, void *ctx)
{
	(void)s;
	(void)ctx;
	return 7;
}

int main(void)
{
	char dir[] = "/tmp/lc-test-store-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	char data[256];
	snprintf(data, sizeof(data), "%s/nested/data", dir);
	log_set_level(LOG_ERR - 1); /* the failures below are expected; keep prove output clean */

	store_t *st = NULL;
	is_int(store_open(data, &st), LC_EOK, "open creates nested dirs and schema");
	is_int(store_check(st), LC_EOK, "integrity check");
	int64_t seq0 = -1;
	is_int(store_seq(st, &seq0), LC_EOK, "seq readable");
	is_int(seq0, 0, "fresh seq is 0");

	/* Subdomains */
	sub_rec_t a, b;
	is_int(store_sub_create(st, "demo", "localhostcert.test", SUB_NAMED, &a), LC_EOK, "create");
	is_str(a.label, "demo", "label");
	is_str(a.parent, "localhostcert.test", "parent");
	is_int(a.kind, SUB_NAMED, "kind");
	is_int(a.serial, 1, "first serial is 1");
	is_int(a.seq, 1, "seq 1");
	ok(a.created > 0 && !a.deleted && a.txt_cnt == 0, "fresh record");
	is_int(store_sub_create(st, "demo", "localhostcert.test", SUB_NAMED, &b), LC_EEXIST,
	       "same label and parent exists");
	is_int(store_sub_create(st, "demo", "localcert.test", SUB_INSTANT, &b), LC_EOK,
	       "same label under another parent");
	is_int(store_sub_find(st, "demo", "localhostcert.test", &b), LC_EOK, "find");
	is_int(b.id, a.id, "find gives the same row");
	is_int(store_sub_find(st, "nope", "localhostcert.test", &b), LC_ENOENT, "find unknown");
	is_int(store_sub_get(st, 9999, &b), LC_ENOENT, "get unknown");

	/* Challenge values: newest two kept, duplicates move to the end */
	sub_rec_t r;
	is_int(store_txt_add(st, a.id, "v1", &r), LC_EOK, "add v1");
	is_int(r.txt_cnt, 1, "one value");
	is_int(r.serial, 2, "serial bumped");
	ok(r.seq > a.seq, "seq bumped");
	store_txt_add(st, a.id, "v2", &r);
	is_int(store_txt_add(st, a.id, "v3", &r), LC_EOK, "add v3");
	is_int(r.txt_cnt, 2, "still two values");
	is_str(r.txt[0], "v2", "oldest dropped; v2 first");
	is_str(r.txt[1], "v3", "v3 newest");
	is_int(r.serial, 4, "serial 4");
	store_txt_add(st, a.id, "v2", &r);
	is_str(r.txt[0], "v3", "re-added value becomes newest (v3 first)");
	is_str(r.txt[1], "v2", "v2 newest");
	is_int(store_sub_get(st, a.id, &b), LC_EOK, "get");
	ok(b.txt_cnt == 2 && strcmp(b.txt[0], "v3") == 0 && b.serial == r.serial, "get agrees");
	is_int(store_txt_del(st, a.id, "v3", &r), LC_EOK, "delete a value");
	ok(r.txt_cnt == 1 && strcmp(r.txt[0], "v2") == 0, "one left");
	is_int(store_txt_add(st, 9999, "x", &r), LC_ENOENT, "add to unknown subdomain");
	char big[STORE_TXT_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(store_txt_add(st, a.id, big, &r), LC_EINVAL, "value over 255 rejected");

	/* Keys */
	uint8_t h1[32], h2[32];
	memset(h1, 1, sizeof(h1));
	memset(h2, 2, sizeof(h2));
	char k1[STORE_KEY_ID_LEN + 1], k2[STORE_KEY_ID_LEN + 1], k3[STORE_KEY_ID_LEN + 1];
	is_int(store_key_create(st, a.id, h1, "[]", k1), LC_EOK, "key 1");
	is_int((int)strlen(k1), 36, "key id is a UUID");
	is_int(store_key_create(st, a.id, h2, "[\"10.0.0.0/8\"]", k2), LC_EOK, "key 2");
	is_int(store_key_create(st, a.id, h2, "[]", k3), LC_ELIMIT, "third live key refused");
	is_int(store_key_create(st, 9999, h2, "[]", k3), LC_ENOENT, "key for unknown subdomain");
	key_rec_t k;
	is_int(store_key_get(st, k2, &k), LC_EOK, "get key");
	ok(k.sub_id == a.id && memcmp(k.secret_hash, h2, 32) == 0, "key fields");
	is_str(k.allowfrom, "[\"10.0.0.0/8\"]", "allowfrom");
	is_int(k.last_used, 0, "never used");
	is_int(store_key_touch(st, k2, 12345), LC_EOK, "touch");
	store_key_get(st, k2, &k);
	is_int(k.last_used, 12345, "last_used recorded");
	int nkeys = 0;
	is_int(store_key_foreach(st, a.id, count_key, &nkeys), LC_EOK, "foreach");
	is_int(nkeys, 2, "two keys");
	is_int(store_key_revoke(st, k1), LC_EOK, "revoke");
	is_int(store_key_get(st, k1, &k), LC_ENOENT, "revoked key is gone");
	is_int(store_key_revoke(st, k1), LC_ENOENT, "revoke twice");
	is_int(store_key_revoke(st, "00000000-0000-4000-8000-000000000000"), LC_ENOENT,
	       "revoke unknown");
	is_int(store_key_create(st, a.id, h1, "[]", k3), LC_EOK, "a slot is free again");

	/* store_key_get_uniform(): the same answers as store_key_get(). */
	is_int(store_key_get_uniform(st, k2, &k), LC_EOK, "uniform: a live key is found");
	ok(strcmp(k.id, k2) == 0 && memcmp(k.secret_hash, h2, 32) == 0, "uniform: its fields");
	is_int(store_key_get_uniform(st, k1, &k), LC_ENOENT, "uniform: a revoked key is not");
	is_int(store_key_get_uniform(st, "00000000-0000-4000-8000-000000000000", &k), LC_ENOENT,
	       "uniform: unknown id below every key");
	is_int(store_key_get_uniform(st, "ffffffff-ffff-4fff-bfff-ffffffffffff", &k), LC_ENOENT,
	       "uniform: unknown id above every key");
	char near[STORE_KEY_ID_LEN + 1];
	snprintf(near, sizeof(near), "%s", k2);
	near[STORE_KEY_ID_LEN - 1] = near[STORE_KEY_ID_LEN - 1] == '0' ? '1' : '0';
	is_int(store_key_get_uniform(st, near, &k), LC_ENOENT, "uniform: an id one character off");
	is_int(store_key_get_uniform(st, "", &k), LC_ENOENT, "uniform: empty id");

	/* Registration in one transaction */
	sub_rec_t c;
	char kc[STORE_KEY_ID_LEN + 1];
	is_int(store_sub_create_key(st, "abc", "localcert.test", SUB_DELEGATE, h1, "[]", &c, kc),
	       LC_EOK, "create with key");
	is_int(store_key_get(st, kc, &k), LC_EOK, "its key exists");
	is_int(k.sub_id, c.id, "and belongs to it");
	int64_t before = 0;
	store_seq(st, &before);
	is_int(store_sub_create_key(st, "abc", "localcert.test", SUB_DELEGATE, h1, "[]", &c, kc),
	       LC_EEXIST, "create with key: exists");
	int64_t after = 0;
	store_seq(st, &after);
	is_int(after, before, "failed registration left no trace");

	/* Change feed */
	struct seen seen = { 0 };
	int64_t max = -1;
	is_int(store_changes(st, 0, count_sub, &seen, &max), LC_EOK, "changes since 0");
	is_int(seen.cnt, 3, "three subdomains");
	store_seq(st, &after);
	is_int(max, after, "max seq is the global seq");
	memset(&seen, 0, sizeof(seen));
	int64_t max2 = max;
	is_int(store_changes(st, max, count_sub, &seen, &max2), LC_EOK, "no changes");
	ok(seen.cnt == 0 && max2 == max, "nothing new, max unchanged");
	store_txt_add(st, a.id, "v9", &r);
	memset(&seen, 0, sizeof(seen));
	store_changes(st, max, count_sub, &seen, &max2);
	is_int(seen.cnt, 1, "one change");
	is_str(seen.last_label, "demo", "the changed subdomain");
	is_int(seen.last_txt_cnt, 2, "with its values");
	is_int(max2, r.seq, "max is its seq");
	is_int(store_changes(st, 0, stop_at_first, NULL, &max2), 7, "callback can stop");

	/* Deletion: row stays, label never reissued */
	is_int(store_sub_delete(st, a.id, &r), LC_EOK, "delete");
	ok(r.deleted && r.txt_cnt == 0, "deleted, values gone");
	is_int(store_key_get(st, k2, &k), LC_ENOENT, "keys revoked");
	is_int(store_sub_find(st, "demo", "localhostcert.test", &b), LC_ENOENT, "not found live");
	is_int(store_sub_get(st, a.id, &b), LC_EOK, "row kept");
	is_int(store_sub_create(st, "demo", "localhostcert.test", SUB_NAMED, &b), LC_EEXIST,
	       "label never reissued");
	is_int(store_txt_add(st, a.id, "x", &r), LC_ENOENT, "no values for deleted");
	is_int(store_sub_delete(st, a.id, &r), LC_ENOENT, "delete twice");
	memset(&seen, 0, sizeof(seen));
	store_changes(st, max, count_sub, &seen, &max2);
	is_int(seen.deleted, 1, "feed reports the deletion");
	memset(&seen, 0, sizeof(seen));
	store_changes(st, 0, count_sub, &seen, &max2);
	ok(seen.deleted == 0 && seen.cnt == 2, "the first load (since 0) lists live subdomains only");

	/* A second connection (another process, e.g. localcertctl) sees committed changes */
	store_t *st2 = NULL;
	is_int(store_open(data, &st2), LC_EOK, "second connection");
	store_seq(st, &before);
	sub_rec_t d;
	is_int(store_sub_create(st2, "other", "localhostcert.test", SUB_NAMED, &d), LC_EOK,
	       "create via second");
	memset(&seen, 0, sizeof(seen));
	store_changes(st, before, count_sub, &seen, &max2);
	ok(seen.cnt == 1 && strcmp(seen.last_label, "other") == 0, "first connection sees it");
	store_free(st2);

	/* Reopen: durable, schema version kept */
	store_free(st);
	st = NULL;
	is_int(store_open(data, &st), LC_EOK, "reopen");
	is_int(store_sub_find(st, "other", "localhostcert.test", &d), LC_EOK, "data survived");
	store_free(st);
	store_free(NULL);

	/* A schema newer than the program is refused */
	char path[300];
	snprintf(path, sizeof(path), "%s/localcert.db", data);
	sqlite3 *db = NULL;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	st = NULL;
	is_int(store_open(data, &st), LC_EDB, "newer schema refused");
	ok(st == NULL, "no store returned");

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
