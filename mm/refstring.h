/* mm/refstring.h - OPT and LRU over a page-reference string, for comparison.
 *
 * The replacement benchmarks record the pages a workload touches and
 * compare what the kernel's policy cost with what the optimal policy
 * (Belady's OPT, which knows the future) and exact LRU would have cost on
 * the same references.  This is pure code, also built for the host
 * (tests/host/test_replace.c checks it against brute force).
 *
 * A reference string is an array of uint32_t, each (vpn << 1) | is_write.
 * Consecutive references to the same page are expected to be folded into
 * one (their write bits ORed); unfolded strings work too, the repeats are
 * simply hits.  Every vpn must be below NPAGES.
 *
 * Counting rules, the same as the kernel pager's:
 *
 *   - A fault on a page with no swap copy is demand-zero: a fault, no
 *     disk read.  That is every first touch.
 *   - A fault on a page that has a swap copy is a disk read.
 *   - A page is dirty if it was written since it was last loaded (by
 *     zero-fill or from swap).  Evicting a dirty page writes it to swap
 *     (a disk write) and from then on the page has a swap copy.
 *   - Evicting a clean page writes nothing.  If it has a swap copy, that
 *     copy is still current and is kept; if it never had one (it was
 *     zero-filled and never written), its next fault is demand-zero again.
 *   - Pages still resident at the end are not written.
 *
 * WORK is scratch memory of at least refstring_work_bytes(N, NPAGES,
 * NFRAMES) bytes, 4-byte aligned, for either function.
 *
 * Limits: NFRAMES 1..REFSTRING_MAX_FRAMES, NPAGES 1..REFSTRING_MAX_PAGES
 * and N up to REFSTRING_MAX_REFS (so that the work area stays below
 * 4 GiB: about 1.1 GiB at the most).  Calling either function outside
 * them is a bug in the caller and panics; a caller with input from
 * outside (a trace file) asks refstring_check() first and reports. */
#ifndef MM_REFSTRING_H
#define MM_REFSTRING_H

#include <stdint.h>

#define REF_VPN(r)   ((r) >> 1)
#define REF_WRITE(r) ((r) & 1)
#define REF(vpn, w)  ((uint32_t)(vpn) << 1 | ((w) ? 1u : 0u))

#define REFSTRING_MAX_FRAMES (1u << 20)    /* 1,048,576 frames */
#define REFSTRING_MAX_PAGES  (1u << 20)    /* 1,048,576 distinct pages */
#define REFSTRING_MAX_REFS   (1u << 28)    /* 268,435,456 references */

struct ref_result {
    uint32_t faults;        /* page faults, demand-zero ones included */
    uint32_t disk_reads;    /* faults served from swap */
    uint32_t disk_writes;   /* dirty pages written at eviction */
};

/* 0 if N references to NPAGES pages with NFRAMES frames are within the
 * limits above, else which limit they break, as a phrase ("more than
 * 1048576 distinct pages"). */
const char *refstring_check(uint32_t n, uint32_t npages, uint32_t nframes);

/* Bytes of WORK that opt_simulate and lru_simulate need for a string of
 * N references to NPAGES pages with NFRAMES frames. */
uint32_t refstring_work_bytes(uint32_t n, uint32_t npages, uint32_t nframes);

/* Belady's OPT over the N references REFS with NFRAMES frames: on a fault
 * with memory full, evict the resident page whose next use is farthest
 * away; pages never used again go first, clean ones before dirty ones
 * (the fault count does not depend on that choice, the writes do).
 * Takes O(N log NFRAMES) time.  Stores the counts in *OUT. */
void opt_simulate(const uint32_t *refs, uint32_t n, uint32_t nframes,
                  uint32_t npages, void *work, struct ref_result *out);

/* Exact LRU over the same input: evict the page whose last use is the
 * oldest.  Takes O(N) time.  Stores the counts in *OUT. */
void lru_simulate(const uint32_t *refs, uint32_t n, uint32_t nframes,
                  uint32_t npages, void *work, struct ref_result *out);

#endif
