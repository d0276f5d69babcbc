/* tests/test_daemon.c - the paging daemon: lists, rescue, the writer, repurposing, back-off.
 *
 * Each test makes a pageable pool of its own in daemon mode (mm/daemon.h)
 * with a small resident limit, so that pages leave the working set as
 * soon as more are touched; every page holds a signature checked word
 * by word.  At the end every frame, slot and list entry must be back.
 *
 * daemon_rescue_modified: with the writer held, a page trimmed dirty
 *   waits on the modified list; touching it again is a soft fault: no
 *   disk read, no write, its data intact.
 * daemon_rescue_standby: a page the writer has written waits on standby;
 *   touching it is a soft fault, no read; trimmed again unwritten, it
 *   goes straight back to standby with no second write; written, it goes
 *   to the modified list and is written again.  Detaching the pager while
 *   its pages wait on the lists is refused.
 * daemon_write_race: a thread keeps writing to pages (and to a shadow
 *   copy) while they are trimmed, written and rescued, also in flight:
 *   no update is lost.
 * daemon_repurpose: with the frame pool empty, new pages of another pool
 *   take standby frames; the old owner's PTEs become swap entries, and
 *   its next touches read the right data back from swap.
 * daemon_backoff: both inversions.  The zero thread's repurpose (lists
 *   lock, then the VM lock by trying) meets a VM lock held by this test:
 *   it backs off, again and again, and completes once the lock is let
 *   go.  A fault's repurpose (its pager's lock and the lists, then the
 *   lock of the pager whose standby frame it takes, by trying) meets
 *   that pager's lock held by another thread: it passes the frames over
 *   and waits, and completes once the lock is let go.  Nothing
 *   deadlocks; the repurposed pages come back right.
 * daemon_table_emptied: a page table whose last pages are repurposed (so
 *   emptied by faults, holding the VM lock shared) is released with its
 *   region, not before, and not never.
 * daemon_detach_inflight: a pager detached while the writer takes its
 *   pages in flight (off every list) is refused: its pool's region is
 *   still allocated.
 * fault_locks: the fault path's locks are finer than one VM lock: while
 *   a thread holds one pager's lock (as a fault on its pages would,
 *   waiting for the disk), faults on another pager's pages and on the
 *   kernel heap go on; a fault on the held pager's pages waits for it.
 * daemon_zeroed_full: four pagers' stashes of zeroed frames given back
 *   at once (the zero thread held) to a zeroed list already at its
 *   target: what does not fit goes back to the pool, and no frame is
 *   lost.
 * frame_release_listed: freeing a frame that is on the zeroed list
 *   panics, naming the frame and its state.
 * daemon_dma: the writer's runs, 16 pages in one DMA command, round trip
 *   through swap; a write error injected by blkdebug is retried and the
 *   data still arrives; with DMA off the same runs go by PIO.
 * daemon_stress: 8 threads on two pools with small resident limits (two
 *   pagers, so two locks, over one page table), and 8 processes with the
 *   processes' pager in daemon mode and a small limit; then the threads
 *   again with all but 20 frames held, so that faults repurpose each
 *   other's standby frames; each a fixed number of writes: no corrupted
 *   byte, no faulting thread wrote to swap, and frames, slots and lists
 *   balance at the end. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/pager.h"
#include "mm/daemon.h"
#include "mm/swap.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/physmem.h"
#include "mm/kmalloc.h"
#include "mm/uvm.h"
#include "kernel/thread.h"
#include "kernel/sync.h"
#include "kernel/proc.h"
#include "drivers/ata.h"
#include "lib/errno.h"
#include "lib/string.h"

#define BASE_A 0xA0000000u
#define BASE_B 0xA8000000u

static struct vmpool pa, pb;
static struct pager pga, pgb;

struct start {
    uint32_t frames, slots;
};

static struct start start(void)
{
    CHECK(swap_present(), "no swap disk");
    daemon_start();                     /* its threads' stacks are not the test's leak */
    return (struct start){ free_frames(), swap_stats.used };
}

/* Pool P of SIZE bytes at BASE with a daemon-mode pager of LIMIT
 * frames, and a region of NPAGES in it.  Fails the test if any step is
 * refused. */
static uint32_t sized_pool(struct vmpool *p, struct pager *pg, uint32_t base, uint32_t size,
                           const char *name, uint32_t limit, uint32_t npages)
{
    CHECK(vmpool_init(p, name, base, size, PTE_W) == 0, "pool %s", name);
    CHECK(pager_attach(p, pg, "clock", limit, 1) == 0, "pager");
    CHECK(pager_set_daemon(pg, 1) == 0, "daemon mode");
    uint32_t va = vmpool_alloc(p, npages * PAGE_SIZE);
    CHECK(va, "region");
    return va;
}

/* sized_pool of 64 MiB. */
static uint32_t pool(struct vmpool *p, struct pager *pg, uint32_t base, const char *name,
                     uint32_t limit, uint32_t npages)
{
    return sized_pool(p, pg, base, 64u << 20, name, limit, npages);
}

static void unpool(struct vmpool *p, struct pager *pg, uint32_t va)
{
    CHECK(vmpool_release(p, va) == 0 && pager_detach(pg) == 0 && vmpool_destroy(p) == 0,
          "teardown of %s", p->name);
}

static void same(struct start s)
{
    uint32_t frames = free_frames();
    CHECK(frames == s.frames, "frames leaked: %u free, %u before", frames, s.frames);
    CHECK(swap_stats.used == s.slots, "slots leaked: %u used, %u before", swap_stats.used,
          s.slots);
    CHECK(!flist_check(&daemon_standby) && !flist_check(&daemon_modified) &&
          !fstack_check(&daemon_zeroed), "a list is broken");
}

static uint32_t word(uint32_t seed, uint32_t page, uint32_t k)
{
    return seed * 2654435761u ^ page * 40503u ^ k * 97u;
}

static void fill(uint32_t va, uint32_t first, uint32_t n, uint32_t seed)
{
    barrier();                                  /* (the touches may fault: kernel/x86.h) */
    for (uint32_t p = first; p < first + n; p++)
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
            ((volatile uint32_t *)(va + p * PAGE_SIZE))[k] = word(seed, p, k);
    barrier();
}

static uint32_t bad(uint32_t va, uint32_t first, uint32_t n, uint32_t seed)
{
    uint32_t b = 0;
    barrier();
    for (uint32_t p = first; p < first + n; p++)
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
            b += ((volatile uint32_t *)(va + p * PAGE_SIZE))[k] != word(seed, p, k);
    barrier();
    return b;
}

/* The daemon state of page VA's frame, or -1 if it has none. */
static int state_of(uint32_t va)
{
    pte_t e = pte_get(va);
    if (!(e & PTE_P) && !pte_is_trans(e)) return -1;
    return frame_of(pte_frame(e))->state;
}

/* The first of N pages at VA whose frame is in state STATE, or N. */
static uint32_t find(uint32_t va, uint32_t n, int state)
{
    uint32_t p;
    for (p = 0; p < n && state_of(va + p * PAGE_SIZE) != state; p++)
        ;
    return p;
}

static void test_rescue_modified(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "rescue", 4, 8);
    daemon_hold_writer(1);
    fill(va, 0, 8, 1);
    uint32_t p = find(va, 8, FS_MODIFIED);
    CHECK(p < 8, "no page is on the modified list after 8 written pages and a limit of 4");
    msg("page %u waits on the modified list (%u pages there), the writer held", p,
        daemon_modified.count);
    uint32_t reads0 = pga.disk_reads, writes0 = swap_stats.writes,
             soft0 = daemon_stats.soft_faults;
    uint32_t b = bad(va, p, 1, 1);
    CHECK(b == 0, "%u words of page %u wrong after its rescue", b, p);
    CHECK(daemon_stats.soft_faults > soft0, "touching it was no soft fault");
    CHECK(pga.disk_reads == reads0 && swap_stats.writes == writes0,
          "the rescue read %u and wrote %u pages", pga.disk_reads - reads0,
          swap_stats.writes - writes0);
    CHECK(pte_get(va + p * PAGE_SIZE) & PTE_P, "the rescued page is not mapped");
    msg("a soft fault brought it back: no disk read, no write, data intact");
    daemon_hold_writer(0);
    CHECK(bad(va, 0, 8, 1) == 0, "data lost");
    unpool(&pa, &pga, va);
    same(s0);
}

/* Trim page VA's frame out of PG's working set (VM lock taken). */
static void trim_page(struct pager *pg, uint32_t va)
{
    vm_lock_excl();
    for (int i = 0; i < 64 && (pte_get(va) & PTE_P); i++) pager_trim_one(pg);
    vm_unlock_excl();
    CHECK(pte_is_trans(pte_get(va)), "page %p would not leave the working set", (void *)va);
}

static void test_rescue_standby(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "standby", 4, 8);
    fill(va, 0, 8, 2);
    trim_all(&pga);                             /* every page out of the working set */
    daemon_wait_written();
    uint32_t p = find(va, 8, FS_STANDBY);
    CHECK(p < 8, "no page is on standby once the writer is done");
    CHECK(pager_detach(&pga) == -E_BUSY && pa.pager == &pga,
          "the pager was detached with its pages on the lists");
    msg("pager_detach with every page on the lists: refused, nothing changed");
    uint32_t pv = va + p * PAGE_SIZE;
    uint32_t reads0 = pga.disk_reads, writes0 = swap_stats.writes,
             soft0 = daemon_stats.soft_faults;
    CHECK(bad(va, p, 1, 2) == 0, "page %u wrong after its rescue from standby", p);
    CHECK(daemon_stats.soft_faults > soft0 && pga.disk_reads == reads0,
          "touching a standby page was no soft fault (%u reads)", pga.disk_reads - reads0);
    msg("page %u rescued from standby: a soft fault, no disk read", p);
    trim_page(&pga, pv);
    CHECK(state_of(pv) == FS_STANDBY, "trimmed unwritten, page %u went to state %d, not standby",
          p, state_of(pv));
    daemon_wait_written();
    CHECK(swap_stats.writes == writes0, "page %u was written again (%u writes) though unchanged",
          p, swap_stats.writes - writes0);
    msg("trimmed again unwritten: straight back to standby, no second write");
    ((volatile uint32_t *)pv)[0] = word(2, p, 0);        /* the same value: a write all the same */
    trim_page(&pga, pv);
    CHECK(state_of(pv) == FS_MODIFIED || state_of(pv) == FS_WRITING || state_of(pv) == FS_STANDBY,
          "written and trimmed, page %u is in state %d", p, state_of(pv));
    daemon_wait_written();
    CHECK(swap_stats.writes > writes0, "written to, page %u was not written out again", p);
    msg("written to and trimmed: onto the modified list, and written again");
    CHECK(bad(va, 0, 8, 2) == 0, "data lost");
    unpool(&pa, &pga, va);
    same(s0);
}

/* Frames a test holds, the process pool emptied (hold_all). */
struct held {
    uint32_t *f, n;
};
static struct held hold_all(void);
static void unhold(struct held *h, uint32_t n);

/* ---- the race with the writer ---- */

#define RACE_PAGES 32
#define RACE_WRITES 40000

static uint32_t *shadow;
static volatile int race_done;

static void racer(void *arg)
{
    uint32_t va = (uint32_t)arg, r = 12345;
    for (uint32_t i = 0; i < RACE_WRITES; i++) {
        r = r * 1103515245u + 12345u;
        uint32_t p = (r >> 8) % RACE_PAGES, k = (r >> 16) % (PAGE_SIZE / 4);
        ((volatile uint32_t *)(va + p * PAGE_SIZE))[k] = i;
        shadow[p * (PAGE_SIZE / 4) + k] = i;
        if (i % 64 == 0) thread_yield();           /* let the writer run mid-write */
    }
    race_done = 1;
}

#define CONSUMER_PAGES 512

/* Pressure: touch fresh pages of another pool until the race is over. */
static void consumer(void *arg)
{
    uint32_t vb = (uint32_t)arg;
    for (uint32_t i = 0; !race_done; i = (i + 1) % CONSUMER_PAGES)
        ((volatile uint32_t *)(vb + i * PAGE_SIZE))[0] = i;
}

static void test_write_race(void)
{
    struct start s0 = start();
    uint32_t words = RACE_PAGES * PAGE_SIZE / 4;
    shadow = kmalloc(words * 4);
    CHECK(shadow, "no memory for the shadow copy");
    memset(shadow, 0, words * 4);
    uint32_t va = pool(&pa, &pga, BASE_A, "race", 6, RACE_PAGES);
    for (uint32_t i = 0; i < words; i++) ((volatile uint32_t *)va)[i] = 0;
    /* Memory tight: all but 64 free frames held (the threads' stacks need
     * some), so standby frames are
     * repurposed and pages come back from swap too, not only from lists. */
    uint32_t vb = pool(&pb, &pgb, BASE_B, "pressure", 8, CONSUMER_PAGES);
    ((volatile uint32_t *)vb)[0] = 0;
    race_done = 0;
    struct held held = hold_all();
    unhold(&held, 64);
    struct thread *t = thread_create("racer", racer, (void *)va);
    struct thread *c = thread_create("consumer", consumer, (void *)vb);
    CHECK(t && c, "no thread");
    struct daemon_stats d0 = daemon_stats;
    uint32_t reads0 = pga.disk_reads;
    thread_join(t);
    thread_join(c);
    unhold(&held, held.n);
    uint32_t race_reads = pga.disk_reads - reads0;
    /* Every page that is not resident out to swap, so that the check
     * below reads back what the writer wrote during the race (whether
     * pages came back from swap during the race itself depends on which
     * pool's standby frames were repurposed: it varies). */
    daemon_page_out_lists();
    uint32_t lost = 0;
    for (uint32_t i = 0; i < words; i++) lost += ((volatile uint32_t *)va)[i] != shadow[i];
    msg("%u writes: %u pages trimmed (%u dirty), %u written in %u commands, %u soft faults "
        "(%u of pages in flight), %u repurposed, %u read back during the race, %u after it",
        RACE_WRITES, daemon_stats.trimmed - d0.trimmed,
        daemon_stats.trimmed_dirty - d0.trimmed_dirty, daemon_stats.written - d0.written,
        daemon_stats.write_cmds - d0.write_cmds, daemon_stats.soft_faults - d0.soft_faults,
        daemon_stats.rescued_writing - d0.rescued_writing,
        daemon_stats.repurposed - d0.repurposed, race_reads,
        pga.disk_reads - reads0 - race_reads);
    unpool(&pb, &pgb, vb);
    CHECK(lost == 0, "%u words lost or wrong of %u", lost, words);
    CHECK(daemon_stats.written > d0.written && daemon_stats.soft_faults > d0.soft_faults &&
          daemon_stats.rescued_writing > d0.rescued_writing,
          "the race did not happen: no write, or no rescue (of a page in flight)");
    CHECK(pga.disk_reads - reads0 - race_reads > 0, "no page was read back from swap");
    unpool(&pa, &pga, va);
    kfree(shadow);
    same(s0);
}

/* ---- repurposing ---- */

/* Take every free frame (and every zeroed one, the pagers' stashes
 * included): the frame pool is empty until unhold.  The array comes
 * from the heap, backed before the pool is emptied. */
static struct held hold_all(void)
{
    uint32_t cap = process_pool.nframes, f;
    struct held h = { kmalloc(cap * 4), 0 };
    CHECK(h.f, "no memory");
    memset(h.f, 0, cap * 4);
    pager_unstash_all();
    while (h.n < cap && (f = get_frames(&process_pool, 1)) != 0) h.f[h.n++] = f;
    vm_lock_excl();
    while (h.n < cap && daemon_zeroed.count && (f = daemon_give_back()) != 0) h.f[h.n++] = f;
    vm_unlock_excl();
    return h;
}

/* Give N of H's frames back to the pool (all of them, and the array,
 * with N = H->N). */
static void unhold(struct held *h, uint32_t n)
{
    int all = n >= h->n;
    while (n-- && h->n) release_frames(h->f[--h->n]);
    if (all) {
        kfree(h->f);
        h->f = 0;                       /* (a second "all" frees nothing) */
    }
}

static void test_repurpose(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "old", 8, 32);
    uint32_t vb = pool(&pb, &pgb, BASE_B, "new", 64, 16);
    ((volatile uint32_t *)vb)[0] = 0;                   /* b's page table, now */
    fill(va, 0, 32, 3);
    daemon_wait_written();
    uint32_t standby = daemon_standby.count;
    CHECK(standby >= 16, "only %u pages on standby", standby);
    uint32_t reads0 = pga.disk_reads, rep0 = daemon_stats.repurposed;
    struct held held = hold_all();
    fill(vb, 1, 12, 4);                             /* 12 new pages: from standby */
    uint32_t swapped = 0;
    for (uint32_t p = 0; p < 32; p++) swapped += pte_is_swap(pte_get(va + p * PAGE_SIZE));
    msg("frame pool empty (%u frames held); 12 new pages took %u standby frames; %u of the "
        "old pool's pages now have swap entries", held.n, daemon_stats.repurposed - rep0, swapped);
    CHECK(daemon_stats.repurposed - rep0 >= 12 && swapped >= 12,
          "standby frames were not repurposed (%u) or their owner got no swap entries (%u)",
          daemon_stats.repurposed - rep0, swapped);
    unhold(&held, held.n);
    uint32_t b = bad(va, 0, 32, 3);
    CHECK(b == 0, "%u words of the old pool wrong after repurposing", b);
    CHECK(pga.disk_reads - reads0 >= 12, "only %u pages were read back from swap",
          pga.disk_reads - reads0);
    CHECK(bad(vb, 1, 12, 4) == 0, "the new pool's data is wrong");
    msg("the old owner's touches read its %u pages back from swap, all intact",
        pga.disk_reads - reads0);
    unpool(&pb, &pgb, vb);
    unpool(&pa, &pga, va);
    same(s0);
}

/* ---- a page table emptied by faults ---- */

/* Pages only read (zeros, never written: no copy needed) in a page
 * table of their own, trimmed to standby and repurposed by another
 * pool's faults: their entries become 0 with the VM lock only shared, so
 * the emptied table stays until the region is released (mm/paging.h). */
static void test_table_emptied(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "tables", 32, 2048);
    uint32_t hi = (va + PT_SPAN + PT_SPAN - 1) & ~(PT_SPAN - 1);    /* a table of its own */
    CHECK(hi + 32 * PAGE_SIZE <= va + 2048 * PAGE_SIZE, "region too small");
    uint32_t sum = 0;
    for (uint32_t p = 0; p < 32; p++) sum += ((volatile uint32_t *)(hi + p * PAGE_SIZE))[0];
    CHECK(sum == 0, "fresh pages not zero");
    trim_all(&pga);                             /* all 32 to standby, clean */
    uint32_t vb = pool(&pb, &pgb, BASE_B, "tables-b", 64, 64);
    ((volatile uint32_t *)vb)[0] = 0;           /* b's page table, now */
    daemon_hold_zero(1);
    struct held held = hold_all();
    uint32_t left = 32, used = 1;
    for (; left && used < 64; used++) {         /* b's faults take a's standby frames */
        ((volatile uint32_t *)(vb + used * PAGE_SIZE))[0] = used;
        left = 0;
        for (uint32_t p = 0; p < 32; p++) left += pte_get(hi + p * PAGE_SIZE) != 0;
    }
    int table = (*pde_of(hi) & PTE_P) != 0;
    unhold(&held, held.n);
    daemon_hold_zero(0);
    msg("32 read-only pages repurposed: their entries are 0 and their page table %s",
        table ? "stays (emptied by faults)" : "is gone");
    CHECK(left == 0, "%u of the 32 pages still have entries", left);
    CHECK(table, "the emptied page table was released by a fault");
    unpool(&pb, &pgb, vb);
    unpool(&pa, &pga, va);                      /* and the table with the region */
    CHECK(!(*pde_of(hi) & PTE_P), "the emptied page table outlived its region");
    same(s0);
}

/* ---- a page trimmed again while its write is in flight ---- */

static volatile uint32_t retrim_va;     /* the page the hook works on; 0: none */
static volatile int retrim_state = -2;  /* its state after the hook trimmed it */
static volatile uint32_t retrim_given;  /* frames the hook took from the lists */
static uint32_t retrim_junk[PAGE_SIZE / 4];

/* The writer's hook: with the write of RETRIM_VA's frame in flight,
 * rescue the page (a read: no change), trim it again, then take every
 * zeroed and standby frame from the lists and reuse it (junk written
 * into it, back to the pool), as demand for frames would.  The page's
 * copy is not made yet, so it must not be on standby, where it could be
 * repurposed with no copy behind it. */
static void retrim_hook(const uint32_t *frames, uint32_t n)
{
    uint32_t va = retrim_va;
    if (!va || !pte_is_trans(pte_get(va))) return;
    uint32_t f = pte_frame(pte_get(va)), i;
    for (i = 0; i < n && frames[i] != f; i++)
        ;
    if (i == n) return;
    retrim_va = 0;                                      /* once */
    (void)*(volatile uint32_t *)va;                     /* rescued in flight */
    vm_lock_excl();
    for (int k = 0; k < 64 && (pte_get(va) & PTE_P); k++) pager_trim_one(&pga);
    retrim_state = state_of(va);
    uint32_t g;
    while ((g = daemon_give_back()) != 0) {
        vm_fill_frame(VMWIN_VA, g, retrim_junk);         /* (the VM lock exclusive) */
        frame_release(g);
        retrim_given++;
    }
    vm_unlock_excl();
}

static void test_inflight_retrim(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "retrim", 4, 8);
    for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) retrim_junk[k] = 0xDEADBEEF;
    daemon_hold_writer(1);
    fill(va, 0, 8, 5);
    trim_all(&pga);                                     /* all 8 to the modified list */
    CHECK(state_of(va) == FS_MODIFIED, "page 0 is in state %d, not modified", state_of(va));
    retrim_state = -2;
    retrim_given = 0;
    retrim_va = va;
    daemon_write_hook = retrim_hook;
    daemon_hold_writer(0);
    daemon_wait_written();
    daemon_write_hook = 0;
    CHECK(retrim_va == 0, "the writer never wrote page 0's frame");
    msg("page 0 rescued and trimmed again during its write: state %d; %u frames taken from "
        "the lists meanwhile", retrim_state, retrim_given);
    CHECK(retrim_state == FS_MODIFIED, "trimmed with its write in flight, page 0 went to state "
          "%d, not the modified list (%d): its copy is not made yet", retrim_state, FS_MODIFIED);
    daemon_page_out_lists();
    uint32_t b = bad(va, 0, 8, 5);
    CHECK(b == 0, "%u words wrong after the retrim (page 0 reads 0x%x)", b,
          *(volatile uint32_t *)va);
    unpool(&pa, &pga, va);
    same(s0);
}

/* ---- back-off ---- */

static volatile int repurposer_result = -1;
static struct semaphore repurposer_go;

static void repurposer(void *arg)
{
    (void)arg;
    sema_down(&repurposer_go);          /* once the test holds the VM lock */
    repurposer_result = daemon_repurpose_one();
}

/* A thread that holds PG's lock (PG 0: none), with the VM lock shared,
 * as a fault on PG's pages would (one waiting for the disk, say), for
 * HOLD_TICKS.
 * HOLDER_STATE: 0 not yet, 1 holding, 2 letting go (set before it lets
 * go, so a thread that sees 2 after its own work knows it waited). */
#define HOLD_TICKS 20
static volatile int holder_state;
static struct semaphore holder_go;

static void holder(void *arg)
{
    struct pager *pg = arg;
    sema_down(&holder_go);
    vm_lock_shared();
    if (pg) mutex_lock(&pg->lock);
    holder_state = 1;
    thread_sleep(HOLD_TICKS);
    holder_state = 2;
    if (pg) mutex_unlock(&pg->lock);
    vm_unlock_shared();
}

/* Start the holder of PG's lock; it takes the lock at holder_take. */
static struct thread *holder_start(struct pager *pg)
{
    holder_state = 0;
    sema_init(&holder_go, "holder", 0);
    struct thread *t = thread_create("holder", holder, pg);
    CHECK(t, "no thread");
    return t;
}

static void holder_take(void)
{
    sema_up(&holder_go);
    for (int i = 0; i < 100 && holder_state != 1; i++) thread_sleep(1);
    CHECK(holder_state == 1, "the holder never took the lock");
}

/* The second inversion: with the frame pool empty and only pool A's
 * frames on standby, a fault on pool B must repurpose one, which needs
 * A's pager's lock; a holder has it. */
static void backoff_fault(uint32_t va)
{
    daemon_page_out_lists();
    fill(va, 0, 32, 5);                 /* A's pages to standby again */
    daemon_wait_written();
    uint32_t vb = pool(&pb, &pgb, BASE_B, "backoff-b", 8, 4);
    ((volatile uint32_t *)vb)[0] = 0;   /* b's page table, now */
    daemon_hold_zero(1);
    struct thread *t = holder_start(&pga);            /* (its stack, before the pool is empty) */
    struct held held = hold_all();
    CHECK(daemon_standby.count > 0, "nothing on standby");
    uint32_t p0 = daemon_stats.busy_passed, r0 = daemon_stats.repurposed;
    holder_take();
    ((volatile uint32_t *)(vb + PAGE_SIZE))[0] = 0xB0FF;   /* needs a standby frame of A */
    int seen = holder_state;
    uint32_t passed = daemon_stats.busy_passed - p0;
    thread_join(t);
    unhold(&held, held.n);
    daemon_hold_zero(0);
    msg("a fault on pool B with only A's frames on standby, A's pager's lock held for %d "
        "ticks: it passed %u busy frames over, waited, and took a standby frame once the "
        "lock was let go (%u repurposed)", HOLD_TICKS, passed, daemon_stats.repurposed - r0);
    CHECK(passed >= 1, "the fault never found A's pager busy");
    CHECK(seen == 2, "the fault finished while A's pager's lock was held (holder state %d)",
          seen);
    CHECK(daemon_stats.repurposed - r0 >= 1, "no standby frame was repurposed");
    CHECK(((volatile uint32_t *)(vb + PAGE_SIZE))[0] == 0xB0FF, "the new page lost its write");
    CHECK(bad(va, 0, 32, 5) == 0, "pool A's data lost after the repurpose");
    unpool(&pb, &pgb, vb);
}

static void test_backoff(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "backoff", 8, 32);
    fill(va, 0, 32, 5);
    daemon_wait_written();
    CHECK(daemon_standby.count > 0, "nothing on standby");
    uint32_t b0 = daemon_stats.backoffs;
    repurposer_result = -1;
    sema_init(&repurposer_go, "go", 0);
    struct thread *t = thread_create("repurposer", repurposer, 0);
    CHECK(t, "no thread");
    vm_lock_excl();                       /* the VM lock, held: the try must fail */
    sema_up(&repurposer_go);
    thread_sleep(10);
    uint32_t backoffs = daemon_stats.backoffs - b0;
    int waiting = repurposer_result == -1;
    vm_unlock_excl();
    thread_join(t);
    msg("with the VM lock held for 10 ticks the repurposer backed off %u times; let go, it "
        "finished (result %d)", backoffs, repurposer_result);
    CHECK(backoffs >= 2 && waiting, "the repurposer did not back off while the lock was held");
    CHECK(repurposer_result == 1, "the repurposer did not repurpose a standby frame");
    CHECK(bad(va, 0, 32, 5) == 0, "data lost after the repurpose");
    backoff_fault(va);
    unpool(&pa, &pga, va);
    same(s0);
}

/* ---- detaching a pager while its pages are being written ---- */

static void test_detach_inflight(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "detach", 4, 8);
    fill(va, 0, 8, 9);
    daemon_hold_writer(1);
    trim_all(&pga);                             /* every page to the modified list */
    CHECK(daemon_modified.count >= 8, "only %u pages on the modified list", daemon_modified.count);
    /* The writer wakes and waits for the VM lock behind a sharer; the
     * detach waits behind the writer, which takes the pages in flight
     * (off every list) and lets go: the detach must see them in flight. */
    struct thread *t = holder_start(0);
    holder_take();
    daemon_hold_writer(0);
    thread_sleep(2);                            /* the writer now waits for the lock */
    int r = pager_detach(&pga);
    thread_join(t);
    msg("pager_detach while the writer took the pool's pages in flight: %d (pool's pager %s)",
        r, pa.pager == &pga ? "kept" : "gone");
    CHECK(r == -E_BUSY && pa.pager == &pga, "the pager was detached with its pages in flight");
    daemon_wait_written();
    CHECK(bad(va, 0, 8, 9) == 0, "data lost");
    unpool(&pa, &pga, va);
    same(s0);
}

/* ---- a swap-in's read, with its locks let go ---- */

static uint32_t race_va, race_touched;

/* The read hook: while page 0's swap-in has its locks let go, fault in
 * fresh pages of the same pager (once). */
static void race_hook(struct pager *pg)
{
    if (pg != &pga || !race_va) return;
    uint32_t va = race_va;
    race_va = 0;
    for (uint32_t p = 8; p < 16; p++, race_touched++)
        ((volatile uint32_t *)(va + p * PAGE_SIZE))[0] = p;
}

static void test_read_race(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "readrace", 4, 16);
    fill(va, 0, 8, 8);
    daemon_page_out_lists();                    /* pages 0-3 (at least) are in swap now */
    CHECK(pte_is_swap(pte_get(va)), "page 0 is not in swap (entry 0x%x)", pte_get(va));
    uint32_t r0 = daemon_stats.reads_unlocked;
    race_touched = 0;
    race_va = va;
    pager_unlocked_read_hook = race_hook;
    barrier();                                  /* (the fault reads the hook, and changes
                                                   what the compiler cannot see: x86.h) */
    uint32_t w = *(volatile uint32_t *)va;      /* the swap-in; the hook runs in its read */
    barrier();
    pager_unlocked_read_hook = 0;
    msg("page 0 read back from swap with the locks let go (%u reads so); %u fresh pages of "
        "the same pager faulted in meanwhile; working set %u of %u",
        daemon_stats.reads_unlocked - r0, race_touched, pga.nresident, pga.limit);
    CHECK(daemon_stats.reads_unlocked > r0 && race_touched == 8,
          "the read was not made with the locks let go, or the hook did not run");
    CHECK(w == word(8, 0, 0), "page 0 read back wrong");
    CHECK(pga.nresident <= pga.limit, "working set over its limit");
    CHECK(bad(va, 0, 8, 8) == 0, "pages 0-7 wrong");
    unpool(&pa, &pga, va);
    same(s0);
}

/* ---- the fault path's locks ---- */

static void test_fault_locks(void)
{
    struct start s0 = start();
    uint32_t va = pool(&pa, &pga, BASE_A, "locks-a", 64, 16);
    uint32_t vb = pool(&pb, &pgb, BASE_B, "locks-b", 64, 16);
    ((volatile uint32_t *)va)[0] = 0;   /* both page tables, now */
    ((volatile uint32_t *)vb)[0] = 0;
    uint32_t *heap = kmalloc(8 * PAGE_SIZE);            /* pages the heap has not backed */
    CHECK(heap, "no memory");
    struct thread *t = holder_start(&pga);
    holder_take();
    uint32_t z0 = vmstat_counts.fault_zero;
    fill(vb, 1, 15, 7);                                 /* 15 faults on B's pages */
    for (uint32_t i = 0; i < 8 * PAGE_SIZE / 4; i += PAGE_SIZE / 4) heap[i] = i;
    int during = holder_state;
    uint32_t faults = vmstat_counts.fault_zero - z0;
    ((volatile uint32_t *)(va + PAGE_SIZE))[0] = 0xA1;  /* a fault on A's: must wait */
    int after = holder_state;
    thread_join(t);
    msg("A's pager's lock held for %d ticks: %u faults on B's pages and the heap went on "
        "meanwhile (holder state %d); a fault on A's pages waited (state %d)", HOLD_TICKS,
        faults, during, after);
    CHECK(during == 1, "faults on B's pages and the heap waited for A's pager's lock");
    CHECK(faults >= 15, "only %u demand-zero faults counted", faults);
    CHECK(after == 2, "a fault on A's pages went on while A's pager's lock was held");
    CHECK(bad(vb, 1, 15, 7) == 0 && ((volatile uint32_t *)(va + PAGE_SIZE))[0] == 0xA1,
          "data wrong");
    kfree(heap);
    unpool(&pb, &pgb, vb);
    unpool(&pa, &pga, va);
    same(s0);
}

/* ---- the zeroed list full ---- */

#define ZPAGERS 4

static void test_zeroed_full(void)
{
    static struct vmpool zp[ZPAGERS];
    static struct pager zpg[ZPAGERS];
    static const char *const names[ZPAGERS] = { "zfull-0", "zfull-1", "zfull-2", "zfull-3" };
    struct start s0 = start();
    uint32_t va[ZPAGERS], stashed = 0;
    for (int i = 0; i < ZPAGERS; i++) {
        daemon_wait_zeroed(DAEMON_ZEROED_TARGET);
        va[i] = pool(&zp[i], &zpg[i], BASE_A + i * (64u << 20), names[i], 64, 4);
        ((volatile uint32_t *)va[i])[0] = i;    /* its first fault fills its stash */
        CHECK(zpg[i].nzstash == PAGER_ZSTASH - 1, "pager %d's stash holds %u frames, not %u", i,
              zpg[i].nzstash, PAGER_ZSTASH - 1);
        stashed += zpg[i].nzstash;
    }
    daemon_wait_zeroed(DAEMON_ZEROED_TARGET);
    uint32_t listed = daemon_zeroed.count, spilled0 = daemon_stats.zeroed_spilled;
    daemon_hold_zero(1);                        /* the stashes back onto the list: too many */
    uint32_t spilled = daemon_stats.zeroed_spilled - spilled0;
    msg("%u zeroed frames listed and %u in %d pagers' stashes given back to a list of %u: %u "
        "went back to the pool", listed, stashed, ZPAGERS, daemon_zeroed.cap, spilled);
    CHECK(listed + stashed > daemon_zeroed.cap, "the stashes fit on the list: the test proves "
          "nothing");
    CHECK(spilled >= listed + stashed - daemon_zeroed.cap,
          "only %u frames went back to the pool, of %u that did not fit", spilled,
          listed + stashed - daemon_zeroed.cap);
    CHECK(daemon_zeroed.count == 0 && !fstack_check(&daemon_zeroed),
          "the held zero thread left %u frames listed", daemon_zeroed.count);
    daemon_hold_zero(0);
    for (int i = 0; i < ZPAGERS; i++) {
        CHECK(((volatile uint32_t *)va[i])[0] == (uint32_t)i, "pager %d's page lost its data", i);
        unpool(&zp[i], &zpg[i], va[i]);
    }
    same(s0);
}

/* Free a frame that is on the zeroed list: a broken invariant, which
 * frame_release must refuse with a panic (else the frame would be handed
 * out by the pool and, still listed, by a stash as zeroed, showing its
 * new owner's data to the next fault). */
static void test_release_listed(void)
{
    daemon_wait_zeroed(DAEMON_ZEROED_TARGET);
    uint32_t f = daemon_zeroed.frame[daemon_zeroed.count - 1];  /* (the zero thread waits) */
    msg("releasing frame 0x%x, which is on the zeroed list", f);
    frame_release(f);
    fail("frame_release gave back frame 0x%x, on the zeroed list, with no panic", f);
}

/* ---- the disk ---- */

static void test_dma(void)
{
    struct start s0 = start();
    uint32_t frames[SWAP_RUN_MAX], first;
    struct ata_stats a0, a1;
    for (uint32_t i = 0; i < SWAP_RUN_MAX; i++) {
        CHECK((frames[i] = get_frames(&process_pool, 1)) != 0, "no frame");
        uint32_t *p = frame_map(frames[i]);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) p[k] = word(6, i, k);
        frame_unmap(p);
    }
    static const char *const how[] = { "DMA", "PIO (DMA off)" };
    for (int pio = 0; pio < 2; pio++) {
        if (pio) {
            CHECK(ata_set_dma(0) == 0, "DMA would not go off");
        } else {
            /* Arm the injected write error (a cache flush does:
             * tests/blkdebug/daemon_dma.conf); the retry uses it up. */
            static uint8_t sector[512];
            CHECK(ata_write(ATA_SLAVE, 1, 1, sector) == 0, "flush");
        }
        ata_get_stats(&a0);
        CHECK(swap_write_run(frames, SWAP_RUN_MAX, &first) == 0, "the run would not write");
        ata_get_stats(&a1);
        msg("%s: a run of %d pages to slots %u-%u: %u DMA commands, %u failed and retried",
            how[pio], SWAP_RUN_MAX, first, first + SWAP_RUN_MAX - 1, a1.dma_cmds - a0.dma_cmds,
            a1.errors - a0.errors);
        if (!pio) {
            CHECK(a1.errors - a0.errors >= 1, "the injected write error never came");
            CHECK(a1.dma_cmds - a0.dma_cmds == 2, "%u DMA commands for one run and its retry",
                  a1.dma_cmds - a0.dma_cmds);
        } else {
            CHECK(a1.dma_cmds == a0.dma_cmds, "DMA was used while off");
        }
        for (uint32_t i = 0; i < SWAP_RUN_MAX; i++) {
            uint32_t g = get_frames(&process_pool, 1);
            CHECK(g && swap_read(first + i, g) == 0, "slot %u would not read back", first + i);
            uint32_t *p = frame_map(g), wrong = 0;
            for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) wrong += p[k] != word(6, i, k);
            frame_unmap(p);
            release_frames(g);
            swap_free(first + i);
            CHECK(wrong == 0, "%s: slot %u read back with %u words wrong", how[pio], first + i,
                  wrong);
        }
    }
    CHECK(ata_set_dma(1) == 1, "DMA would not come back on");
    for (uint32_t i = 0; i < SWAP_RUN_MAX; i++) release_frames(frames[i]);
    msg("both runs read back intact, slot by slot, checksums checked");
    same(s0);
}

/* ---- stress ---- */

#define STRESS_THREADS 8
#define STRESS_PAGES   24
#define STRESS_WRITES  6000

static uint32_t stress_va, stress_vb;
static uint32_t *stress_shadow;
static volatile uint32_t stress_bad;

#define STRESS_AGAIN 0x100            /* in a thread's argument: the second round */

/* Thread ID's pages in round R (0, 1): threads 0-3 in pool A, 4-7 in
 * pool B, the second round on pages of their own, new. */
static uint32_t stress_base(uint32_t id, uint32_t r)
{
    uint32_t half = STRESS_THREADS / 2;
    return (id < half ? stress_va : stress_vb) + (r * half + id % half) * STRESS_PAGES * PAGE_SIZE;
}

static struct semaphore stress_go;     /* the second round starts once memory is held */

static void stresser(void *arg)
{
    uint32_t id = (uint32_t)arg & 0xFF, round = (uint32_t)arg >> 8, r = 777 + (uint32_t)arg;
    if (round) sema_down(&stress_go);
    uint32_t base = stress_base(id, round);
    uint32_t *sh = stress_shadow + (round * STRESS_THREADS + id) * STRESS_PAGES * (PAGE_SIZE / 4);
    for (uint32_t i = 0; i < STRESS_WRITES; i++) {
        r = r * 1103515245u + 12345u;
        uint32_t p = (r >> 8) % STRESS_PAGES, k = (r >> 16) % (PAGE_SIZE / 4);
        volatile uint32_t *w = (volatile uint32_t *)(base + p * PAGE_SIZE) + k;
        if (*w != sh[p * (PAGE_SIZE / 4) + k]) stress_bad++;
        *w = sh[p * (PAGE_SIZE / 4) + k] = i ^ id << 24;
    }
}

#define STRESS_FREE 20                  /* frames left free while it runs */

static void test_stress(void)
{
    struct start s0 = start();
    uint32_t npages = 2 * STRESS_THREADS * STRESS_PAGES, words = npages * PAGE_SIZE / 4;
    stress_shadow = kmalloc(words * 4);
    CHECK(stress_shadow, "no memory for the shadow");
    memset(stress_shadow, 0, words * 4);
    /* Two pools of 2 MiB, two pagers, one page table: faults on the two
     * go on side by side (their pagers' locks), and take each other's
     * standby frames (the try-lock inversion). */
    stress_va = sized_pool(&pa, &pga, BASE_A, 2u << 20, "stress-a", 16, npages / 2);
    stress_vb = sized_pool(&pb, &pgb, BASE_A + (2u << 20), 2u << 20, "stress-b", 16, npages / 2);
    stress_bad = 0;
    /* The processes: their pager in daemon mode too, with a small limit. */
    uint32_t limit0 = uvm_pager.limit;
    CHECK(pager_set_daemon(&uvm_pager, 1) == 0, "the processes' pager has resident pages");
    CHECK(pager_set_limit(&uvm_pager, 48) == 0, "limit");
    struct daemon_stats d0 = daemon_stats;
    static const char *const argv[] = { "many", "8" };
    struct proc *pr = proc_spawn("many", 2, argv);
    CHECK(pr, "no process");
    struct thread *t[STRESS_THREADS];
    for (uint32_t i = 0; i < STRESS_THREADS; i++)
        CHECK((t[i] = thread_create("stress", stresser, (void *)i)) != 0, "no thread");
    for (uint32_t i = 0; i < STRESS_THREADS; i++) thread_join(t[i]);
    int status = proc_join(pr);
    /* Again, the threads alone, with working sets of 4 pages and little
     * free memory: the trimmer runs all the time, faults repurpose standby
     * frames of the other pool's pager, and pages come back from swap
     * while other threads fault on the same pager's pages. */
    sema_init(&stress_go, "stress-go", 0);
    for (uint32_t i = 0; i < STRESS_THREADS; i++)
        CHECK((t[i] = thread_create("stress", stresser, (void *)(i | STRESS_AGAIN))) != 0,
              "no thread");
    CHECK(pager_set_limit(&pga, 4) == 0 && pager_set_limit(&pgb, 4) == 0, "limits");
    struct held held = hold_all();
    unhold(&held, STRESS_FREE);
    uint32_t nheld = held.n;
    for (uint32_t i = 0; i < STRESS_THREADS; i++) sema_up(&stress_go);
    for (uint32_t i = 0; i < STRESS_THREADS; i++) thread_join(t[i]);
    unhold(&held, held.n);
    daemon_wait_written();
    uint32_t wrong = 0, each = STRESS_PAGES * PAGE_SIZE / 4;
    for (uint32_t r = 0; r < 2; r++)
        for (uint32_t id = 0; id < STRESS_THREADS; id++)
            for (uint32_t k = 0; k < each; k++)
                wrong += ((volatile uint32_t *)stress_base(id, r))[k] !=
                         stress_shadow[(r * STRESS_THREADS + id) * each + k];
    msg("%d threads x %d writes on two pagers' pools (one page table) with 8 processes, then "
        "again with %u frames held: %u trimmed, %u written in %u commands (%u pages a command), %u soft "
        "faults, %u repurposed (%u frames passed over, their pager busy), %u faulting-thread "
        "writes", STRESS_THREADS, STRESS_WRITES, nheld, daemon_stats.trimmed - d0.trimmed,
        daemon_stats.written - d0.written, daemon_stats.write_cmds - d0.write_cmds,
        (daemon_stats.written - d0.written) / (daemon_stats.write_cmds - d0.write_cmds + 1),
        daemon_stats.soft_faults - d0.soft_faults, daemon_stats.repurposed - d0.repurposed,
        daemon_stats.busy_passed - d0.busy_passed, daemon_stats.fault_writes - d0.fault_writes);
    CHECK(pager_set_limit(&uvm_pager, limit0) == 0, "limit back");
    CHECK(pager_set_daemon(&uvm_pager, daemon_default) == 0, "mode back");
    CHECK(status == 0, "the processes found wrong data (many ended with %d)", status);
    CHECK(stress_bad == 0 && wrong == 0, "%u reads and %u words at the end were wrong",
          stress_bad, wrong);
    CHECK(daemon_stats.fault_writes == d0.fault_writes, "faulting threads wrote %u pages",
          daemon_stats.fault_writes - d0.fault_writes);
    CHECK(daemon_stats.written > d0.written, "nothing was written: no pressure");
    CHECK(daemon_stats.repurposed > d0.repurposed, "no standby frame was repurposed");
    unpool(&pb, &pgb, stress_vb);
    unpool(&pa, &pga, stress_va);
    kfree(stress_shadow);
    same(s0);
}

TEST("daemon_rescue_modified", test_rescue_modified,
     "a page on the modified list comes back with no disk read, data intact", "disk=8");
TEST("daemon_rescue_standby", test_rescue_standby,
     "a standby page comes back with no read, and is written again only if written", "disk=8");
TEST("daemon_write_race", test_write_race,
     "writes while the writer writes the same pages: no lost update", "disk=8 solo");
TEST("daemon_repurpose", test_repurpose,
     "standby frames repurposed: the old owner reads its pages back from swap", "disk=8 solo");
TEST("daemon_table_emptied", test_table_emptied,
     "a page table emptied by faults stays until its region is released", "disk=8");
TEST("daemon_inflight_retrim", test_inflight_retrim,
     "a page trimmed again while its write is in flight waits on the modified list", "disk=8");
TEST("daemon_backoff", test_backoff,
     "both inversions back off while the lock they try is held, then complete", "disk=8");
TEST("daemon_detach_inflight", test_detach_inflight,
     "a pager's detach while its pages are in flight is refused", "disk=8");
TEST("daemon_read_race", test_read_race,
     "faults on the same pager during a swap-in's unlocked read: it makes room again", "disk=8");
TEST("fault_locks", test_fault_locks,
     "faults on other pagers' pages and the heap go on while one pager's lock is held",
     "disk=8");
TEST("daemon_zeroed_full", test_zeroed_full,
     "pagers' stashes given back to a full zeroed list: the rest go to the pool, none lost",
     "disk=8");
TEST_PANIC("frame_release_listed", test_release_listed,
           "freeing a frame that is on the zeroed list is refused with a panic",
           "log=frame_release:.frame.0x[0-9a-f]+.is.in.the.paging.daemon's.state.1");
TEST("daemon_dma", test_dma,
     "the writer's 16-page runs: one DMA command, an injected write error retried, PIO",
     "disk=8 solo blkdebug=tests/blkdebug/daemon_dma.conf");
TEST("daemon_stress", test_stress,
     "8 threads and 8 processes paging hard in daemon mode: nothing corrupted, all balanced",
     "disk=16 timeout=60");
