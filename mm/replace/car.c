/* mm/replace/car.c - CAR: CLOCK with Adaptive Replacement.
 *
 * CLOCK keeps the pages used most recently; a page used once long ago
 * and a page used a hundred times look the same to it once their A bits
 * are clear, and one pass over a large file pushes everything out.
 * ARC (Megiddo and Modha, FAST 2003) keeps two lists, pages seen once
 * lately and pages seen at least twice, and moves the boundary between
 * them by watching which list its recently evicted pages come back to.
 * CAR (Sorav Bansal and Dharmendra Modha, "CAR: Clock with Adaptive
 * Replacement", FAST 2004) is ARC with each resident list turned into a
 * CLOCK, so that a hit costs nothing but the hardware setting A: exactly
 * what a pager that sees only A and D bits can do.
 *
 *   T1   resident pages seen once lately: a clock (head = the hand)
 *   T2   resident pages seen at least twice lately: a clock
 *   B1   pages recently evicted from T1: their page numbers only (ghosts)
 *   B2   pages recently evicted from T2: ghosts
 *
 * A new page joins the tail of T1 with its reference bit clear.  A page
 * whose ghost is in B1 or B2 comes back into T2: it has been seen twice.
 * The target size of T1, p (TARGET here), adapts: a hit in B1 says T1
 * was too small and raises p by max(1, |B2|/|B1|); a hit in B2 lowers
 * it by max(1, |B1|/|B2|).  To evict (the paper's replace()):
 *
 *   while no victim:
 *     if |T1| >= max(1, p):  look at the head of T1: unused (A = 0) is
 *                            the victim, to B1; used: clear A and move
 *                            it to the tail of T2 (seen again)
 *     else:                  look at the head of T2: unused is the
 *                            victim, to B2; used: clear A, to T2's tail
 *
 * The directory holds at most 2 * nframes pages: before a new page (no
 * ghost) comes in, the oldest ghost of B1 goes if |T1| + |B1| has
 * reached nframes, else the oldest of B2 if all four lists hold
 * 2 * nframes.  The paper's Figure 2 is followed line for line, with
 * three differences that the pager's interface makes:
 *
 *   - victim() does not move the victim: it stays at the head of its
 *     clock until evicted() says it has gone (an eviction may fail, and
 *     victim() be asked again), and evicted() makes it a ghost.  A page
 *     freed by its owner becomes a ghost the same way.
 *   - the directory is trimmed when the new page arrives (fault_in), not
 *     in the same call as the eviction; the lists are the same then.
 *   - "reference bit clear" for a new page: the access that faulted it
 *     in sets A after fault_in() returns, so the slot is "pending" and
 *     its A is cleared at the next call into the policy (policy_settle);
 *     a use of the page between its fault and the next fault is lost, as
 *     in clock_pro.c.
 *
 * Costs.  Each look at a clock head either finds the victim or clears an
 * A bit that a reference set, so a search takes constant amortized time;
 * ghosts are found through a hash table (ghost.h); lists are ilists over
 * one table of entries.  Nothing is allocated. */
#include "mm/replace/policy.h"
#include "kernel/panic.h"

#define NIL 0xFFFFu
enum { T1, T2, B1, B2, FREE };

/* 2 * nframes entries: the directory never holds more (see above). */
static void car_carve(struct policy *p, uint32_t nframes, struct carve *m)
{
    struct car *c = &p->u.car;
    uint32_t n = 2 * nframes;
    c->vpn = carve(m, n, 4);
    c->slot = carve(m, n, 2);
    c->list = carve(m, n, 1);
    c->links.next = carve(m, n, 2);
    c->links.prev = carve(m, n, 2);
    c->slot_entry = carve(m, nframes, 2);
    ghosts_carve(&c->ghosts, n, nframes + 1, m);
}

static void car_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    struct car *c = &p->u.car;
    uint32_t n = 2 * nframes;
    (void)seed;
    for (int k = 0; k < 4; k++)
        ilist_init(&c->l[k]);
    for (uint32_t e = 0; e < n; e++) {
        c->list[e] = FREE;
        c->links.next[e] = e + 1 < n ? (uint16_t)(e + 1) : NIL;
    }
    for (uint32_t s = 0; s < nframes; s++)
        c->slot_entry[s] = NIL;
    ghosts_init(&c->ghosts, c->vpn);
    c->free = 0;
    c->pending = POLICY_NO_SLOT;
    c->target = 0;
}

/* Put entry E at the tail of list L (taking it off its list first).
 * The hash table of ghosts follows: B1 and B2 entries are in it. */
static void move(struct car *c, uint32_t e, uint8_t l)
{
    uint8_t from = c->list[e];
    if (from != FREE)
        ilist_remove(&c->l[from], &c->links, e);
    if ((from == B1 || from == B2) && l != B1 && l != B2)
        ghosts_remove(&c->ghosts, e);
    if ((l == B1 || l == B2) && from != B1 && from != B2)
        ghosts_add(&c->ghosts, e);
    c->list[e] = l;
    ilist_append(&c->l[l], &c->links, e);
}

/* Take entry E off its list and give it back to the unused ones. */
static void forget(struct car *c, uint32_t e)
{
    uint8_t from = c->list[e];
    ilist_remove(&c->l[from], &c->links, e);
    if (from == B1 || from == B2)
        ghosts_remove(&c->ghosts, e);
    if (c->slot[e] != POLICY_NO_SLOT)
        c->slot_entry[c->slot[e]] = NIL;
    c->list[e] = FREE;
    c->links.next[e] = c->free;
    c->free = (uint16_t)e;
}

/* The paper's replace(), without the demotion (evicted() does that):
 * return the slot of the first unused page at the head of T1 (while T1
 * is at least its target) or of T2, moving used heads to T2's tail with
 * A cleared. */
static uint32_t car_victim(struct policy *p)
{
    struct car *c = &p->u.car;
    policy_settle(p, &c->pending);
    if (c->l[T1].len + c->l[T2].len == 0)
        panic("car_victim: no resident page to choose");
    for (;;) {
        uint32_t min = c->target > 1 ? c->target : 1;
        uint8_t from = c->l[T1].len >= min || c->l[T2].len == 0 ? T1 : T2;
        uint32_t e = c->l[from].head;
        if (!p->bits->accessed(p->bits->ctx, c->vpn[e], 1))
            return c->slot[e];
        move(c, e, T2);
    }
}

/* The page in SLOT has gone: it is remembered in B1 if it came from T1,
 * in B2 if from T2, as the most recent ghost. */
static void car_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    struct car *c = &p->u.car;
    uint32_t e = c->slot_entry[slot];
    (void)vpn;
    if (e != NIL) {
        move(c, e, c->list[e] == T1 ? B1 : B2);
        c->slot[e] = POLICY_NO_SLOT;
        c->slot_entry[slot] = NIL;
    }
    p->vpn[slot] = POLICY_NO_PAGE;
}

/* Room in the directory for a page it does not hold: drop the oldest
 * ghost of B1 if T1 and B1 fill the frames, else the oldest of B2 if
 * the directory is full (B1's if B2 is empty). */
static void trim(struct car *c, uint32_t nframes)
{
    uint32_t total = c->l[T1].len + c->l[T2].len + c->l[B1].len + c->l[B2].len;
    if (c->l[T1].len + c->l[B1].len >= nframes && c->l[B1].len)
        forget(c, c->l[B1].head);
    else if (total >= 2 * nframes)
        forget(c, c->l[c->l[B2].len ? B2 : B1].head);
}

/* VPN has come into SLOT: back from B1 or B2 into T2, adapting the
 * target, or new, at the tail of T1. */
static void car_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    struct car *c = &p->u.car;
    policy_settle(p, &c->pending);
    if (c->slot_entry[slot] != NIL)         /* the pager did not call evicted() */
        forget(c, c->slot_entry[slot]);
    uint32_t e = ghosts_find(&c->ghosts, vpn);
    if (e != NIL) {
        uint32_t b1 = c->l[B1].len, b2 = c->l[B2].len;
        if (c->list[e] == B1) {
            uint32_t up = b2 / b1 > 1 ? b2 / b1 : 1;
            c->target = c->target + up < p->nframes ? c->target + up : p->nframes;
        } else {
            uint32_t down = b1 / b2 > 1 ? b1 / b2 : 1;
            c->target = c->target > down ? c->target - down : 0;
        }
        move(c, e, T2);
    } else {
        trim(c, p->nframes);
        e = c->free;
        if (e == NIL)
            panic("car_fault_in: directory full after trim (T1 %u T2 %u B1 %u B2 %u)",
                  c->l[T1].len, c->l[T2].len, c->l[B1].len, c->l[B2].len);
        c->free = c->links.next[e];
        c->vpn[e] = vpn;
        c->list[e] = FREE;
        move(c, e, T1);
    }
    c->slot[e] = (uint16_t)slot;
    c->slot_entry[slot] = (uint16_t)e;
    p->vpn[slot] = vpn;
    c->pending = (uint16_t)slot;
}

const struct policy_ops policy_car = {
    .name = "car",
    .carve = car_carve,
    .init = car_init,
    .fault_in = car_fault_in,
    .victim = car_victim,
    .evicted = car_evicted,
    .tick = 0,
};
