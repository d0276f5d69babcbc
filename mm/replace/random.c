/* mm/replace/random.c - evict a page chosen at random.
 *
 * The baseline every other policy has to beat: it ignores the Accessed
 * and Dirty bits completely and evicts whichever slot a pseudo-random
 * number picks.  The numbers come from xorshift32 (Marsaglia, 2003):
 * three shifts and xors of a 32-bit state, a full period of 2^32 - 1, no
 * multiplications, and the same sequence for the same seed, so that a
 * run of the kernel can be repeated exactly (policy=random seed=N). */
#include "mm/replace/policy.h"

#define DEFAULT_SEED 2463534242u    /* Marsaglia's; xorshift must not start at 0 */

/* Advance the generator and return its next value. */
static uint32_t next_random(struct policy *p)
{
    uint32_t x = p->u.random.state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return p->u.random.state = x;
}

static void random_init(struct policy *p, uint32_t nframes, uint32_t seed)
{
    (void)nframes;
    p->u.random.state = seed ? seed : DEFAULT_SEED;
}

/* A random slot; if it is empty (the pager may ask before memory is
 * full), the next occupied slot after it. */
static uint32_t random_victim(struct policy *p)
{
    uint32_t s = next_random(p) % p->nframes;
    for (uint32_t i = 0; i < p->nframes && p->vpn[s] == POLICY_NO_PAGE; i++)
        s = s + 1 == p->nframes ? 0 : s + 1;
    return s;
}

static void random_evicted(struct policy *p, uint32_t slot, uint32_t vpn)
{
    (void)vpn;
    p->vpn[slot] = POLICY_NO_PAGE;
}

const struct policy_ops policy_random = {
    .name = "random",
    .init = random_init,
    .fault_in = 0,                          /* policy_fault_in records the page */
    .victim = random_victim,
    .evicted = random_evicted,
    .tick = 0,
};
