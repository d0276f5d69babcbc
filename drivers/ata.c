/* drivers/ata.c - the IDE disks' driver: its calls (drivers/ata.h).
 *
 * The top layer of the driver for the IDE primary bus's two drives: the
 * slave is the swap disk (QEMU's `-drive ...,if=ide,index=1`,
 * mm/swap.c), the master a trace disk when one is attached (index=0,
 * tests/trace_in.c).  Each call names its drive (ATA_MASTER,
 * ATA_SLAVE), checks its request, takes the disk lock for its whole
 * length, and splits the request into commands of at most 256 sectors,
 * which the layers below carry out on that drive (drivers/ata_priv.h
 * lists them; the hardware is drawn in drivers/ata_regs.h):
 *
 *   ata_read, ata_write        a buffer in kernel memory, by PIO
 *                              (drivers/ata_pio.c); a write ends with a
 *                              FLUSH CACHE
 *   ata_read_pages,            whole physical pages, by bus-master DMA
 *   ata_write_pages            when there is a bus master (drivers/ata_dma.c),
 *                              else by PIO, a page per block when the
 *                              drive takes READ/WRITE MULTIPLE; a failed
 *                              DMA command is tried once more by DMA,
 *                              then once by PIO (pages_command)
 *
 * ata_init (drivers/ata_probe.c) finds a disk and fills in its entry of
 * ata_bus, the state every layer shares (each drive's, and the bus
 * master, DMA switch and counters the two have in common), which lives
 * here with the disk lock. */
#include "drivers/ata_priv.h"
#include "drivers/ata_regs.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/memlayout.h"

struct ata_bus ata_bus = { .drive = { { .name = "primary master" },
                                       { .name = "primary slave" } } };
struct mutex ata_disk_lock = MUTEX_INIT("disk", LOCK_DISK);

/* Move the N sectors from sector FIRST of page request R (one command's
 * worth): by DMA if it is on and R's drive does it, and if that fails,
 * once more by DMA, then once by PIO; by PIO alone if not.  Returns 0 or
 * -E_IO. */
static int pages_command(struct ata_req *r, uint32_t first, uint32_t n)
{
    int dma = ata_bus.dma_on && ata_bus.drive[r->unit].dma_ok;
    for (int attempt = 1; dma && attempt <= 2; attempt++) {
        r->done = first;
        if (ata_dma_command(r, first, n) == 0)
            return 0;
        ata_bus.stats.retries++;
        kprintf("ata: DMA %s of LBA %u-%u failed; retrying by %s\n",
                r->write ? "write" : "read", r->lba + first, r->lba + first + n - 1,
                attempt == 1 ? "DMA" : "PIO");
    }
    r->done = first;
    return ata_pio_pages(r, first, n);
}

/* Check a request from a public entry point for drive UNIT.  Returns 0
 * if it may go to the disk, -E_IO if there is none, -E_INVAL (with a
 * message) if the request is malformed, names no drive or runs past the
 * end of the disk. */
static int check_request(const char *fn, unsigned unit, uint32_t lba, uint32_t count,
                         const void *buf)
{
    struct ata_drive *d = ata_drive_of(fn, unit);
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
static int run(struct ata_req *r)
{
    int rc = 0;
    for (uint32_t first = 0; rc == 0 && first < r->count; first += MAX_PER_CMD) {
        uint32_t n = r->count - first < MAX_PER_CMD ? r->count - first : MAX_PER_CMD;
        rc = r->pages ? pages_command(r, first, n) : ata_pio_command(r, first, n, 1);
    }
    return rc;
}

int ata_read(unsigned unit, uint32_t lba, uint32_t count, void *buf)
{
    int rc = check_request("ata_read", unit, lba, count, buf);
    if (rc < 0)
        return rc;
    struct ata_req r = { unit, 0, lba, count, buf, 0, 0 };
    mutex_lock(&ata_disk_lock);
    rc = run(&r);
    mutex_unlock(&ata_disk_lock);
    return rc;
}

int ata_write(unsigned unit, uint32_t lba, uint32_t count, const void *buf)
{
    int rc = check_request("ata_write", unit, lba, count, buf);
    if (rc < 0)
        return rc;
    struct ata_req r = { unit, 1, lba, count, (uint8_t *)buf, 0, 0 };  /* buf is only read */
    mutex_lock(&ata_disk_lock);
    rc = run(&r);
    if (rc == 0)
        rc = ata_flush_cache(unit, lba);
    mutex_unlock(&ata_disk_lock);
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
    struct ata_req r = { unit, write, lba, count, 0, pages, 0 };
    mutex_lock(&ata_disk_lock);
    rc = run(&r);
    mutex_unlock(&ata_disk_lock);
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
    ata_bus.dma_on = on && ata_bus.bm_base;
    return ata_bus.dma_on;
}

int ata_set_multiple(unsigned unit, int on)
{
    struct ata_drive *d = ata_drive_of("ata_set_multiple", unit);
    if (!d)
        return 0;
    d->mult_on = on && d->mult_ok;
    return d->mult_on;
}

void ata_get_stats(struct ata_stats *out) { *out = ata_bus.stats; }
