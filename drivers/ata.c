/* drivers/ata.c - the swap disk's driver: its calls (drivers/ata.h).
 *
 * The top layer of the driver for the IDE primary bus's slave drive
 * (QEMU's `-drive ...,if=ide,index=1`).  Each call checks its request,
 * takes the disk lock for its whole length, and splits the request into
 * commands of at most 256 sectors, which the layers below carry out
 * (drivers/ata_priv.h lists them; the hardware is drawn in
 * drivers/ata_regs.h):
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
 * ata_init (drivers/ata_probe.c) finds the disk and fills in ata_drv,
 * the state every layer shares, which lives here with the disk lock. */
#include "drivers/ata_priv.h"
#include "drivers/ata_regs.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/memlayout.h"

struct ata_drive ata_drv;
struct mutex ata_disk_lock = MUTEX_INIT("disk", LOCK_DISK);

/* Move the N sectors from sector FIRST of page request R (one command's
 * worth): by DMA if it is on, and if that fails, once more by DMA, then
 * once by PIO; by PIO alone if not.  Returns 0 or -E_IO. */
static int pages_command(struct ata_req *r, uint32_t first, uint32_t n)
{
    for (int attempt = 1; ata_drv.dma_on && attempt <= 2; attempt++) {
        r->done = first;
        if (ata_dma_command(r, first, n) == 0)
            return 0;
        ata_drv.stats.retries++;
        kprintf("ata: DMA %s of LBA %u-%u failed; retrying by %s\n",
                r->write ? "write" : "read", r->lba + first, r->lba + first + n - 1,
                attempt == 1 ? "DMA" : "PIO");
    }
    r->done = first;
    return ata_pio_pages(r, first, n);
}

/* Check a request from a public entry point.  Returns 0 if it may go to
 * the disk, -E_IO if there is none, -E_INVAL (with a message) if the
 * request is malformed or runs past the end of the disk. */
static int check_request(const char *fn, uint32_t lba, uint32_t count, const void *buf)
{
    if (!ata_drv.present) {
        kprintf("%s: no disk (ata_init did not find one)\n", fn);
        return -E_IO;
    }
    if (count == 0 || buf == 0) {
        kprintf("%s: bad request: %u sectors at LBA %u, buffer %p\n", fn, count, lba, buf);
        return -E_INVAL;
    }
    if (lba >= ata_drv.nsectors || count > ata_drv.nsectors - lba) {
        kprintf("%s: %u sectors at LBA %u run past the end of the disk (%u sectors)\n",
                fn, count, lba, ata_drv.nsectors);
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

int ata_read(uint32_t lba, uint32_t count, void *buf)
{
    int rc = check_request("ata_read", lba, count, buf);
    if (rc < 0)
        return rc;
    struct ata_req r = { 0, lba, count, buf, 0, 0 };
    mutex_lock(&ata_disk_lock);
    rc = run(&r);
    mutex_unlock(&ata_disk_lock);
    return rc;
}

int ata_write(uint32_t lba, uint32_t count, const void *buf)
{
    int rc = check_request("ata_write", lba, count, buf);
    if (rc < 0)
        return rc;
    struct ata_req r = { 1, lba, count, (uint8_t *)buf, 0, 0 };    /* buf is only read */
    mutex_lock(&ata_disk_lock);
    rc = run(&r);
    if (rc == 0)
        rc = ata_flush_cache(lba);
    mutex_unlock(&ata_disk_lock);
    return rc;
}

/* The page calls: check every page, then run the request.  FN names the
 * caller in messages. */
static int pages_io(const char *fn, int write, uint32_t lba, const struct ata_page *pages,
                    uint32_t npages)
{
    /* A count too large for 32 bits is past the end of any LBA28 disk. */
    uint32_t count = npages > UINT32_MAX / ATA_PAGE_SECTORS ? UINT32_MAX
                                                           : npages * ATA_PAGE_SECTORS;
    int rc = check_request(fn, lba, count, pages);
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
    struct ata_req r = { write, lba, count, 0, pages, 0 };
    mutex_lock(&ata_disk_lock);
    rc = run(&r);
    mutex_unlock(&ata_disk_lock);
    return rc;
}

int ata_read_pages(uint32_t lba, const struct ata_page *pages, uint32_t npages)
{
    return pages_io("ata_read_pages", 0, lba, pages, npages);
}

int ata_write_pages(uint32_t lba, const struct ata_page *pages, uint32_t npages)
{
    return pages_io("ata_write_pages", 1, lba, pages, npages);
}

int ata_set_dma(int on)
{
    ata_drv.dma_on = on && ata_drv.bm_base;
    return ata_drv.dma_on;
}

int ata_set_multiple(int on)
{
    ata_drv.mult_on = on && ata_drv.mult_ok;
    return ata_drv.mult_on;
}

void ata_get_stats(struct ata_stats *out) { *out = ata_drv.stats; }
