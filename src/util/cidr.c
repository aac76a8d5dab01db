/* SPDX-License-Identifier: MIT */
/* cidr.c -- IPv4/IPv6 prefixes: parse, format, match */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cidr.h"
#include "util/error.h"

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static unsigned full_len(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Clear every bit after the prefix length, so equal networks compare equal. */
static void clear_host_bits(cidr_t *c)
{
	unsigned bytes = c->family == AF_INET ? 4 : 16;
	for (unsigned i = 0; i < bytes; i++) {
		unsigned bit0 = i * 8;
		if (bit0 >= c->prefix) {
			c->addr[i] = 0;
		} else if (bit0 + 8 > c->prefix) {
			c->addr[i] &= (uint8_t)(0xff << (8 - (c->prefix - bit0)));
		}
	}
	memset(c->addr + bytes, 0, sizeof(c->addr) - bytes);
}

/* Store ::ffff:a.b.c.d as IPv4 so a client on a dual-stack socket matches IPv4 prefixes. */
static void unmap_v4(cidr_t *c)
{
	if (c->family == AF_INET6 && c->prefix >= 96 &&
	    memcmp(c->addr, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
		c->family = AF_INET;
		memmove(c->addr, c->addr + 12, 4);
		memset(c->addr + 4, 0, 12);
		c->prefix -= 96;
	}
}

int cidr_parse_addr(const char *text, cidr_t *out)
{
	cidr_t c;
	memset(&c, 0, sizeof(c));
	if (text == NULL || *text == '\0') {
		return LC_EINVAL;
	}
	if (strchr(text, ':') != NULL) {
		if (inet_pton(AF_INET6, text, c.addr) != 1) {
			return LC_EINVAL;
		}
		c.family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, text, c.addr) != 1) {
			return LC_EINVAL;
		}
		c.family = AF_INET;
	}
	c.prefix = full_len(c.family);
	unmap_v4(&c);
	*out = c;
	return LC_EOK;
}

int cidr_parse(const char *text, cidr_t *out)
{
	char buf[CIDR_TEXT_MAX];
	if (text == NULL) {
		return LC_EINVAL;
	}
	size_t len = strlen(text);
	if (len == 0 || len >= sizeof(buf)) {
		return LC_EINVAL;
	}
	memcpy(buf, text, len + 1);
	char *slash = strchr(buf, '/');
	long plen = -1;
	if (slash != NULL) {
		*slash = '\0';
		const char *p = slash + 1;
		/* Digits only: strtol would accept "+8", " 8" or "0x8". */
		if (*p == '\0' || strlen(p) > 3 || strspn(p, "0123456789") != strlen(p)) {
			return LC_EINVAL;
		}
		plen = strtol(p, NULL, 10);
	}
	cidr_t c;
	memset(&c, 0, sizeof(c));
	c.family = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(c.family, buf, c.addr) != 1) {
		return LC_EINVAL;
	}
	if (plen > (long)full_len(c.family)) {
		return LC_EINVAL;
	}
	c.prefix = plen < 0 ? full_len(c.family) : (unsigned)plen;
	clear_host_bits(&c);
	unmap_v4(&c);
	*out = c;
	return LC_EOK;
}

int cidr_from_sockaddr(const struct sockaddr *sa, cidr_t *out)
{
	cidr_t c;
	memset(&c, 0, sizeof(c));
	if (sa == NULL) {
		return LC_EINVAL;
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		memcpy(c.addr, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		memcpy(c.addr, &in6->sin6_addr, 16);
	} else {
		return LC_EINVAL;
	}
	c.family = sa->sa_family;
	c.prefix = full_len(c.family);
	unmap_v4(&c);
	*out = c;
	return LC_EOK;
}

bool cidr_contains(const cidr_t *net, const cidr_t *addr)
{
	if (net->family != addr->family || addr->prefix < net->prefix) {
		return false;
	}
	unsigned whole = net->prefix / 8;
	unsigned rest = net->prefix % 8;
	if (memcmp(net->addr, addr->addr, whole) != 0) {
		return false;
	}
	if (rest == 0) {
		return true;
	}
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (net->addr[whole] & mask) == (addr->addr[whole] & mask);
}

void cidr_truncate(cidr_t *c, unsigned len)
{
	if (len < c->prefix) {
		c->prefix = len;
		clear_host_bits(c);
	}
}

void cidr_format(const cidr_t *c, bool full_only_addr, char *out, size_t out_size)
{
	char a[INET6_ADDRSTRLEN];
	if (inet_ntop(c->family, c->addr, a, sizeof(a)) == NULL) {
		snprintf(out, out_size, "?");
		return;
	}
	if (full_only_addr && c->prefix == full_len(c->family)) {
		snprintf(out, out_size, "%s", a);
	} else {
		snprintf(out, out_size, "%s/%u", a, c->prefix);
	}
}

int cidr_list_format(const cidr_t *list, size_t cnt, char *out, size_t out_size)
{
	size_t o = 0;
	if (out_size < 3) {
		return LC_ESPACE;
	}
	out[o++] = '[';
	for (size_t i = 0; i < cnt; i++) {
		char one[CIDR_TEXT_MAX];
		cidr_format(&list[i], false, one, sizeof(one));
		int n = snprintf(out + o, out_size - o, "%s\"%s\"", i ? "," : "", one);
		if (n < 0 || (size_t)n >= out_size - o) {
			return LC_ESPACE;
		}
		o += (size_t)n;
	}
	if (o + 2 > out_size) {
		return LC_ESPACE;
	}
	out[o++] = ']';
	out[o] = '\0';
	return LC_EOK;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
		p++;
	}
	return p;
}

int cidr_list_parse(const char *text, cidr_t *out, size_t max, size_t *out_cnt)
{
	size_t cnt = 0;
	const char *p = skip_ws(text);
	if (*p++ != '[') {
		return LC_EMALF;
	}
	p = skip_ws(p);
	if (*p == ']') {
		p++;
		goto end;
	}
	for (;;) {
		if (*p++ != '"') {
			return LC_EMALF;
		}
		const char *q = strchr(p, '"');
		if (q == NULL || (size_t)(q - p) >= CIDR_TEXT_MAX) {
			return LC_EMALF;
		}
		char one[CIDR_TEXT_MAX];
		memcpy(one, p, (size_t)(q - p));
		one[q - p] = '\0';
		if (cnt == max) {
			return LC_ELIMIT;
		}
		if (cidr_parse(one, &out[cnt]) != LC_EOK) {
			return LC_EINVAL;
		}
		cnt++;
		p = skip_ws(q + 1);
		if (*p == ']') {
			p++;
			break;
		}
		if (*p++ != ',') {
			return LC_EMALF;
		}
		p = skip_ws(p);
	}
end:
	if (*skip_ws(p) != '\0') {
		return LC_EMALF;
	}
	*out_cnt = cnt;
	return LC_EOK;
}
