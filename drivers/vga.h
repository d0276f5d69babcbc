/* drivers/vga.h - the VGA text screen, a mirror of the serial console. */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

void vga_init(void);
void vga_putc(char c);

/* The VGA colour (0-15, on black) of the characters written from now
 * on; -1 for the usual light grey. */
void vga_set_color(int color);

#endif
