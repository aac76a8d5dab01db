/* SPDX-License-Identifier: MIT */
/* embed.c -- look up files compiled into the binary */
#include <string.h>

#include "util/embed.h"

const embed_file_t *embed_find(const embed_file_t *table, const char *name)
{
	for (const embed_file_t *f = table; f != NULL && f->name != NULL; f++) {
		if (strcmp(f->name, name) == 0) {
			return f;
		}
	}
	return NULL;
}
