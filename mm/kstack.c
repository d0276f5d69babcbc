/* mm/kstack.c - the kernel-stack allocator: fixed slots, eagerly mapped.
 *
 * A bitmap says which of the KSTACKS_SIZE / KSTACK_SLOT slots are taken
 * (3,276 of them: 64 MiB in 20 KiB slots).  Allocation maps every page
 * of the slot's stack with a fresh zeroed frame (map_zeroed_page in
 * mm/paging.c) and leaves the guard page unmapped; release gives the
 * frames back with free_page.  Both run under the VM lock exclusive,
 * like every change to the page tables outside the fault path. */
#include "mm/kstack.h"
#include "mm/pager.h"
#include "mm/paging.h"
#include "mm/memlayout.h"
#include "kernel/panic.h"
#include "kernel/sync.h"

#define NSLOTS (KSTACKS_SIZE / KSTACK_SLOT)

static uint32_t used[(NSLOTS + 31) / 32];   /* bit i: slot i holds a stack */
static uint32_t nused;

/* The stack's lowest address in slot I (just above its guard page). */
static uint32_t slot_lo(uint32_t i) { return KSTACKS_BASE + i * KSTACK_SLOT + PAGE_SIZE; }

uint32_t kstack_alloc(void)
{
    uint32_t lo = 0;
    vm_lock_excl();
    for (uint32_t i = 0; i < NSLOTS; i++) {
        if (used[i / 32] & (1u << (i % 32))) continue;
        uint32_t s = slot_lo(i), va;
        /* With no free frame, one is made from pages (pager_make_room). */
        for (va = s; va < s + KSTACK_SIZE; va += PAGE_SIZE)
            if (map_zeroed_page(va, PTE_W) != 0 &&
                (pager_make_room(1) != 0 || map_zeroed_page(va, PTE_W) != 0))
                break;
        if (va < s + KSTACK_SIZE) {             /* out of frames: undo */
            while (va > s) free_page(va -= PAGE_SIZE);
            break;
        }
        used[i / 32] |= 1u << (i % 32);
        nused++;
        lo = s;
        break;
    }
    vm_unlock_excl();
    return lo;
}

void kstack_free(uint32_t lo)
{
    uint32_t i = (lo - PAGE_SIZE - KSTACKS_BASE) / KSTACK_SLOT;
    if (lo < KSTACKS_BASE + PAGE_SIZE || i >= NSLOTS || slot_lo(i) != lo ||
        !(used[i / 32] & (1u << (i % 32))))
        panic("kstack_free: %p is not a kernel stack", (void *)lo);
    vm_lock_excl();
    for (uint32_t va = lo; va < lo + KSTACK_SIZE; va += PAGE_SIZE) free_page(va);
    used[i / 32] &= ~(1u << (i % 32));
    nused--;
    vm_unlock_excl();
}

uint32_t kstack_count(void) { return nused; }
