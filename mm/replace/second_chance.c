/* mm/replace/second_chance.c - FIFO that spares pages used since their last look.
 *
 * Second chance keeps FIFO's line of pages in load order, but before
 * evicting the page at the head it looks at its Accessed bit.  If the
 * page has been used (A = 1), it clears A and sends the page to the back
 * of the line as if it had just been loaded: it gets a second chance.
 * The first page found with A = 0 is evicted.  If every page was used,
 * the head comes round again with A now clear, so the search always ends
 * (and degenerates to FIFO).
 *
 * The access that faulted a page in sets its A bit (policy.h), so a new
 * page starts out with its chance already earned, as in the textbooks.
 *
 * CLOCK (clock.c) makes exactly the same decisions: it leaves the pages
 * where they are and moves a hand round them instead of moving pages to
 * the back of a line.  The line itself is FIFO's (fifo.h). */
#include "mm/replace/fifo.h"

/* Send used pages from the head to the back (clearing A) until the head
 * is a page not used since it was last looked at; return its slot.
 * Takes at most nframes + 1 looks. */
static uint32_t sc_victim(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    for (;;) {
        uint32_t s = fifo_oldest(p);
        if (!b->accessed(b->ctx, p->vpn[s], 1))
            return s;
        fifo_requeue(p, s);
    }
}

const struct policy_ops policy_second_chance = {
    .name = "second_chance",
    .carve = fifo_carve,
    .init = fifo_init,
    .fault_in = fifo_fault_in,
    .victim = sc_victim,
    .evicted = fifo_evicted,
    .tick = 0,
};
