/* mm/memlayout.h - where vmlab puts things, physical and virtual.
 *
 * Physical memory, as the frame pools (mm/physmem.c) divide it:
 *
 *   0          +-----------------------------+
 *              | BIOS data, multiboot info,  |  left alone
 *              | VGA text buffer (0xB8000)   |
 *   1 MiB      +-----------------------------+  KERNEL_LOAD
 *              | kernel image: text, data,   |  linker.ld; must end below
 *              | bss, boot stack             |  KPOOL_START
 *   2 MiB      +-----------------------------+  KPOOL_START
 *              | kernel frame pool (512)     |  bitmaps, kernel tables
 *   4 MiB      +-----------------------------+  KPOOL_END = PPOOL_START
 *              | process frame pool          |  page directory, page
 *              |   15-16 MiB: ISA hole,      |  tables, data pages
 *              |   marked inaccessible       |
 *              |   + any range the multiboot |
 *              |   map does not call RAM     |
 *   end of RAM +-----------------------------+  from the multiboot map
 *
 * Virtual memory once paging is on (mm/paging.c): the first 4 MiB are
 * mapped one-to-one (the kernel and its pool); everything else is mapped
 * on demand in VMPools; the top 4 MiB is the recursive window through
 * which the page directory and tables are reached:
 *
 *   0x00000000 - 0x003FFFFF  identity: kernel image and kernel pool
 *   0x00400000 - 0xBFFFFFFF  VMPools (tests choose their own bases; the
 *                            MP4 test uses 512 MiB and 1 GiB)
 *   0xC0000000 - 0xCFFFFFFF  KHEAP: the kernel heap pool behind kmalloc
 *   0xD0000000 - 0xD3FFFFFF  KSTACKS: thread stacks, each above a guard page
 *   0xFF800000 - 0xFF80FFFF  KMAP: 16 one-page windows onto any frame
 *   0xFFC00000 - 0xFFFFFFFF  recursive window: page table i at
 *                            0xFFC00000 + i*4096, directory at 0xFFFFF000 */
#ifndef MM_MEMLAYOUT_H
#define MM_MEMLAYOUT_H

#include <stdint.h>
#include "mm/mmu.h"

#define KERNEL_LOAD     0x00100000u     /* where the loader puts the image */
#define KPOOL_START     0x00200000u     /* kernel frame pool */
#define KPOOL_END       0x00400000u
#define PPOOL_START     0x00400000u     /* process frame pool: to end of RAM */
#define IDENTITY_END    0x00400000u     /* mapped one-to-one under paging */
#define ISA_HOLE_START  0x00F00000u     /* the classic 15-16 MiB hole */
#define ISA_HOLE_END    0x01000000u

#define KHEAP_BASE      0xC0000000u     /* kernel heap VMPool */
#define KHEAP_SIZE      0x10000000u

#define KSTACKS_BASE    0xD0000000u     /* thread stacks (kernel/thread.c) */
#define KSTACKS_SIZE    0x04000000u
#define KMAP_BASE       0xFF800000u     /* kmap() windows (mm/paging.c) */
#define KMAP_SLOTS      16
#define VM_USER_END     0xFF800000u     /* VMPools must end below this */
#define RECURSIVE_SLOT  1023u           /* PDE that maps the directory itself */
#define PT_WINDOW       0xFFC00000u     /* page tables, as virtual memory */
#define PD_WINDOW       0xFFFFF000u     /* the page directory, ditto */

/* The physical address of frame F as the kernel can reach it.  Before
 * paging, and for the identity-mapped first 4 MiB after it, the two are
 * the same.  Host unit tests of mm/ code provide their own. */
#ifdef VMLAB_HOST
void *frame_addr(uint32_t f);
#else
static inline void *frame_addr(uint32_t f)
{
    return (void *)(uintptr_t)(f * PAGE_SIZE);
}
#endif

#endif
