/* mm/renumber.c - the hash table of mm/renumber.h. */
#include "mm/renumber.h"
#include "kernel/panic.h"

/* log2 of the cells for MAX pages: at least 2 * MAX. */
static uint32_t cell_bits(uint32_t max)
{
    uint32_t bits = 1;
    while ((1u << bits) < 2 * max)
        bits++;
    return bits;
}

uint32_t renumber_bytes(uint32_t max)
{
    if (max == 0 || max > RENUMBER_MAX)
        panic("renumber_bytes: %u pages, the range is 1..%u", max, RENUMBER_MAX);
    return 8u << cell_bits(max);
}

void renumber_init(struct renumber *r, uint32_t max, void *mem)
{
    uint32_t cells = renumber_bytes(max) / 8;
    r->key = mem;
    r->num = r->key + cells;
    r->shift = 32 - cell_bits(max);
    r->count = 0;
    r->max = max;
    for (uint32_t i = 0; i < cells; i++)
        r->num[i] = RENUMBER_FULL;
}

uint32_t renumber(struct renumber *r, uint32_t page)
{
    uint32_t mask = (1u << (32 - r->shift)) - 1;
    uint32_t i = (page * 2654435769u) >> r->shift;
    while (r->num[i] != RENUMBER_FULL) {
        if (r->key[i] == page)
            return r->num[i];
        i = (i + 1) & mask;
    }
    if (r->count == r->max)
        return RENUMBER_FULL;
    r->key[i] = page;
    return r->num[i] = r->count++;
}
