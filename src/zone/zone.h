/* SPDX-License-Identifier: MIT */
/* zone.h -- immutable in-memory zones (parent and static zones) with pre-rendered records */
#ifndef LC_ZONE_ZONE_H
#define LC_ZONE_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"

/**
 * An RRset whose records are stored pre-rendered as they appear on the wire
 * after the owner name: TYPE(2) CLASS(2) TTL(4) RDLENGTH(2) RDATA, cnt times.
 * Answering is then one owner name plus one memcpy per RRset.
 */
typedef struct rrset {
	uint16_t type;
	uint16_t cnt;
	uint16_t len;  /**< bytes in data */
	uint8_t *data; /**< owned by the rrset (heap) or by a caller's scratch buffer */
} rrset_t;

/** A node: an owner name and its RRsets; an empty non-terminal has none. */
typedef struct znode {
	uint8_t owner[NAME_MAX_WIRE]; /**< lowercase wire */
	uint8_t owner_len;
	uint8_t labels;
	uint8_t rrset_cnt;
	rrset_t *rrsets;
} znode_t;

/** Subdomain templates of a parent zone: the fixed records every subdomain serves. */
enum {
	TMPL_SOA = 0,   /**< serial patched per subdomain at soa_serial_off */
	TMPL_NS,
	TMPL_MX,
	TMPL_SPF,       /**< apex TXT "v=spf1 -all" (fixed TTL) */
	TMPL_SPF_SHORT, /**< the same with the challenge TTL, for delegate apex TXT RRsets */
	TMPL_DMARC,
	TMPL_DKIM,
	TMPL_A,         /**< localhost kind only (cnt 0 otherwise) */
	TMPL_AAAA,
	TMPL_CNT
};

typedef struct zone {
	uint8_t apex[NAME_MAX_WIRE]; /**< lowercase wire */
	uint8_t apex_len;
	uint8_t apex_labels;
	int kind;              /**< ZKIND_* value from conf.h (0 localhost, 1 local, 2 static) */
	unsigned idx;          /**< position in the zone set */
	znode_t *nodes;        /**< sorted by owner after zone_finish(); node 0 is the apex */
	size_t node_cnt;
	const rrset_t *soa;    /**< the apex SOA (for negative answers) */
	rrset_t tmpl[TMPL_CNT];
	size_t soa_serial_off; /**< offset of the SERIAL field inside tmpl[TMPL_SOA].data */
	uint32_t ttl_challenge;
} zone_t;

/** New empty zone. @return owned zone; free with zone_free(); NULL on bad args or no memory. */
zone_t *zone_new(const uint8_t *apex, size_t apex_len, int kind);

/** Free a zone. Accepts NULL. */
void zone_free(zone_t *z);

/**
 * Append one record to an RRset (creating the pre-rendered chunk).
 * @return LC_EOK; LC_ENOMEM; LC_ERANGE (RRset would exceed 65535 bytes).
 */
int rrset_add(rrset_t *s, uint16_t type, uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/** Free an rrset's heap data. */
void rrset_cleanup(rrset_t *s);

/**
 * Add a record to a zone being built.
 * @param owner lowercase wire name at or below the apex.
 * @return LC_EOK; LC_EINVAL (owner outside the zone; CNAME beside other data;
 *         NS below the apex, since static zones do not delegate); LC_ENOMEM; LC_ERANGE.
 */
int zone_add(zone_t *z, const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
	     const uint8_t *rdata, size_t rdlen);

/**
 * Finish building: add empty non-terminals, sort nodes, find the SOA.
 * @return LC_EOK; LC_EINVAL (no SOA at the apex); LC_ENOMEM.
 */
int zone_finish(zone_t *z);

/** Find a node by exact lowercase owner. @return the node or NULL. Thread-safe (zone is immutable). */
const znode_t *zone_find(const zone_t *z, const uint8_t *owner, size_t owner_len);

/** Find an RRset of a type at a node. @return the rrset or NULL. */
const rrset_t *znode_rrset(const znode_t *n, uint16_t type);

#endif
