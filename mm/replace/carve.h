/* mm/replace/carve.h - laying arrays out in memory someone else provides.
 *
 * The policies (mm/replace/) and the pager (mm/pager.c) keep per-slot
 * arrays whose length is the pager's frame count, which is known only at
 * pager_attach().  They allocate nothing themselves: each says how its
 * arrays are laid out, once to measure (how many bytes to kmalloc) and
 * once to point them into the memory it was given.  One function doing
 * both means the size and the layout cannot disagree. */
#ifndef MM_REPLACE_CARVE_H
#define MM_REPLACE_CARVE_H

#include <stdint.h>

/* Memory handed out in pieces.  Arrays are carved one after another
 * from BASE, each rounded up to 4 bytes so that every array is 4-byte
 * aligned.  With BASE 0 nothing is handed out (the pointers are 0) and
 * only USED counts: that is how the size of a layout is measured before
 * the memory exists, by the same code that later lays it out. */
struct carve {
    uintptr_t base;             /* start of the memory, or 0 to measure */
    uint32_t used;              /* bytes carved so far */
};

/* COUNT elements of SIZE bytes from C (0 when only measuring). */
static inline void *carve(struct carve *c, uint32_t count, uint32_t size)
{
    void *at = c->base ? (void *)(c->base + c->used) : 0;
    c->used += (count * size + 3) & ~3u;
    return at;
}

#endif
