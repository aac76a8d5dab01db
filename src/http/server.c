/* SPDX-License-Identifier: MIT */
/* server.c -- libmicrohttpd setup, request body collection with a cap, dispatch, responses */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/api.h"
#include "http/auth.h"
#include "http/deadline.h"
#include "http/errors.h"
#include "http/jsonio.h"
#include "http/router.h"
#include "http/server.h"
#include "util/error.h"
#include "util/hostport.h"
#include "util/log.h"

/*
 * Connection limits come from [api] conn_max, conn_per_addr and
 * idle_timeout_s. libmicrohttpd's timeout counts silence only, so a client
 * that trickles its headers or body a byte at a time would hold a connection
 * (and, with a thread per connection, a thread) for ever: each request must
 * be in within [api] request_timeout_s of its start (http/deadline.h), or the
 * connection is closed.
 */
#define LISTEN_BACKLOG 128
/*
 * A body over body_max is answered 413, but only after it has been read (up
 * to this much): answering early and closing with unread data makes the
 * kernel send RST, and the client may then never see the 413.
 */
#define DRAIN_MAX (1024 * 1024)
/*
 * How much of the thread's stack below handle() is wiped after each request:
 * the handlers (JSON encoding of new credentials, Basic decoding, password
 * checks) ran there and left copies in dead stack frames. Measured depth is
 * under 20 KiB; the scrub costs a few microseconds.
 */
#define STACK_SCRUB (64 * 1024)
/*
 * Per-connection memory of libmicrohttpd (its default is 32 KiB). Above
 * 32 KiB it maps the pool with mmap() and unmaps it when the connection
 * closes, so whatever a client sent that never reached our callbacks (a
 * malformed header line holding a key, say) leaves the process with it.
 */
#define CONN_MEMORY (64 * 1024)
/*
 * libmicrohttpd accepts this many connections beyond [api] conn_max; past
 * conn_max, deadline_admit() closes the connection idle longest for each new
 * one, so newcomers get in while a few clients hold many idle connections.
 */
#define CONN_HEADROOM 16

struct http_server {
	struct MHD_Daemon *mhd;
	http_api_t api;
	deadline_t *deadline;
	int fd;
};

/* Per-request state: the connection-context pointer (STYLE 2.4 rule 8). */
typedef struct conn_state {
	char *body;
	size_t len;      /* bytes kept */
	size_t cap;
	size_t seen;     /* bytes received, kept or not */
	bool too_large;
	bool answered;   /* a response was queued before the body was read */
	struct MHD_Response *resp; /* our reference, kept until completion to wipe its headers */
} conn_state_t;

/*
 * A request built in memory (conn == NULL) carries its headers and query
 * arguments in tables; these lookups match names the way libmicrohttpd does
 * (case-insensitively), so handlers behave the same either way.
 */
static const char *kv_find(const http_kv_t *kv, size_t cnt, const char *name, bool last)
{
	const char *found = NULL;
	for (size_t i = 0; i < cnt; i++) {
		if (kv[i].name != NULL && strcasecmp(kv[i].name, name) == 0) {
			found = kv[i].value;
			if (!last) {
				break;
			}
		}
	}
	return found;
}

const char *http_req_header(const http_req_t *r, const char *name)
{
	if (r->conn == NULL) {
		return kv_find(r->headers, r->header_cnt, name, false);
	}
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_req_query(const http_req_t *r, const char *name)
{
	if (r->conn == NULL) {
		return kv_find(r->query, r->query_cnt, name, false);
	}
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Iterator state for http_req_header_last() over libmicrohttpd's header list. */
typedef struct last_hdr {
	const char *name;
	const char *value;
} last_hdr_t;

static enum MHD_Result keep_last(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	(void)kind;
	last_hdr_t *l = cls;
	if (strcasecmp(key, l->name) == 0) {
		l->value = value;
	}
	return MHD_YES;
}

const char *http_req_header_last(const http_req_t *r, const char *name)
{
	if (r->conn == NULL) {
		return kv_find(r->headers, r->header_cnt, name, true);
	}
	last_hdr_t l = { name, NULL };
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, keep_last, &l);
	return l.value;
}

/* Free a response body after sending, wiping it first: it may hold a new key's secret. */
static void wipe_free(void *p)
{
	if (p != NULL) {
		OPENSSL_cleanse(p, strlen(p));
		free(p);
	}
}

/*
 * Queue a response. Takes r->body (a NUL-terminated text) and sets it to NULL.
 * Our reference to the response is kept in cs until the request completes, so
 * that on_completed() can wipe header values libmicrohttpd copied (Set-Cookie
 * may carry a new session id) before the response is freed.
 */
static enum MHD_Result send_resp(struct MHD_Connection *conn, conn_state_t *cs, http_resp_t *r)
{
	struct MHD_Response *mr;
	if (r->body != NULL) {
		mr = MHD_create_response_from_buffer_with_free_callback(r->body_len, r->body,
									 wipe_free);
		if (mr == NULL) {
			wipe_free(r->body);
		}
		r->body = NULL;
	} else {
		mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (mr == NULL) {
		return MHD_NO;
	}
	if (r->body_len > 0) {
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->content_type != NULL ? r->content_type : "application/json");
	}
	for (unsigned i = 0; i < r->hdr_cnt; i++) {
		MHD_add_response_header(mr, r->hdr[i].name, r->hdr[i].value);
	}
	for (size_t i = 0; i < http_security_header_cnt; i++) {
		MHD_add_response_header(mr, http_security_headers[i].name,
					http_security_headers[i].value);
	}
	if (r->retry_after_s > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%u", r->retry_after_s);
		MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, v);
	}
	if (r->allow != NULL) {
		MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, r->allow);
	}
	if (r->close) {
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
	}
	enum MHD_Result ret = MHD_queue_response(conn, r->status ? r->status : 500, mr);
	if (ret == MHD_YES && cs->resp == NULL) {
		cs->resp = mr;
	} else {
		MHD_destroy_response(mr);
	}
	return ret;
}

/* Iterator state: how many times the request carries each framing header. */
typedef struct framing {
	unsigned content_length, transfer_encoding;
} framing_t;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	(void)value;
	framing_t *f = cls;
	f->content_length += strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0;
	f->transfer_encoding += strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0;
	return MHD_YES;
}

/*
 * Two Content-Length headers, or Content-Length beside Transfer-Encoding, frame
 * the body ambiguously: a proxy in front may read it one way and
 * libmicrohttpd (which takes the first Content-Length) the other, so that the
 * rest of the body is taken for a second, smuggled request (RFC 9112 6.1,
 * 6.3). Such a request is refused and its connection closed.
 * @return why the framing is refused, or NULL when it is not.
 */
static const char *bad_framing(struct MHD_Connection *conn)
{
	framing_t f = { 0, 0 };
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.content_length > 1) {
		return "more than one Content-Length header";
	}
	if (f.transfer_encoding > 1) {
		return "more than one Transfer-Encoding header";
	}
	if (f.content_length == 1 && f.transfer_encoding == 1) {
		return "both Content-Length and Transfer-Encoding: the body length is ambiguous";
	}
	return NULL;
}

static enum MHD_Result send_too_large(struct MHD_Connection *conn, conn_state_t *cs,
				      size_t body_max)
{
	http_resp_t r;
	char msg[96];
	memset(&r, 0, sizeof(r));
	snprintf(msg, sizeof(msg), "the request body is larger than %zu bytes", body_max);
	http_error(&r, 413, "body_too_large", msg);
	r.close = true;
	return send_resp(conn, cs, &r);
}

/* Wipe and free a request body buffer (it may hold a password or a secret). */
static void wipe_buf(char *p, size_t cap)
{
	if (p != NULL) {
		OPENSSL_cleanse(p, cap);
		free(p);
	}
}

/* Append a chunk of body, up to body_max; beyond that only count it. */
static void collect(conn_state_t *cs, const char *data, size_t len, size_t body_max)
{
	cs->seen += len;
	if (cs->too_large || cs->len + len > body_max) {
		cs->too_large = true;
		wipe_buf(cs->body, cs->cap);
		cs->body = NULL;
		cs->len = cs->cap = 0;
		return;
	}
	if (cs->len + len + 1 > cs->cap) {
		size_t cap = cs->cap ? cs->cap : 1024;
		while (cap < cs->len + len + 1) {
			cap *= 2;
		}
		if (cap > body_max + 1) {
			cap = body_max + 1;
		}
		/* Not realloc: a body may hold a password, and realloc would leave a copy
		 * behind in freed memory. */
		char *b = malloc(cap);
		if (b == NULL) {
			/* Out of memory for one body: treat it as unprocessable. */
			cs->too_large = true;
			return;
		}
		if (cs->body != NULL) {
			memcpy(b, cs->body, cs->len);
		}
		wipe_buf(cs->body, cs->cap);
		cs->body = b;
		cs->cap = cap;
	}
	memcpy(cs->body + cs->len, data, len);
	cs->len += len;
	cs->body[cs->len] = '\0';
}

/* The whole request is in: route and answer (router_serve() works out the client). */
static enum MHD_Result handle(http_server_t *h, struct MHD_Connection *conn, const char *url,
			      const char *method, conn_state_t *cs)
{
	http_req_t req;
	http_resp_t resp;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.api = &h->api;
	req.method = method;
	req.body = cs->body != NULL ? cs->body : "";
	req.body_len = cs->len;
	req.conn = conn;

	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	cidr_t peer;
	if (ci == NULL || cidr_from_sockaddr(ci->client_addr, &peer) != LC_EOK) {
		return MHD_NO;
	}
	router_serve(&req, &peer, url, &resp);
	enum MHD_Result ret = send_resp(conn, cs, &resp);
	/* Its headers may carry a new session id (Set-Cookie). */
	OPENSSL_cleanse(&resp, sizeof(resp));
	return ret;
}

/* Wipe the stack area the handlers used below the caller (see STACK_SCRUB). */
static void __attribute__((noinline)) scrub_stack(void)
{
	unsigned char dead[STACK_SCRUB];
	/* explicit_bzero(): memset's wide stores, and kept like OPENSSL_cleanse()
	 * (whose 8-byte store loop was 3 % of the CPU at 10,000 updates/s). */
	explicit_bzero(dead, sizeof(dead));
}

/* The connection's deadline entry (NULL when it has none). */
static deadline_conn_t *conn_deadline(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	(void)version;
	http_server_t *h = cls;
	conn_state_t *cs = *con_cls;
	size_t body_max = h->api.conf->body_max;

	if (cs == NULL) {
		/* First call: headers only. */
		cs = calloc(1, sizeof(*cs));
		if (cs == NULL) {
			return MHD_NO;
		}
		*con_cls = cs;
		const char *why = bad_framing(conn);
		if (why != NULL) {
			log_ratelimited(LOG_INFO, "http: refused a request: %s", why);
			http_resp_t r;
			memset(&r, 0, sizeof(r));
			http_error(&r, 400, "bad_framing", why);
			r.close = true;
			cs->answered = true;
			return send_resp(conn, cs, &r);
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > DRAIN_MAX) {
			cs->answered = true;
			return send_too_large(conn, cs, body_max);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!cs->answered) {
			collect(cs, upload_data, *upload_data_size, body_max);
		}
		/* The copy is ours now; wipe libmicrohttpd's (its read buffer), which it
		 * never reads again once consumed. A body may hold a password. */
		OPENSSL_cleanse((void *)upload_data, *upload_data_size);
		*upload_data_size = 0;
		/* A chunked body that keeps coming is cut off (one that trickles in is
		 * cut by the request deadline). */
		if (cs->seen > DRAIN_MAX) {
			log_ratelimited(LOG_INFO, "http: a request body was too large; "
						  "connection closed");
			return MHD_NO;
		}
		return MHD_YES;
	}
	/* The whole request is in: its time to arrive is up, the answer is ours. */
	deadline_hold(conn_deadline(conn));
	if (cs->answered) {
		return MHD_YES;
	}
	if (cs->too_large) {
		return send_too_large(conn, cs, body_max);
	}
	enum MHD_Result ret = handle(h, conn, url, method, cs);
	scrub_stack();
	return ret;
}

/* Headers whose values are secrets: API keys, Basic credentials, session cookies. */
static bool secret_header(const char *name)
{
	return strcasecmp(name, "X-Api-Key") == 0 || strcasecmp(name, "Authorization") == 0 ||
	       strcasecmp(name, "Cookie") == 0 || strcasecmp(name, "Set-Cookie") == 0;
}

/*
 * Wipe a secret header value in place. The values live in libmicrohttpd's
 * connection buffer (request) or in its copy of our response header; both
 * are writable memory it does not read again once the request is complete.
 */
static enum MHD_Result wipe_secret_header(void *cls, enum MHD_ValueKind kind, const char *key,
					  const char *value)
{
	(void)cls;
	(void)kind;
	if (key != NULL && value != NULL && secret_header(key)) {
		OPENSSL_cleanse((void *)value, strlen(value));
	}
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	conn_state_t *cs = *con_cls;
	if (conn != NULL) {
		MHD_get_connection_values(conn, MHD_HEADER_KIND, wipe_secret_header, NULL);
		/* A keep-alive connection's next request gets a deadline of its own. */
		deadline_restart(conn_deadline(conn));
	}
	if (cs != NULL) {
		if (cs->resp != NULL) {
			MHD_get_response_headers(cs->resp, wipe_secret_header, NULL);
			MHD_destroy_response(cs->resp);
		}
		wipe_buf(cs->body, cs->cap);
		free(cs);
		*con_cls = NULL;
	}
}

/*
 * A connection opens or closes. libmicrohttpd calls CLOSED before it closes
 * the socket, so the watchdog never shuts down an fd that was reused.
 */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	http_server_t *h = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ca =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		cidr_t peer;
		bool known = ca != NULL && cidr_from_sockaddr(ca->client_addr, &peer) == LC_EOK;
		*socket_context = ci != NULL ? deadline_add(h->deadline, ci->connect_fd,
							    known ? &peer : NULL)
					     : NULL;
		/* Per /64 as well as libmicrohttpd's per address, and room for newcomers. */
		deadline_admit(h->deadline, *socket_context, h->api.conf->conn_max,
			       known ? h->api.conf->conn_per_addr : 0);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		deadline_remove(h->deadline, *socket_context);
		*socket_context = NULL;
	}
}

/* Paths and query arguments: %00 must not cut a path short (router_unescape()). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return router_unescape(s);
}

/* The format comes from libmicrohttpd; the attribute tells clang it is one (-Wformat-nonliteral). */
static void __attribute__((format(printf, 2, 0)))
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_ratelimited(LOG_DEBUG, "http: libmicrohttpd: %s", line);
}

/* Create, bind and listen: done here rather than by libmicrohttpd so a failure
 * can be reported with its cause ("Address already in use"). */
static int listen_on(const char *text, int *out_fd, char *err, size_t err_len)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (text == NULL || hostport_parse(text, &ss, &len) != LC_EOK) {
		snprintf(err, err_len, "http_listen: \"%s\" is not ADDR:PORT or [V6]:PORT",
			 text ? text : "");
		return LC_EINVAL;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, err_len, "http socket: %s", strerror(errno));
		return LC_EIO;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6) {
		/* "[::]:port" takes IPv4 clients too, as ::ffff:a.b.c.d (matched as IPv4). */
		int zero = 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
		snprintf(err, err_len, "http bind %s: %s", text, strerror(errno));
		close(fd);
		return LC_EIO;
	}
	*out_fd = fd;
	return LC_EOK;
}

int http_server_start(const conf_t *c, store_t *st, http_server_t **out, char *err,
		      size_t err_len)
{
	(void)st; /* every store access goes through ctl/ops, which owns the writer mutex */
	http_server_t *h = calloc(1, sizeof(*h));
	if (h == NULL) {
		snprintf(err, err_len, "out of memory");
		return LC_ENOMEM;
	}
	h->fd = -1;
	/* Before any request thread exists: jansson's blocks are wiped when freed. */
	jsonio_wipe_on_free();
	int ret = http_api_init(&h->api, c, err, err_len);
	if (ret != LC_EOK) {
		goto fail;
	}
	ret = listen_on(c->http_listen, &h->fd, err, err_len);
	if (ret != LC_EOK) {
		goto fail;
	}
	h->deadline = deadline_new(c->request_timeout_s * 1000);
	if (h->deadline == NULL) {
		snprintf(err, err_len, "could not start the HTTP request watchdog");
		ret = LC_ENOMEM;
		goto fail;
	}
	/*
	 * http_threads = 0 (the default) gives each connection a thread of its
	 * own. A handler that changes data blocks until its batch is committed
	 * and published (ctl/batch.h). In a pool, that stalls every other
	 * connection of the same pool thread, and the pool size caps how many
	 * changes can share one fsync: 16 keep-alive clients got about 5,000
	 * updates/s from a pool of 4 and 11,000-15,000 with a thread per
	 * connection (docs/storage.md). [api] conn_max bounds the threads.
	 */
	unsigned threads = c->http_threads;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	if (threads == 0) {
		flags |= MHD_USE_THREAD_PER_CONNECTION;
	}
	if (c->http_listen[0] == '[') {
		flags |= MHD_USE_IPv6;
	}
	/* The pool size only when there is a pool: libmicrohttpd warns about a size of 0. */
	struct MHD_OptionItem pool[] = {
		{ threads > 0 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	/* The logger first, so that whatever libmicrohttpd says about the options
	 * after it goes to our log, not to its default stderr printer. */
	h->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, on_access, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_LISTEN_SOCKET, h->fd, MHD_OPTION_ARRAY, pool,
		MHD_OPTION_CONNECTION_LIMIT, c->conn_max + CONN_HEADROOM,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->conn_per_addr,
		MHD_OPTION_CONNECTION_TIMEOUT, c->idle_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, h, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h, MHD_OPTION_END);
	if (h->mhd == NULL) {
		snprintf(err, err_len, "could not start the HTTP server on %s", c->http_listen);
		ret = LC_EIO;
		goto fail;
	}
	if (threads == 0) {
		log_info("http: API listening on %s (a thread per connection)", c->http_listen);
	} else {
		log_info("http: API listening on %s (%u threads)", c->http_listen, threads);
	}
	*out = h;
	return LC_EOK;
fail:
	if (h->fd >= 0) {
		close(h->fd);
	}
	deadline_free(h->deadline);
	http_api_cleanup(&h->api);
	free(h);
	return ret;
}

void http_server_stop(http_server_t *h)
{
	if (h == NULL) {
		return;
	}
	/* Stop accepting first; MHD_stop_daemon then waits for running requests. */
	MHD_socket fd = MHD_quiesce_daemon(h->mhd);
	MHD_stop_daemon(h->mhd);
	if (fd != MHD_INVALID_SOCKET) {
		close(fd);
	}
	/* After the daemon: every connection has been closed and unregistered. */
	deadline_free(h->deadline);
	http_api_cleanup(&h->api);
	free(h);
}
