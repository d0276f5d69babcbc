/* kernel/exit.c - leave QEMU with a status, or halt on real hardware. */
#include "kernel/exit.h"
#include "kernel/x86.h"

#define DEBUG_EXIT_PORT 0xF4

void qemu_exit(int code)
{
    cli();
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
    for (;;) hlt();             /* no isa-debug-exit: stop here */
}
