/* tests/test_thread_vm.c - the VM under concurrent threads.
 *
 * thread_fault_race: 16 threads are released at once onto the same 64
 *   fresh pages, each writing its own word in every page.  Two threads
 *   faulting on one page must end with one frame and one mapping: if the
 *   handler mapped a second frame, the first thread's word would be lost.
 *   Exactly 64 data frames (plus page tables) must be taken, and all are
 *   given back at the end.
 * thread_vm_stress: 8 threads do random allocate / touch / verify /
 *   release on two shared VMPools (one of them pageable, with a resident
 *   limit far below what the threads touch, so pages are evicted to swap
 *   and read back under contention) and random kmalloc/kfree, with the
 *   timer preempting them; every byte must verify, and frames and swap
 *   slots must balance at the end. */
#include "tests/harness.h"
#include "tests/util.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "mm/vmpool.h"
#include "mm/pager.h"
#include "mm/swap.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "mm/memlayout.h"
#include "mm/daemon.h"

#define RACERS 16
#define RPAGES 64

static struct vmpool rp;
static uint32_t rbase;
static volatile int go;

static void racer(void *arg)
{
    uint32_t id = (uint32_t)arg;
    while (!go) thread_yield();
    for (uint32_t p = 0; p < RPAGES; p++)
        ((volatile uint32_t *)(rbase + p * PAGE_SIZE))[id] = 0xA000 + id;
}

static void test_thread_fault_race(void)
{
    uint32_t free0 = free_frames();
    CHECK(vmpool_init(&rp, "race", 0x58000000, 16u << 20, PTE_W) == 0, "pool");
    rbase = vmpool_alloc(&rp, RPAGES * PAGE_SIZE);
    CHECK(rbase, "region");
    uint32_t data0 = vmstat_counts.frames_data, faults0 = vmstat_counts.fault_zero;
    struct thread *t[RACERS];
    go = 0;
    for (uint32_t i = 0; i < RACERS; i++) t[i] = thread_create("racer", racer, (void *)i);
    go = 1;
    for (int i = 0; i < RACERS; i++) thread_join(t[i]);
    uint32_t frames = vmstat_counts.frames_data - data0;
    msg("%d threads on %d pages: %u data frames taken, %u demand-zero faults", RACERS, RPAGES,
        frames, vmstat_counts.fault_zero - faults0);
    CHECK(frames == RPAGES, "%u frames for %d pages: a page was mapped twice", frames, RPAGES);
    for (uint32_t p = 0; p < RPAGES; p++)
        for (uint32_t i = 0; i < RACERS; i++) {
            uint32_t v = ((volatile uint32_t *)(rbase + p * PAGE_SIZE))[i];
            CHECK(v == 0xA000 + i, "page %u lost thread %u's word (0x%x)", p, i, v);
        }
    CHECK(vmpool_release(&rp, rbase) == 0 && vmpool_destroy(&rp) == 0, "teardown");
    CHECK(free_frames() == free0, "frames leaked: %u free, %u before", free_frames(),
          free0);
}

#define WORKERS 8
#define OPS     400

static struct vmpool plain, paged;
static struct pager ppg;
static volatile uint32_t corrupt, done_ops;

static uint8_t pattern(uint32_t id, uint32_t op, uint32_t i) { return (uint8_t)(id * 37 + op * 11 + i); }

static void touch_verify(struct vmpool *pool, uint32_t id, uint32_t op, uint32_t *seed)
{
    uint32_t pages = 1 + rand_next(seed) % 6;
    uint8_t *r = (uint8_t *)vmpool_alloc(pool, pages * PAGE_SIZE);
    if (!r) {
        corrupt += 1000000;                 /* shows up as a failure */
        return;
    }
    /* A few bytes on every page, so every page is touched (and faults). */
    for (uint32_t p = 0; p < pages; p++)
        for (uint32_t i = 0; i < 64; i += 7) r[p * PAGE_SIZE + i * 61] = pattern(id, op, p + i);
    if (rand_next(seed) % 2) thread_yield();
    for (uint32_t p = 0; p < pages; p++)
        for (uint32_t i = 0; i < 64; i += 7)
            corrupt += r[p * PAGE_SIZE + i * 61] != pattern(id, op, p + i);
    if (vmpool_release(pool, (uint32_t)r) != 0) corrupt += 1000000;
}

static void stress(void *arg)
{
    uint32_t id = (uint32_t)arg, seed = 1000 + id;
    for (uint32_t op = 0; op < OPS; op++) {
        switch (rand_next(&seed) % 3) {
        case 0: touch_verify(&plain, id, op, &seed); break;
        case 1: touch_verify(&paged, id, op, &seed); break;
        default: {
            uint32_t n = 1 + rand_next(&seed) % 3000;
            uint8_t *k = kmalloc(n);
            if (!k) { corrupt += 1000000; break; }
            for (uint32_t i = 0; i < n; i++) k[i] = pattern(id, op, i);
            thread_yield();
            for (uint32_t i = 0; i < n; i++) corrupt += k[i] != pattern(id, op, i);
            kfree(k);
        }
        }
        done_ops++;
    }
}

static void test_thread_vm_stress(void)
{
    uint32_t free0 = free_frames(), slots0 = swap_stats.used;
    uint32_t heap0 = kmalloc_pages();
    corrupt = done_ops = 0;                     /* a second run starts afresh */
    /* Region tables grow page by page and keep their pages: count them. */
    uint32_t tables0 = vmpool_table_frames(&kheap);
    CHECK(swap_present(), "no swap disk");
    CHECK(vmpool_init(&plain, "plain", 0x60000000, 64u << 20, PTE_W) == 0, "plain");
    CHECK(vmpool_init(&paged, "paged", 0x68000000, 64u << 20, PTE_W) == 0, "paged");
    CHECK(pager_attach(&paged, &ppg, PAGER_DEFAULT_POLICY, 12, 1) == 0, "pager");
    struct thread *t[WORKERS];
    for (uint32_t i = 0; i < WORKERS; i++) t[i] = thread_create("stress", stress, (void *)i);
    for (int i = 0; i < WORKERS; i++) thread_join(t[i]);
    msg("%u operations by %d threads; paged pool: %u faults, %u evictions, %u swap-ins",
        done_ops, WORKERS, ppg.faults, ppg.evictions, ppg.disk_reads);
    CHECK(corrupt == 0, "%u corrupted bytes or failed operations", corrupt);
    CHECK(done_ops == WORKERS * OPS, "%u operations done", done_ops);
    CHECK(ppg.evictions > 0, "the resident limit never forced an eviction");
    CHECK(pager_detach(&ppg) == 0, "detach");
    CHECK(vmpool_destroy(&plain) == 0 && vmpool_destroy(&paged) == 0, "destroy");
    daemon_settle();        /* daemon mode: a write in flight frees its released pages' slots */
    CHECK(swap_stats.used == slots0, "swap slots leaked: %u used, %u before", swap_stats.used,
          slots0);
    CHECK(kmalloc_pages() == heap0, "heap pages leaked: %u, %u before", kmalloc_pages(), heap0);
    uint32_t grown = vmpool_table_frames(&kheap) - tables0;
    msg("frames %u -> %u; region tables grew by %u", free0, free_frames(), grown);
    CHECK(free_frames() + grown == free0, "frames leaked: %u free + %u table, %u before",
          free_frames(), grown, free0);
}

TEST("thread_fault_race", test_thread_fault_race, "16 threads fault on the same pages: one frame each",
     "");
TEST("thread_vm_stress", test_thread_vm_stress,
     "8 threads: VMPools, paging to swap and kmalloc under preemption", "disk=8 timeout=300");
