/* tests/host/test_frame_pool.c - mm/frame_pool.c on the host, under ASan.
 *
 * Physical memory is a malloc'd arena; frame_addr(f) points into it.
 * Several pools coexist (one keeps its bitmap inside itself, one in a
 * separate info frame), a random sequence of get/release is checked
 * against a plain array model (first fit), every bad release must be
 * refused with its error and no bitmap change, and the search must cope
 * with pools whose size is not a multiple of 16 frames. */
#include <stdint.h>
#include <string.h>
#include "tests/host/shim.h"
#include "mm/frame_pool.h"
#include "mm/memlayout.h"
#include "lib/errno.h"

#define ARENA_BASE 0x100        /* frame number of the arena's first frame */
#define ARENA_FRAMES 4200
static uint8_t *arena;

void *frame_addr(uint32_t f)
{
    if (f < ARENA_BASE || f >= ARENA_BASE + ARENA_FRAMES) {
        fprintf(stderr, "frame_addr(0x%x) outside the arena\n", f);
        abort();
    }
    return arena + (size_t)(f - ARENA_BASE) * PAGE_SIZE;
}

static void model_run(struct frame_pool *p, uint32_t first_free, uint32_t seed, int ops)
{
    uint32_t n = p->nframes;
    uint8_t *model = calloc(n, 1);      /* 0 free, 1 head, 2 used, 3 inacc */
    for (uint32_t i = 0; i < n; i++)
        model[i] = frame_state(p, p->base + i) == FRAME_INACC ? 3 : 0;
    (void)first_free;
    uint32_t *heads = calloc(n, sizeof *heads);
    int nh = 0;
    srand(seed);
    for (int op = 0; op < ops; op++) {
        if (nh && rand() % 5 < 2) {
            int k = rand() % nh;
            EXPECT(release_frames(heads[k]) == 0, "release 0x%x", heads[k]);
            uint32_t i = heads[k] - p->base;
            model[i++] = 0;
            while (i < n && model[i] == 2) model[i++] = 0;
            heads[k] = heads[--nh];
        } else {
            uint32_t want = 1 + rand() % (rand() % 10 == 0 ? 100 : 5);
            int64_t at = -1;
            for (uint32_t i = 0, run = 0; i < n; i++) {
                run = model[i] ? 0 : run + 1;
                if (run == want) { at = i + 1 - want; break; }
            }
            uint32_t got = get_frames(p, want);
            if (at < 0) {
                EXPECT(got == 0, "get_frames(%u) = 0x%x with no run free", want, got);
            } else {
                EXPECT(got == p->base + at, "get_frames(%u) = 0x%x, first fit 0x%x",
                       want, got, (uint32_t)(p->base + at));
                model[at] = 1;
                for (uint32_t i = 1; i < want; i++) model[at + i] = 2;
                heads[nh++] = got;
            }
        }
        if (op % 64 == 0) frame_pool_check(p);
    }
    while (nh) EXPECT(release_frames(heads[--nh]) == 0, "final release");
    frame_pool_check(p);
    free(model);
    free(heads);
}

int main(void)
{
    arena = calloc(ARENA_FRAMES, PAGE_SIZE);

    /* Pool A: 1000 frames, bitmap inside.  Pool B: 3001 frames, bitmap in
     * frame ARENA_BASE+1100 (outside both).  Pool C: 7 frames. */
    static struct frame_pool a, b, c;
    frame_pool_init(&a, "A", ARENA_BASE, 1000, 0);
    frame_pool_init(&b, "B", ARENA_BASE + 1101, 3001, ARENA_BASE + 1100);
    EXPECT(a.nfree == 999 && a.ninacc == 1, "A: %u free %u inacc", a.nfree, a.ninacc);
    EXPECT(b.nfree == 3001, "B: %u free", b.nfree);
    EXPECT(needed_info_frames(16384) == 1 && needed_info_frames(16385) == 2, "info frames");

    EXPECT(get_frames(&a, 0) == 0, "get_frames(0)");
    EXPECT(get_frames(&a, 1001) == 0, "larger than pool");
    EXPECT(get_frames(&b, 3001) == ARENA_BASE + 1101, "whole pool B in one run");
    EXPECT(get_frames(&b, 1) == 0, "B is full");
    EXPECT(release_frames(ARENA_BASE + 1101) == 0, "release whole B");
    EXPECT(b.nfree == 3001, "B free again");

    EXPECT(mark_inaccessible(&b, ARENA_BASE + 1101 + 100, 50) == 0, "mark");
    EXPECT(b.ninacc == 50, "ninacc %u", b.ninacc);

    model_run(&a, 1, 1, 20000);
    model_run(&b, 0, 2, 20000);

    /* Bad input, each with no change. */
    uint32_t f = get_frames(&a, 3);
    uint32_t *snap = malloc(PAGE_SIZE);
    memcpy(snap, a.bitmap, PAGE_SIZE);
    int before = shim_messages;
    EXPECT(release_frames(f + 1) == -E_NOTHEAD, "not head");
    EXPECT(strstr(shim_last, "not the head") != NULL, "message: %s", shim_last);
    EXPECT(release_frames(f + 3) == -E_FREE, "free frame");
    EXPECT(release_frames(ARENA_BASE) == -E_INACC, "bitmap frame");
    EXPECT(release_frames(5) == -E_NOPOOL, "no pool");
    EXPECT(release_frames(ARENA_BASE + 1101 + 120) == -E_INACC, "marked frame");
    EXPECT(mark_inaccessible(&a, f, 1) == -E_BUSY, "mark busy");
    EXPECT(mark_inaccessible(&a, ARENA_BASE + 999, 2) == -E_INVAL, "mark past end");
    EXPECT(shim_messages == before + 7, "each refusal printed one message");
    EXPECT(memcmp(snap, a.bitmap, PAGE_SIZE) == 0, "bitmap unchanged by bad input");
    EXPECT(release_frames(f) == 0, "good release");
    EXPECT(release_frames(f) == -E_FREE, "double release");

    frame_pool_init(&c, "C", ARENA_BASE + 4190, 7, ARENA_BASE + 4189);
    for (int i = 0; i < 7; i++) EXPECT(get_frames(&c, 1) == ARENA_BASE + 4190 + (uint32_t)i, "C %d", i);
    EXPECT(get_frames(&c, 1) == 0, "C exhausted (padding fields are never free)");
    frame_pool_check(&c);

    free(snap);
    free(arena);
    printf("test_frame_pool: all checks passed\n");
    return 0;
}
