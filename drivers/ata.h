/* drivers/ata.h - the swap disk: an ATA PIO driver for the IDE primary
 * bus slave.
 *
 * The pager (swap-out and swap-in) reads and writes 512-byte sectors
 * through ata_read/ata_write; vmstat reports ata_get_stats().  Every
 * call polls the drive to completion before it returns, so it is safe
 * from the page-fault handler, with interrupts off.  Nothing happens to
 * the disk until ata_init() has found it. */
#ifndef DRIVERS_ATA_H
#define DRIVERS_ATA_H

#include <stdint.h>

#define ATA_SECTOR_SIZE 512u

/* Running totals since boot, for vmstat. */
struct ata_stats {
    uint32_t sectors_read;      /* sectors transferred from the disk */
    uint32_t sectors_written;   /* sectors the disk accepted and acknowledged */
    uint32_t errors;            /* commands that failed: device error or timeout */
};

/* Find the disk with IDENTIFY and record its size and model.  Returns 0,
 * or -E_IO (with a message saying why) if there is no drive, it is not
 * an ATA disk, or it does not answer in time. */
int ata_init(void);

/* Sectors on the disk, or 0 if ata_init has not found one. */
uint32_t ata_sectors(void);

/* The drive's model string (e.g. "QEMU HARDDISK"), or "" if none. */
const char *ata_model(void);

/* Read COUNT sectors starting at sector LBA into BUF (COUNT * 512 bytes).
 * Returns 0, -E_INVAL if COUNT is 0, BUF is null or the range runs past
 * the end of the disk (nothing is sent to the drive), or -E_IO if there
 * is no disk, the drive reports an error or it times out.  After a
 * failure the contents of BUF are unspecified. */
int ata_read(uint32_t lba, uint32_t count, void *buf);

/* Write COUNT sectors from BUF to the disk starting at sector LBA, then
 * flush the drive's write cache so the data is on the medium when this
 * returns 0.  Errors as for ata_read; after -E_IO, any of the sectors
 * may or may not have been written. */
int ata_write(uint32_t lba, uint32_t count, const void *buf);

/* Copy the running totals into *OUT. */
void ata_get_stats(struct ata_stats *out);

#endif
