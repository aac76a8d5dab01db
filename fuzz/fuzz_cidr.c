/* SPDX-License-Identifier: MIT */
/* fuzz_cidr.c -- libFuzzer driver: addresses and prefixes from text (util/cidr): parse,
 * format, match, and the JSON list form stored with each key */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/cidr.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIST_MAX 16

static bool same(const cidr_t *a, const cidr_t *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* A parsed prefix is normalised: known family, length in range, host bits and padding zero. */
static void check_norm(const cidr_t *c)
{
	unsigned full = c->family == AF_INET ? 32 : 128;
	if ((c->family != AF_INET && c->family != AF_INET6) || c->prefix > full) {
		abort();
	}
	cidr_t t = *c;
	cidr_truncate(&t, c->prefix);
	if (!same(&t, c) || !cidr_contains(c, c)) {
		abort();
	}
	for (unsigned i = full / 8; i < 16; i++) {
		if (c->addr[i] != 0) {
			abort();
		}
	}
}

/* Format and parse again: the same prefix. */
static void round_trip(const cidr_t *c)
{
	char text[CIDR_TEXT_MAX];
	cidr_t back;
	cidr_format(c, false, text, sizeof(text));
	if (cidr_parse(text, &back) != LC_EOK || !same(c, &back)) {
		abort();
	}
	cidr_format(c, true, text, sizeof(text));
	if (cidr_parse(text, &back) != LC_EOK || !same(c, &back)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	size_t max = data[0] % (LIST_MAX + 1);
	char *text = malloc(size);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	cidr_t c, a;
	if (cidr_parse(text, &c) == LC_EOK) {
		check_norm(&c);
		round_trip(&c);
		/* Shortening keeps the prefix inside the shorter one. */
		cidr_t s = c;
		cidr_truncate(&s, c.prefix / 2);
		check_norm(&s);
		if (!cidr_contains(&s, &c)) {
			abort();
		}
	}
	if (cidr_parse_addr(text, &a) == LC_EOK) {
		check_norm(&a);
		round_trip(&a);
		if (a.prefix != (a.family == AF_INET ? 32u : 128u)) {
			abort();
		}
	}

	cidr_t list[LIST_MAX], again[LIST_MAX];
	size_t cnt = 0, cnt2 = 0;
	if (cidr_list_parse(text, list, max, &cnt) == LC_EOK) {
		char out[LIST_MAX * (CIDR_TEXT_MAX + 3) + 3];
		if (cnt > max || cidr_list_format(list, cnt, out, sizeof(out)) != LC_EOK ||
		    cidr_list_parse(out, again, LIST_MAX, &cnt2) != LC_EOK || cnt2 != cnt) {
			abort();
		}
		for (size_t i = 0; i < cnt; i++) {
			check_norm(&list[i]);
			if (!same(&list[i], &again[i])) {
				abort();
			}
		}
	}
	free(text);
	return 0;
}
