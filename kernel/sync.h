/* kernel/sync.h - spinlocks, mutexes, semaphores, and the lock hierarchy.
 *
 * Spinlocks disable interrupts on this CPU and spin on an atomic
 * exchange: on one CPU the spin never happens, but callers are written
 * exactly as they would be for SMP.  Mutexes and semaphores put waiting
 * threads to sleep on a wait queue.  Never sleep holding a spinlock.
 *
 * The lock hierarchy.  Every lock has a level, and a thread may only
 * take a lock whose level is higher than every lock it already holds
 * (re-taking a recursive lock is allowed).  Debug builds check this
 * on every acquisition and report a violation with both lock names.
 *
 *   level  lock          kind              protects
 *   10     kheap         mutex             kmalloc's size classes
 *   20     vm            recursive mutex,  exclusive: VMPools and regions,
 *                        or shared         spaces, pagers attached, the
 *                                          daemon's threads; shared: the
 *                                          page-fault path (mm/paging.h)
 *   22     pager         recursive mutex   one per pager: its resident set,
 *                                          policy, PTEs and frames, for a
 *                                          fault holding vm shared; another
 *                                          pager's only by mutex_trylock
 *   23     unpaged       recursive mutex   the pages of pools with no pager
 *                                          (mm/fault.c), likewise
 *   25     lists         mutex             the paging daemon's frame lists
 *                                          and frame states (mm/daemon.c);
 *                                          the zero-page thread takes vm
 *                                          after it, by mutex_trylock
 *   30     swap          mutex             swap slots, checksums
 *   35     disk          mutex             one ATA command at a time
 *                                          (LOCK_DISK, drivers/ata.h)
 *   37     vmwin         spinlock          which copy windows are taken (vmwin_alloc)
 *   38     pt            spinlock          making a page table (pt_ensure)
 *   40     kmap          spinlock          the kmap windows
 *   45     procs         spinlock          the list of processes, their states
 *   47     commit        spinlock          the commit charge (mm/commit.c)
 *   50     frames        spinlock          every frame pool's bitmap
 *
 * So kmalloc may fault (kheap -> vm), the fault handler may swap
 * (vm shared -> pager -> swap -> kmap) and take frames (-> lists ->
 * frames); nothing below may call back up.  The VM lock is recursive
 * because the VM's own bookkeeping pages (region tables) are
 * demand-paged: a VMPool operation that touches a fresh table page
 * faults while holding it.  Two inversions are taken by mutex_trylock,
 * backing off when the try fails (mm/daemon.c): the zero thread, holding
 * the lists, takes vm exclusive; a fault repurposing a standby frame,
 * holding its own pager's lock and the lists, takes the lock of the
 * pager the frame's page belonged to.  Pagers' locks are peers, so a
 * fault that takes another pager's (to make room, pager_make_room and
 * reclaim_copies in mm/pager.c) tries it too. */
#ifndef KERNEL_SYNC_H
#define KERNEL_SYNC_H

#include <stdint.h>
#include "kernel/thread.h"
#include "kernel/x86.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LOCK_KHEAP   10
#define LOCK_VM      20
#define LOCK_PAGER   22
#define LOCK_UNPAGED 23
#define LOCK_LISTS   25
#define LOCK_SWAP    30
#define LOCK_VMWIN   37
#define LOCK_PT      38
#define LOCK_KMAP    40
#define LOCK_PROCS   45
#define LOCK_COMMIT  47
#define LOCK_FRAMES  50

struct spinlock {
    volatile uint32_t locked;
    uint32_t saved_if;          /* interrupt flag to restore on release */
    const char *name;
    int level;
};

struct mutex {
    struct thread *volatile owner;
    int depth;                  /* times the owner holds it (recursive only) */
    int recursive;
    struct waitq waiters;
    const char *name;
    int level;
};

struct semaphore {
    volatile int count;
    struct waitq waiters;
    const char *name;
};

#define SPINLOCK_INIT(n, lvl)    { 0, 0, (n), (lvl) }
#define MUTEX_INIT(n, lvl)       { 0, 0, 0, { 0, 0 }, (n), (lvl) }
#define RMUTEX_INIT(n, lvl)      { 0, 0, 1, { 0, 0 }, (n), (lvl) }

/* Every thread keeps a list of the locks it holds (struct thread's
 * HELD), in all builds: a thread killed while holding locks (a stack
 * overflow) gives them back through it (thread_release_held).  Debug
 * builds also check the lock order on every acquisition (kernel/sync.c);
 * VMLAB_NO_LOCKCHECK (release builds, make bench) leaves that out. */
#define LOCK_IS_SPIN  0
#define LOCK_IS_MUTEX 1
#ifndef VMLAB_NO_LOCKCHECK
void lock_check_order(const char *name, int level);
#else
static inline void lock_check_order(const char *n, int v) { (void)n, (void)v; }
#endif
void lock_note_release_slow(struct thread *t, const void *lock);
void lock_too_many(struct thread *t) __attribute__((noreturn));

/* Record that the running thread now holds LOCK. */
static inline void lock_note_acquire(void *lock, const char *name, int level, int kind)
{
    struct thread *t = thread_current();
    if (!t) return;
    lock_check_order(name, level);
    if (t->nheld == THREAD_MAX_HELD) lock_too_many(t);
    t->held[t->nheld++] = (struct held_lock){ lock, kind };
}

/* Record that the running thread no longer holds LOCK. */
static inline void lock_note_release(const void *lock)
{
    struct thread *t = thread_current();
    if (!t) return;
    if (t->nheld && t->held[t->nheld - 1].lock == lock) t->nheld--;     /* the usual case */
    else lock_note_release_slow(t, lock);
}

/* Take L: interrupts off on this CPU, then spin until L is free. */
static inline void spin_lock(struct spinlock *l)
{
    uint32_t fl = read_eflags();
    cli();
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        asm volatile("pause");
    l->saved_if = fl & EFLAGS_IF;
    lock_note_acquire(l, l->name, l->level, LOCK_IS_SPIN);
}

/* Release L and restore the interrupt flag spin_lock found. */
static inline void spin_unlock(struct spinlock *l)
{
    uint32_t restore = l->saved_if;
    lock_note_release(l);
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (restore) sti();
}

void mutex_lock_slow(struct mutex *m);
void mutex_unlock_slow(struct mutex *m);
void mutex_wake(struct mutex *m);

/* Take M, sleeping while another thread holds it.  A free mutex is taken
 * with one compare-and-swap of its owner and no interrupt toggling (the
 * common case, on the page-fault path); held, recursive or contended
 * cases go to mutex_lock_slow. */
static inline void mutex_lock(struct mutex *m)
{
    struct thread *t = thread_current(), *none = 0;
    if (__atomic_compare_exchange_n(&m->owner, &none, t, 0, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
        m->depth = 1;
        lock_note_acquire(m, m->name, m->level, LOCK_IS_MUTEX);
        return;
    }
    mutex_lock_slow(m);
}

/* Release M.  The owner is cleared before the waiters are looked at, so
 * a thread that blocks in between (it checked the owner with interrupts
 * off) is always found and woken. */
static inline void mutex_unlock(struct mutex *m)
{
    if (m->owner != thread_current() || m->depth != 1) {
        mutex_unlock_slow(m);
        return;
    }
    m->depth = 0;
    lock_note_release(m);
    __atomic_store_n(&m->owner, 0, __ATOMIC_RELEASE);
    if (m->waiters.head) mutex_wake(m);
}
/* Take M if that needs no wait (or the running thread holds it and it
 * is recursive): returns 1 if taken, else 0 at once.  It is exempt from
 * the lock-order check, since it cannot wait: that is how a thread that
 * must take locks against the order does it safely, backing off when
 * the try fails (the paging daemon's two inversions, mm/daemon.c, and
 * one pager's lock taken while holding another's, mm/pager.c). */
int mutex_trylock(struct mutex *m);

/* How many times M's holder has taken it (0 if free). */
static inline uint32_t mutex_depth(const struct mutex *m) { return m->owner ? m->depth : 0; }

/* Does the running thread hold M? */
static inline int mutex_held(const struct mutex *m)
{
    return m->depth > 0 && m->owner == thread_current();
}

/* Does any thread hold M now?  (A hint: it may change at once.) */
static inline int mutex_busy(const struct mutex *m) { return m->owner != 0; }

void sema_init(struct semaphore *s, const char *name, int count);
void sema_down(struct semaphore *s);
void sema_up(struct semaphore *s);

/* Lock-order violations reported so far (tests provoke one). */
extern uint32_t lockorder_violations;

/* Called with both lock names when the checker finds a violation.  If
 * it returns 1 the violation is only reported (a test provokes one on
 * purpose); otherwise, or with no hook, the kernel panics. */
extern int (*lockorder_hook)(const char *taken, const char *held);

/* Release every lock the running thread holds, saying so: it is being
 * killed (a stack overflow) and will never release them itself.  Then
 * THREAD_RELEASE_HOOK, if set, releases what a layer above keeps outside
 * the held list (the VM lock held shared, mm/paging.c). */
void thread_release_held(void);
extern void (*thread_release_hook)(struct thread *t);

/* The name of the lock H holds (for messages). */
const char *held_lock_name(const struct held_lock *h);

#ifdef __cplusplus
}
#endif

#endif
