/* mm/aspace.c - create, switch, reach and destroy address spaces.
 *
 * The design is drawn in mm/aspace.h.  A directory is reached three ways:
 * while paging is off at its physical address (aspace_boot's), through
 * the recursive window while its space is current, and through a kmap
 * window or the ALT window otherwise. */
#include "mm/aspace.h"
#include "mm/paging.h"
#include "mm/frame.h"
#include "mm/physmem.h"
#include "mm/kmalloc.h"
#include "kernel/dfault.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/string.h"

struct aspace kernel_as;
struct aspace *current_as = &kernel_as;
static uint32_t next_id = 1;

void aspace_boot(uint32_t pd)
{
    kernel_as.pd = pd;
    kernel_as.next = 0;
    kernel_as.id = 0;
    current_as = &kernel_as;
}

struct aspace *aspace_create(void)
{
    struct aspace *as = kmalloc(sizeof *as);   /* before the VM lock: kheap ranks below it */
    if (!as) return 0;
    vm_lock_excl();
    uint32_t pd = get_frames(&process_pool, 1);
    if (!pd) {
        vm_unlock_excl();
        kfree(as);
        return 0;
    }
    memset(as, 0, sizeof *as);
    as->pd = pd;
    frame_set_use(pd, FRAME_USE_PT);
    as->id = next_id++;
    /* The kernel's entries come from the current directory: they are the
     * same in every one. */
    pte_t *dir = kmap(pd);
    memset(dir, 0, PAGE_SIZE);
    dir[0] = *pde_of(0);
    for (uint32_t d = PDX(KERNEL_BASE); d < ALT_SLOT; d++) dir[d] = *pde_of(d << 22);
    dir[RECURSIVE_SLOT] = pd * PAGE_SIZE | PTE_P | PTE_W;      /* no PTE_U */
    kunmap(dir);
    as->next = kernel_as.next;
    kernel_as.next = as;
    VMSTAT_ADD(frames_pt, 1);
    vm_unlock_excl();
    return as;
}

void aspace_switch(struct aspace *as)
{
    if (as == current_as) return;
    current_as = as;
    tlb_flush_all();                    /* loads the new directory */
    tss_set_cr3(as->pd * PAGE_SIZE);    /* and a return from a double fault will */
}

void aspace_alt(struct aspace *as)
{
    struct aspace *cur = current_as;
    if (as == cur || as == cur->alt) return;
    *pde_of(ALT_WINDOW) = as ? as->pd * PAGE_SIZE | PTE_P | PTE_W : 0;
    cur->alt = as;
    /* Every translation cached for the window belongs to the old space. */
    tlb_flush_all();
}

uint32_t *aspace_pte(struct aspace *as, uint32_t va, int create)
{
    if (as == current_as || va >= KERNEL_BASE) {
        if (!(*pde_of(va) & PTE_P) && (!create || pt_ensure(va) < 0)) return 0;
        return pte_of(va);
    }
    aspace_alt(as);
    pte_t *pde = alt_pde_of(va);
    if (!(*pde & PTE_P)) {
        uint32_t f;
        if (!create || !(f = get_frames(&process_pool, 1))) return 0;
        *pde = f * PAGE_SIZE | PTE_P | PTE_W | PTE_U;
        frame_set_use(f, FRAME_USE_PT);
        uint32_t win = (uint32_t)alt_pte_of(PGADDR(PDX(va), 0, 0));
        tlb_flush_page(win);
        memset((void *)win, 0, PAGE_SIZE);
        as->frames_pt++;
        VMSTAT_ADD(frames_pt, 1);
    }
    return alt_pte_of(va);
}

void aspace_set_kernel_pde(uint32_t pdx, uint32_t e)
{
    for (struct aspace *as = &kernel_as; as; as = as->next) {
        if (as == current_as) {
            *pde_of(pdx << 22) = e;
            continue;
        }
        pte_t *dir = kmap(as->pd);
        dir[pdx] = e;
        kunmap(dir);
    }
}

void aspace_destroy(struct aspace *as)
{
    vm_lock_excl();
    if (as == current_as || as == &kernel_as)
        panic("aspace_destroy: space %u is current or the kernel's", as->id);
    for (struct aspace *s = &kernel_as; s; s = s->next) {
        if (s->alt != as) continue;             /* no window onto a freed directory */
        if (s == current_as) {
            aspace_alt(0);
        } else {
            pte_t *d = kmap(s->pd);
            d[ALT_SLOT] = 0;
            kunmap(d);
            s->alt = 0;
        }
    }
    pte_t *dir = kmap(as->pd);
    for (uint32_t d = 1; d < USER_PDES; d++) {
        if (!(dir[d] & PTE_P)) continue;
        if (as->pt_live[d])
            panic("aspace_destroy: space %u still maps %u pages in page table %u", as->id,
                  as->pt_live[d], d);
        frame_release(PTE_ADDR(dir[d]) / PAGE_SIZE);
        VMSTAT_ADD(frames_pt, -1);
    }
    kunmap(dir);
    for (struct aspace **pp = &kernel_as.next; *pp; pp = &(*pp)->next)
        if (*pp == as) {
            *pp = as->next;
            break;
        }
    frame_release(as->pd);
    VMSTAT_ADD(frames_pt, -1);
    vm_unlock_excl();
    kfree(as);                          /* after the VM lock: kheap ranks below it */
}
