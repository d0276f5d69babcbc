/* mm/replace/clock.c - CLOCK: second chance with a hand instead of a queue.
 *
 * Picture the slots 0 .. nframes-1 round a clock face with one hand
 * pointing at a slot.  To find a victim, look at the page under the
 * hand: if its Accessed bit is set, the page was used since the hand
 * last passed, so clear A (sparing it for one more turn) and move on; if
 * A is clear, that page is the victim.  Either way the hand moves one
 * slot forward, so the page that replaces the victim sits just behind
 * the hand, the last to be looked at again.  A is the only "reference
 * bit" CLOCK needs, and the hardware sets it for free; the cost of a
 * sweep is a PTE read (and on a set bit a write and an invlpg) per slot.
 *
 * CLOCK evicts exactly the pages second chance (second_chance.c) would:
 * passing a used page with the hand is the same as moving it to the back
 * of the line.  Its weakness shows on a loop over more pages than
 * memory: every page is used once per lap and evicted just before it is
 * needed again, so every reference faults, like FIFO and LRU
 * (clock_pro.c does better). */
#include "mm/replace/clock.h"

void clock_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    (void)nframes, (void)seed;
    p->u.clock.hand = 0;
}

/* Sweep from the hand, clearing A on used pages, to the first unused
 * one; leave the hand just past it and return its slot.  Empty slots
 * are passed over.  Takes at most nframes + 1 looks: after one full turn
 * every A is clear. */
static uint32_t clock_victim(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    for (;;) {
        uint32_t s = p->u.clock.hand;
        p->u.clock.hand = s + 1 == p->nframes ? 0 : s + 1;
        if (p->vpn[s] != POLICY_NO_PAGE && !b->accessed(b->ctx, p->vpn[s], 1))
            return s;
    }
}

static void clock_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_clock = {
    .name = "clock",
    .init = clock_init,
    .fault_in = 0,                          /* policy_fault_in records the page */
    .victim = clock_victim,
    .evicted = clock_evicted,
    .tick = 0,
};
