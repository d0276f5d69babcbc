/* tests/user/stack.c - the stack grows on demand, within its rule and its limit.
 *
 * stack deep    recurse through 1 MiB of stack (256 frames of 4 KiB),
 *               checking each frame on the way back: exits 0
 * stack far     touch 64 KiB below the stack pointer, far past what a
 *               push could: the kernel must refuse it (killed)
 * stack limit   recurse without end: past USER_STACK_MAX (8 MiB) the
 *               stack region ends, and the kernel must refuse (killed)
 * The rule (mm/fault.c, uvm_stack_rule): a fault in the stack region
 * grows the stack if it is no more than 32 bytes below ESP. */
#include "tests/user/ulib.h"

static int depth(int n, int limit)
{
    volatile uint8_t frame[4096];
    for (int i = 0; i < 4096; i += 512) frame[i] = (uint8_t)(n + i);
    int below = n + 1 < limit || limit == 0 ? depth(n + 1, limit) : n + 1;
    for (int i = 0; i < 4096; i += 512)
        if (frame[i] != (uint8_t)(n + i)) fail("frame %d damaged at %d", n, i);
    return below;
}

int main(int argc, char **argv)
{
    progname = "stack";
    if (argc != 2) fail("usage: stack deep|far|limit");
    if (strcmp(argv[1], "deep") == 0) {
        int d = depth(0, 256);
        struct sys_vmstat st;
        vmstat(&st);
        printf("stack: recursed %d frames (1 MiB) and back; %u pages resident\n", d,
               st.resident);
        return d == 256 ? 0 : 1;
    }
    if (strcmp(argv[1], "far") == 0) {
        uint32_t sp;
        asm volatile("mov %%esp, %0" : "=r"(sp));
        volatile uint32_t *p = (uint32_t *)(sp - 65536);
        printf("stack: touching %p, 64 KiB below esp %p\n", (void *)p, (void *)sp);
        *p = 1;
        printf("stack: the far touch was allowed\n");
        return 2;
    }
    if (strcmp(argv[1], "limit") == 0) {
        printf("stack: recursing without end\n");
        depth(0, 0);
        return 2;
    }
    fail("unknown mode '%s'", argv[1]);
}
