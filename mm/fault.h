/* mm/fault.h - the page-fault handler (vector 14) and fault probes. */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Install the page-fault handler. */
void fault_init(void);

/* Read or write one 32-bit word at ADDR, surviving a page fault that the
 * handler refuses (an illegitimate address or a protection violation):
 * return 0 on success, -1 if the access faulted (nothing is mapped and
 * no frame is taken).  Tests use these to touch addresses that must be
 * refused and then look at what changed.  (kernel/probe.asm) */
int probe_read(const volatile void *addr, uint32_t *out);
int probe_write(volatile void *addr, uint32_t value);
/* The probes' faulting instructions, and where a refused fault in one of
 * them resumes (kernel/probe.asm). */
extern char probe_read_insn[], probe_write_insn[], probe_fixup[];

/* The address of the last refused fault. */
extern uint32_t fault_last_va;

/* Called with the VM lock held when a legitimate fault on VA has found
 * the page still unmapped and is about to give it a fresh frame.  0: no
 * hook.  A test (fault_overlap) makes the faulting thread yield here, so
 * that a second fault on the same page waits for the lock and must find
 * the page mapped when it gets it. */
extern void (*fault_map_hook)(uint32_t va);

#ifdef __cplusplus
}
#endif

#endif
