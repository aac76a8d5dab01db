/* SPDX-License-Identifier: MIT */
/* page_account.c -- sign up, log in (throttled), log out, change password */
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "http/api.h"
#include "util/error.h"
#include "util/log.h"
#include "util/validate.h"
#include "web/web.h"

static void alert_error(html_t *h, const char *msg)
{
	if (msg != NULL && msg[0] != '\0') {
		html_raw(h, "<p class=\"alert error\" role=\"alert\">");
		html_text(h, msg);
		html_raw(h, "</p>");
	}
}

/*
 * The per-account sign-in throttle is keyed like an address: the throttle
 * counts per /64, so the account's key is an IPv6 /64 made from a hash of
 * the name (a separate table from the per-address one).
 */
static void account_key(const char *name, cidr_t *out)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	memset(out, 0, sizeof(*out));
	SHA256((const unsigned char *)name, strlen(name), h);
	out->family = AF_INET6;
	memcpy(out->addr, h, 8);
	out->prefix = 128;
}

static void minutes_msg(char *out, size_t out_size, const char *who, unsigned retry_s)
{
	unsigned m = (retry_s + 59) / 60;
	snprintf(out, out_size,
		 "Too many failed sign-ins %s. Wait %u minute%s, then try again%s.", who, m,
		 m == 1 ? "" : "s",
		 strcmp(who, "for this account") == 0 ? " (or ask an operator to reset the password)"
						      : "");
}

/*
 * Check a password under the sign-in throttles (per address and per
 * account), for sign-in and for the password change alike.
 *
 * The attempt is charged *before* Argon2id runs, atomically with the check,
 * and given back afterwards unless the password was wrong. Checking first and
 * counting after the (slow) verification let every one of 40 parallel wrong
 * passwords through: none had been counted when the others checked. A
 * refused attempt costs no Argon2id run, and the run itself takes one of the
 * USERS_HASH_MAX slots (ctl/users.c), so a burst cannot take the memory of
 * one run per connection.
 *
 * @return LC_EOK (out_user set); LC_EAUTH (wrong; counted); LC_ETHROTTLE (msg says which
 *         limit, *out_retry_s set); LC_EBUSY (no hashing slot; retry in a second);
 *         another code (store failure).
 */
static int check_password(web_ctx_t *c, const char *name, const char *password,
			  user_rec_t *out_user, char *msg, size_t msg_size, unsigned *out_retry_s)
{
	const web_limits_t *lim = web_limits();
	const cidr_t *client = &c->req->client;
	double now = http_api_now();
	cidr_t acct;
	account_key(name, &acct);
	if (!throttle_take(lim->login_addr, client, now, out_retry_s)) {
		minutes_msg(msg, msg_size, "from your address", *out_retry_s);
		return LC_ETHROTTLE;
	}
	if (!throttle_take(lim->login_user, &acct, now, out_retry_s)) {
		throttle_refund(lim->login_addr, client, now);
		minutes_msg(msg, msg_size, "for this account", *out_retry_s);
		return LC_ETHROTTLE;
	}
	int ret = users_login(name, password, out_user);
	if (ret != LC_EAUTH) {
		/* Only wrong passwords count: a sign-in that worked, or one the server
		 * could not check (busy, store failure), is given back. */
		now = http_api_now();
		throttle_refund(lim->login_addr, client, now);
		throttle_refund(lim->login_user, &acct, now);
	}
	if (ret == LC_EBUSY) {
		*out_retry_s = 1;
		snprintf(msg, msg_size, "Too many sign-ins are being checked right now. Try again "
					"in a moment.");
	}
	return ret;
}

static void render_login(web_ctx_t *c, unsigned status, const char *error, const char *name)
{
	html_t err, csrf, signup;
	html_init(&err, 2048);
	html_init(&csrf, 256);
	html_init(&signup, 512);
	alert_error(&err, error);
	web_csrf_field(c, &csrf);
	if (c->conf->console_signup) {
		html_raw(&signup, "<p class=\"muted\">No account yet? <a href=\"/signup\">Sign up"
				  "</a>.</p>");
	}
	tmpl_var_t vars[] = { TMPL_H("error", &err), TMPL_H("csrf", &csrf), TMPL_T("name", name),
			      TMPL_H("signup", &signup) };
	web_render(c, status, "Log in", "login.html", vars, 4);
	html_cleanup(&err);
	html_cleanup(&csrf);
	html_cleanup(&signup);
}

void page_login(web_ctx_t *c)
{
	if (strcmp(c->req->method, "POST") != 0) {
		if (c->signed_in) {
			web_redirect(c, "/subdomains");
			return;
		}
		render_login(c, 200, NULL, "");
		return;
	}
	char name[WEB_FIELD_MAX], password[WEB_FIELD_MAX], msg[256] = "";
	const http_req_t *req = c->req;
	unsigned retry = 0;
	user_rec_t u;
	web_field(c, "name", name, sizeof(name));
	web_field(c, "password", password, sizeof(password));
	validate_lower(name);
	int ret = check_password(c, name, password, &u, msg, sizeof(msg), &retry);
	OPENSSL_cleanse(password, sizeof(password));
	if (ret == LC_EOK) {
		if (web_sign_in(c, u.id) != LC_EOK) {
			web_message(c, 503, "Try again", "Signing in failed. Try again later.");
		} else {
			log_info("web: user %s signed in from %s", u.name, req->client_text);
			web_redirect(c, "/subdomains");
		}
		OPENSSL_cleanse(&u, sizeof(u));
		return;
	}
	if (ret == LC_EAUTH) {
		log_ratelimited(LOG_WARN, "web: failed sign-in from %s", req->client_text);
		render_login(c, 401, "The user name or the password is wrong.", name);
		return;
	}
	if (ret == LC_ETHROTTLE || ret == LC_EBUSY) {
		log_ratelimited(LOG_WARN, "web: sign-in from %s %s", req->client_text,
				ret == LC_EBUSY ? "refused: password hashing busy" : "throttled");
		c->resp->retry_after_s = retry;
		render_login(c, ret == LC_EBUSY ? 503 : 429, msg, name);
		return;
	}
	web_message(c, 503, "Try again", "Signing in failed. Try again later.");
}

static void render_signup(web_ctx_t *c, unsigned status, const char *error, const char *name)
{
	html_t err, csrf;
	html_init(&err, 2048);
	html_init(&csrf, 256);
	alert_error(&err, error);
	web_csrf_field(c, &csrf);
	tmpl_var_t vars[] = { TMPL_H("error", &err), TMPL_H("csrf", &csrf), TMPL_T("name", name) };
	web_render(c, status, "Sign up", "signup.html", vars, 3);
	html_cleanup(&err);
	html_cleanup(&csrf);
}

void page_signup(web_ctx_t *c)
{
	if (!c->conf->console_signup) {
		web_message(c, 403, "Sign-up is closed",
			    "This service does not take new accounts. Ask its operator for one.");
		return;
	}
	if (strcmp(c->req->method, "POST") != 0) {
		render_signup(c, 200, NULL, "");
		return;
	}
	char name[WEB_FIELD_MAX], pw[WEB_FIELD_MAX], pw2[WEB_FIELD_MAX], msg[WEB_FIELD_MAX + 64];
	const char *problem = NULL;
	unsigned status = 422;
	web_field(c, "name", name, sizeof(name));
	web_field(c, "password", pw, sizeof(pw));
	web_field(c, "password2", pw2, sizeof(pw2));
	validate_lower(name);
	if ((problem = users_name_problem(name)) != NULL ||
	    (problem = users_password_problem(pw)) != NULL) {
		snprintf(msg, sizeof(msg), "%c%s.", problem[0] - 'a' + 'A', problem + 1);
	} else if (strcmp(pw, pw2) != 0) {
		snprintf(msg, sizeof(msg), "The two passwords differ.");
	} else {
		unsigned retry = 0;
		int64_t id = 0;
		int ret = LC_ETHROTTLE;
		/* Charged before the account is made (two parallel sign-ups cannot both
		 * take the last one), and given back unless it was made: a taken name
		 * or a busy server uses no quota. */
		if (throttle_take(web_limits()->signup, &c->req->client, http_api_now(), &retry)) {
			ret = users_create(name, pw, false, &id);
			if (ret != LC_EOK) {
				throttle_refund(web_limits()->signup, &c->req->client, http_api_now());
			}
		}
		if (ret == LC_EOK && web_sign_in(c, id) == LC_EOK) {
			OPENSSL_cleanse(pw, sizeof(pw));
			OPENSSL_cleanse(pw2, sizeof(pw2));
			log_info("web: user %s signed up from %s", name, c->req->client_text);
			web_redirect(c, "/subdomains");
			return;
		}
		if (ret == LC_EEXIST) {
			snprintf(msg, sizeof(msg), "The user name %s is taken.", name);
			status = 409;
		} else if (ret == LC_ETHROTTLE) {
			snprintf(msg, sizeof(msg), "Too many new accounts from your address today. "
						   "Try again tomorrow.");
			c->resp->retry_after_s = retry;
			status = 429;
		} else if (ret == LC_EBUSY) {
			snprintf(msg, sizeof(msg), "The server is busy. Try again in a moment.");
			c->resp->retry_after_s = 1;
			status = 503;
		} else {
			snprintf(msg, sizeof(msg), "The account could not be created. Try again later.");
			status = 503;
		}
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(pw2, sizeof(pw2));
	render_signup(c, status, msg, name);
}

void page_logout(web_ctx_t *c)
{
	if (c->signed_in) {
		log_info("web: user %s signed out", c->user.name);
	}
	web_sign_out(c);
	web_redirect(c, "/");
}

void page_account(web_ctx_t *c)
{
	char msg[256] = "";
	unsigned status = 200;
	html_t err, notice, csrf, staff;
	if (strcmp(c->req->method, "POST") == 0) {
		char cur[WEB_FIELD_MAX], pw[WEB_FIELD_MAX], pw2[WEB_FIELD_MAX];
		const char *problem;
		unsigned retry = 0;
		user_rec_t u;
		web_field(c, "current", cur, sizeof(cur));
		web_field(c, "password", pw, sizeof(pw));
		web_field(c, "password2", pw2, sizeof(pw2));
		status = 422;
		/* The current password is checked under the sign-in throttles, or a
		 * session would be an unthrottled oracle for guessing it. */
		int ret = check_password(c, c->user.name, cur, &u, msg, sizeof(msg), &retry);
		if (ret == LC_ETHROTTLE || ret == LC_EBUSY) {
			log_ratelimited(LOG_WARN, "web: password change by %s from %s %s", c->user.name,
					c->req->client_text,
					ret == LC_EBUSY ? "refused: password hashing busy" : "throttled");
			c->resp->retry_after_s = retry;
			status = ret == LC_EBUSY ? 503 : 429;
		} else if (ret == LC_EAUTH) {
			log_ratelimited(LOG_WARN, "web: wrong current password for %s from %s",
					c->user.name, c->req->client_text);
			snprintf(msg, sizeof(msg), "The current password is wrong.");
			status = 401;
		} else if (ret != LC_EOK) {
			snprintf(msg, sizeof(msg), "The password could not be checked. Try again.");
			status = 503;
		} else if ((problem = users_password_problem(pw)) != NULL) {
			snprintf(msg, sizeof(msg), "%c%s.", problem[0] - 'a' + 'A', problem + 1);
		} else if (strcmp(pw, pw2) != 0) {
			snprintf(msg, sizeof(msg), "The two new passwords differ.");
		} else if ((ret = users_password_set(c->user.id, pw)) != LC_EOK ||
			   web_sign_in(c, c->user.id) != LC_EOK) {
			snprintf(msg, sizeof(msg), "The password could not be changed. Try again.");
			c->resp->retry_after_s = ret == LC_EBUSY ? 1 : 0;
			status = 503;
		} else {
			/* Every session ended with the change; this one was started anew. */
			log_info("web: user %s changed the password", c->user.name);
			status = 0;
		}
		OPENSSL_cleanse(&u, sizeof(u));
		OPENSSL_cleanse(cur, sizeof(cur));
		OPENSSL_cleanse(pw, sizeof(pw));
		OPENSSL_cleanse(pw2, sizeof(pw2));
		if (status == 0) {
			web_redirect(c, "/account?done=password");
			return;
		}
	}
	html_init(&err, 2048);
	html_init(&notice, 1024);
	html_init(&csrf, 256);
	html_init(&staff, 256);
	alert_error(&err, msg);
	const char *done = http_req_query(c->req, "done");
	if (done != NULL && strcmp(done, "password") == 0) {
		html_raw(&notice, "<p class=\"alert ok\" role=\"status\">Your password is changed. "
				  "Every other session has been signed out.</p>");
	}
	if (c->user.is_staff) {
		html_raw(&staff, " (staff)");
	}
	web_csrf_field(c, &csrf);
	tmpl_var_t vars[] = { TMPL_T("name", c->user.name), TMPL_H("staff", &staff),
			      TMPL_H("notice", &notice), TMPL_H("error", &err),
			      TMPL_H("csrf", &csrf) };
	web_render(c, status, "Account", "account.html", vars, 5);
	html_cleanup(&err);
	html_cleanup(&notice);
	html_cleanup(&csrf);
	html_cleanup(&staff);
}
