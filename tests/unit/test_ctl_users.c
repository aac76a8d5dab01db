/* SPDX-License-Identifier: MIT */
/* test_ctl_users.c -- accounts on a temporary store: name and password rules, Argon2id,
 * sessions (hashed, expiring, ended by a password change), owned subdomains and their limit,
 * hand-set values (a third refused), the look-alike blocklist with an operator's words */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "ctl/blocklist.h"
#include "ctl/ops.h"
#include "ctl/users.h"
#include "store/store.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"

static const char V1[] = "O4ZS52dW2Q_-evk8hv1mBNHYmmszAejm65lDxrLJRhs";
static const char V2[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
static const char V3[] = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

/* Parallel password checks: how many were refused for want of a hashing slot. */
#define PAR 8
static int par_ret[PAR];

static void *check_one(void *arg)
{
	int i = (int)(long)arg;
	user_rec_t u;
	par_ret[i] = users_login(i % 2 ? "alice" : "nobody", "wrong password", &u);
	return NULL;
}

static void run_parallel(int *out_busy, int *out_auth)
{
	pthread_t th[PAR];
	for (long i = 0; i < PAR; i++) {
		pthread_create(&th[i], NULL, check_one, (void *)i);
	}
	*out_busy = *out_auth = 0;
	for (int i = 0; i < PAR; i++) {
		pthread_join(th[i], NULL);
		*out_busy += par_ret[i] == LC_EBUSY;
		*out_auth += par_ret[i] == LC_EAUTH;
	}
}

int main(void)
{
	char dir[] = "/tmp/lc-test-users-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	log_set_level(LOG_ERR - 1);
	char err[256];
	conf_t *c = NULL;
	store_t *st = NULL;
	if (conf_load(NULL, &c, err, sizeof(err)) != LC_EOK || store_open(dir, &st) != LC_EOK) {
		printf("Bail out! setup: %s\n", err);
		return 1;
	}
	is_int(ops_init_offline(c, st), LC_EOK, "init offline");

	/* Names and passwords */
	ok(users_name_problem("alice") == NULL, "alice is a fine name");
	ok(users_name_problem("a.b-c_d@e+f") == NULL, "email-like names are fine");
	ok(users_name_problem("ab") != NULL, "too short");
	ok(users_name_problem("<b>") != NULL, "markup refused");
	ok(users_password_problem("short") != NULL, "short password refused");
	ok(users_password_problem("long enough") == NULL, "10 characters are enough");

	int64_t alice = 0, bob = 0;
	is_int(users_create("Alice", "long enough 1", false, &alice), LC_EOK, "create Alice");
	is_int(users_create("alice", "long enough 2", false, &bob), LC_EEXIST, "names are case-insensitive");
	is_int(users_create("bob", "short", false, &bob), LC_EINVAL, "short password refused");
	is_int(users_create("bob", "long enough 2", true, &bob), LC_EOK, "create staff bob");

	user_rec_t u;
	is_int(users_login("ALICE", "long enough 1", &u), LC_EOK, "log in (any case)");
	ok(u.id == alice && !u.is_staff, "the right user");
	ok(strncmp(u.pw_hash, "$argon2id$", 10) == 0, "Argon2id hash");
	is_int(users_login("alice", "long enough 2", &u), LC_EAUTH, "wrong password");
	is_int(users_login("nobody", "long enough 1", &u), LC_EAUTH, "unknown user");

	/* Sessions */
	char sid[USERS_TOKEN_LEN + 1], csrf[USERS_TOKEN_LEN + 1], sid2[USERS_TOKEN_LEN + 1];
	session_rec_t s;
	is_int(users_session_new(alice, 3600, sid, csrf), LC_EOK, "new session");
	ok(strlen(sid) == USERS_TOKEN_LEN && strcmp(sid, csrf) != 0, "id and CSRF token differ");
	is_int(users_session_get(sid, &u, &s), LC_EOK, "session found");
	ok(u.id == alice && strcmp(s.csrf, csrf) == 0, "its user and token");
	is_int(users_session_get("x", &u, &s), LC_ENOENT, "malformed id");
	sid2[0] = '\0';
	is_int(users_session_new(alice, 3600, sid2, csrf), LC_EOK, "a second session");
	is_int(users_session_end(sid), LC_EOK, "log out");
	is_int(users_session_get(sid, &u, &s), LC_ENOENT, "ended");
	is_int(users_session_get(sid2, &u, &s), LC_EOK, "the other one lives");
	is_int(users_password_set(alice, "a new password"), LC_EOK, "change password");
	is_int(users_session_get(sid2, &u, &s), LC_ENOENT, "every session ended with it");
	is_int(users_login("alice", "a new password", &u), LC_EOK, "the new password works");
	is_int(users_session_new(bob, 0, sid, csrf), LC_EOK, "a session that expires at once");
	is_int(users_session_get(sid, &u, &s), LC_ENOENT, "expired");

	/* Owned subdomains */
	sub_rec_t sub, other;
	is_int(ops_sub_create_owned(alice, 2, NULL, "alpha", &sub), LC_EOK, "alice registers alpha");
	ok(sub.kind == SUB_NAMED, "named");
	is_int(ops_sub_get(sub.id, &sub), LC_EOK, "read back");
	ok(sub.owner_id == alice, "owned by alice");
	is_int(ops_sub_create_owned(bob, 2, NULL, "alpha", &other), LC_EEXIST, "taken");
	is_int(ops_sub_create_owned(alice, 2, NULL, "paypal", &other), LC_EINVAL, "blocked");
	is_int(ops_sub_create_owned(alice, 2, NULL, NULL, &other), LC_EOK, "an owned instant one");
	ok(other.kind == SUB_INSTANT && strlen(other.label) == 36, "random label");
	is_int(ops_sub_create_owned(alice, 2, NULL, "gamma", &other), LC_ELIMIT, "the limit holds");
	size_t cnt = 0, total = 0;
	sub_rec_t list[4];
	is_int(users_owned(alice, list, 4, &cnt, &total), LC_EOK, "list alice's");
	ok(cnt == 2 && total == 2 && list[0].id == sub.id, "two, oldest first");
	is_int(users_owned(bob, list, 4, &cnt, &total), LC_EOK, "list bob's");
	ok(cnt == 0 && total == 0, "bob has none");
	is_int(ops_sub_delete(sub.id, &sub), LC_EOK, "delete alpha");
	is_int(ops_sub_create_owned(alice, 2, NULL, "gamma", &other), LC_EOK, "room again");

	/* Hand-set values */
	is_int(ops_txt_add(other.id, "not a value", &other), LC_EINVAL, "syntax as in the API");
	is_int(ops_txt_add(other.id, V1, &other), LC_EOK, "first value");
	is_int(ops_txt_add(other.id, V2, &other), LC_EOK, "second value");
	is_int(ops_txt_add(other.id, V3, &other), LC_ELIMIT, "a third is refused");
	ok(other.txt_cnt == 2, "still two");
	is_int(ops_txt_add(other.id, V1, &other), LC_EOK, "a value already there is fine");
	is_int(ops_txt_add(sub.id, V1, &sub), LC_ENOENT, "deleted subdomain");

	store_stats_t stats;
	is_int(users_stats(&stats), LC_EOK, "statistics");
	ok(stats.users == 2 && stats.staff == 1, "2 users, 1 staff");
	ok(stats.subs_live[SUB_NAMED] == 1 && stats.subs_live[SUB_INSTANT] == 1 &&
		   stats.subs_deleted == 1 && stats.subs_owned == 2,
	   "subdomains by kind");

	/* bug_argon2_unbounded: at most USERS_HASH_MAX Argon2id runs at once; a caller
	 * that cannot get a slot in time gets LC_EBUSY instead of queueing for ever. */
	int busy, auth;
	users_hash_limits(2, 5000);
	run_parallel(&busy, &auth);
	ok(auth == PAR && busy == 0, "8 parallel checks, 2 slots, long wait: all answered (%d)", auth);
	ok(users_hash_peak() <= 2, "never more than 2 runs at once (peak %u)", users_hash_peak());
	users_hash_limits(1, 0);
	run_parallel(&busy, &auth);
	ok(busy > 0 && busy + auth == PAR, "1 slot, no wait: %d of 8 refused busy", busy);
	is_int(users_hash_peak(), 1, "peak 1");
	users_hash_limits(1, 0);
	int64_t carol = 0;
	is_int(users_create("alice", "long enough 9", false, &carol), LC_EEXIST,
	       "a taken name is refused before hashing");
	users_hash_limits(USERS_HASH_MAX, USERS_HASH_WAIT_MS);
	is_int(users_login("alice", "a new password", &u), LC_EOK, "default limits: log in");
	ok(users_hash_peak() <= USERS_HASH_MAX, "peak within the default cap");

	/* The blocklist: compiled-in words and an operator's */
	ok(blocklist_is_lookalike("g00gle-login"), "digit swaps");
	ok(blocklist_is_lookalike("pay-pal"), "joined parts");
	ok(blocklist_is_lookalike("office365"), "a word with digits in the list");
	ok(!blocklist_is_lookalike("myshop"), "not listed");
	char *extra[] = { "myshop" };
	size_t before = blocklist_count();
	is_int(blocklist_init(extra, 1), LC_EOK, "add an operator's word");
	ok(blocklist_count() == before + 1, "one more word");
	ok(blocklist_is_lookalike("my5hop-eu"), "the operator's word counts, with swaps");

	ops_cleanup();
	store_free(st);
	conf_free(c);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
