"""tools/gdb/vmlab_traps.py - gdb sees through vmlab's traps.

Registered by tools/gdb/vmlab.py (install() below):

  an unwinder         `bt` inside a trap handler continues past boot/trap.asm
                      into the interrupted code, and past the double-fault task
                      into the code that double-faulted
  a frame filter      marks those frames in `bt`: trap_common [trap entry: ...]
                      (trap_stub_14 for a page fault, which has an entry of its own)
  trapframe [EXPR]    decode a struct trapframe, the innermost one by default
                      (alias tf)

The trap entry in boot/trap.asm is NASM code with no unwind information,
so gdb cannot tell where its caller is: it guesses, and `bt` shows junk
after trap_common and never the function that trapped.  But we know
exactly what is on the stack there.  trap_common builds a struct
trapframe (kernel/trap.h) and calls trap(tf) (the page fault's stub,
trap_stub_14, does the same and calls trap_page_fault(tf)): when gdb asks for the
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
                        (of trap_stub_14's, at the return of `call trap_page_fault`)

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

from vmlab_common import VmlabCommand, read_words, register, static_variable

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

      "trap"     the return of trap_common's `call trap`, or of trap_stub_14's
                 `call trap_page_fault`: *ESP is the trap frame
      "return"   trap_return, the iret path (a new thread starts here): ESP is
      "double"   the return of df_task's `call double_fault`: main_tss holds
                 the interrupted registers
      None       anything else (gdb's own unwinders deal with it)

    The lookups use no frame (they run while gdb is building frames).
    The return addresses come from disassembling the code in memory, so
    they are looked up again until the kernel is there: a kernel that
    GRUB loads is not, while QEMU waits at the reset vector."""

    def __init__(self):
        self.table = None

    def reset(self, *event):
        self.table = None

    def kind(self, pc, arch):
        if self.table is None:
            try:
                self.table = self._lookup(arch)
            except (gdb.error, IndexError):
                self.table = {}         # not a vmlab kernel: no trap_common
            except gdb.MemoryError:
                pass                    # the kernel is not in memory yet
        return self.table.get(pc, (None, 0))[0] if self.table else None

    def entry(self, pc):
        """The address of the entry code PC is in (trap_common, trap_stub_14,
        df_task)."""
        return self.table.get(pc, (None, 0))[1]

    def _lookup(self, arch):
        """The table kind() reads, or None if the entry code is not in
        memory yet (no `call` in trap_common)."""
        common, ret = address_of("trap_common"), address_of("trap_return")
        calls = [i for i in arch.disassemble(common, ret - 1) if i["asm"].startswith("call")]
        if not calls:
            return None
        table = {ret: ("return", common),
                 calls[-1]["addr"] + calls[-1]["length"]: ("trap", common)}
        try:
            pf = address_of("trap_stub_14")
        except gdb.error:
            pf = None                   # an older kernel: page faults go through trap_common
        if pf is not None:
            calls = [i for i in arch.disassemble(pf, count=16) if i["asm"].startswith("call")]
            if calls:
                table[calls[0]["addr"] + calls[0]["length"]] = ("trap", pf)
        try:
            df = address_of("df_task")
        except gdb.error:
            return table                # an older kernel: no double-fault task
        calls = [i for i in arch.disassemble(df, count=4) if i["asm"].startswith("call")]
        if calls:
            table[calls[0]["addr"] + calls[0]["length"]] = ("double", df)
        return table


def trapframe_address(kind, sp):
    """Where the trap frame is, for an entry frame of KIND ("trap" or
    "return") whose ESP is SP."""
    return read_words(sp, 1)[0] if kind == "trap" else sp


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


def vector_name(vector):
    """What vector VECTOR is, as kernel/trap.c's trap_name says, reading
    its table of exception names from the kernel."""
    if vector < 32:
        name = static_variable("names", "kernel/trap.c")[vector]
        return name.string() if int(name) else "reserved"
    if vector < 48:
        return "IRQ %d" % (vector - 32)
    return "system call" if vector == 0x80 else "unknown"


def interrupted_registers(kind, sp, ss_now):
    """{register: value} of the code that was interrupted, for an entry
    frame of KIND whose ESP is SP; SS_NOW is that frame's ss."""
    if kind == "double":
        tss = static_variable("main_tss", "dfault.c")
        return Layout(tss.type).read(int(tss.address), RESTORED + ("esp", "ss"))
    tf = read_trapframe(trapframe_address(kind, sp))
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
    """What bt says after the name of an entry frame of KIND whose ESP is
    SP: "trap entry: page fault, vector 14"."""
    if kind == "double":
        return "double-fault task: the interrupted state is in main_tss"
    vector = read_trapframe(trapframe_address(kind, sp))["vector"]
    where = "trap entry" if kind == "trap" else "trap return"
    return "%s: %s, vector %d" % (where, vector_name(vector), vector)


# ---------------------------------------------------------------- trapframe

ERROR_CODE_VECTORS = (8, 10, 11, 12, 13, 14, 17, 21)   # the CPU pushes one (boot/trap.asm)
SELECTOR_VECTORS = (10, 11, 12, 13)     # invalid TSS, segment not present, stack, GP
EFLAGS_BITS = [(0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"), (8, "TF"), (9, "IF"),
               (10, "DF"), (11, "OF"), (14, "NT"), (16, "RF"), (17, "VM"), (18, "AC")]
PF_P, PF_W, PF_U, PF_RSVD, PF_I = 0x1, 0x2, 0x4, 0x8, 0x10     # mm/mmu.h


def explain_error(vector, err):
    """The error code ERR of an exception VECTOR, in words (Intel SDM
    vol. 3, 6.13 and 4.7)."""
    if vector == 14:
        words = ["protection violation (the page was present)" if err & PF_P
                 else "page not present",
                 "write" if err & PF_W else "read",
                 "user mode" if err & PF_U else "supervisor mode"]
        if err & PF_RSVD:
            words.append("a reserved bit set in a paging entry")
        if err & PF_I:
            words.append("instruction fetch")
        return ", ".join(words)
    if vector in SELECTOR_VECTORS:
        if err == 0:
            return "not about a particular segment"
        if err & 2:
            where = "IDT vector %d" % (err >> 3)
        else:
            where = "selector 0x%04x: %s entry %d" % (err & 0xFFFC, "LDT" if err & 4 else "GDT",
                                                     err >> 3)
        return where + (", during an external event" if err & 1 else "")
    if vector not in ERROR_CODE_VECTORS:
        return ("none: the CPU pushes no error code for this vector, the stub pushed 0"
                if err == 0 else "this vector has no error code: is this a trap frame?")
    return ""


def explain_eflags(eflags):
    """ "[PF ZF IF]: interrupts were on"."""
    names = [name for bit, name in EFLAGS_BITS if eflags >> bit & 1]
    if eflags >> 12 & 3:
        names.append("IOPL=%d" % (eflags >> 12 & 3))
    return "[%s]: interrupts were %s" % (" ".join(names) or "no flags",
                                         "on" if eflags & 0x200 else "off")


def code_at(pc):
    """ "gdb_touch at tests/test_gdb_target.c:41": the function PC is in
    (the inlined one, if it is) and its exact source line."""
    block = None
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        pass
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None:
        name = block.function.print_name
    else:                               # assembly: only the ELF symbol table knows it
        out = gdb.execute("info symbol 0x%x" % pc, to_string=True)
        name = "??" if out.startswith("No symbol") else out.split(" in section")[0]
        name = name.replace(" + ", "+")
    sal = gdb.find_pc_line(pc)
    return name + (" at %s:%d" % (sal.symtab.filename, sal.line) if sal.symtab else "")


def innermost_trapframe():
    """(address, how it was found) of the innermost trap frame on the
    stack: the argument tf of the newest frame of trap(), or, if the
    compiler left no tf to read there, the word a trap entry frame has at
    its ESP.  GdbError if there is none."""
    frame, double = gdb.newest_frame(), False
    while frame is not None and frame.level() < 512:
        if frame.name() in ("trap", "trap_page_fault"):
            try:
                tf = frame.read_var("tf")
                if not tf.is_optimized_out:
                    return int(tf), "trap's argument tf in frame #%d" % frame.level()
            except (gdb.error, ValueError):
                pass
        kind = entry_kind(frame)
        double = double or kind == "double"
        if kind in ("trap", "return"):
            return (trapframe_address(kind, int(frame.read_register("esp"))),
                    "the trap entry, frame #%d" % frame.level())
        frame = frame.older()
    if double:
        raise gdb.GdbError("trapframe: no trap frame on this stack, but a double fault: the "
                           "CPU saved the interrupted registers in main_tss (print main_tss)")
    raise gdb.GdbError("trapframe: no trap on this stack (no frame of trap() or a trap entry); "
                       "give the frame's address: trapframe ADDR")


class TrapFrame(VmlabCommand):
    """Decode a trap frame: trapframe [EXPR]   (alias tf)

With no argument: the innermost trap frame on the current stack, the
argument tf of the newest frame of trap() (kernel/trap.c).  With EXPR:
the struct trapframe at that address (`trapframe tf`, `trapframe 0x124ef4`,
`trapframe *tf`).  Prints the vector and its name; the error code with
its bits in words (for a page fault: present or not, read or write,
supervisor or user mode, reserved bit, instruction fetch; for a
segment exception: the selector, its table, the external bit); CR2 for
a page fault; the interrupted EIP with its function and exact source
line; CS and whether the trap came from ring 3 (then the user's ESP and
SS, which the CPU pushed); EFLAGS (is IF on?); the general and segment
registers.  The frame's address is left in $tf (a struct trapframe *)."""

    cmd = "trapframe"

    def __init__(self):
        super().__init__(self.cmd, gdb.COMMAND_DATA)

    def run(self, args):
        if not args:
            addr, how = innermost_trapframe()
        else:
            addr, how = self.address(" ".join(args)), None
        tf = read_trapframe(addr)
        vector, err, cs = tf["vector"], tf["err"], tf["cs"]
        if vector > 255 or cs > 0xFFFF or cs >> 3 == 0:
            raise gdb.GdbError("trapframe: 0x%08x does not hold a trap frame (vector %d, cs "
                               "0x%x)" % (addr, vector, cs))
        out = gdb.write
        out("trapframe at 0x%08x%s: vector %d, %s\n"
            % (addr, " (%s)" % how if how else "", vector, vector_name(vector)))
        out("  error   0x%08x  %s\n" % (err, explain_error(vector, err)))
        if vector == 14:
            cr2 = register("cr2")
            out("  cr2     %s  the address that faulted (CR2 keeps the latest fault's)\n"
                % ("0x%08x" % cr2 if cr2 is not None else "(this stub does not report $cr2)"))
        out("  eip     0x%08x  %s\n" % (tf["eip"], code_at(tf["eip"])))
        if from_user(cs):
            out("  cs      0x%04x      ring 3: the CPU switched to the kernel stack and pushed "
                "the user's esp and ss\n" % cs)
        else:
            out("  cs      0x%04x      ring 0: no stack switch\n" % cs)
        out("  eflags  0x%08x  %s\n" % (tf["eflags"], explain_eflags(tf["eflags"])))
        if from_user(cs):
            out("  esp     0x%08x  ss 0x%04x  (the user's)\n" % (tf["esp"], tf["ss"]))
        else:
            out("  esp     0x%08x  (&tf->esp: the interrupted stack continues just above "
                "eflags; ss unchanged)\n" % tf["esp"])
        out("  eax 0x%08x  ebx 0x%08x  ecx 0x%08x  edx 0x%08x\n"
            % (tf["eax"], tf["ebx"], tf["ecx"], tf["edx"]))
        out("  esi 0x%08x  edi 0x%08x  ebp 0x%08x\n" % (tf["esi"], tf["edi"], tf["ebp"]))
        out("  ds 0x%04x  es 0x%04x  fs 0x%04x  gs 0x%04x\n"
            % (tf["ds"], tf["es"], tf["fs"], tf["gs"]))
        pointer = gdb.lookup_type("struct trapframe").pointer()
        gdb.set_convenience_variable("tf", gdb.Value(addr).cast(pointer))

    @staticmethod
    def address(text):
        """EXPR as an address: a pointer or number, or a struct trapframe
        (then its address)."""
        try:
            v = gdb.parse_and_eval(text)
            if v.type.strip_typedefs().code == gdb.TYPE_CODE_STRUCT:
                v = v.address
            return int(v) & 0xFFFFFFFF
        except gdb.error as e:
            raise gdb.GdbError("trapframe: cannot evaluate '%s': %s" % (text, e))


def install():
    """Register the commands, the unwinder and the frame filter (again,
    if vmlab.py is sourced again: each replaces its namesake)."""
    global _connected
    TrapFrame()
    try:
        gdb.execute("alias -a tf = trapframe")
    except gdb.error:                   # sourced before: the alias exists
        pass
    gdb.unwinder.register_unwinder(None, TrapUnwinder(), replace=True)
    gdb.frame_filters["vmlab-traps"] = TrapFrameFilter()
    if not _connected:                  # a new kernel image: look the entries up again
        gdb.events.new_objfile.connect(ENTRIES.reset)
        gdb.events.clear_objfiles.connect(ENTRIES.reset)
        _connected = True
    gdb.invalidate_cached_frames()      # frames gdb built before it knew better


_connected = False
