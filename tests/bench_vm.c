/* tests/bench_vm.c - guest instructions on the virtual-memory paths.
 *
 * Run by `make bench` under QEMU -icount shift=0 (rdtsc = instructions
 * executed), with interrupts off while measuring.
 *
 * fault: a loop touching NPAGES fresh pages, minus the same loop over
 *   the same pages once mapped, is the cost of NPAGES faults; minus the
 *   measured cost of zeroing one page, what remains is the handler path
 *   from trap entry to iret.
 * region: allocate+release of a one-page region with 10 and with 10,000
 *   other regions live in the pool.
 * kmalloc: kmalloc(32)+kfree with a warm size class. */
#include "tests/harness.h"
#include "tests/bench.h"
#include "mm/vmpool.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define NPAGES 512
#define ROUNDS 2000

static struct vmpool bp;

static uint64_t touch_all(uint32_t va)
{
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < NPAGES; i++) *(volatile uint32_t *)(va + i * PAGE_SIZE) = i;
    return rdtsc() - t0;
}

static void bench_fault(void)
{
    uint32_t va = vmpool_alloc(&bp, NPAGES * PAGE_SIZE);
    CHECK(va, "allocate");
    *(volatile uint32_t *)va = 0;               /* page table exists: no table faults */
    free_page(va);                              /* ... but the first page is fresh again */
    uint64_t cold = touch_all(va), warm = touch_all(va);
    uint64_t z0 = rdtsc();
    memset((void *)va, 0, PAGE_SIZE);
    uint64_t zero = rdtsc() - z0 - bench_overhead(0);
    uint32_t per_fault = (uint32_t)((cold - warm) / NPAGES);
    bench_report("vm.fault_total", 0, per_fault, "instructions per demand-zero fault, all in");
    bench_report("vm.fault_zeroing", 0, (uint32_t)zero, "instructions zeroing the page (memset)");
    bench_report("vm.fault_handler", 0, per_fault - (uint32_t)zero,
                 "instructions from trap entry to iret, zeroing excluded");
    CHECK(vmpool_release(&bp, va) == 0, "release");
}

static uint32_t region_cost(uint32_t live)
{
    static uint32_t keep[10000];
    for (uint32_t i = 0; i < live; i++) keep[i] = vmpool_alloc(&bp, PAGE_SIZE);
    uint64_t t0 = rdtsc();
    for (int r = 0; r < ROUNDS; r++) vmpool_release(&bp, vmpool_alloc(&bp, PAGE_SIZE));
    uint64_t t = rdtsc() - t0 - bench_overhead(ROUNDS);
    for (uint32_t i = 0; i < live; i++) vmpool_release(&bp, keep[i]);
    return (uint32_t)(t / ROUNDS);
}

static void bench_vm(void)
{
    CHECK(vmpool_init(&bp, "bench", 0x40000000, 256u << 20, PTE_W) == 0, "pool");
    /* Grow the region table to its 10,000-region size before measuring,
     * so that no measurement pays for its first-touch faults. */
    region_cost(10000);
    cli();
    bench_fault();
    uint32_t r10 = region_cost(10), r10k = region_cost(10000);
    bench_report("vm.region_10", 0, r10, "instructions per allocate+release, 10 live regions");
    bench_report("vm.region_10000", 0, r10k, "instructions per allocate+release, 10,000 live");
    void *warm = kmalloc(32);
    uint64_t t0 = rdtsc();
    for (int r = 0; r < ROUNDS; r++) kfree(kmalloc(32));
    uint64_t t = rdtsc() - t0 - bench_overhead(ROUNDS);
    kfree(warm);
    sti();
    bench_report("vm.kmalloc32", 0, (uint32_t)(t / ROUNDS), "instructions per kmalloc(32)+kfree");
    CHECK(vmpool_destroy(&bp) == 0, "destroy");
}

BENCH("bench_vm", bench_vm, "instructions per fault, per allocate+release, per kmalloc", "mem=128");
