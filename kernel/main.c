/* kernel/main.c - kmain: vmlab's boot sequence, one subsystem per line.
 *
 * boot/entry.asm calls kmain on the boot stack, with interrupts off and
 * paging off.  Each line below brings up one subsystem, in the order in
 * which they depend on each other; read it as the kernel's table of
 * contents.  Then what the command line selects runs and ends the boot:
 * one user program (run=), a replacement experiment (workload=,
 * report=), or the tests the harness runs (test=), with its verdict. */
#include "kernel/multiboot.h"
#include "kernel/cmdline.h"
#include "kernel/gdt.h"
#include "kernel/trap.h"
#include "kernel/pic.h"
#include "kernel/pit.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "kernel/thread.h"
#include "kernel/console.h"
#include "kernel/dfault.h"
#include "kernel/syscall.h"
#include "kernel/run.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "mm/fault.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/swap.h"
#include "mm/uvm.h"
#include "mm/daemon.h"
#include "tests/experiment.h"
#include "tests/harness.h"

const struct multiboot_info *boot_mbi;

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    console_init();         /* kernel/console.c  serial + VGA: kprintf works */
    if (magic != MULTIBOOT_MAGIC)
        panic("kmain: not started by a multiboot loader (magic 0x%x)", magic);
    boot_mbi = mbi;
    gdt_init();             /* kernel/gdt.c      our flat code and data segments */
    idt_init();             /* kernel/trap.c     256 ring-0 gates into boot/trap.asm */
    pic_init();             /* kernel/pic.c      IRQs to vectors 32-47, masked */
    pit_init();             /* kernel/pit.c      100 Hz tick on IRQ 0 */
    cmdline_init(mbi);      /* kernel/cmdline.c  key=value options */
    physmem_init(mbi);      /* mm/physmem.c      kernel and process frame pools */
    paging_init();          /* mm/paging.c       page directory, recursive slot, CR0.PG */
    frame_table_init();     /* mm/frame.c        who maps each frame: counts, reverse map */
    fault_init();           /* mm/fault.c        the page-fault handler on vector 14 */
    dfault_init();          /* kernel/dfault.c   double faults get a task and stack */
    thread_init();          /* kernel/thread.c   boot context becomes thread "main" */
    kmalloc_init();         /* mm/kmalloc.c      kernel heap VMPool, size classes */
    swap_init();            /* mm/swap.c         swap slots on the IDE disk, if any */
    daemon_init();          /* mm/daemon.c       trimmer, writer, zero thread; pager= */
    uvm_init();             /* mm/uvm.c          the pager of processes' pages */
    syscall_init();         /* kernel/syscall.c  the int 0x80 gate for user programs */
    sti();

    kprintf("vmlab: %u MiB RAM", (uint32_t)(ram_total >> 20));
    if (ram_ignored)
        kprintf(" (%u MiB above 4 GiB ignored: no PAE)", (uint32_t)(ram_ignored >> 20));
    kprintf(", command line '%s'\n", cmdline_raw());
    run_main();             /* kernel/run.c      run=PROG: one user program, then the end */
    experiment_main();      /* tests/experiment.c workload= / report= / trace= modes */
    harness_run(cmdline_get("test"));
}
