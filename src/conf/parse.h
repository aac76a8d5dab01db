/* SPDX-License-Identifier: MIT */
/* parse.h -- parser state shared by conf.c and zonesec.c (internal to conf/) */
#ifndef LC_CONF_PARSE_H
#define LC_CONF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"

#define CONF_LINE_MAX 4096      /**< longest line we ask inih to accept */
#define CONF_ZONES_MAX 4096     /**< [parent] + [zone] sections */
#define CONF_RECORDS_MAX 65536  /**< records per zone */
#define CONF_LIST_MAX 64        /**< entries in a comma list (ns, dns_listen, trusted_proxies) */
#define CONF_TTL_MAX 2147483647 /**< RFC 2181 section 8 */
#define CONF_KEYS_MAX 64        /**< global keys ([server], [dns], [api]) */

/** The public conf_t plus what only conf/ needs to know. */
typedef struct conf_full {
	conf_t pub;              /**< first member: a conf_t * is a conf_full_t * */
	bool server_url_default; /**< derived from http_listen: conf_set("http") re-derives it */
} conf_full_t;

/** The kind of section the current line belongs to. */
enum conf_section {
	SEC_NONE = 0, /**< before the first section header */
	SEC_SERVER,
	SEC_DNS,
	SEC_API,
	SEC_CONSOLE,
	SEC_PARENT,
	SEC_ZONE,
	SEC_SKIP, /**< a section header that was already reported as bad */
};

/** Parser state shared by the line reader and the inih handler. */
typedef struct conf_parse {
	conf_full_t *cf;
	const char *path;
	FILE *f;
	int line;                     /**< line most recently handed to inih */
	enum conf_section sec;        /**< section of that line */
	size_t zone_idx;              /**< SEC_PARENT/SEC_ZONE: index into cf->pub.zones */
	unsigned sections_seen;       /**< bit per global section: each may appear once */
	bool key_seen[CONF_KEYS_MAX]; /**< each global key may be set once */
	int key_line[CONF_KEYS_MAX];  /**< where it was set, for later checks */
	bool zone_kind_seen;          /**< [parent]: kind given */
	bool zone_psl_seen;
	int zone_line;                /**< header line of the current zone section */
	bool has_parent;              /**< the file declares at least one [parent] */
	int ret;                      /**< first error (LC_EMALF or LC_ENOMEM) */
	int err_line;                 /**< its line, 0 if not tied to a line */
	char *err;
	size_t err_len;
} conf_parse_t;

/**
 * Record an error at a line of the file as "PATH:LINE: message". Only the
 * first error is kept (inih keeps parsing after a failure, and later errors
 * are often knock-on effects).
 * @return p->ret: LC_EMALF, or the earlier error.
 */
int conf_fail(conf_parse_t *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** Record an out-of-memory failure. @return p->ret (LC_ENOMEM unless an error came first). */
int conf_fail_nomem(conf_parse_t *p);

/** Split the next blank-separated token off *s (NUL-terminating it in place); NULL at the end. */
char *conf_token(char **s);

/** Strip leading and trailing blanks in place. @return a pointer into s. */
char *conf_trim(char *s);

/** Replace *field with a copy of value, freeing the old one. @return LC_EOK; LC_ENOMEM. */
int conf_replace_str(char **field, const char *value);

#endif
