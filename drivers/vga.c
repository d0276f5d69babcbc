/* drivers/vga.c - 80x25 VGA text mode at physical 0xB8000.
 *
 * Mirrors the console so that `make run` with a QEMU window, or the GRUB
 * ISO on real hardware, shows what serial shows.  Scrolls by copying
 * rows up; moves the hardware cursor through the CRT controller.  The
 * buffer lies in the identity-mapped first 4 MiB, so it works before
 * and after paging is turned on. */
#include <stdint.h>
#include "drivers/vga.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define COLS    80
#define ROWS    25
#define ATTR    0x0700          /* light grey on black */

static volatile uint16_t *const screen = (volatile uint16_t *)0xB8000;
static int col, row;
static uint16_t attr = ATTR;            /* the colour of the characters written now */

void vga_set_color(int color)
{
    attr = color < 0 ? ATTR : (uint16_t)((color & 0x0F) << 8);
}

static void cursor(void)
{
    uint16_t pos = (uint16_t)(row * COLS + col);
    outb(0x3D4, 14), outb(0x3D5, pos >> 8);
    outb(0x3D4, 15), outb(0x3D5, pos & 0xFF);
}

void vga_init(void)
{
    for (int i = 0; i < COLS * ROWS; i++) screen[i] = ATTR | ' ';
    col = row = 0;
    cursor();
}

void vga_putc(char c)
{
    if (c == '\n') {
        col = 0, row++;
    } else if (c == '\r') {
        col = 0;
    } else if (c == '\t') {
        col = (col + 8) & ~7;
    } else {
        screen[row * COLS + col] = attr | (uint8_t)c;
        col++;
    }
    if (col >= COLS) col = 0, row++;
    if (row >= ROWS) {
        memmove((void *)screen, (void *)(screen + COLS), (ROWS - 1) * COLS * 2);
        for (int i = 0; i < COLS; i++) screen[(ROWS - 1) * COLS + i] = ATTR | ' ';
        row = ROWS - 1;
    }
    cursor();
}
