/* tests/host/replay.c - replay a trace file through every policy on the host, fast.
 *
 *   build/host/replay FILE [name=NAME] [nframes=A,B,...] [policies=P,Q,...] [seed=N]
 *
 * Reads a page-reference trace (the format of mm/tracefile.h: a page
 * number per token, decimal or 0x hex, w for a write, '*' skipped, '#'
 * comments), numbers its pages 0, 1, ... in order of first use
 * (mm/renumber.h), and applies the rule the kernel's replay workload
 * applies (replay_first_writes, tests/workloads/replay.c, linked here as
 * it is): the first reference to each page becomes a write, so that
 * every page reaches swap when evicted, as on real pages.  Then, for
 * each frame count (default 100,500,1000) it prints the kernel's rows,
 * after the same line naming their columns,
 *
 *   ROW workload,npages,nframes,policy,faults,disk_reads,disk_writes
 *
 * (the workload column holds the trace's name), first Belady's OPT and
 * exact LRU (mm/refstring.c), then each policy (default all, in the
 * registry's order) run by the model pager (mm/replace/sim.c): exactly
 * the counts the kernel's replay of the same file gives (make run
 * TRACE=FILE, tests/trace_replay.c; the host/replay test,
 * tools/check_replay.py, compares the two).  No timer ticks reach the
 * model, so aging samples only every nframes/8 victims; the kernel's
 * trace replay holds the ticks off its policy to match.  A frame count
 * above the trace's pages is run anyway (nothing is evicted), as in the
 * kernel.
 *
 * Not a unit test: a tool for measuring policies on the traces of the
 * literature, which stay outside the repository (../shared/traces/).
 * Errors (a file that cannot be read, a bad token, a trace past the
 * limits of mm/refstring.h) name the file and line and exit with 1. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "mm/tracefile.h"
#include "mm/renumber.h"
#include "mm/refstring.h"
#include "mm/replace/sim.h"
#include "tests/workloads/workload.h"

/* tests/workloads/replay.c comes along for replay_first_writes; its
 * replay_run reaches pages through the workload accessors, which exist
 * only in the kernel and are never called here. */
uint32_t wl_rd32(uint32_t addr)
{
    (void)addr;
    abort();
}

void wl_wr32(uint32_t addr, uint32_t v)
{
    (void)addr, (void)v;
    abort();
}

static const char *prog = "replay";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

struct trace {
    uint32_t *refs;         /* REF(page, write), pages renumbered */
    uint32_t n, npages;
};

/* Read FILE into *T: parse, renumber, append.  Dies on any error. */
static void read_trace(const char *file, struct trace *t)
{
    FILE *f = fopen(file, "rb");
    if (!f) die("%s: %s", file, strerror(errno));
    static char buf[1 << 16];
    struct tracefile tf;
    struct renumber rn;
    void *rmem = malloc(renumber_bytes(REFSTRING_MAX_PAGES));
    uint32_t cap = 1 << 16;
    t->refs = malloc(cap * 4);
    t->n = 0;
    if (!rmem || !t->refs) die("out of memory");
    renumber_init(&rn, REFSTRING_MAX_PAGES, rmem);
    tracefile_init(&tf);
    for (;;) {
        size_t got = fread(buf, 1, sizeof buf, f);
        if (ferror(f)) die("%s: %s", file, strerror(errno));
        tracefile_feed(&tf, buf, (uint32_t)got, got < sizeof buf && feof(f));
        uint32_t page;
        int write, r;
        while ((r = tracefile_next(&tf, &page, &write)) == TRACEFILE_REF) {
            uint32_t v = renumber(&rn, page);
            if (v == RENUMBER_FULL)
                die("%s:%u: more than %u distinct pages (mm/refstring.h's limit)", file,
                    tf.tok_line, REFSTRING_MAX_PAGES);
            if (t->n == REFSTRING_MAX_REFS)
                die("%s:%u: more than %u references (mm/refstring.h's limit)", file, tf.tok_line,
                    REFSTRING_MAX_REFS);
            if (t->n == cap && !(t->refs = realloc(t->refs, (size_t)(cap *= 2) * 4)))
                die("out of memory");
            t->refs[t->n++] = REF(v, write);
        }
        if (r == TRACEFILE_ERROR)
            die("%s:%u: %s: '%s'", file, tf.err_line, tf.err, tf.text);
        if (r == TRACEFILE_END)
            break;
    }
    fclose(f);
    free(rmem);
    t->npages = rn.count;
    if (t->n == 0) die("%s: no references", file);
}

/* Split the comma-separated LIST into at most MAX items of ITEMS. */
static int split(char *list, char **items, int max, const char *what)
{
    int n = 0;
    for (char *s = strtok(list, ","); s; s = strtok(0, ",")) {
        if (n == max) die("more than %d %s", max, what);
        items[n++] = s;
    }
    if (n == 0) die("no %s given", what);
    return n;
}

static uint32_t number(const char *text, const char *what, uint32_t lo, uint32_t hi)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || end == text || v < lo || v > hi)
        die("%s '%s' is not a number from %u to %u", what, text, lo, hi);
    return (uint32_t)v;
}

static void row(const char *name, const struct trace *t, uint32_t k, const char *policy,
                const struct ref_result *r)
{
    printf("ROW %s,%u,%u,%s,%u,%u,%u\n", name, t->npages, k, policy, r->faults,
           r->disk_reads, r->disk_writes);
    fflush(stdout);
}

/* Every row of frame count K: OPT, LRU, then the NPOL policies POLS. */
static void run_size(const char *name, const struct trace *t, uint32_t k, char **pols,
                     int npol, uint32_t seed)
{
    const char *why = refstring_check(t->n, t->npages, k);
    if (why) die("%s at %u frames: %s (mm/refstring.h's limits)", name, k, why);
    struct ref_result r;
    void *work = malloc(refstring_work_bytes(t->n, t->npages, k));
    if (!work) die("out of memory");
    opt_simulate(t->refs, t->n, k, t->npages, work, &r);
    row(name, t, k, "opt", &r);
    lru_simulate(t->refs, t->n, k, t->npages, work, &r);
    row(name, t, k, "lru", &r);
    free(work);
    for (int i = 0; i < npol; i++) {
        static struct policy pol;
        const struct policy_ops *ops = policy_find(pols[i]);
        if (!(work = malloc(sim_work_bytes(ops, t->npages, k)))) die("out of memory");
        const char *bad = policy_simulate(ops, &pol, t->refs, t->n, k, t->npages, seed, 0,
                                          work, &r);
        free(work);
        if (bad) die("%s at %u frames: the model says %s %s", name, k, ops->name, bad);
        row(name, t, k, ops->name, &r);
    }
}

/* Say how to call this, and what in the call (BAD, if not 0) was wrong. */
static int usage(const char *bad)
{
    fprintf(stderr, "usage: %s FILE [name=NAME] [nframes=A,B,...] [policies=P,Q,...] [seed=N]\n",
            prog);
    if (bad) fprintf(stderr, "  (%s is not understood)\n", bad);
    return 2;
}

int main(int argc, char **argv)
{
    const char *file = 0, *name = 0;
    char *sizes = 0, *policies = 0;
    uint32_t seed = 1;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t klen = eq ? (size_t)(eq - argv[i]) : 0;
        if (!eq && !file) file = argv[i];
        else if (klen == 4 && strncasecmp(argv[i], "name", 4) == 0) name = eq + 1;
        else if (klen == 7 && strncasecmp(argv[i], "nframes", 7) == 0) sizes = eq + 1;
        else if (klen == 8 && strncasecmp(argv[i], "policies", 8) == 0) policies = eq + 1;
        else if (klen == 4 && strncasecmp(argv[i], "seed", 4) == 0)
            seed = number(eq + 1, "seed", 0, 0xFFFFFFFFu);
        else
            return usage(argv[i]);
    }
    if (!file)
        return usage(0);
    /* The trace's name: the file's, without directory and extension. */
    char base[256];
    if (!name) {
        const char *slash = strrchr(file, '/');
        snprintf(base, sizeof base, "%s", slash ? slash + 1 : file);
        char *dot = strrchr(base, '.');
        if (dot && dot != base) *dot = 0;
        name = base;
    }
    char *pols[64], *ks[64], dflt[] = "100,500,1000";
    int npol = 0, nk = split(sizes ? sizes : dflt, ks, 64, "frame counts");
    if (policies) {
        npol = split(policies, pols, 64, "policies");
        for (int i = 0; i < npol; i++)
            if (!policy_find(pols[i])) die("unknown policy '%s'", pols[i]);
    } else {
        while (policy_name(npol)) pols[npol] = (char *)policy_name(npol), npol++;
    }
    uint32_t k[64];
    for (int i = 0; i < nk; i++) k[i] = number(ks[i], "nframes", 1, POLICY_MAX_FRAMES);

    clock_t t0 = clock();
    struct trace t;
    read_trace(file, &t);
    uint32_t *seen = calloc((t.npages + 31) / 32, 4);
    if (!seen) die("out of memory");
    replay_first_writes(t.refs, t.n, t.npages, seen);
    free(seen);
    fprintf(stderr, "%s: %s: %u references to %u pages (read in %.2f s)\n", prog, file, t.n,
            t.npages, (double)(clock() - t0) / CLOCKS_PER_SEC);
    printf("ROW workload,npages,nframes,policy,faults,disk_reads,disk_writes\n");
    for (int i = 0; i < nk; i++)
        run_size(name, &t, k[i], pols, npol, seed);
    fprintf(stderr, "%s: %s: done in %.2f s\n", prog, name,
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    free(t.refs);
    return 0;
}
