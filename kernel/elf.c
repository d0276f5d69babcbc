/* kernel/elf.c - check an ELF32 program image before it is run.
 *
 * Every field vmlab relies on is checked against what it must be, in the
 * order a reader of the ELF specification would meet them, and every
 * size and offset against the image's size without overflowing: a
 * malformed image is refused with the field named, never half loaded. */
#include "kernel/elf.h"
#include "mm/memlayout.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PT_DYNAMIC 2
#define PT_INTERP  3

static int refuse(const char *name, const char *what, uint32_t value)
{
    kprintf("elf: %s: %s (0x%x)\n", name, what, value);
    return -E_NOEXEC;
}

int elf_check(const char *name, const uint8_t *image, uint32_t size, struct elf_info *out)
{
    const struct elf_header *h = (const void *)image;
    if (size < sizeof *h) return refuse(name, "shorter than an ELF header", size);
    if (memcmp(h->ident, "\x7F" "ELF", 4) != 0)
        return refuse(name, "no ELF magic at the start", *(const uint32_t *)h->ident);
    if (h->ident[4] != 1) return refuse(name, "not a 32-bit ELF (EI_CLASS)", h->ident[4]);
    if (h->ident[5] != 1) return refuse(name, "not little-endian (EI_DATA)", h->ident[5]);
    if (h->ident[6] != 1 || h->version != 1)
        return refuse(name, "unknown ELF version", h->version);
    if (h->type != 2) return refuse(name, "not an executable (e_type)", h->type);
    if (h->machine != 3) return refuse(name, "not for the i386 (e_machine)", h->machine);
    if (h->ehsize != sizeof *h) return refuse(name, "bad e_ehsize", h->ehsize);
    if (h->phentsize != sizeof(struct elf_phdr))
        return refuse(name, "bad e_phentsize", h->phentsize);
    if (h->phnum == 0 || h->phnum > 16) return refuse(name, "bad e_phnum", h->phnum);
    if (h->phoff > size || h->phnum * sizeof(struct elf_phdr) > size - h->phoff)
        return refuse(name, "program headers run past the end of the image", h->phoff);

    const struct elf_phdr *ph = (const void *)(image + h->phoff);
    memset(out, 0, sizeof *out);
    out->entry = h->entry;
    int entry_ok = 0;
    for (uint32_t i = 0; i < h->phnum; i++) {
        const struct elf_phdr *p = &ph[i];
        if (p->type == PT_DYNAMIC || p->type == PT_INTERP)
            return refuse(name, "a dynamic executable: vmlab has no loader for it", p->type);
        if (p->type != PT_LOAD) continue;
        if (out->nsegs == ELF_MAX_SEGS) return refuse(name, "too many segments", h->phnum);
        if (p->offset > size || p->filesz > size - p->offset)
            return refuse(name, "a segment's bytes run past the end of the image", p->offset);
        if (p->filesz > p->memsz) return refuse(name, "a segment's p_filesz > p_memsz", p->filesz);
        if (PGOFF(p->vaddr) != PGOFF(p->offset))
            return refuse(name, "a segment's address and file offset differ within a page",
                          p->vaddr);
        if (p->vaddr < USER_IMAGE || p->memsz > USER_MMAP - USER_HEAP_MAX - p->vaddr)
            return refuse(name, "a segment outside the program area", p->vaddr);
        uint32_t lo = PG_ROUND_DOWN(p->vaddr), hi = PG_ROUND_UP(p->vaddr + p->memsz);
        for (uint32_t k = 0; k < out->nsegs; k++) {
            const struct elf_seg *q = &out->seg[k];
            if (lo < PG_ROUND_UP(q->vaddr + q->memsz) && PG_ROUND_DOWN(q->vaddr) < hi)
                return refuse(name, "two segments share a page", p->vaddr);
        }
        out->seg[out->nsegs++] = (struct elf_seg){ p->vaddr, p->memsz, p->offset, p->filesz,
                                                    (p->flags & ELF_PF_W) != 0 };
        if (hi > out->end) out->end = hi;
        if ((p->flags & ELF_PF_X) && h->entry - p->vaddr < p->memsz) entry_ok = 1;
    }
    if (out->nsegs == 0) return refuse(name, "no loadable segment", h->phnum);
    if (!entry_ok) return refuse(name, "the entry point is in no executable segment", h->entry);
    return 0;
}
