# Makefile - build, run, test and debug vmlab.  `make help` lists the targets.
#
# Every boot target (run, debug, run-iso, qemu-log) boots through
# tools/runtests.py run: MEM MiB of RAM, ram=MEM appended to the kernel
# options (KOPTS), a fresh DISK MiB swap disk (DISK=0: none), and the
# runner's verdict at the end ("vmlab: PASS (QEMU status 33)", or FAIL
# with the kernel's last line), exit status 0 on a pass.  bench boots
# through the same functions (tools/bench.py), at the sizes each
# benchmark declares (MEM for one that declares none), without a swap
# disk unless it asks for one: disk interrupts would make the instruction
# counts vary from boot to boot.
#
#   make run WORKLOAD=scan NFRAMES=50 POLICY=clock   one replacement experiment
#   make run PROG=hello ARGV="one two"               one user program (kernel/run.c)
#   make run TRACE=FILE NFRAMES=100,500 POLICIES=clock,clock_pro
#                                                    a trace file replayed in the kernel
#   make replacement-report QUICK=1                  the report in seconds
#   make test T='swap_*,host/*'                      tests whose names match
#
# Every target first runs tools/deps.sh, which installs missing packages.

CROSS    ?= i686-linux-gnu-
CC       := $(CROSS)gcc
CXX      := $(CROSS)g++
OBJDUMP  := $(CROSS)objdump
OBJCOPY  := $(CROSS)objcopy
NM       := $(CROSS)nm
NASM     := nasm
PYTHON   := python3
B        ?= build

MEM      ?= 256
DISK     ?= 16
ARGS     ?= test=all
WORKLOAD ?=
PROG     ?=
ARGV     ?=
NFRAMES  ?= 25
POLICY   ?= clock_pro
POLICIES ?=
NPAGES   ?= 100
TRACE    ?=
QUICK    ?=
TRACES   ?=
SIZES    ?=
T        ?=
GDBPORT  ?= $(shell echo $$((20000 + $$(id -u) % 10000)))
NPROC    := $(shell nproc 2>/dev/null || echo 1)
# The kernel options of every boot target: ARGS (default test=all); or,
# with TRACE=FILE, the trace replayed (named after the file, at NFRAMES
# frames, under POLICIES or POLICY; those not given, the kernel's own
# defaults: 100, 500 and 1000 frames, every policy); or, with WORKLOAD=NAME, one
# replacement experiment; or, with PROG=NAME, one user program with the
# space-separated arguments ARGV (run=NAME,A,B: kernel/run.c).  With
# TRACE, WORKLOAD or PROG, ARGS adds options only if given.
comma    := ,
empty    :=
space    := $(empty) $(empty)
KOPTS    := $(strip \
            $(if $(TRACE),trace=$(basename $(notdir $(TRACE))) \
                 $(if $(filter file,$(origin NFRAMES)),,nframes=$(NFRAMES)) \
                 $(if $(POLICIES),policies=$(POLICIES), \
                      $(if $(filter file,$(origin POLICY)),,policies=$(POLICY))), \
                 $(if $(WORKLOAD),workload=$(WORKLOAD) npages=$(NPAGES) nframes=$(NFRAMES) \
                      policy=$(POLICY))) \
            $(if $(PROG),run=$(subst $(space),$(comma),$(strip $(PROG) $(ARGV)))) \
            $(if $(TRACE)$(WORKLOAD)$(PROG),$(if $(filter file,$(origin ARGS)),,$(ARGS)),$(ARGS)))

# Freestanding 32-bit code: no PIC, no stack protector, no SSE/x87 (the
# kernel never saves FPU state), frame pointers kept for backtraces
# (but in the release build).  The
# debug build (the default: make, run, test, debug) uses -Og so that gdb
# can step through every C function, and checks the lock order.  The
# release build (make bench, in build/release) uses -O2 with link-time
# optimization (small functions of one file inlined into another's, as
# a shipped kernel would have them), without frame pointers (GCC's own
# default at -O2: EBP becomes a seventh register for the allocator; a
# panic there prints only the backtrace's first line, kernel/panic.c,
# told by VMLAB_NO_FRAME_POINTERS, which NOFP sets whenever OPT omits
# them) and without the lock-order checker: benchmarks measure what a
# user would ship.
OPT      ?= -Og
NOFP      = $(if $(findstring -fomit-frame-pointer,$(OPT)),-DVMLAB_NO_FRAME_POINTERS)
DEFS     ?=
COMMON   := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
            -fno-stack-protector -mgeneral-regs-only -fno-omit-frame-pointer \
            -fno-asynchronous-unwind-tables $(OPT) $(DEFS) $(NOFP) -g -Wall -Wextra -Werror \
            -I. -MMD -MP
CFLAGS   := -std=gnu11 $(COMMON)
CXXFLAGS := -std=gnu++17 $(COMMON) -fno-exceptions -fno-rtti -fno-threadsafe-statics \
            -fno-use-cxa-atexit
LDFLAGS  := -nostdlib -no-pie -static -T linker.ld -Wl,--build-id=none \
            -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
LIBGCC    = $(shell $(CC) -print-libgcc-file-name)

CSRC     := $(wildcard kernel/*.c mm/*.c mm/replace/*.c drivers/*.c lib/*.c \
                       tests/*.c tests/workloads/*.c)
CXXSRC   := $(wildcard kernel/*.cc tests/*.cc)
ASRC     := $(wildcard boot/*.asm kernel/*.asm)
OBJS     := $(ASRC:%.asm=$(B)/%.o) $(CSRC:%.c=$(B)/%.o) $(CXXSRC:%.cc=$(B)/%.o) \
            $(B)/user/programs.o
KERNEL   := $(B)/kernel.elf

RUNNER   := $(PYTHON) tools/runtests.py
BOOT     := $(RUNNER) run --mem $(MEM) --disk $(DISK) $(if $(TRACE),--trace '$(TRACE)')
# Builds in parallel, unless the caller's make already has a -j.
PMAKE    := $(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

.PHONY: all deps run test test-twice host-test bench debug gdb iso run-iso qemu-log mutants clean \
        replacement-report help kernel-files bench-files

all: deps ## build build/kernel.elf, kernel.asm (disassembly with source) and kernel.sym
	@$(PMAKE) kernel-files

# What `all` builds, in a parallel make of its own; bench needs no disassembly.
kernel-files: $(KERNEL) $(B)/kernel.asm $(B)/kernel.sym
	@:
bench-files: $(KERNEL) $(B)/kernel.sym
	@:

deps: ## install whatever of the toolchain is missing (tools/deps.sh)
	@sh tools/deps.sh

# V=1 shows every command.
Q        := $(if $(V),,@)

$(B)/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM $<"
	$(Q)$(NASM) -f elf32 -g -F dwarf -o $@ $<

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/%.o: %.cc
	@mkdir -p $(dir $@)
	@echo "  CXX  $<"
	$(Q)$(CXX) $(CXXFLAGS) -c -o $@ $<

include tests/user/user.mk

# Changing a flag above must rebuild everything.
$(OBJS): Makefile

$(KERNEL): $(OBJS) linker.ld
	@echo "  LD   $@"
	$(Q)$(CC) -m32 $(OPT) $(LDFLAGS) -o $@ $(OBJS) $(LIBGCC)
	$(Q)grub-file --is-x86-multiboot $@ || { echo "$@ is not multiboot"; rm -f $@; exit 1; }

$(B)/kernel.asm: $(KERNEL)
	$(Q)$(OBJDUMP) -d -S -M intel $< > $@

$(B)/kernel.sym: $(KERNEL)
	$(Q)$(NM) -n -C $< > $@

run: all ## boot ARGS (default test=all); or WORKLOAD=NAME, TRACE=FILE, PROG=NAME ARGV=..
	$(BOOT) -- $(KOPTS)

replacement-report: all ## workloads x policies x 5 sizes (QUICK=1; TRACES= at SIZES=): CSV, plots, summary
	$(PYTHON) tools/report.py $(if $(filter-out 0,$(QUICK)),--quick) \
	    $(if $(TRACES),--traces '$(TRACES)') $(if $(SIZES),--sizes '$(SIZES)') \
	    $(if $(POLICIES),--policies '$(POLICIES)')

test: all ## every test, all kinds in one parallel pool; T='PATTERN,...' selects by name
	$(RUNNER) test $(if $(T),'$(T)')

test-twice: all ## each kernel test that expects nothing, run twice in one boot
	$(RUNNER) test --twice $(if $(T),'$(T)')

mutants: deps ## put known one-line bugs in a copy of the tree; each must fail its test (M='NAME,...')
	@$(PYTHON) tools/mutants.py $(if $(M),--mutants '$(M)')

host-test: deps ## build the host unit tests (make test T='host/*' runs them)
	@$(PMAKE) -f tests/host/host.mk

bench: deps ## release build; benchmarks under -icount shift=0, matrix table, targets
	@$(PMAKE) B=build/release OPT='-O2 -flto=auto -fomit-frame-pointer' \
	    DEFS=-DVMLAB_NO_LOCKCHECK bench-files
	VMLAB_BUILD=build/release $(PYTHON) tools/bench.py --mem $(MEM)

debug: all ## boot ARGS halted, gdb stub on port GDBPORT; the verdict when it ends
	$(BOOT) --gdb $(GDBPORT) -- $(KOPTS)

gdb: all ## (second terminal) gdb connected to make debug, breakpoint on panic_at
	@$(RUNNER) gdb-port $(GDBPORT)
	gdb -q $(KERNEL) -ex "target remote localhost:$(GDBPORT)" -x tools/gdb/vmlab.gdb

iso: all ## GRUB rescue ISO build/vmlab.iso booting the kernel with ARGS ram=MEM
	@mkdir -p $(B)/iso/boot/grub
	cp $(KERNEL) $(B)/iso/boot/kernel.elf
	printf 'set timeout=0\nset default=0\nserial --unit=0 --speed=115200\nterminal_output serial console\nmenuentry "vmlab" {\n  multiboot /boot/kernel.elf %s\n  boot\n}\n' "$(KOPTS) ram=$(MEM)" > $(B)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $(B)/vmlab.iso $(B)/iso 2> $(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }
	@echo "built $(B)/vmlab.iso (kernel options: $(KOPTS) ram=$(MEM))"

run-iso: iso ## boot that ISO (MEM MiB, a swap disk)
	$(BOOT) --iso $(B)/vmlab.iso

qemu-log: all ## boot ARGS with -d int,cpu_reset,guest_errors into build/qemu.log
	$(BOOT) --qemu-log $(B)/qemu.log -- $(KOPTS)

help: ## this list
	@awk -F ':.*## ' '/^[a-z-]+:.*## /{ printf "  make %-20s %s\n", $$1, $$2 }' Makefile
	@echo "variables: MEM=$(MEM) (MiB) DISK=$(DISK) (MiB of swap) ARGS='$(ARGS)' GDBPORT=$(GDBPORT)"
	@echo "           T='PATTERN,...' WORKLOAD= NFRAMES=$(NFRAMES) POLICY=$(POLICY) NPAGES=$(NPAGES) V=1"
	@echo "           PROG=NAME ARGV='A B' (one user program: run=NAME,A,B)"
	@echo "           TRACE=FILE POLICIES=P,Q (run); QUICK=1 TRACES='FILE ...' SIZES=N,N" \
	      "(replacement-report)"

clean: ## remove build/
	rm -rf $(B)

-include $(OBJS:.o=.d)
