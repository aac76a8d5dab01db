/* SPDX-License-Identifier: MIT */
/* rand.h -- cryptographically strong random bytes (getrandom) and UUIDv4 */
#ifndef LC_UTIL_RAND_H
#define LC_UTIL_RAND_H

#include <stddef.h>

#define RAND_UUID_LEN 36

/**
 * Fill buf with len bytes from the kernel CSPRNG (getrandom(2), blocking
 * only until the pool is first initialised).
 * @return LC_EOK; LC_EIO if the kernel refused.
 * Thread-safe.
 */
int rand_bytes(void *buf, size_t len);

/**
 * Write a random (version 4, RFC 9562 5.4) UUID in lowercase 8-4-4-4-12 form.
 * @param out RAND_UUID_LEN + 1 bytes.
 * @return LC_EOK; LC_EIO.
 */
int rand_uuid4(char out[RAND_UUID_LEN + 1]);

#endif
