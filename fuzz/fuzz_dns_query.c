/* SPDX-License-Identifier: MIT */
/* fuzz_dns_query.c -- libFuzzer driver: the full DNS answer path (query_process) on loaded zones */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "ctl/rebuild.h"
#include "dns/dns.h"
#include "ns/query.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char CONF[] = "[parent localhostcert.test]\nkind = localhost\nrecord = ns1 A 127.0.0.1\n"
			   "[parent localcert.test]\nkind = local\n"
			   "[zone example.test]\nrecord = @ A 192.0.2.1\n"
			   "record = _acme-challenge.app CNAME _acme-challenge.t.example.test.\n"
			   "record = _acme-challenge.t CNAME d1.localhostcert.test.\n"
			   "record = loop CNAME loop.example.test.\n"
			   "record = *.wild TXT \"w\"\n";

static conf_t *conf;
static store_t *store;

/* Free what the init loaded, so LeakSanitizer reports only what queries leak. */
static void cleanup(void)
{
	rebuild_cleanup();
	store_free(store);
	conf_free(conf);
}

/* Zones with every kind of node, loaded once: subdomains of each kind, with values. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char dir[] = "/tmp/lc-fuzz-XXXXXX";
	char path[64], err[256];
	conf_t *c;
	store_t *st;
	sub_rec_t s;

	log_set_level(LOG_ERR);
	if (mkdtemp(dir) == NULL) {
		abort();
	}
	snprintf(path, sizeof(path), "%s/c.ini", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(CONF, f) < 0 || fclose(f) != 0) {
		abort();
	}
	if (conf_load(path, &c, err, sizeof(err)) != LC_EOK || store_open(dir, &st) != LC_EOK) {
		fprintf(stderr, "fuzz init: %s\n", err);
		abort();
	}
	store_sub_create(st, "i1", "localhostcert.test", SUB_INSTANT, &s);
	store_txt_add(st, s.id, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &s);
	store_txt_add(st, s.id, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", &s);
	store_sub_create(st, "d1", "localhostcert.test", SUB_DELEGATE, &s);
	store_txt_add(st, s.id, "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", &s);
	store_sub_create(st, "n1", "localcert.test", SUB_NAMED, &s);
	if (rebuild_init(c, st) != LC_EOK) {
		abort();
	}
	conf = c;
	store = st;
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t resp[DNS_TCP_MAX];
	/* The same bytes over both transports: their size limits differ. */
	for (int tcp = 0; tcp < 2; tcp++) {
		query_t q = {
			.req = data,
			.req_len = size,
			.resp = resp,
			.resp_max = tcp ? DNS_TCP_MAX : DNS_EDNS_SIZE,
			.tcp = tcp,
		};
		if (query_process(&q) == 0) {
			if (q.resp_len < DNS_HEADER_LEN || q.resp_len > q.resp_max) {
				abort();
			}
			if (!tcp && q.resp_len > DNS_EDNS_SIZE) {
				abort();
			}
		}
	}
	return 0;
}
