/* SPDX-License-Identifier: MIT */
/* test_web_html.c -- the HTML writer escapes, has a ceiling and a sticky error; templates
 * fill placeholders by the value's type and refuse unknown or unused names */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/error.h"
#include "util/log.h"
#include "web/html.h"
#include "web/tmpl.h"
#include "web/web.h"

int main(void)
{
	log_set_level(LOG_ERR - 1);
	html_t h;
	html_init(&h, 1024);
	html_raw(&h, "<td>");
	html_text(&h, "<script>\"a\" & 'b'</script>");
	html_raw(&h, "</td>");
	is_str(h.buf, "<td>&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;</td>",
	       "text is escaped, markup literal is not");
	html_cleanup(&h);

	html_init(&h, 64);
	html_textf(&h, "%d<%s>", 42, "x");
	is_str(h.buf, "42&lt;x&gt;", "formatted text is escaped after formatting");
	html_text(&h, NULL);
	is_str(h.buf, "42&lt;x&gt;", "NULL text writes nothing");
	html_cleanup(&h);

	html_init(&h, 16);
	html_text(&h, "0123456789");
	html_text(&h, "0123456789");
	is_int(h.err, LC_ELIMIT, "over the ceiling: LC_ELIMIT");
	size_t len = 0;
	ok(html_take(&h, &len) == NULL, "a failed buffer cannot be taken");
	html_raw(&h, "x");
	is_int(h.err, LC_ELIMIT, "the error sticks");
	html_cleanup(&h);

	html_t frag, page;
	html_init(&frag, 256);
	html_init(&page, 256);
	html_raw(&frag, "<b>");
	html_text(&frag, "&");
	html_raw(&frag, "</b>");
	html_append(&page, &frag);
	is_str(page.buf, "<b>&amp;</b>", "a fragment is appended as built");
	char *taken = html_take(&page, &len);
	ok(taken != NULL && len == strlen("<b>&amp;</b>"), "take hands over the buffer");
	free(taken);
	html_cleanup(&page);

	/* Templates: the compiled-in message.html has {{title}} and {{message}}. */
	html_init(&page, 65536);
	tmpl_var_t ok_vars[] = { TMPL_T("title", "<T>"), TMPL_T("message", "a & b") };
	is_int(tmpl_render(&page, "message.html", ok_vars, 2), LC_EOK, "message.html renders");
	ok(strstr(page.buf, "&lt;T&gt;") != NULL && strstr(page.buf, "<T>") == NULL,
	   "a text value is escaped");
	ok(strstr(page.buf, "a &amp; b") != NULL, "& escaped");
	html_cleanup(&page);

	html_init(&page, 65536);
	tmpl_var_t html_var[] = { TMPL_T("title", "t"), TMPL_H("message", &frag) };
	is_int(tmpl_render(&page, "message.html", html_var, 2), LC_EOK, "a fragment value renders");
	ok(strstr(page.buf, "<b>&amp;</b>") != NULL, "a fragment value is inserted as built");
	html_cleanup(&page);

	html_init(&page, 65536);
	tmpl_var_t missing[] = { TMPL_T("title", "t") };
	is_int(tmpl_render(&page, "message.html", missing, 1), LC_EINVAL, "a placeholder without a value");
	html_cleanup(&page);
	html_init(&page, 65536);
	tmpl_var_t extra[] = { TMPL_T("title", "t"), TMPL_T("message", "m"), TMPL_T("other", "o") };
	is_int(tmpl_render(&page, "message.html", extra, 3), LC_EINVAL, "a value the template does not use");
	html_cleanup(&page);
	html_init(&page, 64);
	is_int(tmpl_render(&page, "nosuch.html", ok_vars, 2), LC_ENOENT, "no such template");
	is_int(tmpl_render(&page, "message.html", ok_vars, 2), LC_ELIMIT, "the page ceiling holds");
	html_cleanup(&page);
	html_cleanup(&frag);
	ok(embed_find(web_files, "style.css") != NULL, "the stylesheet is compiled in");

	char when[64];
	web_time(0, when, sizeof(when));
	is_str(when, "never", "time 0 reads as never");
	web_time(86400 + 3600 + 60, when, sizeof(when));
	is_str(when, "1970-01-02 01:01 UTC", "a time in UTC to the minute");
	web_time(INT64_MAX, when, sizeof(when));
	is_str(when, "unknown", "bug_key_used_out_of_range_garbage_date: INT64_MAX is unknown");
	web_time(-99999999999999999, when, sizeof(when));
	is_str(when, "unknown", "bug_key_used_out_of_range_garbage_date: before 1970 is unknown");
	web_time(253402300800, when, sizeof(when));
	is_str(when, "unknown", "after 9999 is unknown");
	return tap_done();
}
