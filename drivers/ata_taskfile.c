/* drivers/ata_taskfile.c - talking to the drive through its task file.
 *
 * The bottom layer of the IDE disks' driver (drivers/ata_priv.h): select
 * a drive, master or slave, start a command, wait for the status, and
 * when something goes wrong, say what in one line and reset the bus.
 * The ports and bits are drawn in drivers/ata_regs.h.
 *
 * Waiting.  Every wait here polls the status register, with nIEN set so
 * that the drive raises no interrupt.  Every wait is bounded (a fixed
 * number of status reads, and TIMEOUT_TICKS of PIT ticks): a drive that
 * never answers costs a timeout, a bus reset and -E_IO, never a hung
 * kernel.  Each status read after a drive select or a command waits 400
 * ns first (four reads of the alternate status port, 100 ns or more
 * each). */
#include "drivers/ata_priv.h"
#include "drivers/ata_regs.h"
#include "kernel/pit.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/printf.h"

struct ata_drive *ata_drive_of(const char *fn, unsigned unit)
{
    if (unit < ATA_DRIVES)
        return &ata_bus.drive[unit];
    kprintf("%s: there is no drive %u (ATA_MASTER is 0, ATA_SLAVE 1)\n", fn, unit);
    return 0;
}

void ata_delay400(void)
{
    for (int i = 0; i < 4; i++)
        inb(ATA_ALTSTATUS);
}

int ata_poll_until(int (*done)(uint32_t arg, uint8_t *last), uint32_t arg, uint8_t *last)
{
    uint32_t start = pit_ticks();
    for (uint32_t i = 0; i < POLL_MAX; i++) {
        if (done(arg, last))
            return 0;
        if (pit_ticks() - start > TIMEOUT_TICKS)
            break;
    }
    return -E_IO;
}

/* Is the drive not busy and, if NEED is non-zero, showing one of the bits
 * in NEED (or ERR or DF, which end any wait)? */
static int drive_settled(uint32_t need, uint8_t *st)
{
    uint8_t s = inb(ATA_STATUS);
    *st = s;
    return !(s & ST_BSY) && (!need || (s & (need | ST_ERR | ST_DF)));
}

int ata_wait_status(uint8_t need, uint8_t *st)
{
    return ata_poll_until(drive_settled, need, st);
}

/* Write the names of the error register's bits set in ERR into BUF. */
static void error_bits(uint8_t err, char *buf, int size)
{
    static const char *const names[8] = {
        "AMNF", "TK0NF", "ABRT", "MCR", "IDNF", "MC", "UNC", "BBK",
    };
    int n = 0;
    buf[0] = 0;
    for (int b = 0; b < 8; b++)
        if ((err & (1u << b)) && n < size)
            n += ksnprintf(buf + n, size - n, "%s%s", n ? " " : "", names[b]);
    if (!n)
        ksnprintf(buf, size, "none");
}

/* SRST resets both drives (every command selects its drive again
 * anyway); it may also change their multiple block size (QEMU puts back
 * its default, 16), so that is set again before each drive's next
 * READ/WRITE MULTIPLE. */
void ata_reset_bus(void)
{
    uint8_t st;
    if (ata_bus.bm_base) {
        outb(ata_bus.bm_base + BM_CMD, 0);
        outb(ata_bus.bm_base + BM_STATUS, BM_ST_CLEAR);
    }
    outb(ATA_CONTROL, CTRL_NIEN | CTRL_SRST);
    for (int i = 0; i < 50; i++)        /* SRST must be held >= 5 us */
        inb(ATA_ALTSTATUS);
    outb(ATA_CONTROL, CTRL_NIEN);
    ata_delay400();
    ata_wait_status(0, &st);
    for (unsigned u = 0; u < ATA_DRIVES; u++)
        ata_bus.drive[u].mult_stale = 1;
}

/* Write "LBA x" or "LBA x-y" for N sectors from LBA into BUF. */
static void lba_range(char *buf, int size, uint32_t lba, uint32_t n)
{
    if (n <= 1)
        ksnprintf(buf, size, "LBA %u", lba);
    else
        ksnprintf(buf, size, "LBA %u-%u", lba, lba + n - 1);
}

int ata_failed(const struct ata_req *r, uint32_t lba)
{
    ata_bus.stats.errors++;
    ata_bus.stats.fail_lba = lba;
    ata_bus.stats.fail_done = r ? r->done : 0;
    return -E_IO;
}

/* For DMA (BMST >= 0) "written before" counts the sectors before the
 * command: the drive does not say how far a failed DMA command got. */
int ata_device_error(const struct ata_req *r, const char *what, uint32_t lba, uint32_t n,
                     uint8_t st, int bmst)
{
    uint8_t err = inb(ATA_ERROR);
    char bits[48], where[32], bm[32] = "", before[48] = "";
    error_bits(err, bits, sizeof bits);
    lba_range(where, sizeof where, lba, n);
    if (bmst >= 0)
        ksnprintf(bm, sizeof bm, ", bus master status 0x%x", bmst);
    if (r && r->write)
        ksnprintf(before, sizeof before, "; %u of %u sectors written before %s", r->done,
                  r->count, bmst >= 0 ? "this command" : "it");
    kprintf("ata: %s error at %s: status 0x%x%s, error 0x%x (%s)%s%s\n", what, where, st,
            (st & ST_DF) ? " (device fault)" : "", err, bits, bm, before);
    return ata_failed(r, lba);
}

int ata_timeout(const struct ata_req *r, const char *what, uint32_t lba, uint32_t n,
                uint8_t st)
{
    char where[32];
    lba_range(where, sizeof where, lba, n);
    kprintf("ata: %s timed out at %s (status 0x%x); resetting the bus\n", what, where, st);
    ata_reset_bus();
    return ata_failed(r, lba);
}

/* Select drive UNIT for LBA's top nibble and wait until it can take a
 * command (R: the request, or 0 for a command that moves no data).  A
 * drive that still offers data (DRQ) from an earlier, abandoned command
 * would ignore the new one and hand us the stale sectors, so the bus is
 * reset first.  Returns 0 or -E_IO (reported). */
static int select_drive(unsigned unit, const struct ata_req *r, uint32_t lba,
                        const char *what)
{
    uint8_t st;
    for (int tries = 0; tries < 2; tries++) {
        outb(ATA_DRIVE, DRIVE_SELECT(unit, lba));
        ata_delay400();
        if (ata_wait_status(0, &st) < 0)
            return ata_timeout(r, what, lba, 1, st);
        if (!(st & ST_DRQ))
            return 0;
        kprintf("ata: %s at LBA %u: drive still holds data of an earlier command "
                "(status 0x%x); resetting the bus\n", what, lba, st);
        ata_reset_bus();
    }
    return ata_failed(r, lba);
}

/* Select drive UNIT and start command CMD for N sectors at LBA (R: the
 * request, or 0); ata_start_command for any drive.  Returns 0 or -E_IO
 * (reported). */
static int start_command(unsigned unit, const struct ata_req *r, uint8_t cmd, uint32_t lba,
                         uint32_t n, const char *what)
{
    int rc = select_drive(unit, r, lba, what);
    if (rc < 0)
        return rc;
    outb(ATA_SECCOUNT, (uint8_t)n);         /* 256 is written as 0 */
    outb(ATA_LBA0, lba & 0xFF);
    outb(ATA_LBA1, (lba >> 8) & 0xFF);
    outb(ATA_LBA2, (lba >> 16) & 0xFF);
    outb(ATA_COMMAND, cmd);
    ata_delay400();
    return 0;
}

int ata_start_command(const struct ata_req *r, uint8_t cmd, uint32_t lba, uint32_t n,
                      const char *what)
{
    return start_command(r->unit, r, cmd, lba, n, what);
}

/* ---- Commands that move no data ----------------------------------- */

int ata_set_block_size(unsigned unit)
{
    uint8_t st;
    int rc = start_command(unit, 0, CMD_SET_MULT, 0, ATA_PAGE_SECTORS, "SET MULTIPLE MODE");
    if (rc < 0)
        return rc;
    if (ata_wait_status(0, &st) < 0)
        return ata_timeout(0, "SET MULTIPLE MODE", 0, 0, st);
    if (st & (ST_ERR | ST_DF))
        return ata_device_error(0, "SET MULTIPLE MODE", 0, 0, st, -1);
    ata_bus.drive[unit].mult_stale = 0;
    return 0;
}

int ata_flush_cache(unsigned unit, uint32_t lba)
{
    uint8_t st;
    int rc = select_drive(unit, 0, lba, "cache flush");
    if (rc < 0)
        return rc;
    outb(ATA_COMMAND, CMD_FLUSH);
    ata_delay400();
    for (int i = 0; (rc = ata_wait_status(0, &st)) < 0; i++)
        if (i + 1 == FLUSH_TRIES)
            return ata_timeout(0, "cache flush", lba, 1, st);
    if (st & (ST_ERR | ST_DF))
        return ata_device_error(0, "cache flush", lba, 1, st, -1);
    return 0;
}
