/* kernel/dfault.h - double faults get a task and a stack of their own. */
#ifndef KERNEL_DFAULT_H
#define KERNEL_DFAULT_H

/* Load the kernel's TSS and make vector 8 a task gate to the
 * double-fault task (kernel/dfault.c). */
void dfault_init(void);

/* The double-fault task's C body (called from df_task, boot/trap.asm). */
void double_fault(void);

#endif
