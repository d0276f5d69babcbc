#!/usr/bin/env python3
"""tools/report.py - the page replacement report: make replacement-report.

  report.py [--quick] [--workloads W,..] [--nframes N,..] [--policies P,..]
            [--traces 'FILE[@N,..] ...'] [--sizes N,..] [--jobs N] [--summary-only]

Measures every built-in workload (tests/workloads/) under every policy
at 10, 25, 50, 75 and 90 frames of 100 pages, and every trace file given
with --traces (make replacement-report TRACES="FILE ...") at --sizes
frames (default 100, 500 and 1000; FILE@N,N gives one trace sizes of its
own), then prints a summary against OPT and against the better of clock
and clock_pro.  --quick (QUICK=1) is one size and a few workloads, for
an edit-run loop.

How it runs.  Each built-in workload is one boot with report=WORKLOAD
(tests/experiment.c), or with many cores a few that share its policies
out; the boots run side by side, one per core, longest first.  Every
figure but aging's depends on nothing but the reference string and the
policy, so it is exactly repeatable.  Aging samples the A bits on timer
ticks.  The boots run under -icount shift=0, where guest time counts
instructions, so a tick comes every 10 million of them whatever the
host's speed; but the waits for the emulated disk last as long as the
host's disk takes, and they move where the ticks fall, so aging's
figures move a little from run to run.  The boot that records a
workload's reference string writes it, in binary, onto a disk of its
own (tools/tracedisk.py): printing 1.6 million numbers over the serial
port took two minutes.  A trace is one boot with trace=NAME and the file
on a trace disk (tests/trace_replay.c), without -icount: there no timer
tick reaches the policy, so every figure, aging's too, is repeatable.

Writes, in build/replacement/:
  results.csv         workload,npages,nframes,policy,faults,disk_reads,disk_writes
                      (a trace's rows name the trace; OPT and LRU are policies opt, lru)
  traces/NAME.txt     each workload's reference string, one page number per line
  NAME-faults.svg     and -disk_reads.svg, -disk_writes.svg per workload and trace (gnuplot)
  summary.txt         the summary printed at the end
  NAME.log            each boot's serial output
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402
import tracedisk  # noqa: E402
from jobpool import Job, run_jobs  # noqa: E402

ROOT = runtests.ROOT
OUT = os.path.join(ROOT, "build", "replacement")
WORKLOADS = ["scan", "sort", "focus", "gamma", "zigzag", "uniform", "hotcold", "matmul"]
NFRAMES = [10, 25, 50, 75, 90]          # of 100 pages: the sizes the targets speak of
TRACE_SIZES = [100, 500, 1000]
QUICK_WORKLOADS = ["scan", "zigzag", "uniform", "hotcold"]
QUICK_NFRAMES = [50]
FIELDS = ["workload", "npages", "nframes", "policy", "faults", "disk_reads", "disk_writes"]
MEM = 256
REFS_MAX = 2 << 20                      # TRACE_CAP in tests/experiment.c
# The seconds one boot of a workload takes, every policy at the five
# sizes (measured, one boot at a time).  The pool starts the longest
# first; with many cores a long one is shared out among a few boots
# (the parts in main, below), each of which records the reference string again.
COST = {"scan": 8, "sort": 17, "focus": 2, "gamma": 7, "zigzag": 19, "uniform": 27,
        "hotcold": 14, "matmul": 2}

print_lock = threading.Lock()
T0 = time.time()


def say(text):
    """Print TEXT with the seconds since the start, whole, from any thread."""
    with print_lock:
        print("[%4ds] %s" % (time.time() - T0, text), flush=True)


def parse_row(line):
    """A ROW line as a dict of FIELDS (numbers as ints), or None for the
    line that names the columns.  A row the kernel marked wrong is said."""
    parts = line[4:].split(",")
    if parts[1] == "npages":
        return None
    row = dict(zip(FIELDS, parts))
    for k in ("npages", "nframes", "faults", "disk_reads", "disk_writes"):
        row[k] = int(row[k])
    if len(parts) > len(FIELDS):
        say("WRONG RESULT: " + line)
    return row


class BootFailed(Exception):
    """A boot of the report did not pass; the message says how."""


def boot(tag, append, extra, icount):
    """Boot the kernel with options APPEND (ram=MEM added) and the QEMU
    arguments EXTRA; show each row as it comes.  Returns the rows, or
    raises BootFailed if the boot fails (its log is build/replacement/TAG.log)."""
    cmd = runtests.qemu_cmd(MEM, append + " ram=%d" % MEM, "stdio", extra, icount=icount)
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    rows, log = [], []
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace").strip()
        log.append(line)
        if line.startswith("ROW "):
            row = parse_row(line)
            if row:
                rows.append(row)
                say("%-14s %6d frames  %-15s faults %7d  reads %7d  writes %7d"
                    % (row["workload"][:14], row["nframes"], row["policy"], row["faults"],
                       row["disk_reads"], row["disk_writes"]))
        elif "progress" in line or line.startswith("trace "):
            say("%s: %s" % (tag, line))
    status = p.wait()
    with open(os.path.join(OUT, "%s.log" % tag), "w") as f:
        f.write("\n".join(log) + "\n")
    if status != runtests.PASS_STATUS:
        raise BootFailed("the %s boot failed (QEMU status %d): %s; see %s"
                         % (tag, status, runtests.last_words("\n".join(log)),
                            os.path.relpath(os.path.join(OUT, tag + ".log"))))
    say("%s: %d rows in %.1f s" % (tag, len(rows), time.time() - t0))
    return rows


def run_workload(name, part, policies, nframes):
    """One boot of workload NAME for POLICIES (all if empty) at NFRAMES;
    part 0 also brings the reference string back (traces/NAME.txt)."""
    tag = name if part == 0 else "%s-%d" % (name, part)
    swap = os.path.join(OUT, "swap-%s.img" % tag)
    runtests.blank_image(swap, 16 << 20)
    extra = runtests.slave_disk(swap)
    refs_img = None
    if part == 0:
        refs_img = os.path.join(OUT, "refs-%s.img" % name)
        tracedisk.blank_refs(refs_img, REFS_MAX)
        extra += runtests.master_disk(refs_img)
    append = "report=%s npages=100 nframes=%s" % (name, ",".join(map(str, nframes)))
    if policies:
        append += " policies=" + ",".join(policies)
    try:
        rows = boot(tag, append, extra, icount=True)
        if refs_img:
            refs = tracedisk.read_refs(refs_img)
            if refs is None:
                raise BootFailed("%s: the kernel sent no reference string" % name)
            with open(os.path.join(OUT, "traces", "%s.txt" % name), "w") as f:
                f.write("\n".join(str(r >> 1) for r in refs) + "\n")
    finally:
        os.remove(swap)
        if refs_img:
            os.remove(refs_img)
    return rows


def trace_name(path):
    """The name a trace file's rows carry: its file name without the
    extension, at most 31 characters (TRACE_NAME in tests/trace_in.h),
    anything but letters, digits, '_', '-' and '.' made '_' (a comma
    would split the CSV row and the kernel's option)."""
    name = os.path.splitext(os.path.basename(path))[0][:31]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def run_trace(path, sizes, policies):
    """One boot replaying the trace file PATH at SIZES frames."""
    name = trace_name(path)
    timg = os.path.join(OUT, "trace-%s.img" % name)
    swap = os.path.join(OUT, "swap-%s.img" % name)
    tracedisk.write_trace(path, timg)
    runtests.blank_image(swap, runtests.TRACE_SWAP_MB << 20)
    extra = runtests.master_disk(timg) + runtests.slave_disk(swap)
    append = "trace=%s nframes=%s" % (name, ",".join(map(str, sizes)))
    if policies:
        append += " policies=" + ",".join(policies)
    try:
        return boot(name, append, extra, icount=False)
    finally:
        os.remove(timg)
        os.remove(swap)


def policy_list():
    """Every policy, in the kernel's order: read from mm/replace/policy.c."""
    with open(os.path.join(ROOT, "mm", "replace", "policy.c")) as f:
        text = f.read()
    body = text[text.index("policies[] = {"):]
    body = body[:body.index("};")]
    return [w.strip(" &,\n")[len("policy_"):] for w in body.split("\n")[1:] if "&policy_" in w]


def plot(name, rows):
    """One SVG per figure for workload or trace NAME, if gnuplot is there."""
    if not shutil.which("gnuplot"):
        return
    policies = sorted({r["policy"] for r in rows}, key=lambda p: (p != "opt", p != "lru", p))
    npages = rows[0]["npages"]
    for fig in ("faults", "disk_reads", "disk_writes"):
        dat = os.path.join(OUT, "%s-%s.dat" % (name, fig))
        with open(dat, "w") as f:
            for pol in policies:
                f.write("# %s\n" % pol)
                for r in sorted((r for r in rows if r["policy"] == pol), key=lambda r: r["nframes"]):
                    f.write("%d %d\n" % (r["nframes"], r[fig]))
                f.write("\n\n")
        svg = os.path.join(OUT, "%s-%s.svg" % (name, fig))
        plots = ", ".join("'%s' index %d with linespoints pt %d ps 0.6%s title '%s'"
                          % (dat, i, i + 1, " lw 2 dt 2 lc rgb 'black'" if pol == "opt" else "", pol)
                          for i, pol in enumerate(policies))
        # noenhanced: an underscore in a policy name is not a subscript.
        script = ("set terminal svg size 960,560 dynamic noenhanced; set output '%s';"
                  "set title '%s: %s against frames (%d pages)'; set xlabel 'frames';"
                  "set ylabel '%s'; set key outside right top samplen 3 spacing 1.2;"
                  "set rmargin 22; set grid; plot %s"
                  % (svg, name, fig.replace("_", " "), npages, fig.replace("_", " "), plots))
        r = subprocess.run(["gnuplot", "-e", script], capture_output=True, text=True)
        if r.returncode != 0:
            say("gnuplot failed on %s: %s" % (os.path.basename(svg),
                (r.stderr.strip().splitlines() or ["?"])[-1]))
        os.remove(dat)


def default_policy():
    """PAGER_DEFAULT_POLICY from mm/pager.h: the one place it is set."""
    with open(os.path.join(ROOT, "mm", "pager.h")) as f:
        for line in f:
            if line.startswith("#define PAGER_DEFAULT_POLICY"):
                return line.split('"')[1]
    return "clock"


def write_csv(rows):
    with open(os.path.join(OUT, "results.csv"), "w") as f:
        f.write(",".join(FIELDS) + "\n")
        for r in rows:
            f.write(",".join(str(r[k]) for k in FIELDS) + "\n")


def read_csv():
    """The rows of an earlier run's results.csv; exits with a message
    saying how to make one if there is none."""
    path = os.path.join(OUT, "results.csv")
    if not os.path.exists(path):
        sys.exit("report: %s does not exist yet: `make replacement-report` measures it "
                 "(a few minutes); --summary-only then redoes the plots and summary "
                 "from it" % os.path.relpath(path))
    with open(path) as f:
        lines = f.read().split("\n")
    return [parse_row("ROW " + line) for line in lines[1:] if line]


def gmean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def summarize(rows):
    """The summary: faults relative to OPT, to the better of clock and
    clock_pro, and the targets; returns the text."""
    by = {(r["workload"], r["nframes"], r["policy"]): r for r in rows}
    policies = sorted({r["policy"] for r in rows} - {"opt"})
    names = [w for w in WORKLOADS if any(r["workload"] == w for r in rows)]
    traces = sorted({r["workload"] for r in rows} - set(WORKLOADS))
    cells = sorted({(r["workload"], r["nframes"]) for r in rows},
                   key=lambda c: (c[0] in traces, (names + traces).index(c[0]), c[1]))
    wsizes = sorted({n for w, n in cells if w in names})

    def ratio(w, n, pol, base="opt"):
        if (w, n, pol) in by and (w, n, base) in by and by[(w, n, base)]["faults"]:
            return by[(w, n, pol)]["faults"] / by[(w, n, base)]["faults"]
        return None

    def better(w, n):
        """Faults of the better of clock and clock_pro at (W, N), or None."""
        fs = [by[(w, n, p)]["faults"] for p in ("clock", "clock_pro") if (w, n, p) in by]
        return min(fs) if len(fs) == 2 else None

    lines = []
    if names:
        lines += ["faults / OPT (geometric mean over the workloads, by frames of 100 pages)", ""]
        lines.append("%-15s" % "policy" + "".join("%8d" % n for n in wsizes) + "      all")
        for pol in policies:
            cols = [gmean([x for x in (ratio(w, n, pol) for w in names) if x]) for n in wsizes]
            allv = gmean([x for x in (ratio(w, n, pol) for w in names for n in wsizes) if x])
            lines.append("%-15s" % pol + "".join("%8.3f" % c for c in cols) + "%9.3f" % allv)
        lines += ["", "faults / OPT by workload (geometric mean over its sizes)", ""]
        lines.append("%-15s" % "policy" + "".join("%9s" % w[:8] for w in names))
        for pol in policies:
            cols = [gmean([x for x in (ratio(w, n, pol) for n in wsizes) if x]) for w in names]
            lines.append("%-15s" % pol + "".join("%9.3f" % c for c in cols))
        lines.append("")
    if traces:
        lines += ["faults / OPT by trace (geometric mean over its sizes)", ""]
        lines.append("%-22s %-14s" % ("trace", "frames") + "".join("%9s" % p[:8] for p in policies))
        for t in traces:
            tn = [n for w, n in cells if w == t]
            cols = [gmean([x for x in (ratio(t, n, pol) for n in tn) if x]) for pol in policies]
            lines.append("%-22s %-14s" % (t, "/".join(map(str, tn))) +
                         "".join("%9.3f" % c for c in cols))
        lines.append("")

    # Per policy, over every cell measured: against OPT, and against the
    # better of clock and clock_pro (the 1.05x target).
    lines += ["every policy over all %d cells (%s): faults / OPT, and against the better "
              "of clock and clock_pro" % (len(cells), "workloads and traces" if traces and names
                                          else "traces" if traces else "workloads"), ""]
    lines.append("%-15s %9s %8s %9s  %s" % ("policy", "gmean/OPT", "<=1.05x", "worst", "where"))
    summary = {}
    for pol in policies:
        vs_opt = [x for x in (ratio(w, n, pol) for w, n in cells) if x]
        vs_best = [(by[(w, n, pol)]["faults"] / better(w, n), w, n) for w, n in cells
                   if (w, n, pol) in by and better(w, n)]
        worst = max(vs_best) if vs_best else (float("nan"), "-", 0)
        within = sum(1 for v, w, n in vs_best if v <= 1.05)
        summary[pol] = (worst, within, len(vs_best))
        lines.append("%-15s %9.3f %4d/%-3d %8.3fx  %s at %d frames"
                     % (pol, gmean(vs_opt), within, len(vs_best), worst[0], worst[1], worst[2]))
    lines.append("")

    lines.append("targets:")

    def target(ok, text):
        lines.append("  %s %s" % ("met   " if ok else "MISSED", text))

    if ("scan", 50, "opt") in by:
        opt = by[("scan", 50, "opt")]["faults"]
        bp = min(policies, key=lambda p: by.get(("scan", 50, p), {"faults": 1 << 30})["faults"])
        v = by[("scan", 50, bp)]["faults"]
        target(v <= 1.05 * opt, "scan at 50 frames: best policy %s %d faults vs OPT %d (%.3fx, "
               "target <= 1.05)" % (bp, v, opt, v / opt))
    if names and len(wsizes) > 1:
        gm = {p: gmean([x for x in (ratio(w, n, p) for w in names for n in wsizes) if x])
              for p in policies if p != "lru"}
        best = min(gm, key=gm.get)
        target(gm[best] <= 1.10, "best single policy over all workloads at %s frames: %s, "
               "geometric mean %.3f x OPT (target <= 1.10)"
               % ("/".join(map(str, wsizes)), best, gm[best]))
    dflt = default_policy()
    if dflt in summary:
        (worst, w, n), within, total = summary[dflt]
        target(within == total, "default policy %s within 1.05x of the better of clock and "
               "clock_pro: in %d of %d cases; worst %.3fx (%s at %d frames)"
               % (dflt, within, total, worst, w, n))
        for w, n in cells:
            b = better(w, n)
            if b and (w, n, dflt) in by and by[(w, n, dflt)]["faults"] > 1.05 * b:
                f = by[(w, n, dflt)]["faults"]
                lines.append("           short: %s at %d frames: %d faults, clock %d, clock_pro "
                             "%d (%.3fx)" % (w, n, f, by[(w, n, "clock")]["faults"],
                                             by[(w, n, "clock_pro")]["faults"], f / b))
    if ("uniform", 50, "enhanced_clock") in by and ("uniform", 50, "clock") in by:
        e, c = by[("uniform", 50, "enhanced_clock")], by[("uniform", 50, "clock")]
        target(e["disk_writes"] <= 0.9 * c["disk_writes"] and e["faults"] <= 1.02 * c["faults"],
               "enhanced_clock on uniform at 50 frames: %d writes vs clock's %d (%.2fx, target "
               "<= 0.90), %d faults vs %d (%.3fx, target <= 1.02)"
               % (e["disk_writes"], c["disk_writes"], e["disk_writes"] / c["disk_writes"],
                  e["faults"], c["faults"], e["faults"] / c["faults"]))
    return "\n".join(lines) + "\n"


def finish(rows):
    """Plots, results.csv and summary.txt from ROWS; prints the summary."""
    for name in dict.fromkeys(r["workload"] for r in rows):
        plot(name, [r for r in rows if r["workload"] == name])
    write_csv(rows)
    text = summarize(rows)
    with open(os.path.join(OUT, "summary.txt"), "w") as f:
        f.write(text)
    print("\n" + text)


def numbers(text, what):
    try:
        return [int(x) for x in text.replace(" ", ",").split(",") if x]
    except ValueError:
        sys.exit("report: %s '%s' is not a list of numbers" % (what, text))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="%s at %s frames only" % (",".join(QUICK_WORKLOADS),
                                                    ",".join(map(str, QUICK_NFRAMES))))
    ap.add_argument("--workloads", help="built-in workloads (default all; 'none' for none)")
    ap.add_argument("--nframes", help="their frame counts, of 100 pages (default 10,25,50,75,90)")
    ap.add_argument("--policies", default="", help="default: every policy")
    ap.add_argument("--traces", default="", help="trace files to replay too, separated by "
                    "blanks; FILE@N,N,... at frame counts of its own")
    ap.add_argument("--sizes", default="", help="the traces' frame counts (default 100,500,1000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="boots at once")
    ap.add_argument("--summary-only", action="store_true",
                    help="redo the plots and summary.txt from an earlier results.csv")
    args = ap.parse_args()
    os.makedirs(os.path.join(OUT, "traces"), exist_ok=True)
    if args.summary_only:
        finish(read_csv())
        return
    names = (args.workloads.split(",") if args.workloads else
             QUICK_WORKLOADS if args.quick else WORKLOADS)
    names = [] if names == ["none"] else names
    bad = [w for w in names if w not in WORKLOADS]
    if bad:
        sys.exit("report: unknown workload %s; the workloads are %s"
                 % (bad[0], ",".join(WORKLOADS)))
    nframes = numbers(args.nframes, "--nframes") if args.nframes else \
        QUICK_NFRAMES if args.quick else NFRAMES
    sizes = numbers(args.sizes, "--sizes") if args.sizes else TRACE_SIZES
    traces, tsizes = [], {}
    for item in args.traces.split():
        t, at, own = item.rpartition("@")
        if not at or not re.fullmatch(r"[0-9,]+", own):    # an @ in the path itself
            t, at, own = item, "", ""
        if not os.path.isfile(t):
            sys.exit("report: trace file %s does not exist" % t)
        if trace_name(t) in WORKLOADS or trace_name(t) in map(trace_name, traces):
            sys.exit("report: trace %s would be called %s, as a workload or another trace is"
                     % (t, trace_name(t)))
        traces.append(t)
        tsizes[t] = numbers(own, "the sizes of " + t) if at else sizes
    policies = [p for p in args.policies.split(",") if p] or policy_list()

    jobs = []
    total = sum(COST.get(w, 10) for w in names)
    for w in names:
        # Into as many parts as it takes for none to be longer than a
        # core's fair share of the whole.
        k = max(1, min(len(policies), math.ceil(COST.get(w, 10) * args.jobs / max(total, 1))))
        for part in range(k):
            pols = policies[part::k]
            cost = COST.get(w, 10) * len(nframes) / len(NFRAMES) * len(pols) / 8
            jobs.append(Job("%s/%d" % (w, part), lambda w=w, part=part, pols=pols:
                            run_workload(w, part, pols, nframes), cost + 2))
    for t in traces:
        jobs.append(Job(trace_name(t), lambda t=t: run_trace(t, tsizes[t], policies),
                        os.path.getsize(t) / 10000.0 * len(tsizes[t])))
    say("%d boots, %d at a time: workloads %s at %s frames%s; policies %s"
        % (len(jobs), args.jobs, ",".join(names) or "none", ",".join(map(str, nframes)),
           "; traces %s" % ", ".join("%s at %s frames" % (trace_name(t), ",".join(
               map(str, tsizes[t]))) for t in traces) if traces else "",
           ",".join(policies)))
    got = {}
    for job in run_jobs(jobs, args.jobs):
        if job.error or job.result is None:
            why = str(job.exception) if isinstance(job.exception, BootFailed) else \
                (job.error or "no rows").strip().split("\n")[-1]
            sys.exit("report: %s" % why)
        got[job.name] = job.result
        say("%s done (%d of %d boots)" % (job.name, len(got), len(jobs)))
    rows, seen = [], set()
    for job in jobs:                    # in a fixed order, each row once (OPT and LRU repeat)
        for r in got[job.name]:
            key = (r["workload"], r["nframes"], r["policy"])
            if key not in seen:
                seen.add(key)
                rows.append(r)
    order = {p: i for i, p in enumerate(["opt", "lru"] + policies)}
    rows.sort(key=lambda r: ((names + [trace_name(t) for t in traces]).index(r["workload"]),
                             r["nframes"], order.get(r["policy"], 99)))
    finish(rows)
    print("wrote %s/results.csv, traces/, plots (*.svg) and summary.txt in %ds"
          % (os.path.relpath(OUT), time.time() - T0))


if __name__ == "__main__":
    main()
