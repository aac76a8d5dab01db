/* SPDX-License-Identifier: MIT */
/* accounts.c -- console users, sessions, owned subdomains and statistics on SQLite */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/accounts.h"
#include "store/sqlite_int.h"
#include "util/error.h"

const int store_stats_days[STORE_STATS_PERIODS] = { 1, 7, 30, 90 };

/* Prepared on first use, once per connection, finalized by store_free() (STYLE 2.4 rule 7). */
enum {
	A_USER_INSERT,
	A_USER_GET,
	A_USER_FIND,
	A_USER_SET_PW,
	A_SESS_DEL_USER,
	A_SESS_INSERT,
	A_SESS_PURGE,
	A_SESS_GET,
	A_SESS_DEL,
	A_OWNED_COUNT,
	A_OWNED_LIST,
	A_SET_OWNER,
	A_ST_USERS,
	A_ST_USERS_NEW,
	A_ST_SUBS,
	A_ST_SUBS_NEW,
	A_ST_KEYS,
	A_ST_KEYS_NEW,
	A_ST_KEYS_USED,
	A_ST_SESSIONS,
	A_COUNT
};

static const char *const sql_text[A_COUNT] = {
	[A_USER_INSERT] = "INSERT INTO users (name, pw_hash, staff, created, pw_changed)"
			  " VALUES (?1, ?2, ?3, ?4, ?4)",
	[A_USER_GET] = "SELECT id, name, pw_hash, staff, created, pw_changed FROM users WHERE id = ?1",
	[A_USER_FIND] = "SELECT id, name, pw_hash, staff, created, pw_changed FROM users"
			" WHERE name = ?1",
	[A_USER_SET_PW] = "UPDATE users SET pw_hash = ?2, pw_changed = ?3 WHERE id = ?1",
	[A_SESS_DEL_USER] = "DELETE FROM sessions WHERE user_id = ?1",
	[A_SESS_INSERT] = "INSERT INTO sessions (id_hash, user_id, csrf, created, expires)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)",
	[A_SESS_PURGE] = "DELETE FROM sessions WHERE expires <= ?1",
	[A_SESS_GET] = "SELECT user_id, csrf, created, expires FROM sessions"
		       " WHERE id_hash = ?1 AND expires > ?2",
	[A_SESS_DEL] = "DELETE FROM sessions WHERE id_hash = ?1",
	[A_OWNED_COUNT] = "SELECT count(*) FROM subdomains WHERE owner_id = ?1 AND deleted = 0",
	[A_OWNED_LIST] = "SELECT id FROM subdomains WHERE owner_id = ?1 AND deleted = 0"
			 " ORDER BY id LIMIT ?2",
	[A_SET_OWNER] = "UPDATE subdomains SET owner_id = ?2 WHERE id = ?1",
	[A_ST_USERS] = "SELECT count(*), coalesce(sum(staff != 0), 0) FROM users",
	[A_ST_USERS_NEW] = "SELECT count(*) FROM users WHERE created >= ?1",
	[A_ST_SUBS] = "SELECT kind, deleted, owner_id IS NOT NULL, count(*) FROM subdomains"
		      " GROUP BY 1, 2, 3",
	[A_ST_SUBS_NEW] = "SELECT count(*) FROM subdomains WHERE created >= ?1",
	[A_ST_KEYS] = "SELECT count(*) FROM keys WHERE revoked = 0",
	[A_ST_KEYS_NEW] = "SELECT count(*) FROM keys WHERE created >= ?1",
	/* A key's last use is in its subdomain's key_used (store migration 4). */
	[A_ST_KEYS_USED] = "SELECT count(*) FROM subdomains,"
			  " json_each(" STORE__KEY_USED_OBJ("subdomains.key_used") ") j"
			  " WHERE " STORE__KEY_USED_TIME("j") " AND j.value >= ?1",
	[A_ST_SESSIONS] = "SELECT count(*) FROM sessions WHERE expires > ?1",
};

struct store_acct {
	sqlite3_stmt *stmt[A_COUNT];
};

void store__acct_free(struct store_acct *a)
{
	if (a == NULL) {
		return;
	}
	for (int i = 0; i < A_COUNT; i++) {
		sqlite3_finalize(a->stmt[i]);
	}
	free(a);
}

/* Take a statement, preparing them all on first use; reset and unbound. NULL on failure. */
static sqlite3_stmt *stmt_get(store_t *st, int which)
{
	struct store_acct **slot = store__acct_slot(st);
	if (*slot == NULL) {
		struct store_acct *a = calloc(1, sizeof(*a));
		if (a == NULL) {
			return NULL;
		}
		for (int i = 0; i < A_COUNT; i++) {
			if (sqlite3_prepare_v3(store__db(st), sql_text[i], -1,
					       SQLITE_PREPARE_PERSISTENT, &a->stmt[i],
					       NULL) != SQLITE_OK) {
				store__fail(st, sql_text[i]);
				store__acct_free(a);
				return NULL;
			}
		}
		*slot = a;
	}
	sqlite3_stmt *s = (*slot)->stmt[which];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Run a statement that returns one integer (count). */
static int query_int(store_t *st, int which, int64_t arg, bool bind, int64_t *out)
{
	sqlite3_stmt *s = stmt_get(st, which);
	if (s == NULL) {
		return LC_EDB;
	}
	if (bind) {
		sqlite3_bind_int64(s, 1, arg);
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? LC_EOK : store__fail(st, sql_text[which]);
}

int store_user_create(store_t *st, const char *name, const char *pw_hash, bool is_staff,
		      int64_t now, int64_t *out_id)
{
	if (strlen(name) > STORE_USER_NAME_MAX || strlen(pw_hash) > STORE_PW_HASH_MAX) {
		return LC_EINVAL;
	}
	sqlite3_stmt *s = stmt_get(st, A_USER_INSERT);
	if (s == NULL) {
		return LC_EDB;
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, pw_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, is_staff ? 1 : 0);
	sqlite3_bind_int64(s, 4, now);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT) {
		return LC_EEXIST;
	}
	if (rc != SQLITE_DONE) {
		return store__fail(st, "insert user");
	}
	*out_id = sqlite3_last_insert_rowid(store__db(st));
	return LC_EOK;
}

static int user_row(store_t *st, sqlite3_stmt *s, user_rec_t *out)
{
	int rc = sqlite3_step(s);
	int ret = LC_EOK;
	if (rc == SQLITE_DONE) {
		ret = LC_ENOENT;
	} else if (rc != SQLITE_ROW) {
		ret = store__fail(st, "read user");
	} else {
		memset(out, 0, sizeof(*out));
		out->id = sqlite3_column_int64(s, 0);
		if (store__text(s, 1, out->name, sizeof(out->name)) != LC_EOK ||
		    store__text(s, 2, out->pw_hash, sizeof(out->pw_hash)) != LC_EOK) {
			ret = store__fail(st, "decode user");
		}
		out->is_staff = sqlite3_column_int(s, 3) != 0;
		out->created = sqlite3_column_int64(s, 4);
		out->pw_changed = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	return ret;
}

int store_user_get(store_t *st, int64_t id, user_rec_t *out_user)
{
	sqlite3_stmt *s = stmt_get(st, A_USER_GET);
	if (s == NULL) {
		return LC_EDB;
	}
	sqlite3_bind_int64(s, 1, id);
	return user_row(st, s, out_user);
}

int store_user_find(store_t *st, const char *name, user_rec_t *out_user)
{
	sqlite3_stmt *s = stmt_get(st, A_USER_FIND);
	if (s == NULL) {
		return LC_EDB;
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	return user_row(st, s, out_user);
}

int store_user_set_password(store_t *st, int64_t user_id, const char *pw_hash, int64_t now)
{
	if (strlen(pw_hash) > STORE_PW_HASH_MAX) {
		return LC_EINVAL;
	}
	sqlite3_stmt *s = stmt_get(st, A_USER_SET_PW);
	if (s == NULL) {
		return LC_EDB;
	}
	int ret = store__begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_text(s, 2, pw_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, now);
	ret = store__exec(st, s, "set password");
	if (ret != LC_EOK) {
		goto fail;
	}
	if (sqlite3_changes(store__db(st)) == 0) {
		ret = LC_ENOENT;
		goto fail;
	}
	/* A new password ends every session of the user, wherever it is. */
	s = stmt_get(st, A_SESS_DEL_USER);
	sqlite3_bind_int64(s, 1, user_id);
	ret = store__exec(st, s, "end sessions");
	if (ret != LC_EOK) {
		goto fail;
	}
	return store__commit(st);
fail:
	store__rollback(st);
	return ret;
}

int store_session_create(store_t *st, const uint8_t id_hash[32], int64_t user_id,
			 const char *csrf, int64_t now, int64_t expires)
{
	sqlite3_stmt *s = stmt_get(st, A_SESS_PURGE);
	if (s == NULL) {
		return LC_EDB;
	}
	int ret = store__begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	sqlite3_bind_int64(s, 1, now);
	ret = store__exec(st, s, "purge sessions");
	if (ret != LC_EOK) {
		goto fail;
	}
	s = stmt_get(st, A_SESS_INSERT);
	sqlite3_bind_blob(s, 1, id_hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_text(s, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, expires);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT) {
		ret = LC_EEXIST;
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		ret = store__fail(st, "insert session");
		goto fail;
	}
	return store__commit(st);
fail:
	store__rollback(st);
	return ret;
}

int store_session_get(store_t *st, const uint8_t id_hash[32], int64_t now,
		      session_rec_t *out_session)
{
	sqlite3_stmt *s = stmt_get(st, A_SESS_GET);
	if (s == NULL) {
		return LC_EDB;
	}
	sqlite3_bind_blob(s, 1, id_hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	int rc = sqlite3_step(s);
	int ret = LC_EOK;
	if (rc == SQLITE_DONE) {
		ret = LC_ENOENT;
	} else if (rc != SQLITE_ROW) {
		ret = store__fail(st, "read session");
	} else {
		memset(out_session, 0, sizeof(*out_session));
		out_session->user_id = sqlite3_column_int64(s, 0);
		if (store__text(s, 1, out_session->csrf, sizeof(out_session->csrf)) != LC_EOK) {
			ret = store__fail(st, "decode session");
		}
		out_session->created = sqlite3_column_int64(s, 2);
		out_session->expires = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	return ret;
}

int store_session_delete(store_t *st, const uint8_t id_hash[32])
{
	sqlite3_stmt *s = stmt_get(st, A_SESS_DEL);
	if (s == NULL) {
		return LC_EDB;
	}
	sqlite3_bind_blob(s, 1, id_hash, 32, SQLITE_TRANSIENT);
	return store__exec(st, s, "delete session");
}

int store_sub_create_owned(store_t *st, const char *label, const char *parent, sub_kind_t kind,
			   int64_t owner_id, unsigned max_owned, sub_rec_t *out_sub)
{
	int64_t owned = 0, id = 0;
	if (stmt_get(st, A_OWNED_COUNT) == NULL) {
		return LC_EDB;
	}
	int ret = store__begin(st);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = query_int(st, A_OWNED_COUNT, owner_id, true, &owned);
	if (ret != LC_EOK) {
		goto fail;
	}
	if (owned >= (int64_t)max_owned) {
		ret = LC_ELIMIT;
		goto fail;
	}
	ret = store__sub_insert(st, label, parent, kind, &id);
	if (ret != LC_EOK) {
		goto fail;
	}
	sqlite3_stmt *s = stmt_get(st, A_SET_OWNER);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, owner_id);
	ret = store__exec(st, s, "set owner");
	if (ret != LC_EOK) {
		goto fail;
	}
	ret = store__sub_load(st, id, out_sub);
	if (ret != LC_EOK) {
		goto fail;
	}
	return store__commit(st);
fail:
	store__rollback(st);
	return ret;
}

int store_sub_list_owned(store_t *st, int64_t owner_id, sub_rec_t *out, size_t max,
			 size_t *out_cnt, size_t *out_total)
{
	int64_t total = 0;
	*out_cnt = 0;
	int ret = query_int(st, A_OWNED_COUNT, owner_id, true, &total);
	if (ret != LC_EOK) {
		return ret;
	}
	*out_total = (size_t)total;
	/* Collect the ids first: loading a row runs other statements. */
	int64_t *ids = calloc(max > 0 ? max : 1, sizeof(*ids));
	if (ids == NULL) {
		return LC_ENOMEM;
	}
	size_t n = 0;
	sqlite3_stmt *s = stmt_get(st, A_OWNED_LIST);
	sqlite3_bind_int64(s, 1, owner_id);
	sqlite3_bind_int64(s, 2, (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(ids);
		return store__fail(st, "list owned subdomains");
	}
	for (size_t i = 0; i < n && ret == LC_EOK; i++) {
		ret = store__sub_load(st, ids[i], &out[i]);
	}
	free(ids);
	if (ret == LC_EOK) {
		*out_cnt = n;
	}
	return ret;
}

/* Fill counts[p] with the rows of `which` newer than now - store_stats_days[p]. */
static int since_each(store_t *st, int which, int64_t now, int64_t counts[STORE_STATS_PERIODS])
{
	int ret = LC_EOK;
	for (int p = 0; p < STORE_STATS_PERIODS && ret == LC_EOK; p++) {
		ret = query_int(st, which, now - (int64_t)store_stats_days[p] * 86400, true,
				&counts[p]);
	}
	return ret;
}

int store_stats(store_t *st, int64_t now, store_stats_t *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = stmt_get(st, A_ST_USERS);
	if (s == NULL) {
		return LC_EDB;
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->users = sqlite3_column_int64(s, 0);
		out->staff = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		return store__fail(st, "count users");
	}
	s = stmt_get(st, A_ST_SUBS);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(s, 0);
		bool deleted = sqlite3_column_int(s, 1) != 0;
		bool owned = sqlite3_column_int(s, 2) != 0;
		int64_t n = sqlite3_column_int64(s, 3);
		if (deleted) {
			out->subs_deleted += n;
			continue;
		}
		if (kind >= 0 && kind < 3) {
			out->subs_live[kind] += n;
		}
		if (owned) {
			out->subs_owned += n;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		return store__fail(st, "count subdomains");
	}
	int ret = since_each(st, A_ST_USERS_NEW, now, out->users_new);
	if (ret == LC_EOK) {
		ret = since_each(st, A_ST_SUBS_NEW, now, out->subs_new);
	}
	if (ret == LC_EOK) {
		ret = since_each(st, A_ST_KEYS_NEW, now, out->keys_created);
	}
	if (ret == LC_EOK) {
		ret = since_each(st, A_ST_KEYS_USED, now, out->keys_used);
	}
	if (ret == LC_EOK) {
		ret = query_int(st, A_ST_KEYS, 0, false, &out->keys_live);
	}
	if (ret == LC_EOK) {
		ret = query_int(st, A_ST_SESSIONS, now, true, &out->sessions_live);
	}
	return ret;
}
