/* mm/replace/sim.h - a model pager: any policy over a reference string.
 *
 * The kernel's pager (mm/pager.c) runs a policy on real page tables,
 * where the MMU sets the Accessed and Dirty bits.  This is the same
 * pager in miniature, on a model: arrays stand in for the PTEs' A and D
 * bits and for residency, and a reference sets A (and D on a write)
 * exactly as the MMU would.  The same policy code (mm/replace/) runs in
 * both, so what the model counts is what the kernel must count:
 *
 *   - tests/host/test_replace.c checks the policies here, on the host,
 *     against hand traces and brute force;
 *   - the kernel test policy_kernel_equals_host (tests/test_replay.c)
 *     replays a string on real pages and compares with this model;
 *   - tests/host/replay.c replays trace files with it, fast.
 *
 * The model does what the pager does: on a fault with every slot full
 * it asks the policy for a victim and evicts it (a disk write if it was
 * dirty; from then on the page has a swap copy), loads the new page into
 * the lowest empty slot with A = D = 0, calls fault_in(), and then the
 * access itself sets A (and D).  It counts faults, disk reads and disk
 * writes by the rules of mm/refstring.h.  Pure code: it compiles for the
 * host too, and allocates nothing (the caller gives it WORK memory, which
 * holds the policy's arrays too). */
#ifndef MM_REPLACE_SIM_H
#define MM_REPLACE_SIM_H

#include <stdint.h>
#include "mm/replace/policy.h"
#include "mm/refstring.h"

#define SIM_NONE 0xFFFFFFFFu

struct sim {
    const struct policy_ops *ops;
    struct policy *pol;         /* the instance the model drives (the caller's memory) */
    struct pte_bits bits;       /* A and D, as the policy sees them: the model's arrays */
    uint32_t nframes, npages;
    uint32_t nres;              /* resident pages */
    uint32_t low;               /* no empty slot below this one */
    uint32_t *slot_page;        /* page in each slot, SIM_NONE if empty */
    uint32_t *where;            /* slot of each page, SIM_NONE if not resident */
    uint8_t *flags;             /* each page's SIM_A, SIM_D, SIM_PRESENT, SIM_COPY */
    struct ref_result count;    /* faults, disk reads, disk writes so far */
    const char *err;            /* the first thing the policy did wrong, or 0 */
    uint32_t err_page;          /* ... and the page or slot it concerned */
    /* Called after every change, for white-box checks (may be 0): EXTRA
     * is how many more entries than resident pages a policy may hold
     * (nframes between an eviction and the next fault_in, else 0). */
    void (*after)(struct sim *s, uint32_t extra);
};

#define SIM_A       1u
#define SIM_D       2u
#define SIM_PRESENT 4u
#define SIM_COPY    8u          /* swap holds a current copy */

/* Bytes of WORK a model of policy OPS over NPAGES pages and NFRAMES
 * frames needs. */
uint32_t sim_work_bytes(const struct policy_ops *ops, uint32_t npages, uint32_t nframes);

/* Start S: policy OPS in POL over NFRAMES empty slots (1..POLICY_MAX_FRAMES)
 * and pages 0..NPAGES-1, with SEED for random, in WORK: sim_work_bytes()
 * bytes, 4-byte aligned. */
void sim_init(struct sim *s, const struct policy_ops *ops, struct policy *pol,
              uint32_t nframes, uint32_t npages, uint32_t seed, void *work);

/* Reference REF (REF(vpn, write), mm/refstring.h): fault it in if it is
 * not resident (evicting a victim if every slot is full), then set A,
 * and D on a write.  Returns the page evicted, or SIM_NONE. */
uint32_t sim_ref(struct sim *s, uint32_t ref);

/* Ask the policy for a victim and check its answer (slot in range and
 * holding the page the policy thinks); returns the slot.  Nothing is
 * evicted: as when the pager's write of the victim fails. */
uint32_t sim_victim(struct sim *s);

/* The page in slot S leaves memory: written if dirty when EVICT (an
 * eviction), or freed by its owner (its swap copy goes too). */
void sim_remove(struct sim *s, uint32_t slot, int evict);

/* A timer tick, if the policy wants ticks. */
void sim_tick(struct sim *s);

/* Run policy OPS with NFRAMES frames over the N references REFS (pages
 * below NPAGES), in WORK (sim_work_bytes()) and POL, calling tick()
 * before every TICK-th reference (0: never).  Stores the counts in *OUT.  Returns 0, or the
 * model's complaint about the policy (see struct sim's ERR). */
const char *policy_simulate(const struct policy_ops *ops, struct policy *pol,
                            const uint32_t *refs, uint32_t n, uint32_t nframes,
                            uint32_t npages, uint32_t seed, uint32_t tick, void *work,
                            struct ref_result *out);

#endif
