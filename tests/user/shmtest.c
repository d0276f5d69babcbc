/* tests/user/shmtest.c - two processes exchange 1 MiB through a named segment.
 *
 * The parent creates "xchg" (1 MiB) and fills its first half; the child
 * opens the same name (without creating it), checks the parent's half,
 * fills the second half and exits; the parent checks the child's half.
 * The segment's frames go back when the last mapping goes.  Also: opening
 * a name that does not exist, and bad names and sizes, are refused.
 * Exits 0 if all held. */
#include "tests/user/ulib.h"

#define SIZE (1u << 20)
#define HALF (SIZE / 2)

static uint32_t word(uint32_t i, uint32_t who) { return i * 2654435761u ^ who; }

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "shmtest";
    uint32_t size;
    CHECK(shm_map("no-such-segment", 0, 0, &size) == (void *)-E_NOENT, "a missing name opened");
    CHECK(shm_map("", SIZE, 1, &size) == (void *)-E_INVAL, "an empty name accepted");
    CHECK(shm_map("zero", 0, 1, &size) == (void *)-E_INVAL, "a size of 0 accepted");
    uint32_t *seg = shm_map("xchg", SIZE, 1, &size);
    CHECK(!is_err(seg) && size == SIZE, "shm_map(xchg) failed: %d", (int)seg);
    for (uint32_t i = 0; i < HALF / 4; i++) seg[i] = word(i, 1);
    int pid = fork();
    if (pid == 0) {
        uint32_t *mine = shm_map("xchg", 0, 0, &size);
        CHECK(!is_err(mine) && size == SIZE, "child: opening xchg failed: %d", (int)mine);
        for (uint32_t i = 0; i < HALF / 4; i++)
            CHECK(mine[i] == word(i, 1), "child: word %u of the parent's half is wrong", i);
        for (uint32_t i = HALF / 4; i < SIZE / 4; i++) mine[i] = word(i, 2);
        printf("shmtest: child at %p read the parent's 512 KiB, wrote its own\n", (void *)mine);
        exit(0);
    }
    int status;
    CHECK(wait(&status) == pid && status == 0, "child ended with %d", status);
    for (uint32_t i = HALF / 4; i < SIZE / 4; i++)
        CHECK(seg[i] == word(i, 2), "word %u of the child's half is wrong", i);
    printf("shmtest: 1 MiB exchanged through 'xchg'\n");
    CHECK(munmap(seg, SIZE) == 0, "munmap");
    CHECK(shm_map("xchg", 0, 0, &size) == (void *)-E_NOENT, "the segment outlived its mappings");
    return 0;
}
