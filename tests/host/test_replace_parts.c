/* tests/host/test_replace_parts.c - the policies' building blocks, against plain models.
 *
 * The replacement policies (mm/replace/) keep their state in a few
 * small structures, each checked here by random operations against the
 * simplest thing that could work, under ASan/UBSan, with memory sized
 * exactly as the structure's carve asked (so an array carved too short
 * is an ASan error):
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
    test_ghosts();
    printf("test_replace_parts: PASS\n");
    return 0;
}
