/* SPDX-License-Identifier: MIT */
/* wire.h -- bounded read and write cursors over byte buffers, with a sticky error */
#ifndef LC_DNS_WIRE_H
#define LC_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/error.h"

/**
 * Read cursor. After the first out-of-bounds read, err is LC_EMALF and every
 * further read returns 0, so a parser can read a whole structure and check
 * err once.
 */
typedef struct wire_rd {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	int err;
} wire_rd_t;

/** Write cursor. After the first write past max, err is LC_ESPACE and nothing more is written. */
typedef struct wire_wr {
	uint8_t *buf;
	size_t max;
	size_t pos;
	int err;
} wire_wr_t;

static inline wire_rd_t wire_rd_init(const uint8_t *buf, size_t len)
{
	wire_rd_t rd = { buf, len, 0, LC_EOK };
	return rd;
}

static inline int wire_rd_need(wire_rd_t *rd, size_t n)
{
	if (rd->err != LC_EOK || rd->len - rd->pos < n) {
		rd->err = LC_EMALF;
		return 0;
	}
	return 1;
}

static inline uint8_t wire_rd_u8(wire_rd_t *rd)
{
	if (!wire_rd_need(rd, 1)) {
		return 0;
	}
	return rd->buf[rd->pos++];
}

static inline uint16_t wire_rd_u16(wire_rd_t *rd)
{
	if (!wire_rd_need(rd, 2)) {
		return 0;
	}
	uint16_t v = (uint16_t)((rd->buf[rd->pos] << 8) | rd->buf[rd->pos + 1]);
	rd->pos += 2;
	return v;
}

static inline uint32_t wire_rd_u32(wire_rd_t *rd)
{
	uint32_t hi = wire_rd_u16(rd);
	return (hi << 16) | wire_rd_u16(rd);
}

static inline void wire_rd_skip(wire_rd_t *rd, size_t n)
{
	if (wire_rd_need(rd, n)) {
		rd->pos += n;
	}
}

static inline size_t wire_rd_left(const wire_rd_t *rd)
{
	return rd->err == LC_EOK ? rd->len - rd->pos : 0;
}

static inline wire_wr_t wire_wr_init(uint8_t *buf, size_t max)
{
	wire_wr_t wr = { buf, max, 0, LC_EOK };
	return wr;
}

static inline int wire_wr_need(wire_wr_t *wr, size_t n)
{
	if (wr->err != LC_EOK || wr->max - wr->pos < n) {
		wr->err = LC_ESPACE;
		return 0;
	}
	return 1;
}

static inline void wire_wr_u8(wire_wr_t *wr, uint8_t v)
{
	if (wire_wr_need(wr, 1)) {
		wr->buf[wr->pos++] = v;
	}
}

static inline void wire_wr_u16(wire_wr_t *wr, uint16_t v)
{
	if (wire_wr_need(wr, 2)) {
		wr->buf[wr->pos] = (uint8_t)(v >> 8);
		wr->buf[wr->pos + 1] = (uint8_t)v;
		wr->pos += 2;
	}
}

static inline void wire_wr_u32(wire_wr_t *wr, uint32_t v)
{
	wire_wr_u16(wr, (uint16_t)(v >> 16));
	wire_wr_u16(wr, (uint16_t)v);
}

static inline void wire_wr_bytes(wire_wr_t *wr, const void *p, size_t n)
{
	if (wire_wr_need(wr, n)) {
		memcpy(wr->buf + wr->pos, p, n);
		wr->pos += n;
	}
}

/** Patch a 16-bit value at an earlier offset (e.g. an RDLENGTH). */
static inline void wire_wr_put16(wire_wr_t *wr, size_t at, uint16_t v)
{
	if (at + 2 <= wr->pos) {
		wr->buf[at] = (uint8_t)(v >> 8);
		wr->buf[at + 1] = (uint8_t)v;
	}
}

#endif
