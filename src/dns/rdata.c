/* SPDX-License-Identifier: MIT */
/* rdata.c -- record types by name, and rdata from presentation text */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "dns/rdata.h"

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
	{ "A", DNS_TYPE_A },       { "NS", DNS_TYPE_NS },	{ "CNAME", DNS_TYPE_CNAME },
	{ "SOA", DNS_TYPE_SOA },   { "PTR", DNS_TYPE_PTR },	{ "HINFO", DNS_TYPE_HINFO },
	{ "MX", DNS_TYPE_MX },     { "TXT", DNS_TYPE_TXT },	{ "AAAA", DNS_TYPE_AAAA },
	{ "OPT", DNS_TYPE_OPT },   { "TSIG", DNS_TYPE_TSIG }, { "IXFR", DNS_TYPE_IXFR },
	{ "AXFR", DNS_TYPE_AXFR }, { "ANY", DNS_TYPE_ANY },
};

uint16_t rrtype_from_text(const char *text)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(text, types[i].name) == 0) {
			return types[i].type;
		}
	}
	return 0;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return p;
}

/* Copy one whitespace-delimited token into tok; return the rest, or NULL if too long. */
static const char *token(const char *p, char *tok, size_t tok_max)
{
	size_t n = 0;
	p = skip_space(p);
	while (*p != '\0' && *p != ' ' && *p != '\t') {
		if (n + 1 >= tok_max) {
			return NULL;
		}
		tok[n++] = *p++;
	}
	tok[n] = '\0';
	return skip_space(p);
}

static int name_rdata(const char *text, const char *origin, uint8_t *out, size_t out_max,
		      size_t *out_len)
{
	char tok[NAME_MAX_WIRE * 4];
	char full[NAME_MAX_WIRE * 8];
	uint8_t w[NAME_MAX_WIRE];
	size_t wl;
	const char *rest = token(text, tok, sizeof(tok));
	if (rest == NULL || *rest != '\0' || tok[0] == '\0') {
		return LC_EINVAL;
	}
	const char *name = tok;
	size_t tl = strlen(tok);
	if (origin != NULL && strcmp(tok, "@") == 0) {
		name = origin;
	} else if (origin != NULL && tok[tl - 1] != '.') {
		/* Relative to the zone, as in a master file. */
		if ((size_t)snprintf(full, sizeof(full), "%s.%s", tok, origin) >= sizeof(full)) {
			return LC_ERANGE;
		}
		name = full;
	}
	int ret = name_from_text(name, w, &wl);
	if (ret != LC_EOK) {
		return ret;
	}
	if (wl > out_max) {
		return LC_ERANGE;
	}
	memcpy(out, w, wl);
	*out_len = wl;
	return LC_EOK;
}

/* Parse TXT presentation: quoted strings with escapes, or one bare word. */
static int txt_rdata(const char *p, uint8_t *out, size_t out_max, size_t *out_len)
{
	size_t n = 0;

	p = skip_space(p);
	if (*p == '\0') {
		return LC_EINVAL;
	}
	if (*p != '"') {
		size_t l = strlen(p);
		while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t')) {
			l--;
		}
		if (l > 255 || l + 1 > out_max) {
			return LC_ERANGE;
		}
		for (size_t i = 0; i < l; i++) {
			if (p[i] == ' ' || p[i] == '\t' || p[i] == '"' || p[i] == '\\') {
				return LC_EINVAL;
			}
		}
		out[0] = (uint8_t)l;
		memcpy(out + 1, p, l);
		*out_len = l + 1;
		return LC_EOK;
	}
	while (*p == '"') {
		/* The length byte needs room too, even for an empty string. */
		if (n + 1 > out_max) {
			return LC_ERANGE;
		}
		size_t lenpos = n++;
		size_t l = 0;
		p++;
		while (*p != '"') {
			int c;
			if (*p == '\0') {
				return LC_EINVAL;
			}
			if (*p == '\\') {
				p++;
				if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
				    isdigit((unsigned char)p[2])) {
					c = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
					if (c > 255) {
						return LC_EINVAL;
					}
					p += 3;
				} else if (*p == '\0') {
					return LC_EINVAL;
				} else {
					c = (unsigned char)*p++;
				}
			} else {
				c = (unsigned char)*p++;
			}
			if (l == 255 || n + 1 > out_max) {
				return LC_ERANGE;
			}
			out[n++] = (uint8_t)c;
			l++;
		}
		out[lenpos] = (uint8_t)l;
		p = skip_space(p + 1);
	}
	if (*p != '\0') {
		return LC_EINVAL;
	}
	*out_len = n;
	return LC_EOK;
}

int rdata_from_text(uint16_t type, const char *text, uint8_t *out, size_t out_max,
		    size_t *out_len)
{
	return rdata_from_text_in(type, text, NULL, out, out_max, out_len);
}

int rdata_from_text_in(uint16_t type, const char *text, const char *origin, uint8_t *out,
		       size_t out_max, size_t *out_len)
{
	char tok[128];
	const char *rest;

	switch (type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA: {
		rest = token(text, tok, sizeof(tok));
		size_t l = type == DNS_TYPE_A ? 4 : 16;
		if (rest == NULL || *rest != '\0' || out_max < l) {
			return LC_EINVAL;
		}
		if (inet_pton(type == DNS_TYPE_A ? AF_INET : AF_INET6, tok, out) != 1) {
			return LC_EINVAL;
		}
		*out_len = l;
		return LC_EOK;
	}
	case DNS_TYPE_NS:
	case DNS_TYPE_CNAME:
	case DNS_TYPE_PTR:
		return name_rdata(text, origin, out, out_max, out_len);
	case DNS_TYPE_MX: {
		rest = token(text, tok, sizeof(tok));
		char *end;
		if (rest == NULL || tok[0] == '\0' || out_max < 2) {
			return LC_EINVAL;
		}
		long pref = strtol(tok, &end, 10);
		if (*end != '\0' || pref < 0 || pref > 65535) {
			return LC_EINVAL;
		}
		out[0] = (uint8_t)(pref >> 8);
		out[1] = (uint8_t)pref;
		size_t nl;
		int ret = name_rdata(rest, origin, out + 2, out_max - 2, &nl);
		if (ret != LC_EOK) {
			return ret;
		}
		*out_len = nl + 2;
		return LC_EOK;
	}
	case DNS_TYPE_TXT:
		return txt_rdata(text, out, out_max, out_len);
	default:
		return LC_EINVAL;
	}
}

int rdata_txt(const char *const *strings, size_t cnt, uint8_t *out, size_t out_max,
	      size_t *out_len)
{
	size_t n = 0;
	for (size_t i = 0; i < cnt; i++) {
		size_t l = strlen(strings[i]);
		if (l > 255 || n + 1 + l > out_max) {
			return LC_ERANGE;
		}
		out[n++] = (uint8_t)l;
		memcpy(out + n, strings[i], l);
		n += l;
	}
	*out_len = n;
	return LC_EOK;
}
