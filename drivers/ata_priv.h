/* drivers/ata_priv.h - inside the IDE disks' driver: its state and its layers.
 *
 * The driver of the IDE primary bus's two drives, the master (a trace
 * disk) and the slave (the swap disk); its calls are in drivers/ata.h,
 * and each names its drive (ATA_MASTER, ATA_SLAVE).  It is five files,
 * each one layer, each using only the ones above it:
 *
 *   drivers/ata_taskfile.c  the task file: select the drive, start a
 *                           command, wait for the status (bounded),
 *                           decode and report errors, reset the bus;
 *                           the commands that move no data
 *   drivers/ata_pio.c       moving sectors through the data port (PIO),
 *                           a sector or a block of sectors per DRQ
 *   drivers/ata_dma.c       moving pages by bus-master DMA: the PRD
 *                           table, IRQ 14, sleeping or polling for the
 *                           end, finding the bus master on PCI
 *   drivers/ata_probe.c     finding a disk (IDENTIFY) and what it and
 *                           the controller can do: ata_init
 *   drivers/ata.c           the calls: checking requests, the disk lock,
 *                           splitting them into commands, retrying a
 *                           failed DMA command, the counters
 *
 * The hardware they drive (ports, bits, commands) is drawn in
 * drivers/ata_regs.h.  Every function here is called with the disk lock
 * held (ata_disk_lock), except ata_dma_setup's interrupt handler.  The
 * lock is the bus's, not a drive's: the two drives share the task file
 * and the bus master, so one command at a time runs on either. */
#ifndef DRIVERS_ATA_PRIV_H
#define DRIVERS_ATA_PRIV_H

#include <stdint.h>
#include "drivers/ata.h"
#include "kernel/pit.h"
#include "kernel/sync.h"

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

/* What ata_init found of one drive, and what the calls may use. */
struct ata_drive {
    const char *name;           /* "primary master", "primary slave": for messages */
    int present;                /* ata_init found an ATA disk here */
    uint32_t nsectors;          /* its size, from IDENTIFY words 60-61 */
    char model[41];             /* IDENTIFY words 27-46, trailing blanks cut */
    int dma_ok;                 /* it does DMA, and there is a bus master */
    int mult_ok;                /* it does READ/WRITE MULTIPLE of a page */
    int mult_on;                /* the PIO page calls use it (ata_set_multiple) */
    int mult_stale;             /* the block size must be set (again) first */
};

/* The driver's state (drivers/ata.c): each drive's, indexed by unit
 * (ATA_MASTER, ATA_SLAVE), and what the controller has once for both. */
struct ata_bus {
    struct ata_drive drive[ATA_DRIVES];
    uint16_t bm_base;           /* the primary channel's bus master, 0: none */
    int dma_on;                 /* the page calls use DMA (ata_set_dma) */
    struct ata_stats stats;     /* both drives' running totals (ata_get_stats) */
};
extern struct ata_bus ata_bus;
extern struct mutex ata_disk_lock;      /* one command at a time (drivers/ata.h) */

/* One call's worth of sectors: where they go on the disk and in memory. */
struct ata_req {
    unsigned unit;                  /* the drive: ATA_MASTER or ATA_SLAVE */
    int write;                      /* 1: memory to disk */
    uint32_t lba;                   /* first sector */
    uint32_t count;                 /* sectors in all */
    uint8_t *buf;                   /* ata_read/ata_write: one buffer ... */
    const struct ata_page *pages;   /* ... or pages of 8 sectors (buf 0) */
    uint32_t done;                  /* sectors moved and acknowledged so far */
};

/* ---- drivers/ata_taskfile.c ---- */

/* Drive UNIT's state, or 0 (with a message naming FN, the caller) if
 * UNIT is neither ATA_MASTER nor ATA_SLAVE. */
struct ata_drive *ata_drive_of(const char *fn, unsigned unit);

/* The 400 ns the drive needs after a select or a command. */
void ata_delay400(void);

/* Call DONE(ARG, LAST) until it returns non-zero; it stores the register
 * it looked at in *LAST.  Returns 0, or -E_IO when POLL_MAX turns or
 * TIMEOUT_TICKS ticks have passed. */
int ata_poll_until(int (*done)(uint32_t arg, uint8_t *last), uint32_t arg, uint8_t *last);

/* Poll until the drive is not busy and, if NEED is non-zero, also shows
 * one of the bits in NEED (or ERR or DF).  Stores the last status read
 * in *ST.  Returns 0, or -E_IO on timeout. */
int ata_wait_status(uint8_t need, uint8_t *st);

/* Software-reset the bus (stopping the bus master first), so that the
 * next command starts clean; both drives' multiple block size must then
 * be set again. */
void ata_reset_bus(void);

/* Count a failed command of request R (0 for commands that move no
 * data) that names sector LBA first; returns -E_IO. */
int ata_failed(const struct ata_req *r, uint32_t lba);

/* The drive failed while WHAT-ing the N sectors at LBA with status ST
 * (BMST: the bus master's status, or -1 for PIO): print one line with
 * the error register decoded and, for a write, how many sectors of R
 * were written before; count it; return -E_IO. */
int ata_device_error(const struct ata_req *r, const char *what, uint32_t lba, uint32_t n,
                     uint8_t st, int bmst);

/* The drive did not answer while WHAT-ing the N sectors at LBA (last
 * status ST): print, count, reset the bus, return -E_IO. */
int ata_timeout(const struct ata_req *r, const char *what, uint32_t lba, uint32_t n,
                uint8_t st);

/* Select R's drive (R->unit) for LBA and start command CMD for N
 * (1..256) sectors at LBA.  Returns 0 or -E_IO (reported, counted
 * against R). */
int ata_start_command(const struct ata_req *r, uint8_t cmd, uint32_t lba, uint32_t n,
                      const char *what);

/* SET MULTIPLE MODE on drive UNIT: a page (8 sectors) per block; clears
 * its mult_stale.  Returns 0 or -E_IO (reported). */
int ata_set_block_size(unsigned unit);

/* FLUSH CACHE: drive UNIT's write cache to the medium.  LBA names the
 * write it follows in messages.  Returns 0 or -E_IO (reported). */
int ata_flush_cache(unsigned unit, uint32_t lba);

/* ---- drivers/ata_pio.c ---- */

/* Move sectors FIRST .. FIRST+N-1 (N <= 256) of request R with one PIO
 * command, BLOCK sectors per DRQ (1: READ/WRITE SECTORS; more: READ/WRITE
 * MULTIPLE with that block size set).  Returns 0 or -E_IO (reported);
 * R->done counts the sectors moved and acknowledged. */
int ata_pio_command(struct ata_req *r, uint32_t first, uint32_t n, uint32_t block);

/* Move the N sectors from sector FIRST of page request R by PIO: a page
 * per block if multiple mode is on for R's drive, else a sector at a
 * time.  Returns 0 or -E_IO (reported). */
int ata_pio_pages(struct ata_req *r, uint32_t first, uint32_t n);

/* ---- drivers/ata_dma.c ---- */

/* Move the N sectors (N / 8 pages, at most ATA_DMA_MAX_PAGES) from
 * sector FIRST of page request R with one READ DMA or WRITE DMA command.
 * Returns 0 or -E_IO (reported). */
int ata_dma_command(struct ata_req *r, uint32_t first, uint32_t n);

/* Find and set up the bus master if drive UNIT (IDENTIFY in ID) and the
 * controller can do DMA; sets the drive's dma_ok, and ata_bus.bm_base (0
 * if there is no bus master).  A drive without DMA leaves the bus master
 * as it was: the other drive may use it. */
void ata_dma_setup(unsigned unit, const uint16_t *id);

#endif
