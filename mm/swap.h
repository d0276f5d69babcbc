/* mm/swap.h - the swap area: page-sized slots on the IDE disk.
 *
 * A swapped-out page keeps a page-table entry with P = 0 that names its
 * slot.  The MMU ignores every other bit of a non-present entry, so they
 * are ours:
 *
 *   31                              12 11  10   9   8              1   0
 *  +----------------------------------+---+---+---+-----------------+---+
 *  |     swap slot number (20 bits)   | 0 | 0 | 1 |   0 ... 0       | 0 |
 *  +----------------------------------+---+---+---+-----------------+---+
 *                                             PTE_SWAPPED           P=0
 *
 *   0                           never touched (or dropped clean): the
 *                               next touch is a demand-zero fault
 *   slot << 12 | PTE_SWAPPED    the page's contents are in that slot
 *   frame << 12 | ... | P       resident (mm/mmu.h)
 *
 * Slot 0 holds a header (a signature and the slot count) and is never
 * handed out, so a swap entry is never a slot-0 entry.  Each slot has a
 * CRC-32 of the page last written to it, checked on every read. */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <stdint.h>
#include "mm/paging.h"

#define PTE_SWAPPED     0x200u                  /* one of the three PTE_AVAIL bits */
#define SECTORS_PER_SLOT (PAGE_SIZE / 512)
#define SWAP_NONE       0xFFFFFFFFu

static inline pte_t swap_pte(uint32_t slot) { return slot << 12 | PTE_SWAPPED; }
static inline int pte_is_swap(pte_t e) { return !(e & PTE_P) && (e & PTE_SWAPPED); }
static inline uint32_t pte_slot(pte_t e) { return e >> 12; }

struct swap_stats {
    uint32_t nslots;            /* usable slots (slot 0, the header, excluded) */
    uint32_t used;              /* slots holding a page now */
    uint32_t retired;           /* slots taken out of use after a write error */
    uint32_t reads, writes;     /* pages transferred */
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
 * is taken, else *SLOT (owned by the caller) is rewritten.  A slot that
 * fails to write is retired and another one tried.  On success *SLOT is
 * the slot written and 0 is returned; -E_SWAPFULL if no slot is free,
 * -E_IO if every try failed (swap_last_error() names the last slot and
 * sector tried).  Nothing is leaked either way. */
int swap_write(uint32_t *slot, uint32_t frame);

/* Read SLOT into FRAME.  A failed read is retried once.  Returns 0, -E_IO,
 * or -E_CHECKSUM if the data does not match the slot's checksum (the
 * frame's contents are then undefined, and the slot is left as it was);
 * swap_last_error() then names the slot and sector. */
int swap_read(uint32_t slot, uint32_t frame);

/* Give SLOT back. */
void swap_free(uint32_t slot);

/* First disk sector of SLOT (for tests that corrupt a slot on purpose). */
uint32_t swap_lba(uint32_t slot);

void swap_print(void);

#endif
