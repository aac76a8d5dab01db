/* SPDX-License-Identifier: MIT */
/* request.h -- one HTTP request and its response, as the handlers see them (no libmicrohttpd) */
#ifndef LC_HTTP_REQUEST_H
#define LC_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/cidr.h"

struct http_api;

/** A header or query-string argument of a request built in memory (no libmicrohttpd). */
typedef struct http_kv {
	const char *name;
	const char *value;
} http_kv_t;

/**
 * A request that has been read completely. Everything is borrowed and valid
 * only during the handler call.
 */
typedef struct http_req {
	const struct http_api *api; /**< server-wide state (conf, throttles) */
	const char *method;         /**< "GET", "POST", ... */
	const char *path;           /**< normalised: no repeated or trailing slash */
	const char *body;           /**< the body, NUL-terminated (may contain NULs); "" if none */
	size_t body_len;
	cidr_t client;              /**< the client: the TCP peer, or a trusted proxy's X-Forwarded-For */
	char client_text[CIDR_TEXT_MAX]; /**< client as text, for logs */
	void *conn;                 /**< libmicrohttpd connection, or NULL for a request built in
				     memory (fuzz drivers, tests): then the tables below are read */
	const http_kv_t *headers;   /**< when conn is NULL: the headers, in order */
	size_t header_cnt;
	const http_kv_t *query;     /**< when conn is NULL: the query-string arguments, in order */
	size_t query_cnt;
	bool tls;                   /**< came over TLS: a trusted proxy said X-Forwarded-Proto: https */
} http_req_t;

#define HTTP_RESP_HDR_MAX 12      /* extra response headers */
#define HTTP_RESP_HDR_VALUE 512   /* bytes per value, NUL included */

/** An extra response header (Set-Cookie, Location, Content-Security-Policy, ...). */
typedef struct http_hdr {
	const char *name;               /**< static string */
	char value[HTTP_RESP_HDR_VALUE];
} http_hdr_t;

/** What the handler answers. Fill with http_error() / jsonio_respond() or by hand. */
typedef struct http_resp {
	unsigned status;          /**< HTTP status; 0 means "not set" (becomes 500) */
	char *body;               /**< owned (malloc); freed by the server after sending; NULL = empty */
	size_t body_len;
	unsigned retry_after_s;   /**< > 0 adds Retry-After (429) */
	const char *allow;        /**< static string for the Allow header (405), or NULL */
	bool close;               /**< send "Connection: close" */
	const char *content_type; /**< static string; NULL = application/json (when there is a body) */
	http_hdr_t hdr[HTTP_RESP_HDR_MAX];
	unsigned hdr_cnt;
} http_resp_t;

/**
 * The headers every response carries, API and console, errors included (SPEC 3):
 * a strict Content-Security-Policy, X-Frame-Options DENY, X-Content-Type-Options
 * nosniff, Referrer-Policy no-referrer, Cross-Origin-Opener-Policy and
 * Cache-Control no-store. http/server.c adds them when it queues a response.
 */
extern const http_kv_t http_security_headers[];
/** How many entries http_security_headers has. */
extern const size_t http_security_header_cnt;

/**
 * Add a response header; the value is formatted like printf. A value that
 * holds a CR or LF is refused (header injection).
 * @param name a static string.
 * @return LC_EOK; LC_ESPACE (too many headers or value too long); LC_EINVAL (CR/LF).
 */
int http_resp_header(http_resp_t *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Is the request's Host header (port removed, any case) equal to name?
 * A missing Host never matches.
 */
bool http_req_host_is(const http_req_t *r, const char *name);

/** A request header (case-insensitive name), or NULL. The first one if repeated. Borrowed. */
const char *http_req_header(const http_req_t *r, const char *name);

/** The last header of that name (case-insensitive), or NULL. Borrowed. */
const char *http_req_header_last(const http_req_t *r, const char *name);

/** A query-string argument (case-insensitive name, as libmicrohttpd matches), or NULL. Borrowed. */
const char *http_req_query(const http_req_t *r, const char *name);

#endif
