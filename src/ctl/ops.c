/* SPDX-License-Identifier: MIT */
/* ops.c -- data changes: validate, one store transaction, publish, under one writer mutex */
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/blocklist.h"
#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "util/b64.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rand.h"
#include "util/validate.h"

#define SECRET_BYTES 32 /* 256 bits of entropy (SPEC 2) */

/*
 * Module state. One writer at a time: the mutex also serialises every use of
 * the store connection, which is a single SQLite handle (store.h).
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const conf_t *conf;
static store_t *store;
static bool publish;
/* Compared against when a key id is unknown, so that answer costs the same. */
static uint8_t dummy_hash[SHA256_DIGEST_LENGTH];

/* Names an operator's own infrastructure usually has under a parent. */
static const char *const reserved[] = {
	"abuse", "admin", "api", "console", "hostmaster", "mail", "ns", "ns1", "ns2", "ns3",
	"ns4", "postmaster", "root", "webmaster", "www",
};

static bool in_list(const char *word, const char *const *list, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++) {
		if (strcmp(word, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* Is "<label>.<parent>" the owner, or an ancestor of the owner, of a configured record? */
static bool shadows_static_record(const char *label, const char *parent)
{
	char fqdn[STORE_NAME_MAX + 2];
	int n = snprintf(fqdn, sizeof(fqdn), "%s.%s", label, parent);
	if (n < 0 || (size_t)n >= sizeof(fqdn)) {
		return false; /* too long anyway: refused by the length rule */
	}
	size_t flen = strlen(fqdn);
	for (size_t z = 0; z < conf->zone_cnt; z++) {
		const conf_zone_t *cz = &conf->zones[z];
		for (size_t r = 0; r < cz->record_cnt; r++) {
			const char *owner = cz->records[r].owner;
			size_t olen = strlen(owner);
			if (strcmp(owner, fqdn) == 0 ||
			    (olen > flen && owner[olen - flen - 1] == '.' &&
			     strcmp(owner + olen - flen, fqdn) == 0)) {
				return true;
			}
		}
	}
	return false;
}

/* A configured parent domain (not a static zone), or NULL. */
static const conf_zone_t *parent_zone(const char *parent)
{
	const conf_zone_t *cz = conf_zone_find(conf, parent);
	if (cz == NULL || (cz->kind != ZKIND_LOCALHOST && cz->kind != ZKIND_LOCAL)) {
		return NULL;
	}
	return cz;
}

const char *ops_label_problem(const char *label, const char *parent)
{
	if (!validate_label(label)) {
		return "a label is 1 to 63 characters of a-z, 0-9 and '-', with no '-' at either "
		       "end and no '--'";
	}
	if (conf == NULL || parent == NULL || parent_zone(parent) == NULL) {
		return "the parent domain is not served here";
	}
	if (strlen(label) + 1 + strlen(parent) > STORE_NAME_MAX) {
		return "the full name would be longer than 253 characters";
	}
	if (in_list(label, reserved, sizeof(reserved) / sizeof(reserved[0])) ||
	    shadows_static_record(label, parent)) {
		return "that label is reserved";
	}
	if (blocklist_is_lookalike(label)) {
		return "that label looks like the name of a popular site";
	}
	return NULL;
}

static int start(const conf_t *c, store_t *st, bool online)
{
	if (rand_bytes(dummy_hash, sizeof(dummy_hash)) != LC_EOK) {
		return LC_EIO;
	}
	int ret = blocklist_init(c->blocklist_words, c->blocklist_cnt);
	if (ret != LC_EOK) {
		return ret;
	}
	pthread_mutex_lock(&lock);
	conf = c;
	store = st;
	publish = online;
	pthread_mutex_unlock(&lock);
	return LC_EOK;
}

int ops_init(const conf_t *c, store_t *st)
{
	return start(c, st, true);
}

int ops_init_offline(const conf_t *c, store_t *st)
{
	return start(c, st, false);
}

int ops_poll(void)
{
	int ret = LC_EOK;
	pthread_mutex_lock(&lock);
	if (publish && store != NULL) {
		ret = rebuild_poll(store);
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

void ops_cleanup(void)
{
	pthread_mutex_lock(&lock);
	conf = NULL;
	store = NULL;
	publish = false;
	pthread_mutex_unlock(&lock);
}

int ops_fqdn(const sub_rec_t *s, char *out, size_t out_size)
{
	int n = snprintf(out, out_size, "%s.%s", s->label, s->parent);
	return n >= 0 && (size_t)n < out_size ? LC_EOK : LC_ESPACE;
}

void ops_creds_wipe(ops_creds_t *c)
{
	if (c != NULL) {
		OPENSSL_cleanse(c->password, sizeof(c->password));
	}
}

/*
 * Publish a committed change (daemon only); caller holds the lock. A failure
 * here is not lost data: the row carries its sequence, so the next
 * rebuild_poll() publishes it again.
 */
static int publish_sub(const sub_rec_t *s)
{
	if (!publish) {
		return LC_EOK;
	}
	int ret = rebuild_sub(s);
	if (ret != LC_EOK) {
		log_err("ops: publishing %s.%s failed: %s", s->label, s->parent, lc_strerror(ret));
	}
	return ret;
}

/* Make a secret: 32 random bytes as base64url text, and its SHA-256. */
static int secret_new(char out_text[OPS_SECRET_LEN + 1], uint8_t out_hash[SHA256_DIGEST_LENGTH])
{
	uint8_t raw[SECRET_BYTES];
	int ret = rand_bytes(raw, sizeof(raw));
	if (ret == LC_EOK) {
		ret = b64_url_encode(raw, sizeof(raw), out_text, OPS_SECRET_LEN + 1);
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	if (ret == LC_EOK) {
		SHA256((const unsigned char *)out_text, OPS_SECRET_LEN, out_hash);
	}
	return ret;
}

static int allow_text(const cidr_t *allow, size_t allow_cnt, char out[OPS_ALLOWFROM_TEXT])
{
	if (allow_cnt > OPS_ALLOWFROM_MAX) {
		return LC_EINVAL;
	}
	return cidr_list_format(allow, allow_cnt, out, OPS_ALLOWFROM_TEXT) == LC_EOK ? LC_EOK
										      : LC_EINVAL;
}

static void creds_fill(ops_creds_t *out, const sub_rec_t *s, const char *key_id)
{
	snprintf(out->username, sizeof(out->username), "%s", key_id);
	snprintf(out->subdomain, sizeof(out->subdomain), "%s", s->label);
	if (ops_fqdn(s, out->fulldomain, sizeof(out->fulldomain)) != LC_EOK) {
		out->fulldomain[0] = '\0'; /* cannot happen: names are checked on creation */
	}
	out->server_url = conf->server_url;
}

int ops_register(sub_kind_t kind, const char *parent, const char *label, const cidr_t *allow,
		 size_t allow_cnt, ops_creds_t *out)
{
	uint8_t hash[SHA256_DIGEST_LENGTH];
	char key_id[STORE_KEY_ID_LEN + 1];
	sub_rec_t sub;
	memset(out, 0, sizeof(*out));

	pthread_mutex_lock(&lock);
	int ret = LC_EINVAL;
	if (conf == NULL) {
		goto out;
	}
	if (parent == NULL) {
		parent = conf->default_parent;
	}
	if (parent == NULL || parent_zone(parent) == NULL) {
		ret = LC_ENOENT;
		goto out;
	}
	if ((kind == SUB_NAMED) != (label != NULL)) {
		goto out; /* a chosen label exactly when the kind is "named" */
	}
	if (label != NULL && ops_label_problem(label, parent) != NULL) {
		goto out;
	}
	ret = allow_text(allow, allow_cnt, out->allowfrom);
	if (ret != LC_EOK) {
		goto out;
	}
	ret = secret_new(out->password, hash);
	if (ret != LC_EOK) {
		goto out;
	}
	/* A random label that ever existed is taken (never reissued): draw again. */
	for (int attempt = 0; attempt < 4; attempt++) {
		char uuid[RAND_UUID_LEN + 1];
		const char *l = label;
		if (l == NULL) {
			ret = rand_uuid4(uuid);
			if (ret != LC_EOK) {
				goto out;
			}
			l = uuid;
		}
		ret = store_sub_create_key(store, l, parent, kind, hash, out->allowfrom, &sub,
					   key_id);
		if (ret != LC_EEXIST || label != NULL) {
			break;
		}
	}
	if (ret != LC_EOK) {
		goto out;
	}
	creds_fill(out, &sub, key_id);
	ret = publish_sub(&sub);
out:
	pthread_mutex_unlock(&lock);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (ret != LC_EOK) {
		ops_creds_wipe(out);
	}
	return ret;
}

int ops_sub_find(const char *fqdn, sub_rec_t *out_sub)
{
	char name[STORE_NAME_MAX + 1];
	if (!validate_canonical_name(fqdn, name, sizeof(name))) {
		return LC_ENOENT;
	}
	const char *dot = strchr(name, '.');
	if (dot == NULL) {
		return LC_ENOENT;
	}
	char label[STORE_LABEL_MAX + 1];
	size_t llen = (size_t)(dot - name);
	if (llen == 0 || llen > STORE_LABEL_MAX) {
		return LC_ENOENT;
	}
	memcpy(label, name, llen);
	label[llen] = '\0';

	pthread_mutex_lock(&lock);
	int ret = LC_ENOENT;
	if (conf != NULL && parent_zone(dot + 1) != NULL) {
		ret = store_sub_find(store, label, dot + 1, out_sub);
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

int ops_key_create(int64_t sub_id, const cidr_t *allow, size_t allow_cnt, ops_creds_t *out)
{
	uint8_t hash[SHA256_DIGEST_LENGTH];
	char key_id[STORE_KEY_ID_LEN + 1];
	sub_rec_t sub;
	memset(out, 0, sizeof(*out));

	pthread_mutex_lock(&lock);
	int ret = allow_text(allow, allow_cnt, out->allowfrom);
	if (ret != LC_EOK) {
		goto out;
	}
	ret = store_sub_get(store, sub_id, &sub);
	if (ret == LC_EOK && sub.deleted) {
		ret = LC_ENOENT;
	}
	if (ret != LC_EOK) {
		goto out;
	}
	ret = secret_new(out->password, hash);
	if (ret != LC_EOK) {
		goto out;
	}
	ret = store_key_create(store, sub_id, hash, out->allowfrom, key_id);
	if (ret != LC_EOK) {
		goto out;
	}
	creds_fill(out, &sub, key_id);
out:
	pthread_mutex_unlock(&lock);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (ret != LC_EOK) {
		ops_creds_wipe(out);
	}
	return ret;
}

int ops_key_revoke(const char *key_id)
{
	char id[STORE_KEY_ID_LEN + 1];
	if (!validate_uuid(key_id)) {
		return LC_ENOENT;
	}
	snprintf(id, sizeof(id), "%s", key_id);
	validate_lower(id);
	pthread_mutex_lock(&lock);
	int ret = store_key_revoke(store, id);
	pthread_mutex_unlock(&lock);
	return ret;
}

/*
 * Authenticate a key (caller holds the lock). Every path hashes the presented
 * secret and compares 32 bytes with CRYPTO_memcmp, against a dummy hash when
 * the id is unknown, so the time taken does not tell whether an id exists.
 */
static int authenticate(const ops_auth_t *a, sub_rec_t *out_sub)
{
	uint8_t got[SHA256_DIGEST_LENGTH];
	char id[STORE_KEY_ID_LEN + 1] = "";
	key_rec_t key;
	int ret = LC_ENOENT;

	const char *secret = a->secret != NULL ? a->secret : "";
	SHA256((const unsigned char *)secret, strlen(secret), got);
	if (a->key_id != NULL && validate_uuid(a->key_id)) {
		snprintf(id, sizeof(id), "%s", a->key_id);
		validate_lower(id);
		ret = store_key_get(store, id, &key);
	}
	if (ret != LC_EOK && ret != LC_ENOENT) {
		goto out; /* storage failure: not the client's fault */
	}
	const uint8_t *want = ret == LC_EOK ? key.secret_hash : dummy_hash;
	bool match = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	if (ret != LC_EOK || !match) {
		ret = LC_EAUTH;
		goto out;
	}
	ret = store_sub_get(store, key.sub_id, out_sub);
	if (ret == LC_ENOENT || (ret == LC_EOK && out_sub->deleted)) {
		ret = LC_EAUTH;
	}
	if (ret != LC_EOK) {
		goto out;
	}
	/* SPEC 2: updates only from inside the key's allowfrom list, when it has one. */
	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	if (cidr_list_parse(key.allowfrom, allow, OPS_ALLOWFROM_MAX, &allow_cnt) != LC_EOK) {
		log_err("ops: key %s has an unreadable allowfrom list", id);
		ret = LC_EACCES;
		goto out;
	}
	if (allow_cnt > 0) {
		bool inside = false;
		for (size_t i = 0; a->addr != NULL && i < allow_cnt && !inside; i++) {
			inside = cidr_contains(&allow[i], a->addr);
		}
		if (!inside) {
			ret = LC_EACCES;
			goto out;
		}
	}
	if (store_key_touch(store, id, (int64_t)time(NULL)) != LC_EOK) {
		log_warn("ops: could not record last use of key %s", id);
	}
out:
	OPENSSL_cleanse(got, sizeof(got));
	return ret;
}

int ops_check(const ops_auth_t *a, sub_rec_t *out_sub)
{
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? authenticate(a, out_sub) : LC_EDB;
	pthread_mutex_unlock(&lock);
	return ret;
}

/* Does the client's "subdomain" field name this subdomain (label or full name)? */
static bool names_sub(const char *given, const sub_rec_t *s)
{
	char name[STORE_NAME_MAX + 1];
	if (!validate_canonical_name(given, name, sizeof(name))) {
		return false;
	}
	if (strcmp(name, s->label) == 0) {
		return true;
	}
	char fqdn[STORE_NAME_MAX + 2];
	return ops_fqdn(s, fqdn, sizeof(fqdn)) == LC_EOK && strcmp(name, fqdn) == 0;
}

int ops_update(const ops_auth_t *a, const char *subdomain, const char *txt, sub_rec_t *out_sub)
{
	if (subdomain == NULL || !validate_txt(txt)) {
		return LC_EINVAL;
	}
	sub_rec_t sub;
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? authenticate(a, &sub) : LC_EDB;
	if (ret != LC_EOK) {
		goto out;
	}
	if (!names_sub(subdomain, &sub)) {
		ret = LC_EAUTH;
		goto out;
	}
	ret = store_txt_add(store, sub.id, txt, out_sub);
	if (ret == LC_ENOENT) {
		ret = LC_EAUTH; /* deleted between the key check and the write */
	}
	if (ret != LC_EOK) {
		goto out;
	}
	ret = publish_sub(out_sub);
out:
	pthread_mutex_unlock(&lock);
	return ret;
}

int ops_txt_delete(int64_t sub_id, const char *txt, sub_rec_t *out_sub)
{
	pthread_mutex_lock(&lock);
	int ret = store_txt_del(store, sub_id, txt, out_sub);
	if (ret == LC_EOK) {
		ret = publish_sub(out_sub);
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

int ops_sub_delete(int64_t sub_id, sub_rec_t *out_sub)
{
	pthread_mutex_lock(&lock);
	int ret = store_sub_delete(store, sub_id, out_sub);
	if (ret == LC_EOK) {
		ret = publish_sub(out_sub);
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

int ops_store_ping(void)
{
	int64_t seq;
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? store_seq(store, &seq) : LC_EDB;
	pthread_mutex_unlock(&lock);
	return ret;
}
