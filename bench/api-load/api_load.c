/* SPDX-License-Identifier: MIT */
/* api_load.c -- closed-loop load client for the acme-dns /update call: N keep-alive clients,
 * updates/s, latency percentiles, errors */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Each client is one thread with one keep-alive connection. It registers its
 * own subdomain (acme-dns POST /register, or shares client 0's with
 * --same-sub), then sends POST /update back to back for --duration seconds,
 * each with a fresh challenge value, and times every request from the first
 * byte sent to the last byte of the answer. Anything but a 200 is an error.
 * A closed-loop client measures what a server sustains at that concurrency;
 * it does not model an open arrival rate.
 */

#define MAX_CLIENTS 256
#define BUF_SIZE 8192
#define LAT_MAX (4u << 20) /* latencies kept per client */

typedef struct creds {
	char user[64];
	char key[64];
	char sub[128];
} creds_t;

typedef struct client {
	int idx;
	pthread_t th;
	creds_t cr;
	int fd;
	char buf[BUF_SIZE];
	size_t have;
	uint64_t ok, errors, reconnects;
	uint32_t *lat_us;
	size_t lat_cnt;
	char first_error[160];
} client_t;

static struct sockaddr_in target;
static const char *host_hdr = "127.0.0.1";
static const char *register_path = "/register";
static const char *update_path = "/update";
static double duration_s = 5.0;
static double warmup_s = 1.0;
static bool same_sub;
static atomic_int phase; /* 0 = waiting, 1 = warmup, 2 = measuring, 3 = stop */
static pthread_barrier_t ready;
static creds_t shared_cr;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int conn_open(client_t *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		return -1;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&target, sizeof(target)) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->have = 0;
	return 0;
}

static void conn_close(client_t *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Read one HTTP/1.1 response with a Content-Length body. Sets *status, copies
 * the body (NUL-terminated, truncated to body_size) and *close_after.
 */
static int read_resp(client_t *c, int *status, char *body, size_t body_size, bool *close_after)
{
	char *end;
	for (;;) {
		c->buf[c->have] = '\0';
		end = strstr(c->buf, "\r\n\r\n");
		if (end != NULL) {
			break;
		}
		if (c->have >= BUF_SIZE - 1) {
			return -1;
		}
		ssize_t r = recv(c->fd, c->buf + c->have, BUF_SIZE - 1 - c->have, 0);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return -1;
		}
		c->have += (size_t)r;
	}
	size_t head_len = (size_t)(end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.%*d %d", status) != 1) {
		return -1;
	}
	size_t clen = 0;
	*close_after = false;
	for (char *line = strstr(c->buf, "\r\n") + 2; line < end;) {
		char *eol = strstr(line, "\r\n");
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			clen = strtoul(line + 15, NULL, 10);
		} else if (strncasecmp(line, "Connection:", 11) == 0 &&
			   strstr(line, "close") != NULL && strstr(line, "close") < eol) {
			*close_after = true;
		}
		line = eol + 2;
	}
	if (head_len + clen > BUF_SIZE - 1) {
		return -1;
	}
	while (c->have < head_len + clen) {
		ssize_t r = recv(c->fd, c->buf + c->have, BUF_SIZE - 1 - c->have, 0);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return -1;
		}
		c->have += (size_t)r;
	}
	size_t n = clen < body_size - 1 ? clen : body_size - 1;
	memcpy(body, c->buf + head_len, n);
	body[n] = '\0';
	/* Keep whatever follows (there should be nothing: one request in flight). */
	memmove(c->buf, c->buf + head_len + clen, c->have - head_len - clen);
	c->have -= head_len + clen;
	return 0;
}

/* One request on the client's connection, reconnecting once if the server closed it. */
static int request(client_t *c, const char *req, size_t req_len, int *status, char *body,
		   size_t body_size)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (c->fd < 0 && conn_open(c) != 0) {
			return -1;
		}
		bool close_after = false;
		if (send_all(c->fd, req, req_len) == 0 &&
		    read_resp(c, status, body, body_size, &close_after) == 0) {
			if (close_after) {
				conn_close(c);
			}
			return 0;
		}
		conn_close(c);
		c->reconnects++;
		if (attempt == 0 && c->have == 0) {
			continue; /* a keep-alive connection the server had closed: try once more */
		}
		return -1;
	}
	return -1;
}

/* Take "name":"value" out of a flat JSON object. */
static int json_str(const char *json, const char *name, char *out, size_t out_size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", name);
	const char *p = strstr(json, pat);
	if (p == NULL) {
		return -1;
	}
	p += strlen(pat);
	while (*p == ' ') {
		p++;
	}
	if (*p++ != '"') {
		return -1;
	}
	size_t n = strcspn(p, "\"");
	if (n >= out_size) {
		return -1;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int do_register(client_t *c, creds_t *out)
{
	char req[512], body[2048];
	int n = snprintf(req, sizeof(req),
			 "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n",
			 register_path, host_hdr);
	int status = 0;
	if (request(c, req, (size_t)n, &status, body, sizeof(body)) != 0 || status != 201) {
		fprintf(stderr, "api_load: client %d: register failed (status %d): %s\n", c->idx,
			status, body);
		return -1;
	}
	if (json_str(body, "username", out->user, sizeof(out->user)) != 0 ||
	    json_str(body, "password", out->key, sizeof(out->key)) != 0 ||
	    json_str(body, "subdomain", out->sub, sizeof(out->sub)) != 0) {
		fprintf(stderr, "api_load: client %d: cannot read credentials\n", c->idx);
		return -1;
	}
	return 0;
}

/* A valid, unique challenge value: 43 characters of base64url. */
static void make_txt(char out[44], int client, uint64_t n)
{
	snprintf(out, 44, "load-%03d-%034llu", client, (unsigned long long)n);
}

static void *client_main(void *arg)
{
	client_t *c = arg;
	c->fd = -1;
	bool good = true;
	if (!same_sub || c->idx == 0) {
		good = do_register(c, same_sub ? &shared_cr : &c->cr) == 0;
	}
	pthread_barrier_wait(&ready);
	if (same_sub) {
		c->cr = shared_cr;
	}
	if (!good || c->cr.user[0] == '\0') {
		return NULL;
	}
	while (atomic_load(&phase) == 0) {
		usleep(100);
	}
	char req[1024], body[512], txt[44], json[256];
	uint64_t n = 0;
	int p;
	while ((p = atomic_load(&phase)) != 3) {
		make_txt(txt, c->idx, n++);
		int jl = snprintf(json, sizeof(json), "{\"subdomain\": \"%s\", \"txt\": \"%s\"}",
				  c->cr.sub, txt);
		int rl = snprintf(req, sizeof(req),
				  "POST %s HTTP/1.1\r\nHost: %s\r\nX-Api-User: %s\r\n"
				  "X-Api-Key: %s\r\nContent-Type: application/json\r\n"
				  "Content-Length: %d\r\n\r\n%s",
				  update_path, host_hdr, c->cr.user, c->cr.key, jl, json);
		int status = 0;
		double t0 = now_s();
		int r = request(c, req, (size_t)rl, &status, body, sizeof(body));
		double dt = now_s() - t0;
		if (p != 2) {
			continue; /* warmup */
		}
		if (r == 0 && status == 200) {
			c->ok++;
			if (c->lat_cnt < LAT_MAX) {
				c->lat_us[c->lat_cnt++] = (uint32_t)(dt * 1e6);
			}
		} else {
			if (c->errors++ == 0) {
				snprintf(c->first_error, sizeof(c->first_error), "status %d: %.100s",
					 r == 0 ? status : -1, r == 0 ? body : "connection failed");
			}
			if (r != 0) {
				usleep(1000);
			}
		}
	}
	conn_close(c);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: api_load [-c CLIENTS] [-d SECONDS] [-w WARMUP_S] [--same-sub]\n"
		"                [--register-path P] [--update-path P] [--json] HOST:PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int clients = 16;
	bool json_out = false;
	static const struct option opts[] = {
		{ "clients", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "same-sub", no_argument, NULL, 's' },
		{ "register-path", required_argument, NULL, 'R' },
		{ "update-path", required_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "c:d:w:sj", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			clients = atoi(optarg);
			break;
		case 'd':
			duration_s = atof(optarg);
			break;
		case 'w':
			warmup_s = atof(optarg);
			break;
		case 's':
			same_sub = true;
			break;
		case 'R':
			register_path = optarg;
			break;
		case 'U':
			update_path = optarg;
			break;
		case 'j':
			json_out = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || clients < 1 || clients > MAX_CLIENTS || duration_s <= 0) {
		usage();
	}
	char hostport[256];
	snprintf(hostport, sizeof(hostport), "%s", argv[optind]);
	char *colon = strrchr(hostport, ':');
	if (colon == NULL) {
		usage();
	}
	*colon = '\0';
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, hostport, &target.sin_addr) != 1) {
		fprintf(stderr, "api_load: %s is not an IPv4 address\n", hostport);
		return 2;
	}

	client_t *cs = calloc((size_t)clients, sizeof(*cs));
	if (cs == NULL) {
		return 1;
	}
	pthread_barrier_init(&ready, NULL, (unsigned)clients + 1);
	for (int i = 0; i < clients; i++) {
		cs[i].idx = i;
		cs[i].lat_us = malloc(LAT_MAX * sizeof(uint32_t));
		if (cs[i].lat_us == NULL || pthread_create(&cs[i].th, NULL, client_main, &cs[i])) {
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	atomic_store(&phase, 1);
	usleep((useconds_t)(warmup_s * 1e6));
	double t0 = now_s();
	atomic_store(&phase, 2);
	usleep((useconds_t)(duration_s * 1e6));
	atomic_store(&phase, 3);
	double elapsed = now_s() - t0;
	uint64_t ok = 0, errors = 0, reconnects = 0;
	size_t total = 0;
	for (int i = 0; i < clients; i++) {
		pthread_join(cs[i].th, NULL);
		ok += cs[i].ok;
		errors += cs[i].errors;
		reconnects += cs[i].reconnects;
		total += cs[i].lat_cnt;
	}
	uint32_t *all = malloc((total ? total : 1) * sizeof(uint32_t));
	if (all == NULL) {
		return 1;
	}
	size_t k = 0;
	for (int i = 0; i < clients; i++) {
		memcpy(all + k, cs[i].lat_us, cs[i].lat_cnt * sizeof(uint32_t));
		k += cs[i].lat_cnt;
	}
	qsort(all, total, sizeof(uint32_t), cmp_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] / 1000.0 : 0.0)
	double rate = (double)ok / elapsed;
	if (json_out) {
		printf("{\"clients\": %d, \"seconds\": %.2f, \"ok\": %llu, \"errors\": %llu, "
		       "\"updates_per_s\": %.0f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, "
		       "\"p99_ms\": %.3f, \"max_ms\": %.3f, \"reconnects\": %llu}\n",
		       clients, elapsed, (unsigned long long)ok, (unsigned long long)errors, rate,
		       PCT(0.50), PCT(0.90), PCT(0.99), PCT(1.0), (unsigned long long)reconnects);
	} else {
		printf("clients %d  %.1fs  ok %llu  errors %llu  %.0f updates/s  "
		       "p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  reconnects %llu\n",
		       clients, elapsed, (unsigned long long)ok, (unsigned long long)errors, rate,
		       PCT(0.50), PCT(0.90), PCT(0.99), PCT(1.0), (unsigned long long)reconnects);
	}
	for (int i = 0; i < clients; i++) {
		if (cs[i].errors > 0) {
			fprintf(stderr, "api_load: client %d: %llu errors, first: %s\n", i,
				(unsigned long long)cs[i].errors, cs[i].first_error);
		}
		free(cs[i].lat_us);
	}
	free(all);
	free(cs);
	return errors == 0 && ok > 0 ? 0 : 1;
}
