/* tests/test_tlb_model.c - the TLB model (mm/tlb_model.c) in the kernel.
 *
 * Short reference strings whose every hit and miss is worked out by hand
 * in the comments, run through models whose memory comes from kmalloc:
 * cold misses only, LRU capacity misses (in an order FIFO would get
 * wrong), a 2-way set conflict against the same string fully
 * associative, invalidate and flush, and the triple loop of a 10 x 10
 * matrix product in the default 512-entry TLB.  Each case prints its
 * lookups and misses.  It fails if any lookup's hit/miss or any count
 * differs from the hand computation: a wrong victim, a wrong set, a
 * counter that moves on invalidate, or a model built wrongly by the
 * freestanding compiler (the host test, tests/host/test_tlb.c, checks
 * the same code against a brute-force reference). */
#include "tests/harness.h"
#include "mm/tlb_model.h"
#include "mm/kmalloc.h"

static struct tlb_model tlb;
static void *tlb_mem;

/* A fresh model of ENTRIES entries, WAYS per set (0: fully associative). */
static void fresh(uint32_t entries, uint32_t ways)
{
    kfree(tlb_mem);
    tlb_mem = kmalloc(tlb_model_bytes(entries));
    CHECK(tlb_mem, "kmalloc(%u) for a %u-entry model", tlb_model_bytes(entries), entries);
    CHECK(tlb_model_init(&tlb, entries, ways, tlb_mem) == 0, "tlb_model_init(%u, %u)", entries,
          ways);
}

/* Look up the N pages of STR; ANSWERS holds the expected result of each,
 * 'h' for a hit and 'm' for a miss. */
static void run(const char *name, const uint32_t *str, uint32_t n, const char *answers)
{
    for (uint32_t k = 0; k < n; k++) {
        int hit = tlb_lookup(&tlb, str[k]);
        CHECK(hit == (answers[k] == 'h'), "%s: lookup %u (page %u) %s, expected %s", name, k,
              str[k], hit ? "hit" : "missed", answers[k] == 'h' ? "a hit" : "a miss");
    }
}

/* Check the counters against the hand count and print them. */
static void expect_counts(const char *name, uint32_t lookups, uint32_t misses)
{
    uint32_t r = tlb_miss_rate_milli(&tlb);
    msg("%s: %u lookups, %u misses (miss rate %u.%03u%%), expected %u and %u", name,
        (uint32_t)tlb.lookups, (uint32_t)tlb.misses, r / 1000, r % 1000, lookups, misses);
    CHECK(tlb.lookups == lookups && tlb.misses == misses, "%s: counters wrong", name);
    const char *bad = tlb_model_check(&tlb);
    CHECK(!bad, "%s: %s", name, bad);
}

static void test_tlb_model(void)
{
    /* Cold misses only: 5 pages fit in 8 entries, so 10 rounds over them
     * miss exactly once per page. */
    fresh(8, 0);
    for (uint32_t round = 0; round < 10; round++)
        for (uint32_t p = 0; p < 5; p++) tlb_lookup(&tlb, 100 + (p + round) % 5);
    expect_counts("cold, 5 pages in 8 entries", 50, 5);

    /* Capacity: a loop over 5 pages in 4 fully associative entries.  LRU
     * always evicts the page the loop needs next, so all 20 miss. */
    fresh(4, 0);
    for (uint32_t k = 0; k < 20; k++) tlb_lookup(&tlb, k % 5);
    expect_counts("capacity, loop of 5 in 4 entries", 20, 20);

    /* LRU order, 3 entries (most recent first):
     *   1 m [1]  2 m [2 1]  3 m [3 2 1]  1 h [1 3 2]  4 m evicts 2 [4 1 3]
     *   2 m evicts 3 [2 4 1]  1 h [1 2 4]  3 m evicts 4 [3 1 2]
     *   4 m evicts 2 [4 3 1]  1 h [1 4 3]: 7 misses (FIFO would make 5). */
    static const uint32_t lru[] = { 1, 2, 3, 1, 4, 2, 1, 3, 4, 1 };
    fresh(3, 0);
    run("lru", lru, 10, "mmmhmmhmmh");
    expect_counts("capacity, LRU order in 3 entries", 10, 7);

    /* Set conflict, 4 entries as 2 sets of 2 ways (set = page & 1):
     *   0 m s0[0]  2 m s0[2 0]  0 h s0[0 2]  4 m evicts 2 s0[4 0]
     *   2 m evicts 0 s0[2 4]  0 m evicts 4 s0[0 2]  1 m s1[1]  3 m s1[3 1]
     *   1 h s1[1 3]  2 h s0[2 0]  5 m evicts 3 s1[5 1]  3 m evicts 1 s1[3 5]
     * 9 misses.  The same 4 entries fully associative miss only 6 times:
     *   0 m, 2 m, 0 h, 4 m, 2 h, 0 h, 1 m, 3 m evicts 4, 1 h, 2 h,
     *   5 m evicts 0, 3 h.  The 3 extra are conflict misses. */
    static const uint32_t conflict[] = { 0, 2, 0, 4, 2, 0, 1, 3, 1, 2, 5, 3 };
    fresh(4, 2);
    run("2-way", conflict, 12, "mmhmmmmmhhmm");
    expect_counts("conflict, 4 entries 2-way", 12, 9);
    fresh(4, 0);
    run("fully associative", conflict, 12, "mmhmhhmmhhmh");
    expect_counts("conflict, 4 entries fully associative", 12, 6);

    /* Invalidate, 4 entries fully associative: 0 1 2 3 fill it; after
     * invlpg of 1 the miss on 9 takes 1's entry instead of evicting 0, so
     * 0 2 3 hit; 1 then misses, evicting 9, the least recent of [3 2 0 9].
     * 9 lookups (invalidate is not one), 6 misses. */
    static const uint32_t fill[] = { 0, 1, 2, 3 }, after[] = { 9, 0, 2, 3, 1 };
    fresh(4, 0);
    run("fill", fill, 4, "mmmm");
    tlb_invalidate(&tlb, 1);
    CHECK(tlb.resident == 3 && tlb.lookups == 4, "invalidate: %u resident", tlb.resident);
    run("after invalidate", after, 5, "mhhhm");
    CHECK(!tlb_contains(&tlb, 9), "9 should have been evicted");
    expect_counts("invalidate", 9, 6);

    /* Flush (a CR3 reload): the same 4 pages miss again, then hit. */
    tlb_flush(&tlb);
    run("after flush", fill, 4, "mmmm");
    run("refilled", fill, 4, "hhhh");
    expect_counts("flush", 17, 10);

    /* The default shape, 512 entries fully associative: C = A x B for
     * 10 x 10 matrices of 4-byte words, each matrix in a page of its own.
     * The i-j-k loop reads A[i][k] and B[k][j] 10 times per element of C
     * and writes C[i][j] once: 100 * 21 = 2100 lookups, and only the 3
     * cold misses, since 3 pages fit easily. */
    fresh(512, 0);
    uint32_t a = 0x40000000, b = a + 0x1000, c = b + 0x1000;
    for (uint32_t i = 0; i < 10; i++)
        for (uint32_t j = 0; j < 10; j++) {
            for (uint32_t k = 0; k < 10; k++) {
                tlb_lookup(&tlb, (a + (i * 10 + k) * 4) >> 12);
                tlb_lookup(&tlb, (b + (k * 10 + j) * 4) >> 12);
            }
            tlb_lookup(&tlb, (c + (i * 10 + j) * 4) >> 12);
        }
    expect_counts("10 x 10 matrix product, 512 entries", 2100, 3);
    tlb_model_print(&tlb, "(tlb_model) matmul 10");

    CHECK(kfree(tlb_mem) == 0, "kfree of the model's memory");
    tlb_mem = 0;
}

TEST("tlb_model", test_tlb_model, "TLB model: hand-computed cold and capacity misses", "");
