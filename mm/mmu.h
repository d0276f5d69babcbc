/* mm/mmu.h - what the x86 MMU defines: pages, page tables and their bits.
 *
 * Nothing here is a vmlab decision; it is all fixed by the i386 two-level
 * paging scheme (Intel SDM vol. 3, chapter 4.3).  A 32-bit linear address
 * splits 10/10/12:
 *
 *   31                 22 21                 12 11                      0
 *  +---------------------+---------------------+-------------------------+
 *  |  page directory     |   page table        |   offset within page    |
 *  |  index  PDX(va)     |   index  PTX(va)    |   PGOFF(va)             |
 *  +---------------------+---------------------+-------------------------+
 *
 * CR3 holds the physical address of the page directory (1024 PDEs); each
 * present PDE holds the physical address of a page table (1024 PTEs);
 * each present PTE holds the physical address of a 4 KiB frame. */
#ifndef MM_MMU_H
#define MM_MMU_H

#include <stdint.h>

#define PAGE_SIZE       4096u
#define PAGE_SHIFT      12
#define NPDENTRIES      1024            /* entries per page directory */
#define NPTENTRIES      1024            /* entries per page table */
#define PT_SPAN         (NPTENTRIES * PAGE_SIZE)   /* 4 MiB mapped by one table */

/* Index of VA's entry in the page directory (bits 31..22). */
#define PDX(va)         (((uint32_t)(va) >> 22) & 0x3FF)
/* Index of VA's entry in its page table (bits 21..12). */
#define PTX(va)         (((uint32_t)(va) >> 12) & 0x3FF)
/* Offset of VA within its page (bits 11..0). */
#define PGOFF(va)       ((uint32_t)(va) & 0xFFF)
/* The page number (VA / PAGE_SIZE). */
#define PGNUM(va)       ((uint32_t)(va) >> PAGE_SHIFT)
/* Build a linear address from its three parts. */
#define PGADDR(d, t, o) ((uint32_t)((d) << 22 | (t) << 12 | (o)))

#define PG_ROUND_UP(x)   (((uint32_t)(x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PG_ROUND_DOWN(x) ((uint32_t)(x) & ~(PAGE_SIZE - 1))

/* Bits of a page directory or page table entry. */
#define PTE_P           0x001   /* present: the rest is meaningful to the MMU */
#define PTE_W           0x002   /* writable */
#define PTE_U           0x004   /* user-accessible (ring 3) */
#define PTE_PWT         0x008   /* write-through */
#define PTE_PCD         0x010   /* cache disabled */
#define PTE_A           0x020   /* accessed: set by the MMU on any use */
#define PTE_D           0x040   /* dirty: set by the MMU on a write (PTEs only) */
#define PTE_PS          0x080   /* 4 MiB page (PDEs only; vmlab never uses it) */
#define PTE_G           0x100   /* global */
#define PTE_AVAIL       0xE00   /* three bits the MMU ignores, ours to use */
#define PTE_FLAGS(e)    ((uint32_t)(e) & 0xFFF)
#define PTE_ADDR(e)     ((uint32_t)(e) & ~0xFFFu)

/* Page-fault error code bits (pushed by the CPU for vector 14). */
#define PF_P            0x1     /* 0: page not present; 1: protection violation */
#define PF_W            0x2     /* 0: read; 1: write */
#define PF_U            0x4     /* 0: supervisor mode; 1: user mode */
#define PF_RSVD         0x8     /* a reserved bit was set in an entry */
#define PF_I            0x10    /* instruction fetch */

/* Control register bits. */
#define CR0_PE          0x00000001  /* protected mode */
#define CR0_WP          0x00010000  /* supervisor writes honour PTE_W */
#define CR0_PG          0x80000000  /* paging */

#endif
