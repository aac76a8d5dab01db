/* SPDX-License-Identifier: MIT */
/* api_status.c -- GET /api/v1/health: the store answers and the DNS listener answers a probe */
#include <jansson.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "http/api.h"
#include "http/jsonio.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rand.h"

#define PROBE_TIMEOUT_MS 1000
#define DNS_HEADER_LEN 12
#define DNS_TYPE_SOA 6
#define DNS_CLASS_IN 1

/* Write a query "<name> IN SOA" (RFC 1035 4.1) with id; returns its length, or 0. */
static size_t build_query(const char *name, uint16_t id, uint8_t *out, size_t out_size)
{
	size_t o = DNS_HEADER_LEN;
	if (out_size < DNS_HEADER_LEN + 255 + 4 + 1) {
		return 0;
	}
	memset(out, 0, DNS_HEADER_LEN);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[5] = 1; /* QDCOUNT; RD clear: we are asking the authority itself */
	const char *p = name;
	while (*p) {
		size_t len = strcspn(p, ".");
		if (len == 0 || len > 63 || o + len + 1 > DNS_HEADER_LEN + 254) {
			return 0;
		}
		out[o++] = (uint8_t)len;
		memcpy(out + o, p, len);
		o += len;
		p += len;
		if (*p == '.') {
			p++;
		}
	}
	out[o++] = 0;
	out[o++] = 0;
	out[o++] = DNS_TYPE_SOA;
	out[o++] = 0;
	out[o++] = DNS_CLASS_IN;
	return o;
}

/* Send one SOA query for the default parent to our own DNS listener; true if it answers
 * authoritatively with NOERROR and at least one answer record. */
static bool dns_answers(const http_api_t *api)
{
	const char *zone = api->conf->default_parent;
	if (api->dns_probe_len == 0 || zone == NULL) {
		return false;
	}
	uint8_t q[512], r[512];
	uint16_t id = 0;
	if (rand_bytes(&id, sizeof(id)) != LC_EOK) {
		return false;
	}
	size_t qlen = build_query(zone, id, q, sizeof(q));
	if (qlen == 0) {
		return false;
	}
	int fd = socket(api->dns_probe.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return false;
	}
	bool good = false;
	if (connect(fd, (const struct sockaddr *)&api->dns_probe, api->dns_probe_len) != 0 ||
	    send(fd, q, qlen, 0) != (ssize_t)qlen) {
		goto out;
	}
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, PROBE_TIMEOUT_MS) != 1) {
		goto out;
	}
	ssize_t n = recv(fd, r, sizeof(r), 0);
	if (n < DNS_HEADER_LEN) {
		goto out;
	}
	bool same_id = r[0] == q[0] && r[1] == q[1];
	bool is_answer = (r[2] & 0x80) != 0;     /* QR */
	bool authoritative = (r[2] & 0x04) != 0; /* AA */
	bool noerror = (r[3] & 0x0f) == 0;
	unsigned ancount = (unsigned)r[6] << 8 | r[7];
	good = same_id && is_answer && authoritative && noerror && ancount > 0;
out:
	close(fd);
	return good;
}

/*
 * GET /api/v1/health: a deep check for load balancers and monitors. The
 * store must answer a read, and the DNS listener must answer a real SOA query
 * for the default parent. 200 {"healthy":true,...}, otherwise 503.
 */
void api_v1_health(const http_req_t *req, http_resp_t *resp)
{
	bool store_ok = ops_store_ping() == LC_EOK;
	bool dns_ok = dns_answers(req->api);
	bool healthy = store_ok && dns_ok;
	if (!healthy) {
		log_ratelimited(LOG_WARN, "api: health check failed (store %s, dns %s)",
				store_ok ? "ok" : "failed", dns_ok ? "ok" : "failed");
	}
	jsonio_respond(resp, healthy ? 200 : 503,
		       json_pack("{s:b, s:s, s:s, s:I}", "healthy", healthy, "store",
				 store_ok ? "ok" : "failed", "dns", dns_ok ? "ok" : "failed",
				 "subdomains", (json_int_t)rebuild_sub_count()));
}
