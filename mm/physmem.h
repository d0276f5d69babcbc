/* mm/physmem.h - the kernel's two frame pools, built from the memory map. */
#ifndef MM_PHYSMEM_H
#define MM_PHYSMEM_H

#include <stdint.h>
#include "mm/frame_pool.h"
#include "kernel/multiboot.h"

extern struct frame_pool kernel_pool;   /* frames of 2-4 MiB */
extern struct frame_pool process_pool;  /* frames of 4 MiB - end of RAM */

/* The least RAM vmlab runs in (QEMU -m 8): the kernel image and kernel
 * pool take 4 MiB, and the page tables, kernel heap and thread stacks
 * need a few MiB of process pool.  tools/runtests.py refuses less. */
#define MIN_RAM_MB 8

/* Bytes of RAM below 4 GiB that the memory map reports (what vmlab
 * uses), bytes above it (ignored: no PAE), and the end of the highest
 * usable range below 4 GiB (what the process pool runs up to). */
extern uint64_t ram_total;
extern uint64_t ram_ignored;
extern uint32_t ram_end;

/* Build both pools from the multiboot memory map in MBI.  Panics if the
 * machine has less than MIN_RAM_MB of RAM. */
void physmem_init(const struct multiboot_info *mbi);

/* Print every memory-map entry and both pools' sizes. */
void physmem_print(void);

#endif
