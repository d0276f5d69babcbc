/* tests/trace_replay.h - a trace file replayed on real pages in the kernel.
 *
 * trace=NAME on the command line (make run TRACE=FILE) reads the trace
 * on the trace disk (tests/trace_in.h) and, for every frame count and
 * policy asked for, replays it in a pageable region of one page per
 * distinct page number: real faults, evictions and swap I/O under the
 * resident limit, every page's data checked on every read (the replay
 * workload, tests/workloads/replay.c).  It prints the rows the built-in
 * workloads' reports print, OPT's and LRU's with them, and they must be
 * exactly what the host's replay tool prints for the same file
 * (tests/host/replay.c; tools/check_replay.py compares the two). */
#ifndef TESTS_TRACE_REPLAY_H
#define TESTS_TRACE_REPLAY_H

#include <stdint.h>
#include "tests/experiment.h"
#include "tests/trace_in.h"

/* The replay workload as trace replays run it: with the VM lock held
 * throughout, so that no timer tick reaches the policy (mm/pager.c's
 * tick skips a pool while the lock is held).  A trace records no time,
 * and aging, the one policy that ticks, then samples as the host's
 * model pager does: every nframes/8 victims.  replay_set() must have
 * been called. */
extern const struct workload wl_trace;

/* Replay the loaded trace T under POLICY with NFRAMES resident frames
 * (seed SEED for random) and store the counts in *R.  Returns 0, or
 * the error of an experiment that could not be set up or leaked (with
 * a message).  R->ok is 0 if a page read back wrong. */
int trace_replay_run(const struct trace_in *t, const char *policy, uint32_t nframes,
                     uint32_t seed, struct exp_result *r);

/* The trace= mode: load the trace disk's trace as NAME, print its
 * rows for the nframes= sizes (default 100,500,1000) and policies=
 * (default all), and end the boot: EXIT_PASS if every run was right. */
void trace_main(const char *name) __attribute__((noreturn));

#endif
