/* tests/test_ata_dma.c - whole pages to and from the swap disk:
 * bus-master DMA, its interrupt, its error fallbacks, and the PIO paths
 * of ata_read_pages/ata_write_pages (drivers/ata.c).
 *
 * ata_dma: booted with a fresh 4 MiB disk, on QEMU's PIIX3 IDE, and
 * blkdebug rules (tests/blkdebug/ata_dma.conf) that fail reads of two
 * sectors.  The pages are 16 process-pool frames, every other frame of a
 * run, handed to the driver in descending physical order, so no two are
 * adjacent and the PRD table's order matters.  It checks:
 *   - one page, then 16 pages in ONE command (the DMA counter says 1),
 *     round trip; what DMA wrote reads back right by PIO (ata_read) and
 *     what PIO wrote reads back right by DMA, and a DMA read into the
 *     pages in another order puts each sector in its own page;
 *   - with interrupts on, every DMA command ends through IRQ 14: the
 *     handler's count of interrupts and the count of commands slept
 *     through both move by exactly the number of commands;
 *   - with interrupts off the driver polls: no interrupt, data right;
 *   - an injected read error (once) is reported with its LBA range,
 *     retried by DMA, and the data still arrives; an error injected
 *     twice sends the request to PIO, and the data still arrives (the
 *     sectors are written by PIO first: the cache flush that ends
 *     ata_write arms the errors, so a second run meets them too);
 *   - with DMA forced off, READ/WRITE MULTIPLE and then single-sector
 *     PIO move the pages right, and no DMA command is issued;
 *   - bad requests (no pages, misaligned addresses, past the end) are
 *     -E_INVAL and reach no disk.
 * ata_nodma: the same disk on QEMU's isapc machine, which has no PCI and
 *   so no bus master: ata_init must say so, ata_set_dma(1) must refuse,
 *   and the PIO page round trips and bad requests must behave as above.
 * Expected data comes from the pattern (tests/test_ata.h), counts from
 * this file's arithmetic; a driver that misplaces a page, issues one
 * command per page, busy-waits with interrupts on, loses the injected
 * error or the retry, or lets a bad request through fails here. */
#include "tests/harness.h"
#include "tests/test_ata.h"
#include "drivers/ata.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame_pool.h"
#include "mm/paging.h"
#include "mm/physmem.h"

#define NPAGES          16u
#define SECT            (NPAGES * ATA_PAGE_SECTORS)     /* 128 sectors */
#define DISK_SECTORS    (4u * 1024 * 1024 / ATA_SECTOR_SIZE)
/* Regions of the disk, one per step, so that an error rule fires only
 * where it is meant to. */
#define LBA_ONE         800u
#define LBA_BIG         1600u
#define LBA_PIO_W       2400u
#define LBA_POLL        3200u
#define LBA_ONCE        4000u       /* one failed read: must match ata_dma.conf */
#define BAD_ONCE        4043u
#define LBA_TWICE       4800u       /* two failed reads */
#define BAD_TWICE       4877u
#define LBA_MULT        5600u
#define LBA_SINGLE      6400u
#define NWATCH          10          /* DMA reads whose interrupts are counted */

static uint32_t frames[2 * NPAGES];     /* single frames; the odd ones go back */
static struct ata_page pg[NPAGES];      /* the even ones, highest address first */
static uint32_t buf_frame;              /* SECT sectors of kernel-pool buffer */
static uint8_t *kbuf;

/* Take 32 single frames, give back every other one, map the rest. */
static void get_pages(void)
{
    for (uint32_t i = 0; i < 2 * NPAGES; i++) {
        frames[i] = get_frames(&process_pool, 1);
        CHECK(frames[i], "no process frame %u", i);
    }
    for (uint32_t i = 1; i < 2 * NPAGES; i += 2)
        CHECK(release_frames(frames[i]) == 0, "release of frame 0x%x", frames[i]);
    for (uint32_t k = 0; k < NPAGES; k++) {
        uint32_t f = frames[2 * (NPAGES - 1 - k)];
        pg[k] = (struct ata_page){ f * PAGE_SIZE, kmap(f) };
    }
    for (uint32_t k = 0; k + 1 < NPAGES; k++)
        CHECK(pg[k].pa != pg[k + 1].pa + PAGE_SIZE && pg[k + 1].pa != pg[k].pa + PAGE_SIZE,
              "pages %u and %u are adjacent (0x%x, 0x%x)", k, k + 1, pg[k].pa, pg[k + 1].pa);
    buf_frame = get_frames(&kernel_pool, SECT * ATA_SECTOR_SIZE / PAGE_SIZE);
    CHECK(buf_frame, "no kernel frames for the PIO buffer");
    kbuf = frame_addr(buf_frame);
    msg("16 pages at physical 0x%x down to 0x%x, none adjacent", pg[0].pa, pg[NPAGES - 1].pa);
}

static void put_pages(void)
{
    for (uint32_t k = 0; k < NPAGES; k++)
        kunmap(pg[k].va);
    for (uint32_t i = 0; i < 2 * NPAGES; i += 2)
        CHECK(release_frames(frames[i]) == 0, "release of frame 0x%x", frames[i]);
    CHECK(release_frames(buf_frame) == 0, "release of the PIO buffer");
}

/* Fill pages P[0..N) with the pattern of the sectors from LBA on. */
static void fill_pages(const struct ata_page *p, uint32_t n, uint32_t lba, uint32_t salt)
{
    for (uint32_t k = 0; k < n; k++)
        ata_fill(p[k].va, lba + k * ATA_PAGE_SECTORS, ATA_PAGE_SECTORS, salt);
}

/* Check pages P[0..N) against the pattern of the sectors from LBA on. */
static void expect_pages(const char *what, const struct ata_page *p, uint32_t n, uint32_t lba,
                         uint32_t salt)
{
    for (uint32_t k = 0; k < n; k++)
        ata_expect(what, p[k].va, lba + k * ATA_PAGE_SECTORS, ATA_PAGE_SECTORS, salt);
}

/* Overwrite pages P[0..N) with junk, so that data found there later came
 * from the disk. */
static void clobber(const struct ata_page *p, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        memset(p[k].va, 0xEE, PAGE_SIZE);
}

/* Read N pages at LBA into P, expecting success, and check them. */
static void read_check(const char *what, const struct ata_page *p, uint32_t n, uint32_t lba,
                       uint32_t salt)
{
    clobber(p, n);
    int rc = ata_read_pages(ATA_SLAVE, lba, p, n);
    CHECK(rc == 0, "%s: ata_read_pages(ATA_SLAVE, %u, %u pages) returned %d (%s)", what, lba, n, rc,
          errname(rc));
    expect_pages(what, p, n, lba, salt);
}

/* Write N pattern pages at LBA from P, expecting success. */
static void write_pattern(const char *what, const struct ata_page *p, uint32_t n, uint32_t lba,
                          uint32_t salt)
{
    fill_pages(p, n, lba, salt);
    int rc = ata_write_pages(ATA_SLAVE, lba, p, n);
    CHECK(rc == 0, "%s: ata_write_pages(ATA_SLAVE, %u, %u pages) returned %d (%s)", what, lba,
          n, rc, errname(rc));
}

/* Counter B minus counter A, by field name. */
#define DELTA(a, b, field) ((b).field - (a).field)

/* Check that between A and B the driver issued DMA commands DMA, slept
 * through SLEPT of them (each ended by one IRQ), polled for POLLED, and
 * counted ERRORS failures and RETRIES retries. */
static void expect_counts(const char *what, const struct ata_stats *a, const struct ata_stats *b,
                          uint32_t dma, uint32_t slept, uint32_t polled, uint32_t errors,
                          uint32_t retries)
{
    CHECK(DELTA(*a, *b, dma_cmds) == dma && DELTA(*a, *b, irq_waits) == slept &&
          DELTA(*a, *b, irqs) == slept && DELTA(*a, *b, poll_waits) == polled &&
          DELTA(*a, *b, errors) == errors && DELTA(*a, *b, retries) == retries,
          "%s: %u DMA commands, %u slept, %u IRQs, %u polled, %u errors, %u retries; "
          "expected %u, %u, %u, %u, %u, %u", what, DELTA(*a, *b, dma_cmds),
          DELTA(*a, *b, irq_waits), DELTA(*a, *b, irqs), DELTA(*a, *b, poll_waits),
          DELTA(*a, *b, errors), DELTA(*a, *b, retries), dma, slept, slept, polled, errors,
          retries);
}

static void round_trips(void)
{
    struct ata_stats s0, s1;
    ata_get_stats(&s0);
    write_pattern("one page", pg, 1, LBA_ONE, 1);
    read_check("one page", pg, 1, LBA_ONE, 1);
    ata_get_stats(&s1);
    expect_counts("one page", &s0, &s1, 2, 2, 0, 0, 0);
    memset(kbuf, 0xEE, ATA_PAGE_SECTORS * ATA_SECTOR_SIZE);
    CHECK(ata_read(ATA_SLAVE, LBA_ONE, ATA_PAGE_SECTORS, kbuf) == 0,
          "PIO read of the DMA-written page");
    ata_expect("one page, read by PIO", kbuf, LBA_ONE, ATA_PAGE_SECTORS, 1);
    msg("one page: DMA write, DMA read, PIO read agree; 2 commands, 2 IRQs");

    ata_get_stats(&s0);
    write_pattern("16 pages", pg, NPAGES, LBA_BIG, 2);
    ata_get_stats(&s1);
    expect_counts("16-page write", &s0, &s1, 1, 1, 0, 0, 0);
    memset(kbuf, 0xEE, SECT * ATA_SECTOR_SIZE);
    CHECK(ata_read(ATA_SLAVE, LBA_BIG, SECT, kbuf) == 0, "PIO read of the 16 DMA-written pages");
    ata_expect("16 pages, read by PIO", kbuf, LBA_BIG, SECT, 2);
    read_check("16 pages", pg, NPAGES, LBA_BIG, 2);

    /* The same sectors into the pages in another order: page K of the
     * array must receive sectors LBA_BIG + 8K whichever frame it is. */
    struct ata_page rot[NPAGES];
    for (uint32_t k = 0; k < NPAGES; k++)
        rot[k] = pg[(k + 5) % NPAGES];
    read_check("16 pages, rotated", rot, NPAGES, LBA_BIG, 2);

    ata_fill(kbuf, LBA_PIO_W, SECT, 3);
    CHECK(ata_write(ATA_SLAVE, LBA_PIO_W, SECT, kbuf) == 0, "PIO write of 128 sectors");
    ata_get_stats(&s0);
    read_check("16 pages written by PIO", pg, NPAGES, LBA_PIO_W, 3);
    ata_get_stats(&s1);
    expect_counts("16-page read", &s0, &s1, 1, 1, 0, 0, 0);
    msg("16 scattered pages in one DMA command each way; PIO agrees; order kept");
}

static void irq_and_polling(void)
{
    struct ata_stats s0, s1;
    ata_get_stats(&s0);
    for (int i = 0; i < NWATCH; i++)
        read_check("one page again", pg, 1, LBA_ONE, 1);
    ata_get_stats(&s1);
    expect_counts("interrupts on", &s0, &s1, NWATCH, NWATCH, 0, 0, 0);
    msg("interrupts on: %d DMA commands, each ended by its own IRQ 14, none polled", NWATCH);

    ata_get_stats(&s0);
    cli();
    write_pattern("interrupts off", pg, 4, LBA_POLL, 4);
    read_check("interrupts off", pg, 4, LBA_POLL, 4);
    sti();
    ata_get_stats(&s1);
    expect_counts("interrupts off", &s0, &s1, 2, 0, 2, 0, 0);
    msg("with interrupts off: 2 DMA commands polled, no IRQ; data right");
}

/* Write the pattern of SECT sectors at LBA with SALT by PIO: ata_write
 * ends with a cache flush, which arms the injected errors again
 * (tests/blkdebug/ata_dma.conf), so every run of the test meets them. */
static void write_and_arm(const char *what, uint32_t lba, uint32_t salt)
{
    ata_fill(kbuf, lba, SECT, salt);
    int rc = ata_write(ATA_SLAVE, lba, SECT, kbuf);
    CHECK(rc == 0, "%s: ata_write(%u, %u) returned %d (%s)", what, lba, SECT, rc, errname(rc));
}

static void injected_errors(void)
{
    struct ata_stats s0, s1;
    write_and_arm("before the read error", LBA_ONCE, 5);
    ata_get_stats(&s0);
    read_check("read with one injected error", pg, NPAGES, LBA_ONCE, 5);
    ata_get_stats(&s1);
    expect_counts("one injected error", &s0, &s1, 2, 2, 0, 1, 1);
    CHECK(s1.fail_lba == LBA_ONCE, "the failure named LBA %u, expected %u", s1.fail_lba,
          LBA_ONCE);
    msg("EIO on LBA %u: reported, retried by DMA, data intact", BAD_ONCE);

    write_and_arm("before the double error", LBA_TWICE, 6);
    ata_get_stats(&s0);
    read_check("read with two injected errors", pg, NPAGES, LBA_TWICE, 6);
    ata_get_stats(&s1);
    expect_counts("two injected errors", &s0, &s1, 2, 2, 0, 2, 2);
    CHECK(DELTA(s0, s1, sectors_read) == SECT, "%u sectors counted read, expected %u (PIO)",
          DELTA(s0, s1, sectors_read), SECT);
    msg("EIO twice on LBA %u: DMA, DMA, then PIO; data intact", BAD_TWICE);
}

/* Page round trips by PIO: READ/WRITE MULTIPLE, then a sector at a
 * time; no DMA command, no interrupt.  DMA must be off. */
static void pio_round_trips(void)
{
    struct ata_stats s0, s1;
    CHECK(ata_set_multiple(ATA_SLAVE, 1) == 1,
          "QEMU's disk does READ/WRITE MULTIPLE, the driver says not");
    ata_get_stats(&s0);
    write_pattern("PIO multiple", pg, NPAGES, LBA_MULT, 7);
    read_check("PIO multiple", pg, NPAGES, LBA_MULT, 7);
    CHECK(ata_set_multiple(ATA_SLAVE, 0) == 0, "multiple mode could not be turned off");
    write_pattern("PIO single", pg, NPAGES, LBA_SINGLE, 8);
    read_check("PIO single", pg, NPAGES, LBA_SINGLE, 8);
    ata_set_multiple(ATA_SLAVE, 1);
    ata_get_stats(&s1);
    expect_counts("PIO pages", &s0, &s1, 0, 0, 0, 0, 0);
    CHECK(DELTA(s0, s1, sectors_written) == 2 * SECT && DELTA(s0, s1, sectors_read) == 2 * SECT,
          "PIO moved %u/%u sectors, expected %u each way", DELTA(s0, s1, sectors_written),
          DELTA(s0, s1, sectors_read), 2 * SECT);
    memset(kbuf, 0xEE, SECT * ATA_SECTOR_SIZE);
    CHECK(ata_read(ATA_SLAVE, LBA_MULT, SECT, kbuf) == 0, "ata_read of the PIO-multiple pages");
    ata_expect("PIO-multiple pages, read by ata_read", kbuf, LBA_MULT, SECT, 7);
    msg("PIO pages: READ/WRITE MULTIPLE and sector-at-a-time round trips; ata_read agrees");
}

static void forced_pio(void)
{
    CHECK(ata_set_dma(0) == 0, "DMA could not be turned off");
    pio_round_trips();
    CHECK(ata_set_dma(1) == 1, "DMA could not be turned back on");
    read_check("PIO-multiple pages, read by DMA", pg, NPAGES, LBA_MULT, 7);
    read_check("single-sector PIO pages, read by DMA", pg, NPAGES, LBA_SINGLE, 8);
    msg("with DMA back on, DMA reads what PIO wrote");
}

static void bad_requests(void)
{
    struct ata_stats st;
    struct ata_page odd[2] = { pg[0], pg[1] };
    write_pattern("before the bad requests", pg, 2, LBA_ONE, 9);
    ata_get_stats(&st);
    ata_expect_inval("0 pages", ata_write_pages(ATA_SLAVE, LBA_ONE, pg, 0), &st);
    ata_expect_inval("no page array", ata_read_pages(ATA_SLAVE, LBA_ONE, 0, 1), &st);
    odd[1].pa += 512;
    ata_expect_inval("a physical address inside a page",
                     ata_write_pages(ATA_SLAVE, LBA_ONE, odd, 2), &st);
    odd[1] = pg[1];
    odd[1].va = (uint8_t *)odd[1].va + 4;
    ata_expect_inval("a virtual address inside a page",
                     ata_read_pages(ATA_SLAVE, LBA_ONE, odd, 2), &st);
    ata_expect_inval("the last page and one past it",
                     ata_write_pages(ATA_SLAVE, DISK_SECTORS - ATA_PAGE_SECTORS, pg, 2), &st);
    ata_expect_inval("a page count that overflows",
                     ata_read_pages(ATA_SLAVE, 8, pg, 0x20000001u), &st);
    read_check("after the bad requests", pg, 2, LBA_ONE, 9);
}

static void test_ata_dma(void)
{
    int rc = ata_init(ATA_SLAVE);
    CHECK(rc == 0, "ata_init returned %d (%s)", rc, errname(rc));
    CHECK(ata_set_dma(1) == 1, "no bus-master DMA on QEMU's PIIX3 IDE");
    CHECK(read_eflags() & EFLAGS_IF, "tests should run with interrupts on");
    get_pages();
    round_trips();
    irq_and_polling();
    injected_errors();
    forced_pio();
    bad_requests();
    put_pages();
}

TEST("ata_dma", test_ata_dma,
     "DMA pages: one command for 16 scattered pages, IRQ, polling, error retries, PIO",
     "disk=4 blkdebug=tests/blkdebug/ata_dma.conf solo "
     "log=DMA.read.error.at.LBA.4000-4127.*bus.master log=retrying.by.DMA "
     "log=retrying.by.PIO");

/* The same disk on QEMU's isapc machine: no PCI, so no bus master.
 * ata_init must say so and the page calls must work by PIO. */
static void test_ata_nodma(void)
{
    int rc = ata_init(ATA_SLAVE);
    CHECK(rc == 0, "ata_init returned %d (%s)", rc, errname(rc));
    CHECK(ata_set_dma(1) == 0, "the driver claims DMA on a machine without PCI");
    get_pages();
    pio_round_trips();
    bad_requests();
    put_pages();
}

TEST("ata_nodma", test_ata_nodma,
     "no PCI bus master (isapc): page calls by PIO multiple and single-sector PIO",
     "disk=4 solo qemu=-machine,isapc,-cpu,pentium3 log=ata:.no.PCI.IDE.controller");
