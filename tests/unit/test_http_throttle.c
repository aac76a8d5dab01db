/* SPDX-License-Identifier: MIT */
/* test_http_throttle.c -- token buckets, fixed windows, /64 grouping, bounded table */
#include "http/throttle.h"
#include "tap.h"
#include "util/cidr.h"

static cidr_t addr(const char *s)
{
	cidr_t c;
	cidr_parse_addr(s, &c);
	return c;
}

int main(void)
{
	unsigned retry = 0;
	cidr_t a = addr("192.0.2.1"), b = addr("192.0.2.2");

	/* Bucket of 2, one token per 100 s. */
	throttle_rule_t bucket = { .burst = 2, .refill_per_s = 0.01 };
	throttle_t *t = throttle_new(&bucket, 16);
	ok(t != NULL, "new");
	ok(throttle_take(t, &a, 1000, &retry), "burst 1");
	ok(throttle_take(t, &a, 1000, &retry), "burst 2");
	ok(!throttle_take(t, &a, 1000, &retry), "empty bucket refuses");
	is_int(retry, 100, "retry after one refill period");
	ok(throttle_take(t, &b, 1000, &retry), "another address has its own bucket");
	ok(!throttle_take(t, &a, 1050, &retry), "half a token is not enough");
	is_int(retry, 50, "retry after the rest of the period");
	ok(throttle_take(t, &a, 1100, &retry), "refilled");
	ok(!throttle_take(t, &a, 1100, &retry), "and used");
	ok(throttle_take(t, &a, 1e6, &retry) && throttle_take(t, &a, 1e6, &retry) &&
		   !throttle_take(t, &a, 1e6, &retry),
	   "refill stops at the burst size");
	throttle_free(t);

	/* Window of 3 per 60 s, checked without charging, charged by hits. */
	throttle_rule_t win = { .window_max = 3, .window_s = 60 };
	t = throttle_new(&win, 16);
	ok(!throttle_blocked(t, &a, 0, &retry), "not blocked at first");
	throttle_hit(t, &a, 0);
	throttle_hit(t, &a, 10);
	ok(!throttle_blocked(t, &a, 10, &retry), "two hits: not blocked");
	throttle_hit(t, &a, 20);
	ok(throttle_blocked(t, &a, 20, &retry), "three hits: blocked");
	is_int(retry, 40, "until the window ends");
	ok(!throttle_blocked(t, &b, 20, &retry), "other address not blocked");
	ok(!throttle_blocked(t, &a, 60, &retry), "a new window");
	throttle_free(t);

	/* Both parts: the stricter one decides. */
	throttle_rule_t both = { .burst = 10, .refill_per_s = 1, .window_max = 2, .window_s = 1000 };
	t = throttle_new(&both, 16);
	ok(throttle_take(t, &a, 0, &retry) && throttle_take(t, &a, 0, &retry), "two allowed");
	ok(!throttle_take(t, &a, 0, &retry), "window cap reached although the bucket has tokens");
	is_int(retry, 1000, "retry when the window ends");
	throttle_free(t);

	/* IPv6 clients count per /64. */
	t = throttle_new(&bucket, 16);
	cidr_t v1 = addr("2001:db8:1:2::1"), v2 = addr("2001:db8:1:2:ffff::2"),
	       v3 = addr("2001:db8:1:3::1");
	ok(throttle_take(t, &v1, 0, &retry) && throttle_take(t, &v2, 0, &retry), "two in one /64");
	ok(!throttle_take(t, &v1, 0, &retry), "the /64 shares one bucket");
	ok(throttle_take(t, &v3, 0, &retry), "the next /64 has its own");
	throttle_free(t);

	/* A tiny table forgets the stalest client instead of growing. */
	t = throttle_new(&win, 4);
	throttle_hit(t, &a, 0);
	throttle_hit(t, &a, 0);
	throttle_hit(t, &a, 0);
	ok(throttle_blocked(t, &a, 1, &retry), "blocked");
	char text[32];
	for (int i = 0; i < 64; i++) {
		snprintf(text, sizeof(text), "198.51.100.%d", i);
		cidr_t c = addr(text);
		throttle_hit(t, &c, 2 + i);
	}
	ok(!throttle_blocked(t, &a, 100, &retry), "an old entry was replaced (memory stays bounded)");
	throttle_free(t);

	/* Refunds: an action charged up front and then refused gives its event back. */
	throttle_rule_t refundable = { .burst = 2, .refill_per_s = 0.0, .window_max = 3, .window_s = 100 };
	t = throttle_new(&refundable, 16);
	ok(throttle_take(t, &a, 0, &retry) && throttle_take(t, &a, 0, &retry), "two taken");
	ok(!throttle_take(t, &a, 0, &retry), "bucket empty");
	throttle_refund(t, &a, 0);
	ok(throttle_take(t, &a, 0, &retry), "bug_quota_used_by_refusals: a refund gives a token back");
	throttle_refund(t, &a, 0);
	throttle_refund(t, &a, 0);
	throttle_refund(t, &a, 0);
	ok(throttle_take(t, &a, 0, &retry) && throttle_take(t, &a, 0, &retry) &&
		   !throttle_take(t, &a, 0, &retry),
	   "refunds never fill the bucket beyond its size");
	throttle_free(t);
	t = throttle_new(&win, 16);
	throttle_hit(t, &a, 0);
	throttle_hit(t, &a, 0);
	throttle_hit(t, &a, 0);
	ok(throttle_blocked(t, &a, 1, &retry), "window full");
	throttle_refund(t, &a, 1);
	ok(!throttle_blocked(t, &a, 1, &retry), "a refund makes room in the window");
	throttle_refund(t, &a, 1);
	throttle_refund(t, &a, 1);
	throttle_refund(t, &a, 1);
	throttle_refund(t, &a, 1);
	throttle_hit(t, &a, 1);
	throttle_hit(t, &a, 1);
	ok(!throttle_blocked(t, &a, 1, &retry), "the count does not go below 0");
	throttle_hit(t, &a, 1);
	ok(throttle_blocked(t, &a, 1, &retry), "and fills again");
	throttle_free(t);
	throttle_free(NULL);
	return tap_done();
}
