/* SPDX-License-Identifier: MIT */
/* dns.h -- protocol constants: header layout, types, classes, rcodes, opcodes */
#ifndef LC_DNS_DNS_H
#define LC_DNS_DNS_H

#define DNS_HEADER_LEN 12
#define DNS_UDP_MIN 512         /* RFC 1035 4.2.1: without EDNS */
#define DNS_EDNS_SIZE 1232      /* the UDP size we advertise (DNS flag day 2020) */
#define DNS_EDNS_COOKIE 10      /* EDNS option code of DNS COOKIE (RFC 7873) */
#define DNS_TCP_MAX 65535
#define NAME_MAX_WIRE 255
#define LABEL_MAX 63

enum {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_HINFO = 13,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_DS = 43,
	DNS_TYPE_TSIG = 250,
	DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252,
	DNS_TYPE_MAILB = 253,
	DNS_TYPE_MAILA = 254,
	DNS_TYPE_ANY = 255,
};

enum { DNS_CLASS_IN = 1, DNS_CLASS_CH = 3, DNS_CLASS_NONE = 254, DNS_CLASS_ANY = 255 };

enum {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_NOTAUTH = 9,
	DNS_RCODE_BADVERS = 16, /* extended: upper 8 bits go into OPT (RFC 6891 6.1.3) */
};

enum { DNS_TSIG_BADKEY = 17 };

enum { DNS_OPCODE_QUERY = 0 };

/* Header flag bits in the 16-bit flags word. */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK 0x7800

#endif
