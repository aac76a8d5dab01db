/* SPDX-License-Identifier: MIT */
/* users.c -- console accounts: Argon2id password hashes, sessions stored as SHA-256 */
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/ops.h"
#include "ctl/users.h"
#include "util/b64.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rand.h"
#include "util/validate.h"

#define PW_T_COST 2
#define PW_M_COST_KIB 19456
#define PW_PARALLEL 1
#define PW_SALT_LEN 16
#define PW_TAG_LEN 32

/*
 * Argon2id runs at once. Each takes PW_M_COST_KIB of memory and a core for
 * tens of milliseconds; without a cap, a burst of sign-ins (or password
 * checks) would run one per connection thread at the same time: 40 parallel
 * wrong passwords took the daemon to about 790 MiB. A caller waits at most
 * hash_wait_ms for a slot and then gets LC_EBUSY (the console answers 503
 * with Retry-After), so the queue is bounded in time as well as in size.
 */
static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static unsigned hash_max = USERS_HASH_MAX;
static unsigned hash_wait_ms = USERS_HASH_WAIT_MS;
static unsigned hash_running, hash_peak;

/* Verified against when a name is unknown, so that path costs one Argon2id run too. */
static char dummy_hash[STORE_PW_HASH_MAX + 1];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

const char *users_name_problem(const char *name)
{
	size_t len = strlen(name);
	if (len < 3 || len > STORE_USER_NAME_MAX) {
		return "a user name is 3 to 64 characters";
	}
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789.-_@+") != len) {
		return "a user name may hold only letters, digits and . - _ @ +";
	}
	return NULL;
}

const char *users_password_problem(const char *password)
{
	size_t len = strlen(password);
	if (len < USERS_PASSWORD_MIN) {
		return "a password needs at least 10 characters";
	}
	if (len > USERS_PASSWORD_MAX) {
		return "a password may have at most 256 characters";
	}
	return NULL;
}

int users_token(char out[USERS_TOKEN_LEN + 1])
{
	uint8_t raw[32];
	int ret = rand_bytes(raw, sizeof(raw));
	if (ret == LC_EOK) {
		ret = b64_url_encode(raw, sizeof(raw), out, USERS_TOKEN_LEN + 1);
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return ret == LC_EOK ? LC_EOK : LC_EIO;
}

void users_hash_limits(unsigned max_running, unsigned wait_ms)
{
	pthread_mutex_lock(&hash_lock);
	hash_max = max_running > 0 ? max_running : 1;
	hash_wait_ms = wait_ms;
	hash_peak = hash_running;
	pthread_mutex_unlock(&hash_lock);
}

unsigned users_hash_peak(void)
{
	pthread_mutex_lock(&hash_lock);
	unsigned peak = hash_peak;
	pthread_mutex_unlock(&hash_lock);
	return peak;
}

/* Take one of the hash_max slots, waiting at most hash_wait_ms. @return LC_EOK; LC_EBUSY. */
static int hash_enter(void)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += hash_wait_ms / 1000;
	deadline.tv_nsec += (long)(hash_wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	int ret = LC_EOK;
	pthread_mutex_lock(&hash_lock);
	while (hash_running >= hash_max) {
		if (pthread_cond_timedwait(&hash_cond, &hash_lock, &deadline) != 0 &&
		    hash_running >= hash_max) {
			ret = LC_EBUSY;
			break;
		}
	}
	if (ret == LC_EOK) {
		hash_running++;
		if (hash_running > hash_peak) {
			hash_peak = hash_running;
		}
	}
	pthread_mutex_unlock(&hash_lock);
	return ret;
}

static void hash_leave(void)
{
	pthread_mutex_lock(&hash_lock);
	hash_running--;
	pthread_mutex_unlock(&hash_lock);
	pthread_cond_signal(&hash_cond);
}

/*
 * Argon2id of a password with a fresh salt, in the encoded form. slot: take
 * one of the hash_max slots first (every caller but the one-time dummy).
 */
static int hash_password(const char *password, char out[STORE_PW_HASH_MAX + 1], bool slot)
{
	uint8_t salt[PW_SALT_LEN];
	if (rand_bytes(salt, sizeof(salt)) != LC_EOK) {
		return LC_EIO;
	}
	if (slot && hash_enter() != LC_EOK) {
		return LC_EBUSY;
	}
	int rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST_KIB, PW_PARALLEL, password,
				       strlen(password), salt, sizeof(salt), PW_TAG_LEN, out,
				       STORE_PW_HASH_MAX + 1);
	if (slot) {
		hash_leave();
	}
	if (rc != ARGON2_OK) {
		log_err("users: argon2id: %s", argon2_error_message(rc));
		return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? LC_ENOMEM : LC_EINVAL;
	}
	return LC_EOK;
}

/* Once per process, before the first check; outside the cap, so it never fails for load. */
static void make_dummy(void)
{
	if (hash_password("not a password anyone has", dummy_hash, false) != LC_EOK) {
		dummy_hash[0] = '\0';
	}
}

static void lower_copy(const char *in, char *out, size_t out_size)
{
	snprintf(out, out_size, "%s", in);
	validate_lower(out);
}

/* ---- store calls, run under the ops mutex ---- */

typedef struct user_job {
	const char *name;
	const char *pw_hash;
	bool is_staff;
	int64_t id;
	user_rec_t user;
	const uint8_t *sid_hash;
	const char *csrf;
	int64_t now, expires;
	session_rec_t session;
	store_stats_t *stats;
	sub_rec_t *subs;
	size_t max, cnt, total;
} user_job_t;

static int do_create(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_user_create(st, u->name, u->pw_hash, u->is_staff, u->now, &u->id);
}

static int do_find(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_user_find(st, u->name, &u->user);
}

static int do_set_password(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_user_set_password(st, u->id, u->pw_hash, u->now);
}

static int do_session_new(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_session_create(st, u->sid_hash, u->id, u->csrf, u->now, u->expires);
}

static int do_session_get(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	int ret = store_session_get(st, u->sid_hash, u->now, &u->session);
	if (ret == LC_EOK) {
		ret = store_user_get(st, u->session.user_id, &u->user);
	}
	return ret;
}

static int do_session_end(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_session_delete(st, u->sid_hash);
}

static int do_owned(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_sub_list_owned(st, u->id, u->subs, u->max, &u->cnt, &u->total);
}

static int do_stats(store_t *st, void *ctx)
{
	user_job_t *u = ctx;
	return store_stats(st, u->now, u->stats);
}

/* ---- public ---- */

int users_create(const char *name, const char *password, bool is_staff, int64_t *out_id)
{
	char lname[STORE_USER_NAME_MAX + 2];
	char hash[STORE_PW_HASH_MAX + 1];
	if (strlen(name) > STORE_USER_NAME_MAX) {
		return LC_EINVAL;
	}
	lower_copy(name, lname, sizeof(lname));
	if (users_name_problem(lname) != NULL || users_password_problem(password) != NULL) {
		return LC_EINVAL;
	}
	/* A taken name is refused before the slow hash (the insert still checks). */
	user_job_t f = { .name = lname };
	int ret = ops_with_store(do_find, &f);
	OPENSSL_cleanse(&f.user, sizeof(f.user));
	if (ret != LC_ENOENT) {
		return ret == LC_EOK ? LC_EEXIST : ret;
	}
	ret = hash_password(password, hash, true);
	if (ret != LC_EOK) {
		return ret;
	}
	user_job_t u = { .name = lname, .pw_hash = hash, .is_staff = is_staff,
			 .now = (int64_t)time(NULL) };
	ret = ops_with_store(do_create, &u);
	if (ret == LC_EOK) {
		*out_id = u.id;
	}
	return ret;
}

int users_find(const char *name, user_rec_t *out_user)
{
	char lname[STORE_USER_NAME_MAX + 2];
	if (strlen(name) > STORE_USER_NAME_MAX) {
		return LC_ENOENT;
	}
	lower_copy(name, lname, sizeof(lname));
	user_job_t u = { .name = lname };
	int ret = ops_with_store(do_find, &u);
	if (ret == LC_EOK) {
		*out_user = u.user;
	}
	OPENSSL_cleanse(&u.user, sizeof(u.user));
	return ret;
}

int users_login(const char *name, const char *password, user_rec_t *out_user)
{
	user_rec_t u;
	pthread_once(&dummy_once, make_dummy);
	int ret = strlen(password) <= USERS_PASSWORD_MAX ? users_find(name, &u) : LC_ENOENT;
	if (ret != LC_EOK && ret != LC_ENOENT) {
		return ret;
	}
	const char *encoded = ret == LC_EOK ? u.pw_hash : dummy_hash;
	if (hash_enter() != LC_EOK) {
		OPENSSL_cleanse(&u, sizeof(u));
		return LC_EBUSY;
	}
	bool match = encoded[0] != '\0' &&
		     argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
	hash_leave();
	if (ret == LC_EOK && match) {
		*out_user = u;
	}
	OPENSSL_cleanse(&u, sizeof(u));
	return ret == LC_EOK && match ? LC_EOK : LC_EAUTH;
}

int users_password_set(int64_t user_id, const char *password)
{
	char hash[STORE_PW_HASH_MAX + 1];
	if (users_password_problem(password) != NULL) {
		return LC_EINVAL;
	}
	int ret = hash_password(password, hash, true);
	if (ret != LC_EOK) {
		return ret;
	}
	user_job_t u = { .id = user_id, .pw_hash = hash, .now = (int64_t)time(NULL) };
	return ops_with_store(do_set_password, &u);
}

/* SHA-256 of a session id as presented; false if it does not have the shape of one. */
static bool sid_hash(const char *sid, uint8_t out[SHA256_DIGEST_LENGTH])
{
	if (sid == NULL || strlen(sid) != USERS_TOKEN_LEN ||
	    strspn(sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    USERS_TOKEN_LEN) {
		return false;
	}
	SHA256((const unsigned char *)sid, USERS_TOKEN_LEN, out);
	return true;
}

int users_session_new(int64_t user_id, unsigned lifetime_s, char *out_sid, char *out_csrf)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	if (users_token(out_sid) != LC_EOK || users_token(out_csrf) != LC_EOK) {
		return LC_EIO;
	}
	sid_hash(out_sid, h);
	int64_t now = (int64_t)time(NULL);
	user_job_t u = { .id = user_id, .sid_hash = h, .csrf = out_csrf, .now = now,
			 .expires = now + (int64_t)lifetime_s };
	int ret = ops_with_store(do_session_new, &u);
	if (ret != LC_EOK) {
		OPENSSL_cleanse(out_sid, USERS_TOKEN_LEN + 1);
	}
	return ret;
}

int users_session_get(const char *sid, user_rec_t *out_user, session_rec_t *out_session)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	if (!sid_hash(sid, h)) {
		return LC_ENOENT;
	}
	user_job_t u = { .sid_hash = h, .now = (int64_t)time(NULL) };
	int ret = ops_with_store(do_session_get, &u);
	if (ret == LC_EOK) {
		*out_user = u.user;
		*out_session = u.session;
	}
	OPENSSL_cleanse(&u.user, sizeof(u.user));
	return ret;
}

int users_session_end(const char *sid)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	if (!sid_hash(sid, h)) {
		return LC_EOK;
	}
	user_job_t u = { .sid_hash = h };
	return ops_with_store(do_session_end, &u);
}

int users_stats(store_stats_t *out_stats)
{
	user_job_t u = { .stats = out_stats, .now = (int64_t)time(NULL) };
	return ops_with_store(do_stats, &u);
}

int users_owned(int64_t user_id, sub_rec_t *out, size_t max, size_t *out_cnt, size_t *out_total)
{
	user_job_t u = { .id = user_id, .subs = out, .max = max };
	int ret = ops_with_store(do_owned, &u);
	*out_cnt = ret == LC_EOK ? u.cnt : 0;
	*out_total = ret == LC_EOK ? u.total : 0;
	return ret;
}
