#!/usr/bin/env python3
"""tools/check_cmdline.py - bad command lines get named errors: the cmdline_bad test.

Boots the kernel once per case with a command line (and RAM size, and a
swap disk) of its own and checks the QEMU exit status and a pattern in the
serial output.  Every bad line must end with a message naming what was
wrong and status 35 (EXIT_FAIL): never 33 (a silent pass), 37 (panic) or
39 (an unhandled exception).  A few cases check that a good line still
works and says what it should (a warning for an unknown key, progress
lines for a long experiment).  Run by `make test` as `cmdline_bad`; logs
go to build/test-logs/cmdline_bad-N.log.  Exit status 0 if every case
passed.  tools/check_run.py runs its own cases through check() below.
"""
import concurrent.futures
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, os.environ.get("VMLAB_BUILD", "build"), "kernel.elf")
LOGS = os.path.join(ROOT, "build", "test-logs")

FAIL, PASS = runtests.FAIL_STATUS, runtests.PASS_STATUS
LONG = "test=all " + " ".join("pad%d=%s" % (i, "x" * 20) for i in range(45))
MANY = " ".join("opt%d=1" % i for i in range(40)) + " test=tlb_model"

# (what it checks, MB of RAM, swap disk bytes (0: none), kernel options,
#  expected QEMU status, regex the serial output must contain[, regex it
#  must not contain])
CASES = [
    ("empty policy list (crashed the kernel once)", 64, 16 << 20,
     "report=scan policies= nframes=10", FAIL, r"option policies= is an empty list"),
    ("empty nframes list", 64, 16 << 20, "report=scan nframes=", FAIL,
     r"option nframes= is an empty list"),
    ("empty list item", 64, 16 << 20, "report=scan nframes=10,,20", FAIL,
     r"option nframes=10,,20 has an empty item"),
    ("test= naming nothing", 64, 0, "test=", FAIL, r"test= names no test"),
    ("test= with an empty name", 64, 0, "test=tlb_model,", FAIL, r"names no test between"),
    ("more than 64 test names", 64, 0, "test=" + ",".join(["tlb_model"] * 65), FAIL,
     r"names more than 64 tests"),
    ("a line longer than 1023 characters", 64, 0, LONG, FAIL,
     r"the command line is \d+ characters long; at most 1023"),
    ("more options than the table holds", 64, 0, MANY, FAIL, r"more than 32 options"),
    ("a number that wraps at 2^32", 64, 16 << 20, "workload=scan nframes=4294967321", FAIL,
     r"'4294967321' is not a number"),
    ("a number far too large", 64, 16 << 20, "workload=scan npages=99999999999", FAIL,
     r"npages=99999999999: '99999999999' is not a number"),
    ("not a number", 64, 16 << 20, "workload=scan npages=12x", FAIL, r"npages=12x"),
    ("a misspelt workload", 64, 16 << 20, "workload=scna", FAIL,
     r"unknown workload 'scna'; workloads are: scan"),
    ("a misspelt policy", 64, 16 << 20, "workload=scan policy=clok", FAIL,
     r"unknown policy 'clok'; policies are: .*clock"),
    ("an unknown key warns and names the known ones", 64, 0, "nframe=10 test=tlb_model", PASS,
     r"unknown option 'nframe' \(ignored\); the options are:(.|\n)*nframes"),
    ("a workload in too little RAM", 8, 16 << 20, "workload=scan", FAIL,
     r"workload=scan needs \d+ MiB of RAM"),
    ("an experiment in too little RAM", 16, 16 << 20,
     "workload=scan npages=1000 nframes=1000", FAIL,
     r"workload=scan needs 17 MiB of RAM"),
    ("more resident frames than RAM holds", 8, 16 << 20,
     "report=scan npages=2000 nframes=1024 policies=fifo", FAIL,
     r"nframes=1024 cannot all be resident: only \d+ frames are free"),
    ("a disk too small for swap", 64, 4096, "workload=scan", FAIL,
     r"no swap: the disk has 8 sectors"),
    ("a long experiment shows its progress", 64, 16 << 20, "workload=uniform nframes=10", PASS,
     r"progress 50% (.|\n)*progress 90%"),
]


def run_case(i, case, name):
    """Boot case I of test NAME (its log is build/test-logs/NAME-I.log);
    return (ok, description of what happened)."""
    what, mem, disk, options, want, pattern = case[:6]
    absent = case[6] if len(case) > 6 else None
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "%s-%d.log" % (name, i))
    cmd = ["qemu-system-i386", "-m", str(mem), "-display", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-serial", "file:" + log,
           "-kernel", KERNEL, "-append", options]
    if disk:
        img = os.path.join(LOGS, "%s-%d.img" % (name, i))
        runtests.blank_image(img, disk)
        cmd += runtests.slave_disk(img)
    try:
        status = subprocess.run(cmd, capture_output=True, timeout=60).returncode
    except subprocess.TimeoutExpired:
        return False, "timed out"
    with open(log, errors="replace") as f:
        text = f.read().replace("\r", "")
    if status != want:
        return False, "QEMU status %d, expected %d; log %s" % (status, want,
                                                               os.path.relpath(log, ROOT))
    if not re.search(pattern, text):
        return False, "the output lacks /%s/; log %s" % (pattern, os.path.relpath(log, ROOT))
    if absent and re.search(absent, text):
        return False, "the output has /%s/, which it must not; log %s" % (
            absent, os.path.relpath(log, ROOT))
    return True, "status %d, message found" % status


def check(name, cases):
    """Boot every case of CASES (two at a time) as test NAME, print a line
    per case and the verdict; returns the exit status, 0 if all passed."""
    if not os.path.exists(KERNEL):
        sys.exit("%s: %s not built; run make first" % (name, KERNEL))
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda a: run_case(a[0], a[1], name), enumerate(cases)))
    for case, (ok, why) in zip(cases, results):
        what, mem, options = case[0], case[1], case[3]
        bad += not ok
        print("  %s %s (-m %d: %s): %s" % ("ok  " if ok else "FAIL", what, mem,
                                          options if len(options) < 60 else options[:57] + "...",
                                          why))
    print("%s: %s" % (name, "PASS" if not bad else "%d of %d cases FAILED" % (bad, len(cases))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(check("cmdline_bad", CASES))
