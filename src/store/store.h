/* SPDX-License-Identifier: MIT */
/* store.h -- the source of truth on disk (SQLite in WAL mode; one writer at a time) */
#ifndef LC_STORE_STORE_H
#define LC_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_LABEL_MAX 63
#define STORE_NAME_MAX 253
#define STORE_TXT_MAX 255   /* one character-string */
#define STORE_TXT_KEEP 2    /* challenge values kept per subdomain (SPEC 1) */
#define STORE_KEYS_MAX 2    /* live keys per subdomain (SPEC 2) */
#define STORE_KEY_ID_LEN 36 /* UUID text */

/** How a subdomain was created; decides where its challenge TXT lives. */
typedef enum {
	SUB_INSTANT = 0,  /**< /api/v1/register: random UUID label; TXT at _acme-challenge.<sub> */
	SUB_DELEGATE = 1, /**< acme-dns register: random UUID label; TXT at the apex <sub> */
	SUB_NAMED = 2,    /**< chosen label (localcertctl, console); TXT at _acme-challenge.<sub> */
} sub_kind_t;

/** A subdomain row with its challenge values (oldest first). Plain data, caller-owned. */
typedef struct sub_rec {
	int64_t id;
	char label[STORE_LABEL_MAX + 1];  /**< lowercase */
	char parent[STORE_NAME_MAX + 1];  /**< lowercase, no trailing dot */
	sub_kind_t kind;
	uint32_t serial;                  /**< SOA serial; increases on every change */
	int64_t created;                  /**< unix seconds */
	bool deleted;                     /**< deleted subdomains keep their row: labels are never reissued */
	int64_t seq;                      /**< global change sequence of the last change (see store_changes()) */
	int64_t owner_id;                 /**< console user who owns it; 0 = nobody (set by store_sub_get()) */
	unsigned txt_cnt;
	char txt[STORE_TXT_KEEP][STORE_TXT_MAX + 1];
} sub_rec_t;

/** A key row. The secret itself is never stored: only SHA-256(secret). */
typedef struct key_rec {
	char id[STORE_KEY_ID_LEN + 1];    /**< UUID, the "username" */
	int64_t sub_id;
	uint8_t secret_hash[32];
	char allowfrom[1024];             /**< JSON array of CIDR strings, "[]" = anywhere */
	int64_t created;                  /**< unix seconds */
	int64_t last_used;                /**< unix seconds, 0 = never */
} key_rec_t;

typedef struct store store_t;

/**
 * Open (creating if needed) DATA_DIR/localcert.db, set WAL + synchronous=FULL,
 * and migrate the schema to the current version (PRAGMA user_version).
 * @param out set to a new store on success; free with store_free().
 * @return LC_EOK; LC_EIO (cannot create dir/file); LC_EDB (schema newer than this binary, or SQLite failure).
 * A store_t is one SQLite connection: use it from one thread at a time (callers hold a mutex).
 */
int store_open(const char *data_dir, store_t **out);

/** Close the database. Accepts NULL. */
void store_free(store_t *st);

/** Create a subdomain. @return LC_EOK; LC_EEXIST if (label,parent) exists or ever existed; LC_EDB. */
int store_sub_create(store_t *st, const char *label, const char *parent, sub_kind_t kind,
		     sub_rec_t *out_sub);

/**
 * Create a subdomain and its first key in one transaction (registration), so
 * a failure leaves neither behind.
 * @param secret_hash SHA-256 of the key's secret.
 * @param allowfrom   JSON array text of validated CIDRs ("[]" for none).
 * @param out_sub     the new subdomain.
 * @param out_id      receives the new key's UUID (STORE_KEY_ID_LEN + 1 bytes).
 * @return LC_EOK; LC_EEXIST if (label,parent) exists or ever existed; LC_EINVAL (allowfrom
 *         too long); LC_EDB.
 */
int store_sub_create_key(store_t *st, const char *label, const char *parent, sub_kind_t kind,
			 const uint8_t secret_hash[32], const char *allowfrom, sub_rec_t *out_sub,
			 char out_id[STORE_KEY_ID_LEN + 1]);

/** Fetch a subdomain by id, deleted ones included. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_sub_get(store_t *st, int64_t id, sub_rec_t *out_sub);

/** Fetch a live subdomain by label and parent. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_sub_find(store_t *st, const char *label, const char *parent, sub_rec_t *out_sub);

/**
 * Add a challenge value: insert it as the newest, drop the oldest beyond
 * STORE_TXT_KEEP, bump the serial and the change sequence, all in one durable
 * transaction. @param out_sub the subdomain after the change.
 * @return LC_EOK; LC_ENOENT; LC_EDB.
 */
int store_txt_add(store_t *st, int64_t sub_id, const char *txt, sub_rec_t *out_sub);

/**
 * Delete one challenge value, bumping serial and sequence. A value that is not set
 * changes nothing (no new serial). @return LC_EOK; LC_ENOENT (no such live subdomain,
 * or no such value); LC_EDB.
 */
int store_txt_del(store_t *st, int64_t sub_id, const char *txt, sub_rec_t *out_sub);

/** Mark a subdomain deleted (its keys are revoked, values dropped). @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_sub_delete(store_t *st, int64_t sub_id, sub_rec_t *out_sub);

/**
 * Create a key for a subdomain.
 * @param allowfrom JSON array text of validated CIDRs ("[]" for none).
 * @param out_id    receives the new UUID (STORE_KEY_ID_LEN + 1 bytes).
 * @return LC_EOK; LC_ELIMIT (already STORE_KEYS_MAX live keys); LC_ENOENT; LC_EDB.
 */
int store_key_create(store_t *st, int64_t sub_id, const uint8_t secret_hash[32],
		     const char *allowfrom, char out_id[STORE_KEY_ID_LEN + 1]);

/** Fetch a live key by id. @return LC_EOK; LC_ENOENT (unknown or revoked); LC_EDB. */
int store_key_get(store_t *st, const char *id, key_rec_t *out_key);

/**
 * Fetch a live key by id (lowercase UUID) with the same work whether or not
 * it exists, for checks a client may time: the index seek lands on the first
 * live key at or after id (or the first of all), that row is always read and
 * decoded, and the ids are compared in full. With a plain lookup a miss skips
 * the row read, which made an unknown id measurably faster than a wrong
 * secret (docs/hardening.md).
 * @param out_key always written: the key when found, another row or zeros otherwise.
 * @return LC_EOK; LC_ENOENT (unknown or revoked); LC_EDB.
 */
int store_key_get_uniform(store_t *st, const char *id, key_rec_t *out_key);

/** Record that a key was used now. @return LC_EOK; LC_EDB. */
int store_key_touch(store_t *st, const char *id, int64_t now);

/** Revoke (delete) a key. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_key_revoke(store_t *st, const char *id);

/**
 * Call cb for every key of a subdomain (live ones), oldest first. cb runs while
 * the query is open: it must not call into the same store_t.
 * @return LC_EOK; LC_EDB; or the first non-zero value cb returned.
 */
int store_key_foreach(store_t *st, int64_t sub_id, int (*cb)(const key_rec_t *k, void *ctx),
		      void *ctx);

/**
 * Call cb for every subdomain (deleted ones included, with deleted = true)
 * changed after since_seq, once each, in the order of its last change; the
 * changes come from the log that store_changes_prune() trims.
 * since_seq = 0 is the first load: live subdomains only, in id order (no
 * sort over every row), and out_max_seq is the store's sequence; pass -1 to
 * list every subdomain, deleted ones included (id order).
 * The daemon loads everything at start (since_seq = 0) and later picks up
 * changes made by other processes (localcertctl) the same way. cb runs while
 * the query is open: it must not call into the same store_t.
 * @param out_max_seq the greatest sequence seen (unchanged if none).
 * @return LC_EOK; LC_EDB; or the first non-zero value cb returned.
 */
int store_changes(store_t *st, int64_t since_seq, int (*cb)(const sub_rec_t *s, void *ctx),
		  void *ctx, int64_t *out_max_seq);

/**
 * Like store_changes() with since_seq > 0, for since_seq 0 too: every
 * subdomain in the change log after since_seq, deleted ones included. For the
 * daemon's poll, which must see a deletion even before its first change
 * (store_changes(0) reads live subdomains only).
 */
int store_changes_since(store_t *st, int64_t since_seq, int (*cb)(const sub_rec_t *s, void *ctx),
			void *ctx, int64_t *out_max_seq);

/**
 * Forget the change log up to and including upto_seq, once every change in it
 * has been applied (the daemon calls this; nobody else reads the log).
 * @return LC_EOK; LC_EDB.
 */
int store_changes_prune(store_t *st, int64_t upto_seq);

/**
 * Run WAL checkpoints on a thread and connection of their own instead of inside
 * the commit that crosses SQLite's threshold (the daemon's writer connection;
 * see sqlite.c). Stopped by store_free(). @return LC_EOK; LC_ENOMEM; LC_EDB.
 */
int store_checkpoints_start(store_t *st);

/** Current global change sequence (cheap; for polling). @return LC_EOK; LC_EDB. */
int store_seq(store_t *st, int64_t *out_seq);

/** Run SQLite's quick integrity check (reads every page). @return LC_EOK if "ok"; LC_EDB otherwise. */
int store_check(store_t *st);

/**
 * Open a transaction level. Outside any transaction this is BEGIN IMMEDIATE
 * (taking SQLite's write lock); inside one it is a SAVEPOINT. Every store_*
 * call that writes opens its own level, so between store_txn_begin() and
 * store_txn_commit() many calls share one transaction and one fsync (group
 * commit, ctl/ops.c), and a call that fails undoes only its own changes.
 * Levels close in reverse order of opening.
 * @return LC_EOK; LC_EDB (also when the enclosing transaction was rolled back by
 *         SQLite after an I/O error: nothing more can be added to it).
 */
int store_txn_begin(store_t *st);

/**
 * Close the innermost level keeping its changes: RELEASE for a savepoint; for
 * the outermost level COMMIT, which returns once the changes are durable
 * (WAL, synchronous=FULL). A failed commit leaves nothing of the transaction.
 * @return LC_EOK; LC_EDB (this level's changes are gone, and for the outermost
 *         level every change since store_txn_begin()).
 */
int store_txn_commit(store_t *st);

/** Close the innermost level undoing its changes (ROLLBACK TO + RELEASE, or ROLLBACK). */
void store_txn_rollback(store_t *st);

#endif
