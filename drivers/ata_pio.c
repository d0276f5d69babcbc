/* drivers/ata_pio.c - moving sectors through the data port (PIO).
 *
 * The CPU moves every word: for each sector (READ/WRITE SECTORS) or each
 * block of sectors (READ/WRITE MULTIPLE, a page a block) the drive raises
 * DRQ and 256 words per sector go through port 0x1F0.  ata_read and
 * ata_write always work this way; the page calls do when there is no
 * bus master, when DMA is turned off, and as the last try after DMA
 * failed twice (drivers/ata.c).  Built on the task file layer
 * (drivers/ata_taskfile.c); the layers are listed in drivers/ata_priv.h. */
#include "drivers/ata_priv.h"
#include "drivers/ata_regs.h"
#include "kernel/x86.h"
#include "lib/printf.h"

/* Where sector I of request R is in memory. */
static uint8_t *sector_at(const struct ata_req *r, uint32_t i)
{
    if (r->buf)
        return r->buf + i * ATA_SECTOR_SIZE;
    uint8_t *page = r->pages[i / ATA_PAGE_SECTORS].va;
    return page + (i % ATA_PAGE_SECTORS) * ATA_SECTOR_SIZE;
}

/* The status is checked before and after every block: a read block is
 * announced by DRQ, and its error by ERR/DF at that point; a written
 * block is acknowledged (or refused) when BSY drops after its data,
 * before the next block goes out, so a write error names its block and
 * R->done counts exactly the sectors written before it. */
int ata_pio_command(struct ata_req *r, uint32_t first, uint32_t n, uint32_t block)
{
    static const uint8_t cmds[2][2] = { { CMD_READ, CMD_READ_MULT },
                                        { CMD_WRITE, CMD_WRITE_MULT } };
    const char *what = r->write ? "write" : "read";
    uint32_t lba = r->lba + first;
    uint8_t st;
    int rc = ata_start_command(r, cmds[r->write][block > 1], lba, n, what);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < n; i += block) {
        uint32_t b = n - i < block ? n - i : block;
        if (ata_wait_status(ST_DRQ, &st) < 0)
            return ata_timeout(r, what, lba + i, b, st);
        if (st & (ST_ERR | ST_DF))
            return ata_device_error(r, what, lba + i, b, st, -1);
        for (uint32_t k = 0; k < b; k++) {
            uint8_t *p = sector_at(r, first + i + k);
            if (r->write)
                outsw(ATA_DATA, p, WORDS_PER_SECTOR);
            else
                insw(ATA_DATA, p, WORDS_PER_SECTOR);
        }
        ata_delay400();
        if (r->write) {
            if (ata_wait_status(0, &st) < 0)
                return ata_timeout(r, what, lba + i, b, st);
            if (st & (ST_ERR | ST_DF))
                return ata_device_error(r, what, lba + i, b, st, -1);
            ata_bus.stats.sectors_written += b;
        } else {
            ata_bus.stats.sectors_read += b;
        }
        r->done += b;
    }
    /* After the last sector the drive must be idle, error-free and have
     * no more data to offer. */
    if (ata_wait_status(0, &st) < 0)
        return ata_timeout(r, what, lba + n - 1, 1, st);
    if (st & (ST_ERR | ST_DF))
        return ata_device_error(r, what, lba + n - 1, 1, st, -1);
    if (st & ST_DRQ) {
        kprintf("ata: %s of %u sectors at LBA %u: drive still has DRQ set "
                "(status 0x%x)\n", what, n, lba, st);
        ata_reset_bus();
        return ata_failed(r, lba);
    }
    return 0;
}

/* The block size is set again after a bus reset (mult_stale); a drive
 * that refuses it is used a sector at a time from then on. */
int ata_pio_pages(struct ata_req *r, uint32_t first, uint32_t n)
{
    struct ata_drive *d = &ata_bus.drive[r->unit];
    if (d->mult_on && d->mult_stale && ata_set_block_size(r->unit) < 0) {
        kprintf("ata: the %s refused a block size of %u; PIO a sector at a time "
                "from now on\n", d->name, ATA_PAGE_SECTORS);
        d->mult_ok = d->mult_on = 0;
    }
    return ata_pio_command(r, first, n, d->mult_on ? ATA_PAGE_SECTORS : 1);
}
