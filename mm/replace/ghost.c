/* mm/replace/ghost.c - the hash table of ghost entries (mm/replace/ghost.h). */
#include "mm/replace/ghost.h"
#include "kernel/panic.h"

/* log2 of the bucket count for MAXGHOSTS ghosts: at least 2 * MAXGHOSTS. */
static uint32_t bucket_bits(uint32_t maxghosts)
{
    uint32_t bits = 1;
    while ((1u << bits) < 2 * maxghosts)
        bits++;
    return bits;
}

void ghosts_carve(struct ghosts *g, uint32_t nentries, uint32_t maxghosts, struct carve *c)
{
    uint32_t bits = bucket_bits(maxghosts);
    g->shift = 32 - bits;
    g->bucket = carve(c, 1u << bits, 2);
    g->chain = carve(c, nentries, 2);
}

void ghosts_init(struct ghosts *g, const uint32_t *vpn)
{
    g->vpn = vpn;
    for (uint32_t b = 0; b < 1u << (32 - g->shift); b++)
        g->bucket[b] = GHOST_NIL;
}

static uint32_t hash(const struct ghosts *g, uint32_t vpn)
{
    return (vpn * 2654435769u) >> g->shift;
}

void ghosts_add(struct ghosts *g, uint32_t e)
{
    uint32_t b = hash(g, g->vpn[e]);
    g->chain[e] = g->bucket[b];
    g->bucket[b] = (uint16_t)e;
}

void ghosts_remove(struct ghosts *g, uint32_t e)
{
    uint16_t *link = &g->bucket[hash(g, g->vpn[e])];
    while (*link != e) {
        if (*link == GHOST_NIL)
            panic("ghosts_remove: entry %u (page %u) is not a ghost", e, g->vpn[e]);
        link = &g->chain[*link];
    }
    *link = g->chain[e];
}

uint32_t ghosts_find(const struct ghosts *g, uint32_t vpn)
{
    uint32_t e = g->bucket[hash(g, vpn)];
    while (e != GHOST_NIL && g->vpn[e] != vpn)
        e = g->chain[e];
    return e;
}
