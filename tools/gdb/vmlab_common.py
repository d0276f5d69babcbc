"""tools/gdb/vmlab_common.py - what every vmlab gdb command shares.

Imported by tools/gdb/vmlab.py (the paging, frame pool and VMPool
commands) and tools/gdb/vmlab_traps.py (the trap-frame unwinder,
`trapframe` and `break-fault`); it registers nothing itself.  It holds:

  reading the target   read_words, register ($cr2, $cr3 ...), static_variable,
                       c_string, expression
  kernel lists         walk_list, and registered_vmpools over mm/vmpool.c's list
  commands             VmlabCommand: require a connected target, turn every
                       failure into one clear line (never a Python traceback)
"""
import os
import struct
import traceback

import gdb


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


# ---------------------------------------------------------------- kernel lists

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
