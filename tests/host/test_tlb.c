/* tests/host/test_tlb.c - mm/tlb_model.c on the host, under ASan/UBSan.
 *
 * The model is checked against a brute-force reference written
 * independently here: a plain array of entries, each with a last-use
 * timestamp, searched in full on every lookup, set index VPN % nsets
 * (the model masks), victim = an empty entry of the set or the one with
 * the oldest timestamp.  Every hit/miss answer, the counters and the
 * resident pages must agree on random and structured reference strings
 * (with invalidations and flushes mixed in) for many (entries, ways)
 * shapes.  Then hand-computed cases whose miss counts are worked out in
 * the comments: cold misses, LRU capacity misses, a 2-way set conflict,
 * invalidate and flush; the integer miss rate; and bad shapes, each
 * refused with -E_INVAL and a message.  It fails if the model evicts
 * the wrong entry (not LRU, or from the wrong set), loses or duplicates
 * a page in its hash or rings, miscounts, or accepts a bad shape. */
#include <stdint.h>
#include <string.h>
#include "tests/host/shim.h"
#include "tests/util.h"
#include "mm/tlb_model.h"
#include "lib/errno.h"

/* ---- The reference: O(entries) per lookup, obviously LRU. ---- */

struct ref {
    uint32_t entries, ways, nsets;
    uint32_t *vpn;
    uint8_t *valid;
    uint64_t *last;         /* time of last use */
    uint64_t clock;
    uint64_t lookups, misses;
};

static void ref_init(struct ref *r, uint32_t entries, uint32_t ways)
{
    r->entries = entries;
    r->ways = ways ? ways : entries;
    r->nsets = entries / r->ways;
    r->vpn = calloc(entries, sizeof *r->vpn);
    r->valid = calloc(entries, 1);
    r->last = calloc(entries, sizeof *r->last);
    r->clock = r->lookups = r->misses = 0;
}

static void ref_free(struct ref *r)
{
    free(r->vpn);
    free(r->valid);
    free(r->last);
}

static int ref_lookup(struct ref *r, uint32_t v)
{
    uint32_t s = v % r->nsets;
    r->clock++;
    r->lookups++;
    for (uint32_t i = 0; i < r->entries; i++)
        if (r->valid[i] && r->vpn[i] == v) {
            EXPECT(i / r->ways == s, "reference: page 0x%x in entry %u outside set %u", v, i, s);
            r->last[i] = r->clock;
            return 1;
        }
    r->misses++;
    uint32_t victim = s * r->ways;
    for (uint32_t i = s * r->ways; i < (s + 1) * r->ways; i++) {
        if (!r->valid[i]) { victim = i; break; }
        if (r->last[i] < r->last[victim]) victim = i;
    }
    r->valid[victim] = 1;
    r->vpn[victim] = v;
    r->last[victim] = r->clock;
    return 0;
}

static void ref_invalidate(struct ref *r, uint32_t v)
{
    for (uint32_t i = 0; i < r->entries; i++)
        if (r->valid[i] && r->vpn[i] == v) r->valid[i] = 0;
}

static void ref_flush(struct ref *r)
{
    memset(r->valid, 0, r->entries);
}

/* ---- Running the model beside the reference. ---- */

static uint32_t rng = 12345;
static uint32_t rnd(void) { return rand_next(&rng); }

/* A model and its reference, side by side. */
struct pair {
    struct tlb_model t;
    struct ref r;
    void *mem;
    const char *what;       /* the reference string, for messages */
    uint64_t ops;
};

static void pair_init(struct pair *p, uint32_t entries, uint32_t ways, const char *what)
{
    p->mem = malloc(tlb_model_bytes(entries));
    EXPECT(tlb_model_init(&p->t, entries, ways, p->mem) == 0, "init %u/%u", entries, ways);
    ref_init(&p->r, entries, ways);
    p->what = what;
    p->ops = 0;
}

/* The same resident pages in both, and a sound structure. */
static void pair_compare(struct pair *p)
{
    const char *bad = tlb_model_check(&p->t);
    EXPECT(!bad, "%s, %u/%u after %llu ops: %s", p->what, p->t.entries, p->t.ways,
           (unsigned long long)p->ops, bad);
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->r.entries; i++)
        if (p->r.valid[i]) {
            n++;
            EXPECT(tlb_contains(&p->t, p->r.vpn[i]), "%s, %u/%u after %llu ops: page 0x%x "
                   "resident in the reference, not in the model", p->what, p->t.entries,
                   p->t.ways, (unsigned long long)p->ops, p->r.vpn[i]);
        }
    EXPECT(n == p->t.resident, "%s, %u/%u: %u resident, reference %u", p->what,
           p->t.entries, p->t.ways, p->t.resident, n);
    EXPECT(p->t.lookups == p->r.lookups && p->t.misses == p->r.misses,
           "%s, %u/%u: counters %llu/%llu, reference %llu/%llu", p->what, p->t.entries,
           p->t.ways, (unsigned long long)p->t.lookups, (unsigned long long)p->t.misses,
           (unsigned long long)p->r.lookups, (unsigned long long)p->r.misses);
}

static void pair_lookup(struct pair *p, uint32_t v)
{
    int got = tlb_lookup(&p->t, v), want = ref_lookup(&p->r, v);
    EXPECT(got == want, "%s, %u/%u op %llu: lookup 0x%x gave %s, reference %s", p->what,
           p->t.entries, p->t.ways, (unsigned long long)p->ops, v, got ? "hit" : "miss",
           want ? "hit" : "miss");
    if (++p->ops % 997 == 0) pair_compare(p);
}

static void pair_invalidate(struct pair *p, uint32_t v)
{
    tlb_invalidate(&p->t, v);
    ref_invalidate(&p->r, v);
    EXPECT(!tlb_contains(&p->t, v), "%s: 0x%x still resident after invalidate", p->what, v);
}

static void pair_flush(struct pair *p)
{
    tlb_flush(&p->t);
    ref_flush(&p->r);
    EXPECT(p->t.resident == 0, "%s: %u resident after flush", p->what, p->t.resident);
}

static void pair_done(struct pair *p)
{
    pair_compare(p);
    ref_free(&p->r);
    free(p->mem);
}

/* Uniform pages from a range twice the TLB's size (about half hit),
 * with an invalidation every ~50 lookups and a flush every ~3000. */
static void run_random(uint32_t entries, uint32_t ways, uint32_t n)
{
    struct pair p;
    pair_init(&p, entries, ways, "random");
    uint32_t range = 2 * entries + 1;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t x = rnd();
        if (x % 50 == 0) pair_invalidate(&p, rnd() % range);
        else if (x % 3000 == 1) pair_flush(&p);
        else pair_lookup(&p, rnd() % range);
    }
    pair_done(&p);
}

/* Pages anywhere in 32 bits, clustered: a drifting working set of about
 * the TLB's size around a random base, so the hash sees large VPNs. */
static void run_drift(uint32_t entries, uint32_t ways, uint32_t n)
{
    struct pair p;
    pair_init(&p, entries, ways, "drift");
    uint32_t base = rnd();
    for (uint32_t k = 0; k < n; k++) {
        if (k % 500 == 0) base += rnd() % (entries + 1);
        if (k % 20000 == 19999) base = rnd();
        pair_lookup(&p, base + rnd() % (entries + entries / 2 + 1));
        if (rnd() % 200 == 0) pair_invalidate(&p, base + rnd() % entries);
    }
    pair_done(&p);
}

/* Structured strings: a cyclic loop over ENTRIES+1 pages, a stride that
 * lands every page in set 0, and a sequential scan of 3*ENTRIES pages. */
static void run_structured(uint32_t entries, uint32_t ways, uint32_t rounds)
{
    struct pair p;
    uint32_t w = ways ? ways : entries, nsets = entries / w;
    pair_init(&p, entries, ways, "loop");
    for (uint32_t k = 0; k < rounds * (entries + 1); k++) pair_lookup(&p, k % (entries + 1));
    pair_done(&p);
    pair_init(&p, entries, ways, "stride");
    for (uint32_t k = 0; k < rounds * (w + 2); k++) pair_lookup(&p, (k % (w + 2)) * nsets);
    pair_done(&p);
    pair_init(&p, entries, ways, "scan");
    for (uint32_t k = 0; k < rounds * 3 * entries; k++)
        pair_lookup(&p, 0x40000 + k % (3 * entries));
    pair_done(&p);
}

/* Feed P the page touches of C = A x B for N x N matrices of 4-byte
 * words laid out one after another from page 0x100 (the i-j-k triple loop, reading
 * A[i][k] and B[k][j], then writing C[i][j]).  Returns the number of
 * distinct pages touched. */
static uint32_t run_matmul(uint32_t n, struct pair *p)
{
    uint32_t a = 0x100000, b = a + n * n * 4, c = b + n * n * 4;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            for (uint32_t k = 0; k < n; k++) {
                pair_lookup(p, (a + (i * n + k) * 4) >> 12);
                pair_lookup(p, (b + (k * n + j) * 4) >> 12);
            }
            pair_lookup(p, (c + (i * n + j) * 4) >> 12);
        }
    return ((c + n * n * 4 - 1) >> 12) - (a >> 12) + 1;
}

/* ---- Hand-computed cases. ---- */

/* Run STR (N pages) through a fresh ENTRIES/WAYS model; HITS is the
 * expected answer per lookup, "h" or "m", worked out by hand. */
static void run_hand(const char *name, uint32_t entries, uint32_t ways, const uint32_t *str,
                     uint32_t n, const char *hits)
{
    void *mem = malloc(tlb_model_bytes(entries));
    struct tlb_model t;
    EXPECT(tlb_model_init(&t, entries, ways, mem) == 0, "%s: init", name);
    uint32_t misses = 0;
    for (uint32_t k = 0; k < n; k++) {
        int want = hits[k] == 'h';
        misses += !want;
        int got = tlb_lookup(&t, str[k]);
        EXPECT(got == want, "%s: lookup %u (page %u) %s, expected %s", name, k, str[k],
               got ? "hit" : "missed", want ? "a hit" : "a miss");
    }
    EXPECT(t.lookups == n && t.misses == misses, "%s: counters %llu/%llu", name,
           (unsigned long long)t.lookups, (unsigned long long)t.misses);
    const char *bad = tlb_model_check(&t);
    EXPECT(!bad, "%s: %s", name, bad);
    tlb_model_print(&t, name);
    free(mem);
}

static void hand_cases(void)
{
    /* LRU, not FIFO: 3 entries, fully associative.
     *   1 m [1]  2 m [2 1]  3 m [3 2 1]  1 h [1 3 2]  4 m evicts 2 [4 1 3]
     *   2 m evicts 3 [2 4 1]  1 h [1 2 4]  3 m evicts 4 [3 1 2]
     *   4 m evicts 2 [4 3 1]  1 h [1 4 3]
     * 7 misses.  FIFO would evict 1 at the first 4 and miss only 5 times. */
    static const uint32_t lru[] = { 1, 2, 3, 1, 4, 2, 1, 3, 4, 1 };
    run_hand("lru-order", 3, 0, lru, 10, "mmmhmmhmmh");

    /* One string, three shapes of 4 entries (the set is page & (sets-1)).
     *   0 2 0 4 2 0 1 3 1 2 5 3
     * 2-way, 2 sets: even pages share set 0, odd pages set 1.
     *   0 m s0[0]  2 m s0[2 0]  0 h s0[0 2]  4 m evicts 2 s0[4 0]
     *   2 m evicts 0 s0[2 4]  0 m evicts 4 s0[0 2]  1 m s1[1]  3 m s1[3 1]
     *   1 h s1[1 3]  2 h s0[2 0]  5 m evicts 3 s1[5 1]  3 m evicts 1 s1[3 5]
     *   9 misses: 0, 2, 4 fight over set 0's two ways while set 1 idles.
     * Fully associative: 0 m, 2 m, 0 h, 4 m, 2 h, 0 h, 1 m (full: 4 2 0 1),
     *   3 m evicts 4 (least recent), 1 h, 2 h, 5 m evicts 0, 3 h: 6 misses.
     * The 3 extra misses of the 2-way TLB are conflict misses.
     * Direct mapped, 4 sets: 0 and 4 share set 0, 1 and 5 set 1.
     *   0 m, 2 m, 0 h, 4 m evicts 0, 2 h, 0 m evicts 4, 1 m, 3 m, 1 h, 2 h,
     *   5 m evicts 1, 3 h: 7 misses - fewer than 2-way here, because with
     *   4 sets 2 no longer competes with 0 and 4. */
    static const uint32_t conflict[] = { 0, 2, 0, 4, 2, 0, 1, 3, 1, 2, 5, 3 };
    run_hand("conflict-2way", 4, 2, conflict, 12, "mmhmmmmmhhmm");
    run_hand("conflict-full", 4, 0, conflict, 12, "mmhmhhmmhhmh");
    run_hand("conflict-direct", 4, 1, conflict, 12, "mmhmhmmmhhmh");

    /* Cold misses only: k distinct pages that fit, touched over and over,
     * miss exactly k times.  In a set-associative TLB they must also fit
     * each set: pages 0..15 in 16 entries of 2 ways put 2 in each set. */
    struct { uint32_t entries, ways, k; } cold[] = {
        { 8, 0, 5 }, { 8, 0, 8 }, { 16, 2, 16 }, { 512, 0, 512 }, { 512, 0, 3 }, { 64, 1, 64 },
    };
    for (uint32_t c = 0; c < sizeof cold / sizeof cold[0]; c++) {
        void *mem = malloc(tlb_model_bytes(cold[c].entries));
        struct tlb_model t;
        EXPECT(tlb_model_init(&t, cold[c].entries, cold[c].ways, mem) == 0, "cold init");
        for (uint32_t k = 0; k < 20 * cold[c].k; k++)
            tlb_lookup(&t, (rnd() % 2 ? k : k * 7) % cold[c].k);
        for (uint32_t p = 0; p < cold[c].k; p++) tlb_lookup(&t, p);     /* all touched */
        EXPECT(t.misses == cold[c].k, "cold %u/%u, %u pages: %llu misses", cold[c].entries,
               cold[c].ways, cold[c].k, (unsigned long long)t.misses);
        free(mem);
    }

    /* Capacity misses: a loop over ENTRIES+1 pages in a fully associative
     * LRU TLB misses every time (the page needed next is always the one
     * just evicted, the least recent); a loop over ENTRIES pages misses
     * only the first time round. */
    static const uint32_t sizes[] = { 1, 4, 512 };
    for (uint32_t c = 0; c < 3; c++) {
        uint32_t n = sizes[c];
        void *mem = malloc(tlb_model_bytes(n));
        struct tlb_model t;
        EXPECT(tlb_model_init(&t, n, 0, mem) == 0, "capacity init");
        for (uint32_t k = 0; k < 10 * (n + 1); k++) tlb_lookup(&t, k % (n + 1));
        EXPECT(t.misses == 10 * (n + 1), "loop of %u in %u entries: %llu misses of %llu", n + 1,
               n, (unsigned long long)t.misses, (unsigned long long)t.lookups);
        tlb_flush(&t);
        t.lookups = t.misses = 0;
        for (uint32_t k = 0; k < 10 * n; k++) tlb_lookup(&t, k % n);
        EXPECT(t.misses == n, "loop of %u in %u entries: %llu misses", n, n,
               (unsigned long long)t.misses);
        free(mem);
    }
}

/* Invalidate and flush, by hand. */
static void invalidate_cases(void)
{
    struct tlb_model t;
    void *mem = malloc(tlb_model_bytes(4));

    /* Fully associative, 4 entries: 0 1 2 3 fill it (4 misses).  Invalidate
     * 1: the next miss (9) takes 1's entry instead of evicting 0, so 0 2 3
     * all hit.  Then 1 misses and evicts the LRU of [3 2 0 9], which is 9. */
    EXPECT(tlb_model_init(&t, 4, 0, mem) == 0, "init");
    for (uint32_t p = 0; p < 4; p++) EXPECT(tlb_lookup(&t, p) == 0, "fill %u", p);
    tlb_invalidate(&t, 1);
    tlb_invalidate(&t, 77);                     /* not resident: no effect */
    EXPECT(t.lookups == 4 && t.misses == 4 && t.resident == 3, "invalidate counts nothing");
    EXPECT(!tlb_contains(&t, 1) && tlb_contains(&t, 0), "1 gone, 0 kept");
    EXPECT(tlb_lookup(&t, 9) == 0, "9 misses");
    EXPECT(tlb_lookup(&t, 0) && tlb_lookup(&t, 2) && tlb_lookup(&t, 3),
           "0 2 3 hit: nothing evicted");
    EXPECT(tlb_lookup(&t, 1) == 0, "1 misses after invalidate");
    EXPECT(!tlb_contains(&t, 9) && tlb_contains(&t, 0), "1 evicted 9, the LRU");
    EXPECT(t.misses == 6 && t.lookups == 9, "%llu misses", (unsigned long long)t.misses);

    /* Flush: nothing resident, every page misses once more. */
    tlb_flush(&t);
    EXPECT(t.resident == 0 && t.misses == 6, "flush empties, counts nothing");
    for (uint32_t p = 0; p < 3; p++) EXPECT(tlb_lookup(&t, p) == 0, "%u misses after flush", p);
    EXPECT(tlb_lookup(&t, 0) == 1, "refilled after flush");
    EXPECT(!tlb_model_check(&t), "%s", tlb_model_check(&t));

    /* 2-way, 2 sets.  0 2 0 leaves set 0 as [0 2] (2 least recent).
     * Invalidating 0, the MRU, frees its entry: 4 takes it, so 2 survives
     * and hits.  (Without the invalidation 4 would evict 2.) */
    EXPECT(tlb_model_init(&t, 4, 2, mem) == 0, "init 2-way");
    tlb_lookup(&t, 0), tlb_lookup(&t, 2), tlb_lookup(&t, 0);
    tlb_invalidate(&t, 0);
    EXPECT(tlb_lookup(&t, 4) == 0 && tlb_lookup(&t, 2) == 1, "4 filled 0's entry, 2 kept");
    EXPECT(tlb_lookup(&t, 0) == 0 && !tlb_contains(&t, 4), "0 back, evicting 4 (LRU of [2 4])");
    /* Invalidating the LRU (2 in [0 2]) frees that entry, the same one. */
    tlb_invalidate(&t, 2);
    EXPECT(tlb_lookup(&t, 6) == 0 && tlb_lookup(&t, 0) == 1, "6 filled 2's entry, 0 kept");
    EXPECT(!tlb_model_check(&t), "%s", tlb_model_check(&t));

    /* Direct mapped: invalidating the only entry of a set. */
    EXPECT(tlb_model_init(&t, 4, 1, mem) == 0, "init direct");
    tlb_lookup(&t, 5);
    tlb_invalidate(&t, 5);
    EXPECT(tlb_lookup(&t, 5) == 0 && t.resident == 1, "5 refilled");
    EXPECT(!tlb_model_check(&t), "%s", tlb_model_check(&t));
    free(mem);
}

/* The miss rate in integers, and its printed form. */
static void rate_cases(void)
{
    struct tlb_model t;
    void *mem = malloc(tlb_model_bytes(4));
    EXPECT(tlb_model_init(&t, 4, 0, mem) == 0, "init");
    EXPECT(tlb_miss_rate_milli(&t) == 0, "no lookups: rate 0");
    struct { uint64_t l, m; uint32_t milli; const char *text; } r[] = {
        { 2064, 3, 145, "miss rate 0.145%" },      /* 0.14535%: rounds down */
        { 3, 1, 33333, "miss rate 33.333%" },
        { 3, 2, 66667, "miss rate 66.667%" },      /* rounds up */
        { 7, 7, 100000, "miss rate 100.000%" },
        { 2060040, 30, 1, "miss rate 0.001%" },
        { 1ull << 63, 1ull << 62, 50000, "miss rate 50.000%" },  /* no overflow */
        { UINT64_MAX, UINT64_MAX, 100000, "miss rate 100.000%" },
    };
    for (uint32_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        t.lookups = r[i].l, t.misses = r[i].m;
        EXPECT(tlb_miss_rate_milli(&t) == r[i].milli, "%llu/%llu: %u, want %u",
               (unsigned long long)r[i].m, (unsigned long long)r[i].l, tlb_miss_rate_milli(&t),
               r[i].milli);
        tlb_model_print(&t, "rate");
        EXPECT(strstr(shim_last, r[i].text), "printed \"%s\", want \"%s\"", shim_last, r[i].text);
    }
    free(mem);
}

/* Bad shapes: each refused with -E_INVAL and one message naming it. */
static void bad_cases(void)
{
    struct tlb_model t;
    void *mem = malloc(tlb_model_bytes(64) + 1);
    struct { uint32_t entries, ways; const char *named; } bad[] = {
        { 0, 0, "0 entries" },
        { TLB_MODEL_MAX_ENTRIES + 1, 0, "65537 entries" },
        { 8, 16, "16 ways" },
        { 12, 5, "5 ways" },
        { 12, 4, "3 sets" },
        { 24, 1, "24 sets" },
        { 48, 16, "3 sets" },
    };
    for (uint32_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int before = shim_messages;
        int e = tlb_model_init(&t, bad[i].entries, bad[i].ways, mem);
        EXPECT(e == -E_INVAL, "%u/%u accepted (%d)", bad[i].entries, bad[i].ways, e);
        EXPECT(shim_messages == before + 1 && strstr(shim_last, bad[i].named),
               "%u/%u: message \"%s\" does not name \"%s\"", bad[i].entries, bad[i].ways,
               shim_last, bad[i].named);
    }
    EXPECT(tlb_model_init(&t, 8, 0, NULL) == -E_INVAL, "null memory accepted");
    EXPECT(tlb_model_init(&t, 8, 0, (char *)mem + 1) == -E_INVAL, "misaligned memory accepted");
    EXPECT(tlb_model_bytes(0) == 0 && tlb_model_bytes(TLB_MODEL_MAX_ENTRIES + 1) == 0, "bytes");
    /* Good odd shapes: 3 ways (4 sets), and WAYS = ENTRIES. */
    EXPECT(tlb_model_init(&t, 12, 3, mem) == 0 && t.nsets == 4, "12/3");
    EXPECT(tlb_model_init(&t, 64, 64, mem) == 0 && t.nsets == 1, "64/64");
    EXPECT(tlb_model_init(&t, 64, 0, mem) == 0 && t.ways == 64, "64/0");
    free(mem);
}

int main(void)
{
    /* Shapes: (entries, ways), 0 = fully associative. */
    static const uint32_t shapes[][2] = {
        { 1, 0 }, { 2, 1 }, { 4, 2 }, { 8, 0 }, { 12, 3 }, { 16, 4 }, { 64, 1 },
        { 64, 8 }, { 96, 3 }, { 128, 0 }, { 512, 4 }, { 512, 0 },
    };
    for (uint32_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        uint32_t e = shapes[i][0], w = shapes[i][1];
        uint32_t n = e >= 512 ? 60000 : 200000;     /* the reference is O(entries) */
        run_random(e, w, n);
        run_drift(e, w, n);
        run_structured(e, w, e >= 512 ? 3 : 20);
        struct pair p;
        pair_init(&p, e, w, "matmul");
        uint32_t pages = run_matmul(40, &p);
        if (w == 0 && pages <= e)
            EXPECT(p.t.misses == pages, "matmul in %u entries: %llu misses, %u pages", e,
                   (unsigned long long)p.t.misses, pages);
        pair_done(&p);
        printf("test_tlb: %u entries %u-way agrees with the reference\n", e, w ? w : e);
    }
    hand_cases();
    invalidate_cases();
    rate_cases();
    bad_cases();
    printf("test_tlb: all checks passed\n");
    return 0;
}
