/* SPDX-License-Identifier: MIT */
/* test_store_migrate.c -- a version-2 database (txt table, rowid keys, seq index) opened by
 * this program: migrations 3 and 4 keep every value, key, last use and deletion, changes
 * still reach a poll, and a key's use writes its subdomain's row, not the key's */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/accounts.h"
#include "store/store.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"

/* Schema versions 1 and 2 as released (src/store/sqlite.c, migrations[0..1]): a fixture. */
static const char v2_schema[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO meta (key, value) VALUES ('seq', 0);"
	"CREATE TABLE subdomains (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL,"
	"  parent TEXT NOT NULL, kind INTEGER NOT NULL, serial INTEGER NOT NULL,"
	"  created INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL,"
	"  UNIQUE (label, parent));"
	"CREATE INDEX subdomains_seq ON subdomains (seq);"
	"CREATE TABLE txt (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  sub_id INTEGER NOT NULL REFERENCES subdomains (id), value TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX txt_sub ON txt (sub_id, id);"
	"CREATE TABLE keys (id TEXT PRIMARY KEY, sub_id INTEGER NOT NULL REFERENCES subdomains (id),"
	"  secret_hash BLOB NOT NULL CHECK (length(secret_hash) = 32),"
	"  allowfrom TEXT NOT NULL DEFAULT '[]', created INTEGER NOT NULL,"
	"  last_used INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX keys_sub ON keys (sub_id);"
	"CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
	"  pw_hash TEXT NOT NULL, staff INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
	"  pw_changed INTEGER NOT NULL);"
	"CREATE TABLE sessions (id_hash BLOB PRIMARY KEY CHECK (length(id_hash) = 32),"
	"  user_id INTEGER NOT NULL REFERENCES users (id), csrf TEXT NOT NULL,"
	"  created INTEGER NOT NULL, expires INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions (user_id);"
	"CREATE INDEX sessions_expires ON sessions (expires);"
	"ALTER TABLE subdomains ADD COLUMN owner_id INTEGER REFERENCES users (id);"
	"CREATE INDEX subdomains_owner ON subdomains (owner_id, deleted);"
	"CREATE INDEX keys_created ON keys (created);"
	"PRAGMA user_version = 2;";

/* Data as version 2 held it: a (two values, the older one first by id), b (one value,
 * two keys), c (deleted, a revoked key), and a user owning a. */
static const char v2_data[] =
	"INSERT INTO users VALUES (1, 'alice', 'x', 0, 100, 100);"
	"INSERT INTO subdomains VALUES (1, 'a', 'localhostcert.test', 2, 7, 100, 0, 5, 1);"
	"INSERT INTO subdomains VALUES (2, 'b', 'localhostcert.test', 0, 3, 101, 0, 6, NULL);"
	"INSERT INTO subdomains VALUES (3, 'c', 'localcert.test', 1, 2, 102, 1, 7, NULL);"
	"INSERT INTO txt (sub_id, value, created) VALUES (1, 'old-a', 100);"
	"INSERT INTO txt (sub_id, value, created) VALUES (2, 'only-b', 100);"
	"INSERT INTO txt (sub_id, value, created) VALUES (1, 'new-a', 101);"
	"INSERT INTO keys VALUES ('bbbbbbbb-0000-4000-8000-000000000002', 2, zeroblob(32), '[]',"
	"  200, 250, 0);"
	"INSERT INTO keys VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 2, zeroblob(32),"
	"  '[\"192.0.2.0/24\"]', 200, 0, 0);"
	"INSERT INTO keys VALUES ('cccccccc-0000-4000-8000-000000000003', 3, zeroblob(32), '[]',"
	"  150, 0, 160);"
	"UPDATE meta SET value = 7 WHERE key = 'seq';";

struct list {
	int cnt, deleted;
	char labels[8];
};

static int gather(const sub_rec_t *s, void *ctx)
{
	struct list *l = ctx;
	if (l->cnt < (int)sizeof(l->labels) - 1) {
		l->labels[l->cnt] = s->label[0];
	}
	l->cnt++;
	l->deleted += s->deleted;
	return 0;
}

struct keys {
	int cnt;
	char first[STORE_KEY_ID_LEN + 1];
};

static int first_key(const key_rec_t *k, void *ctx)
{
	struct keys *ks = ctx;
	if (ks->cnt++ == 0) {
		snprintf(ks->first, sizeof(ks->first), "%s", k->id);
	}
	return 0;
}

static int one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		v = sqlite3_column_int(s, 0);
	}
	sqlite3_finalize(s);
	return v;
}

int main(void)
{
	char dir[] = "/tmp/lc-test-migrate-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	log_set_level(LOG_ERR - 1);
	char path[300];
	snprintf(path, sizeof(path), "%s/localcert.db", dir);
	sqlite3 *db = NULL;
	ok(sqlite3_open(path, &db) == SQLITE_OK &&
		   sqlite3_exec(db, v2_schema, NULL, NULL, NULL) == SQLITE_OK &&
		   sqlite3_exec(db, v2_data, NULL, NULL, NULL) == SQLITE_OK,
	   "a version-2 database with data");
	sqlite3_close(db);

	store_t *st = NULL;
	is_int(store_open(dir, &st), LC_EOK, "opened: migrated");
	is_int(store_check(st), LC_EOK, "integrity check after the migration");

	sub_rec_t r;
	is_int(store_sub_get(st, 1, &r), LC_EOK, "a is there");
	ok(r.txt_cnt == 2 && strcmp(r.txt[0], "old-a") == 0 && strcmp(r.txt[1], "new-a") == 0,
	   "a keeps both values, oldest first");
	ok(r.serial == 7 && r.owner_id == 1 && r.kind == SUB_NAMED, "a keeps serial, owner, kind");
	is_int(store_sub_get(st, 2, &r), LC_EOK, "b is there");
	ok(r.txt_cnt == 1 && strcmp(r.txt[0], "only-b") == 0, "b keeps its one value");
	is_int(store_sub_get(st, 3, &r), LC_EOK, "c is there");
	ok(r.deleted && r.txt_cnt == 0, "c still deleted, no values");

	key_rec_t k;
	is_int(store_key_get(st, "bbbbbbbb-0000-4000-8000-000000000002", &k), LC_EOK, "key found");
	ok(k.sub_id == 2 && k.last_used == 250 && k.created == 200, "key keeps sub, times");
	is_int(store_key_get(st, "aaaaaaaa-0000-4000-8000-000000000001", &k), LC_EOK, "2nd key");
	is_str(k.allowfrom, "[\"192.0.2.0/24\"]", "key keeps allowfrom");
	is_int(k.last_used, 0, "the other key of b was never used, and still reads so");
	is_int(store_key_touch(st, "aaaaaaaa-0000-4000-8000-000000000001", 300), LC_EOK, "use it");
	store_key_get(st, "aaaaaaaa-0000-4000-8000-000000000001", &k);
	is_int(k.last_used, 300, "its last use is recorded");
	store_key_get(st, "bbbbbbbb-0000-4000-8000-000000000002", &k);
	is_int(k.last_used, 250, "the first key of b keeps its own");
	is_int(store_key_get(st, "cccccccc-0000-4000-8000-000000000003", &k), LC_ENOENT,
	       "revoked key stays revoked");
	struct keys ks = { 0 };
	store_key_foreach(st, 2, first_key, &ks);
	ok(ks.cnt == 2 && strcmp(ks.first, "bbbbbbbb-0000-4000-8000-000000000002") == 0,
	   "keys of one second keep the order they were made in");

	struct list l = { 0 };
	int64_t max = 0;
	is_int(store_changes(st, -1, gather, &l, &max), LC_EOK, "list every subdomain");
	ok(l.cnt == 3 && l.deleted == 1 && max == 7, "three, one deleted, sequence kept");
	memset(&l, 0, sizeof(l));
	is_int(store_changes(st, 0, gather, &l, &max), LC_EOK, "first load");
	ok(l.cnt == 2 && l.deleted == 0, "live ones only");

	/* After the migration, changes reach a poll through the change log. */
	int64_t before = 0;
	store_seq(st, &before);
	is_int(store_txt_add(st, 2, "later-b", &r), LC_EOK, "add to b");
	ok(r.txt_cnt == 2 && strcmp(r.txt[1], "later-b") == 0, "b has both, newest last");
	memset(&l, 0, sizeof(l));
	max = before;
	is_int(store_changes(st, before, gather, &l, &max), LC_EOK, "poll");
	ok(l.cnt == 1 && l.labels[0] == 'b' && max == before + 1, "the poll sees b, once");
	is_int(store_changes_prune(st, max), LC_EOK, "prune the log");
	memset(&l, 0, sizeof(l));
	store_changes(st, before, gather, &l, &max);
	is_int(l.cnt, 0, "a pruned change is not seen again");
	store_free(st);

	sqlite3_open(path, &db);
	is_int(one_int(db, "PRAGMA user_version"), 4, "schema version 4");
	is_int(one_int(db, "SELECT count(*) FROM pragma_table_info('keys') WHERE name = 'last_used'"),
	       0, "keys has no last_used column: a key's use leaves its row alone");
	is_int(one_int(db, "SELECT count(*) FROM subdomains, json_each(subdomains.key_used)"
			   " WHERE subdomains.id = 2"),
	       2, "b's row holds the last use of both its keys");
	is_int(one_int(db, "SELECT count(*) FROM subdomains WHERE key_used IS NOT NULL"), 1,
	       "and no other row holds any (the revoked key of c was never used)");
	is_int(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('txt', 'subdomains_seq')"),
	       0, "txt table and seq index gone");
	is_int(one_int(db, "SELECT count(*) FROM pragma_index_list('keys') WHERE origin = 'pk'"), 1,
	       "keys keyed by id");
	is_int(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'keys' AND sql LIKE"
			   " '%WITHOUT ROWID%'"),
	       1, "keys is a WITHOUT ROWID table");

	sqlite3_close(db);

	/* A key_used edited by hand into anything but an object of times must not
	 * lock its keys out, show as used, or be counted as used; the next use
	 * writes a fresh object. */
	static const struct {
		const char *sql_value, *what;
	} bad[] = {
		{ "'{broken'", "bug_bad_key_used_locks_the_key_out: not JSON" },
		{ "'[400000, 400000]'", "bug_key_used_not_an_object_never_rewritten: an array" },
		{ "'5'", "bug_key_used_not_an_object_never_rewritten: a number" },
		{ "'\"zzz\"'", "bug_key_used_not_an_object_never_rewritten: a string" },
		{ "'null'", "bug_key_used_not_an_object_never_rewritten: JSON null" },
		{ "NULL", "SQL NULL" },
		{ "'{\"1\":\"abc\",\"2\":\"abc\"}'", "bug_key_used_text_counted_as_used: text times" },
		{ "'{\"1\":{\"a\":1},\"2\":[1]}'", "bug_key_used_text_counted_as_used: nested times" },
		{ "'{\"1\":1e999,\"2\":1e999}'", "bug_key_used_out_of_range_garbage_date: 1e999" },
		{ "'{\"1\":9223372036854775807,\"2\":9223372036854775807}'",
		  "bug_key_used_out_of_range_garbage_date: INT64_MAX" },
		{ "'{\"1\":-99999999999999999,\"2\":-5}'",
		  "bug_key_used_out_of_range_garbage_date: negative" },
	};
	const char *kb = "bbbbbbbb-0000-4000-8000-000000000002";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char sql[200];
		snprintf(sql, sizeof(sql), "UPDATE subdomains SET key_used = %s WHERE id = 2",
			 bad[i].sql_value);
		sqlite3_open(path, &db);
		ok(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: edited in", bad[i].what);
		sqlite3_close(db);
		is_int(store_open(dir, &st), LC_EOK, "%s: reopened", bad[i].what);
		is_int(store_key_get(st, kb, &k), LC_EOK, "%s: the key still reads", bad[i].what);
		is_int(k.last_used, 0, "%s: as never used", bad[i].what);
		store_stats_t stats;
		is_int(store_stats(st, 500000, &stats), LC_EOK, "%s: statistics count", bad[i].what);
		is_int(stats.keys_used[STORE_STATS_PERIODS - 1], 0, "%s: no key counted as used",
		       bad[i].what);
		is_int(store_key_touch(st, kb, 400), LC_EOK, "%s: a use is recorded", bad[i].what);
		store_key_get(st, kb, &k);
		is_int(k.last_used, 400, "%s: afresh", bad[i].what);
		is_int(store_stats(st, 500000, &stats), LC_EOK, "%s: statistics", bad[i].what);
		is_int(stats.keys_used[STORE_STATS_PERIODS - 1], 1, "%s: now count that one use",
		       bad[i].what);
		store_free(st);
	}

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
