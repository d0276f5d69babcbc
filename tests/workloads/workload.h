/* tests/workloads/workload.h - memory workloads for the replacement experiments.
 *
 * A workload runs over a region of NPAGES pages (4 KiB each) that the
 * experiment driver has allocated in a VMPool with a resident-frame
 * limit, so that its accesses cause page faults, evictions and swap
 * traffic.  It touches the region ONLY through the accessors below, which
 * (when tracing is on) record the page-reference string that OPT and LRU
 * are computed from, so every policy is judged on exactly the references
 * the hardware saw.  Each workload checks its own result (a checksum or a
 * closed form) and returns 0 only if it is right, so a paging bug that
 * corrupts data shows up as a wrong answer. */
#ifndef TESTS_WORKLOADS_WORKLOAD_H
#define TESTS_WORKLOADS_WORKLOAD_H

#include <stdint.h>

struct workload {
    const char *name;
    const char *about;
    /* Run over the region at BASE of NPAGES pages, with SEED for any
     * randomness.  Returns 0 if the workload's own check passed, else
     * prints why (kprintf) and returns -1. */
    int (*run)(uint32_t base, uint32_t npages, uint32_t seed);
};

/* Workload by name, or 0.  workload_at(i) for i = 0.. lists them (0 at the end). */
const struct workload *workload_find(const char *name);
const struct workload *workload_at(int i);

/* The accessors: every touch of the region goes through one of them. */
uint8_t  wl_rd8(uint32_t addr);
void     wl_wr8(uint32_t addr, uint8_t v);
uint32_t wl_rd32(uint32_t addr);            /* ADDR 4-byte aligned */
void     wl_wr32(uint32_t addr, uint32_t v);

/* Feed every accessor reference to TLB model T (0 to stop).  While one
 * is attached, single-page invalidations (invlpg) are reported to it. */
struct tlb_model;
void wl_tlb_attach(struct tlb_model *t);

/* Call FN(accesses so far) after every EVERY accessor calls (0: stop). */
void wl_progress(uint32_t every, void (*fn)(uint32_t accesses));

/* Reference tracing.  While on, each access appends (page << 1 | write)
 * to BUF, where page = (addr - BASE) / 4096, unless it is the same page
 * as the previous entry, in which case the write bit is ORed into that
 * entry (consecutive repeats folded).  Returns the number of entries;
 * trace_overflowed() says whether more than CAP were needed (tracing
 * then stopped at the CAP-th entry, so BUF holds an exact prefix). */
void     trace_start(uint32_t *buf, uint32_t cap, uint32_t base);
uint32_t trace_stop(void);
int      trace_overflowed(void);

/* Test hook for "scan": if >= 0, scan flips a bit of the byte at this
 * offset between its write pass and its read passes, which must then
 * fail.  Only tests/test_workloads.c sets it (and puts it back to -1). */
extern int wl_scan_corrupt_at;

/* "replay" (tests/workloads/replay.c): the next runs replay the N
 * references REFS (REF(page, write), mm/refstring.h); SHADOW is the
 * caller's memory for one word per page, backed before the run. */
extern const struct workload wl_replay;
void replay_set(const uint32_t *refs, uint32_t n, uint32_t *shadow);

/* Make the first reference to each page of REFS a write (SEEN: scratch
 * of one bit per page), so that every page carries its signature from
 * its first touch on: what the replay does, the string then says. */
void replay_first_writes(uint32_t *refs, uint32_t n, uint32_t npages, uint32_t *seen);

/* The largest region "uniform" and "hotcold" can shadow (64 MiB). */
#define WL_MAX_PAGES 16384

/* The touch loop of "uniform" and "hotcold" (tests/workloads/uniform.c):
 * 10,000 touches of random pages of the region at BASE, HOT_PERCENT of
 * them among the first NHOT pages and the rest among the others, 30%
 * writes, each read checking the page's marker word against a shadow.
 * NAME prefixes its messages.  Returns 0, or -1 with a message. */
int wl_touch_pages(const char *name, uint32_t base, uint32_t npages, uint32_t seed,
                   uint32_t nhot, uint32_t hot_percent);

#endif
