/* kernel/run.h - run=PROG[,ARG...]: boot into one user program.
 *
 * The kernel command line's run= option names a program of the kernel
 * image (tests/user/, kernel/proc.h) and its arguments.  kmain calls
 * run_main once every subsystem is up: it starts the program as a
 * process, waits for it, prints how it ended and ends the boot, with
 * QEMU status 33 (EXIT_PASS) if the program exited with 0 and 35
 * (EXIT_FAIL) otherwise.  `make run PROG=NAME ARGV="A B"` passes
 * run=NAME,A,B. */
#ifndef KERNEL_RUN_H
#define KERNEL_RUN_H

/* If the command line has run=, run that program and end the boot
 * (never returns); if not, return at once.  A bad run= (no such
 * program, an empty item, too many arguments, or combined with test=,
 * workload= or report=) ends the boot with a message naming it and
 * status 35, before any process starts. */
void run_main(void);

#endif
