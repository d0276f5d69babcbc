/* mm/frame.c - the frame table and the reverse map of mm/frame.h.
 *
 * Reverse-map entries beyond a frame's first mapping are needed while
 * the VM lock is held (a fork sharing a page, a fault mapping a shared
 * page), where kmalloc may not be used: its lock ranks below the VM
 * lock.  So they come from an arena of their own in the kernel half
 * (RMAP_BASE), grown a page at a time and kept on a free list, with no
 * lock of its own: only a process's page is ever mapped twice, so the
 * arena is used only under the VM lock exclusive or the processes'
 * pager's lock (mm/frame.h). */
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/aspace.h"
#include "mm/physmem.h"
#include "mm/swap.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/string.h"

static struct frame *table = (struct frame *)FRAMETAB_BASE;
static uint32_t first, nframes;         /* the process pool's frames */
static int ready;
uint32_t frame_first, frame_count;      /* the same, for frame_of: set once ready */

struct rmap *rmap_free_list;            /* unused entries (frame_add_map takes them) */
static uint32_t rmap_top = RMAP_BASE;   /* the arena is mapped below this */

int frame_table_ready(void) { return ready; }

void frame_bad(uint32_t f, const char *why)
{
    panic("frame table: frame 0x%x %s", f, why);
}

/* Record frame F, mapped at VA of the current space, while booting. */
static void note_boot_frame(uint32_t f, uint8_t use, uint32_t va)
{
    if (f - first >= nframes) return;               /* identity-mapped: not ours */
    struct frame *fr = &table[f - first];
    fr->use = use;
    if (use != FRAME_USE_PT) fr->maps = 1, fr->va = va;
}

void frame_table_init(void)
{
    first = process_pool.base;
    nframes = process_pool.nframes;
    uint32_t bytes = PG_ROUND_UP(nframes * sizeof(struct frame));
    if (bytes > FRAMETAB_SIZE) panic("frame_table_init: %u frames do not fit", nframes);
    vm_lock_excl();
    for (uint32_t off = 0; off < bytes; off += PAGE_SIZE)
        if (map_zeroed_page(FRAMETAB_BASE + off, PTE_W) != 0)
            panic("frame_table_init: no frame for the frame table (%u bytes)", bytes);
    for (uint32_t i = 0; i < nframes; i++) {
        table[i].slot = SWAP_NONE;
        table[i].wslot = FRAME_NO_WSLOT;
    }
    /* What is mapped already: the directory, the page tables, and the
     * kernel-half pages (this table's own). */
    note_boot_frame(PTE_ADDR(*pde_of(PD_WINDOW)) / PAGE_SIZE, FRAME_USE_PT, 0);
    for (uint32_t d = 0; d < ALT_SLOT; d++) {
        pte_t pde = *pde_of(d << 22);
        if (!(pde & PTE_P)) continue;
        note_boot_frame(PTE_ADDR(pde) / PAGE_SIZE, FRAME_USE_PT, 0);
        if (d < PDX(KERNEL_BASE)) continue;
        for (uint32_t t = 0; t < NPTENTRIES; t++) {
            pte_t e = *pte_of(PGADDR(d, t, 0));
            if (e & PTE_P) note_boot_frame(PTE_ADDR(e) / PAGE_SIZE, FRAME_USE_KERNEL,
                                           PGADDR(d, t, 0));
        }
    }
    frame_first = first;
    frame_count = nframes;
    ready = 1;
    vm_unlock_excl();
}

void frame_set_use(uint32_t f, uint8_t use)
{
    if (ready) frame_of(f)->use = use;
}

/* Grow the arena by a page of entries, onto the free list.  Returns 0,
 * or -E_NOMEM if the arena is full or no frame is left. */
static int __attribute__((noinline)) rmap_grow(void)
{
    if (rmap_top == RMAP_BASE + RMAP_SIZE || map_zeroed_page(rmap_top, PTE_W) != 0)
        return -E_NOMEM;
    struct rmap *r = (struct rmap *)rmap_top;
    for (uint32_t i = 0; i < PAGE_SIZE / sizeof *r; i++) {
        r[i].next = rmap_free_list;
        rmap_free_list = &r[i];
    }
    rmap_top += PAGE_SIZE;
    VMSTAT_ADD(frames_rmap, 1);
    return 0;
}

/* A reverse-map entry, or 0 if the arena cannot grow. */
static inline struct rmap *rmap_alloc(void)
{
    if (!rmap_free_list && rmap_grow() != 0) return 0;
    struct rmap *r = rmap_free_list;
    rmap_free_list = r->next;
    return r;
}

static void rmap_release(struct rmap *r)
{
    r->next = rmap_free_list;
    rmap_free_list = r;
}

int frame_add_map_slow(uint32_t f, struct aspace *as, uint32_t va)
{
    if (!ready) return 0;
    struct frame *fr = frame_of(f);
    if (fr->maps == 0) {
        fr->as = as;
        fr->va = va;
    } else {
        struct rmap *r = rmap_alloc();
        if (!r) return -E_NOMEM;
        *r = (struct rmap){ as, va, fr->more };
        fr->more = r;
    }
    fr->maps++;
    return 0;
}

uint32_t frame_remove_map(uint32_t f, struct aspace *as, uint32_t va)
{
    if (!ready) return 0;
    struct frame *fr = frame_of(f);
    if (fr->maps && fr->as == as && fr->va == va) {
        if (fr->more) {                             /* promote the next mapping */
            struct rmap *r = fr->more;
            fr->as = r->as;
            fr->va = r->va;
            fr->more = r->next;
            rmap_release(r);
        }
        return --fr->maps;
    }
    for (struct rmap **pp = &fr->more; *pp; pp = &(*pp)->next) {
        if ((*pp)->as == as && (*pp)->va == va) {
            struct rmap *r = *pp;
            *pp = r->next;
            rmap_release(r);
            return --fr->maps;
        }
    }
    panic("frame_remove_map: frame 0x%x is not mapped at %p in space %u", f, (void *)va,
          as ? as->id : 0);
}

