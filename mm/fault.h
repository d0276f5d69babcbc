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
/* Where a refused fault at instruction EIP resumes: the fixup of a
 * probe or of a copy to or from user memory (kernel/probe.asm), or 0 if
 * EIP is none of them. */
uint32_t fault_fixup(uint32_t eip);

/* Copy N bytes from SRC to DST, either of which may fault; 0, or -1 if
 * a page could not be had (kernel/probe.asm; mm/uaccess.c uses it). */
int uaccess_copy(void *dst, const void *src, uint32_t n);

/* The address of the last refused fault. */
extern uint32_t fault_last_va;

/* Called with the fault's locks held when a legitimate fault on VA has found
 * the page still unmapped and is about to give it a fresh frame.  0: no
 * hook.  A test (fault_overlap) makes the faulting thread yield here, so
 * that a second fault on the same page waits for the lock and must find
 * the page mapped when it gets it. */
extern void (*fault_map_hook)(uint32_t va);

#ifdef __cplusplus
}
#endif

#endif
