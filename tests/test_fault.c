/* tests/test_fault.c - the page-fault path, checked where it can go wrong.
 *
 * fresh_page_zero: frames go back to the pool with their old contents,
 *   so a fresh page is zero only because the fault handler zeroes it.
 *   Pages are dirtied with a pattern and released, then allocated again,
 *   in the same pool and in another one, and through a pager that drops
 *   never-written pages clean; every byte of every fresh page must read
 *   0.  It fails if the handler's zeroing (map_fresh_page) is skipped,
 *   or (daemon mode) if the zero thread's is: fresh pages are then
 *   taken from the zeroed list, refilled from dirtied frames.
 * fault_overlap: two threads fault on one page, and the first is made to
 *   yield while it holds the fault's locks, before it maps (fault_map_hook),
 *   so the second really waits for the page's lock with the page unmapped.  There
 *   must be one frame, one mapping, both writes visible, and the second
 *   fault must have found the page mapped (fault_raced).  Without the
 *   re-check of the PTE under the lock the second fault would map the
 *   page again (map_page panics on that).
 * stack_guard_direct: a thread writes straight into the guard page below
 *   its stack (not by pushing, so the CPU can deliver the page fault).
 *   The page-fault path must recognise the guard page, report the
 *   overflow naming the thread, and kill only it; a thread killed so
 *   while holding the VM lock shared gives it back.  The `stack_guard`
 *   test reaches the double-fault path instead.
 * read_only_no_writes: under memory pressure, pages that are only ever
 *   read cause no disk write at all: zero-filling must leave A and D
 *   clear, and a clean page needs no page-out (in daemon mode: is
 *   trimmed to the standby list, never to the modified list, so the
 *   writer writes nothing either).  The zero thread is held, so that
 *   in daemon mode too every fresh page is zeroed by the fault path
 *   (a frame the zero thread zeroed was written through another
 *   mapping, and its PTE's D bit never set at all).
 * tlb_model_invalidate: with the TLB model attached, a page that was
 *   touched and then freed, and a page that was touched and then
 *   evicted, are no longer in the model: every invlpg reaches it
 *   through the flush observer (mm/paging.h). */
#include "tests/harness.h"
#include "tests/util.h"
#include "tests/workloads/workload.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "mm/vmpool.h"
#include "mm/pager.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/swap.h"
#include "mm/fault.h"
#include "mm/kmalloc.h"
#include "mm/tlb_model.h"
#include "mm/daemon.h"

static struct vmpool pa, pb;
static struct pager pgr;

/* Fill NPAGES pages at VA with a non-zero pattern. */
static void dirty(uint32_t va, uint32_t npages)
{
    for (uint32_t i = 0; i < npages * PAGE_SIZE / 4; i++)
        ((volatile uint32_t *)va)[i] = 0xDEAD0000u | i;
}

/* Check that every byte of the NPAGES fresh pages at VA reads 0. */
static void all_zero(const char *what, uint32_t va, uint32_t npages)
{
    for (uint32_t i = 0; i < npages * PAGE_SIZE; i++) {
        uint8_t b = ((volatile uint8_t *)va)[i];
        CHECK(b == 0, "%s: byte %u of page %u reads 0x%x, not 0: a recycled frame was "
              "handed out unzeroed", what, i % PAGE_SIZE, i / PAGE_SIZE, b);
    }
    msg("%s: %u fresh pages, every byte 0", what, npages);
}

/* Daemon mode (a pager in it, so the zero thread works): a demand-zero
 * fault that takes a frame from the zeroed list does not zero it, so the
 * zero thread must have.  Frames are dirtied and released, the zeroed
 * list is used up, and the zero thread refills it from the pool, whose
 * lowest free frames are the dirty ones; fresh pages of the paged pool
 * B then take them (only a daemon pager's faults use the list). */
static void zeroed_list_zero(void)
{
    /* The pager just attached woke the zero thread (with no pager in
     * daemon mode it keeps no zeroed frames): let it fill its list
     * first, so that the faults below use the list up whatever the
     * timing. */
    daemon_wait_zeroed(DAEMON_ZEROED_TARGET);
    uint32_t d = vmpool_alloc(&pa, 96 * PAGE_SIZE);
    CHECK(d, "region");
    dirty(d, 96);
    CHECK(vmpool_release(&pa, d) == 0, "release");
    uint32_t n = daemon_zeroed.count + 1, used0 = daemon_stats.zeroed_used;
    uint32_t made0 = daemon_stats.zeroed_made;
    uint32_t z = vmpool_alloc(&pb, n * PAGE_SIZE);
    CHECK(z, "region");
    for (uint32_t i = 0; i < n; i++) (void)((volatile uint32_t *)(z + i * PAGE_SIZE))[0];
    for (int i = 0; i < 500 && daemon_stats.zeroed_made - made0 < 48; i++) thread_sleep(1);
    uint32_t y = vmpool_alloc(&pb, 32 * PAGE_SIZE);
    CHECK(y, "region");
    all_zero("zeroed list, refilled from released dirty frames", y, 32);
    CHECK(daemon_stats.zeroed_made - made0 >= 32 && daemon_stats.zeroed_used - used0 > n,
          "the zero thread made %u frames, and faults took %u from the list: the zeroed list "
          "was not exercised", daemon_stats.zeroed_made - made0,
          daemon_stats.zeroed_used - used0);
    CHECK(vmpool_release(&pb, z) == 0 && vmpool_release(&pb, y) == 0, "release");
}

static void test_fresh_page_zero(void)
{
    uint32_t free0 = free_frames(), slots0 = swap_stats.used;
    CHECK(vmpool_init(&pa, "zero-a", 0x44000000, 16u << 20, PTE_W) == 0, "pool a");
    CHECK(vmpool_init(&pb, "zero-b", 0x48000000, 16u << 20, PTE_W) == 0, "pool b");

    /* Same pool: the released frames are the lowest free ones, so the
     * next allocation gets them back. */
    uint32_t va = vmpool_alloc(&pa, 32 * PAGE_SIZE);
    CHECK(va, "region");
    dirty(va, 32);
    CHECK(vmpool_release(&pa, va) == 0, "release");
    va = vmpool_alloc(&pa, 32 * PAGE_SIZE);
    all_zero("same pool", va, 32);
    dirty(va, 32);
    CHECK(vmpool_release(&pa, va) == 0, "release");

    /* Another pool gets the same frames. */
    uint32_t vb = vmpool_alloc(&pb, 32 * PAGE_SIZE);
    all_zero("another pool", vb, 32);
    CHECK(vmpool_release(&pb, vb) == 0, "release b");

    /* Through a pager with 4 frames: 8 pages only read are zero-filled,
     * never written, and so dropped clean when evicted; between their
     * touches the frames are reused for pages filled with a pattern. */
    CHECK(swap_present(), "no swap disk");
    CHECK(pager_attach(&pb, &pgr, "fifo", 4, 1) == 0, "pager");
    if (pgr.daemon) zeroed_list_zero();
    uint32_t ro = vmpool_alloc(&pb, 8 * PAGE_SIZE), rw = vmpool_alloc(&pb, 8 * PAGE_SIZE);
    CHECK(ro && rw, "regions");
    for (int round = 0; round < 3; round++) {
        all_zero("read-only pages, dropped clean and faulted again", ro, 8);
        dirty(rw, 8);
    }
    CHECK(pgr.clean_drops > 0, "no page was dropped clean");
    CHECK(vmpool_release(&pb, ro) == 0 && vmpool_release(&pb, rw) == 0, "release");
    CHECK(pager_detach(&pgr) == 0, "detach");
    CHECK(vmpool_destroy(&pa) == 0 && vmpool_destroy(&pb) == 0, "destroy");
    CHECK(free_frames() == free0 && swap_stats.used == slots0, "frames or slots leaked");
}

/* fault_overlap: the first thread to fault yields once, lock held. */
static volatile int overlap_yields;
static volatile uint32_t overlap_page;

static void yield_once(uint32_t va)
{
    if (PG_ROUND_DOWN(va) != overlap_page || overlap_yields) return;
    overlap_yields = 1;
    msg("first fault on %p holds its locks and yields before mapping", (void *)va);
    thread_yield();                     /* the second thread runs and waits for the lock */
    thread_yield();
}

static struct semaphore touched, go;

static void toucher(void *arg)
{
    uint32_t id = (uint32_t)arg;
    sema_down(&go);                     /* not before the counts are taken */
    ((volatile uint32_t *)overlap_page)[id] = 0xC0DE0000u + id;
    sema_up(&touched);
}

static void test_fault_overlap(void)
{
    uint32_t free0 = free_frames();
    CHECK(vmpool_init(&pa, "overlap", 0x4C000000, 4u << 20, PTE_W) == 0, "pool");
    uint32_t va = vmpool_alloc(&pa, PAGE_SIZE);
    CHECK(va, "region");
    ((volatile uint32_t *)va)[1023] = 0;            /* page table and page exist... */
    CHECK(vmpool_release(&pa, va) == 0, "release");
    va = vmpool_alloc(&pa, 2 * PAGE_SIZE);           /* ...and now a fresh one beside */
    uint32_t page = va + PAGE_SIZE;
    overlap_page = page;
    overlap_yields = 0;
    sema_init(&touched, "touched", 0);
    sema_init(&go, "go", 0);
    struct thread *a = thread_create("fault-1", toucher, (void *)0);
    struct thread *b = thread_create("fault-2", toucher, (void *)1);
    /* Count from here to both touches: thread creation and join move
     * heap and stack frames of their own. */
    struct vmstat before = vmstat_counts;
    fault_map_hook = yield_once;
    sema_up(&go);
    sema_up(&go);
    sema_down(&touched);
    sema_down(&touched);
    fault_map_hook = 0;
    uint32_t frames = vmstat_counts.frames_data - before.frames_data;
    uint32_t zero = vmstat_counts.fault_zero - before.fault_zero;
    uint32_t raced = vmstat_counts.fault_raced - before.fault_raced;
    msg("%u frame(s) mapped, %u demand-zero fault(s), %u fault(s) found the page mapped",
        frames, zero, raced);
    CHECK(overlap_yields, "the hook never ran: the faults did not overlap");
    CHECK(frames == 1 && zero == 1, "%u frames for one page", frames);
    CHECK(raced == 1, "the second fault did not find the page mapped (%u)", raced);
    CHECK(((volatile uint32_t *)page)[0] == 0xC0DE0000u &&
          ((volatile uint32_t *)page)[1] == 0xC0DE0001u, "a write was lost");
    thread_join(a);
    thread_join(b);
    CHECK(vmpool_release(&pa, va) == 0 && vmpool_destroy(&pa) == 0, "teardown");
    CHECK(free_frames() == free0, "frames leaked");
}

static void guard_writer(void *arg)
{
    (void)arg;
    uint32_t lo = thread_current()->stack_lo;
    *(volatile uint32_t *)(lo - 64) = 0xBAD;        /* a plain store, not a push */
    fail("the store into the guard page at %p was not stopped", (void *)(lo - 64));
}

/* The same, holding the VM lock shared (as a fault would, deep in a
 * swap-in): the hold must be given back when the thread is killed. */
static void guard_writer_shared(void *arg)
{
    vm_lock_shared();
    guard_writer(arg);
}

static void test_stack_guard_direct(void)
{
    uint32_t free0 = free_frames();
    struct thread *t = thread_create("guard-writer", guard_writer, 0);
    CHECK(thread_join(t) == THREAD_OVERFLOW, "the thread was not killed for its overflow");
    msg("the page-fault path caught the store into the guard page; the kernel runs on");
    t = thread_create("guard-shared", guard_writer_shared, 0);
    CHECK(thread_join(t) == THREAD_OVERFLOW, "the thread was not killed for its overflow");
    int got = 0;
    for (int i = 0; i < 100 && !(got = vm_trylock_excl()); i++) thread_sleep(1);
    CHECK(got, "the killed thread's shared hold of the VM lock was not given back: nothing "
          "can take it exclusive");
    vm_unlock_excl();
    msg("a thread killed holding the VM lock shared gave it back; it can be taken exclusive");
    CHECK(free_frames() == free0, "frames leaked");
}

static void test_read_only_no_writes(void)
{
    uint32_t free0 = free_frames(), slots0 = swap_stats.used, writes0 = swap_stats.writes;
    CHECK(swap_present(), "no swap disk");
    CHECK(vmpool_init(&pa, "readonly", 0x4C000000, 4u << 20, PTE_W) == 0, "pool");
    CHECK(pager_attach(&pa, &pgr, PAGER_DEFAULT_POLICY, 8, 1) == 0, "pager");
    uint32_t va = vmpool_alloc(&pa, 64 * PAGE_SIZE), sum = 0;
    CHECK(va, "region");
    daemon_hold_zero(1);
    for (int pass = 0; pass < 4; pass++)
        for (uint32_t p = 0; p < 64; p++) sum += ((volatile uint32_t *)(va + p * PAGE_SIZE))[p];
    daemon_hold_zero(0);
    msg("4 passes reading 64 pages through 8 frames: %u faults, %u evictions, %u disk "
        "writes", pgr.faults, pgr.evictions, pgr.disk_writes);
    CHECK(sum == 0, "read-only pages are not zero");
    CHECK(pgr.evictions > 0, "no memory pressure: nothing was evicted");
    CHECK(pgr.disk_writes == 0, "%u pages written to swap, but none was ever written to",
          pgr.disk_writes);
    /* Daemon mode: a page trimmed with a D bit (or FRAME_DIRTY) goes to
     * the modified list, and the writer writes it later; let it. */
    daemon_page_out_lists();
    CHECK(swap_stats.writes == writes0, "%u pages written to swap (by the writer?), but none "
          "was ever written to", swap_stats.writes - writes0);
    CHECK(pgr.clean_drops == pgr.evictions, "%u of %u evictions were not clean",
          pgr.evictions - pgr.clean_drops, pgr.evictions);
    CHECK(vmpool_release(&pa, va) == 0 && pager_detach(&pgr) == 0 && vmpool_destroy(&pa) == 0,
          "teardown");
    CHECK(free_frames() == free0 && swap_stats.used == slots0, "frames or slots leaked");
}

static void test_tlb_model_invalidate(void)
{
    uint32_t free0 = free_frames(), slots0 = swap_stats.used;
    struct tlb_model tlb;
    void *mem = kmalloc(tlb_model_bytes(64));
    CHECK(mem && tlb_model_init(&tlb, 64, 0, mem) == 0, "model");
    CHECK(vmpool_init(&pa, "tlb-plain", 0x44000000, 4u << 20, PTE_W) == 0, "pool");
    CHECK(vmpool_init(&pb, "tlb-paged", 0x48000000, 4u << 20, PTE_W) == 0, "paged pool");
    CHECK(pager_attach(&pb, &pgr, "fifo", 1, 1) == 0, "pager");
    uint32_t a = vmpool_alloc(&pa, PAGE_SIZE), b = vmpool_alloc(&pb, 2 * PAGE_SIZE);
    CHECK(a && b, "regions");
    wl_tlb_attach(&tlb);
    wl_wr32(a, 1);                                  /* the model now holds a */
    wl_wr32(b, 2);                                  /* and b */
    CHECK(tlb_contains(&tlb, a >> PAGE_SHIFT) && tlb_contains(&tlb, b >> PAGE_SHIFT),
          "the model missed a touch");
    CHECK(vmpool_release(&pa, a) == 0, "free a");   /* free_page: invlpg(a) */
    wl_wr32(b + PAGE_SIZE, 3);                      /* one frame: b is evicted */
    wl_tlb_attach(0);
    CHECK(pgr.evictions == 1, "%u evictions, expected b's", pgr.evictions);
    CHECK(!tlb_contains(&tlb, a >> PAGE_SHIFT), "the model still holds the freed page %p",
          (void *)a);
    CHECK(!tlb_contains(&tlb, b >> PAGE_SHIFT), "the model still holds the evicted page %p",
          (void *)b);
    msg("the model dropped both the freed and the evicted page");
    CHECK(vmpool_release(&pb, b) == 0 && pager_detach(&pgr) == 0, "release");
    CHECK(vmpool_destroy(&pa) == 0 && vmpool_destroy(&pb) == 0, "destroy");
    kfree(mem);
    CHECK(free_frames() == free0 && swap_stats.used == slots0, "frames or slots leaked");
}

TEST("fresh_page_zero", test_fresh_page_zero,
     "every byte of a fresh page is 0: same pool, other pool, after a clean drop", "disk=8");
TEST("fault_overlap", test_fault_overlap,
     "two faults on one page truly overlap: one frame, one mapping", "");
TEST("stack_guard_direct", test_stack_guard_direct,
     "a store into the guard page is caught by the page-fault path, by name",
     "log=stack.overflow:.thread.\\d+.'guard-writer'.touched.its.guard.page timeout=10");
TEST("read_only_no_writes", test_read_only_no_writes,
     "pages only read are never written to swap", "disk=8");
TEST("tlb_model_invalidate", test_tlb_model_invalidate,
     "the TLB model forgets freed and evicted pages", "disk=8");
