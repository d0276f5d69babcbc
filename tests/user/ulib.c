/* tests/user/ulib.c - system-call stubs and the console for user programs.
 *
 * A system call is `int $0x80` with its number in EAX and arguments in
 * EBX, ECX, EDX, ESI (kernel/syscall.h); the kernel's result comes back
 * in EAX.  kprintf (lib/printf.c) prints through kvprintf below, which
 * formats into a buffer and writes it with one system call. */
#include <stdarg.h>
#include "tests/user/ulib.h"

const char *progname = "user";

int syscall4(int nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    int r;
    asm volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
    return r;
}

void exit(int status)
{
    syscall4(SYS_exit, (uint32_t)status, 0, 0, 0);
    for (;;)
        ;
}

int write(const void *buf, uint32_t len) { return syscall4(SYS_write, (uint32_t)buf, len, 0, 0); }
int getpid(void) { return syscall4(SYS_getpid, 0, 0, 0, 0); }
int yield(void) { return syscall4(SYS_yield, 0, 0, 0, 0); }
int sleep(uint32_t ticks) { return syscall4(SYS_sleep, ticks, 0, 0, 0); }
int fork(void) { return syscall4(SYS_fork, 0, 0, 0, 0); }
int fork_eager(void) { return syscall4(SYS_fork, FORK_EAGER, 0, 0, 0); }
int exec(const char *path, char *const argv[])
{
    return syscall4(SYS_exec, (uint32_t)path, (uint32_t)argv, 0, 0);
}
int wait(int *status) { return syscall4(SYS_wait, (uint32_t)status, 0, 0, 0); }
void *sbrk(int32_t incr) { return (void *)syscall4(SYS_sbrk, (uint32_t)incr, 0, 0, 0); }
void *mmap(uint32_t len, int prot, int flags)
{
    return (void *)syscall4(SYS_mmap, len, (uint32_t)prot, (uint32_t)flags, 0);
}
int munmap(void *addr, uint32_t len) { return syscall4(SYS_munmap, (uint32_t)addr, len, 0, 0); }
void *shm_map(const char *name, uint32_t size, int create, uint32_t *size_out)
{
    return (void *)syscall4(SYS_shm_map, (uint32_t)name, size, (uint32_t)create,
                            (uint32_t)size_out);
}
int vmstat(struct sys_vmstat *st) { return syscall4(SYS_vmstat, (uint32_t)st, 0, 0, 0); }
int memview(int pid) { return syscall4(SYS_memview, (uint32_t)pid, 0, 0, 0); }

struct ubuf {
    char data[256];
    uint32_t n;
};

static void ubuf_putc(char c, void *arg)
{
    struct ubuf *b = arg;
    if (b->n == sizeof b->data) {
        write(b->data, b->n);
        b->n = 0;
    }
    b->data[b->n++] = c;
}

int kvprintf(const char *fmt, va_list ap)
{
    struct ubuf b;
    b.n = 0;
    int n = vformat(ubuf_putc, &b, fmt, ap);
    if (b.n) write(b.data, b.n);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: FAIL: ", progname);
    kvprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    exit(1);
}
