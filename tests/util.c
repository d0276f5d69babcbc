/* tests/util.c - test helpers that need kernel services. */
#include "tests/util.h"
#include "tests/harness.h"
#include "mm/paging.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/daemon.h"
#include "mm/pager.h"
#include "mm/kmalloc.h"
#include "kernel/thread.h"
#include "mm/memlayout.h"
#include "lib/string.h"

uint32_t free_frames(void)
{
    daemon_settle();                    /* a frame freed by the writer counts at once */
    return daemon_free_frames() + vmstat_counts.frames_kpt + vmstat_counts.frames_rmap;
}

void daemon_wait_written(void)
{
    /* (A run that fails goes back on the list: settle before looking.) */
    for (int i = 0; i < 1000; i++) {
        daemon_settle();
        if (!daemon_modified.count) break;
        daemon_hold_writer(0);          /* (wakes it) */
        thread_sleep(1);
    }
    CHECK(daemon_modified.count == 0, "the writer left %u pages on the modified list",
          daemon_modified.count);
}

void trim_all(struct pager *pg)
{
    vm_lock_excl();
    while (pager_trim_one(pg)) {
    }
    vm_unlock_excl();
}

void daemon_page_out_lists(void)
{
    daemon_wait_written();
    while (daemon_repurpose_one()) {
    }
}

void daemon_wait_zeroed(uint32_t n)
{
    for (int i = 0; i < 500 && daemon_zeroed.count < n; i++) thread_sleep(1);
    CHECK(daemon_zeroed.count >= n, "the zero thread made only %u zeroed frames (of %u)",
          daemon_zeroed.count, n);
}

void *frame_map(uint32_t f) { return kmap(f); }
void frame_unmap(void *p) { kunmap(p); }

/* Take every free frame of POOL one at a time, then give them all back.
 * Which frames the test took is kept in a bitmap from kmalloc (one bit a
 * frame: 96 KiB for 3 GiB of RAM), backed before the pool is emptied. */
void pool_exhaust(struct frame_pool *pool)
{
    daemon_hold_zero(1);                /* its frames in the pool, and it takes none */
    uint32_t n = 0, words = (pool->nframes + 31) / 32, free0 = pool->nfree;
    uint32_t kpt0 = vmstat_counts.frames_kpt;       /* the bitmap may need a kernel table */
    uint32_t *took = kmalloc(words * 4);
    CHECK(took, "no memory for a %u-frame bitmap", pool->nframes);
    memset(took, 0, words * 4);                 /* backed now, not while the pool is empty */
    uint32_t before = pool->nfree;
    for (uint32_t f; (f = get_frames(pool, 1)) != 0; n++) {
        CHECK(n < before, "%s pool handed out more than its %u free frames", pool->name, before);
        CHECK(f >= pool->base && f < pool->base + pool->nframes, "frame 0x%x outside pool", f);
        CHECK(!(f >= ISA_HOLE_START / PAGE_SIZE && f < ISA_HOLE_END / PAGE_SIZE),
              "frame 0x%x in the 15-16 MiB hole was handed out", f);
        uint32_t i = f - pool->base;
        CHECK(!(took[i / 32] & (1u << (i % 32))), "frame 0x%x handed out twice", f);
        took[i / 32] |= 1u << (i % 32);
    }
    CHECK(n == before, "%s pool: %u frames handed out, %u were free", pool->name, n, before);
    CHECK(pool->nfree == 0, "free count %u after exhaustion", pool->nfree);
    CHECK(get_frames(pool, 1) == 0, "get_frames(1) on an empty pool succeeded");
    for (uint32_t i = 0; i < pool->nframes; i++)
        if (took[i / 32] & (1u << (i % 32)))
            CHECK(release_frames(pool->base + i) == 0, "release of 0x%x failed", pool->base + i);
    CHECK(pool->nfree == before, "%s pool: %u free after release, %u before",
          pool->name, pool->nfree, before);
    kfree(took);
    uint32_t kept = pool == &process_pool ? vmstat_counts.frames_kpt - kpt0 : 0;
    CHECK(pool->nfree + kept == free0,
          "%s pool: %u free after freeing the bitmap, %u before it", pool->name, pool->nfree,
          free0);
    msg("%s pool: exhausted at exactly %u frames, all returned", pool->name, before);
    daemon_hold_zero(0);
}
