/* SPDX-License-Identifier: MIT */
/* test_util_b64.c -- base64 / base64url codecs (RFC 4648 section 10 vectors) */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "util/b64.h"
#include "util/error.h"

static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
static const char *const url[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };

int main(void)
{
	char out[128];
	uint8_t bin[128];
	size_t n;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		is_int(b64_url_encode((const uint8_t *)plain[i], strlen(plain[i]), out, sizeof(out)),
		       LC_EOK, "encode \"%s\"", plain[i]);
		is_str(out, url[i], "encode \"%s\" text", plain[i]);
		is_int(b64_url_decode(url[i], strlen(url[i]), bin, sizeof(bin), &n), LC_EOK,
		       "decode \"%s\"", url[i]);
		ok(n == strlen(plain[i]) && memcmp(bin, plain[i], n) == 0, "decode \"%s\" bytes",
		   url[i]);
	}

	/* The URL alphabet uses - and _; the standard one + and /. */
	const uint8_t hi[3] = { 0xfb, 0xff, 0xbf };
	b64_url_encode(hi, 3, out, sizeof(out));
	is_str(out, "-_-_", "url alphabet");
	is_int(b64_std_decode("+/+/", 4, bin, sizeof(bin), &n), LC_EOK, "std decode +/");
	ok(n == 3 && memcmp(bin, hi, 3) == 0, "std decode bytes");
	is_int(b64_url_decode("+/+/", 4, bin, sizeof(bin), &n), LC_EMALF, "url rejects +/");
	is_int(b64_std_decode("-_-_", 4, bin, sizeof(bin), &n), LC_EMALF, "std rejects -_");

	/* Padding is optional for decoding; wrong padding or lengths are malformed. */
	is_int(b64_std_decode("Zm8=", 4, bin, sizeof(bin), &n), LC_EOK, "padded");
	is_int((int)n, 2, "padded length");
	is_int(b64_std_decode("Zm9vYg==", 8, bin, sizeof(bin), &n), LC_EOK, "double pad");
	is_int(b64_std_decode("Zm8==", 5, bin, sizeof(bin), &n), LC_EMALF, "too much padding");
	is_int(b64_url_decode("Z", 1, bin, sizeof(bin), &n), LC_EMALF, "length 1 mod 4");
	is_int(b64_url_decode("Zm 9", 4, bin, sizeof(bin), &n), LC_EMALF, "space");

	/* Buffers are checked before writing. */
	is_int(b64_url_encode((const uint8_t *)"foo", 3, out, 4), LC_ESPACE, "encode space");
	is_int(b64_url_encode((const uint8_t *)"foo", 3, out, 5), LC_EOK, "encode exact");
	is_int(b64_url_decode("Zm9vYmFy", 8, bin, 5, &n), LC_ESPACE, "decode space");

	/* A 32-byte digest gives the 43-character challenge value. */
	uint8_t digest[32];
	memset(digest, 0xa5, sizeof(digest));
	b64_url_encode(digest, sizeof(digest), out, sizeof(out));
	is_int((int)strlen(out), 43, "32 bytes -> 43 chars");
	is_int(B64_URL_LEN(32), 43, "B64_URL_LEN");
	is_int(b64_url_decode(out, 43, bin, sizeof(bin), &n), LC_EOK, "round trip");
	ok(n == 32 && memcmp(bin, digest, 32) == 0, "round trip bytes");
	return tap_done();
}
