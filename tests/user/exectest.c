/* tests/user/exectest.c - exec replaces the image: its frames go back, the arguments arrive.
 *
 * exectest           touches 1 MiB of heap (256 frames), then execs
 *                    "exectest check FREE" with FREE the free frames it
 *                    saw before touching them
 * exectest check N   the new image: few pages resident, and at least
 *                    N - 16 frames free (the old image's 256 are back);
 *                    exits 40 plus its argument count (3)
 * A failed exec (no such program) returns -E_NOENT and the caller runs on. */
#include "tests/user/ulib.h"

int main(int argc, char **argv)
{
    progname = "exectest";
    struct sys_vmstat st;
    vmstat(&st);
    if (argc == 3 && strcmp(argv[1], "check") == 0) {
        const char *end;
        uint32_t before = strtoul_simple(argv[2], &end);
        printf("exectest: new image, argv[2] = %s; %u pages resident, %u frames free\n",
               argv[2], st.resident, st.frames_free);
        CHECK(st.resident < 16, "%u pages resident in a fresh image", st.resident);
        CHECK(st.frames_free + 16 >= before, "the old image's frames are not back: %u free, "
              "%u before it touched its heap", st.frames_free, before);
        return 40 + argc;
    }
    uint32_t free0 = st.frames_free;
    uint8_t *heap = sbrk(1u << 20);
    CHECK(!is_err(heap), "sbrk failed");
    for (uint32_t i = 0; i < (1u << 20); i += 4096) heap[i] = 1;
    vmstat(&st);
    printf("exectest: %u pages resident, %u frames free; exec\n", st.resident, st.frames_free);
    char *noargs[] = { 0 };
    CHECK(exec("no-such-program", noargs) == -E_NOENT, "exec of a missing program");
    char num[16], check[] = "check", self[] = "exectest";
    ksnprintf(num, sizeof num, "%u", free0);
    char *args[] = { self, check, num, 0 };
    int r = exec("exectest", args);
    fail("exec returned %d", r);
}
