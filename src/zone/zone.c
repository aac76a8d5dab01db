/* SPDX-License-Identifier: MIT */
/* zone.c -- immutable in-memory zones: build once, then only read */
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "zone/zone.h"

zone_t *zone_new(const uint8_t *apex, size_t apex_len, int kind)
{
	if (apex == NULL || apex_len == 0 || apex_len > NAME_MAX_WIRE) {
		return NULL;
	}
	zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return NULL;
	}
	memcpy(z->apex, apex, apex_len);
	z->apex_len = (uint8_t)apex_len;
	z->apex_labels = (uint8_t)name_label_cnt(apex);
	z->kind = kind;
	return z;
}

void rrset_cleanup(rrset_t *s)
{
	if (s != NULL) {
		free(s->data);
		memset(s, 0, sizeof(*s));
	}
}

void zone_free(zone_t *z)
{
	if (z == NULL) {
		return;
	}
	for (size_t i = 0; i < z->node_cnt; i++) {
		for (size_t j = 0; j < z->nodes[i].rrset_cnt; j++) {
			rrset_cleanup(&z->nodes[i].rrsets[j]);
		}
		free(z->nodes[i].rrsets);
	}
	free(z->nodes);
	for (size_t i = 0; i < TMPL_CNT; i++) {
		rrset_cleanup(&z->tmpl[i]);
	}
	free(z);
}

int rrset_add(rrset_t *s, uint16_t type, uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	size_t need = (size_t)s->len + 10 + rdlen;
	if (need > 65535 || rdlen > 65535) {
		return LC_ERANGE;
	}
	uint8_t *d = realloc(s->data, need);
	if (d == NULL) {
		return LC_ENOMEM;
	}
	uint8_t *p = d + s->len;
	p[0] = (uint8_t)(type >> 8);
	p[1] = (uint8_t)type;
	p[2] = 0;
	p[3] = DNS_CLASS_IN;
	p[4] = (uint8_t)(ttl >> 24);
	p[5] = (uint8_t)(ttl >> 16);
	p[6] = (uint8_t)(ttl >> 8);
	p[7] = (uint8_t)ttl;
	p[8] = (uint8_t)(rdlen >> 8);
	p[9] = (uint8_t)rdlen;
	memcpy(p + 10, rdata, rdlen);
	s->data = d;
	s->len = (uint16_t)need;
	s->type = type;
	s->cnt++;
	return LC_EOK;
}

static znode_t *node_get(zone_t *z, const uint8_t *owner, size_t owner_len, bool create)
{
	for (size_t i = 0; i < z->node_cnt; i++) {
		if (z->nodes[i].owner_len == owner_len &&
		    memcmp(z->nodes[i].owner, owner, owner_len) == 0) {
			return &z->nodes[i];
		}
	}
	if (!create) {
		return NULL;
	}
	znode_t *nodes = realloc(z->nodes, (z->node_cnt + 1) * sizeof(*nodes));
	if (nodes == NULL) {
		return NULL;
	}
	z->nodes = nodes;
	znode_t *n = &nodes[z->node_cnt++];
	memset(n, 0, sizeof(*n));
	memcpy(n->owner, owner, owner_len);
	n->owner_len = (uint8_t)owner_len;
	n->labels = (uint8_t)name_label_cnt(owner);
	return n;
}

static bool in_zone(const zone_t *z, const uint8_t *owner, size_t owner_len)
{
	return owner_len >= z->apex_len &&
	       memcmp(owner + owner_len - z->apex_len, z->apex, z->apex_len) == 0 &&
	       name_label_cnt(owner) >= z->apex_labels &&
	       name_wire_len(owner) == owner_len;
}

int zone_add(zone_t *z, const uint8_t *owner, size_t owner_len, uint16_t type, uint32_t ttl,
	     const uint8_t *rdata, size_t rdlen)
{
	if (!in_zone(z, owner, owner_len)) {
		return LC_EINVAL;
	}
	/* The label boundary matters: "xexample.test" is not under "example.test". */
	dname_t dn;
	unsigned depth;
	if (dname_from_wire(owner, owner_len, &dn) != LC_EOK ||
	    !dname_under(&dn, z->apex, z->apex_len, z->apex_labels, &depth)) {
		return LC_EINVAL;
	}
	if (type == DNS_TYPE_NS && depth > 0) {
		return LC_EINVAL;
	}
	znode_t *n = node_get(z, owner, owner_len, true);
	if (n == NULL) {
		return LC_ENOMEM;
	}
	for (size_t i = 0; i < n->rrset_cnt; i++) {
		bool cname_clash = (type == DNS_TYPE_CNAME) != (n->rrsets[i].type == DNS_TYPE_CNAME);
		if (cname_clash) {
			return LC_EINVAL; /* RFC 1034 3.6.2: a CNAME has no other data */
		}
		if (n->rrsets[i].type == type) {
			if (type == DNS_TYPE_CNAME) {
				return LC_EINVAL;
			}
			return rrset_add(&n->rrsets[i], type, ttl, rdata, rdlen);
		}
	}
	if (n->rrset_cnt == UINT8_MAX) {
		return LC_ERANGE;
	}
	rrset_t *sets = realloc(n->rrsets, (n->rrset_cnt + 1) * sizeof(*sets));
	if (sets == NULL) {
		return LC_ENOMEM;
	}
	n->rrsets = sets;
	memset(&sets[n->rrset_cnt], 0, sizeof(sets[0]));
	int ret = rrset_add(&sets[n->rrset_cnt], type, ttl, rdata, rdlen);
	if (ret == LC_EOK) {
		n->rrset_cnt++;
	}
	return ret;
}

static int node_cmp(const void *a, const void *b)
{
	const znode_t *x = a, *y = b;
	if (x->labels != y->labels) {
		return (int)x->labels - (int)y->labels;
	}
	if (x->owner_len != y->owner_len) {
		return (int)x->owner_len - (int)y->owner_len;
	}
	return memcmp(x->owner, y->owner, x->owner_len);
}

int zone_finish(zone_t *z)
{
	/* RFC 4592 2.2.2: every ancestor of an owner, up to the apex, exists (empty non-terminals). */
	size_t cnt = z->node_cnt;
	for (size_t i = 0; i < cnt; i++) {
		uint8_t owner[NAME_MAX_WIRE];
		size_t len = z->nodes[i].owner_len;
		memcpy(owner, z->nodes[i].owner, len);
		size_t at = 0;
		while (len - at > z->apex_len) {
			at += (size_t)owner[at] + 1;
			if (node_get(z, owner + at, len - at, true) == NULL) {
				return LC_ENOMEM;
			}
		}
	}
	if (node_get(z, z->apex, z->apex_len, true) == NULL) {
		return LC_ENOMEM;
	}
	/* Sorting by label count puts the apex first. */
	qsort(z->nodes, z->node_cnt, sizeof(z->nodes[0]), node_cmp);
	z->soa = znode_rrset(&z->nodes[0], DNS_TYPE_SOA);
	return z->soa != NULL ? LC_EOK : LC_EINVAL;
}

const znode_t *zone_find(const zone_t *z, const uint8_t *owner, size_t owner_len)
{
	/* Static zones hold a handful of nodes: a linear scan beats anything clever. */
	for (size_t i = 0; i < z->node_cnt; i++) {
		const znode_t *n = &z->nodes[i];
		if (n->owner_len == owner_len && memcmp(n->owner, owner, owner_len) == 0) {
			return n;
		}
	}
	return NULL;
}

const rrset_t *znode_rrset(const znode_t *n, uint16_t type)
{
	for (size_t i = 0; i < n->rrset_cnt; i++) {
		if (n->rrsets[i].type == type) {
			return &n->rrsets[i];
		}
	}
	return NULL;
}
