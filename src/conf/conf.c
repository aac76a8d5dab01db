/* SPDX-License-Identifier: MIT */
/* conf.c -- the INI configuration file (inih) and command-line overrides -> conf_t */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/parse.h"
#include "conf/value.h"
#include "conf/zonesec.h"
#include "util/error.h"
#include "util/log.h"

/*
 * Debian's libinih exports its line-length limit as a variable (upstream has
 * only the compile-time INI_MAX_LINE of 200). Raise it when it exists so that
 * long TXT records fit; declared weak so an upstream build still links.
 */
extern int ini_max_line __attribute__((weak));

/* How a value of a global key is checked and stored. */
typedef enum {
	KT_STR,         /* non-empty string */
	KT_UINT,        /* unsigned, range-checked */
	KT_U32,         /* uint32_t, range-checked */
	KT_SIZE,        /* size_t, range-checked */
	KT_LISTEN,      /* one ADDR:PORT */
	KT_LISTEN_LIST, /* comma list of ADDR:PORT */
	KT_LOGLEVEL,    /* error|warn|info|debug */
	KT_NAME_LIST,   /* comma list of host names (ns) */
	KT_NAME,        /* one domain name */
	KT_URL,         /* http:// or https:// URL */
	KT_CIDR_LIST,   /* comma list of CIDRs */
	KT_BOOL,        /* true/false, yes/no, on/off, 1/0 */
} key_type_t;

typedef struct key_def {
	enum conf_section sec;
	const char *name;
	key_type_t type;
	size_t off;     /* offset of the field in conf_t */
	size_t cnt_off; /* lists: offset of the count field */
	unsigned long min, max;
} key_def_t;

#define F(field) offsetof(conf_t, field)
static const key_def_t keys[] = {
	{ SEC_SERVER, "dns_listen", KT_LISTEN_LIST, F(dns_listen), 0, 0, 0 },
	{ SEC_SERVER, "http_listen", KT_LISTEN, F(http_listen), 0, 0, 0 },
	{ SEC_SERVER, "data_dir", KT_STR, F(data_dir), 0, 0, 0 },
	{ SEC_SERVER, "dns_workers", KT_UINT, F(dns_workers), 0, 0, 1024 },
	{ SEC_SERVER, "http_threads", KT_UINT, F(http_threads), 0, 0, 1024 },
	{ SEC_SERVER, "log_level", KT_LOGLEVEL, F(log_level), 0, 0, 0 },
	{ SEC_DNS, "ns", KT_NAME_LIST, F(ns_names), F(ns_cnt), 0, 0 },
	{ SEC_DNS, "soa_mailbox", KT_NAME, F(soa_mailbox), 0, 0, 0 },
	{ SEC_DNS, "ttl_fixed", KT_U32, F(ttl_fixed), 0, 1, CONF_TTL_MAX },
	/* SPEC 1: negative answers are cached at most 60 s, and the SOA TTL caps that. */
	{ SEC_DNS, "ttl_soa", KT_U32, F(ttl_soa), 0, 1, 60 },
	{ SEC_DNS, "ttl_challenge", KT_U32, F(ttl_challenge), 0, 1, 60 },
	{ SEC_DNS, "tcp_idle_timeout_ms", KT_UINT, F(tcp_idle_timeout_ms), 0, 100, 3600000 },
	{ SEC_DNS, "tcp_max_conns", KT_UINT, F(tcp_max_conns), 0, 1, 65535 },
	{ SEC_DNS, "rrl_rate", KT_UINT, F(rrl_rate), 0, 0, 1000000 },
	{ SEC_DNS, "rrl_slip", KT_UINT, F(rrl_slip), 0, 0, 100 },
	{ SEC_API, "server_url", KT_URL, F(server_url), 0, 0, 0 },
	{ SEC_API, "default_parent", KT_NAME, F(default_parent), 0, 0, 0 },
	{ SEC_API, "body_max", KT_SIZE, F(body_max), 0, 1024, 1048576 },
	{ SEC_API, "trusted_proxies", KT_CIDR_LIST, F(trusted_proxies), F(trusted_proxy_cnt), 0, 0 },
	{ SEC_API, "reg_instant_per_hour", KT_UINT, F(reg_instant_per_hour), 0, 1, 1000000 },
	{ SEC_API, "reg_instant_burst", KT_UINT, F(reg_instant_burst), 0, 1, 1000000 },
	{ SEC_API, "reg_instant_per_week", KT_UINT, F(reg_instant_per_week), 0, 1, 1000000 },
	{ SEC_API, "reg_delegate_per_day", KT_UINT, F(reg_delegate_per_day), 0, 1, 1000000 },
	{ SEC_API, "auth_fail_max", KT_UINT, F(auth_fail_max), 0, 1, 1000000 },
	{ SEC_API, "auth_fail_window_s", KT_UINT, F(auth_fail_window_s), 0, 1, 86400 },
	{ SEC_API, "conn_max", KT_UINT, F(conn_max), 0, 1, 65536 },
	{ SEC_API, "conn_per_addr", KT_UINT, F(conn_per_addr), 0, 1, 65536 },
	{ SEC_API, "idle_timeout_s", KT_UINT, F(idle_timeout_s), 0, 1, 3600 },
	{ SEC_API, "request_timeout_s", KT_UINT, F(request_timeout_s), 0, 1, 3600 },
	{ SEC_CONSOLE, "enabled", KT_BOOL, F(console_enabled), 0, 0, 0 },
	{ SEC_CONSOLE, "signup", KT_BOOL, F(console_signup), 0, 0, 0 },
	{ SEC_CONSOLE, "console_host", KT_NAME, F(console_host), 0, 0, 0 },
	{ SEC_CONSOLE, "api_host", KT_NAME, F(api_host), 0, 0, 0 },
	{ SEC_CONSOLE, "user_limit", KT_UINT, F(console_user_limit), 0, 0, 100000 },
	{ SEC_CONSOLE, "staff_limit", KT_UINT, F(console_staff_limit), 0, 0, 1000000 },
	{ SEC_CONSOLE, "session_lifetime_s", KT_UINT, F(session_lifetime_s), 0, 60, 31536000 },
	{ SEC_CONSOLE, "login_fail_max", KT_UINT, F(login_fail_max), 0, 1, 1000000 },
	{ SEC_CONSOLE, "login_fail_addr_max", KT_UINT, F(login_fail_addr_max), 0, 1, 1000000 },
	{ SEC_CONSOLE, "login_fail_window_s", KT_UINT, F(login_fail_window_s), 0, 1, 86400 },
	{ SEC_CONSOLE, "signup_per_day", KT_UINT, F(signup_per_day), 0, 1, 1000000 },
	{ SEC_CONSOLE, "blocklist", KT_STR, F(blocklist_path), 0, 0, 0 },
};
#undef F
#define KEY_CNT (sizeof(keys) / sizeof(keys[0]))

/*
 * The one exception to "an empty value is an error": keys whose empty value has a
 * documented meaning (no trusted proxies, any Host, no extra blocklist). For them
 * "key =" is the same as leaving the key out.
 */
static const char *const empty_ok_keys[] = { "trusted_proxies", "console_host", "api_host",
					     "blocklist" };

static bool key_empty_ok(const key_def_t *k)
{
	for (size_t i = 0; i < sizeof(empty_ok_keys) / sizeof(empty_ok_keys[0]); i++) {
		if (strcmp(k->name, empty_ok_keys[i]) == 0) {
			return true;
		}
	}
	return false;
}
_Static_assert(KEY_CNT <= CONF_KEYS_MAX, "raise CONF_KEYS_MAX in conf/parse.h");

static const char *const section_names[] = {
	[SEC_NONE] = "", [SEC_SERVER] = "server", [SEC_DNS] = "dns",  [SEC_API] = "api",
	[SEC_CONSOLE] = "console", [SEC_PARENT] = "parent", [SEC_ZONE] = "zone", [SEC_SKIP] = "",
};

/* ---- small string helpers ---- */

char *conf_trim(char *s)
{
	while (isspace((unsigned char)*s)) {
		s++;
	}
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1])) {
		s[--n] = '\0';
	}
	return s;
}

char *conf_token(char **s)
{
	char *t = *s;
	while (isspace((unsigned char)*t)) {
		t++;
	}
	if (*t == '\0') {
		*s = t;
		return NULL;
	}
	char *e = t;
	while (*e && !isspace((unsigned char)*e)) {
		e++;
	}
	if (*e) {
		*e++ = '\0';
	}
	*s = e;
	return t;
}

static void set_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
	if (err == NULL || err_len == 0) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/*
 * Record an error at a line of the file. Only the first one is kept: inih
 * keeps parsing after a handler fails, and later errors are often knock-on
 * effects of the first.
 */
int conf_fail(conf_parse_t *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int conf_fail(conf_parse_t *p, int line, const char *fmt, ...)
{
	if (p->ret != LC_EOK) {
		return p->ret;
	}
	p->ret = LC_EMALF;
	p->err_line = line;
	if (p->err != NULL && p->err_len > 0) {
		int n = snprintf(p->err, p->err_len, "%s:%d: ", p->path, line);
		if (n >= 0 && (size_t)n < p->err_len) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return p->ret;
}

int conf_fail_nomem(conf_parse_t *p)
{
	if (p->ret == LC_EOK) {
		p->ret = LC_ENOMEM;
		p->err_line = p->line;
		set_err(p->err, p->err_len, "%s: out of memory", p->path);
	}
	return p->ret;
}

/* ---- list and memory helpers ---- */

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i]);
	}
	free(v);
}

/*
 * Split a comma list, check each item with check (which may rewrite the item
 * in place, into a buffer of CONF_NAME_MAX + 2 bytes) and return a new array.
 * *out_why is set (and LC_EMALF returned) on a bad item; bad_item names it.
 */
typedef const char *(*item_check_fn)(char *item, char *norm, size_t norm_len);

static int split_list(const char *value, item_check_fn check, bool allow_empty, char ***out,
		      size_t *out_cnt, const char **out_why, char *bad_item, size_t bad_len)
{
	char *copy = strdup(value);
	char **v = NULL;
	size_t n = 0;
	int ret = LC_EOK;

	if (copy == NULL) {
		return LC_ENOMEM;
	}
	*out_why = NULL;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *item = conf_trim(tok);
		char norm[CONF_NAME_MAX + 2];
		if (*item == '\0') {
			continue;
		}
		if (n == CONF_LIST_MAX) {
			*out_why = "too many entries";
			ret = LC_EMALF;
			goto fail;
		}
		snprintf(norm, sizeof(norm), "%s", item);
		const char *why = check(item, norm, sizeof(norm));
		if (why != NULL) {
			*out_why = why;
			snprintf(bad_item, bad_len, "%s", item);
			ret = LC_EMALF;
			goto fail;
		}
		char **nv = realloc(v, (n + 1) * sizeof(*v));
		if (nv == NULL) {
			ret = LC_ENOMEM;
			goto fail;
		}
		v = nv;
		v[n] = strdup(norm);
		if (v[n] == NULL) {
			ret = LC_ENOMEM;
			goto fail;
		}
		n++;
	}
	if (n == 0 && !allow_empty) {
		*out_why = "empty list";
		snprintf(bad_item, bad_len, "%s", value);
		ret = LC_EMALF;
		goto fail;
	}
	free(copy);
	*out = v;
	*out_cnt = n;
	return LC_EOK;
fail:
	free_list(v, n);
	free(copy);
	return ret;
}

static const char *item_listen(char *item, char *norm, size_t norm_len)
{
	(void)norm_len;
	(void)norm;
	return value_check_listen(item);
}

static const char *item_host(char *item, char *norm, size_t norm_len)
{
	(void)item;
	(void)norm_len;
	return value_check_name(norm, false);
}

static const char *item_cidr(char *item, char *norm, size_t norm_len)
{
	return value_check_cidr(item, norm, norm_len);
}

/* Join a list back with ',' and no spaces (the form dns_listen is stored in). */
static char *join_list(char **v, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++) {
		len += strlen(v[i]) + 1;
	}
	char *s = malloc(len);
	if (s == NULL) {
		return NULL;
	}
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			strcat(s, ",");
		}
		strcat(s, v[i]);
	}
	return s;
}

int conf_replace_str(char **field, const char *value)
{
	char *s = strdup(value);
	if (s == NULL) {
		return LC_ENOMEM;
	}
	free(*field);
	*field = s;
	return LC_EOK;
}

/* Normalise a dns_listen comma list into "A,B" after checking each entry. */
static int listen_list(const char *value, char **out, const char **out_why, char *bad,
		       size_t bad_len)
{
	char **v = NULL;
	size_t n = 0;
	int ret = split_list(value, item_listen, false, &v, &n, out_why, bad, bad_len);
	if (ret != LC_EOK) {
		return ret;
	}
	char *joined = join_list(v, n);
	free_list(v, n);
	if (joined == NULL) {
		return LC_ENOMEM;
	}
	free(*out);
	*out = joined;
	return LC_EOK;
}

/* ---- section headers (seen by the line reader, before inih) ---- */

/*
 * Section headers are handled here rather than in the inih handler: inih
 * calls the handler only for key = value lines, so an empty [parent NAME]
 * would otherwise never be seen, and errors would point at the wrong line.
 * The text between '[' and ']' is the same text inih passes as "section".
 */
static void begin_section(conf_parse_t *p, const char *line)
{
	char buf[CONF_LINE_MAX];
	const char *close = strchr(line, ']');

	p->sec = SEC_SKIP;
	if (close == NULL) {
		conf_fail(p, p->line, "section header without ']'");
		return;
	}
	size_t len = (size_t)(close - line - 1);
	memcpy(buf, line + 1, len);
	buf[len] = '\0';
	char *s = buf;
	char *word = conf_token(&s);
	char *name = conf_token(&s);
	char *extra = conf_token(&s);
	if (word == NULL) {
		conf_fail(p, p->line, "empty section name []");
		return;
	}
	enum conf_section sec = SEC_NONE;
	for (int i = SEC_SERVER; i <= SEC_ZONE; i++) {
		if (strcasecmp(word, section_names[i]) == 0) {
			sec = (enum conf_section)i;
		}
	}
	if (sec == SEC_NONE) {
		conf_fail(p, p->line,
		     "unknown section [%s] (expected [server], [dns], [api], [console], [parent NAME] "
		     "or [zone NAME])",
		     word);
		return;
	}
	if (sec == SEC_SERVER || sec == SEC_DNS || sec == SEC_API || sec == SEC_CONSOLE) {
		if (name != NULL) {
			conf_fail(p, p->line, "section [%s] takes no name", section_names[sec]);
			return;
		}
		if (p->sections_seen & (1u << sec)) {
			conf_fail(p, p->line, "section [%s] appears twice", section_names[sec]);
			return;
		}
		p->sections_seen |= 1u << sec;
		p->sec = sec;
		return;
	}
	if (name == NULL || extra != NULL) {
		conf_fail(p, p->line, "section [%s] needs exactly one domain name, as in [%s example.net]",
		     section_names[sec], section_names[sec]);
		return;
	}
	zonesec_begin(p, sec, name);
}

/*
 * fgets-style reader for ini_parse_stream(). It counts lines (so errors can
 * name them), strips leading blanks (so inih never treats an indented line as
 * the continuation of the previous value), rejects over-long lines instead of
 * letting inih split them, and sees section headers first.
 */
static char *read_line(char *str, int num, void *stream)
{
	conf_parse_t *p = stream;

	if (fgets(str, num, p->f) == NULL) {
		zonesec_end(p);
		return NULL;
	}
	p->line++;
	size_t len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n') {
		/* The buffer is full: the line fits only if a newline or EOF follows. */
		int ch = fgetc(p->f);
		if (ch != EOF && ch != '\n') {
			while ((ch = fgetc(p->f)) != EOF && ch != '\n') {
			}
			conf_fail(p, p->line, "line longer than %d characters", num - 3);
			snprintf(str, (size_t)num, "\n");
			return str;
		}
	}
	if (p->line == 1 && strncmp(str, "\xEF\xBB\xBF", 3) == 0) {
		memmove(str, str + 3, len - 2);
	}
	size_t skip = strspn(str, " \t");
	memmove(str, str + skip, strlen(str + skip) + 1);
	if (str[0] == '[') {
		zonesec_end(p);
		begin_section(p, str);
	}
	return str;
}

/* ---- key = value handler ---- */

static const char *parse_bool(const char *value, bool *out);

static int set_global(conf_parse_t *p, size_t ki, const char *value)
{
	const key_def_t *k = &keys[ki];
	char *base = (char *)&p->cf->pub;
	char copy[CONF_LINE_MAX];
	char bad[CONF_LINE_MAX];
	const char *why = NULL;
	unsigned long v = 0;
	int ret;

	if (p->key_seen[ki]) {
		return conf_fail(p, p->line, "key \"%s\" is set twice (first on line %d)", k->name,
			    p->key_line[ki]);
	}
	p->key_seen[ki] = true;
	p->key_line[ki] = p->line;
	if (*value == '\0') {
		if (!key_empty_ok(k)) {
			return conf_fail(p, p->line, "key \"%s\" has an empty value", k->name);
		}
		/* Documented as "empty = unset": back to the default, which is NULL or no list. */
		if (k->cnt_off != 0) {
			free_list(*(char ***)(base + k->off), *(size_t *)(base + k->cnt_off));
			*(char ***)(base + k->off) = NULL;
			*(size_t *)(base + k->cnt_off) = 0;
		} else {
			free(*(char **)(base + k->off));
			*(char **)(base + k->off) = NULL;
		}
		return LC_EOK;
	}
	snprintf(copy, sizeof(copy), "%s", value);

	switch (k->type) {
	case KT_STR:
		ret = conf_replace_str((char **)(base + k->off), value);
		return ret == LC_EOK ? ret : conf_fail_nomem(p);
	case KT_UINT:
	case KT_U32:
	case KT_SIZE:
		why = value_parse_ulong(value, k->min, k->max, &v);
		if (why != NULL) {
			return conf_fail(p, p->line, "bad number \"%s\" for %s: %s (expected %lu..%lu)",
				    value, k->name, why, k->min, k->max);
		}
		if (k->type == KT_UINT) {
			*(unsigned *)(base + k->off) = (unsigned)v;
		} else if (k->type == KT_U32) {
			*(uint32_t *)(base + k->off) = (uint32_t)v;
		} else {
			*(size_t *)(base + k->off) = (size_t)v;
		}
		return LC_EOK;
	case KT_LOGLEVEL:
		why = value_parse_log_level(value, (int *)(base + k->off));
		break;
	case KT_BOOL:
		why = parse_bool(value, (bool *)(base + k->off));
		break;
	case KT_LISTEN:
		why = value_check_listen(value);
		if (why == NULL) {
			ret = conf_replace_str((char **)(base + k->off), value);
			return ret == LC_EOK ? ret : conf_fail_nomem(p);
		}
		break;
	case KT_LISTEN_LIST:
		ret = listen_list(value, (char **)(base + k->off), &why, bad, sizeof(bad));
		if (ret == LC_ENOMEM) {
			return conf_fail_nomem(p);
		}
		if (ret != LC_EOK) {
			return conf_fail(p, p->line, "bad address \"%s\" for %s: %s", bad, k->name, why);
		}
		return LC_EOK;
	case KT_NAME:
		why = strlen(copy) > CONF_NAME_MAX + 1 ? "domain name too long"
						       : value_check_name(copy, false);
		if (why == NULL) {
			ret = conf_replace_str((char **)(base + k->off), copy);
			return ret == LC_EOK ? ret : conf_fail_nomem(p);
		}
		break;
	case KT_URL:
		why = value_check_url(copy);
		if (why == NULL) {
			p->cf->server_url_default = false;
			ret = conf_replace_str((char **)(base + k->off), copy);
			return ret == LC_EOK ? ret : conf_fail_nomem(p);
		}
		break;
	case KT_NAME_LIST:
	case KT_CIDR_LIST: {
		char **list = NULL;
		size_t cnt = 0;
		ret = split_list(value, k->type == KT_NAME_LIST ? item_host : item_cidr,
				 k->type == KT_CIDR_LIST, &list, &cnt, &why, bad, sizeof(bad));
		if (ret == LC_ENOMEM) {
			return conf_fail_nomem(p);
		}
		if (ret != LC_EOK) {
			return conf_fail(p, p->line, "bad entry \"%s\" for %s: %s", bad, k->name, why);
		}
		char ***field = (char ***)(base + k->off);
		size_t *cnt_field = (size_t *)(base + k->cnt_off);
		free_list(*field, *cnt_field);
		*field = list;
		*cnt_field = cnt;
		return LC_EOK;
	}
	}
	if (why != NULL) {
		return conf_fail(p, p->line, "bad value \"%s\" for %s: %s", value, k->name, why);
	}
	return LC_EOK;
}

static const char *parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
			*out = strcasecmp(value, yes[i]) == 0;
			return NULL;
		}
	}
	return "expected true or false";
}

static int handle(void *user, const char *section, const char *name, const char *value)
{
	conf_parse_t *p = user;
	(void)section; /* p->sec, set by read_line() from the same header line, is used instead */

	if (p->ret == LC_ENOMEM) {
		return 0;
	}
	if (p->sec == SEC_SKIP) {
		return 1; /* the section header was already reported */
	}
	if (p->sec == SEC_NONE) {
		conf_fail(p, p->line, "key \"%s\" before any [section]", name);
		return 0;
	}
	if (p->sec == SEC_PARENT || p->sec == SEC_ZONE) {
		return zonesec_set_key(p, name, value) == LC_EOK;
	}
	for (size_t i = 0; i < KEY_CNT; i++) {
		if (keys[i].sec == p->sec && strcasecmp(keys[i].name, name) == 0) {
			return set_global(p, i, value) == LC_EOK;
		}
	}
	conf_fail(p, p->line, "unknown key \"%s\" in [%s]", name, section_names[p->sec]);
	return 0;
}

/* ---- defaults and derived values ---- */

static int set_defaults(conf_full_t *cf)
{
	conf_t *c = &cf->pub;
	c->dns_listen = strdup("127.0.0.1:1053");
	c->http_listen = strdup("127.0.0.1:8053");
	c->data_dir = strdup("./localcert-data");
	if (c->dns_listen == NULL || c->http_listen == NULL || c->data_dir == NULL) {
		return LC_ENOMEM;
	}
	c->dns_workers = 0;
	c->http_threads = 0;
	c->log_level = LOG_INFO;
	c->ttl_fixed = 300;
	c->ttl_soa = 60;
	c->ttl_challenge = 10;
	c->tcp_idle_timeout_ms = 10000;
	c->tcp_max_conns = 256;
	c->rrl_rate = 50;
	c->rrl_slip = 2;
	c->body_max = 16384;
	c->reg_instant_per_hour = 2;
	c->reg_instant_burst = 10;
	c->reg_instant_per_week = 50;
	c->reg_delegate_per_day = 50;
	c->auth_fail_max = 20;
	c->auth_fail_window_s = 300;
	c->conn_max = 1024;
	c->conn_per_addr = 64;
	c->idle_timeout_s = 15;
	c->request_timeout_s = 30;
	c->console_enabled = true;
	c->console_signup = true;
	c->console_user_limit = 5;
	c->console_staff_limit = 100;
	c->session_lifetime_s = 7 * 86400;
	c->login_fail_max = 5;
	c->login_fail_addr_max = 20;
	c->login_fail_window_s = 900;
	c->signup_per_day = 10;
	cf->server_url_default = true;
	return LC_EOK;
}

static int derive_server_url(conf_full_t *cf)
{
	char url[512];
	snprintf(url, sizeof(url), "http://%s", cf->pub.http_listen);
	return conf_replace_str(&cf->pub.server_url, url);
}

/*
 * The operator's look-alike words ([console] blocklist): one word of a-z and
 * 0-9 per line, '#' comments. Read now, so a typo stops the daemon with
 * FILE:LINE like any other config error.
 */
static int read_blocklist(conf_parse_t *p)
{
	conf_t *c = &p->cf->pub;
	char line[CONF_LINE_MAX];
	size_t cap = 0;
	int ret = LC_EOK;
	FILE *f = fopen(c->blocklist_path, "r");
	if (f == NULL) {
		set_err(p->err, p->err_len, "cannot read blocklist file %s: %s", c->blocklist_path,
			strerror(errno));
		p->ret = LC_EIO;
		return p->ret;
	}
	for (int n = 1; ret == LC_EOK && fgets(line, sizeof(line), f) != NULL; n++) {
		line[strcspn(line, "#")] = '\0';
		char *w = conf_trim(line);
		if (*w == '\0') {
			continue;
		}
		if (strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(w) || strlen(w) > 63) {
			set_err(p->err, p->err_len,
				"%s:%d: \"%s\" is not a blocklist word (1 to 63 of a-z and 0-9)",
				c->blocklist_path, n, w);
			ret = p->ret = LC_EMALF;
			break;
		}
		if (c->blocklist_cnt == cap) {
			cap = cap ? cap * 2 : 64;
			char **nw = realloc(c->blocklist_words, cap * sizeof(*nw));
			if (nw == NULL) {
				ret = conf_fail_nomem(p);
				break;
			}
			c->blocklist_words = nw;
		}
		c->blocklist_words[c->blocklist_cnt] = strdup(w);
		if (c->blocklist_words[c->blocklist_cnt] == NULL) {
			ret = conf_fail_nomem(p);
			break;
		}
		c->blocklist_cnt++;
	}
	if (ret == LC_EOK && ferror(f)) {
		set_err(p->err, p->err_len, "cannot read blocklist file %s", c->blocklist_path);
		ret = p->ret = LC_EIO;
	}
	fclose(f);
	return ret;
}

static int finish(conf_parse_t *p)
{
	conf_t *c = &p->cf->pub;
	const conf_zone_t *first_parent = NULL;
	const conf_zone_t *first_localhost = NULL;
	char buf[CONF_NAME_MAX + 32];

	if (!p->has_parent && zonesec_add_defaults(p) != LC_EOK) {
		return p->ret;
	}
	for (size_t i = 0; i < c->zone_cnt; i++) {
		const conf_zone_t *z = &c->zones[i];
		if (z->kind == ZKIND_STATIC) {
			continue;
		}
		if (first_parent == NULL) {
			first_parent = z;
		}
		if (first_localhost == NULL && z->kind == ZKIND_LOCALHOST) {
			first_localhost = z;
		}
	}
	/*
	 * A zone inside a parent domain would shadow or be shadowed by a
	 * registered subdomain of the same name: refuse the overlap.
	 */
	for (size_t i = 0; i < c->zone_cnt; i++) {
		for (size_t j = 0; j < c->zone_cnt; j++) {
			const char *in = c->zones[j].name, *par = c->zones[i].name;
			size_t li = strlen(in), lp = strlen(par);
			if (i != j && c->zones[i].kind != ZKIND_STATIC && li > lp + 1 &&
			    strcmp(in + li - lp, par) == 0 && in[li - lp - 1] == '.') {
				return conf_fail(p, p->line,
						 "zone %s lies inside parent domain %s: names under a "
						 "parent are registered subdomains, not configured zones",
						 in, par);
			}
		}
	}
	if (c->ns_cnt == 0) {
		snprintf(buf, sizeof(buf), "ns1.%s", first_parent->name);
		if (value_check_name(buf, false) != NULL) {
			return conf_fail(p, p->line, "cannot derive ns from %s (name too long); set ns in [dns]",
				    first_parent->name);
		}
		c->ns_names = calloc(1, sizeof(*c->ns_names));
		if (c->ns_names == NULL || (c->ns_names[0] = strdup(buf)) == NULL) {
			return conf_fail_nomem(p);
		}
		c->ns_cnt = 1;
	}
	if (c->soa_mailbox == NULL) {
		snprintf(buf, sizeof(buf), "hostmaster.%s", first_parent->name);
		if (value_check_name(buf, false) != NULL) {
			return conf_fail(p, p->line,
				    "cannot derive soa_mailbox from %s (name too long); set it in [dns]",
				    first_parent->name);
		}
		if (conf_replace_str(&c->soa_mailbox, buf) != LC_EOK) {
			return conf_fail_nomem(p);
		}
	}
	if (c->default_parent != NULL) {
		const conf_zone_t *z = conf_zone_find(c, c->default_parent);
		size_t ki = 0;
		while (strcmp(keys[ki].name, "default_parent") != 0) {
			ki++;
		}
		if (z == NULL || z->kind == ZKIND_STATIC) {
			return conf_fail(p, p->key_line[ki], "default_parent %s is not a [parent] section",
				    c->default_parent);
		}
	} else {
		const conf_zone_t *z = first_localhost ? first_localhost : first_parent;
		if (conf_replace_str(&c->default_parent, z->name) != LC_EOK) {
			return conf_fail_nomem(p);
		}
	}
	if (c->server_url == NULL && derive_server_url(p->cf) != LC_EOK) {
		return conf_fail_nomem(p);
	}
	if (c->blocklist_path != NULL) {
		return read_blocklist(p);
	}
	return LC_EOK;
}

/* ---- public functions ---- */

int conf_load(const char *path, conf_t **out, char *err, size_t err_len)
{
	conf_parse_t p;
	conf_full_t *cf = calloc(1, sizeof(*cf));

	*out = NULL;
	set_err(err, err_len, "no error");
	if (cf == NULL) {
		set_err(err, err_len, "out of memory");
		return LC_ENOMEM;
	}
	memset(&p, 0, sizeof(p));
	p.cf = cf;
	p.path = path ? path : "(built-in defaults)";
	p.err = err;
	p.err_len = err_len;
	if (set_defaults(cf) != LC_EOK) {
		conf_fail_nomem(&p);
		goto fail;
	}
	if (path != NULL) {
		p.f = fopen(path, "r");
		if (p.f == NULL) {
			set_err(err, err_len, "cannot read config file %s: %s", path, strerror(errno));
			p.ret = LC_EIO;
			goto fail;
		}
		if (&ini_max_line != NULL) {
			ini_max_line = CONF_LINE_MAX;
		}
		int rc = ini_parse_stream(read_line, &p, handle, &p);
		bool io_error = ferror(p.f) != 0; /* e.g. EISDIR: fopen() accepts a directory */
		int io_errno = errno;
		fclose(p.f);
		p.f = NULL;
		if (io_error) {
			set_err(err, err_len, "cannot read config file %s: %s", path, strerror(io_errno));
			p.ret = LC_EIO;
			goto fail;
		}
		/*
		 * inih returns the first line it could not parse or whose handler
		 * failed. An earlier line than our own first error is a line inih
		 * itself rejected (no '=').
		 */
		if (rc > 0 && (p.ret == LC_EOK || rc < p.err_line)) {
			p.ret = LC_EOK;
			conf_fail(&p, rc, "syntax error (expected \"key = value\", \"[section]\" or a comment)");
		} else if (rc < 0 && p.ret == LC_EOK) {
			conf_fail_nomem(&p);
		}
		if (p.ret != LC_EOK) {
			goto fail;
		}
	}
	if (finish(&p) != LC_EOK) {
		goto fail;
	}
	*out = &cf->pub;
	set_err(err, err_len, "ok");
	return LC_EOK;
fail:
	conf_free(&cf->pub);
	return p.ret;
}

int conf_set(conf_t *c, const char *key, const char *value, char *err, size_t err_len)
{
	conf_full_t *cf = (conf_full_t *)c;
	char bad[CONF_LINE_MAX];
	const char *why = NULL;
	int ret;

	if (value == NULL || *value == '\0') {
		set_err(err, err_len, "empty value for %s", key);
		return LC_EINVAL;
	}
	if (strcmp(key, "dns") == 0) {
		ret = listen_list(value, &c->dns_listen, &why, bad, sizeof(bad));
		if (ret == LC_EMALF) {
			set_err(err, err_len, "bad address \"%s\" for dns: %s", bad, why);
			return LC_EINVAL;
		}
		return ret;
	}
	if (strcmp(key, "http") == 0) {
		why = value_check_listen(value);
		if (why != NULL) {
			set_err(err, err_len, "bad address \"%s\" for http: %s", value, why);
			return LC_EINVAL;
		}
		ret = conf_replace_str(&c->http_listen, value);
		if (ret == LC_EOK && cf->server_url_default) {
			ret = derive_server_url(cf);
		}
		return ret;
	}
	if (strcmp(key, "data") == 0) {
		return conf_replace_str(&c->data_dir, value);
	}
	if (strcmp(key, "log_level") == 0) {
		why = value_parse_log_level(value, &c->log_level);
		if (why != NULL) {
			set_err(err, err_len, "bad log level \"%s\": %s", value, why);
			return LC_EINVAL;
		}
		return LC_EOK;
	}
	set_err(err, err_len, "unknown setting \"%s\" (expected dns, http, data or log_level)",
		key);
	return LC_EINVAL;
}

void conf_free(conf_t *c)
{
	if (c == NULL) {
		return;
	}
	free(c->dns_listen);
	free(c->http_listen);
	free(c->data_dir);
	free_list(c->ns_names, c->ns_cnt);
	free(c->soa_mailbox);
	free(c->server_url);
	free(c->default_parent);
	free_list(c->trusted_proxies, c->trusted_proxy_cnt);
	free(c->console_host);
	free(c->api_host);
	free(c->blocklist_path);
	free_list(c->blocklist_words, c->blocklist_cnt);
	for (size_t i = 0; i < c->zone_cnt; i++) {
		conf_zone_t *z = &c->zones[i];
		for (size_t j = 0; j < z->record_cnt; j++) {
			free(z->records[j].owner);
			free(z->records[j].type);
			free(z->records[j].rdata);
		}
		free(z->records);
		free(z->name);
		free(z->psl);
	}
	free(c->zones);
	free((conf_full_t *)c);
}

const conf_zone_t *conf_zone_find(const conf_t *c, const char *name)
{
	for (size_t i = 0; c != NULL && i < c->zone_cnt; i++) {
		if (strcmp(c->zones[i].name, name) == 0) {
			return &c->zones[i];
		}
	}
	return NULL;
}
