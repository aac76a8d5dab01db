/* SPDX-License-Identifier: MIT */
/* udp.c -- UDP workers: recvmmsg/sendmmsg batches, response rate limiting */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <urcu.h>

#include "dns/dns.h"
#include "net/net_int.h"
#include "ns/query.h"
#include "util/error.h"

void *udp_worker_main(void *arg)
{
	udp_worker_t *w = arg;
	uint8_t(*rbufs)[UDP_RECV_MAX] = malloc(UDP_BATCH * sizeof(*rbufs));
	uint8_t(*sbufs)[DNS_EDNS_SIZE] = malloc(UDP_BATCH * sizeof(*sbufs));
	struct mmsghdr rmsg[UDP_BATCH], smsg[UDP_BATCH];
	struct iovec riov[UDP_BATCH], siov[UDP_BATCH];
	struct sockaddr_storage addrs[UDP_BATCH];
	const uint8_t *reqs[UDP_BATCH]; /* rbufs[i], for query_prefetch() */
	size_t lens[UDP_BATCH];

	rcu_register_thread();
	/* Set the receive headers up once; after a batch only the used ones need their lengths back. */
	memset(rmsg, 0, sizeof(rmsg));
	memset(smsg, 0, sizeof(smsg));
	for (int i = 0; rbufs != NULL && i < UDP_BATCH; i++) {
		riov[i].iov_base = rbufs[i];
		reqs[i] = rbufs[i];
		riov[i].iov_len = UDP_RECV_MAX;
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
		rmsg[i].msg_hdr.msg_name = &addrs[i];
		rmsg[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
	}
	while (rbufs != NULL && sbufs != NULL && !atomic_load(&w->srv->stop)) {
		int n = recvmmsg(w->fd, rmsg, UDP_BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0) {
			continue; /* timeout (to check stop) or EINTR */
		}
		for (int i = 0; i < n; i++) {
			lens[i] = rmsg[i].msg_len;
		}
		query_prefetch(reqs, lens, (size_t)n);
		int out = 0;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
		for (int i = 0; i < n; i++) {
			query_t q = {
				.req = rbufs[i],
				.req_len = rmsg[i].msg_len,
				.resp = sbufs[out],
				.resp_max = DNS_EDNS_SIZE,
				.tcp = false,
			};
			if ((rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 && q.req_len >= 4) {
				/* Larger than any query we accept: answer FORMERR from the header. */
				q.req_len = DNS_HEADER_LEN;
			}
			if (query_process(&q) != LC_EOK || q.resp_len == 0) {
				continue;
			}
			if (w->srv->rrl != NULL) {
				/* TCP is not limited: its source address cannot be spoofed. */
				int v = rrl_check(w->srv->rrl, (const struct sockaddr *)&addrs[i],
						  q.rrl_class, (uint32_t)now.tv_sec);
				if (v == RRL_DROP) {
					continue;
				}
				if (v == RRL_SLIP) {
					query_truncate(&q);
				}
			}
			siov[out].iov_base = sbufs[out];
			siov[out].iov_len = q.resp_len;
			smsg[out].msg_hdr.msg_name = &addrs[i];
			smsg[out].msg_hdr.msg_namelen = rmsg[i].msg_hdr.msg_namelen;
			out++;
		}
		for (int i = 0; i < n; i++) {
			rmsg[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
			rmsg[i].msg_hdr.msg_flags = 0;
		}
		int sent = 0;
		while (sent < out) {
			int r = sendmmsg(w->fd, smsg + sent, (unsigned)(out - sent), 0);
			if (r <= 0) {
				break; /* a full socket buffer drops replies, as UDP may */
			}
			sent += r;
		}
	}
	free(rbufs);
	free(sbufs);
	rcu_unregister_thread();
	return NULL;
}
