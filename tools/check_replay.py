#!/usr/bin/env python3
"""tools/check_replay.py - the host/replay test: the kernel's replay of a trace equals the host's.

Writes a trace file (a seeded mixture of loops, a hot set and scattered
pages, with writes, hex and decimal page numbers spread over 32 bits,
comments and '*' markers: every feature of the format), then

  - replays it on the host with build/host/replay (the model pager,
    mm/replace/sim.c, and OPT and LRU, mm/refstring.c), and
  - boots the kernel with it on a trace disk (tools/tracedisk.py) and
    trace=NAME: the same string on real pages, with real faults,
    evictions and swap I/O (tests/trace_replay.c),

at FRAMES frames under every policy, and requires the two lists of ROW
lines to be identical: every fault, disk read and disk write of every
policy, OPT and LRU.  Then two boots that must be refused: a malformed
trace on the trace disk (its line and token named) and a frame count
past the most a policy tracks (the limit named).  It fails if the
kernel's pager, swap or trace reading count anything differently from
the model, or a refusal is missing or unclear.

Run by `make test` as host/replay, after the host tools are built;
logs in build/test-logs/host-replay*.log.  Exit status 0 if all agree.
"""
import itertools
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtests  # noqa: E402

ROOT = runtests.ROOT
HOST_REPLAY = os.path.join(ROOT, "build", "host", "replay")
NAME = "host-replay"
FRAMES = "40,160"
MEM = 64


def make_trace(path):
    """Write the trace: about 3,000 references to 500 pages."""
    rng = random.Random(2026)
    pages = [rng.randrange(1 << 32) for _ in range(500)]     # sparse 32-bit numbers
    pages[0], pages[1] = 0, 0xFFFFFFFF
    lines = ["# host/replay: a generated trace (tools/check_replay.py)"]
    refs = 0
    while refs < 3000:
        kind = rng.randrange(4)
        if kind == 0:                   # a loop over 120 pages, twice
            seq = pages[100:220] * 2
        elif kind == 1:                 # a hot set of 30 pages
            seq = [pages[rng.randrange(30)] for _ in range(200)]
        else:                           # anywhere
            seq = [pages[rng.randrange(len(pages))] for _ in range(150)]
        toks = []
        for p in seq:
            tok = ("0x%x" % p) if rng.random() < 0.5 else str(p)
            r = rng.random()
            toks.append(tok + ("w" if r < 0.15 else "W" if r < 0.2 else ""))
        for i in range(0, len(toks), 12):
            marker = " *" if rng.random() < 0.1 else ""
            comment = "  # a comment" if rng.random() < 0.1 else ""
            lines.append("\t".join(toks[i:i + 12]) + marker + comment)
        refs += len(seq)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return refs


def rows(text):
    """The data ROW lines of TEXT (not the header naming the columns)."""
    return [line.strip() for line in text.split("\n")
            if line.startswith("ROW ") and not line.startswith("ROW workload,npages,")]


def boot(tag, trace, options):
    """Boot the kernel with TRACE on a trace disk and OPTIONS; returns
    (QEMU status, serial text, log path)."""
    name = NAME + tag
    extra, img = runtests.trace_disk(name, trace)
    extra += runtests.swap_disk(name, 16)
    log = runtests.log_path(name)
    cmd = runtests.qemu_cmd(MEM, options + " ram=%d" % MEM, extra=extra)
    status, err, text, _ = runtests.boot(cmd, log, timeout=60)
    os.remove(img)
    os.remove(runtests.image_path(name))
    return status, text, os.path.relpath(log, ROOT)


def refused(tag, trace, options, pattern):
    """A boot that must end with EXIT_FAIL and PATTERN in its output."""
    status, text, log = boot(tag, trace, options)
    ok = status == runtests.FAIL_STATUS and re.search(pattern, text)
    words = runtests.last_words(text)
    print("  %s %s: status %s, %s" % ("ok  " if ok else "FAIL", options, status,
                                      words if ok else "no /%s/; log %s" % (pattern, log)))
    return bool(ok)


def main():
    for path, what in ((runtests.KERNEL, "the kernel"), (HOST_REPLAY, "the host replay tool")):
        if not os.path.exists(path):
            sys.exit("check_replay: %s (%s) is not built; run make and make host-test"
                     % (os.path.relpath(path, ROOT), what))
    os.makedirs(runtests.LOGS, exist_ok=True)
    trace = os.path.join(runtests.LOGS, NAME + ".trc")
    n = make_trace(trace)
    host = subprocess.run([HOST_REPLAY, trace, "name=" + NAME, "nframes=" + FRAMES],
                          capture_output=True, text=True)
    if host.returncode != 0:
        sys.exit("check_replay: build/host/replay failed: " + host.stderr.strip())
    status, text, log = boot("", trace, "trace=%s nframes=%s" % (NAME, FRAMES))
    want, got = rows(host.stdout), rows(text)
    ok = status == runtests.PASS_STATUS and want == got and len(want) > 0
    print("%d references; %d rows from the host, %d from the kernel (QEMU status %s)"
          % (n, len(want), len(got), status))
    for w, g in itertools.zip_longest(want, got, fillvalue=""):
        if w or g:
            print("  %s %-48s %s" % ("    " if w == g else "DIFF", w, "" if w == g else g))
    if not ok:
        print("check_replay: the kernel's rows (%s) differ from the host's" % log)

    bad = os.path.join(runtests.LOGS, NAME + "-bad.trc")
    with open(bad, "w") as f:
        f.write("# a malformed trace\n1 2 3\n4 0x5 6w\n7 8 9q 10\n")
    ok &= refused("-bad", bad, "trace=bad nframes=2", r"trace bad: line 4: .*'9q'")
    ok &= refused("-frames", trace, "trace=%s nframes=16385" % NAME,
                  r"nframes value '16385' is not a number from 1 to 16384")
    print("host/replay: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
