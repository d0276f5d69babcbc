/* tests/test_vmpool_stress.c - VMPools under load and under misuse.
 *
 * vm_pool_stress: 10,000 live regions (fewer where RAM cannot back two
 *   pages of each: 1,000 at 16 MiB), then 40,000 random allocate and
 *   release operations of 1-8 pages checked against a shadow list (every
 *   region's first and last page carry its number, so overlaps show);
 *   then everything is released and the region map must be one free
 *   region spanning the whole pool again, with its invariants intact.
 * vm_bad_input: every kind of bad call returns its error, prints a line
 *   naming the address or size, and changes nothing. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/vmpool.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "lib/errno.h"

#define LIVE_MAX 10000

static struct vmpool sp;
static uint32_t addr[LIVE_MAX], pages[LIVE_MAX];

static void stamp(int i)
{
    *(volatile uint32_t *)addr[i] = i;
    *(volatile uint32_t *)(addr[i] + (pages[i] - 1) * PAGE_SIZE + 4) = ~(uint32_t)i;
}

static void verify(int i)
{
    uint32_t a = *(volatile uint32_t *)addr[i];
    uint32_t b = *(volatile uint32_t *)(addr[i] + (pages[i] - 1) * PAGE_SIZE + 4);
    CHECK(a == (uint32_t)i && b == ~(uint32_t)i,
          "region %d at %p (%u pages) damaged: %x %x", i, (void *)addr[i], pages[i], a, b);
}

static void test_vm_pool_stress(void)
{
    /* Each live region holds up to two touched pages (and a page table
     * per 1,024): as many as RAM backs, up to LIVE_MAX. */
    int LIVE = (int)((process_pool.nfree - 256) / 3);
    if (LIVE > LIVE_MAX) LIVE = LIVE_MAX;
    uint32_t free0 = free_frames();
    CHECK(vmpool_init(&sp, "stress", 0x60000000, 512u << 20, PTE_W) == 0, "pool");
    struct vmpool_info in;
    vmpool_info(&sp, &in);
    uint32_t shape_n = in.npages;
    uint32_t seed = 7;
    for (int i = 0; i < LIVE; i++) {
        pages[i] = 1 + rand_next(&seed) % 8;
        addr[i] = vmpool_alloc(&sp, pages[i] * PAGE_SIZE - rand_next(&seed) % PAGE_SIZE);
        CHECK(addr[i], "allocation %d failed", i);
        stamp(i);
    }
    msg("%d live regions, %u frames in use", LIVE, free0 - free_frames());
    for (int op = 0; op < 40000; op++) {
        int i = rand_next(&seed) % LIVE;
        verify(i);
        CHECK(vmpool_release(&sp, addr[i]) == 0, "release of %p", (void *)addr[i]);
        pages[i] = 1 + rand_next(&seed) % 8;
        addr[i] = vmpool_alloc(&sp, pages[i] * PAGE_SIZE);
        CHECK(addr[i], "re-allocation failed at op %d", op);
        stamp(i);
        if (op % 5000 == 0) {
            const char *e = vmpool_check(&sp);
            CHECK(!e, "region map broken at op %d: %s", op, e);
            vmpool_info(&sp, &in);
            msg("op %d: %u allocated, %u free regions", op, in.nalloc, in.nfree);
        }
    }
    for (int i = 0; i < LIVE; i++) verify(i);
    for (int i = 0; i < LIVE; i++) CHECK(vmpool_release(&sp, addr[i]) == 0, "final release %d", i);
    const char *e = vmpool_check(&sp);
    CHECK(!e, "region map broken: %s", e);
    uint32_t s, n;
    vmpool_info(&sp, &in);
    CHECK(in.nalloc == 0 && in.nfree == 1, "%u allocated / %u free regions remain",
          in.nalloc, in.nfree);
    CHECK(vmpool_region_of(&sp, in.first_addr, &s, &n) == 0 && s == in.first_addr &&
          n == shape_n, "free list is not back to its initial shape");
    msg("all released: one free region of %u pages, as at the start", n);
    vmpool_print(&sp, 4);
    CHECK(vmpool_destroy(&sp) == 0, "destroy");
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(), free0);
}

static struct vmpool bp;

/* Capture the pool's visible state, to prove a bad call changed nothing. */
struct state { uint32_t nalloc, nfree, frames, allocs, releases; };

static struct state snap(void)
{
    struct vmpool_info in;
    vmpool_info(&bp, &in);
    return (struct state){ in.nalloc, in.nfree, free_frames(), in.allocs, in.releases };
}

static void same(const char *what, struct state a)
{
    struct state b = snap();
    CHECK(a.nalloc == b.nalloc && a.nfree == b.nfree && a.frames == b.frames &&
          a.allocs == b.allocs && a.releases == b.releases, "%s changed the pool", what);
    const char *e = vmpool_check(&bp);
    CHECK(!e, "%s broke the region map: %s", what, e);
}

static void test_vm_bad_input(void)
{
    CHECK(vmpool_init(&bp, "bad", 0x48000000, 4u << 20, PTE_W) == 0, "pool");
    CHECK(vmpool_init(&sp, "misaligned", 0x58000123, 1u << 20, PTE_W) == -E_INVAL,
          "misaligned pool accepted");
    CHECK(vmpool_init(&sp, "kernel", 0x00100000, 1u << 20, PTE_W) == -E_INVAL,
          "pool over the kernel accepted");
    CHECK(vmpool_init(&sp, "stacks", KSTACKS_BASE + KSTACKS_SIZE - PAGE_SIZE, 1u << 20, PTE_W) ==
              -E_INVAL, "pool over the thread stacks (and their guard pages) accepted");
    CHECK(vmpool_init(&sp, "frametab", FRAMETAB_BASE - (1u << 20), 2u << 20, PTE_W) == -E_INVAL,
          "pool over the frame table accepted");
    CHECK(vmpool_init(&sp, "rmap", RMAP_BASE + RMAP_SIZE - PAGE_SIZE, 1u << 20, PTE_W) ==
              -E_INVAL, "pool over the reverse-map arena accepted");
    uint32_t r = vmpool_alloc(&bp, 3 * PAGE_SIZE);
    uint32_t r2 = vmpool_alloc(&bp, PAGE_SIZE);
    CHECK(r && r2, "allocations");
    *(volatile uint32_t *)r = 1;
    struct state s = snap();

    CHECK(vmpool_alloc(&bp, 0) == 0, "allocate(0) succeeded");
    same("allocate(0)", s);
    CHECK(vmpool_alloc(&bp, 5u << 20) == 0, "allocate larger than the pool succeeded");
    same("allocate(5 MiB)", s);
    CHECK(vmpool_alloc(&bp, 0xFFFFFFFF) == 0, "allocate(0xFFFFFFFF) succeeded");
    same("allocate(0xFFFFFFFF)", s);
    CHECK(vmpool_release(&bp, r + PAGE_SIZE) == -E_NOREGION, "release inside a region");
    same("release of a region's second page", s);
    CHECK(vmpool_release(&bp, r + 4) == -E_NOREGION, "release of a misaligned address");
    same("release of r+4", s);
    CHECK(vmpool_release(&bp, r2 + 8 * PAGE_SIZE) == -E_FREE, "release of free space");
    same("release in free space", s);
    CHECK(vmpool_release(&bp, bp.base) == -E_INVAL, "release of the region table");
    same("release of the region table", s);
    CHECK(vmpool_release(&bp, 0x10000000) == -E_NOPOOL, "release outside the pool");
    same("release outside the pool", s);

    CHECK(vmpool_release(&bp, r) == 0, "good release");
    s = snap();
    CHECK(vmpool_release(&bp, r) == -E_FREE, "second release accepted");
    same("second release", s);
    CHECK(vmpool_destroy(&bp) == -E_BUSY, "destroy with a live region accepted");
    same("destroy of a busy pool", s);

    /* kmalloc's own bad input. */
    uint32_t pages0 = kmalloc_pages();
    char *k = kmalloc(40);
    CHECK(k, "kmalloc(40)");
    CHECK(kmalloc(0) == 0, "kmalloc(0) returned memory");
    CHECK(kfree(k + 8) == -E_INVAL, "kfree of an interior pointer accepted");
    CHECK(kfree((void *)0x48001000) == -E_NOPOOL, "kfree of a pointer from another pool");
    CHECK(kfree(k) == 0, "kfree");
    CHECK(kfree(k) == -E_FREE || kfree(k) == -E_FREE, "double kfree accepted");
    char *big = kmalloc(10000);
    CHECK(big, "kmalloc(10000)");
    CHECK(kfree(big - 16) == -E_INVAL, "kfree of a large block's header accepted");
    CHECK(kfree(big) == 0, "kfree of a large block");
    CHECK(kfree(big) == -E_FREE, "double kfree of a large block accepted");
    CHECK(kmalloc_pages() == pages0, "kmalloc pages %u, %u before", kmalloc_pages(), pages0);

    CHECK(vmpool_release(&bp, r2) == 0, "release r2");
    CHECK(vmpool_destroy(&bp) == 0, "destroy");
}

TEST("vm_pool_stress", test_vm_pool_stress, "10,000 live regions, random churn, full coalescing",
     "mem=160 timeout=120");
TEST("vm_bad_input", test_vm_bad_input, "bad VMPool and kmalloc calls are refused, change nothing", "");
