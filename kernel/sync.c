/* kernel/sync.c - locks, and the checker that keeps them in order.
 *
 * Each thread keeps a small list of the locks it holds (struct thread's
 * HELD, maintained inline in kernel/sync.h).  Taking a lock whose level
 * is not above every held lock is a potential deadlock: two threads
 * taking the same two locks in opposite orders can each end up waiting
 * for the other.  The checker reports the first such acquisition, with
 * both lock names and a backtrace, and panics, unless lockorder_hook
 * says the violation was provoked on purpose (the `locks` test does).
 * VMLAB_NO_LOCKCHECK (release builds, make bench) turns the checker off;
 * the list itself is kept in every build, because a thread killed for a
 * stack overflow must give back what it held (thread_release_held). */
#include "kernel/sync.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/printf.h"

uint32_t lockorder_violations;
int (*lockorder_hook)(const char *taken, const char *held);

const char *held_lock_name(const struct held_lock *h)
{
    return h->kind == LOCK_IS_MUTEX ? ((struct mutex *)h->lock)->name
                                    : ((struct spinlock *)h->lock)->name;
}

#ifndef VMLAB_NO_LOCKCHECK
static int held_level(const struct held_lock *h)
{
    return h->kind == LOCK_IS_MUTEX ? ((struct mutex *)h->lock)->level
                                    : ((struct spinlock *)h->lock)->level;
}

void lock_check_order(const char *name, int level)
{
    struct thread *t = thread_current();
    for (int i = 0; i < t->nheld; i++) {
        const struct held_lock *h = &t->held[i];
        if (held_level(h) >= level) {
            lockorder_violations++;
            kprintf("lock order violation: thread '%s' takes '%s' (level %d) while holding "
                    "'%s' (level %d)\n", t->name, name, level, held_lock_name(h), held_level(h));
            backtrace((uint32_t)__builtin_return_address(0) - 1, read_ebp());
            if (!lockorder_hook || !lockorder_hook(name, held_lock_name(h)))
                panic("lock order: '%s' after '%s'", name, held_lock_name(h));
            break;
        }
    }
}
#endif

void lock_too_many(struct thread *t)
{
    panic("thread %s holds too many locks (%d)", t->name, THREAD_MAX_HELD);
}

/* Locks are almost always released in the reverse order of taking
 * (the inline fast path); this is the other case. */
void lock_note_release_slow(struct thread *t, const void *lock)
{
    for (int i = t->nheld - 1; i >= 0; i--) {
        if (t->held[i].lock == lock) {
            for (int k = i; k + 1 < t->nheld; k++) t->held[k] = t->held[k + 1];
            t->nheld--;
            return;
        }
    }
    panic("lock release: thread %s does not hold the lock it releases", t->name);
}

void thread_release_held(void)
{
    struct thread *t = thread_current();
    while (t->nheld) {
        struct held_lock *h = &t->held[t->nheld - 1];
        kprintf("thread %d '%s' dies holding %s '%s': released\n", t->tid, t->name,
                h->kind == LOCK_IS_MUTEX ? "mutex" : "spinlock", held_lock_name(h));
        if (h->kind == LOCK_IS_MUTEX) {
            struct mutex *m = h->lock;
            m->depth = 1;                       /* a recursive hold goes at once */
            mutex_unlock(m);
        } else {
            struct spinlock *l = h->lock;
            l->saved_if = 0;                    /* the caller decides about interrupts */
            spin_unlock(l);
        }
    }
    if (thread_release_hook) thread_release_hook(t);
}

void (*thread_release_hook)(struct thread *t);

/* The held, recursive and contended cases of mutex_lock. */
void mutex_lock_slow(struct mutex *m)
{
    struct thread *t = thread_current();
    if (m->owner == t && t) {
        if (!m->recursive) panic("mutex %s: thread %s takes it twice", m->name, t->name);
        m->depth++;
        return;
    }
    uint32_t fl = read_eflags();
    cli();
    while (m->owner) thread_block(&m->waiters);
    m->owner = t;
    if (fl & EFLAGS_IF) sti();
    m->depth = 1;
    lock_note_acquire(m, m->name, m->level, LOCK_IS_MUTEX);
}

/* The unusual cases of mutex_unlock: a recursive hold, or a bug. */
void mutex_unlock_slow(struct mutex *m)
{
    if (m->owner != thread_current() || m->depth == 0)
        panic("mutex %s: released by a thread that does not hold it", m->name);
    if (--m->depth) return;
    lock_note_release(m);
    __atomic_store_n(&m->owner, 0, __ATOMIC_RELEASE);
    if (m->waiters.head) mutex_wake(m);
}

void mutex_wake(struct mutex *m)
{
    uint32_t fl = read_eflags();
    cli();
    thread_wake_one(&m->waiters);
    if (fl & EFLAGS_IF) sti();
}

int mutex_trylock(struct mutex *m)
{
    struct thread *t = thread_current(), *none = 0;
    if (t && m->owner == t) {
        if (!m->recursive) return 0;
        m->depth++;
        return 1;
    }
    if (!__atomic_compare_exchange_n(&m->owner, &none, t, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 0;
    m->depth = 1;
    /* Recorded as held, but not checked against the order: a try never
     * waits, so it cannot be one half of a deadlock. */
    if (t) {
        if (t->nheld == THREAD_MAX_HELD) lock_too_many(t);
        t->held[t->nheld++] = (struct held_lock){ m, LOCK_IS_MUTEX };
    }
    return 1;
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
