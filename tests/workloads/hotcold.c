/* tests/workloads/hotcold.c - "hotcold": 80% of the touches go to 20% of the pages.
 *
 * 10,000 touches of random pages, as in "uniform" (same loop, same
 * self-check, 30% writes), but 80% of them go to a hot set made of the
 * first 20% of the pages and 20% to the other 80% (the cold pages),
 * uniformly within each set.
 *
 * This is the workload on which recency pays: a hot page is touched
 * every few references, so LRU, CLOCK and aging keep the hot set
 * resident once nframes is larger than it, and fault mostly on the cold
 * touches.  FIFO and RANDOM evict hot pages as readily as cold ones and
 * keep faulting on them.  With fewer frames than hot pages, every policy
 * is back to faulting on most touches.  OPT, knowing which cold page is
 * never touched again soon, does better still. */
#include "tests/workloads/workload.h"

static int hotcold_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    uint32_t nhot = npages / 5 ? npages / 5 : 1;
    return wl_touch_pages("hotcold", base, npages, seed, nhot, 80);
}

const struct workload wl_hotcold = {
    "hotcold", "10,000 touches: 80% to the first 20% of the pages, 30% writes", hotcold_run,
};
