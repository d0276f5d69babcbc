#!/usr/bin/env python3
"""tools/runtests.py - boot vmlab in QEMU and judge what it does.

  runtests.py test [--twice] [PATTERN...]
      every test, in one pool of os.cpu_count() workers, longest first:
      the kernel tests (each in a fresh QEMU), the boot cases (boot/...,
      BOOT_CASES below), the host unit tests (host/...) and the scripted
      checks (gdb/..., lint/...).  PATTERNs are shell-style (fnmatch),
      several to an argument separated by commas or spaces; a pattern
      that matches no test is an error that lists them all.  Prints
      "pass tests/NAME  SECS" or "FAIL tests/NAME  SECS: reason" per test,
      then the five slowest, and last "N passed, N failed".  The swap
      and fault tests of OTHER_MODE_TESTS run once more as NAME@sync,
      booted with pager=sync (daemon mode is the default).  --twice
      boots each kernel test that expects nothing with test=NAME,NAME,
      so that it must pass twice in one boot.
  runtests.py run [--mem MB] [--disk MB] [--trace FILE] [--iso F]
                  [--qemu-log F] [--gdb PORT] [--icount] [-- OPTIONS]
      one boot, its serial streamed to this terminal, then the verdict;
      make run, debug, run-iso and qemu-log all come here.  --trace puts
      FILE on a trace disk (tools/tracedisk.py) for trace=NAME, and makes
      the swap disk big enough for the largest trace (TRACE_SWAP_MB)
  runtests.py gdb-port PORT
      exit 0 if something (make debug's QEMU) listens on PORT, else say so

`make bench` is tools/bench.py, which boots through the functions below.

The kernel lists its own tests (test=list boots, prints one line per test
and exits): tests register themselves with TEST(...) (tests/harness.h),
so there is no table of kernel tests here.  A boot passes only if QEMU
exits with status 33 (the kernel wrote EXIT_PASS to the isa-debug-exit
port), within its timeout, and its serial log matches every log=REGEX its
host options name.  A triple fault (QEMU -no-reboot exits with 0), a
panic, a timeout or a QEMU error is a failure, named with the kernel's
last meaningful line and shown with the last 20 lines of the log.  Every
log, symbolized, is in build/test-logs/; each test's seconds go to
build/test-times.json, which orders the next run.
"""
import argparse
import fnmatch
import glob
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobpool import Job, run_jobs  # noqa: E402
from symbolize import Symbolizer  # noqa: E402
import tracedisk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
# VMLAB_BUILD names another build directory (make bench: build/release).
KBUILD = os.path.join(ROOT, os.environ.get("VMLAB_BUILD", "build"))
KERNEL = os.path.join(KBUILD, "kernel.elf")
LOGS = os.path.join(BUILD, "test-logs")
TIMES = os.path.join(BUILD, "test-times.json")
QEMU = "qemu-system-i386"
# QEMU's exit statuses for the kernel's EXIT_PASS and EXIT_FAIL (kernel/exit.h).
PASS_STATUS = 33                # every selected test passed
FAIL_STATUS = 35                # a test failed, or the kernel's options were refused
STATUS_NAMES = {0: "triple fault or reset (QEMU exited with 0)", FAIL_STATUS: "test failed",
                37: "kernel panic", 39: "unhandled CPU exception"}
# A run=PROG boot (kernel/run.c) ends with 35 when the program's exit
# status is not 0, or when run= itself is refused.
RUN_STATUS_NAMES = dict(STATUS_NAMES)
RUN_STATUS_NAMES[FAIL_STATUS] = "status 35: run= refused, or the program's exit status was not 0"
DEFAULT_MEM = 64
DEFAULT_TIMEOUT = 60
# The least RAM the runner will boot with.  It must match the kernel's
# minimum (mm/physmem.c, whose physmem_init panics with less; today it
# asks for 5 MiB, and the smallest test, swap_exhaustion, boots with 8).
# Below it a boot panics, triple-faults (-m 2) or, with -m 1, hangs silently.
MIN_MEM_MB = 8

# Boot cases: whole boots that `make test` runs as tests named boot/NAME,
# for a kernel command line at a RAM size no single test covers.
BOOT_CASES = [
    # name         RAM MiB  kernel options  swap disk MiB
    ("all-16M",    16,      "test=all",     16),
    ("all-512M",   512,     "test=all",     16),
    ("all-3584M",  3584,    "test=all",     16),
]
BOOT_CASE_TIMEOUT = 300

# The pager mode: pagers start in daemon mode (pager=daemon, the default:
# mm/daemon.h), and the kernel tests below boot once more, as NAME@sync,
# with pager=sync (eviction in the faulting thread), so that both modes
# keep passing every swap and fault test.  Not here: swap_full and
# swap_write_fails, whose pagers are in sync mode whatever pager= says;
# the replacement experiments (replacement_*, workloads, replay,
# policy_kernel_equals_host), sync regardless (tests/experiment.c: exact
# fault counts); and the daemon_* tests, which set their pagers' mode.
OTHER_MODE = ("sync", "pager=sync")
OTHER_MODE_TESTS = [
    "swap_integrity", "swap_checksum", "swap_read_error", "swap_write_error",
    "swap_exhaustion", "heap_evicts", "fresh_page_zero", "read_only_no_writes",
    "tlb_model_invalidate", "thread_vm_stress", "thread_fault_race", "user_many",
    "user_exhaust", "user_sbrk", "user_fork_cow", "user_mmap", "user_shm",
]

# Scripted checks on the host: (name, command, timeout, whether it needs
# the host tools built first).  Each passes if it exits 0.
SCRIPTED = [
    ("gdb/pt_walk", [sys.executable, os.path.join(ROOT, "tools", "gdb", "check.py")], 120, 0),
    ("gdb/memview", [sys.executable, os.path.join(ROOT, "tools", "gdb", "check.py"), "memview"],
     120, 0),
    ("lint/paths", [sys.executable, os.path.join(ROOT, "tools", "check_paths.py")], 60, 0),
    ("cmdline_bad", [sys.executable, os.path.join(ROOT, "tools", "check_cmdline.py")], 120, 0),
    ("run_prog", [sys.executable, os.path.join(ROOT, "tools", "check_run.py")], 60, 0),
    ("host/replay", [sys.executable, os.path.join(ROOT, "tools", "check_replay.py")], 60, 1),
]
HOST_TIMEOUT = 60                       # seconds for a host unit test (they take one or two)
# The swap disk of a trace replay: a slot for each of the most distinct
# pages a trace may have (TRACE_MAX_PAGES, tests/trace_in.h), and the
# header slot.  The image is sparse: it costs what the swap writes.
TRACE_SWAP_MB = 1025


# ---------------------------------------------------------------- one boot

def qemu_cmd(mem, append, serial="stdio", extra=(), icount=False, iso=None):
    """The QEMU command line for one boot of MEM MiB with kernel options
    APPEND (ignored with ISO, whose grub.cfg has its own)."""
    cmd = [QEMU, "-m", str(mem), "-display", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-serial", serial]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    else:
        cmd += ["-kernel", KERNEL, "-append", append]
    if icount:
        cmd += ["-icount", "shift=0"]
    return cmd + list(extra)


def too_little(mem):
    """Why MEM MiB of RAM is refused before any QEMU starts (one that would
    hang or panic), or None if it is enough."""
    if mem < MIN_MEM_MB:
        return ("%d MiB of RAM is too little: vmlab needs at least %d MiB (MIN_MEM_MB in "
                "tools/runtests.py)" % (mem, MIN_MEM_MB))
    return None


def log_path(name, tag=""):
    """build/test-logs/NAME.log, a slash in NAME made a dash."""
    return os.path.join(LOGS, "%s%s.log" % (name.replace("/", "-"), tag))


def image_path(name):
    """build/test-logs/NAME.img: the swap disk image of a boot named NAME."""
    return os.path.join(LOGS, "%s.img" % name.replace("/", "-"))


def blank_image(img, size):
    """Make IMG a fresh raw disk image of SIZE bytes, all zeros (sparse on
    the host), replacing any file there; its directory is made if need
    be."""
    os.makedirs(os.path.dirname(img) or ".", exist_ok=True)
    with open(img, "wb") as f:
        f.truncate(size)


def swap_disk(name, mb, blkdebug=None):
    """QEMU arguments for a fresh zeroed raw image of MB MiB named after
    NAME, attached as the IDE primary slave (where mm/swap.c looks for
    the swap disk).  BLKDEBUG, a config file relative to the repository,
    puts QEMU's blkdebug error injector between the disk and the image."""
    img = image_path(name)
    blank_image(img, mb << 20)
    return slave_disk(img, blkdebug and os.path.join(ROOT, blkdebug))


def ide_drive(img, index, blkdebug=None):
    """QEMU arguments attaching the raw image IMG as drive INDEX of the
    IDE primary bus (0 master, 1 slave), through QEMU's blkdebug error
    injector configured by the file BLKDEBUG if one is given.  A comma in
    a path is doubled, as QEMU's option syntax wants.  cache=unsafe: the
    image is thrown away, so the guest's cache flushes need not reach the
    host's disk (they would cost an fsync each)."""
    spec = img.replace(",", ",,")
    if blkdebug:
        spec = "blkdebug:%s:%s" % (blkdebug.replace(",", ",,"), spec)
    return ["-drive", "file=%s,format=raw,if=ide,index=%d,cache=unsafe" % (spec, index)]


def master_disk(img):
    """QEMU arguments attaching the raw image IMG as the IDE primary
    master: a trace disk (tools/tracedisk.py), where drivers/ata.c's
    ATA_MASTER finds it."""
    return ide_drive(img, 0)


def slave_disk(img, blkdebug=None):
    """QEMU arguments attaching the raw image IMG as the IDE primary
    slave, where mm/swap.c looks for the swap disk; through QEMU's
    blkdebug error injector configured by the file BLKDEBUG (a path as
    given, not relative to the repository) if one is given."""
    return ide_drive(img, 1, blkdebug)


def trace_disk(name, trace):
    """QEMU arguments for a trace disk named after NAME (in build/test-
    logs) holding the file TRACE, and the image's path.  Exits with a
    message if TRACE cannot be read."""
    os.makedirs(LOGS, exist_ok=True)
    img = image_path(name + "-trace")
    try:
        tracedisk.write_trace(trace, img)
    except OSError as e:
        sys.exit("runtests: the trace %s: %s" % (trace, e.strerror or e))
    return master_disk(img), img


# Terminal control sequences (GRUB's menu draws with them).
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def boot(cmd, log, timeout=None, echo=False):
    """Run the QEMU command CMD, whose serial port is its stdout, and write
    each serial line, symbolized, to the file LOG (and to this terminal if
    ECHO) as it arrives.  Kills QEMU after TIMEOUT seconds (None: never).
    Returns (status, stderr, text, seconds): status is QEMU's exit status,
    or None if it was killed at the timeout; text is the whole log."""
    os.makedirs(os.path.dirname(log), exist_ok=True)
    sym = Symbolizer(KBUILD)
    lines, killed = [], []
    t0 = time.time()
    with open(log, "w") as f, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)

        def kill():
            killed.append(True)
            p.kill()

        timer = threading.Timer(timeout, kill) if timeout else None
        try:
            if timer:
                timer.start()
            for raw in p.stdout:
                line = sym.line(ANSI_RE.sub("", raw.decode("utf-8", "replace")).replace("\r", ""))
                lines.append(line)
                f.write(line + "\n")
                if echo:
                    print(line, flush=True)
            status = p.wait()
        finally:
            if timer:
                timer.cancel()
            if p.poll() is None:
                p.kill()
                p.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace").strip()
    return (None if killed else status), stderr, "\n".join(lines), time.time() - t0


# Lines of a register dump or backtrace: not what a reader needs first.
DUMP_RE = re.compile(r"^\s*(#\d+ 0x[0-9a-fA-F]+|backtrace:|(eax|esi|eip|eflags|cr0) [0-9a-f]{4,8})")


def last_words(text):
    """The last meaningful line of serial TEXT: the last non-empty line
    that is not part of a register dump or backtrace ("PANIC at ...",
    "(test) FAIL: ...", "experiment: unknown workload ..."), or ""."""
    for line in reversed(text.split("\n")):
        if line.strip() and not DUMP_RE.match(line):
            return line.strip()
    return ""


def verdict(status, text, stderr="", timeout=None, patterns=(), where="", names=STATUS_NAMES):
    """Why a boot failed, or None if it passed.  STATUS is QEMU's exit
    status (None: killed after TIMEOUT seconds), TEXT the serial log,
    STDERR what QEMU said; a passing boot must also match every regex in
    PATTERNS.  A failure names WHERE (" at -m 64M"), the status as NAMES
    calls it, and the kernel's last meaningful line."""
    if status == PASS_STATUS:
        for rx in patterns:
            if not re.search(rx, text, re.M):
                return "serial log lacks /%s/%s" % (rx, where)
        return None
    why = ("timeout after %ds" % timeout if status is None else
           names.get(status, "QEMU exited with status %d" % status)) + where
    if stderr:
        why += "; QEMU said: " + stderr.splitlines()[-1]
    words = last_words(text)
    if words:
        why += "; the kernel's last line: " + words
    return why


# ---------------------------------------------------------------- the tests

class Outcome:
    """What one test came to: OK, WHY it failed (or a note on how it
    passed), its wall SECS, its LOG file and TEXT (shown on failure)."""

    def __init__(self, ok, why, secs, log=None, text=""):
        self.ok, self.why, self.secs, self.log, self.text = ok, why, secs, log, text


def parse_host(host):
    """Split a test's host options ("mem=32,256 log=RE disk=8") into a dict of lists."""
    opts = {}
    for tok in host.split():
        k, _, v = tok.partition("=")
        opts.setdefault(k, []).append(v)
    return opts


def list_tests():
    """Boot once with test=list and return the kernel's test descriptions:
    dicts of name, kind (test or bench), expect, host (parsed), about."""
    log = os.path.join(LOGS, "list.log")
    status, err, text, _ = boot(qemu_cmd(DEFAULT_MEM, "test=list"), log, timeout=60)
    if status != PASS_STATUS:
        sys.exit("runtests: the kernel did not list its tests (%s); see %s"
                 % (verdict(status, text, err, 60), os.path.relpath(log)))
    pat = re.compile(r'^test (\S+) kind=(\S+) expect=(\S+) host="(.*)" about="(.*)"$')
    tests = []
    for line in text.split("\n"):
        m = pat.match(line.strip())
        if m:
            tests.append({"name": m.group(1), "kind": m.group(2), "expect": m.group(3),
                          "host": parse_host(m.group(4)), "about": m.group(5)})
    return tests


def mems_of(t, default=DEFAULT_MEM):
    """The RAM sizes kernel test T boots with (host option mem=A,B,...)."""
    return [int(m) for v in t["host"].get("mem", [str(default)]) for m in v.split(",")]


def timeout_of(host):
    """The seconds a boot may take by HOST options (timeout=SECONDS)."""
    return int(host.get("timeout", [DEFAULT_TIMEOUT])[0])


def boot_test(name, mem, options, host, tag="", timeout=None, icount=False):
    """Boot kernel test NAME once at MEM MiB with kernel OPTIONS (ram=MEM
    is appended) and the disk, blkdebug=, qemu= and log= of its HOST
    options; returns (why it failed or None, log, text, seconds)."""
    if too_little(mem):
        return too_little(mem), None, "", 0.0
    timeout = timeout or timeout_of(host)
    extra = [a for e in host.get("qemu", []) for a in e.split(",")]
    if "disk" in host:
        extra += swap_disk(name + tag, int(host["disk"][0]), (host.get("blkdebug") or [None])[0])
    log = log_path(name, tag)
    status, err, text, secs = boot(qemu_cmd(mem, "%s ram=%d" % (options, mem), extra=extra,
                                            icount=icount), log, timeout)
    why = verdict(status, text, err, timeout, host.get("log", []), " at -m %dM" % mem)
    return why, log, text, secs


def run_kernel_test(t, twice, mode=None):
    """Boot kernel test T once per RAM size it asks for; with TWICE, a
    test that expects nothing runs twice in each boot (test=NAME,NAME).
    MODE, (SUFFIX, OPTION) as OTHER_MODE, boots it as NAME@SUFFIX with
    the kernel option OPTION added."""
    name, mems = t["name"], mems_of(t)
    doubled = twice and t["expect"] == "nothing"
    options = "test=" + (",".join([name, name]) if doubled else name)
    if mode:
        options += " " + mode[1]
        name = "%s@%s" % (name, mode[0])
    timeout = timeout_of(t["host"]) * (2 if doubled else 1)
    total = 0.0
    for mem in mems:
        tag = ("-%dM" % mem if len(mems) > 1 else "") + ("-twice" if twice else "")
        why, log, text, secs = boot_test(name, mem, options, t["host"], tag, timeout)
        total += secs
        if why:
            return Outcome(False, why, total, log, text)
    note = ""
    if doubled:
        note = "twice in one boot"
    elif twice:
        note = "booted once: it ends the boot with a %s" % t["expect"]
    return Outcome(True, note, total, log, text)


def run_boot_case(name, mem, options, disk):
    """One row of BOOT_CASES, as test boot/NAME."""
    why, log, text, secs = boot_test("boot/" + name, mem, options,
                                     {"disk": [str(disk)], "timeout": [str(BOOT_CASE_TIMEOUT)]})
    return Outcome(not why, why or "", secs, log, text)


def run_command(name, cmd, timeout):
    """Run the host command CMD from the repository root as test NAME: it
    passes if it exits 0 within TIMEOUT seconds.  Its output goes to the
    test's log."""
    log = log_path(name)
    os.makedirs(LOGS, exist_ok=True)
    # Not the flags of the make that ran us: its jobserver is not ours.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace",
                           timeout=timeout, env=env)
        ok, why, text = p.returncode == 0, "exit %d" % p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
        ok, why = False, "timeout after %ds" % timeout
        text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
    with open(log, "w") as f:
        f.write(text)
    return Outcome(ok, "" if ok else why, time.time() - t0, log, text)


def host_test_names():
    """host/X for every tests/host/test_X.c (tests/host/host.mk builds them)."""
    return sorted("host/" + os.path.basename(p)[len("test_"):-len(".c")]
                  for p in glob.glob(os.path.join(ROOT, "tests", "host", "test_*.c")))


def run_host_test(name, build, cmd=None, timeout=HOST_TIMEOUT):
    """Run host unit test NAME (build/host/test_X), or the command CMD,
    once the BUILD job is done."""
    if not build.result or not build.result.ok:
        return Outcome(False, "the host unit tests did not build (see host/build)", 0.0)
    exe = os.path.join(BUILD, "host", "test_" + name[len("host/"):])
    return run_command(name, cmd or [exe], timeout)


class Test:
    """One selectable test: its NAME, KIND (for the list of all tests), a
    function RUN() -> Outcome, its declared TIMEOUT (the estimate when no
    earlier run was timed), the jobs it must wait for (AFTER), and whether
    it runs only when named (MANUAL: a measurement that judges nothing)."""

    def __init__(self, name, kind, run, timeout, after=(), manual=False):
        self.name, self.kind, self.run, self.timeout, self.after, self.manual = \
            name, kind, run, timeout, list(after), manual


def all_tests(twice):
    """Every test of every kind, and the host build job the host tests
    wait for.  With TWICE, only the kernel tests."""
    out = []
    listed = list_tests()
    missing = set(OTHER_MODE_TESTS) - {t["name"] for t in listed}
    if missing:
        sys.exit("runtests: OTHER_MODE_TESTS names tests the kernel does not have: "
                 + " ".join(sorted(missing)))
    for t in listed:
        if t["kind"] != "test":
            continue
        # The test as the kernel's options have it, and for those named in
        # OTHER_MODE_TESTS again as NAME@SUFFIX in OTHER_MODE.
        for mode in [None] + ([OTHER_MODE] if t["name"] in OTHER_MODE_TESTS else []):
            out.append(Test(t["name"] + ("@" + mode[0] if mode else ""), "kernel",
                            lambda t=t, m=mode: run_kernel_test(t, twice, m),
                            timeout_of(t["host"]) * len(mems_of(t)) * (2 if twice else 1),
                            manual="manual" in t["host"]))
    build = Job("host/build", lambda: run_command(
        "host/build", ["make", "--no-print-directory", "-f", "tests/host/host.mk"], 600), 30)
    if twice:
        return out, build
    for name, mem, options, disk in BOOT_CASES:
        out.append(Test("boot/" + name, "boot",
                        lambda a=(name, mem, options, disk): run_boot_case(*a), BOOT_CASE_TIMEOUT))
    for name in host_test_names():
        out.append(Test(name, "host", lambda n=name: run_host_test(n, build), HOST_TIMEOUT,
                        [build]))
    for name, cmd, timeout, needs_build in SCRIPTED:
        kind = name.split("/")[0] if "/" in name else "scripted"
        if needs_build:
            out.append(Test(name, kind, lambda n=name, c=cmd, s=timeout:
                            run_host_test(n, build, c, s), timeout, [build]))
        else:
            out.append(Test(name, kind, lambda n=name, c=cmd, s=timeout:
                            run_command(n, c, s), timeout))
    return out, build


def split_patterns(args):
    """Patterns from the command line: several to an argument, separated
    by commas or spaces; a leading tests/ (as the runner prints names) is
    dropped."""
    pats = [p for a in args for p in re.split(r"[,\s]+", a) if p]
    return [p[len("tests/"):] if p.startswith("tests/") else p for p in pats]


def select(tests, patterns):
    """The tests whose names match any of PATTERNS (all if there are
    none, but a manual test only when a pattern is its very name), and the
    patterns that match no test."""
    if not patterns:
        return [t for t in tests if not t.manual], []
    chosen = [t for t in tests if (t.name in patterns if t.manual else
                                   any(fnmatch.fnmatchcase(t.name, p) for p in patterns))]
    unmatched = [p for p in patterns if not fnmatch.filter([t.name for t in tests], p)]
    return chosen, unmatched


def load_times():
    try:
        with open(TIMES) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_times(times):
    """Write TIMES in one step, so a concurrent run never reads half a file."""
    os.makedirs(BUILD, exist_ok=True)
    tmp = "%s.%d" % (TIMES, os.getpid())
    with open(tmp, "w") as f:
        json.dump(times, f, indent=1, sort_keys=True)
    os.replace(tmp, TIMES)


def show(name, out):
    """Print one test's verdict line; on failure, the tail of its log."""
    head = "%s tests/%-24s %6.1fs" % ("pass" if out.ok else "FAIL", name, out.secs)
    if out.ok:
        print(head + ("  (%s)" % out.why if out.why else ""), flush=True)
        return
    print("%s: %s" % (head, out.why))
    lines = out.text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    for line in lines[-20:]:
        print("    | " + line)
    if out.log:
        print("    log: %s" % os.path.relpath(out.log), flush=True)


def cmd_test(args):
    tests, build = all_tests(args.twice)
    chosen, unmatched = select(tests, split_patterns(args.patterns))
    if unmatched:
        print("runtests: no test matches %s.  The tests%s are:"
              % (", ".join("'%s'" % p for p in unmatched),
                 " that --twice runs" if args.twice else ""))
        for kind in ("kernel", "boot", "host", "gdb", "lint", "scripted"):
            names = sorted(t.name for t in tests if t.kind == kind)
            if names:
                print("  %-9s %s" % (kind + ":", " ".join(names)))
        print("0 passed, %d failed" % len(unmatched))
        return 1
    times = load_times()
    key = (lambda name: name + " twice") if args.twice else (lambda name: name)
    jobs = [Job(t.name, t.run, times.get(key(t.name), t.timeout), t.after) for t in chosen]
    if any(build in j.after for j in jobs):
        build.estimate = times.get(build.name, build.estimate)
        jobs.append(build)
    passed = failed = 0
    secs = {}
    for job in run_jobs(jobs, os.cpu_count() or 1):
        out = job.result or Outcome(False, "runtests bug:\n" + (job.error or "no result"), 0.0,
                                    text=job.error or "")
        times[key(job.name)] = round(out.secs, 1)
        if job is build and out.ok:
            continue                    # not a test: say nothing when it works
        show(job.name, out)
        secs[job.name] = out.secs
        passed, failed = passed + out.ok, failed + (not out.ok)
    save_times(times)
    slow = sorted(secs, key=secs.get, reverse=True)[:5]
    print("slowest: " + ", ".join("%s %.1fs" % (n, secs[n]) for n in slow))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


# ---------------------------------------------------------------- make run and friends

def cmd_run(args):
    """One boot on this terminal: make run, debug, run-iso and qemu-log."""
    if too_little(args.mem):
        print("runtests: " + too_little(args.mem))
        return 2
    extra, trace_img = [], None
    if args.qemu_log:
        extra += ["-d", "int,cpu_reset,guest_errors", "-D", args.qemu_log]
    if args.trace:
        more, trace_img = trace_disk("run-%d" % os.getpid(), args.trace)
        extra += more
        args.disk = max(args.disk, TRACE_SWAP_MB)
    if args.disk:                       # one of its own: two boots at once must not share it
        extra += swap_disk("run-%d" % os.getpid(), args.disk)
    if args.gdb:
        extra += ["-S", "-gdb", "tcp::%d" % args.gdb]
    append = " ".join(args.options or ["test=all"]) + " ram=%d" % args.mem
    cmd = qemu_cmd(args.mem, append, extra=extra, icount=args.icount, iso=args.iso)
    print("runtests: %s" % " ".join(shlex.quote(c) for c in cmd), flush=True)
    if args.gdb:
        print("QEMU is halted, waiting for gdb on port %d: in another terminal, make gdb"
              % args.gdb, flush=True)
    try:
        status, err, text, _ = boot(cmd, log_path("debug" if args.gdb else "run"), echo=True)
    finally:
        if args.disk:
            os.remove(image_path("run-%d" % os.getpid()))
        if trace_img:
            os.remove(trace_img)
    run_prog = any(o.startswith("run=") for o in args.options or [])
    why = verdict(status, text, err, names=RUN_STATUS_NAMES if run_prog else STATUS_NAMES)
    print("vmlab: PASS (QEMU status 33)" if why is None else "vmlab: FAIL: " + why)
    if args.qemu_log:
        print("interrupt and reset log: %s" % args.qemu_log)
    return 0 if why is None else 1


def cmd_gdb_port(args):
    """Is anything listening on the gdb port?  Connecting and closing at
    once leaves a halted QEMU halted, waiting for the real gdb."""
    try:
        socket.create_connection(("localhost", args.port), timeout=2).close()
        return 0
    except OSError:
        print("no QEMU is waiting for gdb on port %d: start `make debug` in another "
              "terminal first" % args.port)
        return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("test", help="run tests")
    t.add_argument("--twice", action="store_true",
                   help="kernel tests that expect nothing run twice in one boot")
    t.add_argument("patterns", nargs="*", help="shell-style name patterns")
    r = sub.add_parser("run", help="one boot on this terminal")
    r.add_argument("--mem", type=int, default=128, help="RAM in MiB")
    r.add_argument("--iso", help="boot this ISO instead of -kernel")
    r.add_argument("--qemu-log", help="QEMU's -d int,cpu_reset,guest_errors into this file")
    r.add_argument("--gdb", type=int, metavar="PORT", help="start halted, gdb stub on PORT")
    r.add_argument("--icount", action="store_true")
    r.add_argument("--disk", type=int, default=0, help="attach a fresh swap disk of this many MiB")
    r.add_argument("--trace", help="attach a trace disk holding this trace file (trace=NAME)")
    r.add_argument("options", nargs="*", help="kernel options (ram=MB is appended)")
    g = sub.add_parser("gdb-port", help="is make debug's QEMU waiting on PORT?")
    g.add_argument("port", type=int)
    args = ap.parse_args()
    if args.cmd == "gdb-port":
        return cmd_gdb_port(args)
    if not os.path.exists(KERNEL):
        sys.exit("runtests: %s not built; run make first" % os.path.relpath(KERNEL))
    try:
        return {"test": cmd_test, "run": cmd_run}[args.cmd](args)
    except KeyboardInterrupt:
        print("runtests: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
