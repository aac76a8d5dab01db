/* SPDX-License-Identifier: MIT */
/* rdata.h -- record types by name, and rdata from presentation text (the types our config allows) */
#ifndef LC_DNS_RDATA_H
#define LC_DNS_RDATA_H

#include <stddef.h>
#include <stdint.h>

/** Type number for a mnemonic ("A", "txt"...), or 0 if not one we know. */
uint16_t rrtype_from_text(const char *text);

/**
 * Convert presentation rdata to wire for A, AAAA, NS, CNAME, MX, TXT.
 * Names must be absolute (a trailing dot is optional). TXT takes one or more
 * "quoted strings" (\" \\ and \DDD escapes) or a single bare word.
 * @param out caller buffer of at least 65535 bytes for TXT, 512 otherwise.
 * @return LC_EOK; LC_EINVAL (bad syntax, unsupported type); LC_ERANGE (too long).
 */
int rdata_from_text(uint16_t type, const char *text, uint8_t *out, size_t out_max,
		    size_t *out_len);

/**
 * As rdata_from_text(), but names in the rdata follow zone-file rules
 * (RFC 1035 5.1): "@" is the origin, a name without a trailing dot is
 * relative to the origin, one with a trailing dot is absolute.
 * @param origin the zone apex in text ("localhostcert.test"), or NULL for absolute names only.
 * @return as rdata_from_text().
 */
int rdata_from_text_in(uint16_t type, const char *text, const char *origin, uint8_t *out,
		       size_t out_max, size_t *out_len);

/**
 * Wire rdata for a TXT record holding the given strings.
 * @return LC_EOK; LC_ERANGE (a string > 255 bytes or out too small).
 */
int rdata_txt(const char *const *strings, size_t cnt, uint8_t *out, size_t out_max,
	      size_t *out_len);

#endif
