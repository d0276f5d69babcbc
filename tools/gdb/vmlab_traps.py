"""tools/gdb/vmlab_traps.py - gdb sees through vmlab's traps.

Registered by tools/gdb/vmlab.py (install() below):

  an unwinder         `bt` inside a trap handler continues past boot/trap.asm
                      into the interrupted code, and past the double-fault task
                      into the code that double-faulted
  a frame filter      marks those frames in `bt`: trap_common [trap entry: ...]

The trap entry in boot/trap.asm is NASM code with no unwind information,
so gdb cannot tell where its caller is: it guesses, and `bt` shows junk
after trap_common and never the function that trapped.  But we know
exactly what is on the stack there.  trap_common builds a struct
trapframe (kernel/trap.h) and calls trap(tf): when gdb asks for the
caller of the frame whose pc is the return address of that call, the
argument tf is the word at that frame's ESP, and the trap frame holds
every register of the interrupted code:

    higher addresses
    ss, esp          only from ring 3: the user's stack
    eflags, cs, eip  the interrupted instruction  -> caller's eip
    err, vector                                      (a ring-0 trap does not
    ds es fs gs      -> caller's segments             switch stacks: the
    eax ... edi      pusha -> caller's registers      caller's esp is &tf->esp)
    tf               <- ESP of the trap_common frame, at the return of `call trap`

The double-fault task (kernel/dfault.c) is the same idea with a TSS: the
CPU saved the interrupted registers in main_tss and switched to df_task,
which calls double_fault().  (After double_fault has redirected a
thread that overflowed its stack, main_tss shows where it will resume.)

gdb asks the unwinder about every frame; it answers only for these pcs
and leaves all other frames to gdb's own DWARF unwinder.
"""
import gdb
import gdb.unwinder
from gdb.FrameDecorator import FrameDecorator

from vmlab_common import read_words, static_variable

# Registers the unwinder restores, as gdb names them; each is a field of
# the same name in struct trapframe (kernel/trap.h) and in struct tss
# (kernel/dfault.c).  esp and ss are special in a trap frame (see above).
RESTORED = ("eip", "eflags", "cs", "eax", "ecx", "edx", "ebx", "ebp", "esi", "edi",
            "ds", "es", "fs", "gs")


def from_user(cs):
    """Did the trap interrupt ring 3?  (Then the CPU pushed esp and ss.)"""
    return cs & 3 == 3


# ---------------------------------------------------------------- where the entry code is

class TrapEntries:
    """Where boot/trap.asm's entry code is in this kernel image, looked up
    the first time the unwinder needs it, and again after gdb loads
    another image.  kind(PC) says what the frame at PC is:

      "trap"     the return of trap_common's `call trap`: *ESP is the trap frame
      "return"   trap_return, the iret path (a new thread starts here): ESP is
      "double"   the return of df_task's `call double_fault`: main_tss holds
                 the interrupted registers
      None       anything else (gdb's own unwinders deal with it)

    The lookups use no frame (they run while gdb is building frames)."""

    def __init__(self):
        self.table = None

    def reset(self, *event):
        self.table = None

    def kind(self, pc, arch):
        if self.table is None:
            try:
                self.table = self._lookup(arch)
            except (gdb.error, gdb.MemoryError, IndexError):
                self.table = {}         # not a vmlab kernel (or none loaded yet)
        return self.table.get(pc, (None, 0))[0]

    def entry(self, pc):
        """The address of the entry code PC is in (trap_common, df_task)."""
        return self.table.get(pc, (None, 0))[1]

    def _lookup(self, arch):
        common, ret = address_of("trap_common"), address_of("trap_return")
        table = {ret: ("return", common)}
        calls = [i for i in arch.disassemble(common, ret - 1) if i["asm"].startswith("call")]
        if calls:
            table[calls[-1]["addr"] + calls[-1]["length"]] = ("trap", common)
        try:
            df = address_of("df_task")
        except gdb.error:
            return table                # an older kernel: no double-fault task
        calls = [i for i in arch.disassemble(df, count=4) if i["asm"].startswith("call")]
        if calls:
            table[calls[0]["addr"] + calls[0]["length"]] = ("double", df)
        return table


def address_of(name):
    """The address of the code label NAME (a NASM label: no debug symbol,
    only the ELF symbol table, which decode_line reads without a frame)."""
    return gdb.decode_line(name)[1][0].pc


ENTRIES = TrapEntries()


# ---------------------------------------------------------------- the registers a trap saved

class Layout:
    """Byte offsets of a struct's fields, from the kernel's debug
    information (so a change to kernel/trap.h is followed here)."""

    def __init__(self, type_):
        self.offset = {f.name: f.bitpos // 8 for f in type_.fields()}

    def read(self, addr, names):
        """{field: 32-bit value} of the fields NAMES of the struct at ADDR."""
        end = max(self.offset[n] for n in names) + 4
        words = read_words(addr, end // 4)
        return {n: words[self.offset[n] // 4] for n in names}


def trapframe_layout():
    return Layout(gdb.lookup_type("struct trapframe"))


def read_trapframe(addr):
    """The fields of the struct trapframe at ADDR, as {name: value}, with
    esp and ss the interrupted code's: pushed by the CPU from ring 3;
    from ring 0 the interrupted stack continues at &tf->esp and ss is
    unchanged (None).  The words past eflags are read only from ring 3:
    from ring 0 they are the interrupted code's stack, maybe unmapped."""
    layout = trapframe_layout()
    names = [f for f in layout.offset if f not in ("esp", "ss")]
    tf = layout.read(addr, names)
    if from_user(tf["cs"]):
        tf.update(layout.read(addr, ("esp", "ss")))
    else:
        tf["esp"], tf["ss"] = addr + layout.offset["esp"], None
    return tf


def interrupted_registers(kind, sp, ss_now):
    """{register: value} of the code that was interrupted, for an entry
    frame of KIND whose ESP is SP; SS_NOW is that frame's ss."""
    if kind == "double":
        tss = static_variable("main_tss", "dfault.c")
        return Layout(tss.type).read(int(tss.address), RESTORED + ("esp", "ss"))
    tf = read_trapframe(read_words(sp, 1)[0] if kind == "trap" else sp)
    regs = {r: tf[r] for r in RESTORED + ("esp",)}
    regs["ss"] = ss_now if tf["ss"] is None else tf["ss"]
    return regs


# ---------------------------------------------------------------- the unwinder

class FrameId:
    """What gdb.unwinder wants as a frame's identity: a stack address and
    the start of the frame's code.  We give the entry frame's own ESP,
    which lies between the handler's frames (younger, below it) and the
    interrupted code's (older, above it on the same stack), the order gdb
    insists on."""

    def __init__(self, sp, pc):
        self.sp, self.pc = gdb.Value(sp), gdb.Value(pc)     # gdb takes only Values


class TrapUnwinder(gdb.unwinder.Unwinder):
    """Unwinds the trap entry and double-fault task frames (see the top
    of this file); returns None (not ours) for every other frame."""

    def __init__(self):
        super().__init__("vmlab-traps")
        self.complained = False

    def __call__(self, pending):
        try:
            pc = int(pending.read_register("eip"))
            kind = ENTRIES.kind(pc, pending.architecture())
            if kind is None:
                return None
            sp = int(pending.read_register("esp"))
            regs = interrupted_registers(kind, sp, int(pending.read_register("ss")))
            u32 = pending.architecture().integer_type(32, False)
            info = pending.create_unwind_info(FrameId(sp, ENTRIES.entry(pc)))
            for name, value in regs.items():
                info.add_saved_register(name, gdb.Value(value).cast(u32))
            return info
        except (gdb.error, gdb.GdbError, gdb.MemoryError):
            return None                 # unreadable: let gdb guess, as it did before
        except Exception as e:          # a bug here must not break every backtrace
            if not self.complained:
                self.complained = True
                gdb.write("vmlab unwinder: internal error (%s: %s); trap frames are left "
                          "to gdb\n" % (type(e).__name__, e), gdb.STDERR)
            return None


# ---------------------------------------------------------------- marking the frames in bt

class Decorated(FrameDecorator):
    """A frame as `bt` shows it.  LABEL, if any, follows an entry frame's
    name.  INTERRUPTED marks the frame an entry frame unwound to: its pc
    is the instruction that trapped, not a return address, so its line
    is that of pc itself; gdb looks up pc - 1 (right after a call) for
    every frame above a normal one, which here can be the line before.
    (`frame N` and `info frame` still do; `trapframe` gives the exact line.)
    Names: any frame filter makes gdb print every frame through Python,
    and the stock decorator names a frame without debug information by
    its exact pc (`_start.hang`, or a blank); this one names it the way
    plain `bt` does."""

    def __init__(self, fobj, label=None, interrupted=False):
        super().__init__(fobj)
        self.label = label
        self.sal = gdb.find_pc_line(fobj.inferior_frame().pc()) if interrupted else None

    def function(self):
        name = super().function()
        if not isinstance(name, str):
            name = self.inferior_frame().name() or "??"
        return "%s [%s]" % (name, self.label) if self.label else name

    def line(self):
        return self.sal.line if self.sal and self.sal.symtab else super().line()


class TrapFrameFilter:
    """A gdb frame filter: labels the entry frames the unwinder knows,
    and gives the frames they interrupted their exact line."""

    def __init__(self):
        self.name, self.priority, self.enabled = "vmlab-traps", 100, True

    def filter(self, frames):
        return map(self.decorate, frames)

    @staticmethod
    def decorate(fd):
        frame = fd.inferior_frame()
        newer = frame.newer()
        interrupted = bool(newer) and entry_kind(newer) is not None
        kind = entry_kind(frame)
        if kind is None:
            return Decorated(fd, interrupted=interrupted)
        try:
            label = entry_label(kind, int(frame.read_register("esp")))
        except (gdb.error, gdb.GdbError, gdb.MemoryError):
            label = "trap entry"
        return Decorated(fd, label, interrupted)


def entry_kind(frame):
    """TrapEntries.kind of gdb.Frame FRAME."""
    return ENTRIES.kind(frame.pc(), frame.architecture())


def entry_label(kind, sp):
    if kind == "double":
        return "double-fault task: the interrupted state is in main_tss"
    tf = read_words(sp, 1)[0] if kind == "trap" else sp
    vector = read_trapframe(tf)["vector"]
    where = "trap entry" if kind == "trap" else "trap return"
    return "%s: %s, vector %d" % (where, vector_name(vector), vector)


def vector_name(vector):
    """What vector VECTOR is, as kernel/trap.c's trap_name says, reading
    its table of exception names from the kernel."""
    if vector < 32:
        name = static_variable("names", "kernel/trap.c")[vector]
        return name.string() if int(name) else "reserved"
    if vector < 48:
        return "IRQ %d" % (vector - 32)
    return "system call" if vector == 0x80 else "unknown"


def install():
    """Register the unwinder and the frame filter (again, if this file is
    sourced again: each replaces its namesake)."""
    global _connected
    gdb.unwinder.register_unwinder(None, TrapUnwinder(), replace=True)
    gdb.frame_filters["vmlab-traps"] = TrapFrameFilter()
    if not _connected:                  # a new kernel image: look the entries up again
        gdb.events.new_objfile.connect(ENTRIES.reset)
        gdb.events.clear_objfiles.connect(ENTRIES.reset)
        _connected = True
    gdb.invalidate_cached_frames()      # frames gdb built before it knew better


_connected = False
