# Makefile - build, run, test and debug vmlab.
#
#   make            build build/kernel.elf (+ kernel.asm, kernel.sym)
#   make run        boot in QEMU, serial on this terminal, run ARGS (test=all)
#   make test       host unit tests, then every kernel test in its own QEMU
#   make test T=X   one kernel test
#   make bench      benchmarks under -icount shift=0 (exact instruction counts)
#   make debug      QEMU halted, waiting for gdb on port $(GDBPORT)
#   make gdb        gdb with symbols, connected, breakpoint on panic
#   make iso        GRUB rescue ISO (build/vmlab.iso); make run-iso boots it
#   make qemu-log   a run with -d int,cpu_reset,guest_errors into build/qemu.log
#   make run WORKLOAD=scan NFRAMES=50 POLICY=clock   one replacement experiment
#   make replacement-report   every workload x policy x frames, CSV and plots
#   make clean
#
# Every target first runs tools/deps.sh, which installs missing packages.

CROSS    ?= i686-linux-gnu-
CC       := $(CROSS)gcc
CXX      := $(CROSS)g++
OBJDUMP  := $(CROSS)objdump
OBJCOPY  := $(CROSS)objcopy
NM       := $(CROSS)nm
NASM     := nasm
QEMU     := qemu-system-i386
PYTHON   := python3
B        ?= build

MEM      ?= 256
ARGS     ?= test=all
WORKLOAD ?=
NFRAMES  ?= 25
POLICY   ?= enhanced_clock
NPAGES   ?= 100
T        ?=
GDBPORT  ?= $(shell echo $$((20000 + $$(id -u) % 10000)))

# Freestanding 32-bit code: no PIC, no stack protector, no SSE/x87 (the
# kernel never saves FPU state), frame pointers kept for backtraces.  The
# debug build (the default: make, run, test, debug) uses -Og so that gdb
# can step through every C function, and checks the lock order.  The
# release build (make bench, in build/release) uses -O2 without the
# lock-order checker: benchmarks measure what a user would ship.
OPT      ?= -Og
DEFS     ?=
COMMON   := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
            -fno-stack-protector -mgeneral-regs-only -fno-omit-frame-pointer \
            -fno-asynchronous-unwind-tables $(OPT) $(DEFS) -g -Wall -Wextra -Werror \
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

QFLAGS   := -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
RUNNER   := $(PYTHON) tools/runtests.py

.PHONY: all deps run test host-test bench debug gdb iso run-iso qemu-log clean replacement-report

all: deps $(KERNEL) $(B)/kernel.asm $(B)/kernel.sym

deps:
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
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LIBGCC)
	$(Q)grub-file --is-x86-multiboot $@ || { echo "$@ is not multiboot"; rm -f $@; exit 1; }

$(B)/kernel.asm: $(KERNEL)
	$(Q)$(OBJDUMP) -d -S -M intel $< > $@

$(B)/kernel.sym: $(KERNEL)
	$(Q)$(NM) -n -C $< > $@

# With WORKLOAD=... `make run` runs one replacement experiment instead.
run: all
ifeq ($(WORKLOAD),)
	$(RUNNER) run --mem $(MEM) --disk 16 -- $(ARGS)
else
	$(RUNNER) run --mem $(MEM) --disk 16 -- workload=$(WORKLOAD) npages=$(NPAGES) \
	    nframes=$(NFRAMES) policy=$(POLICY)
endif

replacement-report: all
	$(PYTHON) tools/report.py

test: all
	$(RUNNER) test $(if $(T),$(T))

host-test: deps
	@$(MAKE) --no-print-directory -f tests/host/host.mk

bench: deps
	@$(MAKE) --no-print-directory B=build/release OPT=-O2 DEFS=-DVMLAB_NO_LOCKCHECK \
	    build/release/kernel.elf build/release/kernel.sym
	VMLAB_BUILD=build/release $(RUNNER) bench

debug: all
	@echo "QEMU is halted; in another terminal: make gdb   (port $(GDBPORT))"
	$(QEMU) $(QFLAGS) -m $(MEM) -serial stdio -kernel $(KERNEL) -append "$(ARGS)" \
	    -S -gdb tcp::$(GDBPORT)

gdb: all
	gdb -q $(KERNEL) -ex "target remote localhost:$(GDBPORT)" -x tools/gdb/vmlab.gdb

iso: all
	@mkdir -p $(B)/iso/boot/grub
	cp $(KERNEL) $(B)/iso/boot/kernel.elf
	printf 'set timeout=0\nset default=0\nserial --unit=0 --speed=115200\nterminal_output serial console\nmenuentry "vmlab" {\n  multiboot /boot/kernel.elf %s\n  boot\n}\n' "$(ARGS)" > $(B)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $(B)/vmlab.iso $(B)/iso 2> $(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }
	@echo "built $(B)/vmlab.iso (kernel options: $(ARGS))"

run-iso: iso
	$(RUNNER) run --mem $(MEM) --iso $(B)/vmlab.iso

qemu-log: all
	$(RUNNER) run --mem $(MEM) --qemu-log $(B)/qemu.log -- $(ARGS)
	@echo "interrupt and reset log: $(B)/qemu.log"

clean:
	rm -rf $(B)

-include $(OBJS:.o=.d)
