/* tests/workloads/scan.c - "scan": sequential passes over the whole region.
 *
 * One write pass stores data[i] = i % 256 in every byte, then ten read
 * passes walk the region from the first page to the last, checking every
 * byte.  The reference string is 0, 1, ..., n-1 repeated eleven times.
 *
 * This is LRU's worst case: with fewer frames than pages, the page LRU
 * evicts is always the one the scan needs next, so every reference
 * faults, 11n faults in all, whatever the number of frames (FIFO and
 * CLOCK do exactly the same here).  OPT keeps most of its frames across
 * passes and faults only about n - nframes times per pass (at n = 100:
 * 850 faults with 25 frames, 600 with 50, against LRU's 1100); RANDOM,
 * keeping some old pages by chance, also beats LRU.  Only the first pass
 * dirties pages, so later evictions need no swap write. */
#include "tests/workloads/workload.h"
#include "lib/printf.h"
#include "mm/mmu.h"

int wl_scan_corrupt_at = -1;

/* One read pass: returns 0 if every byte holds its index mod 256. */
static int check_pass(uint32_t base, uint32_t n, int pass)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t v = wl_rd8(base + i);
        if (v != (uint8_t)i) {
            kprintf("scan: pass %d: byte %u (page %u) is %u, expected %u\n", pass, i,
                    i / PAGE_SIZE, v, (uint8_t)i);
            return -1;
        }
    }
    return 0;
}

static int scan_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    (void)seed;                 /* nothing random here */
    uint32_t n = npages * PAGE_SIZE;
    for (uint32_t i = 0; i < n; i++)
        wl_wr8(base + i, (uint8_t)i);
    /* The test hook: damage one byte as a paging bug would, to prove the
     * read passes notice. */
    if (wl_scan_corrupt_at >= 0 && (uint32_t)wl_scan_corrupt_at < n) {
        uint32_t a = base + (uint32_t)wl_scan_corrupt_at;
        wl_wr8(a, wl_rd8(a) ^ 0x10);
    }
    for (int pass = 1; pass <= 10; pass++)
        if (check_pass(base, n, pass) < 0)
            return -1;
    return 0;
}

const struct workload wl_scan = {
    "scan", "write every byte, then 10 sequential read passes (LRU's worst case)", scan_run,
};
