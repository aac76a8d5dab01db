/* SPDX-License-Identifier: MIT */
/* b64.c -- base64 and base64url codecs (RFC 4648) */
#include <stdbool.h>

#include "util/b64.h"
#include "util/error.h"

static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64_url_encode(const uint8_t *src, size_t src_len, char *out, size_t out_size)
{
	size_t need = B64_URL_LEN(src_len) + 1;
	if (out_size < need) {
		return LC_ESPACE;
	}
	size_t o = 0;
	size_t i = 0;
	for (; i + 3 <= src_len; i += 3) {
		uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
		out[o++] = url_alphabet[(v >> 18) & 63];
		out[o++] = url_alphabet[(v >> 12) & 63];
		out[o++] = url_alphabet[(v >> 6) & 63];
		out[o++] = url_alphabet[v & 63];
	}
	/* One or two bytes left give two or three characters; no padding (RFC 4648 3.2). */
	if (src_len - i == 1) {
		uint32_t v = (uint32_t)src[i] << 16;
		out[o++] = url_alphabet[(v >> 18) & 63];
		out[o++] = url_alphabet[(v >> 12) & 63];
	} else if (src_len - i == 2) {
		uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
		out[o++] = url_alphabet[(v >> 18) & 63];
		out[o++] = url_alphabet[(v >> 12) & 63];
		out[o++] = url_alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return LC_EOK;
}

/* Value of one character in the chosen alphabet, or -1. */
static int char_value(char c, bool url)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == (url ? '-' : '+')) {
		return 62;
	}
	if (c == (url ? '_' : '/')) {
		return 63;
	}
	return -1;
}

static int decode(const char *text, size_t text_len, bool url, uint8_t *out, size_t out_size,
		  size_t *out_len)
{
	/* Up to two trailing "=" are padding; strip them, then the length decides the tail. */
	size_t pad = 0;
	while (text_len > 0 && text[text_len - 1] == '=' && pad < 2) {
		text_len--;
		pad++;
	}
	if (text_len % 4 == 1 || (pad > 0 && (text_len + pad) % 4 != 0)) {
		return LC_EMALF;
	}
	size_t need = text_len / 4 * 3 + (text_len % 4 ? text_len % 4 - 1 : 0);
	if (need > out_size) {
		return LC_ESPACE;
	}
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < text_len; i++) {
		int v = char_value(text[i], url);
		if (v < 0) {
			return LC_EMALF;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*out_len = o;
	return LC_EOK;
}

int b64_url_decode(const char *text, size_t text_len, uint8_t *out, size_t out_size,
		   size_t *out_len)
{
	return decode(text, text_len, true, out, out_size, out_len);
}

int b64_std_decode(const char *text, size_t text_len, uint8_t *out, size_t out_size,
		   size_t *out_len)
{
	return decode(text, text_len, false, out, out_size, out_len);
}
