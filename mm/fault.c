/* mm/fault.c - the page-fault handler: demand paging, and clear refusals.
 *
 * The CPU raises vector 14 when an access finds no present PTE, or a PTE
 * that forbids it.  It leaves the address in CR2 and an error code on the
 * stack (bits in mm/mmu.h: present, write, user).  We:
 *
 *   1. refuse protection violations (the page was present): report them;
 *      a touch of the running thread's stack guard page ends that thread;
 *   then, holding the VM lock (with interrupts on, since it may sleep):
 *   2. ask the VMPools whether the address lies in an allocated region
 *      (or a pool's own bookkeeping pages); if not, report it;
 *   3. if the page was swapped out, let the pager read it back;
 *   4. if another thread mapped the page while we waited, just return;
 *   5. otherwise take a frame (the pager may evict a page for it),
 *      create the page table if missing, zero the frame,
 *      map it with the pool's permissions, and return: the CPU restarts
 *      the instruction, which now succeeds.
 *
 * A refused fault either resumes a probe (kernel/probe.asm) or is
 * declined, and the trap dispatcher reports it and fails the running
 * test, unless the test declared that fault expected. */
#include "mm/fault.h"
#include "mm/paging.h"
#include "mm/vmpool.h"
#include "mm/pager.h"
#include "kernel/trap.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/printf.h"
#include "lib/string.h"

uint32_t fault_last_va, fault_last_err;

extern char probe_read_insn[], probe_write_insn[], probe_fixup[];

/* Print one line saying why the fault at VA was refused, then resume a
 * probe if that is what faulted.  Returns 1 if resumed, 0 to decline. */
static int refuse(struct trapframe *tf, uint32_t va, const char *why)
{
    fault_last_va = va;
    fault_last_err = tf->err;
    kprintf("page fault: %s %s %p at eip %08x (%s, %s, %s mode)\n", why,
            tf->err & PF_W ? "write to" : "read of", (void *)va, tf->eip,
            tf->err & PF_P ? "protection violation" : "page not present",
            tf->err & PF_W ? "write" : "read", tf->err & PF_U ? "user" : "supervisor");
    if (tf->eip == (uint32_t)probe_read_insn || tf->eip == (uint32_t)probe_write_insn) {
        tf->eip = (uint32_t)probe_fixup;
        return 1;
    }
    return 0;
}

/* A thread ran past the bottom of its stack into the guard page, and the
 * CPU could still deliver the fault (a far access, not a push).  The
 * thread's frames are garbage now; continue it on a fresh top of its own
 * stack, where thread_overflow_exit reports and ends it. */
static void stack_overflow(struct trapframe *tf, uint32_t va)
{
    struct thread *t = thread_current();
    kprintf("stack overflow: thread %d '%s' touched its guard page at %p (eip %08x); "
            "stack is %p-%p\n", t->tid, t->name, (void *)va, tf->eip, (void *)t->stack_lo,
            (void *)t->stack_hi);
    asm volatile("mov %0, %%esp; xor %%ebp, %%ebp; jmp thread_overflow_exit"
                 : : "r"(t->stack_hi - 16) : "memory");
    __builtin_unreachable();
}

static int fault_locked(struct trapframe *tf, uint32_t va);

static int page_fault(struct trapframe *tf)
{
    uint32_t va = read_cr2();

    if (tf->err & PF_P) {
        vmstat_counts.fault_prot++;
        return refuse(tf, va, "refused:");
    }
    if (thread_guard_hit(va)) stack_overflow(tf, va);
    /* Demand paging may sleep (on the VM lock, on the disk), so let
     * interrupts in if the faulting code had them on. */
    if (tf->eflags & EFLAGS_IF) sti();
    mutex_lock(&vm_lock);
    int r = fault_locked(tf, va);
    mutex_unlock(&vm_lock);
    return r;
}

/* The fault handler proper, with the VM lock held. */
static int fault_locked(struct trapframe *tf, uint32_t va)
{
    struct vmpool *pool = vmpool_of(va);
    if (!pool || !vmpool_legit(pool, va) || pool->eager) {
        vmstat_counts.fault_illegit++;
        return refuse(tf, va, !pool ? "illegitimate (in no VMPool):"
                              : pool->eager ? "illegitimate (in a pool without demand paging):"
                              : "illegitimate (not in an allocated region):");
    }
    uint32_t page = PG_ROUND_DOWN(va);
    pte_t e = (*pde_of(page) & PTE_P) ? *pte_of(page) : 0;
    if (e & PTE_P) return 1;                    /* another thread mapped it first */
    if (e) {                                    /* swapped out: read it back */
        if (!pool->pager) panic("page fault: %p in unpaged pool %s has entry 0x%x",
                                (void *)va, pool->name, e);
        return pager_swap_in(pool, page, e) == 0 ? 1 : refuse(tf, va, "swap-in failed:");
    }
    /* The frame first: getting it may evict a page, and an eviction may
     * release a page table, which must not be the one we map into. */
    int paged = pool->pager && page >= pool->meta_end;  /* the table is never paged */
    uint32_t f = paged ? pager_frame(pool) : get_frames(pool->frames, 1);
    if (!f) return refuse(tf, va, "out of memory:");
    if (!(*pde_of(page) & PTE_P)) {
        if (pt_ensure(page) != 0 && (pager_make_room(1) != 0 || pt_ensure(page) != 0)) {
            release_frames(f);
            return refuse(tf, va, "out of frames for a page table:");
        }
        vmstat_counts.fault_pt++;
    }
    map_page(page, f, pool->pte_flags);
    memset((void *)page, 0, PAGE_SIZE);
    /* Zeroing wrote to the page; that is not the program's access, so
     * clear A and D (and the TLB entry that caches them). */
    *pte_of(page) &= ~(PTE_A | PTE_D);
    invlpg(page);
    vmstat_counts.invlpg++;
    if (paged) pager_loaded(pool, page);
    vmstat_counts.fault_zero++;
    vmstat_counts.frames_data++;
    return 1;
}

void fault_init(void)
{
    trap_register(T_PGFLT, page_fault);
}
