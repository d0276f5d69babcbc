/* mm/flist.h - lists of frames threaded through the frame table.
 *
 * The paging daemon (mm/daemon.c) keeps frames on lists: standby and
 * modified (its zeroed frames are on a stack, mm/fstack.h: no frame
 * leaves that from the middle).  A list is a head, a tail and a count;
 * the links live in the frames' own entries (struct frame's NEXT and
 * PREV, frame numbers, 0 at the ends: frame 0 is never in the process
 * pool), so every operation is O(1), a removal from the middle too (a
 * fault rescues a trimmed page from wherever it is), and takes no
 * memory.  A frame is on at most one list; its STATE says which.
 *
 * Pure data-structure code: it compiles for the host too, where
 * tests/host/test_flist.c checks it against a model under
 * AddressSanitizer.  Callers provide the locking. */
#ifndef MM_FLIST_H
#define MM_FLIST_H

#include <stdint.h>
#include "mm/frame.h"

struct flist {
    uint32_t head, tail;        /* frame numbers; 0 when empty */
    uint32_t count;
    uint8_t state;              /* the FS_* state of the frames on it */
    const char *name;
};

/* The table the lists link through: entry 0 is frame FIRST (the kernel
 * passes the frame table; host tests an array of their own). */
void flist_table(struct frame *table, uint32_t first, uint32_t nframes);

/* Put frame F, on no list, at the tail of L (its state becomes L's). */
void flist_push(struct flist *l, uint32_t f);

/* Take frame F off L, wherever it is on it. */
void flist_remove(struct flist *l, uint32_t f);

/* Take the frame at the head of L off it, or return 0 if L is empty. */
uint32_t flist_pop(struct flist *l);

/* Frame F's entry in the table (a panic if F is not in it), and whether
 * it is in it: for the stacks of frames (mm/fstack.c). */
struct frame *flist_entry(uint32_t f);
int flist_has(uint32_t f);

/* Check L: links agree both ways, the count is right, every frame is in
 * L's state.  Returns 0, or a message saying what is wrong. */
const char *flist_check(const struct flist *l);

#endif
