/* tests/workloads/gamma.c - "gamma": a dot product of two arrays, ten times.
 *
 * The region holds two uint32 arrays: a in its first half, b in its
 * second.  One pass writes a[i] = i + 1 and b[i] = 2i + 1 alternately,
 * then ten passes compute sum of a[i] * b[i].  Every access switches
 * between a page of a and the matching page of b, so the reference
 * string is p, n/2 + p, p, n/2 + p, ... for p = 0 .. n/2 - 1 (1024
 * alternations per pair of pages), and each pass is a scan over both
 * arrays in step.
 *
 * Two frames are enough to make every alternation within a pass hit;
 * across passes the behaviour is "scan" over pairs of pages: LRU, FIFO
 * and CLOCK fault on every page of every pass until the whole region
 * fits, while OPT and RANDOM keep some pages from one pass to the next.
 * A policy that handled a two-page working set badly (evicting the page
 * of a to bring in the page of b) would fault twice per element, 2048
 * times per pair of pages: this is the workload that shows it.
 *
 * The check: each pass's sum (mod 2^32, the machine's arithmetic) must
 * equal the same sum computed in plain C from the formulas for a[i] and
 * b[i], without touching the region. */
#include "tests/workloads/workload.h"
#include "lib/printf.h"
#include "mm/mmu.h"

static int gamma_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    (void)seed;                 /* nothing random here */
    uint32_t half = npages * PAGE_SIZE / 4 / 2;     /* elements in each array */
    uint32_t a = base, b = base + half * 4;
    uint32_t want = 0;
    for (uint32_t i = 0; i < half; i++)
        want += (i + 1) * (2 * i + 1);
    for (uint32_t i = 0; i < half; i++) {
        wl_wr32(a + 4 * i, i + 1);
        wl_wr32(b + 4 * i, 2 * i + 1);
    }
    for (int pass = 1; pass <= 10; pass++) {
        uint32_t sum = 0;
        for (uint32_t i = 0; i < half; i++) {
            uint32_t x = wl_rd32(a + 4 * i);    /* a first, then b: a fixed order */
            sum += x * wl_rd32(b + 4 * i);
        }
        if (sum != want) {
            kprintf("gamma: pass %d: sum of a[i]*b[i] is 0x%x, expected 0x%x\n", pass, sum,
                    want);
            return -1;
        }
    }
    return 0;
}

const struct workload wl_gamma = {
    "gamma", "a[i] = i+1, b[i] = 2i+1 in two halves, then 10 passes of sum a[i]*b[i]",
    gamma_run,
};
