/* tests/host/test_replace_parts.c - the policies' building blocks, against plain models.
 *
 * The replacement policies (mm/replace/) keep their state in a few
 * small structures, each checked here by random operations against the
 * simplest thing that could work, under ASan/UBSan, with memory sized
 * exactly as the structure's carve asked (so an array carved too short
 * is an ASan error):
 *   - slotset (slotset.h): add/remove against an array of flags;
 *     slotset_next, slotset_next_round and slotset_take_first against a
 *     linear scan, at sizes from 1 to 16,384 slots, including the word
 *     and summary boundaries.  Would fail on a lost summary bit or an off-by-one at
 *     a word edge.
 *   - ghosts (ghost.h): add/remove/find against a linear scan of the
 *     entries, with page numbers that are consecutive (the common case),
 *     random, and colliding in the hash.  Would fail on a chain broken
 *     by a removal from its middle.
 *   - carve (carve.h): measuring and laying out agree, arrays are 4-byte
 *     aligned and do not overlap. */
#include <stdint.h>
#include <string.h>
#include "tests/host/shim.h"
#include "tests/util.h"
#include "mm/replace/slotset.h"
#include "mm/replace/ghost.h"

static uint32_t rng = 777;

/* BYTES of zeroed memory, exactly: one byte more used is an ASan error. */
static void *exact(uint32_t bytes)
{
    void *m = malloc(bytes ? bytes : 1);
    EXPECT(m, "malloc(%u)", bytes);
    memset(m, 0, bytes);
    return m;
}

static void test_carve(void)
{
    struct carve c = { 0, 0 };
    EXPECT(carve(&c, 3, 1) == 0 && c.used == 4, "measuring 3 bytes");
    EXPECT(carve(&c, 5, 2) == 0 && c.used == 16, "measuring 5 halfwords");
    uint8_t *m = exact(c.used);
    struct carve d = { (uintptr_t)m, 0 };
    uint8_t *a = carve(&d, 3, 1);
    uint16_t *b = carve(&d, 5, 2);
    EXPECT(a == m && (uint8_t *)b == m + 4 && d.used == c.used, "layout differs from measure");
    free(m);
    printf("(carve) measuring and laying out agree; arrays 4-byte aligned\n");
}

static void test_slotset(void)
{
    static const uint32_t sizes[] = { 1, 2, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025, 5000,
                                      16384 };
    int checks = 0;
    for (unsigned z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        uint32_t n = sizes[z];
        struct slotset s;
        struct carve c = { 0, 0 };
        slotset_carve(&s, n, &c);
        void *mem = exact(c.used);
        struct carve d = { (uintptr_t)mem, 0 };
        slotset_carve(&s, n, &d);
        uint8_t *in = calloc(n, 1);
        /* Sparse and dense phases: few members, then many, then few. */
        for (int round = 0; round < 3000; round++) {
            uint32_t dens = round < 1000 ? 2 : round < 2000 ? 60 : 5;
            uint32_t i = rand_next(&rng) % n;
            if (rand_next(&rng) % 100 < dens) {
                slotset_add(&s, i);
                in[i] = 1;
            } else {
                slotset_remove(&s, i);
                in[i] = 0;
            }
            uint32_t from = rand_next(&rng) % (n + 1), want = SLOTSET_NONE;
            for (uint32_t k = from; k < n && want == SLOTSET_NONE; k++)
                if (in[k]) want = k;
            EXPECT(slotset_next(&s, from) == want, "n=%u next(%u)=%u, want %u", n, from,
                   slotset_next(&s, from), want);
            if (from < n) {
                for (uint32_t k = 0; k < from && want == SLOTSET_NONE; k++)
                    if (in[k]) want = k;
                EXPECT(slotset_next_round(&s, from) == want, "n=%u round(%u)", n, from);
            }
            if (rand_next(&rng) % 8 == 0) {         /* take the smallest, now and then */
                uint32_t first = slotset_next(&s, 0), got = slotset_take_first(&s);
                EXPECT(got == first, "n=%u take_first()=%u, want %u", n, got, first);
                if (first != SLOTSET_NONE) in[first] = 0;
                EXPECT(first == SLOTSET_NONE || slotset_next(&s, first) != first,
                       "n=%u take_first left %u in the set", n, first);
            }
            checks++;
        }
        free(in);
        free(mem);
    }
    printf("(slotset) %d searches from 1 to 16384 slots agree with a scan\n", checks);
}

/* The ghost of VPN among entries 0..N-1 by a scan, as clock_pro.c did. */
static uint32_t scan(const uint32_t *vpn, const uint8_t *ghost, uint32_t n, uint32_t v)
{
    for (uint32_t e = 0; e < n; e++)
        if (ghost[e] && vpn[e] == v) return e;
    return GHOST_NIL;
}

static void test_ghosts(void)
{
    int checks = 0;
    for (int kind = 0; kind < 3; kind++) {
        uint32_t n = 2001, max = 1000;
        struct ghosts g;
        struct carve c = { 0, 0 };
        ghosts_carve(&g, n, max, &c);
        void *mem = exact(c.used);
        struct carve d = { (uintptr_t)mem, 0 };
        ghosts_carve(&g, n, max, &d);
        uint32_t *vpn = calloc(n, 4);
        uint8_t *ghost = calloc(n, 1);
        ghosts_init(&g, vpn);
        for (int step = 0; step < 200000; step++) {
            uint32_t e = rand_next(&rng) % n;
            if (ghost[e]) {
                ghosts_remove(&g, e);
                ghost[e] = 0;
            } else if (rand_next(&rng) % 3) {
                /* a page no other ghost has: consecutive, random, or a
                 * multiple of 2^16 (the same low bits, a hash test) */
                uint32_t v;
                do {
                    uint32_t r = rand_next(&rng);
                    v = kind == 0 ? r % 3000 : kind == 1 ? r : (r % 4000) << 16;
                } while (scan(vpn, ghost, n, v) != GHOST_NIL);
                vpn[e] = v;
                ghosts_add(&g, e);
                ghost[e] = 1;
            }
            uint32_t probe = rand_next(&rng) % 2 ? vpn[rand_next(&rng) % n] : rand_next(&rng);
            EXPECT(ghosts_find(&g, probe) == scan(vpn, ghost, n, probe),
                   "kind %d: find(%u) = %u, scan says %u", kind, probe, ghosts_find(&g, probe),
                   scan(vpn, ghost, n, probe));
            checks++;
        }
        free(vpn);
        free(ghost);
        free(mem);
    }
    printf("(ghosts) %d lookups agree with a scan (consecutive, random and colliding "
           "pages)\n", checks);
}

int main(void)
{
    test_carve();
    test_slotset();
    test_ghosts();
    printf("test_replace_parts: PASS\n");
    return 0;
}
