#!/usr/bin/env python3
"""tools/gdb/check.py - check the gdb commands of tools/gdb against QEMU and the kernel.

    python3 tools/gdb/check.py            (test gdb/pt_walk; after `make all`)
    python3 tools/gdb/check.py memview    (test gdb/memview)

The commands of tools/gdb/vmlab.py compute translations by walking page
tables in physical memory, and unwind the stack through trap frames.
This script checks their answers against authorities that share no code
with them: QEMU's own MMU model and registers, asked through its
monitor, the kernel's own output, and what the kernel test is known to
do.  Without an argument it checks the paging and trap commands; it:

  1. starts QEMU halted (-S), with a gdb stub on a free local TCP port,
     booting the kernel test gdb_target (tests/test_gdb_target.c), which
     writes PATTERN into a fresh VMPool page and calls gdb_checkpoint(va),
     then takes a page fault in gdb_touch, writing to a third page;
  2. runs `gdb -batch`, which connects to QEMU and then follows a script
     (saved as build/test-logs/gdb_check.gdb) that loads vmlab.py, sets
     `break-fault gdb_target` before the pool exists and continues to its
     first stop, then stops at gdb_checkpoint and runs each command, then
     sets `break-fault gdb_target` again and continues to gdb_touch's
     fault, printing a marker line "@@@ NAME" before each command so that
     the output can be cut into sections;
  3. checks (a) pt-walk's physical address for va equals QEMU's
     `gva2gpa`, (b) QEMU's `xp` at that physical address reads PATTERN,
     (c) pt-dump and QEMU's `info mem` list the same pages with the same
     access over the test's pool (and `pt-dump all` over the whole
     address space), (d) frames and vmpools run, and vmpools
     shows the test's pool with exactly one allocated region, holding va;
     (e) the break-fault set at boot let the kernel heap's faults run on
     and first stopped with CR2 in the pool; then, at gdb_touch's fault,
     (f) break-fault stopped in page_fault with CR2, as gdb and QEMU's
     `info registers` see it, at the address gdb_touch writes, (g) `bt`
     goes page_fault, trap_page_fault, trap_stub_14 (marked as a page
     fault's trap entry), gdb_touch, test_gdb_target: through the trap frame, which
     only the unwinder can do, (h) `trapframe` (and `trapframe tf`) shows
     vector 14, error code 0x2 in words (not present, write, supervisor),
     that CR2, and an EIP in gdb_touch equal to bt's pc for it;
  4. lets the kernel finish (gdb detaches) and requires QEMU's exit
     status 33, the harness's PASS.

With `memview` it checks the gdb command memview (tools/gdb/vmlab_memview.py),
which reads the frame table, the frame pool's bitmap, the process list and
a process's page tables from memory, against the kernel's own memview
(mm/memview.c), which reads them in C.  It boots the kernel test memview
(tests/test_memview.c), whose family of memdemo processes holds shared,
copy-on-write shared and private pages still, stops the kernel as it
enters memview_print(pid, ...) and runs `memview pid`, `memview`,
`frames` and `memview 999`; then lets the kernel print its own maps.  It
checks (a) gdb's physical map, legend, totals and the process's virtual
map equal, line for line, what the kernel printed a moment later with
nothing changed in between; (b) the totals add up to the process pool's
frames, and its free and hole counts are the pool's own counters as
`frames` shows them; (c) the process holds its 16 shared-memory pages
and some copy-on-write pages, as memdemo makes them; (d) `memview` alone
lists that process, and `memview 999` says there is no such process;
and (e) QEMU exits with status 33.

Exits 0 on success, 1 with the reason otherwise.  Everything (commands,
gdb output, QEMU's messages) goes to build/test-logs/gdb_check.log (or
gdb_memview.log), the guest's serial output to gdb_check.serial (or
gdb_memview.serial) beside it.  Each check is bounded by TIMEOUT seconds.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.path.join("build", "kernel.elf")            # paths relative to ROOT
LOGS = os.path.join("build", "test-logs")

# What tests/test_gdb_target.c does; change both together.
TEST = "gdb_target"
PATTERN = 0x600DF00D
POOL_BASE, POOL_SIZE = 0x30000000, 4 << 20
VA_OFFSET = 0x1234                      # va's offset in its region (GDB_OFFSET)
FAULT_OFFSET = 0x25c8                   # where gdb_touch writes (GDB_FAULT_OFFSET)
FAULT_ERROR = 0x2                       # that write's error code: not present, write, ring 0
FAULTING, CALLER = "gdb_touch", "test_gdb_target"       # the functions it happens in
PASS_STATUS = 33                        # kernel/exit.h: EXIT_PASS, as QEMU reports it

TIMEOUT = 55                            # seconds for everything
GDB_TIMEOUT = 40                        # of which gdb may use this much


class CheckFailed(Exception):
    """One check did not hold; the message says which and why."""


class Log:
    """Say things on the terminal and in the log file; details only in the log."""

    def __init__(self, path):
        self.f = open(path, "w")

    def say(self, text):
        print(text, flush=True)
        self.detail(text)

    def detail(self, text):
        self.f.write(text.rstrip("\n") + "\n")
        self.f.flush()


# ---------------------------------------------------------------- running things

def free_port():
    """A local TCP port nobody listens on right now (the host chooses it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_qemu(log, test, serial):
    """Start QEMU halted with its gdb stub on a free port, to boot kernel
    test TEST with its serial output into the file SERIAL; returns
    (process, port).  Retries if another program took the port between
    our choosing it and QEMU binding it."""
    for attempt in range(3):
        port = free_port()
        cmd = ["qemu-system-i386", "-m", "64", "-display", "none", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-serial", "file:" + serial, "-kernel", KERNEL,
               "-append", "test=%s ram=64" % test,
               "-S", "-gdb", "tcp:127.0.0.1:%d" % port]
        log.detail("$ " + " ".join(cmd))
        qemu = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(0.3)                 # long enough for QEMU to fail to bind
        if qemu.poll() is None:
            return qemu, port
        out = qemu.communicate()[0]
        log.detail("QEMU exited at once (status %d): %s" % (qemu.returncode, out))
        if "in use" not in out and "bind" not in out.lower():
            raise CheckFailed("QEMU did not start (status %d): %s"
                              % (qemu.returncode, out.strip()))
    raise CheckFailed("QEMU could not bind a gdb port in 3 tries")


def gdb_script():
    """The commands gdb runs once connected.  `eval` formats a command with
    values from the stopped kernel (va) or from pt-walk ($pt_pa), because
    `monitor` passes its text to QEMU literally.  gdb stops the script at
    the first command that fails, so a missing section means that command
    failed."""
    return "\n".join([
        "source tools/gdb/vmlab.py",
        "echo @@@ boot-fault\\n",
        "break-fault %s" % TEST,        # before the pool exists
        "continue",                     # to the pool's first fault
        "print/x $cr2",
        "delete",
        "break gdb_checkpoint",
        "continue",
        "echo @@@ va\\n",
        "print/x va",
        "echo @@@ pt-walk\\n",
        "pt-walk va",
        "echo @@@ gva2gpa\\n",
        'eval "monitor gva2gpa 0x%x", va',
        "echo @@@ xp\\n",
        'eval "monitor xp /1wx 0x%x", $pt_pa',
        "echo @@@ pt-dump\\n",
        "pt-dump",
        "echo @@@ pt-dump-all\\n",
        "pt-dump all",
        "echo @@@ info-mem\\n",
        "monitor info mem",
        "echo @@@ frames\\n",
        "frames",
        "echo @@@ vmpools\\n",
        "vmpools",
        "echo @@@ break-fault\\n",
        "break-fault %s" % TEST,
        "continue",                     # to gdb_touch's page fault
        "echo @@@ cr2\\n",
        "print/x $cr2",
        "echo @@@ registers\\n",
        "monitor info registers",
        "echo @@@ bt\\n",
        "bt",
        "echo @@@ trapframe\\n",
        "trapframe",
        "echo @@@ trapframe-tf\\n",
        "trapframe tf",                 # page_fault's argument
        "echo @@@ end\\n",
        "delete",
        "detach",                       # the kernel runs on to its verdict
    ]) + "\n"


def memview_script():
    """The commands of the memview check.  The breakpoint is on the
    address of memview_print (`break *`): with QEMU halted at reset, gdb's
    `break FUNCTION` analyses the function's prologue in memory the
    loader has not filled yet, and may land elsewhere."""
    return "\n".join([
        "source tools/gdb/vmlab.py",
        "break *memview_print",
        "continue",
        "echo @@@ pid\\n",
        "print pid",
        "echo @@@ memview\\n",
        "memview pid",
        "echo @@@ memview-all\\n",
        "memview",
        "echo @@@ frames\\n",
        "frames",
        "echo @@@ memview-none\\n",
        "memview 999",
        "echo @@@ end\\n",
        "delete",
        "detach",                       # the kernel prints its own maps, then its verdict
    ]) + "\n"


def run_gdb(port, log, script, path):
    """Run gdb on the commands SCRIPT, saved as PATH; returns its output
    cut into {section: text}."""
    # The script is the same for every run (the port is given separately),
    # and replaced in one step, so two checks at once cannot disturb it.
    tmp = os.path.join(ROOT, path + ".%d" % os.getpid())
    with open(tmp, "w") as f:
        f.write(script)
    os.replace(tmp, os.path.join(ROOT, path))
    cmd = ["gdb", "-batch", "-nx", "-q", KERNEL,
           "-ex", "set pagination off", "-ex", "set confirm off",
           "-ex", "set tcp connect-timeout 15",     # QEMU may still be starting
           "-ex", "target remote 127.0.0.1:%d" % port, "-x", path]
    log.detail("$ " + " ".join(cmd))
    try:
        r = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=GDB_TIMEOUT)
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        log.detail(out)
        raise CheckFailed("gdb did not finish within %d s" % GDB_TIMEOUT)
    log.detail("---- gdb output ----\n" + out + "---- end of gdb output ----")
    sections, name = {"start": []}, "start"
    for line in out.splitlines():
        if line.startswith("@@@ "):
            name = line[4:].strip()
            sections[name] = []
        else:
            sections[name].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def serial_text(serial):
    """The guest's serial output, from the file SERIAL, or ""."""
    try:
        with open(os.path.join(ROOT, serial), errors="replace") as f:
            return f.read().replace("\r", "")
    except OSError:
        return ""


def serial_tail(serial, n=8):
    lines = [l.rstrip() for l in serial_text(serial).split("\n") if l.strip()]
    return "\n".join("    | " + l for l in lines[-n:]) if lines else "    (no serial log)"


# ---------------------------------------------------------------- the checks

def section(sections, name):
    """The output of one command, or a failure naming the first command
    that did not complete (gdb's error message is in its section)."""
    names = list(sections)              # in output order; "end" comes last
    if name in sections and names.index(name) < len(names) - 1:
        return sections[name]
    last = names[-1]
    text = sections[last].strip().splitlines()
    where = ("'%s' failed" % name if last == name else
             "gdb stopped in '%s', before reaching '%s'" % (last, name))
    raise CheckFailed("%s; gdb's last output: %s" % (where, " / ".join(text[-3:]) or "(none)"))


def hexnum(pattern, text, what):
    m = re.search(pattern, text, re.M)
    if not m:
        raise CheckFailed("cannot find %s in: %s" % (what, text.strip() or "(nothing)"))
    return int(m.group(1), 16)


def pages_from_pt_dump(text, lo, hi):
    """{virtual page: access} for the pages pt-dump lists in [LO, HI), and
    {virtual page: physical page}."""
    row = re.compile(r"^\s+0x([0-9a-f]{8})-0x([0-9a-f]{8}) -> 0x([0-9a-f]{8})-0x[0-9a-f]{8}"
                     r"\s+\d+\s+.*?\s([-u]r[-w])\s*$")
    access, phys = {}, {}
    for line in text.splitlines():
        m = row.match(line)
        if not m:
            continue
        start, end, pa = int(m.group(1), 16), int(m.group(2), 16) + 1, int(m.group(3), 16)
        for va in range(max(start, lo), min(end, hi), 4096):
            access[va] = m.group(4)
            phys[va] = pa + (va - start)
    return access, phys


def pages_from_info_mem(text, lo, hi):
    """{virtual page: access} for the pages QEMU's `info mem` lists in [LO, HI)."""
    row = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) [0-9a-f]+ ([-u][-r][-w])\s*$")
    access = {}
    for line in text.splitlines():
        m = row.match(line.strip())
        if m:
            start, end = int(m.group(1), 16), int(m.group(2), 16)
            for va in range(max(start, lo), min(end, hi), 4096):
                access[va] = m.group(3)
    return access


def check_sections(s, log):
    """The comparisons (a)-(d); returns gdb_checkpoint's va, raises CheckFailed."""
    if "Python Exception" in "\n".join(s.values()):
        raise CheckFailed("a vmlab command raised a Python exception (see the log)")

    va = hexnum(r"^\$\d+ = 0x([0-9a-f]+)", section(s, "va"), "gdb_checkpoint's va")
    if not POOL_BASE <= va < POOL_BASE + POOL_SIZE or va % 4096 != VA_OFFSET % 4096:
        raise CheckFailed("va 0x%08x is not at offset 0x%x of a page in 0x%08x-0x%08x: is "
                          "the kernel's gdb_target test the one this script expects?"
                          % (va, VA_OFFSET % 4096, POOL_BASE, POOL_BASE + POOL_SIZE - 1))
    log.say("  ok   stopped at gdb_checkpoint(va = 0x%08x)" % va)

    walk = section(s, "pt-walk")
    pa = hexnum(r"=> 0x[0-9a-f]+ is physical 0x([0-9a-f]+)", walk, "pt-walk's result")
    qemu_pa = hexnum(r"gpa: 0x([0-9a-f]+)", section(s, "gva2gpa"), "QEMU's gva2gpa answer")
    if pa != qemu_pa:
        raise CheckFailed("(a) pt-walk says 0x%08x -> 0x%08x, QEMU's gva2gpa says 0x%08x"
                          % (va, pa, qemu_pa))
    log.say("  ok   (a) pt-walk va -> physical 0x%08x; QEMU's gva2gpa agrees" % pa)

    xp = section(s, "xp")
    where = hexnum(r"^([0-9a-f]+):", xp, "the address in QEMU's xp output")
    word = hexnum(r"^[0-9a-f]+: 0x([0-9a-f]+)", xp, "the word in QEMU's xp output")
    if where != pa or word != PATTERN:
        raise CheckFailed("(b) QEMU's xp at 0x%08x reads 0x%08x, expected the pattern "
                          "0x%08x at 0x%08x" % (where, word, PATTERN, pa))
    log.say("  ok   (b) QEMU's xp at physical 0x%08x reads 0x%08x, the test's pattern"
            % (pa, word))

    lo, hi = POOL_BASE, POOL_BASE + POOL_SIZE
    ours, ours_phys = pages_from_pt_dump(section(s, "pt-dump"), lo, hi)
    theirs = pages_from_info_mem(section(s, "info-mem"), lo, hi)
    if ours != theirs:
        diff = sorted(set(ours.items()) ^ set(theirs.items()))[:4]
        raise CheckFailed("(c) pt-dump and QEMU's info mem differ in 0x%08x-0x%08x: pt-dump "
                          "%d pages, info mem %d; first differences (page, access): %s"
                          % (lo, hi - 1, len(ours), len(theirs),
                             ", ".join("0x%08x %s" % d for d in diff)))
    page = va & ~0xFFF
    if ours_phys.get(page) != pa & ~0xFFF:
        raise CheckFailed("(c) pt-dump maps va's page 0x%08x to %s, pt-walk to 0x%08x"
                          % (page, "nothing" if page not in ours_phys
                             else "0x%08x" % ours_phys[page], pa & ~0xFFF))
    log.say("  ok   (c) pt-dump and QEMU's info mem agree on 0x%08x-0x%08x: %d pages present "
            "(%s)" % (lo, hi - 1, len(ours), ", ".join("0x%08x" % p for p in sorted(ours))))
    ours, _ = pages_from_pt_dump(section(s, "pt-dump-all"), 0, 1 << 32)
    theirs = pages_from_info_mem(section(s, "info-mem"), 0, 1 << 32)
    if ours != theirs:
        diff = sorted(set(ours.items()) ^ set(theirs.items()))[:4]
        raise CheckFailed("(c) pt-dump all and QEMU's info mem differ: pt-dump %d pages, info "
                          "mem %d; first differences (page, access): %s"
                          % (len(ours), len(theirs), ", ".join("0x%08x %s" % d for d in diff)))
    log.say("      and, with `pt-dump all`, on the whole address space: %d pages" % len(ours))

    frames = section(s, "frames")
    pools = re.findall(r"^(\S+) pool: frames", frames, re.M)
    if not {"kernel", "process"} <= set(pools):
        raise CheckFailed("(d) frames lists pools %s, expected kernel and process" % pools)
    if "MISMATCH" in frames or "BROKEN" in frames:
        raise CheckFailed("(d) frames reports an inconsistent bitmap:\n" + frames)
    vmp = section(s, "vmpools")
    m = re.search(r"^vmpool %s: 0x%08x-0x%08x .*, (\d+) allocated / (\d+) free regions$"
                  % (TEST, POOL_BASE, POOL_BASE + POOL_SIZE - 1), vmp, re.M)
    if not m:
        raise CheckFailed("(d) vmpools does not list pool %s at 0x%08x:\n%s"
                          % (TEST, POOL_BASE, vmp))
    block = vmp[m.start():].split("\nvmpool ")[0]
    allocated = [(int(a, 16), int(b, 16)) for a, b in
                 re.findall(r"^\s+0x([0-9a-f]{8})-0x([0-9a-f]{8})\s+\d+ pages allocated$",
                            block, re.M)]
    if m.group(1) != "1" or len(allocated) != 1 or not allocated[0][0] <= va <= allocated[0][1]:
        raise CheckFailed("(d) vmpools shows pool %s with %s allocated regions %s; expected "
                          "one, holding 0x%08x" % (TEST, m.group(1), allocated, va))
    log.say("  ok   (d) frames lists %s; vmpools shows %s with one allocated region, "
            "0x%08x-0x%08x" % (" and ".join(pools), TEST, allocated[0][0], allocated[0][1]))
    return va


def check_boot_fault(s, log):
    """Check (e): break-fault set at boot, before the pool exists, skips
    the faults elsewhere (the kernel heap's) and stops at the pool's first."""
    text = section(s, "boot-fault")
    if not re.search(r"^break-fault: breakpoint 1 stops in page_fault only when CR2 is in "
                     r"VMPool %s$" % TEST, text, re.M) or "registered yet" not in text:
        raise CheckFailed("(e) break-fault %s at boot did not say it waits for the pool:\n%s"
                          % (TEST, text))
    if not re.search(r"^Breakpoint 1, page_fault \(", text, re.M):
        raise CheckFailed("(e) break-fault %s set at boot never stopped in page_fault:\n%s"
                          % (TEST, text))
    cr2 = hexnum(r"^\$\d+ = 0x([0-9a-f]+)", text, "$cr2 at the first stop")
    if not POOL_BASE <= cr2 < POOL_BASE + POOL_SIZE:
        raise CheckFailed("(e) break-fault %s set at boot first stopped at CR2 0x%08x, outside "
                          "the pool 0x%08x-0x%08x" % (TEST, cr2, POOL_BASE,
                                                       POOL_BASE + POOL_SIZE - 1))
    passed = re.search(r"; (\d+) faults? elsewhere ran on$", text, re.M)
    log.say("  ok   (e) break-fault %s, set at boot, first stopped at CR2 0x%08x, in the pool "
            "(faults elsewhere that ran on: %s)" % (TEST, cr2, passed.group(1) if passed else 0))


def check_fault(s, va, log):
    """The checks (f)-(h) at gdb_touch's page fault; VA is gdb_checkpoint's
    argument, which says where the test's region is.  Raises CheckFailed."""
    want = va - VA_OFFSET + FAULT_OFFSET
    text = section(s, "break-fault")
    m = re.search(r"^break-fault: breakpoint (\d+) stops in page_fault only when CR2 is in "
                  r"VMPool %s \(now 0x%08x-0x%08x\)$" % (TEST, POOL_BASE, POOL_BASE + POOL_SIZE - 1),
                  text, re.M)
    if not m:
        raise CheckFailed("(f) break-fault %s did not say it set a breakpoint on the pool "
                          "0x%08x-0x%08x:\n%s" % (TEST, POOL_BASE, POOL_BASE + POOL_SIZE - 1, text))
    if not re.search(r"^Breakpoint %s, page_fault \(" % m.group(1), text, re.M):
        raise CheckFailed("(f) after break-fault the kernel did not stop in page_fault at "
                          "breakpoint %s:\n%s" % (m.group(1), text))
    cr2 = hexnum(r"^\$\d+ = 0x([0-9a-f]+)", section(s, "cr2"), "$cr2")
    qemu_cr2 = hexnum(r"CR2=([0-9a-f]+)", section(s, "registers"), "CR2 in QEMU's registers")
    if cr2 != want or qemu_cr2 != want:
        raise CheckFailed("(f) break-fault stopped with CR2 0x%08x (gdb), 0x%08x (QEMU); "
                          "expected 0x%08x, where %s writes" % (cr2, qemu_cr2, want, FAULTING))
    log.say("  ok   (f) break-fault %s stopped in page_fault with CR2 0x%08x (gdb and QEMU "
            "agree), where %s writes" % (TEST, want, FAULTING))

    frames = re.findall(r"^#(\d+)\s+(?:0x([0-9a-f]+) in )?(\S+)(.*)$", section(s, "bt"), re.M)
    names = [f[2] for f in frames]
    expect = ["page_fault", "trap_page_fault", "trap_stub_14", FAULTING, CALLER]
    if names[:len(expect)] != expect:
        raise CheckFailed("(g) bt in page_fault goes %s; expected %s first (the unwinder "
                          "continues through the trap frame)"
                          % (" > ".join(names[:6]) or "nowhere", " > ".join(expect)))
    if "[trap entry: page fault, vector 14]" not in frames[2][3]:
        raise CheckFailed("(g) bt does not mark trap_stub_14 as a page fault's trap entry: "
                          "#2 %s%s" % (frames[2][2], frames[2][3]))
    pc = int(frames[3][1], 16)
    log.say("  ok   (g) bt goes %s ... (%s at 0x%08x)" % (" > ".join(expect), FAULTING, pc))

    tf = section(s, "trapframe")
    eip = hexnum(r"^  eip     0x([0-9a-f]{8})  %s at " % FAULTING, tf, "an eip in %s" % FAULTING)
    shown = [
        (r"^trapframe at 0x[0-9a-f]{8} .*: vector 14, page fault$", "vector 14, page fault"),
        (r"^  error   0x%08x  page not present, write, supervisor mode$" % FAULT_ERROR,
         "error code 0x%x: page not present, write, supervisor mode" % FAULT_ERROR),
        (r"^  cr2     0x%08x  " % want, "cr2 0x%08x" % want),
    ]
    for pattern, what in shown:
        if not re.search(pattern, tf, re.M):
            raise CheckFailed("(h) trapframe does not show %s:\n%s" % (what, tf))
    if eip != pc:
        raise CheckFailed("(h) trapframe's eip 0x%08x is not bt's pc for %s, 0x%08x"
                          % (eip, FAULTING, pc))
    body = tf.split("\n", 1)[1]            # the frame, without how it was found
    if section(s, "trapframe-tf").split("\n", 1)[1:] != [body]:
        raise CheckFailed("(h) `trapframe tf` and `trapframe` decode different frames:\n%s"
                          % section(s, "trapframe-tf"))
    log.say("  ok   (h) trapframe (and trapframe tf): vector 14, error 0x%x (not present, "
            "write, supervisor), cr2 0x%08x, eip 0x%08x in %s" % (FAULT_ERROR, want, eip, FAULTING))


def check_pt_walk(sections, serial, log):
    """The checks (a)-(h) of the pt_walk session (SERIAL is not needed)."""
    va = check_sections(sections, log)
    check_boot_fault(sections, log)
    check_fault(sections, va, log)


def memview_block(text):
    """The lines of one memview (mm/memview.c's format) in TEXT: from its
    physical map's header to its virtual map's totals."""
    m = re.search(r"^memview: physical memory .*?^  totals: \d+ resident.*?$", text, re.M | re.S)
    return m.group(0).split("\n") if m else None


def check_memview(s, serial, log):
    """The checks (a)-(d) of the memview session (see the top of this file)."""
    if "Python Exception" in "\n".join(s.values()):
        raise CheckFailed("a vmlab command raised a Python exception (see the log)")
    pid = int(hexnum(r"^\$\d+ = (\d+)$", section(s, "pid"), "memview_print's pid"))
    ours, theirs = memview_block(section(s, "memview")), memview_block(serial)
    if not ours:
        raise CheckFailed("(a) `memview %d` printed no physical and virtual map:\n%s"
                          % (pid, section(s, "memview")))
    if not theirs:
        raise CheckFailed("(a) the kernel printed no memview of pid %d (serial log)" % pid)
    for i, (a, b) in enumerate(zip(ours + [None] * len(theirs), theirs + [None] * len(ours))):
        if a != b:
            raise CheckFailed("(a) gdb's memview and the kernel's differ at line %d:\n"
                              "    gdb:    %s\n    kernel: %s" % (i + 1, a, b))
    log.say("  ok   (a) `memview %d` prints what the kernel's memview printed: %d lines, the "
            "physical map and pid %d's virtual map" % (pid, len(ours), pid))

    text = "\n".join(ours)
    phys = re.search(r"^  totals: (\d+) free, (\d+) hole, (\d+) kernel, (\d+) page tables, "
                     r"(\d+) kernel-pool, (\d+) other, (\d+) zeroed, (\d+) process, "
                     r"(\d+) copy-on-write "
                     r"shared, (\d+) shared$", text, re.M)
    pool = re.search(r"^process pool: frames 0x[0-9a-f]+-0x[0-9a-f]+ \((\d+) frames.*\n"
                     r"  counters: (\d+) free, (\d+) used, (\d+) inaccessible$",
                     section(s, "frames"), re.M)
    if not phys or not pool:
        raise CheckFailed("(b) no totals in memview, or no process pool in `frames`")
    counts = [int(x) for x in phys.groups()]
    nframes, nfree, nused, ninacc = (int(x) for x in pool.groups())
    if sum(counts) != nframes or counts[0] != nfree or counts[1] != ninacc \
            or sum(counts[2:]) != nused:
        raise CheckFailed("(b) memview's totals (%s) do not match the process pool: %d frames, "
                          "%d free, %d used, %d inaccessible"
                          % (", ".join(map(str, counts)), nframes, nfree, nused, ninacc))
    log.say("  ok   (b) the totals add up to the process pool's %d frames; %d free and %d holes, "
            "as its counters say" % (nframes, nfree, ninacc))

    virt = re.search(r"^  totals: (\d+) resident, (\d+) copy-on-write, (\d+) shared, "
                     r"(\d+) trimmed, (\d+) swapped$", text, re.M)
    if not virt:
        raise CheckFailed("(c) no virtual-map totals line in memview's output")
    resident, cow, shared, _, _ = (int(x) for x in virt.groups())
    if shared != 16 or cow == 0 or counts[7] == 0:
        raise CheckFailed("(c) pid %d shows %d shared and %d copy-on-write pages (the pool %d "
                          "copy-on-write shared frames); memdemo makes 16 shared and some of "
                          "each" % (pid, shared, cow, counts[7]))
    log.say("  ok   (c) pid %d: %d resident, %d copy-on-write, %d shared pages, as memdemo "
            "makes them" % (pid, resident, cow, shared))

    listed = re.search(r"^memview: processes: (.*)$", section(s, "memview-all"), re.M)
    if not listed or not re.search(r"\b%d 'memdemo'" % pid, listed.group(1)):
        raise CheckFailed("(d) `memview` does not list pid %d:\n%s"
                          % (pid, section(s, "memview-all")))
    if not re.search(r"^memview: no process 999$", section(s, "memview-none"), re.M):
        raise CheckFailed("(d) `memview 999` does not say there is no such process:\n%s"
                          % section(s, "memview-none"))
    log.say("  ok   (d) `memview` lists %s; `memview 999`: no such process" % listed.group(1)
            .split(";")[0])


# Each check: the kernel test it boots, the name of its log, serial and
# script files, its gdb commands, and its checks.
SESSIONS = {
    "pt_walk": (TEST, "gdb_check", gdb_script, check_pt_walk),
    "memview": ("memview", "gdb_memview", memview_script, check_memview),
}


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "pt_walk"
    if which not in SESSIONS or len(sys.argv) > 2:
        sys.exit("usage: check.py [%s]" % "|".join(SESSIONS))
    test, name, script, checks = SESSIONS[which]
    logfile, serial = os.path.join(LOGS, name + ".log"), os.path.join(LOGS, name + ".serial")
    os.makedirs(os.path.join(ROOT, LOGS), exist_ok=True)
    log = Log(os.path.join(ROOT, logfile))
    for tool in ("qemu-system-i386", "gdb"):
        if not shutil.which(tool):
            log.say("gdb check: FAIL: %s is not installed" % tool)
            return 1
    if not os.path.exists(os.path.join(ROOT, KERNEL)):
        log.say("gdb check: FAIL: %s is not built; run `make all` first" % KERNEL)
        return 1

    t0 = time.time()
    qemu = None
    try:
        qemu, port = start_qemu(log, test, serial)
        log.say("gdb check %s: %s, test %s, gdb stub on port %d" % (which, KERNEL, test, port))
        sections = run_gdb(port, log, script(), os.path.join(LOGS, name + ".gdb"))
        try:
            out = qemu.communicate(timeout=max(1, TIMEOUT - (time.time() - t0)))[0]
        except subprocess.TimeoutExpired:
            out = None
        if out is not None:
            log.detail("QEMU said: " + (out.strip() or "(nothing)"))
        # The memview checks compare with what the kernel printed after gdb
        # detached: its whole serial output is there once QEMU has exited.
        checks(sections, serial_text(serial), log)
        if out is None:
            raise CheckFailed("the kernel did not finish after gdb detached")
        if qemu.returncode != PASS_STATUS:
            raise CheckFailed("QEMU exited with status %d, not %d (the test's PASS)"
                              % (qemu.returncode, PASS_STATUS))
        log.say("  ok   the kernel finished: QEMU exited with status %d" % PASS_STATUS)
    except CheckFailed as e:
        log.say("  FAIL %s" % e)
        try:
            qemu and qemu.wait(timeout=2)   # did the kernel end the run itself?
        except subprocess.TimeoutExpired:
            pass
        if qemu and qemu.poll() is not None and qemu.returncode != PASS_STATUS:
            log.say("  QEMU exited with status %d; the guest's serial output ends:\n%s"
                    % (qemu.returncode, serial_tail(serial)))
        log.say("gdb check: FAIL; details in %s" % logfile)
        return 1
    finally:
        if qemu and qemu.poll() is None:
            qemu.kill()                 # only the QEMU this script started
            qemu.wait()
    log.say("gdb check %s: PASS in %.1f s; details in %s" % (which, time.time() - t0, logfile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
