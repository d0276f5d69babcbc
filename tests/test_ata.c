/* tests/test_ata.c - the swap disk driver (drivers/ata.c) and CRC-32.
 *
 * ata: booted with a fresh zeroed 4 MiB disk as the IDE primary slave.
 *   IDENTIFY must report exactly 4 MiB / 512 sectors.  Sectors written
 *   with a pattern that encodes their own LBA must read back identical,
 *   at the right place (their neighbours stay zero), for a 9-sector
 *   transfer, for a 300-sector one that needs two commands (256 + 44),
 *   and at LBA 0 and the last sector.  Bad requests (count 0, past the
 *   end, wrapping around, drive 2: there are only ATA_MASTER and
 *   ATA_SLAVE) must return -E_INVAL without touching the disk:
 *   the sector counters do not move and the data reads back unchanged.
 *   Every expected value comes from the pattern function, never from the
 *   driver.  Also crc32("123456789") == 0xCBF43926 and the CRC of a page
 *   equals a bitwise CRC computed here.
 * ata_nodisk: booted without a disk: ata_init must say so and return
 *   -E_IO within a second, and reads and writes must return -E_IO.
 * ata_read_error: QEMU's blkdebug fails the first read after a cache
 *   flush if it covers sector EIO_SECTOR (tests/blkdebug/ata_read_eio.conf).
 *   The test writes the sectors around it (ata_write ends with a flush),
 *   then reads EIO_SECTOR: that read must return -E_IO with a message
 *   naming the LBA, the retry must succeed with the right data, and its
 *   neighbours must read fine.  The flush re-arms the error, so a second
 *   run in the same boot meets it again.
 * ata_midwrite_error: blkdebug fails every write of sector BAD_WRITE
 *   (tests/blkdebug/ata_write_mid.conf), the fourth of 8 at MID_LBA.
 *   Writes that cover it must fail with a message naming the failing
 *   sector (or DRQ block) and the exact number of sectors of the request
 *   written before it, and that number must be what reading the disk
 *   back shows: for ata_write (a sector per DRQ), for the PIO page path
 *   a sector at a time and a page at a time (WRITE MULTIPLE), and for a
 *   DMA write (which fails whole, twice, then falls back to PIO).
 * Any of them fails if the driver hangs (the runner's timeout), loses or
 * misplaces a sector, or accepts a bad request. */
#include "tests/harness.h"
#include "tests/test_ata.h"
#include "drivers/ata.h"
#include "kernel/pit.h"
#include "lib/crc32.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/memlayout.h"

#define DISK_SECTORS    (4u * 1024 * 1024 / ATA_SECTOR_SIZE)
#define BIG             300u        /* sectors: more than one command's 256 */
#define BUF_FRAMES      ((BIG * ATA_SECTOR_SIZE + PAGE_SIZE - 1) / PAGE_SIZE)
#define EIO_SECTOR      2000u       /* must match tests/blkdebug/ata_read_eio.conf */
#define BAD_WRITE       3003u       /* must match tests/blkdebug/ata_write_mid.conf */
#define MID_LBA         3000u       /* 8 sectors, the fourth of them BAD_WRITE */

static uint32_t buf_frame;          /* first of 2 * BUF_FRAMES kernel frames */
static uint8_t *wbuf, *rbuf;        /* what we write, what we read back */

/* Word I of sector LBA as written with SALT: different for every word,
 * every sector and every salt, so a sector at the wrong LBA shows. */
uint32_t ata_pattern(uint32_t lba, uint32_t salt, uint32_t i)
{
    return (lba << 12) ^ (salt << 28) ^ (i * 0x9E3779B1u) ^ 0x5A5A0000u;
}

void ata_fill(uint8_t *p, uint32_t lba, uint32_t count, uint32_t salt)
{
    uint32_t *w = (uint32_t *)p;
    for (uint32_t s = 0; s < count; s++)
        for (uint32_t i = 0; i < ATA_SECTOR_SIZE / 4; i++)
            *w++ = ata_pattern(lba + s, salt, i);
}

void ata_expect(const char *what, const uint8_t *p, uint32_t lba, uint32_t count,
                uint32_t salt)
{
    const uint32_t *w = (const uint32_t *)p;
    for (uint32_t s = 0; s < count; s++)
        for (uint32_t i = 0; i < ATA_SECTOR_SIZE / 4; i++, w++) {
            uint32_t want = salt ? ata_pattern(lba + s, salt, i) : 0;
            if (*w != want)
                fail("%s: sector %u (LBA %u) word %u is 0x%x, expected 0x%x",
                     what, s, lba + s, i, *w, want);
        }
}

/* Read COUNT sectors at LBA and check them as ata_expect() does. */
static void read_expect(const char *what, uint32_t lba, uint32_t count, uint32_t salt)
{
    memset(rbuf, 0xEE, count * ATA_SECTOR_SIZE);
    int rc = ata_read(ATA_SLAVE, lba, count, rbuf);
    CHECK(rc == 0, "%s: ata_read(ATA_SLAVE, %u, %u) returned %d (%s)", what, lba, count, rc,
          errname(rc));
    ata_expect(what, rbuf, lba, count, salt);
}

/* Write COUNT pattern sectors at LBA with SALT. */
static void write_pattern(const char *what, uint32_t lba, uint32_t count, uint32_t salt)
{
    ata_fill(wbuf, lba, count, salt);
    int rc = ata_write(ATA_SLAVE, lba, count, wbuf);
    CHECK(rc == 0, "%s: ata_write(ATA_SLAVE, %u, %u) returned %d (%s)", what, lba, count, rc,
          errname(rc));
}

/* Two buffers of BIG sectors each, in kernel-pool frames: identity-
 * mapped, so usable with or without paging, and not 300 KiB of .bss in
 * an image that must end below 2 MiB. */
static void get_buffers(void)
{
    buf_frame = get_frames(&kernel_pool, 2 * BUF_FRAMES);
    CHECK(buf_frame, "no %u kernel frames for the buffers", 2 * BUF_FRAMES);
    wbuf = frame_addr(buf_frame);
    rbuf = frame_addr(buf_frame + BUF_FRAMES);
}

static void put_buffers(void)
{
    CHECK(release_frames(buf_frame) == 0, "release of the buffer frames failed");
}

/* CRC-32 one bit at a time, straight from the definition (reflected
 * polynomial 0xEDB88320, register starts at ~0, result inverted): the
 * independent check on lib/crc32.c's table. */
static uint32_t crc32_bitwise(const uint8_t *p, uint32_t len)
{
    uint32_t c = 0xFFFFFFFFu;
    while (len--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    }
    return ~c;
}

static void test_crc32(void)
{
    uint32_t c = crc32("123456789", 9);
    CHECK(c == 0xCBF43926u, "crc32(\"123456789\") = 0x%x, expected 0xcbf43926", c);
    CHECK(crc32("", 0) == 0, "crc32 of nothing is 0x%x, expected 0", crc32("", 0));
    ata_fill(wbuf, 7, PAGE_SIZE / ATA_SECTOR_SIZE, 3);
    uint32_t want = crc32_bitwise(wbuf, PAGE_SIZE);
    c = crc32(wbuf, PAGE_SIZE);
    CHECK(c == want, "crc32 of a page = 0x%x, bitwise CRC says 0x%x", c, want);
    c = crc32_update(crc32(wbuf, 1000), wbuf + 1000, PAGE_SIZE - 1000);
    CHECK(c == want, "crc32 of a page in two parts = 0x%x, expected 0x%x", c, want);
    wbuf[2049] ^= 0x10;
    CHECK(crc32(wbuf, PAGE_SIZE) != want, "crc32 missed a flipped bit");
    msg("crc32: check value 0xcbf43926 ok; page CRC 0x%x matches the bitwise CRC", want);
}

void ata_expect_inval(const char *what, int rc, const struct ata_stats *before)
{
    struct ata_stats st;
    CHECK(rc == -E_INVAL, "%s returned %d (%s), expected -E_INVAL", what, rc, errname(rc));
    ata_get_stats(&st);
    CHECK(st.sectors_read == before->sectors_read &&
          st.sectors_written == before->sectors_written && st.errors == before->errors,
          "%s reached the disk: counters moved", what);
    msg("refused as it should: %s", what);
}

static void test_ata(void)
{
    struct ata_stats st0, st;
    uint32_t nread = 0, nwritten = 0;       /* what the counters should say */

    int rc = ata_init(ATA_SLAVE);
    CHECK(rc == 0, "ata_init returned %d (%s)", rc, errname(rc));
    CHECK(ata_sectors(ATA_SLAVE) == DISK_SECTORS, "IDENTIFY says %u sectors, the image has %u",
          ata_sectors(ATA_SLAVE), DISK_SECTORS);
    msg("disk '%s', %u sectors = 4 MiB", ata_model(ATA_SLAVE), ata_sectors(ATA_SLAVE));
    get_buffers();
    ata_get_stats(&st0);

    /* 9 sectors at LBA 100; their neighbours must stay zero. */
    write_pattern("9 sectors", 100, 9, 1);
    read_expect("9 sectors", 100, 9, 1);
    read_expect("sector before the 9", 99, 1, 0);
    read_expect("sector after the 9", 109, 1, 0);
    nwritten += 9;
    nread += 11;
    msg("9 sectors at LBA 100 read back; neighbours untouched");

    /* 300 sectors: 256 in one command, 44 in the next. */
    write_pattern("300 sectors", 1000, BIG, 2);
    read_expect("300 sectors", 1000, BIG, 2);
    read_expect("sectors 255-256 of the 300", 1255, 2, 2);
    read_expect("last of the 300", 1299, 1, 2);
    read_expect("sector after the 300", 1300, 1, 0);
    nwritten += BIG;
    nread += BIG + 4;
    msg("300 sectors at LBA 1000 (256 + 44) read back, also piecewise");

    /* Both ends of the disk.  Boot (mm/swap.c) wrote the swap header to
     * LBA 0 of this fresh disk: its signature must read back.  The
     * pattern written over it is replaced by the header again, which swap
     * still owns (and a second run of this test checks). */
    static uint8_t header[ATA_SECTOR_SIZE];
    CHECK(ata_read(ATA_SLAVE, 0, 1, header) == 0, "read of LBA 0");
    CHECK(((uint32_t *)header)[0] == 0x50415753 && ((uint32_t *)header)[1] == DISK_SECTORS / 8,
          "LBA 0 does not hold the swap header boot wrote (0x%x, %u slots)",
          ((uint32_t *)header)[0], ((uint32_t *)header)[1]);
    write_pattern("LBA 0", 0, 1, 4);
    read_expect("LBA 0", 0, 1, 4);
    CHECK(ata_write(ATA_SLAVE, 0, 1, header) == 0, "writing the swap header back to LBA 0");
    memset(rbuf, 0, ATA_SECTOR_SIZE);
    CHECK(ata_read(ATA_SLAVE, 0, 1, rbuf) == 0 && memcmp(rbuf, header, ATA_SECTOR_SIZE) == 0,
          "LBA 0 does not hold the swap header after it was written back");
    write_pattern("last sector", DISK_SECTORS - 1, 1, 5);
    read_expect("last sector", DISK_SECTORS - 1, 1, 5);
    memset(rbuf, 0xEE, 2 * ATA_SECTOR_SIZE);
    rc = ata_read(ATA_SLAVE, DISK_SECTORS - 2, 2, rbuf);
    CHECK(rc == 0, "reading the last two sectors returned %d (%s)", rc, errname(rc));
    ata_expect("second-to-last sector", rbuf, DISK_SECTORS - 2, 1, 0);
    ata_expect("last sector, read with its neighbour", rbuf + ATA_SECTOR_SIZE,
           DISK_SECTORS - 1, 1, 5);
    nwritten += 3;
    nread += 6;
    msg("LBA 0 and LBA %u written and read back; the swap header restored", DISK_SECTORS - 1);

    /* Bad requests.  wbuf holds a pattern the disk must never see. */
    ata_fill(wbuf, 0, 2, 6);
    ata_get_stats(&st);
    ata_expect_inval("ata_read of LBA = disk size",
                     ata_read(ATA_SLAVE, DISK_SECTORS, 1, rbuf), &st);
    ata_expect_inval("ata_write of the last sector and one past it",
                 ata_write(ATA_SLAVE, DISK_SECTORS - 1, 2, wbuf), &st);
    ata_expect_inval("ata_write of 0 sectors", ata_write(ATA_SLAVE, 100, 0, wbuf), &st);
    ata_expect_inval("ata_read of 0 sectors", ata_read(ATA_SLAVE, 100, 0, rbuf), &st);
    ata_expect_inval("ata_write at LBA 0xffffffff",
                     ata_write(ATA_SLAVE, 0xFFFFFFFFu, 2, wbuf), &st);
    ata_expect_inval("ata_write whose LBA + count wraps around",
                 ata_write(ATA_SLAVE, 100, 0xFFFFFFF0u, wbuf), &st);
    ata_expect_inval("ata_read into a null buffer", ata_read(ATA_SLAVE, 100, 1, 0), &st);
    ata_expect_inval("ata_read of drive 2", ata_read(2, 100, 1, rbuf), &st);
    read_expect("last sector after the bad writes", DISK_SECTORS - 1, 1, 5);
    read_expect("LBA 100 after the bad writes", 100, 9, 1);
    nread += 10;

    ata_get_stats(&st);
    CHECK(st.sectors_read - st0.sectors_read == nread &&
          st.sectors_written - st0.sectors_written == nwritten && st.errors == st0.errors,
          "counters say %u read, %u written, %u errors; expected %u, %u, 0",
          st.sectors_read - st0.sectors_read, st.sectors_written - st0.sectors_written,
          st.errors - st0.errors, nread, nwritten);
    msg("counters: %u sectors read, %u written, %u errors", st.sectors_read,
        st.sectors_written, st.errors);

    test_crc32();
    put_buffers();
}

TEST("ata", test_ata, "ATA PIO: IDENTIFY size, pattern round trips, 300-sector transfer, "
     "bounds, crc32", "disk=4 solo");

static void test_ata_nodisk(void)
{
    static uint8_t sector[ATA_SECTOR_SIZE];
    uint32_t t0 = pit_ticks();
    int rc = ata_init(ATA_SLAVE);
    uint32_t dt = pit_ticks() - t0;
    CHECK(rc == -E_IO, "ata_init without a disk returned %d (%s), expected -E_IO",
          rc, errname(rc));
    CHECK(dt <= PIT_HZ, "ata_init took %u ticks to notice there is no disk", dt);
    CHECK(ata_sectors(ATA_SLAVE) == 0, "ata_sectors(ATA_SLAVE) is %u without a disk",
          ata_sectors(ATA_SLAVE));
    rc = ata_read(ATA_SLAVE, 0, 1, sector);
    CHECK(rc == -E_IO, "ata_read without a disk returned %d (%s)", rc, errname(rc));
    rc = ata_write(ATA_SLAVE, 0, 1, sector);
    CHECK(rc == -E_IO, "ata_write without a disk returned %d (%s)", rc, errname(rc));
    msg("no disk: ata_init gave up after %u ticks; reads and writes refused", dt);
}

TEST("ata_nodisk", test_ata_nodisk, "ATA PIO without a disk: -E_IO at once, no hang",
     "log=ata:.no.disk solo");

static void test_ata_read_error(void)
{
    struct ata_stats st0, st;
    int rc = ata_init(ATA_SLAVE);
    CHECK(rc == 0, "ata_init returned %d (%s)", rc, errname(rc));
    get_buffers();
    write_pattern("sectors around the bad one", EIO_SECTOR - 1, 3, 7);
    ata_get_stats(&st0);

    rc = ata_read(ATA_SLAVE, EIO_SECTOR, 1, rbuf);
    CHECK(rc == -E_IO, "the injected error was not reported: ata_read(%u) returned %d (%s)",
          EIO_SECTOR, rc, errname(rc));
    ata_get_stats(&st);
    CHECK(st.errors == st0.errors + 1, "error counter went from %u to %u",
          st0.errors, st.errors);
    msg("injected EIO on LBA %u came back as -E_IO", EIO_SECTOR);

    read_expect("retry of the bad sector", EIO_SECTOR, 1, 7);
    read_expect("sector before the bad one", EIO_SECTOR - 1, 1, 7);
    read_expect("sector after the bad one", EIO_SECTOR + 1, 1, 7);
    read_expect("all three in one command", EIO_SECTOR - 1, 3, 7);
    msg("retry and neighbours read fine");
    put_buffers();
}

TEST("ata_read_error", test_ata_read_error,
     "ATA PIO: an injected read error is -E_IO once, then the retry succeeds",
     "disk=4 blkdebug=tests/blkdebug/ata_read_eio.conf log=read.error.at.LBA.2000 solo");

/* Where the mid-write error leaves the disk.  QEMU's WRITE SECTORS takes
 * a sector's 512 bytes on DRQ, goes busy, and writes that one sector to
 * the image as a request of its own; when that request fails it ends the
 * command at once, with ERR and ABRT in place of the next DRQ.  So the
 * sectors before BAD_WRITE are on the disk and acknowledged, BAD_WRITE's
 * data crossed the bus but was never written, and nothing after it was
 * sent: writing 8 sectors at MID_LBA leaves exactly 3 written.  A driver
 * that looked at the status only when it wanted the next DRQ would name
 * sector 3004 and claim 4; one that looked only at the end, 8 or 0.
 * WRITE MULTIPLE with a block of 8 fails the whole block holding
 * BAD_WRITE and nothing before it.  A DMA write is one request: it fails
 * whole, twice, and the PIO retry (a page per block) then fails as
 * above. */
static const struct midwrite {
    const char *what;
    int dma, multiple;          /* ata_set_dma, ata_set_multiple */
    int pages;                  /* 0: ata_write; 1: ata_write_pages */
    uint32_t lba, count;        /* the write */
    uint32_t fail_lba, done;    /* the failure it must report */
    uint32_t errors, retries;   /* counted by the driver */
} midwrites[] = {
    { "ata_write of 8 sectors", 0, 0, 0, MID_LBA, 8, BAD_WRITE, 3, 1, 0 },
    { "2 pages, a sector at a time", 0, 0, 1, MID_LBA - 8, 16, BAD_WRITE, 11, 1, 0 },
    { "2 pages, a page per block", 0, 1, 1, MID_LBA - 8, 16, MID_LBA, 8, 1, 0 },
    { "3 pages by DMA", 1, 1, 1, MID_LBA - 16, 24, MID_LBA, 16, 3, 2 },
};

/* The sectors the writes above touch, and a shadow of the disk there:
 * the salt each sector was last written with, 0 if never. */
#define WINDOW_LBA      (MID_LBA - 16)
#define WINDOW          24u
static uint32_t shadow[WINDOW];

/* Make write M with pattern SALT; check the failure it reports against
 * M and the disk against the shadow, which it updates. */
static void midwrite(const struct midwrite *m, uint32_t salt)
{
    struct ata_stats s0, s;
    CHECK(ata_set_dma(m->dma) == m->dma && ata_set_multiple(ATA_SLAVE, m->multiple) == m->multiple,
          "%s: could not set DMA %d, multiple %d", m->what, m->dma, m->multiple);
    struct ata_page pages[WINDOW / ATA_PAGE_SECTORS];
    for (uint32_t k = 0; k < WINDOW / ATA_PAGE_SECTORS; k++)   /* identity-mapped: va = pa */
        pages[k] = (struct ata_page){ (uint32_t)wbuf + k * PAGE_SIZE, wbuf + k * PAGE_SIZE };
    ata_fill(wbuf, m->lba, m->count, salt);
    ata_get_stats(&s0);
    int rc = m->pages ? ata_write_pages(ATA_SLAVE, m->lba, pages, m->count / ATA_PAGE_SECTORS)
                      : ata_write(ATA_SLAVE, m->lba, m->count, wbuf);
    ata_get_stats(&s);
    CHECK(rc == -E_IO, "%s returned %d (%s), expected -E_IO", m->what, rc, errname(rc));
    CHECK(s.fail_lba == m->fail_lba && s.fail_done == m->done,
          "%s: the failure names LBA %u after %u sectors; expected LBA %u after %u",
          m->what, s.fail_lba, s.fail_done, m->fail_lba, m->done);
    CHECK(s.sectors_written - s0.sectors_written == m->done,
          "%s: %u sectors counted written, expected %u", m->what,
          s.sectors_written - s0.sectors_written, m->done);
    CHECK(s.errors - s0.errors == m->errors && s.retries - s0.retries == m->retries,
          "%s: %u errors and %u retries counted, expected %u and %u", m->what,
          s.errors - s0.errors, s.retries - s0.retries, m->errors, m->retries);
    for (uint32_t i = 0; i < m->done; i++)
        shadow[m->lba + i - WINDOW_LBA] = salt;
    for (uint32_t i = 0; i < WINDOW; i++)
        read_expect(m->what, WINDOW_LBA + i, 1, shadow[i]);
    msg("%s: -E_IO at LBA %u, %u sectors written before it; disk as predicted", m->what,
        m->fail_lba, m->done);
}

static void test_ata_midwrite_error(void)
{
    int rc = ata_init(ATA_SLAVE);
    CHECK(rc == 0, "ata_init returned %d (%s)", rc, errname(rc));
    get_buffers();
    for (uint32_t i = 0; i < sizeof midwrites / sizeof midwrites[0]; i++)
        midwrite(&midwrites[i], i + 1);
    ata_set_dma(1);
    ata_set_multiple(ATA_SLAVE, 1);
    put_buffers();
}

TEST("ata_midwrite_error", test_ata_midwrite_error,
     "ATA: a write failing mid-command names its sector and counts what was written",
     "disk=4 blkdebug=tests/blkdebug/ata_write_mid.conf solo "
     "log=write.error.at.LBA.3003:.*ABRT.*3.of.8.sectors.written.before.it "
     "log=write.error.at.LBA.3003:.*11.of.16.sectors.written.before.it "
     "log=write.error.at.LBA.3000-3007:.*8.of.16.sectors "
     "log=DMA.write.error.at.LBA.2984-3007 log=write.error.at.LBA.3000-3007:.*16.of.24.sectors");
