/* kernel/console.c - where kprintf's characters go.
 *
 * Every character goes to the serial port (the console the host tools
 * read) and to the VGA text screen.  Output is done with interrupts off
 * so that a line printed from an interrupt handler cannot split another. */
#include "kernel/console.h"
#include "lib/printf.h"
#include "drivers/uart.h"
#include "drivers/vga.h"
#include "kernel/x86.h"

void console_init(void)
{
    uart_init();
    vga_init();
}

static void console_putc(char c, void *arg)
{
    (void)arg;
    uart_putc(c);
    vga_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    uint32_t fl = read_eflags();
    cli();
    int n = vformat(console_putc, 0, fmt, ap);
    if (fl & EFLAGS_IF) sti();
    return n;
}

