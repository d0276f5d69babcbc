"""tools/gdb/vmlab_common.py - what every vmlab gdb command shares.

Imported by tools/gdb/vmlab.py (the paging, frame pool and VMPool
commands), tools/gdb/vmlab_traps.py (the trap-frame unwinder and
`trapframe`), tools/gdb/vmlab_breakfault.py (`break-fault`) and
tools/gdb/vmlab_memview.py (`memview`); it registers nothing itself.  It
holds:

  reading the target   read_words, register ($cr2, $cr3 ...), static_variable,
                       c_string, expression; physical_memory and
                       read_phys_words (reads by physical address)
  kernel structures    walk_list, registered_vmpools over mm/vmpool.c's list,
                       region_nodes (a region map's treap in address order),
                       frame_states (a frame pool's bitmap)
  commands             VmlabCommand: require a connected target, turn every
                       failure into one clear line (never a Python traceback)
"""
import os
import struct
import traceback

import gdb


PAGE = 4096
PTE_P = 0x001               # mm/mmu.h
PTE_SWAPPED = 0x200         # mm/pte.h: a non-present entry holding a swap slot
FRAME_FREE, FRAME_USED, FRAME_HEAD, FRAME_INACC = 0, 1, 2, 3    # mm/frame_pool.h


def plural(n, word):
    """ "1 page", "2 pages"."""
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


# ---------------------------------------------------------------- reading the target

def read_words(addr, count):
    """COUNT little-endian 32-bit words at ADDR (in the current mode)."""
    mem = gdb.selected_inferior().read_memory(addr, 4 * count)
    return struct.unpack("<%dI" % count, bytes(mem))


def register(name):
    """The value of control register NAME ("cr3"), or None if the stub
    does not report it."""
    try:
        v = gdb.parse_and_eval("$" + name)
        if v.type.code == gdb.TYPE_CODE_VOID:       # gdb's "no such register"
            return None
        return int(v) & 0xFFFFFFFF
    except gdb.error:
        return None


def static_variable(name, filename):
    """The value of the file-scope variable NAME defined in FILENAME (two
    files may each have a static of the same name, e.g. `pools`)."""
    try:
        for sym in gdb.lookup_static_symbols(name):
            if sym.symtab.filename.endswith(filename):
                return sym.value()
    except AttributeError:                          # gdb older than 10
        pass
    try:
        return gdb.parse_and_eval("'%s'::%s" % (filename, name))
    except gdb.error:
        raise gdb.GdbError("no variable %s in %s: is build/kernel.elf the kernel QEMU runs?"
                           % (name, filename))


def c_string(value, limit=32):
    """The C string VALUE points to, or a placeholder if unreadable."""
    try:
        return value.string(length=-1)[:limit] if int(value) else "(null)"
    except (gdb.error, gdb.MemoryError, UnicodeDecodeError):
        return "(unreadable name at 0x%x)" % int(value)


def expression(text):
    """Evaluate a gdb expression (a number, `va`, `&x`, `$pt_pa`) as a 32-bit address."""
    try:
        return int(gdb.parse_and_eval(text)) & 0xFFFFFFFF
    except gdb.error as e:
        raise gdb.GdbError("cannot evaluate '%s': %s" % (text, e))


# Physical reads.  QEMU's gdb stub has a switch, the packet
# Qqemu.PhyMemMode:1 (QEMU 4.1 and later); while it is on, every memory
# read gdb makes is physical.  physical_memory always switches it back
# off, because with it on, every other gdb command (`x`, `print`,
# backtraces) would silently read the wrong memory.

class physical_memory:
    """`with physical_memory():` makes gdb's memory reads physical, and
    restores virtual reads on the way out, also after an error."""

    def __enter__(self):
        _phy_mem_mode(1)
        return self

    def __exit__(self, *exc):
        _phy_mem_mode(0)
        return False


def _phy_mem_mode(on):
    """Send Qqemu.PhyMemMode:ON to QEMU's gdb stub; GdbError if refused."""
    out = gdb.execute("maint packet Qqemu.PhyMemMode:%d" % on, to_string=True)
    if '"OK"' not in out:
        raise gdb.GdbError("the gdb stub refused Qqemu.PhyMemMode:%d (answer: %s); physical "
                           "memory reads need QEMU 4.1 or later" % (on, out.strip()))
    # Drop anything gdb cached under the other mode.
    try:
        gdb.execute("maint flush dcache", to_string=True)
    except gdb.error:
        pass


def read_phys_words(addr, count):
    """COUNT 32-bit words at PHYSICAL address ADDR."""
    with physical_memory():
        return read_words(addr, count)



# ---------------------------------------------------------------- kernel structures

def walk_list(head, what, limit):
    """Yield each struct of the kernel list starting at pointer HEAD and
    linked through `next`; more than LIMIT entries means a cycle."""
    p, seen = head, 0
    while int(p):
        seen += 1
        if seen > limit:
            raise gdb.GdbError("%s: the pool list does not end (a cycle?)" % what)
        yield p.dereference()
        p = p.dereference()["next"]


def region_nodes(m, what):
    """(start page, npages, free, attr) of every node of region map M
    (struct region_map, mm/region.h) in address order: an in-order walk
    of the treap with an explicit stack, refusing to loop on a corrupt
    tree.  WHAT names the command in errors."""
    nodes, top = m["node"], int(m["top"])
    stack, t, visited = [], int(m["root"]), set()
    while stack or t:
        while t:                                # go left as far as possible
            if t in visited or t >= top:
                raise gdb.GdbError("%s: region map corrupt at node %d (top %d)" % (what, t, top))
            visited.add(t)
            stack.append(t)
            t = int(nodes[t]["left"])
        t = stack.pop()
        node = nodes[t]
        yield int(node["start"]), int(node["npages"]), int(node["free"]), int(node["attr"])
        t = int(node["right"])


def frame_states(pool, what):
    """The state (FRAME_FREE ...) of every frame of frame pool POOL (a
    struct frame_pool value), decoded from its bitmap: 2 bits a frame,
    16 frames a word.  WHAT names the command in errors."""
    n = int(pool["nframes"])
    if n > (1 << 20):
        raise gdb.GdbError("%s: pool %s claims %d frames, more than 4 GiB holds"
                           % (what, c_string(pool["name"]), n))
    words = read_words(int(pool["bitmap"]), (n + 15) // 16)
    return [(words[i >> 4] >> (2 * (i & 15))) & 3 for i in range(n)]


def registered_vmpools(what):
    """Yield each VMPool on the page-fault handler's list (`pools` in
    mm/vmpool.c), as a struct vmpool value; WHAT names the command in
    errors."""
    return walk_list(static_variable("pools", "vmpool.c"), what, 256)


# ---------------------------------------------------------------- commands

def require_target():
    if gdb.selected_inferior().pid == 0:
        raise gdb.GdbError("not connected to QEMU: start `make debug`, then `make gdb` "
                           "(or `target remote localhost:PORT`)")


class VmlabCommand(gdb.Command):
    """Common error handling: every failure becomes one GdbError line.
    A subclass sets `cmd` (its name) and defines run(argv)."""

    def invoke(self, arg, from_tty):
        require_target()
        try:
            self.run(gdb.string_to_argv(arg))
        except gdb.GdbError:
            raise
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: cannot read memory: %s" % (self.cmd, e))
        except gdb.error as e:
            raise gdb.GdbError("%s: %s" % (self.cmd, e))
        except KeyboardInterrupt:
            raise gdb.GdbError("%s: interrupted" % self.cmd)
        except Exception as e:                      # a bug in tools/gdb: say where, briefly
            raise gdb.GdbError("%s: internal error at %s: %s: %s"
                               % (self.cmd, where(e), type(e).__name__, e))

    def cap(self, args, default):
        """The optional line limit argument (a positive number)."""
        if not args:
            return default
        try:
            n = int(args[0], 0)
        except ValueError:
            n = 0
        if n <= 0:
            raise gdb.GdbError("usage: %s [MAX-LINES]  (got '%s')" % (self.cmd, args[0]))
        return n


def where(exc):
    """ "tools/gdb/vmlab_traps.py:123": the innermost line of our own files
    in EXC's traceback (not gdb's library, whose line says less)."""
    here = os.path.dirname(os.path.abspath(__file__))
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if os.path.dirname(os.path.abspath(f.filename)) == here]
    last = (ours or frames)[-1]
    return "tools/gdb/%s:%d" % (os.path.basename(last.filename), last.lineno)
