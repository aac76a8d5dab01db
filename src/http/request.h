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
} http_req_t;

/** What the handler answers. Fill with http_error() / jsonio_respond() or by hand. */
typedef struct http_resp {
	unsigned status;          /**< HTTP status; 0 means "not set" (becomes 500) */
	char *body;               /**< owned (malloc); freed by the server after sending; NULL = empty */
	size_t body_len;
	unsigned retry_after_s;   /**< > 0 adds Retry-After (429) */
	const char *allow;        /**< static string for the Allow header (405), or NULL */
	bool close;               /**< send "Connection: close" */
} http_resp_t;

/** A request header (case-insensitive name), or NULL. The first one if repeated. Borrowed. */
const char *http_req_header(const http_req_t *r, const char *name);

/** The last header of that name (case-insensitive), or NULL. Borrowed. */
const char *http_req_header_last(const http_req_t *r, const char *name);

/** A query-string argument (case-insensitive name, as libmicrohttpd matches), or NULL. Borrowed. */
const char *http_req_query(const http_req_t *r, const char *name);

#endif
