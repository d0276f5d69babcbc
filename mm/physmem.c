/* mm/physmem.c - carve physical memory into the kernel and process pools.
 *
 *   0 ---- 1M ---------- 2M -------------- 4M ------------------- ram_end
 *   | BIOS | kernel image | kernel_pool     | process_pool            |
 *   |      | (linker.ld)  | own bitmap in   | bitmap in kernel_pool   |
 *   |      |              | its first frame | frames; holes INACC     |
 *
 * The kernel pool keeps its bitmap in its own first frame.  The process
 * pool's bitmap (2 bits a frame: 16 KiB for 256 MiB) comes from the
 * kernel pool, because after paging is on only the first 4 MiB stay
 * reachable at their physical addresses.  The process pool runs to the
 * end of the highest RAM range the multiboot map reports below 4 GiB;
 * every frame in it that the map does not call RAM, and the classic ISA
 * hole at 15-16 MiB, is marked inaccessible so it is never handed out. */
#include "mm/physmem.h"
#include "mm/memlayout.h"
#include "kernel/panic.h"
#include "lib/printf.h"

struct frame_pool kernel_pool;
struct frame_pool process_pool;
uint64_t ram_total;
uint64_t ram_ignored;
uint32_t ram_end;

#define FOUR_GIB 0x100000000ull

#define MAX_RANGES 32
static struct range { uint64_t addr, len; uint32_t type; } ranges[MAX_RANGES];
static int nranges;

extern char end[];      /* linker.ld: first byte past the kernel image */

/* Copy the memory map out of the loader's memory, which we may reuse. */
static void read_map(const struct multiboot_info *mbi)
{
    if (mbi->flags & MB_INFO_MMAP) {
        uint32_t p = mbi->mmap_addr, stop = mbi->mmap_addr + mbi->mmap_length;
        while (p < stop && nranges < MAX_RANGES) {
            const struct multiboot_mmap *e = (const void *)p;
            ranges[nranges++] = (struct range){ e->addr, e->len, e->type };
            p += e->size + 4;
        }
    } else if (mbi->flags & MB_INFO_MEM) {
        /* No map: trust mem_upper (KiB of RAM above 1 MiB). */
        ranges[nranges++] = (struct range){ 0x100000, (uint64_t)mbi->mem_upper * 1024,
                                            MMAP_AVAILABLE };
    } else {
        panic("physmem_init: the boot loader gave no memory information");
    }
}

/* Is frame F entirely inside a range the map calls available RAM? */
static int frame_is_ram(uint32_t f)
{
    uint64_t lo = (uint64_t)f * PAGE_SIZE, hi = lo + PAGE_SIZE;
    int ram = 0;
    for (int i = 0; i < nranges; i++) {
        uint64_t a = ranges[i].addr, b = a + ranges[i].len;
        if (lo < b && hi > a && ranges[i].type != MMAP_AVAILABLE) return 0;
        if (lo >= a && hi <= b && ranges[i].type == MMAP_AVAILABLE) ram = 1;
    }
    return ram;
}

void physmem_init(const struct multiboot_info *mbi)
{
    if ((uint32_t)end > KPOOL_START)
        panic("physmem_init: kernel image ends at %p, past the kernel pool at 0x%x",
              end, KPOOL_START);
    read_map(mbi);

    /* A 32-bit kernel without PAE reaches only the first 4 GiB: RAM that
     * QEMU (from -m 3584 on) or a real machine puts above it is ignored,
     * and not counted.  A range that crosses 4 GiB is cut there. */
    uint64_t top = 0;
    for (int i = 0; i < nranges; i++) {
        if (ranges[i].type != MMAP_AVAILABLE) continue;
        uint64_t a = ranges[i].addr, e = a + ranges[i].len;
        if (a >= FOUR_GIB) {
            ram_ignored += ranges[i].len;
            continue;
        }
        if (e > FOUR_GIB) {
            ram_ignored += e - FOUR_GIB;
            e = FOUR_GIB;
        }
        ram_total += e - a;
        if (e > top) top = e;
    }
    ram_end = PG_ROUND_DOWN(top >= FOUR_GIB ? 0xFFFFF000u : (uint32_t)top);
    if (ram_end < (MIN_RAM_MB - 1) << 20)
        panic("physmem_init: only %u KiB of RAM; vmlab needs at least %u MiB (QEMU -m %u)",
              ram_end / 1024, MIN_RAM_MB, MIN_RAM_MB);

    frame_pool_init(&kernel_pool, "kernel", KPOOL_START / PAGE_SIZE,
                    (KPOOL_END - KPOOL_START) / PAGE_SIZE, 0);

    uint32_t pbase = PPOOL_START / PAGE_SIZE, pn = ram_end / PAGE_SIZE - pbase;
    uint32_t info = get_frames(&kernel_pool, needed_info_frames(pn));
    if (!info)
        panic("physmem_init: no kernel frames for a %u-frame bitmap", pn);
    frame_pool_init(&process_pool, "process", pbase, pn, info);

    /* Holes: the ISA hole (as much of it as lies below the end of RAM:
     * at -m 16 RAM ends inside it), and anything the map does not call
     * RAM. */
    if (ram_end > ISA_HOLE_START) {
        uint32_t hole_end = ram_end < ISA_HOLE_END ? ram_end : ISA_HOLE_END;
        mark_inaccessible(&process_pool, ISA_HOLE_START / PAGE_SIZE,
                          (hole_end - ISA_HOLE_START) / PAGE_SIZE);
    }
    for (uint32_t f = pbase; f < pbase + pn; f++)
        if (frame_state(&process_pool, f) == FRAME_FREE && !frame_is_ram(f))
            mark_inaccessible(&process_pool, f, 1);
}

void physmem_print(void)
{
    kprintf("memory map (%d entries):\n", nranges);
    for (int i = 0; i < nranges; i++)
        kprintf("  %08x%08x - %08x%08x  %s\n",
                (uint32_t)(ranges[i].addr >> 32), (uint32_t)ranges[i].addr,
                (uint32_t)((ranges[i].addr + ranges[i].len - 1) >> 32),
                (uint32_t)(ranges[i].addr + ranges[i].len - 1),
                ranges[i].type == MMAP_AVAILABLE ? "RAM" : "reserved");
    kprintf("RAM %u KiB below 4 GiB (%u KiB above it ignored), process pool ends at 0x%08x\n",
            (uint32_t)(ram_total / 1024), (uint32_t)(ram_ignored / 1024), ram_end);
    for (struct frame_pool *p = frame_pools(); p; p = p->next)
        kprintf("  %-8s pool: frames 0x%05x-0x%05x  free %6u  used %6u  inaccessible %u\n",
                p->name, p->base, p->base + p->nframes - 1, p->nfree, p->nused, p->ninacc);
}
