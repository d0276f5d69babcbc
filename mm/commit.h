/* mm/commit.h - the commit charge: memory promised to processes, and its limit.
 *
 * Processes get memory lazily: sbrk, mmap, fork and exec take no frame,
 * and a page gets one at its first touch (mm/fault.c).  So the kernel
 * can promise more than it has, and find out only at a fault, when the
 * only way out is to kill someone.  vmlab refuses the promise instead:
 * every call that may later need memory charges the pages it promises,
 * and a charge beyond the commit limit is refused with -E_NOMEM, at the
 * call, with nothing changed.
 *
 * Charged (pages that may each need a frame or a swap slot of their own):
 *   - private writable pages: the heap (sbrk), private writable mmap,
 *     a program's writable segments (data, bss), and the stack as far
 *     as it has grown;
 *   - every page of a shared object (a named segment, MAP_SHARED), once,
 *     however many map it;
 *   - at fork, everything the parent has charged, again: every
 *     copy-on-write page may be written, and copied.
 * Not charged: read-only text and read-only private mappings (clean:
 * evicted, they are made again, never written to swap).
 *
 *   limit = usable swap slots + frames the processes' pager may hold
 *
 * where the frames are the pager's resident limit (uframes=, tests lower
 * it), less a reserve for page tables and kernel memory: a sixteenth of
 * the frames free at boot, and 32.  A promise kept can still fail if the
 * kernel's own use outgrows the reserve, or swap slots go bad: then the
 * fault that finds no frame and no slot kills its process, with a report.
 * A stack that grows past the limit kills its process too: a push
 * cannot be refused. */
#ifndef MM_COMMIT_H
#define MM_COMMIT_H

#include <stdint.h>

struct commit_stats {
    uint32_t charged;           /* pages promised now */
    uint32_t peak;              /* the most ever promised at once */
    uint32_t refused;           /* charges refused so far */
};
extern struct commit_stats commit_stats;

/* Note the frames free when processes may start (uvm_init): the
 * reserve is a part of them. */
void commit_init(uint32_t frames_free);

/* The commit limit now, in pages. */
uint32_t commit_limit(void);

/* Promise NPAGES more pages, for WHAT ("sbrk", "fork", ...).  Returns 0,
 * or -E_NOMEM (nothing charged) with a line saying what was refused and
 * how much is promised already. */
int commit_charge(uint32_t npages, const char *what);

/* Take back NPAGES pages promised earlier. */
void commit_release(uint32_t npages);

#endif
