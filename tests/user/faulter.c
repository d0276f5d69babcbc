/* tests/user/faulter.c - make one access the kernel must refuse, and die of it.
 *
 * faulter MODE, MODE one of:
 *   kread   read kernel memory (present, supervisor-only): error 0x5
 *   kwrite  write kernel memory: error 0x7
 *   uread   read an address in no region of the process: error 0x4
 *   uwrite  write one: error 0x6
 *   text    write the program's own read-only text: error 0x7
 * The kernel test user_fault_kill checks that each ends the process with
 * PROC_KILLED and a report naming it, the address, EIP and the error;
 * if the access is let through, the program says so and exits 2. */
#include "tests/user/ulib.h"

#define KERNEL_IMAGE 0x00100000u        /* identity-mapped, supervisor only */
#define NOWHERE      0x30000000u        /* in the image pool, in no region */

int main(int argc, char **argv)
{
    progname = "faulter";
    if (argc != 2) fail("usage: faulter kread|kwrite|uread|uwrite|text");
    const char *m = argv[1];
    volatile uint32_t *p = 0;
    int write = 0;
    if (strcmp(m, "kread") == 0) p = (uint32_t *)KERNEL_IMAGE;
    else if (strcmp(m, "kwrite") == 0) p = (uint32_t *)KERNEL_IMAGE, write = 1;
    else if (strcmp(m, "uread") == 0) p = (uint32_t *)NOWHERE;
    else if (strcmp(m, "uwrite") == 0) p = (uint32_t *)NOWHERE, write = 1;
    else if (strcmp(m, "text") == 0) p = (uint32_t *)(uint32_t)main, write = 1;
    else fail("unknown mode '%s'", m);
    printf("faulter: pid %d: %s %p\n", getpid(), write ? "writing" : "reading", (void *)p);
    if (write) *p = 0xBAD;
    else printf("faulter: read 0x%x\n", *p);
    printf("faulter: the access at %p was allowed\n", (void *)p);
    return 2;
}
