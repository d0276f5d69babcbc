/* kernel/sync.c - locks, and the checker that keeps them in order.
 *
 * Each thread keeps a small list of the locks it holds (struct thread's
 * HELD).  Taking a lock whose level is not above every held lock is a
 * potential deadlock: two threads taking the same two locks in opposite
 * orders can each end up waiting for the other.  The checker reports the
 * first such acquisition, with both lock names and a backtrace, and
 * panics, unless the running test set expect_order_violation to provoke
 * one on purpose.  VMLAB_NO_LOCKCHECK (release builds, make bench) turns
 * the checker off. */
#include "kernel/sync.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/printf.h"

uint32_t lockorder_violations;
struct mutex vm_lock = RMUTEX_INIT("vm", LOCK_VM);

static void __attribute__((noinline)) order_acquire(const void *lock, const char *name, int level)
{
#ifndef VMLAB_NO_LOCKCHECK
    struct thread *t = thread_current();
    if (!t) return;
    for (int i = 0; i < t->nheld; i++) {
        if (t->held[i].level >= level) {
            lockorder_violations++;
            kprintf("lock order violation: thread '%s' takes '%s' (level %d) while holding "
                    "'%s' (level %d)\n", t->name, name, level, t->held[i].name, t->held[i].level);
            uint32_t *fp = (uint32_t *)read_ebp();      /* from the lock call on */
            backtrace(fp[1] - 1, fp[0]);
            if (!t->expect_order_violation)
                panic("lock order: '%s' after '%s'", name, t->held[i].name);
            break;
        }
    }
    if (t->nheld == THREAD_MAX_HELD) panic("thread %s holds too many locks", t->name);
    t->held[t->nheld++] = (struct held_lock){ lock, name, level };
#else
    (void)lock, (void)name, (void)level;
#endif
}

static void order_release(const void *lock)
{
#ifndef VMLAB_NO_LOCKCHECK
    struct thread *t = thread_current();
    if (!t) return;
    for (int i = t->nheld - 1; i >= 0; i--) {
        if (t->held[i].lock == lock) {
            for (int k = i; k + 1 < t->nheld; k++) t->held[k] = t->held[k + 1];
            t->nheld--;
            return;
        }
    }
    panic("lock release: thread %s does not hold the lock it releases", t->name);
#else
    (void)lock;
#endif
}

void spin_lock(struct spinlock *l)
{
    uint32_t fl = read_eflags();
    cli();
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        asm volatile("pause");
    l->saved_if = fl & EFLAGS_IF;
    order_acquire(l, l->name, l->level);
}

void spin_unlock(struct spinlock *l)
{
    uint32_t restore = l->saved_if;
    order_release(l);
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (restore) sti();
}

void mutex_lock(struct mutex *m)
{
    struct thread *t = thread_current();
    uint32_t fl = read_eflags();
    cli();
    if (m->owner == t && t) {
        if (!m->recursive) panic("mutex %s: thread %s takes it twice", m->name, t->name);
        m->depth++;
    } else {
        while (m->owner) thread_block(&m->waiters);
        m->owner = t;
        m->depth = 1;
        order_acquire(m, m->name, m->level);
    }
    if (fl & EFLAGS_IF) sti();
}

void mutex_unlock(struct mutex *m)
{
    uint32_t fl = read_eflags();
    cli();
    if (m->owner != thread_current() || m->depth == 0)
        panic("mutex %s: released by a thread that does not hold it", m->name);
    if (--m->depth == 0) {
        order_release(m);
        m->owner = 0;
        thread_wake_one(&m->waiters);
    }
    if (fl & EFLAGS_IF) sti();
}

int mutex_held(const struct mutex *m)
{
    return m->depth > 0 && m->owner == thread_current();
}

void sema_init(struct semaphore *s, const char *name, int count)
{
    s->count = count;
    s->waiters.head = s->waiters.tail = 0;
    s->name = name;
}

void sema_down(struct semaphore *s)
{
    uint32_t fl = read_eflags();
    cli();
    while (s->count == 0) thread_block(&s->waiters);
    s->count--;
    if (fl & EFLAGS_IF) sti();
}

void sema_up(struct semaphore *s)
{
    uint32_t fl = read_eflags();
    cli();
    s->count++;
    thread_wake_one(&s->waiters);
    if (fl & EFLAGS_IF) sti();
}
