/* tests/user/forkcow.c - fork shares pages copy-on-write; a write copies one page.
 *
 * The parent touches 64 pages, then forks.  Both must then see 64 pages
 * mapped copy-on-write (vmstat), and no page copied yet.  The child
 * writes 10 of them: exactly 10 copies must be made, the child sees its
 * values and the parent (after the child exits) still its own; the
 * parent then writes all 64: the 10 the child copied are the parent's
 * alone now (no copy, W simply set again: "reuses"), and so are the other
 * 54, since the child has gone.  Exits 0 if all held. */
#include "tests/user/ulib.h"

#define N 64
#define PAGE 4096u

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "forkcow";
    uint8_t *p = sbrk(N * PAGE);
    CHECK(!is_err(p), "sbrk failed");
    for (uint32_t i = 0; i < N; i++) p[i * PAGE] = (uint8_t)i;
    struct sys_vmstat a, b;
    vmstat(&a);
    int pid = fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid == 0) {
        vmstat(&b);
        CHECK(b.cow >= N, "child: only %u pages copy-on-write after fork", b.cow);
        uint32_t copies0 = b.cow_copies;
        for (uint32_t i = 0; i < 10; i++) p[i * PAGE] = (uint8_t)(100 + i);
        vmstat(&b);
        CHECK(b.cow_copies - copies0 == 10, "child: %u copies for 10 written pages",
              b.cow_copies - copies0);
        for (uint32_t i = 0; i < N; i++)
            CHECK(p[i * PAGE] == (uint8_t)(i < 10 ? 100 + i : i), "child: page %u wrong", i);
        printf("forkcow: child wrote 10 shared pages: exactly 10 copies\n");
        exit(0);
    }
    vmstat(&b);
    CHECK(b.cow >= N, "parent: only %u pages copy-on-write after fork", b.cow);
    printf("forkcow: after fork the parent maps %u pages copy-on-write, %u copies so far\n",
           b.cow, b.cow_copies - a.cow_copies);
    int status;
    CHECK(wait(&status) == pid && status == 0, "child ended with %d", status);
    for (uint32_t i = 0; i < N; i++)
        CHECK(p[i * PAGE] == (uint8_t)i, "parent: page %u sees the child's write", i);
    vmstat(&b);
    uint32_t copies0 = b.cow_copies, reuses0 = b.cow_reuses, cow0 = b.cow;
    for (uint32_t i = 0; i < N; i++) p[i * PAGE] = (uint8_t)(200 + i);
    vmstat(&b);
    printf("forkcow: parent wrote all %d after the child exited: %u copies, %u reuses\n", N,
           b.cow_copies - copies0, b.cow_reuses - reuses0);
    CHECK(b.cow_copies == copies0, "the parent copied pages nobody else maps");
    CHECK(b.cow_reuses - reuses0 == N, "%u pages made writable again, expected %d",
          b.cow_reuses - reuses0, N);
    CHECK(cow0 - b.cow == N, "%u pages stopped being copy-on-write, expected %d", cow0 - b.cow,
          N);
    return 0;
}
