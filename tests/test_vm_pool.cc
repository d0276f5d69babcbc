/* tests/test_vm_pool.cc - the course kernel's VMPool test, in C++.
 *
 * Two pools as in CSCE 611 MP4: code_pool at 512 MiB and heap_pool at
 * 1 GiB, 256 MiB each.  For each, with current_pool pointing at it, for
 * i = 1..49: `new int[100*i]`; the pool must call the address legitimate
 * (and the other pool must not); write every element, verify top-down,
 * `delete[]`.  Frames and regions must all come back.  It fails if new
 * returns a bad region, pages are shared between arrays, or delete leaks. */
#include "tests/harness.h"
#include "tests/util.h"
#include "kernel/cxx.h"
#include "mm/vmpool.h"
#include "mm/physmem.h"
#include "mm/paging.h"

/* We ask the pool about an address after delete[] on purpose. */
#pragma GCC diagnostic ignored "-Wuse-after-free"

static struct vmpool code_pool, heap_pool;

static void references(struct vmpool *pool, struct vmpool *other)
{
    current_pool = pool;
    for (int i = 1; i < 50; i++) {
        int n = 100 * i;
        int *arr = new int[n];
        CHECK(arr != nullptr, "new int[%d] failed in %s", n, pool->name);
        CHECK(vmpool_legit(pool, (uint32_t)arr), "%p not legitimate in %s", arr, pool->name);
        CHECK(vmpool_legit(pool, (uint32_t)&arr[n - 1]), "end of array not legitimate");
        CHECK(!vmpool_legit(other, (uint32_t)arr), "%p legitimate in the other pool", arr);
        for (int j = 0; j < n; j++) arr[j] = j ^ (i << 16);
        for (int j = n - 1; j >= 0; j--)
            CHECK(arr[j] == (j ^ (i << 16)), "%s: arr[%d] = %d in array %d", pool->name, j,
                  arr[j], i);
        uint32_t where = (uint32_t)arr;
        delete[] arr;
        CHECK(!vmpool_legit(pool, where), "%p still legitimate after delete[]", (void *)where);
    }
    current_pool = nullptr;
    struct vmpool_info in;
    vmpool_info(pool, &in);
    CHECK(in.nalloc == 0 && in.nfree == 1, "%s: %u regions left allocated", pool->name,
          in.nalloc);
    msg("%s: 49 arrays allocated, written, verified top-down and deleted", pool->name);
}

static void test_vm_pool()
{
    uint32_t free0 = free_frames();
    CHECK(vmpool_init(&code_pool, "code_pool", 512u << 20, 256u << 20, PTE_W) == 0,
          "code_pool");
    CHECK(vmpool_init(&heap_pool, "heap_pool", 1u << 30, 256u << 20, PTE_W) == 0,
          "heap_pool");
    references(&code_pool, &heap_pool);
    references(&heap_pool, &code_pool);
    CHECK(vmpool_destroy(&code_pool) == 0 && vmpool_destroy(&heap_pool) == 0, "destroy");
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(),
          free0);
    msg("all frames returned (%u free)", free0);
}

TEST("vm_pool", test_vm_pool, "C++ new/delete on code_pool and heap_pool (MP4 test)", "");
