/* tests/test_trace_replay.c - trace files replayed on real pages: textbook counts, refusals, size.
 *
 * trace_replay: the two textbook strings of replacement, as trace text
 *   (decimal, hex, comments and '*' markers), go through the kernel's
 *   trace reader (tests/trace_in.c) and are replayed on real pages
 *   (tests/trace_replay.c): real faults, evictions and swap I/O, every
 *   page's signature checked on every read.  Silberschatz's 20
 *   references at 3 frames must give FIFO 15 faults, and the OPT and LRU
 *   rows 9 and 12; Belady's string must give FIFO 9 faults at 3 frames
 *   and 10 at 4 (his anomaly).  Those counts are the textbooks', and
 *   each run's disk reads must be its faults less the first touches.
 *   Malformed traces must be refused with the line and the token named,
 *   and, with no trace disk attached, the disk reader must say so.  It
 *   fails if the reader drops, adds or misnumbers a reference, if the
 *   pager or swap counts wrong, loses a page's data, or if a bad token
 *   slips through or is blamed on the wrong line.
 * trace_replay_large: a trace generated here, 70,000 distinct sparse
 *   32-bit page numbers written once each and every 64th read back, is
 *   replayed with FIFO at 2,048 frames, past the 65,536 pages and 1,024
 *   frames the kernel could handle before: every page but the last
 *   2,048 is written to swap, into slots numbered past 65,536, and the
 *   pages read back come from swap with their signatures checked.  The
 *   counts must equal a FIFO simulation written here (a ring of resident
 *   pages, nothing else shared with the kernel), and be no fewer than
 *   OPT's.  Then a trace of 262,145 distinct pages must be refused,
 *   naming the limit and its line.  It fails if anything of the paging
 *   path (region, page tables, pager, swap slots past 65,536, DMA)
 *   breaks at this size. */
#include "tests/harness.h"
#include "tests/trace_replay.h"
#include "mm/kmalloc.h"
#include "mm/refstring.h"
#include "mm/swap.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct trace_in t;

/* Load TEXT as trace NAME, failing the test if it is refused. */
static void load(const char *name, const char *text)
{
    int rc = trace_in_text(&t, name, text);
    CHECK(rc == 0, "trace %s was refused (%d): %s", name, rc, t.err);
}

/* Replay the loaded trace under POLICY at NFRAMES frames; checks the
 * data came back right and that every fault past the first touches was
 * a disk read.  Returns the faults. */
static uint32_t replay(const char *policy, uint32_t nframes)
{
    struct exp_result r;
    int err = trace_replay_run(&t, policy, nframes, 1, &r);
    CHECK(err == 0, "%s at %u frames: the replay could not run (%d)", policy, nframes, err);
    CHECK(r.ok, "%s at %u frames: a page read back wrong", policy, nframes);
    CHECK(r.disk_reads == r.faults - t.npages, "%s at %u frames: %u faults over %u pages, "
          "but %u disk reads", policy, nframes, r.faults, t.npages, r.disk_reads);
    msg("trace %s, %s at %u frames: %u faults, %u disk reads, %u disk writes", t.name,
        policy, nframes, r.faults, r.disk_reads, r.disk_writes);
    return r.faults;
}

/* A malformed TEXT must be refused, T.err naming WHERE ("line 3") and
 * the token WHAT. */
static void refused(const char *text, const char *where, const char *what)
{
    int rc = trace_in_text(&t, "bad", text);
    CHECK(rc == -E_INVAL, "a malformed trace was taken (%d): \"%s\"", rc, text);
    CHECK(strstr(t.err, where) && strstr(t.err, what), "the refusal \"%s\" does not name "
          "%s and %s", t.err, where, what);
    msg("refused: %s", t.err);
    trace_in_free(&t);
}

static void test_trace_replay(void)
{
    load("silberschatz", "# Silberschatz, Operating System Concepts: the reference string\n"
         "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n");
    CHECK(t.n == 20 && t.npages == 6, "%u references to %u pages, not 20 to 6", t.n, t.npages);
    struct exp_result opt, lru;
    CHECK(experiment_reference(t.refs, t.n, t.npages, 3, &opt, &lru) == 0, "OPT and LRU");
    experiment_row(t.name, t.npages, 3, "opt", &opt);
    experiment_row(t.name, t.npages, 3, "lru", &lru);
    CHECK(opt.faults == 9 && lru.faults == 12, "OPT %u and LRU %u faults at 3 frames, the "
          "textbook says 9 and 12", opt.faults, lru.faults);
    uint32_t fifo = replay("fifo", 3);
    CHECK(fifo == 15, "FIFO took %u faults at 3 frames, the textbook says 15", fifo);
    trace_in_free(&t);

    load("belady", "# Belady's anomaly\n0x1 0X2 3 4 * 1 2 # one more frame, one more fault\n"
         "5\t1 2 3 4 5 *\n");
    CHECK(t.n == 12 && t.npages == 5, "%u references to %u pages, not 12 to 5", t.n, t.npages);
    uint32_t three = replay("fifo", 3), four = replay("fifo", 4);
    CHECK(three == 9 && four == 10, "FIFO took %u faults at 3 frames and %u at 4; Belady's "
          "anomaly is 9 and 10", three, four);
    trace_in_free(&t);

    refused("1 2 3\n4 5 6\n7 8x 9\n", "line 3", "'8x'");
    refused("# a comment\n\n0x10 0x\n", "line 3", "'0x'");
    refused("1 2\n4294967296\n", "line 2", "32 bits");
    refused("1 2w3\n", "line 1", "'2w3'");
    refused("# nothing but a comment\n", "line 2", "no references");

    int rc = trace_in_disk(&t, "nodisk");
    CHECK(rc == -E_IO && strstr(t.err, "no trace disk"), "with no trace disk attached, "
          "trace_in_disk returned %d: %s", rc, t.err);
    msg("without a trace disk: %s", t.err);
    trace_in_free(&t);
}

TEST("trace_replay", test_trace_replay,
     "textbook strings replayed in the kernel: FIFO 15/LRU 12/OPT 9, Belady 9 vs 10; bad "
     "traces refused by line", "disk=8 timeout=30");

/* ---- trace_replay_large ---- */

#define LARGE_PAGES  70000u
#define LARGE_EVERY  64u                /* every 64th page is read back */
#define LARGE_FRAMES 2048u

/* Feed the trace being loaded, in pieces, the N lines that LINE(i, buf)
 * writes for i = 0 .. N-1 (at most 31 characters each); returns
 * trace_in_feed's last answer. */
static int feed_lines(uint32_t n, uint32_t (*line)(uint32_t i, char *buf))
{
    static char buf[4096];
    uint32_t used = 0;
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        used += line(i, buf + used);
        if (used > sizeof buf - 32 || i + 1 == n) {
            rc = trace_in_feed(&t, buf, used, i + 1 == n);
            used = 0;
        }
    }
    return rc;
}

/* Reference I of the large trace: every page once (a write, by the
 * first-write rule), then every 64th again, as a read. */
static uint32_t large_line(uint32_t i, char *buf)
{
    uint32_t page = i < LARGE_PAGES ? i : (i - LARGE_PAGES) * LARGE_EVERY;
    return (uint32_t)ksnprintf(buf, 32, "0x%x\n", 0x10000000u + page * 4099u);
}

static uint32_t count_line(uint32_t i, char *buf)
{
    return (uint32_t)ksnprintf(buf, 32, "%u\n", i);
}

/* FIFO over T's references with K frames, by the counting rules of
 * mm/refstring.h, in memory of its own: the expected counts. */
static struct exp_result fifo_expect(uint32_t k)
{
    struct exp_result e = { 0, 0, 0, 1 };
    uint8_t *st = kmalloc(t.npages);            /* 1 resident, 2 dirty, 4 has a swap copy */
    uint32_t *ring = kmalloc(k * 4), head = 0, used = 0;
    CHECK(st && ring, "memory for the FIFO simulation");
    memset(st, 0, t.npages);
    for (uint32_t i = 0; i < t.n; i++) {
        uint32_t v = REF_VPN(t.refs[i]);
        if (!(st[v] & 1)) {
            e.faults++;
            if (used == k) {                    /* evict the oldest */
                uint32_t u = ring[head];
                if (st[u] & 2) e.disk_writes++, st[u] |= 4;
                st[u] &= 4;
                ring[head] = v;
                head = (head + 1) % k;
            } else {
                ring[used++] = v;
            }
            if (st[v] & 4) e.disk_reads++;
            st[v] |= 1;
        }
        if (REF_WRITE(t.refs[i])) st[v] |= 2;
    }
    kfree(st);
    kfree(ring);
    return e;
}

static void test_trace_replay_large(void)
{
    uint32_t nrefs = LARGE_PAGES + (LARGE_PAGES + LARGE_EVERY - 1) / LARGE_EVERY;
    CHECK(trace_in_begin(&t, "large", nrefs * 12) == 0, "%s", t.err);
    int rc = feed_lines(nrefs, large_line);
    CHECK(rc == 1, "the generated trace was refused: %s", t.err);
    CHECK(t.n == nrefs && t.npages == LARGE_PAGES, "%u references to %u pages, not %u to %u",
          t.n, t.npages, nrefs, LARGE_PAGES);
    msg("%u references to %u distinct pages; FIFO at %u frames", t.n, t.npages, LARGE_FRAMES);

    struct exp_result r, opt, lru, want = fifo_expect(LARGE_FRAMES);
    CHECK(experiment_reference(t.refs, t.n, t.npages, LARGE_FRAMES, &opt, &lru) == 0, "OPT");
    int err = trace_replay_run(&t, "fifo", LARGE_FRAMES, 1, &r);
    CHECK(err == 0, "the replay could not run (%d)", err);
    experiment_row(t.name, t.npages, LARGE_FRAMES, "fifo", &r);
    experiment_row(t.name, t.npages, LARGE_FRAMES, "opt", &opt);
    CHECK(r.ok, "a page read back from swap wrong");
    CHECK(r.faults == want.faults && r.disk_reads == want.disk_reads &&
          r.disk_writes == want.disk_writes, "the kernel counted %u/%u/%u faults/reads/writes, "
          "FIFO takes %u/%u/%u", r.faults, r.disk_reads, r.disk_writes, want.faults,
          want.disk_reads, want.disk_writes);
    CHECK(r.disk_reads > 0 && r.faults >= opt.faults, "no page came back from swap, or "
          "fewer faults (%u) than OPT (%u)", r.faults, opt.faults);
    CHECK(r.disk_writes > 65536 && swap_stats.nslots > r.disk_writes, "%u pages written to "
          "swap: slots past 65,536 were not used", r.disk_writes);
    msg("%u pages read back from swap with their signatures; FIFO's counts exactly",
        r.disk_reads);
    trace_in_free(&t);

    /* One distinct page past the limit, on line TRACE_MAX_PAGES + 1. */
    uint32_t lines = TRACE_MAX_PAGES + 1;
    CHECK(trace_in_begin(&t, "toomany", lines * 8) == 0, "%s", t.err);
    rc = feed_lines(lines, count_line);
    char where[32];
    ksnprintf(where, sizeof where, "line %u", lines);
    CHECK(rc == -E_INVAL && strstr(t.err, where) && strstr(t.err, "262144"),
          "a trace of %u distinct pages: %d, \"%s\"", lines, rc, t.err);
    msg("refused: %s", t.err);
    trace_in_free(&t);
}

TEST("trace_replay_large", test_trace_replay_large,
     "70,000 distinct pages at 2,048 frames replayed with data checked; 262,145 refused",
     "mem=96 disk=300 timeout=60 solo");
