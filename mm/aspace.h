/* mm/aspace.h - address spaces: a page directory each, the kernel half shared.
 *
 * An address space is a page directory (from the process pool) and the
 * VMPools of its user half.  Kernel threads run in kernel_as, the space
 * paging_init builds; every process (kernel/proc.c) has a space of its
 * own.  In every directory:
 *
 *   PDE 0             the identity-mapped kernel image and kernel pool
 *   PDEs 1..767       the user half: this space's own page tables
 *   PDEs 768..1021    the kernel half: the SAME page tables everywhere
 *   PDE 1022          the ALT window: 0, or another space's directory
 *   PDE 1023          this directory itself: the recursive window
 *
 * Why the kernel half is the same in every space.  A kernel mapping (a
 * heap page, a thread stack, a kmap window) is made by writing a PTE in a
 * kernel page table, and every directory points at the same kernel page
 * tables, so the PTE is seen from every space at once.  Only a NEW kernel
 * page table needs telling: pt_ensure (mm/paging.c) writes the new PDE
 * into every directory on the list of spaces, and kernel page tables are
 * never released.  aspace_create copies the kernel PDEs into a new
 * directory.  (No test checks this on its own yet; every process's kernel
 * stack and heap rely on it.)
 *
 * Reaching a space that is not current.  fork copies a parent's page
 * tables into a child; eviction may take a page of a space that is not
 * running; exit tears a space down.  The ALT window does it: aspace_alt
 * puts the other directory into PDE 1022 of the current one, so that
 * the other space's page table i appears at ALT_WINDOW + i*4096 and its
 * directory at ALT_PD, exactly as the current space's appear in the
 * recursive window.  alt_pde_of/alt_pte_of compute the addresses.
 *
 * aspace_create and aspace_destroy take the VM lock themselves (they
 * also use the kernel heap, whose lock ranks below it); every other
 * function here runs under the VM lock (mm/paging.h): exclusive, or (a
 * fault reaching another space's PTEs through the reverse map) shared
 * with the processes' pager's lock, whose pages those are. */
#ifndef MM_ASPACE_H
#define MM_ASPACE_H

#include <stdint.h>
#include "mm/mmu.h"
#include "mm/memlayout.h"

#ifdef __cplusplus
extern "C" {
#endif

#define USER_PDES   (KERNEL_BASE >> 22)         /* PDEs 0..767: the user half (and PDE 0) */

struct vmpool;

struct aspace {
    uint32_t pd;                    /* frame of its page directory */
    uint16_t pt_live[USER_PDES];    /* non-empty PTEs in each user page table */
    struct vmpool *pools;           /* the VMPools of its user half */
    struct aspace *next;            /* every space, for kernel page tables */
    struct aspace *alt;             /* whose directory is in its ALT slot, or 0 */
    uint32_t id;                    /* 0 for kernel_as, then 1, 2, ... */
    uint32_t frames_pt;             /* user page tables it holds now */
    uint32_t stack_low;             /* a process's stack: grown down to here so far */
};

extern struct aspace kernel_as;         /* kernel threads' space */
extern struct aspace *current_as;       /* the space CR3 holds */

/* Make kernel_as the space of the directory in frame PD (paging_init). */
void aspace_boot(uint32_t pd);

/* A new, empty space: a zeroed directory with the kernel half, PDE 0 and
 * its own recursive slot.  Returns 0 if no frame is left. */
struct aspace *aspace_create(void);

/* Free AS: its user page tables and directory.  Every page must already
 * be gone (its pools released); AS must not be current. */
void aspace_destroy(struct aspace *as);

/* Load AS into CR3 (a full TLB flush), unless it is current already. */
void aspace_switch(struct aspace *as);

/* Put AS's directory into the ALT window (nothing if AS is current: then
 * callers use the recursive window).  Stays until the next aspace_alt. */
void aspace_alt(struct aspace *as);

/* Through the ALT window: VA's PDE, and VA's PTE (the PDE must be
 * present), in the space aspace_alt last put there. */
static inline uint32_t *alt_pde_of(uint32_t va)
{
    return (uint32_t *)(ALT_PD + PDX(va) * 4);
}
static inline uint32_t *alt_pte_of(uint32_t va)
{
    return (uint32_t *)(ALT_WINDOW + PGNUM(va) * 4);
}

/* VA's PTE in space AS, current or not, or 0 if its page table does not
 * exist (and CREATE is 0, or no frame is left for a new one). */
uint32_t *aspace_pte(struct aspace *as, uint32_t va, int create);

/* Write kernel-half PDE number PDX, value E, into every directory. */
void aspace_set_kernel_pde(uint32_t pdx, uint32_t e);

#ifdef __cplusplus
}
#endif

#endif
