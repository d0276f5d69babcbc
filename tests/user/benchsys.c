/* tests/user/benchsys.c - what system calls, fork and copy-on-write cost, in instructions.
 *
 * Run by the benchmark bench_user (tests/bench_user.c) under QEMU
 * -icount shift=0, where rdtsc counts guest instructions exactly.
 * Prints BENCH lines for tools/bench.py:
 *   user.getpid           one getpid round trip (int 0x80 .. iret)
 *   user.fork_cow         fork of a process with 1,000 touched private pages
 *   user.fork_eager       the same fork copying every page at once
 *   user.cow_first_write  the first write to a page after fork (a copy, all in)
 *   user.switch           one switch between two processes (half a yield
 *                         ping-pong)
 * Exits 0. */
#include "tests/user/ulib.h"

#define PAGES 1000
#define PAGE  4096u

static void report(const char *key, uint32_t value, const char *what)
{
    printf("BENCH key=%s mem=0 value=%u what=\"%s\"\n", key, value, what);
}

/* Instructions of an empty loop of N rounds with two rdtsc: subtracted. */
static uint64_t overhead(int n)
{
    uint64_t t0 = rdtsc();
    for (volatile int i = 0; i < n; i++)
        ;
    return rdtsc() - t0;
}

/* Fork with FORKER; return the parent's instructions for the call. */
static uint32_t time_fork(int (*forker)(void))
{
    uint64_t t0 = rdtsc();
    int pid = forker();
    uint64_t t = rdtsc() - t0;
    if (pid == 0) exit(0);
    CHECK(pid > 0, "fork failed: %d", pid);
    int status;
    CHECK(wait(&status) == pid && status == 0, "child");
    return (uint32_t)t;
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "benchsys";
    enum { N = 1000 };
    uint64_t t0 = rdtsc();
    for (volatile int i = 0; i < N; i++) getpid();
    uint64_t t = rdtsc() - t0 - overhead(N);
    report("user.getpid", (uint32_t)(t / N), "instructions per getpid round trip");

    uint8_t *p = sbrk(PAGES * PAGE);
    CHECK(!is_err(p), "sbrk");
    for (uint32_t i = 0; i < PAGES; i++) p[i * PAGE] = (uint8_t)i;
    uint32_t cow = time_fork(fork), eager = time_fork(fork_eager);
    report("user.fork_cow", cow, "fork of 1,000 touched pages, copy-on-write");
    report("user.fork_eager", eager, "the same fork copying every page at once");

    /* The first write after fork, while the child still shares the pages:
     * each write copies one page.  Averaged over 100 pages. */
    int pid = fork();
    if (pid == 0) {
        sleep(50);
        exit(0);
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 100; i++) {
        volatile uint8_t *q = p + i * PAGE;
        uint64_t w0 = rdtsc();
        *q = 1;
        sum += (uint32_t)(rdtsc() - w0);
    }
    report("user.cow_first_write", sum / 100, "the first write to a shared page: copy, all in");
    int status;
    CHECK(wait(&status) == pid && status == 0, "sleeping child");

    /* Two processes yield to each other: each yield is one switch out
     * and, when the other yields back, one switch in. */
    if ((pid = fork()) == 0) {
        for (int i = 0; i < N; i++) yield();
        exit(0);
    }
    t0 = rdtsc();
    for (int i = 0; i < N; i++) yield();
    t = rdtsc() - t0;
    CHECK(wait(&status) == pid, "yielding child");
    report("user.switch", (uint32_t)(t / (2 * N)), "instructions per process switch (yield)");
    return 0;
}
