/* kernel/console.h - the console kprintf writes to: COM1 and the VGA screen.
 * kprintf itself is declared in lib/printf.h. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

/* Set up the serial port and the VGA text screen (kernel/console.c). */
void console_init(void);

#endif
