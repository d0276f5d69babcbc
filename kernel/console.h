/* kernel/console.h - the console kprintf writes to: COM1 and the VGA screen.
 * kprintf itself is declared in lib/printf.h. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

/* Set up the serial port and the VGA text screen (kernel/console.c). */
void console_init(void);

/* Write what follows in COLOR, a VGA colour 0-15 (VGA_* below), or -1
 * for the usual: on the screen always; on serial, as an ANSI escape,
 * only while console_ansi is set (the host's logs stay plain text). */
void console_set_color(int color);
extern int console_ansi;

#define VGA_BLUE 1
#define VGA_GREEN 2
#define VGA_CYAN 3
#define VGA_RED 4
#define VGA_MAGENTA 5
#define VGA_BROWN 6
#define VGA_GREY 7
#define VGA_DARKGREY 8
#define VGA_LIGHTBLUE 9
#define VGA_LIGHTGREEN 10
#define VGA_LIGHTCYAN 11
#define VGA_LIGHTRED 12
#define VGA_PINK 13
#define VGA_YELLOW 14
#define VGA_WHITE 15

#endif
