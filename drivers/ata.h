/* drivers/ata.h - the IDE disks: an ATA driver for the two drives of the
 * IDE primary bus, with PIO and bus-master DMA.
 *
 * Every call names its drive, ATA_MASTER or ATA_SLAVE.  The slave
 * (QEMU's `-drive ...,if=ide,index=1`) is the swap disk (mm/swap.c);
 * the master (index=0) carries a trace for the kernel's replay when the
 * host runner attaches one (tests/trace_in.c).
 *
 * Two ways in.  ata_read/ata_write move sectors between the disk and a
 * buffer in kernel virtual memory by PIO, and a write is flushed to the
 * medium before it returns.  ata_read_pages/ata_write_pages move whole
 * physical pages (8 sectors each), for swap: by bus-master DMA when the
 * IDE controller has it, one command for up to ATA_DMA_MAX_PAGES pages
 * wherever they lie in memory, with the issuing thread asleep until the
 * disk's interrupt; by PIO otherwise.  vmstat and tests read
 * ata_get_stats().  Nothing happens to the disk until ata_init() has
 * found it.
 *
 * One command at a time: every call holds the disk lock, a mutex of
 * level LOCK_DISK, from its first command to its last, and sleeps
 * holding it while a DMA command runs.  Buffers must be resident: a
 * page fault inside the driver would need the VM lock, which ranks
 * lower.  (Swap passes kmap windows and frames, tests kernel-pool or
 * kmapped frames.) */
#ifndef DRIVERS_ATA_H
#define DRIVERS_ATA_H

#include <stdint.h>

#define ATA_MASTER          0u      /* drive 0 of the primary bus: a trace disk */
#define ATA_SLAVE           1u      /* drive 1: the swap disk */
#define ATA_DRIVES          2u

#define ATA_SECTOR_SIZE     512u
#define ATA_PAGE_SECTORS    8u      /* sectors in a 4 KiB page */
#define ATA_DMA_MAX_PAGES   32u     /* pages in one command: 256 sectors, the LBA28 limit */

/* The disk lock's level in the lock hierarchy (kernel/sync.h): above
 * swap (30), whose lock is held across these calls, and below kmap (40)
 * and frames (50), so that code holding it may still map a frame or
 * take one. */
#define LOCK_DISK 35

/* Running totals since boot, for vmstat and tests. */
struct ata_stats {
    uint32_t sectors_read;      /* sectors transferred from the disk */
    uint32_t sectors_written;   /* sectors the disk accepted and acknowledged */
    uint32_t errors;            /* commands that failed: device error or timeout */
    uint32_t dma_cmds;          /* READ DMA / WRITE DMA commands started */
    uint32_t irq_waits;         /* ... whose end the issuer slept through (IRQ 14) */
    uint32_t poll_waits;        /* ... whose end the issuer polled for (interrupts off) */
    uint32_t irqs;              /* IRQ 14 interrupts taken */
    uint32_t retries;           /* failed DMA commands tried again (by DMA, then PIO) */
    uint32_t fail_lba;          /* the last failure: first sector it names */
    uint32_t fail_done;         /* ... sectors of its request moved and acknowledged
                                   before it: for a PIO write, exactly those on the
                                   disk; DMA does not say how far a failed command
                                   got, so its own sectors never count */
};

/* A page of physical memory: its physical address, page-aligned (what
 * the bus master uses), and a kernel virtual address that maps it, also
 * page-aligned (what PIO uses, and so every DMA fallback). */
struct ata_page {
    uint32_t pa;
    void *va;
};

/* Find drive UNIT with IDENTIFY and record its size and model; find the
 * IDE controller's bus master on PCI and set up DMA and IRQ 14 if there
 * is one; choose READ/WRITE MULTIPLE if the drive has it.  Returns 0,
 * -E_INVAL if UNIT is no drive, or -E_IO (with a message saying why) if
 * there is no disk there, it is not an ATA disk, or it does not answer
 * in time.  A disk without DMA is no error: the page calls then use PIO. */
int ata_init(unsigned unit);

/* Sectors on drive UNIT, or 0 if ata_init has not found a disk there. */
uint32_t ata_sectors(unsigned unit);

/* Drive UNIT's model string (e.g. "QEMU HARDDISK"), or "" if none. */
const char *ata_model(unsigned unit);

/* Read COUNT sectors of drive UNIT starting at sector LBA into BUF
 * (COUNT * 512 bytes) by PIO.  Returns 0, -E_INVAL if UNIT is no drive,
 * COUNT is 0, BUF is null or the range runs past the end of the disk
 * (nothing is sent to the drive), or -E_IO if there is no disk, the
 * drive reports an error or it times out.  After a failure the contents
 * of BUF are unspecified. */
int ata_read(unsigned unit, uint32_t lba, uint32_t count, void *buf);

/* Write COUNT sectors from BUF to drive UNIT starting at sector LBA by
 * PIO, then flush the drive's write cache so the data is on the medium
 * when this returns 0.  Errors as for ata_read.  After -E_IO from a
 * drive error, the sectors before the one that failed were written
 * (ata_stats.fail_done says how many) and the others were not; after a
 * timeout any of them may or may not have been. */
int ata_write(unsigned unit, uint32_t lba, uint32_t count, const void *buf);

/* Read NPAGES pages from drive UNIT, starting at sector LBA, into
 * PAGES[0], PAGES[1], ... (8 sectors each, in that order).  By DMA if the
 * controller and the drive have it (a failed command is retried once by
 * DMA, then once by PIO), else by PIO.  Returns 0; -E_INVAL if UNIT is
 * no drive, NPAGES is 0, PAGES is null, a page's addresses are not
 * page-aligned, or the range runs past the end of the disk (nothing is
 * sent to the drive); -E_IO if there is no disk or every try failed
 * (contents of the pages unspecified). */
int ata_read_pages(unsigned unit, uint32_t lba, const struct ata_page *pages, uint32_t npages);

/* Write NPAGES pages to drive UNIT, starting at sector LBA; as
 * ata_read_pages otherwise.  There is no cache flush: swap contents
 * need not survive a power cut, since no page of a swapped process
 * survives one either.  0 means the drive has acknowledged every sector
 * (it may still hold them in its cache). */
int ata_write_pages(unsigned unit, uint32_t lba, const struct ata_page *pages,
                    uint32_t npages);

/* Let the page calls of both drives use DMA (ON = 1) or force them to
 * PIO (ON = 0), from their next command on; for tests and measurements.
 * Returns whether DMA is in use now: never without a bus master.
 * ata_init turns it on when it finds one. */
int ata_set_dma(int on);

/* Let the PIO page calls of drive UNIT use READ/WRITE MULTIPLE, a page
 * per data block (ON = 1), or force them to a sector at a time (ON = 0).
 * Returns whether multiple mode is in use now: never if the drive does
 * not support it (or there is none).  ata_init turns it on if it does. */
int ata_set_multiple(unsigned unit, int on);

/* Copy the running totals, both drives', into *OUT. */
void ata_get_stats(struct ata_stats *out);

#endif
