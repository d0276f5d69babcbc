/* tests/host/shim.c - the kernel services host unit tests stand in for.
 *
 * mm/ code prints with kprintf (lib/printf.c, over kvprintf) and stops
 * with panic_at; here kvprintf goes to stdout (and is counted, so a test can assert that a bad call
 * printed its error), and panic aborts the test with the message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "tests/host/shim.h"

int shim_messages;          /* kprintf calls so far */
char shim_last[512];        /* the last message printed */

int kvprintf(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    vsnprintf(shim_last, sizeof shim_last, fmt, cp);
    va_end(cp);
    shim_messages++;
    return vprintf(fmt, ap);
}


void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "PANIC at %s:%d in %s(): ", file, line, func);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}
