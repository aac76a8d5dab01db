/* SPDX-License-Identifier: MIT */
/* console.c -- console dispatch: routes, sessions, CSRF, security headers, page helpers */
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/form.h"
#include "util/error.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "web/console.h"
#include "web/web.h"

#define THROTTLE_SLOTS 16384

typedef struct route {
	const char *pattern; /* "*" matches one path segment */
	const char *method;  /* "GET" (HEAD too) or "POST" */
	bool need_user;
	bool need_staff;
	void (*fn)(web_ctx_t *c);
} route_t;

static const route_t routes[] = {
	{ "/", "GET", false, false, page_home },
	{ "/static/style.css", "GET", false, false, page_style },
	{ "/instant", "POST", false, false, page_instant },
	{ "/download", "POST", false, false, page_download },
	{ "/signup", "GET", false, false, page_signup },
	{ "/signup", "POST", false, false, page_signup },
	{ "/login", "GET", false, false, page_login },
	{ "/login", "POST", false, false, page_login },
	{ "/logout", "POST", false, false, page_logout },
	{ "/account", "GET", true, false, page_account },
	{ "/account", "POST", true, false, page_account },
	{ "/subdomains", "GET", true, false, page_subs },
	{ "/subdomains/new", "GET", true, false, page_sub_new },
	{ "/subdomains/new", "POST", true, false, page_sub_new },
	{ "/subdomains/*", "GET", true, false, page_sub },
	{ "/subdomains/*/txt", "POST", true, false, page_txt_add },
	{ "/subdomains/*/txt/delete", "POST", true, false, page_txt_delete },
	{ "/subdomains/*/delete", "GET", true, false, page_sub_delete },
	{ "/subdomains/*/delete", "POST", true, false, page_sub_delete },
	{ "/subdomains/*/keys", "POST", true, false, page_key_new },
	{ "/subdomains/*/keys/*/delete", "GET", true, false, page_key_delete },
	{ "/subdomains/*/keys/*/delete", "POST", true, false, page_key_delete },
	{ "/admin", "GET", true, true, page_stats },
};

static const conf_t *conf;
static web_limits_t limits;

const web_limits_t *web_limits(void)
{
	return &limits;
}

int web_init(const conf_t *c)
{
	conf = c;
	throttle_rule_t addr = { .window_max = c->login_fail_addr_max,
				 .window_s = c->login_fail_window_s };
	throttle_rule_t user = { .window_max = c->login_fail_max, .window_s = c->login_fail_window_s };
	throttle_rule_t signup = { .window_max = c->signup_per_day, .window_s = 86400 };
	limits.login_addr = throttle_new(&addr, THROTTLE_SLOTS);
	limits.login_user = throttle_new(&user, THROTTLE_SLOTS);
	limits.signup = throttle_new(&signup, THROTTLE_SLOTS);
	if (limits.login_addr == NULL || limits.login_user == NULL || limits.signup == NULL) {
		web_cleanup();
		return LC_ENOMEM;
	}
	return LC_EOK;
}

void web_cleanup(void)
{
	throttle_free(limits.login_addr);
	throttle_free(limits.login_user);
	throttle_free(limits.signup);
	memset(&limits, 0, sizeof(limits));
}

/* Match a path against a pattern, capturing "*" segments. */
static bool match(const char *pattern, const char *path, web_ctx_t *c)
{
	int arg = 0;
	while (*pattern && *path) {
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= sizeof(c->args[0]) || arg == WEB_ARGS_MAX) {
				return false;
			}
			memcpy(c->args[arg], path, n);
			c->args[arg++][n] = '\0';
			path += n;
			pattern++;
			continue;
		}
		if (*pattern != *path) {
			return false;
		}
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

/* The value of a cookie (RFC 6265 5.4: "a=1; b=2"), copied into out; false if absent. */
static bool cookie(const http_req_t *req, const char *name, char *out, size_t out_size)
{
	const char *h = http_req_header(req, "Cookie");
	size_t nlen = strlen(name);
	while (h != NULL && *h) {
		while (*h == ' ' || *h == ';') {
			h++;
		}
		size_t len = strcspn(h, ";");
		if (len > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=') {
			size_t vlen = len - nlen - 1;
			if (vlen >= out_size) {
				return false;
			}
			memcpy(out, h + nlen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		h += len;
	}
	return false;
}

static bool is_token(const char *s)
{
	return strlen(s) == USERS_TOKEN_LEN &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
		       USERS_TOKEN_LEN;
}

static void set_cookie(web_ctx_t *c, const char *name, const char *value, long max_age)
{
	char age[32] = "";
	if (max_age >= 0) {
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	}
	http_resp_header(c->resp, "Set-Cookie", "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name,
			 value, age, c->req->tls ? "; Secure" : "");
}

/* Who is asking: a live session from the cookie, or a visitor with a CSRF cookie. */
static void identify(web_ctx_t *c)
{
	char v[USERS_TOKEN_LEN + 2];
	if (cookie(c->req, "lc_session", v, sizeof(v)) && is_token(v) &&
	    users_session_get(v, &c->user, &c->session) == LC_EOK) {
		c->signed_in = true;
		memcpy(c->sid, v, sizeof(c->sid));
		memcpy(c->csrf, c->session.csrf, sizeof(c->csrf));
		OPENSSL_cleanse(v, sizeof(v));
		return;
	}
	OPENSSL_cleanse(v, sizeof(v));
	/* Visitors' forms (sign-in, sign-up, instant) carry a token that must equal
	 * a cookie only this site can set: another site can make the browser post
	 * a form, but cannot read or set the cookie (SameSite=Lax, HttpOnly). */
	if (cookie(c->req, "lc_csrf", v, sizeof(v)) && is_token(v)) {
		memcpy(c->csrf, v, sizeof(c->csrf));
	} else if (users_token(c->csrf) == LC_EOK) {
		c->set_visitor_csrf = true;
	}
}

static bool csrf_ok(const web_ctx_t *c)
{
	char got[USERS_TOKEN_LEN + 2] = "";
	web_field(c, "csrf", got, sizeof(got));
	return is_token(got) && is_token(c->csrf) && !c->set_visitor_csrf &&
	       CRYPTO_memcmp(got, c->csrf, USERS_TOKEN_LEN) == 0;
}

/*
 * CSP, X-Frame-Options, nosniff and the rest go on every response, API and
 * console alike, in http/server.c (http_security_headers). What is added here
 * depends on the request: HSTS over TLS and the visitor's CSRF cookie.
 */
static void security_headers(web_ctx_t *c)
{
	http_resp_t *r = c->resp;
	if (c->req->tls) {
		http_resp_header(r, "Strict-Transport-Security", "max-age=31536000");
	}
	if (c->set_visitor_csrf) {
		set_cookie(c, "lc_csrf", c->csrf, -1);
	}
}

static bool wants_html(const http_req_t *req)
{
	const char *accept = http_req_header(req, "Accept");
	return accept != NULL && strstr(accept, "text/html") != NULL;
}

/*
 * The methods the routes of this path take, for the Allow header of a 405 (RFC 9110
 * 15.5.6). Sets *staff_only when every route of the path is for staff.
 */
static const char *allowed(const char *path, web_ctx_t *c, bool *staff_only)
{
	bool get = false, post = false;
	*staff_only = true;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (match(routes[i].pattern, path, c)) {
			get = get || strcmp(routes[i].method, "GET") == 0;
			post = post || strcmp(routes[i].method, "POST") == 0;
			*staff_only = *staff_only && routes[i].need_staff;
		}
	}
	return get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : "POST";
}

bool web_dispatch(const http_req_t *req, http_resp_t *resp)
{
	if (conf == NULL || !conf->console_enabled ||
	    (conf->console_host != NULL && !http_req_host_is(req, conf->console_host))) {
		return false;
	}
	web_ctx_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return false;
	}
	c->req = req;
	c->resp = resp;
	c->conf = conf;
	bool is_get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	const route_t *rt = NULL;
	bool path_known = false;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]) && rt == NULL; i++) {
		if (match(routes[i].pattern, req->path, c)) {
			path_known = true;
			if (strcmp(routes[i].method, is_get ? "GET" : req->method) == 0) {
				rt = &routes[i];
			}
		}
	}
	if (!path_known && !wants_html(req)) {
		free(c);
		return false; /* the API's JSON 404 */
	}
	if (rt != NULL && rt->fn == page_style) {
		/* The stylesheet needs no session lookup and sets no cookie. */
		page_style(c);
		security_headers(c);
		free(c);
		return true;
	}
	identify(c);
	bool staff_only = false;
	const char *allow = path_known ? allowed(req->path, c, &staff_only) : NULL;
	if (rt != NULL) {
		match(rt->pattern, req->path, c); /* allowed() matched the other routes too */
	}
	if (staff_only && !(c->signed_in && c->user.is_staff)) {
		/* Staff pages do not exist for anyone else: not for visitors (no redirect to
		 * the sign-in page), and not for another method (no 405 with Allow). */
		path_known = false;
		if (!wants_html(req)) {
			OPENSSL_cleanse(c, sizeof(*c));
			free(c);
			return false; /* the API's JSON 404, as for any unknown path */
		}
	}
	if (!path_known) {
		web_not_found(c);
	} else if (rt == NULL) {
		web_message(c, 405, "Method not allowed", "This page does not take that method.");
		resp->allow = allow;
	} else if (!is_get && !csrf_ok(c)) {
		log_ratelimited(LOG_WARN, "web: %s %s from %s: missing or wrong CSRF token",
				req->method, req->path, req->client_text);
		web_message(c, 403, "Form expired",
			    "This form was not sent from this site's own page, or it has expired. "
			    "Go back, reload the page and try again.");
	} else if (rt->need_user && !c->signed_in) {
		if (is_get) {
			web_redirect(c, "/login");
		} else {
			web_message(c, 403, "Signed out", "Your session has ended. Sign in again.");
		}
	} else if (rt->need_staff && !c->user.is_staff) {
		web_not_found(c);
	} else {
		rt->fn(c);
	}
	security_headers(c);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
	return true;
}

/* ---- page helpers ---- */

static void nav(const web_ctx_t *c, html_t *h)
{
	if (c->signed_in) {
		html_raw(h, "<a href=\"/subdomains\">My subdomains</a><a href=\"/account\">");
		html_text(h, c->user.name);
		html_raw(h, "</a>");
		if (c->user.is_staff) {
			html_raw(h, "<a href=\"/admin\">Statistics</a>");
		}
		html_raw(h, "<form class=\"inline\" method=\"post\" action=\"/logout\">");
		web_csrf_field(c, h);
		html_raw(h, "<button class=\"link\" type=\"submit\">Log out</button></form>");
	} else {
		html_raw(h, "<a href=\"/login\">Log in</a>");
		if (c->conf->console_signup) {
			html_raw(h, "<a href=\"/signup\">Sign up</a>");
		}
	}
}

void web_page(web_ctx_t *c, unsigned status, const char *title, const html_t *content)
{
	html_t page, n;
	html_init(&page, WEB_PAGE_MAX);
	html_init(&n, 4096);
	nav(c, &n);
	tmpl_var_t vars[] = { TMPL_T("title", title), TMPL_H("nav", &n), TMPL_H("main", content) };
	int ret = tmpl_render(&page, "layout.html", vars, sizeof(vars) / sizeof(vars[0]));
	size_t len = 0;
	char *body = ret == LC_EOK ? html_take(&page, &len) : NULL;
	free(c->resp->body);
	c->resp->body = NULL;
	c->resp->body_len = 0;
	if (body == NULL) {
		log_err("web: rendering %s failed: %s", c->req->path, lc_strerror(ret ? ret : page.err));
		static const char fail[] = "Something went wrong on our side.\n";
		c->resp->body = strdup(fail);
		c->resp->body_len = c->resp->body != NULL ? strlen(fail) : 0;
		c->resp->status = 500;
		c->resp->content_type = "text/plain; charset=utf-8";
	} else {
		c->resp->body = body;
		c->resp->body_len = len;
		c->resp->status = status;
		c->resp->content_type = "text/html; charset=utf-8";
	}
	html_cleanup(&page);
	html_cleanup(&n);
}

void web_render(web_ctx_t *c, unsigned status, const char *title, const char *tmpl,
		const tmpl_var_t *vars, size_t var_cnt)
{
	html_t content;
	html_init(&content, WEB_PAGE_MAX);
	int ret = tmpl_render(&content, tmpl, vars, var_cnt);
	if (ret != LC_EOK && content.err == LC_EOK) {
		content.err = ret; /* makes web_page() answer 500 */
	}
	web_page(c, status, title, &content);
	html_cleanup(&content);
}

void web_message(web_ctx_t *c, unsigned status, const char *title, const char *message)
{
	tmpl_var_t vars[] = { TMPL_T("title", title), TMPL_T("message", message) };
	web_render(c, status, title, "message.html", vars, 2);
}

void web_not_found(web_ctx_t *c)
{
	web_message(c, 404, "Not found",
		    "There is nothing here, or it is not yours to see. Check the address, or go "
		    "back to your subdomains.");
}

void web_redirect(web_ctx_t *c, const char *fmt, ...)
{
	char loc[HTTP_RESP_HDR_VALUE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(loc, sizeof(loc), fmt, ap);
	va_end(ap);
	free(c->resp->body);
	c->resp->body = NULL;
	c->resp->body_len = 0;
	c->resp->status = 303;
	if (loc[0] != '/' || loc[1] == '/' || http_resp_header(c->resp, "Location", "%s", loc) !=
							  LC_EOK) {
		web_message(c, 500, "Error", "Something went wrong on our side.");
	}
}

void web_csrf_field(const web_ctx_t *c, html_t *h)
{
	html_raw(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_text(h, c->csrf);
	html_raw(h, "\">");
}

void web_field(const web_ctx_t *c, const char *key, char *out, size_t out_size)
{
	if (!form_is_form(c->req) ||
	    !form_get(c->req->body, c->req->body_len, key, out, out_size)) {
		out[0] = '\0';
	}
}

int web_sign_in(web_ctx_t *c, int64_t user_id)
{
	char sid[USERS_TOKEN_LEN + 1], csrf[USERS_TOKEN_LEN + 1];
	/* Always a new id: a session id fixed before sign-in is never promoted. */
	if (c->signed_in) {
		users_session_end(c->sid);
	}
	int ret = users_session_new(user_id, conf->session_lifetime_s, sid, csrf);
	if (ret == LC_EOK) {
		set_cookie(c, "lc_session", sid, (long)conf->session_lifetime_s);
		memcpy(c->sid, sid, sizeof(sid));
		memcpy(c->csrf, csrf, sizeof(csrf));
		c->set_visitor_csrf = false;
	}
	OPENSSL_cleanse(sid, sizeof(sid));
	return ret;
}

void web_sign_out(web_ctx_t *c)
{
	if (c->signed_in) {
		users_session_end(c->sid);
	}
	set_cookie(c, "lc_session", "", 0);
	c->signed_in = false;
}

unsigned web_user_limit(const web_ctx_t *c)
{
	return c->user.is_staff ? c->conf->console_staff_limit : c->conf->console_user_limit;
}

void web_time(int64_t t, char *out, size_t out_size)
{
	timefmt_utc(t, TIMEFMT_MINUTE, out, out_size);
}
