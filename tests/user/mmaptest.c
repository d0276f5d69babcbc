/* tests/user/mmaptest.c - anonymous mappings: private and shared, unmapping.
 *
 *  - a private and a shared mapping of 4 pages each, written, then fork:
 *    the child writes both; the parent must see the child's writes to the
 *    shared one only (private pages are copied on the child's write);
 *  - unmapping the middle 2 of 8 pages: the 6 others keep their bytes,
 *    and a child that touches the hole is killed (wait returns -1000);
 *  - bad arguments are refused: length 0, bad prot or flags, unmapping a
 *    misaligned address, an unmapped range, or one outside the mmap area.
 * Exits 0 if all held. */
#include "tests/user/ulib.h"

#define PAGE 4096u
#define KILLED (-1000)

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "mmaptest";
    uint8_t *priv = mmap(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    uint8_t *shr = mmap(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK(!is_err(priv) && !is_err(shr), "mmap failed: %d %d", (int)priv, (int)shr);
    for (uint32_t i = 0; i < 4 * PAGE; i += 64) priv[i] = 1, shr[i] = 1;
    int pid = fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid == 0) {
        for (uint32_t i = 0; i < 4 * PAGE; i += 64) priv[i] = 2, shr[i] = 2;
        exit(0);
    }
    int status;
    CHECK(wait(&status) == pid && status == 0, "the writing child ended with %d", status);
    for (uint32_t i = 0; i < 4 * PAGE; i += 64) {
        CHECK(priv[i] == 1, "private byte %u is %u: the child's write leaked in", i, priv[i]);
        CHECK(shr[i] == 2, "shared byte %u is %u: the child's write is not seen", i, shr[i]);
    }
    printf("mmaptest: the child's writes were seen in the shared mapping only\n");

    uint8_t *m = mmap(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    CHECK(!is_err(m), "mmap of 8 pages failed");
    for (uint32_t i = 0; i < 8 * PAGE; i++) m[i] = (uint8_t)(i * 7);
    CHECK(munmap(m + 3 * PAGE, 2 * PAGE) == 0, "unmapping the middle failed");
    for (uint32_t i = 0; i < 8 * PAGE; i++)
        if (i < 3 * PAGE || i >= 5 * PAGE)
            CHECK(m[i] == (uint8_t)(i * 7), "byte %u changed after the middle went", i);
    if ((pid = fork()) == 0) {
        printf("mmaptest: child touching the unmapped middle at %p\n", (void *)(m + 3 * PAGE));
        m[3 * PAGE] = 1;
        printf("mmaptest: the touch after munmap was allowed\n");
        exit(3);
    }
    CHECK(wait(&status) == pid && status == KILLED, "the child touching the hole ended with %d",
          status);
    printf("mmaptest: middle unmapped, the rest intact, the hole kills\n");
    CHECK(munmap(m, 3 * PAGE) == 0 && munmap(m + 5 * PAGE, 3 * PAGE) == 0, "unmapping the rest");

    CHECK(mmap(0, PROT_READ, MAP_PRIVATE) == (void *)-E_INVAL, "mmap of 0 bytes");
    CHECK(mmap(PAGE, 8, MAP_PRIVATE) == (void *)-E_INVAL, "mmap with a bad prot");
    CHECK(mmap(PAGE, PROT_READ, 7) == (void *)-E_INVAL, "mmap with bad flags");
    CHECK(munmap(priv + 1, PAGE) == -E_INVAL, "munmap of a misaligned address");
    CHECK(munmap(m, PAGE) == -E_INVAL, "munmap of a range no longer mapped");
    CHECK(munmap((void *)0x00400000, PAGE) == -E_INVAL, "munmap of the program's text");
    CHECK(munmap(priv, 0) == -E_INVAL, "munmap of 0 bytes");
    CHECK(munmap(priv, 4 * PAGE) == 0 && munmap(shr, 4 * PAGE) == 0, "final munmaps");
    printf("mmaptest: bad arguments refused\n");
    return 0;
}
