/* mm/replace/sim.c - the model pager of mm/replace/sim.h.
 *
 * Every answer the policy gives is checked: a victim slot out of range
 * or empty, a slot whose page the policy misremembers, an A or D query
 * about a page that is not resident.  The first such mistake is kept in
 * S->err (the run goes on as best it can) so that callers, on the host
 * or in the kernel, can report it. */
#include <stddef.h>
#include "mm/replace/sim.h"
#include "lib/string.h"

/* Note the first mistake of the policy. */
static void wrong(struct sim *s, const char *what, uint32_t page)
{
    if (!s->err) s->err = what, s->err_page = page;
}

static int model_accessed(void *ctx, uint32_t vpn, int clear)
{
    struct sim *s = ctx;
    if (vpn >= s->npages || !(s->flags[vpn] & SIM_PRESENT)) {
        wrong(s, "asked for the A bit of a page that is not resident", vpn);
        return 0;
    }
    int a = (s->flags[vpn] & SIM_A) != 0;
    if (clear) s->flags[vpn] &= ~SIM_A;
    return a;
}

static int model_dirty(void *ctx, uint32_t vpn)
{
    struct sim *s = ctx;
    if (vpn >= s->npages || !(s->flags[vpn] & SIM_PRESENT)) {
        wrong(s, "asked for the D bit of a page that is not resident", vpn);
        return 0;
    }
    return (s->flags[vpn] & SIM_D) != 0;
}

/* WORK holds, in order: slot_page[nframes], where[npages], flags[npages]
 * (rounded up to 4 bytes), then the policy's memory. */
static uint32_t model_bytes(uint32_t npages, uint32_t nframes)
{
    return (nframes + npages) * 4 + (npages + 3) / 4 * 4;
}

uint32_t sim_work_bytes(const struct policy_ops *ops, uint32_t npages, uint32_t nframes)
{
    return model_bytes(npages, nframes) + policy_bytes(ops, nframes);
}

void sim_init(struct sim *s, const struct policy_ops *ops, struct policy *pol,
              uint32_t nframes, uint32_t npages, uint32_t seed, void *work)
{
    s->ops = ops;
    s->pol = pol;
    s->bits = (struct pte_bits){ s, model_accessed, model_dirty };
    s->nframes = nframes;
    s->npages = npages;
    s->nres = 0;
    s->low = 0;
    s->slot_page = work;
    s->where = s->slot_page + nframes;
    s->flags = (uint8_t *)(s->where + npages);
    for (uint32_t i = 0; i < nframes; i++) s->slot_page[i] = SIM_NONE;
    for (uint32_t v = 0; v < npages; v++) s->where[v] = SIM_NONE;
    memset(s->flags, 0, npages);
    s->count = (struct ref_result){ 0, 0, 0 };
    s->err = 0;
    s->err_page = 0;
    s->after = 0;
    policy_init(pol, ops, &s->bits, nframes, seed,
                (uint8_t *)work + model_bytes(npages, nframes));
}

uint32_t sim_victim(struct sim *s)
{
    uint32_t slot = s->ops->victim(s->pol);
    if (slot >= s->nframes || s->slot_page[slot] == SIM_NONE) {
        wrong(s, "chose an empty slot, or one out of range, as its victim", slot);
        /* Go on with some resident page, so the run can finish. */
        for (slot = 0; s->slot_page[slot] == SIM_NONE; slot++)
            ;
    } else if (s->pol->vpn[slot] != s->slot_page[slot]) {
        wrong(s, "misremembers which page its victim slot holds", slot);
    }
    if (s->after) s->after(s, s->nframes);
    return slot;
}

void sim_remove(struct sim *s, uint32_t slot, int evict)
{
    uint32_t u = s->slot_page[slot];
    if (evict && (s->flags[u] & SIM_D)) {
        s->count.disk_writes++;
        s->flags[u] |= SIM_COPY;
    }
    if (!evict) s->flags[u] &= ~SIM_COPY;
    s->flags[u] &= SIM_COPY;                    /* the PTE no longer maps it: A, D gone */
    s->where[u] = SIM_NONE;
    s->slot_page[slot] = SIM_NONE;
    if (slot < s->low) s->low = slot;
    s->nres--;
    if (s->ops->evicted) s->ops->evicted(s->pol, slot, u);
    if (s->after) s->after(s, s->nframes);
}

uint32_t sim_ref(struct sim *s, uint32_t ref)
{
    uint32_t v = REF_VPN(ref), victim = SIM_NONE;
    if (s->where[v] == SIM_NONE) {
        s->count.faults++;
        if (s->nres == s->nframes) {
            uint32_t slot = sim_victim(s);
            victim = s->slot_page[slot];
            sim_remove(s, slot, 1);
        }
        uint32_t slot = s->low;                 /* the lowest empty slot, as the pager */
        while (s->slot_page[slot] != SIM_NONE) slot++;
        s->low = slot + 1;
        if (s->flags[v] & SIM_COPY) s->count.disk_reads++;
        s->slot_page[slot] = v;
        s->where[v] = slot;
        s->nres++;
        s->flags[v] = (s->flags[v] & SIM_COPY) | SIM_PRESENT;     /* mapped with A = D = 0 */
        policy_fault_in(s->pol, slot, v);
        if (s->pol->vpn[slot] != v) wrong(s, "fault_in did not record its page", v);
        if (s->after) s->after(s, 0);
    }
    s->flags[v] |= SIM_A | (REF_WRITE(ref) ? SIM_D : 0);           /* the access itself */
    return victim;
}

void sim_tick(struct sim *s)
{
    if (s->ops->tick) s->ops->tick(s->pol);
}

const char *policy_simulate(const struct policy_ops *ops, struct policy *pol,
                            const uint32_t *refs, uint32_t n, uint32_t nframes,
                            uint32_t npages, uint32_t seed, uint32_t tick, void *work,
                            struct ref_result *out)
{
    struct sim s;
    sim_init(&s, ops, pol, nframes, npages, seed, work);
    for (uint32_t i = 0; i < n; i++) {
        if (tick && i % tick == tick - 1) sim_tick(&s);
        sim_ref(&s, refs[i]);
    }
    *out = s.count;
    return s.err;
}
