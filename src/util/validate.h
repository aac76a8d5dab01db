/* SPDX-License-Identifier: MIT */
/* validate.h -- syntax checks for user input: host labels, challenge values, UUIDs */
#ifndef LC_UTIL_VALIDATE_H
#define LC_UTIL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VALIDATE_LABEL_MAX 63 /* RFC 1035 2.3.4 */
#define VALIDATE_NAME_MAX 253 /* presentation form, no trailing dot */
#define VALIDATE_TXT_LEN 43   /* base64url of a SHA-256 digest, unpadded */
#define VALIDATE_UUID_LEN 36

/**
 * Is s a host label by our rules: lowercase a-z, 0-9 and "-"; 1 to 63
 * characters; no leading or trailing hyphen; no "--" anywhere (which also
 * keeps out IDNA "xn--" labels)? Uppercase is rejected: callers lowercase
 * first where case does not matter.
 */
bool validate_label(const char *s);

/**
 * Is s a domain name made of labels that pass validate_label(), at most
 * VALIDATE_NAME_MAX characters, without a trailing dot?
 */
bool validate_name(const char *s);

/** Is s exactly 43 characters of unpadded base64url (an ACME DNS-01 value)? */
bool validate_txt(const char *s);

/** Is s a UUID in 8-4-4-4-12 hex form (either case)? */
bool validate_uuid(const char *s);

/** Lowercase an ASCII string in place; returns s. */
char *validate_lower(char *s);

/**
 * Copy a domain name as users type it into canonical form: lowercase, one
 * trailing dot removed. Does not check the syntax (use validate_name()).
 * @param out_size at least VALIDATE_NAME_MAX + 1 for any valid name.
 * @return true; false if the result is empty or does not fit.
 */
bool validate_canonical_name(const char *in, char *out, size_t out_size);

#endif
