/* mm/replace/ghost.h - find a non-resident page's entry by its page number.
 *
 * CLOCK-Pro (clock_pro.c) and CAR (car.c) remember pages they have
 * evicted, as "ghost" entries of their tables: a fault on a page that
 * still has a ghost tells them its reuse distance was short.  So every
 * fault asks "has VPN a ghost?", and with up to nframes ghosts a scan
 * would make every fault cost O(nframes).  This is a hash table over
 * the ghosts instead: buckets hold the first entry of a chain, and the
 * chains run through the policy's own entry numbers, so it needs one
 * 16-bit link per entry and one head per bucket, and no allocation.
 * There are at least twice as many buckets as the policy keeps ghosts
 * (a power of two), so a chain is half an entry long on average: lookups, insertions and
 * removals take constant expected time.
 *
 * The hash is Knuth's multiplicative one (the top bits of vpn times
 * 2^32 / golden ratio), which spreads runs of consecutive page numbers,
 * the common case, evenly over the buckets. */
#ifndef MM_REPLACE_GHOST_H
#define MM_REPLACE_GHOST_H

#include <stdint.h>
#include "mm/replace/carve.h"

#define GHOST_NIL 0xFFFFu

struct ghosts {
    uint16_t *bucket;           /* first entry of each chain, GHOST_NIL if none */
    uint16_t *chain;            /* the next entry in the same chain */
    const uint32_t *vpn;        /* each entry's page: the policy's array */
    uint32_t shift;             /* 32 - log2(buckets) */
};

/* Point G's arrays into C for a table of NENTRIES entries of which
 * usually at most MAXGHOSTS are ghosts at once (see carve.h); more work,
 * with longer chains. */
void ghosts_carve(struct ghosts *g, uint32_t nentries, uint32_t maxghosts, struct carve *c);

/* Start with no ghosts; VPN is the policy's array of each entry's page. */
void ghosts_init(struct ghosts *g, const uint32_t *vpn);

/* Entry E (its page is vpn[E]) becomes a ghost / stops being one. */
void ghosts_add(struct ghosts *g, uint32_t e);
void ghosts_remove(struct ghosts *g, uint32_t e);

/* The ghost entry of page VPN, or GHOST_NIL. */
uint32_t ghosts_find(const struct ghosts *g, uint32_t vpn);

#endif
