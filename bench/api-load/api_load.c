/* SPDX-License-Identifier: MIT */
/* api_load.c -- closed-loop HTTP/1.1 load client for the update APIs: N keep-alive clients,
 * updates/s, latency percentiles, errors, the client's own CPU time */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Each client is one thread with one keep-alive connection that sends requests
 * back to back: a warm-up of --warmup seconds (not counted), then --duration
 * seconds that are measured. Every request is timed from the first byte sent
 * to the last byte of the answer. Anything but the expected status is an
 * error, and so is a broken connection. A closed-loop client measures what a
 * server sustains at that concurrency; it does not model an open arrival rate.
 *
 * Modes (--mode):
 *   localcert  POST /update (acme-dns), X-Api-User/X-Api-Key,
 *              {"subdomain": LABEL, "txt": VALUE} -> 200. With --creds FILE
 *              (lines "label<TAB>key id<TAB>secret", as bench/gen-data.py
 *              writes them) every request picks a random subdomain of the
 *              file; without it each client registers its own subdomain
 *              (POST /register), or shares client 0's with --same-sub.
 *   pdns       PowerDNS HTTP API, the way the original service updated a
 *              challenge: PATCH /api/v1/servers/localhost/zones/PARENT.
 *              REPLACE of the _acme-challenge.LABEL.PARENT. TXT rrset with
 *              two values (TTL 10), X-API-Key --pdns-key -> 204. Needs --creds
 *              (only the label is used).
 *   health     GET /health -> 200: the client's own ceiling against a trivial
 *              handler, to show the client is not what limits the figures.
 *
 * Challenge values are fresh random 43-character base64url strings that
 * decode to 32 bytes (the last character carries 4 bits, so it is canonical).
 *
 * With --server-pid PID the server's CPU time (utime + stime of that process,
 * all its threads) over the measured window is reported too, so warm-up and
 * start-up do not count.
 *
 * Output: one line of text, or with --json one JSON object (bench/run.sh keeps
 * it in api.jsonl; bench/summarize.py reads it). Exit status 0 only when there
 * were no errors and at least one success.
 */

#define MAX_CLIENTS 256
#define BUF_SIZE 16384

enum { MODE_LOCALCERT, MODE_PDNS, MODE_HEALTH };

typedef struct creds {
	char user[64];
	char key[64];
	char sub[128];
} creds_t;

typedef struct client {
	int idx;
	pthread_t th;
	creds_t cr; /* registered mode: this client's own subdomain */
	uint64_t rng;
	int fd;
	char buf[BUF_SIZE];
	size_t have;
	uint64_t ok, errors, reconnects;
	uint32_t *lat_us;
	size_t lat_cnt, lat_cap;
	char first_error[160];
} client_t;

static int mode = MODE_LOCALCERT;
static const char *mode_name = "localcert";
static struct sockaddr_in target;
static const char *host_hdr = "127.0.0.1";
static const char *register_path = "/register";
static const char *update_path = "/update";
static const char *parent = "localhostcert.net";
static const char *pdns_key = "benchkey";
static double duration_s = 5.0;
static double warmup_s = 1.0;
static bool same_sub;
static creds_t *file_creds; /* --creds: label in sub, key id in user, secret in key */
static size_t file_creds_cnt;
static atomic_int phase; /* 0 = waiting, 1 = warmup, 2 = measuring, 3 = stop */
static pthread_barrier_t ready;
static creds_t shared_cr;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random 43-character base64url value of 32 bytes; the last character keeps 4 bits. */
static void rand_val(uint64_t *s, char out[44])
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (int i = 0; i < 42; i++) {
		out[i] = a[rng_next(s) & 63];
	}
	out[42] = a[(rng_next(s) & 15) << 2];
	out[43] = '\0';
}

static int conn_open(client_t *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		return -1;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct timeval tv = { .tv_sec = 30 }; /* a hung server ends the run as errors, not a hang */
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
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
 * Read one HTTP/1.1 response with a Content-Length body (or none). Sets
 * *status, copies the body (NUL-terminated, truncated to body_size) and
 * *close_after. Chunked bodies are not expected from either server.
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
		} else if (strncasecmp(line, "Connection:", 11) == 0) {
			char *cl = strcasestr(line, "close");
			*close_after = cl != NULL && cl < eol;
		} else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
			return -1;
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
	body[0] = '\0';
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

/* The next request of client c into req; returns its length. */
static int build_request(client_t *c, char *req, size_t req_size)
{
	char json[512], v1[44], v2[44];
	const creds_t *cr = &c->cr;
	if (file_creds_cnt > 0) {
		cr = &file_creds[rng_next(&c->rng) % file_creds_cnt];
	}
	int jl;
	switch (mode) {
	case MODE_PDNS:
		rand_val(&c->rng, v1);
		rand_val(&c->rng, v2);
		jl = snprintf(json, sizeof(json),
			      "{\"rrsets\":[{\"name\":\"_acme-challenge.%s.%s.\",\"type\":\"TXT\","
			      "\"ttl\":10,\"changetype\":\"REPLACE\",\"records\":["
			      "{\"content\":\"\\\"%s\\\"\",\"disabled\":false},"
			      "{\"content\":\"\\\"%s\\\"\",\"disabled\":false}]}]}",
			      cr->sub, parent, v1, v2);
		return snprintf(req, req_size,
				"PATCH /api/v1/servers/localhost/zones/%s. HTTP/1.1\r\nHost: %s\r\n"
				"X-API-Key: %s\r\nContent-Type: application/json\r\n"
				"Content-Length: %d\r\n\r\n%s",
				parent, host_hdr, pdns_key, jl, json);
	case MODE_HEALTH:
		return snprintf(req, req_size, "GET /health HTTP/1.1\r\nHost: %s\r\n\r\n", host_hdr);
	default:
		rand_val(&c->rng, v1);
		jl = snprintf(json, sizeof(json), "{\"subdomain\": \"%s\", \"txt\": \"%s\"}", cr->sub,
			      v1);
		return snprintf(req, req_size,
				"POST %s HTTP/1.1\r\nHost: %s\r\nX-Api-User: %s\r\n"
				"X-Api-Key: %s\r\nContent-Type: application/json\r\n"
				"Content-Length: %d\r\n\r\n%s",
				update_path, host_hdr, cr->user, cr->key, jl, json);
	}
}

static void lat_add(client_t *c, double dt)
{
	if (c->lat_cnt == c->lat_cap) {
		size_t cap = c->lat_cap ? c->lat_cap * 2 : 65536;
		uint32_t *p = realloc(c->lat_us, cap * sizeof(uint32_t));
		if (p == NULL) {
			return; /* keep counting; the percentiles then use fewer samples */
		}
		c->lat_us = p;
		c->lat_cap = cap;
	}
	c->lat_us[c->lat_cnt++] = (uint32_t)(dt * 1e6);
}

static void *client_main(void *arg)
{
	client_t *c = arg;
	c->fd = -1;
	bool registers = mode == MODE_LOCALCERT && file_creds_cnt == 0;
	bool good = true;
	if (registers && (!same_sub || c->idx == 0)) {
		good = do_register(c, same_sub ? &shared_cr : &c->cr) == 0;
	}
	pthread_barrier_wait(&ready);
	if (registers && same_sub) {
		c->cr = shared_cr;
	}
	if (!good || (registers && c->cr.user[0] == '\0')) {
		return NULL;
	}
	while (atomic_load(&phase) == 0) {
		usleep(100);
	}
	int want = mode == MODE_PDNS ? 204 : 200;
	char req[2048], body[512];
	int p;
	while ((p = atomic_load(&phase)) != 3) {
		int rl = build_request(c, req, sizeof(req));
		int status = 0;
		double t0 = now_s();
		int r = request(c, req, (size_t)rl, &status, body, sizeof(body));
		double dt = now_s() - t0;
		if (p != 2) {
			continue; /* warmup */
		}
		if (r == 0 && status == want) {
			c->ok++;
			lat_add(c, dt); /* percentiles are of successful requests */
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

static void load_creds(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	size_t cap = 0, lcap = 0;
	char *line = NULL;
	while (getline(&line, &lcap, f) > 0) {
		char *save = NULL;
		char *l = strtok_r(line, "\t\n", &save), *i = strtok_r(NULL, "\t\n", &save),
		     *s = strtok_r(NULL, "\t\n", &save);
		if (l == NULL || i == NULL || s == NULL) {
			continue;
		}
		if (file_creds_cnt == cap) {
			cap = cap ? cap * 2 : 4096;
			file_creds = realloc(file_creds, cap * sizeof(creds_t));
			if (file_creds == NULL) {
				exit(1);
			}
		}
		creds_t *cr = &file_creds[file_creds_cnt++];
		snprintf(cr->sub, sizeof(cr->sub), "%s", l);
		snprintf(cr->user, sizeof(cr->user), "%s", i);
		snprintf(cr->key, sizeof(cr->key), "%s", s);
	}
	free(line);
	fclose(f);
	if (file_creds_cnt == 0) {
		fprintf(stderr, "api_load: %s: no credentials\n", path);
		exit(2);
	}
}

/* utime + stime of process pid in seconds (all threads), or -1. */
static double proc_cpu_s(int pid)
{
	char path[64], line[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return -1;
	}
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	char *p = strrchr(line, ')'); /* the command name may contain spaces */
	unsigned long long ut, st;
	if (p == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
		return -1;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double cpu_s(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

/* JSON string contents: the first error holds a server's body, which may contain quotes. */
static void json_escape(char *out, size_t out_size, const char *in)
{
	size_t k = 0;
	for (; *in != '\0' && k + 7 < out_size; in++) {
		unsigned char ch = (unsigned char)*in;
		if (ch == '"' || ch == '\\') {
			out[k++] = '\\';
			out[k++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			k += (size_t)snprintf(out + k, out_size - k, "\\u%04x", ch);
		} else {
			out[k++] = (char)ch;
		}
	}
	out[k] = '\0';
}

static void usage(void)
{
	fprintf(stderr,
		"usage: api_load [-m localcert|pdns|health] [-c CLIENTS] [-d SECONDS] [-w WARMUP_S]\n"
		"                [--creds FILE] [--same-sub] [--parent ZONE] [--pdns-key KEY]\n"
		"                [--server-pid PID]\n"
		"                [--register-path P] [--update-path P] [--json] HOST:PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int clients = 16;
	bool json_out = false;
	const char *creds_path = NULL;
	int server_pid = 0;
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "clients", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "creds", required_argument, NULL, 'C' },
		{ "same-sub", no_argument, NULL, 's' },
		{ "parent", required_argument, NULL, 'P' },
		{ "pdns-key", required_argument, NULL, 'K' },
		{ "register-path", required_argument, NULL, 'R' },
		{ "update-path", required_argument, NULL, 'U' },
		{ "server-pid", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "m:c:d:w:sj", opts, NULL)) != -1) {
		switch (o) {
		case 'm':
			mode_name = optarg;
			if (strcmp(optarg, "localcert") == 0) {
				mode = MODE_LOCALCERT;
			} else if (strcmp(optarg, "pdns") == 0) {
				mode = MODE_PDNS;
			} else if (strcmp(optarg, "health") == 0) {
				mode = MODE_HEALTH;
			} else {
				usage();
			}
			break;
		case 'c':
			clients = atoi(optarg);
			break;
		case 'd':
			duration_s = atof(optarg);
			break;
		case 'w':
			warmup_s = atof(optarg);
			break;
		case 'C':
			creds_path = optarg;
			break;
		case 's':
			same_sub = true;
			break;
		case 'P':
			parent = optarg;
			break;
		case 'K':
			pdns_key = optarg;
			break;
		case 'R':
			register_path = optarg;
			break;
		case 'U':
			update_path = optarg;
			break;
		case 'S':
			server_pid = atoi(optarg);
			break;
		case 'j':
			json_out = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || clients < 1 || clients > MAX_CLIENTS || duration_s <= 0 ||
	    warmup_s < 0) {
		usage();
	}
	if (mode == MODE_PDNS && creds_path == NULL) {
		fprintf(stderr, "api_load: --mode pdns needs --creds (the labels to update)\n");
		return 2;
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
	if (creds_path != NULL) {
		load_creds(creds_path);
	}

	client_t *cs = calloc((size_t)clients, sizeof(*cs));
	if (cs == NULL) {
		return 1;
	}
	pthread_barrier_init(&ready, NULL, (unsigned)clients + 1);
	for (int i = 0; i < clients; i++) {
		cs[i].idx = i;
		cs[i].rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)getpid() << 20) ^
			    (uint64_t)(i + 1) * 0xD1B54A32D192ED03ull;
		if (pthread_create(&cs[i].th, NULL, client_main, &cs[i])) {
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	atomic_store(&phase, 1);
	usleep((useconds_t)(warmup_s * 1e6));
	struct rusage r0, r1;
	double srv0 = server_pid > 0 ? proc_cpu_s(server_pid) : -1;
	getrusage(RUSAGE_SELF, &r0);
	double t0 = now_s();
	atomic_store(&phase, 2);
	usleep((useconds_t)(duration_s * 1e6));
	atomic_store(&phase, 3);
	double elapsed = now_s() - t0;
	double srv1 = server_pid > 0 ? proc_cpu_s(server_pid) : -1;
	double server_cpu = srv0 >= 0 && srv1 >= 0 ? srv1 - srv0 : -1;
	uint64_t ok = 0, errors = 0, reconnects = 0;
	size_t total = 0;
	const char *first_error = "";
	for (int i = 0; i < clients; i++) {
		pthread_join(cs[i].th, NULL);
		ok += cs[i].ok;
		errors += cs[i].errors;
		reconnects += cs[i].reconnects;
		total += cs[i].lat_cnt;
		if (first_error[0] == '\0' && cs[i].first_error[0] != '\0') {
			first_error = cs[i].first_error;
		}
	}
	getrusage(RUSAGE_SELF, &r1);
	double client_cpu = cpu_s(&r1) - cpu_s(&r0);
	uint32_t *all = malloc((total ? total : 1) * sizeof(uint32_t));
	if (all == NULL) {
		return 1;
	}
	size_t k = 0;
	for (int i = 0; i < clients; i++) {
		if (cs[i].lat_cnt > 0) {
			memcpy(all + k, cs[i].lat_us, cs[i].lat_cnt * sizeof(uint32_t));
		}
		k += cs[i].lat_cnt;
	}
	qsort(all, total, sizeof(uint32_t), cmp_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] / 1000.0 : 0.0)
	double rate = (double)ok / elapsed;
	if (json_out) {
		char esc[400];
		json_escape(esc, sizeof(esc), first_error);
		printf("{\"mode\": \"%s\", \"clients\": %d, \"seconds\": %.2f, \"ok\": %llu, "
		       "\"errors\": %llu, \"updates_per_s\": %.1f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, "
		       "\"p99_ms\": %.3f, \"max_ms\": %.3f, \"reconnects\": %llu, "
		       "\"client_cpu_s\": %.2f, \"server_cpu_s\": %.2f, \"first_error\": \"%s\"}\n",
		       mode_name, clients, elapsed, (unsigned long long)ok, (unsigned long long)errors,
		       rate, PCT(0.50), PCT(0.90), PCT(0.99), PCT(1.0),
		       (unsigned long long)reconnects, client_cpu, server_cpu, esc);
	} else {
		printf("%s: clients %d  %.1fs  ok %llu  errors %llu  %.0f requests/s  "
		       "p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  reconnects %llu  "
		       "client CPU %.2f s",
		       mode_name, clients, elapsed, (unsigned long long)ok,
		       (unsigned long long)errors, rate, PCT(0.50), PCT(0.90), PCT(0.99), PCT(1.0),
		       (unsigned long long)reconnects, client_cpu);
		if (server_cpu >= 0) {
			printf("  server CPU %.2f s (%.0f us per success)", server_cpu,
			       ok ? server_cpu * 1e6 / (double)ok : 0.0);
		}
		printf("\n");
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
	free(file_creds);
	return errors == 0 && ok > 0 ? 0 : 1;
}
