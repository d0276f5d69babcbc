/* mm/replace/slotset.h - a set of slot numbers that finds its next member fast.
 *
 * enhanced_clock keeps the slots that may hold a clean, unused page in
 * one, and looks for the first of them past its hand; the pager
 * (mm/pager.c) keeps its empty slots in one and takes the lowest.  With
 * up to POLICY_MAX_FRAMES slots a plain bitmap would cost a word per 32
 * slots on every search; this one has two levels:
 *
 *   word[w]     bit b: slot 32*w + b is a member
 *   summary[k]  bit b: word[32*k + b] is not 0
 *
 * so a search reads the rest of one word, then the summary (one word per
 * 1,024 slots: 16 at most), then one more word.  Pure code, host-tested
 * (tests/host/test_replace.c). */
#ifndef MM_REPLACE_SLOTSET_H
#define MM_REPLACE_SLOTSET_H

#include <stdint.h>
#include "mm/replace/carve.h"

#define SLOTSET_NONE 0xFFFFFFFFu

struct slotset {
    uint32_t n;                 /* slots 0..n-1 */
    uint32_t *word;             /* (n + 31) / 32 words of members */
    uint32_t *summary;          /* one bit per word: it has a member */
};

/* Point S's arrays for N slots into C (see carve.h).  The memory must be
 * zeroed before use: the set is then empty. */
void slotset_carve(struct slotset *s, uint32_t n, struct carve *c);

/* Add or remove slot I (below n). */
void slotset_add(struct slotset *s, uint32_t i);
void slotset_remove(struct slotset *s, uint32_t i);

/* The smallest member at or after FROM, or SLOTSET_NONE. */
uint32_t slotset_next(const struct slotset *s, uint32_t from);

/* Take the smallest member out of S and return it (slotset_next from 0,
 * then slotset_remove, in one pass: a pool's own pager's lowest empty
 * slot, at every fault in sync mode); SLOTSET_NONE if S is empty. */
uint32_t slotset_take_first(struct slotset *s);

/* The first member met going up from FROM (below n) and round past
 * n - 1 to 0: as a clock hand at FROM would meet it.  SLOTSET_NONE if
 * the set is empty. */
uint32_t slotset_next_round(const struct slotset *s, uint32_t from);

#endif
