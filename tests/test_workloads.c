/* tests/test_workloads.c - the replacement experiments' workloads, checked on their own.
 *
 * workloads: every workload in tests/workloads/ runs twice over a fresh
 *   100-page region of a VMPool, with no resident limit and no swap, so
 *   nothing here depends on the pager.  Each run must pass the
 *   workload's own check (a closed form, a histogram or a shadow) and
 *   both runs must record the same page-reference string, because the
 *   experiment driver replays that string through OPT and LRU and
 *   compares it with what a real policy did: a workload whose references
 *   depended on anything but (npages, seed) would make those comparisons
 *   meaningless.  Each trace must be well formed: non-empty, folded (no
 *   page twice in a row) and naming only pages of the region; before
 *   that, the tracer is checked on a hand-written sequence of accesses.
 *   It fails if a workload computes a wrong answer, is not deterministic
 *   or touches memory outside its region, if the tracer folds, marks
 *   writes or indexes pages wrongly, or (through a byte "scan" damages
 *   on purpose) if a workload's check cannot catch a corrupted page.
 *   Finally every frame must be back in the process pool.
 *
 *   For the experimenter it prints each workload's trace length, its
 *   distinct pages, and the faults LRU would take with 3, 25 and 50
 *   frames (from LRU stack distances over the trace), since each fault
 *   costs about half a millisecond of emulated disk I/O when swapping. */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/workloads/workload.h"
#include "mm/vmpool.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "lib/string.h"

#define NPAGES 100
#define SEED 1                  /* the experiment driver's default */
#define CAP (2u << 20)          /* trace entries per buffer: sort needs ~1.6 M */

static struct vmpool wp;
static uint32_t stack[NPAGES];                  /* LRU stack: most recent first */
static uint8_t seen[NPAGES];

/* Frames the process pool has not lent to the workloads' regions: the
 * free ones plus those the pool's region table has taken (it keeps them
 * as it grows, so they are not a leak). */
static uint32_t frames_unlent(void)
{
    return free_frames() + vmpool_table_frames(&wp);
}

/* Run W over a fresh region of NPAGES pages, traced into BUF; returns
 * the trace length.  Fails the test if the run fails or the trace
 * overflows, and checks that the region's frames all come back. */
static uint32_t traced_run(const struct workload *w, uint32_t *buf)
{
    uint32_t free0 = frames_unlent();
    uint32_t r = vmpool_alloc(&wp, NPAGES * PAGE_SIZE);
    CHECK(r, "%s: no region", w->name);
    trace_start(buf, CAP, r);
    int ok = w->run(r, NPAGES, SEED);
    uint32_t n = trace_stop();
    CHECK(ok == 0, "%s: the workload's own check failed", w->name);
    CHECK(!trace_overflowed(), "%s: more than %u trace entries", w->name, CAP);
    CHECK(vmpool_release(&wp, r) == 0, "%s: release", w->name);
    CHECK(frames_unlent() == free0, "%s: %u frames not returned", w->name,
          free0 - frames_unlent());
    return n;
}

/* Check that the N entries at T form a folded trace of pages < NPAGES;
 * returns the number of distinct pages. */
static uint32_t check_trace(const char *name, const uint32_t *t, uint32_t n)
{
    uint32_t distinct = 0;
    for (int p = 0; p < NPAGES; p++)
        seen[p] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = t[i] >> 1;
        CHECK(p < NPAGES, "%s: entry %u names page %u of a %u-page region", name, i, p, NPAGES);
        CHECK(i == 0 || p != t[i - 1] >> 1, "%s: entries %u and %u both page %u (not folded)",
              name, i - 1, i, p);
        if (!seen[p]) {
            seen[p] = 1;
            distinct++;
        }
    }
    return distinct;
}

/* The faults LRU takes on the trace T of N entries with 3, 25 and 50
 * frames, into F[0..2]: a reference at LRU stack depth d (0 = the most
 * recent page) hits with more than d frames, a first reference never. */
static void lru_faults(const uint32_t *t, uint32_t n, uint32_t f[3])
{
    static const uint32_t frames[3] = { 3, 25, 50 };
    uint32_t depth = 0;                         /* pages on the stack */
    f[0] = f[1] = f[2] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = t[i] >> 1, d = 0;
        while (d < depth && stack[d] != p)
            d++;
        for (int k = 0; k < 3; k++)
            if (d == depth || d >= frames[k])   /* first touch, or fell out of k frames */
                f[k]++;
        if (d == depth)
            depth++;
        for (; d > 0; d--)
            stack[d] = stack[d - 1];
        stack[0] = p;
    }
}

/* The tracer on a hand-written sequence: repeats of a page fold into one
 * entry whatever the access size, a write anywhere in the run marks the
 * entry, and a full buffer stops the trace and says so. */
static void check_tracer(uint32_t *buf)
{
    static const uint32_t want[] = { 0 << 1 | 1, 1 << 1 | 0, 0 << 1 | 1, 2 << 1 | 0, 1 << 1 | 1 };
    uint32_t r = vmpool_alloc(&wp, 3 * PAGE_SIZE);
    CHECK(r, "region for the tracer check");
    trace_start(buf, 16, r);
    (void)wl_rd8(r + 1);                        /* page 0, read ... */
    wl_wr8(r + 5, 1);                           /* ... then written: one entry, W */
    (void)wl_rd32(r + PAGE_SIZE + 8);           /* page 1, reads only */
    (void)wl_rd8(r + 2 * PAGE_SIZE - 1);
    wl_wr32(r + 4, 2);                          /* back to page 0: a new entry */
    (void)wl_rd8(r + 2 * PAGE_SIZE);            /* page 2 */
    (void)wl_rd32(r + PAGE_SIZE);               /* page 1, read then written */
    wl_wr8(r + PAGE_SIZE + 4095, 3);
    uint32_t n = trace_stop();
    (void)wl_rd8(r);                            /* tracing is off: not recorded */
    CHECK(n == 5 && !trace_overflowed(), "tracer: %u entries, expected 5", n);
    for (uint32_t i = 0; i < n; i++)
        CHECK(buf[i] == want[i], "tracer: entry %u is 0x%x, expected 0x%x", i, buf[i], want[i]);
    trace_start(buf, 2, r);
    for (uint32_t p = 0; p < 3; p++)
        wl_wr8(r + p * PAGE_SIZE, 4);
    wl_wr8(r + 2 * PAGE_SIZE + 1, 4);
    n = trace_stop();
    CHECK(n == 2 && trace_overflowed(), "tracer: %u entries in a buffer of 2, overflow %d", n,
          trace_overflowed());
    CHECK(buf[0] == (0 << 1 | 1) && buf[1] == (1 << 1 | 1), "tracer: overflowing trace is "
          "0x%x 0x%x, expected 0x1 0x3", buf[0], buf[1]);
    CHECK(vmpool_release(&wp, r) == 0, "release");
    msg("the tracer folds, marks writes and stops when full");
}

static void test_workloads(void)
{
    uint32_t *t1 = kmalloc(CAP * 4), *t2 = kmalloc(CAP * 4);
    CHECK(t1 && t2, "no room for two traces of %u entries", CAP);
    /* Touch the buffers now, so that their frames are taken before the
     * frame counts below start and tracing cannot look like a leak. */
    memset(t1, 0, CAP * 4);
    memset(t2, 0, CAP * 4);
    uint32_t free0 = free_frames();
    CHECK(vmpool_init(&wp, "wl", 0x38000000, 8u << 20, PTE_W) == 0, "pool");
    check_tracer(t1);

    for (int i = 0; workload_at(i); i++) {
        const struct workload *w = workload_at(i);
        CHECK(workload_find(w->name) == w, "workload_find(\"%s\")", w->name);
        uint32_t n1 = traced_run(w, t1);
        uint32_t n2 = traced_run(w, t2);
        CHECK(n1 > 0, "%s: empty trace", w->name);
        CHECK(n1 == n2, "%s: %u references, then %u on the same input", w->name, n1, n2);
        for (uint32_t j = 0; j < n1; j++)
            CHECK(t1[j] == t2[j], "%s: entry %u is 0x%x, then 0x%x on the same input", w->name,
                  j, t1[j], t2[j]);
        uint32_t distinct = check_trace(w->name, t1, n1), f[3];
        lru_faults(t1, n1, f);
        msg("%-8s %8u references, %3u pages; LRU faults with 3/25/50 frames: %u/%u/%u",
            w->name, n1, distinct, f[0], f[1], f[2]);
    }
    CHECK(workload_find("nosuch") == 0, "workload_find of an unknown name");

    /* A corrupted byte must be caught: scan damages one (on page 7)
     * between its write pass and its read passes. */
    uint32_t r = vmpool_alloc(&wp, NPAGES * PAGE_SIZE);
    CHECK(r, "region for the corruption check");
    wl_scan_corrupt_at = 7 * PAGE_SIZE + 123;
    int ok = workload_find("scan")->run(r, NPAGES, SEED);
    wl_scan_corrupt_at = -1;
    CHECK(ok == -1, "scan did not notice a corrupted byte");
    msg("scan caught the corrupted byte");
    CHECK(vmpool_release(&wp, r) == 0, "release");

    CHECK(vmpool_destroy(&wp) == 0, "destroy");
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(),
          free0);
    CHECK(kfree(t1) == 0 && kfree(t2) == 0, "kfree of the trace buffers");
}

TEST("workloads", test_workloads,
     "every workload is right and deterministic without paging pressure", "mem=64 solo");
