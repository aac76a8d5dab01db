/* SPDX-License-Identifier: MIT */
/* ops.h -- every data change (register, keys, challenge values): validate, store, publish */
#ifndef LC_CTL_OPS_H
#define LC_CTL_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "store/store.h"
#include "util/cidr.h"

/*
 * The one place that changes data. The HTTP API, the web console and
 * localcertctl call these functions and nothing else to write. Each change
 * is validated in the calling thread, then runs as a job of the group-commit
 * writer (ctl/batch.h, docs/storage.md): many callers' changes share one
 * store transaction and one fsync, each in a savepoint of its own, and in
 * the daemon rebuild_sub() publishes each changed subdomain into the DNS
 * index before any caller is woken. So when an operation returns LC_EOK the
 * change is durable and already visible in DNS answers (SPEC 1, "An API
 * update is visible ... as soon as the API has answered"), and a failing
 * request fails alone. The functions block until then and are thread-safe.
 *
 * Callers log the events (they know the client); ops logs only failures.
 *
 * Secrets: 32 random bytes, shown once as 43 characters of base64url,
 * stored only as SHA-256 (see docs/api.md for why a fast hash is right).
 */

#define OPS_SECRET_LEN 43     /* base64url of 32 random bytes, unpadded */
#define OPS_ALLOWFROM_MAX 16  /* CIDRs per key */
#define OPS_ALLOWFROM_TEXT 1024 /* JSON text of an allowfrom list, NUL included */

/** Credentials of a new key, in the shape ACME clients read (SPEC 2). Caller-owned. */
typedef struct ops_creds {
	char username[STORE_KEY_ID_LEN + 1];  /**< key id (UUID) */
	char password[OPS_SECRET_LEN + 1];    /**< the secret; wipe with ops_creds_wipe() */
	char fulldomain[STORE_NAME_MAX + 1];  /**< "<label>.<parent>" */
	char subdomain[STORE_LABEL_MAX + 1];  /**< "<label>" */
	char allowfrom[OPS_ALLOWFROM_TEXT];   /**< JSON array of CIDR strings ("[]" = anywhere) */
	const char *server_url;               /**< borrowed from the conf */
} ops_creds_t;

/** What a client presents to use a key. All borrowed. */
typedef struct ops_auth {
	const char *key_id;  /**< "username": a UUID (any case) */
	const char *secret;  /**< "password" */
	const cidr_t *addr;  /**< the client's address (after trusted-proxy handling); NULL if unknown */
} ops_auth_t;

/**
 * Start the operations module for the daemon: changes are published into the
 * DNS index with rebuild_sub(). Call after rebuild_init().
 * @param c  the configuration (borrowed; must outlive ops_cleanup()).
 * @param st the daemon's store connection (borrowed; from now on only used under the writer mutex).
 * @return LC_EOK; LC_EIO (no randomness).
 */
int ops_init(const conf_t *c, store_t *st);

/**
 * Start the module for a tool (localcertctl): changes go to the store only,
 * and a running daemon picks them up through ops_poll() within about a second.
 * Same parameters and returns as ops_init().
 */
int ops_init_offline(const conf_t *c, store_t *st);

/**
 * Publish changes that other processes committed to the store (localcertctl),
 * via rebuild_poll(). The daemon calls this about once a second. No-op offline.
 * @return LC_EOK; LC_EDB.
 */
int ops_poll(void);

/** Forget the conf and store (does not free them). Safe to call twice. */
void ops_cleanup(void);

/**
 * Why a chosen label cannot be registered under parent, in plain words, or
 * NULL if it can: the label rules of SPEC 1 (a-z, 0-9, "-"; 1-63; no
 * leading/trailing or double hyphen), the look-alike blocklist, the 253
 * character limit of the full name, and the parent being a configured parent
 * domain. Does not look at the store (a taken label is found on create).
 * @return a static string, or NULL. Thread-safe.
 */
const char *ops_label_problem(const char *label, const char *parent);

/**
 * Register a subdomain with its first key, in one transaction.
 * @param kind      SUB_INSTANT or SUB_DELEGATE (random UUIDv4 label), or SUB_NAMED.
 * @param parent    a configured parent domain, or NULL for conf->default_parent.
 * @param label     the label for SUB_NAMED (checked with ops_label_problem()); NULL otherwise.
 * @param allow     CIDRs the key may be used from (none = anywhere); at most OPS_ALLOWFROM_MAX.
 * @param out       the credentials, with the secret; wipe with ops_creds_wipe().
 * @return LC_EOK; LC_EINVAL (bad label or too many CIDRs); LC_ENOENT (parent not served);
 *         LC_EEXIST (label taken now or before); LC_EDB; LC_ENOMEM/LC_EIO (publishing or
 *         randomness failed; for the daemon the data is stored and published by the next poll).
 */
int ops_register(sub_kind_t kind, const char *parent, const char *label, const cidr_t *allow,
		 size_t allow_cnt, ops_creds_t *out);

/**
 * Find a live subdomain by its full name ("demo.localhostcert.test", any
 * case, trailing dot allowed) under one of the configured parents.
 * @return LC_EOK; LC_ENOENT; LC_EDB.
 */
int ops_sub_find(const char *fqdn, sub_rec_t *out_sub);

/**
 * Create another key for a live subdomain (at most STORE_KEYS_MAX live keys).
 * @return LC_EOK; LC_ENOENT; LC_ELIMIT; LC_EINVAL (too many CIDRs); LC_EDB; LC_EIO.
 */
int ops_key_create(int64_t sub_id, const cidr_t *allow, size_t allow_cnt, ops_creds_t *out);

/** Room for ops_key_state(): STORE_KEYS_MAX ids, ',' between them, and the NUL. */
#define OPS_KEY_STATE_MAX (STORE_KEYS_MAX * (STORE_KEY_ID_LEN + 1))

/**
 * The key state of a subdomain as text: the ids of its live keys (as ops_key_list()
 * gives them, oldest first) joined with ',', "" for none. The console puts it into its
 * "create a key" form, so that the form works once (see ops_key_create_once()).
 * @param out at least OPS_KEY_STATE_MAX bytes. Allocates nothing; thread-safe.
 */
void ops_key_state(const key_rec_t *keys, size_t cnt, char *out, size_t out_len);

/**
 * ops_key_create() (no allowfrom) for a form that saw the key state seen: the key is
 * made only if the subdomain's live keys are still exactly those, checked in the same
 * write job. A reloaded, double-clicked or replayed form finds a key it did not see
 * and makes no second key (SPEC 3: the secret is shown once, at most 2 keys).
 * @param seen the form's ops_key_state() text ("" = no keys).
 * @return as ops_key_create(); LC_EEXIST when the keys changed since the form was made.
 */
int ops_key_create_once(int64_t sub_id, const char *seen, ops_creds_t *out);

/** Revoke a key by id (any case). @return LC_EOK; LC_ENOENT (unknown or already revoked); LC_EDB. */
int ops_key_revoke(const char *key_id);

/**
 * Check a key: the secret matches (constant time; an unknown id costs the same
 * hash and compare), the subdomain is live, and the client address is inside
 * the key's allowfrom list. Records last_used.
 * @param out_sub the key's subdomain.
 * @return LC_EOK; LC_EAUTH (unknown key, wrong secret, deleted subdomain);
 *         LC_EACCES (address outside allowfrom); LC_EDB.
 */
int ops_check(const ops_auth_t *a, sub_rec_t *out_sub);

/**
 * The acme-dns update: authenticate as ops_check(), check that subdomain
 * names the key's subdomain (its label, or its full name), add txt as the
 * newest challenge value (the oldest beyond STORE_TXT_KEEP is dropped) and
 * publish it.
 * @param subdomain label or full name, any case (syntax checked by the caller or here).
 * @param txt       exactly 43 characters of base64url.
 * @param out_sub   the subdomain after the change.
 * @return LC_EOK; LC_EAUTH (as ops_check(), or the key is for another subdomain);
 *         LC_EACCES; LC_EINVAL (bad subdomain or txt syntax); LC_EDB; LC_ENOMEM.
 */
int ops_update(const ops_auth_t *a, const char *subdomain, const char *txt, sub_rec_t *out_sub);

/**
 * Delete one challenge value (console). A value that is not set is LC_ENOENT and
 * changes nothing: the serial stays, nothing is published.
 * @return LC_EOK; LC_ENOENT (no such live subdomain or value); LC_EDB; LC_ENOMEM.
 */
int ops_txt_delete(int64_t sub_id, const char *txt, sub_rec_t *out_sub);

/**
 * Delete a subdomain: values dropped, keys revoked, the label never reissued.
 * @return LC_EOK; LC_ENOENT; LC_EDB; LC_ENOMEM.
 */
int ops_sub_delete(int64_t sub_id, sub_rec_t *out_sub);

/**
 * Create a subdomain owned by a console user, without a key (the console
 * creates keys on their own page), unless the user already owns max_owned.
 * @param parent   a configured parent domain (NULL: conf->default_parent).
 * @param label    a chosen label (SUB_NAMED, checked with ops_label_problem()),
 *                 or NULL for an instant subdomain with a random UUIDv4 label.
 * @param out_sub  the new subdomain.
 * @return LC_EOK; LC_EINVAL (bad label); LC_ENOENT (parent not served); LC_ELIMIT (the
 *         user owns max_owned already); LC_EEXIST (label taken now or before); LC_EDB;
 *         LC_ENOMEM/LC_EIO as ops_register().
 */
int ops_sub_create_owned(int64_t owner_id, unsigned max_owned, const char *parent,
			 const char *label, sub_rec_t *out_sub);

/**
 * Fetch a subdomain by id, deleted ones included (check out_sub->deleted and
 * out_sub->owner_id). @return LC_EOK; LC_ENOENT; LC_EDB.
 */
int ops_sub_get(int64_t sub_id, sub_rec_t *out_sub);

/**
 * Add a challenge value by hand (console): the same syntax rule as the API
 * (43 characters of base64url), but a third value is refused instead of
 * pushing out the oldest (SPEC 1). A value already present becomes the newest.
 * @return LC_EOK; LC_EINVAL (bad txt); LC_ELIMIT (already STORE_TXT_KEEP values);
 *         LC_ENOENT (no live subdomain); LC_EDB; LC_ENOMEM.
 */
int ops_txt_add(int64_t sub_id, const char *txt, sub_rec_t *out_sub);

/**
 * The live keys of a subdomain, oldest first.
 * @param out array of max entries; @param out_cnt set to how many were written.
 * @return LC_EOK; LC_EDB.
 */
int ops_key_list(int64_t sub_id, key_rec_t *out, size_t max, size_t *out_cnt);

/**
 * Run fn with the store under the writer mutex: the seam through which
 * ctl/users.c reads and writes accounts on the one connection. fn must not
 * call other ops_* functions (the mutex is not recursive).
 * @return what fn returned; LC_EDB when there is no store.
 */
int ops_with_store(int (*fn)(store_t *st, void *ctx), void *ctx);

/** Is the store reachable (a real read of the database)? @return LC_EOK; LC_EDB. */
int ops_store_ping(void);

/** Write "<label>.<parent>" of a subdomain. @return LC_EOK; LC_ESPACE (out too small). */
int ops_fqdn(const sub_rec_t *s, char *out, size_t out_size);

/** Wipe the secret in a credentials struct (OPENSSL_cleanse). Accepts NULL. */
void ops_creds_wipe(ops_creds_t *c);

#endif
