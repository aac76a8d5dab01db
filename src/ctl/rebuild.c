/* SPDX-License-Identifier: MIT */
/* rebuild.c -- config and store rows -> the published DNS index; the only writer of zone/ */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu.h>

#include "ctl/rebuild.h"
#include "dns/dns.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "util/log.h"
#include "zone/zoneset.h"

static const char SPF[] = "v=spf1 -all";
static const char DMARC[] = "v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s";
static const char DKIM[] = "v=DKIM1; p=";

/* Parent names by zone index, to map store rows (parent text) to zones. */
static char **zone_names;
static size_t zone_name_cnt;
static int64_t last_seq;
/* The store's change log is trimmed up to here (the daemon is its only reader). */
static int64_t pruned_seq;
#define PRUNE_EVERY 4096 /* changes; a trim is one small transaction of its own */

/*
 * RCU writers must be registered threads. The API runs on libmicrohttpd's
 * threads, which are not ours, so their changes are handed to a publisher
 * thread of our own; the caller waits until the change is visible.
 */
static __thread bool registered;
static pthread_t publisher;
static bool publisher_running;
static pthread_mutex_t pub_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pub_cond = PTHREAD_COND_INITIALIZER;
static const sub_rec_t *pub_job;
static int pub_result;
static bool pub_done;
static bool pub_stop;

static int zone_idx(const char *parent)
{
	for (size_t i = 0; i < zone_name_cnt; i++) {
		if (strcmp(zone_names[i], parent) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static int apply(const sub_rec_t *s)
{
	int idx = zone_idx(s->parent);
	if (idx < 0) {
		return LC_ENOENT;
	}
	if (s->deleted) {
		return zoneset_sub_del((unsigned)idx, s->label);
	}
	const char *txt[STORE_TXT_KEEP];
	for (unsigned i = 0; i < s->txt_cnt && i < STORE_TXT_KEEP; i++) {
		txt[i] = s->txt[i];
	}
	return zoneset_sub_put((unsigned)idx, s->label, s->kind == SUB_DELEGATE, s->serial, txt,
			       s->txt_cnt);
}

static void *publisher_main(void *arg)
{
	(void)arg;
	rcu_register_thread();
	registered = true;
	pthread_mutex_lock(&pub_lock);
	for (;;) {
		while (pub_job == NULL && !pub_stop) {
			pthread_cond_wait(&pub_cond, &pub_lock);
		}
		if (pub_job == NULL && pub_stop) {
			break;
		}
		pub_result = apply(pub_job);
		pub_job = NULL;
		pub_done = true;
		pthread_cond_broadcast(&pub_cond);
	}
	pthread_mutex_unlock(&pub_lock);
	rcu_unregister_thread();
	return NULL;
}

int rebuild_sub(const sub_rec_t *s)
{
	if (registered) {
		return apply(s);
	}
	pthread_mutex_lock(&pub_lock);
	while (pub_job != NULL) {
		pthread_cond_wait(&pub_cond, &pub_lock);
	}
	pub_job = s;
	pub_done = false;
	pthread_cond_broadcast(&pub_cond);
	while (!pub_done) {
		pthread_cond_wait(&pub_cond, &pub_lock);
	}
	int ret = pub_result;
	pthread_mutex_unlock(&pub_lock);
	return ret;
}

void rebuild_thread_enter(void)
{
	rcu_register_thread();
	registered = true;
}

void rebuild_thread_leave(void)
{
	registered = false;
	rcu_unregister_thread();
}

/* ---- building zones from the config ---- */

/* A fixed record: names in rdata_text are absolute. */
static int add_text(zone_t *z, rrset_t *tmpl, const uint8_t *owner, size_t owner_len,
		    uint16_t type, uint32_t ttl, const char *rdata_text)
{
	uint8_t rd[65535];
	size_t rdlen;
	int ret = rdata_from_text(type, rdata_text, rd, sizeof(rd), &rdlen);
	if (ret != LC_EOK) {
		return ret;
	}
	if (tmpl != NULL) {
		return rrset_add(tmpl, type, ttl, rd, rdlen);
	}
	return zone_add(z, owner, owner_len, type, ttl, rd, rdlen);
}

/* An operator's record from the config: names in rdata are relative to the zone (RFC 1035 5.1). */
static int add_record(zone_t *z, const uint8_t *owner, size_t owner_len, uint16_t type,
		      uint32_t ttl, const char *rdata_text, const char *origin)
{
	uint8_t rd[65535];
	size_t rdlen;
	int ret = rdata_from_text_in(type, rdata_text, origin, rd, sizeof(rd), &rdlen);
	if (ret != LC_EOK) {
		return ret;
	}
	return zone_add(z, owner, owner_len, type, ttl, rd, rdlen);
}

static int add_txt(zone_t *z, rrset_t *tmpl, const uint8_t *owner, size_t owner_len,
		   uint32_t ttl, const char *s)
{
	uint8_t rd[256];
	size_t rdlen;
	const char *strings[1] = { s };
	int ret = rdata_txt(strings, 1, rd, sizeof(rd), &rdlen);
	if (ret != LC_EOK) {
		return ret;
	}
	if (tmpl != NULL) {
		return rrset_add(tmpl, DNS_TYPE_TXT, ttl, rd, rdlen);
	}
	return zone_add(z, owner, owner_len, DNS_TYPE_TXT, ttl, rd, rdlen);
}

/* Prefix a label to the zone apex: "_dmarc" + apex. */
static size_t prefixed(const zone_t *z, const char *label, uint8_t *out)
{
	size_t l = strlen(label);
	out[0] = (uint8_t)l;
	memcpy(out + 1, label, l);
	memcpy(out + 1 + l, z->apex, z->apex_len);
	return 1 + l + z->apex_len;
}

/* SOA rdata: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM (SPEC 1: 10800 3600 604800 60). */
static int soa_rdata(const conf_t *c, uint32_t serial, uint8_t *rd, size_t *out_len,
		     size_t *out_serial_off)
{
	size_t ml, rl;
	int ret = name_from_text(c->ns_names[0], rd, &ml);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = name_from_text(c->soa_mailbox, rd + ml, &rl);
	if (ret != LC_EOK) {
		return ret;
	}
	uint32_t v[5] = { serial, 10800, 3600, 604800, 60 };
	size_t at = ml + rl;
	*out_serial_off = at;
	for (int i = 0; i < 5; i++) {
		rd[at++] = (uint8_t)(v[i] >> 24);
		rd[at++] = (uint8_t)(v[i] >> 16);
		rd[at++] = (uint8_t)(v[i] >> 8);
		rd[at++] = (uint8_t)v[i];
	}
	*out_len = at;
	return LC_EOK;
}

/* Apex SOA and NS, plus (for parents) the fixed mail records and the subdomain templates. */
static int build_fixed(const conf_t *c, const conf_zone_t *cz, zone_t *z, uint32_t serial)
{
	uint8_t rd[2 * NAME_MAX_WIRE + 20];
	uint8_t owner[NAME_MAX_WIRE];
	size_t rdlen, serial_off;
	int ret = soa_rdata(c, serial, rd, &rdlen, &serial_off);
	if (ret != LC_EOK) {
		return ret;
	}
	ret = zone_add(z, z->apex, z->apex_len, DNS_TYPE_SOA, c->ttl_soa, rd, rdlen);
	for (size_t i = 0; i < c->ns_cnt && ret == LC_EOK; i++) {
		ret = add_text(z, NULL, z->apex, z->apex_len, DNS_TYPE_NS, c->ttl_fixed,
			       c->ns_names[i]);
	}
	if (ret != LC_EOK || cz->kind == ZKIND_STATIC) {
		return ret;
	}
	/*
	 * The longest owner made below is "*._domainkey.<apex>", 13 bytes more
	 * than the apex. conf refuses parent names that long (CONF_PARENT_NAME_MAX);
	 * this keeps the name buffers safe whatever conf_t it is given.
	 */
	if (z->apex_len + 13 > NAME_MAX_WIRE) {
		return LC_ERANGE;
	}
	/* Parent apex: null MX, null SPF, DMARC reject, null DKIM, optional _psl (SPEC 1). */
	ret = add_text(z, NULL, z->apex, z->apex_len, DNS_TYPE_MX, c->ttl_fixed, "0 .");
	if (ret == LC_EOK) {
		ret = add_txt(z, NULL, z->apex, z->apex_len, c->ttl_fixed, SPF);
	}
	if (ret == LC_EOK) {
		ret = add_txt(z, NULL, owner, prefixed(z, "_dmarc", owner), c->ttl_fixed, DMARC);
	}
	if (ret == LC_EOK) {
		uint8_t dk[NAME_MAX_WIRE];
		size_t dl = prefixed(z, "_domainkey", dk);
		owner[0] = 1;
		owner[1] = '*';
		memcpy(owner + 2, dk, dl);
		ret = add_txt(z, NULL, owner, dl + 2, c->ttl_fixed, DKIM);
	}
	if (ret == LC_EOK && cz->psl != NULL) {
		ret = add_txt(z, NULL, owner, prefixed(z, "_psl", owner), c->ttl_fixed, cz->psl);
	}
	if (ret != LC_EOK) {
		return ret;
	}
	/* Templates for every subdomain of this parent. */
	ret = soa_rdata(c, 0, rd, &rdlen, &serial_off);
	if (ret == LC_EOK) {
		ret = rrset_add(&z->tmpl[TMPL_SOA], DNS_TYPE_SOA, c->ttl_soa, rd, rdlen);
		z->soa_serial_off = 10 + serial_off;
	}
	for (size_t i = 0; i < c->ns_cnt && ret == LC_EOK; i++) {
		ret = add_text(z, &z->tmpl[TMPL_NS], NULL, 0, DNS_TYPE_NS, c->ttl_fixed,
			       c->ns_names[i]);
	}
	if (ret == LC_EOK) {
		ret = add_text(z, &z->tmpl[TMPL_MX], NULL, 0, DNS_TYPE_MX, c->ttl_fixed, "0 .");
	}
	if (ret == LC_EOK) {
		ret = add_txt(z, &z->tmpl[TMPL_SPF], NULL, 0, c->ttl_fixed, SPF);
	}
	if (ret == LC_EOK) {
		/* An RRset has one TTL: beside challenge values the SPF string takes theirs. */
		ret = add_txt(z, &z->tmpl[TMPL_SPF_SHORT], NULL, 0, c->ttl_challenge, SPF);
	}
	if (ret == LC_EOK) {
		ret = add_txt(z, &z->tmpl[TMPL_DMARC], NULL, 0, c->ttl_fixed, DMARC);
	}
	if (ret == LC_EOK) {
		ret = add_txt(z, &z->tmpl[TMPL_DKIM], NULL, 0, c->ttl_fixed, DKIM);
	}
	if (ret == LC_EOK && cz->kind == ZKIND_LOCALHOST) {
		ret = add_text(z, &z->tmpl[TMPL_A], NULL, 0, DNS_TYPE_A, c->ttl_fixed, "127.0.0.1");
		if (ret == LC_EOK) {
			ret = add_text(z, &z->tmpl[TMPL_AAAA], NULL, 0, DNS_TYPE_AAAA, c->ttl_fixed,
				       "::1");
		}
	}
	z->ttl_challenge = c->ttl_challenge;
	return ret;
}

static int build_zone(const conf_t *c, const conf_zone_t *cz, uint32_t serial, zone_t **out)
{
	uint8_t apex[NAME_MAX_WIRE];
	size_t apex_len;
	int ret = name_from_text(cz->name, apex, &apex_len);
	if (ret != LC_EOK) {
		log_err("zone %s: bad name", cz->name);
		return LC_EINVAL;
	}
	zone_t *z = zone_new(apex, apex_len, (int)cz->kind);
	if (z == NULL) {
		return LC_ENOMEM;
	}
	ret = build_fixed(c, cz, z, serial);
	if (ret != LC_EOK) {
		log_err("zone %s: cannot build its fixed records: %s", cz->name, lc_strerror(ret));
		goto fail;
	}
	for (size_t i = 0; i < cz->record_cnt; i++) {
		const conf_record_t *r = &cz->records[i];
		uint8_t owner[NAME_MAX_WIRE];
		size_t owner_len;
		uint16_t type = rrtype_from_text(r->type);
		ret = name_from_text(r->owner, owner, &owner_len);
		if (ret == LC_EOK) {
			ret = type != 0 ? add_record(z, owner, owner_len, type,
						     r->ttl != 0 ? r->ttl : c->ttl_fixed, r->rdata,
						     cz->name)
					: LC_EINVAL;
		}
		if (ret != LC_EOK) {
			log_err("zone %s: record \"%s %s %s\": %s", cz->name, r->owner, r->type,
				r->rdata,
				ret == LC_EINVAL ? "invalid (bad rdata, CNAME beside other data, or "
						   "NS below the apex)"
						 : lc_strerror(ret));
			ret = LC_EINVAL;
			goto fail;
		}
	}
	ret = zone_finish(z);
	if (ret != LC_EOK) {
		goto fail;
	}
	*out = z;
	return LC_EOK;
fail:
	zone_free(z);
	return ret;
}

/*
 * Whether the index already shows this row: the serial grows with every
 * change, so an entry with the same serial has the same data. Most rows a
 * poll sees were written by this daemon's own API and published already.
 */
static bool published(const sub_rec_t *s)
{
	int idx = zone_idx(s->parent);
	uint8_t label[STORE_LABEL_MAX];
	size_t ll = strlen(s->label);
	if (idx < 0 || ll == 0 || ll > STORE_LABEL_MAX) {
		return false;
	}
	for (size_t i = 0; i < ll; i++) {
		char c = s->label[i];
		label[i] = (uint8_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	rcu_read_lock();
	const sub_entry_t *e = zoneset_sub_find((unsigned)idx, label, ll);
	bool same = s->deleted ? e == NULL : (e != NULL && sub_serial(e) == s->serial);
	rcu_read_unlock();
	return same;
}

static int load_cb(const sub_rec_t *s, void *ctx)
{
	bool polling = ctx != NULL;
	if (polling && published(s)) {
		return 0;
	}
	int ret = apply(s);
	if (ret == LC_ENOENT) {
		/* The operator removed a parent from the config: its subdomains are not served. */
		log_debug("subdomain %s.%s: parent not served", s->label, s->parent);
		return 0;
	}
	return ret == LC_EOK ? 0 : ret;
}

static void free_zone_names(void)
{
	for (size_t i = 0; i < zone_name_cnt; i++) {
		free(zone_names[i]);
	}
	free(zone_names);
	zone_names = NULL;
	zone_name_cnt = 0;
}

/* Trim the change log up to what the index shows, now and then (or now: force). */
static void prune(store_t *st, bool force)
{
	if (last_seq > pruned_seq && (force || last_seq - pruned_seq >= PRUNE_EVERY) &&
	    store_changes_prune(st, last_seq) == LC_EOK) {
		pruned_seq = last_seq;
	}
}

int rebuild_init(const conf_t *c, store_t *st)
{
	int ret = LC_ENOMEM;
	zoneset_t *zs = calloc(1, sizeof(*zs));
	if (zs == NULL) {
		return LC_ENOMEM;
	}
	zs->zones = calloc(c->zone_cnt, sizeof(zs->zones[0]));
	zone_names = calloc(c->zone_cnt, sizeof(zone_names[0]));
	if (zs->zones == NULL || zone_names == NULL) {
		goto fail;
	}
	uint32_t serial = (uint32_t)time(NULL);
	for (size_t i = 0; i < c->zone_cnt; i++) {
		ret = build_zone(c, &c->zones[i], serial, &zs->zones[i]);
		if (ret != LC_EOK) {
			goto fail;
		}
		zs->zone_cnt++;
		zone_names[i] = strdup(c->zones[i].name);
		if (zone_names[i] == NULL) {
			ret = LC_ENOMEM;
			goto fail;
		}
		zone_name_cnt++;
	}

	/* The main thread stays registered: it loads now and polls for changes later. */
	rcu_register_thread();
	registered = true;
	ret = zoneset_publish(zs);
	if (ret != LC_EOK) {
		return ret;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = store_changes(st, 0, load_cb, NULL, &last_seq);
	if (ret != LC_EOK) {
		return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("loaded %zu subdomains in %ld ms", zoneset_sub_count(),
		 (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	pruned_seq = 0;
	prune(st, true); /* everything logged so far is loaded */
	pub_stop = false;
	if (pthread_create(&publisher, NULL, publisher_main, NULL) != 0) {
		return LC_ENOMEM;
	}
	publisher_running = true;
	return LC_EOK;
fail:
	/* Nothing was published: free what was built, so a failed start leaves no state. */
	for (size_t j = 0; j < zs->zone_cnt; j++) {
		zone_free(zs->zones[j]);
	}
	free(zs->zones);
	free(zs);
	free_zone_names();
	return ret;
}

int rebuild_poll(store_t *st)
{
	int64_t seq;
	int ret = store_seq(st, &seq);
	if (ret == LC_EOK && seq != last_seq) {
		static int polling; /* its address tells load_cb that this is a poll */
		ret = store_changes_since(st, last_seq, load_cb, &polling, &last_seq);
	}
	if (ret == LC_EOK) {
		prune(st, false);
	}
	return ret;
}

void rebuild_own_changes(int64_t before, int64_t after)
{
	if (before == last_seq && after > last_seq) {
		last_seq = after;
	}
}

size_t rebuild_sub_count(void)
{
	return zoneset_sub_count();
}

void rebuild_cleanup(void)
{
	if (publisher_running) {
		pthread_mutex_lock(&pub_lock);
		pub_stop = true;
		pthread_cond_broadcast(&pub_cond);
		pthread_mutex_unlock(&pub_lock);
		pthread_join(publisher, NULL);
		publisher_running = false;
	}
	if (registered) {
		zoneset_cleanup();
		rcu_unregister_thread();
		registered = false;
	}
	free_zone_names();
}
