/* SPDX-License-Identifier: MIT */
/* test_store_txn.c -- nested store transactions (group commit): many calls in one transaction,
 * a failing call undoes only itself, nothing is visible to another connection before the
 * commit, a rolled-back batch leaves nothing, and a transaction SQLite aborted fails to the end */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"

static const char P[] = "localhostcert.test";

/* The values of a subdomain as a connection sees them, "v1,v2" (oldest first), or "-". */
static const char *values(store_t *st, int64_t id, char *buf, size_t size)
{
	sub_rec_t s;
	if (store_sub_get(st, id, &s) != LC_EOK) {
		return "?";
	}
	if (s.deleted) {
		return "deleted";
	}
	buf[0] = '\0';
	for (unsigned i = 0; i < s.txt_cnt; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, size - l, "%s%s", i ? "," : "", s.txt[i]);
	}
	return buf[0] ? buf : "-";
}

int main(void)
{
	char dir[] = "/tmp/lc-test-txn-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	log_set_level(LOG_ERR - 1); /* the failures below are expected */
	store_t *st = NULL, *other = NULL;
	if (store_open(dir, &st) != LC_EOK || store_open(dir, &other) != LC_EOK) {
		printf("Bail out! store_open\n");
		return 1;
	}
	char b1[600], b2[600];
	sub_rec_t a, b, r;
	store_sub_create(st, "a", P, SUB_NAMED, &a);
	store_sub_create(st, "b", P, SUB_NAMED, &b);
	int64_t seq0 = 0, seq1 = 0;
	store_seq(st, &seq0);

	/* One batch: several calls, one of them undone by a nested level, one failing. */
	is_int(store_txn_begin(st), LC_EOK, "batch: begin");
	is_int(store_txt_add(st, a.id, "v1", &r), LC_EOK, "batch: add to a");
	is_int(r.txt_cnt, 1, "batch: the call sees its own change");
	is_int(store_txt_add(st, b.id, "w1", &r), LC_EOK, "batch: add to b");
	is_int(store_txn_begin(st), LC_EOK, "batch: a nested level (one request)");
	is_int(store_txt_add(st, a.id, "v2", &r), LC_EOK, "nested: add to a");
	store_txn_rollback(st);
	is_str(values(st, a.id, b1, sizeof(b1)), "v1", "nested rollback undid only its own change");
	is_int(store_txt_add(st, 9999, "x", &r), LC_ENOENT, "batch: a call that fails (no such subdomain)");
	is_int(store_sub_delete(st, b.id, &r), LC_EOK, "batch: delete b");
	is_int(store_txt_add(st, b.id, "w2", &r), LC_ENOENT,
	       "batch: a value for the subdomain deleted earlier in the batch fails alone");
	is_int(store_txn_begin(st), LC_EOK, "batch: another nested level");
	is_int(store_txt_add(st, a.id, "v3", &r), LC_EOK, "nested: add to a");
	is_int(store_txn_commit(st), LC_EOK, "nested: release keeps it");
	is_str(values(other, a.id, b1, sizeof(b1)), "-",
	       "another connection sees nothing before the commit");
	is_str(values(other, b.id, b2, sizeof(b2)), "-", "nor the deletion");
	is_int(store_txn_commit(st), LC_EOK, "batch: commit (one fsync)");
	is_str(values(other, a.id, b1, sizeof(b1)), "v1,v3", "after the commit: a's values");
	is_str(values(other, b.id, b2, sizeof(b2)), "deleted", "after the commit: b deleted");
	store_seq(other, &seq1);
	is_int(seq1, seq0 + 4, "the change sequence counts the four kept changes (v1, w1, delete, v3)");

	/* A batch rolled back as a whole leaves nothing. */
	is_int(store_txn_begin(st), LC_EOK, "second batch: begin");
	store_txt_add(st, a.id, "v4", &r);
	store_txn_rollback(st);
	is_str(values(st, a.id, b1, sizeof(b1)), "v1,v3", "rolled-back batch: nothing kept");
	is_str(values(other, a.id, b2, sizeof(b2)), "v1,v3", "nor seen elsewhere");
	is_int(store_txt_add(st, a.id, "v5", &r), LC_EOK, "outside a batch a call commits itself");
	is_str(values(other, a.id, b1, sizeof(b1)), "v3,v5", "and is seen at once");

	/*
	 * SQLite rolls the whole transaction back after some errors (I/O, disk
	 * full). Simulate that: every later call in the batch fails, and so does
	 * the commit, so no request of the batch is told it was stored.
	 */
	is_int(store_txn_begin(st), LC_EOK, "aborted batch: begin");
	is_int(store_txt_add(st, a.id, "v6", &r), LC_EOK, "aborted batch: a change");
	sqlite3_exec(store__db(st), "ROLLBACK", NULL, NULL, NULL);
	is_int(store_txt_add(st, a.id, "v7", &r), LC_EDB, "aborted batch: later calls fail");
	is_int(store_txn_begin(st), LC_EDB, "aborted batch: no new level either");
	is_int(store_txn_commit(st), LC_EDB, "aborted batch: the commit fails");
	is_str(values(other, a.id, b1, sizeof(b1)), "v3,v5", "aborted batch: nothing stored");
	is_int(store_txt_add(st, a.id, "v8", &r), LC_EOK, "the store works again afterwards");
	is_str(values(other, a.id, b1, sizeof(b1)), "v5,v8", "and its change is seen");

	/* A batch in which every request failed commits nothing, without an error. */
	is_int(store_txn_begin(st), LC_EOK, "third batch: begin");
	is_int(store_txn_commit(st), LC_EOK, "an empty batch commits");
	is_int(store_check(st), LC_EOK, "integrity");

	store_free(other);
	store_free(st);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
