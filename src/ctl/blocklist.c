/* SPDX-License-Identifier: MIT */
/* blocklist.c -- look-alike words from data/blocklist.txt (compiled in) plus the operator's */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/blocklist.h"
#include "store/store.h"
#include "util/embed.h"
#include "util/error.h"

/* Written by scripts/embed.sh from data/blocklist.txt (see the Makefile). */
extern const embed_file_t blocklist_files[];

#define WORD_MAX STORE_LABEL_MAX

static char **words; /* sorted, normalised */
static size_t word_cnt;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

/* Undo digit-for-letter swaps: what a word or a label part is compared as. */
static void normalise(const char *in, size_t len, char out[WORD_MAX + 1])
{
	static const char from[] = "013457";
	static const char to[] = "oleast";
	if (len > WORD_MAX) {
		len = WORD_MAX;
	}
	for (size_t i = 0; i < len; i++) {
		const char *p = in[i] != '\0' ? strchr(from, in[i]) : NULL;
		out[i] = p != NULL ? to[p - from] : in[i];
	}
	out[len] = '\0';
}

static int cmp_word(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_word(char ***list, size_t *cnt, size_t *cap, const char *w, size_t len)
{
	if (len == 0 || len > WORD_MAX) {
		return LC_EOK; /* cannot match a label part anyway */
	}
	if (*cnt == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **n = realloc(*list, ncap * sizeof(*n));
		if (n == NULL) {
			return LC_ENOMEM;
		}
		*list = n;
		*cap = ncap;
	}
	char *copy = malloc(WORD_MAX + 1);
	if (copy == NULL) {
		return LC_ENOMEM;
	}
	normalise(w, len, copy);
	(*list)[(*cnt)++] = copy;
	return LC_EOK;
}

/* Words of the compiled-in file: one per line, '#' comments, blanks trimmed. */
static int add_builtin(char ***list, size_t *cnt, size_t *cap)
{
	const embed_file_t *f = embed_find(blocklist_files, "blocklist.txt");
	const char *p = f != NULL ? (const char *)f->data : "";
	while (*p) {
		size_t len = strcspn(p, "\n");
		size_t w = strspn(p, " \t");
		size_t wl = strcspn(p + w, " \t#\n");
		int ret = p[w] == '#' ? LC_EOK : add_word(list, cnt, cap, p + w, wl);
		if (ret != LC_EOK) {
			return ret;
		}
		p += len;
		if (*p == '\n') {
			p++;
		}
	}
	return LC_EOK;
}

static void free_list(char **list, size_t cnt)
{
	for (size_t i = 0; list != NULL && i < cnt; i++) {
		free(list[i]);
	}
	free(list);
}

int blocklist_init(char *const *extra, size_t extra_cnt)
{
	char **list = NULL;
	size_t cnt = 0, cap = 0;
	int ret = add_builtin(&list, &cnt, &cap);
	for (size_t i = 0; i < extra_cnt && ret == LC_EOK; i++) {
		ret = add_word(&list, &cnt, &cap, extra[i], strlen(extra[i]));
	}
	if (ret != LC_EOK) {
		free_list(list, cnt);
		return ret;
	}
	if (cnt > 0) {
		qsort(list, cnt, sizeof(*list), cmp_word);
	}
	free_list(words, word_cnt);
	words = list;
	word_cnt = cnt;
	return LC_EOK;
}

/* Without blocklist_init() (unit tests, tools), fall back to the compiled-in words. */
static void init_builtin(void)
{
	if (words == NULL) {
		blocklist_init(NULL, 0);
	}
}

static bool part_listed(const char *part, size_t len)
{
	char norm[WORD_MAX + 1];
	const char *key = norm;
	normalise(part, len, norm);
	return word_cnt > 0 && bsearch(&key, words, word_cnt, sizeof(*words), cmp_word) != NULL;
}

bool blocklist_is_lookalike(const char *label)
{
	char joined[WORD_MAX + 1];
	size_t j = 0;
	pthread_once(&builtin_once, init_builtin);
	for (const char *p = label; *p;) {
		size_t len = strcspn(p, "-");
		if (part_listed(p, len)) {
			return true;
		}
		if (j + len <= WORD_MAX) {
			memcpy(joined + j, p, len);
			j += len;
		}
		p += len;
		if (*p == '-') {
			p++;
		}
	}
	/* "pay-pal" is as misleading as "paypal". */
	return part_listed(joined, j);
}

size_t blocklist_count(void)
{
	pthread_once(&builtin_once, init_builtin);
	return word_cnt;
}

void blocklist_cleanup(void)
{
	free_list(words, word_cnt);
	words = NULL;
	word_cnt = 0;
}
