/* SPDX-License-Identifier: MIT */
/* fuzz_dns_text.c -- libFuzzer driver: names and rdata from presentation text
 * (name_from_text, name_to_text, rdata_from_text, rrtype_from_text) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "util/error.h"

/*
 * Input: byte 0 picks the record type, bytes 1-2 the size of the output
 * buffer (which is allocated to exactly that size, so ASan sees any write
 * past it), the rest is the text (up to the first NUL).
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t types[] = {
	DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_NS, DNS_TYPE_CNAME, DNS_TYPE_MX,
	DNS_TYPE_TXT, DNS_TYPE_PTR, DNS_TYPE_SOA, 0,
};

/* A name read back from wire must be a valid uncompressed name of exactly len bytes. */
static void check_wire_name(const uint8_t *wire, size_t len)
{
	dname_t dn;
	if (len == 0 || len > NAME_MAX_WIRE || dname_from_wire(wire, len, &dn) != LC_EOK ||
	    dn.len != len || name_wire_len(wire) != len || name_label_cnt(wire) != dn.labels) {
		abort();
	}
}

static void check_name(const char *text)
{
	uint8_t wire[NAME_MAX_WIRE], again[NAME_MAX_WIRE];
	char back[NAME_MAX_WIRE + 1]; /* 253 characters and a NUL at most */
	size_t len, len2;
	if (name_from_text(text, wire, &len) != LC_EOK) {
		return;
	}
	check_wire_name(wire, len);
	/* Text -> wire -> text -> wire is stable. */
	if (name_to_text(wire, back, sizeof(back)) != LC_EOK ||
	    name_from_text(back, again, &len2) != LC_EOK || len2 != len ||
	    memcmp(wire, again, len) != 0) {
		abort();
	}
}

/* Walk TXT rdata: length-prefixed strings that exactly fill it. */
static void check_txt(const uint8_t *rd, size_t len)
{
	size_t at = 0;
	if (len == 0) {
		abort();
	}
	while (at < len) {
		at += 1 + (size_t)rd[at];
	}
	if (at != len) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3) {
		return 0;
	}
	uint16_t type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	size_t out_max = (size_t)data[1] << 8 | data[2];
	char *text = malloc(size - 2);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';

	check_name(text);
	(void)rrtype_from_text(text);

	uint8_t *out = malloc(out_max ? out_max : 1);
	size_t len = 0;
	if (out != NULL && rdata_from_text(type, text, out, out_max, &len) == LC_EOK) {
		if (len > out_max) {
			abort();
		}
		switch (type) {
		case DNS_TYPE_A:
			if (len != 4) {
				abort();
			}
			break;
		case DNS_TYPE_AAAA:
			if (len != 16) {
				abort();
			}
			break;
		case DNS_TYPE_NS:
		case DNS_TYPE_CNAME:
		case DNS_TYPE_PTR:
			check_wire_name(out, len);
			break;
		case DNS_TYPE_MX:
			if (len < 3) {
				abort();
			}
			check_wire_name(out + 2, len - 2);
			break;
		case DNS_TYPE_TXT:
			check_txt(out, len);
			break;
		default:
			abort(); /* no other type has a text form here */
		}
	}
	free(out);
	free(text);
	return 0;
}
