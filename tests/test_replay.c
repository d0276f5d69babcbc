/* tests/test_replay.c - reference strings replayed on real pages, against the model.
 *
 * policy_kernel_equals_host: a fixed reference string (hot/cold over 150
 *   pages, reads and writes, from a seeded generator) is replayed on real
 *   pages (the "replay" workload: real faults, evictions and swap I/O,
 *   every page's data checked on every read) under every deterministic
 *   policy at 12 and 48 frames, and the kernel's fault, disk-read and
 *   disk-write counts must equal, exactly, those of the model pager
 *   (mm/replace/sim.c) running the same policy code on the same string:
 *   the model the host unit tests check policies with.  `aging` is left
 *   out: it also samples on timer ticks, which land between references
 *   at times the model cannot know.  It fails if the kernel's pager or
 *   its A/D handling differs from the model's: an Accessed bit cleared
 *   without flushing the TLB, a dirty page not written, a clean page
 *   written, a page given the wrong slot. */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/experiment.h"
#include "mm/replace/sim.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

#define NPAGES 150
#define NREFS  5000

static uint32_t refs[NREFS];
static struct policy model_policy;

/* The fixed string: 80% of references to the first 30 pages, 30% writes. */
static uint32_t make_string(void)
{
    uint32_t seed = 2026, seen[(NPAGES + 31) / 32];
    for (uint32_t i = 0; i < NREFS; i++) {
        uint32_t r = rand_next(&seed) % 100, p = rand_next(&seed);
        uint32_t page = r < 80 ? p % 30 : 30 + p % (NPAGES - 30);
        refs[i] = REF(page, rand_next(&seed) % 100 < 30);
    }
    replay_first_writes(refs, NREFS, NPAGES, seen);
    return NREFS;
}

static void test_policy_kernel_equals_host(void)
{
    uint32_t n = make_string();
    uint32_t *shadow = kmalloc(NPAGES * 4);
    CHECK(shadow, "memory");
    memset(shadow, 0, NPAGES * 4);
    replay_set(refs, n, shadow);
    static const uint32_t sizes[] = { 12, 48 };
    int compared = 0;
    for (int k = 0; policy_name(k); k++) {
        const struct policy_ops *ops = policy_find(policy_name(k));
        if (ops->tick) continue;                /* aging: timer-driven */
        for (int z = 0; z < 2; z++) {
            struct exp_result r;
            struct ref_result m;
            int err = experiment_run(&wl_replay, ops->name, NPAGES, sizes[z], 1, 0, 0, 0, &r);
            CHECK(err == 0 && r.ok, "%s at %u frames: the replay failed (%d)", ops->name,
                  sizes[z], err);
            void *work = kmalloc(sim_work_bytes(ops, NPAGES, sizes[z]));
            CHECK(work, "memory for the model");
            const char *bad = policy_simulate(ops, &model_policy, refs, n, sizes[z], NPAGES, 1,
                                              0, work, &m);
            kfree(work);
            CHECK(!bad, "%s: the model says the policy %s", ops->name, bad);
            msg("%-15s %2u frames: kernel %u/%u/%u, model %u/%u/%u (faults/reads/writes)",
                ops->name, sizes[z], r.faults, r.disk_reads, r.disk_writes, m.faults,
                m.disk_reads, m.disk_writes);
            CHECK(r.faults == m.faults && r.disk_reads == m.disk_reads &&
                  r.disk_writes == m.disk_writes, "%s at %u frames: the kernel and the model "
                  "disagree", ops->name, sizes[z]);
            compared++;
        }
    }
    kfree(shadow);
    msg("%d runs: the kernel counted exactly what the model pager counts", compared);
}

TEST("policy_kernel_equals_host", test_policy_kernel_equals_host,
     "every deterministic policy: kernel replay counts == the model pager's, exactly",
     "disk=8 timeout=120");
