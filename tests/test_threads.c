/* tests/test_threads.c - kernel threads and locks.
 *
 * threads: creation and join with exit codes; preemption (a thread that
 *   spins forever without yielding must not starve another, which has to
 *   finish while the spinner still runs); sleep (a thread sleeping N ticks
 *   wakes no earlier than N ticks later); and stacks and thread records
 *   all returned after join.
 * locks: eight threads each add 1 to shared counters 20,000 times under a
 *   mutex, a spinlock and a semaphore, with the PIT preempting them in the
 *   middle of read-modify-write sequences; the totals must be exact (an
 *   unprotected control counter shows that preemption really interleaved
 *   them).  Timer ticks alone rarely land inside a critical section, so
 *   the mutex and semaphore sections also give the CPU away (yield, or
 *   sleep a tick) while holding the lock, in the middle of their update:
 *   every other thread then really tries to enter, and must wait.  Each
 *   section counts who is inside; two holders at once fail the test.
 *   Then a deliberate lock-order inversion must be reported by the
 *   checker with both lock names.
 * stack_guard: a thread that recurses without bound runs into the guard
 *   page below its stack; it must be reported as a stack overflow naming
 *   the thread and killed, and the kernel must run on. */
#include "tests/harness.h"
#include "tests/util.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "kernel/pit.h"
#include "mm/physmem.h"
#include "lib/string.h"

static volatile int stop_spinning;
static volatile uint32_t spins;

static void spinner(void *arg)
{
    (void)arg;
    while (!stop_spinning) spins++;         /* never yields, never blocks */
}

static void returner(void *arg)
{
    thread_exit((int)(uint32_t)arg * 3);
}

static void sleeper(void *arg)
{
    uint32_t t0 = pit_ticks();
    thread_sleep((uint32_t)arg);
    thread_exit((int)(pit_ticks() - t0));
}

static void test_threads(void)
{
    uint32_t free0 = free_frames();
    int n0 = thread_count();
    struct thread *t[10];
    for (int i = 0; i < 10; i++) t[i] = thread_create("returner", returner, (void *)(uint32_t)i);
    for (int i = 0; i < 10; i++) {
        int code = thread_join(t[i]);
        CHECK(code == i * 3, "thread %d exited with %d, expected %d", i, code, i * 3);
    }
    msg("10 threads created, joined, exit codes right");

    stop_spinning = 0;
    struct thread *s = thread_create("spinner", spinner, 0);
    struct thread *z = thread_create("sleeper", sleeper, (void *)10);
    uint32_t t0 = pit_ticks();
    int slept = thread_join(z);             /* while the spinner spins */
    CHECK(slept >= 10, "sleeper woke after %d ticks, asked for 10", slept);
    CHECK(spins > 0, "the spinner never ran");
    msg("sleeper slept %d ticks (asked 10) while a spinner ran %u loops; main waited %u ticks",
        slept, spins, pit_ticks() - t0);
    uint32_t before = spins;
    thread_sleep(3);
    CHECK(spins > before, "the spinner did not run while main slept");
    stop_spinning = 1;
    thread_join(s);
    msg("preemption: main and the sleeper ran beside a thread that never yields");
    CHECK(thread_count() == n0, "%d threads alive, %d before", thread_count(), n0);
    CHECK(free_frames() == free0, "stack frames leaked: %u free, %u before",
          free_frames(), free0);
}

#define WORKERS 8
#define ROUNDS  20000

static struct mutex m = MUTEX_INIT("test-mutex", 5);
static struct spinlock sl = SPINLOCK_INIT("test-spin", 6);
static struct semaphore sem;
static volatile uint32_t c_mutex, c_spin, c_sema, c_none;

static volatile uint32_t preempted_inside;     /* timer switches inside a lock */
static volatile uint32_t in_m, in_s, max_inside;  /* threads inside the mutex's, the
                                                     semaphore's section; most ever */
static volatile uint32_t waited;                /* takers that found the lock held */

/* A read-modify-write slow enough to be preempted in the middle: if the
 * PIT ticks between the read and the write, count it. */
static void bump(volatile uint32_t *c)
{
    uint32_t t0 = pit_ticks(), v = *c;
    for (volatile int d = 0; d < 200; d++)
        ;
    *c = v + 1;
    if (pit_ticks() != t0) preempted_inside++;
}

/* The unprotected control: give the CPU away between read and write, so
 * that it loses updates for certain (this is what the locks prevent). */
static void bump_unlocked(volatile uint32_t *c)
{
    uint32_t v = *c;
    thread_yield();
    *c = v + 1;
}

/* Inside a critical section that gives the CPU away in the middle of its
 * update (HOW: 0 yields, 1 sleeps a tick): count the holders in *IN. */
static void bump_holding(volatile uint32_t *c, volatile uint32_t *in, int how)
{
    if (++*in > max_inside) max_inside = *in;
    uint32_t v = *c;
    if (how == 0) thread_yield();
    else thread_sleep(1);
    *c = v + 1;
    --*in;
}

static void worker(void *arg)
{
    (void)arg;
    /* The control first, while every worker is ready to run. */
    for (int i = 0; i < ROUNDS / 100; i++) bump_unlocked(&c_none);
    for (int i = 0; i < ROUNDS; i++) {
        int hold = i % 50 == 0;                 /* give the CPU away inside, now and then */
        waited += mutex_busy(&m);
        mutex_lock(&m);
        if (hold) bump_holding(&c_mutex, &in_m, 0);
        else bump(&c_mutex);
        mutex_unlock(&m);
        spin_lock(&sl);
        bump(&c_spin);
        spin_unlock(&sl);
        waited += sem.count == 0;
        sema_down(&sem);
        if (hold) bump_holding(&c_sema, &in_s, i % 5000 == 0);
        else bump(&c_sema);
        sema_up(&sem);
    }
}

/* lockorder_hook while the test provokes a violation on purpose: only
 * the one it provokes is tolerated. */
static int tolerate_order_violation(const char *taken, const char *held)
{
    return strcmp(taken, "order-a") == 0 && strcmp(held, "order-b") == 0;
}

static struct mutex a = MUTEX_INIT("order-a", 7);
static struct mutex b = MUTEX_INIT("order-b", 8);

static void test_locks(void)
{
    sema_init(&sem, "test-sema", 1);
    c_mutex = c_spin = c_sema = c_none = preempted_inside = 0;      /* a second run starts afresh */
    in_m = in_s = max_inside = waited = 0;
    struct thread *w[WORKERS];
    for (int i = 0; i < WORKERS; i++) w[i] = thread_create("worker", worker, 0);
    for (int i = 0; i < WORKERS; i++) thread_join(w[i]);
    uint32_t want = WORKERS * ROUNDS;
    msg("mutex %u, spinlock %u, semaphore %u (expected %u); unprotected control %u (of %u)",
        c_mutex, c_spin, c_sema, want, c_none, want / 100);
    msg("the timer ticked inside a critical section %u times; %u takers found a lock held; "
        "at most %u thread(s) inside at once", preempted_inside, waited, max_inside);
    CHECK(max_inside == 1, "%u threads were inside a critical section at once", max_inside);
    CHECK(waited >= WORKERS, "only %u takers ever found the lock held: nothing contended",
          waited);
    CHECK(c_mutex == want && c_spin == want && c_sema == want, "a lock let updates race");
    CHECK(c_none < want / 100, "the unprotected control lost no update: the test cannot fail");

    /* b (level 8) then a (level 7): out of order. */
    uint32_t v0 = lockorder_violations;
    lockorder_hook = tolerate_order_violation;
    mutex_lock(&b);
    mutex_lock(&a);
    mutex_unlock(&a);
    mutex_unlock(&b);
    lockorder_hook = 0;
    CHECK(lockorder_violations == v0 + 1, "the inversion was not reported");
    mutex_lock(&a);                         /* in order: no report */
    mutex_lock(&b);
    mutex_unlock(&b);
    mutex_unlock(&a);
    CHECK(lockorder_violations == v0 + 1, "an in-order acquisition was reported");
    msg("the deliberate inversion was reported once, the right order not at all");
}

/* Recurse until LIMIT, far more than a 16 KiB stack holds. */
static int depth(int n, int limit)
{
    volatile char pad[256];
    pad[0] = (char)n;
    if (n == limit) return pad[0];
    return n + depth(n + 1, limit) + pad[0];
}

static void overflow(void *arg)
{
    (void)arg;
    depth(0, 1 << 20);
}

static void test_stack_guard(void)
{
    uint32_t free0 = free_frames();
    struct thread *t = thread_create("deep", overflow, 0);
    int code = thread_join(t);
    CHECK(code == THREAD_OVERFLOW, "the overflowing thread exited with %d", code);
    msg("thread 'deep' was killed for its stack overflow; the kernel runs on");
    struct thread *u = thread_create("after", returner, (void *)5);
    CHECK(thread_join(u) == 15, "a thread created afterwards does not work");
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(),
          free0);
}

TEST("threads", test_threads, "create/join, preemption of a spinner, sleep", "");
TEST("locks", test_locks, "mutex/spinlock/semaphore exact under preemption; order checker",
     "log=lock.order.violation:.*order-a.*order-b");
TEST("stack_guard", test_stack_guard, "a stack overflow is reported by name; the kernel runs on",
     "log=stack.overflow:.*'deep'");
