/* mm/paging.c - build the first page directory, turn paging on, edit mappings.
 *
 * The page directory and every page table live in process-pool frames,
 * which are NOT mapped one-to-one once paging is on.  The kernel reaches
 * them through the recursive slot: PDE 1023 points at the directory
 * itself, so the MMU, walking an address whose top ten bits are 1023,
 * uses the directory as a page table, and:
 *
 *   0xFFC00000 + i*4096  (1023 | i    | offset)  is page table i
 *   0xFFFFF000           (1023 | 1023 | offset)  is the directory
 *   0xFFC00000 + (va>>12)*4                      is va's PTE
 *   0xFFFFF000 + (va>>22)*4                      is va's PDE
 *
 * pte_of()/pde_of() in mm/paging.h compute these.  The recursive PDE is
 * supervisor-only, so no user-mode code could ever edit page tables.
 *
 * Everything here works on the CURRENT address space (mm/aspace.h).  A
 * user-half page table is released when its last entry goes (the space's
 * pt_live counts the non-empty entries of each), by a holder of the VM
 * lock exclusive; one that faults emptied (the lock shared) goes when its
 * region is released (vmpool_release).  So after a VMPool releases
 * everything the process pool is back to where it started.
 * Kernel-half page tables are shared by every space and never released;
 * a new one is written into every directory (aspace_set_kernel_pde). */
#include "mm/paging.h"
#include "mm/aspace.h"
#include "mm/frame.h"
#include "mm/physmem.h"
#include "mm/swap.h"
#include "kernel/panic.h"
#include "kernel/thread.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/printf.h"

struct vmstat vmstat_counts;
struct mutex vm_lock = RMUTEX_INIT("vm", LOCK_VM);
static uint32_t kmap_used;              /* bit i: KMAP slot i in use */
static struct spinlock kmap_lock = SPINLOCK_INIT("kmap", LOCK_KMAP);
static struct spinlock pt_lock = SPINLOCK_INIT("pt", LOCK_PT);
static uint32_t vmwin_used[VMWIN_SLOTS / 32] = { 1 };     /* bit i: window i taken; 0 is VMWIN_VA's */
static struct spinlock vmwin_lock = SPINLOCK_INIT("vmwin", LOCK_VMWIN);

/* ---- the VM lock, exclusive and shared ----
 *
 * The exclusive side is the recursive mutex vm_lock.  Sharers are
 * counted in vm_sharers (each thread's own holds in its vm_shared); the
 * inline fast paths are in mm/paging.h.  A thread taking it exclusive
 * takes the mutex (from then on no new sharer gets in), then waits on
 * vm_drain until the sharers have left: a waiting exclusive taker is
 * never starved by a stream of faults. */
volatile uint32_t vm_sharers;
static struct waitq vm_drain;

/* The last sharer is out: wake an exclusive taker waiting for that. */
void vm_wake_drainer(void)
{
    uint32_t fl = read_eflags();
    cli();
    if (!vm_sharers && vm_drain.head) thread_wake_all(&vm_drain);
    if (fl & EFLAGS_IF) sti();
}

/* T counts itself out of the sharers (a slow path, or T killed): it
 * holds the lock shared no more, and a waiting exclusive taker may go. */
static void count_out(struct thread *t)
{
    t->vm_shared = 0;
    __atomic_sub_fetch(&vm_sharers, 1, __ATOMIC_SEQ_CST);
    vm_wake_drainer();
}

/* vm_lock_shared found the exclusive side held: count ourselves out,
 * and in again once its holder is done (holding the mutex meanwhile, so
 * no new exclusive taker comes between). */
void vm_lock_shared_slow(void)
{
    struct thread *t = thread_current();
    count_out(t);                           /* (if killed now: nothing to give back) */
    mutex_lock(&vm_lock);
    __atomic_add_fetch(&vm_sharers, 1, __ATOMIC_SEQ_CST);
    t->vm_shared = 1;
    mutex_unlock(&vm_lock);
}

/* thread_release_hook: thread T is being killed (a stack overflow) with
 * the VM lock held shared: count it out, or every exclusive taker would
 * wait for it for ever. */
static void vm_release_killed(struct thread *t)
{
    if (!t->vm_shared) return;
    kprintf("thread %d '%s' dies holding the VM lock shared: released\n", t->tid, t->name);
    count_out(t);
}

/* vm_unlock_shared's other cases: a nested hold, or one we do not have. */
void vm_unlock_shared_slow(void)
{
    struct thread *t = thread_current();
    if (t->vm_shared > 1) {
        t->vm_shared--;
        return;
    }
    panic("vm lock: %s lets go of a shared hold it does not have", t->name);
}

void vm_lock_excl(void)
{
    struct thread *t = thread_current();
    if (t && t->vm_shared)
        panic("vm lock: thread %s wants it exclusive while holding it shared", t->name);
    mutex_lock(&vm_lock);
    if (mutex_depth(&vm_lock) > 1) return;
    uint32_t fl = read_eflags();
    cli();
    while (vm_sharers) thread_block(&vm_drain);
    if (fl & EFLAGS_IF) sti();
}

int vm_trylock_excl(void)
{
    if (!mutex_trylock(&vm_lock)) return 0;
    if (vm_sharers && mutex_depth(&vm_lock) == 1) {
        mutex_unlock(&vm_lock);
        return 0;
    }
    return 1;
}

void vm_unlock_excl(void) { mutex_unlock(&vm_lock); }

int vm_locked(void)
{
    struct thread *t = thread_current();
    return (t && t->vm_shared) || mutex_held(&vm_lock);
}

int vm_busy(void) { return vm_lock.owner || vm_sharers; }

const struct tlb_observer *tlb_observer;

void tlb_flush_page(uint32_t va)
{
    invlpg(va);
    VMSTAT_ADD(invlpg, 1);
    if (tlb_observer) tlb_observer->page(tlb_observer->ctx, va);
}

void tlb_flush_all(void)
{
    write_cr3(current_as->pd * PAGE_SIZE);
    if (tlb_observer) tlb_observer->all(tlb_observer->ctx);
}

uint32_t paging_pd_phys(void) { return kernel_as.pd * PAGE_SIZE; }

void paging_init(void)
{
    uint32_t pd = get_frames(&process_pool, 1);
    uint32_t pt0 = get_frames(&process_pool, 1);
    uint32_t ptk = get_frames(&process_pool, 1);
    if (!pd || !pt0 || !ptk) panic("paging_init: no frames for the page directory");

    /* Paging is still off: frames are reachable at their physical address. */
    pte_t *dir = frame_addr(pd), *t0 = frame_addr(pt0), *tk = frame_addr(ptk);
    memset(dir, 0, PAGE_SIZE);
    memset(tk, 0, PAGE_SIZE);
    /* Identity-map 0-4 MiB, except page 0, so that a NULL dereference
     * faults instead of reading the real-mode interrupt table. */
    t0[0] = 0;
    for (uint32_t i = 1; i < NPTENTRIES; i++) t0[i] = i * PAGE_SIZE | PTE_P | PTE_W;
    dir[0] = pt0 * PAGE_SIZE | PTE_P | PTE_W;
    dir[PDX(KMAP_BASE)] = ptk * PAGE_SIZE | PTE_P | PTE_W;
    dir[RECURSIVE_SLOT] = pd * PAGE_SIZE | PTE_P | PTE_W;      /* no PTE_U */
    vmstat_counts.frames_pt = 3;
    aspace_boot(pd);

    write_cr3(pd * PAGE_SIZE);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
    thread_release_hook = vm_release_killed;
}

int pt_ensure(uint32_t va)
{
    pte_t *pde = pde_of(va);
    if (*pde & PTE_P) return 0;
    spin_lock(&pt_lock);
    if (*pde & PTE_P) {                         /* another fault made it meanwhile */
        spin_unlock(&pt_lock);
        return 0;
    }
    uint32_t f = get_frames(&process_pool, 1);
    if (!f) {
        spin_unlock(&pt_lock);
        return -E_NOMEM;
    }
    /* A user-half table must allow user access at the PDE level too (its
     * PTEs decide); a kernel-half one goes into every directory. */
    if (va < KERNEL_BASE) {
        *pde = f * PAGE_SIZE | PTE_P | PTE_W | PTE_U;
        current_as->frames_pt++;
    } else {
        aspace_set_kernel_pde(PDX(va), f * PAGE_SIZE | PTE_P | PTE_W);
        VMSTAT_ADD(frames_kpt, 1);
    }
    /* The table's window address may still be cached from an earlier
     * table in this slot; flush it before zeroing through it.  (The PDE
     * is in before the table is zeroed: with pt_lock held interrupts are
     * off, so on one CPU no thread sees it meanwhile.) */
    uint32_t win = (uint32_t)pte_of(PGADDR(PDX(va), 0, 0));
    tlb_flush_page(win);
    memset((void *)win, 0, PAGE_SIZE);
    frame_set_use(f, FRAME_USE_PT);
    VMSTAT_ADD(frames_pt, 1);
    spin_unlock(&pt_lock);
    return 1;
}

void pt_release_if_empty(uint32_t va)
{
    uint32_t d = PDX(va);
    pte_t *pde = pde_of(va);
    if (d == 0 || va >= KERNEL_BASE || !(*pde & PTE_P) || *live_of(va) != 0) return;
    struct thread *t = thread_current();
    if (t && t->vm_shared) return;      /* a fault (never exclusive too): see pt_ensure */
    uint32_t f = PTE_ADDR(*pde) / PAGE_SIZE;
    *pde = 0;
    tlb_flush_page((uint32_t)pte_of(PGADDR(d, 0, 0)));
    frame_release(f);
    current_as->frames_pt--;
    VMSTAT_ADD(frames_pt, -1);
    VMSTAT_ADD(pt_freed, 1);
}

int map_page(uint32_t va, uint32_t frame, uint32_t flags)
{
    pte_t *pte = pte_of(va);
    if (*pte & PTE_P) panic("map_page: %p is already mapped (pte 0x%x)", (void *)va, *pte);
    /* The kernel half is every space's: its mappings belong to none. */
    if (frame_add_map(frame, va >= KERNEL_BASE ? 0 : current_as, PG_ROUND_DOWN(va)) != 0)
        return -E_NOMEM;
    frame_set_use(frame, use_at(va));
    if (*pte == 0) count_live(va, 1);           /* a swap entry was counted already */
    *pte = frame * PAGE_SIZE | flags | PTE_P;
    VMSTAT_ADD(frames_data, 1);
    return 0;
}

/* The present entry OLD of (AS, VA) is gone: take the mapping out of
 * the frame table.  A write seen through it (D) must outlive it, in the
 * frame's FRAME_DIRTY: the frame may stay (other mappings, a shared
 * object), and be evicted later, when this D is no longer in any PTE. */
static void unmapped(pte_t old, struct aspace *as, uint32_t va)
{
    uint32_t f = PTE_ADDR(old) / PAGE_SIZE;
    if ((old & PTE_D) && frame_table_ready() && f - frame_first < frame_count)
        frame_of(f)->flags |= FRAME_DIRTY;
    frame_remove_map(f, as, PG_ROUND_DOWN(va));
}

uint32_t remap_page(uint32_t va, uint32_t new_frame, uint32_t flags)
{
    pte_t *pte = pte_of(va);
    if (!(*pte & PTE_P)) panic("remap_page: %p is not mapped", (void *)va);
    uint32_t old = pte_frame(*pte);
    struct aspace *as = va >= KERNEL_BASE ? 0 : current_as;
    frame_map_fresh(new_frame, as, PG_ROUND_DOWN(va), use_at(va));
    unmapped(*pte, as, va);
    *pte = new_frame * PAGE_SIZE | flags | PTE_P;
    tlb_flush_page(va);
    return old;
}

void frame_release(uint32_t f)
{
    if (frame_table_ready()) {
        struct frame *fr = frame_of(f);
        if (fr->maps) panic("frame_release: frame 0x%x is still mapped %u times", f, fr->maps);
        if (fr->pager) panic("frame_release: frame 0x%x is still resident in a pager (slot %u): "
                             "pager_free_frame gives such frames back", f, fr->wslot);
        if (fr->state != FS_NONE)
            panic("frame_release: frame 0x%x is in the paging daemon's state %u (on a list, "
                  "or in a stash, or being written): it must leave that first", f, fr->state);
        fr->use = FRAME_USE_NONE;
        fr->flags = 0;
        fr->objpage = 0;
        fr->wslot = FRAME_NO_WSLOT;
        fr->slot = SWAP_NONE;
    }
    if (release_frames(f) != 0) panic("frame_release: frame 0x%x was not allocated", f);
}

void map_fresh_zero(uint32_t va)
{
    memset((void *)PG_ROUND_DOWN(va), 0, PAGE_SIZE);
    /* Zeroing wrote to the page; that is not the program's access, so
     * clear A and D, and the TLB entry that caches them. */
    *pte_of(va) &= ~(PTE_A | PTE_D);
    tlb_flush_page(va);
}

void map_fresh_refused(uint32_t va)
{
    panic("map_fresh_page: %p has entry 0x%x already", (void *)va, *pte_of(va));
}

int map_zeroed_page(uint32_t va, uint32_t flags)
{
    uint32_t f = get_frames(&process_pool, 1);
    if (!f) return -E_NOMEM;
    if (map_fresh_page(va, f, flags, 0) < 0) {
        release_frames(f);
        return -E_NOMEM;
    }
    return 0;
}

void pte_set_absent(uint32_t va, pte_t v)
{
    pte_set_absent_in(current_as, va, v);
}

void pte_set_absent_in(struct aspace *as, uint32_t va, pte_t v)
{
    int here = !as || as == current_as || va >= KERNEL_BASE;
    pte_t *pte = here ? pte_of(va) : aspace_pte(as, va, 0);
    if (!pte) panic("pte_set_absent_in: %p has no page table in space %p", (void *)va, (void *)as);
    pte_t old = *pte;
    if (v & PTE_P) panic("pte_set_absent: 0x%x has the present bit", v);
    *pte = v;
    /* Another space's entries are in no TLB: loading CR3 dropped them. */
    if (old && here) tlb_flush_page(va);
    if ((old & PTE_P) || pte_is_trans(old)) {   /* a transition entry maps its frame too */
        unmapped(old, va >= KERNEL_BASE ? 0 : here ? current_as : as, va);
        VMSTAT_ADD(frames_data, -1);
    }
    if (!old != !v) count_live_in(here ? current_as : as, va, v ? 1 : -1);
    /* An emptied table of the current space goes at once; another
     * space's waits for its teardown. */
    if (!v && here) pt_release_if_empty(va);
}

pte_t pte_get(uint32_t va)
{
    if (!(*pde_of(va) & PTE_P)) return 0;
    return *pte_of(va);
}

uint32_t pt_skip_absent(uint32_t va, uint32_t end)
{
    while (va < end && !(*pde_of(va) & PTE_P)) {
        uint32_t next = (va & ~(PT_SPAN - 1)) + PT_SPAN;
        if (next <= va) return end;             /* wrapped past 4 GiB */
        va = next;
    }
    return va < end ? va : end;
}

int mapped_readable(uint32_t va)
{
    if (!(read_cr0() & CR0_PG)) return va < ram_end;
    return (pte_get(va) & PTE_P) != 0;
}

void free_page(uint32_t va)
{
    va = PG_ROUND_DOWN(va);
    pte_t e = pte_get(va);
    if (e == 0) return;                         /* never touched */
    if (!(e & PTE_P)) panic("free_page: %p has a non-present entry 0x%x", (void *)va, e);
    uint32_t f = PTE_ADDR(e) / PAGE_SIZE;
    if (frame_state(&process_pool, f) != FRAME_HEAD)
        panic("free_page: %p maps frame 0x%x, which is not allocated", (void *)va, f);
    pte_set_absent(va, 0);
    /* A frame still mapped elsewhere (copy-on-write, shared), or that is
     * a page of a shared object, stays. */
    if (!frame_table_ready() || (frame_of(f)->maps == 0 && !frame_of(f)->objpage)) {
        frame_release(f);
        VMSTAT_ADD(pages_freed, 1);
    }
}

void vm_fill_frame(uint32_t win, uint32_t dst, const void *src)
{
    ASSERT(vm_locked());
    pte_t *pte = pte_of(win);
    *pte = dst * PAGE_SIZE | PTE_P | PTE_W;
    tlb_flush_page(win);                    /* it may still show the last frame */
    if (src) memcpy((void *)win, src, PAGE_SIZE);
    else memset((void *)win, 0, PAGE_SIZE);
    *pte = 0;                               /* (the next use flushes the TLB entry) */
}

uint32_t vmwin_alloc(void)
{
    uint32_t win = 0;
    spin_lock(&vmwin_lock);
    for (uint32_t i = 1; i < VMWIN_SLOTS; i++)
        if (!(vmwin_used[i / 32] & (1u << i % 32))) {
            vmwin_used[i / 32] |= 1u << i % 32;
            win = VMWIN_VA + i * PAGE_SIZE;
            break;
        }
    spin_unlock(&vmwin_lock);
    return win;
}

void vmwin_free(uint32_t win)
{
    uint32_t i = (win - VMWIN_VA) / PAGE_SIZE;
    if (win < VMWIN_VA + PAGE_SIZE || i >= VMWIN_SLOTS || !(vmwin_used[i / 32] & (1u << i % 32)))
        panic("vmwin_free: %p is not a taken window", (void *)win);
    spin_lock(&vmwin_lock);
    vmwin_used[i / 32] &= ~(1u << i % 32);
    spin_unlock(&vmwin_lock);
}

void *kmap(uint32_t frame)
{
    spin_lock(&kmap_lock);
    for (int i = 0; i < KMAP_SLOTS; i++) {
        if (kmap_used & (1u << i)) continue;
        kmap_used |= 1u << i;
        spin_unlock(&kmap_lock);
        uint32_t va = KMAP_BASE + i * PAGE_SIZE;
        *pte_of(va) = frame * PAGE_SIZE | PTE_P | PTE_W;
        tlb_flush_page(va);
        return (void *)va;
    }
    panic("kmap: all %d windows in use", KMAP_SLOTS);
}

void kunmap(void *p)
{
    uint32_t va = (uint32_t)p, i = (va - KMAP_BASE) / PAGE_SIZE;
    if (va < KMAP_BASE || i >= KMAP_SLOTS || !(kmap_used & (1u << i)))
        panic("kunmap: %p is not a kmap window", p);
    *pte_of(va) = 0;
    tlb_flush_page(va);
    spin_lock(&kmap_lock);
    kmap_used &= ~(1u << i);
    spin_unlock(&kmap_lock);
}

void vmstat(void)
{
    struct vmstat *s = &vmstat_counts;
    kprintf("vmstat: faults: %u demand-zero (%u new page tables), %u swap-in, "
            "%u illegitimate, %u protection\n",
            s->fault_zero, s->fault_pt, s->fault_swapin, s->fault_illegit, s->fault_prot);
    kprintf("vmstat: frames: %u data pages, %u page tables; %u pages and %u tables "
            "freed; %u invlpg\n", s->frames_data, s->frames_pt, s->pages_freed,
            s->pt_freed, s->invlpg);
    for (struct frame_pool *p = frame_pools(); p; p = p->next)
        kprintf("vmstat: %-8s pool: %u free, %u used, %u inaccessible\n",
                p->name, p->nfree, p->nused, p->ninacc);
}
