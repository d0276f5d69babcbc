/* tests/experiment.h - one replacement experiment: a workload under a policy.
 *
 * An experiment creates a pageable VMPool with a resident limit of
 * NFRAMES (mm/pager.h), runs a workload (tests/workloads/) over NPAGES
 * of it, and reports the faults, disk reads and disk writes the pager
 * counted.  With a trace buffer it also records the page-reference
 * string, from which OPT and LRU are computed for the same NFRAMES
 * (mm/refstring.h).  Used by the replacement tests and by the kernel's
 * workload=/report= command-line modes (tests/experiment.c). */
#ifndef TESTS_EXPERIMENT_H
#define TESTS_EXPERIMENT_H

#include <stdint.h>
#include "tests/workloads/workload.h"

struct exp_result {
    uint32_t faults, disk_reads, disk_writes;
    int ok;                     /* 1 if the workload's own check passed */
};

/* Run W under POLICY with NFRAMES resident frames over NPAGES pages.
 * If TRACE is not 0, record up to CAP references there and set *NTRACE.
 * Returns 0, or an error if the experiment could not be set up (no swap,
 * bad policy) or leaked a frame or swap slot (with a message). */
int experiment_run(const struct workload *w, const char *policy, uint32_t npages,
                   uint32_t nframes, uint32_t seed, uint32_t *trace, uint32_t cap,
                   uint32_t *ntrace, struct exp_result *r);

/* OPT and LRU over TRACE (N references) for NFRAMES; work memory is
 * taken from kmalloc.  Returns 0 or -E_NOMEM. */
int experiment_reference(const uint32_t *trace, uint32_t n, uint32_t npages,
                         uint32_t nframes, struct exp_result *opt, struct exp_result *lru);

/* Print one CSV row: workload,npages,nframes,policy,faults,disk_reads,disk_writes */
void experiment_row(const char *workload, uint32_t npages, uint32_t nframes,
                    const char *policy, const struct exp_result *r);

/* The kernel command-line modes: workload=NAME (one experiment) and
 * report=NAME (every policy at every nframes=LIST size).  Returns only
 * if neither option was given. */
void experiment_main(void);

#endif
