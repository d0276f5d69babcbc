/* tests/user/hello.c - the first user program: print, look at the arguments, exit.
 *
 * Run by the kernel test user_hello, which checks its output and that
 * its exit status, 7 plus the number of arguments, comes back, and by
 * the test run_prog (tools/check_run.py), which boots it with run=. */
#include "tests/user/ulib.h"

int main(int argc, char **argv)
{
    progname = argv[0];
    printf("hello from pid %d, %d argument%s:", getpid(), argc, argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++) printf(" '%s'", argv[i]);
    printf("\n");
    return 7 + argc;
}
