/* SPDX-License-Identifier: MIT */
/* ops.c -- data changes: validate, then a job for the group-commit writer (store + publish) */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/batch.h"
#include "ctl/blocklist.h"
#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "store/accounts.h"
#include "util/b64.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rand.h"
#include "util/validate.h"

#define SECRET_BYTES 32 /* 256 bits of entropy (SPEC 2) */

/*
 * Module state. The mutex owns the store connection, a single SQLite handle
 * (store.h): whoever uses it holds the mutex. Changes do not take it
 * themselves: they are jobs for the group-commit writer (ctl/batch.h), which
 * holds it for a whole batch. Reads (find, ping, poll) take it directly.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const conf_t *conf;
static store_t *store;
static bool publish;
/* Compared against when a key id is unknown, so that answer costs the same. */
static uint8_t dummy_hash[SHA256_DIGEST_LENGTH];
/*
 * SHA-256, fetched once. SHA256() looks the algorithm up in OpenSSL's
 * provider store, under a lock, on every call; with many API threads that
 * lookup cost more than the hash itself.
 */
static EVP_MD *sha256_md;

static void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LENGTH])
{
	if (sha256_md == NULL || EVP_Digest(data, len, out, NULL, sha256_md, NULL) != 1) {
		SHA256(data, len, out); /* not fetched (or no memory for a digest context) */
	}
}

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
	if (sha256_md == NULL) {
		sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	}
	pthread_mutex_lock(&lock);
	conf = c;
	store = st;
	publish = online;
	pthread_mutex_unlock(&lock);
	/* The daemon gets the writer thread and background checkpoints; a tool runs
	 * each change as a batch of one, with SQLite's own checkpoints. */
	if (online && store_checkpoints_start(st) != LC_EOK) {
		log_warn("store: checkpoints run inside commits");
	}
	return batch_start(st, &lock, online, online);
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
	batch_stop(); /* runs what is queued first */
	pthread_mutex_lock(&lock);
	conf = NULL;
	store = NULL;
	publish = false;
	pthread_mutex_unlock(&lock);
	EVP_MD_free(sha256_md); /* the API has stopped: nobody hashes any more */
	sha256_md = NULL;
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
 * Each change below is a job: a function that runs on the writer inside the
 * batch transaction (ctl/batch.h) with the lock held, and the struct that
 * carries its inputs and outputs. Work that needs no store (randomness,
 * hashing the presented secret, syntax checks) stays in the calling thread.
 * A job that sets pub gets that subdomain published after the commit; a
 * publishing failure is not lost data: the row carries its sequence, so the
 * next rebuild_poll() publishes it again.
 */

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
		sha256(out_text, OPS_SECRET_LEN, out_hash);
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

/* A registration: a subdomain and its first key. */
typedef struct register_job {
	sub_kind_t kind;
	const char *parent;
	const char *label; /* NULL: a random UUID */
	const uint8_t *hash;
	const char *allowfrom;
	sub_rec_t sub;
	char key_id[STORE_KEY_ID_LEN + 1];
} register_job_t;

static int register_job(batch_job_t *j)
{
	register_job_t *r = j->arg;
	int ret = LC_EEXIST;
	/* A random label that ever existed is taken (never reissued): draw again. */
	for (int attempt = 0; attempt < 4 && ret == LC_EEXIST; attempt++) {
		char uuid[RAND_UUID_LEN + 1];
		const char *l = r->label;
		if (l == NULL) {
			ret = rand_uuid4(uuid);
			if (ret != LC_EOK) {
				return ret;
			}
			l = uuid;
		}
		ret = store_sub_create_key(store, l, r->parent, r->kind, r->hash, r->allowfrom,
					   &r->sub, r->key_id);
		if (r->label != NULL) {
			break;
		}
	}
	if (ret == LC_EOK) {
		j->pub = &r->sub;
	}
	return ret;
}

int ops_register(sub_kind_t kind, const char *parent, const char *label, const cidr_t *allow,
		 size_t allow_cnt, ops_creds_t *out)
{
	uint8_t hash[SHA256_DIGEST_LENGTH];
	memset(out, 0, sizeof(*out));
	register_job_t r = { .kind = kind, .label = label, .hash = hash, .allowfrom = out->allowfrom };
	batch_job_t j = { .fn = register_job, .arg = &r };

	/* conf is set before the API starts and cleared after it stops: no lock needed. */
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
	r.parent = parent;
	ret = batch_run(&j);
	if (ret == LC_EOK) {
		creds_fill(out, &r.sub, r.key_id);
	}
out:
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

/* Another key for a live subdomain. */
typedef struct key_job {
	int64_t sub_id;
	const uint8_t *hash;
	const char *allowfrom;
	const char *seen; /* ops_key_create_once(): the key state the form saw, else NULL */
	sub_rec_t sub;
	char key_id[STORE_KEY_ID_LEN + 1];
} key_job_t;

void ops_key_state(const key_rec_t *keys, size_t cnt, char *out, size_t out_len)
{
	size_t o = 0;
	if (out_len == 0) {
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < cnt && o < out_len; i++) {
		int n = snprintf(out + o, out_len - o, "%s%s", i > 0 ? "," : "", keys[i].id);
		if (n < 0) {
			break;
		}
		o += (size_t)n;
	}
}

/* The key state, gathered inside the write job. */
typedef struct key_state_acc {
	key_rec_t keys[STORE_KEYS_MAX];
	size_t cnt;
} key_state_acc_t;

static int key_state_add(const key_rec_t *k, void *ctx)
{
	key_state_acc_t *a = ctx;
	if (a->cnt < STORE_KEYS_MAX) {
		memcpy(a->keys[a->cnt].id, k->id, sizeof(k->id));
	}
	a->cnt++;
	return LC_EOK;
}

/* Are the subdomain's live keys still the ones the form saw? Runs in the write job. */
static int key_state_check(int64_t sub_id, const char *seen)
{
	key_state_acc_t a;
	char now[OPS_KEY_STATE_MAX];
	memset(&a, 0, sizeof(a));
	int ret = store_key_foreach(store, sub_id, key_state_add, &a);
	if (ret != LC_EOK) {
		return ret;
	}
	ops_key_state(a.keys, a.cnt < STORE_KEYS_MAX ? a.cnt : STORE_KEYS_MAX, now, sizeof(now));
	return a.cnt <= STORE_KEYS_MAX && strcmp(now, seen) == 0 ? LC_EOK : LC_EEXIST;
}

static int key_create_job(batch_job_t *j)
{
	key_job_t *k = j->arg;
	int ret = store_sub_get(store, k->sub_id, &k->sub);
	if (ret == LC_EOK && k->sub.deleted) {
		ret = LC_ENOENT;
	}
	if (ret == LC_EOK && k->seen != NULL) {
		ret = key_state_check(k->sub_id, k->seen);
	}
	if (ret == LC_EOK) {
		ret = store_key_create(store, k->sub_id, k->hash, k->allowfrom, k->key_id);
	}
	return ret;
}

static int key_create(int64_t sub_id, const cidr_t *allow, size_t allow_cnt, const char *seen,
		      ops_creds_t *out)
{
	uint8_t hash[SHA256_DIGEST_LENGTH];
	memset(out, 0, sizeof(*out));
	key_job_t k = { .sub_id = sub_id, .hash = hash, .allowfrom = out->allowfrom, .seen = seen };
	batch_job_t j = { .fn = key_create_job, .arg = &k };

	int ret = allow_text(allow, allow_cnt, out->allowfrom);
	if (ret != LC_EOK) {
		goto out;
	}
	ret = secret_new(out->password, hash);
	if (ret != LC_EOK) {
		goto out;
	}
	ret = batch_run(&j);
	if (ret == LC_EOK) {
		creds_fill(out, &k.sub, k.key_id);
	}
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	if (ret != LC_EOK) {
		ops_creds_wipe(out);
	}
	return ret;
}

int ops_key_create(int64_t sub_id, const cidr_t *allow, size_t allow_cnt, ops_creds_t *out)
{
	return key_create(sub_id, allow, allow_cnt, NULL, out);
}

int ops_key_create_once(int64_t sub_id, const char *seen, ops_creds_t *out)
{
	return key_create(sub_id, NULL, 0, seen != NULL ? seen : "", out);
}

static int key_revoke_job(batch_job_t *j)
{
	return store_key_revoke(store, j->arg);
}

int ops_key_revoke(const char *key_id)
{
	char id[STORE_KEY_ID_LEN + 1];
	if (!validate_uuid(key_id)) {
		return LC_ENOENT;
	}
	snprintf(id, sizeof(id), "%s", key_id);
	validate_lower(id);
	batch_job_t j = { .fn = key_revoke_job, .arg = id };
	return batch_run(&j);
}

/* A use of a key: check it, and for an update set a value. */
typedef struct auth_job {
	const ops_auth_t *a;
	uint8_t got[SHA256_DIGEST_LENGTH]; /* SHA-256 of the presented secret */
	const char *subdomain;             /* update only */
	const char *txt;                   /* update only */
	sub_rec_t *out_sub;
	sub_rec_t sub;
} auth_job_t;

/* Hash the presented secret in the calling thread, so the writer only compares. */
static void auth_job_init(auth_job_t *x, const ops_auth_t *a, sub_rec_t *out_sub)
{
	memset(x, 0, sizeof(*x));
	x->a = a;
	x->out_sub = out_sub;
	const char *secret = a->secret != NULL ? a->secret : "";
	sha256(secret, strlen(secret), x->got);
}

/*
 * Authenticate a key (on the writer). Every path has hashed the presented
 * secret (auth_job_init()) and compares 32 bytes with CRYPTO_memcmp, against a
 * dummy hash when the id is unknown, so the time taken does not tell whether
 * an id exists.
 */
static int authenticate(const ops_auth_t *a, const uint8_t got[SHA256_DIGEST_LENGTH],
			sub_rec_t *out_sub)
{
	char id[STORE_KEY_ID_LEN + 1] = "";
	key_rec_t key;
	int ret = LC_ENOENT;

	if (a->key_id != NULL && validate_uuid(a->key_id)) {
		snprintf(id, sizeof(id), "%s", a->key_id);
		validate_lower(id);
		ret = store_key_get_uniform(store, id, &key);
	}
	if (ret != LC_EOK && ret != LC_ENOENT) {
		return ret; /* storage failure: not the client's fault */
	}
	const uint8_t *want = ret == LC_EOK ? key.secret_hash : dummy_hash;
	bool match = CRYPTO_memcmp(got, want, SHA256_DIGEST_LENGTH) == 0;
	if (ret != LC_EOK || !match) {
		return LC_EAUTH;
	}
	ret = store_sub_get(store, key.sub_id, out_sub);
	if (ret == LC_ENOENT || (ret == LC_EOK && out_sub->deleted)) {
		ret = LC_EAUTH;
	}
	if (ret != LC_EOK) {
		return ret;
	}
	/* SPEC 2: updates only from inside the key's allowfrom list, when it has one. */
	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	if (cidr_list_parse(key.allowfrom, allow, OPS_ALLOWFROM_MAX, &allow_cnt) != LC_EOK) {
		log_err("ops: key %s has an unreadable allowfrom list", id);
		return LC_EACCES;
	}
	if (allow_cnt > 0) {
		bool inside = false;
		for (size_t i = 0; a->addr != NULL && i < allow_cnt && !inside; i++) {
			inside = cidr_contains(&allow[i], a->addr);
		}
		if (!inside) {
			return LC_EACCES;
		}
	}
	/*
	 * last_used, to the second, joins the batch's transaction: no commit of
	 * its own. Further uses within the same second write nothing. It is
	 * undone with the job when the use fails later (wrong subdomain).
	 */
	int64_t now = (int64_t)time(NULL);
	if (key.last_used != now && store_key_touch(store, id, now) != LC_EOK) {
		log_warn("ops: could not record last use of key %s", id);
	}
	return LC_EOK;
}

static int check_job(batch_job_t *j)
{
	auth_job_t *x = j->arg;
	return authenticate(x->a, x->got, x->out_sub);
}

int ops_check(const ops_auth_t *a, sub_rec_t *out_sub)
{
	auth_job_t x;
	auth_job_init(&x, a, out_sub);
	batch_job_t j = { .fn = check_job, .arg = &x };
	int ret = batch_run(&j);
	OPENSSL_cleanse(x.got, sizeof(x.got));
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

static int update_job(batch_job_t *j)
{
	auth_job_t *x = j->arg;
	int ret = authenticate(x->a, x->got, &x->sub);
	if (ret != LC_EOK) {
		return ret;
	}
	if (!names_sub(x->subdomain, &x->sub)) {
		return LC_EAUTH;
	}
	ret = store_txt_add(store, x->sub.id, x->txt, x->out_sub);
	if (ret == LC_EOK) {
		j->pub = x->out_sub;
	}
	return ret;
}

int ops_update(const ops_auth_t *a, const char *subdomain, const char *txt, sub_rec_t *out_sub)
{
	if (subdomain == NULL || !validate_txt(txt)) {
		return LC_EINVAL;
	}
	auth_job_t x;
	auth_job_init(&x, a, out_sub);
	x.subdomain = subdomain;
	x.txt = txt;
	batch_job_t j = { .fn = update_job, .arg = &x };
	int ret = batch_run(&j);
	OPENSSL_cleanse(x.got, sizeof(x.got));
	return ret;
}

/* Console and localcertctl changes to one subdomain. */
typedef struct sub_job {
	int64_t sub_id;
	const char *txt;
	sub_rec_t *out_sub;
} sub_job_t;

static int txt_delete_job(batch_job_t *j)
{
	sub_job_t *x = j->arg;
	int ret = store_txt_del(store, x->sub_id, x->txt, x->out_sub);
	if (ret == LC_EOK) {
		j->pub = x->out_sub;
	}
	return ret;
}

int ops_txt_delete(int64_t sub_id, const char *txt, sub_rec_t *out_sub)
{
	sub_job_t x = { .sub_id = sub_id, .txt = txt, .out_sub = out_sub };
	batch_job_t j = { .fn = txt_delete_job, .arg = &x };
	return batch_run(&j);
}

static int sub_delete_job(batch_job_t *j)
{
	sub_job_t *x = j->arg;
	int ret = store_sub_delete(store, x->sub_id, x->out_sub);
	if (ret == LC_EOK) {
		j->pub = x->out_sub;
	}
	return ret;
}

int ops_sub_delete(int64_t sub_id, sub_rec_t *out_sub)
{
	sub_job_t x = { .sub_id = sub_id, .out_sub = out_sub };
	batch_job_t j = { .fn = sub_delete_job, .arg = &x };
	return batch_run(&j);
}

int ops_store_ping(void)
{
	int64_t seq;
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? store_seq(store, &seq) : LC_EDB;
	pthread_mutex_unlock(&lock);
	return ret;
}

/* A subdomain for a console user, without a key. */
typedef struct owned_job {
	int64_t owner_id;
	unsigned max_owned;
	const char *parent;
	const char *label; /* NULL: an instant subdomain with a random UUID */
	sub_rec_t sub;
} owned_job_t;

static int owned_job(batch_job_t *j)
{
	owned_job_t *o = j->arg;
	int ret = LC_EEXIST;
	/* A random label that ever existed is taken (never reissued): draw again. */
	for (int attempt = 0; attempt < 4 && ret == LC_EEXIST; attempt++) {
		char uuid[RAND_UUID_LEN + 1];
		const char *l = o->label;
		if (l == NULL) {
			ret = rand_uuid4(uuid);
			if (ret != LC_EOK) {
				return ret;
			}
			l = uuid;
		}
		ret = store_sub_create_owned(store, l, o->parent,
					     o->label != NULL ? SUB_NAMED : SUB_INSTANT, o->owner_id,
					     o->max_owned, &o->sub);
		if (o->label != NULL) {
			break;
		}
	}
	if (ret == LC_EOK) {
		j->pub = &o->sub;
	}
	return ret;
}

int ops_sub_create_owned(int64_t owner_id, unsigned max_owned, const char *parent,
			 const char *label, sub_rec_t *out_sub)
{
	owned_job_t o = { .owner_id = owner_id, .max_owned = max_owned, .label = label };
	batch_job_t j = { .fn = owned_job, .arg = &o };
	/* conf is set before the console starts and cleared after it stops. */
	if (conf == NULL) {
		return LC_EINVAL;
	}
	o.parent = parent != NULL ? parent : conf->default_parent;
	if (o.parent == NULL || parent_zone(o.parent) == NULL) {
		return LC_ENOENT;
	}
	if (label != NULL && ops_label_problem(label, o.parent) != NULL) {
		return LC_EINVAL;
	}
	int ret = batch_run(&j);
	if (ret == LC_EOK || ret == LC_ENOMEM) {
		*out_sub = o.sub; /* LC_ENOMEM: stored, published by the next poll */
	}
	return ret;
}

int ops_sub_get(int64_t sub_id, sub_rec_t *out_sub)
{
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? store_sub_get(store, sub_id, out_sub) : LC_EDB;
	pthread_mutex_unlock(&lock);
	return ret;
}

/* A value added by hand: refused, not rotated, when the subdomain has two. */
typedef struct txt_add_job {
	int64_t sub_id;
	const char *txt;
	sub_rec_t sub;
} txt_add_job_t;

static int txt_add_job(batch_job_t *j)
{
	txt_add_job_t *t = j->arg;
	sub_rec_t cur;
	int ret = store_sub_get(store, t->sub_id, &cur);
	if (ret == LC_EOK && cur.deleted) {
		ret = LC_ENOENT;
	}
	if (ret != LC_EOK) {
		return ret;
	}
	/* SPEC 1: the console refuses a third value (the API drops the oldest). */
	bool present = false;
	for (unsigned i = 0; i < cur.txt_cnt; i++) {
		present = present || strcmp(cur.txt[i], t->txt) == 0;
	}
	if (!present && cur.txt_cnt >= STORE_TXT_KEEP) {
		return LC_ELIMIT;
	}
	ret = store_txt_add(store, t->sub_id, t->txt, &t->sub);
	if (ret == LC_EOK) {
		j->pub = &t->sub;
	}
	return ret;
}

int ops_txt_add(int64_t sub_id, const char *txt, sub_rec_t *out_sub)
{
	if (txt == NULL || !validate_txt(txt)) {
		return LC_EINVAL;
	}
	txt_add_job_t t = { .sub_id = sub_id, .txt = txt };
	batch_job_t j = { .fn = txt_add_job, .arg = &t };
	int ret = batch_run(&j);
	if (ret == LC_EOK || ret == LC_ENOMEM) {
		*out_sub = t.sub;
	}
	return ret;
}

typedef struct key_collect {
	key_rec_t *out;
	size_t max, cnt;
} key_collect_t;

static int collect_key(const key_rec_t *k, void *ctx)
{
	key_collect_t *c = ctx;
	if (c->cnt < c->max) {
		c->out[c->cnt++] = *k;
	}
	return 0;
}

int ops_key_list(int64_t sub_id, key_rec_t *out, size_t max, size_t *out_cnt)
{
	key_collect_t c = { .out = out, .max = max, .cnt = 0 };
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? store_key_foreach(store, sub_id, collect_key, &c) : LC_EDB;
	pthread_mutex_unlock(&lock);
	*out_cnt = c.cnt;
	return ret;
}

int ops_with_store(int (*fn)(store_t *st, void *ctx), void *ctx)
{
	pthread_mutex_lock(&lock);
	int ret = store != NULL ? fn(store, ctx) : LC_EDB;
	pthread_mutex_unlock(&lock);
	return ret;
}
