/* SPDX-License-Identifier: MIT */
/* test_ctl_batch.c -- group commit through ctl/ops as the daemon runs it (writer thread, DNS
 * index): concurrent updates share transactions, each is visible in the index when its call
 * returns, a failing request in a batch fails alone, last_used, a job queued while a batch
 * runs joins it, and the batch is durable */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <urcu.h>

#include "conf/conf.h"
#include "ctl/batch.h"
#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "store/store.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"
#include "zone/zoneset.h"

#define CLIENTS 16
#define ROUNDS 150

static unsigned zone_idx; /* the default parent's index in the zone set */

#define VALUE_BUF 64

/* A valid challenge value (43 characters of base64url), different for each (client, n). */
static void value(char out[VALUE_BUF], int client, int n)
{
	snprintf(out, VALUE_BUF, "c%02d-%039d", client, n);
}

/* Is want the newest value the DNS index serves for label? Call from an RCU-registered thread. */
static bool served_newest(const char *label, const char *want)
{
	bool found = false;
	rcu_read_lock();
	const sub_entry_t *e = zoneset_sub_find(zone_idx, (const uint8_t *)label, strlen(label));
	if (e != NULL && sub_txt_cnt(e) > 0) {
		size_t len;
		const uint8_t *v = sub_txt(e, sub_txt_cnt(e) - 1, &len);
		found = len == strlen(want) && memcmp(v, want, len) == 0;
	}
	rcu_read_unlock();
	return found;
}

static bool served_at_all(const char *label)
{
	rcu_read_lock();
	bool found = zoneset_sub_find(zone_idx, (const uint8_t *)label, strlen(label)) != NULL;
	rcu_read_unlock();
	return found;
}

/* ---- many clients at once ---- */

typedef struct client {
	int idx;
	ops_creds_t cr;
	int failed;      /* ops_update() calls that did not return LC_EOK */
	int not_visible; /* LC_EOK returned, but the index did not serve the value yet */
} client_t;

static void *client_main(void *arg)
{
	client_t *c = arg;
	cidr_t lo;
	cidr_parse_addr("127.0.0.1", &lo);
	ops_auth_t a = { .key_id = c->cr.username, .secret = c->cr.password, .addr = &lo };
	rcu_register_thread(); /* to read the index like a DNS worker */
	for (int n = 0; n < ROUNDS; n++) {
		char v[VALUE_BUF];
		sub_rec_t s;
		value(v, c->idx, n);
		if (ops_update(&a, c->cr.subdomain, v, &s) != LC_EOK) {
			c->failed++;
		} else if (!served_newest(c->cr.subdomain, v)) {
			c->not_visible++;
		}
	}
	rcu_unregister_thread();
	return NULL;
}

/* ---- one batch with known contents ---- */

typedef enum { J_UPDATE, J_DELETE } job_kind_t;

typedef struct job {
	job_kind_t kind;
	const ops_creds_t *cr;
	const char *secret; /* NULL: the right one */
	const char *txt;
	int64_t sub_id;
	int ret;
	pthread_t th;
} job_t;

static void *job_main(void *arg)
{
	job_t *j = arg;
	sub_rec_t s;
	if (j->kind == J_DELETE) {
		j->ret = ops_sub_delete(j->sub_id, &s);
		return NULL;
	}
	cidr_t lo;
	cidr_parse_addr("127.0.0.1", &lo);
	ops_auth_t a = { .key_id = j->cr->username,
			 .secret = j->secret ? j->secret : j->cr->password,
			 .addr = &lo };
	j->ret = ops_update(&a, j->cr->subdomain, j->txt, &s);
	return NULL;
}

/* Start the jobs one by one, each once the previous one is queued, so their order is known. */
static void queue_in_order(job_t *jobs, size_t n)
{
	batch_stats_t bs;
	batch_get_stats(&bs);
	size_t base = bs.queued;
	for (size_t i = 0; i < n; i++) {
		pthread_create(&jobs[i].th, NULL, job_main, &jobs[i]);
		for (int spin = 0; spin < 5000; spin++) {
			batch_get_stats(&bs);
			if (bs.queued >= base + i + 1) {
				break;
			}
			usleep(1000);
		}
	}
}

/* ---- a job queued while a batch runs joins it ---- */

static atomic_bool company_started;

/* Runs on the writer: waits (up to 5 s) until another job is queued behind it. */
static int wait_for_company(batch_job_t *j)
{
	(void)j;
	atomic_store(&company_started, true);
	batch_stats_t bs;
	for (int spin = 0; spin < 5000; spin++) {
		batch_get_stats(&bs);
		if (bs.queued >= 1) {
			break;
		}
		usleep(1000);
	}
	return LC_EOK;
}

static int no_change(batch_job_t *j)
{
	(void)j;
	return LC_EOK;
}

static void *run_job_main(void *arg)
{
	batch_run(arg);
	return NULL;
}

static int64_t key_last_used(int64_t sub_id)
{
	key_rec_t k[STORE_KEYS_MAX];
	size_t cnt = 0;
	if (ops_key_list(sub_id, k, STORE_KEYS_MAX, &cnt) != LC_EOK || cnt == 0) {
		return -1;
	}
	return k[0].last_used;
}

int main(void)
{
	char dir[] = "/tmp/lc-test-batch-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	log_set_level(LOG_ERR - 1);
	char err[256];
	conf_t *c = NULL;
	store_t *st = NULL;
	if (conf_load(NULL, &c, err, sizeof(err)) != LC_EOK || store_open(dir, &st) != LC_EOK ||
	    rebuild_init(c, st) != LC_EOK) {
		printf("Bail out! setup: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < c->zone_cnt; i++) {
		if (strcmp(c->zones[i].name, c->default_parent) == 0) {
			zone_idx = (unsigned)i;
		}
	}
	is_int(ops_init(c, st), LC_EOK, "ops with the writer thread and DNS publishing");

	/* Concurrent updates: every call succeeds, is visible on return, and calls share fsyncs. */
	static client_t cl[CLIENTS];
	int reg_ok = 0;
	for (int i = 0; i < CLIENTS; i++) {
		cl[i].idx = i;
		reg_ok += ops_register(SUB_INSTANT, NULL, NULL, NULL, 0, &cl[i].cr) == LC_EOK;
	}
	is_int(reg_ok, CLIENTS, "%d subdomains registered", CLIENTS);
	ok(served_at_all(cl[0].cr.subdomain), "a registration is in the index when it returns");
	batch_stats_t before, after;
	batch_get_stats(&before);
	pthread_t th[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		pthread_create(&th[i], NULL, client_main, &cl[i]);
	}
	int failed = 0, not_visible = 0;
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(th[i], NULL);
		failed += cl[i].failed;
		not_visible += cl[i].not_visible;
	}
	batch_get_stats(&after);
	uint64_t jobs = after.jobs - before.jobs, batches = after.batches - before.batches;
	is_int(failed, 0, "%d concurrent updates, none failed", CLIENTS * ROUNDS);
	is_int(not_visible, 0, "each value was in the DNS index when its call returned");
	is_int(jobs, CLIENTS * ROUNDS, "each update was one job");
	ok(batches < jobs && after.max_jobs > 1,
	   "updates shared transactions (%llu jobs in %llu batches, at most %zu in one)",
	   (unsigned long long)jobs, (unsigned long long)batches, after.max_jobs);
	ok(after.max_jobs <= BATCH_MAX, "no batch over BATCH_MAX");
	int last_ok = 0;
	for (int i = 0; i < CLIENTS; i++) {
		char v[VALUE_BUF];
		value(v, i, ROUNDS - 1);
		last_ok += served_newest(cl[i].cr.subdomain, v);
	}
	is_int(last_ok, CLIENTS, "every subdomain serves its client's last value");

	/*
	 * One batch with known contents: hold the writer, queue the jobs in order,
	 * let it go. A request that fails inside the batch fails alone.
	 */
	sub_rec_t x, y;
	ops_sub_find(cl[0].cr.fulldomain, &x);
	ops_sub_find(cl[1].cr.fulldomain, &y);
	job_t jobs6[] = {
		{ .kind = J_UPDATE, .cr = &cl[0].cr, .txt = "XaXaXaXaXaXaXaXaXaXaXaXaXaXaXaXaXaXaXaXaXaX" },
		{ .kind = J_DELETE, .sub_id = x.id },
		{ .kind = J_UPDATE, .cr = &cl[0].cr, .txt = "XbXbXbXbXbXbXbXbXbXbXbXbXbXbXbXbXbXbXbXbXbX" },
		{ .kind = J_UPDATE, .cr = &cl[1].cr, .txt = "YcYcYcYcYcYcYcYcYcYcYcYcYcYcYcYcYcYcYcYcYcY" },
		{ .kind = J_UPDATE, .cr = &cl[1].cr, .txt = "YzYzYzYzYzYzYzYzYzYzYzYzYzYzYzYzYzYzYzYzYzY",
		  .secret = "wrong-secret" },
		{ .kind = J_UPDATE, .cr = &cl[1].cr, .txt = "YdYdYdYdYdYdYdYdYdYdYdYdYdYdYdYdYdYdYdYdYdY" },
	};
	size_t n6 = sizeof(jobs6) / sizeof(jobs6[0]);
	batch_get_stats(&before);
	batch_hold(true);
	queue_in_order(jobs6, n6);
	batch_get_stats(&after);
	is_int(after.queued, n6, "six jobs queued while the writer is held");
	batch_hold(false);
	for (size_t i = 0; i < n6; i++) {
		pthread_join(jobs6[i].th, NULL);
	}
	batch_get_stats(&after);
	is_int(after.batches - before.batches, 1, "they ran as one batch");
	is_int(jobs6[0].ret, LC_EOK, "update before the deletion: ok");
	is_int(jobs6[1].ret, LC_EOK, "deletion: ok");
	is_int(jobs6[2].ret, LC_EAUTH, "update after the deletion in the same batch: refused alone");
	is_int(jobs6[3].ret, LC_EOK, "another subdomain's update: ok");
	is_int(jobs6[4].ret, LC_EAUTH, "wrong secret: refused alone");
	is_int(jobs6[5].ret, LC_EOK, "the next update: ok");
	ok(!served_at_all(cl[0].cr.subdomain), "the deleted subdomain is gone from the index");
	sub_rec_t s;
	ops_sub_get(y.id, &s);
	ok(s.txt_cnt == 2 && strcmp(s.txt[0], jobs6[3].txt) == 0 &&
		   strcmp(s.txt[1], jobs6[5].txt) == 0,
	   "the other subdomain stored exactly its two good values");
	ok(served_newest(cl[1].cr.subdomain, jobs6[5].txt), "and serves the newest");

	/* last_used: part of the job, undone when the job fails. */
	ops_creds_t z;
	ops_register(SUB_INSTANT, NULL, NULL, NULL, 0, &z);
	sub_rec_t zs;
	ops_sub_find(z.fulldomain, &zs);
	cidr_t lo;
	cidr_parse_addr("127.0.0.1", &lo);
	ops_auth_t za = { .key_id = z.username, .secret = z.password, .addr = &lo };
	is_int(ops_update(&za, cl[2].cr.subdomain, jobs6[3].txt, &s), LC_EAUTH,
	       "a key used for another subdomain: refused");
	is_int(key_last_used(zs.id), 0, "and its last use is not recorded (undone with the job)");
	int64_t t0 = (int64_t)time(NULL);
	is_int(ops_check(&za, &s), LC_EOK, "check");
	int64_t lu = key_last_used(zs.id);
	ok(lu >= t0 && lu <= (int64_t)time(NULL), "a check records the last use");

	/* A job queued while a batch's jobs run joins that batch before its commit
	 * (with two waves of closed-loop clients each batch had half of them). */
	batch_job_t first = { .fn = wait_for_company }, second = { .fn = no_change };
	pthread_t t1, t2;
	batch_get_stats(&before);
	pthread_create(&t1, NULL, run_job_main, &first);
	for (int spin = 0; spin < 5000 && !atomic_load(&company_started); spin++) {
		usleep(1000); /* until the writer runs the first job, alone */
	}
	pthread_create(&t2, NULL, run_job_main, &second);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	batch_get_stats(&after);
	ok(first.ret == LC_EOK && second.ret == LC_EOK, "both jobs ran");
	is_int(after.batches - before.batches, 1,
	       "a job queued while the batch ran joined it: one transaction");
	is_int(after.jobs - before.jobs, 2, "of two jobs");

	/* Shut down (runs anything queued), reopen: everything acknowledged is there. */
	ops_cleanup();
	rebuild_cleanup();
	store_free(st);
	st = NULL;
	is_int(store_open(dir, &st), LC_EOK, "reopen the store");
	int durable = 0;
	for (int i = 2; i < CLIENTS; i++) {
		char v[VALUE_BUF];
		sub_rec_t f;
		value(v, i, ROUNDS - 1);
		if (store_sub_find(st, cl[i].cr.subdomain, c->default_parent, &f) == LC_EOK &&
		    f.txt_cnt == 2 && strcmp(f.txt[1], v) == 0) {
			durable++;
		}
	}
	is_int(durable, CLIENTS - 2, "after reopening, each subdomain has its last value");
	is_int(store_check(st), LC_EOK, "integrity");

	for (int i = 0; i < CLIENTS; i++) {
		ops_creds_wipe(&cl[i].cr);
	}
	store_free(st);
	conf_free(c);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
