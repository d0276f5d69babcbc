/* kernel/syscall.h - the system-call interface: numbers, arguments, results.
 *
 * This header is the contract between the kernel and user programs
 * (tests/user/ulib.c includes it).  A program traps with `int $0x80`
 * (vector T_SYSCALL, a gate user code may use) with the call's number in
 * EAX and its arguments in EBX, ECX, EDX, ESI; the result comes back in
 * EAX: a value >= 0, or -E_xxx (lib/errno.h).  Every pointer argument is
 * checked (mm/uaccess.h): a bad one is -E_FAULT, never a crash.  A
 * number no call has is -E_NOSYS.
 *
 *   nr  call                                 result
 *    1  exit(status)                         does not return
 *    2  write(buf, len)                      bytes written to the console
 *    3  getpid()                             the caller's pid
 *    4  yield()                              0
 *    5  sleep(ticks)                         0, after TICKS timer ticks (100 a second)
 *    6  fork(how)                            the child's pid; 0 in the child.  HOW is
 *                                            0, or FORK_EAGER: copy every page now
 *                                            (to measure what copy-on-write saves)
 *    7  exec(path, argv)                     does not return; or an error
 *    8  wait(&status)                        a child's pid, its exit status in STATUS
 *    9  sbrk(incr)                           the old break
 *   10  mmap(len, prot, flags)               the mapping's address
 *   11  munmap(addr, len)                    0
 *   12  shm_map(name, size, create)          the segment's address; its size in *SIZE
 *   13  vmstat(&struct sys_vmstat)           0
 *   14  memview(pid)                         0: prints memory maps (mm/memview.c)
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

#define T_SYSCALL 0x80

#define SYS_exit     1
#define SYS_write    2
#define SYS_getpid   3
#define SYS_yield    4
#define SYS_sleep    5
#define SYS_fork     6
#define SYS_exec     7
#define SYS_wait     8
#define SYS_sbrk     9
#define SYS_mmap    10
#define SYS_munmap  11
#define SYS_shm_map 12
#define SYS_vmstat  13
#define SYS_memview 14
#define SYS_NCALLS  15

#define FORK_EAGER  1

/* mmap's PROT and FLAGS. */
#define PROT_READ   1
#define PROT_WRITE  2
#define MAP_PRIVATE 1
#define MAP_SHARED  2

/* What vmstat reports: the caller's pages and the machine's counters. */
struct sys_vmstat {
    uint32_t pid;
    uint32_t resident;          /* the caller's pages mapped now */
    uint32_t swapped;           /* ... in swap */
    uint32_t cow;               /* ... mapped copy-on-write */
    uint32_t shared;            /* ... mapped from shared memory */
    uint32_t frames_free;       /* free frames of the process pool, the zeroed
                                   ones too (daemon_free_frames) */
    uint32_t swap_used;         /* swap slots in use */
    uint32_t cow_copies;        /* copy-on-write faults that copied, since boot */
    uint32_t cow_reuses;        /* ... that found the writer was the last sharer */
    uint32_t faults_zero;       /* demand-zero faults since boot */
    uint32_t faults_image;      /* pages read from program images */
    uint32_t nprocs;            /* processes alive */
    uint32_t committed;         /* pages promised to all processes (mm/commit.h) */
    uint32_t commit_limit;      /* ... and the most that may be */
};

#ifndef VMLAB_USER
/* Install the system-call gate (kmain). */
void syscall_init(void);
#endif

#endif
