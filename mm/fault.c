/* mm/fault.c - the page-fault handler: demand paging, and clear refusals.
 *
 * The CPU raises vector 14 when an access finds no present PTE, or a PTE
 * that forbids it.  It leaves the address in CR2 and an error code on the
 * stack (bits in mm/mmu.h: present, write, user).  We:
 *
 *   1. refuse protection violations (the page was present): report them;
 *   2. ask the VMPools whether the address lies in an allocated region
 *      (or a pool's own bookkeeping pages); if not, report it;
 *   3. create the page table if missing, take a frame, zero it,
 *      map it with the pool's permissions, and return: the CPU restarts
 *      the instruction, which now succeeds.
 *
 * A refused fault either resumes a probe (kernel/probe.asm) or is
 * declined, and the trap dispatcher reports it and fails the running
 * test, unless the test declared that fault expected. */
#include "mm/fault.h"
#include "mm/paging.h"
#include "mm/vmpool.h"
#include "kernel/trap.h"
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

static int page_fault(struct trapframe *tf)
{
    uint32_t va = read_cr2();

    if (tf->err & PF_P) {
        vmstat_counts.fault_prot++;
        return refuse(tf, va, "refused:");
    }
    struct vmpool *pool = vmpool_of(va);
    if (!pool || !vmpool_legit(pool, va)) {
        vmstat_counts.fault_illegit++;
        return refuse(tf, va, pool ? "illegitimate (not in an allocated region):"
                                   : "illegitimate (in no VMPool):");
    }
    uint32_t page = PG_ROUND_DOWN(va);
    if (!(*pde_of(page) & PTE_P)) {
        if (pt_ensure(page) != 0)
            return refuse(tf, va, "out of frames for a page table:");
        vmstat_counts.fault_pt++;
    }
    uint32_t f = get_frames(pool->frames, 1);
    if (!f) return refuse(tf, va, "out of memory:");
    map_page(page, f, pool->pte_flags);
    memset((void *)page, 0, PAGE_SIZE);
    /* Zeroing wrote to the page; that is not the program's access, so
     * clear A and D (and the TLB entry that caches them). */
    *pte_of(page) &= ~(PTE_A | PTE_D);
    invlpg(page);
    vmstat_counts.invlpg++;
    vmstat_counts.fault_zero++;
    vmstat_counts.frames_data++;
    return 1;
}

void fault_init(void)
{
    trap_register(T_PGFLT, page_fault);
}
