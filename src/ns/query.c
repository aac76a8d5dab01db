/* SPDX-License-Identifier: MIT */
/* query.c -- answering: parse the message, find the data, write the response */
#include <arpa/inet.h>
#include <string.h>

#include <urcu.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "dns/wire.h"
#include "ns/query.h"
#include "zone/zoneset.h"

#define CNAME_HOPS_MAX 8
#define NODE_SETS_MAX 8

/* What the parser found in the request. */
typedef struct req_info {
	uint16_t id;
	uint16_t flags;
	int opcode;
	bool has_question;
	size_t q_end;        /* offset just past the question in the request */
	dname_t qname;
	uint16_t qtype;
	uint16_t qclass;
	bool has_opt;
	uint16_t udp_size;
	uint8_t edns_version;
	bool has_tsig;
	size_t tsig_off;     /* start of the TSIG RR in the request */
	size_t tsig_len;
} req_info_t;

/*
 * The data found at one name: RRsets pointing into the zone, or into the
 * per-query scratch buffer for synthesized ones (subdomain SOA with its
 * serial, challenge TXT).
 */
typedef struct view {
	bool exists;
	bool wild;           /* the data was synthesized from a wildcard (RFC 4592) */
	const rrset_t *sets[NODE_SETS_MAX];
	size_t cnt;
	const rrset_t *soa;  /* for negative answers */
	rrset_t dyn[3];      /* storage for synthesized sets */
	size_t dyn_cnt;
	uint8_t scratch[1200];
	size_t scratch_len;
} view_t;

/* ---- request parsing ---- */

/* RFC 8945 4.2: algorithm name, time (48 bits), fudge, MAC, original id, error, other data. */
static bool tsig_rdata_ok(const uint8_t *p, size_t len)
{
	wire_rd_t rd = wire_rd_init(p, len);
	dname_t alg;
	name_parse(&rd, &alg); /* uncompressed (RFC 8945 4.2) */
	wire_rd_skip(&rd, 8);
	wire_rd_skip(&rd, wire_rd_u16(&rd));
	wire_rd_skip(&rd, 4);
	wire_rd_skip(&rd, wire_rd_u16(&rd));
	return rd.err == LC_EOK && rd.pos == len;
}

/*
 * Are an OPT record's options well formed? Each is code, length, data, and they
 * fill the RDATA exactly (RFC 6891 6.1.2); a COOKIE is 8 bytes (client cookie
 * only) or 16 to 40 (RFC 7873 5.2.2). Otherwise the query is FORMERR.
 */
static bool opt_rdata_ok(const uint8_t *p, size_t len)
{
	wire_rd_t rd = wire_rd_init(p, len);
	while (rd.err == LC_EOK && rd.pos < len) {
		uint16_t code = wire_rd_u16(&rd);
		uint16_t olen = wire_rd_u16(&rd);
		wire_rd_skip(&rd, olen);
		if (code == DNS_EDNS_COOKIE && olen != 8 && (olen < 16 || olen > 40)) {
			return false;
		}
	}
	return rd.err == LC_EOK && rd.pos == len;
}

static int parse_rr(wire_rd_t *rd, req_info_t *ri, bool additional, bool last)
{
	size_t start = rd->pos;
	bool root_owner = rd->pos < rd->len && rd->buf[rd->pos] == 0;
	name_skip(rd);
	uint16_t type = wire_rd_u16(rd);
	uint16_t rclass = wire_rd_u16(rd);
	uint32_t ttl = wire_rd_u32(rd);
	uint16_t rdlen = wire_rd_u16(rd);
	wire_rd_skip(rd, rdlen);
	if (rd->err != LC_EOK) {
		return LC_EMALF;
	}
	if (!additional) {
		return LC_EOK;
	}
	if (type == DNS_TYPE_OPT) {
		/* RFC 6891 6.1.1: one OPT at most, owned by the root. */
		if (ri->has_opt || !root_owner || !opt_rdata_ok(rd->buf + rd->pos - rdlen, rdlen)) {
			return LC_EMALF;
		}
		ri->has_opt = true;
		ri->udp_size = rclass < DNS_UDP_MIN ? DNS_UDP_MIN : rclass;
		ri->edns_version = (uint8_t)(ttl >> 16);
	} else if (type == DNS_TYPE_TSIG) {
		/* RFC 8945 5.1: TSIG must be the last record, and its RDATA well formed. */
		if (!last || !tsig_rdata_ok(rd->buf + rd->pos - rdlen, rdlen)) {
			return LC_EMALF;
		}
		ri->has_tsig = true;
		ri->tsig_off = start;
		ri->tsig_len = rd->pos - start;
	}
	return LC_EOK;
}

static int parse_request(const query_t *q, req_info_t *ri)
{
	wire_rd_t rd = wire_rd_init(q->req, q->req_len);
	ri->id = wire_rd_u16(&rd);
	ri->flags = wire_rd_u16(&rd);
	uint16_t qd = wire_rd_u16(&rd);
	uint16_t an = wire_rd_u16(&rd);
	uint16_t ns = wire_rd_u16(&rd);
	uint16_t ar = wire_rd_u16(&rd);
	ri->opcode = (ri->flags & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT;

	if (qd > 1) {
		return LC_EMALF;
	}
	if (qd == 1) {
		if (name_parse(&rd, &ri->qname) != LC_EOK) {
			return LC_EMALF;
		}
		ri->qtype = wire_rd_u16(&rd);
		ri->qclass = wire_rd_u16(&rd);
		if (rd.err != LC_EOK) {
			return LC_EMALF;
		}
		ri->has_question = true;
		ri->q_end = rd.pos;
	}
	for (unsigned i = 0; i < (unsigned)an + ns; i++) {
		if (parse_rr(&rd, ri, false, false) != LC_EOK) {
			return LC_EMALF;
		}
	}
	for (unsigned i = 0; i < ar; i++) {
		if (parse_rr(&rd, ri, true, i + 1 == ar) != LC_EOK) {
			return LC_EMALF;
		}
	}
	return LC_EOK;
}

/* ---- response writing ---- */

typedef struct resp {
	wire_wr_t wr;
	const query_t *q;
	const req_info_t *ri;
	uint16_t flags;
	uint16_t an, ns, ar;
	uint8_t zone[NAME_MAX_WIRE]; /* apex of the zone of a negative or wildcard answer */
	size_t zone_len;
	bool wild;                   /* the last name's data came from a wildcard */
} resp_t;

/*
 * Write an owner name, compressed against the question name: the longest
 * suffix the owner shares with the question becomes a pointer into the
 * question, which also echoes the client's spelling (0x20 case).
 */
static void write_owner(resp_t *r, const uint8_t *owner, size_t owner_len)
{
	const dname_t *qn = &r->ri->qname;
	size_t at = 0;

	while (owner[at] != 0) {
		size_t rest = owner_len - at;
		for (unsigned i = 0; i < qn->labels; i++) {
			size_t qoff = qn->off[i];
			if ((size_t)qn->len - qoff == rest &&
			    memcmp(qn->wire + qoff, owner + at, rest) == 0) {
				wire_wr_bytes(&r->wr, owner, at);
				wire_wr_u16(&r->wr, (uint16_t)(0xC000 | (DNS_HEADER_LEN + qoff)));
				return;
			}
		}
		at += (size_t)owner[at] + 1;
	}
	wire_wr_bytes(&r->wr, owner, owner_len);
}

/* Write every record of an RRset under one owner. */
static void write_rrset(resp_t *r, const uint8_t *owner, size_t owner_len, const rrset_t *s,
			uint16_t *count)
{
	const uint8_t *p = s->data;
	const uint8_t *end = s->data + s->len;
	while (p < end) {
		size_t rdlen = ((size_t)p[8] << 8) | p[9];
		write_owner(r, owner, owner_len);
		wire_wr_bytes(&r->wr, p, 10 + rdlen);
		p += 10 + rdlen;
		(*count)++;
	}
}

static void write_header(resp_t *r, uint16_t qd)
{
	/* Network byte order, one copy: this runs twice for every answer. */
	const uint16_t h[6] = { htons(r->ri->id), htons(r->flags), htons(qd),
				htons(r->an), htons(r->ns), htons(r->ar) };
	r->wr.pos = 0;
	wire_wr_bytes(&r->wr, h, sizeof(h));
}

/* Rewrite the header with the final flags and counts, keeping the body. */
static void patch_header(resp_t *r, uint16_t qd)
{
	size_t end = r->wr.pos;
	int err = r->wr.err;
	r->wr.err = LC_EOK;
	write_header(r, qd);
	r->wr.pos = end;
	r->wr.err = err;
}

static void write_opt(resp_t *r, int rcode)
{
	wire_wr_u8(&r->wr, 0);
	wire_wr_u16(&r->wr, DNS_TYPE_OPT);
	wire_wr_u16(&r->wr, DNS_EDNS_SIZE);
	wire_wr_u8(&r->wr, (uint8_t)(rcode >> 4)); /* extended RCODE, upper 8 bits */
	wire_wr_u8(&r->wr, 0);                     /* version 0 */
	wire_wr_u16(&r->wr, 0);                    /* flags: DO clear, we do not sign */
	wire_wr_u16(&r->wr, 0);
	r->ar++;
}

/*
 * RFC 8945 5.2.2: a TSIG with a key we do not know gets NOTAUTH and an
 * unsigned TSIG RR carrying error BADKEY, echoing key name, algorithm,
 * time and fudge.
 */
static void write_tsig_badkey(resp_t *r)
{
	wire_rd_t rd = wire_rd_init(r->q->req, r->ri->tsig_off + r->ri->tsig_len);
	uint8_t key[NAME_MAX_WIRE], alg[NAME_MAX_WIRE];
	size_t key_len, alg_len;

	rd.pos = r->ri->tsig_off;
	name_read(&rd, key, &key_len);
	wire_rd_skip(&rd, 10);
	name_read(&rd, alg, &alg_len);
	size_t time_at = rd.pos;
	wire_rd_skip(&rd, 8); /* time signed (6) + fudge (2) */
	uint16_t mac_len = wire_rd_u16(&rd);
	wire_rd_skip(&rd, mac_len);
	uint16_t orig_id = wire_rd_u16(&rd);
	if (rd.err != LC_EOK) {
		return;
	}
	wire_wr_bytes(&r->wr, key, key_len);
	wire_wr_u16(&r->wr, DNS_TYPE_TSIG);
	wire_wr_u16(&r->wr, DNS_CLASS_ANY);
	wire_wr_u32(&r->wr, 0);
	wire_wr_u16(&r->wr, (uint16_t)(alg_len + 16));
	wire_wr_bytes(&r->wr, alg, alg_len);
	wire_wr_bytes(&r->wr, r->q->req + time_at, 8);
	wire_wr_u16(&r->wr, 0); /* MAC size */
	wire_wr_u16(&r->wr, orig_id);
	wire_wr_u16(&r->wr, DNS_TSIG_BADKEY);
	wire_wr_u16(&r->wr, 0); /* other len */
	r->ar++;
}

/* A response with the question echoed and no records (errors, refusals). */
static int finish_bare(resp_t *r, int rcode, bool echo_question)
{
	const req_info_t *ri = r->ri;
	r->flags = (uint16_t)(DNS_FLAG_QR | (ri->flags & (DNS_OPCODE_MASK | DNS_FLAG_RD | DNS_FLAG_CD)) |
			      (rcode & 0xF));
	r->an = r->ns = r->ar = 0;
	bool q = echo_question && ri->has_question;
	write_header(r, q ? 1 : 0);
	if (q) {
		wire_wr_bytes(&r->wr, r->q->req + DNS_HEADER_LEN, ri->q_end - DNS_HEADER_LEN);
	}
	if (ri->has_opt && rcode != DNS_RCODE_FORMERR) {
		write_opt(r, rcode);
	}
	if (ri->has_tsig && rcode == DNS_RCODE_NOTAUTH) {
		write_tsig_badkey(r);
	}
	patch_header(r, q ? 1 : 0);
	return r->wr.err;
}

/* ---- lookup ---- */

static bool label_is(const dname_t *n, unsigned i, const char *lit, size_t lit_len)
{
	const uint8_t *l = n->wire + n->off[i];
	return l[0] == lit_len && memcmp(l + 1, lit, lit_len) == 0;
}

#define LABEL_IS(n, i, lit) label_is((n), (i), lit, sizeof(lit) - 1)

static uint8_t *scratch_take(view_t *v, size_t n)
{
	if (v->scratch_len + n > sizeof(v->scratch)) {
		return NULL;
	}
	uint8_t *p = v->scratch + v->scratch_len;
	v->scratch_len += n;
	return p;
}

static void view_add(view_t *v, const rrset_t *s)
{
	if (s != NULL && s->cnt > 0 && v->cnt < NODE_SETS_MAX) {
		v->sets[v->cnt++] = s;
	}
}

/* The subdomain's SOA: the parent's template with this subdomain's serial. */
static const rrset_t *sub_soa(view_t *v, const zone_t *z, const sub_entry_t *e)
{
	const rrset_t *t = &z->tmpl[TMPL_SOA];
	uint8_t *d = scratch_take(v, t->len);
	if (d == NULL || v->dyn_cnt == 3) {
		return t;
	}
	memcpy(d, t->data, t->len);
	uint32_t s = sub_serial(e);
	uint8_t *p = d + z->soa_serial_off;
	p[0] = (uint8_t)(s >> 24);
	p[1] = (uint8_t)(s >> 16);
	p[2] = (uint8_t)(s >> 8);
	p[3] = (uint8_t)s;
	rrset_t *out = &v->dyn[v->dyn_cnt++];
	*out = *t;
	out->data = d;
	return out;
}

/* The challenge TXT RRset, optionally preceded by the SPF string (delegate apex). */
static const rrset_t *sub_txt_set(view_t *v, const zone_t *z, const sub_entry_t *e, bool with_spf)
{
	unsigned cnt = sub_txt_cnt(e);
	const rrset_t *spf = &z->tmpl[TMPL_SPF_SHORT];
	size_t need = with_spf ? spf->len : 0;
	for (unsigned i = 0; i < cnt; i++) {
		size_t l;
		sub_txt(e, i, &l);
		need += 11 + l;
	}
	uint8_t *d = scratch_take(v, need);
	if (d == NULL || v->dyn_cnt == 3) {
		return NULL;
	}
	rrset_t *out = &v->dyn[v->dyn_cnt++];
	out->type = DNS_TYPE_TXT;
	out->cnt = 0;
	out->data = d;
	size_t at = 0;
	if (with_spf) {
		memcpy(d, spf->data, spf->len);
		at = spf->len;
		out->cnt = spf->cnt;
	}
	for (unsigned i = 0; i < cnt; i++) {
		size_t l;
		const uint8_t *t = sub_txt(e, i, &l);
		uint32_t ttl = z->ttl_challenge;
		uint8_t *p = d + at;
		p[0] = 0;
		p[1] = DNS_TYPE_TXT;
		p[2] = 0;
		p[3] = DNS_CLASS_IN;
		p[4] = (uint8_t)(ttl >> 24);
		p[5] = (uint8_t)(ttl >> 16);
		p[6] = (uint8_t)(ttl >> 8);
		p[7] = (uint8_t)ttl;
		p[8] = 0;
		p[9] = (uint8_t)(l + 1);
		p[10] = (uint8_t)l;
		memcpy(p + 11, t, l);
		at += 11 + l;
		out->cnt++;
	}
	out->len = (uint16_t)at;
	return out;
}

/*
 * A registered subdomain is its own zone apex whose records are the
 * parent's templates plus its challenge values (SPEC 1). rel is how many
 * labels of name lie left of the subdomain label.
 */
static void lookup_sub(view_t *v, const zone_t *z, const sub_entry_t *e, const dname_t *name,
		       unsigned rel)
{
	v->soa = sub_soa(v, z, e);
	if (rel == 0) {
		v->exists = true;
		view_add(v, v->soa);
		view_add(v, &z->tmpl[TMPL_NS]);
		view_add(v, &z->tmpl[TMPL_MX]);
		if (sub_txt_at_apex(e) && sub_txt_cnt(e) > 0) {
			view_add(v, sub_txt_set(v, z, e, true));
		} else {
			view_add(v, &z->tmpl[sub_txt_at_apex(e) ? TMPL_SPF_SHORT : TMPL_SPF]);
		}
		view_add(v, &z->tmpl[TMPL_A]);
		view_add(v, &z->tmpl[TMPL_AAAA]);
		return;
	}
	unsigned top = rel - 1; /* the label right below the subdomain apex */
	if (LABEL_IS(name, top, "_domainkey")) {
		/* "_domainkey" is an empty non-terminal; anything below it matches *._domainkey (RFC 4592). */
		v->exists = true;
		if (rel >= 2) {
			view_add(v, &z->tmpl[TMPL_DKIM]);
			v->wild = true;
		}
		return;
	}
	if (rel != 1) {
		return;
	}
	if (LABEL_IS(name, top, "_dmarc")) {
		v->exists = true;
		view_add(v, &z->tmpl[TMPL_DMARC]);
	} else if (LABEL_IS(name, top, "_acme-challenge") && !sub_txt_at_apex(e) &&
		   sub_txt_cnt(e) > 0) {
		v->exists = true;
		view_add(v, sub_txt_set(v, z, e, false));
	}
}

/* RFC 1034 4.3.2 with RFC 4592 wildcards, over a static node list. */
static void lookup_static(view_t *v, const zone_t *z, const dname_t *name, unsigned depth)
{
	v->soa = z->soa;
	const znode_t *n = zone_find(z, name->wire, name->len);
	if (n == NULL) {
		/* Closest encloser, then its wildcard child. */
		for (unsigned i = 1; i <= depth && n == NULL; i++) {
			size_t off = i == name->labels ? (size_t)name->len - 1 : name->off[i];
			const znode_t *ce = zone_find(z, name->wire + off, name->len - off);
			if (ce == NULL) {
				continue;
			}
			uint8_t wild[NAME_MAX_WIRE];
			size_t wl = 2 + (name->len - off);
			if (wl > NAME_MAX_WIRE) {
				return;
			}
			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, name->wire + off, name->len - off);
			n = zone_find(z, wild, wl);
			if (n == NULL) {
				return; /* NXDOMAIN */
			}
			v->wild = true;
		}
		if (n == NULL) {
			return;
		}
	}
	v->exists = true;
	for (size_t i = 0; i < n->rrset_cnt; i++) {
		view_add(v, &n->rrsets[i]);
	}
}

/*
 * The label that names a subdomain in the index, for a name at depth labels
 * below zone z's apex: the one right under a parent's apex. NULL in a static
 * zone (kind 2) and at the apex itself, which have no subdomain entries.
 */
static const uint8_t *sub_label(const zone_t *z, const dname_t *name, unsigned depth)
{
	return z->kind != 2 && depth >= 1 ? name->wire + name->off[depth - 1] : NULL;
}

static void lookup(view_t *v, const zone_t *z, const dname_t *name, unsigned depth,
		   uint16_t qtype)
{
	v->exists = false;
	v->wild = false;
	v->cnt = 0;
	v->dyn_cnt = 0;
	v->scratch_len = 0;
	const uint8_t *l = sub_label(z, name, depth);
	if (l != NULL) {
		const sub_entry_t *e = zoneset_sub_find(z->idx, l + 1, l[0]);
		if (e != NULL && depth == 1 && qtype == DNS_TYPE_DS) {
			/* RFC 4035 3.1.4.1: DS lives on the parent side of a zone cut; we sign nothing. */
			v->exists = true;
			v->soa = z->soa;
			return;
		}
		if (e != NULL) {
			lookup_sub(v, z, e, name, depth - 1);
			return;
		}
	}
	lookup_static(v, z, name, depth);
}

/* ---- answering ---- */

static int answer(resp_t *r, const zoneset_t *zs)
{
	const req_info_t *ri = r->ri;
	const uint16_t qtype = ri->qtype;
	dname_t chased; /* the current name once a CNAME has been followed */
	const dname_t *curp = &ri->qname;
	view_t v;
	int rcode = DNS_RCODE_NOERROR;
	const rrset_t *neg_soa = NULL;
	uint8_t *neg_owner = r->zone;
	size_t neg_owner_len = 0;
	/* Owners whose CNAME is in the answer already: a loop stops at its first repeat. */
	uint8_t cname_owner[CNAME_HOPS_MAX + 1][NAME_MAX_WIRE];
	uint8_t cname_owner_len[CNAME_HOPS_MAX + 1];

	for (int hop = 0; hop <= CNAME_HOPS_MAX; hop++) {
		unsigned depth;
		const zone_t *z = zoneset_find_zone(zs, curp, &depth);
		if (z == NULL) {
			if (hop == 0) {
				return DNS_RCODE_REFUSED; /* not ours: no AA */
			}
			break; /* a CNAME left our zones; the resolver follows it */
		}
		r->flags |= DNS_FLAG_AA;
		lookup(&v, z, curp, depth, qtype);
		if (!v.exists) {
			rcode = DNS_RCODE_NXDOMAIN;
			neg_soa = v.soa;
		} else {
			const rrset_t *cname = NULL;
			bool any_written = false;
			for (size_t i = 0; i < v.cnt; i++) {
				const rrset_t *s = v.sets[i];
				if (s->type == DNS_TYPE_CNAME) {
					cname = s;
				}
				/* RFC 8482: ANY gets one RRset, not the whole node. */
				if (s->type == qtype || (qtype == DNS_TYPE_ANY && !any_written)) {
					write_rrset(r, curp->wire, curp->len, s, &r->an);
					any_written = true;
				}
			}
			if (cname != NULL && qtype != DNS_TYPE_CNAME && qtype != DNS_TYPE_ANY) {
				bool loop = false;
				for (int k = 0; k < hop && !loop; k++) {
					loop = cname_owner_len[k] == curp->len &&
					       memcmp(cname_owner[k], curp->wire, curp->len) == 0;
				}
				if (loop) {
					break; /* its CNAME is in the answer already (RFC 1034 3.6.2) */
				}
				memcpy(cname_owner[hop], curp->wire, curp->len);
				cname_owner_len[hop] = curp->len;
				write_rrset(r, curp->wire, curp->len, cname, &r->an);
				/* Follow the target inside the answer (needed when we host both zones). */
				const uint8_t *target = cname->data + 10;
				size_t tl = name_wire_len(target);
				if (dname_from_wire(target, tl, &chased) != LC_EOK) {
					break;
				}
				curp = &chased;
				continue;
			}
			if (!any_written) {
				neg_soa = v.soa; /* NODATA */
			}
		}
		r->wild = v.wild;
		if (neg_soa != NULL || v.wild) {
			/* The zone's apex: for a subdomain, its label + the parent apex. */
			memcpy(neg_owner, z->apex, z->apex_len);
			neg_owner_len = z->apex_len;
			if (v.soa != z->soa) {
				unsigned sub_label = depth - 1;
				size_t off = curp->off[sub_label];
				neg_owner_len = (size_t)curp->len - off;
				memcpy(neg_owner, curp->wire + off, neg_owner_len);
			}
			r->zone_len = neg_owner_len;
		}
		if (neg_soa != NULL) {
			/* RFC 2308 3: the SOA goes into AUTHORITY. */
			write_rrset(r, neg_owner, neg_owner_len, neg_soa, &r->ns);
		}
		break;
	}
	return rcode;
}

/*
 * The response class for rate limiting. Positive answers count by question
 * name and type. Answers that any name can produce count by zone, so that
 * random names in one zone share one class: NXDOMAIN, NODATA (of any type),
 * and wildcard answers (x1._domainkey, x2._domainkey...). Everything else
 * counts by RCODE alone.
 */
static uint64_t rrl_class(const resp_t *r, int rcode)
{
	uint64_t h = 1469598103934665603ULL;
	const uint8_t *p = NULL;
	size_t n = 0;
	if (rcode == DNS_RCODE_NOERROR && r->an > 0 && !r->wild) {
		h = (h ^ 1) * 1099511628211ULL;
		h = (h ^ r->ri->qtype) * 1099511628211ULL;
		p = r->ri->qname.wire;
		n = r->ri->qname.len;
	} else if (rcode == DNS_RCODE_NOERROR) {
		h = (h ^ (uint64_t)(r->an > 0 ? 4 : 2)) * 1099511628211ULL;
		p = r->zone;
		n = r->zone_len;
	} else if (rcode == DNS_RCODE_NXDOMAIN) {
		h = (h ^ 3) * 1099511628211ULL;
		p = r->zone;
		n = r->zone_len;
	} else {
		h = (h ^ (uint64_t)(16 + rcode)) * 1099511628211ULL;
	}
	for (size_t i = 0; i < n; i++) {
		h = (h ^ p[i]) * 1099511628211ULL;
	}
	return h;
}

void query_truncate(query_t *q)
{
	if (q->resp_len < DNS_HEADER_LEN || q->resp_q_end > q->resp_len) {
		return;
	}
	q->resp[2] |= (uint8_t)(DNS_FLAG_TC >> 8);
	memset(q->resp + 6, 0, 6); /* ANCOUNT, NSCOUNT, ARCOUNT */
	q->resp_len = q->resp_q_end < DNS_HEADER_LEN ? DNS_HEADER_LEN : q->resp_q_end;
}

/*
 * Below this many subdomains the index stays in the CPU caches and the extra
 * parse costs more than it saves. Measured (q per server CPU-s, A/B, 4 runs
 * each): N = 1k -3 %, 100k +1 %, 1M +6 %; the parse is about 850
 * instructions per query.
 */
#define PREFETCH_MIN_SUBS 250000

/* The work of query_prefetch(), in a frame of its own: its arrays (25 KB of
 * names) would otherwise be set up, stack probes and all, on every batch. */
static void __attribute__((noinline)) prefetch_batch(const uint8_t *const *reqs,
						     const size_t *lens, size_t n)
{
	unsigned zone_idx[ZONESET_PREFETCH_MAX];
	const uint8_t *labels[ZONESET_PREFETCH_MAX];
	size_t label_lens[ZONESET_PREFETCH_MAX];
	dname_t names[ZONESET_PREFETCH_MAX];
	size_t k = 0;
	rcu_read_lock();
	const zoneset_t *zs = zoneset_get();
	for (size_t i = 0; zs != NULL && i < n && k < ZONESET_PREFETCH_MAX; i++) {
		if (lens[i] < DNS_HEADER_LEN || reqs[i][4] != 0 || reqs[i][5] != 1) {
			continue; /* not exactly one question */
		}
		wire_rd_t rd = wire_rd_init(reqs[i] + DNS_HEADER_LEN, lens[i] - DNS_HEADER_LEN);
		unsigned depth;
		if (name_parse(&rd, &names[k]) != LC_EOK) {
			continue;
		}
		const zone_t *z = zoneset_find_zone(zs, &names[k], &depth);
		const uint8_t *l = z != NULL ? sub_label(z, &names[k], depth) : NULL;
		if (l == NULL) {
			continue;
		}
		zone_idx[k] = z->idx;
		labels[k] = l + 1;
		label_lens[k] = l[0];
		k++;
	}
	zoneset_sub_prefetch(zone_idx, labels, label_lens, k);
	rcu_read_unlock();
}

void query_prefetch(const uint8_t *const *reqs, const size_t *lens, size_t n)
{
	if (zoneset_sub_count() >= PREFETCH_MIN_SUBS) {
		prefetch_batch(reqs, lens, n);
	}
}

int query_process(query_t *q)
{
	req_info_t ri;
	resp_t r;

	memset(&ri, 0, sizeof(ri));
	q->resp_len = 0;
	if (q->req_len < DNS_HEADER_LEN) {
		return LC_EMALF; /* no header to answer with: silence */
	}
	memset(&r, 0, sizeof(r));
	r.q = q;
	r.ri = &ri;
	r.wr = wire_wr_init(q->resp, q->resp_max);

	int parsed = parse_request(q, &ri);
	if (ri.flags & DNS_FLAG_QR) {
		return LC_EMALF; /* never answer a response: it could start a loop */
	}
	/* The response limit: 512 without EDNS, the smaller of theirs and ours with it. */
	size_t limit = DNS_TCP_MAX;
	if (!q->tcp) {
		limit = DNS_UDP_MIN;
		if (parsed == LC_EOK && ri.has_opt) {
			limit = ri.udp_size < DNS_EDNS_SIZE ? ri.udp_size : DNS_EDNS_SIZE;
		}
	}
	if (limit < r.wr.max) {
		r.wr.max = limit;
	}

	int rcode;
	if (parsed != LC_EOK) {
		ri.has_opt = false;
		ri.has_tsig = false;
		rcode = DNS_RCODE_FORMERR;
		finish_bare(&r, rcode, false);
		goto out;
	}
	if (ri.opcode != DNS_OPCODE_QUERY) {
		rcode = DNS_RCODE_NOTIMP;
		finish_bare(&r, rcode, true);
		goto out;
	}
	if (!ri.has_question || ri.qtype == DNS_TYPE_OPT || ri.qtype == DNS_TYPE_TSIG) {
		rcode = DNS_RCODE_FORMERR;
		finish_bare(&r, rcode, true);
		goto out;
	}
	if (ri.has_opt && ri.edns_version > 0) {
		rcode = DNS_RCODE_BADVERS; /* RFC 6891 6.1.3 */
		finish_bare(&r, rcode, true);
		goto out;
	}
	if (ri.has_tsig) {
		rcode = DNS_RCODE_NOTAUTH;
		finish_bare(&r, rcode, true);
		goto out;
	}
	if (ri.qclass != DNS_CLASS_IN || ri.qtype == DNS_TYPE_AXFR || ri.qtype == DNS_TYPE_IXFR) {
		rcode = DNS_RCODE_REFUSED;
		finish_bare(&r, rcode, true);
		goto out;
	}

	/* Header placeholder and question echo (exact bytes: 0x20 case survives). */
	write_header(&r, 1);
	wire_wr_bytes(&r.wr, q->req + DNS_HEADER_LEN, ri.q_end - DNS_HEADER_LEN);
	r.flags = (uint16_t)(DNS_FLAG_QR | (ri.flags & (DNS_FLAG_RD | DNS_FLAG_CD)));

	rcu_read_lock();
	const zoneset_t *zs = zoneset_get();
	rcode = zs != NULL ? answer(&r, zs) : DNS_RCODE_SERVFAIL;
	rcu_read_unlock();

	if (rcode == DNS_RCODE_REFUSED || rcode == DNS_RCODE_SERVFAIL) {
		finish_bare(&r, rcode, true);
		goto out;
	}
	if (ri.has_opt) {
		write_opt(&r, rcode);
	}
	if (r.wr.err == LC_ESPACE) {
		/* RFC 2181 9: did not fit; say so and let the client retry over TCP. */
		uint16_t keep = r.flags;
		r.wr.err = LC_EOK;
		r.an = r.ns = r.ar = 0;
		r.flags = keep;
		write_header(&r, 1);
		wire_wr_bytes(&r.wr, q->req + DNS_HEADER_LEN, ri.q_end - DNS_HEADER_LEN);
		if (ri.has_opt) {
			write_opt(&r, rcode);
		}
		r.flags |= DNS_FLAG_TC;
	}
	r.flags = (uint16_t)((r.flags & ~0xF) | (rcode & 0xF));
	patch_header(&r, 1);
out:
	if (r.wr.err != LC_EOK) {
		return r.wr.err;
	}
	q->rcode = rcode;
	q->resp_len = r.wr.pos;
	q->rrl_class = rrl_class(&r, rcode);
	q->resp_q_end = DNS_HEADER_LEN;
	if (ri.has_question && q->resp_len >= ri.q_end && (q->resp[4] | q->resp[5]) != 0) {
		q->resp_q_end = ri.q_end;
	}
	return LC_EOK;
}
