/* SPDX-License-Identifier: MIT */
/* name.c -- domain names: wire <-> text, parse from messages, compare */
#include <ctype.h>
#include <string.h>

#include "dns/name.h"

static inline uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/*
 * Lowercase ASCII while copying, eight bytes at a time: for each byte, bit 7
 * of (b & 0x7f) + 0x3f says b >= 'A' and of (b & 0x7f) + 0x25 says b > 'Z';
 * bytes with bit 7 set are not ASCII and stay as they are. Every question
 * name passes through here, so this is on the answer path.
 */
static void lower_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, src + i, 8);
		uint64_t low7 = x & 0x7f7f7f7f7f7f7f7fULL;
		uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL;
		uint64_t gt_z = low7 + 0x2525252525252525ULL;
		uint64_t upper = (ge_a ^ gt_z) & ~x & 0x8080808080808080ULL;
		x |= upper >> 2;
		memcpy(dst + i, &x, 8);
	}
	for (; i < n; i++) {
		dst[i] = lower(src[i]);
	}
}

int name_parse(wire_rd_t *rd, dname_t *out)
{
	size_t n = 0;
	unsigned labels = 0;

	for (;;) {
		uint8_t l = wire_rd_u8(rd);
		if (rd->err != LC_EOK || (l & 0xC0) != 0) {
			rd->err = LC_EMALF;
			return LC_EMALF;
		}
		if (n + 1 + l > NAME_MAX_WIRE) {
			rd->err = LC_EMALF;
			return LC_EMALF;
		}
		if (l == 0) {
			out->wire[n++] = 0;
			break;
		}
		if (!wire_rd_need(rd, l)) {
			return LC_EMALF;
		}
		out->off[labels++] = (uint8_t)n;
		out->wire[n++] = l;
		lower_copy(out->wire + n, rd->buf + rd->pos, l);
		n += l;
		rd->pos += l;
	}
	out->len = (uint8_t)n;
	out->labels = (uint8_t)labels;
	return LC_EOK;
}

/*
 * Follow a name through compression pointers. Each pointer must go strictly
 * backwards from the label that holds it, which bounds the walk. When out is
 * given, the expanded name is copied there.
 */
static int walk(wire_rd_t *rd, uint8_t *out, size_t *out_len)
{
	size_t pos = rd->pos;
	size_t end = 0; /* where the cursor continues after the name */
	size_t n = 0;
	size_t limit = rd->pos; /* pointers must point below this */

	if (rd->err != LC_EOK) {
		return LC_EMALF;
	}
	for (;;) {
		if (pos >= rd->len) {
			goto malformed;
		}
		uint8_t l = rd->buf[pos];
		if ((l & 0xC0) == 0xC0) {
			if (pos + 1 >= rd->len) {
				goto malformed;
			}
			size_t ptr = ((size_t)(l & 0x3F) << 8) | rd->buf[pos + 1];
			if (end == 0) {
				end = pos + 2;
			}
			if (ptr >= limit) {
				goto malformed;
			}
			limit = ptr;
			pos = ptr;
			continue;
		}
		if ((l & 0xC0) != 0 || n + 1 + l > NAME_MAX_WIRE || pos + 1 + l > rd->len) {
			goto malformed;
		}
		if (out != NULL) {
			memcpy(out + n, rd->buf + pos, (size_t)l + 1);
		}
		n += (size_t)l + 1;
		pos += (size_t)l + 1;
		if (l == 0) {
			break;
		}
	}
	rd->pos = end != 0 ? end : pos;
	if (out_len != NULL) {
		*out_len = n;
	}
	return LC_EOK;
malformed:
	rd->err = LC_EMALF;
	return LC_EMALF;
}

int name_skip(wire_rd_t *rd)
{
	return walk(rd, NULL, NULL);
}

int name_read(wire_rd_t *rd, uint8_t *out, size_t *out_len)
{
	return walk(rd, out, out_len);
}

int name_from_text(const char *text, uint8_t *out, size_t *out_len)
{
	size_t n = 0;
	const char *p = text;

	if (text == NULL) {
		return LC_EINVAL;
	}
	if (strcmp(text, ".") == 0) {
		out[0] = 0;
		*out_len = 1;
		return LC_EOK;
	}
	while (*p != '\0') {
		const char *dot = strchr(p, '.');
		size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (l == 0) {
			return LC_EINVAL;
		}
		if (l > LABEL_MAX) {
			return LC_ERANGE;
		}
		if (n + 1 + l + 1 > NAME_MAX_WIRE) {
			return LC_ERANGE;
		}
		out[n++] = (uint8_t)l;
		for (size_t i = 0; i < l; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c <= ' ' || c >= 0x7f || c == '\\') {
				return LC_EINVAL;
			}
			out[n++] = lower(c);
		}
		p += l;
		if (*p == '.') {
			p++;
		}
	}
	out[n++] = 0;
	*out_len = n;
	return LC_EOK;
}

int name_to_text(const uint8_t *wire, char *out, size_t out_len)
{
	size_t n = 0;

	if (wire[0] == 0) {
		if (out_len < 2) {
			return LC_ESPACE;
		}
		out[0] = '.';
		out[1] = '\0';
		return LC_EOK;
	}
	while (*wire != 0) {
		uint8_t l = *wire++;
		if (n + l + 2 > out_len) {
			return LC_ESPACE;
		}
		if (n > 0) {
			out[n++] = '.';
		}
		memcpy(out + n, wire, l);
		n += l;
		wire += l;
	}
	out[n] = '\0';
	return LC_EOK;
}

size_t name_wire_len(const uint8_t *wire)
{
	size_t n = 0;
	while (wire[n] != 0) {
		n += (size_t)wire[n] + 1;
	}
	return n + 1;
}

unsigned name_label_cnt(const uint8_t *wire)
{
	unsigned c = 0;
	while (*wire != 0) {
		wire += *wire + 1;
		c++;
	}
	return c;
}

int dname_from_wire(const uint8_t *wire, size_t len, dname_t *out)
{
	wire_rd_t rd = wire_rd_init(wire, len);
	return name_parse(&rd, out);
}

bool dname_under(const dname_t *name, const uint8_t *apex, size_t apex_len, unsigned apex_labels,
		 unsigned *out_depth)
{
	if (name->labels < apex_labels) {
		return false;
	}
	unsigned depth = name->labels - apex_labels;
	size_t at = depth == name->labels ? (size_t)name->len - 1 : name->off[depth];
	if ((size_t)name->len - at != apex_len || memcmp(name->wire + at, apex, apex_len) != 0) {
		return false;
	}
	if (out_depth != NULL) {
		*out_depth = depth;
	}
	return true;
}
