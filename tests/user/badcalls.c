/* tests/user/badcalls.c - every pointer-taking system call, given bad pointers.
 *
 * Each call must return -E_FAULT, and the kernel must survive with no
 * frame or lock leaked (the kernel test user_syscall_bad checks that):
 * a null pointer, a kernel address, a user address in no region, a
 * range that wraps past 4 GiB, and one that runs past the end of user
 * space.  Unknown call numbers must return -E_NOSYS.  Exits 0 if every
 * result was right, 1 at the first wrong one. */
#include "tests/user/ulib.h"

/* Bad pointers: null, the kernel heap, the kernel image, a user address
 * in no region, one that wraps past 4 GiB.  Calls that take a length or
 * a fixed-size object also get one that runs past the end of user space
 * (END_LONG with a long length, END_SHORT for a 4-byte object). */
static const uint32_t bad[] = { 0, 0xC0000000u, 0x00100000u, 0x30000000u, 0xFFFFFFF0u };
#define NBAD (sizeof bad / sizeof bad[0])
#define END_LONG  0xBFFFFFF0u           /* + 0x100 bytes, or a 48-byte vmstat */
#define END_SHORT 0xBFFFFFFEu           /* + 4 bytes */

static int checked;

static void expect(const char *call, uint32_t ptr, int got, int want)
{
    checked++;
    if (got != want)
        fail("%s with pointer 0x%x returned %d (%s), expected %d (%s)", call, ptr, got,
             errname(got), want, errname(want));
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    progname = "badcalls";
    char name[] = "hello";
    char *args[] = { name, 0 };
    for (uint32_t i = 0; i < NBAD; i++) {
        uint32_t p = bad[i], len = p == 0xFFFFFFF0u ? 0x20 : 0x100;
        expect("write", p, syscall4(SYS_write, p, len, 0, 0), -E_FAULT);
        expect("exec(path)", p, syscall4(SYS_exec, p, (uint32_t)args, 0, 0), -E_FAULT);
        expect("shm_map(name)", p, syscall4(SYS_shm_map, p, 4096, 1, 0), -E_FAULT);
        expect("vmstat", p, syscall4(SYS_vmstat, p, 0, 0, 0), -E_FAULT);
        if (!p) continue;                       /* these take 0 as "none" */
        expect("exec(argv)", p, syscall4(SYS_exec, (uint32_t)name, p, 0, 0), -E_FAULT);
        expect("wait", p, syscall4(SYS_wait, p, 0, 0, 0), -E_FAULT);
        expect("shm_map(size)", p, syscall4(SYS_shm_map, (uint32_t)"bad-size", 4096, 1, p),
               -E_FAULT);
    }
    expect("write", END_LONG, syscall4(SYS_write, END_LONG, 0x100, 0, 0), -E_FAULT);
    expect("vmstat", END_LONG, syscall4(SYS_vmstat, END_LONG, 0, 0, 0), -E_FAULT);
    expect("exec(argv)", END_SHORT, syscall4(SYS_exec, (uint32_t)name, END_SHORT, 0, 0),
           -E_FAULT);
    expect("wait", END_SHORT, syscall4(SYS_wait, END_SHORT, 0, 0, 0), -E_FAULT);
    expect("shm_map(size)", END_SHORT,
           syscall4(SYS_shm_map, (uint32_t)"bad-size", 4096, 1, END_SHORT), -E_FAULT);
    /* An argv whose strings are bad, not the array. */
    char *bad_args[] = { name, (char *)0xC0000000u, 0 };
    expect("exec(argv[1])", 0xC0000000u, exec(name, bad_args), -E_FAULT);
    /* wait with no child, and a null status, is not a fault. */
    expect("wait(0)", 0, wait(0), -E_CHILD);
    static const int nosuch[] = { 0, SYS_NCALLS, 100, 1000, -1, 0x7FFFFFFF };
    for (uint32_t i = 0; i < sizeof nosuch / sizeof nosuch[0]; i++)
        expect("an unknown call", (uint32_t)nosuch[i], syscall4(nosuch[i], 0, 0, 0, 0), -E_NOSYS);
    printf("badcalls: %d bad calls refused as they should be\n", checked);
    return 0;
}
