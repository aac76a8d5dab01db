/* SPDX-License-Identifier: MIT */
/* sqlite_int.h -- what the files of the SQLite backend share (internal to store/) */
#ifndef LC_STORE_SQLITE_INT_H
#define LC_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"
#include "util/timefmt.h"

/*
 * The double underscore marks these as internal to store/ (libuv's uv__
 * split): sqlite.c owns the connection and its transactions; accounts.c keeps
 * its own prepared statements in a slot of the store and uses these helpers.
 */

struct store_acct;

/*
 * subdomains.key_used (migration 4) as SQL: the JSON object of each key's last
 * use (unix seconds) by the key's n. STORE__KEY_USED_OBJ(col) is the column
 * when it holds an object and NULL when it holds anything else (edited by
 * hand: not JSON, an array, a number...): that reads as "never used", and the
 * next use writes a fresh object. CASE, not AND: SQLite does not promise to
 * skip json_type() on text json_valid() refused, and json_type() raises an
 * error on it. STORE__KEY_USED_TIME(j) is true for a json_each() row `j` of
 * that object that holds a time: an integer from 0 to TIMEFMT_MAX (year 9999);
 * any other member reads as never used.
 */
#define STORE__KEY_USED_OBJ(col)                                                     \
	"(CASE WHEN json_valid(" col ") THEN CASE json_type(" col ") WHEN 'object'" \
	" THEN " col " END END)"
#define STORE__KEY_USED_TIME(j) \
	"(" j ".type = 'integer' AND " j ".value BETWEEN 0 AND " TIMEFMT_STR(TIMEFMT_MAX) ")"

/** The connection. Borrowed; valid until store_free(). */
sqlite3 *store__db(store_t *st);

/** Where accounts.c keeps its statements (NULL until first use). */
struct store_acct **store__acct_slot(store_t *st);

/** Free accounts.c's statements (finalize). Accepts NULL. Defined in accounts.c. */
void store__acct_free(struct store_acct *a);

/** Log an unexpected SQLite failure with its message. @return LC_EDB. */
int store__fail(store_t *st, const char *what);

/** Step a statement that returns no rows, and reset it. @return LC_EOK; LC_EDB (logged with what). */
int store__exec(store_t *st, sqlite3_stmt *s, const char *what);

/** Copy column text into a fixed buffer; too long means the row is not ours. @return LC_EOK; LC_EDB. */
int store__text(sqlite3_stmt *s, int col, char *out, size_t out_size);

/** BEGIN IMMEDIATE. @return LC_EOK; LC_EDB. */
int store__begin(store_t *st);

/** COMMIT (rolls back if the commit fails). @return LC_EOK; LC_EDB. */
int store__commit(store_t *st);

/** ROLLBACK if a transaction is open. */
void store__rollback(store_t *st);

/**
 * Insert a subdomain row stamped with the next change sequence (inside a
 * transaction). @return LC_EOK; LC_EEXIST (label taken now or before); LC_EDB.
 */
int store__sub_insert(store_t *st, const char *label, const char *parent, sub_kind_t kind,
		      int64_t *out_id);

/** Load a subdomain with its values and owner. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store__sub_load(store_t *st, int64_t id, sub_rec_t *out_sub);

#endif
