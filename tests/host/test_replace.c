/* tests/host/test_replace.c - the replacement policies and OPT/LRU on the host.
 *
 * The policies in mm/replace/ see pages only through struct pte_bits;
 * here the model pager of mm/replace/sim.c stands in for the page
 * tables and mm/pager.c: it fills free slots first, then victim(),
 * evicted(), fault_in() into the same slot, and then the access itself
 * sets A (and D on a write).  It counts faults, disk reads and disk
 * writes by the rules of mm/refstring.h.  After every step it is
 * checked here that the policy answered sensibly (the model notes any
 * victim slot out of range or empty, any A/D query about a page that is
 * not resident) and that CLOCK-Pro's circle is consistent.
 *
 * What is checked, and why it would fail:
 *   - the registry finds every policy it lists, by its name;
 *   - struct policy is small and each policy's arrays grow with its
 *     frames, not with POLICY_MAX_FRAMES;
 *   - Belady's anomaly: FIFO faults 9 times with 3 frames and 10 times
 *     with 4 on 1 2 3 4 1 2 5 1 2 3 4 5, while LRU and OPT do not;
 *   - fault counts and victims traced by hand for clock, second_chance,
 *     aging, fifo on a small string; enhanced_clock picks the clean page;
 *   - opt_simulate and lru_simulate agree, faults, reads and writes, with
 *     brute-force versions (an O(n*k) scan for OPT, timestamps for LRU)
 *     on thousands of small random strings;
 *   - the 100-page loop with 50 frames: OPT exactly 600 faults in 11
 *     passes (worked out below), LRU/FIFO/CLOCK 1100, CLOCK-Pro far fewer,
 *     also when the loop follows a scan; CLOCK-Pro resists scans that
 *     push CLOCK's hot pages out;
 *   - OPT faults no more than any policy and than LRU, on random,
 *     hot/cold and looping strings;
 *   - enhanced_clock writes fewer pages than clock when writes are common;
 *   - random gives the same victims for the same seed;
 *   - no policy ever returns a slot out of range or empty, or asks about
 *     a page that is not resident, at 1 to 1024 frames, with timer ticks,
 *     also when pages are freed, memory is not full at victim() time, or
 *     an eviction fails, as mm/pager.c may do;
 *   - CLOCK-Pro's circle stays consistent (counts, links, hands, the hash
 *     table of its ghosts) after every fault, and so do CAR's four lists;
 *   - CAR evicts exactly the pages that the paper's Figure 2, run on
 *     plain arrays, evicts, and resists scans that flush CLOCK.
 * It prints a table of the costs of every policy on four workloads. */
#include <stdint.h>
#include <string.h>
#include "tests/host/shim.h"
#include "tests/util.h"
#include "mm/replace/policy.h"
#include "mm/refstring.h"
#include "mm/replace/sim.h"

#include <stdlib.h>

#define MAXPAGES 4096           /* for brute force and OPT/LRU; the model takes any */
#define MAXREFS  60000

/* ---- CLOCK-Pro's circle, checked from outside ---- */

/* Entry E of a policy's table (page VPN[E], slot SLOT[E]) against P's
 * slots and the hash table G: a GHOST has no slot and is in G; a
 * resident entry's slot points back at it, and its page has no ghost. */
static void check_entry(const struct policy *p, const struct ghosts *g, const uint32_t *vpn,
                        const uint16_t *slot, const uint16_t *slot_entry, uint32_t e, int ghost)
{
    if (ghost) {
        EXPECT(slot[e] == POLICY_NO_SLOT, "ghost %u has slot %u", e, slot[e]);
        EXPECT(ghosts_find(g, vpn[e]) == e, "ghost %u not in the hash", e);
    } else {
        EXPECT(slot[e] < p->nframes && slot_entry[slot[e]] == e && p->vpn[slot[e]] == vpn[e],
               "entry %u and its slot disagree", e);
        EXPECT(ghosts_find(g, vpn[e]) == GHOST_NIL, "resident page %u also has a ghost", vpn[e]);
    }
}

/* clock_pro.c's entry states, repeated here for this white-box check. */
enum { PRO_UNUSED, PRO_HOT, PRO_COLD, PRO_TEST, PRO_GHOST };

/* Walk P's circle and check it against its counters, its slots and
 * RESIDENT, the number of pages the simulator has in memory.  After
 * fault_in() there are at most nframes ghosts; between evicted() and the
 * next fault_in() there may be EXTRA more. */
static void check_pro(const struct policy *p, uint32_t resident, uint32_t extra)
{
    const struct clock_pro *c = &p->u.pro;
    uint32_t n[5] = {0}, len = 0;
    if (c->head != 0xFFFF) {
        uint32_t e = c->head;
        do {
            EXPECT(c->state[e] != PRO_UNUSED, "unused entry %u on the circle", e);
            EXPECT(c->back[c->fwd[e]] == e, "broken links at entry %u", e);
            n[c->state[e]]++;
            check_entry(p, &c->ghosts, c->vpn, c->slot, c->slot_entry, e,
                        c->state[e] == PRO_GHOST);
            e = c->fwd[e];
            EXPECT(++len <= 2 * p->nframes + 1, "circle longer than its capacity");
        } while (e != c->head);
    }
    EXPECT(n[PRO_HOT] == c->nhot && n[PRO_COLD] + n[PRO_TEST] == c->ncold &&
           n[PRO_GHOST] == c->nghost && n[PRO_TEST] + n[PRO_GHOST] == c->ntest,
           "counters hot %u cold %u ghost %u test %u, circle %u %u %u %u",
           c->nhot, c->ncold, c->nghost, c->ntest,
           n[PRO_HOT], n[PRO_COLD] + n[PRO_TEST], n[PRO_GHOST], n[PRO_TEST] + n[PRO_GHOST]);
    EXPECT(c->nhot + c->ncold == resident, "%u hot + %u cold pages, %u resident",
           c->nhot, c->ncold, resident);
    EXPECT(c->nghost <= p->nframes + extra, "%u ghosts for %u frames", c->nghost, p->nframes);
    EXPECT(c->cold_target >= c->cold_min && c->cold_target <= c->cold_max, "cold target %u",
           c->cold_target);
    EXPECT(c->nhot == 0 || c->state[c->hand_hot] == PRO_HOT, "hand_hot off a hot page");
    EXPECT(c->ncold == 0 || c->state[c->hand_cold] == PRO_COLD ||
           c->state[c->hand_cold] == PRO_TEST, "hand_cold off a cold page");
    EXPECT(c->ntest == 0 || c->state[c->hand_test] == PRO_TEST ||
           c->state[c->hand_test] == PRO_GHOST, "hand_test off a test entry");
}

/* ---- CAR's lists, checked from outside ---- */

/* car.c's lists, repeated here for this white-box check. */
enum { CAR_T1, CAR_T2, CAR_B1, CAR_B2 };

/* Walk P's four lists and check their links and lengths, each entry's
 * slot or ghost, CAR's bounds on the directory, and that RESIDENT pages
 * are on T1 and T2. */
static void check_car(const struct policy *p, uint32_t resident)
{
    const struct car *c = &p->u.car;
    uint32_t total = 0;
    for (uint8_t k = 0; k < 4; k++) {
        uint32_t len = 0, prev = ILIST_NIL;
        for (uint32_t e = c->l[k].head; e != ILIST_NIL; e = c->links.next[e]) {
            EXPECT(c->list[e] == k && c->links.prev[e] == prev, "list %u broken at %u", k, e);
            EXPECT(++len <= 2 * p->nframes, "list %u longer than the table", k);
            check_entry(p, &c->ghosts, c->vpn, c->slot, c->slot_entry, e, k >= CAR_B1);
            prev = e;
        }
        EXPECT(len == c->l[k].len && prev == c->l[k].tail, "list %u: %u entries, len %u", k,
               len, c->l[k].len);
        total += len;
    }
    EXPECT(c->l[CAR_T1].len + c->l[CAR_T2].len == resident, "T1 %u + T2 %u, %u resident",
           c->l[CAR_T1].len, c->l[CAR_T2].len, resident);
    EXPECT(c->l[CAR_T1].len + c->l[CAR_B1].len <= p->nframes && total <= 2 * p->nframes &&
           c->target <= p->nframes, "T1 %u B1 %u total %u target %u, %u frames",
           c->l[CAR_T1].len, c->l[CAR_B1].len, total, c->target, p->nframes);
}

/* ---- The pager: the model of mm/replace/sim.c, checked at every step ---- */

static struct policy pol;
static struct sim S;
static void *sim_mem;           /* the model's and the policy's memory, exactly sized */

/* After every step of the model: nothing wrong so far, and (for
 * CLOCK-Pro) its circle consistent. */
static void after_step(struct sim *s, uint32_t extra)
{
    EXPECT(!s->err, "%s %s (page or slot %u)", s->ops->name, s->err, s->err_page);
    if (strcmp(s->ops->name, "clock_pro") == 0)
        check_pro(s->pol, s->nres, extra);
    if (strcmp(s->ops->name, "car") == 0)
        check_car(s->pol, s->nres);
}

/* Start policy OPS afresh over NFRAMES empty slots and NPAGES pages. */
static void sim_start(const struct policy_ops *ops, uint32_t nframes, uint32_t npages,
                      uint32_t seed)
{
    /* Exactly what the model and the policy asked for, so that ASan
     * catches an array carved too short. */
    free(sim_mem);
    sim_mem = malloc(sim_work_bytes(ops, npages, nframes));
    EXPECT(sim_mem, "no memory for %u pages, %u frames", npages, nframes);
    sim_init(&S, ops, &pol, nframes, npages, seed, sim_mem);
    S.after = after_step;
}

/* Run policy OPS with NFRAMES frames over the N references REFS (pages
 * below NPAGES), calling tick() before every TICK-th reference (0:
 * never).  Stores the counts in *OUT and, if VICTIMS is not 0, the page
 * evicted at each eviction in VICTIMS[0..]. */
static void simulate(const struct policy_ops *ops, const uint32_t *refs, uint32_t n,
                     uint32_t nframes, uint32_t npages, uint32_t seed, uint32_t tick,
                     struct ref_result *out, uint32_t *victims)
{
    uint32_t nv = 0;
    sim_start(ops, nframes, npages, seed);
    for (uint32_t i = 0; i < n; i++) {
        if (tick && i % tick == tick - 1)
            sim_tick(&S);
        uint32_t v = sim_ref(&S, refs[i]);
        if (victims && v != SIM_NONE)
            victims[nv++] = v;
    }
    after_step(&S, 0);
    *out = S.count;
}

/* ---- Reference strings ---- */

static uint32_t rng = 12345;
static uint32_t rnd(void) { return rand_next(&rng); }

/* Fold consecutive references to one page into one (ORing the write
 * bits), as the kernel's recorder does.  Returns the new length. */
static uint32_t fold(uint32_t *refs, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (k && REF_VPN(refs[k - 1]) == REF_VPN(refs[i]))
            refs[k - 1] |= refs[i] & 1;
        else
            refs[k++] = refs[i];
    }
    return k;
}

/* N references to pages 0..NPAGES-1 uniformly at random, WPCT% writes. */
static uint32_t make_uniform(uint32_t *refs, uint32_t n, uint32_t npages, uint32_t wpct)
{
    for (uint32_t i = 0; i < n; i++)
        refs[i] = REF(rnd() % npages, rnd() % 100 < wpct);
    return fold(refs, n);
}

/* HOTPCT% of N references go to the first NHOT pages, the rest to the
 * others of NPAGES; WPCT% writes. */
static uint32_t make_hotcold(uint32_t *refs, uint32_t n, uint32_t npages, uint32_t nhot,
                             uint32_t hotpct, uint32_t wpct)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = rnd() % 100 < hotpct ? rnd() % nhot : nhot + rnd() % (npages - nhot);
        refs[i] = REF(v, rnd() % 100 < wpct);
    }
    return fold(refs, n);
}

/* PASSES sweeps over pages 0..NPAGES-1; pages that are multiples of
 * WEVERY are written (0: none). */
static uint32_t make_loop(uint32_t *refs, uint32_t npages, uint32_t passes, uint32_t wevery)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < passes; p++)
        for (uint32_t v = 0; v < npages; v++)
            refs[n++] = REF(v, wevery && v % wevery == 0);
    return n;
}

/* 40 rounds of: 30 hot pages used three times over, then 40 pages never
 * seen before (1700 pages in all).  Returns the length, 5200. */
static uint32_t make_hot_and_scans(uint32_t *refs)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < 40; r++) {
        for (uint32_t k = 0; k < 3; k++)
            for (uint32_t v = 0; v < 30; v++)
                refs[n++] = REF(v, 0);
        for (uint32_t v = 0; v < 40; v++)
            refs[n++] = REF(100 + r * 40 + v, 0);
    }
    return n;
}

/* ---- Brute-force references for OPT and LRU ---- */

/* Shared by the two: the fault/read/write rules over resident set RES. */
struct brute {
    uint32_t res[64], nres;
    uint8_t dirty[MAXPAGES], copy[MAXPAGES];
    struct ref_result r;
};

static int brute_find(struct brute *b, uint32_t v)
{
    for (uint32_t j = 0; j < b->nres; j++)
        if (b->res[j] == v)
            return (int)j;
    return -1;
}

static void brute_evict(struct brute *b, uint32_t j)
{
    uint32_t u = b->res[j];
    if (b->dirty[u]) {
        b->r.disk_writes++;
        b->copy[u] = 1;
    }
    b->dirty[u] = 0;
    b->res[j] = b->res[--b->nres];
}

static void brute_load(struct brute *b, uint32_t v)
{
    b->r.faults++;
    if (b->copy[v])
        b->r.disk_reads++;
    b->res[b->nres++] = v;
}

/* LRU by timestamps: evict the resident page with the oldest last use. */
static struct ref_result brute_lru(const uint32_t *refs, uint32_t n, uint32_t k)
{
    static struct brute b;
    static uint32_t last[MAXPAGES];
    memset(&b, 0, sizeof b);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = REF_VPN(refs[i]);
        if (brute_find(&b, v) < 0) {
            if (b.nres == k) {
                uint32_t best = 0;
                for (uint32_t j = 1; j < b.nres; j++)
                    if (last[b.res[j]] < last[b.res[best]])
                        best = j;
                brute_evict(&b, best);
            }
            brute_load(&b, v);
        }
        last[v] = i;
        if (REF_WRITE(refs[i]))
            b.dirty[v] = 1;
    }
    return b.r;
}

/* OPT by scanning ahead for each resident page's next use; a page never
 * used again goes first, a clean one before a dirty one. */
static struct ref_result brute_opt(const uint32_t *refs, uint32_t n, uint32_t k)
{
    static struct brute b;
    memset(&b, 0, sizeof b);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = REF_VPN(refs[i]);
        if (brute_find(&b, v) < 0) {
            if (b.nres == k) {
                uint32_t best = 0;
                uint64_t best_score = 0;
                for (uint32_t j = 0; j < b.nres; j++) {
                    uint32_t t = i + 1;
                    while (t < n && REF_VPN(refs[t]) != b.res[j])
                        t++;
                    uint64_t score = (uint64_t)t * 2 + !b.dirty[b.res[j]];
                    if (score > best_score) {
                        best_score = score;
                        best = j;
                    }
                }
                brute_evict(&b, best);
            }
            brute_load(&b, v);
        }
        if (REF_WRITE(refs[i]))
            b.dirty[v] = 1;
    }
    return b.r;
}

/* ---- Tests ---- */

static uint32_t refs[MAXREFS];
static uint8_t work[4 * (MAXREFS + 2 * MAXPAGES + POLICY_MAX_FRAMES) + MAXPAGES]
    __attribute__((aligned(4)));

static struct ref_result opt(const uint32_t *r, uint32_t n, uint32_t k, uint32_t npages)
{
    struct ref_result out;
    EXPECT(refstring_work_bytes(n, npages, k) <= sizeof work, "work area too small");
    opt_simulate(r, n, k, npages, work, &out);
    return out;
}

static struct ref_result lru(const uint32_t *r, uint32_t n, uint32_t k, uint32_t npages)
{
    struct ref_result out;
    EXPECT(refstring_work_bytes(n, npages, k) <= sizeof work, "work area too small");
    lru_simulate(r, n, k, npages, work, &out);
    return out;
}

static struct ref_result run(const char *name, const uint32_t *r, uint32_t n, uint32_t k,
                             uint32_t npages, uint32_t *victims)
{
    struct ref_result out;
    const struct policy_ops *ops = policy_find(name);
    EXPECT(ops, "no policy %s", name);
    simulate(ops, r, n, k, npages, 1, 0, &out, victims);
    return out;
}

static int same(struct ref_result a, struct ref_result b)
{
    return a.faults == b.faults && a.disk_reads == b.disk_reads && a.disk_writes == b.disk_writes;
}

/* The registry, whatever policies it holds: every name it lists is
 * found under that name, names are unique, every policy has the
 * operations the pager calls, and unknown names are not found.  Adding
 * a policy needs no edit here. */
static void test_registry(void)
{
    int i;
    for (i = 0; policy_name(i); i++) {
        const struct policy_ops *ops = policy_find(policy_name(i));
        EXPECT(ops && strcmp(ops->name, policy_name(i)) == 0, "policy_find(%s)", policy_name(i));
        EXPECT(ops->init && ops->victim, "%s lacks init or victim", ops->name);
        for (int k = 0; k < i; k++)
            EXPECT(strcmp(policy_name(k), policy_name(i)) != 0, "%s listed twice", ops->name);
    }
    EXPECT(i > 0, "no policy listed");
    EXPECT(policy_name(-1) == 0 && policy_find("lru") == 0 && policy_find("") == 0,
           "unknown names must not be found");
    printf("(registry) %d policies, each found by its name\n", i);
}

/* Each policy's state is struct policy (small: the pager embeds it)
 * plus policy_bytes() of arrays that grow linearly with the frames: no
 * policy may keep an array sized for POLICY_MAX_FRAMES. */
static void test_memory(void)
{
    EXPECT(sizeof(struct policy) <= 256, "struct policy is %zu bytes", sizeof(struct policy));
    uint32_t most = 0;
    for (int i = 0; policy_name(i); i++) {
        const struct policy_ops *ops = policy_find(policy_name(i));
        uint32_t small = policy_bytes(ops, 10), big = policy_bytes(ops, POLICY_MAX_FRAMES);
        EXPECT(small <= 100 * 10 && big <= 100 * POLICY_MAX_FRAMES, "%s: %u bytes for 10 "
               "frames, %u for %u", ops->name, small, big, POLICY_MAX_FRAMES);
        if (big > most) most = big;
    }
    printf("(memory) struct policy %zu bytes; at most %u bytes of arrays for %u frames\n",
           sizeof(struct policy), most, POLICY_MAX_FRAMES);
}

/* Belady (1969): FIFO does worse with more memory on this string.  LRU
 * and OPT are stack algorithms: more memory never hurts them. */
static void test_belady(void)
{
    static const uint32_t s[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
    uint32_t r[12];
    for (int i = 0; i < 12; i++)
        r[i] = REF(s[i], 0);
    uint32_t f3 = run("fifo", r, 12, 3, 8, 0).faults, f4 = run("fifo", r, 12, 4, 8, 0).faults;
    EXPECT(f3 == 9 && f4 == 10, "fifo: %u faults with 3 frames, %u with 4", f3, f4);
    EXPECT(lru(r, 12, 3, 8).faults == 10 && lru(r, 12, 4, 8).faults == 8, "lru 10/8");
    EXPECT(opt(r, 12, 3, 8).faults == 7 && opt(r, 12, 4, 8).faults == 6, "opt 7/6");
    printf("(belady) fifo 9 faults with 3 frames, 10 with 4; lru 10/8; opt 7/6\n");
}

/* 1 2 3 4 2 5 3 2 4 with 3 frames, traced by hand (slots s0 s1 s2, all
 * pages start with A = 1 from their faulting access):
 *
 *   clock: 1 2 3 fill.  4: the hand clears s0 s1 s2, comes back to s0
 *   with A = 0: evicts 1.  2 hits (A = 1 again).  5: s1 (2) used, clear;
 *   s2 (3) unused: evicts 3.  3: s0 (4) used, clear; s1 (2) unused:
 *   evicts 2.  2: s2 (5) used, clear; s0 (4) unused: evicts 4.  4: s1 (3)
 *   used, clear; s2 (5) unused: evicts 5.  8 faults, victims 1 3 2 4 5.
 *   second_chance moves the same pages to the back of its line.
 *
 *   aging (with 3 frames it samples at every victim, before choosing,
 *   so every A is clear when it compares): at 4 all ages are 80, and the
 *   oldest load (1) goes.  At 5: 4=80, 2=C0, 3=40: evicts 3.  At 3: 4=40, 2=60, 5=80:
 *   evicts 4.  2 hits.  At 4: 3=80, 2=B0, 5=40: evicts 5.  7 faults.
 *
 *   fifo evicts 1, 2, 3: 6 faults.  LRU evicts 1, 3, 4, 5: 7.  OPT 6. */
static void test_hand_traces(void)
{
    static const uint32_t s[] = { 1, 2, 3, 4, 2, 5, 3, 2, 4 };
    static const uint32_t clock_victims[] = { 1, 3, 2, 4, 5 };
    static const uint32_t aging_victims[] = { 1, 3, 4, 5 };
    uint32_t r[9], vict[16];
    for (int i = 0; i < 9; i++)
        r[i] = REF(s[i], 0);
    const char *clocks[] = { "clock", "second_chance" };
    for (int c = 0; c < 2; c++) {
        EXPECT(run(clocks[c], r, 9, 3, 8, vict).faults == 8, "%s faults", clocks[c]);
        EXPECT(memcmp(vict, clock_victims, sizeof clock_victims) == 0,
               "%s victims %u %u %u %u %u", clocks[c], vict[0], vict[1], vict[2], vict[3],
               vict[4]);
    }
    EXPECT(run("aging", r, 9, 3, 8, vict).faults == 7 &&
           memcmp(vict, aging_victims, sizeof aging_victims) == 0, "aging trace");
    EXPECT(run("fifo", r, 9, 3, 8, 0).faults == 6, "fifo trace");
    EXPECT(lru(r, 9, 3, 8).faults == 7 && opt(r, 9, 3, 8).faults == 6, "lru/opt trace");

    /* enhanced_clock: write 1, read 2 3, then 4 needs a frame.  All three
     * are (1,x); the second sweep clears A, and the next (0,0) is 2, not
     * the dirty 1 that clock evicts. */
    uint32_t w[4] = { REF(1, 1), REF(2, 0), REF(3, 0), REF(4, 0) };
    run("enhanced_clock", w, 4, 3, 8, vict);
    EXPECT(vict[0] == 2, "enhanced_clock evicted %u, not the clean 2", vict[0]);
    run("clock", w, 4, 3, 8, vict);
    EXPECT(vict[0] == 1, "clock evicted %u", vict[0]);
    /* CLOCK and second chance are one algorithm in two data structures. */
    for (int t = 0; t < 50; t++) {
        static uint32_t v1[MAXREFS], v2[MAXREFS];
        uint32_t npages = 10 + rnd() % 100, k = 1 + rnd() % 40;
        uint32_t n = make_hotcold(refs, 3000, npages, 1 + npages / 5, 80, 0);
        struct ref_result a = run("clock", refs, n, k, npages, v1);
        struct ref_result b = run("second_chance", refs, n, k, npages, v2);
        EXPECT(a.faults == b.faults && (a.faults <= k ||
               memcmp(v1, v2, (a.faults - k) * sizeof v1[0]) == 0),
               "clock and second_chance disagree (k=%u)", k);
    }
    printf("(hand traces) clock and second_chance 8 faults, victims 1 3 2 4 5; aging 7; "
           "fifo 6; lru 7; opt 6; enhanced_clock spares the dirty page; clock and "
           "second_chance evict alike on 50 random strings\n");
}

/* opt_simulate and lru_simulate against the brute-force versions. */
static void test_brute(void)
{
    int cases = 0;
    for (int t = 0; t < 3000; t++) {
        uint32_t npages = 1 + rnd() % 12, k = 1 + rnd() % 8;
        uint32_t n = make_uniform(refs, 1 + rnd() % 150, npages, rnd() % 101);
        struct ref_result a = opt(refs, n, k, npages), b = brute_opt(refs, n, k);
        EXPECT(same(a, b), "opt n=%u k=%u pages=%u: %u/%u/%u, brute force %u/%u/%u", n, k,
               npages, a.faults, a.disk_reads, a.disk_writes, b.faults, b.disk_reads,
               b.disk_writes);
        a = lru(refs, n, k, npages);
        b = brute_lru(refs, n, k);
        EXPECT(same(a, b), "lru n=%u k=%u pages=%u: %u/%u/%u, brute force %u/%u/%u", n, k,
               npages, a.faults, a.disk_reads, a.disk_writes, b.faults, b.disk_reads,
               b.disk_writes);
        cases++;
    }
    /* Longer strings, more frames. */
    for (int t = 0; t < 20; t++) {
        uint32_t npages = 40 + rnd() % 200, k = 4 + rnd() % 60;
        uint32_t n = t % 2 ? make_uniform(refs, 1500, npages, 40)
                           : make_hotcold(refs, 1500, npages, npages / 5, 80, 40);
        struct ref_result a = opt(refs, n, k, npages), b = brute_opt(refs, n, k);
        EXPECT(same(a, b), "opt (long) n=%u k=%u", n, k);
        a = lru(refs, n, k, npages);
        b = brute_lru(refs, n, k);
        EXPECT(same(a, b), "lru (long) n=%u k=%u", n, k);
        cases++;
    }
    printf("(brute force) opt and lru agree with O(n*k) scans on %d strings\n", cases);
}

/* The loop 0..99 eleven times with 50 frames.
 *
 * OPT.  Pass 1 faults on all 100 pages.  Once memory is full, the page
 * OPT evicts is the one just loaded before (used farthest in the future,
 * a lap away), so pass 1 ends with 0..48 and 99 resident.  In pass 2,
 * 0..48 hit; 49 evicts 48 (next used latest of all); 50 evicts 49; ...;
 * 98 evicts 97; 99 hits.  That is 50 faults (49..98), and pass 2 ends
 * with 0..47, 98, 99 resident: the same picture shifted by one.  Each
 * later pass likewise hits on exactly 50 pages and faults on the other
 * 50, so OPT takes 100 + 10 * 50 = 600 faults.  (The brief's guess of
 * 600 is right.)  LRU, FIFO and CLOCK evict the page needed soonest and
 * fault on all 1100 references.
 *
 * With every reference a write, every eviction writes (OPT: 600 - 50 =
 * 550) and every refault reads (500).  With none, nothing ever goes to
 * swap: the refaults are all demand-zero. */
static void test_loop(void)
{
    uint32_t n = make_loop(refs, 100, 11, 1);
    struct ref_result o = opt(refs, n, 50, 100), l = lru(refs, n, 50, 100);
    EXPECT(o.faults == 600 && o.disk_writes == 550 && o.disk_reads == 500,
           "opt on the written loop: %u/%u/%u", o.faults, o.disk_reads, o.disk_writes);
    EXPECT(l.faults == 1100 && l.disk_writes == 1050 && l.disk_reads == 1000, "lru loop");
    n = make_loop(refs, 100, 11, 0);
    o = opt(refs, n, 50, 100);
    EXPECT(o.faults == 600 && o.disk_writes == 0 && o.disk_reads == 0, "opt read-only loop");
    const char *all1100[] = { "fifo", "second_chance", "clock", "aging" };
    for (int i = 0; i < 4; i++)
        EXPECT(run(all1100[i], refs, n, 50, 100, 0).faults == 1100, "%s on the loop",
               all1100[i]);
    struct ref_result c = run("clock", refs, n, 50, 100, 0);
    struct ref_result p = run("clock_pro", refs, n, 50, 100, 0);
    EXPECT(p.faults * 100 <= o.faults * 105, "clock_pro %u faults, more than 5%% above OPT's %u",
           p.faults, o.faults);
    EXPECT(p.faults >= o.faults, "clock_pro beat OPT");
    printf("(loop) 100 pages, 50 frames, 11 passes: opt 600, lru/fifo/clock/aging 1100, "
           "clock_pro %u\n", p.faults);

    /* The same loop after 300 other pages have gone through memory once:
     * CLOCK-Pro's start-up rule makes the first of those pages hot, and
     * they are demoted only as loop pages are promoted, so here it does no
     * better than CLOCK (the trade-off clock_pro.c describes).  It must
     * not do worse. */
    uint32_t m = 0;
    for (uint32_t v = 100; v < 400; v++)
        refs[m++] = REF(v, 0);
    m += make_loop(refs + m, 100, 11, 0);
    c = run("clock", refs, m, 50, 400, 0);
    p = run("clock_pro", refs, m, 50, 400, 0);
    o = opt(refs, m, 50, 400);
    EXPECT(p.faults <= c.faults, "after a scan: clock_pro %u, clock %u", p.faults, c.faults);
    printf("(loop) the same after a 300-page scan: opt %u, clock %u, clock_pro %u\n",
           o.faults, c.faults, p.faults);

    /* Scan resistance: 30 hot pages used three times over, then 40 pages
     * never seen before, again and again.  CLOCK lets each scan push the
     * hot pages out; CLOCK-Pro keeps them hot and lets the scan pass
     * through its cold pages. */
    m = make_hot_and_scans(refs);
    c = run("clock", refs, m, 50, 1700, 0);
    p = run("clock_pro", refs, m, 50, 1700, 0);
    o = opt(refs, m, 50, 1700);
    EXPECT(p.faults < c.faults * 7 / 10, "scans: clock_pro %u, clock %u", p.faults, c.faults);
    printf("(scan) 30 hot pages and 40-page scans, 50 frames: opt %u, lru %u, clock %u, "
           "clock_pro %u\n", o.faults, lru(refs, m, 50, 1700).faults, c.faults, p.faults);
}

/* OPT is optimal: no policy, and not LRU, faults less, on any string. */
static void test_opt_bound(void)
{
    int checks = 0;
    for (int t = 0; t < 60; t++) {
        uint32_t npages = 20 + rnd() % 300, k = 1 + rnd() % 64, n;
        switch (t % 3) {
        case 0:  n = make_uniform(refs, 4000, npages, 30); break;
        case 1:  n = make_hotcold(refs, 4000, npages, 1 + npages / 10, 90, 30); break;
        default: n = make_loop(refs, npages, 4000 / npages, 3); break;
        }
        uint32_t best = opt(refs, n, k, npages).faults;
        EXPECT(best <= lru(refs, n, k, npages).faults, "lru beat opt");
        for (int i = 0; policy_name(i); i++) {
            struct ref_result r;
            simulate(policy_find(policy_name(i)), refs, n, k, npages, t, 7, &r, 0);
            EXPECT(best <= r.faults, "%s: %u faults, opt %u (n=%u k=%u pages=%u)",
                   policy_name(i), r.faults, best, n, k, npages);
            checks++;
        }
    }
    printf("(opt bound) opt <= lru and <= every policy in %d runs\n", checks);
}

/* enhanced_clock exists to write less: on a uniform string with many
 * writes, it must write fewer pages than clock. */
static void test_writes(void)
{
    for (uint32_t wpct = 20; wpct <= 60; wpct += 20) {
        uint32_t n = make_uniform(refs, 30000, 200, wpct);
        struct ref_result c = run("clock", refs, n, 100, 200, 0);
        struct ref_result e = run("enhanced_clock", refs, n, 100, 200, 0);
        EXPECT(e.disk_writes < c.disk_writes, "%u%% writes: enhanced_clock wrote %u, clock %u",
               wpct, e.disk_writes, c.disk_writes);
        printf("(writes) uniform 200 pages, 100 frames, %u%% writes: clock %u faults %u "
               "writes, enhanced_clock %u faults %u writes\n", wpct, c.faults, c.disk_writes,
               e.faults, e.disk_writes);
    }
}

/* CAR as Figure 2 of Bansal and Modha's paper has it, on plain arrays
 * of page numbers: a hit sets the page's reference bit, a miss with the
 * cache full runs replace() and then trims the directory, and a page
 * comes into T1, or from B1 or B2 into T2 adapting p.  One rule is
 * added, the one car.c has to follow: hits on the page faulted in last,
 * before the next fault, are not seen (they land on the A bit that the
 * fault's own access set, which car.c clears at the next fault).  Pages
 * evicted are stored in VICTIMS; returns the number of faults. */
/* The four lists of brute_car: page numbers in order, head first. */
static struct { uint32_t page[4][2 * MAXPAGES], len[4]; } cl;

/* The list holding page X (0..3: T1, T2, B1, B2) and in *AT its index; -1 if none. */
static int cl_find(uint32_t x, uint32_t *at)
{
    for (int k = 0; k < 4; k++)
        for (uint32_t i = 0; i < cl.len[k]; i++)
            if (cl.page[k][i] == x) {
                *at = i;
                return k;
            }
    return -1;
}

/* Take the page at index I out of list K and return it. */
static uint32_t cl_take(int k, uint32_t i)
{
    uint32_t x = cl.page[k][i];
    memmove(&cl.page[k][i], &cl.page[k][i + 1], (cl.len[k] - i - 1) * 4);
    cl.len[k]--;
    return x;
}

static void cl_put(int k, uint32_t x) { cl.page[k][cl.len[k]++] = x; }

static uint32_t at_least_1(uint32_t x) { return x > 1 ? x : 1; }

static uint32_t brute_car(const uint32_t *refs, uint32_t n, uint32_t c, uint32_t *victims)
{
    static uint8_t refbit[MAXPAGES];
    uint32_t p = 0, faults = 0, nv = 0, last = 0xFFFFFFFFu;
    memset(&cl.len, 0, sizeof cl.len);
    for (uint32_t r = 0; r < n; r++) {
        uint32_t x = REF_VPN(refs[r]), at;
        int where = cl_find(x, &at);
        if (where == 0 || where == 1) {             /* a hit */
            if (x != last) refbit[x] = 1;
            continue;
        }
        faults++;
        if (cl.len[0] + cl.len[1] == c) {           /* replace() */
            for (;;) {
                int from = cl.len[0] >= at_least_1(p) ? 0 : 1;
                uint32_t h = cl_take(from, 0);
                if (!refbit[h]) {
                    cl_put(from + 2, h);
                    victims[nv++] = h;
                    break;
                }
                refbit[h] = 0;
                cl_put(1, h);
            }
            if (where < 0 && cl.len[0] + cl.len[2] == c)
                cl_take(2, 0);
            else if (where < 0 && cl.len[0] + cl.len[1] + cl.len[2] + cl.len[3] == 2 * c)
                cl_take(3, 0);
        }
        where = cl_find(x, &at);
        if (where == 2)
            p = p + at_least_1(cl.len[3] / cl.len[2]) < c ? p + at_least_1(cl.len[3] / cl.len[2])
                                                           : c;
        if (where == 3)
            p = p > at_least_1(cl.len[2] / cl.len[3]) ? p - at_least_1(cl.len[2] / cl.len[3]) : 0;
        if (where >= 0)
            cl_take(where, at);
        cl_put(where < 0 ? 0 : 1, x);
        refbit[x] = 0;
        last = x;
    }
    return faults;
}

/* car.c against the paper's algorithm on plain arrays, victim for
 * victim, on hot/cold, looping and uniform strings; and the point of
 * CAR: pages used over and over survive scans that flush CLOCK. */
static void test_car(void)
{
    static uint32_t v1[MAXREFS], v2[MAXREFS];
    int strings = 0;
    for (int t = 0; t < 300; t++) {
        uint32_t npages = 5 + rnd() % 200, k = 1 + rnd() % 40, n;
        switch (t % 3) {
        case 0:  n = make_hotcold(refs, 3000, npages, 1 + npages / 5, 80, 0); break;
        case 1:  n = make_loop(refs, npages, 3000 / npages, 0); break;
        default: n = make_uniform(refs, 3000, npages, 0); break;
        }
        struct ref_result a = run("car", refs, n, k, npages, v1);
        uint32_t b = brute_car(refs, n, k, v2);
        EXPECT(a.faults == b && (b <= k || memcmp(v1, v2, (b - k) * sizeof v1[0]) == 0),
               "car %u faults, the paper's %u (k=%u pages=%u string %d)", a.faults, b, k,
               npages, t);
        strings++;
    }
    uint32_t m = make_hot_and_scans(refs);
    struct ref_result c = run("clock", refs, m, 50, 1700, 0), a = run("car", refs, m, 50, 1700, 0);
    EXPECT(a.faults < c.faults * 7 / 10, "scans: car %u, clock %u", a.faults, c.faults);
    printf("(car) the paper's algorithm, victim for victim, on %d strings; 30 hot pages and "
           "40-page scans, 50 frames: clock %u, car %u\n", strings, c.faults, a.faults);
}

/* random: the same seed gives the same victims, another seed others. */
static void test_random(void)
{
    static uint32_t v1[MAXREFS], v2[MAXREFS];
    struct ref_result a, b;
    uint32_t n = make_uniform(refs, 5000, 100, 20);
    simulate(policy_find("random"), refs, n, 30, 100, 42, 0, &a, v1);
    simulate(policy_find("random"), refs, n, 30, 100, 42, 0, &b, v2);
    EXPECT(same(a, b) && memcmp(v1, v2, (a.faults - 30) * sizeof v1[0]) == 0,
           "random with seed 42 twice differs");
    simulate(policy_find("random"), refs, n, 30, 100, 43, 0, &b, v2);
    EXPECT(memcmp(v1, v2, 100 * sizeof v1[0]) != 0, "seeds 42 and 43 give the same victims");
    simulate(policy_find("random"), refs, n, 30, 100, 0, 0, &b, v2);   /* seed 0 works too */
    printf("(random) seed 42 reproduces %u faults exactly\n", a.faults);
}

/* Every policy at sizes from 1 frame to POLICY_MAX_FRAMES, with ticks:
 * simulate() checks every victim slot and every A/D query. */
static void test_ranges(void)
{
    static const uint32_t sizes[] = { 1, 2, 3, 7, 64, 1000, 4096, POLICY_MAX_FRAMES };
    int runs = 0;
    for (unsigned z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        uint32_t k = sizes[z], npages = k < 64 ? 4 * k + 3 : k + k / 2 + 500;
        /* Enough references to fill the frames and evict a few thousand
         * times: aging's O(frames) victim scan makes more cost minutes
         * under AddressSanitizer at 16,384 frames. */
        uint32_t n = k < 64 ? make_hotcold(refs, 3000, npages, 1 + npages / 4, 70, 30)
                   : k < 1000 ? make_uniform(refs, 12000, npages, 30)
                              : make_uniform(refs, npages + 3000, npages, 30);
        for (int i = 0; policy_name(i); i++) {
            struct ref_result r;
            simulate(policy_find(policy_name(i)), refs, n, k, npages, z, 5, &r, 0);
            EXPECT(r.faults >= npages / 2 || k >= npages, "%s made few faults", policy_name(i));
            runs++;
        }
    }
    EXPECT(2 * (POLICY_MAX_FRAMES + POLICY_MAX_FRAMES / 2 + 500) <= MAXREFS, "refs[] too short");
    printf("(ranges) %d runs from 1 to %u frames, every victim in range\n", runs,
           POLICY_MAX_FRAMES);
}

/* What else mm/pager.c does: it frees pages (evicted() without a
 * victim), evicts from a pool that is not full to make room for another
 * (victim() with empty slots), and may fail to write a victim out (the
 * page stays, no evicted()).  Mixed at random into reference strings,
 * with ticks; the sim_* functions check every answer. */
static void test_pager_events(void)
{
    static const uint32_t sizes[] = { 1, 2, 5, 32, 200 };
    int events = 0;
    for (unsigned z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        uint32_t k = sizes[z], npages = 3 * k + 10;
        uint32_t n = make_hotcold(refs, 6000, npages, 1 + npages / 4, 75, 30);
        for (int i = 0; policy_name(i); i++) {
            sim_start(policy_find(policy_name(i)), k, npages, z + 7);
            for (uint32_t j = 0; j < n; j++) {
                uint32_t r = rnd() % 100;
                if (S.nres && r < 3) {                  /* the owner frees a page */
                    uint32_t s = rnd() % k;
                    while (S.slot_page[s] == SIM_NONE)
                        s = (s + 1) % k;
                    sim_remove(&S, s, 0);
                    events++;
                } else if (S.nres && r < 6) {           /* room for another pool */
                    sim_remove(&S, sim_victim(&S), 1);
                    events++;
                } else if (S.nres && r < 8) {           /* the write failed */
                    sim_victim(&S);
                    events++;
                }
                if (j % 5 == 4)
                    sim_tick(&S);
                sim_ref(&S, refs[j]);
            }
        }
    }
    printf("(pager events) %d frees, early evictions and failed evictions, every answer "
           "valid\n", events);
}

/* The table: every policy, LRU and OPT on four workloads. */
static void print_table(void)
{
    struct { const char *name; uint32_t npages, k; } w[4] = {
        { "loop 100 pages x11, 50 frames, every 4th page written", 100, 50 },
        { "uniform 200 pages, 100 frames, 30% writes", 200, 100 },
        { "hot/cold 90% on 50 of 500 pages, 100 frames, 30% writes", 500, 100 },
        { "uniform 200 pages, 100 frames, 60% writes", 200, 100 },
    };
    printf("\n%-16s %25s %25s %25s %25s\n", "faults/reads/writes", "loop", "uniform",
           "hot/cold", "write-heavy");
    uint32_t ns[4];
    static uint32_t strings[4][MAXREFS];
    rng = 12345;                /* the same strings whatever ran before */
    ns[0] = make_loop(strings[0], 100, 11, 4);
    ns[1] = make_uniform(strings[1], 20000, 200, 30);
    ns[2] = make_hotcold(strings[2], 20000, 500, 50, 90, 30);
    ns[3] = make_uniform(strings[3], 20000, 200, 60);
    for (int i = -2; policy_name(i) || i < 0; i++) {
        printf("%-16s", i == -2 ? "OPT" : i == -1 ? "LRU" : policy_name(i));
        for (int j = 0; j < 4; j++) {
            struct ref_result r;
            if (i == -2)
                r = opt(strings[j], ns[j], w[j].k, w[j].npages);
            else if (i == -1)
                r = lru(strings[j], ns[j], w[j].k, w[j].npages);
            else
                simulate(policy_find(policy_name(i)), strings[j], ns[j], w[j].k,
                         w[j].npages, 1, 1000, &r, 0);
            char cell[40];
            snprintf(cell, sizeof cell, "%u/%u/%u", r.faults, r.disk_reads, r.disk_writes);
            printf(" %25s", cell);
        }
        printf("\n");
    }
    for (int j = 0; j < 4; j++)
        printf("  %s: %s, %u references\n", j == 0 ? "loop" : j == 1 ? "uniform"
               : j == 2 ? "hot/cold" : "write-heavy", w[j].name, ns[j]);
    printf("  (a timer tick every 1000 references; random with seed 1)\n\n");
}

int main(void)
{
    test_registry();
    test_memory();
    test_belady();
    test_hand_traces();
    test_brute();
    test_loop();
    test_opt_bound();
    test_writes();
    test_random();
    test_car();
    test_ranges();
    test_pager_events();
    print_table();
    printf("test_replace: PASS\n");
    return 0;
}
