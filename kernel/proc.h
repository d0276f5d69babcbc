/* kernel/proc.h - user processes: one thread, one address space, one program.
 *
 * A process is a kernel thread (kernel/thread.h) that runs in an address
 * space of its own (mm/aspace.h) and spends most of its time in ring 3,
 * running a program from the kernel's table of user programs (built from
 * tests/user/, put in the kernel image by the build).  It enters the
 * kernel by system calls (kernel/syscall.c), interrupts and faults, on
 * its own kernel stack.
 *
 * Its life:
 *   proc_spawn      (a kernel test, or run= at boot: kernel/run.c) or
 *                   fork (a process) makes it;
 *   exec            replaces its program and memory, keeping its pid;
 *   exit, or a fault the kernel refuses, ends it: its memory is given
 *                   back at once, in its own space, and it stays a
 *                   zombie holding its exit status;
 *   wait (its parent) or proc_join (the kernel, for a process it
 *                   spawned) reaps the zombie: its kernel stack and
 *                   record go.  A process whose parent has gone is reaped
 *                   by proc_reap.
 *
 * Exit statuses are what exit() was given, or PROC_KILLED for a process
 * the kernel ended (a fault it refused). */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdint.h>
#include "kernel/sync.h"

struct thread;
struct aspace;
struct uvm;
struct trapframe;

#define PROC_KILLED   (-1000)       /* the exit status of a process the kernel killed */
#define PROC_NAME     16

enum proc_state { PROC_RUNNING, PROC_ZOMBIE };

struct proc {
    int pid;
    char name[PROC_NAME];           /* the program it runs */
    enum proc_state state;
    int exit_status;
    struct thread *thread;
    struct aspace *as;
    struct uvm *vm;                 /* its memory (mm/uvm.h) */
    struct proc *parent;            /* 0: the kernel spawned it, or its parent is gone */
    int kernel_child;               /* spawned by the kernel: proc_join reaps it */
    struct semaphore exited;        /* up once when it exits (proc_join) */
    struct semaphore child_exited;  /* up once per child that exits (wait) */
    struct proc *next;              /* every process */
    /* Until its program starts: what to run and the arguments. */
    const struct program *prog;
    struct args *args;
};

/* A program's arguments, kept by the kernel between the caller's memory
 * and the new program's stack. */
#define PROC_MAX_ARGS 32
struct args {
    int argc;
    char *argv[PROC_MAX_ARGS];
    char buf[1024];                 /* the strings */
};

/* A program in the kernel image: the build's table (linker.ld gathers
 * the section .programs, which build/user/programs.asm fills). */
struct program {
    const char *name;
    const uint8_t *image;
    uint32_t size;
};

/* The program called NAME, or 0.  program_at(i) lists them. */
const struct program *program_find(const char *name);
const struct program *program_at(int i);

/* Start program NAME with ARGC arguments ARGV (argv[0] is the name by
 * convention) as a new process whose parent is the kernel.  Returns it,
 * or 0 with a message (no such program, arguments too big, no memory). */
struct proc *proc_spawn(const char *name, int argc, const char *const argv[]);

/* Wait for P (from proc_spawn) to exit, reap it, and return its exit
 * status.  Also reaps any orphans that have exited. */
int proc_join(struct proc *p);

/* Reap every process whose parent has gone and that has exited. */
void proc_reap(void);

/* Processes alive now (running or zombie), for leak checks. */
int proc_count(void);

/* The running process, or 0 in a kernel thread. */
struct proc *proc_current(void);

/* The system calls that change processes (kernel/syscall.c). */
int proc_fork(struct trapframe *tf, int eager);
int proc_exec(struct trapframe *tf, uint32_t upath, uint32_t uargv);
int proc_wait(uint32_t ustatus);
void proc_exit(int status) __attribute__((noreturn));

/* A fault or exception in user mode that the kernel refused: report it
 * (pid, program, what and where) and end the process with PROC_KILLED.
 * Never returns. */
void proc_fault(struct trapframe *tf) __attribute__((noreturn));

/* Call FN(ARG, P) for every process (the process list locked: FN must
 * not block). */
void proc_for_each(void (*fn)(void *arg, struct proc *p), void *arg);

#endif
