/* tests/experiment.c - run replacement experiments and print their rows.
 *
 * Each experiment gets a fresh pageable pool at EXP_BASE whose region
 * table and page tables are not pageable; only the workload's NPAGES
 * count against NFRAMES.  After the run the region is released and the
 * pool destroyed, and every frame and swap slot must be back: a leak is
 * reported as an error, so every row of the report is also a leak test.
 *
 * Command-line modes (kmain calls experiment_main before the harness):
 *   workload=NAME [npages=100] [nframes=25] [policy=P] [seed=1]
 *       one experiment; prints its row, then OPT's and LRU's for the
 *       same references and nframes
 *   report=NAME [npages=100] [nframes=3,5,...] [policies=P,Q,...]
 *       every policy at every size: the trace (TRACE lines), then rows
 *       (ROW lines) as they are measured; tools/report.py collects them. */
#include "tests/experiment.h"
#include "tests/harness.h"
#include "mm/pager.h"
#include "mm/swap.h"
#include "mm/refstring.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/string.h"

#define EXP_BASE   0x80000000u
#define TRACE_CAP  (2u << 20)               /* references (8 MiB); sort needs 1.6M */

static struct vmpool xp;
static struct pager xpg;

int experiment_run(const struct workload *w, const char *policy, uint32_t npages,
                   uint32_t nframes, uint32_t seed, uint32_t *trace, uint32_t cap,
                   uint32_t *ntrace, struct exp_result *r)
{
    if (!swap_present()) {
        kprintf("experiment: no swap disk (boot with a disk on the IDE primary slave)\n");
        return -E_IO;
    }
    if (npages == 0 || npages > WL_MAX_PAGES) {
        kprintf("experiment: npages=%u must be 1..%u\n", npages, WL_MAX_PAGES);
        return -E_INVAL;
    }
    /* The trace buffer is heap memory, backed on first touch: back all of
     * it now, so that recording the trace takes no frame during the run
     * and the leak check below sees only the experiment's own pages. */
    for (uint32_t i = 0; trace && i < cap; i += PAGE_SIZE / 4) trace[i] = 0;
    uint32_t free0 = process_pool.nfree, slots0 = swap_stats.used;
    uint32_t size = 2 * PG_ROUND_UP(npages * PAGE_SIZE) + 16 * PAGE_SIZE;
    int err = vmpool_init(&xp, "workload", EXP_BASE, size, PTE_W);
    if (err) return err;
    if ((err = pager_attach(&xp, &xpg, policy, nframes, seed)) != 0) {
        vmpool_destroy(&xp);
        return err;
    }
    uint32_t va = vmpool_alloc(&xp, npages * PAGE_SIZE);
    if (!va) panic("experiment: no room for %u pages in its own pool", npages);

    if (trace) trace_start(trace, cap, va);
    int rc = w->run(va, npages, seed);
    if (trace) {
        *ntrace = trace_stop();
        if (trace_overflowed()) {
            kprintf("experiment: trace of %s needs more than %u references\n", w->name, cap);
            rc = -1;
        }
    }
    r->faults = xpg.faults;
    r->disk_reads = xpg.disk_reads;
    r->disk_writes = xpg.disk_writes;
    r->ok = rc == 0;

    if (vmpool_release(&xp, va) != 0 || vmpool_destroy(&xp) != 0)
        panic("experiment: could not take the workload pool down");
    if (process_pool.nfree != free0 || swap_stats.used != slots0) {
        kprintf("experiment: %s/%s leaked: %d frames, %d swap slots\n", w->name, policy,
                (int)(free0 - process_pool.nfree), (int)(swap_stats.used - slots0));
        return -E_BUSY;
    }
    return 0;
}

int experiment_reference(const uint32_t *trace, uint32_t n, uint32_t npages,
                         uint32_t nframes, struct exp_result *opt, struct exp_result *lru)
{
    void *work = kmalloc(refstring_work_bytes(n, npages, nframes));
    if (!work) return -E_NOMEM;
    struct ref_result o, l;
    opt_simulate(trace, n, nframes, npages, work, &o);
    lru_simulate(trace, n, nframes, npages, work, &l);
    kfree(work);
    *opt = (struct exp_result){ o.faults, o.disk_reads, o.disk_writes, 1 };
    *lru = (struct exp_result){ l.faults, l.disk_reads, l.disk_writes, 1 };
    return 0;
}

void experiment_row(const char *workload, uint32_t npages, uint32_t nframes,
                    const char *policy, const struct exp_result *r)
{
    kprintf("ROW %s,%u,%u,%s,%u,%u,%u%s\n", workload, npages, nframes, policy, r->faults,
            r->disk_reads, r->disk_writes, r->ok ? "" : ",WRONG-RESULT");
}

static const struct workload *need_workload(const char *name)
{
    const struct workload *w = workload_find(name);
    if (!w) {
        kprintf("experiment: unknown workload '%s'; workloads are:", name);
        for (int i = 0; workload_at(i); i++) kprintf(" %s", workload_at(i)->name);
        kprintf("\n");
        qemu_exit(EXIT_FAIL);
    }
    return w;
}

/* Split the comma list S into at most MAX strings, copied into BUF (of
 * SIZE bytes, the caller's: each list needs its own). */
static int split(const char *s, char *buf, uint32_t size, const char **out, int max)
{
    strlcpy(buf, s, size);
    int n = 0;
    for (char *p = buf; *p && n < max;) {
        out[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static void one(const char *name)
{
    const struct workload *w = need_workload(name);
    uint32_t npages = cmdline_uint("npages", 100), nframes = cmdline_uint("nframes", 25);
    uint32_t seed = cmdline_uint("seed", 1);
    const char *policy = cmdline_get("policy") ? cmdline_get("policy") : PAGER_DEFAULT_POLICY;
    uint32_t *trace = kmalloc(TRACE_CAP * 4), n = 0;
    struct exp_result r, opt, lru;
    kprintf("experiment: %s over %u pages, %u frames, policy %s\n", w->name, npages, nframes,
            policy);
    kprintf("ROW workload,npages,nframes,policy,faults,disk_reads,disk_writes\n");
    if (!trace || experiment_run(w, policy, npages, nframes, seed, trace, TRACE_CAP, &n, &r))
        qemu_exit(EXIT_FAIL);
    experiment_row(w->name, npages, nframes, policy, &r);
    if (experiment_reference(trace, n, npages, nframes, &opt, &lru)) qemu_exit(EXIT_FAIL);
    experiment_row(w->name, npages, nframes, "opt", &opt);
    experiment_row(w->name, npages, nframes, "lru", &lru);
    kprintf("experiment: %u references; %s took %u.%02u x OPT's faults\n", n, policy,
            r.faults / opt.faults, r.faults * 100 / opt.faults % 100);
    qemu_exit(r.ok && opt.faults <= r.faults ? EXIT_PASS : EXIT_FAIL);
}

static void report(const char *name)
{
    const struct workload *w = need_workload(name);
    uint32_t npages = cmdline_uint("npages", 100), seed = cmdline_uint("seed", 1);
    const char *sizes[32], *pols[16];
    static char sbuf[256], pbuf[256];
    int nsizes = split(cmdline_get("nframes") ? cmdline_get("nframes")
                       : "3,5,10,20,25,33,40,50,60,66,75,80,90,95,100", sbuf, sizeof sbuf,
                       sizes, 32);
    int npols = 0;
    if (cmdline_get("policies"))
        npols = split(cmdline_get("policies"), pbuf, sizeof pbuf, pols, 16);
    else while (npols < 16 && policy_name(npols)) pols[npols] = policy_name(npols), npols++;
    for (int i = 0; i < nsizes; i++) {
        const char *end;
        uint32_t nf = strtoul_simple(sizes[i], &end);
        if (*end || nf == 0 || nf > POLICY_MAX_FRAMES) {
            kprintf("experiment: nframes value '%s' is not a number from 1 to %u\n", sizes[i],
                    POLICY_MAX_FRAMES);
            qemu_exit(EXIT_FAIL);
        }
    }
    for (int k = 0; k < npols; k++) {
        if (!policy_find(pols[k])) {
            kprintf("experiment: unknown policy '%s'\n", pols[k]);
            qemu_exit(EXIT_FAIL);
        }
    }

    uint32_t *trace = kmalloc(TRACE_CAP * 4), n = 0;
    struct exp_result r, opt, lru;
    if (!trace) qemu_exit(EXIT_FAIL);
    /* The reference string does not depend on the policy or the frame
     * count: record it once. */
    if (experiment_run(w, pols[0], npages, 100, seed, trace, TRACE_CAP, &n, &r) || !r.ok)
        qemu_exit(EXIT_FAIL);
    kprintf("TRACE-BEGIN %s %u\n", w->name, n);
    for (uint32_t i = 0; i < n; i += 32) {
        kprintf("TRACE");
        for (uint32_t k = i; k < n && k < i + 32; k++) kprintf(" %u", trace[k] >> 1);
        kprintf("\n");
    }
    kprintf("TRACE-END\n");
    int bad = 0;
    for (int i = 0; i < nsizes; i++) {
        uint32_t nf = strtoul_simple(sizes[i], 0);
        if (experiment_reference(trace, n, npages, nf, &opt, &lru)) qemu_exit(EXIT_FAIL);
        experiment_row(w->name, npages, nf, "opt", &opt);
        experiment_row(w->name, npages, nf, "lru", &lru);
        for (int k = 0; k < npols; k++) {
            if (experiment_run(w, pols[k], npages, nf, seed, 0, 0, 0, &r)) qemu_exit(EXIT_FAIL);
            experiment_row(w->name, npages, nf, pols[k], &r);
            bad += !r.ok || r.faults < opt.faults;
        }
    }
    kprintf("REPORT-END %s %s\n", w->name, bad ? "with errors" : "ok");
    qemu_exit(bad ? EXIT_FAIL : EXIT_PASS);
}

void experiment_main(void)
{
    if (cmdline_get("workload")) one(cmdline_get("workload"));
    if (cmdline_get("report")) report(cmdline_get("report"));
}
