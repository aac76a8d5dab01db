/* SPDX-License-Identifier: MIT */
/* test_util_hostport.c -- "ADDR:PORT" parsing */
#include <netinet/in.h>

#include "tap.h"
#include "util/error.h"
#include "util/hostport.h"

static const char *round_trip(const char *text)
{
	static char out[64];
	struct sockaddr_storage ss;
	socklen_t len;
	if (hostport_parse(text, &ss, &len) != LC_EOK) {
		return "ERR";
	}
	hostport_format((struct sockaddr *)&ss, out, sizeof(out));
	return out;
}

int main(void)
{
	is_str(round_trip("127.0.0.1:8053"), "127.0.0.1:8053", "v4");
	is_str(round_trip("[::1]:53"), "[::1]:53", "v6");
	is_str(round_trip("[2001:DB8::1]:65535"), "[2001:db8::1]:65535", "v6 max port");
	is_str(round_trip("127.0.0.1:1053,[::1]:1053"), "127.0.0.1:1053", "first of a list");
	is_str(round_trip(" 0.0.0.0:80 "), "0.0.0.0:80", "spaces trimmed");
	const char *bad[] = { "", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
			      "::1:53", "[::1]53", "localhost:53", "127.0.0.1:5x", "[::1]:+5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_str(round_trip(bad[i]), "ERR", "reject \"%s\"", bad[i]);
	}
	return tap_done();
}
