/* tests/experiment.h - one replacement experiment: a workload under a policy.
 *
 * An experiment creates a pageable VMPool with a resident limit of
 * NFRAMES (mm/pager.h), runs a workload (tests/workloads/) over NPAGES
 * of it, and reports the faults, disk reads and disk writes the pager
 * counted.  With a trace buffer it also records the page-reference
 * string, from which OPT and LRU are computed for the same NFRAMES
 * (mm/refstring.h).  Used by the replacement tests and by the kernel's
 * workload=/report=/trace= command-line modes (tests/experiment.c). */
#ifndef TESTS_EXPERIMENT_H
#define TESTS_EXPERIMENT_H

#include <stdint.h>
#include "tests/workloads/workload.h"
#include "tests/trace_in.h"

#define EXP_MAX_PAGES    TRACE_MAX_PAGES    /* the largest region an experiment has */
#define EXP_MAX_SIZES    32                 /* frame counts in one nframes= list */
#define EXP_MAX_POLICIES 16                 /* policies in one policies= list */

struct exp_result {
    uint32_t faults, disk_reads, disk_writes;
    int ok;                     /* 1 if the workload's own check passed */
};

/* Run W under POLICY with NFRAMES resident frames over NPAGES pages
 * (1..EXP_MAX_PAGES).  If TRACE is not 0, record up to CAP references
 * there and set *NTRACE.
 * Returns 0, or an error if the experiment could not be set up (no swap,
 * bad policy) or leaked a frame or swap slot (with a message). */
int experiment_run(const struct workload *w, const char *policy, uint32_t npages,
                   uint32_t nframes, uint32_t seed, uint32_t *trace, uint32_t cap,
                   uint32_t *ntrace, struct exp_result *r);

/* OPT and LRU over TRACE (N references) for NFRAMES; work memory is
 * taken from kmalloc.  Returns 0, or -E_NOMEM (with a message) if there
 * is not enough of it. */
int experiment_reference(const uint32_t *trace, uint32_t n, uint32_t npages,
                         uint32_t nframes, struct exp_result *opt, struct exp_result *lru);

/* Print one CSV row: workload,npages,nframes,policy,faults,disk_reads,disk_writes */
void experiment_row(const char *workload, uint32_t npages, uint32_t nframes,
                    const char *policy, const struct exp_result *r);

/* The rows of a report, after a line naming their columns: for each of
 * the NSIZES frame counts NF, OPT's and LRU's over the N references
 * TRACE, then W run under each of the NPOLS policies POLS (with SEED),
 * all over NPAGES pages and called NAME in the rows.  With
 * SHOW_PROGRESS, a run that takes more than 10 s says how far it has got
 * every 10 s.  A run that cannot be set up ends the boot (EXIT_FAIL).
 * Returns how many runs went wrong: a wrong result, or fewer faults
 * than OPT's. */
int experiment_rows(const char *name, const struct workload *w, const uint32_t *trace,
                    uint32_t n, uint32_t npages, const uint32_t *nf, int nsizes,
                    const char *const *pols, int npols, uint32_t seed, int show_progress);

/* The frame counts of the nframes= option (DFLT if it is absent) into
 * NF (room for EXP_MAX_SIZES); returns how many.  There must be at most
 * EXP_MAX_SIZES, each a number from 1 to POLICY_MAX_FRAMES, at most
 * NPAGES, that fits in the free frames; else the boot ends with a
 * message naming it. */
int experiment_sizes(const char *dflt, uint32_t npages, uint32_t *nf);

/* The policies of the policies= option (every policy if it is absent)
 * into POLS, at most MAX; returns how many.  An unknown one ends the
 * boot with the list of policies. */
int experiment_policies(const char **pols, int max);

/* The kernel command-line modes: workload=NAME (one experiment),
 * report=NAME (every policy at every nframes=LIST size) and trace=NAME
 * (the trace on the trace disk replayed: tests/trace_replay.h).  Returns
 * only if none of them was given. */
void experiment_main(void);

#endif
