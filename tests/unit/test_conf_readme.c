/* SPDX-License-Identifier: MIT */
/*
 * test_conf_readme.c -- the example config in README.md ("The complete file, every key at its
 * default") loads exactly as written and gives the same settings as no file at all. QA found
 * the block did not load (placeholders such as "ns1.<first parent>", empty values); this test
 * reads the block out of README.md so the two cannot drift apart again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/error.h"

#include "tap.h"

#define README_MAX (1024 * 1024)

/* README.md at the top of the tree, found from this file's path (tests/unit/...). */
static char *read_readme(void)
{
	char path[4096];
	const char *me = __FILE__;
	const char *tail = strstr(me, "tests/unit/");
	snprintf(path, sizeof(path), "%.*sREADME.md", tail ? (int)(tail - me) : 0, me);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		printf("# cannot open %s\n", path);
		return NULL;
	}
	char *text = calloc(1, README_MAX + 1);
	size_t n = text ? fread(text, 1, README_MAX, f) : 0;
	fclose(f);
	if (text != NULL) {
		text[n] = '\0';
	}
	return text;
}

/* The ```ini block after "The complete file", written to a temporary file (name in out). */
static int extract_block(const char *readme, char *out, size_t out_len)
{
	const char *intro = strstr(readme, "The complete file");
	const char *start = intro ? strstr(intro, "```ini\n") : NULL;
	if (start == NULL) {
		return -1;
	}
	start += strlen("```ini\n");
	const char *end = strstr(start, "\n```");
	if (end == NULL) {
		return -1;
	}
	snprintf(out, out_len, "/tmp/test_conf_readme.XXXXXX");
	int fd = mkstemp(out);
	if (fd < 0) {
		return -1;
	}
	size_t len = (size_t)(end - start) + 1; /* with the last line's newline */
	ssize_t w = write(fd, start, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_list(char **a, size_t an, char **b, size_t bn)
{
	if (an != bn) {
		return 0;
	}
	for (size_t i = 0; i < an; i++) {
		if (strcmp(a[i], b[i]) != 0) {
			return 0;
		}
	}
	return 1;
}

static int same_zones(const conf_t *a, const conf_t *b)
{
	if (a->zone_cnt != b->zone_cnt) {
		return 0;
	}
	for (size_t i = 0; i < a->zone_cnt; i++) {
		const conf_zone_t *za = &a->zones[i], *zb = &b->zones[i];
		if (strcmp(za->name, zb->name) != 0 || za->kind != zb->kind ||
		    !same_str(za->psl, zb->psl) || za->record_cnt != zb->record_cnt) {
			return 0;
		}
		for (size_t j = 0; j < za->record_cnt; j++) {
			const conf_record_t *ra = &za->records[j], *rb = &zb->records[j];
			if (strcmp(ra->owner, rb->owner) != 0 || strcmp(ra->type, rb->type) != 0 ||
			    strcmp(ra->rdata, rb->rdata) != 0 || ra->ttl != rb->ttl) {
				return 0;
			}
		}
	}
	return 1;
}

#define SAME_NUM(f) ok(r->f == d->f, "README value of " #f " is the default")
#define SAME_STR(f) ok(same_str(r->f, d->f), "README value of " #f " is the default")

static void compare(const conf_t *r, const conf_t *d)
{
	SAME_STR(dns_listen);
	SAME_STR(http_listen);
	SAME_STR(data_dir);
	SAME_NUM(dns_workers);
	SAME_NUM(http_threads);
	SAME_NUM(log_level);
	ok(same_list(r->ns_names, r->ns_cnt, d->ns_names, d->ns_cnt), "README: ns is the default");
	SAME_STR(soa_mailbox);
	SAME_NUM(ttl_fixed);
	SAME_NUM(ttl_soa);
	SAME_NUM(ttl_challenge);
	SAME_NUM(tcp_idle_timeout_ms);
	SAME_NUM(tcp_max_conns);
	SAME_NUM(rrl_rate);
	SAME_NUM(rrl_slip);
	SAME_STR(server_url);
	SAME_STR(default_parent);
	SAME_NUM(body_max);
	ok(same_list(r->trusted_proxies, r->trusted_proxy_cnt, d->trusted_proxies,
		     d->trusted_proxy_cnt),
	   "README: trusted_proxies is the default");
	SAME_NUM(reg_instant_per_hour);
	SAME_NUM(reg_instant_burst);
	SAME_NUM(reg_instant_per_week);
	SAME_NUM(reg_delegate_per_day);
	SAME_NUM(auth_fail_max);
	SAME_NUM(auth_fail_window_s);
	SAME_NUM(conn_max);
	SAME_NUM(conn_per_addr);
	SAME_NUM(idle_timeout_s);
	SAME_NUM(console_enabled);
	SAME_NUM(console_signup);
	SAME_STR(console_host);
	SAME_STR(api_host);
	SAME_NUM(console_user_limit);
	SAME_NUM(console_staff_limit);
	SAME_NUM(session_lifetime_s);
	SAME_NUM(login_fail_max);
	SAME_NUM(login_fail_addr_max);
	SAME_NUM(login_fail_window_s);
	SAME_NUM(signup_per_day);
	SAME_STR(blocklist_path);
	SAME_NUM(blocklist_cnt);
	ok(same_zones(r, d), "README: the parent domains and their records are the default");
}

int main(void)
{
	char path[64];
	char err[512];
	conf_t *readme = NULL;
	conf_t *defaults = NULL;
	char *text = read_readme();

	ok(text != NULL, "README.md is readable");
	int found = text ? extract_block(text, path, sizeof(path)) : -1;
	ok(found == 0, "README.md has the complete-file ```ini block");
	free(text);
	if (found != 0) {
		return tap_done();
	}
	int ret = conf_load(path, &readme, err, sizeof(err));
	ok(ret == LC_EOK && readme != NULL, "the README config loads as written");
	if (ret != LC_EOK) {
		printf("#   %s\n", err);
	}
	is_int(conf_load(NULL, &defaults, err, sizeof(err)), LC_EOK, "the built-in defaults load");
	if (readme != NULL && defaults != NULL) {
		compare(readme, defaults);
		/* server_url is derived (commented out in the block), so --http still moves it. */
		is_int(conf_set(readme, "http", "127.0.0.1:9053", err, sizeof(err)), LC_EOK,
		       "--http on top of the README config");
		is_str(readme->server_url, "http://127.0.0.1:9053",
		       "README config: server_url still follows --http");
	}
	conf_free(readme);
	conf_free(defaults);
	unlink(path);
	return tap_done();
}
