/* tests/bench_user.c - the cost of processes, in guest instructions.
 *
 * bench_user runs two user programs under -icount (make bench), which
 * print their own BENCH lines: tests/user/benchsys.c (getpid, fork with
 * and without copy-on-write, the first write after fork, a process
 * switch) and tests/user/access.c (seed 003's sequential against random
 * access, with a TLB model).  tools/bench.py holds the targets. */
#include "tests/harness.h"
#include "kernel/proc.h"

static void bench_user(void)
{
    static const char *const sys[] = { "benchsys" }, *const acc[] = { "access" };
    struct proc *p = proc_spawn("benchsys", 1, sys);
    CHECK(p && proc_join(p) == 0, "benchsys failed");
    p = proc_spawn("access", 1, acc);
    CHECK(p && proc_join(p) == 0, "access failed");
}

BENCH("bench_user", bench_user, "processes: getpid, fork (COW and eager), first write, switch, access",
      "mem=64 timeout=300");
