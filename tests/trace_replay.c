/* tests/trace_replay.c - the trace= mode: a trace from the trace disk, replayed.
 *
 * See tests/trace_replay.h.  The trace is loaded once (tests/trace_in.c);
 * every run then replays the same reference string in a fresh pool
 * (experiment_run, tests/experiment.c), so each row counts exactly one
 * policy at one resident limit, and leaks nothing. */
#include "tests/trace_replay.h"
#include "tests/harness.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"
#include "kernel/pit.h"
#include "kernel/sync.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "mm/refstring.h"
#include "lib/errno.h"
#include "lib/string.h"

/* wl_trace's run: the replay workload's, inside the VM lock (which the
 * fault handler, on this same thread, takes again: it is recursive). */
static int replay_untimed(uint32_t base, uint32_t npages, uint32_t seed)
{
    vm_lock_excl();
    int rc = wl_replay.run(base, npages, seed);
    vm_unlock_excl();
    return rc;
}

const struct workload wl_trace = {
    "trace", "a trace file's references replayed with signatures, no timer ticks to the policy",
    replay_untimed,
};

/* Memory for one word per page of T, backed now (the leak check of
 * experiment_run counts frames taken during the run); 0 if the heap has
 * none.  Hands it to the replay with T's references. */
static uint32_t *prepare(const struct trace_in *t)
{
    uint32_t *shadow = kmalloc(t->npages * 4);
    if (!shadow) {
        kprintf("trace %s: no heap for %u pages' versions\n", t->name, t->npages);
        return 0;
    }
    memset(shadow, 0, t->npages * 4);
    replay_set(t->refs, t->n, shadow);
    return shadow;
}

int trace_replay_run(const struct trace_in *t, const char *policy, uint32_t nframes,
                     uint32_t seed, struct exp_result *r)
{
    uint32_t *shadow = prepare(t);
    if (!shadow) return -E_NOMEM;
    int err = experiment_run(&wl_trace, policy, t->npages, nframes, seed, 0, 0, 0, r);
    kfree(shadow);
    return err;
}

void trace_main(const char *name)
{
    const char *pols[EXP_MAX_POLICIES];
    uint32_t nf[EXP_MAX_SIZES], seed = cmdline_uint("seed", 1);
    /* Checked before the trace is read: a frame count above the trace's
     * pages is run anyway (nothing is evicted), as the host tool does. */
    int nsizes = experiment_sizes("100,500,1000", 0xFFFFFFFFu, nf);
    int npols = experiment_policies(pols, EXP_MAX_POLICIES);
    static struct trace_in t;
    uint32_t t0 = pit_ticks();
    if (trace_in_disk(&t, name) != 0) {
        kprintf("%s\n", t.err);
        qemu_exit(EXIT_FAIL);
    }
    uint32_t writes = 0;
    for (uint32_t i = 0; i < t.n; i++) writes += REF_WRITE(t.refs[i]);
    kprintf("trace %s: %u references to %u distinct pages, read from the trace disk in "
            "%u ms; %u of them writes (each page's first reference is one)\n", t.name, t.n,
            t.npages, (pit_ticks() - t0) * (1000 / PIT_HZ), writes);
    uint32_t *shadow = prepare(&t);
    if (!shadow) qemu_exit(EXIT_FAIL);
    int bad = experiment_rows(t.name, &wl_trace, t.refs, t.n, t.npages, nf, nsizes, pols,
                              npols, seed, 1);
    kfree(shadow);
    trace_in_free(&t);
    kprintf("REPORT-END %s %s\n", name, bad ? "with errors" : "ok");
    qemu_exit(bad ? EXIT_FAIL : EXIT_PASS);
}
