/* tests/util.h - small helpers shared by the in-kernel tests. */
#ifndef TESTS_UTIL_H
#define TESTS_UTIL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A xorshift32 generator: the same SEED always gives the same sequence,
 * so every test run sees the same "random" operations. */
static inline uint32_t rand_next(uint32_t *seed)
{
    uint32_t x = *seed ? *seed : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *seed = x;
}

/* Frames of the process pool that are free, or that the kernel keeps
 * once it has made them: kernel-half page tables, shared by every
 * address space (mm/aspace.h), and pages of reverse-map entries
 * (mm/frame.c).  A test that makes one (a thread stack or heap page in
 * a new 4 MiB span, a first shared page) has not leaked it.  Leak checks
 * compare this count before and after. */
uint32_t free_frames(void);

/* Daemon mode (mm/daemon.h): wait until the writer has written every
 * page on the modified list (waking it as need be) and nothing is in
 * flight.  Fails the test if the list is not empty after 10 s.  With the
 * lists empty (sync mode), nothing. */
void daemon_wait_written(void);

/* Daemon mode: wait until the zero thread has at least N zeroed frames
 * listed (it keeps DAEMON_ZEROED_TARGET, mm/daemon.h).  Fails the test
 * if it has not after 5 s. */
void daemon_wait_zeroed(uint32_t n);

/* Daemon mode (mm/daemon.h): take every page of PG's working set out of
 * it (pager_trim_one until PG holds none), the VM lock held exclusive
 * meanwhile: each page's PTEs become transition entries and its frame
 * goes to the standby or modified list.  The caller must not hold the
 * VM lock. */
struct pager;
void trim_all(struct pager *pg);

/* Daemon mode (mm/daemon.h): push every page on the daemon's lists out
 * to swap, as sync-mode eviction would have: wait until the writer has
 * written the modified list, then repurpose every standby frame (its
 * page's PTEs become swap entries, or 0 if it needs no copy) back to
 * the pool, so that the pages' next touch reads the disk instead of
 * being rescued from memory.  Fails the test if the writer does not
 * empty the modified list.  With the lists empty (sync mode), nothing. */
void daemon_page_out_lists(void);

/* Reach physical frame F from a test, with or without paging: returns a
 * pointer to its 4 KiB, valid until frame_unmap. */
void *frame_map(uint32_t f);
void frame_unmap(void *p);

/* Take every free frame of POOL one at a time (checking each is inside
 * the pool, not in the ISA hole and not handed out twice), check the
 * pool is then empty, and give them all back.  Fails the test on any
 * difference.  The zero thread is held meanwhile (daemon_hold_zero). */
struct frame_pool;
void pool_exhaust(struct frame_pool *pool);

#ifdef __cplusplus
}
#endif

#endif
