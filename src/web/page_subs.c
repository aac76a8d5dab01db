/* SPDX-License-Identifier: MIT */
/* page_subs.c -- my subdomains, registering one, a subdomain's records, values and keys */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ops.h"
#include "store/accounts.h"
#include "util/error.h"
#include "util/log.h"
#include "util/validate.h"
#include "web/web.h"

/* Messages after a redirect (POST, then GET): fixed texts, chosen by a word in the query. */
static const struct {
	const char *word;
	const char *cls;
	const char *text;
} notices[] = {
	{ "registered", "ok", "Registered. Create a key to let an ACME client set challenge values." },
	{ "added", "ok", "The value is set; DNS answers with it now." },
	{ "deleted", "ok", "The value is deleted; DNS no longer answers with it." },
	{ "key-deleted", "ok", "The key is deleted; it no longer works." },
	{ "sub-deleted", "ok", "The subdomain is deleted. Its name is never given to anyone else." },
	{ "keys", "error", "This subdomain has two keys already: delete one to create another." },
	{ "key-stale", "error",
	  "No new key was made: that form was sent before (a reload?) or the keys changed since. "
	  "A secret is shown only once; if you did not copy it, delete that key and create "
	  "another." },
};

static void notice(const web_ctx_t *c, html_t *h)
{
	const char *which[2] = { http_req_query(c->req, "done"), http_req_query(c->req, "error") };
	for (size_t w = 0; w < 2; w++) {
		for (size_t i = 0; which[w] != NULL && i < sizeof(notices) / sizeof(notices[0]); i++) {
			if (strcmp(which[w], notices[i].word) == 0) {
				html_raw(h, "<p class=\"alert ");
				html_text(h, notices[i].cls);
				html_raw(h, "\" role=\"status\">");
				html_text(h, notices[i].text);
				html_raw(h, "</p>");
			}
		}
	}
}

static void alert_error(html_t *h, const char *msg)
{
	if (msg != NULL && msg[0] != '\0') {
		html_raw(h, "<p class=\"alert error\" role=\"alert\">");
		html_text(h, msg);
		html_raw(h, "</p>");
	}
}

static const char *kind_text(sub_kind_t k)
{
	switch (k) {
	case SUB_INSTANT:
		return "instant";
	case SUB_DELEGATE:
		return "delegate";
	case SUB_NAMED:
		return "named";
	}
	return "?";
}

/* ---- my subdomains ---- */

void page_subs(web_ctx_t *c)
{
	unsigned limit = web_user_limit(c);
	size_t max = limit > 0 ? limit : 1, cnt = 0, total = 0;
	sub_rec_t *subs = calloc(max, sizeof(*subs));
	if (subs == NULL || users_owned(c->user.id, subs, max, &cnt, &total) != LC_EOK) {
		free(subs);
		web_message(c, 503, "Try again", "Your subdomains could not be read. Try again later.");
		return;
	}
	html_t n, table, reg;
	html_init(&n, 4096);
	html_init(&table, WEB_PAGE_MAX / 2);
	html_init(&reg, 4096);
	notice(c, &n);
	if (cnt == 0) {
		html_raw(&table, "<section class=\"card\"><p class=\"empty\">You have no subdomains "
				 "yet.</p></section>");
	} else {
		html_raw(&table, "<section class=\"card\"><table><thead><tr><th>Name</th><th>Kind"
				 "</th><th class=\"num\">Values</th><th>Created</th></tr></thead><tbody>");
		for (size_t i = 0; i < cnt; i++) {
			char fqdn[STORE_NAME_MAX + 2], created[32];
			ops_fqdn(&subs[i], fqdn, sizeof(fqdn));
			web_time(subs[i].created, created, sizeof(created));
			html_raw(&table, "<tr><td class=\"mono\"><a href=\"/subdomains/");
			html_text(&table, fqdn);
			html_raw(&table, "\">");
			html_text(&table, fqdn);
			html_raw(&table, "</a></td><td>");
			html_text(&table, kind_text(subs[i].kind));
			html_raw(&table, "</td><td class=\"num\">");
			html_textf(&table, "%u", subs[i].txt_cnt);
			html_raw(&table, "</td><td>");
			html_text(&table, created);
			html_raw(&table, "</td></tr>");
		}
		html_raw(&table, "</tbody></table></section>");
	}
	if (total >= limit) {
		html_raw(&reg, "<p class=\"alert warn\">You have reached your limit of ");
		html_textf(&reg, "%u", limit);
		html_raw(&reg, " subdomains. Delete one to register another.</p>"
			       "<p><button type=\"button\" disabled>Register a subdomain</button></p>");
	} else {
		html_raw(&reg, "<p class=\"actions\"><a class=\"button\" href=\"/subdomains/new\">"
			       "Register a subdomain</a></p>");
	}
	char count[24], lim[24];
	snprintf(count, sizeof(count), "%zu", total);
	snprintf(lim, sizeof(lim), "%u", limit);
	tmpl_var_t vars[] = { TMPL_T("count", count), TMPL_T("limit", lim), TMPL_H("notice", &n),
			      TMPL_H("table", &table), TMPL_H("register", &reg) };
	web_render(c, 200, "My subdomains", "subs.html", vars, 5);
	html_cleanup(&n);
	html_cleanup(&table);
	html_cleanup(&reg);
	free(subs);
}

/* ---- register a subdomain ---- */

static void parent_options(const web_ctx_t *c, const char *selected, html_t *opts, html_t *kinds)
{
	html_raw(kinds, "<ul class=\"plain hint\">");
	for (size_t i = 0; i < c->conf->zone_cnt; i++) {
		const conf_zone_t *z = &c->conf->zones[i];
		if (z->kind != ZKIND_LOCALHOST && z->kind != ZKIND_LOCAL) {
			continue;
		}
		html_raw(opts, "<option value=\"");
		html_text(opts, z->name);
		if (strcmp(z->name, selected) == 0) {
			html_raw(opts, "\" selected>");
		} else {
			html_raw(opts, "\">");
		}
		html_text(opts, z->name);
		html_raw(opts, "</option>");
		html_raw(kinds, "<li><code>");
		html_text(kinds, z->name);
		html_raw(kinds, "</code>: ");
		if (z->kind == ZKIND_LOCALHOST) {
			html_raw(kinds, "names point at your own machine (127.0.0.1 and ::1).");
		} else {
			html_raw(kinds, "names have no address records; publish them on your own "
					"network's DNS.");
		}
		html_raw(kinds, "</li>");
	}
	html_raw(kinds, "</ul>");
}

void page_sub_new(web_ctx_t *c)
{
	char label[WEB_FIELD_MAX], parent[WEB_FIELD_MAX], msg[WEB_FIELD_MAX * 2 + 160] = "";
	char fqdn[STORE_NAME_MAX + 2];
	unsigned status = 200;
	size_t cnt = 0, total = 0;
	sub_rec_t one;
	unsigned limit = web_user_limit(c);
	label[0] = '\0';
	snprintf(parent, sizeof(parent), "%s", c->conf->default_parent);
	if (users_owned(c->user.id, &one, 1, &cnt, &total) != LC_EOK) {
		web_message(c, 503, "Try again", "Your subdomains could not be read. Try again later.");
		return;
	}
	if (strcmp(c->req->method, "POST") == 0) {
		web_field(c, "label", label, sizeof(label));
		web_field(c, "parent", parent, sizeof(parent));
		validate_lower(label);
		validate_lower(parent);
		const char *problem = ops_label_problem(label, parent);
		int ret = LC_EINVAL;
		sub_rec_t sub;
		if (problem != NULL && parent[0] == '\0' && validate_label(label)) {
			/* QA: a form without a parent said the parent was not served here. */
			snprintf(msg, sizeof(msg), "Choose a parent domain for \"%s\".", label);
			status = 422;
		} else if (problem != NULL) {
			snprintf(msg, sizeof(msg), "\"%s\" cannot be registered: %s.", label, problem);
			status = 422;
		} else if ((ret = ops_sub_create_owned(c->user.id, limit, parent, label, &sub)) ==
			   LC_EOK) {
			ops_fqdn(&sub, fqdn, sizeof(fqdn));
			log_info("web: user %s registered %s", c->user.name, fqdn);
			web_redirect(c, "/subdomains/%s?done=registered", fqdn);
			return;
		} else if (ret == LC_EEXIST) {
			snprintf(msg, sizeof(msg),
				 "%s.%s is taken. A name is never given out twice, even after it "
				 "was deleted: choose another label.",
				 label, parent);
			status = 409;
		} else if (ret == LC_ELIMIT) {
			snprintf(msg, sizeof(msg),
				 "You have reached your limit of %u subdomains. Delete one to "
				 "register another.",
				 limit);
			status = 409;
		} else if (ret == LC_ENOENT || ret == LC_EINVAL) {
			snprintf(msg, sizeof(msg), "That parent domain is not served here.");
			status = 422;
		} else {
			web_message(c, 503, "Try again", "The subdomain could not be registered.");
			return;
		}
	} else if (total >= limit) {
		snprintf(msg, sizeof(msg),
			 "You have reached your limit of %u subdomains. Delete one to register "
			 "another.",
			 limit);
	}
	html_t err, csrf, opts, kinds;
	html_init(&err, 2048);
	html_init(&csrf, 256);
	html_init(&opts, 16384);
	html_init(&kinds, 16384);
	alert_error(&err, msg);
	web_csrf_field(c, &csrf);
	parent_options(c, parent, &opts, &kinds);
	char remaining[24];
	snprintf(remaining, sizeof(remaining), "%zu", total < limit ? limit - total : 0);
	tmpl_var_t vars[] = { TMPL_T("remaining", remaining), TMPL_H("error", &err),
			      TMPL_H("csrf", &csrf), TMPL_T("label", label),
			      TMPL_H("parents", &opts), TMPL_H("kinds", &kinds) };
	web_render(c, status, "Register a subdomain", "sub_new.html", vars, 6);
	html_cleanup(&err);
	html_cleanup(&csrf);
	html_cleanup(&opts);
	html_cleanup(&kinds);
}

/* ---- one subdomain ---- */

static void record_row(html_t *h, const char *owner, const char *type, uint32_t ttl,
		       const char *value, const char *why)
{
	html_raw(h, "<tr><td class=\"owner\">");
	html_text(h, owner);
	html_raw(h, "</td><td>");
	html_text(h, type);
	html_raw(h, "</td><td class=\"num\">");
	html_textf(h, "%u", ttl);
	html_raw(h, "</td><td class=\"mono\">");
	html_text(h, value);
	html_raw(h, "</td><td>");
	if (why != NULL) {
		html_raw(h, "<span class=\"badge locked\">locked</span> <span class=\"why\">");
		html_text(h, why);
		html_raw(h, "</span>");
	} else {
		html_raw(h, "<span class=\"badge yours\">yours</span> <span class=\"why\">set by "
			    "your ACME client or by hand</span>");
	}
	html_raw(h, "</td></tr>");
}

/*
 * Every record the subdomain's zone holds, as ctl/rebuild.c builds it from
 * the config and the row (SPEC 1): the fixed ones with the reason they are
 * locked, then the challenge values.
 */
static void records_table(const web_ctx_t *c, const sub_rec_t *s, const char *fqdn, html_t *h)
{
	const conf_t *cf = c->conf;
	const conf_zone_t *z = conf_zone_find(cf, s->parent);
	char buf[STORE_NAME_MAX * 2 + 96];
	bool apex_txt = s->kind == SUB_DELEGATE;
	html_raw(h, "<p class=\"muted\">Names are relative to <code>");
	html_text(h, fqdn);
	html_raw(h, "</code>; <code>@</code> is the name itself.</p>");
	html_raw(h, "<table><thead><tr><th>Name</th><th>Type</th><th class=\"num\">TTL</th>"
		    "<th>Value</th><th>Status</th></tr></thead><tbody>");
	snprintf(buf, sizeof(buf), "%s. %s. %u 10800 3600 604800 60", cf->ns_names[0],
		 cf->soa_mailbox, s->serial);
	record_row(h, "@", "SOA", cf->ttl_soa, buf,
		   "zone identity; the serial goes up on every change");
	for (size_t i = 0; i < cf->ns_cnt; i++) {
		snprintf(buf, sizeof(buf), "%s.", cf->ns_names[i]);
		record_row(h, "@", "NS", cf->ttl_fixed, buf, "the name servers of this zone");
	}
	record_row(h, "@", "MX", cf->ttl_fixed, "0 .", "null MX: this name receives no mail");
	record_row(h, "@", "TXT", apex_txt ? cf->ttl_challenge : cf->ttl_fixed, "\"v=spf1 -all\"",
		   "null SPF: no server may send mail as this name");
	record_row(h, "_dmarc", "TXT", cf->ttl_fixed,
		   "\"v=DMARC1;p=reject;sp=reject;adkim=s;aspf=s\"",
		   "DMARC: receivers reject mail that claims to come from this name");
	record_row(h, "*._domainkey", "TXT", cf->ttl_fixed, "\"v=DKIM1; p=\"",
		   "empty DKIM key: no mail is signed for this name");
	if (z != NULL && z->kind == ZKIND_LOCALHOST) {
		record_row(h, "@", "A", cf->ttl_fixed, "127.0.0.1",
			   "localhost parent: the name points at your own machine");
		record_row(h, "@", "AAAA", cf->ttl_fixed, "::1",
			   "localhost parent: the name points at your own machine");
	}
	for (unsigned i = 0; i < s->txt_cnt; i++) {
		snprintf(buf, sizeof(buf), "\"%s\"", s->txt[i]);
		record_row(h, apex_txt ? "@" : "_acme-challenge", "TXT", cf->ttl_challenge, buf, NULL);
	}
	html_raw(h, "</tbody></table>");
}

static void values_section(const web_ctx_t *c, const sub_rec_t *s, const char *fqdn,
			   const char *typed, html_t *vals, html_t *add)
{
	if (s->txt_cnt == 0) {
		html_raw(vals, "<p class=\"empty\">No challenge value is set.</p>");
	} else {
		html_raw(vals, "<table><tbody>");
		for (unsigned i = 0; i < s->txt_cnt; i++) {
			html_raw(vals, "<tr><td class=\"mono\">");
			html_text(vals, s->txt[i]);
			html_raw(vals, "</td><td class=\"num\"><form class=\"inline\" method=\"post\" "
				       "action=\"/subdomains/");
			html_text(vals, fqdn);
			html_raw(vals, "/txt/delete\">");
			web_csrf_field(c, vals);
			html_raw(vals, "<input type=\"hidden\" name=\"txt\" value=\"");
			html_text(vals, s->txt[i]);
			html_raw(vals, "\"><button class=\"danger small\" type=\"submit\">Delete"
				       "</button></form></td></tr>");
		}
		html_raw(vals, "</tbody></table>");
	}
	html_raw(add, "<form class=\"row\" method=\"post\" action=\"/subdomains/");
	html_text(add, fqdn);
	html_raw(add, "/txt\">");
	web_csrf_field(c, add);
	html_raw(add, "<input name=\"txt\" aria-label=\"Challenge value\" maxlength=\"255\" "
		      "spellcheck=\"false\" autocomplete=\"off\" placeholder=\"43 characters of "
		      "base64url, as your ACME client shows it\" value=\"");
	html_text(add, typed);
	html_raw(add, "\"><button type=\"submit\">Add value</button></form>");
	if (s->txt_cnt >= STORE_TXT_KEEP) {
		html_raw(add, "<p class=\"hint\">Two values are set, the most a name can hold. "
			      "Delete one before you add another.</p>");
	}
}

static void keys_section(const web_ctx_t *c, const sub_rec_t *s, const char *fqdn, html_t *h)
{
	key_rec_t keys[STORE_KEYS_MAX];
	size_t cnt = 0;
	if (ops_key_list(s->id, keys, STORE_KEYS_MAX, &cnt) != LC_EOK) {
		html_raw(h, "<p class=\"alert error\">The keys could not be read.</p>");
		return;
	}
	if (cnt == 0) {
		html_raw(h, "<p class=\"empty\">No key yet.</p>");
	} else {
		html_raw(h, "<table><thead><tr><th>Key id (user)</th><th>Created</th><th>Last used"
			    "</th><th></th></tr></thead><tbody>");
		for (size_t i = 0; i < cnt; i++) {
			char created[32], used[32];
			web_time(keys[i].created, created, sizeof(created));
			web_time(keys[i].last_used, used, sizeof(used));
			html_raw(h, "<tr><td class=\"mono\">");
			html_text(h, keys[i].id);
			html_raw(h, "</td><td>");
			html_text(h, created);
			html_raw(h, "</td><td>");
			html_text(h, used);
			html_raw(h, "</td><td class=\"num\"><a class=\"button danger small\" "
				    "href=\"/subdomains/");
			html_text(h, fqdn);
			html_raw(h, "/keys/");
			html_text(h, keys[i].id);
			html_raw(h, "/delete\">Delete…</a></td></tr>");
		}
		html_raw(h, "</tbody></table>");
	}
	html_raw(h, "<form class=\"row\" method=\"post\" action=\"/subdomains/");
	html_text(h, fqdn);
	html_raw(h, "/keys\">");
	web_csrf_field(c, h);
	/* The keys this form saw: a reload or replay of it makes no second key. */
	char seen[OPS_KEY_STATE_MAX];
	ops_key_state(keys, cnt, seen, sizeof(seen));
	html_raw(h, "<input type=\"hidden\" name=\"keys_seen\" value=\"");
	html_text(h, seen);
	html_raw(h, "\">");
	if (cnt >= STORE_KEYS_MAX) {
		html_raw(h, "<button type=\"submit\" disabled>Create a key</button><span class="
			    "\"hint\">Two keys exist; delete one to create another.</span>");
	} else {
		html_raw(h, "<button type=\"submit\">Create a key</button>");
	}
	html_raw(h, "</form>");
	memset(keys, 0, sizeof(keys));
}

/* The detail page, with an optional error from a refused form and the text typed. */
static void render_sub(web_ctx_t *c, const sub_rec_t *s, unsigned status, const char *error,
		       const char *typed)
{
	char fqdn[STORE_NAME_MAX + 2], chal[STORE_NAME_MAX + 20], created[32], serial[16];
	ops_fqdn(s, fqdn, sizeof(fqdn));
	if (s->kind == SUB_DELEGATE) {
		snprintf(chal, sizeof(chal), "%s", fqdn);
	} else {
		snprintf(chal, sizeof(chal), "_acme-challenge.%s", fqdn);
	}
	web_time(s->created, created, sizeof(created));
	snprintf(serial, sizeof(serial), "%u", s->serial);
	html_t n, vals, add, keys, recs;
	html_init(&n, 4096);
	html_init(&vals, 16384);
	html_init(&add, 4096);
	html_init(&keys, 16384);
	html_init(&recs, 32768);
	notice(c, &n);
	alert_error(&n, error);
	values_section(c, s, fqdn, typed, &vals, &add);
	keys_section(c, s, fqdn, &keys);
	records_table(c, s, fqdn, &recs);
	tmpl_var_t vars[] = {
		TMPL_T("fqdn", fqdn),       TMPL_T("kind", kind_text(s->kind)),
		TMPL_T("created", created), TMPL_T("serial", serial),
		TMPL_H("notice", &n),       TMPL_T("challenge_name", chal),
		TMPL_H("values", &vals),    TMPL_H("add", &add),
		TMPL_H("keys", &keys),      TMPL_H("records", &recs),
	};
	web_render(c, status, fqdn, "sub.html", vars, sizeof(vars) / sizeof(vars[0]));
	html_cleanup(&n);
	html_cleanup(&vals);
	html_cleanup(&add);
	html_cleanup(&keys);
	html_cleanup(&recs);
}

void page_sub(web_ctx_t *c)
{
	sub_rec_t s;
	if (web_own_sub(c, &s)) {
		render_sub(c, &s, 200, NULL, "");
	}
}

void page_txt_add(web_ctx_t *c)
{
	sub_rec_t s;
	char txt[WEB_FIELD_MAX], fqdn[STORE_NAME_MAX + 2];
	if (!web_own_sub(c, &s)) {
		return;
	}
	ops_fqdn(&s, fqdn, sizeof(fqdn));
	char value[WEB_FIELD_MAX];
	web_field(c, "txt", txt, sizeof(txt));
	/* Blanks around a pasted value are not part of it; a refused one is shown as typed. */
	const char *v = txt + strspn(txt, " \t\r\n");
	snprintf(value, sizeof(value), "%.*s", (int)strcspn(v, " \t\r\n"), v);
	v = value;
	int ret = ops_txt_add(s.id, v, &s);
	if (ret == LC_EOK || ret == LC_ENOMEM) {
		log_info("web: user %s set a value on %s (serial %u)", c->user.name, fqdn, s.serial);
		web_redirect(c, "/subdomains/%s?done=added", fqdn);
		return;
	}
	if (ret == LC_EINVAL) {
		render_sub(c, &s, 422,
			   "That is not a challenge value: it must be exactly 43 characters of "
			   "a-z, A-Z, 0-9, '-' and '_' (the base64url SHA-256 digest your ACME "
			   "client prints).",
			   txt);
	} else if (ret == LC_ELIMIT) {
		render_sub(c, &s, 409,
			   "Two values are set already, the most a name can hold. Delete the one "
			   "you no longer need, then add this one again.",
			   txt);
	} else if (ret == LC_ENOENT) {
		web_not_found(c);
	} else {
		web_message(c, 503, "Try again", "The value could not be set. Try again later.");
	}
}

void page_txt_delete(web_ctx_t *c)
{
	sub_rec_t s;
	char txt[WEB_FIELD_MAX], fqdn[STORE_NAME_MAX + 2];
	if (!web_own_sub(c, &s)) {
		return;
	}
	ops_fqdn(&s, fqdn, sizeof(fqdn));
	web_field(c, "txt", txt, sizeof(txt));
	sub_rec_t shown = s;
	int ret = ops_txt_delete(s.id, txt, &s);
	if (ret == LC_ENOENT) {
		/* Not set (a reloaded form, a second click): nothing changed, serial included. */
		render_sub(c, &shown, 404,
			   "That value is not set on this name (it may have been deleted already). "
			   "Nothing was changed.",
			   NULL);
		return;
	}
	if (ret != LC_EOK && ret != LC_ENOMEM) {
		web_message(c, 503, "Try again", "The value could not be deleted. Try again later.");
		return;
	}
	log_info("web: user %s deleted a value of %s (serial %u)", c->user.name, fqdn, s.serial);
	web_redirect(c, "/subdomains/%s?done=deleted", fqdn);
}

void page_sub_delete(web_ctx_t *c)
{
	sub_rec_t s;
	char fqdn[STORE_NAME_MAX + 2];
	if (!web_own_sub(c, &s)) {
		return;
	}
	ops_fqdn(&s, fqdn, sizeof(fqdn));
	if (strcmp(c->req->method, "POST") == 0) {
		int ret = ops_sub_delete(s.id, &s);
		if (ret != LC_EOK && ret != LC_ENOMEM) {
			web_message(c, 503, "Try again", "The subdomain could not be deleted.");
			return;
		}
		log_info("web: user %s deleted %s", c->user.name, fqdn);
		web_redirect(c, "/subdomains?done=sub-deleted");
		return;
	}
	html_t form;
	html_init(&form, 4096);
	html_raw(&form, "<form method=\"post\" class=\"actions\" action=\"/subdomains/");
	html_text(&form, fqdn);
	html_raw(&form, "/delete\">");
	web_csrf_field(c, &form);
	html_raw(&form, "<button class=\"danger\" type=\"submit\">Delete the subdomain</button>"
			"<a class=\"button secondary\" href=\"/subdomains/");
	html_text(&form, fqdn);
	html_raw(&form, "\">Cancel</a></form>");
	char q[1024];
	snprintf(q, sizeof(q),
		 "Delete %s? Its keys stop working and DNS stops answering for it. The name is "
		 "never given to anyone again, you included.",
		 fqdn);
	tmpl_var_t vars[] = { TMPL_T("title", "Delete this subdomain?"), TMPL_T("question", q),
			      TMPL_H("form", &form) };
	web_render(c, 200, "Delete subdomain", "confirm.html", vars, 3);
	html_cleanup(&form);
}
