/* mm/uaccess.h - crossing the user/kernel boundary: checked copies.
 *
 * A system call's pointer arguments come from user code and must never
 * be trusted.  Every copy between a user buffer and the kernel goes
 * through these functions, which
 *   1. check that the whole range lies in the user half, [USER_BASE,
 *      USER_END), without wrapping past 4 GiB: a null pointer, a kernel
 *      address, or a length running past the user half is -E_FAULT at
 *      once;
 *   2. copy with an instruction the page-fault handler knows
 *      (uaccess_copy, kernel/probe.asm): a page that is legitimate but
 *      not yet mapped (demand-zero, swapped out, copy-on-write) is handled
 *      as for any fault and the copy goes on; a page in no region of the
 *      process is refused, and the copy returns -E_FAULT instead of the
 *      kernel crashing.
 * Nothing is leaked on failure: the fault handler takes no frame for a
 * refused page, and the callers hold no lock across a copy. */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include <stdint.h>

/* Is [ADDR, ADDR+N) inside the user half (N may be 0)? */
int user_range_ok(uint32_t addr, uint32_t n);

/* Copy N bytes from user address USRC to DST.  0 or -E_FAULT. */
int copy_from_user(void *dst, uint32_t usrc, uint32_t n);

/* Copy N bytes from SRC to user address UDST.  0 or -E_FAULT. */
int copy_to_user(uint32_t udst, const void *src, uint32_t n);

/* Copy the NUL-terminated string at user address USRC into DST (MAX
 * bytes, the NUL included).  Returns its length, -E_FAULT, or -E_2BIG if
 * it does not end within MAX bytes. */
int copy_str_from_user(char *dst, uint32_t usrc, uint32_t max);

#endif
