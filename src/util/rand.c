/* SPDX-License-Identifier: MIT */
/* rand.c -- kernel randomness and UUIDv4 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

#include "util/error.h"
#include "util/rand.h"

int rand_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return LC_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return LC_EOK;
}

int rand_uuid4(char out[RAND_UUID_LEN + 1])
{
	uint8_t b[16];
	if (rand_bytes(b, sizeof(b)) != LC_EOK) {
		return LC_EIO;
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant 10xx */
	snprintf(out, RAND_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return LC_EOK;
}
