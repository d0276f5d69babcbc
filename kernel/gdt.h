/* kernel/gdt.h - segment selectors of vmlab's flat GDT (kernel/gdt.c). */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_TSS   0x18
#define SEG_DFTSS 0x20
#define SEG_UCODE 0x2B      /* entry 5, requested privilege level 3 */
#define SEG_UDATA 0x33      /* entry 6, RPL 3 */

#include <stdint.h>

void gdt_init(void);
/* Fill GDT entry SEL with a 32-bit TSS at BASE of LIMIT+1 bytes. */
void gdt_set_tss(int sel, uint32_t base, uint32_t limit);

#endif
