/* mm/swap.h - the swap area: page-sized slots on the IDE disk.
 *
 * A swapped-out page keeps a page-table entry with P = 0 that names its
 * slot (the encoding is drawn in mm/pte.h).  Slot 0 holds a header (a
 * signature and the slot count) and is never handed out, so a swap
 * entry is never a slot-0 entry.  Each slot has a CRC-32 of the page
 * last written to it, checked on every read, and a count of the
 * references to it: the PTEs that name it (a page shared copy-on-write
 * and then swapped out is named by every sharer's PTE) and the resident
 * frame that caches it, if any.  It is free when the count drops to 0. */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <stdint.h>
#include "mm/pte.h"

#define SECTORS_PER_SLOT (PAGE_SIZE / 512)
#define SWAP_NONE       0xFFFFFFFFu

struct swap_stats {
    uint32_t nslots;            /* usable slots (slot 0, the header, excluded) */
    uint32_t used;              /* slots holding a page now */
    uint32_t retired;           /* slots taken out of use after a write error */
    uint32_t reads, writes;     /* pages transferred */
    uint32_t write_cmds;        /* disk commands that wrote them (a run is one) */
    uint32_t read_retries;      /* reads that failed once and were retried */
    uint32_t checksum_errors;   /* reads whose data did not match the slot's CRC */
};
extern struct swap_stats swap_stats;

/* Find the swap disk and set up the slot map (its size from the disk).
 * Returns 0, or -E_IO if there is no usable disk (the kernel runs
 * without swap; swap_absent_why() says why). */
int swap_init(void);

/* Is there a swap area? */
int swap_present(void);

/* Why there is no swap area ("no disk on the IDE primary slave", "the
 * disk has 7 sectors: too small for ...").  "" if there is one. */
const char *swap_absent_why(void);

/* The last failed transfer, in words: "E_IO writing swap slot 3 (LBA
 * 24)", "E_CHECKSUM reading swap slot 5 (LBA 40)", or "" if none. */
const char *swap_last_error(void);

/* Write the page in FRAME to a slot.  If *SLOT is SWAP_NONE a free slot
 * is taken; else *SLOT is rewritten if the caller's is its only
 * reference, and if others share it, the caller's reference is given up
 * and a free slot taken instead.  A slot that
 * fails to write is retired and another one tried.  On success *SLOT is
 * the slot written and 0 is returned; -E_SWAPFULL if no slot is free,
 * -E_IO if every try failed (swap_last_error() names the last slot and
 * sector tried).  Nothing is leaked either way. */
int swap_write(uint32_t *slot, uint32_t frame);

/* The most pages swap_write_run writes in one command. */
#define SWAP_RUN_MAX 16

/* Write the pages in FRAMES[0..N) (1..SWAP_RUN_MAX) to N free slots in a
 * row, in one disk command: the paging daemon's writer clusters its
 * writes so.  On success *FIRST is the first slot (the others follow,
 * each with one reference) and 0 is returned; -E_SWAPFULL if no run of
 * N free slots exists (nothing changed: try fewer); -E_IO if the write
 * failed: every slot of the run is retired (swap_last_error() names
 * it), and the pages have no copy. */
int swap_write_run(const uint32_t *frames, uint32_t n, uint32_t *first);

/* Read SLOT into FRAME.  A failed read is retried once.  Returns 0, -E_IO,
 * or -E_CHECKSUM if the data does not match the slot's checksum (the
 * frame's contents are then undefined, and the slot is left as it was);
 * swap_last_error() then names the slot and sector. */
int swap_read(uint32_t slot, uint32_t frame);

/* Drop one reference to SLOT; the last one frees it. */
void swap_free(uint32_t slot);

/* Add a reference to SLOT (a second PTE names it: fork). */
void swap_dup(uint32_t slot);

/* References to SLOT now (0 if it is free or retired). */
uint32_t swap_refs(uint32_t slot);

/* First disk sector of SLOT (for tests that corrupt a slot on purpose). */
uint32_t swap_lba(uint32_t slot);

void swap_print(void);

#endif
