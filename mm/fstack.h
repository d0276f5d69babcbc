/* mm/fstack.h - stacks of frames: the paging daemon's zeroed frames.
 *
 * The zero-page thread (mm/daemon.c) puts each frame it zeroes on a
 * stack, and demand-zero faults take them off its top.  No frame ever
 * leaves it from the middle (a zeroed frame holds no page, so no fault
 * rescues it and no release looks for it), so it needs none of the
 * links through the frame table that the standby and modified lists
 * have (mm/flist.h): it is an array of frame numbers.  That makes the
 * fault path's refill cheap: a pager whose stash of zeroed frames is
 * empty takes a whole batch off the top in one copy of the numbers
 * (fstack_take), where a list would be walked link by link.
 *
 *     frame[0] ... frame[count - 1]      <- the top: pushed last, taken first
 *
 * Every frame on a stack is in the stack's state (FS_ZEROED); the frame
 * table is the one flist_table registered.
 *
 * Pure data-structure code: it compiles for the host too, where
 * tests/host/test_fstack.c checks it against a model under
 * AddressSanitizer.  Callers provide the locking. */
#ifndef MM_FSTACK_H
#define MM_FSTACK_H

#include <stdint.h>
#include "mm/frame.h"

struct fstack {
    uint32_t *frame;            /* CAP frame numbers, bottom first */
    uint32_t count, cap;
    uint8_t state;              /* the FS_* state of the frames on it */
    const char *name;
};

/* Push frame F, in no state, on S: its state becomes S's.  Returns 1, or
 * 0 if S is full (F is left as it was: the caller keeps it). */
int fstack_push(struct fstack *s, uint32_t f);

/* Take the top frame off S, in no state, or return 0 if S is empty. */
uint32_t fstack_pop(struct fstack *s);

/* Take up to MAX frames off the top of S at once, into OUT (one copy;
 * the top frame last).  Each keeps S's state, on no stack now: the
 * caller gives it a state of its own when it uses it (a pager's stash
 * of zeroed frames, mm/daemon.h, does at each take).  Returns how many. */
uint32_t fstack_take(struct fstack *s, uint32_t *out, uint32_t max);

/* Check S: its count within its capacity, every frame in the frame
 * table (flist_table's) and in S's state, none twice.  Returns 0, or a message saying
 * what is wrong.  O(count^2): for tests. */
const char *fstack_check(const struct fstack *s);

#endif
