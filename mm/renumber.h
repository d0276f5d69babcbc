/* mm/renumber.h - dense numbers for sparse page numbers, in order of first use.
 *
 * A trace names pages by whatever its source used: block numbers up to
 * 2^32, addresses.  The model pager and OPT/LRU (mm/replace/sim.h,
 * mm/refstring.h) want pages 0..npages-1, and the kernel's replay wants
 * them inside a region.  So the first page a trace names becomes 0, the
 * next new one 1, and so on.
 *
 * An open-addressing hash table (linear probing, Knuth's multiplicative
 * hash) from page number to dense number, in memory the caller gives,
 * with at least twice as many cells as pages: constant expected time per
 * reference.  Pure code, host-tested (tests/host/test_tracefile.c). */
#ifndef MM_RENUMBER_H
#define MM_RENUMBER_H

#include <stdint.h>

#define RENUMBER_FULL 0xFFFFFFFFu
#define RENUMBER_MAX  (1u << 26)    /* the most pages a table numbers (512 MiB of it) */

struct renumber {
    uint32_t *key;              /* page number in each cell */
    uint32_t *num;              /* its dense number; RENUMBER_FULL: empty cell */
    uint32_t shift;             /* 32 - log2(cells) */
    uint32_t count;             /* pages numbered so far */
    uint32_t max;               /* the most it may number */
};

/* Bytes of memory for up to MAX pages (1..RENUMBER_MAX; else panics). */
uint32_t renumber_bytes(uint32_t max);

/* Start R with no pages, for up to MAX, in MEM (renumber_bytes(MAX)
 * bytes, 4-byte aligned). */
void renumber_init(struct renumber *r, uint32_t max, void *mem);

/* The dense number of PAGE: the one it got when first seen, or the next
 * one (R->count before the call) if it is new.  RENUMBER_FULL if it is
 * new and MAX pages are numbered already. */
uint32_t renumber(struct renumber *r, uint32_t page);

#endif
