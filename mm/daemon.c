/* mm/daemon.c - the paging daemon's lists and threads (the design is in mm/daemon.h).
 *
 * Locks.  The lists and the frames' states are the lists lock's (a
 * mutex, level 25); the page tables, the pagers and every frame's other
 * fields are the VM lock's (level 20) held exclusive, or held shared
 * together with the lock of the pager whose pages they are (level 22),
 * which all come first (mm/paging.h).  The trimmer and the writer take
 * the VM lock exclusive, the writer only to move frames, never across
 * its disk write.  Two inversions, each by trying and backing off:
 *   - the zero thread holds the lists when it needs the VM lock (to
 *     repurpose a standby frame): vm_trylock_excl in take_standby(),
 *     backing off when the VM lock is busy;
 *   - a fault holds its own pager's lock and the lists when it
 *     repurposes a standby frame, whose page is another pager's:
 *     pager_claim_frame in repurpose_standby(), passing busy frames over
 *     and waiting if none is left (the seed's inversion: the list, then
 *     the page's PTEs). */
#include "mm/daemon.h"
#include "mm/pager.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/swap.h"
#include "kernel/cmdline.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

CMDLINE_KEY(pager, "pager", "daemon or sync: pagers evict in the background (the default), "
            "or in the faulting thread");
CMDLINE_KEY(wm_low, "wm_low", "N: the trimmer starts when fewer than N frames are available");
CMDLINE_KEY(wm_high, "wm_high", "N: ... and trims until N are (or are being written)");

#define ZERO_MIN    8               /* below this it repurposes standby frames for them */
/* Room on the zeroed list: the zero thread's target, and pagers' stashes
 * given back on top of it (daemon_unstash); a frame that finds it full
 * goes back to the pool. */
#define ZEROED_CAP  (DAEMON_ZEROED_TARGET + 2 * PAGER_ZSTASH)

struct daemon_stats daemon_stats;
uint32_t daemon_wm_low, daemon_wm_high, daemon_zeroing;
int daemon_default = 1;
static uint32_t zeroed_frames[ZEROED_CAP];
struct fstack daemon_zeroed = { zeroed_frames, 0, ZEROED_CAP, FS_ZEROED, "zeroed" };
struct flist daemon_standby = { 0, 0, 0, FS_STANDBY, "standby" };
struct flist daemon_modified = { 0, 0, 0, FS_MODIFIED, "modified" };

static struct mutex lists_lock = MUTEX_INIT("lists", LOCK_LISTS);
static volatile int writer_held;        /* tests: the writer takes nothing */
static volatile int zero_held;          /* tests: the zero thread holds no frame */
static int started;                     /* the threads run (daemon_start) */
void (*daemon_write_hook)(const uint32_t *frames, uint32_t n);
static struct semaphore trim_sem, write_sem, zero_sem;
static volatile uint32_t inflight;      /* frames the writer is writing */

/* Wake the thread waiting on S, unless a wake-up is pending already. */
static void wake(struct semaphore *s)
{
    if (s->count <= 0) sema_up(s);
}

void daemon_trimmed(uint32_t f, int dirty)
{
    mutex_lock(&lists_lock);
    flist_push(dirty ? &daemon_modified : &daemon_standby, f);
    mutex_unlock(&lists_lock);
    daemon_stats.trimmed++;
    if (dirty) {
        daemon_stats.trimmed_dirty++;
        wake(&write_sem);
    }
}

int daemon_unlist(uint32_t f)
{
    struct frame *fr = frame_of(f);
    mutex_lock(&lists_lock);
    switch (fr->state) {
    case FS_STANDBY:
        flist_remove(&daemon_standby, f);
        break;
    case FS_MODIFIED:
        flist_remove(&daemon_modified, f);
        break;
    case FS_WRITING:                    /* rescued in flight: the write goes on */
        frame_to_none(fr);
        daemon_stats.rescued_writing++;
        break;
    default:
        mutex_unlock(&lists_lock);
        return -E_AGAIN;
    }
    mutex_unlock(&lists_lock);
    daemon_stats.soft_faults++;
    return 0;
}

/* A frame of the standby list, repurposed: its old owner's PTEs become
 * swap entries (pager_repurpose).  Those PTEs are the lock's of the
 * pager the page belonged to, which a fault, holding its own pager's
 * lock and the lists, takes by trying, against the order: the seed's
 * inversion (pager_claim_frame).  A frame whose pager is busy (another
 * thread is in its fault path) is passed over, counted in busy_passed;
 * after REPURPOSE_TRIES of them this gives up, and the fault waits and
 * tries again.  Returns the frame, in no state, or 0.  VM lock held
 * (either way) and lists lock held. */
#define REPURPOSE_TRIES 8
static uint32_t repurpose_standby(void)
{
    uint32_t f = daemon_standby.head;
    for (int i = 0; f && i < REPURPOSE_TRIES; i++, f = frame_of(f)->next) {
        struct mutex *m = pager_claim_frame(f);
        if (m == PAGER_BUSY) {
            daemon_passed_busy();
            continue;
        }
        flist_remove(&daemon_standby, f);
        pager_repurpose(f);
        pager_unclaim(m);
        daemon_stats.repurposed++;
        return f;
    }
    return 0;
}

void daemon_wake_low(void)
{
    if (daemon_zeroed.count < DAEMON_ZEROED_LOW) wake(&zero_sem);
    daemon_check_low();
}

/* A zeroed frame from PG's stash, refilled from the zeroed list's top
 * (one copy of up to PAGER_ZSTASH frame numbers) when it is empty (PG's
 * lock held, or the VM lock exclusive); 0 if both are empty.  No refill
 * while the zero thread is held: its frames are going back to the pool. */
static uint32_t take_zeroed(struct pager *pg)
{
    if (!pg->nzstash && !zero_held) {
        mutex_lock(&lists_lock);
        pg->nzstash = fstack_take(&daemon_zeroed, pg->zstash, PAGER_ZSTASH);
        mutex_unlock(&lists_lock);
    }
    return daemon_stash_take(pg);
}

/* Put zeroed frame F (in no state) on the zeroed list; or, if the list
 * is full, back in the pool (counted in zeroed_spilled) and return 0.
 * Lists lock held. */
static int put_zeroed(uint32_t f)
{
    if (fstack_push(&daemon_zeroed, f)) return 1;
    release_frames(f);
    daemon_stats.zeroed_spilled++;
    return 0;
}

void daemon_unstash(struct pager *pg)
{
    if (!pg->nzstash) return;
    mutex_lock(&lists_lock);
    for (uint32_t f; (f = daemon_stash_pop(pg)) != 0;) put_zeroed(f);
    mutex_unlock(&lists_lock);
}

int daemon_take_frame(struct pager *pg, uint32_t *fp, int *zeroed)
{
    ASSERT(vm_locked());
    /* A demand-zero page takes a zeroed frame from its pager's stash
     * first; a page the caller overwrites whole, a free frame first (the
     * zeroed ones are kept for demand-zero faults).  Then what the
     * daemon holds. */
    uint32_t f = zeroed ? take_zeroed(pg) : 0;
    if (zeroed) *zeroed = f != 0;
    if (!f) f = get_frames(&process_pool, 1);
    if (!f) f = daemon_give_back();             /* (it wakes the daemon's threads) */
    else daemon_wake_low();
    if (!f) return -E_AGAIN;
    *fp = f;
    return 0;
}

void daemon_check_low(void)
{
    if (daemon_available() < daemon_wm_low) wake(&trim_sem);
}

uint32_t daemon_give_back(void)
{
    ASSERT(vm_locked());
    mutex_lock(&lists_lock);
    uint32_t f = fstack_pop(&daemon_zeroed);
    mutex_unlock(&lists_lock);
    if (!f) f = pager_steal_stashed();          /* idle, before a page's contents */
    if (!f) {
        mutex_lock(&lists_lock);
        f = repurpose_standby();
        mutex_unlock(&lists_lock);
    }
    daemon_wake_low();
    return f;
}

void daemon_wait(void)
{
    daemon_stats.fault_waits++;
    wake(&trim_sem);
    wake(&write_sem);
    thread_sleep(1);
}

int daemon_release(uint32_t f)
{
    struct frame *fr = frame_of(f);
    mutex_lock(&lists_lock);
    if (fr->state == FS_STANDBY) flist_remove(&daemon_standby, f);
    else if (fr->state == FS_MODIFIED) flist_remove(&daemon_modified, f);   /* (maybe in flight too) */
    mutex_unlock(&lists_lock);
    if (fr->flags & FRAME_INFLIGHT) {
        fr->flags |= FRAME_DOOMED;
        return 1;
    }
    return 0;
}

void daemon_hold_writer(int hold)
{
    writer_held = hold;
    if (!hold) wake(&write_sem);
    else daemon_settle();               /* what it took already finishes */
}

void daemon_hold_zero(int hold)
{
    /* Under the lists lock, which the zero thread holds while it takes a
     * frame: once this returns it takes no more. */
    mutex_lock(&lists_lock);
    zero_held = hold;
    mutex_unlock(&lists_lock);
    if (hold) pager_unstash_all();      /* the pagers' zeroed frames go back too */
    if (!started) return;
    wake(&zero_sem);
    for (int i = 0; hold && i < 1000 && (daemon_zeroing || daemon_zeroed.count); i++) {
        wake(&zero_sem);
        thread_sleep(1);
    }
    if (hold && (daemon_zeroing || daemon_zeroed.count))
        panic("daemon_hold_zero: the zero thread still holds %u frames after 10 s",
              daemon_zeroing + daemon_zeroed.count);
}

uint32_t daemon_free_frames(void)
{
    mutex_lock(&lists_lock);
    /* The stashes counted pager by pager: a stash lost (a pager gone
     * without giving it back) must show as frames gone. */
    uint32_t n = process_pool.nfree + daemon_zeroed.count + daemon_zeroing + pager_stashed();
    mutex_unlock(&lists_lock);
    return n;
}

void daemon_settle(void)
{
    for (int i = 0; inflight && i < 1000; i++) thread_sleep(1);
    if (inflight) panic("daemon_settle: %u frames still in flight after 10 s", inflight);
}

/* ---- the writer ---- */

/* The writer's run FRAMES[0..N) is done: written from slot FIRST on, or
 * not (ERR).  A frame still WRITING goes to standby (or back to modified
 * on an error); one rescued meanwhile stays where it is now, with the
 * copy (its D bits say whether the copy is current); one released
 * meanwhile is freed. */
static void finish(const uint32_t *frames, uint32_t n, uint32_t first, int err)
{
    vm_lock_excl();
    mutex_lock(&lists_lock);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t f = frames[i];
        struct frame *fr = frame_of(f);
        fr->flags &= ~FRAME_INFLIGHT;
        inflight--;
        if (!err) {
            if (fr->slot != SWAP_NONE) swap_free(fr->slot);
            fr->slot = first + i;
        }
        if (fr->flags & FRAME_DOOMED) {     /* (frame_release clears the rest) */
            if (fr->slot != SWAP_NONE) swap_free(fr->slot);
            frame_to_none(fr);
            frame_release(f);
            continue;
        }
        if (fr->state == FS_WRITING) {
            fr->state = FS_NONE;
            if (err) fr->flags |= FRAME_DIRTY;
            flist_push(err ? &daemon_modified : &daemon_standby, f);
        }
    }
    mutex_unlock(&lists_lock);
    vm_unlock_excl();
}

static void writer(void *arg)
{
    (void)arg;
    for (;;) {
        if (!daemon_modified.count || writer_held) sema_down(&write_sem);
        if (writer_held) continue;
        uint32_t frames[SWAP_RUN_MAX], n = 0;
        vm_lock_excl();
        mutex_lock(&lists_lock);
        while (n < SWAP_RUN_MAX && daemon_modified.count) {
            uint32_t f = flist_pop(&daemon_modified);
            struct frame *fr = frame_of(f);
            fr->state = FS_WRITING;
            fr->flags = (fr->flags | FRAME_INFLIGHT) & ~FRAME_DIRTY;
            frames[n++] = f;
        }
        inflight += n;
        mutex_unlock(&lists_lock);
        vm_unlock_excl();
        if (daemon_write_hook) daemon_write_hook(frames, n);
        /* The disk, with no lock of the VM held: faults go on meanwhile. */
        for (uint32_t done = 0; done < n;) {
            uint32_t m = n - done, first = 0;
            int err;
            while ((err = swap_write_run(frames + done, m, &first)) == -E_SWAPFULL && m > 1)
                m /= 2;
            if (err == -E_SWAPFULL) m = n - done;       /* not one slot: all wait */
            finish(frames + done, m, first, err);
            if (err) {
                daemon_stats.write_errors++;
                thread_sleep(10);               /* a full or failing disk: not at once */
            } else {
                daemon_stats.written += m;
                daemon_stats.write_cmds++;
            }
            done += m;
        }
    }
}

/* ---- the trimmer ---- */

static void trimmer(void *arg)
{
    (void)arg;
    for (;;) {
        sema_down(&trim_sem);
        vm_lock_excl();
        while (daemon_available() < daemon_wm_low ||
               (daemon_available() + daemon_modified.count < daemon_wm_high &&
                daemon_available() < daemon_wm_high))
            if (!pager_trim_some()) break;
        vm_unlock_excl();
        if (daemon_modified.count) wake(&write_sem);
    }
}

/* ---- the zero-page thread ---- */

/* Take the standby list's first frame and repurpose it, from a thread
 * that holds no lock: the lists first (so that the frame cannot be
 * rescued or released under us), then the VM lock, against the order,
 * by trying; if another thread holds it, let go of the lists, wait a
 * tick and start again.  Returns the frame (its old owners' PTEs
 * rewritten, in no state), or 0 if standby is empty. */
static uint32_t take_standby(void)
{
    for (;;) {
        mutex_lock(&lists_lock);
        uint32_t f = daemon_standby.head;
        if (!f) {
            mutex_unlock(&lists_lock);
            return 0;
        }
        if (vm_trylock_excl()) {
            f = repurpose_standby();            /* (exclusive: the head, at once) */
            vm_unlock_excl();
            mutex_unlock(&lists_lock);
            return f;
        }
        mutex_unlock(&lists_lock);
        daemon_stats.backoffs++;
        thread_sleep(1);
    }
}

int daemon_repurpose_one(void)
{
    uint32_t f = take_standby();
    if (f) frame_release(f);
    return f != 0;
}

static void zeroer(void *arg)
{
    (void)arg;
    for (;;) {
        if (!daemon_users || zero_held) {
            /* No pager is in daemon mode (or a test holds the thread):
             * its zeroed frames go back to the pool, and it waits. */
            mutex_lock(&lists_lock);
            for (uint32_t f; (f = fstack_pop(&daemon_zeroed)) != 0;) release_frames(f);
            mutex_unlock(&lists_lock);
            sema_down(&zero_sem);
            continue;
        }
        if (daemon_zeroed.count >= DAEMON_ZEROED_TARGET) {  /* woken when takes bring it low */
            sema_down(&zero_sem);
            continue;
        }
        /* A frame from the pool while it is above its low watermark;
         * below it, a standby frame repurposed if the zeroed list is
         * nearly out; else look again soon (frames released to the pool
         * wake nobody: the frame pool is below the daemon). */
        mutex_lock(&lists_lock);
        int held = zero_held;
        uint32_t f = held || process_pool.nfree <= daemon_wm_low ? 0 : get_frames(&process_pool, 1);
        if (f) daemon_zeroing++;
        mutex_unlock(&lists_lock);
        if (held) continue;                     /* held since the check above */
        if (!f) {
            if (daemon_zeroed.count >= ZERO_MIN || (f = take_standby()) == 0) {
                thread_sleep(5);
                continue;
            }
            mutex_lock(&lists_lock);
            if ((held = zero_held) == 0) daemon_zeroing++;
            mutex_unlock(&lists_lock);
            if (held) {                         /* held while we took it */
                frame_release(f);
                continue;
            }
        }
        void *p = kmap(f);
        memset(p, 0, PAGE_SIZE);
        kunmap(p);
        mutex_lock(&lists_lock);
        daemon_zeroing--;
        if (put_zeroed(f)) daemon_stats.zeroed_made++;
        mutex_unlock(&lists_lock);
    }
}

/* ---- start ---- */

uint32_t daemon_users;

void daemon_use(int delta)
{
    daemon_users += delta;
    if (started) wake(&zero_sem);
}

void daemon_start(void)
{
    if (started) return;
    started = 1;
    sema_init(&trim_sem, "trim", 0);
    sema_init(&write_sem, "write", 0);
    sema_init(&zero_sem, "zero", 0);
    struct thread *t = thread_create("trimmer", trimmer, 0), *w = thread_create("writer", writer, 0),
                  *z = thread_create("zero", zeroer, 0);
    if (!t || !w || !z) panic("daemon_start: no memory for the daemon's threads");
    thread_set_low(z);
}

void daemon_init(void)
{
    flist_table((struct frame *)FRAMETAB_BASE, frame_first, frame_count);
    const char *mode = cmdline_get("pager");
    if (mode && strcmp(mode, "daemon") && strcmp(mode, "sync"))
        cmdline_refuse("pager=%s: expected daemon or sync", mode);
    daemon_default = !mode || !strcmp(mode, "daemon");
    uint32_t n = process_pool.nfree, low = n / 64;
    if (low < 16) low = 16;
    if (low > 1024) low = 1024;
    daemon_wm_low = cmdline_uint("wm_low", low);
    daemon_wm_high = cmdline_uint("wm_high", 2 * daemon_wm_low);
    if (daemon_wm_low == 0 || daemon_wm_low >= n / 2)
        cmdline_refuse("wm_low=%u: must be 1..%u (under half the %u free frames)", daemon_wm_low,
                       n / 2 - 1, n);
    if (daemon_wm_high <= daemon_wm_low || daemon_wm_high >= n / 2)
        cmdline_refuse("wm_high=%u: must be above wm_low (%u) and under %u", daemon_wm_high,
                       daemon_wm_low, n / 2);
    if (daemon_default) daemon_start();
}
