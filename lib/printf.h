/* lib/printf.h - formatted output for the kernel (and for host unit tests).
 *
 * kprintf writes to the console (kernel/console.c: serial, mirrored to VGA);
 * ksnprintf (and kvsnprintf) format into a buffer.  Conversions: %d %i %u %x %X %p %s %c %%,
 * with an optional '-' flag, '0' padding, a field width and the 'l' / 'll'
 * length modifiers.  The format attribute makes gcc check every call.
 * Host builds of mm/ code link a kprintf of their own (tests/host/). */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

int kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* ksnprintf with its arguments gathered.  Both write at most SIZE bytes,
 * the terminating NUL included, and return the length the whole text
 * would have. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* The formatter under them all: calls PUTC(c, ARG) for every output
 * character and returns how many it produced. */
int vformat(void (*putc)(char c, void *arg), void *arg, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif
