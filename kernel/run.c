/* kernel/run.c - run=PROG[,ARG...]: one user program as the whole boot.
 *
 * The syntax.  The kernel command line is a list of key=value words
 * separated by spaces (kernel/cmdline.h), so a program and its
 * arguments are one word, a comma-separated list:
 *
 *   run=hello                  argv = { "hello" }
 *   run=hello,one,two          argv = { "hello", "one", "two" }
 *   run=memdemo,20 memview=fork,exit
 *                              memdemo with argument 20; the other
 *                              options still apply
 *
 * argv[0] is the program's name, as exec gives it.  An argument cannot
 * hold a space or a comma, nor be empty.  At most PROC_MAX_ARGS words.
 *
 * What it prints, on the console, after the program's own output:
 *
 *   run: pid 1 'hello' exited with status 9
 *   run: pid 1 'faulter' was killed by the kernel (a fault it refused)
 *
 * and the boot ends: EXIT_PASS (QEMU status 33) for status 0, EXIT_FAIL
 * (35) for anything else, so that `make run PROG=...` and scripts can
 * tell.  tools/check_run.py (test run_prog) checks all of this. */
#include "kernel/run.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"
#include "kernel/proc.h"
#include "lib/printf.h"
#include "lib/string.h"

CMDLINE_KEY(run, "run", "PROG[,ARG,...]: run user program PROG with these arguments, "
            "print its exit status, end the boot");

/* Refuse run=VALUE because PROG is no program of the image, listing the
 * programs that are. */
static void __attribute__((noreturn)) no_such_program(const char *value, const char *prog)
{
    char names[512];
    uint32_t n = 0;
    for (int i = 0; program_at(i) && n < sizeof names; i++)
        n += ksnprintf(names + n, sizeof names - n, "%s%s", i ? " " : "", program_at(i)->name);
    cmdline_refuse("run=%s: no program '%s'; the programs are: %s", value, prog, names);
}

void run_main(void)
{
    static char buf[CMDLINE_MAX];       /* the argument strings, split in place */
    const char *argv[PROC_MAX_ARGS];
    const char *value = cmdline_get("run");
    if (!value) return;

    static const char *const modes[] = { "test", "workload", "report" };
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (cmdline_get(modes[i]))
            cmdline_refuse("run=%s and %s=%s both choose what the boot does; give one",
                           value, modes[i], cmdline_get(modes[i]));
    int argc = cmdline_list("run", 0, buf, sizeof buf, argv, PROC_MAX_ARGS);
    if (!program_find(argv[0])) no_such_program(value, argv[0]);

    struct proc *p = proc_spawn(argv[0], argc, argv);
    if (!p) {
        kprintf("run: could not start '%s' (see above)\n", argv[0]);
        qemu_exit(EXIT_FAIL);
    }
    int pid = p->pid, status = proc_join(p);
    if (status == PROC_KILLED)
        kprintf("run: pid %d '%s' was killed by the kernel (a fault it refused)\n", pid,
                argv[0]);
    else
        kprintf("run: pid %d '%s' exited with status %d\n", pid, argv[0], status);
    int left = proc_count();
    if (left)
        kprintf("run: %d process%s it started still running end%s with the boot\n", left,
                left == 1 ? "" : "es", left == 1 ? "s" : "");
    qemu_exit(status == 0 ? EXIT_PASS : EXIT_FAIL);
}
