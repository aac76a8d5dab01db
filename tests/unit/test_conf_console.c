/* SPDX-License-Identifier: MIT */
/* test_conf_console.c -- the [console] section: defaults, values, strict errors, blocklist file */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"

static char dir[] = "/tmp/lc-test-confc-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static int load(const char *text, conf_t **out, char *err, size_t err_len)
{
	return conf_load(write_file("c.ini", text), out, err, err_len);
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	log_set_level(LOG_ERR - 1);
	char err[512];
	conf_t *c = NULL;
	is_int(conf_load(NULL, &c, err, sizeof(err)), LC_EOK, "defaults");
	ok(c->console_enabled && c->console_signup, "console and sign-up on by default");
	ok(c->console_user_limit == 5 && c->console_staff_limit == 100, "limits 5 and 100");
	ok(c->session_lifetime_s == 7 * 86400, "sessions last a week");
	ok(c->console_host == NULL && c->api_host == NULL && c->blocklist_cnt == 0, "no hosts, no extra words");
	conf_free(c);

	char text[1024];
	snprintf(text, sizeof(text),
		 "[console]\nsignup = off\nuser_limit = 3\nstaff_limit = 50\n"
		 "console_host = Console.Example.NET.\napi_host = api.example.net\n"
		 "session_lifetime_s = 3600\nblocklist = %s\n",
		 write_file("words.txt", "# mine\nmyshop\n  acme2  # trailing comment\n\n"));
	is_int(load(text, &c, err, sizeof(err)), LC_EOK, "a full [console] section: %s", err);
	ok(!c->console_signup && c->console_user_limit == 3 && c->console_staff_limit == 50,
	   "values taken");
	is_str(c->console_host, "console.example.net", "host names are canonical");
	ok(c->blocklist_cnt == 2 && strcmp(c->blocklist_words[1], "acme2") == 0, "two words read");
	conf_free(c);

	is_int(load("[console]\nsignup = maybe\n", &c, err, sizeof(err)), LC_EMALF, "bad boolean");
	ok(strstr(err, ":2:") != NULL && strstr(err, "true or false") != NULL, "says where and why: %s", err);
	is_int(load("[console]\nusers = 3\n", &c, err, sizeof(err)), LC_EMALF, "unknown key");
	is_int(load("[console]\n[console]\n", &c, err, sizeof(err)), LC_EMALF, "section twice");
	is_int(load("[console]\nsession_lifetime_s = 5\n", &c, err, sizeof(err)), LC_EMALF,
	       "session lifetime below a minute");
	snprintf(text, sizeof(text), "[console]\nblocklist = %s\n",
		 write_file("bad.txt", "good\nBad-Word\n"));
	is_int(load(text, &c, err, sizeof(err)), LC_EMALF, "a bad blocklist word");
	ok(strstr(err, "bad.txt:2:") != NULL, "names the blocklist file and line: %s", err);
	is_int(load("[console]\nblocklist = /nonexistent/words\n", &c, err, sizeof(err)), LC_EIO,
	       "a missing blocklist file");

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
