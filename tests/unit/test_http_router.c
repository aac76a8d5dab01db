/* SPDX-License-Identifier: MIT */
/* test_http_router.c -- path normalisation and client address resolution */
#include <string.h>

#include "http/auth.h"
#include "http/router.h"
#include "tap.h"
#include "util/error.h"

static const char *norm(const char *p)
{
	static char out[ROUTER_PATH_MAX];
	if (router_normalise(p, out, sizeof(out)) != LC_EOK) {
		return "ERR";
	}
	return out;
}

static const char *client(const char *peer, const char *xff)
{
	static char out[CIDR_TEXT_MAX];
	cidr_t trusted[2], p, c;
	cidr_parse("127.0.0.1/32", &trusted[0]);
	cidr_parse("10.0.0.0/8", &trusted[1]);
	cidr_parse_addr(peer, &p);
	auth_client_addr(&p, xff, trusted, 2, &c);
	cidr_format(&c, true, out, sizeof(out));
	return out;
}

/* router_unescape() of a copy of s, as text; NUL-safe because %00 never yields a NUL. */
static const char *unesc(const char *s, size_t *len)
{
	static char out[128];
	snprintf(out, sizeof(out), "%s", s);
	*len = router_unescape(out);
	return out;
}

/*
 * QA: "/%00" served the home page, because libmicrohttpd's unescaper turned %00
 * into a NUL that cut the path short ("/register%00x" was "/register"). Ours maps
 * %00 to DEL, which router_serve() refuses with every other control character.
 */
static void test_percent00_does_not_cut_the_path(void)
{
	size_t len;
	is_str(unesc("/a%20b%2Fc", &len), "/a b/c", "unescape: %%XX decoded");
	is_int(len, 6, "unescape: the new length");
	is_str(unesc("/%e2%82%AC", &len), "/\xe2\x82\xac", "unescape: UTF-8 bytes, either case");
	is_str(unesc("/100%", &len), "/100%", "unescape: a bare %% stays");
	is_str(unesc("/%zz%4", &len), "/%zz%4", "unescape: a bad escape stays");
	is_str(unesc("/register%00x", &len), "/register\x7fx", "unescape: %%00 becomes DEL, not NUL");
	is_int(len, 11, "unescape: the path keeps its length");
	is_str(unesc("/%0a", &len), "/\n", "unescape: other control characters as they are");
}

int main(void)
{
	test_percent00_does_not_cut_the_path();

	is_str(norm("/update"), "/update", "plain");
	is_str(norm("//update"), "/update", "double slash (goacmedns with a trailing-slash base)");
	is_str(norm("/update/"), "/update", "one trailing slash");
	is_str(norm("///api//v1///acme-dns-compat//update//"), "/api/v1/acme-dns-compat/update",
	       "many slashes");
	is_str(norm("/"), "/", "root stays");
	is_str(norm("//"), "/", "double root");
	is_str(norm("update"), "/update", "no leading slash");
	char longp[ROUTER_PATH_MAX + 10];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	is_str(norm(longp), "ERR", "too long");

	is_str(client("192.0.2.1", NULL), "192.0.2.1", "no header: the peer");
	is_str(client("192.0.2.1", "10.1.1.1"), "192.0.2.1", "untrusted peer: header ignored");
	is_str(client("127.0.0.1", "10.1.1.1"), "10.1.1.1", "trusted peer: header believed");
	is_str(client("10.9.9.9", "203.0.113.7, 198.51.100.3"), "198.51.100.3", "rightmost hop only");
	is_str(client("127.0.0.1", " 2001:db8::5 "), "2001:db8::5", "IPv6 hop, spaces");
	is_str(client("127.0.0.1", "[2001:db8::5]:443"), "2001:db8::5", "bracketed IPv6 with port");
	is_str(client("127.0.0.1", "198.51.100.3:8080"), "198.51.100.3", "IPv4 with port");
	is_str(client("127.0.0.1", "unknown"), "127.0.0.1", "garbage: the peer");
	is_str(client("127.0.0.1", "198.51.100.3,"), "127.0.0.1", "empty last hop: the peer");
	is_str(client("::ffff:127.0.0.1", "198.51.100.4"), "198.51.100.4", "mapped peer is trusted");
	return tap_done();
}
