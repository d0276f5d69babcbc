/* mm/paging.h - the one address space: page directory, page tables, PTEs.
 *
 * paging_init() builds the page directory and the identity map of the
 * first 4 MiB from process-pool frames and turns paging on.  After that
 * the only way to reach a PDE or PTE is through the recursive window
 * (mm/memlayout.h), which pde_of() and pte_of() compute. */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdint.h>
#include "mm/mmu.h"
#include "mm/memlayout.h"

typedef uint32_t pte_t;

/* The PDE that maps VA, through the recursive window. */
static inline pte_t *pde_of(uint32_t va)
{
    return (pte_t *)(PD_WINDOW + PDX(va) * 4);
}

/* The PTE that maps VA, through the recursive window.  Only valid if
 * VA's PDE is present (else touching it faults). */
static inline pte_t *pte_of(uint32_t va)
{
    return (pte_t *)(PT_WINDOW + PGNUM(va) * 4);
}

/* Counters, printed by vmstat() and read by tests. */
struct vmstat {
    uint32_t fault_zero;        /* demand-zero faults: a fresh page */
    uint32_t fault_pt;          /* faults that also had to create a page table */
    uint32_t fault_illegit;     /* faults on addresses in no allocated region */
    uint32_t fault_prot;        /* protection violations (page was present) */
    uint32_t fault_swapin;      /* faults satisfied from swap (mm/pager.c) */
    uint32_t frames_data;       /* frames now holding data pages */
    uint32_t frames_pt;         /* frames now holding page tables */
    uint32_t invlpg;            /* single-page TLB invalidations */
    uint32_t pages_freed;       /* free_page calls that released a frame */
    uint32_t pt_freed;          /* page tables released when they emptied */
};
extern struct vmstat vmstat_counts;

void paging_init(void);

/* Physical address of the page directory (what CR3 holds). */
uint32_t paging_pd_phys(void);

/* Make sure VA's page table exists, creating (and zeroing) one from the
 * process pool if needed.  Returns 0, or -E_NOMEM if no frame is left. */
int pt_ensure(uint32_t va);

/* Map the page at VA to FRAME with FLAGS (PTE_P is implied); the page
 * table must exist.  The old entry must be 0 or a swap entry (replaced
 * in place).  Counts the mapping for the page table's release. */
void map_page(uint32_t va, uint32_t frame, uint32_t flags);

/* Set VA's PTE to the non-present value V (0, or a swap entry), dropping
 * any mapping it had; flushes the TLB entry. */
void pte_set_absent(uint32_t va, pte_t v);

/* Release the page at VA: its frame goes back to its pool, its PTE is
 * cleared and only that page's TLB entry is invalidated (invlpg, not a
 * CR3 reload).  A page table left with no entries is released too.
 * A page never touched (no PTE) is nothing to do.  Swap entries are
 * handed to the pager (mm/pager.c) to free their slot. */
void free_page(uint32_t va);

/* Translate VA: returns its PTE value, or 0 if its page table is absent. */
pte_t pte_get(uint32_t va);

/* Is VA mapped and present?  Safe to call on any address (used by the
 * panic backtrace). */
int mapped_readable(uint32_t va);

/* A temporary window onto FRAME (one of KMAP_SLOTS); kunmap ends it. */
void *kmap(uint32_t frame);
void kunmap(void *va);

/* Print the counters and frame use. */
void vmstat(void);

/* Flush one TLB entry, counted, and tell the TLB model if one watches. */
void tlb_flush_page(uint32_t va);
struct tlb_model;
extern struct tlb_model *tlb_observer;

#endif
