/* tests/user/sbrkuse.c - the heap grows with sbrk, and shrinking it returns frames.
 *
 * Grows the heap by 1 MiB, writes every page, checks the bytes and that
 * 256 more pages are resident and 256 fewer frames free; shrinks it by
 * the same, and checks the pages are gone and the frames free again.
 * Also: sbrk past USER_HEAP_MAX and below the heap's start are refused.
 * Exits 0 if all held. */
#include "tests/user/ulib.h"

#define MB (1u << 20)

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "sbrkuse";
    struct sys_vmstat a, b, c;
    vmstat(&a);
    uint8_t *p = sbrk(MB);
    CHECK(!is_err(p), "sbrk(1 MiB) failed: %d", (int)p);
    for (uint32_t i = 0; i < MB; i += 4096) p[i] = (uint8_t)(i >> 12);
    for (uint32_t i = 0; i < MB; i += 4096)
        CHECK(p[i] == (uint8_t)(i >> 12), "heap page %u lost its byte", i >> 12);
    vmstat(&b);
    printf("sbrkuse: grew 1 MiB at %p: %u -> %u pages resident, %u -> %u frames free\n",
           (void *)p, a.resident, b.resident, a.frames_free, b.frames_free);
    CHECK(b.resident - a.resident == 256, "%u pages more resident, expected 256",
          b.resident - a.resident);
    CHECK(a.frames_free - b.frames_free >= 256, "only %u frames taken",
          a.frames_free - b.frames_free);
    vmstat(&b);
    CHECK(sbrk(-(int32_t)MB) == p + MB, "sbrk(-1 MiB) did not return the old break");
    vmstat(&c);
    printf("sbrkuse: shrank 1 MiB: %u pages resident, %u frames free\n", c.resident,
           c.frames_free);
    CHECK(b.resident - c.resident == 256, "shrinking unmapped %u pages, expected 256",
          b.resident - c.resident);
    CHECK(c.frames_free - b.frames_free >= 256, "only %u frames returned",
          c.frames_free - b.frames_free);
    CHECK(sbrk(0x7FFFFFFF) == (void *)-E_NOMEM, "a huge sbrk was not refused");
    CHECK(sbrk(-0x10000000) == (void *)-E_NOMEM, "sbrk below the heap was not refused");
    printf("sbrkuse: growth, shrink and bad sizes as expected\n");
    return 0;
}
