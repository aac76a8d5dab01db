/* SPDX-License-Identifier: MIT */
/*
 * apiload.c -- closed-loop HTTP/1.1 load client for the update APIs (bench/run.sh).
 *
 * T threads, each with one keep-alive connection, send update requests back to
 * back for D seconds, each for a random subdomain from CREDS (label, key id,
 * secret per line), with a fresh random 43-character base64url value:
 *
 *   localcert:  POST /update, X-Api-User/X-Api-Key, {"subdomain": LABEL, "txt": VALUE}  -> 200
 *   pdns:       PATCH /api/v1/servers/localhost/zones/PARENT. replacing the
 *               _acme-challenge.LABEL.PARENT. TXT rrset with two values (TTL 10)          -> 204
 *   health:     GET /health (the client's own ceiling against a trivial handler)         -> 200
 *
 * Prints one JSON line: ok, errors, updates/s, latency p50/p99/max (ms) and the
 * client's own CPU seconds (so one can see it is not the bottleneck).
 *
 * Usage: apiload MODE HOST PORT CREDS THREADS SECONDS [PARENT] [PDNS_API_KEY]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { M_LOCALCERT, M_PDNS, M_HEALTH };

typedef struct {
	char *label, *id, *secret;
} cred_t;

static int mode;
static struct sockaddr_in addr;
static cred_t *creds;
static size_t ncreds;
static const char *parent = "localhostcert.net";
static const char *pdns_key = "benchkey";
static double deadline;

typedef struct {
	unsigned idx;
	uint64_t rng;
	double *lat;
	size_t nlat, caplat;
	unsigned long errors, reconnects;
	char first_err[200];
} worker_t;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void rand_val(uint64_t *s, char out[44])
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (int i = 0; i < 43; i++) {
		out[i] = a[next(s) & 63];
	}
	out[43] = 0;
	out[42] = a[(next(s) & 15) << 2]; /* last char of a 32-byte value carries 4 bits: canonical */
}

static int conn(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0) {
			if (w < 0 && errno == EINTR) {
				continue;
			}
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one response; return its status, or -1 on a broken connection. */
static int read_resp(int fd, char *buf, size_t cap, int *close_after)
{
	size_t have = 0;
	char *end = NULL;
	while (end == NULL) {
		if (have + 1 >= cap) {
			return -1;
		}
		ssize_t r = recv(fd, buf + have, cap - 1 - have, 0);
		if (r <= 0) {
			if (r < 0 && errno == EINTR) {
				continue;
			}
			return -1;
		}
		have += (size_t)r;
		buf[have] = 0;
		end = strstr(buf, "\r\n\r\n");
	}
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) {
		return -1;
	}
	size_t clen = 0;
	*close_after = 0;
	for (char *p = buf; p < end; p++) {
		if (*p != '\n') {
			continue;
		}
		if (strncasecmp(p + 1, "content-length:", 15) == 0) {
			clen = strtoul(p + 16, NULL, 10);
		} else if (strncasecmp(p + 1, "connection: close", 17) == 0) {
			*close_after = 1;
		} else if (strncasecmp(p + 1, "transfer-encoding: chunked", 26) == 0) {
			return -1; /* not expected from either server */
		}
	}
	size_t got = have - (size_t)(end + 4 - buf);
	while (got < clen) {
		char tmp[4096];
		size_t want = clen - got < sizeof(tmp) ? clen - got : sizeof(tmp);
		ssize_t r = recv(fd, tmp, want, 0);
		if (r <= 0) {
			return -1;
		}
		got += (size_t)r;
	}
	return status;
}

static size_t build(worker_t *w, char *req, size_t cap)
{
	char body[1024], v1[44], v2[44];
	const cred_t *c = &creds[next(&w->rng) % ncreds];
	int bl, n;
	switch (mode) {
	case M_LOCALCERT:
		rand_val(&w->rng, v1);
		bl = snprintf(body, sizeof(body), "{\"subdomain\": \"%s\", \"txt\": \"%s\"}", c->label, v1);
		n = snprintf(req, cap,
			     "POST /update HTTP/1.1\r\nHost: bench\r\nX-Api-User: %s\r\nX-Api-Key: %s\r\n"
			     "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			     c->id, c->secret, bl, body);
		break;
	case M_PDNS:
		rand_val(&w->rng, v1);
		rand_val(&w->rng, v2);
		bl = snprintf(body, sizeof(body),
			      "{\"rrsets\":[{\"name\":\"_acme-challenge.%s.%s.\",\"type\":\"TXT\",\"ttl\":10,"
			      "\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"\\\"%s\\\"\",\"disabled\":false},"
			      "{\"content\":\"\\\"%s\\\"\",\"disabled\":false}]}]}",
			      c->label, parent, v1, v2);
		n = snprintf(req, cap,
			     "PATCH /api/v1/servers/localhost/zones/%s. HTTP/1.1\r\nHost: bench\r\nX-API-Key: %s\r\n"
			     "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			     parent, pdns_key, bl, body);
		break;
	default:
		n = snprintf(req, cap, "GET /health HTTP/1.1\r\nHost: bench\r\n\r\n");
		break;
	}
	return (size_t)n;
}

static void *run(void *arg)
{
	worker_t *w = arg;
	char req[2048], resp[16384];
	int want = mode == M_PDNS ? 204 : 200;
	int fd = conn();
	while (now() < deadline) {
		if (fd < 0) {
			w->errors++;
			usleep(10000);
			fd = conn();
			continue;
		}
		size_t n = build(w, req, sizeof(req));
		double t0 = now();
		int close_after = 0, st = -1;
		if (send_all(fd, req, n) == 0) {
			st = read_resp(fd, resp, sizeof(resp), &close_after);
		}
		double t1 = now();
		if (st < 0) {
			w->errors++;
			w->reconnects++;
			close(fd);
			fd = conn();
			continue;
		}
		if (w->nlat == w->caplat) {
			w->caplat = w->caplat ? w->caplat * 2 : 65536;
			w->lat = realloc(w->lat, w->caplat * sizeof(double));
		}
		w->lat[w->nlat++] = t1 - t0;
		if (st != want) {
			w->errors++;
			if (w->first_err[0] == 0) {
				char *nl = strchr(resp, '\r');
				snprintf(w->first_err, sizeof(w->first_err), "%.*s", nl ? (int)(nl - resp) : 60, resp);
			}
		}
		if (close_after) {
			close(fd);
			fd = conn();
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void load_creds(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	size_t cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	while (getline(&line, &lcap, f) > 0) {
		char *l = strtok(line, "\t\n"), *i = strtok(NULL, "\t\n"), *s = strtok(NULL, "\t\n");
		if (l == NULL || i == NULL || s == NULL) {
			continue;
		}
		if (ncreds == cap) {
			cap = cap ? cap * 2 : 4096;
			creds = realloc(creds, cap * sizeof(cred_t));
		}
		creds[ncreds++] = (cred_t){ strdup(l), strdup(i), strdup(s) };
	}
	free(line);
	fclose(f);
	if (ncreds == 0) {
		fprintf(stderr, "%s: no credentials\n", path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: %s localcert|pdns|health HOST PORT CREDS THREADS SECONDS [PARENT] [PDNS_KEY]\n",
			argv[0]);
		return 2;
	}
	mode = strcmp(argv[1], "pdns") == 0 ? M_PDNS : strcmp(argv[1], "health") == 0 ? M_HEALTH : M_LOCALCERT;
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1) {
		fprintf(stderr, "bad host %s\n", argv[2]);
		return 2;
	}
	load_creds(argv[4]);
	int threads = atoi(argv[5]);
	double secs = atof(argv[6]);
	if (argc > 7) {
		parent = argv[7];
	}
	if (argc > 8) {
		pdns_key = argv[8];
	}
	if (threads < 1 || threads > 256 || secs <= 0) {
		fprintf(stderr, "bad THREADS or SECONDS\n");
		return 2;
	}
	worker_t *w = calloc((size_t)threads, sizeof(worker_t));
	pthread_t *th = calloc((size_t)threads, sizeof(pthread_t));
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	double t0 = now();
	deadline = t0 + secs;
	for (int i = 0; i < threads; i++) {
		w[i].idx = (unsigned)i;
		w[i].rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)getpid() << 20) ^ (uint64_t)(i + 1) * 0xD1B54A32D192ED03ull;
		pthread_create(&th[i], NULL, run, &w[i]);
	}
	size_t total = 0;
	unsigned long errors = 0, reconnects = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		total += w[i].nlat;
		errors += w[i].errors;
		reconnects += w[i].reconnects;
	}
	double wall = now() - t0;
	getrusage(RUSAGE_SELF, &r1);
	double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
		     (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
		     (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		     (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
	double *all = malloc((total ? total : 1) * sizeof(double));
	size_t k = 0;
	const char *first_err = "";
	for (int i = 0; i < threads; i++) {
		memcpy(all + k, w[i].lat, w[i].nlat * sizeof(double));
		k += w[i].nlat;
		if (!first_err[0] && w[i].first_err[0]) {
			first_err = w[i].first_err;
		}
	}
	qsort(all, total, sizeof(double), cmp);
	double p50 = total ? all[total / 2] : 0, p99 = total ? all[(size_t)((double)total * 0.99)] : 0,
	       mx = total ? all[total - 1] : 0;
	size_t ok = total >= errors - reconnects ? total - (errors - reconnects) : 0;
	printf("{\"mode\": \"%s\", \"threads\": %d, \"wall_s\": %.2f, \"requests\": %zu, \"ok\": %zu, "
	       "\"errors\": %lu, \"ok_per_s\": %.1f, \"lat_ms_p50\": %.3f, \"lat_ms_p99\": %.3f, "
	       "\"lat_ms_max\": %.3f, \"client_cpu_s\": %.2f, \"first_error\": \"%s\"}\n",
	       argv[1], threads, wall, total, ok, errors, (double)ok / wall, p50 * 1e3, p99 * 1e3, mx * 1e3, cpu,
	       first_err);
	return 0;
}
