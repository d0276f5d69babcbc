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

int console_ansi;

void console_set_color(int color)
{
    /* The ANSI foreground for each VGA colour (bright ones with 1;). */
    static const char *const ansi[16] = {
        "30", "34", "32", "36", "31", "35", "33", "37",
        "1;30", "1;34", "1;32", "1;36", "1;31", "1;35", "1;33", "1;37",
    };
    vga_set_color(color);
    if (!console_ansi) return;
    const char *code = color < 0 ? "0" : ansi[color & 15];
    uart_putc('\033'), uart_putc('[');
    while (*code) uart_putc(*code++);
    uart_putc('m');
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

