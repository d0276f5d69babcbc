/* kernel/dfault.h - double faults get a task and a stack of their own. */
#ifndef KERNEL_DFAULT_H
#define KERNEL_DFAULT_H

/* Load the kernel's TSS and make vector 8 a task gate to the
 * double-fault task (kernel/dfault.c). */
void dfault_init(void);

/* The double-fault task's C body (called from df_task, boot/trap.asm). */
void double_fault(void);

/* The running thread's kernel stack top ESP0, which the CPU switches to
 * on a trap from ring 3.  The scheduler calls this at every switch. */
void tss_set_esp0(uint32_t esp0);

/* The page directory now in CR3, which a return from the double-fault
 * task must load again (the CPU does not save CR3 in the TSS).  Called
 * wherever CR3 changes to another space (aspace_switch, mm/aspace.c). */
void tss_set_cr3(uint32_t cr3);

#endif
