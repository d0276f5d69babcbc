/* mm/fault.c - the page-fault handler: demand paging, and clear refusals.
 *
 * The CPU raises vector 14 when an access finds no present PTE, or a PTE
 * that forbids it.  It leaves the address in CR2 and an error code on the
 * stack (bits in mm/mmu.h: present, write, user).  We:
 *
 *   1. refuse protection violations (the page was present): report them;
 *   then, holding the VM lock shared (with interrupts on, since it may
 *   sleep; mm/paging.h says what shared means):
 *   2. find the VMPool that holds the address (if none, report it; or if
 *      it is the running thread's stack guard page, which no pool may
 *      hold, end that thread once the locks are let go) and take the
 *      lock of its pages: its pager's, or the unpaged lock (so faults on
 *      different pagers' pages go on side by side);
 *   3. if another thread mapped the page while we waited, just return
 *      (this re-check under the lock is what keeps two faults on one
 *      page from mapping two frames); if the paging daemon trimmed it
 *      (a transition entry), take it back: a soft fault;
 *   4. otherwise ask the pool whether the address lies in an allocated
 *      region (or its own bookkeeping pages); if not, report it; if the
 *      page was swapped out, let the pager read it back;
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
#include "mm/daemon.h"
#include "mm/swap.h"
#include "mm/frame.h"
#include "mm/vmobj.h"
#include "mm/uvm.h"
#include "lib/string.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "kernel/trap.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/printf.h"

uint32_t fault_last_va;
void (*fault_map_hook)(uint32_t va);

/* Print one line saying why the fault at VA was refused, then resume a
 * probe if that is what faulted.  Returns 1 if resumed, 0 to decline. */
static int refuse(struct trapframe *tf, uint32_t va, const char *why)
{
    fault_last_va = va;
    kprintf("page fault: %s %s %p at eip %08x (%s, %s, %s mode)\n", why,
            tf->err & PF_W ? "write to" : "read of", (void *)va, tf->eip,
            tf->err & PF_P ? "protection violation" : "page not present",
            tf->err & PF_W ? "write" : "read", tf->err & PF_U ? "user" : "supervisor");
    uint32_t fix = fault_fixup(tf->eip);
    if (fix && !trap_from_user(tf)) {
        tf->eip = fix;
        return 1;
    }
    return 0;
}

uint32_t fault_fixup(uint32_t eip)
{
    extern const uint32_t fixup_table[][2], fixup_count;    /* kernel/probe.asm */
    for (uint32_t i = 0; i < fixup_count; i++)
        if (fixup_table[i][0] == eip) return fixup_table[i][1];
    return 0;
}

/* Refuse the fault at VA because WHAT failed with error ERR, saying
 * what the error means here: a disk error names its slot and sector. */
static int refuse_err(struct trapframe *tf, uint32_t va, const char *what, int err)
{
    char why[160];
    const char *means = err == -E_NOMEM ? "no free frame and no page to evict"
                      : err == -E_SWAPFULL ? "swap is full, so no dirty page can be evicted"
                      : swap_last_error();
    ksnprintf(why, sizeof why, "%s (%s: %s):", what, errname(err), means);
    return refuse(tf, va, why);
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

struct fault_at {                       /* what locked() found, and holds the lock of */
    struct vmpool *pool;                /* the pool holding the address, or 0 */
    struct pager *pager;                /* the pager of its page there, or 0 */
};
static int fault_locked(struct trapframe *tf, uint32_t va, struct fault_at *at);
static int write_protected(struct trapframe *tf, uint32_t va, struct fault_at *at);
static inline int after_fault(struct trapframe *tf, uint32_t va, int r);

/* fault_locked's answers besides 1 (handled) and 0 (refused), acted on
 * once the handler has let go of its locks: FAULT_WAIT, no frame can be
 * had now (daemon mode): wait for the paging daemon and let the access
 * fault again; FAULT_OVERFLOW, the address is the running thread's
 * stack guard page (in no VMPool): end the thread. */
#define FAULT_WAIT 2
#define FAULT_OVERFLOW 3
#define FAULT_WAIT_MAX 500              /* ticks (5 s) a fault waits, at most */
static inline __attribute__((always_inline))
int map_new_page(struct vmpool *pool, struct pager *pg, uint32_t page, uint32_t attr, uint32_t f,
                 uint32_t flags, int zeroed);

/* The lock of the pages of every pool with no pager (the kernel heap,
 * pools' bookkeeping pages): what a pager's lock is for a pager's pages.
 * Above the pagers' (LOCK_UNPAGED): a fault on a pager's page may touch
 * the heap. */
static struct mutex unpaged_lock = RMUTEX_INIT("unpaged", LOCK_UNPAGED);

/* Run FN on the fault at VA under the locks it needs (mm/paging.h): the
 * VM lock shared, then the lock of the page's pages: for a page not
 * present (COW 0), the lock of the pager of VA's page (vmpool_pager_at:
 * the pool alone, not its regions, which FN searches only if it must),
 * or the unpaged lock; for a write to a copy-on-write page (COW 1), the
 * lock of the processes' pager, with no lookup at all: only fork makes
 * pages copy-on-write, and only in pools of processes, which the pager
 * by frame serves (mm/uvm.c); write_protected checks it under the lock.
 * A thread that holds the VM lock exclusive already (a VMPool operation
 * touching its bookkeeping pages), or a fault before threads exist,
 * takes the VM lock exclusive and nothing more. */
static inline int locked(struct trapframe *tf, uint32_t va, int cow,
                         int (*fn)(struct trapframe *, uint32_t, struct fault_at *))
{
    struct fault_at at;
    struct thread *t = thread_current();
    int excl = __builtin_expect(!t || vm_excl_held(), 0);
    if (excl) vm_lock_excl();
    else vm_lock_shared();
    struct mutex *m = 0;
    if (cow) {
        at.pool = 0;
        at.pager = pager_by_frame();
    } else {
        at.pool = vmpool_pager_at(va, &at.pager);
    }
    if (cow || at.pool) m = at.pager ? &at.pager->lock : &unpaged_lock;
    if (excl) m = 0;
    if (m) mutex_lock(m);
    int r = fn(tf, va, &at);
    if (m) mutex_unlock(m);
    if (excl) vm_unlock_excl();
    else vm_unlock_shared();
    return r;
}

static int page_fault(struct trapframe *tf)
{
    uint32_t va = read_cr2();

    if (tf->err & PF_P) {
        /* A protection violation: legitimate only as a write to a
         * copy-on-write page. */
        if ((tf->err & PF_W) && (*pde_of(va) & PTE_P) && (*pte_of(va) & PTE_COW)) {
            if (tf->eflags & EFLAGS_IF) sti();
            return after_fault(tf, va, locked(tf, va, 1, write_protected));
        }
        VMSTAT_ADD(fault_prot, 1);
        return refuse(tf, va, "refused:");
    }
    /* Demand paging may sleep (on a lock, on the disk), so let
     * interrupts in if the faulting code had them on. */
    if (tf->eflags & EFLAGS_IF) sti();
    return after_fault(tf, va, locked(tf, va, 0, fault_locked));
}

/* What the handler returns for fault_locked's answer R (locks let go):
 * 1 or 0 as it is; after FAULT_WAIT, wait for the daemon and let the
 * access fault again, up to FAULT_WAIT_MAX ticks in a row; after
 * FAULT_OVERFLOW, end the thread. */
static int after_fault_slow(struct trapframe *tf, uint32_t va, int r);

static inline int after_fault(struct trapframe *tf, uint32_t va, int r)
{
    if (__builtin_expect(r < FAULT_WAIT, 1)) {
        struct thread *t = thread_current();
        if (t) t->vm_waits = 0;             /* (a store is cheaper than a test first) */
        return r;
    }
    return after_fault_slow(tf, va, r);
}

static int __attribute__((noinline)) after_fault_slow(struct trapframe *tf, uint32_t va, int r)
{
    if (r == FAULT_OVERFLOW) stack_overflow(tf, va);
    struct thread *t = thread_current();
    if (t && ++t->vm_waits > FAULT_WAIT_MAX) {
        t->vm_waits = 0;
        return refuse_err(tf, va, "no frame after waiting 5 s for the paging daemon",
                          -E_NOMEM);
    }
    if (vm_locked()) {                          /* a nested fault: cannot wait here */
        if (t) t->vm_waits = 0;
        return refuse_err(tf, va, "no frame (and a nested fault cannot wait)", -E_NOMEM);
    }
    daemon_wait();
    return 1;
}

/* A frame for a new page of PG (0: a pool with no pager), at once, in
 * the usual cases, PG's lock held: for a demand-zero page (ZERO), a
 * zeroed frame from PG's stash if its working set has room (*ZEROED 1);
 * for a page the caller fills whole (a copy), or of a sync-mode pager
 * with room, or of no pager, a free frame.  0: take the long way
 * (pager_frame_z, pager_frame), which trims, evicts, refills the stash
 * or waits.  Inline: every fault's usual case; ZERO is a constant at
 * each call. */
static inline __attribute__((always_inline))
uint32_t frame_at_once(struct pager *pg, int zero, int *zeroed)
{
    *zeroed = 0;
    if (!pg) return get_frames(&process_pool, 1);
    if (pg->nresident >= pg->limit) return 0;
    uint32_t f;
    if (zero && pg->daemon) {
        f = daemon_stash_take(pg);
        *zeroed = f != 0;
        return f;
    }
    f = get_frames(&process_pool, 1);
    if (f && pg->daemon) daemon_check_low();
    return f;
}

/* The user stack pointer at the time of the fault TF: the interrupted
 * one if it came from user mode, else (a system call copying to the
 * stack) the one saved when the thread entered the kernel. */
static uint32_t user_sp(const struct trapframe *tf)
{
    if (trap_from_user(tf)) return tf->esp;
    struct thread *t = thread_current();
    return t && t->utf ? t->utf->esp : 0;
}

/* The fault handler proper, with the locks taken (locked(), above) and
 * AT what it found.  The common cases are kept short: a first touch of a
 * page of a kernel pool or a process's private memory takes one search
 * of the pool's regions (vmpool_lookup), one frame, one PTE written
 * (map_fresh_page); a soft fault, not even the search (a page with an
 * entry is in an allocated region: a region's entries go when it is
 * released, with the VM lock held exclusive). */
static int fault_locked(struct trapframe *tf, uint32_t va, struct fault_at *at)
{
    struct vmpool *pool = at->pool;
    if (!pool) {
        if (thread_guard_hit(va)) return FAULT_OVERFLOW;    /* (no pool holds a guard page) */
        VMSTAT_ADD(fault_illegit, 1);
        return refuse(tf, va, "illegitimate (in no VMPool):");
    }
    uint32_t page = PG_ROUND_DOWN(va);
    pte_t e = *pde_of(page) & PTE_P ? *pte_of(page) : 0;
    if (e & PTE_P) {                            /* another thread mapped it first */
        VMSTAT_ADD(fault_raced, 1);
        return 1;
    }
    if (e && !at->pager)
        panic("page fault: %p in unpaged pool %s has entry 0x%x", (void *)va, pool->name, e);
    if (pte_is_trans(e)) {                      /* still in its frame: a soft fault */
        int err = pager_rescue(at->pager, page, pte_frame(e));
        return err == -E_AGAIN ? FAULT_WAIT : 1;
    }
    struct vmpool_where w;
    if (!vmpool_lookup(pool, va, &w)) {
        VMSTAT_ADD(fault_illegit, 1);
        return refuse(tf, va, "illegitimate (not in an allocated region):");
    }
    int grow;
    if ((w.attr & RGN_STACK) && (grow = uvm_stack_rule(va, user_sp(tf))) != 1) {
        VMSTAT_ADD(fault_illegit, 1);
        return refuse(tf, va, grow == 0 ? "illegitimate (below the stack pointer, not a stack push):"
                                        : "refused (the stack may not grow: commit limit):");
    }
    if (e) {                                    /* swapped out: read it back */
        int err = pager_swap_in(pool, page, e, w.pte_flags);
        return err == 0 ? 1 : err == -E_AGAIN ? FAULT_WAIT
                                              : refuse_err(tf, va, "swap-in failed", err);
    }
    if (w.attr & RGN_SHARED) {                  /* the object's page, shared */
        int err = uvm_shared_page(pool, page, w.attr, w.pte_flags);
        return err == 0 ? 1 : err == -E_AGAIN ? FAULT_WAIT
                                              : refuse_err(tf, va, "no frame for a shared page", err);
    }
    if (fault_map_hook) fault_map_hook(va);
    /* The frame first: getting it may evict a page, and an eviction (the
     * VM lock held exclusive) may release a page table, which must not
     * be the one we map into: map_new_page makes it again. */
    struct pager *pg = at->pager;
    int zeroed, err = 0;
    uint32_t f = frame_at_once(pg, 1, &zeroed);
    if (!f && (err = pager_frame_z(pg, &f, &zeroed)) != 0) {
        if (err == -E_AGAIN) return FAULT_WAIT;
        return refuse_err(tf, va, err == -E_IO ? "page-out failed" : "out of memory", err);
    }
    int r = map_new_page(pool, pg, page, w.attr, f, w.pte_flags, zeroed);
    if (r < 0) {                                /* no frame for the page table */
        err = pager_make_room(1);
        int room = err == 0;
        if (err || (err = r = map_new_page(pool, pg, page, w.attr, f, w.pte_flags, zeroed)) < 0) {
            frame_release(f);
            /* Busy pagers, or the frame made taken by another thread
             * first: wait and fault again (FAULT_WAIT_MAX bounds it). */
            if (err == -E_AGAIN || room) return FAULT_WAIT;
            return refuse_err(tf, va, "no frame for a page table", err);
        }
    }
    if (pg) pager_loaded(pg, page, f);
    VMSTAT_ADD(fault_zero, 1);
    VMSTAT_ADD(fault_pt, r);                    /* (1: a page table was made) */
    return 1;
}

/* Map fresh frame F at PAGE of POOL (region attributes ATTR, pager PG,
 * whose lock is held) with FLAGS: zeroed (unless ZEROED says the zero
 * thread did it), or filled from the program image.  0, or 1 if PAGE's
 * page table had to be made, or -E_NOMEM (no frame for the page table;
 * F is then as it was, so the caller may try again). */
static inline __attribute__((always_inline))
int map_new_page(struct vmpool *pool, struct pager *pg, uint32_t page, uint32_t attr, uint32_t f,
                 uint32_t flags, int zeroed)
{
    if ((flags & PTE_W) && !rgn_obj(attr)) return map_fresh_page(page, f, flags, zeroed);
    /* Read-only, or image bytes: fill the frame through a window
     * (writing through PAGE would fault on a read-only page). */
    if (!uvm_make_page(pool, page, attr, f) && !zeroed) vm_fill_frame(pager_window(pg), f, 0);
    int made = pt_ensure(page);
    if (made < 0) return -E_NOMEM;
    int err = map_page(page, f, flags);
    return err ? err : made;
}

/* A write to a copy-on-write page at VA (the lock of AT's pager held,
 * the processes'; or the VM lock exclusive).  If this mapping is the
 * frame's last, the page is the writer's own: it is made writable
 * again; otherwise the writer gets a copy.  Either way the frame's swap
 * copy, if any, stops being this page's (it is about to change). */
static int write_protected(struct trapframe *tf, uint32_t va, struct fault_at *at)
{
    uint32_t page = PG_ROUND_DOWN(va);
    pte_t *pte = pte_of(page), e = *pte;
    if (!(e & PTE_P) || !(e & PTE_COW)) return 1;   /* another thread got here first */
    uint32_t f = pte_frame(e);
    struct frame *fr = frame_of(f);
    if (fr->pager != at->pager)                 /* (a present page is in its pager's) */
        panic("page fault: copy-on-write page %p's frame 0x%x is not in the processes' pager",
              (void *)page, f);
    if (fr->maps == 1) {
        if (fr->slot != SWAP_NONE) {
            swap_free(fr->slot);
            fr->slot = SWAP_NONE;
        }
        *pte = (e & ~PTE_COW) | PTE_W;
        tlb_flush_page(page);
        VMSTAT_ADD(fault_cow_reuse, 1);
        return 1;
    }
    /* A copy.  Only a writable private page is ever made copy-on-write,
     * so the copy's flags are the page's own, writable; and the copy
     * goes to the pager that holds the original (a present page is in
     * its working set): no need to look the address up. */
    struct pager *pg = fr->pager;
    int zeroed, err = 0;
    uint32_t g = frame_at_once(pg, 0, &zeroed);
    if (!g) err = pager_frame(pg, &g);
    if (err == -E_AGAIN) return FAULT_WAIT;
    if (err) return refuse_err(tf, va, "out of memory for a copy-on-write copy", err);
    if (!(*pte & PTE_P) || pte_frame(*pte) != f) {  /* getting G evicted the page */
        frame_release(g);
        return 1;
    }
    vm_fill_frame(pager_window(pg), g, (const void *)page);
    remap_page(page, g, (PTE_FLAGS(e) & ~(PTE_COW | PTE_A | PTE_D)) | PTE_W);
    /* F keeps its other mappings (there was more than one). */
    if (pg) pager_loaded(pg, page, g);
    VMSTAT_ADD(fault_cow_copy, 1);
    return 1;
}

void fault_init(void)
{
    trap_register(T_PGFLT, page_fault);
}
