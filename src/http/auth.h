/* SPDX-License-Identifier: MIT */
/* auth.h -- API credentials from a request, and who the client is (trusted proxies) */
#ifndef LC_HTTP_AUTH_H
#define LC_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"
#include "util/cidr.h"

#define AUTH_FIELD_MAX 128 /* longer user names or secrets are never valid */

/** The presented key id and secret. Caller-owned; wipe with auth_creds_wipe(). */
typedef struct auth_creds {
	char user[AUTH_FIELD_MAX];
	char key[AUTH_FIELD_MAX];
} auth_creds_t;

/**
 * Read credentials the way acme-dns clients send them: the X-Api-User and
 * X-Api-Key headers, or else HTTP Basic (RFC 7617) with the key id as user
 * name and the secret as password.
 * @return LC_EOK; LC_EAUTH (none, incomplete, too long, or undecodable).
 */
int auth_from_request(const http_req_t *r, auth_creds_t *out);

/** Wipe a credentials struct (OPENSSL_cleanse). Accepts NULL. */
void auth_creds_wipe(auth_creds_t *c);

/**
 * Decide the client address. The TCP peer, unless the peer is one of the
 * trusted proxies and sent X-Forwarded-For: then the rightmost address in
 * that header (the hop the proxy itself saw; anything left of it is what the
 * client claims, and a client can claim anything).
 * @param xff the last X-Forwarded-For header's value, or NULL.
 * @return LC_EOK (out always set; falls back to the peer when the header is unusable).
 */
int auth_client_addr(const cidr_t *peer, const char *xff, const cidr_t *trusted,
		     size_t trusted_cnt, cidr_t *out);

/**
 * Did the request reach the proxy over TLS? Only when the peer is a trusted
 * proxy and its X-Forwarded-Proto (the last one) says "https". localcertd
 * itself serves plain HTTP; TLS ends at the proxy in front of it.
 * @param xfp the last X-Forwarded-Proto header's value, or NULL.
 */
bool auth_forwarded_tls(const cidr_t *peer, const char *xfp, const cidr_t *trusted,
			size_t trusted_cnt);

#endif
