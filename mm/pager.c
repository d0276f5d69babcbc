/* mm/pager.c - resident sets, victims, page-out and page-in.
 *
 * Each pager has NFRAMES resident slots.  Slot s holds one resident page,
 * known to the policy by KEY[s]: its virtual page number (a pool's own
 * pager) or its frame number (a pager by frame); the frame table entry
 * of the page's frame names the pager and the slot back (PAGER, WSLOT),
 * so a page leaving is found at once.  What swap holds for the page is
 * the frame's SLOT: a clean page with a copy is evicted without a write.
 * mm/pager.h draws where an evicted page goes.
 *
 * Policies see the hardware A and D bits through struct pte_bits; here
 * they read and clear the real PTEs, in the pool's space for a pool's
 * own pager (through the ALT window when it is not current), in every
 * space that maps the frame for a pager by frame.  A cleared A bit is
 * flushed from the TLB only in the current space: switching spaces
 * reloads CR3, which drops every other space's (non-global) entries.
 *
 * Memory.  KEY[], the set of empty slots and the policy's own arrays are
 * one kmalloc block per pager, laid out by layout() below and sized by
 * NFRAMES (up to 16,384): a small pool costs a few hundred bytes, and
 * the kernel image holds none of it. */
#include "mm/pager.h"
#include "mm/swap.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/kmalloc.h"
#include "mm/frame.h"
#include "mm/aspace.h"
#include "mm/daemon.h"
#include "kernel/panic.h"
#include "kernel/pit.h"
#include "kernel/sync.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct pager *pagers;            /* every attached pager */

/* The lock PG's pages need, for a thread that may hold another
 * pager's (see pager_claim_frame). */
static struct mutex *claim(struct pager *pg)
{
    if (vm_excl_held() || mutex_held(&pg->lock)) return 0;
    return mutex_trylock(&pg->lock) ? &pg->lock : PAGER_BUSY;
}

/* The pager by frame (there is at most one: every process's pages). */
static struct pager *frames_pager;

struct pager *pager_by_frame(void) { return frames_pager; }

struct mutex *pager_claim_frame(uint32_t f)
{
    if (vm_excl_held()) return 0;
    struct frame *fr = frame_of(f);
    /* The pager of the pool that maps it (all of a frame's mappings are
     * in pools of one pager: a frame is shared only between processes),
     * or, for a shared object's page that no space maps now, the pager
     * by frame, whose pages objects' pages are. */
    struct vmpool *pool = fr->maps ? vmpool_in(fr->as, fr->va) : 0;
    struct pager *pg = fr->maps ? (pool ? pool->pager : 0) : frames_pager;
    if (!pg) panic("pager: frame 0x%x (mapped %u times, at %p) belongs to no pager", f,
                   fr->maps, (void *)fr->va);
    return claim(pg);
}

/* The PTE of page VA in space AS (0: the kernel half): through the
 * recursive window if AS is current, else the ALT window.  The page
 * table must exist: the page is resident. */
static inline pte_t *pte_in(struct aspace *as, uint32_t va)
{
    /* The current space's (and the kernel half's) entries are in the
     * recursive window: the common case, without a call. */
    if ((!as || as == current_as || va >= KERNEL_BASE) && (*pde_of(va) & PTE_P))
        return pte_of(va);
    pte_t *p = aspace_pte(as ? as : current_as, va, 0);
    if (!p) panic("pager: no page table for %p in space %p", (void *)va, (void *)as);
    return p;
}

/* The space a pool's own pager's pages live in. */
static struct aspace *pool_space(const struct pager *pg)
{
    return pg->pool->as ? pg->pool->as : current_as;
}

/* The frame of the page the policy knows as KEY; and in *EP (if not 0)
 * its PTE, for a pool's own pager (0 for a pager by frame, whose page
 * may have several). */
static uint32_t key_frame_pte(struct pager *pg, uint32_t key, pte_t *ep)
{
    if (ep) *ep = 0;
    if (pg->by_frame) return key;
    pte_t e = *pte_in(pool_space(pg), key << PAGE_SHIFT);
    if (!e || pte_is_swap(e))           /* (P = 0 with a frame: being evicted, see evict) */
        panic("pager %s: resident page %p is not present (pte 0x%x)", pg->name,
              (void *)(key << PAGE_SHIFT), e);
    if (ep) *ep = e;
    return pte_frame(e);
}

static uint32_t key_frame(struct pager *pg, uint32_t key) { return key_frame_pte(pg, key, 0); }

/* Read (and with CLEAR, clear) BIT of the PTE of mapping (AS, VA). */
static int pte_bit(struct aspace *as, uint32_t va, pte_t bit, int clear)
{
    pte_t *pte = pte_in(as, va);
    int set = (*pte & bit) != 0;
    if (set && clear) {
        *pte &= ~bit;
        if (!as || as == current_as || va >= KERNEL_BASE) tlb_flush_page(va);
    }
    return set;
}

struct bit_walk {
    pte_t bit;
    int clear, any;
};

static void bit_of_mapping(void *arg, struct aspace *as, uint32_t va)
{
    struct bit_walk *w = arg;
    w->any |= pte_bit(as, va, w->bit, w->clear);
}

/* BIT of the page the policy knows as KEY: of its one PTE, or (by
 * frame) the OR over every PTE that maps the frame. */
static int key_bit(struct pager *pg, uint32_t key, pte_t bit, int clear)
{
    if (!pg->by_frame) return pte_bit(pool_space(pg), key << PAGE_SHIFT, bit, clear);
    struct bit_walk w = { bit, clear, 0 };
    frame_for_each_map(key, bit_of_mapping, &w);
    return w.any;
}

static int bits_accessed(void *ctx, uint32_t key, int clear)
{
    return key_bit(ctx, key, PTE_A, clear);
}

/* Dirty: a D bit in a PTE, or FRAME_DIRTY, which holds a write no PTE
 * shows any more (a mapping gone) or a swap copy given up (the frame is
 * then the only copy, whatever its D bits say). */
static int bits_dirty(void *ctx, uint32_t key)
{
    struct pager *pg = ctx;
    pte_t e;                            /* a pool's own pager: its page's one PTE, read once */
    if (frame_of(key_frame_pte(pg, key, &e))->flags & FRAME_DIRTY) return 1;
    return pg->by_frame ? key_bit(pg, key, PTE_D, 0) : (e & PTE_D) != 0;
}

/* The PIT hook: give every pager's policy its tick (aging shifts its
 * counters there).  A tick that arrives while the VM lock is held (either
 * way: every policy call is made holding it) is skipped, so a policy is
 * never ticked in the middle of victim() or fault_in(); on one CPU, with
 * the lock free, nobody is inside them. */
static void pager_tick(void)
{
    if (vm_busy()) return;
    for (struct pager *pg = pagers; pg; pg = pg->next)
        if (pg->policy.ops->tick) pg->policy.ops->tick(&pg->policy);
}

/* Point PG's arrays for NFRAMES slots under policy OPS into memory at
 * BASE (0: only measure); returns the bytes they take, and in *POLMEM
 * where the policy's part starts. */
static uint32_t layout(struct pager *pg, const struct policy_ops *ops, uint32_t nframes,
                       void *base, void **polmem)
{
    struct carve c = { (uintptr_t)base, 0 };
    pg->key = carve(&c, nframes, 4);
    slotset_carve(&pg->empty, nframes, &c);
    pg->free_slots = carve(&c, nframes, 4);
    *polmem = carve(&c, policy_bytes(ops, nframes), 1);
    return c.used;
}

int pager_detach(struct pager *pg)
{
    if (!pg->mem) return 0;
    vm_lock_excl();
    /* A pool's pages all lie in its allocated regions: while it has none,
     * no page of PG's is resident, on a list, in flight (a released page's
     * write frees its frame) or in swap, so nothing can need PG again. */
    struct vmpool_info vi = { 0 };
    if (pg->pool) vmpool_info(pg->pool, &vi);
    if (vi.nalloc || pg->nresident) {
        vm_unlock_excl();
        kprintf("pager_detach(%s): %u regions still allocated, %u pages resident: release "
                "the regions first\n", pg->name, vi.nalloc, pg->nresident);
        return -E_BUSY;
    }
    daemon_unstash(pg);
    if (pg->pool && pg->pool->pager == pg) pg->pool->pager = 0;
    if (frames_pager == pg) frames_pager = 0;
    for (struct pager **pp = &pagers; *pp; pp = &(*pp)->next)
        if (*pp == pg) {
            *pp = pg->next;
            break;
        }
    vm_unlock_excl();
    kfree(pg->mem);
    pg->mem = 0;
    vmwin_free(pg->win);
    pg->win = 0;
    if (pg->daemon) daemon_use(-1);
    return 0;
}

/* pager_attach and pager_attach_frames: everything but who is served. */
static int setup(struct pager *pg, const char *name, const char *policy, uint32_t nframes,
                 uint32_t seed)
{
    static int hooked;
    if (!hooked) {
        pit_add_hook(pager_tick);
        hooked = 1;
    }
    const struct policy_ops *ops = policy_find(policy);
    if (!ops) {
        kprintf("pager: unknown policy '%s'; policies are:", policy);
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
    void *mem = kmalloc(bytes);
    if (!mem) {
        kprintf("pager: no heap for %u frames' arrays (%u bytes)\n", nframes, bytes);
        return -E_NOMEM;
    }
    uint32_t win = vmwin_alloc();
    if (!win) {
        kprintf("pager: %u pagers are attached already: no copy window is left\n",
                VMWIN_SLOTS - 1);
        kfree(mem);
        return -E_NOMEM;
    }
    /* Everything is written here, outside the VM lock, so that every heap
     * page of the block is backed before the fault path (which holds the
     * lock) reads it; no pool points at PG yet, so no tick runs into it. */
    memset(pg, 0, sizeof *pg);
    pg->lock = (struct mutex)RMUTEX_INIT("pager", LOCK_PAGER);
    pg->lock.name = name;
    memset(mem, 0, bytes);
    pg->mem = mem;
    pg->win = win;
    layout(pg, ops, nframes, mem, &polmem);
    pg->name = name;
    pg->daemon = daemon_default;
    if (pg->daemon) daemon_use(1);
    pg->nframes = pg->limit = nframes;
    pg->bits = (struct pte_bits){ pg, bits_accessed, bits_dirty };
    for (uint32_t s = 0; s < nframes; s++) slotset_add(&pg->empty, s);
    for (uint32_t s = 0; s < nframes; s++) pg->free_slots[s] = nframes - 1 - s;
    pg->nfree_slots = nframes;
    policy_init(&pg->policy, ops, &pg->bits, nframes, seed, polmem);
    return 0;
}

int pager_attach(struct vmpool *pool, struct pager *pg, const char *policy,
                 uint32_t nframes, uint32_t seed)
{
    int err = setup(pg, pool->name, policy, nframes, seed);
    if (err) return err;
    pg->pool = pool;
    vm_lock_excl();
    pg->next = pagers;
    pagers = pg;
    pool->pager = pg;
    vm_unlock_excl();
    return 0;
}

int pager_attach_frames(struct pager *pg, const char *name, const char *policy,
                        uint32_t nframes, uint32_t seed)
{
    if (frames_pager && frames_pager != pg)
        panic("pager_attach_frames(%s): %s is the pager by frame already", name,
              frames_pager->name);
    int err = setup(pg, name, policy, nframes, seed);
    if (err) return err;
    pg->by_frame = 1;
    frames_pager = pg;
    vm_lock_excl();
    pg->next = pagers;
    pagers = pg;
    vm_unlock_excl();
    return 0;
}

void pager_serve(struct pager *pg, struct vmpool *pool)
{
    if (!pg->by_frame) panic("pager_serve: %s is a pool's own pager", pg->name);
    pool->pager = pg;
}

uint32_t pager_steal_stashed(void)
{
    for (struct pager *pg = pagers; pg; pg = pg->next) {
        if (!pg->nzstash) continue;
        struct mutex *m = claim(pg);
        if (m == PAGER_BUSY) continue;
        uint32_t f = daemon_stash_pop(pg);
        pager_unclaim(m);
        if (f) return f;
    }
    return 0;
}

uint32_t pager_stashed(void)
{
    uint32_t n = 0;
    for (struct pager *pg = pagers; pg; pg = pg->next) n += pg->nzstash;
    return n;
}

void pager_unstash_all(void)
{
    vm_lock_excl();
    for (struct pager *pg = pagers; pg; pg = pg->next) daemon_unstash(pg);
    vm_unlock_excl();
}

int pager_set_daemon(struct pager *pg, int daemon)
{
    int was = pg->daemon;
    if (daemon) daemon_start();
    vm_lock_excl();                     /* (no fault of PG's meanwhile) */
    if (pg->nresident) {                /* (looked at under the lock: a fault may load one) */
        vm_unlock_excl();
        return -E_BUSY;
    }
    pg->daemon = daemon;
    if (!daemon) daemon_unstash(pg);    /* out of daemon mode: the stash back */
    vm_unlock_excl();
    if (pg->mem && daemon != was) daemon_use(daemon ? 1 : -1);
    return 0;
}

/* Slot S's page, in frame F, has gone (evicted or released): tell the
 * policy and empty the slot. */
static void slot_clear(struct pager *pg, uint32_t s, uint32_t f)
{
    if (pg->policy.ops->evicted) pg->policy.ops->evicted(&pg->policy, s, pg->key[s]);
    pg->key[s] = 0;
    if (slot_stack(pg)) pg->free_slots[pg->nfree_slots++] = s;
    else slotset_add(&pg->empty, s);
    pg->nresident--;
    struct frame *fr = frame_of(f);
    fr->pager = 0;
    fr->wslot = FRAME_NO_WSLOT;
}

static void present_off(void *arg, struct aspace *as, uint32_t va)
{
    (void)arg;
    *pte_in(as, va) &= ~PTE_P;
    if (!as || as == current_as || va >= KERNEL_BASE) tlb_flush_page(va);
}

static void present_on(void *arg, struct aspace *as, uint32_t va)
{
    (void)arg;
    *pte_in(as, va) |= PTE_P;
}

/* Swap is full.  Resident pages that keep a copy in swap (read back,
 * not written since) hold a slot each as well as their frame: give those
 * slots up (the pages count as dirty again: their only copy is the
 * frame), so that a dirty victim can be written.  A slot other PTEs
 * still name (copy-on-write sharers) stays.  Returns how many were
 * freed.  It walks every resident page of every pager, but only when
 * swap has run out. */
static uint32_t reclaim_copies(void)
{
    uint32_t n = 0;
    for (struct pager *pg = pagers; pg; pg = pg->next) {
        struct mutex *m = claim(pg);
        if (m == PAGER_BUSY) continue;          /* faulting now: its copies stay */
        for (uint32_t s = 0; s < pg->nframes; s++) {
            if (!pg->key[s]) continue;
            struct frame *fr = frame_of(key_frame(pg, pg->key[s]));
            if (fr->slot == SWAP_NONE || swap_refs(fr->slot) != 1) continue;
            swap_free(fr->slot);
            fr->slot = SWAP_NONE;
            fr->flags |= FRAME_DIRTY;
            pg->copies_dropped++;
            n++;
        }
        pager_unclaim(m);
    }
    return n;
}

/* Count frame FR's page out of PG's working set: evicted (sync) or
 * trimmed (daemon mode), CLEAN if it needed no write. */
static void count_evicted(struct pager *pg, const struct frame *fr, int clean)
{
    pg->evictions++;
    pg->clean_drops += clean;
    pg->evict_shared += fr->maps > 1;
    pg->evict_object += fr->objpage != 0;
}

/* Evict the page in resident slot S.  Returns 0, or the swap error (the
 * page then stays resident and nothing changes but its swap copy, which
 * a failed write may have cost). */
static int evict(struct pager *pg, uint32_t s)
{
    ASSERT(pager_locked(pg));
    uint32_t f = key_frame(pg, pg->key[s]);
    struct frame *fr = frame_of(f);
    if (fr->pager != pg || fr->wslot != s)
        panic("pager %s: slot %u holds frame 0x%x, whose entry says slot %u", pg->name, s, f,
              fr->wslot);
    if (!fr->maps && !fr->objpage)
        panic("pager %s: resident frame 0x%x has no mapping and no object", pg->name, f);
    /* Nobody may write the page from here on: the write to swap sleeps,
     * and a store landing during it would be lost (and would fail the
     * slot's checksum).  So every mapping loses P first (the rest of the
     * entry kept, PG's lock held: a fault on it waits for us); only
     * then are the D bits final. */
    frame_for_each_map(f, present_off, 0);
    int dirty = bits_dirty(pg, pg->key[s]);
    if (dirty) {
        uint32_t slot = fr->slot;
        int err = swap_write(&slot, f);
        if (err == -E_SWAPFULL && reclaim_copies() > 0) err = swap_write(&slot, f);
        fr->slot = slot;                        /* what the write left: the copy, or none */
        if (err) {
            frame_for_each_map(f, present_on, 0);
            pg->last_error = err;
            return err;
        }
        pg->disk_writes++;
    }                                           /* (else its copy is current, or it needs none) */
    frame_for_each_map(f, present_on, 0);       /* for pte_set_absent_in, below */
    count_evicted(pg, fr, !dirty);
    /* Every mapping (or the object's entry) now names the frame's copy
     * in swap, or nothing: the page is made again at its next touch. */
    pager_repurpose(f);
    slot_clear(pg, s, f);
    frame_release(f);
    return 0;
}

/* pager_loaded's panics, out of its inline path (mm/pager.h). */
void pager_loaded_bad(struct pager *pg, uint32_t page, uint32_t frame, int why)
{
    if (why == PAGER_LOADED_FULL)
        panic("pager %s: %p loaded into a full working set (%u of %u pages)", pg->name,
              (void *)page, pg->nresident, pg->limit);
    if (why == PAGER_LOADED_NO_SLOT)
        panic("pager %s: no free resident slot for %p", pg->name, (void *)page);
    panic("pager %s: frame 0x%x is resident in %s already", pg->name, frame,
          frame_of(frame)->pager->name);
}

/* pager_reserve, inline for this file's fault paths (a rescue, a
 * swap-in); the contract is in mm/pager.h. */
static inline void reserve(struct pager *pg)
{
    if (pg->daemon && pg->nresident >= pg->limit) pager_trim_one(pg);
}

/* ---- daemon mode ---- */

static void to_trans(void *arg, struct aspace *as, uint32_t va)
{
    struct frame *fr = arg;
    pte_t *pte = pte_in(as, va), e = *pte;
    if (e & PTE_D) fr->flags |= FRAME_DIRTY;
    *pte = pte_to_trans(e);
    if (!as || as == current_as || va >= KERNEL_BASE) tlb_flush_page(va);
}

static void from_trans(void *arg, struct aspace *as, uint32_t va)
{
    (void)arg;
    pte_t *pte = pte_in(as, va);
    if (!pte_is_trans(*pte)) panic("pager: %p maps a rescued frame with entry 0x%x", (void *)va,
                                   *pte);
    *pte = pte_from_trans(*pte);
}

int pager_trim_one(struct pager *pg)
{
    ASSERT(pager_locked(pg));
    if (!pg->nresident) return 0;
    uint32_t s = pg->policy.ops->victim(&pg->policy);
    if (s >= pg->nframes || !pg->key[s])
        panic("pager: policy %s chose slot %u, which holds no page", pg->policy.ops->name, s);
    uint32_t f = key_frame(pg, pg->key[s]);
    struct frame *fr = frame_of(f);
    frame_for_each_map(f, to_trans, fr);
    slot_clear(pg, s, f);
    /* A write in flight has not made its copy yet: still dirty. */
    int dirty = (fr->flags & (FRAME_DIRTY | FRAME_INFLIGHT)) != 0;
    /* The page has left the working set: an eviction, as in sync mode
     * (a later rescue counts as a fault again); a clean one needs no
     * write.  The writer's writes count in swap_stats, not here. */
    count_evicted(pg, fr, !dirty);
    daemon_trimmed(f, dirty);
    return 1;
}

int pager_trim_some(void)
{
    int n = 0;
    for (struct pager *pg = pagers; pg; pg = pg->next)
        if (pg->daemon) n += pager_trim_one(pg);
    return n;
}

int pager_rescue(struct pager *pg, uint32_t page, uint32_t f)
{
    ASSERT(pager_locked(pg));
    int err = daemon_unlist(f);
    if (err) return err;
    frame_for_each_map(f, from_trans, 0);
    reserve(pg);
    pager_loaded(pg, page, f);
    pg->soft_faults++;
    return 0;
}

void pager_repurpose(uint32_t f)
{
    struct frame *fr = frame_of(f);
    pte_t after = fr->slot != SWAP_NONE ? swap_pte(fr->slot) : 0;
    if (fr->objpage) {
        *fr->objpage = after;
        while (fr->maps) pte_set_absent_in(fr->as, fr->va, 0);
    } else {
        if (!fr->maps) panic("pager: frame 0x%x leaves memory with no mapping and no object", f);
        for (uint32_t i = 1; after && i < fr->maps; i++) swap_dup(pte_slot(after));
        while (fr->maps) pte_set_absent_in(fr->as, fr->va, after);
    }
    fr->slot = SWAP_NONE;               /* its reference went to the entries */
    fr->objpage = 0;
    fr->flags = 0;
    fr->pager = 0;
    fr->wslot = FRAME_NO_WSLOT;
}

/* Ask PG's policy for a victim and evict it. */
static int evict_one(struct pager *pg)
{
    if (pg->nresident == 0) return -E_NOMEM;
    uint32_t s = pg->policy.ops->victim(&pg->policy);
    if (s >= pg->nframes || !pg->key[s])
        panic("pager: policy %s chose slot %u, which holds no page", pg->policy.ops->name, s);
    return evict(pg, s);
}

int pager_set_limit(struct pager *pg, uint32_t limit)
{
    if (limit == 0 || limit > pg->nframes) {
        kprintf("pager %s: limit %u must be 1..%u\n", pg->name, limit, pg->nframes);
        return -E_INVAL;
    }
    vm_lock_excl();
    int err = 0;
    while (!err && pg->nresident > limit) err = evict_one(pg);
    if (!err) pg->limit = limit;
    vm_unlock_excl();
    return err;
}

int pager_make_room(uint32_t n)
{
    int err = -E_NOMEM;                 /* unless an eviction says why it failed */
    struct thread *t = thread_current();
    uint32_t passed = t ? t->vm_busy_passed : 0;   /* frames or pagers it passed over, busy */
    while (process_pool.nfree < n) {
        /* The daemon's frames first: zeroed, standby, stashed. */
        uint32_t f = daemon_give_back();
        if (f) {
            frame_release(f);
            continue;
        }
        struct pager *pg;
        for (pg = pagers; pg; pg = pg->next) {
            if (!pg->nresident) continue;
            struct mutex *m = claim(pg);
            if (m == PAGER_BUSY) {              /* another thread is in its fault path */
                daemon_passed_busy();
                continue;
            }
            int e = evict_one(pg);      /* (a daemon pager's too: the last resort) */
            pager_unclaim(m);
            if (pg->daemon && e == 0) daemon_stats.fault_writes++;
            if (e == 0) break;
            err = e;
        }
        if (!pg) return err == -E_NOMEM && t && t->vm_busy_passed != passed ? -E_AGAIN : err;
    }
    return 0;
}

void pager_reserve(struct pager *pg) { reserve(pg); }

/* A frame for a page of daemon-mode pager PG: over its resident limit,
 * the working set gives a page up itself, to a list (no disk I/O); then
 * daemon_take_frame's order (ZEROED null: the caller fills the frame). */
static int daemon_frame(struct pager *pg, uint32_t *frame, int *zeroed)
{
    reserve(pg);
    return daemon_take_frame(pg, frame, zeroed);
}

int pager_frame_z(struct pager *pg, uint32_t *frame, int *zeroed)
{
    *zeroed = 0;
    if (!pg || !pg->daemon) return pager_frame(pg, frame);
    return daemon_frame(pg, frame, zeroed);
}

int pager_frame(struct pager *pg, uint32_t *frame)
{
    int err;
    if (pg && pg->daemon) return daemon_frame(pg, frame, 0);
    if (pg && pg->nresident >= pg->limit && (err = evict_one(pg)) != 0) return err;
    uint32_t f = get_frames(&process_pool, 1);
    if (!f && (err = pager_make_room(1)) != 0) return err;
    if (!f) f = get_frames(&process_pool, 1);
    *frame = f;
    return f ? 0 : -E_AGAIN;            /* another thread took the frame made: again */
}

void (*pager_unlocked_read_hook)(struct pager *pg);

int pager_read_slot(struct pager *pg, uint32_t slot, uint32_t f, int *unlocked)
{
    /* Daemon mode: no disk I/O with a VM lock held, if the caller holds
     * it once: exclusive (and so no pager lock), or shared with PG's
     * lock once.  (A nested fault cannot let go: its outer fault
     * holds on.) */
    struct thread *t = thread_current();
    int excl = 0, shared = 0;
    if (pg && pg->daemon) {
        excl = mutex_depth(&vm_lock) == 1 && vm_excl_held() && !mutex_held(&pg->lock);
        shared = !vm_excl_held() && t && t->vm_shared == 1 && mutex_depth(&pg->lock) == 1;
    }
    *unlocked = excl || shared;
    if (!*unlocked) {
        if (pg && pg->daemon) daemon_stats.reads_locked++;
        return swap_read(slot, f);
    }
    /* The slot gets a reference of ours, so it stays while we read it
     * even if the page is brought in or released meanwhile. */
    swap_dup(slot);
    if (excl) {
        vm_unlock_excl();
    } else {
        mutex_unlock(&pg->lock);
        vm_unlock_shared();
    }
    if (pager_unlocked_read_hook) pager_unlocked_read_hook(pg);
    int err = swap_read(slot, f);
    if (excl) {
        vm_lock_excl();
    } else {
        vm_lock_shared();
        mutex_lock(&pg->lock);
    }
    swap_free(slot);
    daemon_stats.reads_unlocked++;
    return err;
}

int pager_swap_in(struct vmpool *pool, uint32_t page, pte_t e, uint32_t flags)
{
    struct pager *pg = pool->pager;
    ASSERT(!pg || pager_locked(pg));
    if (!pg || !pte_is_swap(e))
        panic("pager_swap_in: %p has entry 0x%x in pool %s", (void *)page, e, pool->name);
    uint32_t f;
    int err = pager_frame(pg, &f);
    if (err == -E_AGAIN) return err;            /* daemon mode: wait, and fault again */
    if (err) {
        kprintf("pager: no frame to read %p back into: %s%s%s\n", (void *)page,
                err == -E_SWAPFULL ? "swap is full, so no dirty page could be evicted"
                : errname(err), err == -E_IO ? ": " : "", err == -E_IO ? swap_last_error() : "");
        return pg->last_error = err;
    }
    /* Getting the frame may have evicted pages, but never PAGE's entry:
     * it is not resident.  Its table is safe too: a swap entry counts as
     * live, so the table is not released. */
    uint32_t slot = pte_slot(e);
    int unlocked;
    err = pager_read_slot(pg, slot, f, &unlocked);
    if (!err && unlocked && pte_get(page) != e) {   /* someone else settled it meanwhile */
        frame_release(f);
        return 0;
    }
    if (err) {
        frame_release(f);
        kprintf("pager: %p stays swapped out: %s\n", (void *)page, swap_last_error());
        return pg->last_error = err;
    }
    if (unlocked) reserve(pg);                  /* other faults may have filled it meanwhile */
    map_page(page, f, flags);                   /* replaces the entry; A = D = 0: clean */
    struct frame *fr = frame_of(f);
    fr->slot = slot;                            /* the PTE's reference is the frame's now */
    if (swap_stats.used > swap_stats.nslots / 4 * 3 && swap_refs(slot) == 1) {
        /* Swap is filling up: keep no copy of a page that is resident
         * (it is written again if evicted).  Else every page read back
         * would hold a frame and a slot. */
        swap_free(slot);
        fr->slot = SWAP_NONE;
        fr->flags |= FRAME_DIRTY;
        pg->copies_dropped++;
    }
    VMSTAT_ADD(fault_swapin, 1);
    pg->disk_reads++;
    pager_loaded(pg, page, f);
    return 0;
}

void pager_free_frame(uint32_t f)
{
    struct frame *fr = frame_of(f);
    if (fr->state == FS_NONE && fr->pager) slot_clear(fr->pager, fr->wslot, f);
    if (daemon_release(f)) return;              /* in flight: the writer frees it */
    if (fr->slot != SWAP_NONE) swap_free(fr->slot);
    fr->slot = SWAP_NONE;
    fr->objpage = 0;
    frame_release(f);
}

void pager_release_page(struct pager *pg, uint32_t page)
{
    (void)pg;
    pte_t e = pte_get(page);
    if ((e & PTE_P) || pte_is_trans(e)) {
        uint32_t f = pte_frame(e);
        struct frame *fr = frame_of(f);
        pte_set_absent(page, 0);
        /* Still mapped elsewhere (copy-on-write), or a shared object's
         * page: it stays, resident where it is. */
        if (fr->maps == 0 && !fr->objpage) {
            pager_free_frame(f);
            VMSTAT_ADD(pages_freed, 1);
        }
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
            "%u evictions (%u clean)\n", pg->name, pg->policy.ops->name, pg->nresident,
            pg->limit, pg->faults, pg->disk_reads, pg->disk_writes, pg->evictions,
            pg->clean_drops);
}
