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
 * The order is a doubly linked list threaded through the slot numbers,
 * so that loading, evicting and choosing all take constant time, and the
 * order stays right whichever slots the pager fills first. */
#include "mm/replace/fifo.h"

#define NIL 0xFFFFu     /* end of the list */

/* Put SLOT at the tail (the newest end) of the load order. */
static void queue_append(struct policy *p, uint32_t slot)
{
    uint16_t s = (uint16_t)slot, t = p->u.queue.tail;
    p->u.queue.prev[s] = t;
    p->u.queue.next[s] = NIL;
    if (t == NIL)
        p->u.queue.head = s;
    else
        p->u.queue.next[t] = s;
    p->u.queue.tail = s;
}

/* Take SLOT out of the load order, wherever it is. */
static void queue_remove(struct policy *p, uint32_t slot)
{
    uint16_t n = p->u.queue.next[slot], v = p->u.queue.prev[slot];
    if (v == NIL) p->u.queue.head = n; else p->u.queue.next[v] = n;
    if (n == NIL) p->u.queue.tail = v; else p->u.queue.prev[n] = v;
}

void fifo_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    (void)nframes, (void)seed;
    p->u.queue.head = p->u.queue.tail = NIL;
}

/* The new page goes to the back of the line.  A slot still holding a page
 * (the pager skipped evicted()) leaves the line first. */
void fifo_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    if (p->vpn[slot] != POLICY_NO_PAGE)
        queue_remove(p, slot);
    p->vpn[slot] = vpn;
    queue_append(p, slot);
}

/* The slot at the head of the line: its page was loaded first. */
static uint32_t fifo_victim(struct policy *p)
{
    return p->u.queue.head;
}

uint32_t fifo_oldest(const struct policy *p)
{
    return p->u.queue.head;
}

void fifo_requeue(struct policy *p, uint32_t slot)
{
    queue_remove(p, slot);
    queue_append(p, slot);
}

void fifo_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    queue_remove(p, slot);
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_fifo = {
    .name = "fifo",
    .init = fifo_init,
    .fault_in = fifo_fault_in,
    .victim = fifo_victim,
    .evicted = fifo_evicted,
    .tick = 0,
};
