/* SPDX-License-Identifier: MIT */
/* page_home.c -- home page, the instant-subdomain button, credential downloads, the stylesheet */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ops.h"
#include "http/api.h"
#include "http/jsonio.h"
#include "util/error.h"
#include "util/log.h"
#include "util/validate.h"
#include "web/web.h"

void page_home(web_ctx_t *c)
{
	html_t instant;
	html_init(&instant, 4096);
	html_raw(&instant, "<form method=\"post\" action=\"/instant\" class=\"actions\">");
	web_csrf_field(c, &instant);
	html_raw(&instant, "<button class=\"big\" type=\"submit\">Get an instant subdomain</button>");
	if (c->signed_in) {
		html_raw(&instant, "<a class=\"button secondary\" href=\"/subdomains\">My subdomains</a>");
	} else {
		html_raw(&instant, "<a class=\"button secondary\" href=\"/login\">Log in</a>");
	}
	html_raw(&instant, "</form><p class=\"hint\">");
	if (c->signed_in) {
		html_raw(&instant, "A random name under ");
		html_text(&instant, c->conf->default_parent);
		html_raw(&instant, ", with a key, added to your subdomains.");
	} else {
		html_raw(&instant, "A random name under ");
		html_text(&instant, c->conf->default_parent);
		html_raw(&instant, " and a key, at once. No account needed.");
	}
	html_raw(&instant, "</p>");
	tmpl_var_t vars[] = { TMPL_T("parent", c->conf->default_parent),
			      TMPL_H("instant", &instant) };
	web_render(c, 200, "Certificates for local names", "home.html", vars, 2);
	html_cleanup(&instant);
}

/*
 * The instant button: for a visitor the same call as POST /api/v1/register
 * (and the same per-address throttle); for a signed-in user an owned instant
 * subdomain (counted against the limit) and its first key.
 */
void page_instant(web_ctx_t *c)
{
	const http_req_t *req = c->req;
	unsigned retry = 0;
	if (!throttle_take(req->api->reg_instant, &req->client, http_api_now(), &retry)) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "Too many instant subdomains from your address. Try again in %u minute%s.",
			 (retry + 59) / 60, (retry + 59) / 60 == 1 ? "" : "s");
		c->resp->retry_after_s = retry;
		web_message(c, 429, "Slow down", msg);
		return;
	}
	ops_creds_t creds;
	int ret;
	if (c->signed_in) {
		sub_rec_t sub;
		ret = ops_sub_create_owned(c->user.id, web_user_limit(c), NULL, NULL, &sub);
		if (ret == LC_ELIMIT) {
			web_message(c, 409, "Limit reached",
				    "You already have as many subdomains as you may. Delete one "
				    "first.");
			return;
		}
		if (ret == LC_EOK || ret == LC_ENOMEM) {
			ret = ops_key_create(sub.id, NULL, 0, &creds);
		}
	} else {
		ret = ops_register(SUB_INSTANT, NULL, NULL, NULL, 0, &creds);
	}
	if (ret != LC_EOK) {
		log_err("web: instant subdomain for %s failed: %s", req->client_text, lc_strerror(ret));
		web_message(c, 503, "Try again", "The subdomain could not be created. Try again later.");
		return;
	}
	log_info("web: instant %s key %s for %s%s%s", creds.fulldomain, creds.username,
		 req->client_text, c->signed_in ? " user " : "", c->signed_in ? c->user.name : "");
	web_key_page(c, &creds);
	ops_creds_wipe(&creds);
}

/*
 * The secret exists only in the page the browser holds, so the download is
 * a form that posts the credentials back; they are checked for shape and the
 * file is rebuilt here rather than echoed.
 */
void page_download(web_ctx_t *c)
{
	ops_creds_t creds;
	char format[16];
	memset(&creds, 0, sizeof(creds));
	web_field(c, "username", creds.username, sizeof(creds.username));
	web_field(c, "password", creds.password, sizeof(creds.password));
	web_field(c, "fulldomain", creds.fulldomain, sizeof(creds.fulldomain));
	web_field(c, "subdomain", creds.subdomain, sizeof(creds.subdomain));
	web_field(c, "format", format, sizeof(format));
	snprintf(creds.allowfrom, sizeof(creds.allowfrom), "[]");
	creds.server_url = c->conf->server_url;
	size_t sl = strlen(creds.subdomain);
	bool lego = strcmp(format, "lego") == 0;
	if (!validate_uuid(creds.username) || !validate_txt(creds.password) ||
	    !validate_label(creds.subdomain) || !validate_name(creds.fulldomain) ||
	    strncmp(creds.fulldomain, creds.subdomain, sl) != 0 || creds.fulldomain[sl] != '.' ||
	    (!lego && strcmp(format, "acmedns") != 0)) {
		ops_creds_wipe(&creds);
		web_message(c, 400, "Bad request", "These are not credentials this site made.");
		return;
	}
	json_t *j = jsonio_creds(&creds);
	if (j != NULL && lego) {
		json_t *wrap = json_object();
		if (wrap == NULL || json_object_set_new(wrap, creds.fulldomain, j) != 0) {
			json_decref(wrap);
			wrap = NULL;
		}
		j = wrap;
	}
	char *text = j != NULL ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	ops_creds_wipe(&creds);
	if (text == NULL) {
		web_message(c, 503, "Try again", "Out of memory. Try again later.");
		return;
	}
	size_t len = strlen(text);
	char *body = malloc(len + 2);
	if (body != NULL) {
		memcpy(body, text, len);
		body[len] = '\n';
		body[len + 1] = '\0';
	}
	OPENSSL_cleanse(text, len);
	free(text);
	if (body == NULL) {
		web_message(c, 503, "Try again", "Out of memory. Try again later.");
		return;
	}
	free(c->resp->body);
	c->resp->body = body;
	c->resp->body_len = len + 1;
	c->resp->status = 200;
	c->resp->content_type = "application/json";
	http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"%s\"",
			 lego ? "lego-acme-dns.json" : "credentials.json");
}

void page_style(web_ctx_t *c)
{
	const embed_file_t *f = embed_find(web_files, "style.css");
	char *body = f != NULL ? malloc(f->len + 1) : NULL;
	if (body == NULL) {
		web_not_found(c);
		return;
	}
	memcpy(body, f->data, f->len + 1);
	free(c->resp->body);
	c->resp->body = body;
	c->resp->body_len = f->len;
	c->resp->status = 200;
	c->resp->content_type = "text/css; charset=utf-8";
}
