/* SPDX-License-Identifier: MIT */
/* page_stats.c -- statistics for staff: users, subdomains by kind, keys over 1/7/30/90 days */
#include <stdio.h>
#include <time.h>

#include "ctl/rebuild.h"
#include "util/error.h"
#include "web/web.h"

static void row(html_t *h, const char *what, int64_t n)
{
	html_raw(h, "<tr><td>");
	html_text(h, what);
	html_raw(h, "</td><td class=\"num\">");
	html_textf(h, "%lld", (long long)n);
	html_raw(h, "</td></tr>");
}

static void period_row(html_t *h, const char *what, const int64_t n[STORE_STATS_PERIODS])
{
	html_raw(h, "<tr><td>");
	html_text(h, what);
	html_raw(h, "</td>");
	for (int p = 0; p < STORE_STATS_PERIODS; p++) {
		html_raw(h, "<td class=\"num\">");
		html_textf(h, "%lld", (long long)n[p]);
		html_raw(h, "</td>");
	}
	html_raw(h, "</tr>");
}

void page_stats(web_ctx_t *c)
{
	store_stats_t st;
	if (users_stats(&st) != LC_EOK) {
		web_message(c, 503, "Try again", "The statistics could not be read.");
		return;
	}
	html_t users, subs, act;
	html_init(&users, 4096);
	html_init(&subs, 4096);
	html_init(&act, 8192);
	html_raw(&users, "<table><tbody>");
	row(&users, "Accounts", st.users);
	row(&users, "Staff", st.staff);
	row(&users, "Signed-in sessions", st.sessions_live);
	html_raw(&users, "</tbody></table>");
	html_raw(&subs, "<table><tbody>");
	row(&subs, "Instant", st.subs_live[SUB_INSTANT]);
	row(&subs, "Delegate (acme-dns register)", st.subs_live[SUB_DELEGATE]);
	row(&subs, "Named", st.subs_live[SUB_NAMED]);
	row(&subs, "Owned by an account", st.subs_owned);
	row(&subs, "Deleted (names never reissued)", st.subs_deleted);
	row(&subs, "In the DNS index now", (int64_t)rebuild_sub_count());
	html_raw(&subs, "</tbody></table>");
	html_raw(&act, "<table><thead><tr><th></th>");
	for (int p = 0; p < STORE_STATS_PERIODS; p++) {
		html_raw(&act, "<th class=\"num\">");
		if (store_stats_days[p] == 1) {
			html_raw(&act, "last day");
		} else {
			html_textf(&act, "last %d days", store_stats_days[p]);
		}
		html_raw(&act, "</th>");
	}
	html_raw(&act, "</tr></thead><tbody>");
	period_row(&act, "New accounts", st.users_new);
	period_row(&act, "New subdomains", st.subs_new);
	period_row(&act, "Keys created", st.keys_created);
	period_row(&act, "Keys used", st.keys_used);
	html_raw(&act, "</tbody></table>");
	html_raw(&act, "<p class=\"hint\">");
	html_textf(&act, "%lld live keys. \"Keys used\" counts keys whose last use falls in the "
			 "period.", (long long)st.keys_live);
	html_raw(&act, "</p>");
	char now[32];
	web_time((int64_t)time(NULL), now, sizeof(now));
	tmpl_var_t vars[] = { TMPL_T("now", now), TMPL_H("users", &users), TMPL_H("subs", &subs),
			      TMPL_H("activity", &act) };
	web_render(c, 200, "Statistics", "stats.html", vars, 4);
	html_cleanup(&users);
	html_cleanup(&subs);
	html_cleanup(&act);
}
