/* kernel/dfault.c - double faults, handled by a task of their own.
 *
 * When the CPU cannot deliver an exception (typically a page fault
 * because the stack it would push the frame on is itself unmapped: a
 * thread ran into its guard page), it raises a double fault.  Delivered
 * like any other exception, that would push onto the same broken stack
 * and become a triple fault: a silent reset.  So vector 8 is a task gate
 * (kernel/trap.c) to a TSS with its own stack and entry (df_task in
 * boot/trap.asm).  The CPU saves the broken context in main_tss.
 *
 * If the fault hit the running thread's guard page, double_fault edits
 * that saved context so that, when df_task returns with iret, the thread
 * resumes in thread_overflow_exit on a fresh top of its own stack, which
 * reports and ends it: the rest of the kernel runs on.  Anything else is
 * a real double fault: reported in full, and the run ends. */
#include <stdint.h>
#include "kernel/dfault.h"
#include "kernel/gdt.h"
#include "kernel/trap.h"
#include "kernel/thread.h"
#include "kernel/panic.h"
#include "kernel/exit.h"
#include "kernel/x86.h"
#include "mm/paging.h"
#include "lib/printf.h"

/* The 32-bit task-state segment (Intel SDM vol. 3, 7.2.1). */
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

static struct tss main_tss;             /* the kernel's: ring-3 traps take ESP0 from it;
                                           a double fault saves the state here */
static struct tss df_tss;               /* the double-fault task */
static uint8_t df_stack[8192] __attribute__((aligned(16)));

extern char df_task[];                  /* boot/trap.asm */

void dfault_init(void)
{
    main_tss.iomap = df_tss.iomap = sizeof(struct tss);
    main_tss.ss0 = SEG_KDATA;           /* the stack segment of ring-3 traps */
    main_tss.cr3 = paging_pd_phys();    /* loaded again when the DF task returns */
    df_tss.cr3 = paging_pd_phys();
    df_tss.eip = (uint32_t)df_task;
    df_tss.esp = (uint32_t)(df_stack + sizeof df_stack);
    df_tss.eflags = 0x2;                /* interrupts off */
    df_tss.cs = SEG_KCODE;
    df_tss.ss = df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = SEG_KDATA;
    gdt_set_tss(SEG_TSS, (uint32_t)&main_tss, sizeof main_tss - 1);
    gdt_set_tss(SEG_DFTSS, (uint32_t)&df_tss, sizeof df_tss - 1);
    asm volatile("ltr %w0" : : "r"(SEG_TSS));
    trap_set_task_gate(T_DOUBLE, SEG_DFTSS);
}

void tss_set_esp0(uint32_t esp0)
{
    main_tss.esp0 = esp0;
}

void tss_set_cr3(uint32_t cr3)
{
    main_tss.cr3 = cr3;
}

void double_fault(void)
{
    uint32_t cr2 = read_cr2();
    struct thread *t = thread_current();
    if (thread_guard_hit(cr2)) {
        kprintf("\n*** double fault: stack overflow: thread %d '%s' ran into its guard page at "
                "%p (eip %08x, esp %08x); its stack is %p-%p\n", t->tid, t->name, (void *)cr2,
                main_tss.eip, main_tss.esp, (void *)t->stack_lo, (void *)t->stack_hi);
        main_tss.eip = (uint32_t)thread_overflow_exit;
        main_tss.esp = t->stack_hi - 16;
        main_tss.ebp = 0;
        main_tss.eflags = 0x2;          /* interrupts off; thread_exit schedules */
        main_tss.cs = SEG_KCODE;
        main_tss.ss = main_tss.ds = main_tss.es = SEG_KDATA;
        return;
    }
    kprintf("\n*** double fault (vector 8)\n");
    kprintf("eip %08x  cs %04x  eflags %08x\n", main_tss.eip, main_tss.cs, main_tss.eflags);
    kprintf("eax %08x  ebx %08x  ecx %08x  edx %08x\n", main_tss.eax, main_tss.ebx,
            main_tss.ecx, main_tss.edx);
    kprintf("esi %08x  edi %08x  ebp %08x  esp %08x\n", main_tss.esi, main_tss.edi,
            main_tss.ebp, main_tss.esp);
    kprintf("cr0 %08x  cr2 %08x  cr3 %08x  thread %s\n", read_cr0(), cr2, main_tss.cr3,
            t ? t->name : "-");
    backtrace(main_tss.eip, main_tss.ebp);
    struct trapframe tf = { .vector = T_DOUBLE, .eip = main_tss.eip };
    if (trap_hook) trap_hook(&tf);
    qemu_exit(EXIT_TRAP);
}
