# tests/host/host.mk - build the host unit tests of vmlab's pure mm/ code.
#
# The data-structure code in mm/ (frame pool bitmaps, VMPool region
# lists, kmalloc size classes, replacement policies) compiles for the
# host as well as for the kernel.  Each tests/host/test_X.c is linked
# with the mm/ files it names in HOST_DEPS_X below and with
# tests/host/shim.c (kprintf and panic for the host), under
# AddressSanitizer and UBSan.  tools/runtests.py builds this file and
# runs every build/host/test_* it produces.  It also builds the trace
# replay tool, build/host/replay.

HB      := build/host
HCC     ?= gcc
HCFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -I. -DVMLAB_HOST \
           -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

HOST_TESTS := $(patsubst tests/host/%.c,$(HB)/%,$(filter-out tests/host/shim.c,$(wildcard tests/host/test_*.c)))

# The kernel sources each host test is built with.
DEPS_test_frame_pool := mm/frame_pool.c lib/errno.c
DEPS_test_region     := mm/region.c lib/errno.c
DEPS_test_slab       := mm/slab.c lib/errno.c
DEPS_test_replace    := $(wildcard mm/replace/*.c) mm/refstring.c lib/errno.c
DEPS_test_tlb        := mm/tlb_model.c lib/errno.c
DEPS_test_replace_parts := mm/replace/slotset.c mm/replace/ghost.c lib/errno.c
DEPS_test_tracefile  := mm/tracefile.c mm/renumber.c lib/errno.c
DEPS_test_flist      := mm/flist.c lib/errno.c
DEPS_test_fstack     := mm/fstack.c mm/flist.c lib/errno.c

# The replay tool (tests/host/replay.c): not a test, a measuring tool,
# so it is optimized and runs without the sanitizers (the code it runs
# is tested under them above).
REPLAY_CFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror -I. -DVMLAB_HOST
REPLAY_DEPS   := $(wildcard mm/replace/*.c) mm/refstring.c mm/tracefile.c mm/renumber.c \
                 tests/workloads/replay.c lib/errno.c

all: $(HOST_TESTS) $(HB)/replay

$(HB)/replay: tests/host/replay.c tests/host/shim.c lib/printf.c $(REPLAY_DEPS) $(wildcard mm/*.h mm/replace/*.h lib/*.h tests/host/*.h tests/workloads/*.h)
	@mkdir -p $(HB)
	$(HCC) $(REPLAY_CFLAGS) -o $@ $< tests/host/shim.c lib/printf.c $(REPLAY_DEPS)

.SECONDEXPANSION:
$(HB)/%: tests/host/%.c tests/host/shim.c lib/printf.c $$(DEPS_%) $$(wildcard mm/*.h mm/replace/*.h lib/*.h tests/host/*.h)
	@mkdir -p $(HB)
	$(HCC) $(HCFLAGS) -o $@ $< tests/host/shim.c lib/printf.c $(DEPS_$*) $(if $(filter test_replace,$*),-lm)
