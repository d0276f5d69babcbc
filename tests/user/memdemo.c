/* tests/user/memdemo.c - a family of processes with every kind of page, held still.
 *
 * The parent maps 16 pages of shared memory and fills 32 private heap
 * pages, then forks: the child writes 8 of the private pages (copies)
 * and 4 shared ones.  Both then sleep for SLEEP ticks (argv[1], default
 * 100), so that the kernel test memview can look at their pages: shared
 * pages, copy-on-write shared ones, each process's own.  Exits 0. */
#include "tests/user/ulib.h"

int main(int argc, char **argv)
{
    progname = "memdemo";
    uint32_t ticks = 100;
    if (argc > 1) ticks = strtoul_simple(argv[1], 0);
    uint8_t *shr = mmap(16 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED);
    uint8_t *heap = sbrk(32 * 4096);
    CHECK(!is_err(shr) && !is_err(heap), "memory");
    for (uint32_t i = 0; i < 16; i++) shr[i * 4096] = 1;
    for (uint32_t i = 0; i < 32; i++) heap[i * 4096] = 2;
    int pid = fork();
    CHECK(pid >= 0, "fork");
    if (pid == 0) {
        for (uint32_t i = 0; i < 8; i++) heap[i * 4096] = 3;
        for (uint32_t i = 0; i < 4; i++) shr[i * 4096] = 3;
        sleep(ticks);
        exit(0);
    }
    sleep(ticks);
    int status;
    CHECK(wait(&status) == pid && status == 0, "child");
    return 0;
}
