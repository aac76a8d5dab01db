/* SPDX-License-Identifier: MIT */
/* localcertctl.c -- the operator's tool: list subdomains, create names and keys, revoke keys, stats */
#include <getopt.h>
#include <openssl/crypto.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "ctl/ops.h"
#include "ctl/users.h"
#include "http/jsonio.h"
#include "store/store.h"
#include "util/cidr.h"
#include "util/error.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/validate.h"

#ifndef LC_VERSION
#define LC_VERSION "0.1.0"
#endif

/* Exit codes: 0 done; 1 the operation failed (not found, taken, limit, storage); 2 usage/config. */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: localcertctl [--data DIR] [--config FILE] COMMAND [ARGS]\n"
		"Operator tool for localcertd. It works on the data directory directly; a\n"
		"running daemon publishes the changes in DNS within about a second.\n"
		"\n"
		"Commands:\n"
		"  list [--all]                  subdomains with kind, serial, keys and challenge\n"
		"                                values (--all: deleted ones too)\n"
		"  create LABEL [--parent NAME] [--allowfrom CIDR,...]\n"
		"                                register LABEL.NAME (default: the default parent)\n"
		"                                and print its first key's credentials as JSON\n"
		"  key-create FQDN [--allowfrom CIDR,...]\n"
		"                                another key for FQDN (at most %d live keys);\n"
		"                                prints the credentials as JSON\n"
		"  revoke KEYID                  revoke a key\n"
		"  delete FQDN                   delete a subdomain (its name is never reissued)\n"
		"  user-create NAME [--password-stdin]\n"
		"                                create a console account\n"
		"  staff-create NAME [--password-stdin]\n"
		"                                create a staff account (statistics, larger limit)\n"
		"  passwd-reset NAME [--password-stdin]\n"
		"                                set a new password and sign the user out everywhere\n"
		"                                Without --password-stdin a random password is\n"
		"                                made and printed once.\n"
		"  stats [--json]                users, subdomains by kind, keys created and used\n"
		"                                over the last 1, 7, 30 and 90 days (the console's\n"
		"                                statistics page); --json for a machine\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   the daemon's config file (parents, server_url, data_dir)\n"
		"      --data DIR      data directory (overrides the config)\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"Labels: a-z, 0-9 and '-', 1 to 63 characters, no '-' at either end, no '--'.\n"
		"The secret in printed credentials is shown only this once.\n"
		"Exit status: 0 done, 1 the operation failed, 2 bad usage or config.\n",
		STORE_KEYS_MAX);
}

/* Print "localcertctl: MSG 'ARG'" (or just MSG) and a hint; returns EXIT_USAGE. */
static int usage_error(const char *msg, const char *arg)
{
	if (arg != NULL) {
		fprintf(stderr, "localcertctl: %s '%s'\n", msg, arg);
	} else {
		fprintf(stderr, "localcertctl: %s\n", msg);
	}
	fprintf(stderr, "Try 'localcertctl --help' for more information.\n");
	return EXIT_USAGE;
}

/* Parse "CIDR,CIDR,..." into out; returns false (after a message) on a bad entry. */
static bool parse_allowfrom(const char *text, cidr_t *out, size_t *out_cnt)
{
	char buf[OPS_ALLOWFROM_TEXT];
	*out_cnt = 0;
	if (text == NULL) {
		return true;
	}
	if (strlen(text) >= sizeof(buf)) {
		fprintf(stderr, "localcertctl: --allowfrom is too long\n");
		return false;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (*out_cnt == OPS_ALLOWFROM_MAX) {
			fprintf(stderr, "localcertctl: --allowfrom takes at most %d CIDRs\n",
				OPS_ALLOWFROM_MAX);
			return false;
		}
		if (cidr_parse(tok, &out[*out_cnt]) != LC_EOK) {
			fprintf(stderr,
				"localcertctl: --allowfrom: \"%s\" is not a CIDR such as 192.0.2.0/24\n",
				tok);
			return false;
		}
		(*out_cnt)++;
	}
	return true;
}

static int print_creds(const ops_creds_t *c)
{
	json_t *j = jsonio_creds(c);
	char *text = j != NULL ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	if (text == NULL) {
		fprintf(stderr, "localcertctl: out of memory\n");
		return EXIT_FAILED;
	}
	printf("%s\n", text);
	free(text);
	return EXIT_SUCCESS;
}

static const char *kind_name(sub_kind_t k)
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

/* Subdomains are gathered first: the store's callbacks may not query it again. */
typedef struct sub_list {
	sub_rec_t *items;
	size_t cnt, cap;
	bool all;
} sub_list_t;

static int gather(const sub_rec_t *s, void *ctx)
{
	sub_list_t *l = ctx;
	if (s->deleted && !l->all) {
		return 0;
	}
	if (l->cnt == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		sub_rec_t *n = realloc(l->items, cap * sizeof(*n));
		if (n == NULL) {
			return LC_ENOMEM;
		}
		l->items = n;
		l->cap = cap;
	}
	l->items[l->cnt++] = *s;
	return 0;
}

static int sub_by_name(const void *a, const void *b)
{
	const sub_rec_t *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);
	return c != 0 ? c : strcmp(x->label, y->label);
}

static int print_key(const key_rec_t *k, void *ctx)
{
	(void)ctx;
	char created[32], used[32];
	timefmt_utc(k->created, TIMEFMT_ISO, created, sizeof(created));
	timefmt_utc(k->last_used, TIMEFMT_ISO, used, sizeof(used));
	printf("  key %s  created %s  last used %s", k->id, created, used);
	if (strcmp(k->allowfrom, "[]") != 0) {
		printf("  allowfrom %s", k->allowfrom);
	}
	printf("\n");
	return 0;
}

static int cmd_list(store_t *st, bool all)
{
	sub_list_t l = { .all = all };
	int64_t max = 0;
	int ret = store_changes(st, -1, gather, &l, &max);
	if (ret != LC_EOK) {
		free(l.items);
		fprintf(stderr, "localcertctl: list: %s\n", lc_strerror(ret));
		return EXIT_FAILED;
	}
	if (l.cnt > 0) {
		qsort(l.items, l.cnt, sizeof(l.items[0]), sub_by_name);
	}
	for (size_t i = 0; i < l.cnt; i++) {
		const sub_rec_t *s = &l.items[i];
		char created[32];
		timefmt_utc(s->created, TIMEFMT_ISO, created, sizeof(created));
		printf("%s.%s  %s  serial %u  created %s%s\n", s->label, s->parent,
		       kind_name(s->kind), s->serial, created, s->deleted ? "  DELETED" : "");
		if (!s->deleted && store_key_foreach(st, s->id, print_key, NULL) != LC_EOK) {
			ret = LC_EDB;
		}
		for (unsigned t = 0; t < s->txt_cnt; t++) {
			printf("  txt \"%s\"\n", s->txt[t]);
		}
	}
	printf("%zu subdomain%s\n", l.cnt, l.cnt == 1 ? "" : "s");
	free(l.items);
	return ret == LC_EOK ? EXIT_SUCCESS : EXIT_FAILED;
}

static int cmd_create(const conf_t *c, const char *label_arg, const char *parent_arg,
		      const char *allow_text)
{
	char label[STORE_LABEL_MAX + 2];
	char parent[STORE_NAME_MAX + 1];
	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	if (strlen(label_arg) >= sizeof(label)) {
		fprintf(stderr, "localcertctl: create: the label is longer than 63 characters\n");
		return EXIT_FAILED;
	}
	snprintf(label, sizeof(label), "%s", label_arg);
	validate_lower(label);
	const char *p = parent_arg != NULL ? parent_arg : c->default_parent;
	if (p == NULL || !validate_canonical_name(p, parent, sizeof(parent))) {
		fprintf(stderr, "localcertctl: create: no usable parent domain (use --parent NAME)\n");
		return EXIT_USAGE;
	}
	if (!parse_allowfrom(allow_text, allow, &allow_cnt)) {
		return EXIT_USAGE;
	}
	const char *problem = ops_label_problem(label, parent);
	if (problem != NULL) {
		fprintf(stderr, "localcertctl: create %s.%s: %s\n", label, parent, problem);
		return EXIT_FAILED;
	}
	ops_creds_t creds;
	int ret = ops_register(SUB_NAMED, parent, label, allow, allow_cnt, &creds);
	if (ret == LC_EEXIST) {
		fprintf(stderr, "localcertctl: create %s.%s: that name is taken (names are never "
				"reissued, even after deletion)\n",
			label, parent);
		return EXIT_FAILED;
	}
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: create %s.%s: %s\n", label, parent, lc_strerror(ret));
		return EXIT_FAILED;
	}
	ret = print_creds(&creds);
	ops_creds_wipe(&creds);
	return ret;
}

static int find_sub(const char *cmd, const char *fqdn, sub_rec_t *out)
{
	int ret = ops_sub_find(fqdn, out);
	if (ret == LC_ENOENT) {
		fprintf(stderr, "localcertctl: %s: no subdomain %s\n", cmd, fqdn);
	} else if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: %s: %s\n", cmd, lc_strerror(ret));
	}
	return ret;
}

static int cmd_key_create(const char *fqdn, const char *allow_text)
{
	cidr_t allow[OPS_ALLOWFROM_MAX];
	size_t allow_cnt = 0;
	sub_rec_t s;
	if (!parse_allowfrom(allow_text, allow, &allow_cnt)) {
		return EXIT_USAGE;
	}
	if (find_sub("key-create", fqdn, &s) != LC_EOK) {
		return EXIT_FAILED;
	}
	ops_creds_t creds;
	int ret = ops_key_create(s.id, allow, allow_cnt, &creds);
	if (ret == LC_ELIMIT) {
		fprintf(stderr,
			"localcertctl: key-create: %s.%s already has %d keys; revoke one first\n",
			s.label, s.parent, STORE_KEYS_MAX);
		return EXIT_FAILED;
	}
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: key-create: %s\n", lc_strerror(ret));
		return EXIT_FAILED;
	}
	ret = print_creds(&creds);
	ops_creds_wipe(&creds);
	return ret;
}

static int cmd_revoke(const char *key_id)
{
	if (!validate_uuid(key_id)) {
		fprintf(stderr, "localcertctl: revoke: \"%s\" is not a key id (a UUID)\n", key_id);
		return EXIT_FAILED;
	}
	int ret = ops_key_revoke(key_id);
	if (ret == LC_ENOENT) {
		fprintf(stderr, "localcertctl: revoke: no live key %s\n", key_id);
		return EXIT_FAILED;
	}
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: revoke: %s\n", lc_strerror(ret));
		return EXIT_FAILED;
	}
	printf("revoked %s\n", key_id);
	return EXIT_SUCCESS;
}

static int cmd_delete(const char *fqdn)
{
	sub_rec_t s;
	if (find_sub("delete", fqdn, &s) != LC_EOK) {
		return EXIT_FAILED;
	}
	int ret = ops_sub_delete(s.id, &s);
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: delete: %s\n", lc_strerror(ret));
		return EXIT_FAILED;
	}
	printf("deleted %s.%s\n", s.label, s.parent);
	return EXIT_SUCCESS;
}

/* The password: one line from stdin, or a random one that is printed. */
static int get_password(bool from_stdin, char *out, size_t out_size, bool *out_generated)
{
	*out_generated = !from_stdin;
	if (!from_stdin) {
		char tok[USERS_TOKEN_LEN + 1];
		if (users_token(tok) != LC_EOK) {
			fprintf(stderr, "localcertctl: no randomness\n");
			return EXIT_FAILED;
		}
		snprintf(out, out_size, "%.20s", tok); /* 120 bits */
		return EXIT_SUCCESS;
	}
	if (fgets(out, (int)out_size, stdin) == NULL) {
		fprintf(stderr, "localcertctl: no password on standard input\n");
		return EXIT_USAGE;
	}
	out[strcspn(out, "\r\n")] = '\0';
	const char *problem = users_password_problem(out);
	if (problem != NULL) {
		fprintf(stderr, "localcertctl: %s\n", problem);
		return EXIT_USAGE;
	}
	return EXIT_SUCCESS;
}

static int cmd_user_create(const char *name, bool staff, bool pw_stdin)
{
	char pw[USERS_PASSWORD_MAX + 2];
	bool generated = false;
	char lname[STORE_USER_NAME_MAX + 2];
	snprintf(lname, sizeof(lname), "%s", name);
	validate_lower(lname);
	const char *problem = strlen(name) > STORE_USER_NAME_MAX ? "a user name is 3 to 64 characters"
								 : users_name_problem(lname);
	if (problem != NULL) {
		fprintf(stderr, "localcertctl: %s: %s\n", staff ? "staff-create" : "user-create",
			problem);
		return EXIT_FAILED;
	}
	int rc = get_password(pw_stdin, pw, sizeof(pw), &generated);
	if (rc != EXIT_SUCCESS) {
		return rc;
	}
	int64_t id = 0;
	int ret = users_create(lname, pw, staff, &id);
	if (ret == LC_EEXIST) {
		fprintf(stderr, "localcertctl: the user name %s is taken\n", lname);
	} else if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: creating %s failed: %s\n", lname, lc_strerror(ret));
	} else {
		printf("created %s %s\n", staff ? "staff user" : "user", lname);
		if (generated) {
			printf("password: %s\n(shown only this once)\n", pw);
		}
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	return ret == LC_EOK ? EXIT_SUCCESS : EXIT_FAILED;
}

static int cmd_passwd_reset(const char *name, bool pw_stdin)
{
	char pw[USERS_PASSWORD_MAX + 2];
	bool generated = false;
	user_rec_t u;
	int ret = users_find(name, &u);
	if (ret == LC_ENOENT) {
		fprintf(stderr, "localcertctl: passwd-reset: no user %s\n", name);
		return EXIT_FAILED;
	}
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: passwd-reset: %s\n", lc_strerror(ret));
		return EXIT_FAILED;
	}
	int rc = get_password(pw_stdin, pw, sizeof(pw), &generated);
	if (rc != EXIT_SUCCESS) {
		return rc;
	}
	ret = users_password_set(u.id, pw);
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: passwd-reset: %s\n", lc_strerror(ret));
	} else {
		printf("password of %s reset; every session of it is signed out\n", u.name);
		if (generated) {
			printf("password: %s\n(shown only this once)\n", pw);
		}
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(&u, sizeof(u));
	return ret == LC_EOK ? EXIT_SUCCESS : EXIT_FAILED;
}

/* Options after the command: --parent, --allowfrom, --all, --password-stdin. */
typedef struct cmd_opts {
	const char *parent;
	const char *allowfrom;
	bool all;
	bool pw_stdin;
	bool json;
	const char *args[2];
	int arg_cnt;
} cmd_opts_t;

static int parse_cmd_opts(int argc, char **argv, cmd_opts_t *o)
{
	enum { OPT_PARENT = 256, OPT_ALLOWFROM, OPT_ALL, OPT_PWSTDIN, OPT_JSON };
	static const struct option opts[] = {
		{ "parent", required_argument, NULL, OPT_PARENT },
		{ "allowfrom", required_argument, NULL, OPT_ALLOWFROM },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	optind = 0; /* 0, not 1: makes glibc's getopt start over completely */
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_PARENT:
			o->parent = optarg;
			break;
		case OPT_ALLOWFROM:
			o->allowfrom = optarg;
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_PWSTDIN:
			o->pw_stdin = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		default:
			return usage_error("bad option for", argv[0]);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (o->arg_cnt == 2) {
			return usage_error("unexpected argument", argv[i]);
		}
		o->args[o->arg_cnt++] = argv[i];
	}
	return -1;
}

/* A row of per-period counts as a JSON array. */
static json_t *periods_json(const int64_t n[STORE_STATS_PERIODS])
{
	json_t *a = json_array();
	for (int p = 0; a != NULL && p < STORE_STATS_PERIODS; p++) {
		if (json_array_append_new(a, json_integer(n[p])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static int stats_json(const store_stats_t *st)
{
	json_t *days = json_array();
	for (int p = 0; days != NULL && p < STORE_STATS_PERIODS; p++) {
		json_array_append_new(days, json_integer(store_stats_days[p]));
	}
	json_t *j = json_pack("{s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:I, s:I, s:I, s:o*, s:o*, s:o*,"
			      " s:o*, s:o*}",
			      "accounts", (json_int_t)st->users, "staff", (json_int_t)st->staff,
			      "sessions_live", (json_int_t)st->sessions_live, "subdomains",
			      "instant", (json_int_t)st->subs_live[SUB_INSTANT], "delegate",
			      (json_int_t)st->subs_live[SUB_DELEGATE], "named",
			      (json_int_t)st->subs_live[SUB_NAMED], "subdomains_owned",
			      (json_int_t)st->subs_owned, "subdomains_deleted",
			      (json_int_t)st->subs_deleted, "keys_live", (json_int_t)st->keys_live,
			      "period_days", days, "new_accounts", periods_json(st->users_new),
			      "new_subdomains", periods_json(st->subs_new), "keys_created",
			      periods_json(st->keys_created), "keys_used", periods_json(st->keys_used));
	char *text = j != NULL ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	if (text == NULL) {
		fprintf(stderr, "localcertctl: out of memory\n");
		return EXIT_FAILED;
	}
	printf("%s\n", text);
	free(text);
	return EXIT_SUCCESS;
}

static void stats_period_row(const char *what, const int64_t n[STORE_STATS_PERIODS])
{
	printf("  %-22s", what);
	for (int p = 0; p < STORE_STATS_PERIODS; p++) {
		printf(" %12lld", (long long)n[p]);
	}
	printf("\n");
}

/*
 * The numbers of the console's statistics page (web/page_stats.c), from the same
 * users_stats(), less "in the DNS index now", which only the daemon knows.
 */
static int cmd_stats(bool as_json)
{
	store_stats_t st;
	int ret = users_stats(&st);
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: stats: %s\n", lc_strerror(ret));
		return EXIT_FAILED;
	}
	if (as_json) {
		return stats_json(&st);
	}
	printf("Users\n");
	printf("  %-22s %12lld\n", "accounts", (long long)st.users);
	printf("  %-22s %12lld\n", "staff", (long long)st.staff);
	printf("  %-22s %12lld\n", "signed-in sessions", (long long)st.sessions_live);
	printf("Subdomains\n");
	printf("  %-22s %12lld\n", "instant", (long long)st.subs_live[SUB_INSTANT]);
	printf("  %-22s %12lld\n", "delegate", (long long)st.subs_live[SUB_DELEGATE]);
	printf("  %-22s %12lld\n", "named", (long long)st.subs_live[SUB_NAMED]);
	printf("  %-22s %12lld\n", "owned by an account", (long long)st.subs_owned);
	printf("  %-22s %12lld\n", "deleted", (long long)st.subs_deleted);
	printf("Keys\n");
	printf("  %-22s %12lld\n", "live", (long long)st.keys_live);
	printf("Activity%16s", "");
	for (int p = 0; p < STORE_STATS_PERIODS; p++) {
		char head[32];
		if (store_stats_days[p] == 1) {
			snprintf(head, sizeof(head), "last day");
		} else {
			snprintf(head, sizeof(head), "last %d days", store_stats_days[p]);
		}
		printf(" %12s", head);
	}
	printf("\n");
	stats_period_row("new accounts", st.users_new);
	stats_period_row("new subdomains", st.subs_new);
	stats_period_row("keys created", st.keys_created);
	stats_period_row("keys used", st.keys_used);
	return EXIT_SUCCESS;
}

/* Check a command's arguments and options; returns -1 if fine, or an exit status. */
static int check_cmd(const char *cmd, const cmd_opts_t *o)
{
	struct {
		const char *name;
		int args;
		bool parent, allowfrom, all, pw, json;
	} cmds[] = {
		{ "list", 0, false, false, true, false, false },
		{ "create", 1, true, true, false, false, false },
		{ "key-create", 1, false, true, false, false, false },
		{ "revoke", 1, false, false, false, false, false },
		{ "delete", 1, false, false, false, false, false },
		{ "user-create", 1, false, false, false, true, false },
		{ "staff-create", 1, false, false, false, true, false },
		{ "passwd-reset", 1, false, false, false, true, false },
		{ "stats", 0, false, false, false, false, true },
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, cmd) != 0) {
			continue;
		}
		if (o->arg_cnt != cmds[i].args) {
			return usage_error("wrong number of arguments for", cmd);
		}
		if ((o->parent && !cmds[i].parent) || (o->allowfrom && !cmds[i].allowfrom) ||
		    (o->all && !cmds[i].all) || (o->pw_stdin && !cmds[i].pw) ||
		    (o->json && !cmds[i].json)) {
			return usage_error("an option does not apply to", cmd);
		}
		return -1;
	}
	return usage_error("unknown command", cmd);
}

int main(int argc, char **argv)
{
	enum { OPT_DATA = 256 };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	const char *data = NULL;
	int ch;
	/* "+": stop at the command, whose own options are parsed afterwards. */
	while ((ch = getopt_long(argc, argv, "+c:Vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case OPT_DATA:
			data = optarg;
			break;
		case 'V':
			printf("localcertctl %s\n", LC_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try 'localcertctl --help' for more information.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		return usage_error("no command given", NULL);
	}
	const char *cmd = argv[optind];
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	cmd_opts_t o;
	int rc = parse_cmd_opts(argc - optind, argv + optind, &o);
	if (rc < 0) {
		rc = check_cmd(cmd, &o);
	}
	if (rc >= 0) {
		return rc;
	}

	log_set_level(LOG_WARN);
	char err[512] = "";
	conf_t *c = NULL;
	if (conf_load(config, &c, err, sizeof(err)) != LC_EOK ||
	    (data != NULL && conf_set(c, "data", data, err, sizeof(err)) != LC_EOK)) {
		fprintf(stderr, "localcertctl: %s\n", err[0] ? err : "cannot load the configuration");
		conf_free(c);
		return EXIT_USAGE;
	}
	/* Only commands that create something may create a new store: a typo in
	 * --data must not look like an empty one. */
	bool creates = strcmp(cmd, "create") == 0 || strcmp(cmd, "user-create") == 0 ||
		       strcmp(cmd, "staff-create") == 0;
	char db[4096];
	snprintf(db, sizeof(db), "%s/localcert.db", c->data_dir);
	if (!creates && access(db, F_OK) != 0) {
		fprintf(stderr, "localcertctl: no database at %s (wrong --data or --config?)\n", db);
		conf_free(c);
		return EXIT_FAILED;
	}
	store_t *st = NULL;
	int ret = store_open(c->data_dir, &st);
	if (ret != LC_EOK) {
		fprintf(stderr, "localcertctl: cannot open the store in %s: %s\n", c->data_dir,
			lc_strerror(ret));
		conf_free(c);
		return EXIT_FAILED;
	}
	ops_init_offline(c, st);

	if (strcmp(cmd, "list") == 0) {
		rc = cmd_list(st, o.all);
	} else if (strcmp(cmd, "create") == 0) {
		rc = cmd_create(c, o.args[0], o.parent, o.allowfrom);
	} else if (strcmp(cmd, "key-create") == 0) {
		rc = cmd_key_create(o.args[0], o.allowfrom);
	} else if (strcmp(cmd, "revoke") == 0) {
		rc = cmd_revoke(o.args[0]);
	} else if (strcmp(cmd, "user-create") == 0 || strcmp(cmd, "staff-create") == 0) {
		rc = cmd_user_create(o.args[0], cmd[0] == 's', o.pw_stdin);
	} else if (strcmp(cmd, "passwd-reset") == 0) {
		rc = cmd_passwd_reset(o.args[0], o.pw_stdin);
	} else if (strcmp(cmd, "stats") == 0) {
		rc = cmd_stats(o.json);
	} else {
		rc = cmd_delete(o.args[0]);
	}
	ops_cleanup();
	store_free(st);
	conf_free(c);
	return rc;
}
