/* SPDX-License-Identifier: MIT */
/* value.c -- checks for configuration values: domain names, addresses, CIDRs, URLs, numbers */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/value.h"
#include "util/cidr.h"
#include "util/error.h"
#include "util/log.h"

const char *value_check_name(char *s, bool is_owner)
{
	size_t n = strlen(s);
	if (n > 0 && s[n - 1] == '.') {
		s[--n] = '\0';
	}
	if (n == 0) {
		return "empty domain name";
	}
	if (n > CONF_NAME_MAX) {
		return "domain name longer than 253 characters";
	}
	for (char *c = s; *c; c++) {
		*c = (char)tolower((unsigned char)*c);
	}
	const char *label = s;
	for (;;) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);
		if (len == 0) {
			return "empty label (two dots in a row)";
		}
		if (len > 63) {
			return "label longer than 63 characters";
		}
		bool wild = is_owner && len == 1 && label[0] == '*' && label == s;
		for (size_t i = 0; i < len && !wild; i++) {
			unsigned char ch = (unsigned char)label[i];
			bool okch = isalnum(ch) || ch == '-' || (is_owner && ch == '_');
			if (!okch || ch >= 0x80) {
				return "invalid character in domain name (use a-z, 0-9, '-')";
			}
		}
		if (!wild && (label[0] == '-' || label[len - 1] == '-')) {
			return "label starts or ends with '-'";
		}
		if (dot == NULL) {
			break;
		}
		label = dot + 1;
	}
	return NULL;
}

const char *value_check_listen(const char *s)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port;
	unsigned char addr[sizeof(struct in6_addr)];
	int af;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':') {
			return "expected [IPv6]:PORT";
		}
		size_t len = (size_t)(close - s - 1);
		if (len == 0 || len >= sizeof(host)) {
			return "bad IPv6 address";
		}
		memcpy(host, s + 1, len);
		host[len] = '\0';
		port = close + 2;
		af = AF_INET6;
	} else {
		const char *colon = strrchr(s, ':');
		if (colon == NULL) {
			return "expected ADDR:PORT";
		}
		if (memchr(s, ':', (size_t)(colon - s)) != NULL) {
			return "write an IPv6 address as [ADDR]:PORT";
		}
		size_t len = (size_t)(colon - s);
		if (len == 0 || len >= sizeof(host)) {
			return "expected ADDR:PORT";
		}
		memcpy(host, s, len);
		host[len] = '\0';
		port = colon + 1;
		af = AF_INET;
	}
	if (inet_pton(af, host, addr) != 1) {
		return af == AF_INET ? "not an IPv4 address (names are not resolved)"
				     : "bad IPv6 address";
	}
	if (*port == '\0' || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atol(port) < 1 || atol(port) > 65535) {
		return "port must be 1..65535";
	}
	return NULL;
}

const char *value_check_cidr(const char *s, char *out, size_t out_len)
{
	cidr_t c;
	/* util/cidr.c is what the HTTP side matches with, so the config agrees with it. */
	if (cidr_parse(s, &c) != LC_EOK) {
		return strchr(s, '/') ? "bad address or prefix length in CIDR" : "not an IP address";
	}
	cidr_format(&c, false, out, out_len);
	return NULL;
}

const char *value_check_url(char *s)
{
	const char *rest;
	if (strncmp(s, "http://", 7) == 0) {
		rest = s + 7;
	} else if (strncmp(s, "https://", 8) == 0) {
		rest = s + 8;
	} else {
		return "must start with http:// or https://";
	}
	if (*rest == '\0' || *rest == '/') {
		return "URL has no host";
	}
	for (const char *c = s; *c; c++) {
		if (isspace((unsigned char)*c) || (unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e) {
			return "URL contains a space or a non-ASCII character";
		}
	}
	/* Clients append "/update" themselves; a trailing slash would make "//update". */
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/') {
		s[--n] = '\0';
	}
	return NULL;
}

const char *value_parse_ulong(const char *s, unsigned long min, unsigned long max,
			       unsigned long *out)
{
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s)) {
		return "not a number";
	}
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max) {
		return "out of range";
	}
	*out = (unsigned long)v;
	return NULL;
}

const char *value_parse_log_level(const char *s, int *out)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = { { "error", LOG_ERR }, { "warn", LOG_WARN }, { "warning", LOG_WARN },
		       { "info", LOG_INFO }, { "debug", LOG_DEBUG } };
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcasecmp(s, levels[i].name) == 0) {
			*out = levels[i].level;
			return NULL;
		}
	}
	return "expected error, warn, info or debug";
}
