/* SPDX-License-Identifier: MIT */
/* server.c -- DNS listeners: binding, starting and stopping the UDP workers (udp.c) and the TCP thread (tcp.c) */
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

#include "net/net_int.h"
#include "util/error.h"
#include "util/log.h"

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
	if (type == SOCK_DGRAM) {
		/*
		 * Never fragment a UDP answer (DNS flag day 2020): DF set, path-MTU
		 * reports ignored, so a forged ICMP "too big" cannot make us send
		 * fragments that an off-path attacker could replace. Our answers are
		 * at most DNS_EDNS_SIZE (1232) bytes, below every link MTU that
		 * carries IPv6. With DF the kernel also skips computing an IPv4 ID.
		 */
		int probe = ss->ss_family == AF_INET6 ? IPV6_PMTUDISC_PROBE : IP_PMTUDISC_PROBE;
		if (ss->ss_family == AF_INET6) {
			setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &probe, sizeof(probe));
			setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &one, sizeof(one));
		} else {
			setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof(probe));
		}
	}
	if (bind(fd, (const struct sockaddr *)ss, len) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
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
			if (pthread_create(&w->thread, NULL, udp_worker_main, w) != 0) {
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
	if (pthread_create(&s->tcp_thread, NULL, tcp_thread_main, s) != 0) {
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
