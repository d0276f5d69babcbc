/* mm/paging.h - the address space: page directory, page tables, PTEs.
 *
 * paging_init() builds the page directory and the identity map of the
 * first 4 MiB from process-pool frames and turns paging on.  After that
 * the only way to reach a PDE or PTE is through the recursive window
 * (mm/memlayout.h), which pde_of() and pte_of() compute.
 *
 * Every function here that changes a mapping expects the VM lock to be
 * held: exclusive, or shared with the lock of the page's pager (below):
 * they guard the page tables and everything built on them (VMPools,
 * pagers, replacement policies). */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdint.h>
#include "mm/mmu.h"
#include "mm/memlayout.h"
#include "mm/pte.h"
#include "mm/aspace.h"
#include "mm/frame.h"
#include "kernel/sync.h"
#include "kernel/thread.h"
#include "lib/errno.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The VM lock (level LOCK_VM), held one of two ways.
 *
 *   exclusive  vm_lock_excl: one thread, and no thread holds it shared.
 *              Everything that changes the VM's structure: VMPools and
 *              their regions, pagers attached, detached and limited,
 *              address spaces (fork, exec, exit), the paging daemon's
 *              threads, memview.  Recursive: the VM's own bookkeeping
 *              pages are demand-paged, so such an operation may fault
 *              while holding it (the fault then needs no other lock).
 *   shared     vm_lock_shared: any number of threads at once, and no
 *              thread holds it exclusive.  The page-fault path.  Pools,
 *              regions and pagers stay as they are while it is held;
 *              what a fault changes (PTEs, a pager's resident set and
 *              policy, frames) is guarded by the lock of the pager whose
 *              page it is (struct pager's LOCK), or for a pool without a
 *              pager by the unpaged lock (mm/fault.c), taken after.
 *
 * So faults on the pages of different pagers go on side by side, and a
 * fault waiting for the disk (a sync-mode page-out) holds up only the
 * faults of its own pager.  A thread that holds it shared may not take
 * it exclusive (that would wait for itself: a panic says so).
 * vm_lock is the exclusive side; use the functions below. */
extern struct mutex vm_lock;

void vm_lock_excl(void);
void vm_unlock_excl(void);
/* vm_lock_excl if that needs no wait: 1 if taken, else 0 at once
 * (exempt from the lock-order check, as mutex_trylock). */
int vm_trylock_excl(void);

/* The shared side, inline: it is on every fault's path.  A sharer
 * counts itself in vm_sharers first, then looks at the exclusive side:
 * if that is held (or wanted: its taker waits for the sharers to
 * leave), it counts itself out again and waits in vm_lock_shared_slow.
 * An exclusive taker takes the mutex first, then waits until vm_sharers
 * is 0.  Whichever looks second sees the other, so they never both go
 * on.  A thread's nested holds count only in its vm_shared. */
extern volatile uint32_t vm_sharers;
void vm_lock_shared_slow(void);
void vm_unlock_shared_slow(void);
void vm_wake_drainer(void);

static inline void vm_lock_shared(void)
{
    struct thread *t = thread_current();
    if (t->vm_shared++) return;             /* a nested fault: held already */
    __atomic_add_fetch(&vm_sharers, 1, __ATOMIC_SEQ_CST);
    if (__builtin_expect(vm_lock.owner != 0, 0)) vm_lock_shared_slow();
}

static inline void vm_unlock_shared(void)
{
    struct thread *t = thread_current();
    if (__builtin_expect(t->vm_shared != 1, 0)) {
        vm_unlock_shared_slow();
        return;
    }
    t->vm_shared = 0;
    if (__atomic_sub_fetch(&vm_sharers, 1, __ATOMIC_SEQ_CST) == 0 && vm_lock.owner)
        vm_wake_drainer();                  /* an exclusive taker may be waiting */
}

/* Does the running thread hold the VM lock exclusive?  ... at all? */
static inline int vm_excl_held(void) { return mutex_held(&vm_lock); }
int vm_locked(void);

/* Does any thread hold the VM lock, either way?  (A hint.) */
int vm_busy(void);

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
    uint32_t fault_raced;       /* faults that found the page mapped by another thread */
    uint32_t fault_cow_copy;    /* copy-on-write faults that copied the page */
    uint32_t fault_cow_reuse;   /* ... that found the writer was the last mapping */
    uint32_t fault_image;       /* faults that read a page from a program image */
    uint32_t fault_shared;      /* faults on a shared object's page */
    uint32_t frames_data;       /* frames mapped as pages now (map_page .. unmap) */
    uint32_t frames_pt;         /* frames holding page tables now (directories included) */
    uint32_t frames_kpt;        /* of which kernel-half page tables: made once, kept */
    uint32_t frames_rmap;       /* frames of reverse-map entries (mm/frame.c): kept */
    uint32_t invlpg;            /* single-page TLB invalidations */
    uint32_t pages_freed;       /* free_page calls that released a frame */
    uint32_t pt_freed;          /* page tables released when they emptied */
};
extern struct vmstat vmstat_counts;

/* Add N to counter FIELD of vmstat_counts, atomically: faults of
 * different pagers count at once (their locks are not one). */
#define VMSTAT_ADD(field, n) __atomic_add_fetch(&vmstat_counts.field, (n), __ATOMIC_RELAXED)

void paging_init(void);

/* Physical address of the page directory (what CR3 holds). */
uint32_t paging_pd_phys(void);

/* Make sure VA's page table exists, creating (and zeroing) one from the
 * process pool if needed (under the pt spinlock, so that two faults of
 * different pagers in one table make one).  Returns 1 if it made the
 * table, 0 if it was there (another fault may have made it first), or
 * -E_NOMEM if no frame is left.  A user-half table is released when its last entry
 * goes, but only by a holder of the VM lock exclusive: a fault (shared)
 * leaves an emptied table for vmpool_release or the space's teardown,
 * so a table never vanishes under a thread holding the lock shared. */
int pt_ensure(uint32_t va);

/* Release VA's page table if it is a user-half one of the current space
 * with no entries left (VM lock held exclusive). */
void pt_release_if_empty(uint32_t va);

/* Map the page at VA to FRAME with FLAGS (PTE_P is implied); the page
 * table must exist.  The old entry must be 0 or a swap entry (replaced
 * in place).  Counts the mapping for the page table's release, in
 * vmstat_counts.frames_data and in the frame table (mm/frame.h).
 * Returns 0, or -E_NOMEM (nothing changed) if the frame is already
 * mapped elsewhere and no reverse-map entry can be had. */
int map_page(uint32_t va, uint32_t frame, uint32_t flags);

/* Make the present page at VA map NEW_FRAME, a fresh frame mapped
 * nowhere, with FLAGS instead of the frame it maps now (a copy-on-write
 * copy); returns the old frame, which the caller must give back if it
 * has no other mapping. */
uint32_t remap_page(uint32_t va, uint32_t new_frame, uint32_t flags);

/* Give back frame F, which nothing maps any more and which is in no
 * pager and on none of the paging daemon's lists (FS_NONE; a panic
 * says which of these it is not): its frame-table entry is cleared and
 * it returns to the process pool. */
void frame_release(uint32_t f);

/* The use a frame mapped at VA of the current space is put to. */
static inline uint8_t use_at(uint32_t va)
{
    return va >= KERNEL_BASE ? FRAME_USE_KERNEL
         : current_as == &kernel_as ? FRAME_USE_POOL : FRAME_USE_USER;
}

/* The count of entries of VA's page table in the current space (a user
 * half's table goes when it reaches 0: pt_release_if_empty). */
static inline uint16_t *live_of(uint32_t va) { return &current_as->pt_live[PDX(va)]; }

/* Count a PTE of VA in space AS becoming non-empty (DELTA 1) or empty
 * (-1): user-half tables only (not the first, the identity map's). */
static inline void count_live_in(struct aspace *as, uint32_t va, int delta)
{
    if (va < KERNEL_BASE && PDX(va) != 0)
        __atomic_add_fetch(&as->pt_live[PDX(va)], delta, __ATOMIC_RELAXED);
}

/* count_live_in, for the current space. */
static inline void count_live(uint32_t va, int delta) { count_live_in(current_as, va, delta); }

/* map_fresh_page's rare parts, out of line: zero the page at VA and
 * clear its A and D; the panic for an entry that is not empty. */
void map_fresh_zero(uint32_t va);
void map_fresh_refused(uint32_t va) __attribute__((noreturn));

/* Give the page at VA the fresh frame FRAME, zero-filled: create the page
 * table if needed, map, zero the page (unless ZEROED: it is already),
 * and clear A and D again (zeroing is not the program's access: a page
 * only read stays clean).  VA's
 * entry must be empty (not a swap entry: map_page replaces those) and
 * FRAME mapped nowhere.  Returns 0, or 1 if it made VA's page table (the
 * fault path counts those), or -E_NOMEM (nothing changed) if
 * no frame is left for the table.  map_page's work for an entry known
 * to be empty and a frame known to be unmapped: the demand-zero fault's
 * path, so inline. */
static inline __attribute__((always_inline)) int map_fresh_page(uint32_t va, uint32_t frame,
                                                               uint32_t flags, int zeroed)
{
    int made = 0;
    if (!(*pde_of(va) & PTE_P) && (made = pt_ensure(va)) < 0) return -E_NOMEM;
    pte_t *pte = pte_of(va);
    if (*pte) map_fresh_refused(va);
    frame_map_fresh(frame, va >= KERNEL_BASE ? 0 : current_as, PG_ROUND_DOWN(va), use_at(va));
    count_live(va, 1);
    *pte = frame * PAGE_SIZE | flags | PTE_P;
    VMSTAT_ADD(frames_data, 1);
    if (!zeroed) map_fresh_zero(va);        /* else the zero thread did it (mm/daemon.c) */
    return made;
}

/* The same with a frame taken from the process pool.  Returns 0 or
 * -E_NOMEM (nothing changed). */
int map_zeroed_page(uint32_t va, uint32_t flags);

/* Set VA's PTE to the non-present value V (0, or a swap entry), dropping
 * any mapping it had from the frame table (not the frame itself: the
 * caller owns it); flushes the TLB entry.  A user page table left with
 * no entries is released. */
void pte_set_absent(uint32_t va, pte_t v);

/* pte_set_absent for page VA of space AS, current or not (0: the
 * kernel half).  Another space's emptied page table is kept until the
 * space is torn down. */
struct aspace;
void pte_set_absent_in(struct aspace *as, uint32_t va, pte_t v);

/* Release the page at VA: its PTE is cleared and only that page's TLB
 * entry is invalidated (invlpg, not a CR3 reload); its frame goes back
 * to the process pool unless another mapping still uses it (a shared or
 * copy-on-write frame).  A page table left with no entries is released.
 * A page never touched (no PTE) is nothing to do.  A swap entry is a
 * bug here (panics): pageable pools release pages through the pager
 * (pager_release_page), which frees the slot. */
void free_page(uint32_t va);

/* Translate VA: returns its PTE value, or 0 if its page table is absent. */
pte_t pte_get(uint32_t va);

/* The first page address in [VA, END) whose page table exists, or END:
 * walks over 4 MiB spans with no table in one step each.  For loops over
 * a range's pages that should not fault on (or create) missing tables. */
uint32_t pt_skip_absent(uint32_t va, uint32_t end);

/* Is VA mapped and present?  Safe to call on any address (used by the
 * panic backtrace). */
int mapped_readable(uint32_t va);

/* Copy the page at SRC (mapped in the current space) into frame DST,
 * or with SRC 0, zero DST, through the window at WIN: no kmap slot to
 * find and no lock to take, on the copy-on-write and fork paths.  Each
 * lock that guards a fault's pages owns a window, and only its holder
 * uses it: a pager's lock its pager's (pager_window, mm/pager.h), the
 * unpaged lock VMWIN_VA, which a holder of the VM lock exclusive (who
 * excludes every fault) may use too.  The VM lock must be held. */
void vm_fill_frame(uint32_t win, uint32_t dst, const void *src);

/* A window of its own for a new lock of a fault's pages (a pager's), or
 * 0 if all VMWIN_SLOTS are taken; vmwin_free gives it back. */
uint32_t vmwin_alloc(void);
void vmwin_free(uint32_t win);

/* A temporary window onto FRAME (one of KMAP_SLOTS); kunmap ends it. */
void *kmap(uint32_t frame);
void kunmap(void *va);

/* Print the counters and frame use. */
void vmstat(void);

/* Invalidate VA's TLB entry (invlpg), counted, and tell the observer.
 * Every single-page flush in the kernel goes through here. */
void tlb_flush_page(uint32_t va);

/* Flush the whole TLB (reload CR3 with the current directory) and tell
 * the observer.  (A switch of address space, aspace_switch, flushes it
 * too, and tells the observer the same way.) */
void tlb_flush_all(void);

/* Who wants to hear of TLB flushes: a teaching model (mm/tlb_model.c)
 * attaches here, so that it sees exactly the invalidations the hardware
 * TLB sees.  0 when nobody listens. */
struct tlb_observer {
    void (*page)(void *ctx, uint32_t va);       /* one page invalidated */
    void (*all)(void *ctx);                     /* everything (a CR3 load) */
    void *ctx;
};
extern const struct tlb_observer *tlb_observer;

#ifdef __cplusplus
}
#endif

#endif
