/* SPDX-License-Identifier: MIT */
/* test_dns_rdata.c -- rdata from presentation text */
#include <stdbool.h>

#include "dns/dns.h"
#include "dns/rdata.h"
#include "util/error.h"
#include "tap.h"

/*
 * Bug (found by fuzz_dns_text): a TXT string's length byte was written before
 * checking out_max, so '"a" ""' into a 2-byte buffer wrote a third byte.
 * A canary just past out_max must stay untouched, whatever the size.
 */
static void bug_txt_length_byte_past_out_max(void)
{
	uint8_t b[8];
	size_t l = 0;
	bool clean = true;
	for (size_t max = 0; max <= 4; max++) {
		memset(b, 0xAA, sizeof(b));
		int ret = rdata_from_text(DNS_TYPE_TXT, "\"a\" \"\"", b, max, &l);
		clean = clean && b[max] == 0xAA && (ret == LC_ERANGE || (ret == LC_EOK && l <= max));
	}
	ok(clean, "bug: TXT never writes past out_max (length byte of an empty string)");
	is_int(rdata_from_text(DNS_TYPE_TXT, "\"a\" \"\"", b, 3, &l), LC_EOK,
	       "TXT that exactly fills out_max parses");
	ok(l == 3 && b[0] == 1 && b[1] == 'a' && b[2] == 0, "exact-fit TXT wire");
	is_int(rdata_from_text(DNS_TYPE_TXT, "\"a\" \"\"", b, 2, &l), LC_ERANGE,
	       "one byte short: LC_ERANGE");
}

int main(void)
{
	uint8_t b[65535];
	size_t l;

	is_int(rrtype_from_text("aaaa"), DNS_TYPE_AAAA, "type names are case-insensitive");
	is_int(rrtype_from_text("BOGUS"), 0, "unknown type gives 0");
	is_int(rdata_from_text(DNS_TYPE_A, "127.0.0.1", b, sizeof(b), &l), LC_EOK, "A parses");
	ok(l == 4 && b[0] == 127 && b[3] == 1, "A wire");
	is_int(rdata_from_text(DNS_TYPE_A, "300.0.0.1", b, sizeof(b), &l), LC_EINVAL, "bad A refused");
	is_int(rdata_from_text(DNS_TYPE_AAAA, "::1", b, sizeof(b), &l), LC_EOK, "AAAA parses");
	ok(l == 16 && b[15] == 1, "AAAA wire");
	is_int(rdata_from_text(DNS_TYPE_MX, "0 .", b, sizeof(b), &l), LC_EOK, "null MX parses");
	ok(l == 3 && b[0] == 0 && b[1] == 0 && b[2] == 0, "null MX wire");
	is_int(rdata_from_text(DNS_TYPE_MX, "x mail.test.", b, sizeof(b), &l), LC_EINVAL,
	       "MX without number refused");
	is_int(rdata_from_text(DNS_TYPE_CNAME, "Target.Test.", b, sizeof(b), &l), LC_EOK,
	       "CNAME parses");
	ok(l == 13 && memcmp(b, "\6target\4test", 13) == 0, "CNAME wire lowercased");
	is_int(rdata_from_text(DNS_TYPE_TXT, "\"v=spf1 -all\"", b, sizeof(b), &l), LC_EOK,
	       "quoted TXT parses");
	ok(l == 12 && b[0] == 11 && memcmp(b + 1, "v=spf1 -all", 11) == 0, "TXT wire");
	is_int(rdata_from_text(DNS_TYPE_TXT, "\"a\\\"b\" \"\\065\"", b, sizeof(b), &l), LC_EOK,
	       "escapes and two strings");
	ok(l == 6 && b[0] == 3 && b[2] == '"' && b[4] == 1 && b[5] == 'A', "escapes decoded");
	is_int(rdata_from_text(DNS_TYPE_TXT, "\"unterminated", b, sizeof(b), &l), LC_EINVAL,
	       "unterminated quote refused");
	is_int(rdata_from_text(DNS_TYPE_TXT, "bare", b, sizeof(b), &l), LC_EOK, "bare word TXT");
	is_int(rdata_from_text(DNS_TYPE_SOA, "x", b, sizeof(b), &l), LC_EINVAL,
	       "unsupported type refused");
	bug_txt_length_byte_past_out_max();
	/* Zone-file rules for names in config rdata (RFC 1035 5.1). */
	is_int(rdata_from_text_in(DNS_TYPE_CNAME, "console", "localhostcert.test", b, sizeof(b), &l),
	       LC_EOK, "relative CNAME target");
	ok(l == 28 && memcmp(b, "\7console\15localhostcert\4test", 28) == 0,
	   "relative name gets the origin");
	is_int(rdata_from_text_in(DNS_TYPE_CNAME, "@", "example.test", b, sizeof(b), &l), LC_EOK,
	       "@ is the origin");
	ok(l == 14 && memcmp(b, "\7example\4test", 14) == 0, "@ wire");
	is_int(rdata_from_text_in(DNS_TYPE_NS, "ns.other.test.", "example.test", b, sizeof(b), &l),
	       LC_EOK, "absolute name with origin given");
	ok(l == 15 && memcmp(b, "\2ns\5other\4test", 15) == 0, "absolute name kept");
	is_int(rdata_from_text_in(DNS_TYPE_MX, "10 mail", "example.test", b, sizeof(b), &l), LC_EOK,
	       "relative MX exchange");
	ok(l == 21 && memcmp(b + 2, "\4mail\7example\4test", 19) == 0, "MX exchange gets the origin");
	is_int(rdata_from_text_in(DNS_TYPE_MX, "0 .", "example.test", b, sizeof(b), &l), LC_EOK,
	       "null MX stays the root");
	ok(l == 3 && b[2] == 0, "null MX wire");
	return tap_done();
}
