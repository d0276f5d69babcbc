/* tests/workloads/sort.c - "sort": quicksort the region's bytes in place.
 *
 * The region is filled with pseudo-random bytes, sorted in place by the
 * quicksort below, and read once to check the order.  Quicksort
 * partitions with two cursors, one moving up from the low end and one
 * down from the high end, so at any moment it works on two pages
 * (plus the three it samples for the pivot); each partition level
 * sweeps its range once, and the ranges shrink until a subarray fits in
 * one page and all its references hit.  The reference string is long
 * (about 1.6 million folded entries at 100 pages) but its working set
 * is small and moves slowly, so every sensible policy faults only about
 * once per page per partition level.  LRU and its approximations (CLOCK,
 * aging) stay near OPT, since the page used least recently is one a
 * cursor has left; FIFO and RANDOM sometimes evict the page a cursor is
 * standing on (at 100 pages, 3 frames and seed 1: OPT 979, LRU 1079,
 * FIFO 1206 faults).
 *
 * The algorithm is fixed (median of three, Hoare partition, loop on the
 * larger side and recurse on the smaller, so the stack stays O(log n),
 * insertion sort below 16 elements), so the reference string depends
 * only on NPAGES and SEED.  The check is independent of the sort: the
 * result must be non-decreasing and have the same histogram of byte
 * values as the input, counted before sorting in an array outside the
 * region. */
#include "tests/workloads/workload.h"
#include "tests/util.h"
#include "lib/printf.h"
#include "mm/mmu.h"

#define SMALL 16                /* subarrays shorter than this get insertion sort */

static uint32_t before[256], after[256];    /* byte histograms, outside the region */

/* Swap the bytes at A < B if they are out of order.  The two loads are
 * separate statements so that the reference order (A, then B) is fixed,
 * not left to the compiler as it would be inside one expression. */
static void order(uint32_t a, uint32_t b)
{
    uint8_t x = wl_rd8(a);
    uint8_t y = wl_rd8(b);
    if (y < x) {
        wl_wr8(a, y);
        wl_wr8(b, x);
    }
}

/* Insertion sort of the bytes at [LO, HI] (addresses, inclusive). */
static void insertion_sort(uint32_t lo, uint32_t hi)
{
    for (uint32_t i = lo + 1; i <= hi; i++) {
        uint8_t v = wl_rd8(i);
        uint32_t j = i;
        for (; j > lo; j--) {
            uint8_t u = wl_rd8(j - 1);
            if (u <= v)
                break;
            wl_wr8(j, u);
        }
        wl_wr8(j, v);
    }
}

/* Sort the bytes at [LO, HI] (addresses, inclusive).  After ordering
 * a[lo] <= a[mid] <= a[hi] and taking a[mid] as the pivot, a[lo] and
 * a[hi] act as sentinels, so the Hoare scans need no bounds checks and
 * stop at LO and HI at the latest.  The partition leaves [lo, j] <= pivot
 * <= [j+1, hi], both parts non-empty. */
static void quicksort(uint32_t lo, uint32_t hi)
{
    while (hi - lo + 1 >= SMALL) {
        uint32_t mid = lo + (hi - lo) / 2;
        order(lo, mid);
        order(lo, hi);
        order(mid, hi);
        uint8_t pivot = wl_rd8(mid);
        uint32_t i = lo, j = hi;
        for (;;) {
            /* The swap reuses the values the scans stopped on, as compiled
             * code keeps them in registers, and writes the j side first,
             * where the last read was: one exchange costs one switch of
             * page each way, not four. */
            uint8_t vi, vj;
            do vi = wl_rd8(++i); while (vi < pivot);
            do vj = wl_rd8(--j); while (vj > pivot);
            if (i >= j)
                break;
            wl_wr8(j, vi);
            wl_wr8(i, vj);
        }
        if (j - lo < hi - j) {
            quicksort(lo, j);
            lo = j + 1;
        } else {
            quicksort(j + 1, hi);
            hi = j;
        }
    }
    if (lo < hi)
        insertion_sort(lo, hi);
}

static int sort_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    uint32_t n = npages * PAGE_SIZE;
    for (int v = 0; v < 256; v++)
        before[v] = after[v] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t v = (uint8_t)(rand_next(&seed) >> 24);
        before[v]++;
        wl_wr8(base + i, v);
    }
    quicksort(base, base + n - 1);
    uint8_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t v = wl_rd8(base + i);
        if (v < prev) {
            kprintf("sort: byte %u (page %u) is %u, after %u: not sorted\n", i, i / PAGE_SIZE,
                    v, prev);
            return -1;
        }
        after[v]++;
        prev = v;
    }
    for (int v = 0; v < 256; v++)
        if (after[v] != before[v]) {
            kprintf("sort: %u bytes of value %d after sorting, %u before\n", after[v], v,
                    before[v]);
            return -1;
        }
    return 0;
}

const struct workload wl_sort = {
    "sort", "quicksort the region's random bytes in place, check order and histogram", sort_run,
};
