/* SPDX-License-Identifier: MIT */
/* test_conf.c -- unit tests for src/conf/conf.c: defaults, every section, records, errors */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/value.h"
#include "util/error.h"
#include "util/log.h"

#include "tap.h"

static char path[64];

/* Write text to a fresh temporary file whose name is in path. */
static void write_conf(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len) {
		perror("write");
		exit(2);
	}
	close(fd);
}

/* Load text as a config; returns the code, fills *out (or NULL) and err. */
static int load(const char *text, conf_t **out, char *err, size_t err_len)
{
	write_conf(text);
	int ret = conf_load(path, out, err, err_len);
	unlink(path);
	return ret;
}

/* Expect text to fail with LC_EMALF, a message naming path:line, and containing want. */
static void expect_err(const char *text, int line, const char *want, const char *what)
{
	conf_t *c = NULL;
	char err[512];
	char prefix[96];
	int ret = load(text, &c, err, sizeof(err));
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	ok(ret == LC_EMALF && c == NULL && strncmp(err, prefix, strlen(prefix)) == 0 &&
		   strstr(err, want) != NULL,
	   "error: %s", what);
	if (!(ret == LC_EMALF && strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, want))) {
		printf("#   ret %d, err \"%s\"\n#   want prefix \"%s\" and \"%s\"\n", ret, err,
		       prefix, want);
	}
	conf_free(c);
}

static const conf_record_t *find_rec(const conf_zone_t *z, const char *owner, const char *type)
{
	for (size_t i = 0; z != NULL && i < z->record_cnt; i++) {
		if (strcmp(z->records[i].owner, owner) == 0 && strcmp(z->records[i].type, type) == 0) {
			return &z->records[i];
		}
	}
	return NULL;
}

static void test_defaults(void)
{
	conf_t *c = NULL;
	char err[256];
	int ret = conf_load(NULL, &c, err, sizeof(err));
	is_int(ret, LC_EOK, "defaults: no file loads");
	if (c == NULL) {
		return;
	}
	is_str(c->dns_listen, "127.0.0.1:1053", "defaults: dns_listen");
	is_str(c->http_listen, "127.0.0.1:8053", "defaults: http_listen");
	is_str(c->data_dir, "./localcert-data", "defaults: data_dir");
	is_int(c->dns_workers, 0, "defaults: dns_workers 0 = one per CPU");
	is_int(c->http_threads, 0, "defaults: http_threads (a thread per connection)");
	is_int(c->log_level, LOG_INFO, "defaults: log_level info");
	is_int(c->ns_cnt, 1, "defaults: one name server");
	is_str(c->ns_cnt ? c->ns_names[0] : NULL, "ns1.localhostcert.test", "defaults: ns");
	is_str(c->soa_mailbox, "hostmaster.localhostcert.test", "defaults: soa_mailbox");
	is_int(c->ttl_fixed, 300, "defaults: ttl_fixed");
	is_int(c->ttl_soa, 60, "defaults: ttl_soa");
	is_int(c->ttl_challenge, 10, "defaults: ttl_challenge");
	is_int(c->tcp_idle_timeout_ms, 10000, "defaults: tcp_idle_timeout_ms");
	is_int(c->tcp_max_conns, 256, "defaults: tcp_max_conns");
	is_str(c->server_url, "http://127.0.0.1:8053", "defaults: server_url from http_listen");
	is_str(c->default_parent, "localhostcert.test", "defaults: default_parent");
	is_int(c->body_max, 16384, "defaults: body_max");
	is_int(c->trusted_proxy_cnt, 0, "defaults: no trusted proxies");
	is_int(c->reg_instant_per_hour, 2, "defaults: reg_instant_per_hour");
	is_int(c->reg_instant_burst, 10, "defaults: reg_instant_burst");
	is_int(c->reg_instant_per_week, 50, "defaults: reg_instant_per_week");
	is_int(c->reg_delegate_per_day, 50, "defaults: reg_delegate_per_day");
	is_int(c->auth_fail_max, 20, "defaults: auth_fail_max");
	is_int(c->auth_fail_window_s, 300, "defaults: auth_fail_window_s");
	is_int(c->conn_max, 1024, "defaults: conn_max");
	is_int(c->conn_per_addr, 64, "defaults: conn_per_addr");
	is_int(c->idle_timeout_s, 15, "defaults: idle_timeout_s");
	is_int(c->request_timeout_s, 30, "defaults: request_timeout_s");
	is_int(c->zone_cnt, 2, "defaults: two parent zones");
	if (c->zone_cnt == 2) {
		is_str(c->zones[0].name, "localhostcert.test", "defaults: first parent");
		is_int(c->zones[0].kind, ZKIND_LOCALHOST, "defaults: localhostcert.test is localhost");
		is_str(c->zones[1].name, "localcert.test", "defaults: second parent");
		is_int(c->zones[1].kind, ZKIND_LOCAL, "defaults: localcert.test is local");
		ok(c->zones[0].psl == NULL, "defaults: no psl");
		const conf_record_t *r = find_rec(&c->zones[0], "ns1.localhostcert.test", "A");
		ok(r != NULL && strcmp(r->rdata, "127.0.0.1") == 0 && r->ttl == 0,
		   "defaults: ns1 A 127.0.0.1 with the default TTL");
		is_int(c->zones[1].record_cnt, 0, "defaults: localcert.test has no records");
	}
	ok(conf_zone_find(c, "localcert.test") == &c->zones[1], "conf_zone_find finds a zone");
	ok(conf_zone_find(c, "nope.test") == NULL, "conf_zone_find: unknown zone is NULL");
	conf_free(c);

	/* An empty file (or only comments) is the same as no file. */
	ret = load("; nothing here\n# nor here\n\n", &c, err, sizeof(err));
	ok(ret == LC_EOK && c != NULL && c->zone_cnt == 2, "defaults: comment-only file");
	conf_free(c);
}

static void test_all_sections(void)
{
	conf_t *c = NULL;
	char err[256];
	int ret = load("[server]\n"
		       "dns_listen = 127.0.0.1:53, [::1]:53\n"
		       "http_listen = [::1]:8080\n"
		       "data_dir = /var/lib/localcert\n"
		       "dns_workers = 3\n"
		       "http_threads = 8\n"
		       "log_level = debug\n"
		       "\n"
		       "[dns]\n"
		       "ns = NS1.Example.NET., ns2.example.net\n"
		       "soa_mailbox = admin.example.net\n"
		       "ttl_fixed = 3600\n"
		       "ttl_soa = 30\n"
		       "ttl_challenge = 5\n"
		       "tcp_idle_timeout_ms = 2000\n"
		       "tcp_max_conns = 50\n"
		       "\n"
		       "[api]\n"
		       "server_url = https://api.example.net/\n"
		       "default_parent = lh.example.net\n"
		       "body_max = 4096\n"
		       "trusted_proxies = 10.1.2.3/8, 192.0.2.1, 2001:db8::/32\n"
		       "reg_instant_per_hour = 3\n"
		       "reg_instant_burst = 4\n"
		       "reg_instant_per_week = 5\n"
		       "reg_delegate_per_day = 6\n"
		       "auth_fail_max = 7\n"
		       "auth_fail_window_s = 8\n"
		       "conn_max = 9\n"
		       "conn_per_addr = 10\n"
		       "idle_timeout_s = 11\n"
		       "request_timeout_s = 12\n"
		       "\n"
		       "[parent local.example.net]\n"
		       "kind = local\n"
		       "psl = https://github.com/publicsuffix/list/pull/1\n"
		       "[parent LH.example.net.]\n"
		       "kind = localhost\n"
		       "record = ns1 A 192.0.2.53\n"
		       "record = ns1 AAAA 2001:db8::53\n"
		       "[zone example.org]\n"
		       "record = @ 600 mx 10 mail.example.org.\n"
		       "record = _acme-challenge.app CNAME abc.lh.example.net.\n"
		       "  record = www.example.org. IN A 192.0.2.80\n"
		       "record = *._domainkey TXT \"v=DKIM1; p=\" ; a comment\n",
		       &c, err, sizeof(err));
	is_int(ret, LC_EOK, "full config loads");
	if (c == NULL) {
		printf("#   %s\n", err);
		return;
	}
	is_str(c->dns_listen, "127.0.0.1:53,[::1]:53", "dns_listen list is normalised");
	is_str(c->http_listen, "[::1]:8080", "http_listen v6");
	is_str(c->data_dir, "/var/lib/localcert", "data_dir");
	is_int(c->dns_workers, 3, "dns_workers");
	is_int(c->http_threads, 8, "http_threads");
	is_int(c->log_level, LOG_DEBUG, "log_level debug");
	is_int(c->ns_cnt, 2, "two name servers");
	is_str(c->ns_names[0], "ns1.example.net", "ns lowercased, dot dropped");
	is_str(c->ns_names[1], "ns2.example.net", "second ns");
	is_str(c->soa_mailbox, "admin.example.net", "soa_mailbox");
	is_int(c->ttl_fixed, 3600, "ttl_fixed");
	is_int(c->ttl_soa, 30, "ttl_soa");
	is_int(c->ttl_challenge, 5, "ttl_challenge");
	is_int(c->tcp_idle_timeout_ms, 2000, "tcp_idle_timeout_ms");
	is_int(c->tcp_max_conns, 50, "tcp_max_conns");
	is_str(c->server_url, "https://api.example.net", "server_url without trailing slash");
	is_str(c->default_parent, "lh.example.net", "default_parent");
	is_int(c->body_max, 4096, "body_max");
	is_int(c->trusted_proxy_cnt, 3, "three trusted proxies");
	if (c->trusted_proxy_cnt == 3) {
		is_str(c->trusted_proxies[0], "10.0.0.0/8", "proxy CIDR (host bits cleared)");
		is_str(c->trusted_proxies[1], "192.0.2.1/32", "bare address becomes /32");
		is_str(c->trusted_proxies[2], "2001:db8::/32", "v6 CIDR");
	}
	is_int(c->reg_instant_per_hour, 3, "reg_instant_per_hour");
	is_int(c->reg_instant_burst, 4, "reg_instant_burst");
	is_int(c->reg_instant_per_week, 5, "reg_instant_per_week");
	is_int(c->reg_delegate_per_day, 6, "reg_delegate_per_day");
	is_int(c->auth_fail_max, 7, "auth_fail_max");
	is_int(c->auth_fail_window_s, 8, "auth_fail_window_s");
	is_int(c->conn_max, 9, "conn_max");
	is_int(c->conn_per_addr, 10, "conn_per_addr");
	is_int(c->idle_timeout_s, 11, "idle_timeout_s");
	is_int(c->request_timeout_s, 12, "request_timeout_s");

	is_int(c->zone_cnt, 3, "three zones, no defaults added");
	const conf_zone_t *z = conf_zone_find(c, "local.example.net");
	ok(z != NULL && z->kind == ZKIND_LOCAL, "[parent] kind = local");
	ok(z != NULL && z->psl && strcmp(z->psl, "https://github.com/publicsuffix/list/pull/1") == 0,
	   "[parent] psl");
	z = conf_zone_find(c, "lh.example.net");
	ok(z != NULL && z->kind == ZKIND_LOCALHOST, "[parent] name lowercased, kind localhost");
	ok(z != NULL && z->record_cnt == 2, "[parent] holds its records");
	const conf_record_t *r = find_rec(z, "ns1.lh.example.net", "AAAA");
	ok(r != NULL && strcmp(r->rdata, "2001:db8::53") == 0, "relative owner made absolute");
	z = conf_zone_find(c, "example.org");
	ok(z != NULL && z->kind == ZKIND_STATIC && z->record_cnt == 4, "[zone] is static, 4 records");
	r = find_rec(z, "example.org", "MX");
	ok(r != NULL && r->ttl == 600 && strcmp(r->rdata, "10 mail.example.org.") == 0,
	   "@ owner, TTL and lowercase type");
	r = find_rec(z, "_acme-challenge.app.example.org", "CNAME");
	ok(r != NULL && r->ttl == 0 && strcmp(r->rdata, "abc.lh.example.net.") == 0,
	   "underscore owner, CNAME rdata as written");
	r = find_rec(z, "www.example.org", "A");
	ok(r != NULL && strcmp(r->rdata, "192.0.2.80") == 0,
	   "absolute owner, class IN skipped, indented line is not a continuation");
	r = find_rec(z, "*._domainkey.example.org", "TXT");
	ok(r != NULL && strcmp(r->rdata, "\"v=DKIM1; p=\"") == 0,
	   "wildcard owner, TXT kept with quotes, inline comment dropped");
	conf_free(c);
}

static void test_derived(void)
{
	conf_t *c = NULL;
	char err[256];

	/* ns, soa_mailbox and default_parent follow the first parent / localhost parent. */
	int ret = load("[parent b.test]\nkind = local\n[parent a.test]\nkind = localhost\n", &c, err,
		       sizeof(err));
	ok(ret == LC_EOK && c != NULL, "two parents load");
	if (c != NULL) {
		is_str(c->ns_names[0], "ns1.b.test", "ns from the first parent");
		is_str(c->soa_mailbox, "hostmaster.b.test", "soa_mailbox from the first parent");
		is_str(c->default_parent, "a.test", "default_parent is the first localhost parent");
		is_int(c->zone_cnt, 2, "no default parents when the file has one");
	}
	conf_free(c);

	ret = load("[parent only-local.test]\nkind = local\n", &c, err, sizeof(err));
	ok(ret == LC_EOK && c && strcmp(c->default_parent, "only-local.test") == 0,
	   "default_parent falls back to the first parent when none is localhost");
	conf_free(c);

	/* A [zone] alone still gets the two default parents, ahead of it. */
	ret = load("[zone example.test]\nrecord = _acme-challenge.app CNAME x.localhostcert.test.\n",
		   &c, err, sizeof(err));
	ok(ret == LC_EOK && c && c->zone_cnt == 3 &&
		   strcmp(c->zones[0].name, "localhostcert.test") == 0 &&
		   strcmp(c->zones[2].name, "example.test") == 0,
	   "[zone] only: default parents first, then the zone");
	ok(c && strcmp(c->zones[2].records[0].owner, "_acme-challenge.app.example.test") == 0,
	   "[zone] record owner");
	conf_free(c);

	/* An empty [parent] section with only a kind is still a zone. */
	ret = load("[parent empty.test]\nkind=localhost\n[zone empty-static.test]\n", &c, err,
		   sizeof(err));
	ok(ret == LC_EOK && c && c->zone_cnt == 2 && conf_zone_find(c, "empty-static.test"),
	   "a [zone] with no keys exists");
	conf_free(c);

	/* Keys and section words are case-insensitive; BOM and CRLF are accepted. */
	ret = load("\xEF\xBB\xBF[Server]\r\nHTTP_Listen = 127.0.0.1:9000\r\n", &c, err, sizeof(err));
	ok(ret == LC_EOK && c && strcmp(c->http_listen, "127.0.0.1:9000") == 0 &&
		   strcmp(c->server_url, "http://127.0.0.1:9000") == 0,
	   "BOM, CRLF, case-insensitive keys; server_url follows http_listen");
	conf_free(c);

	/* A long TXT record (a 2048-bit DKIM key, as several strings) fits on one line. */
	char big[2048];
	char line[256];
	memset(line, 'A', 200);
	line[200] = '\0';
	snprintf(big, sizeof(big), "[zone k.test]\nrecord = s._domainkey TXT \"%s\" \"%s\" \"%s\"\n",
		 line, line, line);
	ret = load(big, &c, err, sizeof(err));
	ok(ret == LC_EOK && c && strlen(c->zones[2].records[0].rdata) == 3 * 202 + 2,
	   "a 600-character TXT record is kept whole");
	conf_free(c);
}

static void test_conf_set(void)
{
	conf_t *c = NULL;
	char err[256];

	conf_load(NULL, &c, err, sizeof(err));
	is_int(conf_set(c, "http", "127.0.0.1:18053", err, sizeof(err)), LC_EOK, "conf_set http");
	is_str(c->server_url, "http://127.0.0.1:18053", "server_url re-derived after --http");
	is_int(conf_set(c, "dns", "127.0.0.1:15353, [::1]:15353", err, sizeof(err)), LC_EOK,
	       "conf_set dns list");
	is_str(c->dns_listen, "127.0.0.1:15353,[::1]:15353", "dns list normalised");
	is_int(conf_set(c, "data", "/tmp/x", err, sizeof(err)), LC_EOK, "conf_set data");
	is_str(c->data_dir, "/tmp/x", "data_dir set");
	is_int(conf_set(c, "dns", "localhost:53", err, sizeof(err)), LC_EINVAL, "bad --dns");
	ok(strstr(err, "localhost:53") != NULL, "bad --dns message names the value (%s)", err);
	is_int(conf_set(c, "http", "127.0.0.1:0", err, sizeof(err)), LC_EINVAL, "port 0 refused");
	is_int(conf_set(c, "log_level", "DEBUG", err, sizeof(err)), LC_EOK, "conf_set log_level");
	is_int(c->log_level, LOG_DEBUG, "log_level set");
	is_int(conf_set(c, "log_level", "chatty", err, sizeof(err)), LC_EINVAL, "bad log_level");
	is_int(conf_set(c, "color", "blue", err, sizeof(err)), LC_EINVAL, "unknown setting");
	is_int(conf_set(c, "data", "", err, sizeof(err)), LC_EINVAL, "empty data dir");
	conf_free(c);

	/* An explicit server_url is kept when --http moves the listener. */
	int ret = load("[api]\nserver_url = https://acme.example.net\n", &c, err, sizeof(err));
	ok(ret == LC_EOK, "explicit server_url loads");
	conf_set(c, "http", "127.0.0.1:9999", err, sizeof(err));
	is_str(c->server_url, "https://acme.example.net", "explicit server_url survives --http");
	conf_free(c);

	conf_free(NULL);
	ok(1, "conf_free(NULL) does nothing");
}

static void test_errors(void)
{
	conf_t *c = (conf_t *)1;
	char err[256];

	is_int(conf_load("/nonexistent/localcert.ini", &c, err, sizeof(err)), LC_EIO,
	       "missing file: LC_EIO");
	ok(c == NULL && strstr(err, "/nonexistent/localcert.ini") && strstr(err, "No such file"),
	   "missing file: message names the file (%s)", err);

	c = (conf_t *)1;
	is_int(conf_load("/tmp", &c, err, sizeof(err)), LC_EIO, "a directory: LC_EIO");
	ok(c == NULL && strstr(err, "/tmp") != NULL, "a directory: message names it (%s)", err);

	expect_err("[server]\nbogus = 1\n", 2, "unknown key \"bogus\" in [server]", "unknown key");
	expect_err("\n[servers]\n", 2, "unknown section [servers]", "unknown section");
	expect_err("dns_listen = 127.0.0.1:53\n", 1, "before any [section]", "key before section");
	expect_err("[server]\nthis line has no equals sign\n", 2, "syntax error", "syntax error");
	expect_err("[server\n", 1, "without ']'", "unterminated section header");
	expect_err("[server]\n[server]\n", 2, "appears twice", "duplicate section");
	expect_err("[server]\nhttp_threads = 2\nhttp_threads = 3\n", 3, "set twice (first on line 2)",
		   "duplicate key");
	expect_err("[server]\nhttp_threads = 4x\n", 2, "bad number \"4x\" for http_threads",
		   "bad number");
	expect_err("[server]\nhttp_threads = -1\n", 2, "not a number", "negative number");
	expect_err("[server]\nhttp_threads = 1025\n", 2, "out of range (expected 0..1024)",
		   "number above range");
	expect_err("[server]\ndns_workers = 99999999999999999999999\n", 2, "out of range",
		   "number overflow");
	expect_err("[dns]\nttl_soa = 61\n", 2, "bad number \"61\" for ttl_soa", "ttl_soa above 60");
	expect_err("[dns]\nttl_challenge = 0\n", 2, "ttl_challenge", "ttl_challenge 0");
	expect_err("[api]\nrequest_timeout_s = 0\n", 2, "out of range (expected 1..3600)",
		   "request_timeout_s 0");
	expect_err("[api]\nrequest_timeout_s = 30s\n", 2, "request_timeout_s",
		   "request_timeout_s with a unit");
	expect_err("[dns]\nttl_challenge = 61\n", 2, "expected 1..60", "ttl_challenge 61");
	expect_err("[server]\nlog_level = loud\n", 2, "expected error, warn, info or debug",
		   "bad log level");
	expect_err("[server]\ndns_listen = 127.0.0.1:53, example.com:53\n", 2,
		   "bad address \"example.com:53\" for dns_listen", "host name in dns_listen");
	expect_err("[server]\nhttp_listen = ::1:80\n", 2, "[ADDR]:PORT", "bare IPv6 in http_listen");
	expect_err("[server]\nhttp_listen = 127.0.0.1:70000\n", 2, "port must be 1..65535",
		   "port out of range");
	expect_err("[server]\ndata_dir =\n", 2, "empty value", "empty data_dir");
	expect_err("[dns]\nns = ns1.example.net, bad_name.example.net\n", 2,
		   "bad entry \"bad_name.example.net\" for ns", "bad ns name");
	expect_err("[dns]\nsoa_mailbox = a..b\n", 2, "two dots", "bad soa_mailbox");
	expect_err("[api]\nserver_url = ftp://x\n", 2, "http:// or https://", "bad server_url");
	expect_err("[api]\ntrusted_proxies = 10.0.0.0/33\n", 2, "bad entry \"10.0.0.0/33\"",
		   "bad trusted proxy");
	expect_err("[api]\nbody_max = 10\n", 2, "body_max", "body_max too small");
	expect_err("[api]\ndefault_parent = nope.test\n", 2,
		   "default_parent nope.test is not a [parent]", "default_parent unknown");
	expect_err("[zone s.test]\n[api]\ndefault_parent = s.test\n", 3, "is not a [parent]",
		   "default_parent names a static zone");
	expect_err("[parent x.test]\nkind = remote\n", 2, "bad kind \"remote\"", "bad kind");
	expect_err("[parent x.test]\nrecord = ns1 A 127.0.0.1\n", 1, "needs \"kind = localhost\"",
		   "parent without kind");
	expect_err("[parent x.test]\nkind = local\nkind = local\n", 3, "set twice", "kind twice");
	expect_err("[parent]\n", 1, "needs exactly one domain name", "parent without name");
	expect_err("[zone a.test b.test]\n", 1, "needs exactly one domain name",
		   "zone with two names");
	expect_err("[server x]\n", 1, "takes no name", "named [server]");
	expect_err("[parent -bad.test]\nkind=local\n", 1, "zone name \"-bad.test\"",
		   "bad zone name");
	expect_err("[parent a.test]\nkind=local\n[zone A.test.]\n", 3, "declared twice",
		   "zone declared twice");
	expect_err("[zone localhostcert.test]\n", 1, "clashes with a default parent",
		   "[zone] named like a default parent");
	expect_err("[zone s.test]\nkind = local\n", 2, "unknown key \"kind\" in [zone s.test]",
		   "kind in a [zone]");
	expect_err("[zone s.test]\nrecord = www\n", 2, "record needs OWNER [TTL] TYPE RDATA",
		   "record without type");
	expect_err("[zone s.test]\nrecord = www A\n", 2, "has no data after the type",
		   "record without rdata");
	expect_err("[zone s.test]\nrecord = www SRV 0 0 443 x.\n", 2,
		   "unsupported record type \"SRV\"", "unsupported type");
	expect_err("[zone s.test]\nrecord = www 0 A 192.0.2.1\n", 2, "bad TTL \"0\"", "TTL 0");
	expect_err("[zone s.test]\nrecord = www 12ab A 192.0.2.1\n", 2, "bad TTL", "bad TTL");
	expect_err("[zone s.test]\nrecord = www.other.test. A 192.0.2.1\n", 2,
		   "is outside zone s.test", "absolute owner outside the zone");
	expect_err("[zone s.test]\nrecord = xs.test. A 192.0.2.1\n", 2, "is outside zone s.test",
		   "owner that only ends like the zone");
	expect_err("[zone s.test]\nrecord = bad!name A 192.0.2.1\n", 2,
		   "record owner \"bad!name\": invalid character", "bad owner characters");
	expect_err("[zone s.test]\nrecord = a.*.b A 192.0.2.1\n", 2, "invalid character",
		   "wildcard not leftmost");
	expect_err("[zone s.test]\nrecord = www A 300.1.2.3\n", 2, "bad A data \"300.1.2.3\"",
		   "bad A rdata");
	expect_err("[zone s.test]\nrecord = www AAAA 192.0.2.1\n", 2, "bad AAAA data",
		   "IPv4 address in AAAA");
	expect_err("[zone s.test]\nrecord = @ MX mail.s.test.\n", 2, "bad MX data", "MX without preference");
	expect_err("[zone s.test]\nrecord = x TXT \"unterminated\n", 2, "bad TXT data", "bad TXT quoting");
	expect_err("[zone s.test]\nrecord = sub NS ns1.other.test.\n", 2,
		   "NS records are allowed only at the zone apex", "NS below the apex");
	expect_err("[zone s.test]\nrecord = @ CNAME other.test.\n", 2, "CNAME at the zone apex",
		   "CNAME at the apex");
	expect_err("[zone s.test]\nrecord = www A 192.0.2.1\nrecord = www CNAME other.test.\n", 3,
		   "CNAME at www.s.test beside other records", "CNAME beside an A");
	expect_err("[zone s.test]\nrecord = www CNAME other.test.\nrecord = WWW TXT \"x\"\n", 3,
		   "TXT at www.s.test beside other records", "TXT beside a CNAME");
	char big[6000];
	memset(big, 0, sizeof(big));
	strcpy(big, "[zone s.test]\nrecord = x TXT \"");
	memset(big + strlen(big), 'a', 5000);
	strcat(big, "\"\n");
	expect_err(big, 2, "line longer than", "over-long line");
	/* The first error wins, even when inih finds a later one. */
	expect_err("[server]\nhttp_threads = x\nno equals here\n", 2, "bad number",
		   "first error reported");
	expect_err("[server]\nno equals here\nhttp_threads = x\n", 2, "syntax error",
		   "earlier syntax error reported first");
}

/*
 * Bug (found by fuzz_conf): a [parent] name of 241..253 characters, with ns
 * and soa_mailbox set so nothing else complained, overflowed the zone
 * builder's name buffers ("*._domainkey.<parent>" is longer than 255 bytes).
 * Parent names are now limited so that "_acme-challenge.<uuid>.<parent>" fits.
 */
static void bug_parent_name_too_long_for_fixed_records(void)
{
	char text[1024], name[256];
	conf_t *c = NULL;
	char err[512];
	/* 200 characters: 3 labels of 63 and one of 8, with their dots. */
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%08d", 0, 0, 0, 0);
	snprintf(text, sizeof(text),
		 "[dns]\nns = ns1.example.net\nsoa_mailbox = h.example.net\n[parent %s]\nkind = local\n",
		 name);
	int ret = load(text, &c, err, sizeof(err));
	ok(ret == LC_EOK && c != NULL && strlen(c->zones[0].name) == CONF_PARENT_NAME_MAX,
	   "bug: a parent name of exactly %d characters is accepted (%s)", CONF_PARENT_NAME_MAX, err);
	conf_free(c);
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%09d", 0, 0, 0, 0);
	snprintf(text, sizeof(text),
		 "[dns]\nns = ns1.example.net\nsoa_mailbox = h.example.net\n[parent %s]\nkind = local\n",
		 name);
	expect_err(text, 4, "is longer than 200 characters", "bug: a 201-character parent name");
	snprintf(name, sizeof(name), "%063d.%063d.%063d.%061d", 0, 0, 0, 0);
	snprintf(text, sizeof(text),
		 "[dns]\nns = ns1.example.net\nsoa_mailbox = h.example.net\n[parent %s]\nkind = local\n",
		 name);
	expect_err(text, 4, "_acme-challenge.<uuid>.<parent>", "bug: a 253-character parent name");
	snprintf(text, sizeof(text), "[zone %s]\n", name);
	c = NULL;
	ret = load(text, &c, err, sizeof(err));
	ok(ret == LC_EOK, "a static [zone] may still have a 253-character name (%s)", err);
	conf_free(c);
	expect_err("[parent localhostcert.test]\nkind = localhost\n[zone app.localhostcert.test]\n"
		   "record = @ A 127.0.0.1\n",
		   4, "lies inside parent domain localhostcert.test",
		   "bug: a zone inside a parent domain (would shadow a registered subdomain)");
	expect_err("[parent a.test]\nkind = localhost\n[parent sub.a.test]\nkind = local\n", 4,
		   "zone sub.a.test lies inside parent domain a.test", "bug: a parent inside a parent");
}

int main(void)
{
	test_defaults();
	test_all_sections();
	test_derived();
	test_conf_set();
	test_errors();
	bug_parent_name_too_long_for_fixed_records();
	return tap_done();
}
