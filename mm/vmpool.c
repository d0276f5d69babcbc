/* mm/vmpool.c - VMPool allocators and the registry the fault handler asks.
 *
 *   base                meta_end                                base+size
 *   | region-map nodes  | regions: allocated and free, first fit |
 *   | (touched lazily)  |                                        |
 *
 * The bookkeeping reservation is a sixteenth of the pool (one page at
 * least, 4 MiB at most): room for 32-byte nodes enough for any pool, but
 * only the pages the node array has reached ever get frames.  Why first
 * fit: it is what the classic design uses, it keeps allocations packed at
 * the low end (so few page tables are needed), and with the region map's
 * MAXFREE augmentation it costs O(log n), the same as best fit would.
 *
 * Every operation that changes a pool, or the registry, holds the VM
 * lock exclusive (mm/paging.h); the fault handler holds it shared, so
 * pools and their regions stay as they are while it looks them up. */
#include "mm/vmpool.h"
#include "mm/paging.h"
#include "mm/pager.h"
#include "mm/swap.h"
#include "mm/vmobj.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/aspace.h"
#include "kernel/panic.h"
#include "kernel/sync.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct vmpool *pools;            /* every pool, of every address space */
static struct vmpool *last_pool;       /* the pool vmpool_of found last */

static int pool_setup(struct vmpool *p, const char *name, uint32_t base, uint32_t size,
                      uint32_t pte_flags, struct rnode *nodes, uint32_t cap);

#define META_MAX (4u << 20)

struct vmpool *vmpools(void) { return pools; }

/* The space whose half holds ADDR: 0 for the shared kernel half. */
static struct aspace *space_of(struct aspace *as, uint32_t addr)
{
    return addr >= KERNEL_BASE ? 0 : as;
}

static struct vmpool *pool_search(struct aspace *as, uint32_t addr)
{
    for (struct vmpool *p = pools; p; p = p->next)
        if (p->as == as && addr - p->base < p->size) return p;
    return 0;
}

/* vmpool_of, with the last answer tried inline (and remembered: only
 * here, so that another space's lookups, vmpool_in, leave the cache to
 * the running space's faults). */
static inline struct vmpool *pool_of(uint32_t addr)
{
    struct aspace *as = space_of(current_as, addr);
    struct vmpool *p = last_pool;
    if (p && p->as == as && addr - p->base < p->size) return p;
    if ((p = pool_search(as, addr)) != 0) last_pool = p;
    return p;
}

struct vmpool *vmpool_of(uint32_t addr)
{
    return pool_of(addr);
}

struct vmpool *vmpool_in(struct aspace *as, uint32_t addr)
{
    return pool_search(space_of(as, addr), addr);
}

int vmpool_init(struct vmpool *p, const char *name, uint32_t base, uint32_t size,
                uint32_t pte_flags)
{
    return pool_setup(p, name, base, size, pte_flags, 0, 0);
}

int vmpool_init_user(struct vmpool *p, const char *name, uint32_t base, uint32_t size,
                     uint32_t max_regions)
{
    /* The node array comes from the kernel heap, before the VM lock. */
    uint32_t cap = 2 * max_regions + 2;         /* regions, free gaps, the sentinel */
    struct rnode *nodes = kmalloc(cap * sizeof *nodes);
    if (!nodes) {
        kprintf("vmpool_init_user(%s): no memory for %u regions\n", name, max_regions);
        return -E_NOMEM;
    }
    int err = pool_setup(p, name, base, size, PTE_U, nodes, cap);
    if (err) kfree(nodes);
    return err;
}

/* vmpool_init, and vmpool_init_user when NODES is not 0: then the region
 * map's CAP nodes are at NODES instead of in the pool's first pages. */
static int pool_setup(struct vmpool *p, const char *name, uint32_t base, uint32_t size,
                      uint32_t pte_flags, struct rnode *nodes, uint32_t cap)
{
    struct aspace *as;
    if (PGOFF(base) || PGOFF(size) || size < 2 * PAGE_SIZE) {
        kprintf("vmpool_init(%s): base 0x%x / size 0x%x must be page aligned, size >= 2 pages\n",
                name, base, size);
        return -E_INVAL;
    }
    if (base < IDENTITY_END || size > VM_USER_END - base) {
        kprintf("vmpool_init(%s): 0x%x+0x%x must lie between 0x%x and 0x%x\n",
                name, base, size, IDENTITY_END, VM_USER_END);
        return -E_INVAL;
    }
    /* The kernel half's fixed areas are no pool's: a pool over the thread
     * stacks would demand-page a guard page (mm/fault.c takes a fault in
     * no pool there for a stack overflow), one over the frame table or
     * the reverse-map arena would hand their pages out as a pool's. */
    static const struct { uint32_t base, size; const char *what; } fixed[] = {
        { KSTACKS_BASE, KSTACKS_SIZE, "the thread stacks" },
        { FRAMETAB_BASE, FRAMETAB_SIZE, "the frame table" },
        { RMAP_BASE, RMAP_SIZE, "the reverse-map arena" },
    };
    for (uint32_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (base < fixed[i].base + fixed[i].size && fixed[i].base < base + size) {
            kprintf("vmpool_init(%s): 0x%x+0x%x overlaps %s at 0x%x+0x%x\n", name, base, size,
                    fixed[i].what, fixed[i].base, fixed[i].size);
            return -E_INVAL;
        }
    }
    vm_lock_excl();
    as = space_of(current_as, base);
    if (as && base + size > KERNEL_BASE) {
        kprintf("vmpool_init(%s): 0x%x+0x%x straddles the kernel half at 0x%x\n", name,
                base, size, KERNEL_BASE);
        vm_unlock_excl();
        return -E_INVAL;
    }
    for (struct vmpool *q = pools; q; q = q->next) {
        if (q->as == as && base < q->base + q->size && q->base < base + size) {
            kprintf("vmpool_init(%s): 0x%x+0x%x overlaps pool %s at 0x%x+0x%x\n",
                    name, base, size, q->name, q->base, q->size);
            vm_unlock_excl();
            return -E_INVAL;
        }
    }
    uint32_t meta = PG_ROUND_UP(size / 16);
    if (meta > META_MAX) meta = META_MAX;
    if (meta < PAGE_SIZE) meta = PAGE_SIZE;
    if (nodes) meta = 0;                        /* its bookkeeping is in the kernel heap */

    p->name = name;
    p->base = base;
    p->size = size;
    p->meta_end = base + meta;
    p->pte_flags = pte_flags;
    p->nallocs = p->nreleases = 0;
    p->pager = 0;
    p->as = as;
    p->knodes = nodes;
    p->next = pools;
    pools = p;                  /* registered first: region_init may fault */
    if (nodes) region_init(&p->map, nodes, cap, PGNUM(base), PGNUM(size));
    else region_init(&p->map, (struct rnode *)base, meta / sizeof(struct rnode),
                     PGNUM(p->meta_end), PGNUM(size - meta));
    vm_unlock_excl();
    return 0;
}

uint32_t vmpool_alloc(struct vmpool *p, uint32_t size)
{
    if (size == 0) {
        kprintf("vmpool_alloc(%s): allocate(0) refused\n", p->name);
        return 0;
    }
    uint32_t n = PG_ROUND_UP(size) / PAGE_SIZE;
    if (size > p->size || n == 0) n = 0xFFFFFFFFu / PAGE_SIZE;
    vm_lock_excl();
    uint32_t page = region_alloc(&p->map, n);
    if (!page) {
        kprintf("vmpool_alloc(%s): no free region of %u bytes (largest is %u pages)\n",
                p->name, size, p->map.node[p->map.root].maxfree);
    } else {
        p->nallocs++;
    }
    vm_unlock_excl();
    return page * PAGE_SIZE;
}

static int release_locked(struct vmpool *p, uint32_t start);

/* Give back the page at VA of P, whatever its PTE holds: a frame (freed
 * unless shared), a swap entry (its slot reference), or nothing. */
static void release_page(struct vmpool *p, uint32_t va)
{
    if (p->pager) {
        pager_release_page(p->pager, va);
        return;
    }
    pte_t e = pte_get(va);
    if (e & PTE_P) {
        free_page(va);
    } else if (pte_is_swap(e)) {
        swap_free(pte_slot(e));
        pte_set_absent(va, 0);
    }
}

/* Give back every touched page of [START, END) of P, skipping 4 MiB
 * spans with no page table. */
static void release_range(struct vmpool *p, uint32_t start, uint32_t end)
{
    for (uint32_t va = pt_skip_absent(start, end); va < end;
         va = pt_skip_absent(va + PAGE_SIZE, end))
        release_page(p, va);
    /* A table a fault emptied (an eviction of clean pages, with the VM
     * lock shared) was left in place; it goes now (mm/paging.h). */
    for (uint32_t d = PDX(start); d <= PDX(end - 1); d++) pt_release_if_empty(PGADDR(d, 0, 0));
}

int vmpool_release(struct vmpool *p, uint32_t start)
{
    vm_lock_excl();
    int r = release_locked(p, start);
    vm_unlock_excl();
    return r;
}

static int release_locked(struct vmpool *p, uint32_t start)
{
    uint32_t rs, rn;
    if (start - p->base >= p->size) {
        kprintf("vmpool_release(%s): 0x%x is not in this pool (0x%x-0x%x)\n",
                p->name, start, p->base, p->base + p->size - 1);
        return -E_NOPOOL;
    }
    if (start < p->meta_end) {
        kprintf("vmpool_release(%s): 0x%x is the pool's own region table\n", p->name, start);
        return -E_INVAL;
    }
    int found = region_find(&p->map, PGNUM(start), &rs, &rn);
    if (found == 0) {
        kprintf("vmpool_release(%s): 0x%x is not allocated (released twice?)\n",
                p->name, start);
        return -E_FREE;
    }
    if (rs * PAGE_SIZE != start) {
        kprintf("vmpool_release(%s): 0x%x is not the start of an allocated region "
                "(it lies in the region at 0x%x)\n", p->name, start, rs * PAGE_SIZE);
        return -E_NOREGION;
    }
    release_range(p, start, start + rn * PAGE_SIZE);
    vmobj_put(rgn_obj(region_attr_of(&p->map, PGNUM(start))));
    if (region_free(&p->map, PGNUM(start)) <= 0)
        panic("vmpool_release(%s): region map refused 0x%x after lookup", p->name, start);
    p->nreleases++;
    return 0;
}

int vmpool_legit(struct vmpool *p, uint32_t addr)
{
    struct vmpool_where w;
    return addr - p->base < p->size && vmpool_lookup(p, addr, &w);
}

static inline int lookup(struct vmpool *p, uint32_t addr, struct vmpool_where *w)
{
    if (addr < p->meta_end) {                   /* the region map's own pages */
        *w = (struct vmpool_where){ 0, p->pte_flags };
        return 1;
    }
    uint32_t pg = PGNUM(addr);
    if (!region_hit(&p->map, pg, &w->attr) && !region_allocated(&p->map, pg, &w->attr))
        return 0;
    w->pte_flags = p->knodes ? PTE_U | (w->attr & RGN_W ? PTE_W : 0) : p->pte_flags;
    return 1;
}

struct vmpool *vmpool_pager_at(uint32_t addr, struct pager **pg)
{
    struct vmpool *p = pool_of(addr);
    *pg = p && addr >= p->meta_end ? p->pager : 0;
    return p;
}

int vmpool_lookup(struct vmpool *p, uint32_t addr, struct vmpool_where *w)
{
    return lookup(p, addr, w);
}

int vmpool_region_of(struct vmpool *p, uint32_t addr, uint32_t *start, uint32_t *npages)
{
    if (addr - p->base >= p->size || addr < p->meta_end) return -1;
    uint32_t s, n;
    int r = region_find(&p->map, PGNUM(addr), &s, &n);
    if (start) *start = s * PAGE_SIZE;
    if (npages) *npages = n;
    return r;
}

void vmpool_info(const struct vmpool *p, struct vmpool_info *out)
{
    *out = (struct vmpool_info){ p->map.nalloc, p->map.nfree, p->nallocs, p->nreleases,
                                 p->meta_end, p->map.npages };
}

const char *vmpool_check(const struct vmpool *p) { return region_check(&p->map); }

int vmpool_destroy(struct vmpool *p)
{
    vm_lock_excl();
    if (p->map.nalloc) {
        kprintf("vmpool_destroy(%s): %u regions still allocated\n", p->name, p->map.nalloc);
        vm_unlock_excl();
        return -E_BUSY;
    }
    for (uint32_t va = p->base; va < p->meta_end; va += PAGE_SIZE) free_page(va);
    for (struct vmpool **pp = &pools; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    if (last_pool == p) last_pool = 0;
    vm_unlock_excl();
    kfree(p->knodes);                   /* after the VM lock: kheap ranks below it */
    p->knodes = 0;
    return 0;
}

uint32_t vmpool_alloc_at(struct vmpool *p, uint32_t va, uint32_t size, uint32_t attr)
{
    if (PGOFF(va) || size == 0 || va < p->meta_end || va - p->base >= p->size ||
        PG_ROUND_UP(size) > p->base + p->size - va)
        return 0;
    vm_lock_excl();
    uint32_t page = region_alloc_at(&p->map, PGNUM(va), PG_ROUND_UP(size) / PAGE_SIZE, attr);
    if (page) p->nallocs++, vmobj_get(rgn_obj(attr));
    vm_unlock_excl();
    return page * PAGE_SIZE;
}

uint32_t vmpool_alloc_attr(struct vmpool *p, uint32_t size, uint32_t attr)
{
    uint32_t va = vmpool_alloc(p, size);
    if (va) {
        vm_lock_excl();
        region_set_attr(&p->map, PGNUM(va), attr);
        vmobj_get(rgn_obj(attr));
        vm_unlock_excl();
    }
    return va;
}

int vmpool_resize(struct vmpool *p, uint32_t start, uint32_t size)
{
    uint32_t rs, rn, n = PG_ROUND_UP(size) / PAGE_SIZE;
    vm_lock_excl();
    int err = -E_NOREGION;
    if (start - p->base < p->size && start >= p->meta_end &&
        region_find(&p->map, PGNUM(start), &rs, &rn) == 1 && rs == PGNUM(start)) {
        err = n ? region_resize(&p->map, rs, n) : -E_INVAL;
        if (!err && n < rn) release_range(p, start + n * PAGE_SIZE, start + rn * PAGE_SIZE);
    }
    vm_unlock_excl();
    return err;
}

int vmpool_unmap(struct vmpool *p, uint32_t va, uint32_t len)
{
    uint32_t n = PG_ROUND_UP(len) / PAGE_SIZE, rs, rn;
    if (PGOFF(va) || n == 0 || va < p->meta_end || va - p->base >= p->size) return -E_INVAL;
    vm_lock_excl();
    int err = -E_NOREGION;
    if (region_find(&p->map, PGNUM(va), &rs, &rn) == 1 && PGNUM(va) + n <= rs + rn) {
        uint32_t attr = region_attr_of(&p->map, rs);
        int split = rs < PGNUM(va) && PGNUM(va) + n < rs + rn;
        int whole = rs == PGNUM(va) && n == rn;
        if ((err = region_carve(&p->map, PGNUM(va), n)) == 0) {
            release_range(p, va, va + n * PAGE_SIZE);
            if (whole) vmobj_put(rgn_obj(attr));
            if (split) vmobj_get(rgn_obj(attr));
        }
    }
    vm_unlock_excl();
    return err;
}

/* Region walkers: the lowest allocated region, and every one in order. */
struct walk_first { uint32_t start; };
static void first_alloc(void *arg, uint32_t start, uint32_t npages, int free)
{
    struct walk_first *w = arg;
    (void)npages;
    if (!free && !w->start) w->start = start;
}

void vmpool_empty(struct vmpool *p)
{
    for (;;) {
        struct walk_first w = { 0 };
        vm_lock_excl();
        region_walk(&p->map, first_alloc, &w);
        vm_unlock_excl();
        if (!w.start) return;
        if (vmpool_release(p, w.start * PAGE_SIZE) != 0)
            panic("vmpool_empty(%s): could not release 0x%x", p->name, w.start * PAGE_SIZE);
    }
}

struct walk_each {
    struct vmpool *p;
    void (*fn)(void *, uint32_t, uint32_t, uint32_t);
    void *arg;
};
static void each_alloc(void *arg, uint32_t start, uint32_t npages, int free)
{
    struct walk_each *w = arg;
    if (!free) w->fn(w->arg, start * PAGE_SIZE, npages, region_attr_of(&w->p->map, start));
}

void vmpool_each_region(struct vmpool *p,
                        void (*fn)(void *arg, uint32_t start, uint32_t npages, uint32_t attr),
                        void *arg)
{
    struct walk_each w = { p, fn, arg };
    region_walk(&p->map, each_alloc, &w);
}

struct rnode *vmpool_clone_nodes(const struct vmpool *src)
{
    if (!src->knodes) panic("vmpool_clone(%s): only process pools can be cloned", src->name);
    return kmalloc(src->map.cap * sizeof(struct rnode));
}

void vmpool_clone(struct vmpool *dst, const struct vmpool *src, struct aspace *as,
                  struct rnode *nodes)
{
    vm_lock_excl();
    *dst = *src;
    memcpy(nodes, src->knodes, src->map.cap * sizeof *nodes);
    dst->knodes = dst->map.node = nodes;
    dst->as = as;
    dst->pager = 0;
    for (uint32_t i = 1; i < src->map.top; i++)         /* the objects gain a user each */
        if (!nodes[i].free && nodes[i].npages) vmobj_get(rgn_obj(nodes[i].attr));
    dst->next = pools;
    pools = dst;
    vm_unlock_excl();
}

uint32_t vmpool_table_frames(const struct vmpool *p)
{
    uint32_t n = 0;
    for (uint32_t va = pt_skip_absent(p->base, p->meta_end); va < p->meta_end;
         va = pt_skip_absent(va + PAGE_SIZE, p->meta_end))
        n += (*pte_of(va) & PTE_P) != 0;
    return n;
}

struct printer { int left; };

static void print_one(void *arg, uint32_t start, uint32_t npages, int free)
{
    struct printer *pr = arg;
    if (pr->left-- > 0)
        kprintf("    %08x-%08x %6u pages %s\n", start * PAGE_SIZE,
                (start + npages) * PAGE_SIZE - 1, npages, free ? "free" : "allocated");
}

void vmpool_print(const struct vmpool *p, int max)
{
    kprintf("vmpool %s: 0x%08x-0x%08x, table to 0x%08x, %u allocated / %u free regions\n",
            p->name, p->base, p->base + p->size - 1, p->meta_end, p->map.nalloc, p->map.nfree);
    struct printer pr = { max };
    region_walk(&p->map, print_one, &pr);
    if (pr.left < 0) kprintf("    ... %d more\n", -pr.left);
}
