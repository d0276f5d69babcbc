/* tests/test_gdb_target.c - a known mapping and a known fault for the scripted gdb check.
 *
 * gdb_target: creates a VMPool, allocates a region, writes GDB_PATTERN at
 *   GDB_OFFSET into the region's second page (the demand-zero fault maps
 *   it), then calls gdb_checkpoint(va) with that address.  The host
 *   script tools/gdb/check.py breaks there and checks that the gdb
 *   commands of tools/gdb/vmlab.py find the same frame and pattern that
 *   QEMU itself reports.  Then the test writes to GDB_FAULT_OFFSET, in
 *   the region's third page, which nothing has touched, from a function
 *   of its own, gdb_touch: check.py stops on that page fault
 *   (break-fault) and checks CR2, the backtrace through the trap frame
 *   and the decoded trap frame.  Alone (make test) no breakpoint hits,
 *   and the test checks without gdb: the frame the second page's PTE
 *   names, read through a kmap window, must hold the pattern; the third
 *   page must be unmapped before gdb_touch and hold its value after; and
 *   after release and destroy the process pool must have every frame
 *   back.  It fails if a fault maps the wrong frame or none, the pattern
 *   is not in that frame, or the pool leaks a data page or a page table.
 *
 * GDB_BASE, GDB_OFFSET, GDB_FAULT_OFFSET, GDB_PATTERN and the names
 * gdb_touch and test_gdb_target are repeated in tools/gdb/check.py;
 * change them in both places. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/vmpool.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/memlayout.h"

#define GDB_BASE     0x30000000u    /* the pool: 4 MiB, its own page table */
#define GDB_SIZE     (4u << 20)
#define GDB_OFFSET   (PAGE_SIZE + 0x234)    /* into the region's second page */
#define GDB_FAULT_OFFSET (2 * PAGE_SIZE + 0x5c8)    /* into its third, untouched page */
#define GDB_PATTERN  0x600DF00Du

/* Where tools/gdb/check.py stops the kernel: VA is the address holding
 * GDB_PATTERN.  Not static and never inlined, so the symbol exists and
 * the call happens; the asm uses VA so that gdb can always print it. */
__attribute__((noinline)) void gdb_checkpoint(uint32_t va)
{
    asm volatile("" : : "r"(va) : "memory");
}

/* Write VALUE at VA, whose page nothing has touched: the page fault
 * happens here, so its backtrace has a known faulting function.  Not
 * static and never inlined, for the same reasons as gdb_checkpoint. */
__attribute__((noinline)) void gdb_touch(volatile uint32_t *va, uint32_t value)
{
    *va = value;
}

static void test_gdb_target(void)
{
    static struct vmpool pool;
    uint32_t free_before = free_frames();

    CHECK(vmpool_init(&pool, "gdb_target", GDB_BASE, GDB_SIZE, PTE_W) == 0,
          "vmpool_init(0x%x, 0x%x) refused", GDB_BASE, GDB_SIZE);
    uint32_t region = vmpool_alloc(&pool, 3 * PAGE_SIZE);
    CHECK(region != 0, "vmpool_alloc of 3 pages failed");
    uint32_t va = region + GDB_OFFSET;
    *(volatile uint32_t *)va = GDB_PATTERN;            /* demand-zero fault here */
    msg("pattern 0x%08x written at %p", GDB_PATTERN, (void *)va);

    /* Independent of the fault handler's bookkeeping: follow the PTE to a
     * frame and read that frame through a different virtual address. */
    pte_t e = pte_get(va);
    CHECK(e & PTE_P, "the page at %p is not present after the write (pte 0x%x)",
          (void *)va, e);
    uint32_t frame = PTE_ADDR(e) / PAGE_SIZE;
    CHECK(frame_state(&process_pool, frame) == FRAME_HEAD,
          "pte 0x%x names frame 0x%x, which the process pool has not handed out", e, frame);
    uint32_t *win = frame_map(frame);
    uint32_t seen = win[PGOFF(va) / 4];
    frame_unmap(win);
    CHECK(seen == GDB_PATTERN, "frame 0x%x holds 0x%08x at offset 0x%x, expected 0x%08x",
          frame, seen, PGOFF(va), GDB_PATTERN);
    msg("%p -> physical 0x%08x", (void *)va, frame * PAGE_SIZE + PGOFF(va));

    gdb_checkpoint(va);

    /* A demand-zero fault from a named function, for check.py's
     * break-fault, bt and trapframe. */
    volatile uint32_t *fresh = (volatile uint32_t *)(region + GDB_FAULT_OFFSET);
    CHECK(pte_get((uint32_t)fresh) == 0, "the third page at %p is mapped before it is touched "
          "(pte 0x%x)", (void *)fresh, pte_get((uint32_t)fresh));
    gdb_touch(fresh, ~GDB_PATTERN);
    CHECK(pte_get((uint32_t)fresh) & PTE_P, "the page at %p is not present after gdb_touch",
          (void *)fresh);
    CHECK(*fresh == ~GDB_PATTERN, "%p holds 0x%08x after gdb_touch, expected 0x%08x",
          (void *)fresh, *fresh, ~GDB_PATTERN);
    msg("gdb_touch faulted in %p", (void *)fresh);

    CHECK(vmpool_release(&pool, region) == 0, "vmpool_release(0x%x) failed", region);
    CHECK(vmpool_destroy(&pool) == 0, "vmpool_destroy refused");
    CHECK(pte_get(va) == 0, "pte of %p is 0x%x after destroy", (void *)va, pte_get(va));
    CHECK(free_frames() == free_before,
          "process pool has %u free frames after destroy, %u before (a leak)",
          free_frames(), free_before);
}

TEST("gdb_target", test_gdb_target, "a known mapping for the scripted gdb check", "");
