/* mm/pager.c - resident sets, victims, page-out and page-in.
 *
 * Each pageable pool has a resident set of NFRAMES slots.  Slot s holds
 * the virtual address of a resident page (page[s]) and, if that page has
 * an up-to-date copy in swap, the slot number of the copy (swap[s]).
 * Keeping the copy lets a clean page be evicted without a write: its PTE
 * simply becomes the swap entry again.
 *
 * Evicting the page in slot s:
 *   dirty (PTE_D set)           write it to swap (its old slot if it has
 *                               one), PTE <- swap entry
 *   clean, with a swap copy     no write, PTE <- swap entry
 *   clean, never written        no write, PTE <- 0: it was all zeros, and
 *                               the next touch is a demand-zero fault
 * then release the frame and invalidate the TLB entry (pte_set_absent).
 *
 * Policies see the hardware A and D bits through struct pte_bits; here
 * they read and clear the real PTEs through the recursive window.
 *
 * Memory.  page[], swap[], the set of empty slots and the policy's own
 * arrays are one kmalloc block per pager, laid out by layout() below and
 * sized by the pager's NFRAMES (up to 16,384): a small pool costs a few
 * hundred bytes, and the kernel image holds none of it. */
#include "mm/pager.h"
#include "mm/swap.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/pit.h"
#include "kernel/sync.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static int bits_accessed(void *ctx, uint32_t vpn, int clear)
{
    (void)ctx;
    uint32_t va = vpn << PAGE_SHIFT;
    pte_t *pte = pte_of(va);
    int a = (*pte & PTE_A) != 0;
    if (a && clear) {
        *pte &= ~PTE_A;
        tlb_flush_page(va);         /* else the TLB keeps its cached A */
    }
    return a;
}

static int bits_dirty(void *ctx, uint32_t vpn)
{
    (void)ctx;
    return (*pte_of(vpn << PAGE_SHIFT) & PTE_D) != 0;
}

/* The PIT hook: give every pageable pool's policy its tick (aging shifts
 * its counters there).  A tick that arrives while the VM lock is held is
 * skipped, so a policy is never ticked in the middle of victim() or
 * fault_in(); on one CPU, with the lock free, nobody is inside them. */
static void pager_tick(void)
{
    if (mutex_busy(&vm_lock)) return;
    for (struct vmpool *p = vmpools(); p; p = p->next)
        if (p->pager && p->pager->policy.ops->tick) p->pager->policy.ops->tick(&p->pager->policy);
}

/* Point PG's arrays for NFRAMES slots under policy OPS into memory at
 * BASE (0: only measure); returns the bytes they take, and in *POLMEM
 * where the policy's part starts. */
static uint32_t layout(struct pager *pg, const struct policy_ops *ops, uint32_t nframes,
                       void *base, void **polmem)
{
    struct carve c = { (uintptr_t)base, 0 };
    pg->page = carve(&c, nframes, 4);
    pg->swap = carve(&c, nframes, 4);
    slotset_carve(&pg->empty, nframes, &c);
    *polmem = carve(&c, policy_bytes(ops, nframes), 1);
    return c.used;
}

int pager_detach(struct pager *pg)
{
    if (!pg->mem) return 0;
    if (pg->nresident) {
        kprintf("pager_detach(%s): %u pages are still resident\n", pg->pool->name,
                pg->nresident);
        return -E_BUSY;
    }
    mutex_lock(&vm_lock);
    if (pg->pool->pager == pg) pg->pool->pager = 0;
    mutex_unlock(&vm_lock);
    kfree(pg->mem);
    pg->mem = 0;
    return 0;
}

int pager_attach(struct vmpool *pool, struct pager *pg, const char *name,
                 uint32_t nframes, uint32_t seed)
{
    static int hooked;
    if (!hooked) {
        pit_add_hook(pager_tick);
        hooked = 1;
    }
    const struct policy_ops *ops = policy_find(name);
    if (!ops) {
        kprintf("pager: unknown policy '%s'; policies are:", name);
        for (int i = 0; policy_name(i); i++) kprintf(" %s", policy_name(i));
        kprintf("\n");
        return -E_INVAL;
    }
    if (nframes == 0 || nframes > POLICY_MAX_FRAMES) {
        kprintf("pager: nframes=%u must be 1..%u\n", nframes, POLICY_MAX_FRAMES);
        return -E_INVAL;
    }
    int err = pager_detach(pg);
    if (err) return err;
    void *polmem;
    uint32_t bytes = layout(pg, ops, nframes, 0, &polmem);
    if (!(pg->mem = kmalloc(bytes))) {
        kprintf("pager: no heap for %u frames' arrays (%u bytes)\n", nframes, bytes);
        return -E_NOMEM;
    }
    /* Everything is written here, outside the VM lock, so that every heap
     * page of the block is backed before the fault path (which holds the
     * lock) reads it; no pool points at PG yet, so no tick runs into it. */
    memset(pg->mem, 0, bytes);
    layout(pg, ops, nframes, pg->mem, &polmem);
    pg->pool = pool;
    pg->nframes = nframes;
    pg->nresident = 0;
    pg->bits = (struct pte_bits){ pg, bits_accessed, bits_dirty };
    for (uint32_t s = 0; s < nframes; s++) {
        pg->swap[s] = SWAP_NONE;
        slotset_add(&pg->empty, s);
    }
    pg->faults = pg->disk_reads = pg->disk_writes = pg->evictions = pg->clean_drops = 0;
    pg->last_error = 0;
    policy_init(&pg->policy, ops, &pg->bits, nframes, seed, polmem);
    mutex_lock(&vm_lock);
    pool->pager = pg;
    mutex_unlock(&vm_lock);
    return 0;
}

#define NO_SLOT SLOTSET_NONE

/* The resident slot holding PAGE, or NO_SLOT. */
static uint32_t slot_find(const struct pager *pg, uint32_t page)
{
    for (uint32_t s = 0; s < pg->nframes; s++)
        if (pg->page[s] == page) return s;
    return NO_SLOT;
}

/* The lowest empty resident slot, or NO_SLOT.  (Lowest: the policies'
 * results depend on which slot a page lands in, and the replacement
 * report's figures must not change with how slots are found.) */
static uint32_t slot_empty(const struct pager *pg)
{
    return slotset_next(&pg->empty, 0);
}

/* Slot S's page has gone (evicted or released): tell the policy and
 * empty the slot. */
static void slot_clear(struct pager *pg, uint32_t s)
{
    if (pg->policy.ops->evicted) pg->policy.ops->evicted(&pg->policy, s, pg->page[s] >> PAGE_SHIFT);
    pg->page[s] = 0;
    pg->swap[s] = SWAP_NONE;
    slotset_add(&pg->empty, s);
    pg->nresident--;
}

/* Evict the page in resident slot S.  Returns 0, or the swap error (the
 * page then stays resident and nothing changes). */
static int evict(struct pager *pg, uint32_t s)
{
    ASSERT(mutex_held(&vm_lock));
    uint32_t va = pg->page[s];
    pte_t e = *pte_of(va);
    if (!(e & PTE_P)) panic("pager: resident slot %u holds %p, which is not present", s, (void *)va);
    uint32_t frame = PTE_ADDR(e) / PAGE_SIZE;
    pte_t after;

    if (e & PTE_D) {
        int err = swap_write(&pg->swap[s], frame);
        if (err) {
            pg->last_error = err;
            return err;
        }
        pg->disk_writes++;
        after = swap_pte(pg->swap[s]);
    } else if (pg->swap[s] != SWAP_NONE) {
        after = swap_pte(pg->swap[s]);
        pg->clean_drops++;
    } else {
        after = 0;                              /* all zeros: demand-zero next time */
        pg->clean_drops++;
    }
    pte_set_absent(va, after);
    release_frames(frame);
    slot_clear(pg, s);
    pg->evictions++;
    return 0;
}

/* Ask PG's policy for a victim and evict it. */
static int evict_one(struct pager *pg)
{
    if (pg->nresident == 0) return -E_NOMEM;
    uint32_t s = pg->policy.ops->victim(&pg->policy);
    if (s >= pg->nframes || !pg->page[s])
        panic("pager: policy %s chose slot %u, which holds no page", pg->policy.ops->name, s);
    return evict(pg, s);
}

int pager_make_room(uint32_t n)
{
    int err = -E_NOMEM;                 /* unless an eviction says why it failed */
    while (process_pool.nfree < n) {
        struct vmpool *p;
        for (p = vmpools(); p; p = p->next) {
            if (!p->pager || !p->pager->nresident) continue;
            int e = evict_one(p->pager);
            if (e == 0) break;
            err = e;
        }
        if (!p) return err;
    }
    return 0;
}

int pager_frame(struct pager *pg, uint32_t *frame)
{
    int err;
    if (pg && pg->nresident >= pg->nframes && (err = evict_one(pg)) != 0) return err;
    uint32_t f = get_frames(&process_pool, 1);
    if (!f && (err = pager_make_room(1)) != 0) return err;
    if (!f) f = get_frames(&process_pool, 1);
    *frame = f;
    return f ? 0 : -E_NOMEM;
}

/* pager_loaded, returning the slot PAGE went into. */
static uint32_t load(struct pager *pg, uint32_t page)
{
    uint32_t s = slot_empty(pg);
    if (s == NO_SLOT) panic("pager: no free resident slot for %p", (void *)page);
    slotset_remove(&pg->empty, s);
    pg->page[s] = page;
    pg->nresident++;
    pg->faults++;
    pg->policy.ops->fault_in(&pg->policy, s, page >> PAGE_SHIFT);
    return s;
}

void pager_loaded(struct pager *pg, uint32_t page)
{
    load(pg, page);
}

int pager_swap_in(struct vmpool *pool, uint32_t page, pte_t e)
{
    struct pager *pg = pool->pager;
    ASSERT(mutex_held(&vm_lock));
    if (!pg || !pte_is_swap(e))
        panic("pager_swap_in: %p has entry 0x%x in pool %s", (void *)page, e, pool->name);
    uint32_t f;
    int err = pager_frame(pg, &f);
    if (err) {
        kprintf("pager: no frame to read %p back into: %s%s%s\n", (void *)page,
                err == -E_SWAPFULL ? "swap is full, so no dirty page could be evicted"
                : errname(err), err == -E_IO ? ": " : "", err == -E_IO ? swap_last_error() : "");
        return pg->last_error = err;
    }
    uint32_t slot = pte_slot(e);
    err = swap_read(slot, f);
    if (err) {
        release_frames(f);
        kprintf("pager: %p stays swapped out: %s\n", (void *)page, swap_last_error());
        return pg->last_error = err;
    }
    /* The swap entry is replaced in place: map_page keeps the table's
     * count of live entries, so the table cannot be released under us. */
    map_page(page, f, pool->pte_flags);         /* A = D = 0: clean, copy in SLOT */
    vmstat_counts.fault_swapin++;
    pg->disk_reads++;
    pg->swap[load(pg, page)] = slot;
    return 0;
}

void pager_release_page(struct pager *pg, uint32_t page)
{
    pte_t e = pte_get(page);
    if (e & PTE_P) {
        uint32_t s = slot_find(pg, page);
        if (s == NO_SLOT) panic("pager: resident %p is in no slot", (void *)page);
        if (pg->swap[s] != SWAP_NONE) swap_free(pg->swap[s]);
        slot_clear(pg, s);
        free_page(page);
    } else if (pte_is_swap(e)) {
        swap_free(pte_slot(e));
        pte_set_absent(page, 0);
    } else if (e) {
        panic("pager: %p has a bad entry 0x%x", (void *)page, e);
    }
}

void pager_print(const struct pager *pg)
{
    kprintf("pager %s: policy %s, %u/%u resident; %u faults, %u disk reads, %u disk writes, "
            "%u evictions (%u clean)\n", pg->pool->name, pg->policy.ops->name, pg->nresident,
            pg->nframes, pg->faults, pg->disk_reads, pg->disk_writes, pg->evictions,
            pg->clean_drops);
}
