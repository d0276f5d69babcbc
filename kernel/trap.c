/* kernel/trap.c - the IDT and the C side of every interrupt and exception.
 *
 * idt_init() points all 256 gates at the stubs in boot/trap.asm, as
 * ring-0 interrupt gates (interrupts stay off until a handler turns them
 * on).  trap() acknowledges hardware interrupts at the PIC and calls the
 * handler registered for the vector (the page fault comes in through
 * trap_page_fault, which calls its handler directly).  An exception nobody handles is
 * reported in full; trap_hook (installed by the program the kernel runs,
 * the test harness) may then give the run its verdict, and otherwise
 * QEMU exits with EXIT_TRAP. */
#include <stdint.h>
#include "kernel/trap.h"
#include "kernel/pic.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "kernel/exit.h"
#include "kernel/thread.h"
#include "kernel/proc.h"
#include "lib/printf.h"

struct gate {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t  zero;
    uint8_t  type;          /* P, DPL (bits 6-5), type: 0x8E = ring-0 interrupt gate */
    uint16_t off_hi;
} __attribute__((packed));

struct idtdesc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct gate idt[NVECTORS];
static trap_handler_t handlers[NVECTORS];
extern uint32_t trap_stubs[NVECTORS];   /* boot/trap.asm */
void (*trap_hook)(const struct trapframe *tf);

static const char *const names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow",
    "bound range exceeded", "invalid opcode", "device not available",
    "double fault", "coprocessor segment overrun", "invalid TSS",
    "segment not present", "stack-segment fault", "general protection fault",
    "page fault", "reserved (15)", "x87 floating-point error",
    "alignment check", "machine check", "SIMD floating-point error",
    "virtualization exception", "control protection exception",
};

const char *trap_name(uint32_t v)
{
    if (v < 32) return names[v] ? names[v] : "reserved";
    if (v < T_IRQ0 + 16) return "IRQ";
    if (v == 0x80) return "system call";
    return "unknown";
}

void idt_init(void)
{
    for (int v = 0; v < NVECTORS; v++) {
        idt[v].off_lo = trap_stubs[v] & 0xFFFF;
        idt[v].off_hi = trap_stubs[v] >> 16;
        idt[v].sel = 0x08;                      /* SEG_KCODE */
        idt[v].zero = 0;
        idt[v].type = 0x8E;
    }
    struct idtdesc d = { sizeof idt - 1, (uint32_t)idt };
    asm volatile("lidt %0" : : "m"(d));
}

void trap_set_task_gate(int vector, uint16_t sel)
{
    idt[vector].off_lo = idt[vector].off_hi = 0;
    idt[vector].sel = sel;
    idt[vector].type = 0x85;                    /* present, ring 0, task gate */
}

void trap_set_user_gate(int vector)
{
    idt[vector].type = 0xEE;                    /* present, DPL 3, interrupt gate */
}

void trap_register(int vector, trap_handler_t h)
{
    if (vector < 0 || vector >= NVECTORS)
        panic("trap_register: vector %d out of range", vector);
    handlers[vector] = h;
}

void trap_report(const struct trapframe *tf)
{
    kprintf("\n*** %s (vector %u), error code 0x%x\n",
            trap_name(tf->vector), tf->vector, tf->err);
    kprintf("eip %08x  cs %04x  eflags %08x\n", tf->eip, tf->cs, tf->eflags);
    uint32_t esp = trap_esp(tf);
    kprintf("eax %08x  ebx %08x  ecx %08x  edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    kprintf("esi %08x  edi %08x  ebp %08x  esp %08x\n", tf->esi, tf->edi, tf->ebp, esp);
    kprintf("cr0 %08x  cr2 %08x  cr3 %08x  cr4 %08x\n",
            read_cr0(), read_cr2(), read_cr3(), read_cr4());
    backtrace(tf->eip, tf->ebp);
}

/* An interrupt request (vector V): acknowledged first, so a handler
 * that never returns to this frame (a context switch) leaves the PIC
 * ready for the next. */
static void __attribute__((noinline)) trap_irq(struct trapframe *tf, uint32_t v)
{
    pic_eoi(v - T_IRQ0);
    if (handlers[v]) handlers[v](tf);
    thread_preempt_check(tf->eflags & EFLAGS_IF);
}

/* An exception that no handler took. */
static void __attribute__((noinline, noreturn)) trap_unhandled(struct trapframe *tf)
{
    /* An exception in user mode that nobody handled ends that process
     * only, with a report; the kernel runs on. */
    if (trap_from_user(tf)) proc_fault(tf);

    /* Unhandled exception: report it; the program the kernel runs may
     * have expected it (a test of exceptions). */
    trap_report(tf);
    if (trap_hook) trap_hook(tf);
    kprintf("unhandled exception: %s at eip %08x\n", trap_name(tf->vector), tf->eip);
    qemu_exit(EXIT_TRAP);
}

/* A trap from ring 3 is the thread's user context: keep it, for the
 * system calls and faults that need the user's registers. */
static inline void note_user(struct trapframe *tf)
{
    if (trap_from_user(tf) && thread_running) thread_running->utf = tf;
}

/* The common way: an exception its handler takes (a system call) is a
 * few instructions here; the rest are out of line. */
void trap(struct trapframe *tf)
{
    uint32_t v = tf->vector;
    note_user(tf);
    if (v - T_IRQ0 < 16) {
        trap_irq(tf, v);
        return;
    }
    trap_handler_t h = handlers[v];
    if (!h || !h(tf)) trap_unhandled(tf);
}

/* The page fault's own way in, from its stub in boot/trap.asm: trap()
 * without the dispatch on the vector. */
void trap_page_fault(struct trapframe *tf)
{
    note_user(tf);
    trap_handler_t h = handlers[T_PGFLT];
    if (!h || !h(tf)) trap_unhandled(tf);
}
