/* mm/frame_pool.h - contiguous frame pools: who owns which physical frame.
 *
 * A frame pool manages frames BASE .. BASE+N-1 (frame f is the 4 KiB of
 * physical memory at f * 4096) with two bits of state per frame, and
 * hands out runs of contiguous frames.  The kernel has two pools
 * (mm/physmem.c): one for kernel data, one for page tables and pages. */
#ifndef MM_FRAME_POOL_H
#define MM_FRAME_POOL_H

#include <stdint.h>

struct frame_pool {
    const char *name;
    uint32_t base;          /* first frame number managed */
    uint32_t nframes;       /* frames managed, inaccessible ones included */
    uint32_t *bitmap;       /* 2 bits per frame, 16 frames per word */
    uint32_t nfree;         /* frames in state FREE */
    uint32_t nused;         /* frames in a sequence (HEAD or USED) */
    uint32_t ninacc;        /* frames marked inaccessible (incl. the bitmap's) */
    uint32_t hint;          /* no word below this one holds a free frame */
    struct frame_pool *next;    /* list of all pools, for release_frames */
};

/* Frame states, two bits each. */
#define FRAME_FREE  0u      /* available */
#define FRAME_USED  1u      /* allocated, inside a sequence (not its first) */
#define FRAME_HEAD  2u      /* allocated, first frame of a sequence */
#define FRAME_INACC 3u      /* never to be handed out (hole, ROM, bitmap) */

/* Set up POOL over frames BASE .. BASE+N-1 and add it to the list of
 * pools.  INFO_FRAME is where the bitmap goes: 0 means "in the pool's own
 * first frames" (which are then marked inaccessible), otherwise it is
 * the first of needed_info_frames(N) frames the caller reserved.  The
 * bitmap must be reachable through frame_addr() for the pool's lifetime. */
void frame_pool_init(struct frame_pool *pool, const char *name,
                     uint32_t base, uint32_t n, uint32_t info_frame);

/* Allocate N contiguous free frames from POOL: the lowest-numbered run
 * that fits.  Returns the first frame number, or 0 if N is 0, larger
 * than the pool, or no run of N free frames exists. */
uint32_t get_frames(struct frame_pool *pool, uint32_t n);

/* Mark frames BASE .. BASE+N-1 of POOL inaccessible so they are never
 * handed out.  Frames already inaccessible stay so.  Returns 0, or
 * -E_INVAL if the range is not inside the pool, or -E_BUSY if one of
 * the frames is allocated (nothing is changed then). */
int mark_inaccessible(struct frame_pool *pool, uint32_t base, uint32_t n);

/* Release the sequence that starts at frame FIRST, in whichever pool
 * owns it.  Returns 0, or (with a message naming the frame, and no
 * change): -E_NOPOOL if no pool owns FIRST, -E_FREE if it is free,
 * -E_INACC if inaccessible, -E_NOTHEAD if it is inside a sequence. */
int release_frames(uint32_t first);

/* How many frames a bitmap for N frames needs. */
uint32_t needed_info_frames(uint32_t n);

/* State of FRAME in POOL (FRAME_*); FRAME must lie in the pool. */
uint32_t frame_state(const struct frame_pool *pool, uint32_t frame);

/* The pool that owns FRAME, or 0. */
struct frame_pool *frame_pool_of(uint32_t frame);

/* Remove POOL from the list of pools (tests that build scratch pools). */
void frame_pool_remove(struct frame_pool *pool);

/* Check the counters against the bitmap, under the pools' lock (so a
 * thread taking frames meanwhile cannot make it see a mismatch); panics
 * on a mismatch. */
void frame_pool_check(const struct frame_pool *pool);

/* The first pool in the list (the rest follow through ->next). */
struct frame_pool *frame_pools(void);

#endif
