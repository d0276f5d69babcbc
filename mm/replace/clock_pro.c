/* mm/replace/clock_pro.c - CLOCK-Pro: CLOCK that measures reuse distance.
 *
 * CLOCK (clock.c) keeps the pages used most recently.  That fails on a
 * loop over more pages than memory: each page is evicted just before its
 * next use, and every reference faults.  CLOCK-Pro (Song Jiang, Feng
 * Chen and Xiaodong Zhang, USENIX ATC 2005) ranks pages instead by their
 * reuse distance, how much else is touched between two uses of a page,
 * and keeps the pages whose reuse distance is short, even if they were
 * not used the most recently.
 *
 *   hot pages   have shown a short reuse distance; they are never evicted
 *               directly, only demoted to cold when they stop being used.
 *   cold pages  are the rest of memory.  Only they are evicted.  A cold
 *               page spends a "test period" after it is loaded or used;
 *               if it is used again inside the test period, its reuse
 *               distance is shorter than that of the least used hot page,
 *               and it becomes hot.
 *   ghosts      are cold pages evicted during their test period: the page
 *               is gone but its entry stays (a few bytes, no frame) until
 *               the test period ends.  A fault on a ghost means the page
 *               came back quickly: it comes in hot.  At most NFRAMES
 *               ghosts are kept.
 *
 * All entries sit on one circular list in the order they were last
 * moved to its head (newest at the head).  Three hands sweep it from the
 * oldest entry towards the newest, each stopping only at its kind:
 *
 *   hand_cold  finds a victim.  A cold page with A = 0 is evicted (and
 *              left as a ghost if in its test period).  A cold page with
 *              A = 1 is moved to the head, hot if it was in its test
 *              period, else cold with a new test period.
 *   hand_hot   demotes.  A hot page with A = 1 is moved to the head with
 *              A cleared; the first with A = 0 becomes cold.  On its way
 *              it ends the test period of every cold entry it passes:
 *              they are older than the oldest hot page, so a use now
 *              would no longer prove a shorter reuse distance.
 *   hand_test  ends test periods (and drops ghosts) when there are too
 *              many ghosts.
 *
 * The split of memory between hot and cold adapts: the cold target m_c
 * (cold_target) grows by one each time a page is reused inside its test
 * period (a sign that more cold memory would have kept it) and shrinks by
 * one each time a test period ends unused.  Hot pages may fill what the
 * cold target leaves; promoting a page beyond that runs hand_hot first.
 *
 * Start-up, as in the authors' reference code: while fewer pages are
 * hot than memory allows beside the cold target, a new page comes in
 * hot.  On a loop larger than memory this is what makes CLOCK-Pro nearly
 * optimal: the first pages fill the hot set and keep it, and the rest of
 * the loop streams through the cold pages (the `scan` workload with 50
 * frames of 100: 610 faults, OPT 600, CLOCK 1100).  The price: hot pages
 * are demoted only when another page is promoted, so start-up pages that
 * are never used again can hold memory for a long time (a 100-page loop
 * started after 300 other pages: 1400 faults with 50 frames, as many as
 * CLOCK, where letting every page in cold gives 1057; OPT 900).  Over the
 * eight workloads the start-up rule is the better bet (geometric mean of
 * faults/OPT 1.40 against 1.52 at 10/25/50/75/90 frames).
 *
 * The first Accessed bit.  The access that faulted a page in sets its A
 * bit after fault_in() returns, but CLOCK-Pro wants a new page to count
 * as unused until it is used again.  So the slot loaded last is
 * "pending", and at the next fault (the next call into this policy) its
 * A bit is cleared before any hand looks at it: every access between a
 * page's fault and the next fault counts as one use, as consecutive
 * references to one page count as one in a reference string.
 *
 * The price: a use between the fault and the next fault is not seen.
 *
 * Costs.  Every hand step is constant work; like CLOCK's hand, a search
 * may pass many entries, but each used page it passes loses its A bit,
 * so it is not passed again for nothing.  A faulting page is looked up
 * among the ghosts in a hash table (ghost.h), in constant expected time.
 * Entries are array elements linked by index, in memory the caller
 * gives policy_init(), so nothing is allocated. */
#include "mm/replace/policy.h"

#define NIL 0xFFFFu     /* no entry, no slot */

/* Entry states.  Resident: HOT, COLD, TEST.  In a test period: TEST, GHOST. */
enum { UNUSED, HOT, COLD, TEST, GHOST };

static int resident_cold(uint8_t st) { return st == COLD || st == TEST; }
static int in_test(uint8_t st)       { return st == TEST || st == GHOST; }

/* Add D to the counters of state ST. */
static void count(struct clock_pro *c, uint8_t st, int d)
{
    if (st == HOT)            c->nhot += d;
    if (resident_cold(st))    c->ncold += d;
    if (st == GHOST)          c->nghost += d;
    if (in_test(st))          c->ntest += d;
}

/* Every change of state comes here, so that the counters and the hash
 * table of ghosts follow it. */
static void set_state(struct clock_pro *c, uint32_t e, uint8_t st)
{
    if (c->state[e] == GHOST) ghosts_remove(&c->ghosts, e);
    count(c, c->state[e], -1);
    c->state[e] = st;
    count(c, st, +1);
    if (st == GHOST) ghosts_add(&c->ghosts, e);
}

/* Take entry E off the circle.  A hand on E moves on to the next newer
 * entry, as if it had just passed E. */
static void unlink_entry(struct clock_pro *c, uint32_t e)
{
    uint16_t f = c->fwd[e], b = c->back[e];
    if (f == e) {                       /* the only entry */
        c->head = c->hand_hot = c->hand_cold = c->hand_test = NIL;
        return;
    }
    c->fwd[b] = f;
    c->back[f] = b;
    if (c->head == e)      c->head = b;
    if (c->hand_hot == e)  c->hand_hot = f;
    if (c->hand_cold == e) c->hand_cold = f;
    if (c->hand_test == e) c->hand_test = f;
}

/* Make E the newest entry on the circle, in state ST.  E may be on the
 * circle already or come from the unused list. */
static void push_head(struct clock_pro *c, uint32_t e, uint8_t st)
{
    if (c->state[e] != UNUSED)
        unlink_entry(c, e);
    if (c->head == NIL) {
        c->fwd[e] = c->back[e] = (uint16_t)e;
    } else {                            /* between the newest and the oldest */
        uint16_t h = c->head, oldest = c->fwd[h];
        c->fwd[h] = (uint16_t)e;
        c->back[e] = h;
        c->fwd[e] = oldest;
        c->back[oldest] = (uint16_t)e;
    }
    c->head = (uint16_t)e;
    set_state(c, e, st);
}

/* Take E off the circle for good and return it to the unused list. */
static void drop_entry(struct clock_pro *c, uint32_t e)
{
    unlink_entry(c, e);
    if (c->slot[e] != NIL)
        c->slot_entry[c->slot[e]] = NIL;
    c->slot[e] = NIL;
    set_state(c, e, UNUSED);
    c->fwd[e] = c->free;
    c->free = (uint16_t)e;
}

/* The page of entry E has been used since A was last cleared.  Clears A
 * if CLEAR. */
static int referenced(struct policy *p, uint32_t e, int clear)
{
    return p->bits->accessed(p->bits->ctx, p->u.pro.vpn[e], clear);
}

static void adjust_target(struct clock_pro *c, int d)
{
    if (d > 0 && c->cold_target < c->cold_max) c->cold_target++;
    if (d < 0 && c->cold_target > c->cold_min) c->cold_target--;
}

/* End E's test period if it is in one: a resident page stays cold, a
 * ghost is forgotten.  The cold target grows if the page was used during
 * the period, else shrinks. */
static void end_test(struct policy *p, uint32_t e)
{
    struct clock_pro *c = &p->u.pro;
    if (c->state[e] == TEST) {
        set_state(c, e, COLD);
        adjust_target(c, referenced(p, e, 0) ? +1 : -1);
    } else if (c->state[e] == GHOST) {
        drop_entry(c, e);
        adjust_target(c, -1);
    }
}

static void next_hand_test(struct clock_pro *c)
{
    if (c->ntest == 0) {
        c->hand_test = NIL;
        return;
    }
    if (c->hand_test == NIL)
        c->hand_test = c->hand_hot != NIL ? c->hand_hot : c->fwd[c->head];
    while (!in_test(c->state[c->hand_test]))
        c->hand_test = c->fwd[c->hand_test];
}

static void next_hand_cold(struct clock_pro *c)
{
    if (c->ncold == 0) {
        c->hand_cold = NIL;
        return;
    }
    if (c->hand_cold == NIL)
        c->hand_cold = c->fwd[c->head];
    while (!resident_cold(c->state[c->hand_cold]))
        c->hand_cold = c->fwd[c->hand_cold];
}

/* Move hand_hot forward to the next hot page, ending the test period of
 * every cold entry it passes (hand_test would reach them later anyway). */
static void next_hand_hot(struct policy *p)
{
    struct clock_pro *c = &p->u.pro;
    if (c->nhot == 0) {
        c->hand_hot = NIL;
    } else {
        if (c->hand_hot == NIL)
            c->hand_hot = c->fwd[c->head];
        while (c->state[c->hand_hot] != HOT) {
            uint32_t e = c->hand_hot;
            c->hand_hot = c->fwd[e];
            end_test(p, e);
        }
    }
    next_hand_test(c);
}

/* Run hand_hot until it demotes one hot page to cold or reaches entry
 * TRIGGER (NIL: no limit).  Hot pages used since the hand last passed go
 * to the head with A cleared.  Returns 1 if a page was demoted, 0 if the
 * hand reached TRIGGER first: every hot page between was in use, so
 * TRIGGER's reuse distance is no shorter than theirs. */
static int run_hot(struct policy *p, uint32_t trigger)
{
    struct clock_pro *c = &p->u.pro;
    int demoted = 0;
    if (c->hand_hot == NIL)
        return 0;
    while (c->hand_hot != trigger) {
        uint32_t e = c->hand_hot;
        if (c->state[e] == HOT) {
            if (!referenced(p, e, 1)) {
                push_head(c, e, COLD);
                demoted = 1;
                break;
            }
            push_head(c, e, HOT);
        } else {
            c->hand_hot = c->fwd[e];
            end_test(p, e);
        }
    }
    next_hand_hot(p);
    return demoted;
}

/* Entry E (a cold page or ghost in its test period) has been used again:
 * may it become hot?  Grows the cold target, then demotes hot pages until
 * the hot pages fit beside it.  Returns 0 if hand_hot reached E first (no
 * hot page older than E was left to demote): E's test period has then
 * ended, and if E was a ghost it is gone (its state is UNUSED).  Also 0
 * if there are no hot pages to demote (nframes = 1). */
static int promote_ok(struct policy *p, uint32_t e)
{
    struct clock_pro *c = &p->u.pro;
    adjust_target(c, +1);
    while (in_test(c->state[e])) {
        if (c->nhot < p->nframes - c->cold_target)
            return 1;
        if (!run_hot(p, e))
            return 0;
    }
    return 0;
}

/* One step of hand_cold.  Returns the slot of the page under the hand if
 * it is unused: the victim (the hand stays on it until evicted() says
 * it has gone, so a failed eviction just picks it again).  Returns NIL if
 * the page was in use and has been moved to the head. */
static uint32_t run_cold(struct policy *p)
{
    struct clock_pro *c = &p->u.pro;
    next_hand_cold(c);
    if (c->hand_cold == NIL)            /* every page is hot: cannot */
        run_hot(p, NIL);                /* happen, but demote one if so */
    next_hand_cold(c);
    uint32_t e = c->hand_cold;
    if (referenced(p, e, 1)) {
        if (c->state[e] == TEST && promote_ok(p, e))
            push_head(c, e, HOT);
        else
            push_head(c, e, TEST);
        return NIL;
    }
    return c->slot[e];
}

/* Ends test periods at hand_test until one ghost is forgotten. */
static void run_test(struct policy *p)
{
    struct clock_pro *c = &p->u.pro;
    uint32_t before = c->nghost;
    next_hand_test(c);
    while (c->hand_test != NIL && c->nghost == before) {
        end_test(p, c->hand_test);
        next_hand_test(c);
    }
}

/* Put every hand back on an entry of its kind. */
static void organize(struct policy *p)
{
    next_hand_cold(&p->u.pro);
    next_hand_hot(p);           /* and hand_test */
}

/* Clear the A bit that the access which faulted the last page in set
 * (see "The first Accessed bit" above). */
static void settle(struct policy *p)
{
    policy_settle(p, &p->u.pro.pending);
}

/* 2 * nframes + 1 entries: nframes resident pages, nframes ghosts, and
 * one for the page coming in before hand_test drops a ghost. */
static void pro_carve(struct policy *p, uint32_t nframes, struct carve *m)
{
    struct clock_pro *c = &p->u.pro;
    uint32_t n = 2 * nframes + 1;
    c->vpn = carve(m, n, 4);
    c->slot = carve(m, n, 2);
    c->fwd = carve(m, n, 2);
    c->back = carve(m, n, 2);
    c->state = carve(m, n, 1);
    c->slot_entry = carve(m, nframes, 2);
    ghosts_carve(&c->ghosts, n, nframes + 1, m);
}

static void pro_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    struct clock_pro *c = &p->u.pro;
    (void)seed;
    uint32_t n = 2 * nframes + 1;
    ghosts_init(&c->ghosts, c->vpn);
    for (uint32_t e = 0; e < n; e++) {
        c->state[e] = UNUSED;
        c->slot[e] = NIL;
        c->fwd[e] = e + 1 < n ? (uint16_t)(e + 1) : NIL;
    }
    c->free = 0;
    for (uint32_t s = 0; s < nframes; s++)
        c->slot_entry[s] = NIL;
    c->head = c->hand_hot = c->hand_cold = c->hand_test = c->pending = NIL;
    c->nhot = c->ncold = c->nghost = c->ntest = 0;
    c->cold_min = nframes / 100 > 1 ? nframes / 100 : 1;
    c->cold_max = nframes > c->cold_min ? nframes - c->cold_min : c->cold_min;
    c->cold_target = c->cold_min;
}

/* Return an unused entry.  There is always one after at most a few
 * test periods end: the 2*nframes+1 entries hold at most nframes
 * resident pages, so with none free most of them are ghosts. */
static uint32_t alloc_entry(struct policy *p)
{
    struct clock_pro *c = &p->u.pro;
    while (c->free == NIL)
        run_test(p);
    uint32_t e = c->free;
    c->free = c->fwd[e];
    return e;
}

/* VPN has come into SLOT.  A page with a ghost entry has come back
 * during its test period: it becomes hot (if hand_hot can make room).
 * Any other page starts cold, in a test period. */
static void pro_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    struct clock_pro *c = &p->u.pro;
    settle(p);
    if (c->slot_entry[slot] != NIL)     /* the pager did not call evicted() */
        drop_entry(c, c->slot_entry[slot]);
    p->vpn[slot] = vpn;

    uint32_t e = ghosts_find(&c->ghosts, vpn);
    if (e != NIL) {
        if (promote_ok(p, e)) {
            push_head(c, e, HOT);
        } else {
            if (c->state[e] == UNUSED)  /* hand_hot ended its test */
                e = alloc_entry(p);
            push_head(c, e, TEST);
        }
    } else {
        /* While memory has room for more hot pages than it holds, a new
         * page comes in hot (the paper's start-up rule). */
        e = alloc_entry(p);
        push_head(c, e, c->nhot < p->nframes - c->cold_target ? HOT : TEST);
    }
    c->vpn[e] = vpn;
    c->slot[e] = (uint16_t)slot;
    c->slot_entry[slot] = (uint16_t)e;
    c->pending = (uint16_t)slot;

    while (c->nghost > p->nframes)
        run_test(p);
    organize(p);
}

/* Run hand_cold until it finds an unused cold page; return its slot. */
static uint32_t pro_victim(struct policy *p)
{
    settle(p);
    uint32_t slot;
    while ((slot = run_cold(p)) == NIL)
        ;
    organize(p);
    return slot;
}

/* The page in SLOT is gone: a cold page in its test period stays as a
 * ghost, any other is forgotten.  The page's PTE no longer maps it, so
 * no A or D bit of it may be read here. */
static void pro_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    struct clock_pro *c = &p->u.pro;
    uint32_t e = c->slot_entry[slot];
    (void)vpn;
    if (e != NIL) {
        if (c->state[e] == TEST) {
            set_state(c, e, GHOST);
            c->slot[e] = NIL;
            c->slot_entry[slot] = NIL;
        } else {
            drop_entry(c, e);
        }
        organize(p);
    }
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_clock_pro = {
    .name = "clock_pro",
    .carve = pro_carve,
    .init = pro_init,
    .fault_in = pro_fault_in,
    .victim = pro_victim,
    .evicted = pro_evicted,
    .tick = 0,
};
