/* drivers/ata.c - the IDE disks' driver: ATA PIO and bus-master DMA for
 * the two drives of the IDE primary bus: the slave is the swap disk
 * (QEMU's `-drive ...,if=ide,index=1`, mm/swap.c), the master a trace
 * disk when one is attached (index=0, tests/trace_in.c).
 *
 * How ATA works.  The drive is reached through the "task file", a
 * handful of 8-bit I/O ports (plus one 16-bit data port) on the bus:
 *
 *   0x1F0  data          16 bits at a time; a sector is 256 words
 *   0x1F1  error         (read) why the last command failed, see ERR below
 *   0x1F2  sector count  how many sectors this command moves (0 means 256)
 *   0x1F3  LBA  0-7      the 28-bit sector number (LBA28) is spread over
 *   0x1F4  LBA  8-15       these three registers and the low nibble of
 *   0x1F5  LBA 16-23       the drive register
 *   0x1F6  drive         0xE0 | slave << 4 | LBA 24-27
 *   0x1F7  status / command (reading it gives the status, writing it
 *                          starts a command)
 *   0x3F6  alternate status / device control: the same status byte
 *          without side effects; written, nIEN (no interrupts) and SRST
 *          (software reset of both drives on the bus)
 *
 * The two drives share these ports: the drive register's slave bit says
 * which of them the next command is for (and which answers in status).
 * A command is: select the drive, fill in count and LBA, write the
 * command byte.  The drive then raises BSY ("busy: the other bits mean
 * nothing, do not touch the task file") while it works.  If something
 * goes wrong it drops BSY with ERR (or DF, "device fault") set, and the
 * error register says what: ABRT (command aborted), IDNF (no such
 * sector), UNC (unreadable data), ...
 *
 * Three ways to move the data, slowest first:
 *
 *   PIO, a sector at a time (READ/WRITE SECTORS): the drive raises DRQ
 *     ("data request") for each sector and the CPU moves its 256 words
 *     through the data port.  ata_read/ata_write always work this way.
 *   PIO multiple (READ/WRITE MULTIPLE): the same, but DRQ comes once per
 *     block of sectors (we ask for 8, a page, with SET MULTIPLE MODE), so
 *     the status handshake happens once a page instead of eight times.
 *   Bus-master DMA (READ/WRITE DMA): the IDE controller itself copies
 *     between the drive and memory, following a list of physical regions
 *     we leave in memory, and the drive interrupts when it is done.  The
 *     CPU does no copying and the issuing thread sleeps meanwhile.
 *
 * ata_read_pages/ata_write_pages use the fastest way the hardware has;
 * a failed DMA command is tried once more by DMA, then once by PIO
 * (pages_command).
 *
 * Waiting.  Every PIO wait polls the status register with nIEN set.  A
 * DMA command is waited for by sleeping on a semaphore that the IRQ 14
 * handler raises, when the caller is a thread with interrupts on; else
 * (boot, interrupts off in the caller) by polling the bus master.  Every
 * wait is bounded (a fixed number of status reads, and five seconds of
 * PIT ticks, which a watchdog on the PIT tick enforces for sleepers): a
 * drive that never answers costs a timeout, a bus reset and -E_IO, never
 * a hung kernel.
 *
 * Each status read after a drive select or a command waits 400 ns first
 * (four reads of the alternate status port, 100 ns or more each): the
 * drive needs that long before its status reflects the new state.
 *
 * The file reads top down: registers and state; the task file and its
 * waits, errors and resets; PIO; the bus master and IRQ 14; the public
 * calls; IDENTIFY and finding the controller on PCI (drivers/pci.c). */
#include "drivers/ata.h"
#include "drivers/pci.h"
#include "kernel/pic.h"
#include "kernel/pit.h"
#include "kernel/panic.h"
#include "kernel/sync.h"
#include "kernel/thread.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/memlayout.h"

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
#define ATA_IRQ         14      /* the primary channel's interrupt line */

/* Drive register: bits 7 and 5 are always 1, bit 6 selects LBA
 * addressing, bit 4 the slave (unit 1); the low nibble is LBA 24-27. */
#define DRIVE_LBA       0xE0
#define DRIVE_UNIT_BIT  4

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
#define CMD_READ_MULT   0xC4    /* READ MULTIPLE: PIO, a DRQ per block */
#define CMD_WRITE_MULT  0xC5    /* WRITE MULTIPLE */
#define CMD_SET_MULT    0xC6    /* SET MULTIPLE MODE: block size in the count */
#define CMD_READ_DMA    0xC8    /* READ DMA, LBA28 */
#define CMD_WRITE_DMA   0xCA    /* WRITE DMA, LBA28 */
#define CMD_FLUSH       0xE7    /* FLUSH CACHE */
#define CMD_IDENTIFY    0xEC

/* IDENTIFY words we use. */
#define ID_MULTIPLE     47      /* bits 0-7: largest block READ/WRITE MULTIPLE takes */
#define ID_CAPS         49      /* bit 8: DMA supported; bit 9: LBA supported */

#define MAX_PER_CMD     256u    /* a sector count of 0 means 256 */
#define LBA28_LIMIT     (1u << 28)
#define WORDS_PER_SECTOR (ATA_SECTOR_SIZE / 2)

/* Timeouts.  One turn of the poll loop costs 0.1-0.17 us under QEMU's
 * TCG (more under KVM, where each status read exits to the host), so
 * POLL_MAX turns end a wait after 3-5 seconds, even with interrupts off
 * when the PIT does not tick; TIMEOUT_TICKS is the same limit by the
 * clock, for when polling is slower, and for a thread asleep on a DMA
 * command.  A cache flush may wait for the host's fsync, so it gets
 * FLUSH_TRIES such waits. */
#define POLL_MAX        30000000u
#define TIMEOUT_TICKS   (5 * PIT_HZ)
#define FLUSH_TRIES     6

/* The bus master (SFF-8038i, as the PIIX implements it).  The IDE
 * controller is a PCI function of class 01 (storage), subclass 01 (IDE);
 * its BAR4 holds 16 I/O ports, 8 per channel, the primary's first:
 *
 *   +0  command   bit 0 start/stop: set, the controller follows the PRD
 *                 table; cleared, it stops (abandoning a transfer).
 *                 Bit 3 direction, as the controller sees it: 1 = the
 *                 bus master WRITES memory, which is a disk READ; 0 =
 *                 it reads memory, a disk write.  Change the direction
 *                 and the table pointer only while stopped.
 *   +2  status    bit 0 active: set by start, cleared when the last
 *                 region is done; bit 1 error (a PCI abort while
 *                 transferring); bit 2 interrupt: the drive raised its
 *                 interrupt line.  Bits 1 and 2 are cleared by writing
 *                 1 to them.  Bits 5 and 6 are "drive 0/1 can do DMA",
 *                 notes for software that the hardware ignores.
 *   +4  PRD table pointer: the physical address of the table, 4-aligned
 *
 * On a normal end the drive interrupts with active already clear; with
 * active still set, the table promised more memory than the command
 * moved (ours never does).  The drive's interrupt sets bit 2 only when
 * nIEN is clear: with nIEN set, completion shows as active dropping. */
#define BM_CMD          0
#define BM_STATUS       2
#define BM_PRDT         4
#define BM_CMD_START    0x01
#define BM_CMD_TOMEM    0x08
#define BM_ST_ACTIVE    0x01
#define BM_ST_ERR       0x02
#define BM_ST_INT       0x04
#define BM_ST_DRV0_DMA  0x20    /* the master can do DMA */
#define BM_ST_DRV1_DMA  0x40    /* the slave can do DMA */
#define BM_ST_CLEAR     (BM_ST_DRV0_DMA | BM_ST_DRV1_DMA | BM_ST_INT | BM_ST_ERR)

/* Prog-if (PCI_CLASS bits 8-15) of an IDE controller: bit 0 set means
 * the primary channel is in PCI native mode (ports in BAR0/BAR1 and a
 * PCI interrupt) instead of at 0x1F0 with IRQ 14, which this driver
 * assumes; bit 7 means there is a bus master. */
#define PROGIF_PRI_NATIVE 0x01
#define PROGIF_BUSMASTER  0x80
#define BM_BAR            4     /* the BAR that holds the bus master's ports */

/* A Physical Region Descriptor: one piece of memory of a DMA transfer.
 * BYTES must be even, and 0 means 64 KiB; a region may not cross a
 * 64 KiB boundary (the controller's address counter carries only in its
 * low 16 bits).  Bit 15 of the last word (bit 31 of the second dword)
 * marks the table's last entry.
 * We use one entry per page: a 4 KiB page at a 4 KiB-aligned address
 * never crosses such a boundary. */
struct prd {
    uint32_t addr;              /* physical address of the region */
    uint16_t bytes;             /* its length */
    uint16_t flags;             /* PRD_EOT on the last entry */
};
#define PRD_EOT         0x8000

/* The PRD table, as the controller reads it: physical memory, 4-byte
 * aligned, and not crossing a 64 KiB boundary.  Aligning it to its own
 * size (256 bytes, a divisor of 64 KiB) guarantees both.  It lives in
 * the kernel image, which is mapped one-to-one (mm/memlayout.h), so its
 * address is its physical address. */
static struct prd prdt[ATA_DMA_MAX_PAGES] __attribute__((aligned(256)));
_Static_assert(sizeof prdt == 256, "the PRD table must fill its alignment");
_Static_assert(ATA_DMA_MAX_PAGES * ATA_PAGE_SECTORS == MAX_PER_CMD,
               "a DMA command moves at most 256 sectors");

/* What ata_init found of each drive (ATA_MASTER, ATA_SLAVE). */
struct drive {
    const char *name;           /* "primary master", "primary slave": for messages */
    int present;                /* ata_init found an ATA disk here */
    uint32_t nsectors;          /* its size, from IDENTIFY words 60-61 */
    char model[41];             /* IDENTIFY words 27-46, trailing blanks cut */
    int dma_ok;                 /* IDENTIFY says it does DMA */
    int mult_ok;                /* it does READ/WRITE MULTIPLE of a page */
    int mult_on;                /* the PIO page calls use it (ata_set_multiple) */
    int mult_stale;             /* the block size must be set (again) first */
};
static struct drive drives[ATA_DRIVES] = { { .name = "primary master" },
                                           { .name = "primary slave" } };
static struct ata_stats stats;  /* both drives' */
static struct mutex disk_lock = MUTEX_INIT("disk", LOCK_DISK);

static uint16_t bm_base;        /* the primary channel's bus master, 0: none */
static int dma_on;              /* the page calls use DMA (ata_set_dma) */

/* A DMA command waited for by sleeping.  The issuer arms it; the first
 * of the IRQ handler and the watchdog to see it disarms it and raises
 * dma_done, exactly once per command.  Both run with interrupts off. */
static int irq_ready;           /* handler, watchdog and semaphore installed */
static struct semaphore dma_done;
static volatile int inflight;   /* armed: a sleeper waits for the interrupt */
static volatile uint32_t armed_at;  /* PIT tick it was armed at */
static volatile int timed_out;  /* the watchdog, not the drive, woke it */
static volatile uint8_t irq_bmst, irq_st;   /* what the handler read */

/* One call's worth of sectors: where they go on the disk and in memory. */
struct req {
    struct drive *d;                /* the drive */
    int write;                      /* 1: memory to disk */
    uint32_t lba;                   /* first sector */
    uint32_t count;                 /* sectors in all */
    uint8_t *buf;                   /* ata_read/ata_write: one buffer ... */
    const struct ata_page *pages;   /* ... or pages of 8 sectors (buf 0) */
    uint32_t done;                  /* sectors moved and acknowledged so far */
};

/* Where sector I of request R is in memory. */
static uint8_t *sector_at(const struct req *r, uint32_t i)
{
    if (r->buf)
        return r->buf + i * ATA_SECTOR_SIZE;
    uint8_t *page = r->pages[i / ATA_PAGE_SECTORS].va;
    return page + (i % ATA_PAGE_SECTORS) * ATA_SECTOR_SIZE;
}

/* The 400 ns the drive needs after a select or a command before its
 * status register means anything: four reads of alternate status. */
static void delay400(void)
{
    for (int i = 0; i < 4; i++)
        inb(ATA_ALTSTATUS);
}

/* Call DONE(ARG, LAST) until it returns non-zero; it stores the register
 * it looked at in *LAST.  Returns 0, or -E_IO when POLL_MAX turns or
 * TIMEOUT_TICKS ticks have passed. */
static int poll_until(int (*done)(uint32_t arg, uint8_t *last), uint32_t arg, uint8_t *last)
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

/* Poll until the drive is not busy and, if NEED is non-zero, also shows
 * one of the bits in NEED (or ERR or DF).  Stores the last status read
 * in *ST.  Returns 0, or -E_IO on timeout. */
static int wait_status(uint8_t need, uint8_t *st)
{
    return poll_until(drive_settled, need, st);
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
 * from a clean state.  The bus master is stopped first, abandoning any
 * transfer.  SRST resets both drives (every command selects its drive
 * again anyway); it may also change their multiple block size (QEMU
 * puts back its default, 16), so that is set again before each drive's
 * next READ/WRITE MULTIPLE. */
static void reset_bus(void)
{
    uint8_t st;
    if (bm_base) {
        outb(bm_base + BM_CMD, 0);
        outb(bm_base + BM_STATUS, BM_ST_CLEAR);
    }
    outb(ATA_CONTROL, CTRL_NIEN | CTRL_SRST);
    for (int i = 0; i < 50; i++)        /* SRST must be held >= 5 us */
        inb(ATA_ALTSTATUS);
    outb(ATA_CONTROL, CTRL_NIEN);
    delay400();
    wait_status(0, &st);
    for (uint32_t u = 0; u < ATA_DRIVES; u++)
        drives[u].mult_stale = 1;
}

/* Write "LBA x" or "LBA x-y" for N sectors from LBA into BUF. */
static void lba_range(char *buf, int size, uint32_t lba, uint32_t n)
{
    if (n <= 1)
        ksnprintf(buf, size, "LBA %u", lba);
    else
        ksnprintf(buf, size, "LBA %u-%u", lba, lba + n - 1);
}

/* Count a failed command of request R (0 for commands that move no
 * data) that names sector LBA first, and return -E_IO. */
static int failed(const struct req *r, uint32_t lba)
{
    stats.errors++;
    stats.fail_lba = lba;
    stats.fail_done = r ? r->done : 0;
    return -E_IO;
}

/* The drive failed while WHAT-ing the N sectors at LBA with status ST
 * (BMST: the bus master's status, or -1 for PIO): print one line with
 * the error register decoded and, for a write, how many sectors of the
 * request were written before (before the command, for DMA: the drive
 * does not say how far a failed DMA command got); count it; return
 * -E_IO. */
static int device_error(const struct req *r, const char *what, uint32_t lba, uint32_t n,
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
    return failed(r, lba);
}

/* The drive did not answer while WHAT-ing the N sectors at LBA (last
 * status ST): print, count, reset the bus, return -E_IO. */
static int timeout(const struct req *r, const char *what, uint32_t lba, uint32_t n,
                   uint8_t st)
{
    char where[32];
    lba_range(where, sizeof where, lba, n);
    kprintf("ata: %s timed out at %s (status 0x%x); resetting the bus\n", what, where, st);
    reset_bus();
    return failed(r, lba);
}

/* The drive register's value that selects drive D, with LBA's top nibble. */
static uint8_t drive_bits(const struct drive *d, uint32_t lba)
{
    return (uint8_t)(DRIVE_LBA | (uint32_t)(d - drives) << DRIVE_UNIT_BIT | ((lba >> 24) & 0x0F));
}

/* Select drive D for LBA's top nibble and wait until it can take a
 * command (R: the request, or 0 for a command that moves no data).  A
 * drive that still offers data (DRQ) from an earlier, abandoned command
 * would ignore the new one and hand us the stale sectors, so the bus is
 * reset first.  Returns 0 or -E_IO (reported). */
static int select_drive(struct drive *d, const struct req *r, uint32_t lba, const char *what)
{
    uint8_t st;
    for (int tries = 0; tries < 2; tries++) {
        outb(ATA_DRIVE, drive_bits(d, lba));
        delay400();
        if (wait_status(0, &st) < 0)
            return timeout(r, what, lba, 1, st);
        if (!(st & ST_DRQ))
            return 0;
        kprintf("ata: %s at LBA %u: drive still holds data of an earlier command "
                "(status 0x%x); resetting the bus\n", what, lba, st);
        reset_bus();
    }
    return failed(r, lba);
}

/* Fill in the task file of drive D and start command CMD for N (1..256)
 * sectors at LBA (R: the request, or 0).  Returns 0 or -E_IO (reported). */
static int start_command(struct drive *d, const struct req *r, uint8_t cmd, uint32_t lba,
                         uint32_t n, const char *what)
{
    int rc = select_drive(d, r, lba, what);
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

/* ---- PIO ---------------------------------------------------------- */

/* Move sectors FIRST .. FIRST+N-1 (N <= 256) of request R with one PIO
 * command, BLOCK sectors per DRQ: 1 is READ/WRITE SECTORS, more is
 * READ/WRITE MULTIPLE (the drive's block size must be BLOCK).  The
 * status is checked before and after every block: a read block is
 * announced by DRQ, and its error by ERR/DF at that point; a written
 * block is acknowledged (or refused) when BSY drops after its data,
 * before the next block goes out, so a write error names its block and
 * R->done counts exactly the sectors written before it.  Returns 0 or
 * -E_IO (reported). */
static int pio_command(struct req *r, uint32_t first, uint32_t n, uint32_t block)
{
    static const uint8_t cmds[2][2] = { { CMD_READ, CMD_READ_MULT },
                                        { CMD_WRITE, CMD_WRITE_MULT } };
    const char *what = r->write ? "write" : "read";
    uint32_t lba = r->lba + first;
    uint8_t st;
    int rc = start_command(r->d, r, cmds[r->write][block > 1], lba, n, what);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < n; i += block) {
        uint32_t b = n - i < block ? n - i : block;
        if (wait_status(ST_DRQ, &st) < 0)
            return timeout(r, what, lba + i, b, st);
        if (st & (ST_ERR | ST_DF))
            return device_error(r, what, lba + i, b, st, -1);
        for (uint32_t k = 0; k < b; k++) {
            uint8_t *p = sector_at(r, first + i + k);
            if (r->write)
                outsw(ATA_DATA, p, WORDS_PER_SECTOR);
            else
                insw(ATA_DATA, p, WORDS_PER_SECTOR);
        }
        delay400();
        if (r->write) {
            if (wait_status(0, &st) < 0)
                return timeout(r, what, lba + i, b, st);
            if (st & (ST_ERR | ST_DF))
                return device_error(r, what, lba + i, b, st, -1);
            stats.sectors_written += b;
        } else {
            stats.sectors_read += b;
        }
        r->done += b;
    }
    /* After the last sector the drive must be idle, error-free and have
     * no more data to offer. */
    if (wait_status(0, &st) < 0)
        return timeout(r, what, lba + n - 1, 1, st);
    if (st & (ST_ERR | ST_DF))
        return device_error(r, what, lba + n - 1, 1, st, -1);
    if (st & ST_DRQ) {
        kprintf("ata: %s of %u sectors at LBA %u: drive still has DRQ set "
                "(status 0x%x)\n", what, n, lba, st);
        reset_bus();
        return failed(r, lba);
    }
    return 0;
}

/* Tell drive D to move a page (8 sectors) per DRQ block in READ/WRITE
 * MULTIPLE.  Returns 0 or -E_IO (reported). */
static int set_multiple(struct drive *d)
{
    uint8_t st;
    int rc = start_command(d, 0, CMD_SET_MULT, 0, ATA_PAGE_SECTORS, "SET MULTIPLE MODE");
    if (rc < 0)
        return rc;
    if (wait_status(0, &st) < 0)
        return timeout(0, "SET MULTIPLE MODE", 0, 0, st);
    if (st & (ST_ERR | ST_DF))
        return device_error(0, "SET MULTIPLE MODE", 0, 0, st, -1);
    d->mult_stale = 0;
    return 0;
}

/* Move pages FIRST/8 .. of request R, N sectors, by PIO: a page per
 * block if multiple mode is on (set again after a reset), else a sector
 * at a time.  Returns 0 or -E_IO (reported). */
static int pio_pages(struct req *r, uint32_t first, uint32_t n)
{
    struct drive *d = r->d;
    if (d->mult_on && d->mult_stale && set_multiple(d) < 0) {
        kprintf("ata: the %s refused a block size of %u; PIO a sector at a time "
                "from now on\n", d->name, ATA_PAGE_SECTORS);
        d->mult_ok = d->mult_on = 0;
    }
    return pio_command(r, first, n, d->mult_on ? ATA_PAGE_SECTORS : 1);
}

/* ---- Bus-master DMA ----------------------------------------------- */

/* IRQ 14: the drive has finished a command (nIEN is clear only while an
 * armed DMA command runs).  Reading the bus master's status tells
 * whether the interrupt is the drive's; writing its INT bit back clears
 * the bit, and reading the drive's status register lowers the drive's
 * interrupt line.  trap() has already acknowledged the PIC. */
static int ata_irq(struct trapframe *tf)
{
    (void)tf;
    stats.irqs++;
    uint8_t b = inb(bm_base + BM_STATUS);
    if (!(b & BM_ST_INT))
        return 1;                       /* not the drive's interrupt */
    outb(bm_base + BM_STATUS, BM_ST_CLEAR);
    uint8_t st = inb(ATA_STATUS);
    if (!inflight)
        return 1;                       /* late: the watchdog gave up on it */
    irq_bmst = b;
    irq_st = st;
    inflight = 0;
    sema_up(&dma_done);
    return 1;
}

/* On every PIT tick: wake a sleeper whose drive has not answered in
 * TIMEOUT_TICKS. */
static void watchdog(void)
{
    if (inflight && pit_ticks() - armed_at > TIMEOUT_TICKS) {
        inflight = 0;
        timed_out = 1;
        sema_up(&dma_done);
    }
}

/* May the caller sleep until IRQ 14?  Only a thread, with interrupts on
 * (else the interrupt could not come, and the boot and panic paths have
 * none of either). */
static int can_sleep(void)
{
    return irq_ready && thread_current() && (read_eflags() & EFLAGS_IF);
}

/* Arm the wait for the next command's interrupt. */
static void arm(void)
{
    timed_out = 0;
    armed_at = pit_ticks();
    inflight = 1;
}

/* Take back an armed wait whose command never started.  With interrupts
 * off neither the handler nor the watchdog can raise the semaphore any
 * more, so setting its count to 0 drops any raise already made. */
static void disarm(void)
{
    uint32_t fl = read_eflags();
    cli();
    inflight = 0;
    sema_init(&dma_done, "ata dma", 0);
    if (fl & EFLAGS_IF)
        sti();
}

/* Has a polled DMA command ended: the bus master done (active dropped),
 * or the drive stopped with an error before any data moved (the bus
 * master then waits for data forever)?  Stores the bus master's status
 * in *BMST. */
static int dma_ended(uint32_t unused, uint8_t *bmst)
{
    (void)unused;
    uint8_t b = inb(bm_base + BM_STATUS);
    *bmst = b;
    if (!(b & BM_ST_ACTIVE) || (b & BM_ST_INT))
        return 1;
    uint8_t s = inb(ATA_ALTSTATUS);
    return !(s & ST_BSY) && (s & (ST_ERR | ST_DF));
}

/* Wait for the end of the started DMA command: asleep if SLEEP (armed),
 * else polling.  Stores the bus master's and the drive's final status
 * in *BMST and *ST.  Returns 0, or -E_IO on timeout (not reported). */
static int dma_wait(int sleep, uint8_t *bmst, uint8_t *st)
{
    if (sleep) {
        sema_down(&dma_done);
        stats.irq_waits++;
        if (timed_out) {
            *bmst = inb(bm_base + BM_STATUS);
            *st = inb(ATA_ALTSTATUS);
            return -E_IO;
        }
        *bmst = irq_bmst;
        *st = irq_st;
        return 0;
    }
    int rc = poll_until(dma_ended, 0, bmst);
    stats.poll_waits++;
    if (rc == 0)
        rc = wait_status(0, st);
    else
        *st = inb(ATA_ALTSTATUS);
    outb(bm_base + BM_STATUS, BM_ST_CLEAR);
    return rc;
}

/* Move the N sectors (N / 8 pages) from sector FIRST of request R with
 * one READ DMA or WRITE DMA command, following the steps SFF-8038i
 * prescribes: PRD table, pointer and direction, clear the status, the
 * command to the drive, start the bus master; at the end stop it, then
 * read its status and the drive's.  Returns 0 or -E_IO (reported). */
static int dma_command(struct req *r, uint32_t first, uint32_t n)
{
    const char *what = r->write ? "DMA write" : "DMA read";
    uint32_t lba = r->lba + first, npages = n / ATA_PAGE_SECTORS;
    const struct ata_page *pg = &r->pages[first / ATA_PAGE_SECTORS];
    uint8_t dir = r->write ? 0 : BM_CMD_TOMEM, bmst, st;

    for (uint32_t i = 0; i < npages; i++)
        prdt[i] = (struct prd){ pg[i].pa, PAGE_SIZE, i + 1 == npages ? PRD_EOT : 0 };
    /* outb() does not tell the compiler it reads memory: without this the
     * table could still be in registers when the controller fetches it.
     * (The CPU itself drains its stores before an OUT.) */
    asm volatile("" : : : "memory");
    outb(bm_base + BM_CMD, 0);
    outl(bm_base + BM_PRDT, (uint32_t)prdt);
    outb(bm_base + BM_CMD, dir);
    outb(bm_base + BM_STATUS, BM_ST_CLEAR);

    int sleep = can_sleep();
    outb(ATA_CONTROL, sleep ? 0 : CTRL_NIEN);   /* the interrupt only if we sleep on it */
    if (sleep)
        arm();
    int rc = start_command(r->d, r, r->write ? CMD_WRITE_DMA : CMD_READ_DMA, lba, n, what);
    if (rc < 0) {
        if (sleep)
            disarm();
        outb(ATA_CONTROL, CTRL_NIEN);
        return rc;
    }
    stats.dma_cmds++;
    outb(bm_base + BM_CMD, dir | BM_CMD_START);
    rc = dma_wait(sleep, &bmst, &st);
    outb(bm_base + BM_CMD, dir);                /* stop: the transfer is over */
    outb(ATA_CONTROL, CTRL_NIEN);
    if (rc < 0)
        return timeout(r, what, lba, n, st);
    if ((bmst & BM_ST_ERR) || (st & (ST_ERR | ST_DF)))
        return device_error(r, what, lba, n, st, bmst);
    if ((bmst & BM_ST_ACTIVE) || (st & ST_DRQ)) {
        kprintf("ata: %s of LBA %u-%u did not end cleanly: bus master status 0x%x, "
                "status 0x%x\n", what, lba, lba + n - 1, bmst, st);
        reset_bus();
        return failed(r, lba);
    }
    if (r->write)
        stats.sectors_written += n;
    else
        stats.sectors_read += n;
    r->done += n;
    return 0;
}

/* Move the N sectors from sector FIRST of page request R (one command's
 * worth): by DMA if it is on and the drive does it, and if that fails,
 * once more by DMA, then once by PIO; by PIO alone if not.  Returns 0 or
 * -E_IO. */
static int pages_command(struct req *r, uint32_t first, uint32_t n)
{
    for (int attempt = 1; dma_on && r->d->dma_ok && attempt <= 2; attempt++) {
        r->done = first;
        if (dma_command(r, first, n) == 0)
            return 0;
        stats.retries++;
        kprintf("ata: DMA %s of LBA %u-%u failed; retrying by %s\n",
                r->write ? "write" : "read", r->lba + first, r->lba + first + n - 1,
                attempt == 1 ? "DMA" : "PIO");
    }
    r->done = first;
    return pio_pages(r, first, n);
}

/* ---- The calls ---------------------------------------------------- */

/* Drive UNIT, or 0 (with a message naming FN) if UNIT is neither
 * ATA_MASTER nor ATA_SLAVE. */
static struct drive *drive_of(const char *fn, unsigned unit)
{
    if (unit < ATA_DRIVES)
        return &drives[unit];
    kprintf("%s: there is no drive %u (ATA_MASTER is 0, ATA_SLAVE 1)\n", fn, unit);
    return 0;
}

/* Check a request from a public entry point for drive UNIT.  Returns 0
 * if it may go to the disk, -E_IO if there is none, -E_INVAL (with a
 * message) if the request is malformed, names no drive or runs past the
 * end of the disk. */
static int check_request(const char *fn, unsigned unit, uint32_t lba, uint32_t count,
                         const void *buf)
{
    struct drive *d = drive_of(fn, unit);
    if (!d)
        return -E_INVAL;
    if (!d->present) {
        kprintf("%s: no disk on the %s (ata_init did not find one)\n", fn, d->name);
        return -E_IO;
    }
    if (count == 0 || buf == 0) {
        kprintf("%s: bad request: %u sectors at LBA %u, buffer %p\n", fn, count, lba, buf);
        return -E_INVAL;
    }
    if (lba >= d->nsectors || count > d->nsectors - lba) {
        kprintf("%s: %u sectors at LBA %u run past the end of the disk (%u sectors)\n",
                fn, count, lba, d->nsectors);
        return -E_INVAL;
    }
    return 0;
}

/* Move every sector of R, in commands of at most MAX_PER_CMD sectors.
 * The disk lock must be held.  Returns 0 or the first command's error. */
static int run(struct req *r)
{
    int rc = 0;
    for (uint32_t first = 0; rc == 0 && first < r->count; first += MAX_PER_CMD) {
        uint32_t n = r->count - first < MAX_PER_CMD ? r->count - first : MAX_PER_CMD;
        rc = r->pages ? pages_command(r, first, n) : pio_command(r, first, n, 1);
    }
    return rc;
}

int ata_read(unsigned unit, uint32_t lba, uint32_t count, void *buf)
{
    int rc = check_request("ata_read", unit, lba, count, buf);
    if (rc < 0)
        return rc;
    struct req r = { &drives[unit], 0, lba, count, buf, 0, 0 };
    mutex_lock(&disk_lock);
    rc = run(&r);
    mutex_unlock(&disk_lock);
    return rc;
}

/* Ask drive D to put its write cache on the medium.  Returns 0 or -E_IO. */
static int flush_cache(struct drive *d, uint32_t lba)
{
    uint8_t st;
    int rc = select_drive(d, 0, lba, "cache flush");
    if (rc < 0)
        return rc;
    outb(ATA_COMMAND, CMD_FLUSH);
    delay400();
    for (int i = 0; (rc = wait_status(0, &st)) < 0; i++)
        if (i + 1 == FLUSH_TRIES)
            return timeout(0, "cache flush", lba, 1, st);
    if (st & (ST_ERR | ST_DF))
        return device_error(0, "cache flush", lba, 1, st, -1);
    return 0;
}

int ata_write(unsigned unit, uint32_t lba, uint32_t count, const void *buf)
{
    int rc = check_request("ata_write", unit, lba, count, buf);
    if (rc < 0)
        return rc;
    struct req r = { &drives[unit], 1, lba, count, (uint8_t *)buf, 0, 0 };  /* buf is only read */
    mutex_lock(&disk_lock);
    rc = run(&r);
    if (rc == 0)
        rc = flush_cache(r.d, lba);
    mutex_unlock(&disk_lock);
    return rc;
}

/* The page calls: check every page, then run the request.  FN names the
 * caller in messages. */
static int pages_io(const char *fn, unsigned unit, int write, uint32_t lba,
                    const struct ata_page *pages, uint32_t npages)
{
    /* A count too large for 32 bits is past the end of any LBA28 disk. */
    uint32_t count = npages > UINT32_MAX / ATA_PAGE_SECTORS ? UINT32_MAX
                                                           : npages * ATA_PAGE_SECTORS;
    int rc = check_request(fn, unit, lba, count, pages);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < npages; i++) {
        if (pages[i].pa == 0 || pages[i].pa % PAGE_SIZE || pages[i].va == 0 ||
            (uint32_t)pages[i].va % PAGE_SIZE) {
            kprintf("%s: page %u of %u: physical address 0x%x, virtual %p: both must be "
                    "non-zero and page-aligned\n", fn, i, npages, pages[i].pa, pages[i].va);
            return -E_INVAL;
        }
    }
    struct req r = { &drives[unit], write, lba, count, 0, pages, 0 };
    mutex_lock(&disk_lock);
    rc = run(&r);
    mutex_unlock(&disk_lock);
    return rc;
}

int ata_read_pages(unsigned unit, uint32_t lba, const struct ata_page *pages, uint32_t npages)
{
    return pages_io("ata_read_pages", unit, 0, lba, pages, npages);
}

int ata_write_pages(unsigned unit, uint32_t lba, const struct ata_page *pages, uint32_t npages)
{
    return pages_io("ata_write_pages", unit, 1, lba, pages, npages);
}

int ata_set_dma(int on)
{
    dma_on = on && bm_base;
    return dma_on;
}

int ata_set_multiple(unsigned unit, int on)
{
    struct drive *d = drive_of("ata_set_multiple", unit);
    if (!d)
        return 0;
    d->mult_on = on && d->mult_ok;
    return d->mult_on;
}

/* ---- Finding the disk and the controller -------------------------- */

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

/* Send IDENTIFY to drive D and read its 256 words into ID.  Returns 0,
 * or -E_IO (with a message) if no ATA disk answers. */
static int identify(struct drive *d, uint16_t *id)
{
    uint8_t st;
    outb(ATA_CONTROL, CTRL_NIEN);
    outb(ATA_DRIVE, drive_bits(d, 0));
    delay400();
    st = inb(ATA_STATUS);
    if (st == 0xFF) {               /* pulled-up data lines: nothing there */
        kprintf("ata: no disk: floating bus on the primary IDE channel (status 0xff)\n");
        return -E_IO;
    }
    if (wait_status(0, &st) < 0) {
        kprintf("ata: no disk: %s stays busy (status 0x%x)\n", d->name, st);
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
        kprintf("ata: no disk on the IDE %s (status 0x%x after IDENTIFY)\n", d->name, st);
        return -E_IO;
    }
    if (wait_status(0, &st) < 0) {
        kprintf("ata: no disk: %s did not answer IDENTIFY (status 0x%x)\n", d->name, st);
        reset_bus();
        return -E_IO;
    }
    /* ATAPI and SATA devices abort IDENTIFY and leave a signature here. */
    uint8_t sig1 = inb(ATA_LBA1), sig2 = inb(ATA_LBA2);
    if (sig1 || sig2) {
        kprintf("ata: %s is not an ATA disk (signature 0x%x%x)\n", d->name, sig2, sig1);
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
    return 0;
}

/* Find the IDE controller's bus master for the primary channel: the
 * first PCI function of class 01/01, in compatibility mode (so that its
 * primary channel is the one at 0x1F0 and IRQ 14), with a bus master
 * and an I/O BAR4.  Let it decode its I/O ports and master the bus.
 * Returns the bus master's I/O base, or 0 (saying why) if there is none.
 *
 * Real hardware would also need the drive's DMA mode chosen (SET
 * FEATURES) and the PIIX's timing registers programmed; QEMU needs
 * neither, and we leave both as the BIOS left them. */
static uint16_t find_bus_master(void)
{
    struct pci_dev d;
    if (!pci_find_class(PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, &d)) {
        kprintf("ata: no PCI IDE controller: no DMA\n");
        return 0;
    }
    uint8_t progif = (pci_read(d, PCI_CLASS) >> 8) & 0xFF;
    uint16_t base = pci_bar_io(d, BM_BAR);
    if ((progif & PROGIF_PRI_NATIVE) || !(progif & PROGIF_BUSMASTER) || !base) {
        kprintf("ata: IDE controller %u:%u.%u (prog-if 0x%x, BAR4 0x%x) has no usable "
                "bus master for the legacy primary channel: no DMA\n", d.bus, d.dev, d.fn,
                progif, pci_read(d, PCI_BAR0 + 4 * BM_BAR));
        return 0;
    }
    pci_enable(d, PCI_CMD_IO | PCI_CMD_MASTER);
    return base;
}

/* Set up DMA for drive D if it (IDENTIFY in ID) and the controller can:
 * the bus master stopped, its status clear, and, once, IRQ 14's handler,
 * the watchdog and the semaphore.  Leaves D->dma_ok 0 if not, and
 * bm_base 0 if there is no bus master. */
static void setup_dma(struct drive *d, const uint16_t *id)
{
    d->dma_ok = 0;
    if (!(id[ID_CAPS] & (1u << 8))) {
        kprintf("ata: the %s does not do DMA\n", d->name);
        return;
    }
    bm_base = 0;
    uint16_t base = find_bus_master();
    if (!base)
        return;
    if ((uint32_t)prdt + sizeof prdt > IDENTITY_END)
        panic("ata: PRD table at %p is outside the identity-mapped kernel", (void *)prdt);
    outb(base + BM_CMD, 0);
    outb(base + BM_STATUS, BM_ST_CLEAR);
    bm_base = base;
    d->dma_ok = 1;
    if (!irq_ready) {
        sema_init(&dma_done, "ata dma", 0);
        trap_register(T_IRQ0 + ATA_IRQ, ata_irq);
        pit_add_hook(watchdog);
        pic_unmask(ATA_IRQ);
        irq_ready = 1;
    }
}

int ata_init(unsigned unit)
{
    static uint16_t id[256];        /* the IDENTIFY sector */
    struct drive *d = drive_of("ata_init", unit);
    if (!d)
        return -E_INVAL;

    mutex_lock(&disk_lock);
    d->present = 0;
    d->nsectors = 0;
    d->model[0] = 0;
    d->mult_ok = d->mult_on = d->dma_ok = 0;
    int rc = identify(d, id);
    if (rc < 0)
        goto out;
    rc = -E_IO;
    if (!(id[ID_CAPS] & (1u << 9))) {
        kprintf("ata: %s does not support LBA addressing\n", d->name);
        goto out;
    }
    uint32_t n = id[60] | ((uint32_t)id[61] << 16);    /* LBA28 sectors */
    if (n == 0 || n > LBA28_LIMIT) {
        kprintf("ata: %s reports %u LBA28 sectors\n", d->name, n);
        goto out;
    }
    d->nsectors = n;
    identify_string(id, 27, 20, d->model);
    d->present = 1;
    rc = 0;

    d->mult_ok = (id[ID_MULTIPLE] & 0xFF) >= ATA_PAGE_SECTORS && set_multiple(d) == 0;
    d->mult_on = d->mult_ok;
    setup_dma(d, id);
    dma_on = bm_base != 0;
    kprintf("ata: %s '%s': %u sectors (%u KiB), LBA28 PIO; pages by %s%s\n", d->name,
            d->model, d->nsectors, d->nsectors / 2,
            dma_on && d->dma_ok ? "bus-master DMA on IRQ 14, else " : "",
            d->mult_on ? "READ/WRITE MULTIPLE (8 sectors a block)" : "PIO a sector at a time");
out:
    mutex_unlock(&disk_lock);
    return rc;
}

uint32_t ata_sectors(unsigned unit)
{
    return unit < ATA_DRIVES && drives[unit].present ? drives[unit].nsectors : 0;
}

const char *ata_model(unsigned unit) { return unit < ATA_DRIVES ? drives[unit].model : ""; }

void ata_get_stats(struct ata_stats *out) { *out = stats; }
