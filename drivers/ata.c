/* drivers/ata.c - a polling ATA PIO driver for the swap disk (IDE primary
 * bus, slave drive; QEMU's `-drive ...,if=ide,index=1`).
 *
 * How ATA PIO works.  The drive is reached through the "task file", a
 * handful of 8-bit I/O ports (plus one 16-bit data port) on the bus:
 *
 *   0x1F0  data          16 bits at a time; a sector is 256 words
 *   0x1F1  error         (read) why the last command failed, see ERR below
 *   0x1F2  sector count  how many sectors this command moves (0 means 256)
 *   0x1F3  LBA  0-7      the 28-bit sector number (LBA28) is spread over
 *   0x1F4  LBA  8-15       these three registers and the low nibble of
 *   0x1F5  LBA 16-23       the drive register
 *   0x1F6  drive         0xE0 | slave << 4 | LBA 24-27 (0xF0 for us)
 *   0x1F7  status / command (reading it gives the status, writing it
 *                          starts a command)
 *   0x3F6  alternate status / device control: the same status byte
 *          without side effects; written, nIEN (no interrupts) and SRST
 *          (software reset of both drives on the bus)
 *
 * A command is: select the drive, fill in count and LBA, write the
 * command byte.  The drive then raises BSY ("busy: the other bits mean
 * nothing, do not touch the task file") while it works.  When a sector
 * is ready to move it drops BSY and raises DRQ ("data request"); we move
 * 256 words through the data port, and the drive goes busy again for the
 * next sector.  If something goes wrong it drops BSY with ERR (or DF,
 * "device fault") set instead, and the error register says what: ABRT
 * (command aborted), IDNF (no such sector), UNC (unreadable data), ...
 *
 * Polling.  A drive can raise IRQ 14 at each of these points, but the
 * pager calls us from the page-fault handler, which runs with interrupts
 * off, and has nothing else to do until the sector arrives anyway.  So
 * we set nIEN and simply read the status register in a loop.  Every loop
 * is bounded (a fixed number of status reads, and five seconds of PIT
 * ticks when the clock is running): a drive that never answers costs a
 * timeout and -E_IO, never a hung kernel.
 *
 * Each status read after a drive select or a command waits 400 ns first
 * (four reads of the alternate status port, 100 ns or more each): the
 * drive needs that long before its status reflects the new state. */
#include "drivers/ata.h"
#include "kernel/pit.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* Task file ports of the primary bus. */
#define ATA_DATA        0x1F0
#define ATA_ERROR       0x1F1
#define ATA_SECCOUNT    0x1F2
#define ATA_LBA0        0x1F3
#define ATA_LBA1        0x1F4
#define ATA_LBA2        0x1F5
#define ATA_DRIVE       0x1F6
#define ATA_STATUS      0x1F7   /* read */
#define ATA_COMMAND     0x1F7   /* write */
#define ATA_ALTSTATUS   0x3F6   /* read */
#define ATA_CONTROL     0x3F6   /* write */

/* Drive register: bits 7 and 5 are always 1, bit 6 selects LBA
 * addressing, bit 4 the slave; the low nibble is LBA 24-27. */
#define DRIVE_SLAVE_LBA 0xF0

/* Device control register. */
#define CTRL_NIEN       0x02    /* the drive raises no interrupts */
#define CTRL_SRST       0x04    /* software reset, held while set */

/* Status register. */
#define ST_ERR          0x01    /* the command failed; see the error register */
#define ST_DRQ          0x08    /* the drive wants to move a sector of data */
#define ST_DF           0x20    /* device fault */
#define ST_DRDY         0x40    /* drive ready for a command */
#define ST_BSY          0x80    /* busy: ignore every other bit */

/* Commands. */
#define CMD_READ        0x20    /* READ SECTORS, LBA28, PIO */
#define CMD_WRITE       0x30    /* WRITE SECTORS, LBA28, PIO */
#define CMD_FLUSH       0xE7    /* FLUSH CACHE */
#define CMD_IDENTIFY    0xEC

#define MAX_PER_CMD     256u    /* a sector count of 0 means 256 */
#define LBA28_LIMIT     (1u << 28)
#define WORDS_PER_SECTOR (ATA_SECTOR_SIZE / 2)

/* Timeouts.  One turn of the poll loop costs 0.1-0.17 us under QEMU's
 * TCG (more under KVM, where each status read exits to the host), so
 * POLL_MAX turns end a wait after 3-5 seconds, even with interrupts off
 * when the PIT does not tick; TIMEOUT_TICKS is the same limit by the
 * clock, for when polling is slower.  A cache flush may wait for the
 * host's fsync, so it gets FLUSH_TRIES such waits. */
#define POLL_MAX        30000000u
#define TIMEOUT_TICKS   (5 * PIT_HZ)
#define FLUSH_TRIES     6

static int present;             /* ata_init found an ATA disk */
static uint32_t nsectors;       /* its size, from IDENTIFY words 60-61 */
static char model[41];          /* IDENTIFY words 27-46, trailing blanks cut */
static struct ata_stats stats;

/* The 400 ns the drive needs after a select or a command before its
 * status register means anything: four reads of alternate status. */
static void delay400(void)
{
    for (int i = 0; i < 4; i++)
        inb(ATA_ALTSTATUS);
}

/* Poll until the drive is not busy and, if NEED is non-zero, also shows
 * one of the bits in NEED (or ERR or DF, which end any wait).  Stores
 * the last status read in *ST.  Returns 0, or -E_IO on timeout. */
static int wait_status(uint8_t need, uint8_t *st)
{
    uint32_t start = pit_ticks();
    for (uint32_t i = 0; i < POLL_MAX; i++) {
        uint8_t s = inb(ATA_STATUS);
        *st = s;
        if (!(s & ST_BSY) && (!need || (s & (need | ST_ERR | ST_DF))))
            return 0;
        if (pit_ticks() - start > TIMEOUT_TICKS)
            break;
    }
    return -E_IO;
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

/* Software-reset the bus after a timeout so that the next command starts
 * from a clean state.  SRST resets both drives and deselects ours; every
 * command selects it again anyway. */
static void reset_bus(void)
{
    uint8_t st;
    outb(ATA_CONTROL, CTRL_NIEN | CTRL_SRST);
    for (int i = 0; i < 50; i++)        /* SRST must be held >= 5 us */
        inb(ATA_ALTSTATUS);
    outb(ATA_CONTROL, CTRL_NIEN);
    delay400();
    wait_status(0, &st);
}

/* The drive failed while WHAT-ing sector LBA with status ST: print one
 * line with the error register decoded, count it, return -E_IO. */
static int device_error(const char *what, uint32_t lba, uint8_t st)
{
    uint8_t err = inb(ATA_ERROR);
    char bits[48];
    error_bits(err, bits, sizeof bits);
    kprintf("ata: %s error at LBA %u: status 0x%x%s, error 0x%x (%s)\n",
            what, lba, st, (st & ST_DF) ? " (device fault)" : "", err, bits);
    stats.errors++;
    return -E_IO;
}

/* The drive did not answer while WHAT-ing sector LBA (last status ST):
 * print, count, reset the bus, return -E_IO. */
static int timeout(const char *what, uint32_t lba, uint8_t st)
{
    kprintf("ata: %s timed out at LBA %u (status 0x%x); resetting the bus\n",
            what, lba, st);
    stats.errors++;
    reset_bus();
    return -E_IO;
}

/* Select our drive for LBA's top nibble and wait until it can take a
 * command.  A drive that still offers data (DRQ) from an earlier,
 * abandoned command would ignore the new one and hand us the stale
 * sectors, so the bus is reset first.  Returns 0 or -E_IO (reported). */
static int select_drive(uint32_t lba, const char *what)
{
    uint8_t st;
    for (int tries = 0; tries < 2; tries++) {
        outb(ATA_DRIVE, DRIVE_SLAVE_LBA | ((lba >> 24) & 0x0F));
        delay400();
        if (wait_status(0, &st) < 0)
            return timeout(what, lba, st);
        if (!(st & ST_DRQ))
            return 0;
        kprintf("ata: %s at LBA %u: drive still holds data of an earlier command "
                "(status 0x%x); resetting the bus\n", what, lba, st);
        reset_bus();
    }
    stats.errors++;
    return -E_IO;
}

/* Fill in the task file and start command CMD for N (1..256) sectors
 * at LBA.  Returns 0 or -E_IO. */
static int start_command(uint8_t cmd, uint32_t lba, uint32_t n, const char *what)
{
    int rc = select_drive(lba, what);
    if (rc < 0)
        return rc;
    outb(ATA_SECCOUNT, (uint8_t)n);         /* 256 is written as 0 */
    outb(ATA_LBA0, lba & 0xFF);
    outb(ATA_LBA1, (lba >> 8) & 0xFF);
    outb(ATA_LBA2, (lba >> 16) & 0xFF);
    outb(ATA_COMMAND, cmd);
    delay400();
    return 0;
}

/* Move N (1..256) sectors between BUF and the disk at LBA with one READ
 * SECTORS or WRITE SECTORS command.  The status register is checked
 * before and after every sector: a read sector is announced by DRQ and
 * its error by ERR/DF at that point, a written sector is acknowledged
 * (or refused) when BSY drops after its data.  Returns 0 or -E_IO. */
static int transfer(int write, uint32_t lba, uint32_t n, uint8_t *buf)
{
    const char *what = write ? "write" : "read";
    uint8_t st;
    int rc = start_command(write ? CMD_WRITE : CMD_READ, lba, n, what);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < n; i++, buf += ATA_SECTOR_SIZE) {
        if (wait_status(ST_DRQ, &st) < 0)
            return timeout(what, lba + i, st);
        if (st & (ST_ERR | ST_DF))
            return device_error(what, lba + i, st);
        if (write) {
            outsw(ATA_DATA, buf, WORDS_PER_SECTOR);
            delay400();
            if (wait_status(0, &st) < 0)
                return timeout(what, lba + i, st);
            if (st & (ST_ERR | ST_DF))
                return device_error(what, lba + i, st);
            stats.sectors_written++;
        } else {
            insw(ATA_DATA, buf, WORDS_PER_SECTOR);
            delay400();
            stats.sectors_read++;
        }
    }
    /* After the last sector the drive must be idle, error-free and have
     * no more data to offer. */
    if (wait_status(0, &st) < 0)
        return timeout(what, lba + n - 1, st);
    if (st & (ST_ERR | ST_DF))
        return device_error(what, lba + n - 1, st);
    if (st & ST_DRQ) {
        kprintf("ata: %s of %u sectors at LBA %u: drive still has DRQ set "
                "(status 0x%x)\n", what, n, lba, st);
        stats.errors++;
        reset_bus();
        return -E_IO;
    }
    return 0;
}

/* Check a request from a public entry point.  Returns 0 if it may go to
 * the disk, -E_IO if there is none, -E_INVAL (with a message) if the
 * request is malformed or runs past the end of the disk. */
static int check_request(const char *fn, uint32_t lba, uint32_t count, const void *buf)
{
    if (!present) {
        kprintf("%s: no disk (ata_init did not find one)\n", fn);
        return -E_IO;
    }
    if (count == 0 || buf == 0) {
        kprintf("%s: bad request: %u sectors at LBA %u, buffer %p\n", fn, count, lba, buf);
        return -E_INVAL;
    }
    if (lba >= nsectors || count > nsectors - lba) {
        kprintf("%s: %u sectors at LBA %u run past the end of the disk (%u sectors)\n",
                fn, count, lba, nsectors);
        return -E_INVAL;
    }
    return 0;
}

/* Move COUNT sectors from LBA on, in commands of at most MAX_PER_CMD
 * sectors (WRITE: to the disk).  Returns 0 or the first command's error. */
static int transfer_all(int write, uint32_t lba, uint32_t count, uint8_t *p)
{
    int rc = 0;
    while (rc == 0 && count > 0) {
        uint32_t n = count < MAX_PER_CMD ? count : MAX_PER_CMD;
        rc = transfer(write, lba, n, p);
        lba += n;
        count -= n;
        p += n * ATA_SECTOR_SIZE;
    }
    return rc;
}

int ata_read(uint32_t lba, uint32_t count, void *buf)
{
    int rc = check_request("ata_read", lba, count, buf);
    return rc < 0 ? rc : transfer_all(0, lba, count, buf);
}

/* Ask the drive to put its write cache on the medium.  Returns 0 or -E_IO. */
static int flush_cache(uint32_t lba)
{
    uint8_t st;
    int rc = select_drive(lba, "cache flush");
    if (rc < 0)
        return rc;
    outb(ATA_COMMAND, CMD_FLUSH);
    delay400();
    for (int i = 0; (rc = wait_status(0, &st)) < 0; i++)
        if (i + 1 == FLUSH_TRIES)
            return timeout("cache flush", lba, st);
    if (st & (ST_ERR | ST_DF))
        return device_error("cache flush", lba, st);
    return 0;
}

int ata_write(uint32_t lba, uint32_t count, const void *buf)
{
    int rc = check_request("ata_write", lba, count, buf);
    if (rc < 0)
        return rc;
    rc = transfer_all(1, lba, count, (uint8_t *)buf);     /* buf is only read */
    return rc < 0 ? rc : flush_cache(lba);
}

/* Copy IDENTIFY words FIRST.. (NWORDS of them) into S as text: ATA
 * strings hold two characters per word, the first in the high byte.
 * Trailing blanks are cut. */
static void identify_string(const uint16_t *id, int first, int nwords, char *s)
{
    int n = 0;
    for (int i = 0; i < nwords; i++) {
        s[n++] = (char)(id[first + i] >> 8);
        s[n++] = (char)(id[first + i] & 0xFF);
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == 0))
        n--;
    s[n] = 0;
}

int ata_init(void)
{
    static uint16_t id[256];        /* the IDENTIFY sector */
    uint8_t st;

    present = 0;
    nsectors = 0;
    model[0] = 0;
    outb(ATA_CONTROL, CTRL_NIEN);
    outb(ATA_DRIVE, DRIVE_SLAVE_LBA);
    delay400();
    st = inb(ATA_STATUS);
    if (st == 0xFF) {               /* pulled-up data lines: nothing there */
        kprintf("ata: no disk: floating bus on the primary IDE channel (status 0xff)\n");
        return -E_IO;
    }
    if (wait_status(0, &st) < 0) {
        kprintf("ata: no disk: primary slave stays busy (status 0x%x)\n", st);
        reset_bus();
        return -E_IO;
    }
    outb(ATA_SECCOUNT, 0);
    outb(ATA_LBA0, 0);
    outb(ATA_LBA1, 0);
    outb(ATA_LBA2, 0);
    outb(ATA_COMMAND, CMD_IDENTIFY);
    delay400();
    st = inb(ATA_STATUS);
    if (st == 0 || st == 0xFF) {    /* no drive answers at this position */
        kprintf("ata: no disk on the primary IDE slave (status 0x%x after IDENTIFY)\n", st);
        return -E_IO;
    }
    if (wait_status(0, &st) < 0) {
        kprintf("ata: no disk: primary slave did not answer IDENTIFY (status 0x%x)\n", st);
        reset_bus();
        return -E_IO;
    }
    /* ATAPI and SATA devices abort IDENTIFY and leave a signature here. */
    uint8_t sig1 = inb(ATA_LBA1), sig2 = inb(ATA_LBA2);
    if (sig1 || sig2) {
        kprintf("ata: primary slave is not an ATA disk (signature 0x%x%x)\n", sig2, sig1);
        return -E_IO;
    }
    if (wait_status(ST_DRQ, &st) < 0) {
        kprintf("ata: IDENTIFY timed out waiting for data (status 0x%x)\n", st);
        reset_bus();
        return -E_IO;
    }
    if (st & (ST_ERR | ST_DF)) {
        kprintf("ata: IDENTIFY failed: status 0x%x error 0x%x\n", st, inb(ATA_ERROR));
        return -E_IO;
    }
    insw(ATA_DATA, id, 256);
    delay400();
    if (wait_status(0, &st) < 0 || (st & (ST_ERR | ST_DF | ST_DRQ))) {
        kprintf("ata: IDENTIFY did not complete cleanly (status 0x%x)\n", st);
        reset_bus();
        return -E_IO;
    }

    if (!(id[49] & (1u << 9))) {    /* capabilities: LBA supported */
        kprintf("ata: primary slave does not support LBA addressing\n");
        return -E_IO;
    }
    uint32_t n = id[60] | ((uint32_t)id[61] << 16);    /* LBA28 sectors */
    if (n == 0 || n > LBA28_LIMIT) {
        kprintf("ata: primary slave reports %u LBA28 sectors\n", n);
        return -E_IO;
    }
    nsectors = n;
    identify_string(id, 27, 20, model);
    present = 1;
    kprintf("ata: primary slave '%s': %u sectors (%u KiB), LBA28 PIO\n",
            model, nsectors, nsectors / 2);
    return 0;
}

uint32_t ata_sectors(void) { return present ? nsectors : 0; }

const char *ata_model(void) { return model; }

void ata_get_stats(struct ata_stats *out) { *out = stats; }
