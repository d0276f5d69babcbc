/* tests/test_paging.c - demand paging through the recursive page tables.
 *
 * page_table: the course kernel's first test, done with a real pool.
 *   Write, then verify, 7.25 MiB of ints from a pool at FAULT_ADDR (4
 *   MiB), across three page tables (fewer at the smallest RAM sizes).  The fault count must equal the number of
 *   pages touched, and the page tables created must equal the 4 MiB
 *   spans touched that had none; a wrong count means the handler mapped
 *   too much (pre-faulting) or faulted twice.
 * cross_pool: an address from one pool is not legitimate in another;
 *   touching an address in no pool is refused and takes no frame.
 * free_page: allocate/touch/release returns every frame, page tables
 *   included; touching the released region faults as illegitimate.  Then
 *   the sharp probe of the TLB flush: a page is written (so the TLB holds
 *   its translation), released, and its address allocated again; the
 *   very next access, with nothing touched in between, must fault and
 *   find a fresh zero page.  Had free_page not invalidated the entry,
 *   the access would hit the stale translation and read the old frame's
 *   data. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/vmpool.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/fault.h"
#include "mm/memlayout.h"

#define FAULT_ADDR  (4u << 20)
#define WANT_BYTES  (29u << 18)             /* 7.25 MiB from 4.75 MiB: three page tables */

static struct vmpool pt_pool;

static void test_page_table(void)
{
    CHECK(vmpool_init(&pt_pool, "pt_pool", FAULT_ADDR, 12u << 20, PTE_W) == 0,
          "pool at FAULT_ADDR");
    /* At the smallest RAM sizes the three page tables' worth does not
     * fit: then as many pages as do (the counts below follow). */
    uint32_t bytes = WANT_BYTES, fit = (process_pool.nfree - 128) * PAGE_SIZE;
    if (bytes > fit) bytes = fit;
    uint32_t nints = bytes / 4;
    uint32_t va = vmpool_alloc(&pt_pool, bytes);
    CHECK(va, "allocate %u bytes", bytes);
    msg("region at %p, %u ints", (void *)va, nints);

    /* Expected, computed from the addresses alone. */
    uint32_t first = PGNUM(va), last = PGNUM(va + bytes - 1);
    uint32_t want_faults = last - first + 1, want_pts = 0;
    for (uint32_t d = PDX(va); d <= PDX(va + bytes - 1); d++)
        want_pts += !(*pde_of(d << 22) & PTE_P);

    struct vmstat before = vmstat_counts;
    uint32_t free0 = free_frames();
    int *a = (int *)va;
    for (uint32_t i = 0; i < nints; i++) a[i] = (int)(i * 7 + 3);
    msg("done writing; now verifying");
    for (uint32_t i = 0; i < nints; i++)
        CHECK(a[i] == (int)(i * 7 + 3), "a[%u] = %d, expected %d", i, a[i], (int)(i * 7 + 3));
    uint32_t faults = vmstat_counts.fault_zero - before.fault_zero;
    uint32_t pts = vmstat_counts.fault_pt - before.fault_pt;
    msg("%u page faults for %u pages, %u page tables created (expected %u)",
        faults, want_faults, pts, want_pts);
    CHECK(faults == want_faults, "%u faults, expected one per page: %u", faults, want_faults);
    CHECK(pts == want_pts, "%u page tables created, expected %u", pts, want_pts);
    CHECK(free0 - free_frames() == want_faults + want_pts,
          "%u frames taken, expected %u pages + %u tables", free0 - free_frames(),
          want_faults, want_pts);

    CHECK(vmpool_release(&pt_pool, va) == 0, "release");
    CHECK(free_frames() == free0, "frames not all returned: %u free, %u before",
          free_frames(), free0);
    CHECK(vmpool_destroy(&pt_pool) == 0, "destroy");
    vmstat();
}

static struct vmpool pool_a, pool_b;

static void test_cross_pool(void)
{
    CHECK(vmpool_init(&pool_a, "a", 0x40000000, 1u << 20, PTE_W) == 0, "pool a");
    CHECK(vmpool_init(&pool_b, "b", 0x50000000, 1u << 20, PTE_W) == 0, "pool b");
    CHECK(vmpool_init(&pool_b, "overlap", 0x400FF000, 1u << 20, PTE_W) != 0,
          "an overlapping pool was accepted");
    uint32_t x = vmpool_alloc(&pool_a, 64), y = vmpool_alloc(&pool_b, 64);
    CHECK(x && y, "allocations");
    CHECK(vmpool_legit(&pool_a, x) && !vmpool_legit(&pool_b, x), "a's address in b");
    CHECK(vmpool_legit(&pool_b, y) && !vmpool_legit(&pool_a, y), "b's address in a");
    CHECK(vmpool_of(x) == &pool_a && vmpool_of(y) == &pool_b, "vmpool_of");
    *(volatile uint32_t *)x = 1;
    *(volatile uint32_t *)y = 2;

    uint32_t free0 = free_frames(), data0 = vmstat_counts.frames_data;
    uint32_t ill0 = vmstat_counts.fault_illegit;
    static const uint32_t nowhere[] = {
        0x60000000,         /* in no pool */
        0x40080000,         /* in pool a, but not allocated */
        0x00000010,         /* page 0: the NULL guard */
    };
    for (int i = 0; i < 3; i++) {
        CHECK(probe_write((void *)nowhere[i], 0xBAD) == -1,
              "write to %p was not refused", (void *)nowhere[i]);
        CHECK(fault_last_va == nowhere[i], "fault reported at %p, not %p",
              (void *)fault_last_va, (void *)nowhere[i]);
        uint32_t v;
        CHECK(probe_read((void *)nowhere[i], &v) == -1, "read of %p not refused", (void *)nowhere[i]);
    }
    CHECK(vmstat_counts.fault_illegit - ill0 == 6, "%u illegitimate faults counted, expected 6",
          vmstat_counts.fault_illegit - ill0);
    CHECK(free_frames() == free0 && vmstat_counts.frames_data == data0,
          "a refused fault consumed a frame (%u free, %u before)", free_frames(), free0);
    msg("3 addresses outside allocated regions refused, no frame taken");

    CHECK(vmpool_release(&pool_a, x) == 0 && vmpool_release(&pool_b, y) == 0, "release");
    CHECK(vmpool_destroy(&pool_a) == 0 && vmpool_destroy(&pool_b) == 0, "destroy");
}

static struct vmpool fp_pool;

static void test_free_page(void)
{
    uint32_t free0 = free_frames(), pts0 = vmstat_counts.frames_pt;
    uint32_t data0 = vmstat_counts.frames_data;
    CHECK(vmpool_init(&fp_pool, "fp", 0x70000000, 64u << 20, PTE_W) == 0, "pool");
    for (int round = 0; round < 3; round++) {
        /* 5 MiB spans two page tables; touch every other page. */
        uint32_t va = vmpool_alloc(&fp_pool, 5u << 20);
        CHECK(va, "allocate");
        for (uint32_t off = 0; off < (5u << 20); off += 2 * PAGE_SIZE)
            *(volatile uint32_t *)(va + off) = off;
        uint32_t inv0 = vmstat_counts.invlpg;
        CHECK(vmpool_release(&fp_pool, va) == 0, "release");
        CHECK(vmstat_counts.invlpg > inv0, "release invalidated nothing");
        /* The TLB still held these translations before release: a write
         * that succeeds now would mean a stale entry survived. */
        CHECK(probe_write((void *)va, 1) == -1, "released page %p still writable", (void *)va);
        CHECK(probe_write((void *)(va + (4u << 20)), 1) == -1, "released page in 2nd table");
    }
    /* The sharp probe: write, release, allocate the same address again,
     * read at once.  The old frame keeps its data when it is freed. */
    uint32_t keep = vmpool_alloc(&fp_pool, PAGE_SIZE);     /* keeps the page table */
    uint32_t va = vmpool_alloc(&fp_pool, PAGE_SIZE);
    CHECK(keep && va, "allocate");
    *(volatile uint32_t *)keep = 1;
    *(volatile uint32_t *)va = 0x57A1E;
    CHECK(vmpool_release(&fp_pool, va) == 0, "release");
    CHECK(vmpool_alloc(&fp_pool, PAGE_SIZE) == va, "the address was not handed out again");
    uint32_t v = *(volatile uint32_t *)va;
    CHECK(v == 0, "a released and re-allocated page reads 0x%x, the old frame's data: the "
          "TLB kept a stale translation (free_page did not invalidate it)", v);
    msg("released page re-allocated at the same address reads 0, not its old data");
    CHECK(vmpool_release(&fp_pool, va) == 0 && vmpool_release(&fp_pool, keep) == 0, "release");
    CHECK(vmpool_destroy(&fp_pool) == 0, "destroy");
    msg("frames %u -> %u, page-table frames %u -> %u, data frames %u -> %u",
        free0, free_frames(), pts0, vmstat_counts.frames_pt, data0, vmstat_counts.frames_data);
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(), free0);
    CHECK(vmstat_counts.frames_pt == pts0, "page tables leaked");
    CHECK(vmstat_counts.frames_data == data0, "data frames leaked");
}

TEST("page_table", test_page_table, "demand paging over 3 page tables: one fault per page", "");
TEST("cross_pool", test_cross_pool, "pools are isolated; stray touches take no frame", "");
TEST("free_page", test_free_page, "release returns every frame and invalidates the TLB", "");
