/* SPDX-License-Identifier: MIT */
/* value.h -- checks for configuration values (internal to conf/; used by conf.c) */
#ifndef LC_CONF_VALUE_H
#define LC_CONF_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#define CONF_NAME_MAX 253 /**< domain name in text, without the trailing dot */
/**
 * Longest [parent] name: an instant subdomain's challenge name,
 * "_acme-challenge.<36-character UUID>.<parent>", must stay within CONF_NAME_MAX.
 */
#define CONF_PARENT_NAME_MAX (CONF_NAME_MAX - 16 - 37)

/*
 * Every checker returns NULL when the value is fine, or a static reason in
 * plain words ("port must be 1..65535") that the caller puts into its error
 * message. They allocate nothing and are thread-safe.
 */

/**
 * Check a domain name and normalise it in place: lowercase, trailing dot removed.
 * @param s        NUL-terminated name; rewritten in place.
 * @param is_owner false for host names (zones, name servers: a-z 0-9 '-');
 *                 true for record owners, which may also hold '_' (_dmarc)
 *                 and a leftmost '*' label (RFC 4592 wildcard).
 * @return NULL, or the reason the name is bad (empty, too long, bad label).
 */
const char *value_check_name(char *s, bool is_owner);

/**
 * Check a listen address: "IPV4:PORT" or "[IPV6]:PORT", numeric, port 1..65535.
 * @return NULL, or the reason.
 */
const char *value_check_listen(const char *s);

/**
 * Check a CIDR ("192.0.2.0/24", "2001:db8::/32") or a bare address (a host route),
 * with util/cidr.c's rules.
 * @param out     receives the normalised "ADDR/PREFIX" form on success (host bits cleared).
 * @param out_len size of out, at least CIDR_TEXT_MAX.
 * @return NULL, or the reason.
 */
const char *value_check_cidr(const char *s, char *out, size_t out_len);

/**
 * Check an http:// or https:// URL and drop its trailing slashes in place
 * (clients append "/update"; a trailing slash would make "//update").
 * @return NULL, or the reason.
 */
const char *value_check_url(char *s);

/**
 * Parse a decimal number without sign or spaces.
 * @param min,max inclusive range.
 * @param out     set on success only.
 * @return NULL, or "not a number" / "out of range".
 */
const char *value_parse_ulong(const char *s, unsigned long min, unsigned long max,
			      unsigned long *out);

/**
 * Parse a log level name: error, warn (or warning), info, debug; any case.
 * @param out set to LOG_ERR..LOG_DEBUG on success.
 * @return NULL, or the reason.
 */
const char *value_parse_log_level(const char *s, int *out);

#endif
