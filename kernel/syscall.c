/* kernel/syscall.c - the system-call gate and the table of calls.
 *
 * Vector T_SYSCALL is an interrupt gate user code may use (DPL 3); the
 * trap frame holds the caller's registers, and the handler's result
 * goes back in its EAX.  Each call takes its arguments from the frame and
 * checks every one: numbers against their ranges, pointers with
 * mm/uaccess.h.  Calls that change processes are in kernel/proc.c, calls
 * that change memory in mm/uvm.c; this file only unpacks and dispatches. */
#include "kernel/syscall.h"
#include "kernel/proc.h"
#include "kernel/trap.h"
#include "kernel/thread.h"
#include "kernel/x86.h"
#include "mm/uvm.h"
#include "mm/uaccess.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/swap.h"
#include "mm/commit.h"
#include "mm/daemon.h"
#include "mm/memview.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static int sys_exit(struct trapframe *tf)
{
    proc_exit((int)tf->ebx);
}

/* write(buf, len): to the console, in chunks copied from the caller. */
static int sys_write(struct trapframe *tf)
{
    uint32_t buf = tf->ebx, len = tf->ecx;
    char chunk[128];
    if (!user_range_ok(buf, len)) return -E_FAULT;
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (copy_from_user(chunk, buf + done, n) != 0) return done ? (int)done : -E_FAULT;
        kprintf("%.*s", (int)n, chunk);
        done += n;
    }
    return (int)len;
}

static int sys_getpid(struct trapframe *tf)
{
    (void)tf;
    return proc_current()->pid;
}

static int sys_yield(struct trapframe *tf)
{
    (void)tf;
    thread_yield();
    return 0;
}

static int sys_sleep(struct trapframe *tf)
{
    if (tf->ebx > 100 * 60) return -E_INVAL;        /* a minute at most */
    thread_sleep(tf->ebx);
    return 0;
}

static int sys_fork(struct trapframe *tf)
{
    if (tf->ebx > FORK_EAGER) return -E_INVAL;
    return proc_fork(tf, tf->ebx == FORK_EAGER);
}
static int sys_exec(struct trapframe *tf) { return proc_exec(tf, tf->ebx, tf->ecx); }
static int sys_wait(struct trapframe *tf) { return proc_wait(tf->ebx); }

static int sys_sbrk(struct trapframe *tf)
{
    uint32_t old;
    int err = uvm_sbrk(proc_current()->vm, (int32_t)tf->ebx, &old);
    return err ? err : (int)old;
}

static int sys_mmap(struct trapframe *tf)
{
    uint32_t len = tf->ebx, prot = tf->ecx, flags = tf->edx, addr;
    if ((prot & ~(PROT_READ | PROT_WRITE)) || (flags != MAP_PRIVATE && flags != MAP_SHARED))
        return -E_INVAL;
    int err = uvm_mmap(proc_current()->vm, len, (prot & PROT_WRITE) != 0, flags == MAP_SHARED,
                       &addr);
    return err ? err : (int)addr;
}

static int sys_munmap(struct trapframe *tf)
{
    return uvm_munmap(proc_current()->vm, tf->ebx, tf->ecx);
}

/* shm_map(name, size, create, &size_out) */
static int sys_shm_map(struct trapframe *tf)
{
    char name[32];
    uint32_t addr, size;
    int n = copy_str_from_user(name, tf->ebx, sizeof name);
    if (n < 0) return n == -E_2BIG ? -E_INVAL : n;
    if (tf->esi && !user_range_ok(tf->esi, 4)) return -E_FAULT;
    int err = uvm_shm_map(proc_current()->vm, name, tf->ecx, tf->edx != 0, &addr, &size);
    if (err) return err;
    if (tf->esi && copy_to_user(tf->esi, &size, 4) != 0) {
        uvm_munmap(proc_current()->vm, addr, size);
        return -E_FAULT;
    }
    return (int)addr;
}

static int sys_vmstat(struct trapframe *tf)
{
    struct proc *p = proc_current();
    struct uvm_counts c;
    struct sys_vmstat st;
    uvm_count(p->vm, &c);
    st = (struct sys_vmstat){ p->pid, c.resident, c.swapped, c.cow, c.shared,
                              daemon_free_frames(), swap_stats.used,
                              vmstat_counts.fault_cow_copy, vmstat_counts.fault_cow_reuse,
                              vmstat_counts.fault_zero, vmstat_counts.fault_image,
                              (uint32_t)proc_count(), commit_stats.charged, commit_limit() };
    return copy_to_user(tf->ebx, &st, sizeof st);
}

static int sys_memview(struct trapframe *tf)
{
    return memview_print(tf->ebx ? (int)tf->ebx : proc_current()->pid, MEMVIEW_ALL);
}

static int (*const calls[SYS_NCALLS])(struct trapframe *) = {
    [SYS_exit] = sys_exit,     [SYS_write] = sys_write,   [SYS_getpid] = sys_getpid,
    [SYS_yield] = sys_yield,   [SYS_sleep] = sys_sleep,   [SYS_fork] = sys_fork,
    [SYS_exec] = sys_exec,     [SYS_wait] = sys_wait,     [SYS_sbrk] = sys_sbrk,
    [SYS_mmap] = sys_mmap,     [SYS_munmap] = sys_munmap, [SYS_shm_map] = sys_shm_map,
    [SYS_vmstat] = sys_vmstat, [SYS_memview] = sys_memview,
};

/* The trap handler for T_SYSCALL. */
static int syscall(struct trapframe *tf)
{
    sti();                              /* calls may sleep; the gate turned interrupts off */
    uint32_t nr = tf->eax;
    tf->eax = nr < SYS_NCALLS && calls[nr] ? (uint32_t)calls[nr](tf) : (uint32_t)-E_NOSYS;
    return 1;
}

void syscall_init(void)
{
    trap_register(T_SYSCALL, syscall);
    trap_set_user_gate(T_SYSCALL);
}
