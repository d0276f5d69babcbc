/* mm/kstack.h - kernel stacks: mapped at once, each above an unmapped guard page.
 *
 * Every kernel thread (kernel/thread.c) runs on a stack of KSTACK_SIZE
 * bytes taken here.  The KSTACKS range (mm/memlayout.h) is cut into
 * slots of a guard page followed by the stack:
 *
 *   slot i:  | guard page (never mapped) | stack: KSTACK_SIZE bytes, mapped |
 *            ^ KSTACKS_BASE + i*KSTACK_SLOT ^ lo                            ^ lo + KSTACK_SIZE
 *
 * The stack's pages are mapped when it is allocated, not on demand: a
 * page fault needs stack to be delivered on, so a thread's own stack
 * must never fault.  Running off the bottom hits the guard page instead,
 * which the fault handler (mm/fault.c) or, when even the fault cannot be
 * pushed, the double-fault task (kernel/dfault.c) reports. */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <stdint.h>
#include "mm/mmu.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KSTACK_SIZE (16u * 1024)                    /* bytes of usable stack */
#define KSTACK_SLOT (KSTACK_SIZE + PAGE_SIZE)       /* with its guard page */

/* Map a fresh zeroed stack.  Returns its lowest address (the stack is
 * [lo, lo + KSTACK_SIZE)), or 0 if no slot or no frame is left. */
uint32_t kstack_alloc(void);

/* Give back the stack whose lowest address is LO: its frames return to
 * the process pool.  Panics if LO is not a stack kstack_alloc returned. */
void kstack_free(uint32_t lo);

/* Is VA in the guard page below the stack whose lowest address is LO? */
static inline int kstack_guard_hit(uint32_t va, uint32_t lo)
{
    return va - (lo - PAGE_SIZE) < PAGE_SIZE;
}

/* Stacks allocated now. */
uint32_t kstack_count(void);

#ifdef __cplusplus
}
#endif

#endif
