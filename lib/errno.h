/* lib/errno.h - error numbers returned (negated) by recoverable failures.
 *
 * vmlab's convention: a function that can fail for a reason the caller
 * may handle returns 0 (or a valid value) on success and -E_xxx on
 * failure, after printing one line that names the bad value.  Broken
 * invariants panic instead (kernel/panic.h). */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define E_INVAL     1   /* argument out of range or misaligned */
#define E_NOMEM     2   /* no frames, no virtual space, no swap slots */
#define E_NOTHEAD   3   /* frame is inside a sequence, not its first frame */
#define E_FREE      4   /* releasing something already free */
#define E_NOPOOL    5   /* address or frame belongs to no pool */
#define E_INACC     6   /* frame is marked inaccessible */
#define E_NOREGION  7   /* address is not the start of an allocated region */
#define E_IO        8   /* disk error */
#define E_CHECKSUM  9   /* data read back does not match its checksum */
#define E_BUSY      10  /* resource in use */
#define E_SWAPFULL  11  /* every swap slot holds a page (or is retired) */
#define E_FAULT     12  /* a user pointer that does not point at user memory */
#define E_NOSYS     13  /* no such system call */
#define E_CHILD     14  /* wait: no child to wait for */
#define E_NOENT     15  /* no such program, or shared-memory segment */
#define E_NOEXEC    16  /* not an ELF image vmlab can run */
#define E_2BIG      17  /* too many or too long arguments, or a name too long */
#define E_AGAIN     18  /* not now: try again (the paging daemon has no frame yet) */

/* A short name for error E (positive or negated), e.g. "E_NOTHEAD". */
const char *errname(int e);

#endif
