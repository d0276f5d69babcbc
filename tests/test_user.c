/* tests/test_user.c - user processes: programs run in ring 3, in spaces of their own.
 *
 * Each test starts programs from tests/user/ with proc_spawn, waits for
 * them with proc_join, checks their exit status (and, through log=
 * patterns, what they printed), and then that every frame, page table
 * and swap slot they held has come back and no process is left.
 *
 * user_hello: a program prints its pid and arguments and exits with 7
 *   plus its argument count.
 * user_syscall_bad: every pointer-taking call with a null, kernel,
 *   unmapped, wrapping and too long pointer is -E_FAULT, unknown numbers
 *   -E_NOSYS (tests/user/badcalls.c); the kernel runs on, nothing leaks.
 * user_fault_kill: five refused accesses (tests/user/faulter.c), each
 *   killing only its process, with a report naming pid, program,
 *   address, EIP and the decoded error code (0x5 0x7 0x4 0x6 0x7), while
 *   another process runs on to a correct end.
 * user_stack_grow: 1 MiB of recursion works; a touch far below the
 *   stack pointer, and recursion past the 8 MiB limit, are refused.
 * user_sbrk: the heap grows and shrinks, and frames come back.
 * user_mmap: private and shared mappings across fork, unmapping a
 *   mapping's middle, the hole killing who touches it, bad arguments.
 * user_fork_cow: pages shared copy-on-write until written; exactly one
 *   copy per page written; the last sharer gets its page back unchanged.
 * user_shm: two processes exchange 1 MiB through a named segment.
 * user_exec: exec gives back the old image's frames; arguments arrive.
 * user_many: 32 processes (tests/user/many.c) under preemption, with the
 *   processes' resident limit lowered to USER_MANY_FRAMES: private,
 *   copy-on-write-shared and shared pages all go through swap (the
 *   pager's counters prove each kind was evicted; in daemon mode a
 *   thread repurposes the standby list meanwhile, so that pages go to
 *   disk and not only to the lists, and a page may come back from a
 *   list instead of from swap), and every word of every page is
 *   checked by the program.
 * kernel_half_shared: a kernel mapping made while one space is current
 *   (the kernel heap growing by a new page table, in each direction) is
 *   seen at once from another: the kernel half's page tables are shared
 *   by every directory (aspace_set_kernel_pde writes a new kernel PDE
 *   into all of them).
 * user_exhaust: with memory plus swap a few MiB (USER_EXHAUST_FRAMES
 *   resident, a 4 MiB swap disk), sbrk, mmap and fork are each refused
 *   with -E_NOMEM at the commit limit (mm/commit.h), and everything
 *   granted before the refusal works (tests/user/hog.c writes and checks
 *   it all); a bystander's pages survive throughout. */
#include "tests/harness.h"
#include "tests/util.h"
#include "kernel/proc.h"
#include "kernel/x86.h"
#include "mm/kmalloc.h"
#include "mm/aspace.h"
#include "kernel/thread.h"
#include "mm/swap.h"
#include "mm/paging.h"
#include "mm/pager.h"
#include "mm/uvm.h"
#include "mm/commit.h"
#include "mm/daemon.h"
#include "lib/string.h"

/* What must come back after a test's processes are gone. */
struct snapshot {
    uint32_t frames, slots, procs, committed;
};

static struct snapshot snap(void)
{
    return (struct snapshot){ free_frames(), swap_stats.used, (uint32_t)proc_count(),
                              commit_stats.charged };
}

static void same_as(struct snapshot a)
{
    struct snapshot b = snap();
    CHECK(b.procs == a.procs, "%u processes left, %u before", b.procs, a.procs);
    CHECK(b.committed == a.committed, "commit charge leaked: %u pages, %u before", b.committed,
          a.committed);
    CHECK(b.frames == a.frames, "frames leaked: %u free, %u before", b.frames, a.frames);
    CHECK(b.slots == a.slots, "swap slots leaked: %u used, %u before", b.slots, a.slots);
}

/* Run NAME with ARGC arguments ARGV to its end; returns its exit status. */
static int run(const char *name, int argc, const char *const argv[])
{
    struct proc *p = proc_spawn(name, argc, argv);
    CHECK(p, "could not start '%s'", name);
    int pid = p->pid, status = proc_join(p);
    msg("pid %d '%s' exited with %d", pid, name, status);
    return status;
}

static void test_user_hello(void)
{
    struct snapshot s0 = snap();
    static const char *const argv[] = { "hello", "one", "two words" };
    int status = run("hello", 3, argv);
    CHECK(status == 10, "exit status %d, expected 7 + 3 arguments", status);
    same_as(s0);
}

static void test_user_syscall_bad(void)
{
    struct snapshot s0 = snap();
    static const char *const argv[] = { "badcalls" };
    CHECK(run("badcalls", 1, argv) == 0, "a bad call was not refused as it should be");
    same_as(s0);
}

/* A process that runs while others die: it must end normally. */
static void test_user_fault_kill(void)
{
    struct snapshot s0 = snap();
    static const char *const modes[] = { "kread", "kwrite", "uread", "uwrite", "text" };
    static const char *const hello[] = { "hello", "alive" };
    struct proc *bystander = proc_spawn("hello", 2, hello);
    CHECK(bystander, "no bystander");
    for (int i = 0; i < 5; i++) {
        const char *argv[] = { "faulter", modes[i] };
        int status = run("faulter", 2, argv);
        CHECK(status == PROC_KILLED, "faulter %s ended with %d, not killed", modes[i], status);
    }
    CHECK(proc_join(bystander) == 9, "the bystander did not end normally");
    msg("five processes killed for their faults; the bystander and the kernel ran on");
    same_as(s0);
}

static void test_user_stack_grow(void)
{
    struct snapshot s0 = snap();
    static const char *const deep[] = { "stack", "deep" }, *const far[] = { "stack", "far" },
                             *const limit[] = { "stack", "limit" };
    CHECK(run("stack", 2, deep) == 0, "1 MiB of recursion failed");
    CHECK(run("stack", 2, far) == PROC_KILLED, "a touch 64 KiB below the stack pointer was allowed");
    CHECK(run("stack", 2, limit) == PROC_KILLED, "the stack grew past its limit");
    same_as(s0);
}

/* Run one program that checks itself, and that nothing leaked. */
static void run_checked(const char *name)
{
    struct snapshot s0 = snap();
    const char *argv[] = { name };
    CHECK(run(name, 1, argv) == 0, "%s found something wrong", name);
    same_as(s0);
}

static void test_user_sbrk(void) { run_checked("sbrkuse"); }
static void test_user_mmap(void) { run_checked("mmaptest"); }
static void test_user_fork_cow(void) { run_checked("forkcow"); }
static void test_user_shm(void) { run_checked("shmtest"); }

static void test_user_exec(void)
{
    struct snapshot s0 = snap();
    static const char *const argv[] = { "exectest" };
    int status = run("exectest", 1, argv);
    CHECK(status == 43, "exectest ended with %d, expected 40 + 3 arguments", status);
    same_as(s0);
}

#define USER_MANY_FRAMES 48

/* Daemon mode: with RAM to spare, trimmed pages would wait on the lists
 * and come back by rescue, never through swap.  While user_many's
 * processes run, this thread pages the lists out to disk, as a machine
 * short of frames would (in sync mode the lists are empty: it idles). */
static volatile int pressure_stop;

static void pressure(void *arg)
{
    (void)arg;
    while (!pressure_stop) {
        while (daemon_repurpose_one()) {
        }
        daemon_hold_writer(0);          /* (wakes the writer) */
        thread_yield();
    }
}

static void test_user_many(void)
{
    struct snapshot s0 = snap();
    uint32_t limit0 = uvm_pager.limit, writes0 = swap_stats.writes;
    struct pager c0 = uvm_pager;
    CHECK(pager_set_limit(&uvm_pager, USER_MANY_FRAMES) == 0, "could not lower the limit");
    pressure_stop = 0;
    struct thread *pt = thread_create("pressure", pressure, 0);
    CHECK(pt, "pressure thread");
    static const char *const argv[] = { "many", "32" };
    int status = run("many", 2, argv);
    pressure_stop = 1;
    thread_join(pt);
    CHECK(pager_set_limit(&uvm_pager, limit0) == 0, "could not restore the limit");
    uint32_t writes = swap_stats.writes - writes0;     /* (the daemon's writer's too) */
    msg("processes' pager: %u evictions (%u clean), %u written, %u read back; %u of frames "
        "mapped in several spaces, %u of shared segments' pages",
        uvm_pager.evictions - c0.evictions, uvm_pager.clean_drops - c0.clean_drops,
        writes, uvm_pager.disk_reads - c0.disk_reads,
        uvm_pager.evict_shared - c0.evict_shared, uvm_pager.evict_object - c0.evict_object);
    CHECK(status == 0, "many ended with %d: a page came back wrong, or a process failed", status);
    /* Daemon mode: the pressure thread competes with 32 processes for the
     * CPU, and pages rescued from the lists come back without a read, so
     * only the writes are certain; a page back from swap or a list counts. */
    uint32_t back = uvm_pager.disk_reads - c0.disk_reads +
                    (uvm_pager.daemon ? uvm_pager.soft_faults - c0.soft_faults : 0);
    CHECK(writes > 0 && back > 0, "no page went to swap and back: the limit did not bite");
    CHECK(uvm_pager.evict_shared > c0.evict_shared,
          "no copy-on-write-shared frame was evicted");
    CHECK(uvm_pager.evict_object > c0.evict_object, "no shared segment's page was evicted");
    same_as(s0);
}

#define USER_EXHAUST_FRAMES 128

static void test_user_exhaust(void)
{
    struct snapshot s0 = snap();
    uint32_t limit0 = uvm_pager.limit, refused0 = commit_stats.refused;
    CHECK(pager_set_limit(&uvm_pager, USER_EXHAUST_FRAMES) == 0, "could not lower the limit");
    msg("commit limit %u pages: %u frames for processes and %u swap slots, less a reserve",
        commit_limit(), USER_EXHAUST_FRAMES, swap_stats.nslots);
    static const char *const hold[] = { "hog", "hold" };
    struct proc *bystander = proc_spawn("hog", 2, hold);
    CHECK(bystander, "no bystander");
    thread_sleep(20);                   /* it takes its memory before the hogs come */
    static const char *const modes[] = { "sbrk", "mmap", "fork" };
    int status[3];
    for (int i = 0; i < 3; i++) {
        const char *argv[] = { "hog", modes[i] };
        status[i] = run("hog", 2, argv);
    }
    int bstatus = proc_join(bystander);
    CHECK(pager_set_limit(&uvm_pager, limit0) == 0, "could not restore the limit");
    for (int i = 0; i < 3; i++)
        CHECK(status[i] == 0, "hog %s ended with %d: a refusal was not clean", modes[i], status[i]);
    CHECK(bstatus == 0, "the bystander ended with %d", bstatus);
    CHECK(commit_stats.refused - refused0 >= 3, "only %u refusals", commit_stats.refused - refused0);
    same_as(s0);
}

/* Write a pattern from SEED over SIZE bytes at P: one word every
 * 256 KiB, so each 4 MiB (each page table's span) gets pages. */
static void pattern(volatile uint32_t *p, uint32_t size, uint32_t seed)
{
    for (uint32_t i = 0; i < size / 4; i += 65536) p[i] = seed ^ i;    /* a page every 256 KiB */
}

/* How many of the words pattern(P, SIZE, SEED) writes differ at P. */
static uint32_t pattern_bad(volatile uint32_t *p, uint32_t size, uint32_t seed)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < size / 4; i += 65536) bad += p[i] != (seed ^ i);
    return bad;
}

static void test_kernel_half_shared(void)
{
    /* A kernel-half pool of its own (between the reverse-map arena and
     * the kmap windows: mm/memlayout.h), 16 MiB further on at each run,
     * so that its page tables are new every time (kernel page tables
     * stay).  Below VM_USER_END there is room for RUNS such pools: a
     * later run in the same boot would find its tables made already. */
    static uint32_t run_no;
    enum { SIZE = 6u << 20 };                   /* more than a page table's 4 MiB */
    const uint32_t first = 0xF0000000u, step = 16u << 20, runs = (VM_USER_END - first) / step;
    CHECK(run_no < runs, "run %u in one boot: only %u have new kernel page tables", run_no + 1,
          runs);
    uint32_t base = first + run_no++ * step;
    static struct vmpool kp;
    CHECK(vmpool_init(&kp, "khalf", base, step, PTE_W) == 0, "pool");
    uint32_t ra = vmpool_alloc(&kp, SIZE), rb = vmpool_alloc(&kp, SIZE);
    CHECK(ra && rb, "regions");
    volatile uint32_t *a = (volatile uint32_t *)ra, *b = (volatile uint32_t *)rb;
    struct aspace *as = aspace_create();
    CHECK(as, "no space");
    uint32_t kpt0 = vmstat_counts.frames_kpt;
    pattern(a, SIZE, 1);                        /* made in kernel_as, seen from AS */
    uint32_t kpt1 = vmstat_counts.frames_kpt;
    cli();
    aspace_switch(as);
    uint32_t bad_a = pattern_bad(a, SIZE, 1);
    pattern(b, SIZE, 2);                        /* made in AS, seen from kernel_as */
    aspace_switch(&kernel_as);
    sti();
    uint32_t kpt2 = vmstat_counts.frames_kpt;
    uint32_t bad_b = pattern_bad(b, SIZE, 2);
    msg("%u new kernel page tables made in the kernel's space, %u in a process space; "
        "%u and %u words wrong when read from the other", kpt1 - kpt0, kpt2 - kpt1, bad_a, bad_b);
    CHECK(kpt1 > kpt0 && kpt2 > kpt1, "no new kernel page table was needed: the test proves nothing");
    CHECK(bad_a == 0 && bad_b == 0, "a kernel mapping made in one space is not seen in another");
    CHECK(vmpool_release(&kp, ra) == 0 && vmpool_release(&kp, rb) == 0 && vmpool_destroy(&kp) == 0,
          "teardown");
    aspace_destroy(as);
}

TEST("user_hello", test_user_hello, "a user program prints its arguments and exit status",
     "log=hello.from.pid.\\d+,.3.arguments:.'hello'.'one'.'two.words'");
TEST("user_syscall_bad", test_user_syscall_bad,
     "bad pointers in every pointer-taking call are -E_FAULT; unknown calls -E_NOSYS",
     "log=badcalls:.\\d+.bad.calls.refused");
TEST("user_fault_kill", test_user_fault_kill,
     "refused user accesses kill only their process, with an exact report",
     "log=user.fault:.pid.\\d+.'faulter':.read.of.0x00100000.at.eip.[0-9a-f]+:.page.fault,.error.0x5.\\(protection.violation,.read,.user.mode\\):.killed "
     "log=user.fault:.pid.\\d+.'faulter':.write.to.0x00100000.*error.0x7.\\(protection.violation,.write,.user "
     "log=user.fault:.pid.\\d+.'faulter':.read.of.0x30000000.*error.0x4.\\(page.not.present,.read,.user "
     "log=user.fault:.pid.\\d+.'faulter':.write.to.0x30000000.*error.0x6.\\(page.not.present,.write,.user "
     "log=user.fault:.pid.\\d+.'faulter':.write.to.0x004[0-9a-f]{5}.*error.0x7.\\(protection.violation,.write,.user");
TEST("user_stack_grow", test_user_stack_grow,
     "1 MiB of recursion; a far touch and the 8 MiB limit refused",
     "mem=64 timeout=60 solo");
TEST("user_sbrk", test_user_sbrk, "sbrk grows and shrinks the heap; frames come back", "");
TEST("user_mmap", test_user_mmap,
     "private and shared mmap, unmapping the middle, the hole kills, bad arguments", "");
TEST("user_fork_cow", test_user_fork_cow,
     "fork shares pages copy-on-write; one copy per page written", "");
TEST("user_shm", test_user_shm, "two processes exchange 1 MiB through a named segment", "");
TEST("user_exec", test_user_exec, "exec returns the old image's frames; arguments arrive", "");
TEST("user_many", test_user_many,
     "32 processes, 48 resident frames: private, copy-on-write and shared pages via swap",
     "disk=16 timeout=60 log=many:.32.processes,.every.page.checked");
TEST("user_exhaust", test_user_exhaust,
     "sbrk, mmap and fork refused cleanly at the commit limit; a bystander survives",
     "disk=4 timeout=60 log=hog:.sbrk.refused log=hog:.mmap.refused log=hog:.fork.refused "
     "log=hog:.the.bystander");
TEST("kernel_half_shared", test_kernel_half_shared,
     "kernel mappings made in one space are seen in every other", "");
