/* SPDX-License-Identifier: MIT */
/* tcp.c -- the TCP thread (RFC 7766): pipelined queries, idle timeout, connection limits */
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
#include "util/log.h"

static void conn_close(dns_server_t *s, tcp_conn_t *c)
{
	tcp_conn_t **pp = &s->conns;
	while (*pp != NULL && *pp != c) {
		pp = &(*pp)->next;
	}
	if (*pp == c) {
		*pp = c->next;
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->rbuf);
	free(c->wpend);
	free(c);
	s->conn_cnt--;
}

/* The same client for connection limits: IPv4 address, or IPv6 /64. */
static bool same_client(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family) {
		return false;
	}
	if (a->ss_family == AF_INET) {
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	}
	return memcmp(((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr,
		      ((const struct sockaddr_in6 *)b)->sin6_addr.s6_addr, 8) == 0;
}

static long idle_ms(const tcp_conn_t *c, const struct timespec *now)
{
	return (now->tv_sec - c->last.tv_sec) * 1000 + (now->tv_nsec - c->last.tv_nsec) / 1000000;
}

/*
 * Make room for a new connection from peer. One client may hold at most an
 * eighth of the slots, so it cannot starve the rest. When all slots are
 * taken, the connection idle the longest is closed (RFC 7766 6.2.3: servers
 * may close idle connections under pressure), so a resolver retrying over
 * TCP after a truncated answer still gets in.
 */
static bool make_room(dns_server_t *s, const struct sockaddr_storage *peer)
{
	unsigned per_client = s->max_conns / 8 > 2 ? s->max_conns / 8 : 2;
	unsigned mine = 0;
	tcp_conn_t *oldest = NULL;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (tcp_conn_t *c = s->conns; c != NULL; c = c->next) {
		if (same_client(&c->peer, peer)) {
			mine++;
		}
		if (oldest == NULL || idle_ms(c, &now) > idle_ms(oldest, &now)) {
			oldest = c;
		}
	}
	if (mine >= per_client) {
		log_ratelimited(LOG_WARN, "tcp: per-client connection limit (%u) reached", per_client);
		return false;
	}
	if (s->conn_cnt >= s->max_conns && oldest != NULL) {
		log_ratelimited(LOG_WARN, "tcp: connection limit (%u) reached; closing the most idle",
				s->max_conns);
		conn_close(s, oldest);
	}
	return s->conn_cnt < s->max_conns;
}

static void accept_conns(dns_server_t *s, int lfd)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		int fd = accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			return;
		}
		if (!make_room(s, &peer)) {
			close(fd);
			continue;
		}
		tcp_conn_t *c = calloc(1, sizeof(*c));
		if (c != NULL) {
			c->rbuf = malloc(2 + DNS_TCP_MAX);
		}
		if (c == NULL || c->rbuf == NULL) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->peer = peer;
		clock_gettime(CLOCK_MONOTONIC, &c->last);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			free(c->rbuf);
			free(c);
			close(fd);
			continue;
		}
		c->next = s->conns;
		s->conns = c;
		s->conn_cnt++;
	}
}

/* Send what is pending; returns false if the connection must close. */
static bool flush(dns_server_t *s, tcp_conn_t *c)
{
	while (c->woff < c->wlen) {
		ssize_t w = send(c->fd, c->wpend + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct epoll_event ev = { .events = EPOLLOUT | EPOLLRDHUP, .data.ptr = c };
				epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
				return true;
			}
			return false;
		}
		c->woff += (size_t)w;
	}
	free(c->wpend);
	c->wpend = NULL;
	c->wlen = c->woff = 0;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	return true;
}

/* Answer every complete message in the read buffer, in order (RFC 7766 6.2.1.1). */
static bool process_conn(dns_server_t *s, tcp_conn_t *c, uint8_t *resp)
{
	while (c->wlen == 0 && c->rlen >= 2) {
		size_t mlen = ((size_t)c->rbuf[0] << 8) | c->rbuf[1];
		if (c->rlen < 2 + mlen) {
			break;
		}
		query_t q = {
			.req = c->rbuf + 2,
			.req_len = mlen,
			.resp = resp + 2,
			.resp_max = DNS_TCP_MAX,
			.tcp = true,
		};
		if (query_process(&q) != LC_EOK) {
			return false; /* not even a header: end the stream */
		}
		clock_gettime(CLOCK_MONOTONIC, &c->last); /* a whole query: the client is alive */
		resp[0] = (uint8_t)(q.resp_len >> 8);
		resp[1] = (uint8_t)q.resp_len;
		memmove(c->rbuf, c->rbuf + 2 + mlen, c->rlen - 2 - mlen);
		c->rlen -= 2 + mlen;
		c->wpend = malloc(q.resp_len + 2);
		if (c->wpend == NULL) {
			return false;
		}
		memcpy(c->wpend, resp, q.resp_len + 2);
		c->wlen = q.resp_len + 2;
		c->woff = 0;
		if (!flush(s, c)) {
			return false;
		}
	}
	return true;
}

static void conn_event(dns_server_t *s, tcp_conn_t *c, uint32_t events, uint8_t *resp)
{
	if (events & EPOLLOUT) {
		if (!flush(s, c) || !process_conn(s, c, resp)) {
			conn_close(s, c);
			return;
		}
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		if (c->wlen != 0) {
			return; /* back-pressure: read more once the reply is out */
		}
		ssize_t r = recv(c->fd, c->rbuf + c->rlen, 2 + DNS_TCP_MAX - c->rlen, 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(s, c);
			return;
		}
		if (r > 0) {
			c->rlen += (size_t)r;
			if (!process_conn(s, c, resp)) {
				conn_close(s, c);
			}
		}
	}
}

static void expire_idle(dns_server_t *s)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	tcp_conn_t *c = s->conns;
	while (c != NULL) {
		tcp_conn_t *next = c->next;
		if (idle_ms(c, &now) >= (long)s->idle_ms) {
			conn_close(s, c);
		}
		c = next;
	}
}

void *tcp_thread_main(void *arg)
{
	dns_server_t *s = arg;
	uint8_t *resp = malloc(2 + DNS_TCP_MAX);
	struct epoll_event evs[64];

	rcu_register_thread();
	while (resp != NULL && !atomic_load(&s->stop)) {
		int n = epoll_wait(s->epfd, evs, 64, 250);
		bool accept_ready = false;
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			bool is_listener = p == &s->evfd;
			for (size_t j = 0; j < s->tcp_fd_cnt; j++) {
				if (p == &s->tcp_fds[j]) {
					is_listener = true;
					accept_ready = true;
				}
			}
			if (!is_listener) {
				conn_event(s, p, evs[i].events, resp);
			}
		}
		/*
		 * Accept after every connection event of this batch: making room may
		 * close another connection, which must not have events still queued.
		 */
		for (size_t j = 0; accept_ready && j < s->tcp_fd_cnt; j++) {
			accept_conns(s, s->tcp_fds[j]);
		}
		expire_idle(s);
	}
	while (s->conns != NULL) {
		conn_close(s, s->conns);
	}
	free(resp);
	rcu_unregister_thread();
	return NULL;
}
