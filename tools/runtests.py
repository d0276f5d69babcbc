#!/usr/bin/env python3
"""tools/runtests.py - boot vmlab in QEMU and judge what it does.

  runtests.py test [NAME...]   host unit tests, the scripted gdb check, then
                               each kernel test in a fresh QEMU;
                               "pass tests/NAME" / "FAIL tests/NAME"
                               per test and a final "N passed, N failed"
  runtests.py bench            every benchmark under -icount shift=0
  runtests.py run [--mem MB] [--iso F] [--qemu-log F] [-- OPTIONS]
                               one boot, serial streamed to this terminal

The kernel lists its own tests (test=list boots, prints one line per test
and exits): they register themselves with TEST(...) (tests/harness.h), so
there is no table of kernel tests here.  A kernel test passes
only if QEMU exits with status 33 (the kernel wrote EXIT_PASS to the
isa-debug-exit port), within its timeout, and its serial log matches every
log=REGEX its host options name.  A triple fault (QEMU -no-reboot exits
with 0), a panic, a timeout or a QEMU error is a failure, shown with the
last 20 lines of the log.  Logs go to build/test-logs/.
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from symbolize import Symbolizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
# VMLAB_BUILD names another build directory (make bench: build/release).
KBUILD = os.path.join(ROOT, os.environ.get("VMLAB_BUILD", "build"))
KERNEL = os.path.join(KBUILD, "kernel.elf")
LOGS = os.path.join(BUILD, "test-logs")
QEMU = "qemu-system-i386"
PASS_STATUS = 33
STATUS_NAMES = {0: "triple fault or reset (QEMU exited with 0)", 35: "test failed",
                37: "kernel panic", 39: "unhandled CPU exception"}
DEFAULT_MEM = 64
DEFAULT_TIMEOUT = 60


def qemu_cmd(mem, append, serial, extra=(), icount=False, iso=None):
    """The QEMU command line for one boot."""
    cmd = [QEMU, "-m", str(mem), "-display", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-serial", serial]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    else:
        cmd += ["-kernel", KERNEL, "-append", append]
    if icount:
        cmd += ["-icount", "shift=0"]
    return cmd + list(extra)


def parse_host(host):
    """Split a test's host options ("mem=32,256 log=RE disk=8") into a dict of lists."""
    opts = {}
    for tok in host.split():
        k, _, v = tok.partition("=")
        opts.setdefault(k, []).append(v)
    return opts


def list_tests():
    """Boot once with test=list and return the kernel's test descriptions."""
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "list.log")
    r = subprocess.run(qemu_cmd(DEFAULT_MEM, "test=list", "file:" + log),
                       capture_output=True, text=True, timeout=60)
    if r.returncode != PASS_STATUS:
        sys.exit("runtests: the kernel did not list its tests (QEMU status %d); see %s\n%s"
                 % (r.returncode, log, r.stderr))
    tests = []
    pat = re.compile(r'^test (\S+) kind=(\S+) expect=(\S+) host="(.*)" about="(.*)"$')
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.match(line.strip())
            if m:
                tests.append({"name": m.group(1), "kind": m.group(2), "expect": m.group(3),
                              "host": parse_host(m.group(4)), "about": m.group(5)})
    return tests


def boot(name, mem, append, host, icount=False, extra=(), tag=""):
    """Boot once; return (ok, reason, logpath, log text)."""
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "%s%s.log" % (name, tag))
    if os.path.exists(log):
        os.remove(log)
    timeout = int(host.get("timeout", [DEFAULT_TIMEOUT])[0])
    cmd = qemu_cmd(mem, append, "file:" + log, extra, icount)
    t0 = time.time()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        status, err = r.returncode, r.stderr.strip()
    except subprocess.TimeoutExpired:
        status, err = None, ""
    secs = time.time() - t0
    sym = Symbolizer(KBUILD)
    text = ""
    if os.path.exists(log):
        with open(log, errors="replace") as f:
            text = "\n".join(sym.line(l) for l in f.read().replace("\r", "").split("\n"))
        with open(log, "w") as f:
            f.write(text)
    if status is None:
        return False, "timeout after %ds" % timeout, log, text
    if status != PASS_STATUS:
        why = STATUS_NAMES.get(status, "QEMU exited with status %d" % status)
        if err:
            why += "; QEMU said: " + err.splitlines()[-1]
        return False, why, log, text
    for rx in host.get("log", []):
        if not re.search(rx, text, re.M):
            return False, "serial log lacks /%s/" % rx, log, text
    return True, "%.1fs" % secs, log, text


def disk_args(name, host, tag=""):
    """QEMU arguments for the test's swap disk, if its host options ask
    for one: disk=MB makes a fresh zeroed raw image (IDE primary slave,
    as drivers/ata.c expects); blkdebug=FILE puts QEMU's blkdebug error
    injector, configured by FILE, between the disk and the image."""
    if "disk" not in host:
        return []
    os.makedirs(LOGS, exist_ok=True)
    mb = int(host["disk"][0])
    img = os.path.join(LOGS, "%s%s.img" % (name, tag))
    with open(img, "wb") as f:
        f.truncate(mb << 20)
    spec = "file=%s,format=raw" % img
    if "blkdebug" in host:
        conf = os.path.join(ROOT, host["blkdebug"][0])
        spec = "file=blkdebug:%s:%s,format=raw" % (conf, img)
    # cache=unsafe: the image is thrown away, so the guest's cache flushes
    # need not reach the host's disk (they would cost an fsync each).
    return ["-drive", spec + ",if=ide,index=1,cache=unsafe"]


def run_kernel_test(t):
    """Boot test T once per memory size it asks for."""
    mems = [int(m) for v in t["host"].get("mem", [str(DEFAULT_MEM)]) for m in v.split(",")]
    extra = t["host"].get("qemu", [])
    for mem in mems:
        tag = ("-%dM" % mem) if len(mems) > 1 else ""
        ok, why, log, text = boot(t["name"], mem, "test=%s ram=%d" % (t["name"], mem),
                                  t["host"], extra=[a for e in extra for a in e.split(",")]
                                  + disk_args(t["name"], t["host"], tag), tag=tag)
        if not ok:
            return False, "%s (at -m %dM)" % (why, mem), log, text
    return True, why, log, text


def host_tests(names):
    """Build and run the host unit tests; return [(name, ok, reason, output)]."""
    r = subprocess.run(["make", "--no-print-directory", "-f", "tests/host/host.mk"],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return [("host-build", False, "host unit tests did not build", r.stdout + r.stderr)]
    out = []
    bindir = os.path.join(BUILD, "host")
    for b in sorted(os.listdir(bindir)):
        path = os.path.join(bindir, b)
        if not b.startswith("test_") or not os.access(path, os.X_OK) or "." in b:
            continue
        name = "host/" + b[len("test_"):]
        if names and name not in names and b not in names:
            continue
        try:
            p = subprocess.run([path], capture_output=True, text=True, timeout=300, cwd=ROOT)
            out.append((name, p.returncode == 0, "exit %d" % p.returncode, p.stdout + p.stderr))
        except subprocess.TimeoutExpired:
            out.append((name, False, "timeout", ""))
    return out


# Host-side scripted checks: (name, command).  Each passes if it exits 0.
SCRIPTED = [
    ("gdb/pt_walk", [sys.executable, os.path.join(ROOT, "tools", "gdb", "check.py")]),
    ("lint/paths", [sys.executable, os.path.join(ROOT, "tools", "check_paths.py")]),
]


def scripted_tests(names):
    """Run the scripted checks; return [(name, ok, reason, output)]."""
    out = []
    for name, cmd in SCRIPTED:
        if names and name not in names:
            continue
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
            out.append((name, p.returncode == 0, "exit %d" % p.returncode, p.stdout + p.stderr))
        except subprocess.TimeoutExpired:
            out.append((name, False, "timeout", ""))
    return out


def cmd_test(args):
    passed = failed = 0

    def report(name, ok, why, log, text):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("pass tests/%s" % name, flush=True)
            return
        failed += 1
        print("FAIL tests/%s: %s" % (name, why), flush=True)
        lines = [l for l in text.split("\n")]
        while lines and not lines[-1].strip():
            lines.pop()
        for l in lines[-20:]:
            print("    | " + l)
        if log:
            print("    log: %s" % os.path.relpath(log, os.getcwd()), flush=True)

    want = set(args.names)
    if not want or any(n.startswith("host/") for n in want):
        for name, ok, why, output in host_tests(want):
            report(name, ok, why, None, output)
    if not want or any(n.startswith(("gdb/", "lint/")) for n in want):
        for name, ok, why, output in scripted_tests(want):
            report(name, ok, why, None, output)
    tests = [t for t in list_tests() if t["kind"] == "test"]
    if want:
        known = {t["name"] for t in tests}
        unknown = [n for n in want
                   if n not in known and not n.startswith(("host/", "gdb/", "lint/"))]
        if unknown:
            print("runtests: unknown test(s): %s\navailable: %s"
                  % (" ".join(unknown), " ".join(sorted(known))))
            print("0 passed, %d failed" % len(unknown))
            return 1
        tests = [t for t in tests if t["name"] in want]
    jobs = max(1, min(len(tests), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        futs = [(t, ex.submit(run_kernel_test, t)) for t in tests]
        for t, f in futs:
            ok, why, log, text = f.result()
            report(t["name"], ok, why, log, text)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


# Benchmark targets: (description, function of the results dict -> (ok, detail)).
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
]


def cmd_bench(args):
    benches = [t for t in list_tests() if t["kind"] == "bench"]
    if args.names:
        benches = [t for t in benches if t["name"] in args.names]
    results, rows = {}, []
    pat = re.compile(r'^BENCH key=(\S+) mem=(\d+) value=(\d+) what="(.*)"$')
    runs = [(t, int(m)) for t in benches
            for v in t["host"].get("mem", [str(DEFAULT_MEM)]) for m in v.split(",")]
    bad = 0
    for i, (t, mem) in enumerate(runs, 1):
        print("[%d/%d] %s at -m %dM ..." % (i, len(runs), t["name"], mem), flush=True)
        extra = [a for e in t["host"].get("qemu", []) for a in e.split(",")]
        ok, why, log, text = boot(t["name"], mem, "test=%s ram=%d" % (t["name"], mem),
                                  t["host"], icount=True, extra=extra, tag="-bench-%dM" % mem)
        if not ok:
            bad += 1
            print("  FAILED: %s (log %s)" % (why, os.path.relpath(log)), flush=True)
            continue
        for line in text.split("\n"):
            m = pat.match(line.strip())
            if m:
                key, mb, val, what = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
                results[(key, mb)] = val
                rows.append((key, mb, val, what))
                print("  %-26s %10s %10d  %s" % (key, "%d MiB" % mb if mb else "", val, what),
                      flush=True)
    out = os.path.join(BUILD, "bench.txt")
    with open(out, "w") as f:
        for key, mb, val, what in rows:
            f.write("%s\t%d\t%d\t%s\n" % (key, mb, val, what))
    print("\ntargets:")
    for target in TARGETS:
        ok, detail = target(results)
        if not args.names or "missing" not in detail:
            print("  %s %s" % ("met   " if ok else "MISSED", detail))
            bad += 0 if ok else 1
    print("results in %s" % os.path.relpath(out))
    return 1 if bad else 0


def cmd_run(args):
    extra = []
    if args.qemu_log:
        extra += ["-d", "int,cpu_reset,guest_errors", "-D", args.qemu_log]
    if args.disk:
        extra += disk_args("run", {"disk": [str(args.disk)]})
    append = " ".join(args.options or ["test=all"]) + " ram=%d" % args.mem
    cmd = qemu_cmd(args.mem, append, "stdio", extra, icount=args.icount, iso=args.iso)
    print("runtests: %s" % " ".join(shlex.quote(c) for c in cmd), flush=True)
    sym = Symbolizer(KBUILD)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    for raw in p.stdout:
        print(sym.line(raw.decode("utf-8", "replace").replace("\r", "")), flush=True)
    status = p.wait()
    if status == PASS_STATUS:
        print("vmlab: PASS (QEMU status 33)")
        return 0
    print("vmlab: FAIL: %s" % STATUS_NAMES.get(status, "QEMU exited with status %d" % status))
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("test")
    t.add_argument("names", nargs="*")
    b = sub.add_parser("bench")
    b.add_argument("names", nargs="*")
    r = sub.add_parser("run")
    r.add_argument("--mem", type=int, default=128)
    r.add_argument("--iso")
    r.add_argument("--qemu-log")
    r.add_argument("--icount", action="store_true")
    r.add_argument("--disk", type=int, default=0, help="attach a fresh swap disk of this many MiB")
    r.add_argument("options", nargs="*")
    args = ap.parse_args()
    if args.cmd != "run" and not os.path.exists(KERNEL):
        sys.exit("runtests: %s not built; run make first" % KERNEL)
    return {"test": cmd_test, "bench": cmd_bench, "run": cmd_run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
