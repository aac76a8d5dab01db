/* SPDX-License-Identifier: MIT */
/* validate.c -- syntax checks for user input */
#include <string.h>

#include "util/validate.h"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Check one label of len characters starting at s. */
static bool label_ok(const char *s, size_t len)
{
	if (len == 0 || len > VALIDATE_LABEL_MAX) {
		return false;
	}
	if (s[0] == '-' || s[len - 1] == '-') {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-') {
			if (i + 1 < len && s[i + 1] == '-') {
				return false;
			}
		} else if (!is_lower_alnum(s[i])) {
			return false;
		}
	}
	return true;
}

bool validate_label(const char *s)
{
	return s != NULL && label_ok(s, strlen(s));
}

bool validate_name(const char *s)
{
	if (s == NULL) {
		return false;
	}
	size_t len = strlen(s);
	if (len == 0 || len > VALIDATE_NAME_MAX) {
		return false;
	}
	const char *p = s;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		if (!label_ok(p, l)) {
			return false;
		}
		if (dot == NULL) {
			return true;
		}
		p = dot + 1;
	}
}

bool validate_txt(const char *s)
{
	if (s == NULL || strlen(s) != VALIDATE_TXT_LEN) {
		return false;
	}
	for (const char *p = s; *p; p++) {
		if (!is_lower_alnum(*p) && !(*p >= 'A' && *p <= 'Z') && *p != '-' && *p != '_') {
			return false;
		}
	}
	return true;
}

bool validate_uuid(const char *s)
{
	if (s == NULL || strlen(s) != VALIDATE_UUID_LEN) {
		return false;
	}
	for (size_t i = 0; i < VALIDATE_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !is_hex(s[i])) {
			return false;
		}
	}
	return true;
}

bool validate_canonical_name(const char *in, char *out, size_t out_size)
{
	size_t len = strlen(in);
	if (len > 0 && in[len - 1] == '.') {
		len--;
	}
	if (len == 0 || len >= out_size) {
		return false;
	}
	memcpy(out, in, len);
	out[len] = '\0';
	validate_lower(out);
	return true;
}

char *validate_lower(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z') {
			*p = (char)(*p - 'A' + 'a');
		}
	}
	return s;
}
