/* tests/workloads/uniform.c - "uniform": random pages, no locality at all.
 *
 * 10,000 touches, each of a page chosen uniformly at random, at a random
 * byte of it; 30% of them are writes.  With nframes of n pages resident,
 * any policy that does not know the future hits with probability about
 * nframes / n whatever it does: LRU, FIFO, CLOCK and RANDOM all fault on
 * about 1 - nframes/n of the touches.  OPT still does better, because it
 * can see which of the resident pages will be needed soonest.  This is
 * the control experiment: a policy that beats the others here is
 * measuring noise.  Dirty pages are spread evenly, so about 30% of
 * evictions cost a swap write once every page has been written.
 *
 * The touch loop is shared with "hotcold" (wl_touch_pages below), which
 * is the same with skewed page choice.  It starts with one pass that
 * writes each page's marker word (offset 0) with a value derived from
 * the page, so the run does not depend on what the region held before.
 * Each write stores a value derived from (page, touch number) in the
 * page's marker word and a byte at a random place elsewhere in the page;
 * each read checks, against shadow arrays kept outside the region, the
 * marker word and the byte the page's last write stored, then reads a
 * random byte of the page.  A page that the pager loses, swaps back
 * stale, or brings in at the wrong place fails the marker check; one
 * that comes back only partly right (say, only its first sector
 * written to swap) usually fails the byte check. */
#include "tests/workloads/workload.h"
#include "tests/util.h"
#include "lib/printf.h"
#include "mm/mmu.h"

#define TOUCHES 10000
#define WRITE_PERCENT 30

static uint32_t marker[WL_MAX_PAGES];      /* what each page's word 0 must hold */
static uint16_t last_off[WL_MAX_PAGES];     /* offset of the page's last byte write, 0 if none */
static uint8_t last_val[WL_MAX_PAGES];      /* the byte written there */

/* The marker a write at touch T leaves on page P: distinct for every
 * (page, touch), and never equal to an initial marker (0xFFFF in the top
 * half), since T + 1 <= TOUCHES < 0xFFFF.  P < WL_MAX_PAGES <= 65536. */
static uint32_t mark(uint32_t p, uint32_t t)
{
    return (t + 1) << 16 | p;
}

int wl_touch_pages(const char *name, uint32_t base, uint32_t npages, uint32_t seed,
                   uint32_t nhot, uint32_t hot_percent)
{
    if (npages > WL_MAX_PAGES) {
        kprintf("%s: %u pages is more than the %u this workload can shadow\n", name, npages,
                WL_MAX_PAGES);
        return -1;
    }
    if (nhot == 0 || nhot >= npages)
        hot_percent = 100;      /* no cold pages: every touch is "hot" */
    if (nhot == 0)
        nhot = npages;
    for (uint32_t p = 0; p < npages; p++) {
        marker[p] = 0xFFFF0000u | p;
        last_off[p] = 0;
        wl_wr32(base + p * PAGE_SIZE, marker[p]);
    }
    for (uint32_t t = 0; t < TOUCHES; t++) {
        uint32_t p;
        if (rand_next(&seed) % 100 < hot_percent)
            p = rand_next(&seed) % nhot;
        else
            p = nhot + rand_next(&seed) % (npages - nhot);
        uint32_t page = base + p * PAGE_SIZE;
        uint32_t off = 4 + rand_next(&seed) % (PAGE_SIZE - 4);     /* past the marker */
        if (rand_next(&seed) % 100 < WRITE_PERCENT) {
            last_off[p] = (uint16_t)off;
            last_val[p] = (uint8_t)(t * 7 + p + 1);
            wl_wr8(page + off, last_val[p]);
            marker[p] = mark(p, t);
            wl_wr32(page, marker[p]);
        } else {
            uint32_t m = wl_rd32(page);
            if (m != marker[p]) {
                kprintf("%s: touch %u: page %u's marker is 0x%x, expected 0x%x\n", name, t, p,
                        m, marker[p]);
                return -1;
            }
            if (last_off[p]) {
                uint8_t v = wl_rd8(page + last_off[p]);
                if (v != last_val[p]) {
                    kprintf("%s: touch %u: page %u's byte %u is %u, expected %u\n", name, t,
                            p, last_off[p], v, last_val[p]);
                    return -1;
                }
            }
            (void)wl_rd8(page + off);
        }
    }
    return 0;
}

static int uniform_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    return wl_touch_pages("uniform", base, npages, seed, npages, 100);
}

const struct workload wl_uniform = {
    "uniform", "10,000 touches of uniformly random pages, 30% writes", uniform_run,
};
