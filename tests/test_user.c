/* tests/test_user.c - user processes: programs run in ring 3, in spaces of their own.
 *
 * Each test starts programs from tests/user/ with proc_spawn, waits for
 * them with proc_join, checks their exit status (and, through log=
 * patterns, what they printed), and then that every frame, page table
 * and swap slot they held has come back and no process is left.
 *
 * user_hello: a program prints its pid and arguments and exits with 7
 *   plus its argument count. */
#include "tests/harness.h"
#include "tests/util.h"
#include "kernel/proc.h"
#include "mm/swap.h"
#include "mm/paging.h"
#include "lib/string.h"

/* What must come back after a test's processes are gone. */
struct snapshot {
    uint32_t frames, slots, procs;
};

static struct snapshot snap(void)
{
    return (struct snapshot){ free_frames(), swap_stats.used, (uint32_t)proc_count() };
}

static void same_as(struct snapshot a)
{
    struct snapshot b = snap();
    CHECK(b.procs == a.procs, "%u processes left, %u before", b.procs, a.procs);
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

TEST("user_hello", test_user_hello, "a user program prints its arguments and exit status",
     "log=hello.from.pid.\\d+,.3.arguments:.'hello'.'one'.'two.words'");
