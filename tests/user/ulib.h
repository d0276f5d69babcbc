/* tests/user/ulib.h - the user runtime: system calls and a little libc.
 *
 * Every user program (the other .c files of tests/user) is linked with
 * crt0.asm, ulib.c,
 * and the kernel's own lib/printf.c, lib/string.c and lib/errno.c,
 * built again for user mode.  The system calls are documented in kernel/syscall.h. */
#ifndef TESTS_USER_ULIB_H
#define TESTS_USER_ULIB_H

#include <stdint.h>
#include "kernel/syscall.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* The system calls (kernel/syscall.h). */
void exit(int status) __attribute__((noreturn));
int write(const void *buf, uint32_t len);
int getpid(void);
int yield(void);
int sleep(uint32_t ticks);
int fork(void);
int fork_eager(void);                    /* copies every page now: to compare */
int exec(const char *path, char *const argv[]);
int wait(int *status);
void *sbrk(int32_t incr);               /* (void *)-E_xxx on failure */
void *mmap(uint32_t len, int prot, int flags);
int munmap(void *addr, uint32_t len);
void *shm_map(const char *name, uint32_t size, int create, uint32_t *size_out);
int vmstat(struct sys_vmstat *st);
int memview(int pid);

/* Make system call NR with up to four arguments, unchecked: the tests of
 * bad arguments use it directly. */
int syscall4(int nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d);

/* An error result of sbrk/mmap/shm_map (a small negative number)? */
static inline int is_err(const void *p) { return (uint32_t)p >= 0xFFFFF000u; }

/* Print to the console (lib/printf.c's formats). */
int printf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Print "NAME: FAIL: ..." and exit with status 1. */
void fail(const char *fmt, ...) __attribute__((noreturn)) PRINTF_LIKE(1, 2);
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* The program's name (argv[0]), for messages. */
extern const char *progname;

/* Cycles since boot: instructions, under QEMU -icount shift=0. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

#endif
