/* SPDX-License-Identifier: MIT */
/* sqlite_int.h -- what the files of the SQLite backend share (internal to store/) */
#ifndef LC_STORE_SQLITE_INT_H
#define LC_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"

/*
 * The double underscore marks these as internal to store/ (libuv's uv__
 * split): sqlite.c owns the connection and its transactions; accounts.c keeps
 * its own prepared statements in a slot of the store and uses these helpers.
 */

struct store_acct;

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
