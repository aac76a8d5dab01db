/* SPDX-License-Identifier: MIT */
/* test_ctl_ops.c -- ctl/ops in offline mode on a temporary store: label rules, registration,
 * keys and their limit, authentication (secret, allowfrom, subdomain), updates, deletion */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "store/store.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"
#include "util/validate.h"

static const char V1[] = "O4ZS52dW2Q_-evk8hv1mBNHYmmszAejm65lDxrLJRhs";
static const char V2[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
static const char V3[] = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

/*
 * QA: deleting a challenge value that is not set bumped the zone serial (a reloaded
 * delete form made a new zone version). It must be LC_ENOENT and change nothing.
 */
static void test_txt_delete_absent_keeps_serial(const sub_rec_t *demo)
{
	sub_rec_t before, after;
	is_int(ops_sub_find("demo.localhostcert.test", &before), LC_EOK, "absent delete: before");
	is_int(ops_txt_delete(demo->id, V3, &after), LC_ENOENT,
	       "deleting a value that is not set is LC_ENOENT");
	is_int(ops_txt_delete(demo->id, "nonsense", &after), LC_ENOENT,
	       "deleting a value that could never be set is LC_ENOENT");
	is_int(ops_sub_find("demo.localhostcert.test", &after), LC_EOK, "absent delete: after");
	is_int(after.serial, before.serial, "absent delete: the serial is unchanged");
	is_int(after.txt_cnt, before.txt_cnt, "absent delete: the values are unchanged");
}

/*
 * QA: reloading the console's new-key page posted the form again and made a second
 * key. ops_key_create_once() makes a key only while the live keys are the ones the
 * form saw.
 */
static void test_key_create_once_no_second_key(void)
{
	ops_creds_t first, again, other;
	key_rec_t keys[STORE_KEYS_MAX];
	size_t cnt = 0;
	char seen[OPS_KEY_STATE_MAX];
	sub_rec_t s;

	is_int(ops_register(SUB_NAMED, NULL, "once", NULL, 0, &first), LC_EOK, "once: registered");
	is_int(ops_sub_find("once.localhostcert.test", &s), LC_EOK, "once: found");
	is_int(ops_key_list(s.id, keys, STORE_KEYS_MAX, &cnt), LC_EOK, "once: key list");
	ops_key_state(keys, cnt, seen, sizeof(seen));
	is_str(seen, first.username, "key state: the one key's id");
	is_int(ops_key_create_once(s.id, seen, &again), LC_EOK, "the form makes a key");
	is_int(ops_key_create_once(s.id, seen, &other), LC_EEXIST, "the same form again: no key");
	ok(other.password[0] == '\0', "and no secret");
	is_int(ops_key_create_once(s.id, "", &other), LC_EEXIST, "a form that saw no keys: no key");
	is_int(ops_key_list(s.id, keys, STORE_KEYS_MAX, &cnt), LC_EOK, "once: key list again");
	is_int(cnt, 2, "two keys, not three attempts' worth");
	char both[OPS_KEY_STATE_MAX];
	snprintf(both, sizeof(both), "%s,%s", first.username, again.username);
	ops_key_state(keys, cnt, seen, sizeof(seen));
	is_str(seen, both, "key state: ids oldest first, comma-separated");
	is_int(ops_key_create_once(s.id, seen, &other), LC_ELIMIT, "an up-to-date form still meets the limit");
	ops_key_state(keys, 0, seen, sizeof(seen));
	is_str(seen, "", "key state of no keys is empty");
	ops_creds_wipe(&first);
	ops_creds_wipe(&again);
}

int main(void)
{
	char dir[] = "/tmp/lc-test-ops-XXXXXX";
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
	const char *lp = c->default_parent;
	ok(lp != NULL, "a default parent: %s", lp ? lp : "(none)");

	/* Label rules */
	ok(ops_label_problem("demo", lp) == NULL, "demo is fine");
	ok(ops_label_problem("my-host-1", lp) == NULL, "my-host-1 is fine");
	ok(ops_label_problem("pineapple", lp) == NULL, "a word containing a brand is fine");
	ok(ops_label_problem("Demo", lp) != NULL, "upper case refused (callers lowercase)");
	ok(ops_label_problem("a--b", lp) != NULL, "double hyphen");
	ok(ops_label_problem("google", lp) != NULL, "brand");
	ok(ops_label_problem("g00gle", lp) != NULL, "brand with digits for letters");
	ok(ops_label_problem("paypal-login", lp) != NULL, "brand as a part");
	ok(ops_label_problem("pay-pal", lp) != NULL, "brand split by a hyphen");
	ok(ops_label_problem("www", lp) != NULL, "reserved");
	ok(ops_label_problem("demo", "example.org") != NULL, "unknown parent");
	char longl[64];
	memset(longl, 'a', 63);
	longl[63] = '\0';
	ok(ops_label_problem(longl, lp) == NULL, "63 characters");

	/* Register */
	ops_creds_t cr, k2, k3;
	is_int(ops_register(SUB_NAMED, NULL, "demo", NULL, 0, &cr), LC_EOK, "register named");
	ok(strlen(cr.password) == OPS_SECRET_LEN && validate_uuid(cr.username), "credentials");
	is_str(cr.subdomain, "demo", "subdomain");
	is_str(cr.allowfrom, "[]", "allowfrom");
	is_int(ops_register(SUB_NAMED, NULL, "demo", NULL, 0, &k3), LC_EEXIST, "taken");
	ok(k3.password[0] == '\0', "no secret left behind on failure");
	is_int(ops_register(SUB_NAMED, NULL, "-bad", NULL, 0, &k3), LC_EINVAL, "bad label");
	is_int(ops_register(SUB_NAMED, NULL, NULL, NULL, 0, &k3), LC_EINVAL, "named needs a label");
	is_int(ops_register(SUB_INSTANT, NULL, "x", NULL, 0, &k3), LC_EINVAL,
	       "instant takes no label");
	is_int(ops_register(SUB_INSTANT, "example.org", NULL, NULL, 0, &k3), LC_ENOENT,
	       "unknown parent");
	ops_creds_t inst;
	is_int(ops_register(SUB_INSTANT, NULL, NULL, NULL, 0, &inst), LC_EOK, "register instant");
	ok(validate_uuid(inst.subdomain), "instant label is a UUID");
	cidr_t many[OPS_ALLOWFROM_MAX + 1];
	for (int i = 0; i <= OPS_ALLOWFROM_MAX; i++) {
		cidr_parse("10.0.0.0/8", &many[i]);
	}
	is_int(ops_register(SUB_DELEGATE, NULL, NULL, many, OPS_ALLOWFROM_MAX + 1, &k3), LC_EINVAL,
	       "too many CIDRs");

	/* Authentication and updates */
	cidr_t lo, far;
	cidr_parse_addr("127.0.0.1", &lo);
	cidr_parse_addr("192.0.2.1", &far);
	ops_auth_t a = { .key_id = cr.username, .secret = cr.password, .addr = &lo };
	sub_rec_t s;
	is_int(ops_check(&a, &s), LC_EOK, "check");
	is_str(s.label, "demo", "check gives the subdomain");
	is_int(ops_update(&a, "demo", V1, &s), LC_EOK, "update by label");
	is_int(ops_update(&a, "DEMO.localhostcert.test.", V2, &s), LC_EOK, "update by full name");
	is_int(ops_update(&a, "demo", V3, &s), LC_EOK, "third value");
	ok(s.txt_cnt == 2 && strcmp(s.txt[0], V2) == 0 && strcmp(s.txt[1], V3) == 0,
	   "oldest dropped");
	is_int(ops_update(&a, inst.subdomain, V1, &s), LC_EAUTH, "another subdomain's label");
	is_int(ops_update(&a, "demo.localcert.test", V1, &s), LC_EAUTH, "wrong parent");
	is_int(ops_update(&a, "demo", "short", &s), LC_EINVAL, "bad txt");
	ops_auth_t bad = a;
	bad.secret = inst.password;
	is_int(ops_check(&bad, &s), LC_EAUTH, "another key's secret");
	bad.secret = NULL;
	is_int(ops_check(&bad, &s), LC_EAUTH, "no secret");
	bad = a;
	bad.key_id = "00000000-0000-4000-8000-000000000000";
	is_int(ops_check(&bad, &s), LC_EAUTH, "unknown key id");
	bad.key_id = "nonsense";
	is_int(ops_check(&bad, &s), LC_EAUTH, "malformed key id");
	char upper[STORE_KEY_ID_LEN + 1];
	snprintf(upper, sizeof(upper), "%s", cr.username);
	for (char *p = upper; *p; p++) {
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	}
	bad = a;
	bad.key_id = upper;
	is_int(ops_check(&bad, &s), LC_EOK, "key id in upper case");

	/* Keys: limit of two, allowfrom, revoke */
	sub_rec_t demo;
	is_int(ops_sub_find("Demo.LocalhostCert.test.", &demo), LC_EOK, "find by full name");
	is_int(ops_sub_find("demo.example.org", &demo), LC_ENOENT, "find under an unknown parent");
	ops_sub_find("demo.localhostcert.test", &demo);
	cidr_t net;
	cidr_parse("127.0.0.0/8", &net);
	is_int(ops_key_create(demo.id, &net, 1, &k2), LC_EOK, "second key (127.0.0.0/8)");
	is_str(k2.allowfrom, "[\"127.0.0.0/8\"]", "its allowfrom");
	is_int(ops_key_create(demo.id, NULL, 0, &k3), LC_ELIMIT, "third key refused");
	ops_auth_t a2 = { .key_id = k2.username, .secret = k2.password, .addr = &lo };
	is_int(ops_check(&a2, &s), LC_EOK, "inside allowfrom");
	a2.addr = &far;
	is_int(ops_check(&a2, &s), LC_EACCES, "outside allowfrom");
	a2.addr = NULL;
	is_int(ops_check(&a2, &s), LC_EACCES, "unknown address with an allowfrom list");
	is_int(ops_key_revoke(cr.username), LC_EOK, "revoke");
	is_int(ops_check(&a, &s), LC_EAUTH, "revoked key refused");
	is_int(ops_key_revoke(cr.username), LC_ENOENT, "revoke twice");
	is_int(ops_key_revoke("junk"), LC_ENOENT, "revoke junk");

	/* Delete */
	is_int(ops_txt_delete(demo.id, V3, &s), LC_EOK, "delete a value");
	is_int(s.txt_cnt, 1, "one value left");
	test_txt_delete_absent_keeps_serial(&demo);
	test_key_create_once_no_second_key();
	is_int(ops_sub_delete(demo.id, &s), LC_EOK, "delete the subdomain");
	a2.addr = &lo;
	is_int(ops_check(&a2, &s), LC_EAUTH, "its keys are gone");
	is_int(ops_register(SUB_NAMED, NULL, "demo", NULL, 0, &k3), LC_EEXIST, "never reissued");
	is_int(ops_store_ping(), LC_EOK, "store ping");
	is_int(ops_poll(), LC_EOK, "poll is a no-op offline");

	ops_creds_wipe(&cr);
	ok(cr.password[0] == '\0', "wipe clears the secret");
	ops_creds_wipe(NULL);
	ops_cleanup();
	store_free(st);
	conf_free(c);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
