/* SPDX-License-Identifier: MIT */
/* accounts.h -- console users, sessions, owned subdomains and statistics in the store */
#ifndef LC_STORE_ACCOUNTS_H
#define LC_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_USER_NAME_MAX 64  /* login names */
#define STORE_PW_HASH_MAX 255   /* an encoded Argon2id hash ("$argon2id$v=19$m=...") */
#define STORE_CSRF_LEN 43       /* base64url of 32 random bytes */
#define STORE_STATS_PERIODS 4   /* 1, 7, 30 and 90 days */

/** A console user. Plain data, caller-owned. */
typedef struct user_rec {
	int64_t id;
	char name[STORE_USER_NAME_MAX + 1];   /**< lowercase */
	char pw_hash[STORE_PW_HASH_MAX + 1];  /**< Argon2id encoded hash */
	bool is_staff;
	int64_t created;                      /**< unix seconds */
	int64_t pw_changed;                   /**< unix seconds */
} user_rec_t;

/** A live session. The session id itself is never stored, only its SHA-256. */
typedef struct session_rec {
	int64_t user_id;
	char csrf[STORE_CSRF_LEN + 1];  /**< the CSRF token tied to this session */
	int64_t created;
	int64_t expires;                /**< unix seconds; the row is dead after this */
} session_rec_t;

/** Counts for the staff statistics page. periods[] are 1, 7, 30 and 90 days back. */
typedef struct store_stats {
	int64_t users, staff;
	int64_t users_new[STORE_STATS_PERIODS];
	int64_t subs_live[3];       /**< by sub_kind_t */
	int64_t subs_deleted;
	int64_t subs_owned;         /**< live, with an owner */
	int64_t subs_new[STORE_STATS_PERIODS];
	int64_t keys_live;
	int64_t keys_created[STORE_STATS_PERIODS];
	int64_t keys_used[STORE_STATS_PERIODS];
	int64_t sessions_live;
} store_stats_t;

/** The periods of store_stats_t, in days. */
extern const int store_stats_days[STORE_STATS_PERIODS];

/**
 * Create a user. @param name lowercase, checked by the caller.
 * @return LC_EOK; LC_EEXIST (name taken); LC_EDB.
 */
int store_user_create(store_t *st, const char *name, const char *pw_hash, bool is_staff,
		      int64_t now, int64_t *out_id);

/** Fetch a user by id. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_user_get(store_t *st, int64_t id, user_rec_t *out_user);

/** Fetch a user by (lowercase) name. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_user_find(store_t *st, const char *name, user_rec_t *out_user);

/**
 * Replace a user's password hash and end every session of that user, in one
 * transaction ("log out everywhere").
 * @return LC_EOK; LC_ENOENT; LC_EDB.
 */
int store_user_set_password(store_t *st, int64_t user_id, const char *pw_hash, int64_t now);

/**
 * Store a new session, and drop expired ones of any user while at it.
 * @param id_hash SHA-256 of the session id.
 * @return LC_EOK; LC_EEXIST (same hash: astronomically unlikely); LC_EDB.
 */
int store_session_create(store_t *st, const uint8_t id_hash[32], int64_t user_id,
			 const char *csrf, int64_t now, int64_t expires);

/** Fetch a session that has not expired at now. @return LC_EOK; LC_ENOENT; LC_EDB. */
int store_session_get(store_t *st, const uint8_t id_hash[32], int64_t now,
		      session_rec_t *out_session);

/** End a session (logout). Deleting an unknown one is not an error. @return LC_EOK; LC_EDB. */
int store_session_delete(store_t *st, const uint8_t id_hash[32]);

/**
 * Create a subdomain owned by a user, without a key, unless the user already
 * owns max_owned live subdomains; count and insert in one transaction.
 * @return LC_EOK; LC_ELIMIT; LC_EEXIST (label taken now or before); LC_EDB.
 */
int store_sub_create_owned(store_t *st, const char *label, const char *parent, sub_kind_t kind,
			   int64_t owner_id, unsigned max_owned, sub_rec_t *out_sub);

/**
 * The live subdomains a user owns, oldest first, with their values.
 * @param out array of max entries; @param out_cnt how many were written.
 * @param out_total how many the user owns (may exceed max).
 * @return LC_EOK; LC_EDB.
 */
int store_sub_list_owned(store_t *st, int64_t owner_id, sub_rec_t *out, size_t max,
			 size_t *out_cnt, size_t *out_total);

/** Fill the statistics as of now. @return LC_EOK; LC_EDB. */
int store_stats(store_t *st, int64_t now, store_stats_t *out_stats);

#endif
