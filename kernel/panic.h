/* kernel/panic.h - stopping on a broken invariant.
 *
 * panic(fmt, ...) prints the message with file:line and function, the
 * registers, CR0/CR2/CR3 and a backtrace of return addresses (turned into
 * function names and lines by tools/symbolize.py on the host), then ends
 * the run with EXIT_PANIC.  The program the kernel runs (the test
 * harness) may look at the panic first through panic_hook: a test that
 * expects a panic passes that way.
 * ASSERT(cond) panics naming the condition.  Host builds of mm/ code
 * supply their own panic_at (tests/host/). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>
#include "lib/printf.h"

#ifdef __cplusplus
extern "C" {
#endif

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((noreturn)) PRINTF_LIKE(4, 5);

#define panic(...) panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

#define ASSERT(cond) \
    do { if (!(cond)) panic("assertion failed: %s", #cond); } while (0)

/* Print "backtrace:" and one "  #N 0xADDR" line per frame, starting with
 * EIP and following the saved-EBP chain from EBP. */
void backtrace(uint32_t eip, uint32_t ebp);

/* Called once the panic report is printed, with where the panic was
 * raised.  The hook may end the run itself (qemu_exit) with its own
 * verdict; if it returns, the run ends with EXIT_PANIC.  0: no hook. */
extern void (*panic_hook)(const char *file, int line);

#ifdef __cplusplus
}
#endif

#endif
