/* kernel/gdt.h - segment selectors of vmlab's flat GDT (kernel/gdt.c). */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#define SEG_KCODE 0x08
#define SEG_KDATA 0x10

void gdt_init(void);

#endif
