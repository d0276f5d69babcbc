/* mm/pager.h - demand paging with replacement: resident sets and eviction.
 *
 * A VMPool may have a pager attached.  Its pages are then pageable: the
 * pool may hold at most NFRAMES of them resident, and when it is at that
 * limit, or the process frame pool is empty, the pager asks the pool's
 * replacement policy (mm/replace/) for a victim, writes it to swap if it
 * is dirty (mm/swap.c) and reuses its frame.  A later touch of the victim
 * faults, and the pager reads it back.  Pools without a pager (the kernel
 * heap) are never paged out. */
#ifndef MM_PAGER_H
#define MM_PAGER_H

#include <stdint.h>
#include "mm/vmpool.h"
#include "mm/replace/policy.h"
#include "mm/paging.h"

/* The policy used when none is named (policy= on the command line).
 * clock_pro, chosen by how close each policy comes to the better of
 * clock and clock_pro in every case: the eight built-in workloads at
 * 10/25/50/75/90 of 100 frames, and the traces of the literature at
 * 100/500/1000 frames (OLTP at 1000/5000; tests/host/replay.c).  It is
 * within 5% in 35 of 40 and 43 of 47 of those cases, and at worst takes
 * 1.71x CLOCK's faults (zigzag at 50 frames) and 1.92x on the zigzag
 * trace, where recency is all that counts.  enhanced_clock, the default
 * before, and car (the adaptive CLOCK of ARC) fall far behind on loops:
 * within 5% in 23/40 and 14/47 cases (car 24/40, 25/47), up to 4.9x on
 * the scan workload and 44x on the loop trace (1011 pages, 1000 frames:
 * every reference faults).  enhanced_clock still prefers clean victims
 * (fewer writes per eviction than CLOCK); name it where a write costs
 * much more than a read.  Over the built-in workloads clock_pro also
 * writes fewer pages in all (18,279 against 19,283), by faulting less. */
#define PAGER_DEFAULT_POLICY "clock_pro"

struct pager {
    struct vmpool *pool;
    uint32_t nframes;                       /* resident limit */
    uint32_t nresident;
    struct policy policy;
    struct pte_bits bits;                   /* how the policy sees A and D */
    void *mem;                              /* kmalloc'd at attach: the arrays below and
                                               the policy's; 0 when detached */
    uint32_t *page;                         /* [nframes] VA in each resident slot, 0 if empty */
    uint32_t *swap;                         /* [nframes] its current swap copy, or SWAP_NONE */
    struct slotset empty;                   /* the empty slots */
    /* Counters for the experiment rows. */
    uint32_t faults;                        /* every fault: demand-zero and swap-in */
    uint32_t disk_reads;                    /* pages read back from swap */
    uint32_t disk_writes;                   /* pages written to swap */
    uint32_t evictions;
    uint32_t clean_drops;                   /* evictions that needed no write */
    int last_error;                         /* last swap-in or page-out error */
};

/* Make POOL pageable with policy NAME (mm/replace/policy.h) and at most
 * NFRAMES resident pages (1..POLICY_MAX_FRAMES).  SEED seeds `random`.
 * PG must be zeroed (static) or detached, or attached to a pool that no
 * longer has resident pages: its old memory is freed first.  The
 * per-slot arrays and the policy's come from kmalloc, sized by NFRAMES,
 * all backed now (the fault path must not fault on them).  Returns 0,
 * -E_INVAL naming the bad policy or frame count, -E_NOMEM if the heap
 * has no room for the arrays, or pager_detach's -E_BUSY. */
int pager_attach(struct vmpool *pool, struct pager *pg, const char *policy,
                 uint32_t nframes, uint32_t seed);

/* Make PG's pool unpageable again and free PG's memory; call it before
 * the pool is destroyed (a pool without a pager, or PG detached already,
 * is fine).  Returns 0, or -E_BUSY (with a message, nothing changed) if
 * the pool still has resident pages: release its regions first. */
int pager_detach(struct pager *pg);

/* A frame for a new page, into *FRAME.  PG is the pager the page will
 * belong to (0 for a page that cannot be paged out): if it is at its
 * resident limit, one of its pages is evicted first.  If the process
 * pool is empty, a page of some pageable pool is evicted for it.
 * Returns 0, or -E_NOMEM if no page could be evicted, -E_SWAPFULL if the
 * victims were dirty and swap is full, -E_IO if their page-out failed
 * (PG->last_error too; swap_last_error() names the slot). */
int pager_frame(struct pager *pg, uint32_t *frame);

/* PAGE was just mapped to a frame: make it resident in PG. */
void pager_loaded(struct pager *pg, uint32_t page);

/* Handle a fault on PAGE whose PTE is swap entry E: read the page back.
 * Returns 0, or an error (the PTE is unchanged, no frame is kept). */
int pager_swap_in(struct vmpool *pool, uint32_t page, pte_t e);

/* Make sure the process pool has at least N free frames, evicting pages
 * of pageable pools if needed.  Returns 0, -E_NOMEM if no pool has a page
 * to evict, or the error of the last eviction that failed (-E_SWAPFULL,
 * -E_IO). */
int pager_make_room(uint32_t n);

/* Release PAGE of PG's pool (resident, swapped or never touched), as
 * free_page does for unpaged pools: its frame and its swap slot. */
void pager_release_page(struct pager *pg, uint32_t page);

/* Print PG's policy, resident set and counters on one line. */
void pager_print(const struct pager *pg);

#endif
