/* SPDX-License-Identifier: MIT */
/* batch.h -- group commit: queued changes run in one transaction with one fsync (internal to ctl/) */
#ifndef LC_CTL_BATCH_H
#define LC_CTL_BATCH_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * ctl/ops.c hands every data change to this module as a job. In the daemon a
 * writer thread takes all jobs queued while it was busy (up to BATCH_MAX),
 * runs them in one store transaction, each inside a savepoint of its own,
 * along with any queued while they ran (still up to BATCH_MAX), then
 * commits once (one fsync for the whole batch), publishes every changed
 * subdomain into the DNS index, and only then wakes each caller with its own
 * result. So a job that returns LC_EOK is durable and visible in DNS, exactly
 * as when every change had its own transaction. See docs/storage.md.
 */

#define BATCH_MAX 128 /* jobs per transaction: bounds the work (and the wait) behind one fsync */

typedef struct batch_job batch_job_t;

/**
 * One change. The caller sets fn and arg and calls batch_run(); the other
 * fields belong to this module.
 */
struct batch_job {
	/**
	 * Runs on the writer (or, without one, the calling thread) with the store
	 * lock held, inside the batch transaction and a savepoint of its own: a
	 * non-LC_EOK return undoes exactly this job's changes and fails only this
	 * job. To have a subdomain published once the batch is committed, fn
	 * points pub at its record (memory that lives until batch_run() returns).
	 */
	int (*fn)(batch_job_t *j);
	void *arg;               /**< the operation's inputs and outputs (borrowed) */
	const sub_rec_t *pub;    /**< set by fn, or NULL */
	int ret;                 /**< the result batch_run() returns */
	/* private */
	batch_job_t *next;
	sem_t done; /* posted by the writer when ret is final */
};

/** Counters since batch_start() (for tests and logs). */
typedef struct batch_stats {
	uint64_t batches;  /**< transactions run */
	uint64_t jobs;     /**< jobs run in them */
	size_t max_jobs;   /**< the largest batch */
	size_t queued;     /**< jobs waiting now */
} batch_stats_t;

/**
 * Start the module.
 * @param st      the store (borrowed; used only with *lock held).
 * @param lock    the mutex that owns the store connection (ctl/ops.c's writer mutex).
 * @param threaded start the writer thread (the daemon). Without it, batch_run() runs
 *                each job as a batch of one in the calling thread (localcertctl).
 * @param publish publish changed subdomains with rebuild_sub() after each commit; the
 *                writer thread becomes an RCU writer itself (rebuild_thread_enter()).
 * @return LC_EOK; LC_ENOMEM (no thread).
 */
int batch_start(store_t *st, pthread_mutex_t *lock, bool threaded, bool publish);

/**
 * Queue a job and wait until its batch is committed and published.
 * @return the job's result: what fn returned, or LC_EDB when the batch could not be
 *         begun or committed (then nothing of it is stored), or the publishing error
 *         (LC_ENOMEM) when the change is stored but could not be shown in DNS (the
 *         next rebuild_poll() shows it). Thread-safe.
 */
int batch_run(batch_job_t *j);

/** Run what is queued, stop the writer thread and forget the store. Safe to call twice. */
void batch_stop(void);

/**
 * Hold the writer before its next batch (on = true) or let it go on. For
 * tests that need several jobs in one batch. Jobs queue up while held.
 */
void batch_hold(bool on);

/** Copy the counters. Thread-safe. */
void batch_get_stats(batch_stats_t *out);

#endif
