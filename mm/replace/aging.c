/* mm/replace/aging.c - aging: an 8-bit history of use per page, LRU-like.
 *
 * Each resident page has an 8-bit counter, its age.  Now and then the
 * policy samples every page's Accessed bit: it shifts the counter one
 * place right, puts A into the top bit and clears A.
 *
 *      age = age >> 1 | A << 7
 *
 * So the counter is the page's use over the last eight samples, newest
 * in the top bit, and read as a number it ranks pages by how recently
 * they were used: a page used in the last interval (1xxxxxxx) beats
 * every page that was not (0xxxxxxx), whatever they did before.  The
 * victim is the page with the smallest age (Tanenbaum, Modern Operating
 * Systems 3.4.7); an A bit set since the last sample counts above all
 * eight history bits (the key is A:age, nine bits), because that use is
 * the most recent of all.  Ties go to the page loaded longest ago, which
 * makes the choice deterministic and FIFO among equals.
 *
 * When to sample.  Eight bits remember eight intervals, so the interval
 * decides what "recently" means.  If it is much shorter than the time a
 * page stays in memory, most pages show age 0 and aging degenerates to
 * FIFO (sampling at every victim did exactly that on the hot/cold string
 * of tests/host/test_replace.c: 3245 faults, FIFO 3322, LRU 1873; as
 * below, 1904).  So:
 *
 *   - under memory pressure time is counted in evictions: one sample
 *     every nframes/8 victims, so that the eight samples span about one
 *     turnover of memory, the lifetime of an unused page;
 *   - without pressure (no victim since the last timer tick), tick()
 *     samples, 100 times a second, so that the history is current when
 *     pressure starts.
 *
 * A new page starts at age 0 with its A bit set by the access that
 * faulted it in, so until the next sample it ranks as just used.
 *
 * Cost.  Choosing a victim compares every resident page: O(nframes) per
 * fault.  (A sample touches every page too, but once per nframes/8
 * victims, so that part is constant per fault.)  This is the textbook
 * algorithm and is kept as such: the victim is the minimum of a key
 * whose top bit the hardware sets behind the policy's back.  It could be
 * made cheaper, since a 1 read from A stays 1 until the next sample
 * (policy.h): keep the pages in lists by age, in load order, and read A
 * only from the front of the lowest lists until a 0 turns up.  Real
 * kernels that age pages do the sampling in the background and keep the
 * fault path short instead. */
#include "mm/replace/policy.h"

static void aging_carve(struct policy *p, uint32_t nframes, struct carve *c)
{
    p->u.aging.age = carve(c, nframes, 1);
    p->u.aging.loaded = carve(c, nframes, 4);
}

static void aging_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    (void)seed;
    p->u.aging.loads = 0;
    p->u.aging.victims = 0;
    p->u.aging.period = nframes / 8 ? nframes / 8 : 1;
    p->u.aging.busy = 0;
}

static void aging_fault_in(struct policy *p, uint32_t slot, uint32_t vpn)
{
    p->vpn[slot] = vpn;
    p->u.aging.age[slot] = 0;
    p->u.aging.loaded[slot] = p->u.aging.loads++;
}

/* Shift every resident page's A bit into its age and clear A. */
static void sample(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    for (uint32_t s = 0; s < p->nframes; s++) {
        if (p->vpn[s] == POLICY_NO_PAGE)
            continue;
        int a = b->accessed(b->ctx, p->vpn[s], 1);
        p->u.aging.age[s] = (uint8_t)(p->u.aging.age[s] >> 1 | (a ? 0x80 : 0));
    }
}

/* Sample if this is the period-th victim since the last sample; return
 * the occupied slot with the smallest A:age, among equals the one loaded
 * first.
 * Load numbers are compared by their distance back from the current
 * one, so wrapping at 2^32 does no harm. */
static uint32_t aging_victim(struct policy *p)
{
    const struct pte_bits *b = p->bits;
    p->u.aging.busy = 1;
    if (++p->u.aging.victims >= p->u.aging.period) {
        p->u.aging.victims = 0;
        sample(p);
    }
    uint32_t best = POLICY_NO_PAGE, best_key = 0, best_back = 0;
    for (uint32_t s = 0; s < p->nframes; s++) {
        if (p->vpn[s] == POLICY_NO_PAGE)
            continue;
        uint32_t key = (b->accessed(b->ctx, p->vpn[s], 0) ? 0x100u : 0) | p->u.aging.age[s];
        uint32_t back = p->u.aging.loads - p->u.aging.loaded[s];
        if (best == POLICY_NO_PAGE || key < best_key || (key == best_key && back > best_back)) {
            best = s;
            best_key = key;
            best_back = back;
        }
    }
    return best;
}

/* The timer samples only while no victims are being chosen. */
static void aging_tick(struct policy *p)
{
    if (!p->u.aging.busy)
        sample(p);
    p->u.aging.busy = 0;
}

static void aging_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_aging = {
    .name = "aging",
    .carve = aging_carve,
    .init = aging_init,
    .fault_in = aging_fault_in,
    .victim = aging_victim,
    .evicted = aging_evicted,
    .tick = aging_tick,
};
