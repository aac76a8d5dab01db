/* SPDX-License-Identifier: MIT */
/* conf.h -- the daemon's configuration: INI file (inih) + command-line overrides */
#ifndef LC_CONF_CONF_H
#define LC_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What a served zone is. */
typedef enum {
	ZKIND_LOCALHOST = 0, /**< parent domain; subdomains get A 127.0.0.1 / AAAA ::1 */
	ZKIND_LOCAL = 1,     /**< parent domain; subdomains get no address records */
	ZKIND_STATIC = 2,    /**< an operator's own zone: SOA, NS and its static records only */
} zone_kind_t;

/** One static record from the config ("record = OWNER TYPE RDATA" or "OWNER TTL TYPE RDATA"). */
typedef struct conf_record {
	char *owner;  /**< absolute, lowercase, no trailing dot ("ns1.localhostcert.test") */
	char *type;   /**< type mnemonic, uppercase ("A", "AAAA", "CNAME", "TXT", "MX", "NS") */
	char *rdata;  /**< presentation-format rdata, as written */
	uint32_t ttl; /**< 0 = use conf_t.ttl_fixed */
} conf_record_t;

/** One served zone: a parent domain ([parent NAME]) or a static zone ([zone NAME]). */
typedef struct conf_zone {
	char *name;        /**< lowercase, no trailing dot ("localhostcert.test") */
	zone_kind_t kind;
	char *psl;         /**< optional URL for the "_psl" TXT at the apex, or NULL */
	conf_record_t *records;
	size_t record_cnt;
} conf_zone_t;

/**
 * Everything the daemon can be told. conf_load() fills every field with a
 * default first, so a daemon with no config file runs on the embedded default:
 * SQLite under ./localcert-data, DNS on 127.0.0.1:1053 (UDP+TCP), HTTP on
 * 127.0.0.1:8053, parents localhostcert.test (localhost) and localcert.test (local).
 * Immutable once loaded; free with conf_free().
 */
typedef struct conf {
	/* [server] */
	char *dns_listen;       /**< "ADDR:PORT" or "[v6]:PORT"; several separated by ',' */
	char *http_listen;      /**< "ADDR:PORT" */
	char *data_dir;         /**< holds localcert.db */
	unsigned dns_workers;   /**< UDP worker threads; 0 = one per CPU */
	unsigned http_threads;  /**< libmicrohttpd thread pool size; 0 = a thread per connection */
	int log_level;          /**< LOG_ERR..LOG_DEBUG ("error","warn","info","debug") */
	/* [dns] */
	char **ns_names;        /**< name servers for NS + SOA MNAME (first); lowercase, no dot */
	size_t ns_cnt;
	char *soa_mailbox;      /**< SOA RNAME as a domain name ("hostmaster.localhostcert.test") */
	uint32_t ttl_fixed;     /**< TTL of fixed records (default 300) */
	uint32_t ttl_soa;       /**< TTL of SOA records (default 60; at most 60 per SPEC) */
	uint32_t ttl_challenge; /**< TTL of challenge TXT (1..60, default 10) */
	unsigned tcp_idle_timeout_ms; /**< RFC 7766 idle timeout (default 10000) */
	unsigned tcp_max_conns;       /**< simultaneous TCP connections (default 256) */
	unsigned rrl_rate;      /**< UDP responses/s per (client network, response class); 0 = off (default 50) */
	unsigned rrl_slip;      /**< over the rate, every Nth response goes out truncated (TC); 0 = drop all (default 2) */
	/* [api] */
	char *server_url;       /**< public API base put into credentials ("http://127.0.0.1:8053") */
	char *default_parent;   /**< parent for instant subdomains; default: first localhost-kind parent */
	size_t body_max;        /**< request body cap in bytes (default 16384) */
	char **trusted_proxies; /**< CIDRs whose X-Forwarded-For last hop is believed */
	size_t trusted_proxy_cnt;
	unsigned reg_instant_per_hour;  /**< instant registrations per address: refill per hour (default 2) */
	unsigned reg_instant_burst;     /**< ... bucket size, the daily burst allowance (default 10) */
	unsigned reg_instant_per_week;  /**< ... weekly cap (default 50) */
	unsigned reg_delegate_per_day;  /**< delegate (acme-dns register) per address per day (default 50) */
	unsigned auth_fail_max;         /**< failed key checks per address per window before 429 (default 20) */
	unsigned auth_fail_window_s;    /**< (default 300) */
	unsigned conn_max;              /**< open HTTP connections in all (default 1024) */
	unsigned conn_per_addr;         /**< open HTTP connections per client address (default 64) */
	unsigned idle_timeout_s;        /**< an HTTP connection silent this long is closed (default 15) */
	unsigned request_timeout_s;     /**< a request's headers and body must arrive within this
					     long of its start, or the connection is closed (default 30) */
	/* [console] */
	bool console_enabled;       /**< serve the web console (default true) */
	bool console_signup;        /**< visitors may create accounts (default true) */
	char *console_host;         /**< serve the console only for this Host; NULL = any host */
	char *api_host;             /**< serve the API only for this Host; NULL = any host */
	unsigned console_user_limit;  /**< subdomains a user may own (default 5) */
	unsigned console_staff_limit; /**< subdomains a staff user may own (default 100) */
	unsigned session_lifetime_s;  /**< a session ends this long after sign-in (default 7 days) */
	unsigned login_fail_max;      /**< failed sign-ins per account per window (default 5) */
	unsigned login_fail_addr_max; /**< failed sign-ins per address per window (default 20) */
	unsigned login_fail_window_s; /**< (default 900) */
	unsigned signup_per_day;      /**< accounts created per address per day (default 10) */
	char *blocklist_path;       /**< operator's look-alike words, one per line; NULL = none */
	char **blocklist_words;     /**< its words (a-z, 0-9), read at load time */
	size_t blocklist_cnt;
	/* [parent NAME] and [zone NAME] sections, in file order */
	conf_zone_t *zones;
	size_t zone_cnt;
} conf_t;

/**
 * Load the configuration: defaults, then the INI file (if path is not NULL),
 * then validate. The two default parent zones exist only when the file
 * declares no [parent] section.
 * @param path    INI file, or NULL for the embedded default.
 * @param out     set to a new conf_t on success; free with conf_free().
 * @param err     buffer for a one-line message naming the file, line and problem.
 * @return LC_EOK; LC_EMALF (syntax/unknown key/bad value, message in err); LC_EIO (unreadable file).
 * Call from one thread at a time (it sets libinih's line-length limit, a global).
 */
int conf_load(const char *path, conf_t **out, char *err, size_t err_len);

/**
 * Apply one command-line override after conf_load() (before the conf is used).
 * @param key "dns", "http", "data", "log_level" (same meaning as the [server] keys
 *            dns_listen, http_listen, data_dir, log_level). Setting "http" also moves
 *            server_url when the file did not set it.
 * @return LC_EOK; LC_EINVAL for an unknown key or bad value (message in err); LC_ENOMEM.
 */
int conf_set(conf_t *c, const char *key, const char *value, char *err, size_t err_len);

/** Free a conf_t. Accepts NULL. */
void conf_free(conf_t *c);

/** Find a zone by name (lowercase, no dot). Returns NULL if not configured. Borrowed. */
const conf_zone_t *conf_zone_find(const conf_t *c, const char *name);

#endif
