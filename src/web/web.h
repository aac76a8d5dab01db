/* SPDX-License-Identifier: MIT */
/* web.h -- what the console's page files share: the request context and page helpers */
#ifndef LC_WEB_WEB_H
#define LC_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "ctl/users.h"
#include "http/request.h"
#include "http/throttle.h"
#include "web/html.h"
#include "web/tmpl.h"

#define WEB_PAGE_MAX (256 * 1024) /* bytes of HTML per page */
#define WEB_ARGS_MAX 2            /* "*" parts of a route pattern */
#define WEB_FIELD_MAX 512         /* bytes of one decoded form field */

/** One console request. Lives on the dispatcher's stack for the handler call. */
typedef struct web_ctx {
	const http_req_t *req;
	http_resp_t *resp;
	const conf_t *conf;
	bool signed_in;
	user_rec_t user;                    /**< when signed_in */
	session_rec_t session;              /**< when signed_in */
	char sid[USERS_TOKEN_LEN + 1];      /**< the session cookie (a secret), or "" */
	char csrf[USERS_TOKEN_LEN + 1];     /**< the token forms carry: the session's, or the
					      visitor's lc_csrf cookie */
	bool set_visitor_csrf;              /**< send the lc_csrf cookie with this response */
	char args[WEB_ARGS_MAX][256];       /**< the "*" parts of the matched route */
} web_ctx_t;

/** Throttles the pages share (console.c owns them). */
typedef struct web_limits {
	throttle_t *login_addr;  /**< failed sign-ins per client address */
	throttle_t *login_user;  /**< failed sign-ins per account */
	throttle_t *signup;      /**< accounts created per client address */
} web_limits_t;

/** The console's throttles. */
const web_limits_t *web_limits(void);

/**
 * Render a page: the content template tmpl with vars, inside the layout, as
 * the response with status. On a rendering failure the answer is a plain 500.
 */
void web_render(web_ctx_t *c, unsigned status, const char *title, const char *tmpl,
		const tmpl_var_t *vars, size_t var_cnt);

/** Render a fragment as the page's content inside the layout. */
void web_page(web_ctx_t *c, unsigned status, const char *title, const html_t *content);

/** A short page with a heading and one message (errors, refusals). */
void web_message(web_ctx_t *c, unsigned status, const char *title, const char *message);

/** 404 page: also what another user's subdomain or key looks like. */
void web_not_found(web_ctx_t *c);

/** 303 See Other to a local path (formatted); the browser then GETs it. */
void web_redirect(web_ctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Write the hidden CSRF field of a form. */
void web_csrf_field(const web_ctx_t *c, html_t *h);

/** A decoded field of the POSTed form; "" when absent or unreadable. */
void web_field(const web_ctx_t *c, const char *key, char *out, size_t out_size);

/** Sign in: start a session and set its cookie. @return LC_EOK or an error (page not set). */
int web_sign_in(web_ctx_t *c, int64_t user_id);

/** Sign out: end the session (if any) and clear the cookie. */
void web_sign_out(web_ctx_t *c);

/** How many subdomains the signed-in user may own. */
unsigned web_user_limit(const web_ctx_t *c);

/** Format unix seconds as "2026-12-03 19:20 UTC" ("never" for 0, "unknown" out of range: timefmt_utc()). */
void web_time(int64_t t, char *out, size_t out_size);

/**
 * The page that shows a new key's secret once, with ready-to-copy client
 * settings and download buttons (page_keys.c).
 */
void web_key_page(web_ctx_t *c, const ops_creds_t *creds);

/**
 * Load the subdomain named by the route's first "*" (its full name) if the
 * signed-in user owns it and it is live; otherwise answer 404 (the same for
 * "absent" and "someone else's") and return false.
 */
bool web_own_sub(web_ctx_t *c, sub_rec_t *out);

/* Page handlers (page_*.c). Each fills c->resp. */
void page_home(web_ctx_t *c);
void page_instant(web_ctx_t *c);
void page_download(web_ctx_t *c);
void page_style(web_ctx_t *c);
void page_signup(web_ctx_t *c);
void page_login(web_ctx_t *c);
void page_logout(web_ctx_t *c);
void page_account(web_ctx_t *c);
void page_subs(web_ctx_t *c);
void page_sub_new(web_ctx_t *c);
void page_sub(web_ctx_t *c);
void page_txt_add(web_ctx_t *c);
void page_txt_delete(web_ctx_t *c);
void page_sub_delete(web_ctx_t *c);
void page_key_new(web_ctx_t *c);
void page_key_delete(web_ctx_t *c);
void page_stats(web_ctx_t *c);

#endif
