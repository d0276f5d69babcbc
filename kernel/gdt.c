/* kernel/gdt.c - vmlab's own flat global descriptor table.
 *
 * The boot loader leaves a GDT of its own somewhere we do not control.
 * We install the null descriptor, ring-0 and ring-3 code and data
 * segments, all base 0 and limit 4 GiB, so that segmentation is an
 * identity and paging does all translation (what user code may touch is
 * decided by the PTEs' U bit alone); and two task-state segments: the
 * kernel's, which tells the CPU which stack to use when a trap comes
 * from ring 3, and the double-fault task's (kernel/dfault.c). */
#include <stdint.h>
#include "kernel/gdt.h"

struct segdesc {
    uint16_t limit_lo;
    uint16_t base_lo;
    uint8_t  base_mid;
    uint8_t  access;        /* present, ring, code/data, type bits */
    uint8_t  flags_limit;   /* granularity 4K, 32-bit, limit 19:16 */
    uint8_t  base_hi;
} __attribute__((packed));

struct gdtdesc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

#define FLAT(access) { 0xFFFF, 0, 0, (access), 0xCF, 0 }

static struct segdesc gdt[] = {
    { 0, 0, 0, 0, 0, 0 },   /* 0x00 null */
    FLAT(0x9A),             /* 0x08 SEG_KCODE: present, ring 0, exec/read */
    FLAT(0x92),             /* 0x10 SEG_KDATA: present, ring 0, read/write */
    { 0, 0, 0, 0, 0, 0 },   /* 0x18 SEG_TSS: the kernel's task (kernel/dfault.c) */
    { 0, 0, 0, 0, 0, 0 },   /* 0x20 SEG_DFTSS: the double-fault task */
    FLAT(0xFA),             /* 0x28 SEG_UCODE: present, ring 3, exec/read */
    FLAT(0xF2),             /* 0x30 SEG_UDATA: present, ring 3, read/write */
};

void gdt_set_tss(int sel, uint32_t base, uint32_t limit)
{
    struct segdesc *d = &gdt[sel / 8];
    d->limit_lo = limit & 0xFFFF;
    d->base_lo = base & 0xFFFF;
    d->base_mid = (base >> 16) & 0xFF;
    d->access = 0x89;       /* present, ring 0, 32-bit TSS (available) */
    d->flags_limit = (limit >> 16) & 0x0F;
    d->base_hi = base >> 24;
}

void gdt_load(struct gdtdesc *d);   /* boot/trap.asm */

void gdt_init(void)
{
    static struct gdtdesc d;
    d.limit = sizeof gdt - 1;
    d.base = (uint32_t)gdt;
    gdt_load(&d);
}
