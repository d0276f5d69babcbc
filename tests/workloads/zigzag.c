/* tests/workloads/zigzag.c - "zigzag": sweeps forward and back.
 *
 * One write pass stores data[i] = i % 251 in every byte, then ten times
 * a read pass from the first byte to the last and one from the last
 * back to the first, each checking every byte.  The reference string is
 * 0 .. n-1, then n-1 .. 0, 0 .. n-1, and so on.
 *
 * The turns are what makes it interesting: at the end of a pass the
 * pages just used are the ones the next pass needs first, so a policy
 * that keeps the most recently loaded pages hits on all of them at every
 * turn.  LRU does, and here comes within a few percent of OPT, unlike on
 * "scan" (at 100 pages and 25 frames: LRU 1625 faults, OPT 1600; scan's
 * LRU takes 1100 for half as many passes).  FIFO keeps the same set of
 * pages at a turn and faults exactly as often as LRU, and so does CLOCK,
 * whose reference bits are all set after a sweep.  RANDOM loses the
 * pages at the turn by chance.  Pages are dirtied only by the first pass.
 *
 * The modulus 251 (prime, not 256) makes every page's contents differ,
 * so a page brought back into the wrong place is caught. */
#include "tests/workloads/workload.h"
#include "lib/printf.h"
#include "mm/mmu.h"

/* Check byte I of the region at BASE in PASS. */
static int check_byte(uint32_t base, uint32_t i, const char *pass, int round)
{
    uint8_t v = wl_rd8(base + i);
    if (v != i % 251) {
        kprintf("zigzag: %s pass %d: byte %u (page %u) is %u, expected %u\n", pass, round, i,
                i / PAGE_SIZE, v, i % 251);
        return -1;
    }
    return 0;
}

static int zigzag_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    (void)seed;                 /* nothing random here */
    uint32_t n = npages * PAGE_SIZE;
    for (uint32_t i = 0; i < n; i++)
        wl_wr8(base + i, (uint8_t)(i % 251));
    for (int round = 1; round <= 10; round++) {
        for (uint32_t i = 0; i < n; i++)
            if (check_byte(base, i, "forward", round) < 0)
                return -1;
        for (uint32_t i = n; i-- > 0;)
            if (check_byte(base, i, "backward", round) < 0)
                return -1;
    }
    return 0;
}

const struct workload wl_zigzag = {
    "zigzag", "write every byte, then 10 forward and backward read passes", zigzag_run,
};
