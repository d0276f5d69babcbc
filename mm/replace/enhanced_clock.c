/* mm/replace/enhanced_clock.c - CLOCK that prefers clean pages (NRU classes).
 *
 * Evicting a dirty page costs a disk write, evicting a clean one costs
 * nothing (its swap copy is current, or it is all zeros).  The enhanced
 * second-chance algorithm (the Macintosh's; Silberschatz 10.4.5,
 * Stallings 8.2) sorts pages into four classes by (Accessed, Dirty):
 *
 *      (0,0) not used lately, clean   - the best victim
 *      (0,1) not used lately, dirty   - must be written first
 *      (1,0) used lately, clean       - probably needed again soon
 *      (1,1) used lately, dirty       - the worst victim
 *
 * and evicts from the lowest class it finds, sweeping from a hand as
 * CLOCK does:
 *
 *   1. Go once round looking for (0,0); change nothing.
 *   2. Go once round looking for (0,1), clearing A on every page passed,
 *      so that (1,x) pages fall to (0,x).
 *   3. If neither found one, every A is now clear: repeat 1, then 2.
 *
 * Round 3 always succeeds, so a victim takes at most four turns.  The
 * hand stays just past the victim.  Dirty bits are never cleared here:
 * D means "written since it was loaded", which is what decides the write.
 * The price of the preference is that a dirty page may stay resident
 * while clean pages used more recently are evicted, so this policy can
 * fault a little more than CLOCK while writing much less. */
#include "mm/replace/clock.h"

/* Return the slot under the hand and move the hand one slot on. */
static uint32_t advance(struct policy *p)
{
    uint32_t s = p->u.clock.hand;
    p->u.clock.hand = s + 1 == p->nframes ? 0 : s + 1;
    return s;
}

/* Steps 1-3 above: return the first (0,0) page, else the first (0,1)
 * page, each searched from the hand, clearing A in the (0,1) sweeps.
 * Empty slots are passed over. */
static uint32_t nru_victim(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    for (int round = 0; round < 2; round++) {
        for (uint32_t i = 0; i < p->nframes; i++) {
            uint32_t s = advance(p), v = p->vpn[s];
            if (v != POLICY_NO_PAGE && !b->accessed(b->ctx, v, 0) && !b->dirty(b->ctx, v))
                return s;
        }
        for (uint32_t i = 0; i < p->nframes; i++) {
            uint32_t s = advance(p), v = p->vpn[s];
            /* Any A = 0 page here is (0,1): sweep 1 found no (0,0). */
            if (v != POLICY_NO_PAGE && !b->accessed(b->ctx, v, 1))
                return s;
        }
    }
    return advance(p);      /* not reached: round 2 sees every A clear */
}

static void nru_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_enhanced_clock = {
    .name = "enhanced_clock",
    .init = clock_init,
    .fault_in = clock_fault_in,
    .victim = nru_victim,
    .evicted = nru_evicted,
    .tick = 0,
};
