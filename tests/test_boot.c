/* tests/test_boot.c - what boot leaves behind: the memory map, panic()
 * and exception reporting.
 *
 * memory_map: booted once at -m 32M and once at -m 256M (the runner
 *   passes ram=MB); the process pool must end where the multiboot map
 *   says usable RAM below 4 GiB ends, not at a fixed 32 MiB, and every
 *   frame the map does not call RAM (and the 15-16 MiB hole) must be
 *   inaccessible.  The expected end, RAM total and state of each frame
 *   are recomputed here from the raw map.
 * memory_sizes: the same at the edges: -m 16 (RAM ends inside the ISA
 *   hole, whose frames must still never be handed out), 512, and 3584
 *   and 4095, where QEMU puts RAM above 4 GiB, which a kernel without
 *   PAE must ignore (neither in the pool nor counted); then every free
 *   frame of the process pool is taken and given back, none of them
 *   in a hole.
 * panic: a deliberate panic, which must be reported at this file:line.
 * exception: a division by zero, which must arrive as vector 0 with EIP
 *   at the div instruction. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/memlayout.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/trap.h"

/* Does the loader's own memory map (still intact below 1 MiB) call the
 * whole frame at PA available RAM, and no part of it reserved? */
static int map_says_ram(uint32_t pa)
{
    const struct multiboot_info *mbi = boot_mbi;
    uint64_t lo = pa, hi = lo + PAGE_SIZE;
    int ram = 0;
    for (uint32_t p = mbi->mmap_addr; p < mbi->mmap_addr + mbi->mmap_length;) {
        const struct multiboot_mmap *e = (const void *)p;
        int overlap = lo < e->addr + e->len && hi > e->addr;
        if (overlap && e->type != MMAP_AVAILABLE) return 0;
        if (lo >= e->addr && hi <= e->addr + e->len) ram = 1;
        p += e->size + 4;
    }
    return ram;
}

/* From the raw map: the end of usable RAM below 4 GiB, and how much RAM
 * lies below and above 4 GiB. */
static void map_totals(uint64_t *end, uint64_t *below, uint64_t *above)
{
    const struct multiboot_info *mbi = boot_mbi;
    const uint64_t G4 = 0x100000000ull;
    *end = *below = *above = 0;
    for (uint32_t p = mbi->mmap_addr; p < mbi->mmap_addr + mbi->mmap_length;) {
        const struct multiboot_mmap *e = (const void *)p;
        p += e->size + 4;
        if (e->type != MMAP_AVAILABLE) continue;
        uint64_t a = e->addr, b = e->addr + e->len;
        *above += b > G4 ? b - (a > G4 ? a : G4) : 0;
        if (a >= G4) continue;
        if (b > G4) b = G4;
        *below += b - a;
        if (b > *end) *end = b;
    }
}

static void test_memory_map(void)
{
    uint32_t mb = cmdline_uint("ram", 0);
    CHECK(mb != 0, "the runner did not pass ram=MB");
    physmem_print();
    uint64_t end, below, above;
    map_totals(&end, &below, &above);
    CHECK(ram_end == PG_ROUND_DOWN(end >= 0x100000000ull ? 0xFFFFF000u : (uint32_t)end),
          "process pool ends at 0x%x; the map's usable RAM below 4 GiB ends at 0x%x%08x",
          ram_end, (uint32_t)(end >> 32), (uint32_t)end);
    CHECK(ram_end <= (mb << 20), "process pool ends at 0x%x, past the %u MiB given", ram_end, mb);
    CHECK(ram_total == below && ram_ignored == above,
          "RAM counted %u KiB (+%u ignored), the map says %u KiB below 4 GiB and %u above",
          (uint32_t)(ram_total >> 10), (uint32_t)(ram_ignored >> 10), (uint32_t)(below >> 10),
          (uint32_t)(above >> 10));
    CHECK(process_pool.base == PPOOL_START / PAGE_SIZE, "process pool starts at frame 0x%x",
          process_pool.base);
    CHECK(process_pool.nframes == ram_end / PAGE_SIZE - process_pool.base,
          "process pool has %u frames, expected %u", process_pool.nframes,
          ram_end / PAGE_SIZE - process_pool.base);
    CHECK(kernel_pool.base == KPOOL_START / PAGE_SIZE && kernel_pool.nframes == 512,
          "kernel pool is frames 0x%x+%u, expected 0x200+512", kernel_pool.base,
          kernel_pool.nframes);

    /* Recount every frame against the independent rule. */
    uint32_t inacc = 0;
    for (uint32_t f = process_pool.base; f < process_pool.base + process_pool.nframes; f++) {
        uint32_t pa = f * PAGE_SIZE;
        int hole = pa >= ISA_HOLE_START && pa < ISA_HOLE_END;
        int ram_here = map_says_ram(pa);
        int want = hole || !ram_here;
        int is = frame_state(&process_pool, f) == FRAME_INACC;
        CHECK(want == is, "frame 0x%x: inaccessible is %d, expected %d", f, is, want);
        inacc += want;
    }
    CHECK(process_pool.ninacc == inacc, "ninacc %u, recount %u", process_pool.ninacc, inacc);
    CHECK(process_pool.nfree + process_pool.nused + process_pool.ninacc == process_pool.nframes,
          "process pool counters do not add up");
    if (ram_end > ISA_HOLE_END)
        CHECK(inacc >= 256, "only %u inaccessible frames; the ISA hole alone has 256", inacc);
    CHECK(inacc < process_pool.nframes / 8 + 256,
          "%u of %u frames are inaccessible: the pool spans a hole it should end before",
          inacc, process_pool.nframes);
    msg("%u MiB: process pool frames 0x%x-0x%x, %u free, %u inaccessible", mb,
        process_pool.base, process_pool.base + process_pool.nframes - 1,
        process_pool.nfree, process_pool.ninacc);
}

/* memory_map's checks, then the whole process pool taken and given back
 * (at 3 GiB too), no frame of a hole among them. */
static void test_memory_sizes(void)
{
    test_memory_map();
    pool_exhaust(&process_pool);
}

static void test_panic(void)
{
    msg("panicking on purpose; the report must name this file and line");
    expect_panic_at(__FILE__, __LINE__ + 1);
    panic("deliberate panic from the panic test (value %d)", 42);
}

static void test_exception(void)
{
    extern char div_insn[];
    expect_trap_at((uint32_t)div_insn);
    msg("dividing by zero at %p; expecting vector 0 there", div_insn);
    uint32_t q, r, zero = 0;
    asm volatile(".globl div_insn\ndiv_insn: divl %2"
                 : "=a"(q), "=d"(r) : "r"(zero), "a"(1), "d"(0));
    msg("survived a division by zero: %u", q + r);
}

TEST("memory_map", test_memory_map, "pools follow the multiboot memory map", "mem=32,256");
TEST("memory_sizes", test_memory_sizes,
     "16 MiB to 4 GiB: ISA hole, RAM above 4 GiB ignored, every free frame usable",
     "mem=16,512,3584,4095 timeout=60");
TEST_PANIC("panic", test_panic, "panic() reports file:line, registers, backtrace",
           "log=PANIC\\sat\\stests/test_boot.c:\\d+ log=#0\\s0x[0-9a-f]+\\s+test_panic");
TEST_TRAP("exception", test_exception, "divide by zero arrives as vector 0 at its EIP", T_DIVIDE,
          "log=divide\\serror\\s\\(vector\\s0\\)");
