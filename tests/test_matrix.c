/* tests/test_matrix.c - matrix multiplication on paged memory, with threads.
 *
 * Square uint32 matrices A, B and C, each in a region of its own in a
 * VMPool, multiplied with the plain triple loop (i, j, k), once by one
 * thread and once by 15 threads that split the rows.  Inputs
 *     A[i][k] = i + 2k + 1,   B[k][j] = k + j + 1
 * give the closed form
 *     C[i][j] = n(i+1)(j+1) + (i+1)S1 + 2(j+1)S1 + 2 S2,
 * with S1 = n(n-1)/2 and S2 = (n-1)n(2n-1)/6, so a lost or misplaced
 * element, from either run, is caught.
 *
 * The multiplication reads and writes through the workload accessors, so
 * that the TLB model (mm/tlb_model.h, 512 entries fully associative by
 * default; tlb=N tlbways=W on the command line) sees every reference, as
 * the seed's user-level VM manager counted them.  Each row of the table:
 * guest instructions (rdtsc: exact under `make bench`, which runs QEMU
 * with -icount shift=0), PIT ticks, page faults, TLB lookups, misses and
 * miss rate.
 *
 * Paging overhead: the same multiplication (size 100, pages already
 * faulted in) on VMPool memory and on identity-mapped kernel-pool frames;
 * and the first-touch cost on its own. */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/bench.h"
#include "tests/workloads/workload.h"
#include "kernel/thread.h"
#include "kernel/pit.h"
#include "kernel/cmdline.h"
#include "kernel/x86.h"
#include "mm/vmpool.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "mm/tlb_model.h"

CMDLINE_KEY(tlb, "tlb", "N: entries of the matrix test's TLB model (default 512)");
CMDLINE_KEY(tlbways, "tlbways", "W: its ways per set (0: fully associative)");

#define NTHREADS 15

static struct vmpool mp;
static uint32_t A, B, C, N;             /* base addresses and size of the current run */
static int bench_mode;

static uint32_t closed_form(uint32_t i, uint32_t j, uint32_t n)
{
    uint32_t s1 = n * (n - 1) / 2, s2 = (n - 1) * n * (2 * n - 1) / 6;
    return n * (i + 1) * (j + 1) + (i + 1) * s1 + 2 * (j + 1) * s1 + 2 * s2;
}

static void multiply_rows(uint32_t r0, uint32_t r1)
{
    for (uint32_t i = r0; i < r1; i++)
        for (uint32_t j = 0; j < N; j++) {
            uint32_t s = 0;
            for (uint32_t k = 0; k < N; k++) {
                uint32_t a = wl_rd32(A + (i * N + k) * 4);
                s += a * wl_rd32(B + (k * N + j) * 4);
            }
            wl_wr32(C + (i * N + j) * 4, s);
        }
}

static void worker(void *arg)
{
    uint32_t t = (uint32_t)arg;
    multiply_rows(t * N / NTHREADS, (t + 1) * N / NTHREADS);
}

static void fill(void)
{
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t k = 0; k < N; k++) {
            ((volatile uint32_t *)A)[i * N + k] = i + 2 * k + 1;
            ((volatile uint32_t *)B)[i * N + k] = i + k + 1;
        }
}

static void verify(const char *what)
{
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t j = 0; j < N; j++) {
            uint32_t c = ((volatile uint32_t *)C)[i * N + j];
            CHECK(c == closed_form(i, j, N), "%s: C[%u][%u] = %u, expected %u", what, i, j, c,
                  closed_form(i, j, N));
        }
}

/* Multiply with THREADS threads (1: on this one); return instructions. */
static uint64_t multiply(uint32_t threads)
{
    uint64_t t0 = rdtsc();
    if (threads == 1) {
        multiply_rows(0, N);
    } else {
        struct thread *t[NTHREADS];
        for (uint32_t i = 0; i < threads; i++) t[i] = thread_create("matrix", worker, (void *)i);
        for (uint32_t i = 0; i < threads; i++) thread_join(t[i]);
    }
    return rdtsc() - t0;
}

static void one_run(uint32_t n, uint32_t threads, struct tlb_model *tlb)
{
    N = n;
    uint32_t bytes = n * n * 4;
    A = vmpool_alloc(&mp, bytes);
    B = vmpool_alloc(&mp, bytes);
    C = vmpool_alloc(&mp, bytes);
    CHECK(A && B && C, "matrices of %u bytes", bytes);
    uint32_t f0 = vmstat_counts.fault_zero, ticks0 = pit_ticks();
    fill();
    tlb_flush(tlb);                             /* a cold TLB, as in the seed */
    tlb->lookups = tlb->misses = 0;
    wl_tlb_attach(tlb);
    uint64_t instr = multiply(threads);
    wl_tlb_attach(0);
    uint32_t ticks = pit_ticks() - ticks0, faults = vmstat_counts.fault_zero - f0;
    verify(threads == 1 ? "1 thread" : "15 threads");
    uint32_t rate = tlb_miss_rate_milli(tlb);
    msg("%4u %7u %13u %6u %7u %12u %8u %4u.%03u%%", n, threads, (uint32_t)instr, ticks, faults,
        (uint32_t)tlb->lookups, (uint32_t)tlb->misses, rate / 1000, rate % 1000);
    if (bench_mode) {
        char key[48];
        ksnprintf(key, sizeof key, "matrix.%u.t%u.instr", n, threads);
        bench_report(key, 0, (uint32_t)instr, "instructions to multiply (multiply only)");
        ksnprintf(key, sizeof key, "matrix.%u.t%u.tlb_misses", n, threads);
        bench_report(key, 0, (uint32_t)tlb->misses, "TLB model misses");
    }
    CHECK(vmpool_release(&mp, A) == 0 && vmpool_release(&mp, B) == 0 &&
          vmpool_release(&mp, C) == 0, "release");
}

/* The multiplication of size 100 on pages already mapped: in the VMPool,
 * then on identity-mapped kernel-pool frames. */
static void overhead(void)
{
    N = 100;
    uint32_t bytes = N * N * 4, pages = PG_ROUND_UP(bytes) / PAGE_SIZE;
    A = vmpool_alloc(&mp, bytes);
    B = vmpool_alloc(&mp, bytes);
    C = vmpool_alloc(&mp, bytes);
    CHECK(A && B && C, "matrices");
    uint64_t t0 = rdtsc();
    fill();
    multiply(1);
    uint64_t cold = rdtsc() - t0;               /* first touch included */
    t0 = rdtsc();
    fill();
    multiply(1);
    uint64_t paged = rdtsc() - t0;              /* every page mapped already */
    verify("paged");
    CHECK(vmpool_release(&mp, A) == 0 && vmpool_release(&mp, B) == 0 &&
          vmpool_release(&mp, C) == 0, "release");

    uint32_t fa = get_frames(&kernel_pool, pages), fb = get_frames(&kernel_pool, pages),
             fc = get_frames(&kernel_pool, pages);
    CHECK(fa && fb && fc, "no kernel-pool frames for the identity-mapped run");
    A = fa * PAGE_SIZE, B = fb * PAGE_SIZE, C = fc * PAGE_SIZE;
    t0 = rdtsc();
    fill();
    multiply(1);
    uint64_t ident = rdtsc() - t0;
    verify("identity-mapped");
    release_frames(fa), release_frames(fb), release_frames(fc);

    uint32_t permille = (uint32_t)((paged * 1000 + ident / 2) / ident);
    msg("paging overhead at size 100: %u instructions on VMPool pages, %u on identity-mapped "
        "frames: %u.%03ux", (uint32_t)paged, (uint32_t)ident, permille / 1000, permille % 1000);
    msg("first touch: %u more instructions (%u pages faulted in)", (uint32_t)(cold - paged),
        3 * pages);
    if (bench_mode) {
        bench_report("matrix.overhead_permille", 0, permille,
                     "VMPool / identity-mapped instructions x1000, pages faulted in");
        bench_report("matrix.first_touch", 0, (uint32_t)(cold - paged),
                     "extra instructions of the first run (faults)");
    }
}

static void run_table(void)
{
    static const uint32_t sizes[] = { 10, 20, 30, 40, 100, 200 };
    uint32_t entries = cmdline_uint("tlb", 512), ways = cmdline_uint("tlbways", 0);
    struct tlb_model tlb;
    void *mem = kmalloc(tlb_model_bytes(entries));
    CHECK(mem && tlb_model_init(&tlb, entries, ways, mem) == 0, "TLB model %u/%u", entries, ways);
    uint32_t free0 = free_frames();
    CHECK(vmpool_init(&mp, "matrix", 0x78000000, 64u << 20, PTE_W) == 0, "pool");
    msg("TLB model: %u entries, %s", entries, ways && ways < entries ? "set-associative"
        : "fully associative");
    msg("size threads  instructions  ticks  faults  tlb_lookups  misses  miss_rate");
    /* The test stops at 100 (its 200 is 2 billion instructions, and
     * adds nothing a test can check that 100 does not); the benchmark
     * runs the seed's whole table. */
    int nsizes = bench_mode ? 6 : 5;
    for (int s = 0; s < nsizes; s++) {
        one_run(sizes[s], 1, &tlb);
        one_run(sizes[s], NTHREADS, &tlb);
    }
    overhead();
    CHECK(vmpool_destroy(&mp) == 0, "destroy");
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(),
          free0);
    kfree(mem);
}

static void test_matrix(void) { bench_mode = 0; run_table(); }
static void bench_matrix(void) { bench_mode = 1; run_table(); }

TEST("matrix", test_matrix, "matrix multiply 10..100, 1 and 15 threads, closed form, TLB model",
     "mem=128 timeout=300");
BENCH("bench_matrix", bench_matrix, "the matrix table under -icount: instructions, TLB misses",
      "mem=128 timeout=600");
