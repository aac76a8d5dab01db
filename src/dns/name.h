/* SPDX-License-Identifier: MIT */
/* name.h -- domain names: wire <-> text, parse from messages, compare */
#ifndef LC_DNS_NAME_H
#define LC_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "dns/wire.h"

/** A name read from a message: a lowercased wire copy plus where each label starts. */
typedef struct dname {
	uint8_t wire[NAME_MAX_WIRE]; /**< lowercase, uncompressed, ends with the root label */
	uint8_t len;                 /**< bytes in wire, root included */
	uint8_t labels;              /**< label count, root excluded */
	uint8_t off[NAME_MAX_WIRE / 2]; /**< off[i] = offset of label i (0 = leftmost) */
} dname_t;

/**
 * Read an uncompressed name (a question name) at the cursor into out,
 * lowercasing it. Compression pointers and extended label types are refused:
 * a question cannot point backwards to anything (RFC 1035 4.1.4).
 * @return LC_EOK; LC_EMALF (truncated, pointer, bad label type, > 255 bytes).
 */
int name_parse(wire_rd_t *rd, dname_t *out);

/**
 * Skip a possibly compressed name at the cursor (records after the question).
 * Pointers must point strictly backwards, so the walk always ends.
 * @return LC_EOK; LC_EMALF.
 */
int name_skip(wire_rd_t *rd);

/**
 * Read a possibly compressed name at the cursor and expand it into out
 * (NAME_MAX_WIRE bytes), keeping its case.
 * @return LC_EOK; LC_EMALF.
 */
int name_read(wire_rd_t *rd, uint8_t *out, size_t *out_len);

/**
 * Convert "www.example.test" or "www.example.test." to lowercase wire form.
 * Backslash escapes are not accepted (names here come from our own config).
 * @param out caller buffer of NAME_MAX_WIRE bytes.
 * @return LC_EOK; LC_EINVAL (empty label, bad character); LC_ERANGE (label > 63 or name > 255).
 */
int name_from_text(const char *text, uint8_t *out, size_t *out_len);

/**
 * Write a wire name as text without the trailing dot ("." for the root).
 * @return LC_EOK; LC_ESPACE if out_len is too small.
 */
int name_to_text(const uint8_t *wire, char *out, size_t out_len);

/** Length of a valid uncompressed wire name, root included. */
size_t name_wire_len(const uint8_t *wire);

/** Number of labels (root excluded) of a valid uncompressed wire name. */
unsigned name_label_cnt(const uint8_t *wire);

/**
 * Fill a dname_t from a valid lowercase uncompressed wire name.
 * @return LC_EOK; LC_EMALF.
 */
int dname_from_wire(const uint8_t *wire, size_t len, dname_t *out);

/**
 * Whether the name's rightmost labels equal the apex (both lowercase wire);
 * true for the apex itself.
 * @param out_depth labels of name left of the apex (0 at the apex), may be NULL.
 */
bool dname_under(const dname_t *name, const uint8_t *apex, size_t apex_len, unsigned apex_labels,
		 unsigned *out_depth);

#endif
