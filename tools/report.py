#!/usr/bin/env python3
"""tools/report.py - the page replacement report: make replacement-report.

Boots vmlab once per workload with report=WORKLOAD (tests/experiment.c),
which runs every policy at every frame count on a fresh swap disk and
prints the workload's page-reference string and one ROW per experiment.
Writes:
  build/replacement/results.csv         workload,npages,nframes,policy,faults,disk_reads,disk_writes
  build/replacement/traces/NAME.txt     the reference string, one page number per line
  build/replacement/NAME-faults.svg     and -disk_reads.svg, -disk_writes.svg (gnuplot)
  build/replacement/summary.txt         each policy's faults relative to OPT
and prints the summary and the targets.  Progress is shown as rows arrive.
"""
import argparse
import collections
import math
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402

ROOT = runtests.ROOT
OUT = os.path.join(ROOT, "build", "replacement")
WORKLOADS = ["scan", "sort", "focus", "gamma", "zigzag", "uniform", "hotcold", "matmul"]
NFRAMES = [3, 5, 10, 20, 25, 33, 40, 50, 60, 66, 75, 80, 90, 95, 100]
FIELDS = ["workload", "npages", "nframes", "policy", "faults", "disk_reads", "disk_writes"]


def run_workload(name, nframes, policies, npages):
    """Boot once for workload NAME; yield parsed ROW dicts, collect the trace."""
    img = os.path.join(OUT, "swap-%s.img" % name)
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    append = "report=%s npages=%d nframes=%s ram=256" % (name, npages, ",".join(map(str, nframes)))
    if policies:
        append += " policies=" + policies
    # -icount shift=0: the timer ticks every 10 million guest instructions,
    # so policies driven by ticks (aging) give exactly the same figures on
    # every run and every machine.
    cmd = runtests.qemu_cmd(256, append, "stdio",
                            ["-drive", "file=%s,format=raw,if=ide,index=1,cache=unsafe" % img],
                            icount=True)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    trace, rows, log = [], [], []
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace").strip()
        log.append(line)
        if line.startswith("TRACE "):
            trace.extend(line.split()[1:])
        elif line.startswith("ROW "):
            parts = line[4:].split(",")
            row = dict(zip(FIELDS, parts))
            for k in FIELDS[1:3] + FIELDS[4:]:
                row[k] = int(row[k])
            if len(parts) > 7:
                print("  WRONG RESULT: %s" % line, flush=True)
            rows.append(row)
            print("  %-8s nframes %3d  %-15s faults %6d  reads %6d  writes %6d"
                  % (row["workload"], row["nframes"], row["policy"], row["faults"],
                     row["disk_reads"], row["disk_writes"]), flush=True)
    status = p.wait()
    os.remove(img)
    with open(os.path.join(OUT, "%s.log" % name), "w") as f:
        f.write("\n".join(log) + "\n")
    if status != runtests.PASS_STATUS:
        sys.exit("report: the %s run failed (QEMU status %d); see %s"
                 % (name, status, os.path.join(OUT, name + ".log")))
    with open(os.path.join(OUT, "traces", "%s.txt" % name), "w") as f:
        f.write("\n".join(trace) + "\n")
    return rows


def plot(name, rows):
    """One SVG per figure for workload NAME, if gnuplot is there."""
    if not shutil.which("gnuplot"):
        return
    policies = sorted({r["policy"] for r in rows}, key=lambda p: (p != "opt", p != "lru", p))
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
                  "set title '%s: %s against frames (100 pages)'; set xlabel 'frames';"
                  "set ylabel '%s'; set key outside right top samplen 3 spacing 1.2;"
                  "set rmargin 22; set grid; plot %s"
                  % (svg, name, fig.replace("_", " "), fig.replace("_", " "), plots))
        r = subprocess.run(["gnuplot", "-e", script], capture_output=True, text=True)
        if r.returncode != 0:
            print("report: gnuplot failed on %s: %s" % (os.path.basename(svg),
                  (r.stderr.strip().splitlines() or ["?"])[-1]), flush=True)
        os.remove(dat)


def default_policy():
    """PAGER_DEFAULT_POLICY from mm/pager.h: the one place it is set."""
    with open(os.path.join(ROOT, "mm", "pager.h")) as f:
        for line in f:
            if line.startswith("#define PAGER_DEFAULT_POLICY"):
                return line.split('"')[1]
    return "clock"


def read_csv():
    """The rows of an earlier run's results.csv; exits with a message
    saying how to make one if there is none."""
    path = os.path.join(OUT, "results.csv")
    if not os.path.exists(path):
        sys.exit("report: %s does not exist yet: `make replacement-report` measures it "
                 "(about 25 minutes); --summary-only then redoes the plots and summary "
                 "from it" % os.path.relpath(path))
    with open(path) as f:
        lines = f.read().split("\n")
    rows = []
    for line in lines[1:]:
        if line:
            row = dict(zip(FIELDS, line.split(",")))
            for k in FIELDS[1:3] + FIELDS[4:]:
                row[k] = int(row[k])
            rows.append(row)
    return rows


def summarize(rows):
    """Faults relative to OPT, and the targets; returns the text."""
    by = {(r["workload"], r["nframes"], r["policy"]): r for r in rows}
    policies = sorted({r["policy"] for r in rows} - {"opt"})
    lines = ["faults / OPT (geometric mean over workloads, by frames)", ""]
    key_frames = [10, 25, 50, 75, 90]
    lines.append("%-15s" % "policy" + "".join("%8d" % n for n in key_frames) + "     all5")
    gm_all = {}
    for pol in policies:
        vals, cells = [], []
        for n in key_frames:
            rs = [by[(w, n, pol)]["faults"] / by[(w, n, "opt")]["faults"]
                  for w in WORKLOADS if (w, n, pol) in by and (w, n, "opt") in by]
            g = math.exp(sum(map(math.log, rs)) / len(rs)) if rs else float("nan")
            vals.extend(rs)
            cells.append("%8.3f" % g)
        gm_all[pol] = math.exp(sum(map(math.log, vals)) / len(vals)) if vals else float("nan")
        lines.append("%-15s" % pol + "".join(cells) + "%9.3f" % gm_all[pol])
    lines.append("")
    lines.append("faults / OPT by workload (geometric mean over those five sizes)")
    lines.append("")
    lines.append("%-15s" % "policy" + "".join("%9s" % w[:8] for w in WORKLOADS))
    for pol in policies:
        cells = []
        for w in WORKLOADS:
            rs = [by[(w, n, pol)]["faults"] / by[(w, n, "opt")]["faults"]
                  for n in key_frames if (w, n, pol) in by and (w, n, "opt") in by]
            cells.append("%9.3f" % math.exp(sum(map(math.log, rs)) / len(rs)) if rs else "%9s" % "-")
        lines.append("%-15s" % pol + "".join(cells))
    lines.append("")
    best = min((p for p in gm_all if p not in ("lru",)), key=lambda p: gm_all[p])
    lines.append("targets:")

    def t(ok, text):
        lines.append("  %s %s" % ("met   " if ok else "MISSED", text))

    if ("scan", 50, "opt") in by:
        opt = by[("scan", 50, "opt")]["faults"]
        bp = min(policies, key=lambda p: by.get(("scan", 50, p), {"faults": 1 << 30})["faults"])
        v = by[("scan", 50, bp)]["faults"]
        t(v <= 1.05 * opt, "scan at 50 frames: best policy %s %d faults vs OPT %d (%.3fx, "
          "target <= 1.05)" % (bp, v, opt, v / opt))
    t(gm_all[best] <= 1.10, "best single policy over all workloads at 10/25/50/75/90 frames: "
      "%s, geometric mean %.3f x OPT (target <= 1.10)" % (best, gm_all[best]))
    dflt = default_policy()
    for w in ("zigzag", "uniform"):
        worst = max((by[(w, n, dflt)]["faults"] / by[(w, n, "clock")]["faults"]
                     for n in NFRAMES if (w, n, dflt) in by and (w, n, "clock") in by),
                    default=float("nan"))
        t(worst <= 1.05, "default policy %s on %s: at most %.3fx clock's faults at any size "
          "(target <= 1.05)" % (dflt, w, worst))
    if ("uniform", 50, "enhanced_clock") in by:
        e, c = by[("uniform", 50, "enhanced_clock")], by[("uniform", 50, "clock")]
        t(e["disk_writes"] <= 0.9 * c["disk_writes"] and e["faults"] <= 1.02 * c["faults"],
          "enhanced_clock on uniform at 50 frames: %d writes vs clock's %d (%.2fx, target <= "
          "0.90), %d faults vs %d (%.3fx, target <= 1.02)"
          % (e["disk_writes"], c["disk_writes"], e["disk_writes"] / c["disk_writes"],
             e["faults"], c["faults"], e["faults"] / c["faults"]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--nframes", default=",".join(map(str, NFRAMES)))
    ap.add_argument("--policies", default="")
    ap.add_argument("--npages", type=int, default=100)
    ap.add_argument("--summary-only", action="store_true",
                    help="redo the plots and summary.txt from an earlier results.csv")
    args = ap.parse_args()
    if args.summary_only:
        rows = read_csv()
        for w in WORKLOADS:
            wrows = [r for r in rows if r["workload"] == w]
            if wrows:                   # a CSV of some workloads only: plot those
                plot(w, wrows)
        text = summarize(rows)
        with open(os.path.join(OUT, "summary.txt"), "w") as f:
            f.write(text)
        print(text)
        return
    os.makedirs(os.path.join(OUT, "traces"), exist_ok=True)
    rows = []
    names = args.workloads.split(",")
    t0 = time.time()
    for i, name in enumerate(names, 1):
        print("[%d/%d] %s (elapsed %ds)" % (i, len(names), name, time.time() - t0), flush=True)
        wrows = run_workload(name, [int(n) for n in args.nframes.split(",")], args.policies,
                             args.npages)
        plot(name, wrows)
        rows.extend(wrows)
    with open(os.path.join(OUT, "results.csv"), "w") as f:
        f.write(",".join(FIELDS) + "\n")
        for r in rows:
            f.write(",".join(str(r[k]) for k in FIELDS) + "\n")
    text = summarize(rows)
    with open(os.path.join(OUT, "summary.txt"), "w") as f:
        f.write(text)
    print("\n" + text)
    print("wrote %s/results.csv, traces/, plots (*.svg) and summary.txt in %ds"
          % (os.path.relpath(OUT), time.time() - t0))


if __name__ == "__main__":
    main()
