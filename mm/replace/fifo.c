/* mm/replace/fifo.c - first in, first out: evict the page loaded longest ago.
 *
 * FIFO keeps the slots in the order their pages came in and always
 * evicts the oldest, however busy it is; it never looks at the Accessed
 * bit.  It is cheap and easy to reason about, and it is the policy that
 * shows Belady's anomaly: on the string 1 2 3 4 1 2 5 1 2 3 4 5 it takes
 * 9 faults with 3 frames but 10 with 4 (tests/host/test_replace.c).
 * LRU and OPT cannot do that, because the pages they keep in k frames are
 * always among those they would keep in k+1 (they are "stack algorithms").
 *
 * The order is a doubly linked list threaded through the slot numbers
 * (ilist.h), so that loading, evicting and choosing all take constant
 * time, and the order stays right whichever slots the pager fills first. */
#include "mm/replace/fifo.h"

void fifo_carve(struct policy *p, uint32_t nframes, struct carve *c)
{
    p->u.queue.links.next = carve(c, nframes, 2);
    p->u.queue.links.prev = carve(c, nframes, 2);
}

void fifo_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    (void)nframes, (void)seed;
    ilist_init(&p->u.queue.line);
}

/* The new page goes to the back of the line.  A slot still holding a page
 * (the pager skipped evicted()) leaves the line first. */
void fifo_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    if (p->vpn[slot] != POLICY_NO_PAGE)
        ilist_remove(&p->u.queue.line, &p->u.queue.links, slot);
    p->vpn[slot] = vpn;
    ilist_append(&p->u.queue.line, &p->u.queue.links, slot);
}

/* The slot at the head of the line: its page was loaded first. */
static uint32_t fifo_victim(struct policy *p)
{
    return p->u.queue.line.head;
}

uint32_t fifo_oldest(const struct policy *p)
{
    return p->u.queue.line.head;
}

void fifo_requeue(struct policy *p, uint32_t slot)
{
    ilist_remove(&p->u.queue.line, &p->u.queue.links, slot);
    ilist_append(&p->u.queue.line, &p->u.queue.links, slot);
}

void fifo_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    ilist_remove(&p->u.queue.line, &p->u.queue.links, slot);
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_fifo = {
    .name = "fifo",
    .carve = fifo_carve,
    .init = fifo_init,
    .fault_in = fifo_fault_in,
    .victim = fifo_victim,
    .evicted = fifo_evicted,
    .tick = 0,
};
