/* mm/pager.h - demand paging with replacement: resident sets and eviction.
 *
 * A pager holds a resident set of at most LIMIT pages.  When it is at
 * that limit, or the process frame pool is empty, it asks its
 * replacement policy (mm/replace/) for a victim, writes it to swap if it
 * is dirty (mm/swap.c) and frees its frame.  A later touch of the victim
 * faults, and the pager reads it back.  Pools without a pager (the kernel
 * heap) are never paged out.  That is sync mode (pager=sync); in daemon
 * mode, the default, a page over the limit leaves by the paging daemon's
 * lists instead, and a background thread writes it (mm/daemon.h).
 *
 * Two kinds of pager:
 *   a pool's own   (pager_attach) one VMPool's pages, in one space; the
 *                  policy knows each page by its virtual page number.
 *                  The tests and the replacement experiments use these.
 *   by frame       (pager_attach_frames) the pages of every process:
 *                  one resident set over all their frames (global
 *                  replacement), the policy knowing each page by its
 *                  frame number.  A frame may be mapped in several
 *                  spaces (copy-on-write after fork, shared memory);
 *                  the frame table's reverse map (mm/frame.h) finds
 *                  every mapping, so evicting the frame rewrites every
 *                  PTE that names it, in whatever space, and its A and
 *                  D bits are the OR over all of them.
 *
 * Where an evicted page goes:
 *
 *   dirty (a D bit, or FRAME_DIRTY)     written to swap: its old slot if
 *                                       no one else needs it, else a new
 *                                       one (swap_write)
 *   clean, with a swap copy             no write
 *   clean, never written                no write: its content can be made
 *                                       again (zeros, or the program image)
 *
 * A page read back from swap keeps its copy there (so it can be dropped
 * again without a write) unless swap is three quarters full; if a dirty
 * victim finds swap full, resident pages give up their copies
 * (reclaim_copies) and the write is tried again.
 *
 *   a private page (one mapping or several): every PTE that mapped it
 *       becomes the swap entry (each holding a reference to the slot),
 *       or 0 if it was never written;
 *   a shared object's page (mm/vmobj.h): the object's entry becomes the
 *       swap entry, and every PTE 0: the next touch in any space finds
 *       the page through the object, so all spaces share it again. */
#ifndef MM_PAGER_H
#define MM_PAGER_H

#include <stdint.h>
#include "mm/vmpool.h"
#include "mm/replace/policy.h"
#include "mm/paging.h"
#include "mm/frame.h"

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

/* Zeroed frames a daemon-mode pager takes from the zeroed list at once
 * (one lists lock a batch, not one a fault). */
#define PAGER_ZSTASH 32

struct pager {
    struct mutex lock;                      /* LOCK_PAGER: with the VM lock held shared,
                                               everything below, its pages' PTEs and
                                               its frames' entries (mm/paging.h) */
    const char *name;                       /* for messages: its pool's, or its own */
    uint32_t win;                           /* its copy window (vm_fill_frame), for
                                               holders of LOCK */
    struct vmpool *pool;                    /* a pool's own pager: the pool; else 0 */
    int by_frame;                           /* keyed by frame (pager_attach_frames) */
    int daemon;                             /* daemon mode (mm/daemon.h): pages leave by the
                                               lists; else sync: evicted by the faulter */
    uint32_t zstash[PAGER_ZSTASH];          /* daemon mode: zeroed frames of its own, for
                                               its demand-zero faults, taken from the
                                               zeroed list a batch at a time (FS_ZEROED,
                                               on no list; mm/daemon.c) */
    uint32_t nzstash;
    uint32_t nframes;                       /* slots: the largest LIMIT can be */
    uint32_t limit;                         /* resident limit now (pager_set_limit) */
    uint32_t nresident;
    struct policy policy;
    struct pte_bits bits;                   /* how the policy sees A and D */
    void *mem;                              /* kmalloc'd at attach: the arrays below and
                                               the policy's; 0 when detached */
    uint32_t *key;                          /* [nframes] each resident slot's page as the
                                               policy knows it (page number or frame
                                               number), 0 if empty */
    struct slotset empty;                   /* the empty slots (a pool's own pager) */
    uint32_t *free_slots;                   /* [nframes] (by frame) the empty slots, a stack */
    uint32_t nfree_slots;
    struct pager *next;                     /* every attached pager */
    /* Counters for the experiment rows. */
    uint32_t faults;                        /* every page made resident */
    uint32_t soft_faults;                   /* ... of which rescued from a list (daemon mode) */
    uint32_t disk_reads;                    /* pages read back from swap */
    uint32_t disk_writes;                   /* pages written to swap by this pager's
                                               evictions (in daemon mode the writer's
                                               writes count in swap_stats.writes and
                                               daemon_stats.written, not here) */
    uint32_t evictions;                     /* pages out of the resident set (in
                                               daemon mode: trimmed to a list) */
    uint32_t clean_drops;                   /* evictions that needed no write (daemon
                                               mode: trimmed to standby) */
    uint32_t evict_shared;                  /* evictions of frames mapped more than once */
    uint32_t evict_object;                  /* evictions of shared objects' pages */
    uint32_t copies_dropped;                /* swap copies of resident pages given up
                                               because swap was (nearly) full */
    int last_error;                         /* last swap-in or page-out error */
};

/* Make POOL pageable with its own pager PG: policy NAME
 * (mm/replace/policy.h), at most NFRAMES resident pages
 * (1..POLICY_MAX_FRAMES).  SEED seeds `random`.  PG must be zeroed
 * (static) or detached, or attached to a pool that no longer has
 * resident pages: its old memory is freed first.  The per-slot arrays
 * and the policy's come from kmalloc, sized by NFRAMES, all backed now
 * (the fault path must not fault on them).  Returns 0, -E_INVAL naming
 * the bad policy or frame count, -E_NOMEM if the heap has no room for
 * the arrays, or pager_detach's -E_BUSY. */
int pager_attach(struct vmpool *pool, struct pager *pg, const char *policy,
                 uint32_t nframes, uint32_t seed);

/* Set up PG as a pager by frame called NAME, with room for NFRAMES
 * resident frames, serving the pools pager_serve gives it.  Otherwise as
 * pager_attach. */
int pager_attach_frames(struct pager *pg, const char *name, const char *policy,
                        uint32_t nframes, uint32_t seed);

/* The pager by frame (at most one is attached: the processes'), or 0. */
struct pager *pager_by_frame(void);

/* Let PG, a pager by frame, hold the pages of POOL too. */
void pager_serve(struct pager *pg, struct vmpool *pool);

/* Put PG in daemon mode (DAEMON 1) or sync mode (0).  Pagers start in
 * the mode pager= names (daemon by default); the replacement experiments
 * need sync mode, whose fault counts are exact.  Returns 0, or -E_BUSY if
 * PG has resident pages. */
int pager_set_daemon(struct pager *pg, int daemon);

/* A frame from some pager's stash of zeroed frames (that pager's lock
 * taken by trying, pager_claim_frame's way), in no state, or 0: for a
 * caller with no other frame left. */
uint32_t pager_steal_stashed(void);

/* Zeroed frames in the stashes of the pagers attached now, counted one
 * pager at a time (a hint unless the VM lock is held). */
uint32_t pager_stashed(void);

/* Every pager's stash of zeroed frames back to the zeroed list
 * (daemon_unstash; takes the VM lock exclusive). */
void pager_unstash_all(void);

/* Make PG's resident limit LIMIT (1..its NFRAMES), evicting pages now
 * if it holds more.  Returns 0, -E_INVAL (with a message naming LIMIT),
 * or the error of an eviction that failed (then the limit is not
 * changed). */
int pager_set_limit(struct pager *pg, uint32_t limit);

/* Make PG's pool unpageable again and free PG's memory; call it before
 * the pool is destroyed (a pool without a pager, or PG detached already,
 * is fine).  Returns 0, or -E_BUSY (with a message, nothing changed) if
 * PG's pool still has allocated regions (whose pages may be resident,
 * on the daemon's lists, being written or in swap) or PG resident
 * pages: release the regions first. */
int pager_detach(struct pager *pg);

/* A frame for a new page, into *FRAME.  PG is the pager the page will
 * belong to (0 for a page that cannot be paged out): if it is at its
 * resident limit, one of its pages is evicted first.  If the process
 * pool is empty, a page of some pager is evicted for it.  Returns 0, or
 * -E_NOMEM if no page could be evicted, -E_SWAPFULL if the victims were
 * dirty and swap is full, -E_IO if their page-out failed
 * (PG->last_error too; swap_last_error() names the slot).  In daemon
 * mode the page goes to a list instead of being written, the frame is a
 * free one before a zeroed one (the caller fills it whole), and
 * -E_AGAIN is as for pager_frame_z. */
int pager_frame(struct pager *pg, uint32_t *frame);

/* pager_frame, for a page about to be zero-filled: *ZEROED says whether
 * the frame is zeroed already (daemon mode keeps a list of them).  In
 * daemon mode also -E_AGAIN: no frame now; let go of the locks, call
 * daemon_wait, and try again. */
int pager_frame_z(struct pager *pg, uint32_t *frame, int *zeroed);

/* Daemon mode (pager_locked(PG)).  Take one page out of PG's working set,
 * its policy choosing: its PTEs become transition entries and its frame
 * goes to the standby or modified list.  Returns 1, or 0 if PG holds
 * none. */
int pager_trim_one(struct pager *pg);

/* pager_trim_one for every pager in daemon mode with resident pages:
 * returns how many pages were trimmed (the trimmer's round). */
int pager_trim_some(void);

/* A fault at PAGE found frame F on a list (its PTE a transition entry):
 * take it back, every mapping of it present again, into PG's working
 * set.  Returns 0, or -E_AGAIN (F was not on a list: look again). */
int pager_rescue(struct pager *pg, uint32_t page, uint32_t f);

/* Frame F's page leaves memory (the lock of the pager whose page it was,
 * or the VM lock exclusive): a standby frame off its list (lists lock
 * held too) going to another page, or an evicted page
 * whose copy is written.  Every PTE that maps it gets its swap entry, or
 * 0 if it needs no copy (a shared object's entry, for an object's page);
 * F is left in no state, owned by the caller. */
void pager_repurpose(uint32_t f);

#define NO_SLOT SLOTSET_NONE

/* Take an empty resident slot of PG, or return NO_SLOT.  A pool's own
 * pager in sync mode takes the lowest (the policies' results depend on
 * which slot a page lands in, and the replacement report's figures must
 * not change with how slots are found); a pager by frame, whose keys are
 * frame numbers anyway, or any pager in daemon mode (whose counts are
 * not exact anyway: they depend on the daemon's timing), the one freed
 * last, from a stack: O(1), with no search.  (A pager changes mode only
 * with every slot empty, when both hold every slot.) */
static inline int slot_stack(const struct pager *pg) { return pg->daemon || pg->by_frame; }

static inline uint32_t slot_take(struct pager *pg)
{
    if (slot_stack(pg)) return pg->nfree_slots ? pg->free_slots[--pg->nfree_slots] : NO_SLOT;
    return slotset_take_first(&pg->empty);     /* (SLOTSET_NONE is NO_SLOT) */
}

#define PAGER_LOADED_FULL    0
#define PAGER_LOADED_NO_SLOT 1
#define PAGER_LOADED_TWICE   2
void pager_loaded_bad(struct pager *pg, uint32_t page, uint32_t frame, int why)
    __attribute__((noreturn, cold));

/* PAGE (in the current space) was just mapped to FRAME, a frame from
 * pager_frame: make it resident in PG (PG's lock held, or the VM lock
 * exclusive).  Panics if PG's working set is full (callers make room
 * first: pager_reserve) or FRAME is resident already.  Inline: every
 * fault that maps a page ends here (mm/fault.c). */
static inline __attribute__((always_inline)) void pager_loaded(struct pager *pg, uint32_t page,
                                                             uint32_t frame)
{
    if (pg->nresident >= pg->limit) pager_loaded_bad(pg, page, frame, PAGER_LOADED_FULL);
    uint32_t s = slot_take(pg);
    if (s == NO_SLOT) pager_loaded_bad(pg, page, frame, PAGER_LOADED_NO_SLOT);
    struct frame *fr = frame_of(frame);
    if (fr->pager) pager_loaded_bad(pg, page, frame, PAGER_LOADED_TWICE);
    uint32_t key = pg->by_frame ? frame : page >> PAGE_SHIFT;
    pg->key[s] = key;
    pg->nresident++;
    pg->faults++;
    fr->pager = pg;
    fr->wslot = s;
    policy_fault_in(&pg->policy, s, key);
}

/* Read swap SLOT into frame F for a page of PG (0: a page with no
 * pager).  In daemon mode, with the VM lock held once (exclusive; or
 * shared, with PG's lock once), the read happens with the locks let go
 * (the slot holds a reference of ours meanwhile) and *UNLOCKED is 1: the
 * caller must look at the page's entry again, since another thread may
 * have settled it, and make room in PG's working set again
 * (pager_reserve) before it loads the page.  Returns swap_read's
 * result. */
int pager_read_slot(struct pager *pg, uint32_t slot, uint32_t f, int *unlocked);

/* Make room in PG's working set for one more page: in daemon mode, if
 * it is at its limit, trim one page to a list (no disk I/O).  After a
 * read with the locks let go, other faults may have filled it. */
void pager_reserve(struct pager *pg);

/* Tests: called with PG by pager_read_slot while its locks are let go
 * for the read (before it), in the reading thread. */
extern void (*pager_unlocked_read_hook)(struct pager *pg);

/* Handle a fault on PAGE of POOL whose PTE is swap entry E: read the
 * page back and map it with FLAGS.  Returns 0, or an error (the PTE is
 * unchanged, no frame is kept).  In daemon mode the read happens with
 * the locks let go (pager_read_slot): the PTE is checked
 * again after, and if the page was released or brought in meanwhile the
 * frame is given back; -E_AGAIN as pager_frame_z. */
int pager_swap_in(struct vmpool *pool, uint32_t page, pte_t e, uint32_t flags);

/* Make sure the process pool has at least N free frames, evicting pages
 * of pagers if needed.  Returns 0, -E_NOMEM if no pager has a page to
 * evict, or the error of the last eviction that failed (-E_SWAPFULL,
 * -E_IO); or -E_AGAIN if the only pages to evict were busy pagers' (their
 * faults are running: wait and try again).  The daemon's frames come
 * first (daemon_give_back: the zeroed list, pagers' stashes, standby
 * frames).  The frames it frees are the pool's: another thread may take
 * them first, so a caller that still finds none may wait and try
 * again. */
int pager_make_room(uint32_t n);

/* Release PAGE of PG's pool in the current space (resident, swapped or
 * never touched), as free_page does for unpaged pools: this mapping,
 * and its frame and swap slot unless they are still needed elsewhere. */
void pager_release_page(struct pager *pg, uint32_t page);

/* Give back frame F, which nothing maps and no page needs any more:
 * out of the pager that holds it (if any), its swap copy dropped, back
 * to the process pool. */
void pager_free_frame(uint32_t f);

/* Does the running thread hold what PG's pages need: the VM lock
 * exclusive, or PG's lock (under the VM lock shared)? */
static inline int pager_locked(struct pager *pg)
{
    return mutex_held(&pg->lock) || vm_excl_held();      /* (a fault's case first) */
}

/* The copy window (vm_fill_frame) of a holder of PG's lock, or of the
 * unpaged lock (PG 0). */
static inline uint32_t pager_window(const struct pager *pg)
{
    return pg ? pg->win : VMWIN_VA;
}

/* For a thread holding the VM lock shared and one pager's lock, about to
 * work on frame F's page, which may be another pager's: take that
 * pager's lock by trying (against the order: two pager locks), or see
 * that nothing is needed (the VM lock held exclusive, or that pager's
 * lock held already).  Returns the lock to give back with pager_unclaim
 * (0: none), or PAGER_BUSY if the try failed: back off. */
#define PAGER_BUSY ((struct mutex *)1)
struct mutex *pager_claim_frame(uint32_t f);
static inline void pager_unclaim(struct mutex *m)
{
    if (m) mutex_unlock(m);
}

/* Print PG's policy, resident set and counters on one line. */
void pager_print(const struct pager *pg);

#endif
