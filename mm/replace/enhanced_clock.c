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
 * fault a little more than CLOCK while writing much less.
 *
 * Cost.  Read literally, step 1 looks at every page whenever no page is
 * (0,0), which is always the case once every resident page has been
 * written: O(nframes) PTE reads per fault.  But a 1 read from A stays 1
 * until this policy clears it, and a 1 read from D stays 1 until the
 * page leaves (policy.h), so the policy remembers them (SEEN_A, SEEN_D)
 * and keeps the slots of which it has seen neither in a set (maybe_clean,
 * slotset.h).  Step 1 then visits only those, in the same order from the
 * hand, and every page it visits either is the victim or leaves the set
 * for good until its A is cleared.  Pages join the set when they are
 * loaded and when step 2 clears their A bit (paid for by the reference
 * that set it), so steps 1 and 2 take constant amortized time, plus a
 * set search, and choose exactly the pages the literal sweeps would. */
#include "mm/replace/clock.h"

#define SEEN_A 1u       /* A read as 1 and not cleared since */
#define SEEN_D 2u       /* D read as 1 */

static void nru_carve(struct policy *p, uint32_t nframes, struct carve *c)
{
    p->u.clock.seen = carve(c, nframes, 1);
    slotset_carve(&p->u.clock.maybe_clean, nframes, c);
}

/* A new page in SLOT: nothing seen of it yet. */
static void nru_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    p->vpn[slot] = vpn;
    p->u.clock.seen[slot] = 0;
    slotset_add(&p->u.clock.maybe_clean, slot);
}

/* Return the slot under the hand and move the hand one slot on. */
static uint32_t advance(struct policy *p)
{
    uint32_t s = p->u.clock.hand;
    p->u.clock.hand = s + 1 == p->nframes ? 0 : s + 1;
    return s;
}

/* Step 1: the first (0,0) page from the hand, or POLICY_NO_PAGE; the
 * hand moves just past it, or (none found) stays.  Only slots in
 * maybe_clean can hold one; each is read once and, if it is not (0,0),
 * leaves the set, so the search from the unmoved hand meets the rest in
 * the order a sweep would. */
static uint32_t find_clean_unused(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    struct slotset *maybe = &p->u.clock.maybe_clean;
    uint32_t s;
    while ((s = slotset_next_round(maybe, p->u.clock.hand)) != SLOTSET_NONE) {
        uint32_t v = p->vpn[s];
        if (b->accessed(b->ctx, v, 0)) {
            p->u.clock.seen[s] |= SEEN_A;
        } else if (b->dirty(b->ctx, v)) {
            p->u.clock.seen[s] |= SEEN_D;
        } else {
            p->u.clock.hand = s + 1 == p->nframes ? 0 : s + 1;
            return s;
        }
        slotset_remove(maybe, s);
    }
    return POLICY_NO_PAGE;
}

/* Steps 1-3 above: return the first (0,0) page, else the first (0,1)
 * page, each searched from the hand, clearing A in the (0,1) sweeps.
 * Empty slots are passed over. */
static uint32_t nru_victim(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    for (int round = 0; round < 2; round++) {
        uint32_t s = find_clean_unused(p);
        if (s != POLICY_NO_PAGE)
            return s;
        for (uint32_t i = 0; i < p->nframes; i++) {
            s = advance(p);
            uint32_t v = p->vpn[s];
            if (v == POLICY_NO_PAGE)
                continue;
            /* Any A = 0 page here is (0,1): step 1 found no (0,0). */
            if (!b->accessed(b->ctx, v, 1))
                return s;
            p->u.clock.seen[s] &= (uint8_t)~SEEN_A;
            if (!(p->u.clock.seen[s] & SEEN_D))
                slotset_add(&p->u.clock.maybe_clean, s);
        }
    }
    return advance(p);      /* not reached: round 2 sees every A clear */
}

static void nru_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    p->vpn[slot] = POLICY_NO_PAGE;
    p->u.clock.seen[slot] = 0;
    slotset_remove(&p->u.clock.maybe_clean, slot);
}

const struct policy_ops policy_enhanced_clock = {
    .name = "enhanced_clock",
    .carve = nru_carve,
    .init = clock_init,
    .fault_in = nru_fault_in,
    .victim = nru_victim,
    .evicted = nru_evicted,
    .tick = 0,
};
