/* SPDX-License-Identifier: MIT */
/* blocklist.h -- the look-alike blocklist: names of popular sites that labels may not imitate */
#ifndef LC_CTL_BLOCKLIST_H
#define LC_CTL_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One list, two sources: data/blocklist.txt, compiled into the binary, and
 * the words of the operator's file ([console] blocklist, read by conf/).
 * Words are kept after undoing digit-for-letter swaps (0->o 1->l 3->e 4->a
 * 5->s 7->t), the same normalisation a label goes through before lookup.
 */

/**
 * Build the list from the compiled-in file plus extra words. Call before
 * threads use blocklist_is_lookalike() (ops_init does); calling again
 * replaces the list, so it is not thread-safe.
 * @param extra words (a-z, 0-9), borrowed; @param extra_cnt how many.
 * @return LC_EOK; LC_ENOMEM.
 */
int blocklist_init(char *const *extra, size_t extra_cnt);

/**
 * Does a label imitate a listed name: the whole label, one of its
 * hyphen-separated parts, or all parts joined ("pay-pal"), after undoing
 * digit-for-letter swaps ("g00gle")? Before blocklist_init() only the
 * compiled-in words are checked. Thread-safe once initialised.
 */
bool blocklist_is_lookalike(const char *label);

/** Number of words in the list (for logs and tests). */
size_t blocklist_count(void);

/** Free the list. */
void blocklist_cleanup(void);

#endif
