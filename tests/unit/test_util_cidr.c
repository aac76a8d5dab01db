/* SPDX-License-Identifier: MIT */
/* test_util_cidr.c -- prefix parsing, formatting and matching */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "tap.h"
#include "util/cidr.h"
#include "util/error.h"

static int in(const char *net, const char *addr)
{
	cidr_t n, a;
	if (cidr_parse(net, &n) != LC_EOK || cidr_parse_addr(addr, &a) != LC_EOK) {
		return -1;
	}
	return cidr_contains(&n, &a);
}

static const char *fmt(const char *text)
{
	static char out[CIDR_TEXT_MAX];
	cidr_t c;
	if (cidr_parse(text, &c) != LC_EOK) {
		return "ERR";
	}
	cidr_format(&c, false, out, sizeof(out));
	return out;
}

int main(void)
{
	cidr_t c;
	is_str(fmt("192.0.2.0/24"), "192.0.2.0/24", "v4 prefix");
	is_str(fmt("192.0.2.77/24"), "192.0.2.0/24", "host bits cleared");
	is_str(fmt("10.1.2.3"), "10.1.2.3/32", "bare v4 is /32");
	is_str(fmt("2001:db8::/32"), "2001:db8::/32", "v6 prefix");
	is_str(fmt("2001:DB8:1:2::5/64"), "2001:db8:1:2::/64", "v6 lowercased and cleared");
	is_str(fmt("::1"), "::1/128", "bare v6 is /128");
	is_str(fmt("0.0.0.0/0"), "0.0.0.0/0", "v4 any");
	is_str(fmt("::/0"), "::/0", "v6 any");
	is_str(fmt("::ffff:192.0.2.1"), "192.0.2.1/32", "v4-mapped becomes v4");
	is_str(fmt("192.0.2.0/7"), "192.0.0.0/7", "odd prefix");

	const char *bad[] = { "", "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "192.0.2.0/+8",
			      "192.0.2.0/ 8", "192.0.2", "256.0.0.1/8", "example.com/24",
			      "1.2.3.4/24/1", " 1.2.3.4", "2001:db8::g/32", "192.0.2.0/0x8" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(cidr_parse(bad[i], &c), LC_EINVAL, "reject \"%s\"", bad[i]);
	}
	is_int(cidr_parse_addr("192.0.2.0/24", &c), LC_EINVAL, "addr rejects a prefix");

	is_int(in("192.0.2.0/24", "192.0.2.200"), 1, "v4 inside");
	is_int(in("192.0.2.0/24", "192.0.3.1"), 0, "v4 outside");
	is_int(in("0.0.0.0/0", "203.0.113.9"), 1, "v4 any matches");
	is_int(in("192.0.0.0/7", "193.255.1.1"), 1, "partial byte inside");
	is_int(in("192.0.0.0/7", "194.0.0.1"), 0, "partial byte outside");
	is_int(in("2001:db8::/32", "2001:db8:ffff::1"), 1, "v6 inside");
	is_int(in("2001:db8::/32", "2001:db9::1"), 0, "v6 outside");
	is_int(in("::/0", "192.0.2.1"), 0, "families differ");
	is_int(in("192.0.2.0/24", "::ffff:192.0.2.9"), 1, "mapped client matches v4 net");
	is_int(in("127.0.0.1", "127.0.0.1"), 1, "single host");

	struct sockaddr_in6 s6;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:198.51.100.4", &s6.sin6_addr);
	is_int(cidr_from_sockaddr((struct sockaddr *)&s6, &c), LC_EOK, "from sockaddr");
	is_int(c.family, AF_INET, "mapped sockaddr is v4");
	is_int(c.prefix, 32, "full length");

	cidr_parse("2001:db8:1:2:3:4:5:6", &c);
	cidr_truncate(&c, 64);
	char out[CIDR_TEXT_MAX];
	cidr_format(&c, false, out, sizeof(out));
	is_str(out, "2001:db8:1:2::/64", "truncate to /64");
	cidr_parse("192.0.2.1", &c);
	cidr_format(&c, true, out, sizeof(out));
	is_str(out, "192.0.2.1", "format address only");

	cidr_t list[4];
	size_t n = 0;
	cidr_parse("192.0.2.0/24", &list[0]);
	cidr_parse("2001:db8::/32", &list[1]);
	char json[256];
	is_int(cidr_list_format(list, 2, json, sizeof(json)), LC_EOK, "list format");
	is_str(json, "[\"192.0.2.0/24\",\"2001:db8::/32\"]", "list text");
	is_int(cidr_list_format(list, 0, json, sizeof(json)), LC_EOK, "empty list");
	is_str(json, "[]", "empty list text");
	is_int(cidr_list_format(list, 2, json, 10), LC_ESPACE, "list space");
	is_int(cidr_list_parse(" [ \"10.0.0.0/8\" , \"::1\" ] ", list, 4, &n), LC_EOK, "list parse");
	is_int((int)n, 2, "list count");
	is_int(cidr_list_parse("[]", list, 4, &n), LC_EOK, "parse empty");
	is_int((int)n, 0, "empty count");
	is_int(cidr_list_parse("[\"x\"]", list, 4, &n), LC_EINVAL, "bad entry");
	is_int(cidr_list_parse("[\"1.1.1.1\",]", list, 4, &n), LC_EMALF, "trailing comma");
	is_int(cidr_list_parse("[\"1.1.1.1\"] x", list, 4, &n), LC_EMALF, "trailing text");
	is_int(cidr_list_parse("[\"1.1.1.1\",\"1.1.1.2\"]", list, 1, &n), LC_ELIMIT, "too many");
	return tap_done();
}
