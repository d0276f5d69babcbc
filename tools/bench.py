#!/usr/bin/env python3
"""tools/bench.py - make bench: boot every benchmark, check the targets.

    VMLAB_BUILD=build/release tools/bench.py [--mem MB] [NAME...]

Boots each benchmark the kernel lists (BENCH(...) in tests/, kind=bench)
once per RAM size its host options ask for (--mem for one that names
none), under QEMU -icount shift=0, where rdtsc counts guest
instructions: every figure is exact and the same on every machine.  The
boots go through tools/runtests.py, so they get ram=MB and the same
verdicts as make test.  A benchmark gets a swap disk only if its host
options ask for one (disk=MB): the disk's interrupts arrive after real
host time, not after a number of guest instructions, so with a disk
attached the figures of the threaded runs vary from boot to boot.
Prints each "BENCH key=... value=..." figure as it comes, the matrix
table of bench_matrix as the README shows it, and the targets below
(met or MISSED) with a count of each; writes build/bench.txt.  Exits 1
if a boot failed or a target's figure is missing from the output (the
last line counts both: failed boots, and figures missing among the
missed targets); a missed target is a measured result, not a failure of
the benchmark, so it is printed (and counted in the last line) but does
not make `make bench` fail.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402

BENCH_RE = re.compile(r'^BENCH key=(\S+) mem=(\d+) value=(\d+) what="(.*)"$')

# Tables a benchmark prints, shown whole after the figures: (benchmark,
# the start of the table's header).  The table runs from its header to
# the benchmark's first line that is not a row of numbers.
TABLES = [("bench_matrix", "size threads  instructions"),
          ("bench_user", "access:   pattern")]


# Benchmark targets: functions of the results {(key, MiB): value} -> (met, detail).
def _ratio(res, key, hi, lo, limit):
    a, b = res.get((key, hi)), res.get((key, lo))
    if a is None or b is None:
        return False, "missing %s at %s or %s MiB" % (key, hi, lo)
    return a <= limit * b, "%s: %d at %d MiB vs %d at %d MiB = %.2fx (target <= %.1fx)" % (
        key, a, hi, b, lo, a / b, limit)


def _limit(res, key, mem, limit):
    v = res.get((key, mem))
    if v is None:
        return False, "missing %s" % key
    return v <= limit, "%s: %d (target <= %d)" % (key, v, limit)


def _pair(res, hi, lo, limit):
    a, b = res.get((hi, 0)), res.get((lo, 0))
    if a is None or b is None:
        return False, "missing %s or %s" % (hi, lo)
    return a <= limit * b, "%s / %s: %d / %d = %.2fx (target <= %.1fx)" % (
        hi, lo, a, b, a / b, limit)


def _at_least(res, key, floor, what):
    v = res.get((key, 0))
    if v is None:
        return False, "missing %s" % key
    return v >= floor, "%s: %d (%s; target >= %d)" % (key, v, what, floor)


def _permille(res, key, limit):
    v = res.get((key, 0))
    if v is None:
        return False, "missing %s" % key
    return v <= limit, "%s: %.3fx (target <= %.3fx)" % (key, v / 1000, limit / 1000)


TARGETS = [
    lambda r: _ratio(r, "frame_pool.get1_release", 1024, 32, 1.2),
    lambda r: _ratio(r, "frame_pool.get16_release", 1024, 32, 1.2),
    lambda r: _limit(r, "vm.fault_handler", 0, 300),
    lambda r: _pair(r, "vm.region_10000", "vm.region_10", 2.0),
    lambda r: _permille(r, "matrix.overhead_permille", 1020),
    lambda r: _pair(r, "user.fork_cow", "user.fork_eager", 0.1),
    lambda r: _limit(r, "user.cow_first_write", 0, 1600),
    lambda r: _limit(r, "user.getpid", 0, 200),
    lambda r: _limit(r, "daemon.zero_fault", 0, 400),
    lambda r: _limit(r, "daemon.soft_fault", 0, 500),
    lambda r: _at_least(r, "daemon.pages_per_write", 80, "pages per write command x10"),
    lambda r: _limit(r, "daemon.fault_writes", 0, 0),
]


def table(name, text):
    """The table benchmark NAME printed in its serial TEXT, if TABLES names
    one: its header and rows without the "(NAME) " prefix, or []."""
    header = dict(TABLES).get(name)
    prefix, rows = "(%s) " % name, []
    for line in text.split("\n"):
        if not line.startswith(prefix):
            continue                    # BENCH lines come between the rows
        body = line[len(prefix):]
        if header and body.startswith(header):
            rows = [body]
        elif rows and re.match(r"^\s*\d", body):
            rows.append(body)
        elif rows:
            break
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mem", type=int, default=runtests.DEFAULT_MEM,
                    help="RAM in MiB for a benchmark that names none")
    ap.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = ap.parse_args()
    if not os.path.exists(runtests.KERNEL):
        sys.exit("bench: %s not built; run make bench" % os.path.relpath(runtests.KERNEL))
    benches = [t for t in runtests.list_tests() if t["kind"] == "bench"
               and (not args.names or t["name"] in args.names)]
    runs = [(t, mem) for t in benches for mem in runtests.mems_of(t, args.mem)]
    results, rows, tables, failed = {}, [], [], 0
    for i, (t, mem) in enumerate(runs, 1):
        print("[%d/%d] %s at -m %dM ..." % (i, len(runs), t["name"], mem), flush=True)
        why, log, text, _ = runtests.boot_test(t["name"], mem, "test=" + t["name"], t["host"],
                                               tag="-bench-%dM" % mem, icount=True)
        if why:
            failed += 1
            print("  FAIL: %s%s" % (why, " (log %s)" % os.path.relpath(log) if log else ""),
                  flush=True)
            continue
        for line in text.split("\n"):
            m = BENCH_RE.match(line.strip())
            if m:
                key, mb, val, what = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
                results[(key, mb)] = val
                rows.append((key, mb, val, what))
                print("  %-26s %10s %10d  %s" % (key, "%d MiB" % mb if mb else "", val, what),
                      flush=True)
        found = table(t["name"], text)
        if found:
            tables.append((t["name"], found))
    out = os.path.join(runtests.BUILD, "bench.txt")
    with open(out, "w") as f:
        for key, mb, val, what in rows:
            f.write("%s\t%d\t%d\t%s\n" % (key, mb, val, what))
    for name, lines in tables:
        print("\n%s table:" % name)
        for line in lines:
            print("  " + line)
    print("\ntargets:")
    met = missed = missing = 0
    for target in TARGETS:
        ok, detail = target(results)
        if not args.names or "missing" not in detail:
            print("  %s %s" % ("met   " if ok else "MISSED", detail))
            met += ok
            missed += not ok
            missing += "missing" in detail  # a benchmark no longer prints its figure
    print("results in %s" % os.path.relpath(out))
    print("bench: %d benchmark boots, %d failed; targets %d met, %d missed (%d for a missing "
          "figure)" % (len(runs), failed, met, missed, missing))
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
