/* kernel/trap.h - the trap frame and the interrupt/exception dispatcher.
 *
 * boot/trap.asm builds a struct trapframe on the stack for every
 * interrupt and exception and calls trap() (for a page fault,
 * trap_page_fault).  Handlers are registered per
 * vector with trap_register(); an exception with no handler, or whose
 * handler declines it, is reported in full and ends the run.  Whatever
 * program the kernel runs (the test harness, tests/harness.c) may look
 * at such a fatal trap first, through trap_hook, and give the run its
 * own verdict: that is how a test that expects an exception passes. */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Pushed in this order (last field first) by the CPU, the stub and
 * TRAP_SAVE (the picture is in boot/trap.asm). */
struct trapframe {
    uint32_t edi, esi, ebp, oesp;               /* pusha; oesp: ESP before pusha */
    uint32_t ebx, edx, ecx, eax;
    uint32_t gs, fs, es, ds;                    /* the interrupted segments */
    uint32_t vector;                            /* pushed by the stub */
    uint32_t err;                               /* CPU's error code, or 0 */
    uint32_t eip, cs, eflags;                   /* pushed by the CPU */
    uint32_t esp, ss;                           /* only when the trap came from ring 3 */
};

#define T_DIVIDE     0
#define T_DEBUG      1
#define T_BREAKPOINT 3
#define T_INVALOP    6
#define T_DOUBLE     8
#define T_GPFLT     13
#define T_PGFLT     14
#define T_IRQ0      32      /* PIC IRQ n arrives as vector T_IRQ0 + n */
#define NVECTORS   256

/* Did TF interrupt ring 3?  (Then its esp and ss fields are valid.) */
static inline int trap_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

/* The stack pointer of the interrupted code. */
static inline uint32_t trap_esp(const struct trapframe *tf)
{
    /* From ring 0 the CPU pushes no ESP: the interrupted stack continues
     * just above EFLAGS. */
    return trap_from_user(tf) ? tf->esp : (uint32_t)&tf->esp;
}

/* A handler returns 1 if it dealt with the trap, 0 to decline it (the
 * dispatcher then reports it as unhandled). */
typedef int (*trap_handler_t)(struct trapframe *tf);

void idt_init(void);
void trap_register(int vector, trap_handler_t h);
/* Make VECTOR a task gate to the TSS selected by SEL (the double fault,
 * kernel/dfault.c). */
void trap_set_task_gate(int vector, uint16_t sel);
/* Let ring-3 code raise VECTOR with `int` (the system-call gate). */
void trap_set_user_gate(int vector);
/* The C side of a trap, called by boot/trap.asm: vector 14 (the page
 * fault) in trap_page_fault, every other in trap. */
void trap(struct trapframe *tf);
void trap_page_fault(struct trapframe *tf);
const char *trap_name(uint32_t vector);

/* Print the full report for TF: vector name, error code, EIP, CS,
 * EFLAGS, general registers, CR0/CR2/CR3 and a backtrace. */
void trap_report(const struct trapframe *tf);

/* Called with the frame of an exception the kernel is about to end the
 * run for (unhandled, or a double fault).  The hook may end the run
 * itself (qemu_exit) with its own verdict; if it returns, the kernel
 * ends the run with EXIT_TRAP.  0: no hook. */
extern void (*trap_hook)(const struct trapframe *tf);

#ifdef __cplusplus
}
#endif

#endif
