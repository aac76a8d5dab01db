/* SPDX-License-Identifier: MIT */
/* b64.h -- base64 (RFC 4648 section 4) and base64url (section 5) encoding and decoding */
#ifndef LC_UTIL_B64_H
#define LC_UTIL_B64_H

#include <stddef.h>
#include <stdint.h>

/** Characters of unpadded base64url for len bytes (without the NUL). */
#define B64_URL_LEN(len) (((len) * 4 + 2) / 3)

/**
 * Encode bytes as unpadded base64url ("-" and "_", no "=").
 * @param src      bytes to encode.
 * @param src_len  number of bytes.
 * @param out      caller buffer; receives the text and a NUL.
 * @param out_size size of out; at least B64_URL_LEN(src_len) + 1.
 * @return LC_EOK; LC_ESPACE if out is too small (out is then untouched).
 * Allocates nothing; thread-safe.
 */
int b64_url_encode(const uint8_t *src, size_t src_len, char *out, size_t out_size);

/**
 * Decode base64url text. Padding ("=") at the end is accepted but not required.
 * @param text     characters to decode (need not be NUL-terminated).
 * @param text_len number of characters.
 * @param out      caller buffer for the bytes.
 * @param out_size size of out.
 * @param out_len  set to the number of bytes written.
 * @return LC_EOK; LC_EMALF (a character outside the alphabet, or an impossible length);
 *         LC_ESPACE (out too small).
 */
int b64_url_decode(const char *text, size_t text_len, uint8_t *out, size_t out_size,
		   size_t *out_len);

/**
 * Decode standard base64 ("+" and "/"), as used by HTTP Basic credentials.
 * Same parameters and returns as b64_url_decode().
 */
int b64_std_decode(const char *text, size_t text_len, uint8_t *out, size_t out_size,
		   size_t *out_len);

#endif
