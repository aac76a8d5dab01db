/* SPDX-License-Identifier: MIT */
/* users.h -- console accounts: Argon2id passwords, hashed server-side sessions, CSRF tokens */
#ifndef LC_CTL_USERS_H
#define LC_CTL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/accounts.h"

#define USERS_TOKEN_LEN 43        /* session ids and CSRF tokens: base64url of 32 random bytes */
#define USERS_PASSWORD_MIN 10     /* characters (bytes) */
#define USERS_PASSWORD_MAX 256

/*
 * Accounts live in the same store as subdomains and are read and written on
 * the same connection, through ops_with_store() (ctl/ops.h). The slow part,
 * Argon2id, runs outside the store mutex.
 *
 * Passwords: Argon2id (RFC 9106) with t=2, m=19 MiB, p=1 (OWASP's minimum
 * recommendation), a 16-byte random salt and a 32-byte tag, kept in the
 * standard encoded form, so the parameters can be raised later and old hashes
 * still verify.
 *
 * Sessions: 32 random bytes shown to the browser once, as the cookie; the
 * store keeps only SHA-256 of it, so a copy of the database lets nobody sign
 * in. Each session has its own CSRF token and a fixed expiry.
 */

#define USERS_HASH_MAX 4         /* Argon2id runs at once (each 19 MiB and a core) */
#define USERS_HASH_WAIT_MS 1000   /* how long a run waits for a slot before LC_EBUSY */

/**
 * Set the cap on Argon2id runs at once (hashing and verifying, every caller
 * in the process) and how long a caller waits for a free slot; 0 ms means
 * "do not wait". Defaults: USERS_HASH_MAX, USERS_HASH_WAIT_MS. Also resets
 * the peak users_hash_peak() reports. Thread-safe; meant for startup and tests.
 */
void users_hash_limits(unsigned max_running, unsigned wait_ms);

/** The most Argon2id runs seen at once since start (or the last users_hash_limits()). */
unsigned users_hash_peak(void);

/** Why a login name is not acceptable (after lowercasing), or NULL. Static text. */
const char *users_name_problem(const char *name);

/** Why a new password is not acceptable, or NULL. Static text. */
const char *users_password_problem(const char *password);

/**
 * Create an account. @param name lowercased here. A taken name is refused
 * before the password is hashed.
 * @return LC_EOK; LC_EINVAL (name or password refused); LC_EEXIST (name taken); LC_EBUSY
 *         (no Argon2id slot within the wait); LC_EDB; LC_ENOMEM.
 */
int users_create(const char *name, const char *password, bool is_staff, int64_t *out_id);

/**
 * Check a name and password. An unknown name costs the same Argon2id run as a
 * known one, so timing does not tell which names exist. The caller throttles
 * attempts (this function counts nothing); the Argon2id run takes one of the
 * USERS_HASH_MAX slots.
 * @return LC_EOK (out_user set); LC_EAUTH; LC_EBUSY (no slot within the wait); LC_EDB;
 *         LC_ENOMEM.
 */
int users_login(const char *name, const char *password, user_rec_t *out_user);

/**
 * Set a new password and end every session of the user.
 * @return LC_EOK; LC_EINVAL (password refused); LC_EBUSY (no Argon2id slot); LC_ENOENT;
 *         LC_EDB; LC_ENOMEM.
 */
int users_password_set(int64_t user_id, const char *password);

/** Find a user by name (any case). @return LC_EOK; LC_ENOENT; LC_EDB. */
int users_find(const char *name, user_rec_t *out_user);

/**
 * Start a session that ends lifetime_s from now.
 * @param out_sid  the session id for the cookie (USERS_TOKEN_LEN + 1 bytes); a secret.
 * @param out_csrf its CSRF token (USERS_TOKEN_LEN + 1 bytes).
 * @return LC_EOK; LC_EIO (no randomness); LC_EDB.
 */
int users_session_new(int64_t user_id, unsigned lifetime_s, char *out_sid, char *out_csrf);

/**
 * Look up a live session by the id from the cookie.
 * @return LC_EOK (both outputs set); LC_ENOENT (unknown, malformed or expired; or the
 *         user is gone); LC_EDB.
 */
int users_session_get(const char *sid, user_rec_t *out_user, session_rec_t *out_session);

/** End a session (logout). @return LC_EOK; LC_EDB. */
int users_session_end(const char *sid);

/**
 * The live subdomains a user owns, oldest first (store_sub_list_owned()).
 * @return LC_EOK; LC_EDB; LC_ENOMEM.
 */
int users_owned(int64_t user_id, sub_rec_t *out, size_t max, size_t *out_cnt, size_t *out_total);

/** Statistics for the staff page. @return LC_EOK; LC_EDB. */
int users_stats(store_stats_t *out_stats);

/**
 * Make a random token: 32 bytes as 43 characters of base64url.
 * @return LC_EOK; LC_EIO.
 */
int users_token(char out[USERS_TOKEN_LEN + 1]);

#endif
