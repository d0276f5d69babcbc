/* kernel/multiboot.h - the multiboot v1 information structure.
 *
 * The boot loader leaves this at the physical address in EBX on entry
 * (boot/entry.asm).  We read two things from it: the memory map (which
 * ranges of physical memory are RAM) and the command line.  Layout from
 * the Multiboot Specification 0.6.96, section 3.3. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_MAGIC     0x2BADB002u     /* in EAX at entry */
#define MB_INFO_MEM         (1u << 0)       /* mem_lower/mem_upper valid */
#define MB_INFO_CMDLINE     (1u << 2)       /* cmdline valid */
#define MB_INFO_MMAP        (1u << 6)       /* mmap_* valid */

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;         /* KiB below 1 MiB */
    uint32_t mem_upper;         /* KiB above 1 MiB, up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;           /* physical address of a C string */
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;       /* bytes of memory map */
    uint32_t mmap_addr;         /* physical address of the first entry */
} __attribute__((packed));

/* One memory-map entry.  SIZE counts the bytes after itself, so the next
 * entry starts at (char *)e + e->size + 4. */
struct multiboot_mmap {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;              /* 1 = available RAM; anything else is not */
} __attribute__((packed));

#define MMAP_AVAILABLE 1

/* The information the loader passed, kept by kmain for later readers. */
extern const struct multiboot_info *boot_mbi;

#endif
