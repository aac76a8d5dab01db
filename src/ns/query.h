/* SPDX-License-Identifier: MIT */
/* query.h -- query_process(): the one transport-neutral entry point for answering */
#ifndef LC_NS_QUERY_H
#define LC_NS_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One query and its response buffer; filled by the transport, answered by query_process(). */
typedef struct query {
	const uint8_t *req;  /**< the received message (borrowed) */
	size_t req_len;
	uint8_t *resp;       /**< response buffer (borrowed) */
	size_t resp_max;     /**< its capacity: >= 65535 for TCP, >= DNS_EDNS_SIZE for UDP */
	size_t resp_len;     /**< out: bytes of response */
	bool tcp;            /**< the transport: decides the size limit */
	int rcode;           /**< out: the response code sent (for stats and logs) */
	uint64_t rrl_class;  /**< out: hash of the response class for rate limiting (ns/rrl.h) */
	size_t resp_q_end;   /**< out: end of header + question in resp (for query_truncate()) */
} query_t;

/**
 * Answer one DNS message: parse, look up in the published zone set, write
 * the response into q->resp. An RCODE (FORMERR, REFUSED, NXDOMAIN...) is data,
 * not an error. Takes and releases the RCU read lock itself: the calling
 * thread must be RCU-registered.
 * @return LC_EOK (send q->resp_len bytes); LC_EMALF (drop silently: shorter
 *         than a header, or a response message).
 * Allocates nothing.
 */
int query_process(query_t *q);

/**
 * Turn the response in q->resp into a truncated one: header and question
 * only, TC set (RFC 1035 4.2.1; what response rate limiting "slips").
 */
void query_truncate(query_t *q);

/**
 * Before a batch of UDP queries is answered: find the subdomain each one
 * asks about and warm the cache for its lookup (zoneset_sub_prefetch()), so
 * that query_process() then finds it in the cache. Reads only; malformed or
 * foreign queries are skipped. @param reqs, lens  n received messages.
 */
void query_prefetch(const uint8_t *const *reqs, const size_t *lens, size_t n);

#endif
