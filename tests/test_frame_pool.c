/* tests/test_frame_pool.c - the contiguous frame pool, used correctly.
 *
 * frame_pool: the classic recursive allocate-fill-verify-release pattern
 * over both pools (a frame handed out twice shows as a damaged fill
 * pattern); first-fit contiguity against an independent shadow model on
 * a scratch pool; exhaustion (get_frames returns 0, never an inaccessible
 * frame); and the free count restored exactly at the end.  It fails if
 * a run is not contiguous, overlaps another, or leaks a frame. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/memlayout.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

/* Fill, recurse, verify, release: at depth D the live runs of depths
 * D+1.. are all held at once, each with its own pattern. */
static void fill_verify(struct frame_pool *pool, int depth)
{
    if (depth == 0) return;
    uint32_t n = depth % 4 + 1;
    uint32_t f = get_frames(pool, n);
    CHECK(f != 0, "%s pool: get_frames(%u) failed at depth %d", pool->name, n, depth);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *p = frame_map(f + i);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) p[k] = depth * 0x10001u ^ k;
        frame_unmap(p);
    }
    fill_verify(pool, depth - 1);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *p = frame_map(f + i);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
            CHECK(p[k] == (depth * 0x10001u ^ k),
                  "%s pool: frame 0x%x word %u is 0x%x, expected 0x%x (overlapping runs?)",
                  pool->name, f + i, k, p[k], depth * 0x10001u ^ k);
        frame_unmap(p);
    }
    CHECK(release_frames(f) == 0, "release_frames(0x%x) failed", f);
}

/* First fit against a shadow array: the pool must return the lowest run
 * of N free frames, exactly as a plain linear search of the shadow does. */
static void shadow_model(void)
{
    enum { N = 200 };
    static struct frame_pool scratch;
    static uint8_t shadow[N];           /* 0 free, else allocated */
    static uint32_t heads[N];
    int nheads = 0;

    uint32_t region = get_frames(&kernel_pool, N);
    CHECK(region, "no %d kernel frames for the scratch pool", N);
    frame_pool_init(&scratch, "scratch", region, N, 0);
    memset(shadow, 0, sizeof shadow);
    shadow[0] = 1;                      /* its bitmap lives there */

    uint32_t seed = 12345;
    for (int op = 0; op < 4000; op++) {
        if (nheads > 0 && (rand_next(&seed) % 3 == 0 || nheads == N)) {
            int k = rand_next(&seed) % nheads;
            uint32_t h = heads[k];
            CHECK(release_frames(h) == 0, "release of head 0x%x refused", h);
            uint32_t i = h - region;
            shadow[i++] = 0;
            while (i < N && shadow[i] == 2) shadow[i++] = 0;
            heads[k] = heads[--nheads];
        } else {
            uint32_t n = 1 + rand_next(&seed) % (op % 50 == 0 ? 40 : 6);
            /* The model: lowest i with shadow[i..i+n-1] all free. */
            int want = -1;
            for (uint32_t i = 0, run = 0; i < N; i++) {
                run = shadow[i] ? 0 : run + 1;
                if (run == n) { want = i + 1 - n; break; }
            }
            uint32_t got = get_frames(&scratch, n);
            if (want < 0) {
                CHECK(got == 0, "get_frames(%u) gave 0x%x but no run is free", n, got);
                continue;
            }
            CHECK(got == region + want, "get_frames(%u) gave frame 0x%x, first fit is 0x%x",
                  n, got, region + want);
            shadow[want] = 1;
            for (uint32_t i = 1; i < n; i++) shadow[want + i] = 2;
            heads[nheads++] = got;
        }
        uint32_t nfree = 0;
        for (int i = 0; i < N; i++) nfree += shadow[i] == 0;
        CHECK(scratch.nfree == nfree, "pool counts %u free, model %u", scratch.nfree, nfree);
        if (op % 100 == 0) frame_pool_check(&scratch);
    }
    while (nheads) release_frames(heads[--nheads]);
    CHECK(scratch.nfree == N - 1, "scratch pool did not return to %d free", N - 1);
    frame_pool_remove(&scratch);
    CHECK(release_frames(region) == 0, "scratch region release failed");
    msg("first fit matched the shadow model over 4000 operations");
}

static void test_frame_pool(void)
{
    struct frame_pool *pools[] = { &kernel_pool, &process_pool };
    for (int i = 0; i < 2; i++) {
        struct frame_pool *p = pools[i];
        uint32_t before = p->nfree;
        fill_verify(p, 32);
        CHECK(p->nfree == before, "%s pool: %u free after fill/verify, %u before",
              p->name, p->nfree, before);
        msg("%s pool: recursive fill/verify of 32 runs ok, free count %u restored",
            p->name, before);

        /* A run of 16 is contiguous: head then 15 USED, and all free before. */
        uint32_t f = get_frames(p, 16);
        CHECK(f, "%s pool: get_frames(16) failed", p->name);
        CHECK(frame_state(p, f) == FRAME_HEAD, "frame 0x%x is not a head", f);
        for (uint32_t k = 1; k < 16; k++)
            CHECK(frame_state(p, f + k) == FRAME_USED, "frame 0x%x of the run is not USED", f + k);
        release_frames(f);

        CHECK(get_frames(p, 0) == 0, "get_frames(0) returned a frame");
        CHECK(get_frames(p, p->nframes + 1) == 0, "get_frames(pool size + 1) succeeded");
        CHECK(get_frames(p, p->nfree + 1) == 0, "get_frames(free + 1) succeeded");
        frame_pool_check(p);
    }
    shadow_model();
    pool_exhaust(&kernel_pool);
    pool_exhaust(&process_pool);
    frame_pool_check(&kernel_pool);
    frame_pool_check(&process_pool);
}

TEST("frame_pool", test_frame_pool, "frame pools: fill/verify, first fit, exhaustion", "mem=64");
