/* tests/bench_daemon.c - the paging daemon measured: fault costs, write clustering, overlap.
 *
 * Run by `make bench` under QEMU -icount shift=0 (rdtsc counts guest
 * instructions, and the PIT ticks in the same virtual time).
 *
 * daemon.zero_fault      a demand-zero fault that finds a zeroed frame
 *                        ready: the loop touching 32 fresh pages, per
 *                        page, all in (trap to iret, and the store)
 * daemon.soft_fault      a fault on a page the daemon trimmed to the
 *                        modified list (the writer held): rescued, per
 *                        page, all in; no disk command may be issued
 * daemon.pages_per_write a write-heavy pass over 2,048 pages with 64
 *                        resident: pages the writer wrote per disk
 *                        command (x10, to keep a decimal)
 * daemon.fault_writes    pages written to swap by faulting threads in
 *                        that pass: must be 0
 * daemon.overlap_*       one thread computing while two threads page
 *                        (the same work in sync and in daemon mode):
 *                        total instructions and PIT ticks until all are
 *                        done.  In sync mode a faulting thread writes its
 *                        victim holding its pager's lock, so the other
 *                        paging thread (the same pool) waits for the
 *                        disk too; in daemon mode the writer writes
 *                        with no lock of the VM. */
#include "tests/harness.h"
#include "tests/bench.h"
#include "tests/util.h"
#include "mm/pager.h"
#include "mm/daemon.h"
#include "mm/swap.h"
#include "mm/paging.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "kernel/pit.h"
#include "kernel/x86.h"
#include "drivers/ata.h"

#define N 32

static struct vmpool dp;
static struct pager dpg;

static uint32_t setup(const char *name, uint32_t limit, uint32_t npages, int daemon)
{
    CHECK(vmpool_init(&dp, name, 0x50000000, 64u << 20, PTE_W) == 0, "pool");
    CHECK(pager_attach(&dp, &dpg, "clock", limit, 1) == 0, "pager");
    CHECK(pager_set_daemon(&dpg, daemon) == 0, "mode");
    uint32_t va = vmpool_alloc(&dp, npages * PAGE_SIZE);
    CHECK(va, "region");
    *(volatile uint32_t *)va = 0;               /* the page table, before measuring */
    return va;
}

static void teardown(uint32_t va)
{
    CHECK(vmpool_release(&dp, va) == 0 && pager_detach(&dpg) == 0 && vmpool_destroy(&dp) == 0,
          "teardown");
    daemon_settle();
}

static void faults(void)
{
    uint32_t va = setup("dbench", 4096, 4096, 1);
    daemon_wait_zeroed(N + 1);
    uint32_t z0 = daemon_stats.zeroed_used;
    cli();
    uint64_t t0 = rdtsc();
    for (uint32_t i = 1; i <= N; i++) *(volatile uint32_t *)(va + i * PAGE_SIZE) = i;
    uint64_t t = rdtsc() - t0;
    sti();
    CHECK(daemon_stats.zeroed_used - z0 == N, "only %u of %d faults found a zeroed frame",
          daemon_stats.zeroed_used - z0, N);
    bench_report("daemon.zero_fault", 0, (uint32_t)(t / N),
                 "instructions per demand-zero fault with a zeroed frame ready, all in");

    daemon_hold_writer(1);
    trim_all(&dpg);
    struct ata_stats a0, a1;
    ata_get_stats(&a0);
    uint32_t s0 = daemon_stats.soft_faults;
    cli();
    t0 = rdtsc();
    for (uint32_t i = 0; i <= N; i++) *(volatile uint32_t *)(va + i * PAGE_SIZE) = i;
    t = rdtsc() - t0;
    sti();
    ata_get_stats(&a1);
    uint32_t soft = daemon_stats.soft_faults - s0;
    CHECK(soft == N + 1, "%u soft faults for %d trimmed pages", soft, N + 1);
    CHECK(a1.sectors_read == a0.sectors_read && a1.sectors_written == a0.sectors_written,
          "a soft fault moved sectors");
    bench_report("daemon.soft_fault", 0, (uint32_t)(t / soft),
                 "instructions per soft fault (a rescue from the modified list), all in");
    daemon_hold_writer(0);
    teardown(va);
}

static void clustering(void)
{
    enum { PAGES = 2048 };
    uint32_t va = setup("dwrite", 64, PAGES, 1);
    struct daemon_stats d0 = daemon_stats;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < PAGES; i++)
            ((volatile uint32_t *)(va + i * PAGE_SIZE))[pass] = i;
    daemon_wait_written();
    uint32_t w = daemon_stats.written - d0.written, c = daemon_stats.write_cmds - d0.write_cmds;
    CHECK(c, "the writer wrote nothing");
    bench_report("daemon.pages_per_write", 0, w * 10 / c,
                 "pages per disk write command x10, 2 write passes over 2,048 pages, 64 resident");
    bench_report("daemon.fault_writes", 0, daemon_stats.fault_writes - d0.fault_writes,
                 "pages written to swap by faulting threads in that workload (target 0)");
    teardown(va);
}

/* ---- overlap ---- */

#define PAGERS 2
#define PAGER_PAGES 512
static uint32_t ov_va;
static volatile uint32_t ov_sink;

static void computer(void *arg)
{
    (void)arg;
    uint32_t x = 1;
    for (uint32_t i = 0; i < 20000000; i++) x = x * 1664525u + 1013904223u;
    ov_sink = x;
}

static void pager_thread(void *arg)
{
    uint32_t base = ov_va + (uint32_t)arg * PAGER_PAGES * PAGE_SIZE;
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t i = 0; i < PAGER_PAGES; i++)
            ((volatile uint32_t *)(base + i * PAGE_SIZE))[pass] = i;
}

static void overlap(int daemon, const char *mode)
{
    ov_va = setup("overlap", 64, PAGERS * PAGER_PAGES, daemon);
    struct ata_stats a0, a1;
    ata_get_stats(&a0);
    uint64_t t0 = rdtsc();
    uint32_t k0 = pit_ticks();
    struct thread *c = thread_create("compute", computer, 0), *p[PAGERS];
    CHECK(c, "thread");
    for (uint32_t i = 0; i < PAGERS; i++)
        CHECK((p[i] = thread_create("pager", pager_thread, (void *)i)) != 0, "thread");
    thread_join(c);
    for (uint32_t i = 0; i < PAGERS; i++) thread_join(p[i]);
    uint64_t t = rdtsc() - t0;
    uint32_t k = pit_ticks() - k0;
    ata_get_stats(&a1);
    msg("%s: %u disk commands slept through, %u polled; %u DMA commands", mode,
        a1.irq_waits - a0.irq_waits, a1.poll_waits - a0.poll_waits, a1.dma_cmds - a0.dma_cmds);
    char key[40];
    ksnprintf(key, sizeof key, "daemon.overlap_%s_minstr", mode);
    bench_report(key, 0, (uint32_t)(t / 1000000),
                 "one thread computing, two paging: million instructions until all done");
    ksnprintf(key, sizeof key, "daemon.overlap_%s_ticks", mode);
    bench_report(key, 0, k, "... and PIT ticks (100 a second)");
    teardown(ov_va);
}

static void bench_daemon(void)
{
    CHECK(swap_present(), "no swap disk");
    daemon_start();
    faults();
    clustering();
    overlap(0, "sync");
    overlap(1, "daemon");
}

BENCH("bench_daemon", bench_daemon, "the paging daemon: zero and soft faults, write runs, overlap",
      "mem=64 disk=32");
