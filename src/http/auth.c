/* SPDX-License-Identifier: MIT */
/* auth.c -- credentials from headers or HTTP Basic; client address behind trusted proxies */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/auth.h"
#include "util/b64.h"
#include "util/error.h"

static int copy_field(char *out, const char *in, size_t len)
{
	if (len == 0 || len >= AUTH_FIELD_MAX) {
		return LC_EAUTH;
	}
	memcpy(out, in, len);
	out[len] = '\0';
	return LC_EOK;
}

static int from_basic(const char *header, auth_creds_t *out)
{
	/* RFC 7617: "Basic" (any case), one or more spaces, base64 of "user:password". */
	if (strncasecmp(header, "Basic ", 6) != 0) {
		return LC_EAUTH;
	}
	const char *b = header + 6;
	while (*b == ' ') {
		b++;
	}
	size_t blen = strlen(b);
	while (blen > 0 && b[blen - 1] == ' ') {
		blen--;
	}
	uint8_t raw[2 * AUTH_FIELD_MAX + 2];
	size_t raw_len = 0;
	int ret = LC_EAUTH;
	if (b64_std_decode(b, blen, raw, sizeof(raw) - 1, &raw_len) != LC_EOK) {
		goto out;
	}
	raw[raw_len] = '\0';
	const char *colon = memchr(raw, ':', raw_len);
	if (colon == NULL || memchr(raw, '\0', raw_len) != NULL) {
		goto out;
	}
	size_t ulen = (size_t)(colon - (const char *)raw);
	if (copy_field(out->user, (const char *)raw, ulen) != LC_EOK ||
	    copy_field(out->key, colon + 1, raw_len - ulen - 1) != LC_EOK) {
		goto out;
	}
	ret = LC_EOK;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	return ret;
}

int auth_from_request(const http_req_t *r, auth_creds_t *out)
{
	memset(out, 0, sizeof(*out));
	const char *user = http_req_header(r, "X-Api-User");
	const char *key = http_req_header(r, "X-Api-Key");
	int ret = LC_EAUTH;
	if (user != NULL && key != NULL) {
		ret = copy_field(out->user, user, strlen(user));
		if (ret == LC_EOK) {
			ret = copy_field(out->key, key, strlen(key));
		}
	} else {
		const char *basic = http_req_header(r, "Authorization");
		if (basic != NULL) {
			ret = from_basic(basic, out);
		}
	}
	if (ret != LC_EOK) {
		auth_creds_wipe(out);
	}
	return ret;
}

void auth_creds_wipe(auth_creds_t *c)
{
	if (c != NULL) {
		OPENSSL_cleanse(c, sizeof(*c));
	}
}

/* Parse one X-Forwarded-For element: "192.0.2.1", "2001:db8::1", "[2001:db8::1]:443", "192.0.2.1:443". */
static int parse_hop(const char *s, size_t len, cidr_t *out)
{
	char buf[CIDR_TEXT_MAX];
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
		len--;
	}
	if (len == 0 || len >= sizeof(buf)) {
		return LC_EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *addr = buf;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (close == NULL) {
			return LC_EINVAL;
		}
		*close = '\0';
		addr = buf + 1;
	} else {
		char *colon = strchr(buf, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			*colon = '\0'; /* IPv4 with a port */
		}
	}
	return cidr_parse_addr(addr, out);
}

int auth_client_addr(const cidr_t *peer, const char *xff, const cidr_t *trusted,
		     size_t trusted_cnt, cidr_t *out)
{
	*out = *peer;
	if (xff == NULL) {
		return LC_EOK;
	}
	bool peer_trusted = false;
	for (size_t i = 0; i < trusted_cnt && !peer_trusted; i++) {
		peer_trusted = cidr_contains(&trusted[i], peer);
	}
	if (!peer_trusted) {
		return LC_EOK;
	}
	const char *last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	cidr_t hop;
	if (parse_hop(last, strlen(last), &hop) == LC_EOK) {
		*out = hop;
	}
	return LC_EOK;
}

bool auth_forwarded_tls(const cidr_t *peer, const char *xfp, const cidr_t *trusted,
			size_t trusted_cnt)
{
	if (xfp == NULL) {
		return false;
	}
	bool peer_trusted = false;
	for (size_t i = 0; i < trusted_cnt && !peer_trusted; i++) {
		peer_trusted = cidr_contains(&trusted[i], peer);
	}
	/* Several proxies may each have appended a value: the last one is our proxy's. */
	const char *last = strrchr(xfp, ',');
	last = last != NULL ? last + 1 : xfp;
	while (*last == ' ' || *last == '\t') {
		last++;
	}
	return peer_trusted && strncasecmp(last, "https", 5) == 0 &&
	       (last[5] == '\0' || last[5] == ' ' || last[5] == '\t');
}
