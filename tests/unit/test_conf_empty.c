/* SPDX-License-Identifier: MIT */
/*
 * test_conf_empty.c -- "key =" with an empty value: an error naming FILE:LINE for every key,
 * except the keys whose empty value is documented (trusted_proxies, console_host, api_host,
 * blocklist), where it means "not set". QA found some keys took the empty value silently
 * and others refused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/error.h"

#include "tap.h"

static char path[64];

static int load(const char *text, conf_t **out, char *err, size_t err_len)
{
	snprintf(path, sizeof(path), "/tmp/test_conf_empty.XXXXXX");
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
	int ret = conf_load(path, out, err, err_len);
	unlink(path);
	return ret;
}

/* "[section]\n<prefix>key =<tail>\n": must fail on line 2 (or 3 after prefix) with "empty value". */
static void expect_empty_error(const char *section, const char *prefix, const char *key,
			       const char *tail)
{
	char text[512];
	char err[512];
	char want[128];
	conf_t *c = NULL;
	int line = prefix[0] ? 3 : 2;

	snprintf(text, sizeof(text), "[%s]\n%s%s =%s\n", section, prefix, key, tail);
	int ret = load(text, &c, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:%d: key \"%s\" has an empty value", path, line, key);
	ok(ret == LC_EMALF && c == NULL && strcmp(err, want) == 0, "[%s] %s =%s is an error",
	   section, key, tail);
	if (strcmp(err, want) != 0) {
		printf("#   got \"%s\"\n#   want \"%s\"\n", err, want);
	}
	conf_free(c);
}

static void test_empty_is_error(void)
{
	static const struct {
		const char *sec, *key;
	} keys[] = {
		{ "server", "dns_listen" },
		{ "server", "http_listen" },
		{ "server", "data_dir" },
		{ "server", "dns_workers" },
		{ "server", "http_threads" },
		{ "server", "log_level" },
		{ "dns", "ns" },
		{ "dns", "soa_mailbox" },
		{ "dns", "ttl_fixed" },
		{ "dns", "ttl_soa" },
		{ "dns", "ttl_challenge" },
		{ "dns", "tcp_idle_timeout_ms" },
		{ "dns", "tcp_max_conns" },
		{ "dns", "rrl_rate" },
		{ "dns", "rrl_slip" },
		{ "api", "server_url" },
		{ "api", "default_parent" },
		{ "api", "body_max" },
		{ "api", "reg_instant_per_hour" },
		{ "api", "reg_instant_burst" },
		{ "api", "reg_instant_per_week" },
		{ "api", "reg_delegate_per_day" },
		{ "api", "auth_fail_max" },
		{ "api", "auth_fail_window_s" },
		{ "api", "conn_max" },
		{ "api", "conn_per_addr" },
		{ "api", "idle_timeout_s" },
		{ "console", "enabled" },
		{ "console", "signup" },
		{ "console", "user_limit" },
		{ "console", "staff_limit" },
		{ "console", "session_lifetime_s" },
		{ "console", "login_fail_max" },
		{ "console", "login_fail_addr_max" },
		{ "console", "login_fail_window_s" },
		{ "console", "signup_per_day" },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		expect_empty_error(keys[i].sec, "", keys[i].key, "");
	}
	/* An end-of-line comment leaves an empty value too. */
	expect_empty_error("server", "", "data_dir", "        ; where the data goes");
	/* The keys of [parent] and [zone] sections follow the same rule. */
	expect_empty_error("parent x.test", "", "kind", "");
	expect_empty_error("parent x.test", "kind = local\n", "psl", "");
	expect_empty_error("parent x.test", "kind = local\n", "record", "");
	expect_empty_error("zone x.test", "", "record", "");
}

/* The documented exceptions: empty means "not set", exactly like leaving the key out. */
static void test_documented_empty(void)
{
	conf_t *c = NULL;
	char err[512];
	int ret = load("[api]\ntrusted_proxies =\n"
		       "[console]\nconsole_host =   ; any Host\napi_host =\nblocklist =\n",
		       &c, err, sizeof(err));
	ok(ret == LC_EOK && c != NULL, "documented empty values load (%s)", err);
	if (c != NULL) {
		ok(c->trusted_proxy_cnt == 0 && c->trusted_proxies == NULL, "trusted_proxies = : none");
		ok(c->console_host == NULL && c->api_host == NULL, "console_host, api_host = : any host");
		ok(c->blocklist_path == NULL && c->blocklist_cnt == 0, "blocklist = : no extra words");
	}
	conf_free(c);

	/* Still set once only: an empty value counts as setting the key. */
	c = NULL;
	ret = load("[console]\napi_host = api.x.test\napi_host =\n", &c, err, sizeof(err));
	ok(ret == LC_EMALF && c == NULL && strstr(err, ":3: key \"api_host\" is set twice"),
	   "an empty value after a real one is a duplicate (%s)", err);
	conf_free(c);
}

int main(void)
{
	test_empty_is_error();
	test_documented_empty();
	return tap_done();
}
