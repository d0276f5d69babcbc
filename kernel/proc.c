/* kernel/proc.c - processes: spawn, fork, exec, exit, wait, and faults.
 *
 * The life of a process is drawn in kernel/proc.h.  Two rules keep it
 * simple:
 *
 *   - A process's memory is only ever changed from its own thread, with
 *     its space current: exec builds the new memory in a new space while
 *     the thread runs there, then goes back to tear the old one down;
 *     exit gives everything back before the thread leaves its space.  (A
 *     thread changes space by setting its AS and calling aspace_switch,
 *     so that the scheduler keeps it there if it is preempted.)
 *   - The list of processes, their states and parents are changed under
 *     one spinlock, procs_lock; nothing that may sleep or allocate is done
 *     while it is held.
 *
 * Entering user mode is returning from a trap that never happened: a
 * struct trapframe is made with ring-3 segments and the user's EIP and
 * ESP, and trap_return (boot/trap.asm) pops it and executes iret. */
#include "kernel/proc.h"
#include "kernel/thread.h"
#include "kernel/trap.h"
#include "kernel/gdt.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "mm/aspace.h"
#include "mm/uvm.h"
#include "mm/uaccess.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/memview.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct proc *procs;              /* every process, running or zombie */
static struct spinlock procs_lock = SPINLOCK_INIT("procs", LOCK_PROCS);
static int next_pid = 1;

extern const struct program __programs_start[], __programs_end[];     /* linker.ld */

const struct program *program_at(int i)
{
    return i >= 0 && i < __programs_end - __programs_start ? &__programs_start[i] : 0;
}

const struct program *program_find(const char *name)
{
    for (int i = 0; program_at(i); i++)
        if (strcmp(program_at(i)->name, name) == 0) return program_at(i);
    return 0;
}

struct proc *proc_current(void)
{
    struct thread *t = thread_current();
    return t ? t->proc : 0;
}

int proc_count(void)
{
    int n = 0;
    spin_lock(&procs_lock);
    for (struct proc *p = procs; p; p = p->next) n++;
    spin_unlock(&procs_lock);
    return n;
}

void proc_for_each(void (*fn)(void *arg, struct proc *p), void *arg)
{
    spin_lock(&procs_lock);
    for (struct proc *p = procs; p; p = p->next) fn(arg, p);
    spin_unlock(&procs_lock);
}

/* ---- entering user mode ---- */

/* Pop TF and return to ring 3 (boot/trap.asm's trap_return). */
static void __attribute__((noreturn)) enter_user(struct trapframe *tf)
{
    thread_current()->utf = tf;
    asm volatile("movl %0, %%esp; jmp trap_return" : : "r"(tf) : "memory");
    __builtin_unreachable();
}

/* Start user code at EIP with stack pointer ESP and clean registers. */
static void __attribute__((noreturn)) start_user(uint32_t eip, uint32_t esp)
{
    struct trapframe tf;
    memset(&tf, 0, sizeof tf);
    tf.ds = tf.es = tf.fs = tf.gs = tf.ss = SEG_UDATA;
    tf.cs = SEG_UCODE;
    tf.eip = eip;
    tf.esp = esp;
    tf.eflags = EFLAGS_IF | 0x2;        /* interrupts on; bit 1 is always 1 */
    enter_user(&tf);
}

/* ---- making and reaping processes ---- */

/* A new process record with a new, empty space and memory; its pid and
 * place on the list come later (proc_publish).  0 if no memory. */
static struct proc *proc_alloc(const char *name)
{
    struct proc *p = kmalloc(sizeof *p);
    struct uvm *vm = kmalloc(sizeof *vm);
    struct aspace *as = (p && vm) ? aspace_create() : 0;
    if (!as) {
        kfree(p);
        kfree(vm);
        return 0;
    }
    memset(p, 0, sizeof *p);
    strlcpy(p->name, name, sizeof p->name);
    p->as = as;
    p->vm = vm;
    sema_init(&p->exited, "exited", 0);
    sema_init(&p->child_exited, "child-exited", 0);
    return p;
}

/* Give a new process its pid and put it on the list. */
static void proc_publish(struct proc *p, struct proc *parent)
{
    spin_lock(&procs_lock);
    p->pid = next_pid++;
    p->parent = parent;
    p->kernel_child = parent == 0;
    p->next = procs;
    procs = p;
    spin_unlock(&procs_lock);
}

/* Free a process whose thread has ended (it is off the list). */
static void reap(struct proc *p)
{
    thread_join(p->thread);             /* its kernel stack and thread record */
    kfree(p);
}

/* Take P off the list (procs_lock held). */
static void unlink_locked(struct proc *p)
{
    for (struct proc **pp = &procs; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            return;
        }
}

/* Run in space AS for a moment (see the rules above). */
static void enter_space(struct aspace *as)
{
    thread_current()->as = as;
    aspace_switch(as);
}

/* Tear down a process that never ran (a failed fork): its memory, in its
 * own space, then the space and the record. */
static void discard(struct proc *c)
{
    struct aspace *home = thread_current()->as;
    enter_space(c->as);
    uvm_destroy(c->vm);
    enter_space(home);
    aspace_destroy(c->as);
    kfree(c->vm);
    kfree(c);
}

/* The first thing a spawned process does: load its program. */
static void proc_first(void *arg)
{
    struct proc *p = arg;
    uint32_t esp;
    int err = uvm_exec(p->vm, p->prog->image, p->prog->size, p->args->argc, p->args->argv,
                       &esp);
    kfree(p->args);
    p->args = 0;
    if (err) {
        kprintf("proc: pid %d: cannot start '%s': %s\n", p->pid, p->name, errname(err));
        proc_exit(127);
    }
    start_user(p->vm->entry, esp);
}

/* Append the string S (a user address if USER, else kernel) to A.
 * Returns 0, -E_FAULT, or -E_2BIG. */
static int add_arg(struct args *a, uint32_t s, int user)
{
    uint32_t used = a->argc ? a->argv[a->argc - 1] + strlen(a->argv[a->argc - 1]) + 1 - a->buf
                            : 0;
    if (a->argc == PROC_MAX_ARGS) return -E_2BIG;
    char *dst = a->buf + used;
    int n = user ? copy_str_from_user(dst, s, sizeof a->buf - used)
                 : (strlen((const char *)s) < sizeof a->buf - used
                    ? (int)strlcpy(dst, (const char *)s, sizeof a->buf - used) : -E_2BIG);
    if (n < 0) return n;
    a->argv[a->argc++] = dst;
    return 0;
}

struct proc *proc_spawn(const char *name, int argc, const char *const argv[])
{
    const struct program *prog = program_find(name);
    if (!prog) {
        kprintf("proc: no program '%s'; programs are:", name);
        for (int i = 0; program_at(i); i++) kprintf(" %s", program_at(i)->name);
        kprintf("\n");
        return 0;
    }
    struct proc *p = proc_alloc(name);
    if (!p) {
        kprintf("proc: no memory for a process to run '%s'\n", name);
        return 0;
    }
    p->prog = prog;
    p->args = kmalloc(sizeof *p->args);
    int err = p->args ? 0 : -E_NOMEM;
    if (p->args) p->args->argc = 0;
    for (int i = 0; i < argc && !err; i++) err = add_arg(p->args, (uint32_t)argv[i], 0);
    if (err) {
        kprintf("proc: the arguments of '%s' are too many or too long\n", name);
        kfree(p->args);
        discard(p);
        return 0;
    }
    proc_publish(p, 0);
    p->thread = thread_create_in(name, proc_first, p, p->as, p);
    if (!p->thread) {
        spin_lock(&procs_lock);
        unlink_locked(p);
        spin_unlock(&procs_lock);
        discard(p);
        return 0;
    }
    return p;
}

int proc_join(struct proc *p)
{
    sema_down(&p->exited);
    spin_lock(&procs_lock);
    unlink_locked(p);
    spin_unlock(&procs_lock);
    int status = p->exit_status;
    reap(p);
    proc_reap();
    return status;
}

void proc_reap(void)
{
    for (;;) {
        struct proc *z = 0;
        spin_lock(&procs_lock);
        for (struct proc *p = procs; p && !z; p = p->next)
            if (p->state == PROC_ZOMBIE && !p->parent && !p->kernel_child) z = p;
        if (z) unlink_locked(z);
        spin_unlock(&procs_lock);
        if (!z) return;
        reap(z);
    }
}

/* ---- exit, faults ---- */

void proc_exit(int status)
{
    struct proc *p = proc_current();
    if (!p) panic("proc_exit: a kernel thread is not a process");
    sti();                              /* from a fault, interrupts may be off */
    memview_event("exit", p->pid);
    uvm_destroy(p->vm);                 /* in its own space, while it still is */
    kfree(p->vm);
    p->vm = 0;
    enter_space(&kernel_as);
    aspace_destroy(p->as);
    p->as = 0;

    spin_lock(&procs_lock);
    for (struct proc *q = procs; q; q = q->next)
        if (q->parent == p) q->parent = 0;      /* orphans: proc_reap takes them */
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    struct proc *parent = p->parent;
    spin_unlock(&procs_lock);
    if (parent) sema_up(&parent->child_exited);
    sema_up(&p->exited);
    thread_exit(status);
}

void proc_fault(struct trapframe *tf)
{
    struct proc *p = proc_current();
    if (tf->vector == T_PGFLT) {
        uint32_t e = tf->err;
        kprintf("user fault: pid %d '%s': %s %p at eip %08x: page fault, error 0x%x "
                "(%s, %s, %s mode): killed\n", p->pid, p->name, e & 2 ? "write to" : "read of",
                (void *)read_cr2(), tf->eip, e, e & 1 ? "protection violation" : "page not present",
                e & 2 ? "write" : "read", e & 4 ? "user" : "supervisor");
    } else {
        kprintf("user fault: pid %d '%s': %s (vector %u, error 0x%x) at eip %08x: killed\n",
                p->pid, p->name, trap_name(tf->vector), tf->vector, tf->err, tf->eip);
    }
    proc_exit(PROC_KILLED);
}

/* ---- fork, exec, wait ---- */

/* The child's first run: return from the parent's fork with 0. */
static void fork_child(void *arg)
{
    struct trapframe *saved = arg, tf = *saved;
    kfree(saved);
    tf.eax = 0;
    enter_user(&tf);
}

int proc_fork(struct trapframe *tf, int eager)
{
    struct proc *p = proc_current();
    struct proc *c = proc_alloc(p->name);
    struct trapframe *ctf = kmalloc(sizeof *ctf);
    if (!c || !ctf) {
        if (c) discard(c);
        kfree(ctf);
        return -E_NOMEM;
    }
    int err = uvm_fork(c->vm, c->as, p->vm, eager);
    if (err) {
        discard(c);
        kfree(ctf);
        return err;
    }
    *ctf = *tf;
    proc_publish(c, p);
    c->thread = thread_create_in(c->name, fork_child, ctf, c->as, c);
    if (!c->thread) {
        spin_lock(&procs_lock);
        unlink_locked(c);
        spin_unlock(&procs_lock);
        discard(c);
        kfree(ctf);
        return -E_NOMEM;
    }
    memview_event("fork", c->pid);
    return c->pid;
}

int proc_exec(struct trapframe *tf, uint32_t upath, uint32_t uargv)
{
    struct proc *p = proc_current();
    struct thread *t = thread_current();
    char path[PROC_NAME];
    int n = copy_str_from_user(path, upath, sizeof path);
    if (n < 0) return n == -E_2BIG ? -E_NOENT : n;
    const struct program *prog = program_find(path);
    if (!prog) return -E_NOENT;

    /* The arguments, into kernel memory: they are about to vanish. */
    struct args *args = kmalloc(sizeof *args);
    if (!args) return -E_NOMEM;
    args->argc = 0;
    int err = 0;
    for (uint32_t i = 0; !err; i++) {
        uint32_t ustr;
        if ((err = copy_from_user(&ustr, uargv + 4 * i, 4)) != 0 || !ustr) break;
        err = add_arg(args, ustr, 1);
    }
    struct aspace *old_as = p->as, *new_as = err ? 0 : aspace_create();
    struct uvm *old_vm = p->vm, *new_vm = new_as ? kmalloc(sizeof *new_vm) : 0;
    if (!err && !new_vm) err = -E_NOMEM;
    uint32_t esp;
    if (!err) {
        enter_space(new_as);
        err = uvm_exec(new_vm, prog->image, prog->size, args->argc, args->argv, &esp);
        enter_space(old_as);
    }
    kfree(args);
    if (err) {
        if (new_as) aspace_destroy(new_as);
        kfree(new_vm);
        return err;
    }
    /* No way back from here: the old program goes. */
    uvm_destroy(old_vm);
    kfree(old_vm);
    enter_space(new_as);
    aspace_destroy(old_as);
    p->as = new_as;
    p->vm = new_vm;
    strlcpy(p->name, path, sizeof p->name);
    strlcpy(t->name, path, sizeof t->name);
    uint32_t cs = tf->cs, ss = tf->ss, ds = tf->ds;
    memset(tf, 0, sizeof *tf);
    tf->cs = cs, tf->ss = ss, tf->ds = tf->es = tf->fs = tf->gs = ds;
    tf->eip = new_vm->entry;
    tf->esp = esp;
    tf->eflags = EFLAGS_IF | 0x2;
    return 0;
}

int proc_wait(uint32_t ustatus)
{
    struct proc *p = proc_current();
    int zero = 0;
    /* A bad status pointer is refused before waiting, not after reaping. */
    if (ustatus && copy_to_user(ustatus, &zero, 4) != 0) return -E_FAULT;
    for (;;) {
        struct proc *z = 0;
        int children = 0;
        spin_lock(&procs_lock);
        for (struct proc *q = procs; q && !z; q = q->next) {
            if (q->parent != p) continue;
            children++;
            if (q->state == PROC_ZOMBIE) z = q;
        }
        if (z) unlink_locked(z);
        spin_unlock(&procs_lock);
        if (z) {
            int pid = z->pid, status = z->exit_status;
            reap(z);
            if (ustatus && copy_to_user(ustatus, &status, 4) != 0) return -E_FAULT;
            return pid;
        }
        if (!children) return -E_CHILD;
        sema_down(&p->child_exited);
    }
}
