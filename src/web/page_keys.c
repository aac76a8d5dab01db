/* SPDX-License-Identifier: MIT */
/* page_keys.c -- a new key's page (secret shown once, client settings), key creation and deletion */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ops.h"
#include "http/jsonio.h"
#include "util/error.h"
#include "util/log.h"
#include "util/validate.h"
#include "web/web.h"

#define SNIPPET_MAX 2048

/* Pretty JSON text of the credentials, bare or wrapped as lego's storage file. */
static char *creds_text(const ops_creds_t *creds, bool lego)
{
	json_t *j = jsonio_creds(creds);
	if (j != NULL && lego) {
		json_t *wrap = json_object();
		if (wrap == NULL || json_object_set_new(wrap, creds->fulldomain, j) != 0) {
			json_decref(wrap);
			wrap = NULL;
		}
		j = wrap;
	}
	char *text = j != NULL ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	return text;
}

static void wipe_free(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static void hidden(html_t *h, const char *name, const char *value)
{
	html_raw(h, "<input type=\"hidden\" name=\"");
	html_text(h, name);
	html_raw(h, "\" value=\"");
	html_text(h, value);
	html_raw(h, "\">");
}

void web_key_page(web_ctx_t *c, const ops_creds_t *creds)
{
	const char *url = creds->server_url != NULL ? creds->server_url : "";
	char *json = creds_text(creds, false);
	char *lego = creds_text(creds, true);
	char *acmesh = malloc(SNIPPET_MAX), *certbot = malloc(SNIPPET_MAX);
	char *lego_cmd = malloc(SNIPPET_MAX);
	html_t dl, back;
	html_init(&dl, 4096);
	html_init(&back, 1024);
	if (json == NULL || lego == NULL || acmesh == NULL || certbot == NULL || lego_cmd == NULL) {
		web_message(c, 503, "Try again", "Out of memory. Try again later.");
		goto out;
	}
	snprintf(acmesh, SNIPPET_MAX,
		 "export ACMEDNS_BASE_URL=\"%s\"\n"
		 "export ACMEDNS_UPDATE_URL=\"%s/update\"   # older acme.sh versions\n"
		 "export ACMEDNS_USERNAME=\"%s\"\n"
		 "export ACMEDNS_PASSWORD=\"%s\"\n"
		 "export ACMEDNS_SUBDOMAIN=\"%s\"\n"
		 "acme.sh --issue --dns dns_acmedns \\\n"
		 "  -d %s \\\n"
		 "  -d '*.%s'\n",
		 url, url, creds->username, creds->password, creds->subdomain, creds->fulldomain,
		 creds->fulldomain);
	snprintf(certbot, SNIPPET_MAX,
		 "#!/bin/sh\n"
		 "# certbot certonly --manual --preferred-challenges dns \\\n"
		 "#   --manual-auth-hook ./localcert-hook.sh \\\n"
		 "#   -d %s \\\n"
		 "#   -d '*.%s'\n"
		 "exec curl -fsS -X POST \"%s/update\" \\\n"
		 "  -H \"X-Api-User: %s\" \\\n"
		 "  -H \"X-Api-Key: %s\" \\\n"
		 "  -d \"{\\\"subdomain\\\": \\\"%s\\\", \\\"txt\\\": \\\"$CERTBOT_VALIDATION\\\"}\"\n",
		 creds->fulldomain, creds->fulldomain, url, creds->username, creds->password,
		 creds->subdomain);
	snprintf(lego_cmd, SNIPPET_MAX,
		 "ACME_DNS_API_BASE=%s \\\n"
		 "ACME_DNS_STORAGE_PATH=./lego-acme-dns.json \\\n"
		 "  lego --email you@example.com --dns acme-dns \\\n"
		 "  -d %s \\\n"
		 "  -d '*.%s' run\n",
		 url, creds->fulldomain, creds->fulldomain);

	html_raw(&dl, "<form method=\"post\" action=\"/download\" class=\"actions\">");
	web_csrf_field(c, &dl);
	hidden(&dl, "username", creds->username);
	hidden(&dl, "password", creds->password);
	hidden(&dl, "fulldomain", creds->fulldomain);
	hidden(&dl, "subdomain", creds->subdomain);
	html_raw(&dl, "<button type=\"submit\" name=\"format\" value=\"acmedns\">Download "
		      "credentials.json</button><button class=\"secondary\" type=\"submit\" "
		      "name=\"format\" value=\"lego\">Download lego storage JSON</button></form>");
	if (c->signed_in) {
		html_raw(&back, "<p><a class=\"button secondary\" href=\"/subdomains/");
		html_text(&back, creds->fulldomain);
		html_raw(&back, "\">Back to the subdomain</a></p>");
	} else {
		html_raw(&back, "<p class=\"muted\">Want to pick your own names and manage keys? "
				"<a href=\"/signup\">Create an account</a>.</p>");
	}
	tmpl_var_t vars[] = {
		TMPL_T("fqdn", creds->fulldomain), TMPL_T("username", creds->username),
		TMPL_T("password", creds->password), TMPL_T("server_url", url),
		TMPL_T("creds_json", json),        TMPL_T("lego_json", lego),
		TMPL_T("lego_cmd", lego_cmd),      TMPL_T("acmesh", acmesh),
		TMPL_T("certbot", certbot),        TMPL_H("download", &dl),
		TMPL_H("back", &back),
	};
	web_render(c, 201, "Your new key", "key.html", vars, sizeof(vars) / sizeof(vars[0]));
out:
	wipe_free(json);
	wipe_free(lego);
	wipe_free(acmesh);
	wipe_free(certbot);
	wipe_free(lego_cmd);
	/* The rendered page holds the secret too: the server wipes it after sending. */
	if (dl.buf != NULL) {
		OPENSSL_cleanse(dl.buf, dl.len);
	}
	html_cleanup(&dl);
	html_cleanup(&back);
}

/*
 * The subdomain named by the first path part, if the signed-in user owns it.
 * Anything else (unknown, deleted, someone else's) is the same 404.
 */
bool web_own_sub(web_ctx_t *c, sub_rec_t *out)
{
	if (ops_sub_find(c->args[0], out) != LC_EOK || out->deleted ||
	    ops_sub_get(out->id, out) != LC_EOK || out->owner_id != c->user.id) {
		web_not_found(c);
		return false;
	}
	return true;
}

void page_key_new(web_ctx_t *c)
{
	sub_rec_t sub;
	char fqdn[STORE_NAME_MAX + 2];
	if (!web_own_sub(c, &sub)) {
		return;
	}
	ops_fqdn(&sub, fqdn, sizeof(fqdn));
	ops_creds_t creds;
	char seen[OPS_KEY_STATE_MAX + 1];
	web_field(c, "keys_seen", seen, sizeof(seen));
	/*
	 * The form says which keys it saw. A reload of the new-key page posts the same
	 * form again, and so does a double click or a replay; by then the key it made
	 * exists, so no second key is made (and no secret is shown twice): the writer
	 * compares in the same job that inserts.
	 */
	int ret = ops_key_create_once(sub.id, seen, &creds);
	if (ret == LC_ELIMIT) {
		web_redirect(c, "/subdomains/%s?error=keys", fqdn);
		return;
	}
	if (ret == LC_EEXIST) {
		web_redirect(c, "/subdomains/%s?error=key-stale", fqdn);
		return;
	}
	if (ret != LC_EOK) {
		log_err("web: key for %s failed: %s", fqdn, lc_strerror(ret));
		web_message(c, 503, "Try again", "The key could not be created. Try again later.");
		return;
	}
	log_info("web: key %s for %s by user %s", creds.username, fqdn, c->user.name);
	web_key_page(c, &creds);
	ops_creds_wipe(&creds);
}

void page_key_delete(web_ctx_t *c)
{
	sub_rec_t sub;
	key_rec_t keys[STORE_KEYS_MAX];
	size_t cnt = 0;
	char fqdn[STORE_NAME_MAX + 2];
	if (!web_own_sub(c, &sub)) {
		return;
	}
	ops_fqdn(&sub, fqdn, sizeof(fqdn));
	const char *kid = c->args[1];
	bool found = false;
	if (validate_uuid(kid) && ops_key_list(sub.id, keys, STORE_KEYS_MAX, &cnt) == LC_EOK) {
		for (size_t i = 0; i < cnt; i++) {
			found = found || strcasecmp(keys[i].id, kid) == 0;
		}
	}
	OPENSSL_cleanse(keys, sizeof(keys));
	if (!found) {
		web_not_found(c);
		return;
	}
	if (strcmp(c->req->method, "POST") == 0) {
		int ret = ops_key_revoke(kid);
		if (ret != LC_EOK && ret != LC_ENOENT) {
			web_message(c, 503, "Try again", "The key could not be deleted. Try again later.");
			return;
		}
		log_info("web: key %s of %s deleted by user %s", kid, fqdn, c->user.name);
		web_redirect(c, "/subdomains/%s?done=key-deleted", fqdn);
		return;
	}
	html_t form;
	html_init(&form, 4096);
	html_raw(&form, "<form method=\"post\" class=\"actions\" action=\"/subdomains/");
	html_text(&form, fqdn);
	html_raw(&form, "/keys/");
	html_text(&form, kid);
	html_raw(&form, "/delete\">");
	web_csrf_field(c, &form);
	html_raw(&form, "<button class=\"danger\" type=\"submit\">Delete the key</button>"
			"<a class=\"button secondary\" href=\"/subdomains/");
	html_text(&form, fqdn);
	html_raw(&form, "\">Cancel</a></form>");
	char q[1024];
	snprintf(q, sizeof(q),
		 "Delete key %s of %s? Clients that use it can no longer set challenge values.",
		 kid, fqdn);
	tmpl_var_t vars[] = { TMPL_T("title", "Delete this key?"), TMPL_T("question", q),
			      TMPL_H("form", &form) };
	web_render(c, 200, "Delete key", "confirm.html", vars, 3);
	html_cleanup(&form);
}
