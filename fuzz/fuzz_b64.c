/* SPDX-License-Identifier: MIT */
/* fuzz_b64.c -- libFuzzer driver: base64url and standard base64 decoding and encoding (util/b64) */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/b64.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Decode into a buffer of exactly the size the text needs, and into one byte
 * less (which must fail with LC_ESPACE); ASan sees any write past either.
 * Returns the decoded bytes (malloc) or NULL.
 */
static uint8_t *decode(const char *text, size_t len, bool url, size_t *out_len)
{
	int (*fn)(const char *, size_t, uint8_t *, size_t, size_t *) =
		url ? b64_url_decode : b64_std_decode;
	size_t need = 0;
	size_t cap = len / 4 * 3 + 3; /* always enough */
	uint8_t *out = malloc(cap);
	if (out == NULL) {
		return NULL;
	}
	int ret = fn(text, len, out, cap, &need);
	if (ret == LC_EMALF) {
		free(out);
		return NULL;
	}
	if (ret != LC_EOK || need > cap) {
		abort();
	}
	uint8_t *exact = malloc(need ? need : 1);
	size_t got = 0;
	if (exact == NULL || fn(text, len, exact, need, &got) != LC_EOK || got != need ||
	    memcmp(exact, out, need) != 0) {
		abort();
	}
	if (need > 0 && fn(text, len, exact, need - 1, &got) != LC_ESPACE) {
		abort();
	}
	free(out);
	*out_len = need;
	return exact;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	bool url = data[0] & 1;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	/* Any bytes encode, and the encoding decodes back to them. */
	char *enc = malloc(B64_URL_LEN(len) + 1);
	if (enc == NULL) {
		return 0;
	}
	if (b64_url_encode(data + 1, len, enc, B64_URL_LEN(len)) != LC_ESPACE ||
	    b64_url_encode(data + 1, len, enc, B64_URL_LEN(len) + 1) != LC_EOK ||
	    strlen(enc) != B64_URL_LEN(len)) {
		abort();
	}
	size_t dl = 0;
	uint8_t *dec = decode(enc, strlen(enc), true, &dl);
	if (dec == NULL || dl != len || memcmp(dec, data + 1, len) != 0) {
		abort();
	}
	free(dec);
	free(enc);

	/* Arbitrary text: decode, re-encode, decode again gives the same bytes. */
	dec = decode(text, len, url, &dl);
	if (dec == NULL) {
		return 0;
	}
	enc = malloc(B64_URL_LEN(dl) + 1);
	if (enc == NULL || b64_url_encode(dec, dl, enc, B64_URL_LEN(dl) + 1) != LC_EOK) {
		abort();
	}
	size_t dl2 = 0;
	uint8_t *dec2 = decode(enc, strlen(enc), true, &dl2);
	if (dec2 == NULL || dl2 != dl || memcmp(dec, dec2, dl) != 0) {
		abort();
	}
	free(dec2);
	free(enc);
	free(dec);
	return 0;
}
