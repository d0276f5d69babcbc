/* kernel/thread.h - kernel threads and the round-robin scheduler.
 *
 * Every thread runs on its own kernel stack (mm/kstack.h) with an
 * unmapped guard page below it, in an address space (mm/aspace.h): a
 * kernel thread in kernel_as, a process's thread (kernel/proc.h) in the
 * process's space, from which it also runs in user mode.  A switch to a
 * thread of another space loads CR3; a switch between threads of one
 * space does not.  The PIT preempts the running thread every
 * THREAD_SLICE ticks; threads also give the CPU up by blocking (on a
 * mutex, semaphore or join), sleeping or yielding. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdint.h>
#include "mm/kstack.h"

#ifdef __cplusplus
extern "C" {
#endif

#define THREAD_SLICE     2          /* ticks (20 ms) before preemption */
#define THREAD_MAX_HELD  8          /* locks one thread may hold at once */

enum thread_state { T_RUNNING, T_READY, T_BLOCKED, T_SLEEPING, T_DEAD };

/* How a thread ended (its exit code, as thread_join returns it). */
#define THREAD_OVERFLOW  (-1000)    /* killed: ran into its stack's guard page */

struct thread;
struct aspace;
struct proc;
struct trapframe;

/* A queue of blocked threads (FIFO). */
struct waitq {
    struct thread *head, *tail;
};

/* A lock a thread holds, for the lock-order checker (kernel/sync.c). */
struct held_lock {
    void *lock;                     /* a struct spinlock or struct mutex */
    int kind;                       /* LOCK_IS_SPIN or LOCK_IS_MUTEX (kernel/sync.h) */
};

struct thread {
    uint32_t esp;                   /* saved stack pointer while switched out */
    int tid;
    char name[16];
    enum thread_state state;
    uint32_t stack_lo, stack_hi;    /* mapped stack; the guard page is just below */
    void (*fn)(void *);
    void *arg;
    int exit_code;
    uint32_t wake_at;               /* tick to wake at, while T_SLEEPING */
    struct waitq joiners;           /* threads waiting in thread_join */
    struct thread *next;            /* in the ready queue or one wait queue */
    struct thread *all_next;        /* in the list of all threads */
    struct aspace *as;              /* the address space it runs in */
    struct proc *proc;              /* the process it is, or 0 for a kernel thread */
    struct trapframe *utf;          /* its latest trap from user mode (its user registers) */
    struct held_lock held[THREAD_MAX_HELD];
    int nheld;
    int low;                        /* low priority: runs only when no other is ready */
    uint32_t vm_waits;              /* page faults in a row that waited for frames */
    uint32_t vm_shared;             /* times it holds the VM lock shared (mm/paging.c) */
    uint32_t vm_busy_passed;        /* frames and pagers it passed over, their pager's lock
                                       held by another thread (daemon_passed_busy) */
};

/* Make the boot context the first thread, "main". */
void thread_init(void);

/* Give T low priority: it runs only when no thread of normal priority
 * is ready (the paging daemon's zero-page thread). */
void thread_set_low(struct thread *t);

/* Start a kernel thread running FN(ARG), ready to run, in kernel_as.
 * Returns 0 if no memory. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);

/* The same, for a thread that runs in space AS as process PROC (the
 * process code, kernel/proc.c, makes these). */
struct thread *thread_create_in(const char *name, void (*fn)(void *), void *arg,
                                struct aspace *as, struct proc *proc);

/* End the calling thread with CODE; joiners are woken. */
void thread_exit(int code) __attribute__((noreturn));

/* Wait for T to end, free it, and return its exit code. */
int thread_join(struct thread *t);

void thread_yield(void);
void thread_sleep(uint32_t ticks);

/* The running thread (0 before thread_init). */
extern struct thread *thread_running;
static inline struct thread *thread_current(void) { return thread_running; }

/* Block the current thread on Q, with interrupts off; returns when
 * woken (still with interrupts off). */
void thread_block(struct waitq *q);
/* Make the first (or every) thread on Q ready.  Interrupts must be off. */
void thread_wake_one(struct waitq *q);
void thread_wake_all(struct waitq *q);

/* Called at the end of every interrupt: switch threads if the time slice
 * ran out and the interrupted code had interrupts enabled. */
void thread_preempt_check(int interrupted_if);

/* Threads now alive (for leak checks in tests). */
int thread_count(void);

/* Is VA in the guard page below the running thread's stack?  (The boot
 * thread's stack has no guard: below it is kernel image.) */
static inline int thread_guard_hit(uint32_t va)
{
    struct thread *t = thread_running;
    return t && t->tid != 0 && kstack_guard_hit(va, t->stack_lo);
}

/* A thread whose stack overflowed continues here, on a fresh stack top
 * (kernel/dfault.c or mm/fault.c arranges it): it gives back the locks
 * it held, reports and exits. */
void thread_overflow_exit(void) __attribute__((noreturn));

/* Threads keep their switched-out state on their own stack: switch_to
 * (kernel/switch.asm) saves the callee-saved registers there, stores ESP
 * in *SAVE_ESP and resumes the thread whose ESP is NEW_ESP. */
void switch_to(uint32_t *save_esp, uint32_t new_esp);

#ifdef __cplusplus
}
#endif

#endif
