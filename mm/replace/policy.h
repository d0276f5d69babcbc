/* mm/replace/policy.h - the interface every page replacement policy implements.
 *
 * The pager (mm/pager.c) keeps a resident set of NFRAMES slots for a
 * workload's pool.  Slot s holds one resident virtual page (its virtual
 * page number, VPN) or nothing.  When a page must come in and every slot
 * is full, the pager asks the policy for a victim slot, evicts that page
 * (writing it to swap only if it is dirty), puts the new page in the
 * same slot and tells the policy.  Policies see the hardware Accessed and
 * Dirty bits only through struct pte_bits, which the kernel implements
 * on the real page tables (clearing A includes invlpg) and host unit
 * tests implement on a model (tests/host/test_replace.c), so the same
 * policy code runs in both.
 *
 * Every policy lives in its own file under mm/replace/ and is pure code:
 * it compiles for the host too.  It allocates nothing.  struct policy
 * holds a policy's scalars (a hand, a head, counters); its per-slot
 * arrays live in memory the caller provides, policy_bytes(OPS, NFRAMES)
 * bytes of it, which policy_init() zeroes and carves up (carve.h).  So
 * a pager for 10 frames costs a few hundred bytes and one for 16,384
 * frames at most about 640 KiB, and struct policy stays small enough to
 * sit in a static struct pager.
 *
 * What a policy may assume of A and D.  From fault_in() of a slot to its
 * evicted(), the page's A bit goes from 1 to 0 only when the policy
 * clears it (accessed() with CLEAR), and its D bit never goes back to 0.
 * So a 1 the policy has read stays true until it clears it itself: a
 * policy may remember what it has read instead of reading it again.
 *
 * About the first Accessed bit: the access that faulted a page in sets A
 * when the instruction restarts, after fault_in() returns.  A policy that
 * wants a new page to start unreferenced must remember that the first A
 * it sees on that page is the fault's own: policy_settle() clears it at
 * the next call into the policy (clock_pro, car).  Otherwise a policy
 * sees every new page as used once already, as CLOCK does. */
#ifndef MM_REPLACE_POLICY_H
#define MM_REPLACE_POLICY_H

#include <stdint.h>
#include "mm/replace/carve.h"
#include "mm/replace/slotset.h"
#include "mm/replace/ilist.h"
#include "mm/replace/ghost.h"

#define POLICY_MAX_FRAMES 16384     /* largest resident set a policy tracks */
#define POLICY_NO_PAGE    0xFFFFFFFFu  /* in vpn[]: the slot holds no page */
#define POLICY_NO_SLOT    0xFFFFu      /* in a 16-bit slot number: none */

/* Slots and table entries are numbered in 16 bits (0xFFFF: none); the
 * most entries a policy keeps is clock_pro's 2 * nframes + 1. */
_Static_assert(2 * POLICY_MAX_FRAMES + 1 < 0xFFFF, "16-bit entry numbers");

/* Access to the A and D bits of resident pages, supplied by the pager. */
struct pte_bits {
    void *ctx;
    /* Return VPN's Accessed bit; if CLEAR, also clear it (and flush the TLB entry). */
    int (*accessed)(void *ctx, uint32_t vpn, int clear);
    /* Return VPN's Dirty bit (never cleared by a policy). */
    int (*dirty)(void *ctx, uint32_t vpn);
};

struct policy;

struct policy_ops {
    const char *name;       /* as on the command line: policy=NAME */
    /* Point P's arrays for NFRAMES slots into C (optional: 0 if the
     * policy's scalars in struct policy are all it keeps).  Called once
     * with C measuring (policy_bytes) and once with the real memory. */
    void (*carve)(struct policy *p, uint32_t nframes, struct carve *c);
    /* Set up for NFRAMES slots (1..POLICY_MAX_FRAMES), all empty; SEED
     * for random.  The arrays are carved and zeroed already. */
    void (*init)(struct policy *p, uint32_t nframes, uint32_t seed);
    /* Page VPN has just been loaded into SLOT (empty, or just vacated):
     * record it in P's VPN (optional: 0 if that is all the policy does,
     * as for CLOCK and random, whose only state is the A bit; then
     * policy_fault_in records it, with no call, on every fault's path). */
    void (*fault_in)(struct policy *p, uint32_t slot, uint32_t vpn);
    /* Choose a slot holding a page to evict.  Usually every slot is full,
     * but the pager may also ask with some empty (to free a frame for
     * another pool).  May clear A bits.  If the eviction then fails, the
     * page stays, evicted() is not called, and victim() may be asked again. */
    uint32_t (*victim)(struct policy *p);
    /* The page VPN in SLOT has gone (evicted, or freed by its owner); its
     * PTE no longer maps it, so its A/D bits must not be read (optional:
     * may be 0). */
    void (*evicted)(struct policy *p, uint32_t slot, uint32_t vpn);
    /* Called on every timer tick (optional: may be 0).  Never while
     * another operation of the same policy is running. */
    void (*tick)(struct policy *p);
};

/* One policy instance.  The union holds each policy's private state:
 * scalars, and pointers into the memory given to policy_init(); only the
 * policy's own file looks inside it. */
struct policy {
    const struct policy_ops *ops;
    const struct pte_bits *bits;
    uint32_t nframes;
    uint32_t *vpn;                      /* page in each slot, POLICY_NO_PAGE if none */
    union {
        struct { uint32_t state; } random;              /* xorshift32, never 0 */
        struct {                                        /* fifo, second_chance */
            /* Slots in load order, a doubly linked list through the slot
             * numbers: head is the oldest, tail the newest. */
            struct ilinks links;
            struct ilist line;
        } queue;
        struct {                                        /* clock, enhanced_clock */
            uint32_t hand;
            /* enhanced_clock only: what it has read of each slot's A and
             * D bits (see enhanced_clock.c), and the slots that may hold
             * a page that is neither used nor dirty. */
            uint8_t *seen;
            struct slotset maybe_clean;
        } clock;
        struct {
            uint8_t  *age;                              /* 8-bit reference history */
            uint32_t *loaded;                           /* load number, breaks ties */
            uint32_t loads;                             /* pages loaded so far */
            uint32_t victims, period;                   /* sample every PERIOD victims */
            uint32_t busy;                              /* a victim since the last tick */
        } aging;
        struct clock_pro {
            /* CLOCK-Pro: resident hot/cold pages plus non-resident "test"
             * (ghost) entries, all on one circular list of at most
             * 2*nframes+1 entries (see clock_pro.c). */
            uint32_t *vpn;
            uint16_t *slot;                             /* 0xFFFF if ghost */
            uint16_t *fwd;                              /* towards newer (hand direction) */
            uint16_t *back;                             /* towards older */
            uint8_t  *state;                            /* unused, hot, cold, test, ghost */
            uint16_t *slot_entry;                       /* clock entry of each slot */
            struct ghosts ghosts;                       /* the GHOST entries by page */
            uint16_t head;                              /* newest entry */
            uint16_t free;                              /* list of unused entries */
            uint16_t hand_hot, hand_cold, hand_test;
            uint16_t pending;                           /* slot faulted in last */
            uint32_t nhot, ncold, nghost, ntest;        /* ncold: resident cold */
            uint32_t cold_target;                       /* adaptive m_c */
            uint32_t cold_min, cold_max;                /* bounds on cold_target */
        } pro;
        struct car {
            /* CAR: two clocks of resident pages (T1 seen once, T2 seen
             * again) and two LRU lists of evicted ones (B1, B2), over one
             * table of 2*nframes entries (see car.c). */
            uint32_t *vpn;                              /* each entry's page */
            uint16_t *slot;                             /* its slot; POLICY_NO_SLOT: a ghost */
            uint8_t  *list;                             /* which list it is on */
            struct ilinks links;                        /* the lists, through the entries */
            uint16_t *slot_entry;                       /* entry of each slot */
            struct ghosts ghosts;                       /* the B1 and B2 entries by page */
            struct ilist l[4];                          /* T1, T2 (head: the hand), B1, B2 */
            uint16_t free;                              /* unused entries, through links.next */
            uint16_t pending;                           /* slot faulted in last */
            uint32_t target;                            /* CAR's p: the size T1 aims at */
        } car;
    } u;
};

/* Look a policy up by name; 0 if there is none.  The list of names, in
 * order, is what policy_name(i) returns for i = 0, 1, ... until 0. */
const struct policy_ops *policy_find(const char *name);
const char *policy_name(int i);

/* Bytes of memory policy OPS needs for NFRAMES slots
 * (1..POLICY_MAX_FRAMES; anything else panics). */
uint32_t policy_bytes(const struct policy_ops *ops, uint32_t nframes);

/* Clear the Accessed bit that the access which faulted in the page of
 * slot *PENDING set, if the slot still holds it, and forget the slot
 * (*PENDING <- POLICY_NO_SLOT).  For policies that want new pages to
 * start unused (see "About the first Accessed bit" above). */
void policy_settle(struct policy *p, uint16_t *pending);

/* Tell P that page VPN has just been loaded into SLOT (the pager and the
 * simulator call this, not ops->fault_in). */
static inline void policy_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    if (p->ops->fault_in) p->ops->fault_in(p, slot, vpn);
    else p->vpn[slot] = vpn;
}

/* Set P up as policy OPS over NFRAMES slots, reading A/D through BITS,
 * keeping its arrays in MEM: policy_bytes(OPS, NFRAMES) bytes, 4-byte
 * aligned, which P uses until it is set up again or MEM is freed. */
void policy_init(struct policy *p, const struct policy_ops *ops,
                 const struct pte_bits *bits, uint32_t nframes, uint32_t seed, void *mem);

#endif
