/* tests/bench_frame_pool.c - guest instructions per frame pool operation.
 *
 * Run by `make bench` under QEMU -icount shift=0, where rdtsc counts
 * guest instructions, at -m 32M and -m 1G.  Interrupts are off while
 * measuring so the PIT tick is not counted.  Prints BENCH lines that
 * tools/bench.py (make bench) collects, checking the 1 GiB figures
 * against the 32 MiB ones. */
#include "tests/harness.h"
#include "tests/bench.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "kernel/x86.h"
#include "kernel/cmdline.h"

#define ROUNDS 2000

static uint32_t per_op(uint32_t n)
{
    /* Hold some frames so the search starts past the pool's first word. */
    uint32_t hold = get_frames(&process_pool, 37);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++) {
        uint32_t f = get_frames(&process_pool, n);
        release_frames(f);
    }
    uint64_t t1 = rdtsc();
    release_frames(hold);
    return (uint32_t)((t1 - t0 - bench_overhead(ROUNDS)) / ROUNDS);
}

static void bench_frame_pool(void)
{
    uint32_t mb = cmdline_uint("ram", 0);
    cli();
    uint32_t one = per_op(1), sixteen = per_op(16);
    sti();
    bench_report("frame_pool.get1_release", mb, one, "instructions per get_frames(1)+release_frames");
    bench_report("frame_pool.get16_release", mb, sixteen, "instructions per get_frames(16)+release_frames");
}

BENCH("bench_frame_pool", bench_frame_pool, "instructions per get_frames+release_frames", "mem=32,1024");
