/* SPDX-License-Identifier: MIT */
/* sqlite.c -- the store on SQLite: WAL, synchronous=FULL, versioned schema, prepared statements */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/sqlite_int.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rand.h"

/*
 * Schema migrations, applied in order. Entry i takes the database from
 * user_version i to i + 1. Never edit an entry once released: add a new one.
 *
 * subdomains.seq is the global change sequence (meta 'seq') at the row's last
 * change. Every change bumps both and appends (seq, sub_id) to the change log
 * (changes, since version 3), so another process (the daemon) finds what
 * changed with "seq > last_seen" there. Rows are never deleted, only marked,
 * so a (label, parent) pair is never handed out twice.
 */
static const char *const migrations[] = {
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO meta (key, value) VALUES ('seq', 0);"
	"CREATE TABLE subdomains ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  label TEXT NOT NULL,"
	"  parent TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  serial INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  deleted INTEGER NOT NULL DEFAULT 0,"
	"  seq INTEGER NOT NULL,"
	"  UNIQUE (label, parent));"
	"CREATE INDEX subdomains_seq ON subdomains (seq);"
	"CREATE TABLE txt ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  sub_id INTEGER NOT NULL REFERENCES subdomains (id),"
	"  value TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX txt_sub ON txt (sub_id, id);"
	"CREATE TABLE keys ("
	"  id TEXT PRIMARY KEY,"
	"  sub_id INTEGER NOT NULL REFERENCES subdomains (id),"
	"  secret_hash BLOB NOT NULL CHECK (length(secret_hash) = 32),"
	"  allowfrom TEXT NOT NULL DEFAULT '[]',"
	"  created INTEGER NOT NULL,"
	"  last_used INTEGER NOT NULL DEFAULT 0,"
	"  revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX keys_sub ON keys (sub_id);",
	/* 2: console accounts (store/accounts.c). A session row holds only the
	 * SHA-256 of its id; subdomains registered in the console have an owner. */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL UNIQUE,"
	"  pw_hash TEXT NOT NULL,"
	"  staff INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  pw_changed INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	"  id_hash BLOB PRIMARY KEY CHECK (length(id_hash) = 32),"
	"  user_id INTEGER NOT NULL REFERENCES users (id),"
	"  csrf TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions (user_id);"
	"CREATE INDEX sessions_expires ON sessions (expires);"
	"ALTER TABLE subdomains ADD COLUMN owner_id INTEGER REFERENCES users (id);"
	"CREATE INDEX subdomains_owner ON subdomains (owner_id, deleted);"
	"CREATE INDEX keys_created ON keys (created);",
	/* 3: fewer b-tree pages per update (docs/storage.md, "Pages per update"). The
	 * two challenge values move into their subdomain's row (txt0 older, txt1
	 * newer; txt0 is set only when txt1 is), keys become a WITHOUT ROWID table
	 * (one b-tree: the id lookup finds the row), and the index on subdomains.seq,
	 * whose old entry sat on a random page at every change, gives way to an
	 * append-only log of changes that the daemon trims once it has applied them. */
	"ALTER TABLE subdomains ADD COLUMN txt0 TEXT;"
	"ALTER TABLE subdomains ADD COLUMN txt1 TEXT;"
	"UPDATE subdomains SET"
	"  txt1 = (SELECT value FROM txt WHERE sub_id = subdomains.id ORDER BY id DESC LIMIT 1),"
	"  txt0 = (SELECT value FROM txt WHERE sub_id = subdomains.id"
	"          ORDER BY id DESC LIMIT 1 OFFSET 1)"
	"  WHERE id IN (SELECT sub_id FROM txt);"
	"DROP TABLE txt;"
	"CREATE TABLE keys_v3 ("
	"  id TEXT PRIMARY KEY,"
	"  sub_id INTEGER NOT NULL REFERENCES subdomains (id),"
	"  secret_hash BLOB NOT NULL CHECK (length(secret_hash) = 32),"
	"  allowfrom TEXT NOT NULL DEFAULT '[]',"
	"  created INTEGER NOT NULL,"
	"  last_used INTEGER NOT NULL DEFAULT 0,"
	"  revoked INTEGER NOT NULL DEFAULT 0,"
	"  n INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;" /* creation order (there is no rowid) */
	/* A key of no subdomain (only a tool with foreign keys off could write one)
	 * would fail the foreign key and stop the migration: it is left behind. */
	"INSERT INTO keys_v3 (id, sub_id, secret_hash, allowfrom, created, last_used, revoked, n)"
	"  SELECT id, sub_id, secret_hash, allowfrom, created, last_used, revoked, rowid FROM keys"
	"  WHERE sub_id IN (SELECT id FROM subdomains);"
	"DROP TABLE keys;"
	"ALTER TABLE keys_v3 RENAME TO keys;"
	"CREATE INDEX keys_sub ON keys (sub_id);"
	"CREATE INDEX keys_created ON keys (created);"
	"DROP INDEX subdomains_seq;"
	"CREATE TABLE changes (seq INTEGER PRIMARY KEY, sub_id INTEGER NOT NULL);",
	/* 4: one b-tree page per update (docs/storage.md, "Pages per update"). A key's
	 * last use moves from its own row into its subdomain's row, which an update
	 * writes anyway: key_used is a JSON object from each key's n (unique within
	 * its subdomain) to the unix second of its last use. The key rows are then
	 * only read on the update path. */
	"ALTER TABLE subdomains ADD COLUMN key_used TEXT;"
	"UPDATE subdomains SET key_used ="
	"  (SELECT json_group_object(n, last_used) FROM keys"
	"   WHERE sub_id = subdomains.id AND last_used > 0)"
	"  WHERE id IN (SELECT sub_id FROM keys WHERE last_used > 0);"
	"ALTER TABLE keys DROP COLUMN last_used;",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* Prepared once per connection (STYLE 2.4 rule 7). */
enum {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_SEQ_BUMP,
	S_SEQ_GET,
	S_SUB_INSERT,
	S_SUB_GET,
	S_SUB_FIND,
	S_SUB_BUMP,
	S_SUB_MARK_DELETED,
	S_CHANGE_LOG,
	S_CHANGE_PRUNE,
	S_TXT_ADD,
	S_TXT_DEL_VALUE,
	S_TXT_DEL_ALL,
	S_KEY_COUNT,
	S_KEY_INSERT,
	S_KEY_GET,
	S_KEY_SEEK,
	S_KEY_FIRST,
	S_KEY_TOUCH,
	S_KEY_REVOKE,
	S_KEY_REVOKE_SUB,
	S_KEY_LIST,
	S_CHANGES,
	S_LOAD_ALL,
	S_LIST_ALL,
	S_INTEGRITY,
	S_COUNT
};

/* The columns sub_from_row() and key_from_row() decode, in their order. */
#define SUB_SELECT "SELECT id, label, parent, kind, serial, created, deleted, seq, txt0, txt1"
/* A key's last use is its entry in its subdomain's key_used (migration 4). A
 * value edited by hand into something else reads as never used, and the next
 * use writes it afresh: it must not lock the key out (sqlite_int.h). */
#define KEY_SELECT                                                                   \
	"SELECT k.id, k.sub_id, k.secret_hash, k.allowfrom, k.created,"              \
	" coalesce((SELECT j.value FROM subdomains s,"                                \
	" json_each(" STORE__KEY_USED_OBJ("s.key_used") ") j"                         \
	" WHERE s.id = k.sub_id AND j.key = CAST(k.n AS TEXT)"                      \
	" AND " STORE__KEY_USED_TIME("j") "), 0)"
#define KEY_FROM " FROM keys k"

static const char *const sql_text[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT lc",
	[S_RELEASE] = "RELEASE lc",
	[S_ROLLBACK_TO] = "ROLLBACK TO lc",
	/* No RETURNING: it costs an ephemeral table per call (see seq_next()). */
	[S_SEQ_BUMP] = "UPDATE meta SET value = value + 1 WHERE key = 'seq'",
	[S_SEQ_GET] = "SELECT value FROM meta WHERE key = 'seq'",
	[S_SUB_INSERT] = "INSERT INTO subdomains (label, parent, kind, serial, created, deleted, seq)"
			 " VALUES (?1, ?2, ?3, 1, ?4, 0, ?5)",
	[S_SUB_GET] = SUB_SELECT ", owner_id FROM subdomains WHERE id = ?1",
	[S_SUB_FIND] = "SELECT id FROM subdomains WHERE label = ?1 AND parent = ?2 AND deleted = 0",
	[S_SUB_BUMP] = "UPDATE subdomains SET serial = (serial + 1) % 4294967296, seq = ?2"
		       " WHERE id = ?1",
	[S_SUB_MARK_DELETED] = "UPDATE subdomains SET deleted = 1 WHERE id = ?1",
	[S_CHANGE_LOG] = "INSERT INTO changes (seq, sub_id) VALUES (?2, ?1)",
	[S_CHANGE_PRUNE] = "DELETE FROM changes WHERE seq <= ?1",
	/* The two values, oldest first, in txt0 and txt1 (txt0 only when txt1 is set).
	 * Adding ?2 makes it the newest; the other one it keeps is the previous newest,
	 * or the older one when ?2 was the newest already (a retry changes nothing). */
	[S_TXT_ADD] = "UPDATE subdomains SET txt0 = CASE WHEN txt1 = ?2 THEN txt0 ELSE txt1 END,"
		      " txt1 = ?2 WHERE id = ?1 AND deleted = 0",
	/* Drop ?2 and keep the invariant: what is left ends up in txt1. */
	[S_TXT_DEL_VALUE] = "UPDATE subdomains SET"
			    " txt1 = CASE WHEN txt1 <> ?2 THEN txt1 WHEN txt0 <> ?2 THEN txt0 END,"
			    " txt0 = CASE WHEN txt1 <> ?2 AND txt0 <> ?2 THEN txt0 END"
			    " WHERE id = ?1 AND (txt0 = ?2 OR txt1 = ?2)",
	[S_TXT_DEL_ALL] = "UPDATE subdomains SET txt0 = NULL, txt1 = NULL WHERE id = ?1",
	[S_KEY_COUNT] = "SELECT count(*) FROM keys WHERE sub_id = ?1 AND revoked = 0",
	/* n: after the subdomain's other keys, so they list in the order they were made. */
	[S_KEY_INSERT] = "INSERT INTO keys (id, sub_id, secret_hash, allowfrom, created, n)"
			 " VALUES (?1, ?2, ?3, ?4, ?5,"
			 " (SELECT coalesce(max(n), 0) + 1 FROM keys WHERE sub_id = ?2))",
	[S_KEY_GET] = KEY_SELECT KEY_FROM " WHERE k.id = ?1 AND k.revoked = 0",
	/* store_key_get_uniform(): the first live key at or after an id, or the first of all. */
	[S_KEY_SEEK] = KEY_SELECT KEY_FROM
		       " WHERE k.id >= ?1 AND k.revoked = 0 ORDER BY k.id LIMIT 1",
	[S_KEY_FIRST] = KEY_SELECT KEY_FROM " WHERE k.revoked = 0 ORDER BY k.id LIMIT 1",
	/* Only the subdomain's row is written: the page an update changes anyway. */
	[S_KEY_TOUCH] = "UPDATE subdomains SET key_used = json_set("
			" coalesce(" STORE__KEY_USED_OBJ("key_used") ", '{}'), '$.\"' || k.n || '\"', ?2)"
			" FROM keys k WHERE k.id = ?1 AND subdomains.id = k.sub_id",
	[S_KEY_REVOKE] = "UPDATE keys SET revoked = ?2 WHERE id = ?1 AND revoked = 0",
	[S_KEY_REVOKE_SUB] = "UPDATE keys SET revoked = ?2 WHERE sub_id = ?1 AND revoked = 0",
	[S_KEY_LIST] = KEY_SELECT KEY_FROM " WHERE k.sub_id = ?1 AND k.revoked = 0 ORDER BY k.n",
	/* Every subdomain changed since ?1, once each, in the order of its last change. */
	[S_CHANGES] = SUB_SELECT
		      " FROM subdomains WHERE id IN (SELECT sub_id FROM changes WHERE seq > ?1)"
		      " ORDER BY seq",
	/* The first load, in rowid order: no temporary sort over every row. */
	[S_LOAD_ALL] = SUB_SELECT
		       " FROM subdomains WHERE deleted = 0",
	[S_LIST_ALL] = SUB_SELECT
		       " FROM subdomains",
	[S_INTEGRITY] = "PRAGMA quick_check",
};

/*
 * Background checkpoints (store_checkpoints_start()). SQLite's automatic
 * checkpoint runs inside the COMMIT that takes the WAL past 1000 pages: it
 * copies those pages into the database file and fsyncs it while every waiting
 * update waits too (p99 28 ms, stalls of 60 ms and more at N = 1M, where the
 * pages are random). Here a thread of its own, on a connection of its own,
 * runs PASSIVE checkpoints beside the writer, which goes on appending to the
 * WAL. Durability is unchanged: the checkpointing connection is
 * synchronous=FULL too, so the WAL is synced before pages are copied and the
 * database after. If checkpoints fall behind (a passive one never catches up
 * with a writer that never pauses, so the WAL could not start over), the
 * writer tries a RESTART checkpoint itself at CKPT_MAX_PAGES. That one must
 * not wait inside the commit: it returns BUSY at once while another
 * checkpoint runs, and it waits at most CKPT_RESTART_WAIT_MS for readers of
 * other processes (a long "localcertctl list", a sqlite3 shell); after a BUSY
 * the next try comes CKPT_RETRY_PAGES later.
 */
#define CKPT_WAKE_PAGES 1000     /* SQLite's autocheckpoint threshold */
#define CKPT_MAX_PAGES 16000     /* about 64 MB of WAL */
#define CKPT_RETRY_PAGES 4000
#define CKPT_RESTART_WAIT_MS 20
#define BUSY_TIMEOUT_MS 5000     /* another process's write lock (store_open()) */

typedef struct ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool want, stop;
	sqlite3 *db;       /* the checkpointer's own connection */
	int restart_at;    /* WAL pages at which the writer next tries a RESTART */
} ckpt_t;

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	int depth; /* open transaction levels: 1 = BEGIN, more = savepoints inside it */
	struct store_acct *acct; /* statements of accounts.c, prepared on first use */
	char path[4096];         /* the database file */
	ckpt_t *ckpt;            /* background checkpoints, or NULL (SQLite's own) */
};

/* Log an unexpected SQLite failure once, where it happened, and map it to LC_EDB. */
static int db_fail(store_t *st, const char *what)
{
	log_err("store: %s: %s", what, sqlite3_errmsg(st->db));
	return LC_EDB;
}

/* Take a prepared statement, already reset and with its bindings cleared. */
static sqlite3_stmt *stmt_get(store_t *st, int which)
{
	sqlite3_stmt *s = st->stmt[which];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

int store__exec(store_t *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		return db_fail(st, what);
	}
	return LC_EOK;
}

/* Run a statement whose parameters are one or two integers (?1, ?2) and that returns no rows. */
static int exec_ids(store_t *st, int which, const char *what, int64_t a, int64_t b)
{
	sqlite3_stmt *s = stmt_get(st, which);
	sqlite3_bind_int64(s, 1, a);
	if (sqlite3_bind_parameter_count(s) > 1) {
		sqlite3_bind_int64(s, 2, b);
	}
	return store__exec(st, s, what);
}

/*
 * Transactions nest. The outermost level is BEGIN IMMEDIATE ... COMMIT, the
 * one fsync. A level opened inside it is a SAVEPOINT: when ctl/ops.c runs many
 * requests in one transaction (group commit), each store call still undoes
 * only its own changes when it fails. SQLite itself rolls the whole
 * transaction back after some errors (I/O, disk full); from then on every
 * inner level fails, and so does the final COMMIT, so nothing half-done is
 * ever reported as committed.
 */
static int txn_begin(store_t *st)
{
	if (st->depth > 0 && sqlite3_get_autocommit(st->db)) {
		return LC_EDB; /* the enclosing transaction is gone (logged when it failed) */
	}
	int ret = store__exec(st, stmt_get(st, st->depth == 0 ? S_BEGIN : S_SAVEPOINT), "begin");
	if (ret == LC_EOK) {
		st->depth++;
	}
	return ret;
}

static void txn_rollback(store_t *st)
{
	assert(st->depth > 0);
	st->depth--;
	if (sqlite3_get_autocommit(st->db)) {
		return; /* SQLite already rolled everything back */
	}
	if (st->depth == 0) {
		store__exec(st, stmt_get(st, S_ROLLBACK), "rollback");
	} else if (store__exec(st, stmt_get(st, S_ROLLBACK_TO), "rollback to savepoint") ==
		   LC_EOK) {
		/* ROLLBACK TO keeps the savepoint open: close it too. */
		store__exec(st, stmt_get(st, S_RELEASE), "release savepoint");
	}
}

static int txn_commit(store_t *st)
{
	assert(st->depth > 0);
	if (st->depth > 1) {
		if (sqlite3_get_autocommit(st->db)) {
			st->depth--;
			return LC_EDB;
		}
		int ret = store__exec(st, stmt_get(st, S_RELEASE), "release savepoint");
		if (ret == LC_EOK) {
			st->depth--;
		} else {
			txn_rollback(st);
		}
		return ret;
	}
	st->depth = 0;
	int ret = store__exec(st, stmt_get(st, S_COMMIT), "commit");
	if (ret != LC_EOK && !sqlite3_get_autocommit(st->db)) {
		/* COMMIT failed but the transaction is still open: undo it. */
		store__exec(st, stmt_get(st, S_ROLLBACK), "rollback");
	}
	return ret;
}

int store__text(sqlite3_stmt *s, int col, char *out, size_t out_size)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	int n = sqlite3_column_bytes(s, col);
	if (t == NULL || n < 0 || (size_t)n >= out_size) {
		return LC_EDB;
	}
	memcpy(out, t, (size_t)n);
	out[n] = '\0';
	return LC_EOK;
}

static void sub_push_txt(sub_rec_t *sub, const char *value);

/* Decode columns 0..9 (id, label, parent, kind, serial, created, deleted, seq, txt0, txt1). */
static int sub_from_row(sqlite3_stmt *s, sub_rec_t *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	if (store__text(s, 1, out->label, sizeof(out->label)) != LC_EOK ||
	    store__text(s, 2, out->parent, sizeof(out->parent)) != LC_EOK) {
		return LC_EDB;
	}
	out->kind = (sub_kind_t)sqlite3_column_int(s, 3);
	out->serial = (uint32_t)sqlite3_column_int64(s, 4);
	out->created = sqlite3_column_int64(s, 5);
	out->deleted = sqlite3_column_int(s, 6) != 0;
	out->seq = sqlite3_column_int64(s, 7);
	for (int col = 8; col <= 9; col++) {
		const unsigned char *v = sqlite3_column_text(s, col);
		if (v != NULL) {
			sub_push_txt(out, (const char *)v);
		}
	}
	return LC_EOK;
}

/* Decode a key row (id, sub_id, secret_hash, allowfrom, created, last_used). */
static int key_from_row(sqlite3_stmt *s, key_rec_t *out)
{
	memset(out, 0, sizeof(*out));
	if (store__text(s, 0, out->id, sizeof(out->id)) != LC_EOK ||
	    store__text(s, 3, out->allowfrom, sizeof(out->allowfrom)) != LC_EOK) {
		return LC_EDB;
	}
	out->sub_id = sqlite3_column_int64(s, 1);
	if (sqlite3_column_bytes(s, 2) != (int)sizeof(out->secret_hash)) {
		return LC_EDB;
	}
	memcpy(out->secret_hash, sqlite3_column_blob(s, 2), sizeof(out->secret_hash));
	out->created = sqlite3_column_int64(s, 4);
	out->last_used = sqlite3_column_int64(s, 5);
	return LC_EOK;
}

/* The schema keeps exactly two values per subdomain (txt0, txt1; migration 3). */
_Static_assert(STORE_TXT_KEEP == 2, "subdomains.txt0/txt1 hold STORE_TXT_KEEP values");

/* Append a challenge value to a record, oldest first, keeping the newest STORE_TXT_KEEP. */
static void sub_push_txt(sub_rec_t *sub, const char *value)
{
	if (sub->txt_cnt == STORE_TXT_KEEP) {
		memmove(sub->txt[0], sub->txt[1], sizeof(sub->txt[0]) * (STORE_TXT_KEEP - 1));
		sub->txt_cnt--;
	}
	size_t n = strnlen(value, sizeof(sub->txt[0]) - 1);
	memcpy(sub->txt[sub->txt_cnt], value, n); /* not snprintf: this runs for every row at load */
	sub->txt[sub->txt_cnt++][n] = '\0';
}

static int sub_load(store_t *st, int64_t id, sub_rec_t *out)
{
	sqlite3_stmt *s = stmt_get(st, S_SUB_GET);
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	int ret = LC_EOK;
	if (rc == SQLITE_DONE) {
		ret = LC_ENOENT;
	} else if (rc != SQLITE_ROW) {
		ret = db_fail(st, "read subdomain");
	} else if (sub_from_row(s, out) != LC_EOK) {
		ret = db_fail(st, "decode subdomain");
	} else {
		out->owner_id = sqlite3_column_int64(s, 10); /* NULL (no owner) reads as 0 */
	}
	sqlite3_reset(s);
	return ret;
}

/* Load a live subdomain (inside a transaction); deleted ones count as absent. */
static int sub_load_live(store_t *st, int64_t id, sub_rec_t *out)
{
	int ret = sub_load(st, id, out);
	if (ret == LC_EOK && out->deleted) {
		ret = LC_ENOENT;
	}
	return ret;
}

/*
 * Take the next global change sequence (inside a transaction). An UPDATE and
 * a SELECT: "UPDATE ... RETURNING" builds an ephemeral table on every call,
 * which made it the costliest statement of an update (about a sixth of the
 * writer's instructions under callgrind).
 */
static int seq_next(store_t *st, int64_t *out_seq)
{
	int ret = store__exec(st, stmt_get(st, S_SEQ_BUMP), "bump sequence");
	if (ret != LC_EOK) {
		return ret;
	}
	return store_seq(st, out_seq);
}

/* Bump the global change sequence and stamp it, with a new serial, on the subdomain. */
static int sub_bump(store_t *st, int64_t sub_id)
{
	int64_t seq = 0;
	int ret = seq_next(st, &seq);
	if (ret != LC_EOK) {
		return ret;
	}
	sqlite3_stmt *s = stmt_get(st, S_SUB_BUMP);
	sqlite3_bind_int64(s, 1, sub_id);
	sqlite3_bind_int64(s, 2, seq);
	ret = store__exec(st, s, "bump serial");
	if (ret == LC_EOK) {
		ret = exec_ids(st, S_CHANGE_LOG, "log change", sub_id, seq);
	}
	return ret;
}

/*
 * End a transaction level opened by txn_begin(): commit when every step
 * worked, else roll back. The write functions below run their steps as a
 * chain of "if (ret == LC_EOK)" and end here. @return ret, or the commit's error.
 */
static int txn_end(store_t *st, int ret)
{
	if (ret != LC_EOK) {
		txn_rollback(st);
		return ret;
	}
	return txn_commit(st);
}

/* End a change to a subdomain: new serial and change sequence, the record reloaded, txn_end(). */
static int sub_changed(store_t *st, int64_t sub_id, sub_rec_t *out_sub, int ret)
{
	if (ret == LC_EOK) {
		ret = sub_bump(st, sub_id);
	}
	if (ret == LC_EOK) {
		ret = sub_load(st, sub_id, out_sub);
	}
	return txn_end(st, ret);
}

static int migrate(store_t *st)
{
	for (;;) {
		/* Read the version inside the write lock, so two processes opening a new
		 * database at once do not both apply the same migration. */
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			return db_fail(st, "begin migration");
		}
		sqlite3_stmt *s = NULL;
		int version = -1;
		if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW) {
			version = sqlite3_column_int(s, 0);
		}
		sqlite3_finalize(s);
		if (version < 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return db_fail(st, "read schema version");
		}
		if (version >= SCHEMA_VERSION) {
			sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
			if (version > SCHEMA_VERSION) {
				log_err("store: database schema version %d is newer than this "
					"program's (%d)",
					version, SCHEMA_VERSION);
				return LC_EDB;
			}
			return LC_EOK;
		}
		char set_version[64];
		snprintf(set_version, sizeof(set_version), "PRAGMA user_version = %d", version + 1);
		if (sqlite3_exec(st->db, migrations[version], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, set_version, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			int ret = db_fail(st, "migrate schema");
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return ret;
		}
		log_info("store: schema migrated to version %d", version + 1);
	}
}

/* mkdir -p with mode 0700 for directories we create (the database holds key hashes). */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(buf)) {
		return LC_EINVAL;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
				return LC_EIO;
			}
			*p = '/';
		}
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
		return LC_EIO;
	}
	return LC_EOK;
}

int store_open(const char *data_dir, store_t **out)
{
	char path[4096];
	if (make_dirs(data_dir) != LC_EOK) {
		log_err("store: cannot create data directory %s: %s", data_dir, strerror(errno));
		return LC_EIO;
	}
	int n = snprintf(path, sizeof(path), "%s/localcert.db", data_dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return LC_EINVAL;
	}
	store_t *st = calloc(1, sizeof(*st));
	if (st == NULL) {
		return LC_ENOMEM;
	}
	memcpy(st->path, path, sizeof(st->path));
	int ret = LC_EDB;
	/* NOMUTEX: callers serialise every use of a store_t (store_open()), so
	 * SQLite's own per-call mutex would only add cost. */
	int rc = sqlite3_open_v2(path, &st->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_err("store: cannot open %s: %s", path,
			st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		ret = rc == SQLITE_CANTOPEN ? LC_EIO : LC_EDB;
		goto fail;
	}
	/* Wait for another process's write lock rather than failing at once. */
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	/* WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL
	 * on every commit, so an acknowledged update survives kill -9 and power loss. */
	if (sqlite3_exec(st->db,
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			 " PRAGMA foreign_keys = ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(st, "set pragmas");
		goto fail;
	}
	ret = migrate(st);
	if (ret != LC_EOK) {
		goto fail;
	}
	for (int i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK) {
			ret = db_fail(st, sql_text[i]);
			goto fail;
		}
	}
	*out = st;
	return LC_EOK;
fail:
	store_free(st);
	return ret;
}

static void checkpoints_stop(store_t *st);

void store_free(store_t *st)
{
	if (st == NULL) {
		return;
	}
	checkpoints_stop(st);
	store__acct_free(st->acct);
	for (int i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(st->stmt[i]);
	}
	sqlite3_close(st->db);
	free(st);
}

/* Insert a subdomain row (inside a transaction), stamped with the next sequence. */
static int sub_insert(store_t *st, const char *label, const char *parent, sub_kind_t kind,
		      int64_t *out_id)
{
	int64_t seq = 0;
	int ret = seq_next(st, &seq);
	if (ret != LC_EOK) {
		return ret;
	}
	sqlite3_stmt *s = stmt_get(st, S_SUB_INSERT);
	sqlite3_bind_text(s, 1, label, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, parent, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, (int)kind);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	sqlite3_bind_int64(s, 5, seq);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT) {
		return LC_EEXIST;
	}
	if (rc != SQLITE_DONE) {
		return db_fail(st, "insert subdomain");
	}
	*out_id = sqlite3_last_insert_rowid(st->db);
	return exec_ids(st, S_CHANGE_LOG, "log change", *out_id, seq);
}

/* Insert a key row (inside a transaction) after checking the live-key limit. */
static int key_insert(store_t *st, int64_t sub_id, const uint8_t secret_hash[32],
		      const char *allowfrom, char out_id[STORE_KEY_ID_LEN + 1])
{
	if (strlen(allowfrom) >= sizeof(((key_rec_t *)0)->allowfrom)) {
		return LC_EINVAL;
	}
	sqlite3_stmt *s = stmt_get(st, S_KEY_COUNT);
	sqlite3_bind_int64(s, 1, sub_id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return db_fail(st, "count keys");
	}
	int64_t live = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (live >= STORE_KEYS_MAX) {
		return LC_ELIMIT;
	}
	/* A UUIDv4 collision is astronomically unlikely; retrying costs nothing. */
	for (int attempt = 0; attempt < 3; attempt++) {
		char id[STORE_KEY_ID_LEN + 1];
		if (rand_uuid4(id) != LC_EOK) {
			return LC_EIO;
		}
		s = stmt_get(st, S_KEY_INSERT);
		sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, sub_id);
		sqlite3_bind_blob(s, 3, secret_hash, 32, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 4, allowfrom, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 5, (int64_t)time(NULL));
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc == SQLITE_DONE) {
			memcpy(out_id, id, sizeof(id));
			return LC_EOK;
		}
		if (rc != SQLITE_CONSTRAINT) {
			return db_fail(st, "insert key");
		}
	}
	return db_fail(st, "insert key (id collision)");
}

int store_sub_create(store_t *st, const char *label, const char *parent, sub_kind_t kind,
		     sub_rec_t *out_sub)
{
	int64_t id = 0;
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = sub_insert(st, label, parent, kind, &id);
	if (ret == LC_EOK) {
		ret = sub_load(st, id, out_sub);
	}
	return txn_end(st, ret);
}

int store_sub_create_key(store_t *st, const char *label, const char *parent, sub_kind_t kind,
			 const uint8_t secret_hash[32], const char *allowfrom, sub_rec_t *out_sub,
			 char out_id[STORE_KEY_ID_LEN + 1])
{
	int64_t id = 0;
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = sub_insert(st, label, parent, kind, &id);
	if (ret == LC_EOK) {
		ret = key_insert(st, id, secret_hash, allowfrom, out_id);
	}
	if (ret == LC_EOK) {
		ret = sub_load(st, id, out_sub);
	}
	return txn_end(st, ret);
}

int store_sub_get(store_t *st, int64_t id, sub_rec_t *out_sub)
{
	return sub_load(st, id, out_sub);
}

int store_sub_find(store_t *st, const char *label, const char *parent, sub_rec_t *out_sub)
{
	sqlite3_stmt *s = stmt_get(st, S_SUB_FIND);
	sqlite3_bind_text(s, 1, label, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, parent, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		return LC_ENOENT;
	}
	if (rc != SQLITE_ROW) {
		return db_fail(st, "find subdomain");
	}
	return sub_load(st, id, out_sub);
}

/* Run S_TXT_DEL_VALUE (?1 sub_id, ?2 value). @param out_deleted rows deleted, or NULL. */
static int txt_del_value(store_t *st, int64_t sub_id, const char *txt, int *out_deleted)
{
	sqlite3_stmt *s = stmt_get(st, S_TXT_DEL_VALUE);
	sqlite3_bind_int64(s, 1, sub_id);
	sqlite3_bind_text(s, 2, txt, -1, SQLITE_TRANSIENT);
	int ret = store__exec(st, s, "delete value");
	if (out_deleted != NULL) {
		*out_deleted = ret == LC_EOK ? sqlite3_changes(st->db) : 0;
	}
	return ret;
}

int store_txt_add(store_t *st, int64_t sub_id, const char *txt, sub_rec_t *out_sub)
{
	if (strlen(txt) > STORE_TXT_MAX) {
		return LC_EINVAL;
	}
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	/* A value sent again becomes the newest instead of a duplicate: a client that
	 * retries must not push out the other value it still needs (S_TXT_ADD). */
	sqlite3_stmt *s = stmt_get(st, S_TXT_ADD);
	sqlite3_bind_int64(s, 1, sub_id);
	sqlite3_bind_text(s, 2, txt, -1, SQLITE_TRANSIENT);
	ret = store__exec(st, s, "add value");
	if (ret == LC_EOK && sqlite3_changes(st->db) == 0) {
		ret = LC_ENOENT; /* no such subdomain, or deleted */
	}
	return sub_changed(st, sub_id, out_sub, ret);
}

int store_txt_del(store_t *st, int64_t sub_id, const char *txt, sub_rec_t *out_sub)
{
	int deleted = 0;
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = sub_load_live(st, sub_id, out_sub);
	if (ret == LC_EOK) {
		ret = txt_del_value(st, sub_id, txt, &deleted);
	}
	if (ret == LC_EOK && deleted == 0) {
		/* Nothing was deleted, so nothing changed: no new serial, no change sequence
		 * (a reloaded or replayed delete form must not look like a zone change). */
		ret = LC_ENOENT;
	}
	return sub_changed(st, sub_id, out_sub, ret);
}

int store_sub_delete(store_t *st, int64_t sub_id, sub_rec_t *out_sub)
{
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = sub_load_live(st, sub_id, out_sub);
	if (ret == LC_EOK) {
		ret = exec_ids(st, S_KEY_REVOKE_SUB, "revoke keys", sub_id, (int64_t)time(NULL));
	}
	if (ret == LC_EOK) {
		ret = exec_ids(st, S_TXT_DEL_ALL, "delete values", sub_id, 0);
	}
	if (ret == LC_EOK) {
		ret = exec_ids(st, S_SUB_MARK_DELETED, "mark deleted", sub_id, 0);
	}
	return sub_changed(st, sub_id, out_sub, ret);
}

int store_key_create(store_t *st, int64_t sub_id, const uint8_t secret_hash[32],
		     const char *allowfrom, char out_id[STORE_KEY_ID_LEN + 1])
{
	sub_rec_t sub;
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = sub_load_live(st, sub_id, &sub);
	if (ret == LC_EOK) {
		ret = key_insert(st, sub_id, secret_hash, allowfrom, out_id);
	}
	return txn_end(st, ret);
}

int store_key_get(store_t *st, const char *id, key_rec_t *out_key)
{
	sqlite3_stmt *s = stmt_get(st, S_KEY_GET);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	int ret = LC_EOK;
	if (rc == SQLITE_DONE) {
		ret = LC_ENOENT;
	} else if (rc != SQLITE_ROW) {
		ret = db_fail(st, "read key");
	} else if (key_from_row(s, out_key) != LC_EOK) {
		ret = db_fail(st, "decode key");
	}
	sqlite3_reset(s);
	return ret;
}

/* Equal strings of len bytes? Reads every byte whatever it finds. */
static bool same_bytes(const char *a, const char *b, size_t len)
{
	unsigned char diff = 0;
	for (size_t i = 0; i < len; i++) {
		diff |= (unsigned char)(a[i] ^ b[i]);
	}
	return diff == 0;
}

int store_key_get_uniform(store_t *st, const char *id, key_rec_t *out_key)
{
	key_rec_t k;
	sqlite3_stmt *s = stmt_get(st, S_KEY_SEEK);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		/* Past the last id: decode the first key instead, so a row is read either way. */
		sqlite3_reset(s);
		s = stmt_get(st, S_KEY_FIRST);
		rc = sqlite3_step(s);
	}
	int ret = LC_ENOENT;
	memset(&k, 0, sizeof(k));
	if (rc == SQLITE_ROW) {
		ret = key_from_row(s, &k) == LC_EOK ? LC_EOK : db_fail(st, "decode key");
	} else if (rc != SQLITE_DONE) {
		ret = db_fail(st, "read key");
	}
	sqlite3_reset(s);
	if (ret == LC_EOK) {
		bool same = strlen(id) == STORE_KEY_ID_LEN &&
			    same_bytes(k.id, id, STORE_KEY_ID_LEN);
		ret = same ? LC_EOK : LC_ENOENT;
	}
	*out_key = k;
	return ret;
}

int store_key_touch(store_t *st, const char *id, int64_t now)
{
	sqlite3_stmt *s = stmt_get(st, S_KEY_TOUCH);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	return store__exec(st, s, "touch key");
}

int store_key_revoke(store_t *st, const char *id)
{
	sqlite3_stmt *s = stmt_get(st, S_KEY_REVOKE);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	int ret = store__exec(st, s, "revoke key");
	if (ret != LC_EOK) {
		return ret;
	}
	return sqlite3_changes(st->db) == 0 ? LC_ENOENT : LC_EOK;
}

int store_key_foreach(store_t *st, int64_t sub_id, int (*cb)(const key_rec_t *k, void *ctx),
		      void *ctx)
{
	sqlite3_stmt *s = stmt_get(st, S_KEY_LIST);
	sqlite3_bind_int64(s, 1, sub_id);
	int rc;
	int ret = LC_EOK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		key_rec_t k;
		if (key_from_row(s, &k) != LC_EOK) {
			ret = db_fail(st, "decode key");
			break;
		}
		ret = cb(&k, ctx);
		if (ret != 0) {
			break;
		}
	}
	if (ret == LC_EOK && rc != SQLITE_DONE) {
		ret = db_fail(st, "list keys");
	}
	sqlite3_reset(s);
	return ret;
}

/* Run S_LOAD_ALL, S_LIST_ALL or S_CHANGES; cb per row. @param since_seq S_CHANGES' ?1. */
static int changes_run(store_t *st, int which, int64_t since_seq,
		       int (*cb)(const sub_rec_t *s, void *ctx), void *ctx, int64_t *out_max_seq)
{
	sqlite3_stmt *s = stmt_get(st, which);
	if (which == S_CHANGES) {
		sqlite3_bind_int64(s, 1, since_seq);
	}
	int rc;
	int ret = LC_EOK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sub_rec_t cur;
		if (sub_from_row(s, &cur) != LC_EOK) {
			ret = db_fail(st, "decode subdomain");
			break;
		}
		ret = cb(&cur, ctx);
		if (ret != 0) {
			break;
		}
		if (which == S_CHANGES) {
			*out_max_seq = cur.seq; /* in the order of the changes */
		}
	}
	if (ret == LC_EOK && rc != SQLITE_DONE) {
		ret = db_fail(st, "read changes");
	}
	sqlite3_reset(s);
	return ret;
}

int store_changes(store_t *st, int64_t since_seq, int (*cb)(const sub_rec_t *s, void *ctx),
		  void *ctx, int64_t *out_max_seq)
{
	if (since_seq > 0) {
		return store_changes_since(st, since_seq, cb, ctx, out_max_seq);
	}
	/* A full read, in rowid order; it ends at the store's sequence, read first. */
	int64_t all_seq = 0;
	if (store_seq(st, &all_seq) != LC_EOK) {
		return LC_EDB;
	}
	int ret = changes_run(st, since_seq == 0 ? S_LOAD_ALL : S_LIST_ALL, 0, cb, ctx, out_max_seq);
	if (ret == LC_EOK) {
		*out_max_seq = all_seq;
	}
	return ret;
}

int store_changes_since(store_t *st, int64_t since_seq, int (*cb)(const sub_rec_t *s, void *ctx),
			void *ctx, int64_t *out_max_seq)
{
	return changes_run(st, S_CHANGES, since_seq, cb, ctx, out_max_seq);
}

int store_changes_prune(store_t *st, int64_t upto_seq)
{
	int ret = txn_begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	return txn_end(st, exec_ids(st, S_CHANGE_PRUNE, "prune changes", upto_seq, 0));
}

int store_seq(store_t *st, int64_t *out_seq)
{
	sqlite3_stmt *s = stmt_get(st, S_SEQ_GET);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? LC_EOK : db_fail(st, "read sequence");
}

int store_check(store_t *st)
{
	sqlite3_stmt *s = stmt_get(st, S_INTEGRITY);
	int rc = sqlite3_step(s);
	bool good = rc == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL &&
		    strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
	sqlite3_reset(s);
	if (!good) {
		log_err("store: integrity check failed");
		return LC_EDB;
	}
	return LC_EOK;
}

int store_txn_begin(store_t *st)
{
	return txn_begin(st);
}

int store_txn_commit(store_t *st)
{
	return txn_commit(st);
}

void store_txn_rollback(store_t *st)
{
	txn_rollback(st);
}

/* ---- shared with the other files of the SQLite backend (sqlite_int.h) ---- */

sqlite3 *store__db(store_t *st)
{
	return st->db;
}

struct store_acct **store__acct_slot(store_t *st)
{
	return &st->acct;
}

int store__fail(store_t *st, const char *what)
{
	return db_fail(st, what);
}

int store__begin(store_t *st)
{
	return txn_begin(st);
}

int store__commit(store_t *st)
{
	return txn_commit(st);
}

void store__rollback(store_t *st)
{
	txn_rollback(st);
}

int store__sub_insert(store_t *st, const char *label, const char *parent, sub_kind_t kind,
		      int64_t *out_id)
{
	return sub_insert(st, label, parent, kind, out_id);
}

int store__sub_load(store_t *st, int64_t id, sub_rec_t *out_sub)
{
	return sub_load(st, id, out_sub);
}

/* ---- background checkpoints ---- */

static void *checkpointer_main(void *arg)
{
	ckpt_t *c = arg;
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		if (!c->want) {
			pthread_cond_wait(&c->cv, &c->mu);
			continue;
		}
		c->want = false;
		pthread_mutex_unlock(&c->mu);
		int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
			log_ratelimited(LOG_WARN, "store: checkpoint: %s", sqlite3_errmsg(c->db));
		}
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After every commit of the writer connection (replaces SQLite's autocheckpoint). */
static int wal_committed(void *arg, sqlite3 *db, const char *name, int pages)
{
	ckpt_t *c = arg; /* restart_at: only the writer's thread, inside its commits */
	if (pages < CKPT_MAX_PAGES) {
		c->restart_at = CKPT_MAX_PAGES;
	} else if (pages >= c->restart_at) {
		/* Behind: copy the rest and let the next write start the WAL over. */
		sqlite3_busy_timeout(db, CKPT_RESTART_WAIT_MS);
		int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
		if (rc == SQLITE_BUSY) {
			c->restart_at = pages + CKPT_RETRY_PAGES;
			log_ratelimited(LOG_INFO,
					"store: the WAL holds %d pages; a checkpoint or a reader is "
					"busy, trying again at %d",
					pages, c->restart_at);
		} else if (rc != SQLITE_OK) {
			log_ratelimited(LOG_WARN, "store: checkpoint: %s", sqlite3_errmsg(db));
		}
	}
	if (pages >= CKPT_WAKE_PAGES) {
		pthread_mutex_lock(&c->mu);
		c->want = true;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

int store_checkpoints_start(store_t *st)
{
	if (st->ckpt != NULL) {
		return LC_EOK;
	}
	ckpt_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return LC_ENOMEM;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->restart_at = CKPT_MAX_PAGES;
	int rc = sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
		rc = sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	}
	int err = rc == SQLITE_OK ? pthread_create(&c->thread, NULL, checkpointer_main, c) : 0;
	if (rc != SQLITE_OK || err != 0) {
		log_err("store: cannot start background checkpoints: %s",
			err != 0 ? strerror(err)
			: c->db != NULL ? sqlite3_errmsg(c->db)
					: sqlite3_errstr(rc));
		sqlite3_close(c->db);
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return LC_EDB;
	}
	pthread_setname_np(c->thread, "lc-checkpoint");
	st->ckpt = c;
	sqlite3_wal_hook(st->db, wal_committed, c); /* also turns the autocheckpoint off */
	return LC_EOK;
}

static void checkpoints_stop(store_t *st)
{
	ckpt_t *c = st->ckpt;
	if (c == NULL) {
		return;
	}
	sqlite3_wal_autocheckpoint(st->db, CKPT_WAKE_PAGES); /* SQLite's own again */
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
	st->ckpt = NULL;
}
