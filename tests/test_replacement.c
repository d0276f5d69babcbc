/* tests/test_replacement.c - every workload under every policy, against OPT.
 *
 * replacement_1of3, _2of3 and _3of3: between them, each workload
 *   over 100 pages with 25 and then 50 resident frames, under every
 *   policy.  Each run must give the workload's own right answer (so
 *   paging lost no data), leak nothing, and take at least as many faults
 *   as Belady's OPT on the same reference string; OPT must also be at
 *   most LRU.  A policy that beat OPT would mean the fault counting or
 *   the trace is wrong.  The workloads are split in three parts of about
 *   equal time (7 to 9 seconds each here), so that `make test` runs them
 *   side by side and none comes near the 30-second limit. */
#include "tests/harness.h"
#include "tests/experiment.h"
#include "mm/replace/policy.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

#define CAP (2u << 20)

#define NPARTS 3

/* The workloads of each part, by name: every workload in exactly one. */
static const char *const parts[NPARTS][8] = {
    { "scan", "sort", "focus", "matmul" },
    { "zigzag", "gamma", "hotcold" },
    { "uniform" },
};

/* Is workload NAME in PART? */
static int in_part(int part, const char *name)
{
    for (int k = 0; parts[part][k]; k++)
        if (strcmp(parts[part][k], name) == 0) return 1;
    return 0;
}

static void run_part(int part)
{
    uint32_t *trace = kmalloc(CAP * 4), n = 0;
    CHECK(trace, "no memory for the trace");
    for (int i = 0; workload_at(i); i++) {
        const struct workload *w = workload_at(i);
        int in = 0;
        for (int k = 0; k < NPARTS; k++) in += in_part(k, w->name);
        CHECK(in == 1, "workload %s is in %d parts of this test, not exactly one", w->name, in);
        if (!in_part(part, w->name)) continue;
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

static void test_replacement_1(void) { run_part(0); }
static void test_replacement_2(void) { run_part(1); }
static void test_replacement_3(void) { run_part(2); }

TEST("replacement_1of3", test_replacement_1,
     "scan, sort, focus, matmul x every policy at 25 and 50 frames, against OPT",
     "mem=128 disk=8 timeout=120 solo");
TEST("replacement_2of3", test_replacement_2,
     "zigzag, gamma, hotcold x every policy at 25 and 50 frames, against OPT",
     "mem=128 disk=8 timeout=120 solo");
TEST("replacement_3of3", test_replacement_3,
     "uniform x every policy at 25 and 50 frames, against OPT",
     "mem=128 disk=8 timeout=120 solo");
