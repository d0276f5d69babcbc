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
 * Virtual memory once paging is on (mm/paging.c, mm/aspace.c).  Every
 * address space has a page directory of its own; the user half below
 * KERNEL_BASE is its own, the kernel half (and the first 4 MiB) is the
 * same in every space, and the top three page-directory slots are
 * windows onto page tables:
 *
 *   0x00000000 - 0x003FFFFF  identity: kernel image and kernel pool     } kernel,
 *                            (supervisor only; page 0 unmapped)         } shared
 *   0x00400000 - 0xBFFFFFFF  the user half, private to each space:
 *                            kernel threads' space: the tests' VMPools
 *                            (they choose their bases; the MP4 test uses
 *                            512 MiB and 1 GiB); a process's space: its
 *                            program, heap, mappings and stack (below)
 *   0xC0000000 - 0xCFFFFFFF  KHEAP: the kernel heap pool behind kmalloc   } kernel
 *   0xD0000000 - 0xD3FFFFFF  KSTACKS: thread stacks, each above a guard   } half,
 *   0xE0000000 - 0xE1FFFFFF  FRAMETAB: the frame table (mm/frame.h)       } shared
 *   0xE2000000 - 0xE2FFFFFF  RMAP: reverse-map entries (mm/frame.c)       }
 *   0xFF400000 - 0xFF41FFFF  KMAP: 32 one-page windows onto any frame     }
 *   0xFF420000 - 0xFF51FFFF  VMWIN: 256 more, one for each lock of a     }
 *                            fault's pages (each pager's, the unpaged    }
 *                            lock's): copy-on-write copies, fork         }
 *   0xFF800000 - 0xFFBFFFFF  ALT window: PDE 1022 may point at ANOTHER
 *                            space's directory (mm/aspace.c): that space's
 *                            page table i at 0xFF800000 + i*4096, its
 *                            directory at 0xFFBFF000
 *   0xFFC00000 - 0xFFFFFFFF  recursive window: PDE 1023 points at this
 *                            space's own directory: page table i at
 *                            0xFFC00000 + i*4096, directory at 0xFFFFF000
 *
 * A process's half (kernel/proc.c builds it, tests/user/user.ld links
 * programs for it):
 *
 *   0x00400000  USER_IMAGE   program text (read-only) and data + bss,
 *                            demand-paged from the ELF image
 *               heap         from the page after the image, grown and
 *                            shrunk by sbrk, at most USER_HEAP_MAX
 *   0x40000000  USER_MMAP    mmap and shared-memory mappings, to 0x80000000
 *   0xBF800000  stack        grows down on demand from USER_STACK_TOP,
 *                            at most USER_STACK_MAX (8 MiB)
 *   0xC0000000  USER_END = KERNEL_BASE */
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

#define KSTACKS_BASE    0xD0000000u     /* thread stacks (mm/kstack.c) */
#define KSTACKS_SIZE    0x04000000u
#define FRAMETAB_BASE   0xE0000000u     /* the frame table (mm/frame.c): 32 bytes a frame */
#define FRAMETAB_SIZE   0x02000000u     /* room for 1M frames: all of 4 GiB */
#define RMAP_BASE       0xE2000000u     /* reverse-map entries, mapped as they are needed */
#define RMAP_SIZE       0x01000000u
#define KMAP_BASE       0xFF400000u     /* kmap() windows (mm/paging.c) */
#define KMAP_SLOTS      32
#define VMWIN_VA        0xFF420000u     /* vm_fill_frame's windows (mm/paging.c): the
                                           unpaged lock's (and exclusive holders'), */
#define VMWIN_SLOTS     256             /* then one for each pager (vmwin_alloc) */
#define VM_USER_END     0xFF400000u     /* VMPools must end below this */
#define ALT_SLOT        1022u           /* PDE that may map another space's directory */
#define ALT_WINDOW      0xFF800000u     /* that space's page tables, as virtual memory */
#define ALT_PD          0xFFBFF000u     /* that space's page directory, ditto */
#define RECURSIVE_SLOT  1023u           /* PDE that maps the directory itself */
#define PT_WINDOW       0xFFC00000u     /* page tables, as virtual memory */
#define PD_WINDOW       0xFFFFF000u     /* the page directory, ditto */

#define KERNEL_BASE     0xC0000000u     /* the kernel half: shared by every space */
#define USER_BASE       0x00400000u     /* the user half: each space's own */
#define USER_END        KERNEL_BASE
#define USER_IMAGE      0x00400000u     /* where user programs are linked */
#define USER_HEAP_MAX   0x10000000u     /* the most sbrk grows the heap (256 MiB) */
#define USER_MMAP       0x40000000u     /* mmap and shared memory ... */
#define USER_MMAP_END   0x80000000u     /* ... up to here */
#define USER_STACK_TOP  0xC0000000u     /* the initial stack pointer (minus arguments) */
#define USER_STACK_MAX  0x00800000u     /* how far the stack may grow (8 MiB) */

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
