/* SPDX-License-Identifier: MIT */
/* net_int.h -- what the listener files share: the server, its UDP workers and TCP connections */
#ifndef LC_NET_NET_INT_H
#define LC_NET_NET_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "net/server.h"
#include "ns/rrl.h"

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


/** A UDP worker's thread: batches of recvmmsg/sendmmsg on its own SO_REUSEPORT socket. */
void *udp_worker_main(void *arg);

/** The TCP thread: every listener and connection of the server in one epoll set. */
void *tcp_thread_main(void *arg);

#endif
