/* mm/replace/slotset.c - the two-level bitmap of mm/replace/slotset.h. */
#include "mm/replace/slotset.h"

void slotset_carve(struct slotset *s, uint32_t n, struct carve *c)
{
    uint32_t nwords = (n + 31) / 32;
    s->n = n;
    s->word = carve(c, nwords, 4);
    s->summary = carve(c, (nwords + 31) / 32, 4);
}

void slotset_add(struct slotset *s, uint32_t i)
{
    uint32_t w = i / 32;
    s->word[w] |= 1u << (i % 32);
    s->summary[w / 32] |= 1u << (w % 32);
}

void slotset_remove(struct slotset *s, uint32_t i)
{
    uint32_t w = i / 32;
    s->word[w] &= ~(1u << (i % 32));
    if (!s->word[w])
        s->summary[w / 32] &= ~(1u << (w % 32));
}

/* The rest of FROM's word first; past it, the summary says which word
 * holds the next member, so empty stretches cost one read per 1,024 slots. */
uint32_t slotset_next(const struct slotset *s, uint32_t from)
{
    uint32_t nwords = (s->n + 31) / 32, w = from / 32;
    if (from >= s->n)
        return SLOTSET_NONE;
    uint32_t bits = s->word[w] & (~0u << (from % 32));
    if (bits)
        return w * 32 + (uint32_t)__builtin_ctz(bits);
    /* The next non-empty word after W, from the summary. */
    for (uint32_t v = w + 1; v < nwords; v = (v / 32 + 1) * 32) {
        uint32_t sum = s->summary[v / 32] & (~0u << (v % 32));
        if (sum) {
            uint32_t x = v / 32 * 32 + (uint32_t)__builtin_ctz(sum);
            return x * 32 + (uint32_t)__builtin_ctz(s->word[x]);
        }
    }
    return SLOTSET_NONE;
}

uint32_t slotset_take_first(struct slotset *s)
{
    uint32_t nsum = ((s->n + 31) / 32 + 31) / 32;
    for (uint32_t k = 0; k < nsum; k++) {
        uint32_t sum = s->summary[k];
        if (!sum) continue;
        uint32_t w = k * 32 + (uint32_t)__builtin_ctz(sum);
        uint32_t bits = s->word[w], b = (uint32_t)__builtin_ctz(bits);
        s->word[w] = bits & (bits - 1);                 /* the lowest bit off */
        if (!s->word[w]) s->summary[k] = sum & (sum - 1);
        return w * 32 + b;
    }
    return SLOTSET_NONE;
}

uint32_t slotset_next_round(const struct slotset *s, uint32_t from)
{
    uint32_t i = slotset_next(s, from);
    return i != SLOTSET_NONE || from == 0 ? i : slotset_next(s, 0);
}
