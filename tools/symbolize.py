#!/usr/bin/env python3
"""tools/symbolize.py - turn kernel addresses in serial output into names.

The kernel prints backtraces as lines "  #N 0xADDR" and trap reports with
"eip ADDR".  This script appends "function+offset (file:line)" to each,
using build/kernel.sym (from nm) and, when present, addr2line.  Used as a
filter (`... | tools/symbolize.py`) or as a module by tools/runtests.py.
"""
import bisect
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BT_RE = re.compile(r"^(\s*#\d+ 0x)([0-9a-fA-F]{8})\s*$")
EIP_RE = re.compile(r"^(eip )([0-9a-fA-F]{8})(\s.*)$")


class Symbolizer:
    """Looks up addresses in the kernel's symbol table."""

    def __init__(self, build=os.path.join(ROOT, "build")):
        self.elf = os.path.join(build, "kernel.elf")
        self.addrs, self.names = [], []
        self.cache = {}
        sym = os.path.join(build, "kernel.sym")
        if os.path.exists(sym):
            with open(sym) as f:
                for line in f:
                    parts = line.split(None, 2)
                    if len(parts) == 3 and parts[1] in "tTwW":
                        self.addrs.append(int(parts[0], 16))
                        self.names.append(parts[2].strip())
        self.a2l = shutil.which("i686-linux-gnu-addr2line") or shutil.which("addr2line")

    def name(self, addr):
        """Return 'func+0xoff (file:line)' for ADDR, or '?'."""
        if addr in self.cache:
            return self.cache[addr]
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0:
            return "?"
        text = "%s+0x%x" % (self.names[i], addr - self.addrs[i])
        if self.a2l and os.path.exists(self.elf):
            try:
                out = subprocess.run([self.a2l, "-e", self.elf, "%x" % addr],
                                     capture_output=True, text=True, timeout=10).stdout.strip()
                if out and not out.startswith("??"):
                    text += " (%s)" % self.short(out.split(" ")[0])
            except (OSError, subprocess.SubprocessError):
                pass
        self.cache[addr] = text
        return text

    @staticmethod
    def short(where):
        """FILE:LINE relative to the repository (nasm writes DIR//FILE)."""
        if "//" in where:
            where = where.split("//")[-1]
        if where.startswith("/"):
            where = os.path.relpath(where, ROOT)
        return where

    def line(self, line):
        """Return LINE with a symbol appended if it names a code address."""
        s = line.rstrip("\n")
        m = BT_RE.match(s)
        if m:
            return "%s%s  %s" % (m.group(1), m.group(2), self.name(int(m.group(2), 16)))
        m = EIP_RE.match(s)
        if m:
            return "%s%s <%s>%s" % (m.group(1), m.group(2), self.name(int(m.group(2), 16)),
                                    m.group(3))
        return s


def main():
    sym = Symbolizer()
    for line in sys.stdin:
        print(sym.line(line), flush=True)


if __name__ == "__main__":
    main()
