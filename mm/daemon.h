/* mm/daemon.h - the paging daemon: trimmer, modified-page writer, zero-page thread.
 *
 * With a pager in daemon mode (pager=daemon, mm/pager.h), no faulting
 * thread ever writes to swap, and no disk I/O happens with a lock of the
 * VM held.  Pages leave working sets onto lists, threads of the daemon do
 * the slow work in the background, and a fault on a page still on a list
 * takes it back without touching the disk (after Windows's memory
 * manager; ../shared/seeds/002 describes the design).
 *
 * A frame of the process pool is in one of these states (struct frame's
 * STATE, and USE for the frames in use):
 *
 *                 zero thread                 fault (demand-zero)
 *     FREE  ------------------->  ZEROED  ----------------------+
 *      ^  \                                                     v
 *      |   +-----------------------------------------------> ACTIVE
 *      |              fault (a free frame, zeroed by it)      (in a working
 *      |                                                       set, mapped)
 *      |                         trimmer, or a fault over its    |  |
 *      |                         pager's resident limit:         |  |
 *      |                       clean |                     dirty |  |
 *      |                             v                           v  |
 *      |  page released        STANDBY  <----- writer ----- MODIFIED
 *      +----------------------  (copy in  ---> fault: rescue ---/    |
 *      |                        swap, or        (soft fault)         | writer
 *      |                        none needed) <-----------------------+ takes
 *      |                             |                               v
 *      |  fault, zero thread:        |                            WRITING
 *      |  repurposed (the old        |                        (fault: rescue
 *      +--owner's PTEs get swap <----+                         while in flight)
 *          entries)
 *
 *   FREE      in the frame pool's bitmap (mm/frame_pool.c)
 *   ZEROED    taken from the pool and zeroed by the zero thread, waiting
 *             on the zeroed list (kept as a stack of frame numbers,
 *             mm/fstack.h: none leaves it from the middle), or in a
 *             pager's stash (taken off the list's top PAGER_ZSTASH at a
 *             time, in one copy, by its faults, under its lock)
 *   ACTIVE    in use: a page in a working set (resident in a pager), a
 *             page of an unpaged pool, a page table, a kernel page
 *   STANDBY   trimmed, clean: its contents are in swap, or were never
 *             written (zeros, or program bytes made again on demand)
 *   MODIFIED  trimmed, dirty: waits for the writer
 *   WRITING   being written by the writer (a rescue in flight makes it
 *             ACTIVE again; the write still completes)
 *
 * A trimmed page's PTEs become transition entries naming its frame
 * (mm/pte.h): not present, so any access faults, and the fault sets P
 * again: a soft fault.  A standby frame repurposed for another page
 * hands its old owners swap entries (or 0), as eviction does in sync
 * mode.
 *
 * The threads:
 *   trimmer   when available memory (free + zeroed + standby frames)
 *             falls below DAEMON_WM_LOW (wm_low=), takes pages out of
 *             working sets, each pager's policy choosing, until available
 *             plus modified reaches DAEMON_WM_HIGH (wm_high=);
 *   writer    writes modified pages to swap in runs of up to SWAP_RUN_MAX
 *             adjacent slots, one disk command a run, with no VM lock,
 *             then moves them to standby.  A write error puts the pages
 *             back on the modified list (the slots are retired);
 *   zero      at low priority, zeroes free frames onto the zeroed list
 *             while the pool is above the low watermark.  Below it, with
 *             the zeroed list nearly out (ZERO_MIN), it repurposes a
 *             standby frame: it holds the lists lock, then needs the VM lock
 *             (exclusive) to rewrite the old owner's PTEs, against the
 *             lock order (vm before lists, kernel/sync.h).  It takes it
 *             by vm_trylock_excl, and on failure lets go of the lists and
 *             backs off (DAEMON_STATS.backoffs counts it).
 *
 * A faulting thread takes, in order: its page's own frame (a rescue), a
 * zeroed frame (from its pager's stash, refilled from the zeroed list),
 * a free frame, a frame from another pager's stash, a repurposed standby
 * frame (a page it fills whole, a copy or a page read in, takes a free
 * frame before a zeroed one); with none, it lets go of its locks and
 * waits for the daemon.  Its only disk I/O is
 * reading its own page in, with its locks released.  Repurposing holds
 * the fault's own pager's lock and the lists, and needs the lock of the
 * pager whose page the frame held: the second inversion, also by trying
 * (pager_claim_frame); a frame whose pager is busy is passed over
 * (DAEMON_STATS.busy_passed), and with none left the fault waits. */
#ifndef MM_DAEMON_H
#define MM_DAEMON_H

#include <stdint.h>
#include "mm/flist.h"
#include "mm/fstack.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/pager.h"
#include "kernel/thread.h"

struct daemon_stats {
    uint32_t trimmed;           /* pages taken out of working sets */
    uint32_t trimmed_dirty;     /* ... onto the modified list */
    uint32_t soft_faults;       /* rescues: from standby, modified or in flight */
    uint32_t rescued_writing;   /* ... of which in flight */
    uint32_t repurposed;        /* standby frames given to another page */
    uint32_t written;           /* pages the writer wrote */
    uint32_t write_cmds;        /* in this many disk commands */
    uint32_t write_errors;      /* runs whose write failed (back to modified) */
    uint32_t zeroed_made;       /* frames the zero thread zeroed onto the zeroed list */
    uint32_t zeroed_spilled;    /* zeroed frames that found the list full: back to the pool */
    uint32_t zeroed_used;       /* demand-zero faults that found a zeroed frame */
    uint32_t backoffs;          /* the zero thread's repurposes that found the VM lock
                                   held and backed off */
    uint32_t busy_passed;       /* frames a fault's repurpose (or eviction) passed over:
                                   their pager's lock was held (pager_claim_frame) */
    uint32_t fault_waits;       /* faults that waited for the daemon */
    uint32_t fault_writes;      /* pages written to swap by a faulting thread: 0 in daemon mode */
    uint32_t reads_unlocked;    /* swap-ins read with the VM's locks let go */
    uint32_t reads_locked;      /* ... that could not release it (a nested fault) */
};
extern struct daemon_stats daemon_stats;

/* Watermarks, in frames (wm_low=, wm_high=). */
extern uint32_t daemon_wm_low, daemon_wm_high;

/* 1 if pagers start in daemon mode (pager=daemon, the default), 0 if in
 * sync mode (pager=sync: eviction in the faulting thread; the replacement
 * experiments put their pagers in it whatever pager= says). */
extern int daemon_default;

/* Read pager=, wm_low=, wm_high= and set up the lists (after swap_init
 * and the frame table); start the threads unless pager=sync (then the
 * first pager put in daemon mode starts them: daemon_start). */
void daemon_init(void);

/* Start the three threads, if not yet (the first pager put in daemon
 * mode does). */
void daemon_start(void);

/* Pagers in daemon mode now; with none, the zero thread gives its
 * frames back to the pool and waits.  DELTA +1 or -1 as one enters or
 * leaves daemon mode (mm/pager.c). */
extern uint32_t daemon_users;
void daemon_use(int delta);

/* The lists, for tests and memview (read them with no lock: a hint);
 * the zeroed list is a stack. */
extern struct fstack daemon_zeroed;
extern struct flist daemon_standby, daemon_modified;

/* Frames that can be had now without a disk write: free, zeroed and
 * standby.  (Not the pagers' stashes: their own faults take from them,
 * others only as a last resort, daemon_give_back; the trimmer does not
 * count on them.) */
static inline uint32_t daemon_available(void)
{
    return process_pool.nfree + daemon_zeroed.count + daemon_standby.count;
}

/* For mm/pager.c, the VM lock held (either way) with the pager's lock. */

/* Frame F was just trimmed from a working set (its PTEs are transition
 * entries): onto the modified list if DIRTY, else standby; the writer or
 * the trimmer's waiters are woken as needed. */
void daemon_trimmed(uint32_t f, int dirty);

/* Take frame F, whose page is being rescued, off the list it is on (or
 * mark it rescued in flight).  Returns 0, or -E_AGAIN if it is not on a
 * list (another fault got it first: retry). */
int daemon_unlist(uint32_t f);

/* A frame for a new page of daemon-mode pager PG, into *F.  With
 * ZEROED, for a demand-zero page: PG's stash of zeroed frames (refilled
 * from the zeroed list, PAGER_ZSTASH at a time), and *ZEROED says
 * whether the frame is zeroed already; with ZEROED null, for a page the
 * caller fills whole (a copy, a page read in), not the stash.  Then a
 * free frame, then daemon_give_back's.  Wakes the zero thread and the
 * trimmer as needed.  Returns 0, or -E_AGAIN if there is none (the
 * caller lets go of its locks and calls daemon_wait). */
int daemon_take_frame(struct pager *pg, uint32_t *f, int *zeroed);

/* Give PG's stash of zeroed frames back to the zeroed list (PG's lock or
 * the VM lock exclusive held): before it leaves daemon mode or is
 * detached, and when the zero thread is held. */
void daemon_unstash(struct pager *pg);

/* One frame out of PG's stash (PG's lock or the VM lock exclusive held),
 * in no state, or 0 if the stash is empty.  (Its state is not checked
 * here, on the fault path: a frame enters the zeroed list only from no
 * state, fstack_push, and nothing frees a frame in a state,
 * frame_release, so none can be taken from under the list.) */
static inline uint32_t daemon_stash_pop(struct pager *pg)
{
    if (!pg->nzstash) return 0;
    uint32_t f = pg->zstash[--pg->nzstash];
    frame_to_none(frame_of(f));         /* (FS_ZEROED, on no list: fstack_take) */
    return f;
}

/* Wake the zero thread if the zeroed list is below DAEMON_ZEROED_LOW,
 * and the trimmer if available memory is below the low watermark: after
 * anything that took frames off the zeroed list or out of the pool. */
#define DAEMON_ZEROED_TARGET (3 * PAGER_ZSTASH)   /* zeroed frames the zero thread keeps
                                                      ready: three stashes' refills */
#define DAEMON_ZEROED_LOW (DAEMON_ZEROED_TARGET / 2)
void daemon_wake_low(void);

/* The demand-zero fault's usual frame: one from PG's stash, zeroed
 * already, counted in zeroed_used; or 0 if the stash is empty (then
 * daemon_take_frame refills it).  It wakes nobody: a take from a stash
 * changes neither the zeroed list nor available memory (the stash left
 * both at its refill, which wakes the zero thread and the trimmer as
 * needed).  Inline: the fault path's common case (mm/fault.c). */
static inline __attribute__((always_inline)) uint32_t daemon_stash_take(struct pager *pg)
{
    uint32_t f = daemon_stash_pop(pg);
    if (f) daemon_stats.zeroed_used++;
    return f;
}

/* Count a frame or a pager passed over because another thread held its
 * pager's lock: in DAEMON_STATS.busy_passed, and in the running
 * thread's own count, which pager_make_room reads to tell "only busy
 * pagers had pages" (-E_AGAIN) from "none had" (other threads' passes
 * are not its business). */
static inline void daemon_passed_busy(void)
{
    struct thread *t = thread_current();
    daemon_stats.busy_passed++;
    if (t) t->vm_busy_passed++;
}

/* Wake the trimmer if available memory is below the low watermark: for
 * a path that took a frame from the pool itself (the copy-on-write
 * copy, mm/fault.c). */
void daemon_check_low(void);

/* A frame the daemon holds, VM lock held either way: a zeroed one, one
 * from a pager's stash (pager_steal_stashed, by trying each pager's
 * lock: any pager's, the caller's own too), or a standby one
 * repurposed; 0 if there is none.  For daemon_take_frame, and for
 * pager_make_room, which gives it back to the pool (the kernel's own
 * allocations take from the pool). */
uint32_t daemon_give_back(void);

/* No lock held: wake the trimmer and writer and wait a little for them
 * to make frames available. */
void daemon_wait(void);

/* Frame F's page was released (its last mapping gone, or its object
 * dead): take it off the list it is on.  Returns 0: the caller frees it
 * (its slot, its frame); or 1 if its write is in flight: the writer
 * frees it when the write completes. */
int daemon_release(uint32_t f);

/* For tests (no lock held): wait until the writer has nothing in flight,
 * so that frame counts are steady. */
void daemon_settle(void);

/* For tests: stop the writer taking pages off the modified list (HOLD 1;
 * returns when what it had taken is written), or let it go on (0). */
void daemon_hold_writer(int hold);

/* Called by the writer, no lock held, when it has marked the N frames of
 * FRAMES in flight and is about to write them.  0: no hook.  A test
 * (daemon_inflight_retrim) rescues, trims and repurposes pages here, so
 * that those moves happen while a write is in flight. */
extern void (*daemon_write_hook)(const uint32_t *frames, uint32_t n);

/* For tests that read the frame pool directly: make the zero thread give
 * its zeroed frames back to the pool and take no more (HOLD 1; returns
 * when it holds none), or let it go on (0). */
void daemon_hold_zero(int hold);

/* Free frames, counting the zeroed ones, those being zeroed (which are
 * free frames too, in the zero thread's hands) and those in pagers'
 * stashes, read together. */
uint32_t daemon_free_frames(void);

/* For tests: the zero thread's repurpose, once, from the calling thread
 * (no lock held): take the standby list's first frame, repurposing it
 * (trying the VM lock, backing off while another thread holds it either
 * way), and
 * give it back to the pool.  Returns 1 if a frame was repurposed, 0 if
 * standby was empty. */
int daemon_repurpose_one(void);

/* Frames being zeroed now (taken from the pool, not yet listed). */
extern uint32_t daemon_zeroing;

#endif
