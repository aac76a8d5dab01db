/* SPDX-License-Identifier: MIT */
/* embed.h -- files compiled into the binary (tables written by scripts/embed.sh) */
#ifndef LC_UTIL_EMBED_H
#define LC_UTIL_EMBED_H

#include <stddef.h>

/** One embedded file. data is followed by a NUL byte (not counted in len). */
typedef struct embed_file {
	const char *name;          /**< base name, e.g. "layout.html"; NULL ends a table */
	const unsigned char *data;
	size_t len;
} embed_file_t;

/**
 * Find a file by name in a table that ends with a NULL name.
 * @return the entry (static), or NULL.
 */
const embed_file_t *embed_find(const embed_file_t *table, const char *name);

#endif
