"""tools/gdb/vmlab.py - gdb commands that show vmlab's virtual memory.

Loaded by tools/gdb/vmlab.gdb (`make gdb`) into a gdb connected to QEMU:

  pt-walk VA          CR3 -> PDE -> PTE -> physical address, one line a level
  pt-dump [all] [FROM [TO]]
                      every present mapping, contiguous runs merged
  frames [MAX]        each frame pool: counters and allocated/inaccessible runs
  vmpools [MAX]       each registered VMPool and its regions in address order

and, from tools/gdb/vmlab_memview.py, tools/gdb/vmlab_traps.py and
tools/gdb/vmlab_breakfault.py:

  memview [PID]       the physical map of the process frame pool by kind, and
                      process PID's virtual map: what mm/memview.c prints

  trapframe [EXPR]    (tf) decode a trap frame: vector, error code in words, CR2,
                      EIP's function and line, ring, EFLAGS, registers
  break-fault POOL | LO HI | ADDR
                      break in page_fault only for faults there (CR2); no
                      argument: list the VMPools
  an unwinder         `bt` inside a trap handler continues through the trap
                      frame into the interrupted code

Page tables are read the way the MMU reads them: in PHYSICAL memory,
starting from CR3.  The kernel itself can only reach them through the
recursive window (mm/paging.c), which is exactly what a bug in paging
might break, so we do not rely on it.  QEMU's gdb stub has a switch for
this (physical_memory in tools/gdb/vmlab_common.py), which is always
switched back off, because with it on, every other gdb command (`x`,
`print`, backtraces) would silently read the wrong memory.

The frame pools and VMPools are read through the kernel's own virtual
addresses, as `print` would: their data lives in identity-mapped kernel
memory (frame bitmaps) or in the pools' own mapped pages (region maps).

Errors (not connected, unreadable memory, a corrupt structure) end the
command with one clear message, never a Python traceback.  What the
commands share (reading the target, walking kernel lists, that error
handling) is in tools/gdb/vmlab_common.py.
"""
import os
import sys

import gdb

# gdb `source`s this file rather than importing it: put its directory on
# the module path so that it can import its siblings.
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from vmlab_common import (FRAME_FREE, FRAME_HEAD, FRAME_INACC, FRAME_USED, PAGE, PTE_P,
                          PTE_SWAPPED, VmlabCommand, c_string, expression, frame_states,
                          physical_memory, plural, read_phys_words, read_words, region_nodes,
                          register, registered_vmpools, static_variable, walk_list)
import vmlab_breakfault
import vmlab_memview
import vmlab_traps

# PDE/PTE bits (mm/mmu.h).  Bit 7 is PS ("4 MiB page") in a PDE but PAT
# (a caching attribute) in a PTE; vmlab uses neither.
FLAG_BITS = [(0x001, "P"), (0x002, "W"), (0x004, "U"), (0x008, "PWT"), (0x010, "PCD"),
             (0x020, "A"), (0x040, "D"), (0x080, "PS"), (0x100, "G")]
PTE_W, PTE_U, PTE_A, PTE_D, PTE_PS = 0x002, 0x004, 0x020, 0x040, 0x080
RECURSIVE_SLOT = 1023       # mm/memlayout.h: the PDE that maps the directory itself
CR0_PG, CR4_PSE = 0x80000000, 0x10


def decode_flags(entry, level="PTE"):
    """The names of the flag bits set in ENTRY ("P W A D"), "-" if none.
    LEVEL is "PDE" or "PTE": bit 7 means PS in one and PAT in the other."""
    names = []
    for bit, name in FLAG_BITS:
        if entry & bit:
            names.append("PAT" if bit == PTE_PS and level == "PTE" else name)
    if entry & 0xE00:
        names.append("AVL=%d" % ((entry >> 9) & 7))     # the three bits that are ours
    return " ".join(names) or "-"


def access(eff):
    """Effective access like QEMU's `info mem`: "urw", "-rw", "-r-"."""
    return ("u" if eff & PTE_U else "-") + "r" + ("w" if eff & PTE_W else "-")


# ---------------------------------------------------------------- memory access

def read_cr3():
    """CR3 from QEMU's register set; if this stub does not expose it,
    the kernel's copy, pd_phys in mm/paging.c.  Returns (value, source)."""
    cr3 = register("cr3")
    if cr3 is not None:
        return cr3, "$cr3"
    sym = static_variable("pd_phys", "paging.c")
    return int(sym) & 0xFFFFFFFF, "pd_phys (this stub does not report $cr3)"


# ---------------------------------------------------------------- pt-walk

class PtWalk(VmlabCommand):
    """Translate a virtual address by hand, as the MMU does: pt-walk VA

VA is any gdb expression (0x30041234, va, &kernel_pool).  The walk reads
physical memory: CR3 gives the page directory, entry PDX(VA) of it the
page table, entry PTX(VA) of that the frame.  Each level prints the entry,
the physical address it was read from and its flags (P W U PWT PCD A D
PS/PAT G).  The walk stops at a PDE or PTE without P; a non-present PTE
that is not zero is not a mapping but a swap entry (mm/swap.h), and the
walk says which slot and disk sectors hold the page.
The result is left in $pt_pa (void if the walk stopped)."""

    cmd = "pt-walk"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_DATA)

    def run(self, args):
        if len(args) != 1:
            raise gdb.GdbError("usage: pt-walk VA   (e.g. pt-walk 0x30041234, pt-walk va)")
        va = expression(args[0])
        gdb.set_convenience_variable("pt_pa", None)
        pdx, ptx, off = va >> 22, (va >> 12) & 0x3FF, va & 0xFFF
        out = gdb.write
        out("pt-walk 0x%08x: PDX %d (0x%03x), PTX %d (0x%03x), offset 0x%03x\n"
            % (va, pdx, pdx, ptx, ptx, off))

        cr0 = register("cr0")
        if cr0 is not None and not cr0 & CR0_PG:
            out("  paging is off (CR0.PG = 0): the address is physical\n")
            gdb.set_convenience_variable("pt_pa", va)
            return
        cr3, source = read_cr3()
        pd = cr3 & ~0xFFF
        out("  CR3  0x%08x  from %s: page directory at physical 0x%08x\n" % (cr3, source, pd))

        pde_addr = pd + 4 * pdx
        pde = read_phys_words(pde_addr, 1)[0]
        out("  PDE  0x%08x  read from physical 0x%08x  [%s]\n"
            % (pde, pde_addr, decode_flags(pde, "PDE")))
        if not pde & PTE_P:
            out("  stop: PDE not present, no page table covers 0x%08x-0x%08x; "
                "an access would page-fault\n" % (pdx << 22, (pdx << 22) + (4 << 20) - 1))
            return
        cr4 = register("cr4")
        if pde & PTE_PS and (cr4 is None or cr4 & CR4_PSE):
            pa = (pde & 0xFFC00000) | (va & 0x3FFFFF)
            out("  PDE maps a 4 MiB page directly (PS): no page table level\n")
            self.done(va, pa, pde)
            return

        pt = pde & ~0xFFF
        pte_addr = pt + 4 * ptx
        pte = read_phys_words(pte_addr, 1)[0]
        out("  PTE  0x%08x  read from physical 0x%08x  [%s]  (page table at 0x%08x)\n"
            % (pte, pte_addr, decode_flags(pte, "PTE"), pt))
        if not pte & PTE_P:
            if pte == 0:
                out("  stop: PTE not present (zero): the page was never mapped, or was "
                    "released; an access would page-fault\n")
            else:
                if pte & PTE_SWAPPED:
                    out("  stop: PTE is a swap entry (0x%08x): the page is swapped out to "
                        "slot %d (disk sectors %d-%d); an access faults and the pager reads "
                        "it back (mm/swap.h)\n" % (pte, pte >> 12, (pte >> 12) * 8,
                                                   (pte >> 12) * 8 + 7))
                else:
                    out("  stop: PTE not present but non-zero (0x%08x), and not a swap entry "
                        "(PTE_SWAPPED clear): the kernel never writes such an entry\n" % pte)
            return
        self.done(va, (pte & ~0xFFF) | off, pde & pte)

    @staticmethod
    def done(va, pa, both):
        """Print the result; BOTH is PDE & PTE, whose W and U bits are the
        access the MMU actually grants."""
        gdb.write("  => 0x%08x is physical 0x%08x  (frame 0x%05x, %s; in $pt_pa)\n"
                  % (va, pa, pa >> 12, access(both)))
        gdb.set_convenience_variable("pt_pa", pa)


# ---------------------------------------------------------------- pt-dump

def present_pages(include_recursive):
    """Read the paging structures from physical memory: returns CR3, the
    1024 PDEs, and {PDX: its 1024 PTEs} for every present page table
    (the recursive slot's only if INCLUDE_RECURSIVE)."""
    cr3, _ = read_cr3()
    with physical_memory():
        pdes = read_words(cr3 & ~0xFFF, 1024)
        tables = {}
        for i, pde in enumerate(pdes):
            if pde & PTE_P and not pde & PTE_PS and (i != RECURSIVE_SLOT or include_recursive):
                tables[i] = read_words(pde & ~0xFFF, 1024)
    return cr3, pdes, tables


class PtDump(VmlabCommand):
    """List every present mapping: pt-dump [all] [FROM [TO]]

Walks the page directory and page tables in physical memory (from CR3)
and prints one line per run of pages that are contiguous both virtually
and physically and have the same flags:

  virtual range -> physical range, pages, PTE flags, access (as `info mem`)

In the flags, A or D means every page of the run has been accessed or
written; a or d means only some have.  Access combines the PDE and PTE
(u = user, r = readable, w = writable), as QEMU's `monitor info mem` does.

PDE 1023 (0xffc00000-0xffffffff) is skipped unless `all` is given: it is
the recursive slot, which maps the page directory and page tables
themselves, not data.  FROM and TO (expressions) limit the listing to
that virtual range."""

    cmd = "pt-dump"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_DATA)

    def run(self, args):
        include_all = bool(args) and args[0] == "all"
        if include_all:
            args = args[1:]
        if len(args) > 2:
            raise gdb.GdbError("usage: pt-dump [all] [FROM [TO]]")
        lo = expression(args[0]) if args else 0
        hi = expression(args[1]) if len(args) > 1 else 0xFFFFFFFF

        cr0 = register("cr0")
        if cr0 is not None and not cr0 & CR0_PG:
            raise gdb.GdbError("pt-dump: paging is off (CR0.PG = 0): nothing is mapped yet")
        cr3, pdes, tables = present_pages(include_all)
        gdb.write("pt-dump: page directory at physical 0x%08x (CR3)\n" % (cr3 & ~0xFFF))
        gdb.write("  %-21s    %-21s %6s  %-14s %s\n"
                  % ("virtual", "physical", "pages", "flags", "access"))

        runs, swapped = [], 0
        for va, pa, flags, eff in self.pages(pdes, tables):
            if va < lo or va > hi:
                continue
            if flags is None:
                swapped += 1
                continue
            r = runs[-1] if runs else None
            key = (flags & ~(PTE_A | PTE_D), eff)
            if r and r["va"] + r["n"] * PAGE == va and r["pa"] + r["n"] * PAGE == pa \
                    and r["key"] == key:
                r["n"] += 1
            else:
                r = {"va": va, "pa": pa, "n": 1, "key": key, "a": 0, "d": 0}
                runs.append(r)
            r["a"] += bool(flags & PTE_A)
            r["d"] += bool(flags & PTE_D)

        for r in runs:
            gdb.write("  0x%08x-0x%08x -> 0x%08x-0x%08x %6d  %-14s %s\n"
                      % (r["va"], r["va"] + r["n"] * PAGE - 1, r["pa"],
                         r["pa"] + r["n"] * PAGE - 1, r["n"], self.flags(r), access(r["key"][1])))
        gdb.write("  %s, %s present\n" % (plural(len(runs), "run"),
                                            plural(sum(r["n"] for r in runs), "page")))
        if swapped:
            gdb.write("  %d non-present PTEs hold swap entries (not listed)\n" % swapped)
        if not include_all and pdes[RECURSIVE_SLOT] & PTE_P:
            gdb.write("  skipped PDE 1023 (0xffc00000-0xffffffff): the recursive slot, which "
                      "maps the page tables themselves; `pt-dump all` lists it\n")

    @staticmethod
    def pages(pdes, tables):
        """(va, pa, pte flags, effective W/U bits) per present page, in
        address order; flags None for a non-present, non-zero PTE."""
        for i, pde in enumerate(pdes):
            if not pde & PTE_P:
                continue
            if pde & PTE_PS:                        # a 4 MiB page (never in vmlab)
                for k in range(1024):
                    yield (i << 22) + k * PAGE, (pde & 0xFFC00000) + k * PAGE, \
                        pde & 0x1FF, pde & (PTE_W | PTE_U)
                continue
            for k, pte in enumerate(tables.get(i, ())):
                va = (i << 22) | (k << 12)
                if pte & PTE_P:
                    yield va, pte & ~0xFFF, pte & 0x1FF, pde & pte & (PTE_W | PTE_U)
                elif pte:
                    yield va, 0, None, 0

    @staticmethod
    def flags(r):
        text = decode_flags(r["key"][0]).split()
        for bit, count in (("A", r["a"]), ("D", r["d"])):
            if count == r["n"]:
                text.append(bit)
            elif count:
                text.append(bit.lower())
        return " ".join(text)


# ---------------------------------------------------------------- frames

class Frames(VmlabCommand):
    """Show every frame pool and which frames it has handed out: frames [MAX]

For each pool in the kernel's list (`pools` in mm/frame_pool.c): its name,
its frames and the counters nfree / nused / ninacc; then its bitmap
(2 bits a frame: free, head of a sequence, inside one, inaccessible)
decoded into runs of allocated and of inaccessible frames, with frame
numbers and physical addresses.  A run of allocated frames may hold
several sequences (each get_frames call is one).  If the bitmap and the
counters disagree, that is printed too.  At most MAX runs per pool
(default 40)."""

    cmd = "frames"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_DATA)

    def run(self, args):
        limit = self.cap(args, 40)
        seen = 0
        for pool in walk_list(static_variable("pools", "frame_pool.c"), "frames", 64):
            seen += 1
            self.show(pool, limit)
        if not seen:
            gdb.write("frames: no frame pools yet (physmem_init has not run)\n")

    def show(self, pool, limit):
        name, base, n = c_string(pool["name"]), int(pool["base"]), int(pool["nframes"])
        bitmap = int(pool["bitmap"])
        gdb.write("%s pool: frames 0x%05x-0x%05x (%d frames, physical 0x%08x-0x%08x), "
                  "bitmap at 0x%08x\n" % (name, base, base + n - 1, n, base * PAGE,
                                          (base + n) * PAGE - 1, bitmap))
        counters = (int(pool["nfree"]), int(pool["nused"]), int(pool["ninacc"]))
        gdb.write("  counters: %d free, %d used, %d inaccessible\n" % counters)
        states = frame_states(pool, "frames")

        # Runs: consecutive allocated (HEAD/USED) or inaccessible frames.
        runs, i = [], 0
        while i < n:
            s = states[i]
            if s == FRAME_FREE:
                i += 1
                continue
            kind = "inaccessible" if s == FRAME_INACC else "allocated"
            j, heads = i, 0
            while j < n and (states[j] == FRAME_INACC) == (kind == "inaccessible") \
                    and states[j] != FRAME_FREE:
                heads += states[j] == FRAME_HEAD
                j += 1
            note = ""
            if kind == "allocated":
                note = " (%d sequence%s)" % (heads, "" if heads == 1 else "s")
                if s == FRAME_USED:
                    note += "  BROKEN: starts with a USED frame, no HEAD"
            runs.append("  0x%05x-0x%05x %6d frame%s %-12s  physical 0x%08x-0x%08x%s"
                        % (base + i, base + j - 1, j - i, " " if j - i == 1 else "s", kind,
                           (base + i) * PAGE, (base + j) * PAGE - 1, note))
            i = j
        for line in runs[:limit]:
            gdb.write(line + "\n")
        if len(runs) > limit:
            gdb.write("  ... %s more (frames MAX shows more)\n" % plural(len(runs) - limit, "run"))
        if not runs:
            gdb.write("  every frame is free\n")

        free = states.count(FRAME_FREE)
        inacc = states.count(FRAME_INACC)
        if (free, n - free - inacc, inacc) != counters:
            gdb.write("  MISMATCH: the bitmap says %d free, %d used, %d inaccessible\n"
                      % (free, n - free - inacc, inacc))


# ---------------------------------------------------------------- vmpools

class VmPools(VmlabCommand):
    """Show every registered VMPool and its regions: vmpools [MAX]

For each pool in the fault handler's list (`pools` in mm/vmpool.c): name,
virtual range, where its bookkeeping (the region map's node array) ends,
the frame pool it draws from, and its allocated / free region counts;
then its regions in address order (an in-order walk of the region map's
treap, mm/region.h), each allocated or free with its size.  Whether a
page of a region has a frame yet is pt-walk's business.  At most MAX
regions per pool (default 40)."""

    cmd = "vmpools"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_DATA)

    def run(self, args):
        limit = self.cap(args, 40)
        seen = 0
        for pool in registered_vmpools("vmpools"):
            seen += 1
            self.show(pool, limit)
        if not seen:
            gdb.write("vmpools: no VMPool is registered\n")

    def show(self, pool, limit):
        name, base, size = c_string(pool["name"]), int(pool["base"]), int(pool["size"])
        meta_end = int(pool["meta_end"])
        m = pool["map"]
        nalloc, nfree = int(m["nalloc"]), int(m["nfree"])
        gdb.write("vmpool %s: 0x%08x-0x%08x (%d KiB), table to 0x%08x, %d allocated / %d free "
                  "regions\n" % (name, base, base + size - 1, size // 1024, meta_end,
                                 nalloc, nfree))
        gdb.write("  frames from the process pool, PTE flags [%s], %d allocs, %d releases\n"
                  % (decode_flags(int(pool["pte_flags"])), int(pool["nallocs"]),
                     int(pool["nreleases"])))
        gdb.write("    0x%08x-0x%08x %6d pages bookkeeping (region map nodes)\n"
                  % (base, meta_end - 1, (meta_end - base) // PAGE))

        shown, expect = 0, meta_end // PAGE
        for start, npages, free, _ in region_nodes(m, "vmpools"):
            if start != expect:
                gdb.write("    BROKEN: a region starts at page 0x%x, the previous one "
                          "ended at 0x%x\n" % (start, expect))
            expect = start + npages
            if shown < limit:
                gdb.write("    0x%08x-0x%08x %6d pages %s\n"
                          % (start * PAGE, (start + npages) * PAGE - 1, npages,
                             "free" if free else "allocated"))
            shown += 1
        if shown > limit:
            gdb.write("    ... %s more (vmpools MAX shows more)\n"
                      % plural(shown - limit, "region"))


PtWalk()
PtDump()
Frames()
VmPools()
vmlab_memview.MemView()
vmlab_traps.install()
vmlab_breakfault.BreakFault()
