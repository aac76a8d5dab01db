/* SPDX-License-Identifier: MIT */
/* cidr.h -- IPv4/IPv6 addresses and prefixes: parse, format, match */
#ifndef LC_UTIL_CIDR_H
#define LC_UTIL_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/** Longest text cidr_format() writes: a full IPv6 address, "/128" and the NUL. */
#define CIDR_TEXT_MAX 50

/**
 * An address prefix. A single address is a prefix of full length (32 or 128).
 * Bits after the prefix length are always zero. IPv4-mapped IPv6 addresses
 * (::ffff:192.0.2.1) are stored as IPv4, so they match IPv4 prefixes.
 */
typedef struct cidr {
	int family;       /**< AF_INET or AF_INET6 */
	uint8_t addr[16]; /**< network byte order; IPv4 uses the first 4 bytes */
	unsigned prefix;  /**< 0..32 for AF_INET, 0..128 for AF_INET6 */
} cidr_t;

/**
 * Parse "192.0.2.0/24", "2001:db8::/32", or a bare address (a full-length
 * prefix). Host bits after the prefix are cleared ("192.0.2.7/24" gives
 * 192.0.2.0/24). Surrounding spaces are not accepted.
 * @return LC_EOK; LC_EINVAL (not an address, or a bad prefix length).
 */
int cidr_parse(const char *text, cidr_t *out);

/**
 * Parse a bare address only (no "/len").
 * @return LC_EOK; LC_EINVAL.
 */
int cidr_parse_addr(const char *text, cidr_t *out);

/**
 * Take the address of a socket (AF_INET or AF_INET6) as a full-length prefix.
 * @return LC_EOK; LC_EINVAL (another family, or NULL).
 */
int cidr_from_sockaddr(const struct sockaddr *sa, cidr_t *out);

/** Is addr (a prefix of full length, or any prefix) inside net? Families must agree. */
bool cidr_contains(const cidr_t *net, const cidr_t *addr);

/** Shorten a prefix to at most len bits (clearing the rest). */
void cidr_truncate(cidr_t *c, unsigned len);

/**
 * Write "ADDR/LEN" (or just "ADDR" when full_only_addr and the prefix is full length).
 * @param out_size at least CIDR_TEXT_MAX.
 */
void cidr_format(const cidr_t *c, bool full_only_addr, char *out, size_t out_size);

/**
 * Write a list of prefixes as a JSON array of strings: ["192.0.2.0/24","2001:db8::/32"].
 * @return LC_EOK; LC_ESPACE if out is too small.
 */
int cidr_list_format(const cidr_t *list, size_t cnt, char *out, size_t out_size);

/**
 * Parse a JSON array of prefix strings as written by cidr_list_format()
 * (whitespace allowed; no escapes, since prefixes never need them).
 * @param max       capacity of out.
 * @param out_cnt   set to the number of prefixes.
 * @return LC_EOK; LC_EMALF (not such an array); LC_EINVAL (an entry is not a prefix);
 *         LC_ELIMIT (more than max entries).
 */
int cidr_list_parse(const char *text, cidr_t *out, size_t max, size_t *out_cnt);

#endif
