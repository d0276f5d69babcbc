/* kernel/elf.h - ELF32 program images: the fields vmlab reads, and their check.
 *
 * A user program (tests/user/) is an ELF32 executable for i386, linked at
 * USER_IMAGE (mm/memlayout.h) with its text in one loadable segment and
 * its data and bss in another.  elf_check refuses anything else with a
 * message naming the field and value, before anything is mapped. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdint.h>

#define ELF_MAX_SEGS 8

struct elf_header {
    uint8_t  ident[16];             /* 0x7F 'E' 'L' 'F', class, data, version, ... */
    uint16_t type;                  /* ET_EXEC = 2 */
    uint16_t machine;               /* EM_386 = 3 */
    uint32_t version;               /* 1 */
    uint32_t entry;                 /* the first instruction */
    uint32_t phoff;                 /* program headers: where in the file */
    uint32_t shoff;
    uint32_t flags;
    uint16_t ehsize;                /* this header's size: 52 */
    uint16_t phentsize;             /* one program header's size: 32 */
    uint16_t phnum;                 /* how many */
    uint16_t shentsize, shnum, shstrndx;
} __attribute__((packed));

struct elf_phdr {
    uint32_t type;                  /* PT_LOAD = 1, ... */
    uint32_t offset;                /* the segment's bytes in the file ... */
    uint32_t vaddr;                 /* ... go to this address ... */
    uint32_t paddr;
    uint32_t filesz;                /* ... this many of them ... */
    uint32_t memsz;                 /* ... then zeros up to this size */
    uint32_t flags;                 /* ELF_PF_X 1, ELF_PF_W 2, read 4 */
    uint32_t align;
} __attribute__((packed));

#define PT_LOAD 1
#define ELF_PF_X 1                      /* segment flags: executable */
#define ELF_PF_W 2                      /* writable */

/* A checked image: its loadable segments and its entry point. */
struct elf_info {
    uint32_t entry;
    uint32_t nsegs;
    struct elf_seg {
        uint32_t vaddr, memsz;      /* where it goes, how big */
        uint32_t offset, filesz;    /* its bytes in the image */
        int write;                  /* writable (data), else read-only (text) */
    } seg[ELF_MAX_SEGS];
    uint32_t end;                   /* the page after the highest segment */
};

/* Check IMAGE (SIZE bytes) as a program vmlab can run, and fill *OUT.
 * Returns 0, or -E_NOEXEC after printing "elf: NAME: ..." naming what is
 * wrong: magic, class, byte order, version, type, machine, header sizes,
 * program headers past the end of the image, a segment whose bytes run
 * past it or whose file size exceeds its memory size, a segment outside
 * the program area or overlapping another, misaligned segments, a
 * dynamic executable, or an entry point in no executable segment. */
int elf_check(const char *name, const uint8_t *image, uint32_t size, struct elf_info *out);

#endif
