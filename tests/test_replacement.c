/* tests/test_replacement.c - every workload under every policy, against OPT.
 *
 * replacement_1of2 and replacement_2of2: between them, each workload
 *   over 100 pages with 25 and then 50 resident frames, under every
 *   policy.  Each run must give the workload's own right answer (so
 *   paging lost no data), leak nothing, and take at least as many faults
 *   as Belady's OPT on the same reference string; OPT must also be at
 *   most LRU.  A policy that beat OPT would mean the fault counting or
 *   the trace is wrong.  The workloads are split in two halves of about
 *   equal time, so that `make test` runs them side by side. */
#include "tests/harness.h"
#include "tests/experiment.h"
#include "mm/replace/policy.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

#define CAP (2u << 20)

/* The workloads of each half, by name: every workload in exactly one. */
static const char *const halves[2][8] = {
    { "scan", "sort", "focus", "zigzag", "matmul" },
    { "gamma", "uniform", "hotcold" },
};

/* Is workload NAME in HALF? */
static int in_half(int half, const char *name)
{
    for (int k = 0; halves[half][k]; k++)
        if (strcmp(halves[half][k], name) == 0) return 1;
    return 0;
}

static void run_half(int half)
{
    uint32_t *trace = kmalloc(CAP * 4), n = 0;
    CHECK(trace, "no memory for the trace");
    for (int i = 0; workload_at(i); i++) {
        const struct workload *w = workload_at(i);
        CHECK(in_half(0, w->name) + in_half(1, w->name) == 1,
              "workload %s is in %d halves of this test, not exactly one", w->name,
              in_half(0, w->name) + in_half(1, w->name));
        if (!in_half(half, w->name)) continue;
        struct exp_result r, opt, lru;
        CHECK(experiment_run(w, policy_name(0), 100, 100, 1, trace, CAP, &n, &r) == 0 && r.ok,
              "%s: traced run failed", w->name);
        static const uint32_t sizes[] = { 25, 50 };
        for (int s = 0; s < 2; s++) {
            CHECK(experiment_reference(trace, n, 100, sizes[s], &opt, &lru) == 0, "OPT/LRU");
            CHECK(opt.faults <= lru.faults, "%s/%u: OPT %u > LRU %u", w->name, sizes[s],
                  opt.faults, lru.faults);
            experiment_row(w->name, 100, sizes[s], "opt", &opt);
            experiment_row(w->name, 100, sizes[s], "lru", &lru);
            for (int k = 0; policy_name(k); k++) {
                int err = experiment_run(w, policy_name(k), 100, sizes[s], 1, 0, 0, 0, &r);
                CHECK(err == 0, "%s/%s/%u: experiment error %d", w->name, policy_name(k),
                      sizes[s], err);
                experiment_row(w->name, 100, sizes[s], policy_name(k), &r);
                CHECK(r.ok, "%s under %s with %u frames computed a wrong result", w->name,
                      policy_name(k), sizes[s]);
                CHECK(r.faults >= opt.faults, "%s/%s/%u: %u faults, fewer than OPT's %u",
                      w->name, policy_name(k), sizes[s], r.faults, opt.faults);
            }
        }
        msg("%s: %u references; every policy right and no better than OPT", w->name, n);
    }
    kfree(trace);
}

static void test_replacement_1(void) { run_half(0); }
static void test_replacement_2(void) { run_half(1); }

TEST("replacement_1of2", test_replacement_1,
     "scan, sort, focus, zigzag, matmul x every policy at 25 and 50 frames, against OPT",
     "mem=128 disk=8 timeout=120 solo");
TEST("replacement_2of2", test_replacement_2,
     "gamma, uniform, hotcold x every policy at 25 and 50 frames, against OPT",
     "mem=128 disk=8 timeout=120 solo");
