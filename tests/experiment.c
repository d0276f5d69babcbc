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
 *   report=NAME [npages=100] [nframes=10,25,...] [policies=P,Q,...]
 *       every policy at every size: rows (ROW lines) as they are
 *       measured, and the reference string, in binary, onto the disk on
 *       the IDE primary master if there is one; tools/report.py collects
 *       both (send_refs below says how the string is laid out)
 *   trace=NAME [nframes=100,500,1000] [policies=P,Q,...] [seed=1]
 *       the same rows for the trace on the trace disk, replayed
 *       (tests/trace_replay.c) */
#include "tests/experiment.h"
#include "tests/harness.h"
#include "tests/trace_replay.h"
#include "tests/util.h"
#include "drivers/ata.h"
#include "mm/pager.h"
#include "mm/swap.h"
#include "mm/refstring.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"
#include "kernel/panic.h"
#include "kernel/pit.h"
#include "lib/errno.h"
#include "lib/string.h"

CMDLINE_KEY(workload, "workload", "NAME: run one replacement experiment (npages= nframes= policy= seed=)");
CMDLINE_KEY(report, "report", "NAME: a workload's report: every policy at every nframes= size");
CMDLINE_KEY(trace, "trace", "NAME: replay the trace on the trace disk: every policy, every "
            "nframes= size");
CMDLINE_KEY(npages, "npages", "N: pages of the experiment's region (default 100)");
CMDLINE_KEY(nframes, "nframes", "N (workload=) or N,N,... (report=): resident frames");
CMDLINE_KEY(policy, "policy", "NAME: the replacement policy (default " PAGER_DEFAULT_POLICY ")");
CMDLINE_KEY(policies, "policies", "P,Q,...: the policies report= runs (default all)");
CMDLINE_KEY(seed, "seed", "N: seed of the workload's randomness (default 1)");

/* The experiment's pool: NPAGES pages, up to EXP_MAX_PAGES (1 GiB), and
 * room before them for the region table that vmpool_init keeps in the
 * pool's first pages (a sixteenth of the pool, at most 4 MiB: mm/
 * vmpool.c), all below the kernel heap at KHEAP_BASE. */
#define EXP_BASE   0x7F800000u
#define EXP_META   ((4u << 20) + 16 * PAGE_SIZE)
_Static_assert(EXP_BASE + EXP_MAX_PAGES * PAGE_SIZE + EXP_META <= KHEAP_BASE,
               "the largest experiment pool must end below the kernel heap");
#define TRACE_CAP  (2u << 20)               /* references (8 MiB); sort needs 1.6M */
#define SLACK_FRAMES 64                     /* page tables, region tables, heap pages */
#define REFS_MAGIC "VMLABREF"               /* send_refs's header */

static struct vmpool xp;
static struct pager xpg;

/* Back every page of the N-word buffer at BUF now (kmalloc's large blocks
 * start 16 bytes into a page, so stepping by words from BUF would miss
 * the last page). */
static void pretouch(uint32_t *buf, uint32_t n)
{
    uint32_t start = (uint32_t)buf, end = start + n * 4;
    for (uint32_t va = PG_ROUND_DOWN(start); va < end; va += PAGE_SIZE)
        *(volatile uint32_t *)(va < start ? start : va) = 0;
}

/* Can NFRAMES frames be resident at once, with room to spare for the
 * tables?  Says why not, naming the figures, and returns -E_NOMEM. */
static int fits(uint32_t nframes)
{
    uint32_t avail = process_pool.nfree > SLACK_FRAMES ? process_pool.nfree - SLACK_FRAMES : 0;
    if (nframes <= avail) return 0;
    kprintf("experiment: nframes=%u cannot all be resident: only %u frames are free "
            "(%u MiB of RAM); OPT at %u frames would be judged against a pager that "
            "cannot hold them.  Give nframes <= %u or boot with more memory (MEM=%u)\n",
            nframes, avail, (uint32_t)(ram_total >> 20), nframes, avail,
            (uint32_t)(ram_total >> 20) + (nframes - avail) * PAGE_SIZE / (1u << 20) + 1);
    return -E_NOMEM;
}

int experiment_run(const struct workload *w, const char *policy, uint32_t npages,
                   uint32_t nframes, uint32_t seed, uint32_t *trace, uint32_t cap,
                   uint32_t *ntrace, struct exp_result *r)
{
    if (!swap_present()) {
        kprintf("experiment: no swap: %s (make run and make test attach a disk)\n",
                swap_absent_why());
        return -E_IO;
    }
    if (npages == 0 || npages > EXP_MAX_PAGES) {
        kprintf("experiment: npages=%u must be 1..%u\n", npages, EXP_MAX_PAGES);
        return -E_INVAL;
    }
    /* The trace buffer is heap memory, backed on first touch: back all of
     * it now, so that recording the trace takes no frame during the run
     * and the leak check below sees only the experiment's own pages. */
    if (trace) pretouch(trace, cap);
    int err = fits(nframes < npages ? nframes : npages);
    if (err) return err;
    uint32_t free0 = free_frames(), slots0 = swap_stats.used;
    uint32_t size = npages * PAGE_SIZE + EXP_META;
    if ((err = vmpool_init(&xp, "workload", EXP_BASE, size, PTE_W)) != 0) return err;
    if ((err = pager_attach(&xp, &xpg, policy, nframes, seed)) != 0) {
        vmpool_destroy(&xp);
        return err;
    }
    /* Sync mode: every fault is the policy's, counted exactly (in daemon
     * mode a trimmed page may come back from a list, a soft fault). */
    if (pager_set_daemon(&xpg, 0) != 0) panic("experiment: its fresh pager refused sync mode");
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

    if (vmpool_release(&xp, va) != 0 || pager_detach(&xpg) != 0 || vmpool_destroy(&xp) != 0)
        panic("experiment: could not take the workload pool down");
    if (free_frames() != free0 || swap_stats.used != slots0) {
        kprintf("experiment: %s/%s leaked: %d frames, %d swap slots\n", w->name, policy,
                (int)(free0 - free_frames()), (int)(swap_stats.used - slots0));
        return -E_BUSY;
    }
    return 0;
}

int experiment_reference(const uint32_t *trace, uint32_t n, uint32_t npages,
                         uint32_t nframes, struct exp_result *opt, struct exp_result *lru)
{
    uint32_t bytes = refstring_work_bytes(n, npages, nframes);
    void *work = kmalloc(bytes);
    if (!work) {
        kprintf("experiment: no %u KiB of kernel heap for OPT and LRU over %u references "
                "at %u frames\n", bytes / 1024, n, nframes);
        return -E_NOMEM;
    }
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

/* Print what the ROW columns mean, once per run. */
static void explain_rows(void)
{
    kprintf("ROW workload,npages,nframes,policy,faults,disk_reads,disk_writes\n");
    kprintf("experiment: faults = first touches (demand-zero, no disk) + disk reads; "
            "disk writes = dirty pages written at eviction; opt and lru are Belady's "
            "optimum and exact LRU on the same references\n");
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

static void need_policy(const char *name)
{
    if (policy_find(name)) return;
    kprintf("experiment: unknown policy '%s'; policies are:", name);
    for (int i = 0; policy_name(i); i++) kprintf(" %s", policy_name(i));
    kprintf("\n");
    qemu_exit(EXIT_FAIL);
}

/* A frame count from the command line: a number from 1 to the most a
 * policy tracks, and no more than NPAGES (more frames than pages is
 * the same experiment as NPAGES frames). */
static uint32_t need_nframes(const char *text, uint32_t npages)
{
    uint32_t nf;
    if (parse_u32(text, &nf) != 0 || nf == 0 || nf > POLICY_MAX_FRAMES)
        cmdline_refuse("nframes value '%s' is not a number from 1 to %u", text,
                       POLICY_MAX_FRAMES);
    if (nf > npages)
        cmdline_refuse("nframes=%u is more than npages=%u: every page would stay resident",
                       nf, npages);
    return nf;
}

int experiment_sizes(const char *dflt, uint32_t npages, uint32_t *nf)
{
    static char buf[256];
    const char *sizes[EXP_MAX_SIZES];
    int n = cmdline_list("nframes", dflt, buf, sizeof buf, sizes, EXP_MAX_SIZES);
    for (int i = 0; i < n; i++) {
        nf[i] = need_nframes(sizes[i], npages);
        if (fits(nf[i])) qemu_exit(EXIT_FAIL);
    }
    return n;
}

int experiment_policies(const char **pols, int max)
{
    static char buf[256];
    int n = 0;
    if (cmdline_get("policies"))
        n = cmdline_list("policies", 0, buf, sizeof buf, pols, max);
    else while (n < max && policy_name(n)) pols[n] = policy_name(n), n++;
    for (int k = 0; k < n; k++) need_policy(pols[k]);
    return n;
}

/* A ratio A/B printed as x.yy, rounded to the nearest hundredth. */
static void print_ratio(uint32_t a, uint32_t b)
{
    uint32_t hundredths = (uint32_t)(((uint64_t)a * 100 + b / 2) / b);
    kprintf("%u.%02u", hundredths / 100, hundredths % 100);
}

/* Progress of a long run (wl_progress): every tenth of the accesses
 * (if TENTHS, set by progress_begin), and at least every 10 s, with the
 * time taken and the time left. */
static uint32_t prog_total, prog_t0, prog_last, prog_next;

static void progress(uint32_t done)
{
    uint32_t now = pit_ticks();
    if (done < prog_next && now - prog_last < 10 * PIT_HZ) return;
    while (prog_next <= done) prog_next += prog_total / 10;
    prog_last = now;
    uint32_t secs = (now - prog_t0) / PIT_HZ;
    uint32_t pct = (uint32_t)(((uint64_t)done * 100 + prog_total / 2) / prog_total);
    uint32_t left = done ? (uint32_t)((uint64_t)(now - prog_t0) * (prog_total - done) / done
                                      / PIT_HZ) : 0;
    kprintf("experiment: progress %u%% (%u of %u accesses) after %u s, about %u s left\n",
            pct, done, prog_total, secs, left);
}

/* Show the progress of the next run, of TOTAL accesses: every tenth of
 * them if TENTHS, and every 10 s.  progress_end() stops it. */
static void progress_begin(uint32_t total, int tenths)
{
    prog_total = total, prog_t0 = prog_last = pit_ticks();
    prog_next = tenths ? total / 10 : 0xFFFFFFFFu;
    if (total >= 10) wl_progress(1, progress);
}

static void progress_end(void) { wl_progress(0, 0); }

static uint32_t counted;            /* accesses counted by count_accesses */
static void count_accesses(uint32_t done) { counted = done; }

static void one(const char *name)
{
    const struct workload *w = need_workload(name);
    uint32_t npages = cmdline_uint("npages", 100), seed = cmdline_uint("seed", 1);
    uint32_t nframes = need_nframes(cmdline_get("nframes") ? cmdline_get("nframes") : "25",
                                    npages);
    const char *policy = cmdline_get("policy") ? cmdline_get("policy") : PAGER_DEFAULT_POLICY;
    need_policy(policy);
    uint32_t need = (TRACE_CAP * 4 / PAGE_SIZE + npages + SLACK_FRAMES) * PAGE_SIZE;
    if (process_pool.nfree * PAGE_SIZE < need)
        cmdline_refuse("workload=%s needs %u MiB of RAM (an 8 MiB trace buffer and %u pages "
                       "of workload); this machine has %u MiB: boot with MEM=%u", name,
                       need / (1u << 20) + PPOOL_START / (1u << 20) + 1, npages,
                       (uint32_t)(ram_total >> 20),
                       need / (1u << 20) + PPOOL_START / (1u << 20) + 1);
    uint32_t *trace = kmalloc(TRACE_CAP * 4), n = 0;
    struct exp_result r, opt, lru;
    kprintf("experiment: %s over %u pages, %u frames, policy %s\n", w->name, npages, nframes,
            policy);
    /* First the reference string, with every page resident (no disk):
     * it tells how long the real run will be. */
    wl_progress(1, count_accesses);
    if (!trace || experiment_run(w, policy, npages, npages, seed, trace, TRACE_CAP, &n, &r))
        qemu_exit(EXIT_FAIL);
    wl_progress(0, 0);
    uint32_t accesses = counted;
    if (experiment_reference(trace, n, npages, nframes, &opt, &lru)) qemu_exit(EXIT_FAIL);
    kprintf("experiment: %u accesses, %u references to distinct pages in a row; LRU takes "
            "%u faults at %u frames, OPT %u\n", accesses, n, lru.faults, nframes, opt.faults);
    if (lru.faults > 20000)
        kprintf("experiment: this is a long run (every fault that needs the disk costs "
                "about a tenth of a millisecond or more); progress is shown as it goes\n");
    progress_begin(accesses, 1);
    int err = experiment_run(w, policy, npages, nframes, seed, 0, 0, 0, &r);
    progress_end();
    if (err) qemu_exit(EXIT_FAIL);
    explain_rows();
    experiment_row(w->name, npages, nframes, policy, &r);
    experiment_row(w->name, npages, nframes, "opt", &opt);
    experiment_row(w->name, npages, nframes, "lru", &lru);
    kprintf("experiment: %u references; %s took ", n, policy);
    print_ratio(r.faults, opt.faults);
    kprintf(" x OPT's faults\n");
    if (!r.ok) kprintf("experiment: %s computed a WRONG result: paging lost data\n", w->name);
    if (r.faults < opt.faults)
        kprintf("experiment: %s took fewer faults than OPT: the counting is broken\n", policy);
    qemu_exit(r.ok && opt.faults <= r.faults ? EXIT_PASS : EXIT_FAIL);
}

int experiment_rows(const char *name, const struct workload *w, const uint32_t *trace,
                    uint32_t n, uint32_t npages, const uint32_t *nf, int nsizes,
                    const char *const *pols, int npols, uint32_t seed, int show_progress)
{
    struct exp_result r, opt, lru;
    int bad = 0;
    explain_rows();
    for (int i = 0; i < nsizes; i++) {
        if (experiment_reference(trace, n, npages, nf[i], &opt, &lru)) qemu_exit(EXIT_FAIL);
        experiment_row(name, npages, nf[i], "opt", &opt);
        experiment_row(name, npages, nf[i], "lru", &lru);
        for (int k = 0; k < npols; k++) {
            if (show_progress) progress_begin(n, 0);
            int err = experiment_run(w, pols[k], npages, nf[i], seed, 0, 0, 0, &r);
            progress_end();
            if (err) qemu_exit(EXIT_FAIL);
            experiment_row(name, npages, nf[i], pols[k], &r);
            bad += !r.ok || r.faults < opt.faults;
        }
    }
    return bad;
}

/* Write the N references of TRACE, in binary, to the disk on the IDE
 * primary master, if there is one (tools/report.py attaches it), for the
 * host to read once the boot is over: much faster than printing them
 * (the serial port takes about 90 us a character under -icount).
 *
 *   sector 0    "VMLABREF", then N (32 bits, little-endian)
 *   sector 1..  the N references, REF(page, write) each, 32 bits
 *
 * TRACE must be backed past its N entries to the next whole sector.
 * Without a disk there it says so and sends nothing; a disk too small,
 * or one that fails, ends the boot (EXIT_FAIL). */
static void send_refs(const uint32_t *trace, uint32_t n)
{
    static uint8_t hdr[ATA_SECTOR_SIZE];
    if (ata_init(ATA_MASTER) != 0) {
        kprintf("experiment: no disk on the IDE primary master: the reference string is not "
                "sent\n");
        return;
    }
    uint32_t sectors = (n * 4 + ATA_SECTOR_SIZE - 1) / ATA_SECTOR_SIZE;
    if (1 + sectors > ata_sectors(ATA_MASTER)) {
        kprintf("experiment: %u references need %u sectors; the disk on the IDE primary "
                "master has %u\n", n, 1 + sectors, ata_sectors(ATA_MASTER));
        qemu_exit(EXIT_FAIL);
    }
    memcpy(hdr, REFS_MAGIC, 8);
    memcpy(hdr + 8, &n, 4);
    if ((sectors && ata_write(ATA_MASTER, 1, sectors, trace) != 0) ||
        ata_write(ATA_MASTER, 0, 1, hdr) != 0)
        qemu_exit(EXIT_FAIL);
    kprintf("experiment: %u references written to the disk on the IDE primary master\n", n);
}

/* report=NAME: every policy at every size, OPT and LRU with them.  The
 * reference string is recorded once (it depends on neither) and sent to
 * the host on a disk (send_refs). */
static void report(const char *name)
{
    const struct workload *w = need_workload(name);
    uint32_t npages = cmdline_uint("npages", 100), seed = cmdline_uint("seed", 1);
    const char *pols[EXP_MAX_POLICIES];
    uint32_t nf[EXP_MAX_SIZES];
    int nsizes = experiment_sizes("10,25,50,75,90", npages, nf);
    int npols = experiment_policies(pols, EXP_MAX_POLICIES);

    uint32_t *trace = kmalloc(TRACE_CAP * 4), n = 0;
    struct exp_result r;
    if (!trace) qemu_exit(EXIT_FAIL);
    /* The reference string does not depend on the policy or the frame
     * count: record it once. */
    if (experiment_run(w, pols[0], npages, npages, seed, trace, TRACE_CAP, &n, &r) || !r.ok)
        qemu_exit(EXIT_FAIL);
    send_refs(trace, n);
    int bad = experiment_rows(w->name, w, trace, n, npages, nf, nsizes, pols, npols, seed, 0);
    kprintf("REPORT-END %s %s\n", w->name, bad ? "with errors" : "ok");
    qemu_exit(bad ? EXIT_FAIL : EXIT_PASS);
}

void experiment_main(void)
{
    if (cmdline_get("workload")) one(cmdline_get("workload"));
    if (cmdline_get("report")) report(cmdline_get("report"));
    if (cmdline_get("trace")) trace_main(cmdline_get("trace"));
}
