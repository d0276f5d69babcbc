"""tools/gdb/vmlab_memview.py - memview: who holds every frame, what every page of a process is.

The gdb twin of mm/memview.c, registered by tools/gdb/vmlab.py.  It
prints the same maps, character for character (tools/gdb/check.py
compares the two at one moment):

  memview             the physical map: one character per frame of the
                      process pool (or per group of frames, at most 32
                      lines of 64), its legend and totals; then the
                      processes there are, to choose one
  memview PID         the same, then the virtual map of process PID: each
                      region of its program image, heap, mappings and
                      stack, one character per page (or group)

It calls nothing in the guest, so it works wherever the kernel stopped,
in the middle of a fault or a panic: everything is read from memory.

  frame states   the process pool's bitmap (`process_pool`, mm/physmem.h)
  frame table    frame_count entries of struct frame (mm/frame.h) from
                 FRAMETAB_BASE, a kernel-half address mapped in every
                 space; the layout (size, field offsets) comes from the
                 debug information, so only the field names matter
  processes      the list `procs` of kernel/proc.c: pid, name, space, memory
  regions        the three VMPools of the process's struct uvm (mm/uvm.h),
                 their region maps walked in address order
  page tables    the process's own, from the frame of its page directory
                 (struct aspace's pd), read in physical memory: the
                 recursive window shows only the space CR3 holds, and a
                 process chosen here is usually not that one

Each frame's kind follows frame_kind in mm/memview.c: free and hole from
the bitmap; then by the frame table's use: page table, kernel, kernel
VMPool page, or a process's page, which is shared memory if it belongs
to an object, copy-on-write shared if more than one PTE maps it, else
that process's own (its pid, from the space of its first mapping).
"""
import struct

import gdb

from vmlab_common import (FRAME_FREE, FRAME_INACC, PAGE, PTE_P, PTE_SWAPPED, VmlabCommand,
                          expression, frame_states, physical_memory, read_words, region_nodes,
                          static_variable, walk_list)

FRAMETAB_BASE = 0xE0000000      # mm/memlayout.h
PTE_COW = 0x400                 # mm/pte.h
PTE_TRANS = 0x800               # mm/pte.h: in transition (trimmed, still in its frame)
FRAME_USE_PT, FRAME_USE_KERNEL, FRAME_USE_POOL, FRAME_USE_USER = 1, 2, 3, 4   # mm/frame.h
FS_ZEROED = 1                   # mm/frame.h: on the paging daemon's zeroed list
RGN_W, RGN_SHARED, RGN_STACK, RGN_FLAGS = 0x1, 0x2, 0x4, 0xF                # mm/vmobj.h
VMOBJ_IMAGE = 1
COLS, MAX_LINES = 64, 32        # as mm/memview.c draws the maps

# The kinds, in mm/memview.c's order of interest: a group of frames shows
# the lowest it holds.
K_SHARED, K_COW, K_USER, K_PT, K_KERNEL, K_POOL, K_OTHER, K_ZEROED, K_HOLE, K_FREE = range(10)
KIND_CHAR = "SC?TKkoz#."
PID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
RANK = "cSrts."                  # a group of pages shows the first of these it has


def processes():
    """[(pid, name, struct aspace * as an int, struct uvm * value)] of every
    process that still has a space (not a zombie), in list order."""
    out = []
    for p in walk_list(static_variable("procs", "proc.c"), "memview", 4096):
        if int(p["as"]):
            out.append((int(p["pid"]), p["name"].string(length=-1), int(p["as"]), p["vm"]))
    return out


def frame_entries(first, frames, wanted):
    """{frame: (maps, use, as, objpage, state)} read from the frame table for every
    frame number in WANTED; FIRST is frame_first and FRAMES frame_count.
    Only the table pages that hold a wanted entry are read, in runs."""
    t = gdb.lookup_type("struct frame")
    size = t.sizeof
    fmt = {1: "B", 2: "H", 4: "I"}
    fields = {}
    state = None
    for f in t.fields():
        if f.name in ("maps", "use", "as", "objpage"):
            fields[f.name] = (f.bitpos // 8, "<" + fmt[f.type.sizeof])
        elif f.name == "state":                 # a bit-field: byte, shift, mask
            state = (f.bitpos // 8, f.bitpos % 8, (1 << f.bitsize) - 1)
    if len(fields) != 4 or state is None:
        raise gdb.GdbError("memview: struct frame (mm/frame.h) lacks maps, use, as, objpage "
                           "or state")
    pages = sorted({(f - first) * size // PAGE for f in wanted})
    raw = {}
    i = 0
    while i < len(pages):                       # read runs of consecutive table pages
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        mem = gdb.selected_inferior().read_memory(FRAMETAB_BASE + pages[i] * PAGE,
                                                  (j - i + 1) * PAGE)
        raw[pages[i]] = (pages[i], bytes(mem))
        for k in range(i + 1, j + 1):
            raw[pages[k]] = raw[pages[i]]
        i = j + 1
    out = {}
    for f in wanted:
        if not first <= f < first + frames:
            raise gdb.GdbError("memview: frame 0x%x is in use but outside the frame table "
                               "(frames 0x%x-0x%x)" % (f, first, first + frames - 1))
        off = (f - first) * size
        start, data = raw[off // PAGE]
        at = off - start * PAGE
        out[f] = tuple(struct.unpack_from(fields[n][1], data, at + fields[n][0])[0]
                       for n in ("maps", "use", "as", "objpage")) + \
            ((data[at + state[0]] >> state[1]) & state[2],)
    return out


def frame_kinds():
    """(pool, [(kind, pid)] for every frame of the process pool)."""
    pool = gdb.parse_and_eval("process_pool")
    base = int(pool["base"])
    states = frame_states(pool, "memview")
    first, count = int(gdb.parse_and_eval("frame_first")), int(gdb.parse_and_eval("frame_count"))
    if not count:
        raise gdb.GdbError("memview: the frame table is not up yet (frame_table_init has "
                           "not run)")
    used = [base + i for i, s in enumerate(states) if s not in (FRAME_FREE, FRAME_INACC)]
    entries = frame_entries(first, count, used)
    pid_of = {a: pid for pid, _, a, _ in processes()}
    kinds = []
    for i, s in enumerate(states):
        if s == FRAME_FREE:
            kinds.append((K_FREE, 0))
            continue
        if s == FRAME_INACC:
            kinds.append((K_HOLE, 0))
            continue
        maps, use, space, obj, fstate = entries[base + i]
        if fstate == FS_ZEROED:
            kinds.append((K_ZEROED, 0))
        elif use == FRAME_USE_PT:
            kinds.append((K_PT, 0))
        elif use == FRAME_USE_KERNEL:
            kinds.append((K_KERNEL, 0))
        elif use == FRAME_USE_POOL:
            kinds.append((K_POOL, 0))
        elif use == FRAME_USE_USER:
            if obj:
                kinds.append((K_SHARED, 0))
            elif maps > 1:
                kinds.append((K_COW, 0))
            else:
                kinds.append((K_USER, pid_of.get(space, 0) if maps else 0))
        else:
            kinds.append((K_OTHER, 0))
    return pool, kinds


def kind_char(kind, pid):
    return PID_CHARS[pid % 36] if kind == K_USER else KIND_CHAR[kind]


def print_phys():
    """The physical map, its legend and totals, as mm/memview.c's print_phys."""
    pool, kinds = frame_kinds()
    base, n = int(pool["base"]), int(pool["nframes"])
    group = (n + COLS * MAX_LINES - 1) // (COLS * MAX_LINES)
    out = gdb.write
    out("memview: physical memory 0x%08x-0x%08x, 1 character = %u frame%s (%u KiB):\n"
        % (base * PAGE, (base + n) * PAGE - 1, group, "" if group == 1 else "s", group * 4))
    for i in range(0, n, group * COLS):
        line = []
        for g in range(i, min(n, i + group * COLS), group):
            best = min(kinds[g:min(g + group, n)], key=lambda kp: kp[0])   # the first lowest
            line.append(kind_char(*best))
        out("  %08x %s\n" % ((base + i) * PAGE, "".join(line)))
    counts = [0] * 10
    for k, _ in kinds:
        counts[k] += 1
    out("  legend: . free  # hole  K kernel  T page table  k kernel VMPool page  o other  "
        "z zeroed (ready)\n"
        "          1-9a-z a process's page (pid)  C copy-on-write shared  S shared memory\n")
    out("  totals: %u free, %u hole, %u kernel, %u page tables, %u kernel-pool, %u other, "
        "%u zeroed, %u process, %u copy-on-write shared, %u shared\n"
        % (counts[K_FREE], counts[K_HOLE], counts[K_KERNEL], counts[K_PT], counts[K_POOL],
           counts[K_OTHER], counts[K_ZEROED], counts[K_USER], counts[K_COW], counts[K_SHARED]))


class PageTables:
    """A space's PTEs, read in physical memory from the frame PD of its
    page directory, one page table at a time as they are asked for."""

    def __init__(self, pd):
        self.pd, self.pdes, self.tables = pd, None, {}

    def pte(self, va):
        """VA's PTE, or 0 if no page table covers it."""
        pdx = va >> 22
        if pdx not in self.tables:
            with physical_memory():
                if self.pdes is None:
                    self.pdes = read_words(self.pd * PAGE, 1024)
                pde = self.pdes[pdx]
                self.tables[pdx] = read_words(pde & ~0xFFF, 1024) if pde & PTE_P else None
        table = self.tables[pdx]
        return table[(va >> 12) & 0x3FF] if table else 0


def page_char(pte, attr, totals):
    """The virtual map's character for a page with PTE in a region with
    attributes ATTR, counted in TOTALS (as mm/memview.c's page_char)."""
    if pte & PTE_P:
        c = "S" if attr & RGN_SHARED else ("c" if pte & PTE_COW else "r")
    elif pte & PTE_TRANS:
        c = "t"
    elif pte & PTE_SWAPPED:
        c = "s"
    else:
        return "."
    totals[c] += 1
    return c


def print_virt(pid):
    """Process PID's virtual map, as mm/memview.c's print_virt."""
    found = [p for p in processes() if p[0] == pid]
    if not found or not int(found[0][3]):
        gdb.write("memview: no process %d\n" % pid)
        return
    _, name, space, vm = found[0]
    tables = PageTables(int(gdb.Value(space).cast(gdb.lookup_type("struct aspace").pointer())
                            .dereference()["pd"]))
    gdb.write("memview: pid %d '%s', virtual memory (its regions, 1 character a page):\n"
              % (pid, name))
    totals = {"r": 0, "c": 0, "S": 0, "t": 0, "s": 0}
    vm = vm.dereference()
    for label in ("image", "mmap", "stack"):
        for start, npages, free, attr in region_nodes(vm[label]["map"], "memview"):
            if free:
                continue
            va = start * PAGE
            obj = attr & ~RGN_FLAGS
            kind = ""
            if obj:
                o = gdb.Value(obj).cast(gdb.lookup_type("struct vmobj").pointer()).dereference()
                kind = " image" if int(o["kind"]) == VMOBJ_IMAGE else " shared"
            group = (npages + COLS - 1) // COLS
            line = "  %-5s %08x-%08x %5u pages %s%s%s: " % (
                label, va, va + npages * PAGE - 1, npages, "rw" if attr & RGN_W else "r-",
                " stack" if attr & RGN_STACK else "", kind)
            if group > 1:
                line += "(1 char = %u pages) " % group
            for i in range(0, npages, group):
                chars = [page_char(tables.pte(va + k * PAGE), attr, totals)
                         for k in range(i, min(i + group, npages))]
                line += min(chars, key=RANK.index)
            gdb.write(line + "\n")
    gdb.write("  legend: r resident  c copy-on-write  S shared  t trimmed (on a list: a soft fault "
              "brings it back)  s swapped  . not yet touched\n")
    gdb.write("  totals: %u resident, %u copy-on-write, %u shared, %u trimmed, %u swapped\n"
              % (totals["r"], totals["c"], totals["S"], totals["t"], totals["s"]))


class MemView(VmlabCommand):
    """Show who holds every frame, and what every page of a process is: memview [PID]

The physical map: one character per frame of the process frame pool (or
per group of frames, so that it fits 32 lines of 64):
  . free  # hole (not RAM)  K kernel  T page table  k page of a kernel VMPool
  o other (taken, not mapped)  z zeroed by the paging daemon, ready for a fault
  1-9a-z a process's own page (its pid, modulo 36)
  C copy-on-write, shared by processes  S shared memory
A group shows the most interesting of its frames (S C process T K k o z # .).
Then a legend, totals, and the processes there are.

With PID (any expression), also that process's virtual map: each region
of its image, heap, mappings and stack, one character per page (or group):
  r resident  c copy-on-write  S shared  t trimmed  s swapped  . not yet touched

The same maps as mm/memview.c prints (memview=fork,exit on the kernel
command line, or the memview system call), read from the frame table,
the frame pool's bitmap, the process list and the page tables, without
calling into the kernel."""

    cmd = "memview"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_DATA)

    def run(self, args):
        if len(args) > 1:
            raise gdb.GdbError("usage: memview [PID]   (e.g. memview, memview 2, memview p->pid)")
        pid = expression(args[0]) if args else None
        print_phys()
        if pid is not None:
            print_virt(pid if pid < 1 << 31 else pid - (1 << 32))
            return
        procs = sorted(processes(), key=lambda p: p[0])
        gdb.write("memview: processes: %s%s\n"
                  % (", ".join("%d '%s'" % (p, n) for p, n, _, _ in procs) or "none",
                     "; `memview PID` adds one's virtual map" if procs else ""))
