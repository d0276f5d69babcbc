/* tests/test_frame_pool_bad.c - the frame pool refuses bad input.
 *
 * Each bad call (release of a free frame, of a frame inside a sequence,
 * of an inaccessible frame, of a frame in no pool, a second release,
 * mark_inaccessible on an allocated or out-of-range frame) must return
 * its own error and leave the bitmap and counters exactly as they were.
 * It fails if a bad call is accepted or changes a single bit. */
#include "tests/harness.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/memlayout.h"
#include "mm/daemon.h"
#include "lib/errno.h"
#include "lib/string.h"

static uint32_t snap[2][1024];      /* first words of each pool's bitmap */

static void snapshot(void)
{
    memcpy(snap[0], kernel_pool.bitmap, sizeof snap[0]);
    memcpy(snap[1], process_pool.bitmap, sizeof snap[1]);
}

/* Run one bad call's result through the checks: error code, and no
 * change to either pool. */
static void expect_refused(const char *what, int rc, int want,
                           uint32_t kfree, uint32_t pfree)
{
    CHECK(rc == -want, "%s returned %d (%s), expected -%s", what, rc, errname(rc), errname(want));
    CHECK(memcmp(snap[0], kernel_pool.bitmap, sizeof snap[0]) == 0,
          "%s changed the kernel pool bitmap", what);
    CHECK(memcmp(snap[1], process_pool.bitmap, sizeof snap[1]) == 0,
          "%s changed the process pool bitmap", what);
    CHECK(kernel_pool.nfree == kfree && process_pool.nfree == pfree,
          "%s changed the free counts", what);
    frame_pool_check(&kernel_pool);
    frame_pool_check(&process_pool);
    msg("refused as it should: %s -> %s", what, errname(rc));
}

static void test_frame_pool_bad(void)
{
    daemon_hold_zero(1);                /* the zero thread would change the bitmap under us */
    uint32_t f = get_frames(&process_pool, 4);
    CHECK(f, "get_frames(4) failed");
    uint32_t kf = kernel_pool.nfree, pf = process_pool.nfree;
    /* A free frame to release by mistake: earlier tests in the same boot
     * may leave holes, so search for one rather than assume f + 4. */
    uint32_t free_frame = 0;
    for (uint32_t g = process_pool.base; g < process_pool.base + process_pool.nframes; g++)
        if (frame_state(&process_pool, g) == FRAME_FREE) { free_frame = g; break; }
    CHECK(free_frame, "no free frame in the process pool (nfree %u)", process_pool.nfree);
    snapshot();

    expect_refused("release of a free frame", release_frames(free_frame), E_FREE, kf, pf);
    expect_refused("release of the 3rd frame of a sequence", release_frames(f + 2),
                   E_NOTHEAD, kf, pf);
    expect_refused("release of frame 0x10 (below every pool)", release_frames(0x10),
                   E_NOPOOL, kf, pf);
    expect_refused("release of a frame past the end of RAM",
                   release_frames(ram_end / PAGE_SIZE + 5), E_NOPOOL, kf, pf);
    expect_refused("release of the kernel pool's bitmap frame",
                   release_frames(KPOOL_START / PAGE_SIZE), E_INACC, kf, pf);
    if (ram_end > ISA_HOLE_END)
        expect_refused("release of a frame in the 15-16 MiB hole",
                       release_frames(ISA_HOLE_START / PAGE_SIZE + 3), E_INACC, kf, pf);
    expect_refused("mark_inaccessible over an allocated run",
                   mark_inaccessible(&process_pool, f + 1, 8), E_BUSY, kf, pf);
    expect_refused("mark_inaccessible past the pool's end",
                   mark_inaccessible(&process_pool, process_pool.base + process_pool.nframes - 2, 4),
                   E_INVAL, kf, pf);

    CHECK(release_frames(f) == 0, "good release of 0x%x failed", f);
    CHECK(process_pool.nfree == pf + 4, "release did not free 4 frames");
    snapshot();
    expect_refused("second release of the same sequence", release_frames(f),
                   E_FREE, kf, pf + 4);
    daemon_hold_zero(0);
}

TEST("frame_pool_bad", test_frame_pool_bad, "frame pools refuse bad releases, change nothing", "");
