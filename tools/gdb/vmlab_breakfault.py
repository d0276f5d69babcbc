"""tools/gdb/vmlab_breakfault.py - break-fault: stop only at the page faults you mean.

`break page_fault` first stops at faults that are not the student's: at
boot the kernel heap's VMPool (kmalloc_init) takes demand-zero faults
for its bookkeeping, and so does every new pool.  break-fault sets a
breakpoint on page_fault (mm/fault.c) whose stop() reads CR2, the
address the CPU could not access, and lets the kernel run on unless it
lies in what was asked for:

  break-fault POOL     a VMPool, by the name given to vmpool_init, looked up
                       in the kernel's list of pools (as `vmpools` does) at
                       every fault: it may be set before the pool exists
  break-fault LO HI    an address range, both ends included (the way vmpools
                       and pt-dump print ranges)
  break-fault ADDR     the page that holds ADDR
  break-fault          list the VMPools registered now

Registered by tools/gdb/vmlab.py.  `delete N` removes the breakpoint as
any other.
"""
import re

import gdb

from vmlab_common import (VmlabCommand, c_string, expression, plural, register,
                          registered_vmpools, where)

PAGE = 4096


def pools_now():
    """[(name, first address, last address)] of every registered VMPool."""
    out = []
    for pool in registered_vmpools("break-fault"):
        base = int(pool["base"])
        out.append((c_string(pool["name"], 64), base, base + int(pool["size"]) - 1))
    return out


def pool_range(name):
    """(first, last) address of the registered VMPool called NAME, or None."""
    for pool, lo, hi in pools_now():
        if pool == name:
            return lo, hi
    return None


class FaultBreakpoint(gdb.Breakpoint):
    """A breakpoint on page_fault that stops only when CR2 lies in
    [LO, HI], or, if POOL is given, in the range of the VMPool of that
    name at the time of the fault (never while there is none)."""

    def __init__(self, pool=None, lo=0, hi=0):
        super().__init__("page_fault")
        self.pool, self.lo, self.hi = pool, lo, hi
        self.passed = 0                 # faults elsewhere since the last stop

    def what(self):
        return "VMPool %s" % self.pool if self.pool else "0x%08x-0x%08x" % (self.lo, self.hi)

    def stop(self):
        try:
            cr2 = register("cr2")
            if cr2 is None:
                gdb.write("break-fault: this gdb stub does not report $cr2, so every page "
                          "fault stops\n")
                return True
            span = pool_range(self.pool) if self.pool else (self.lo, self.hi)
            if span is None or not span[0] <= cr2 <= span[1]:
                self.passed += 1
                return False
            gdb.write("break-fault: page fault at 0x%08x (CR2), in %s%s%s\n"
                      % (cr2, self.what(), " (0x%08x-0x%08x)" % span if self.pool else "",
                         "; %s elsewhere ran on" % plural(self.passed, "fault")
                         if self.passed else ""))
            self.passed = 0
            return True
        except Exception as e:          # stop and say why, rather than run past it
            detail = str(e) if isinstance(e, (gdb.error, gdb.GdbError, gdb.MemoryError)) \
                else "internal error at %s: %s: %s" % (where(e), type(e).__name__, e)
            gdb.write("break-fault: cannot tell whether to stop here (%s); stopping\n" % detail)
            return True


class BreakFault(VmlabCommand):
    """Stop at a page fault only where you mean: break-fault POOL | LO HI | ADDR

Sets a breakpoint on page_fault (mm/fault.c) that stops only when CR2,
the faulting address, is in
  POOL    the VMPool of that name (as vmpool_init was given it and `vmpools`
          lists it), looked up at each fault: it may be set before the pool
          exists, and follows the pool if it is destroyed and made again;
  LO HI   the addresses LO to HI, both included;
  ADDR    the page holding ADDR.
LO, HI and ADDR are expressions.  Other page faults run on unseen.
With no argument, lists the VMPools registered now.  `delete N`
removes the breakpoint."""

    cmd = "break-fault"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_BREAKPOINTS)

    def run(self, args):
        if not args:
            self.list()
            return
        if len(args) > 2:
            raise gdb.GdbError("usage: break-fault POOL | LO HI | ADDR   (got %d arguments)"
                               % len(args))
        pools = pools_now()
        names = [p[0] for p in pools]
        unevaluated = len(args) == 1 and self.not_an_address(args[0])
        if len(args) == 1 and args[0] in names:
            bp = FaultBreakpoint(pool=args[0])
            note = " (now 0x%08x-0x%08x)" % pool_range(args[0])
        elif unevaluated and re.fullmatch(r"[A-Za-z_][\w.-]*", args[0]):
            bp = FaultBreakpoint(pool=args[0])
            note = ("\n  no VMPool of that name is registered yet (now: %s) and it is no address "
                    "(%s): the breakpoint waits for the pool" % (", ".join(names) or "none",
                                                                 unevaluated.rstrip(".")))
        else:
            lo = expression(args[0])
            hi = expression(args[1]) if len(args) == 2 else lo | (PAGE - 1)
            if len(args) == 1:
                lo &= ~(PAGE - 1)
            if lo > hi:
                raise gdb.GdbError("break-fault: the range 0x%08x-0x%08x is empty (LO > HI)"
                                   % (lo, hi))
            bp = FaultBreakpoint(lo=lo, hi=hi)
            inside = [n for n, plo, phi in pools if plo <= lo <= phi]
            note = " (in VMPool %s)" % inside[0] if inside else " (in no VMPool registered now)"
        gdb.write("break-fault: breakpoint %d stops in page_fault only when CR2 is in %s%s\n"
                  % (bp.number, bp.what(), note))

    @staticmethod
    def not_an_address(text):
        """Why gdb cannot take TEXT for an address ("No symbol..."), or ""
        if it can."""
        try:
            int(gdb.parse_and_eval(text))
            return ""
        except gdb.error as e:
            return str(e)

    @staticmethod
    def list():
        gdb.write("usage: break-fault POOL | LO HI | ADDR   (stop in page_fault only when CR2 "
                  "is there)\n")
        pools = pools_now()
        if not pools:
            gdb.write("no VMPool is registered yet; break-fault NAME waits for one\n")
            return
        gdb.write("VMPools registered now:\n")
        for name, lo, hi in pools:
            gdb.write("  %-16s 0x%08x-0x%08x\n" % (name, lo, hi))
