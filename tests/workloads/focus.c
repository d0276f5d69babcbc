/* tests/workloads/focus.c - "focus": bursts of writes in small windows.
 *
 * After a pass that zeroes the region, 100 bursts each make 100 random
 * writes inside a 25-byte window at a random place, then one read pass
 * checks the region.  A window lies in one page (or straddles two), so
 * each burst is a run of references to one or two pages, and the bursts
 * jump around the region at random.
 *
 * Inside a burst every policy hits; what matters is the jump to the next
 * burst, which is rarely to a page used recently: between the two sweeps
 * the reference string looks like random pages, where recency tells a
 * policy nothing and LRU, FIFO and CLOCK fault on about the fraction of
 * pages they do not hold; only OPT, which foresees the jumps, does
 * clearly better.  The sweeps themselves behave like "scan".
 * The whole run is short: about 300 references at 100 pages.
 * Every page of the zero pass and every burst page is dirty, so this
 * workload shows the cost of writing evicted pages back.
 *
 * The check: a weighted checksum over all bytes, sum of byte(i) * w(i)
 * with odd weights w(i), so that one wrong byte always changes it (an
 * odd weight times a difference of -255..255 is never 0 mod 2^32) and
 * bytes that trade places usually do.  The expected value comes from a
 * sparse shadow of the bursts, a small hash table from offset to the
 * last value written there, kept outside the region; every other byte
 * must still be 0. */
#include "tests/workloads/workload.h"
#include "tests/util.h"
#include "lib/printf.h"
#include "mm/mmu.h"

#define BURSTS 100
#define WRITES 100              /* per burst */
#define WINDOW 25               /* bytes */
#define SHADOW 4096             /* hash slots: a power of 2 above BURSTS * WINDOW */

/* The shadow: key[h] is offset + 1 (0 = empty slot), val[h] the byte. */
static uint32_t key[SHADOW];
static uint8_t val[SHADOW];

/* The weight of byte offset I in the checksum: odd, and scattered so that
 * neighbouring bytes weigh differently. */
static uint32_t weight(uint32_t i)
{
    return i * 2654435761u | 1;
}

/* Record that offset OFF now holds V: linear probing, never full since
 * at most BURSTS * WINDOW distinct offsets are written. */
static void shadow_set(uint32_t off, uint8_t v)
{
    uint32_t h = (off * 2654435761u) >> 20;     /* top 12 bits: 0 .. SHADOW-1 */
    while (key[h] != 0 && key[h] != off + 1)
        h = (h + 1) & (SHADOW - 1);
    key[h] = off + 1;
    val[h] = v;
}

static int focus_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    uint32_t n = npages * PAGE_SIZE;
    for (int h = 0; h < SHADOW; h++)
        key[h] = 0;
    for (uint32_t i = 0; i < n; i++)
        wl_wr8(base + i, 0);
    for (uint32_t b = 0; b < BURSTS; b++) {
        uint32_t start = rand_next(&seed) % (n - WINDOW + 1);
        for (uint32_t k = 0; k < WRITES; k++) {
            uint32_t off = start + rand_next(&seed) % WINDOW;
            uint8_t v = (uint8_t)(b * 37 + k * 11 + 1);
            wl_wr8(base + off, v);
            shadow_set(off, v);
        }
    }
    uint32_t want = 0, got = 0;
    for (int h = 0; h < SHADOW; h++)
        if (key[h])
            want += val[h] * weight(key[h] - 1);
    for (uint32_t i = 0; i < n; i++)
        got += wl_rd8(base + i) * weight(i);
    if (got != want) {
        kprintf("focus: checksum of the region is 0x%x, the bursts' shadow says 0x%x\n", got,
                want);
        return -1;
    }
    return 0;
}

const struct workload wl_focus = {
    "focus", "zero the region, 100 bursts of 100 writes in random 25-byte windows, checksum",
    focus_run,
};
