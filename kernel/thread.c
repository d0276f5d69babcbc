/* kernel/thread.c - kernel threads: creation, the scheduler, sleep and join.
 *
 * A thread that is not running is represented by its saved stack
 * pointer: switch_to (kernel/switch.asm) left its callee-saved registers
 * and a return address on its stack.  schedule() picks the next ready
 * thread in FIFO order (round robin) and switches to it.  The PIT hook
 * counts the running thread's ticks; when THREAD_SLICE have passed, the
 * end of that interrupt (trap -> thread_preempt_check) yields on the
 * thread's behalf.  With nothing ready, the CPU halts until an interrupt
 * makes a thread ready.
 *
 * A new thread's stack, top down:
 *
 *   stack_hi  ->  0                 fake return address: ends backtraces
 *                 thread_entry      where switch_to's `ret` goes
 *                 0 0 0 0           ebp ebx esi edi, popped by switch_to
 *   esp       ->
 *   ...           (KSTACK_SIZE bytes, mapped when the thread is created)
 *   stack_lo  ->
 *                 guard page: never mapped, so an overflow faults
 *
 * Interrupts are off whenever queues or thread states change. */
#include "kernel/thread.h"
#include "kernel/pit.h"
#include "kernel/panic.h"
#include "kernel/sync.h"
#include "kernel/x86.h"
#include "kernel/dfault.h"
#include "mm/kstack.h"
#include "mm/kmalloc.h"
#include "mm/aspace.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct thread main_thread;
struct thread *thread_running;          /* the running thread */
static struct thread *all;              /* every thread not yet joined */
static struct waitq ready;
static struct waitq ready_low;          /* low-priority threads: run when ready is empty */
static struct thread *sleepers;         /* T_SLEEPING, linked through next */
static int next_tid = 1;
static uint32_t slice;                  /* ticks the running thread has had */
static int need_resched;
static int in_schedule;                 /* the idle loop must not be preempted */
static int nthreads;

static void enqueue(struct waitq *q, struct thread *t)
{
    t->next = 0;
    if (q->tail) q->tail->next = t;
    else q->head = t;
    q->tail = t;
}

static struct thread *dequeue(struct waitq *q)
{
    struct thread *t = q->head;
    if (t) {
        q->head = t->next;
        if (!q->head) q->tail = 0;
        t->next = 0;
    }
    return t;
}

/* Put T, now T_READY, on its ready queue. */
static void make_ready(struct thread *t)
{
    enqueue(t->low ? &ready_low : &ready, t);
}

int thread_count(void) { return nthreads; }

void thread_set_low(struct thread *t)
{
    t->low = 1;
}

/* The PIT hook: wake sleepers whose time has come, count the slice. */
static void sched_tick(void)
{
    uint32_t now = pit_ticks();
    for (struct thread **pp = &sleepers; *pp;) {
        struct thread *t = *pp;
        if ((int32_t)(now - t->wake_at) >= 0) {
            *pp = t->next;
            t->state = T_READY;
            make_ready(t);
        } else {
            pp = &t->next;
        }
    }
    /* A low-priority thread gives way at once to a normal one; threads
     * of one priority take turns by the slice. */
    struct thread *cur = thread_running;
    if (ready.head && (cur->low || ++slice >= THREAD_SLICE)) need_resched = 1;
    else if (cur->low && ready_low.head && ++slice >= THREAD_SLICE) need_resched = 1;
}

void thread_init(void)
{
    extern char boot_stack_bottom[], boot_stack_top[];
    struct thread *t = &main_thread;
    t->tid = 0;
    strlcpy(t->name, "main", sizeof t->name);
    t->state = T_RUNNING;
    t->stack_lo = (uint32_t)boot_stack_bottom;
    t->stack_hi = (uint32_t)boot_stack_top;
    t->as = &kernel_as;
    t->all_next = 0;
    all = thread_running = t;
    nthreads = 1;
    pit_add_hook(sched_tick);
}

/* Where every new thread starts, on its own stack, interrupts off. */
static void thread_entry(void)
{
    sti();
    thread_running->fn(thread_running->arg);
    thread_exit(0);
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    return thread_create_in(name, fn, arg, &kernel_as, 0);
}

struct thread *thread_create_in(const char *name, void (*fn)(void *), void *arg,
                                struct aspace *as, struct proc *proc)
{
    struct thread *t = kmalloc(sizeof *t);
    if (!t) return 0;
    memset(t, 0, sizeof *t);
    t->stack_lo = kstack_alloc();
    if (!t->stack_lo) {
        kfree(t);
        kprintf("thread_create(%s): no memory for a stack\n", name);
        return 0;
    }
    strlcpy(t->name, name, sizeof t->name);
    t->stack_hi = t->stack_lo + KSTACK_SIZE;
    t->as = as;
    t->proc = proc;
    t->fn = fn;
    t->arg = arg;
    uint32_t *sp = (uint32_t *)t->stack_hi;
    *--sp = 0;
    *--sp = (uint32_t)thread_entry;
    for (int i = 0; i < 4; i++) *--sp = 0;
    t->esp = (uint32_t)sp;

    uint32_t fl = read_eflags();
    cli();
    t->tid = next_tid++;
    t->state = T_READY;
    t->all_next = all;
    all = t;
    nthreads++;
    make_ready(t);
    if (fl & EFLAGS_IF) sti();
    return t;
}

/* Run the next ready thread.  Interrupts are off; the caller has already
 * put CUR where it belongs (ready queue, a wait queue, sleepers, dead). */
static void schedule(void)
{
    struct thread *prev = thread_running, *next;
    in_schedule = 1;
    while (!(next = dequeue(&ready)) && !(next = dequeue(&ready_low))) {
        sti();                          /* nothing to run: wait for an interrupt */
        hlt();
        cli();
    }
    in_schedule = 0;
    slice = 0;
    need_resched = 0;
    next->state = T_RUNNING;
    if (next == prev) return;
    thread_running = next;
    /* A thread of another space needs its page tables (a full TLB flush);
     * one of this space does not.  Traps from ring 3 land on the next
     * thread's own kernel stack. */
    aspace_switch(next->as);
    tss_set_esp0(next->stack_hi);
    switch_to(&prev->esp, next->esp);
}

void thread_yield(void)
{
    uint32_t fl = read_eflags();
    cli();
    thread_running->state = T_READY;
    make_ready(thread_running);
    schedule();
    if (fl & EFLAGS_IF) sti();
}

void thread_preempt_check(int interrupted_if)
{
    if (need_resched && interrupted_if && !in_schedule && thread_running) thread_yield();
}

void thread_block(struct waitq *q)
{
    thread_running->state = T_BLOCKED;
    enqueue(q, thread_running);
    schedule();
}

void thread_wake_one(struct waitq *q)
{
    struct thread *t = dequeue(q);
    if (t) {
        t->state = T_READY;
        make_ready(t);
    }
}

void thread_wake_all(struct waitq *q)
{
    while (q->head) thread_wake_one(q);
}

void thread_sleep(uint32_t ticks)
{
    uint32_t fl = read_eflags();
    cli();
    thread_running->wake_at = pit_ticks() + ticks;
    thread_running->state = T_SLEEPING;
    thread_running->next = sleepers;
    sleepers = thread_running;
    schedule();
    if (fl & EFLAGS_IF) sti();
}

void thread_exit(int code)
{
    cli();
    if (thread_running == &main_thread) panic("thread_exit: the main thread cannot exit");
    if (thread_running->nheld)
        panic("thread_exit: thread %s exits holding lock %s", thread_running->name,
              held_lock_name(&thread_running->held[thread_running->nheld - 1]));
    thread_running->exit_code = code;
    thread_running->state = T_DEAD;
    thread_wake_all(&thread_running->joiners);
    schedule();
    panic("thread_exit: dead thread %s was scheduled", thread_running->name);
}

int thread_join(struct thread *t)
{
    if (t == thread_running || t == &main_thread) panic("thread_join: cannot join %s", t->name);
    uint32_t fl = read_eflags();
    cli();
    while (t->state != T_DEAD) thread_block(&t->joiners);
    for (struct thread **pp = &all; *pp; pp = &(*pp)->all_next) {
        if (*pp == t) {
            *pp = t->all_next;
            break;
        }
    }
    nthreads--;
    if (fl & EFLAGS_IF) sti();
    int code = t->exit_code;
    /* T never runs again, so its stack can go now. */
    kstack_free(t->stack_lo);
    kfree(t);
    return code;
}

void thread_overflow_exit(void)
{
    struct thread *t = thread_running;
    thread_release_held();              /* else their next takers wait forever */
    kprintf("thread %d '%s' killed: stack overflow\n", t->tid, t->name);
    thread_exit(THREAD_OVERFLOW);
}
