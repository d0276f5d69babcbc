/* kernel/pic.c - remap and drive the master/slave 8259A PICs.
 *
 * At reset the PICs deliver IRQ 0-7 on vectors 8-15, which collide with
 * CPU exceptions.  We move IRQ 0-15 to vectors 32-47 (T_IRQ0), mask all
 * lines, and let drivers unmask the ones they use. */
#include "kernel/pic.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI   0x20

static uint16_t mask = 0xFFFF & ~(1 << 2);   /* line 2 cascades the slave */

static void write_mask(void)
{
    outb(PIC1_DATA, mask & 0xFF);
    outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);           /* ICW1: init, expect ICW4 */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, T_IRQ0);        /* ICW2: vector offsets */
    outb(PIC2_DATA, T_IRQ0 + 8);
    outb(PIC1_DATA, 1 << 2);        /* ICW3: slave on line 2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 0x01);          /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    write_mask();
}

void pic_unmask(int irq)
{
    mask &= ~(1 << irq);
    write_mask();
}

void pic_eoi(int irq)
{
    if (irq >= 8) outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}
