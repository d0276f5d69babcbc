/* kernel/panic.c - the panic report and the backtrace walker.
 *
 * Every function is compiled with frame pointers, so each stack frame
 * starts with the caller's EBP followed by the return address; the
 * chain ends at the zero EBP that boot/entry.asm pushes.  The walker only
 * follows frames in memory it can read without faulting (stack_readable),
 * so a corrupt stack shortens the backtrace instead of faulting again.
 * The release build (make bench) omits frame pointers, GCC's own choice
 * at -O2, for the register it frees: there (VMLAB_NO_FRAME_POINTERS) the
 * backtrace is its first line alone (the faulting address, or panic's
 * caller), and a line saying why. */
#include <stdarg.h>
#include "kernel/panic.h"
#include "kernel/exit.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/paging.h"

void (*panic_hook)(const char *file, int line);
static int panicking;

#define MAX_FRAMES 20

/* Is the 8-byte frame at ADDR safe to read?  The identity-mapped kernel
 * area always is; above it we ask the page tables (mm/paging.c). */
static int stack_readable(uint32_t addr)
{
    if (addr & 3) return 0;
    if (addr >= KERNEL_LOAD && addr + 8 <= IDENTITY_END) return 1;
    return mapped_readable(addr) && mapped_readable(addr + 7);
}

void backtrace(uint32_t eip, uint32_t ebp)
{
    kprintf("backtrace:\n");
    kprintf("  #0 0x%08x\n", eip);
#ifdef VMLAB_NO_FRAME_POINTERS
    (void)ebp;
    kprintf("  (no more: a release build has no frame pointers to follow; the debug build, "
            "as make run and make debug boot it, prints the whole chain)\n");
    return;
#endif
    for (int i = 1; i < MAX_FRAMES && ebp && stack_readable(ebp); i++) {
        uint32_t *frame = (uint32_t *)ebp;
        if (frame[1] == 0) break;
        /* -1: report the call instruction, not the one after it. */
        kprintf("  #%d 0x%08x\n", i, frame[1] - 1);
        if (frame[0] <= ebp) break;             /* stacks grow down */
        ebp = frame[0];
    }
}

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
    uint32_t eax, ebx, ecx, edx, esi, edi, esp;
    asm volatile("" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx), "=S"(esi), "=D"(edi));
    asm volatile("mov %%esp, %0" : "=r"(esp));
    cli();

    if (panicking++) {
        kprintf("\nrecursive panic at %s:%d in %s()\n", file, line, func);
        qemu_exit(EXIT_PANIC);
    }
    va_list ap;
    va_start(ap, fmt);
    kprintf("\nPANIC at %s:%d in %s(): ", file, line, func);
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);

    kprintf("eax %08x  ebx %08x  ecx %08x  edx %08x\n", eax, ebx, ecx, edx);
    kprintf("esi %08x  edi %08x  ebp %08x  esp %08x\n", esi, edi, read_ebp(), esp);
    kprintf("eflags %08x  cr0 %08x  cr2 %08x  cr3 %08x\n",
            read_eflags(), read_cr0(), read_cr2(), read_cr3());
    uint32_t fp = read_ebp();                  /* our frame: the caller's EBP, if readable */
    backtrace((uint32_t)__builtin_return_address(0) - 1,
              stack_readable(fp) ? *(uint32_t *)fp : 0);

    if (panic_hook) panic_hook(file, line);
    qemu_exit(EXIT_PANIC);
}
