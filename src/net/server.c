/* SPDX-License-Identifier: MIT */
/* server.c -- DNS listeners: UDP workers (SO_REUSEPORT + recvmmsg/sendmmsg) and one TCP thread (RFC 7766) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include "net/server.h"
#include "ns/query.h"
#include "ns/rrl.h"
#include "util/error.h"
#include "util/log.h"

#define UDP_BATCH 32
#define UDP_RECV_MAX 4096
#define LISTEN_MAX 8

typedef struct udp_worker {
	pthread_t thread;
	int fd;
	struct dns_server *srv;
} udp_worker_t;

typedef struct tcp_conn {
	int fd;
	struct sockaddr_storage peer;
	struct timespec last; /* accept or last complete query: bytes alone do not count */
	uint8_t *rbuf;   /* 2-byte length + message, up to 65537 bytes */
	size_t rlen;
	uint8_t *wpend;  /* unsent tail of a response, if the socket was full */
	size_t wlen;
	size_t woff;
	struct tcp_conn *next;
} tcp_conn_t;

struct dns_server {
	atomic_bool stop;
	rrl_t *rrl;             /* NULL when rate limiting is off */
	udp_worker_t *workers;
	size_t worker_cnt;
	int tcp_fds[LISTEN_MAX];
	size_t tcp_fd_cnt;
	pthread_t tcp_thread;
	bool tcp_running;
	int epfd;
	int evfd;
	tcp_conn_t *conns;
	unsigned conn_cnt;
	unsigned max_conns;
	unsigned idle_ms;
};

/* ---- addresses ---- */

static int parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *end = strchr(text, ']');
		if (end == NULL || end[1] != ':' || (size_t)(end - text - 1) >= sizeof(host)) {
			return LC_EINVAL;
		}
		memcpy(host, text + 1, (size_t)(end - text - 1));
		host[end - text - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL || (size_t)(colon - text) >= sizeof(host)) {
			return LC_EINVAL;
		}
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
	}
	char *endp;
	long port = strtol(colon + 1, &endp, 10);
	if (*endp != '\0' || port <= 0 || port > 65535) {
		return LC_EINVAL;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
	} else {
		return LC_EINVAL;
	}
	return LC_EOK;
}

static int open_socket(const struct sockaddr_storage *ss, socklen_t len, int type, bool reuseport)
{
	int fd = socket(ss->ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	}
	if (ss->ss_family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, (const struct sockaddr *)ss, len) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* ---- UDP ---- */

static void *udp_main(void *arg)
{
	udp_worker_t *w = arg;
	uint8_t(*rbufs)[UDP_RECV_MAX] = malloc(UDP_BATCH * sizeof(*rbufs));
	uint8_t(*sbufs)[DNS_EDNS_SIZE] = malloc(UDP_BATCH * sizeof(*sbufs));
	struct mmsghdr rmsg[UDP_BATCH], smsg[UDP_BATCH];
	struct iovec riov[UDP_BATCH], siov[UDP_BATCH];
	struct sockaddr_storage addrs[UDP_BATCH];

	rcu_register_thread();
	/* Set the receive headers up once; after a batch only the used ones need their lengths back. */
	memset(rmsg, 0, sizeof(rmsg));
	memset(smsg, 0, sizeof(smsg));
	for (int i = 0; rbufs != NULL && i < UDP_BATCH; i++) {
		riov[i].iov_base = rbufs[i];
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

/* ---- TCP ---- */

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

static void *tcp_main(void *arg)
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

/* ---- lifecycle ---- */

static long cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

int dns_server_start(const conf_t *c, dns_server_t **out, char *err, size_t err_len)
{
	dns_server_t *s = calloc(1, sizeof(*s));
	char *list = strdup(c->dns_listen);
	int ret = LC_ENOMEM;
	if (s == NULL || list == NULL) {
		free(list);
		free(s);
		return LC_ENOMEM;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->max_conns = c->tcp_max_conns;
	if (c->rrl_rate != 0) {
		s->rrl = rrl_new(c->rrl_rate, c->rrl_slip, 1 << 16);
		if (s->rrl == NULL) {
			free(list);
			free(s);
			return LC_ENOMEM;
		}
	}
	s->idle_ms = c->tcp_idle_timeout_ms;
	size_t per_addr = c->dns_workers != 0 ? c->dns_workers : (size_t)cpu_count();
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &s->evfd };
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->evfd, &ev);

	/*
	 * Size the worker array for every address before any thread starts:
	 * running workers hold pointers into it, so it must never move.
	 */
	size_t addr_cnt = 1;
	for (const char *p = c->dns_listen; *p != '\0'; p++) {
		addr_cnt += *p == ',';
	}
	s->workers = calloc(addr_cnt * per_addr, sizeof(*s->workers));
	if (s->workers == NULL) {
		goto fail;
	}

	char *save = NULL;
	for (char *a = strtok_r(list, ", ", &save); a != NULL; a = strtok_r(NULL, ", ", &save)) {
		struct sockaddr_storage ss;
		socklen_t sl;
		if (parse_addr(a, &ss, &sl) != LC_EOK || s->tcp_fd_cnt == LISTEN_MAX) {
			snprintf(err, err_len, "dns listen address \"%s\": expected ADDR:PORT or [V6]:PORT", a);
			ret = LC_EINVAL;
			goto fail;
		}
		/*
		 * SO_REUSEPORT lets another process of ours share the port silently;
		 * a plain bind first turns "already in use" into a clear error.
		 */
		int probe = open_socket(&ss, sl, SOCK_DGRAM, false);
		if (probe < 0) {
			snprintf(err, err_len, "bind udp %s: %s", a, strerror(errno));
			ret = LC_EIO;
			goto fail;
		}
		close(probe);
		int tfd = open_socket(&ss, sl, SOCK_STREAM | SOCK_NONBLOCK, false);
		if (tfd < 0 || listen(tfd, 128) != 0) {
			snprintf(err, err_len, "bind tcp %s: %s", a, strerror(errno));
			if (tfd >= 0) {
				close(tfd);
			}
			ret = LC_EIO;
			goto fail;
		}
		s->tcp_fds[s->tcp_fd_cnt] = tfd;
		struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &s->tcp_fds[s->tcp_fd_cnt] };
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, tfd, &lev);
		s->tcp_fd_cnt++;

		for (size_t i = 0; i < per_addr && s->worker_cnt < addr_cnt * per_addr; i++) {
			int fd = open_socket(&ss, sl, SOCK_DGRAM, true);
			if (fd < 0) {
				snprintf(err, err_len, "bind udp %s: %s", a, strerror(errno));
				ret = LC_EIO;
				goto fail;
			}
			struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			/*
			 * Room for bursts (a CA's validation round, a resolver farm):
			 * the default ~200 KB holds only a few hundred datagrams.
			 * SO_RCVBUFFORCE passes rmem_max when we may; else the kernel caps it.
			 */
			int buf = 4 << 20;
			if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) != 0) {
				setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
			}
			udp_worker_t *w = &s->workers[s->worker_cnt];
			w->fd = fd;
			w->srv = s;
			if (pthread_create(&w->thread, NULL, udp_main, w) != 0) {
				close(fd);
				goto fail;
			}
			s->worker_cnt++;
		}
	}
	if (s->tcp_fd_cnt == 0) {
		snprintf(err, err_len, "no dns listen address");
		ret = LC_EINVAL;
		goto fail;
	}
	if (pthread_create(&s->tcp_thread, NULL, tcp_main, s) != 0) {
		goto fail;
	}
	s->tcp_running = true;
	free(list);
	*out = s;
	return LC_EOK;
fail:
	free(list);
	dns_server_stop(s);
	return ret;
}

void dns_server_stop(dns_server_t *s)
{
	if (s == NULL) {
		return;
	}
	atomic_store(&s->stop, true);
	if (s->evfd >= 0) {
		uint64_t one = 1;
		ssize_t w = write(s->evfd, &one, sizeof(one));
		(void)w;
	}
	for (size_t i = 0; i < s->worker_cnt; i++) {
		pthread_join(s->workers[i].thread, NULL);
		close(s->workers[i].fd);
	}
	if (s->tcp_running) {
		pthread_join(s->tcp_thread, NULL);
	}
	for (size_t i = 0; i < s->tcp_fd_cnt; i++) {
		close(s->tcp_fds[i]);
	}
	close(s->epfd);
	close(s->evfd);
	free(s->workers);
	rrl_free(s->rrl);
	free(s);
}
