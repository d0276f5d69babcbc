/* tests/test_ata_speed.c - what a page of swap I/O costs, by transfer mode.
 *
 * ata_speed: writes NTIMED pages to a fresh 16 MiB disk, then reads them
 * back, in each of the driver's ways, and prints the time per page:
 *
 *   PIO + flush      ata_write/ata_read of 8 sectors, a page a call: the
 *                    swap path before the page calls (a cache flush after
 *                    every write)
 *   PIO sector       ata_*_pages with DMA and multiple mode off: a DRQ
 *                    per sector, no flush
 *   PIO multiple     ata_*_pages with DMA off: a DRQ per page
 *   DMA, 1 page      ata_*_pages, a command per page, asleep until IRQ 14
 *   DMA, 16 pages    ata_*_pages, 16 pages a command
 *
 * Two clocks time each run.  PIT ticks (10 ms, counted from a tick edge,
 * so good to one tick in NTIMED pages: 5 us a page) are what the kernel
 * sees; but when the host starves QEMU's CPU thread for more than a tick,
 * the ticks missed in between are lost, not queued, so under load the
 * PIT runs slow.  The microseconds printed come from the TSC, which under
 * TCG is the host's and loses nothing, calibrated against the PIT over
 * 200 ms; they also resolve the runs shorter than a tick.
 *
 * Under QEMU's TCG these are host times and vary with the host's load;
 * the test judges none of them.  It fails only if a transfer fails or the
 * last 16 pages read in a mode do not hold what was written there.  It
 * is solo: it takes its own disk and some seconds. */
#include "tests/harness.h"
#include "tests/test_ata.h"
#include "drivers/ata.h"
#include "kernel/pit.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame_pool.h"
#include "mm/memlayout.h"
#include "mm/physmem.h"

#define NTIMED      2000u       /* pages per timed run */
#define NBUF        16u         /* pages of memory cycled through */
#define BASE_LBA    8u          /* the timed runs use BASE_LBA .. + NTIMED * 8 */

enum how { OLD_PIO, PAGES };

struct mode {
    const char *name;
    enum how how;
    int dma, multiple;          /* ata_set_dma, ata_set_multiple */
    uint32_t batch;             /* pages per call */
};

static const struct mode modes[] = {
    { "PIO + flush  ", OLD_PIO, 0, 0, 1 },
    { "PIO sector   ", PAGES, 0, 0, 1 },
    { "PIO multiple ", PAGES, 0, 1, 1 },
    { "DMA, 1 page  ", PAGES, 1, 1, 1 },
    { "DMA, 16 pages", PAGES, 1, 1, NBUF },
};

static struct ata_page buf[NBUF];       /* kernel-pool frames: va == pa */

/* Wait for the next PIT tick and return its number: timing from a tick
 * edge leaves one tick of error, not two. */
static uint32_t tick_edge(void)
{
    uint32_t t = pit_ticks();
    while (pit_ticks() == t)
        ;
    return t + 1;
}

/* Time-stamp counter cycles per PIT tick, measured over CAL_TICKS ticks.
 * Under TCG without -icount the guest's TSC is the host's, so it runs
 * at a fixed rate in real time, like the PIT, but much finer (and a
 * lost tick during the calibration would make the figures low, not
 * high). */
#define CAL_TICKS 20u
static uint64_t tsc_per_tick(void)
{
    uint32_t t0 = tick_edge();
    uint64_t c0 = rdtsc();
    while (pit_ticks() - t0 < CAL_TICKS)
        ;
    return (rdtsc() - c0) / CAL_TICKS;
}

/* What one timed run took. */
struct took {
    uint32_t ticks;             /* PIT ticks, from a tick edge */
    uint64_t cycles;            /* TSC cycles */
};

/* Move NTIMED pages (WRITE: to the disk) the way M says, cycling through
 * BUF. */
static struct took timed_run(const struct mode *m, int write)
{
    uint32_t t0 = tick_edge();
    uint64_t c0 = rdtsc();
    for (uint32_t i = 0; i < NTIMED; i += m->batch) {
        uint32_t lba = BASE_LBA + i * ATA_PAGE_SECTORS;
        struct ata_page *p = &buf[i % NBUF];
        int rc;
        if (m->how == OLD_PIO)
            rc = write ? ata_write(ATA_SLAVE, lba, ATA_PAGE_SECTORS, p->va)
                       : ata_read(ATA_SLAVE, lba, ATA_PAGE_SECTORS, p->va);
        else
            rc = write ? ata_write_pages(ATA_SLAVE, lba, p, m->batch)
                       : ata_read_pages(ATA_SLAVE, lba, p, m->batch);
        CHECK(rc == 0, "%s %s of page %u returned %d (%s)", m->name,
              write ? "write" : "read", i, rc, errname(rc));
    }
    return (struct took){ pit_ticks() - t0, rdtsc() - c0 };
}

/* Microseconds per page for a run that took T, with CPT TSC cycles per
 * tick. */
static uint32_t us_per_page(struct took t, uint64_t cpt)
{
    return (uint32_t)(t.cycles * (1000000u / PIT_HZ) / cpt / NTIMED);
}

static void test_ata_speed(void)
{
    int rc = ata_init(ATA_SLAVE);
    CHECK(rc == 0, "ata_init returned %d (%s)", rc, errname(rc));
    CHECK(ata_sectors(ATA_SLAVE) >= BASE_LBA + NTIMED * ATA_PAGE_SECTORS, "disk too small");
    uint32_t f = get_frames(&kernel_pool, NBUF);
    CHECK(f, "no %u kernel frames", NBUF);
    for (uint32_t k = 0; k < NBUF; k++)
        buf[k] = (struct ata_page){ (f + k) * PAGE_SIZE, frame_addr(f + k) };

    uint64_t cpt = tsc_per_tick();
    CHECK(cpt > 0, "the TSC does not advance");
    msg("mode           write us/page  read us/page   (%u pages each; PIT ticks of 10 ms)",
        NTIMED);
    for (uint32_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        const struct mode *md = &modes[m];
        uint32_t salt = m + 1;
        ata_set_dma(md->dma);
        ata_set_multiple(ATA_SLAVE, md->multiple);
        CHECK(!md->dma || ata_set_dma(1), "no bus-master DMA for mode '%s'", md->name);
        /* Page I of the run comes from BUF[I % 16]: the pattern of its
         * buffer slot, salted by the mode. */
        for (uint32_t k = 0; k < NBUF; k++)
            ata_fill(buf[k].va, k * ATA_PAGE_SECTORS, ATA_PAGE_SECTORS, salt);
        struct took w = timed_run(md, 1);
        for (uint32_t k = 0; k < NBUF; k++)
            memset(buf[k].va, 0xEE, PAGE_SIZE);
        struct took r = timed_run(md, 0);
        for (uint32_t k = 0; k < NBUF; k++)
            ata_expect(md->name, buf[k].va, k * ATA_PAGE_SECTORS, ATA_PAGE_SECTORS, salt);
        msg("%s  %6u         %6u         (%u and %u ticks)", md->name, us_per_page(w, cpt),
            us_per_page(r, cpt), w.ticks, r.ticks);
    }
    ata_set_dma(1);
    ata_set_multiple(ATA_SLAVE, 1);
    CHECK(release_frames(f) == 0, "release of the buffer frames");
}

TEST("ata_speed", test_ata_speed,
     "ATA: time per page of swap I/O, PIO + flush vs PIO multiple vs DMA + IRQ",
     "disk=16 timeout=300 solo manual");
