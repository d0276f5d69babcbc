/* mm/replace/policy.c - the list of page replacement policies.
 *
 * The pager picks a policy by the name given on the command line
 * (policy=clock_pro) and sets an instance up with policy_init().  Every
 * policy lives in its own file in this directory and exports one
 * struct policy_ops; this file only names them, in the order the
 * benchmarks print them: from the least informed (random) to the most
 * (CLOCK-Pro and CAR, which also remember pages they have evicted).  CAR
 * comes last because it came last: the benchmarks' tables keep the
 * older rows where they were. */
#include <stddef.h>
#include "mm/replace/policy.h"
#include "lib/string.h"
#include "kernel/panic.h"

extern const struct policy_ops policy_random, policy_fifo, policy_second_chance,
    policy_clock, policy_enhanced_clock, policy_aging, policy_clock_pro, policy_car;

static const struct policy_ops *const policies[] = {
    &policy_random,
    &policy_fifo,
    &policy_second_chance,
    &policy_clock,
    &policy_enhanced_clock,
    &policy_aging,
    &policy_clock_pro,
    &policy_car,
};

#define NPOLICIES ((int)(sizeof policies / sizeof policies[0]))

/* Return the policy called NAME, or 0 if there is none. */
const struct policy_ops *policy_find(const char *name)
{
    for (int i = 0; i < NPOLICIES; i++)
        if (strcmp(policies[i]->name, name) == 0)
            return policies[i];
    return 0;
}

/* Return the name of policy number I (0, 1, ...), or 0 past the last. */
const char *policy_name(int i)
{
    return i >= 0 && i < NPOLICIES ? policies[i]->name : 0;
}

/* Lay P's arrays for NFRAMES slots out from BASE (0: only measure);
 * returns the bytes they take.  The slot array first, then the policy's. */
static uint32_t layout(struct policy *p, const struct policy_ops *ops, uint32_t nframes,
                       void *base)
{
    struct carve c = { (uintptr_t)base, 0 };
    p->vpn = carve(&c, nframes, 4);
    if (ops->carve)
        ops->carve(p, nframes, &c);
    return c.used;
}

static void check_nframes(const char *who, uint32_t nframes)
{
    if (nframes == 0 || nframes > POLICY_MAX_FRAMES)
        panic("%s: %u frames, the range is 1..%u", who, nframes, POLICY_MAX_FRAMES);
}

uint32_t policy_bytes(const struct policy_ops *ops, uint32_t nframes)
{
    struct policy scratch;
    check_nframes("policy_bytes", nframes);
    return layout(&scratch, ops, nframes, 0);
}

/* Set P up as an instance of OPS over NFRAMES slots, all empty, reading
 * A and D bits through BITS, with its arrays in MEM (zeroed here).  SEED
 * only matters to random.  NFRAMES outside 1..POLICY_MAX_FRAMES, or MEM
 * not 4-byte aligned, is a bug in the caller: panics. */
void policy_init(struct policy *p, const struct policy_ops *ops,
                 const struct pte_bits *bits, uint32_t nframes, uint32_t seed, void *mem)
{
    check_nframes("policy_init", nframes);
    if (!mem || ((uintptr_t)mem & 3))
        panic("policy_init: memory at %p is not 4-byte aligned", mem);
    p->ops = ops;
    p->bits = bits;
    p->nframes = nframes;
    memset(&p->u, 0, sizeof p->u);
    memset(mem, 0, layout(p, ops, nframes, mem));
    for (uint32_t s = 0; s < nframes; s++)
        p->vpn[s] = POLICY_NO_PAGE;
    ops->init(p, nframes, seed);
}

void policy_settle(struct policy *p, uint16_t *pending)
{
    uint32_t s = *pending;
    *pending = POLICY_NO_SLOT;
    if (s != POLICY_NO_SLOT && p->vpn[s] != POLICY_NO_PAGE)
        p->bits->accessed(p->bits->ctx, p->vpn[s], 1);
}
