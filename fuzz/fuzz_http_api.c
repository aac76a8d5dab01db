/* SPDX-License-Identifier: MIT */
/* fuzz_http_api.c -- libFuzzer driver: an HTTP request (method, path, query, headers, body)
 * through router_serve(), the server's own request path, into the API and the web console
 * (forms, sessions, CSRF), ctl/ops and a real SQLite store */
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "ctl/rebuild.h"
#include "ctl/users.h"
#include "http/api.h"
#include "http/router.h"
#include "store/store.h"
#include "util/b64.h"
#include "util/error.h"
#include "util/log.h"
#include "web/console.h"

/*
 * Input: a request as text, the way it looks on the wire:
 *
 *     METHOD SP TARGET LF          TARGET = path ["?" query]
 *     Name: value LF               zero or more header lines
 *     LF
 *     body                         the rest, byte for byte
 *
 * Before parsing, placeholders are replaced by the credentials of keys made at
 * startup, so that the corpus can hold requests that pass the key check:
 * @USER@ @KEY@ @SUB@ @FQDN@ @BASIC@ (a key usable from anywhere), @USER2@
 * @KEY2@ (a second key of the same subdomain, allowfrom 192.0.2.0/24), @DUSER@
 * @DKEY@ @DSUB@ (a delegate subdomain's key). For the console, which the
 * router reaches for every path the API does not serve: @SID@ @CSRF@ (the
 * session cookie and CSRF token of user "fuzzuser", password
 * "fuzz-password-1"), @SSID@ @SCSRF@ (the same for staff user "fuzzstaff"),
 * @OFQDN@ (a subdomain fuzzuser owns) and @OUSER@ (its key id). The TCP peer
 * is 10.0.0.1, a trusted proxy, so X-Forwarded-For decides the client.
 */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQ_MAX (64 * 1024) /* after placeholder expansion */
#define HDR_MAX 32
#define QUERY_MAX 16

static const char CONF_TEXT[] = "[server]\nhttp_listen = 127.0.0.1:8053\n"
			   "[api]\nbody_max = 4096\ntrusted_proxies = 10.0.0.0/8, 2001:db8::/32\n"
			   "auth_fail_max = 1000000\nreg_instant_burst = 1000000\n"
			   "reg_instant_per_hour = 1000000\nreg_instant_per_week = 1000000\n"
			   "reg_delegate_per_day = 1000000\n"
			   "[parent localhostcert.test]\nkind = localhost\nrecord = ns1 A 127.0.0.1\n"
			   "[parent localcert.test]\nkind = local\n";

static conf_t *conf;
static store_t *store;
static http_api_t api;
static char dir[] = "/tmp/lc-fuzz-http-XXXXXX";
static bool verbose; /* FUZZ_VERBOSE=1: print each answer (to check what seeds reach) */

/* Placeholder -> value, filled at startup. */
static struct {
	const char *token;
	char value[256];
} subst[] = {
	{ "@USER@", "" },  { "@KEY@", "" },  { "@SUB@", "" },  { "@FQDN@", "" },
	{ "@BASIC@", "" }, { "@USER2@", "" }, { "@KEY2@", "" }, { "@DUSER@", "" },
	{ "@DKEY@", "" },  { "@DSUB@", "" },  { "@SID@", "" },  { "@CSRF@", "" },
	{ "@SSID@", "" },  { "@SCSRF@", "" }, { "@OFQDN@", "" }, { "@OUSER@", "" },
};
#define SUBST_CNT (sizeof(subst) / sizeof(subst[0]))

static void set_subst(const char *token, const char *value)
{
	for (size_t i = 0; i < SUBST_CNT; i++) {
		if (strcmp(subst[i].token, token) == 0) {
			snprintf(subst[i].value, sizeof(subst[i].value), "%s", value);
			return;
		}
	}
	abort();
}

static void cleanup(void)
{
	router_set_console(NULL);
	web_cleanup();
	http_api_cleanup(&api);
	ops_cleanup();
	rebuild_cleanup();
	store_free(store);
	conf_free(conf);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "fuzz: could not remove %s\n", dir);
	}
}

static void console_accounts(void);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char path[128], err[256];
	ops_creds_t c1, c2, d1;
	cidr_t net;

	verbose = getenv("FUZZ_VERBOSE") != NULL;
	log_set_level(verbose ? LOG_DEBUG : LOG_ERR);
	/* tmpfs when there is one: every API write is an fsync'ed SQLite commit. */
	if (access("/dev/shm", W_OK) == 0) {
		memcpy(dir, "/dev/shm", 8);
	}
	if (mkdtemp(dir) == NULL) {
		abort();
	}
	snprintf(path, sizeof(path), "%s/c.ini", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(CONF_TEXT, f) < 0 || fclose(f) != 0) {
		abort();
	}
	if (conf_load(path, &conf, err, sizeof(err)) != LC_EOK) {
		fprintf(stderr, "fuzz init: %s\n", err);
		abort();
	}
	if (store_open(dir, &store) != LC_EOK || rebuild_init(conf, store) != LC_EOK ||
	    ops_init(conf, store) != LC_EOK || http_api_init(&api, conf, err, sizeof(err)) != LC_EOK) {
		abort();
	}
	/* /api/v1/health would wait up to a second for a DNS listener that is not there. */
	api.dns_probe_len = 0;
	if (web_init(conf) != LC_EOK) {
		abort();
	}
	router_set_console(web_dispatch);

	if (ops_register(SUB_INSTANT, NULL, NULL, NULL, 0, &c1) != LC_EOK ||
	    cidr_parse("192.0.2.0/24", &net) != LC_EOK) {
		abort();
	}
	sub_rec_t s;
	if (ops_sub_find(c1.fulldomain, &s) != LC_EOK || ops_key_create(s.id, &net, 1, &c2) != LC_EOK ||
	    ops_register(SUB_DELEGATE, NULL, NULL, NULL, 0, &d1) != LC_EOK) {
		abort();
	}
	char userpass[128], basic[256];
	snprintf(userpass, sizeof(userpass), "%s:%s", c1.username, c1.password);
	size_t ul = strlen(userpass);
	/* Standard base64 from base64url: HTTP Basic uses '+' '/' and padding. */
	if (b64_url_encode((const uint8_t *)userpass, ul, basic, sizeof(basic)) != LC_EOK) {
		abort();
	}
	for (char *p = basic; *p; p++) {
		*p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
	}
	while (strlen(basic) % 4 != 0) {
		strcat(basic, "=");
	}
	set_subst("@USER@", c1.username);
	set_subst("@KEY@", c1.password);
	set_subst("@SUB@", c1.subdomain);
	set_subst("@FQDN@", c1.fulldomain);
	set_subst("@BASIC@", basic);
	set_subst("@USER2@", c2.username);
	set_subst("@KEY2@", c2.password);
	set_subst("@DUSER@", d1.username);
	set_subst("@DKEY@", d1.password);
	set_subst("@DSUB@", d1.subdomain);
	console_accounts();
	ops_creds_wipe(&c1);
	ops_creds_wipe(&c2);
	ops_creds_wipe(&d1);
	atexit(cleanup);
	return 0;
}

/* Console accounts, sessions and an owned subdomain with a key, for the @SID@... placeholders. */
static void console_accounts(void)
{
	int64_t uid, staff_id;
	char sid[USERS_TOKEN_LEN + 1], csrf[USERS_TOKEN_LEN + 1];
	sub_rec_t owned;
	ops_creds_t k;
	if (users_create("fuzzuser", "fuzz-password-1", false, &uid) != LC_EOK ||
	    users_create("fuzzstaff", "fuzz-password-2", true, &staff_id) != LC_EOK ||
	    users_session_new(uid, 86400, sid, csrf) != LC_EOK) {
		abort();
	}
	set_subst("@SID@", sid);
	set_subst("@CSRF@", csrf);
	if (users_session_new(staff_id, 86400, sid, csrf) != LC_EOK) {
		abort();
	}
	set_subst("@SSID@", sid);
	set_subst("@SCSRF@", csrf);
	if (ops_sub_create_owned(uid, 5, "localhostcert.test", "fuzzowned", &owned) != LC_EOK ||
	    ops_key_create(owned.id, NULL, 0, &k) != LC_EOK) {
		abort();
	}
	set_subst("@OFQDN@", k.fulldomain);
	set_subst("@OUSER@", k.username);
	ops_creds_wipe(&k);
}

/* Copy the input with placeholders expanded; returns the length (text is NUL-terminated). */
static size_t expand(const uint8_t *data, size_t size, char *out, size_t out_max)
{
	size_t o = 0;
	for (size_t i = 0; i < size && o + 1 < out_max;) {
		bool done = false;
		if (data[i] == '@') {
			for (size_t k = 0; k < SUBST_CNT && !done; k++) {
				size_t tl = strlen(subst[k].token);
				size_t vl = strlen(subst[k].value);
				if (size - i >= tl && memcmp(data + i, subst[k].token, tl) == 0 &&
				    o + vl + 1 < out_max) {
					memcpy(out + o, subst[k].value, vl);
					o += vl;
					i += tl;
					done = true;
				}
			}
		}
		if (!done) {
			out[o++] = (char)data[i++];
		}
	}
	out[o] = '\0';
	return o;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
		return (c | 0x20) - 'a' + 10;
	}
	return -1;
}

/* Percent-decode in place ('+' is a space only in query arguments), as libmicrohttpd does. */
static void unescape(char *s, bool plus)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
			*o++ = (char)(hex(p[1]) * 16 + hex(p[2]));
			p += 2;
		} else {
			*o++ = plus && *p == '+' ? ' ' : *p;
		}
	}
	*o = '\0';
}

/* Cut the next line (LF or CRLF) off *p; NULL at the end of the head. */
static char *next_line(char **p, char *end)
{
	if (*p >= end) {
		return NULL;
	}
	char *line = *p;
	char *nl = memchr(line, '\n', (size_t)(end - line));
	if (nl == NULL) {
		*p = end;
		return line;
	}
	*nl = '\0';
	if (nl > line && nl[-1] == '\r') {
		nl[-1] = '\0';
	}
	*p = nl + 1;
	return line;
}

/*
 * Every answer is a status the server can send; an API body is one line of JSON,
 * a console body is text of the stated length (a JSON download is valid JSON).
 */
static void check_resp(const http_resp_t *r)
{
	if (r->status < 200 || r->status > 599) {
		abort();
	}
	if (r->body == NULL) {
		return;
	}
	if (strlen(r->body) != r->body_len) {
		abort();
	}
	if (r->content_type != NULL && strstr(r->content_type, "json") == NULL) {
		return;
	}
	if (r->content_type == NULL && memchr(r->body, '\n', r->body_len) != NULL) {
		abort();
	}
	json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
	if (j == NULL) {
		abort();
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[REQ_MAX];
	http_kv_t headers[HDR_MAX], query[QUERY_MAX];
	http_req_t req;
	http_resp_t resp;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));

	size_t len = expand(data, size, text, sizeof(text));
	char *end = text + len;
	char *p = text;
	char *line = next_line(&p, end);
	if (line == NULL) {
		return 0;
	}
	/* Request line: METHOD SP TARGET (an HTTP version after it is ignored). */
	char *sp = strchr(line, ' ');
	if (sp == NULL || sp == line) {
		return 0;
	}
	*sp = '\0';
	char *url = sp + 1;
	url[strcspn(url, " ")] = '\0';
	char *qs = strchr(url, '?');
	if (qs != NULL) {
		*qs++ = '\0';
		for (char *save = NULL, *a = strtok_r(qs, "&", &save);
		     a != NULL && req.query_cnt < QUERY_MAX; a = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(a, '=');
			if (eq != NULL) {
				*eq++ = '\0';
				unescape(eq, true);
			}
			unescape(a, true);
			query[req.query_cnt].name = a;
			query[req.query_cnt].value = eq != NULL ? eq : "";
			req.query_cnt++;
		}
	}
	unescape(url, false);
	/* Headers up to an empty line; libmicrohttpd trims blanks around the value. */
	while ((line = next_line(&p, end)) != NULL && *line != '\0') {
		char *colon = strchr(line, ':');
		if (colon == NULL || colon == line || req.header_cnt == HDR_MAX) {
			return 0; /* libmicrohttpd answers 400 itself */
		}
		*colon = '\0';
		char *v = colon + 1;
		v += strspn(v, " \t");
		size_t vl = strlen(v);
		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) {
			v[--vl] = '\0';
		}
		headers[req.header_cnt].name = line;
		headers[req.header_cnt].value = v;
		req.header_cnt++;
	}
	req.api = &api;
	req.method = text;
	req.headers = headers;
	req.query = query;
	/* The body: the rest, NUL-terminated, at most body_max (beyond it the server says 413). */
	req.body = p < end ? p : "";
	req.body_len = p < end ? (size_t)(end - p) : 0;
	if (req.body_len > conf->body_max) {
		return 0;
	}
	cidr_t peer;
	if (cidr_parse_addr("10.0.0.1", &peer) != LC_EOK) {
		abort();
	}
	router_serve(&req, &peer, url, &resp);
	check_resp(&resp);
	if (verbose) {
		fprintf(stderr, "%s %s -> %u %s\n", req.method, url, resp.status,
			resp.body != NULL ? resp.body : "");
	}
	if (resp.body != NULL) {
		OPENSSL_cleanse(resp.body, resp.body_len);
		free(resp.body);
	}
	return 0;
}
