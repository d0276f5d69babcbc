/* tests/test_memview.c - the memory viewer's counts agree with the tables.
 *
 * memview: while a family of processes holds still (tests/user/memdemo.c:
 *   shared pages, copy-on-write shared pages, pages of its own each),
 *   every page table of every address space is walked here, from scratch,
 *   to count how many PTEs map each frame.  Those counts must equal the
 *   frame table's; memview's totals must add up to the process pool and
 *   agree with the frame pool (free, holes), with the page-table count,
 *   and with the walk (pages shared copy-on-write, shared-memory pages);
 *   and the maps must print.  It fails if the frame table or memview
 *   miscounts a kind of frame.  tools/gdb/check.py memview (the test
 *   gdb/memview) stops this test at its memview_print call and compares
 *   the gdb command memview with what the kernel prints there. */
#include "tests/harness.h"
#include "tests/util.h"
#include "kernel/proc.h"
#include "kernel/thread.h"
#include "mm/memview.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "mm/aspace.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

/* Count, in MAPS, the PTEs of every space that map each process-pool
 * frame.  The caller holds the VM lock exclusive (vm_lock_excl), so that
 * no mapping changes during the walk. */
static void walk_all(uint16_t *maps)
{
    uint32_t base = process_pool.base, n = process_pool.nframes;
    for (struct aspace *as = &kernel_as; as; as = as->next) {
        for (uint32_t d = 1; d < ALT_SLOT; d++) {
            /* The kernel half is every space's: count it once, in kernel_as. */
            if (d >= PDX(KERNEL_BASE) && as != &kernel_as) continue;
            uint32_t *pde = aspace_pte(as, PD_WINDOW + d * 4, 0);   /* the PDE itself */
            (void)pde;
            for (uint32_t t = 0; t < NPTENTRIES; t++) {
                uint32_t va = PGADDR(d, t, 0);
                if (t == 0 && !aspace_pte(as, va, 0)) break;       /* no page table */
                uint32_t *pte = aspace_pte(as, va, 0);
                if (pte && ((*pte & PTE_P) || pte_is_trans(*pte)) && pte_frame(*pte) - base < n)
                    maps[pte_frame(*pte) - base]++;     /* (a transition entry maps too) */
            }
        }
    }
    aspace_alt(0);
}

static void test_memview(void)
{
    static const char *const argv[] = { "memdemo", "80" };
    struct proc *p = proc_spawn("memdemo", 2, argv);
    CHECK(p, "no memdemo");
    struct memview_counts c;
    for (int tries = 0;; tries++) {             /* until the family has set itself up */
        thread_sleep(5);
        memview_count(&c);
        if (c.shared >= 16 && c.cow >= 24) break;
        CHECK(tries < 100, "memdemo never set up its pages (%u shared, %u cow)", c.shared, c.cow);
    }
    uint32_t n = process_pool.nframes;
    uint16_t *maps = kmalloc(n * 2);
    CHECK(maps, "memory");
    memset(maps, 0, n * 2);
    /* The walk and the comparison in one hold of the VM lock: between two,
     * the processes (and the paging daemon's threads) change mappings. */
    vm_lock_excl();
    walk_all(maps);
    uint32_t mapped_more = 0, wrong = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t st = frame_state(&process_pool, process_pool.base + i);
        if (st == FRAME_FREE || st == FRAME_INACC) continue;
        struct frame *fr = frame_of(process_pool.base + i);
        if (fr->maps != maps[i] && wrong++ < 5)
            msg("frame 0x%x: the frame table says %u mappings, the page tables %u",
                process_pool.base + i, fr->maps, maps[i]);
        mapped_more += maps[i] > 1 && !fr->objpage && fr->use == FRAME_USE_USER;
    }
    vm_unlock_excl();
    kfree(maps);
    memview_count(&c);                          /* the pool as the checks below see it */
    msg("memview totals: %u free, %u hole, %u kernel, %u pt, %u pool, %u other, %u zeroed, "
        "%u process, %u cow, %u shared", c.free, c.hole, c.kernel, c.pt, c.pool, c.other,
        c.zeroed, c.user, c.cow, c.shared);
    CHECK(wrong == 0, "%u frames whose mapping count differs from the page tables", wrong);
    CHECK(c.free + c.hole + c.kernel + c.pt + c.pool + c.other + c.zeroed + c.user + c.cow +
          c.shared == n,
          "the totals do not add up to the %u frames of the pool", n);
    CHECK(c.free == process_pool.nfree && c.hole == process_pool.ninacc,
          "free %u / hole %u, the frame pool says %u / %u", c.free, c.hole, process_pool.nfree,
          process_pool.ninacc);
    CHECK(c.pt == vmstat_counts.frames_pt, "%u page tables, vmstat says %u", c.pt,
          vmstat_counts.frames_pt);
    CHECK(c.cow == mapped_more, "%u copy-on-write shared frames, the page tables show %u",
          c.cow, mapped_more);
    CHECK(c.shared >= 16, "only %u shared-memory frames", c.shared);
    memview_print(p->pid, MEMVIEW_ALL);
    CHECK(proc_join(p) == 0, "memdemo failed");
}

TEST("memview", test_memview,
     "memview's counts agree with the frame table, the frame pool and every page table",
     "log=memview:.physical.memory log=legend:.r.resident log=totals:.\\d+.free");
