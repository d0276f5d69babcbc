/* kernel/trap.h - the trap frame and the interrupt/exception dispatcher.
 *
 * boot/trap.asm builds a struct trapframe on the stack for every
 * interrupt and exception and calls trap().  Handlers are registered per
 * vector with trap_register(); an exception with no handler, or whose
 * handler declines it, is reported in full and ends the run (or, if the
 * running test expects exactly that exception, passes it). */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

/* Pushed in this order (last field first) by the CPU and trap_common. */
struct trapframe {
    uint32_t edi, esi, ebp, esp0;               /* pusha; esp0 is the ESP */
    uint32_t ebx, edx, ecx, eax;                /*   before pusha, unused */
    uint32_t vector;                            /* pushed by the stub */
    uint32_t err;                               /* CPU's error code, or 0 */
    uint32_t eip, cs, eflags;                   /* pushed by the CPU */
};

#define T_DIVIDE     0
#define T_DEBUG      1
#define T_BREAKPOINT 3
#define T_INVALOP    6
#define T_DOUBLE     8
#define T_GPFLT     13
#define T_PGFLT     14
#define T_IRQ0      32      /* PIC IRQ n arrives as vector T_IRQ0 + n */
#define NVECTORS    48

/* A handler returns 1 if it dealt with the trap, 0 to decline it (the
 * dispatcher then reports it as unhandled). */
typedef int (*trap_handler_t)(struct trapframe *tf);

void idt_init(void);
void trap_register(int vector, trap_handler_t h);
void trap(struct trapframe *tf);
const char *trap_name(uint32_t vector);

/* Print the full report for TF: vector name, error code, EIP, CS,
 * EFLAGS, general registers, CR0/CR2/CR3 and a backtrace. */
void trap_report(const struct trapframe *tf);

/* Counters of interrupts seen, by vector (for vmstat and tests). */
extern uint32_t trap_count[NVECTORS];

#endif
