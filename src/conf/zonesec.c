/* SPDX-License-Identifier: MIT */
/* zonesec.c -- [parent NAME] and [zone NAME] sections: zones, kinds and static records */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/parse.h"
#include "conf/value.h"
#include "conf/zonesec.h"
#include "dns/rdata.h"
#include "util/error.h"

#define RDATA_WIRE_MAX 65535 /* rdata_from_text() wants this much room for TXT */

/* ---- zones and records ---- */

static conf_zone_t *zone_add(conf_parse_t *p, const char *name, zone_kind_t kind)
{
	conf_t *c = &p->cf->pub;
	if (c->zone_cnt == CONF_ZONES_MAX) {
		conf_fail(p, p->line, "too many zones (at most %d)", CONF_ZONES_MAX);
		return NULL;
	}
	conf_zone_t *nz = realloc(c->zones, (c->zone_cnt + 1) * sizeof(*nz));
	if (nz == NULL) {
		conf_fail_nomem(p);
		return NULL;
	}
	c->zones = nz;
	conf_zone_t *z = &c->zones[c->zone_cnt];
	memset(z, 0, sizeof(*z));
	z->kind = kind;
	z->name = strdup(name);
	if (z->name == NULL) {
		conf_fail_nomem(p);
		return NULL;
	}
	c->zone_cnt++;
	return z;
}

static int record_add(conf_parse_t *p, conf_zone_t *z, const char *owner, uint32_t ttl,
		      const char *type, const char *rdata)
{
	if (z->record_cnt == CONF_RECORDS_MAX) {
		return conf_fail(p, p->line, "too many records in zone %s (at most %d)", z->name,
			    CONF_RECORDS_MAX);
	}
	conf_record_t *nr = realloc(z->records, (z->record_cnt + 1) * sizeof(*nr));
	if (nr == NULL) {
		return conf_fail_nomem(p);
	}
	z->records = nr;
	conf_record_t *r = &z->records[z->record_cnt];
	r->owner = strdup(owner);
	r->type = strdup(type);
	r->rdata = strdup(rdata);
	r->ttl = ttl;
	/* Count it first, so that conf_free() releases whatever was allocated. */
	z->record_cnt++;
	if (r->owner == NULL || r->type == NULL || r->rdata == NULL) {
		return conf_fail_nomem(p);
	}
	return LC_EOK;
}

static bool name_in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);
	if (n == z) {
		return strcmp(name, zone) == 0;
	}
	return n > z && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0;
}

/*
 * Parse the rdata the way ctl/rebuild.c will when it builds the zone, so a
 * typo is reported with its file and line instead of failing the startup
 * later with less context.
 */
static int check_rdata(conf_parse_t *p, const char *origin, const char *type, const char *rdata)
{
	size_t len = 0;
	uint8_t *wire = malloc(RDATA_WIRE_MAX);
	if (wire == NULL) {
		return conf_fail_nomem(p);
	}
	int ret = rdata_from_text_in(rrtype_from_text(type), rdata, origin, wire, RDATA_WIRE_MAX,
				     &len);
	free(wire);
	if (ret == LC_ERANGE) {
		return conf_fail(p, p->line, "%s data \"%s\" is too long", type, rdata);
	}
	if (ret != LC_EOK) {
		return conf_fail(p, p->line, "bad %s data \"%s\"%s", type, rdata,
				 strcmp(type, "TXT") == 0 ? " (quote strings: \"text\")" : "");
	}
	return LC_EOK;
}

/*
 * The two placement rules the zone builder enforces: a CNAME owns its name
 * alone (RFC 1034 3.6.2; the apex always has SOA and NS), and static zones do
 * not delegate, so NS records sit at the apex only.
 */
static int check_placement(conf_parse_t *p, const conf_zone_t *z, const char *owner,
			   const char *type)
{
	bool is_cname = strcmp(type, "CNAME") == 0;
	bool at_apex = strcmp(owner, z->name) == 0;

	if (strcmp(type, "NS") == 0 && !at_apex) {
		return conf_fail(p, p->line,
				 "NS record at %s: NS records are allowed only at the zone apex", owner);
	}
	if (is_cname && at_apex) {
		return conf_fail(p, p->line, "CNAME at the zone apex %s (it has SOA and NS records)",
				 owner);
	}
	for (size_t i = 0; i < z->record_cnt; i++) {
		const conf_record_t *r = &z->records[i];
		if (strcmp(r->owner, owner) == 0 && (is_cname || strcmp(r->type, "CNAME") == 0)) {
			return conf_fail(p, p->line,
					 "%s at %s beside other records: a CNAME must be alone at its name",
					 type, owner);
		}
	}
	return LC_EOK;
}

/*
 * "OWNER [TTL] [IN] TYPE RDATA". OWNER is "@" (the apex), relative to the
 * zone ("ns1", "_acme-challenge.app") or absolute with a trailing dot. The
 * rdata is kept as written, once it parses; names in it are absolute.
 */
static int parse_record(conf_parse_t *p, conf_zone_t *z, const char *value)
{
	static const char *const types[] = { "A", "AAAA", "CNAME", "TXT", "MX", "NS" };
	char buf[CONF_LINE_MAX];
	char owner[2 * CONF_LINE_MAX]; /* value_check_name() enforces the real limit */
	char type[16];
	unsigned long ttl = 0;

	snprintf(buf, sizeof(buf), "%s", value);
	char *s = buf;
	char *tok_owner = conf_token(&s);
	char *tok = conf_token(&s);
	if (tok_owner == NULL || tok == NULL) {
		return conf_fail(p, p->line, "record needs OWNER [TTL] TYPE RDATA, got \"%s\"", value);
	}
	if (isdigit((unsigned char)tok[0])) {
		if (value_parse_ulong(tok, 1, CONF_TTL_MAX, &ttl) != NULL) {
			return conf_fail(p, p->line, "bad TTL \"%s\" in record (expected 1..%d)", tok,
				    CONF_TTL_MAX);
		}
		tok = conf_token(&s);
	}
	if (tok != NULL && strcasecmp(tok, "IN") == 0) {
		tok = conf_token(&s);
	}
	if (tok == NULL) {
		return conf_fail(p, p->line, "record needs OWNER [TTL] TYPE RDATA, got \"%s\"", value);
	}
	size_t ti = 0;
	for (; ti < sizeof(types) / sizeof(types[0]); ti++) {
		if (strcasecmp(tok, types[ti]) == 0) {
			break;
		}
	}
	if (ti == sizeof(types) / sizeof(types[0])) {
		return conf_fail(p, p->line,
			    "unsupported record type \"%s\" (use A, AAAA, CNAME, TXT, MX or NS)",
			    tok);
	}
	snprintf(type, sizeof(type), "%s", types[ti]);
	char *rdata = conf_trim(s);
	if (*rdata == '\0') {
		return conf_fail(p, p->line, "record \"%s\" has no data after the type", value);
	}

	if (strcmp(tok_owner, "@") == 0) {
		snprintf(owner, sizeof(owner), "%s", z->name);
	} else if (tok_owner[strlen(tok_owner) - 1] == '.') {
		snprintf(owner, sizeof(owner), "%s", tok_owner);
	} else {
		snprintf(owner, sizeof(owner), "%s.%s", tok_owner, z->name);
	}
	const char *why = value_check_name(owner, true);
	if (why != NULL) {
		return conf_fail(p, p->line, "record owner \"%s\": %s", tok_owner, why);
	}
	if (!name_in_zone(owner, z->name)) {
		return conf_fail(p, p->line, "record owner \"%s\" is outside zone %s", tok_owner,
			    z->name);
	}
	if (check_rdata(p, z->name, type, rdata) != LC_EOK || check_placement(p, z, owner, type) != LC_EOK) {
		return p->ret;
	}
	return record_add(p, z, owner, (uint32_t)ttl, type, rdata);
}

int zonesec_begin(conf_parse_t *p, enum conf_section sec, char *name)
{
	char zname[CONF_NAME_MAX + 2];

	if (strlen(name) > CONF_NAME_MAX + 1) {
		return conf_fail(p, p->line, "zone name \"%s\": domain name too long", name);
	}
	snprintf(zname, sizeof(zname), "%s", name);
	const char *why = value_check_name(zname, false);
	if (why != NULL) {
		return conf_fail(p, p->line, "zone name \"%s\": %s", name, why);
	}
	if (sec == SEC_PARENT && strlen(zname) > CONF_PARENT_NAME_MAX) {
		return conf_fail(p, p->line,
				 "parent name \"%s\" is longer than %d characters: "
				 "_acme-challenge.<uuid>.<parent> would not be a valid name",
				 zname, CONF_PARENT_NAME_MAX);
	}
	if (conf_zone_find(&p->cf->pub, zname) != NULL) {
		return conf_fail(p, p->line, "zone %s is declared twice", zname);
	}
	if (zone_add(p, zname, sec == SEC_PARENT ? ZKIND_LOCALHOST : ZKIND_STATIC) == NULL) {
		return p->ret;
	}
	if (sec == SEC_PARENT) {
		p->has_parent = true;
	}
	p->zone_idx = p->cf->pub.zone_cnt - 1;
	p->zone_kind_seen = false;
	p->zone_psl_seen = false;
	p->zone_line = p->line;
	p->sec = sec;
	return LC_EOK;
}

/* A [parent] must say its kind: it decides whether subdomains get 127.0.0.1. */
void zonesec_end(conf_parse_t *p)
{
	if (p->sec == SEC_PARENT && !p->zone_kind_seen) {
		conf_fail(p, p->zone_line, "[parent %s] needs \"kind = localhost\" or \"kind = local\"",
		     p->cf->pub.zones[p->zone_idx].name);
	}
}

int zonesec_set_key(conf_parse_t *p, const char *name, const char *value)
{
	conf_zone_t *z = &p->cf->pub.zones[p->zone_idx];
	bool known = strcasecmp(name, "record") == 0 ||
		     (p->sec == SEC_PARENT &&
		      (strcasecmp(name, "kind") == 0 || strcasecmp(name, "psl") == 0));

	/* The same rule as for the global keys; none of these has a meaning for "empty". */
	if (known && *value == '\0') {
		return conf_fail(p, p->line, "key \"%s\" has an empty value", name);
	}
	if (strcasecmp(name, "record") == 0) {
		return parse_record(p, z, value);
	}
	if (p->sec == SEC_PARENT && strcasecmp(name, "kind") == 0) {
		if (p->zone_kind_seen) {
			return conf_fail(p, p->line, "key \"kind\" is set twice in [parent %s]", z->name);
		}
		p->zone_kind_seen = true;
		if (strcasecmp(value, "localhost") == 0) {
			z->kind = ZKIND_LOCALHOST;
		} else if (strcasecmp(value, "local") == 0) {
			z->kind = ZKIND_LOCAL;
		} else {
			return conf_fail(p, p->line, "bad kind \"%s\" for [parent %s] (expected localhost or local)",
				    value, z->name);
		}
		return LC_EOK;
	}
	if (p->sec == SEC_PARENT && strcasecmp(name, "psl") == 0) {
		char copy[CONF_LINE_MAX];
		if (p->zone_psl_seen) {
			return conf_fail(p, p->line, "key \"psl\" is set twice in [parent %s]", z->name);
		}
		p->zone_psl_seen = true;
		snprintf(copy, sizeof(copy), "%s", value);
		const char *why = value_check_url(copy);
		if (why != NULL) {
			return conf_fail(p, p->line, "bad psl URL \"%s\": %s", value, why);
		}
		return conf_replace_str(&z->psl, value) == LC_EOK ? LC_EOK : conf_fail_nomem(p);
	}
	return conf_fail(p, p->line, "unknown key \"%s\" in [%s %s] (expected %s)", name,
		    p->sec == SEC_PARENT ? "parent" : "zone", z->name,
		    p->sec == SEC_PARENT ? "kind, psl or record" : "record");
}

/*
 * The embedded default parents, used when the file declares none:
 * localhostcert.test (localhost kind, with an address for its name server)
 * and localcert.test (local kind). They go first, before any [zone].
 */
int zonesec_add_defaults(conf_parse_t *p)
{
	conf_t *c = &p->cf->pub;
	size_t file_cnt = c->zone_cnt;
	static const char *const names[] = { "localhostcert.test", "localcert.test" };

	for (size_t i = 0; i < 2; i++) {
		if (conf_zone_find(c, names[i]) != NULL) {
			return conf_fail(p, p->line,
				    "[zone %s] clashes with a default parent; declare the parent "
				    "domains with [parent NAME] sections",
				    names[i]);
		}
	}
	if (zone_add(p, names[0], ZKIND_LOCALHOST) == NULL ||
	    zone_add(p, names[1], ZKIND_LOCAL) == NULL) {
		return p->ret;
	}
	int ret = record_add(p, &c->zones[file_cnt], "ns1.localhostcert.test", 0, "A",
			     "127.0.0.1");
	if (ret != LC_EOK) {
		return ret;
	}
	/* Rotate the two defaults to the front, keeping the file's zones in order. */
	conf_zone_t d[2] = { c->zones[file_cnt], c->zones[file_cnt + 1] };
	memmove(&c->zones[2], &c->zones[0], file_cnt * sizeof(*c->zones));
	c->zones[0] = d[0];
	c->zones[1] = d[1];
	return LC_EOK;
}
