/* kernel/sync.h - spinlocks, mutexes, semaphores, and the lock hierarchy.
 *
 * Spinlocks disable interrupts on this CPU and spin on an atomic
 * exchange: on one CPU the spin never happens, but callers are written
 * exactly as they would be for SMP.  Mutexes and semaphores put waiting
 * threads to sleep on a wait queue.  Never sleep holding a spinlock.
 *
 * The lock hierarchy.  Every lock has a level, and a thread may only
 * take a lock whose level is higher than every lock it already holds
 * (re-taking the recursive VM lock is allowed).  Debug builds check this
 * on every acquisition and report a violation with both lock names.
 *
 *   level  lock          kind              protects
 *   10     kheap         mutex             kmalloc's size classes
 *   20     vm            recursive mutex   VMPools, page tables, the fault
 *                                          handler, pagers and policies
 *   30     swap          mutex             swap slots, checksums, the disk
 *   40     kmap          spinlock          the kmap windows
 *   50     frames        spinlock          every frame pool's bitmap
 *
 * So kmalloc may fault (kheap -> vm), the fault handler may swap
 * (vm -> swap -> kmap) and take frames (vm -> frames); nothing below may
 * call back up.  The VM lock is recursive because the VM's own
 * bookkeeping pages (region tables) are demand-paged: a VMPool operation
 * that touches a fresh table page faults while holding it. */
#ifndef KERNEL_SYNC_H
#define KERNEL_SYNC_H

#include <stdint.h>
#include "kernel/thread.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LOCK_KHEAP   10
#define LOCK_VM      20
#define LOCK_SWAP    30
#define LOCK_KMAP    40
#define LOCK_FRAMES  50

struct spinlock {
    volatile uint32_t locked;
    uint32_t saved_if;          /* interrupt flag to restore on release */
    const char *name;
    int level;
};

struct mutex {
    struct thread *owner;
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

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* Take M, sleeping while another thread holds it. */
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* Does the running thread hold M? */
int mutex_held(const struct mutex *m);

void sema_init(struct semaphore *s, const char *name, int count);
void sema_down(struct semaphore *s);
void sema_up(struct semaphore *s);

/* Lock-order violations reported so far (tests provoke one). */
extern uint32_t lockorder_violations;

/* The VM lock (level 20), taken by mm/ code. */
extern struct mutex vm_lock;

#ifdef __cplusplus
}
#endif

#endif
