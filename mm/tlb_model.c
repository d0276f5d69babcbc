/* mm/tlb_model.c - a set-associative LRU TLB model in O(1) per lookup.
 *
 * A teaching model of what the hardware TLB would see (mm/tlb_model.h
 * says what it is not).  Benchmarks call tlb_lookup for every simulated
 * memory access, millions of times under an emulated CPU, so a lookup
 * must not scan the 512 entries of the default fully associative shape.
 * Two structures make every operation constant time:
 *
 *   bucket[hash(vpn)] -> e[i] -> e[j] -> ~0     hash chains of VALID entries,
 *                                              so a hit is found directly
 *
 *   set s:  mru[s] -> e[a] <-> e[b] <-> e[c] <-> e[d] -+
 *                     ^  most recent       least recent |   a ring per set,
 *                     +--------------------------------+   LRU = mru's prev
 *
 * Each set owns a fixed block of WAYS entries, linked in a circular
 * doubly linked ring in recency order.  A hit moves its entry to the
 * front; a miss takes the entry at the back, the set's LRU.  Invalid
 * entries (never filled, invalidated or flushed) are always kept at the
 * back of the ring, so "take the back" also means "use an empty entry
 * before evicting a live one".  The ring being circular, moving the back
 * entry to the front is just moving the mru pointer one step back.
 *
 * Memory layout (all in the caller's block, 4-byte words throughout):
 *   e[ENTRIES] | bucket[2^hash_bits] | mru[ENTRIES]
 * The hash has at least 2*ENTRIES buckets, so chains stay short, and mru
 * is sized for the most sets a shape can have (direct mapped), so the
 * byte count depends on ENTRIES alone. */
#include <stddef.h>
#include "mm/tlb_model.h"
#include "lib/errno.h"
#include "lib/printf.h"

#define NIL 0xFFFFFFFFu         /* no entry: end of a chain, empty bucket */

struct tlb_entry {
    uint32_t vpn;               /* the page this entry translates, if valid */
    uint32_t valid;             /* 1 if filled (and then in the hash) */
    uint32_t prev, next;        /* neighbours in the set's recency ring */
    uint32_t chain;             /* next entry in the same hash bucket, or NIL */
};

#define E(i) (t->e[i])

/* The smallest B with 2^B >= 2*ENTRIES: the hash's size. */
static uint32_t hash_bits_for(uint32_t entries)
{
    uint32_t b = 1;
    while ((1u << b) < 2 * entries) b++;
    return b;
}

uint32_t tlb_model_bytes(uint32_t entries)
{
    if (entries == 0 || entries > TLB_MODEL_MAX_ENTRIES) return 0;
    return entries * (uint32_t)sizeof(struct tlb_entry)
         + (1u << hash_bits_for(entries)) * 4 + entries * 4;
}

/* Fibonacci hashing: multiply by 2^32/phi and keep the top bits.  The
 * top bits depend on all of VPN, so the pages of one set (which share
 * their low bits) and strided or sequential pages spread evenly. */
static inline uint32_t hash(const struct tlb_model *t, uint32_t vpn)
{
    return (vpn * 0x9E3779B1u) >> (32 - t->hash_bits);
}

static inline uint32_t set_of(const struct tlb_model *t, uint32_t vpn)
{
    return vpn & (t->nsets - 1);
}

/* VPN's entry, or NIL if it has none. */
static inline uint32_t find(const struct tlb_model *t, uint32_t vpn)
{
    const struct tlb_entry *e = t->e;
    for (uint32_t i = t->bucket[hash(t, vpn)]; i != NIL; i = e[i].chain)
        if (e[i].vpn == vpn) return i;
    return NIL;
}

static void hash_insert(struct tlb_model *t, uint32_t i)
{
    uint32_t *head = &t->bucket[hash(t, E(i).vpn)];
    E(i).chain = *head;
    *head = i;
}

/* Unlink valid entry I from its chain (singly linked: walk to it; the
 * chain is short because the hash is at most half full). */
static void hash_remove(struct tlb_model *t, uint32_t i)
{
    uint32_t *link = &t->bucket[hash(t, E(i).vpn)];
    while (*link != i) link = &E(*link).chain;
    *link = E(i).chain;
}

/* Move entry I of a ring to sit just before entry AT.  (Local pointers
 * rather than E(E(i).prev)...: the kernel's -Og would recompute every
 * address, and this runs on most hits.) */
static inline void ring_move_before(struct tlb_model *t, uint32_t i, uint32_t at)
{
    struct tlb_entry *e = t->e, *x = &e[i], *y = &e[at];
    e[x->prev].next = x->next;
    e[x->next].prev = x->prev;
    x->next = at;
    x->prev = y->prev;
    e[y->prev].next = i;
    y->prev = i;
}

/* Make entry I the most recently used of set S.  Once I sits just
 * before the current front, i.e. at the back of the ring, making it the
 * front is only a change of mru[S]. */
static inline void make_mru(struct tlb_model *t, uint32_t s, uint32_t i)
{
    uint32_t front = t->mru[s];
    if (i == front) return;
    if (i != t->e[front].prev) ring_move_before(t, i, front);
    t->mru[s] = i;
}

/* Make entry I the least recently used of set S, the next to be refilled. */
static void make_lru(struct tlb_model *t, uint32_t s, uint32_t i)
{
    uint32_t front = t->mru[s];
    if (i == front) {
        t->mru[s] = E(i).next;      /* the ring turns: I is now at the back */
        return;
    }
    if (i != E(front).prev) ring_move_before(t, i, front);
}

int tlb_model_init(struct tlb_model *t, uint32_t entries, uint32_t ways, void *mem)
{
    if (entries == 0 || entries > TLB_MODEL_MAX_ENTRIES) {
        kprintf("tlb_model_init: %u entries: want 1..%u\n", entries, TLB_MODEL_MAX_ENTRIES);
        return -E_INVAL;
    }
    if (ways == 0) ways = entries;
    if (ways > entries || entries % ways != 0) {
        kprintf("tlb_model_init: %u ways do not divide %u entries into whole sets\n",
                ways, entries);
        return -E_INVAL;
    }
    uint32_t nsets = entries / ways;
    if ((nsets & (nsets - 1)) != 0) {
        /* Hardware picks the set from low VPN bits, so the count of sets
         * is a power of two; the model does the same with a mask. */
        kprintf("tlb_model_init: %u entries / %u ways = %u sets, not a power of two\n",
                entries, ways, nsets);
        return -E_INVAL;
    }
    if (mem == NULL || ((uintptr_t)mem & 3) != 0) {
        kprintf("tlb_model_init: memory %p is null or not 4-byte aligned\n", mem);
        return -E_INVAL;
    }

    t->entries = entries;
    t->ways = ways;
    t->nsets = nsets;
    t->hash_bits = hash_bits_for(entries);
    t->e = mem;
    t->bucket = (uint32_t *)(t->e + entries);
    t->mru = t->bucket + (1u << t->hash_bits);
    /* Each set's ring starts in index order; every entry is invalid. */
    for (uint32_t s = 0; s < nsets; s++) {
        uint32_t first = s * ways;
        for (uint32_t k = 0; k < ways; k++) {
            struct tlb_entry *x = &E(first + k);
            x->vpn = 0;
            x->valid = 0;
            x->chain = NIL;
            x->next = first + (k + 1) % ways;
            x->prev = first + (k + ways - 1) % ways;
        }
        t->mru[s] = first;
    }
    for (uint32_t b = 0; b < (1u << t->hash_bits); b++) t->bucket[b] = NIL;
    t->resident = 0;
    t->lookups = 0;
    t->misses = 0;
    return 0;
}

int tlb_lookup(struct tlb_model *t, uint32_t vpn)
{
    uint32_t s = set_of(t, vpn);
    uint32_t i = find(t, vpn);
    t->lookups++;
    if (i != NIL) {
        make_mru(t, s, i);
        return 1;
    }
    t->misses++;
    uint32_t victim = E(t->mru[s]).prev;    /* the back: invalid, or the LRU */
    if (E(victim).valid) {
        hash_remove(t, victim);
    } else {
        E(victim).valid = 1;
        t->resident++;
    }
    E(victim).vpn = vpn;
    hash_insert(t, victim);
    make_mru(t, s, victim);
    return 0;
}

int tlb_contains(const struct tlb_model *t, uint32_t vpn)
{
    return find(t, vpn) != NIL;
}

void tlb_invalidate(struct tlb_model *t, uint32_t vpn)
{
    uint32_t i = find(t, vpn);
    if (i == NIL) return;
    hash_remove(t, i);
    E(i).valid = 0;
    t->resident--;
    make_lru(t, set_of(t, vpn), i);     /* keeps invalid entries at the back */
}

void tlb_flush(struct tlb_model *t)
{
    /* With every entry invalid, any ring order keeps them "at the back". */
    for (uint32_t i = 0; i < t->entries; i++) {
        E(i).valid = 0;
        E(i).chain = NIL;
    }
    for (uint32_t b = 0; b < (1u << t->hash_bits); b++) t->bucket[b] = NIL;
    t->resident = 0;
}

uint32_t tlb_miss_rate_milli(const struct tlb_model *t)
{
    uint64_t m = t->misses, l = t->lookups;
    if (l == 0) return 0;
    /* m * 100000 must not overflow; halving both keeps the ratio. */
    while (l > UINT64_MAX / 100001) m >>= 1, l >>= 1;
    return (uint32_t)((m * 100000 + l / 2) / l);
}

void tlb_model_print(const struct tlb_model *t, const char *name)
{
    uint32_t r = tlb_miss_rate_milli(t);
    kprintf("%s: %llu lookups, %llu misses, miss rate %u.%03u%% (%u entries, %u-way)\n",
            name, (unsigned long long)t->lookups, (unsigned long long)t->misses,
            r / 1000, r % 1000, t->entries, t->ways);
}

const char *tlb_model_check(const struct tlb_model *t)
{
    /* Chains first: the ring checks below search them. */
    uint32_t chained = 0;
    for (uint32_t b = 0; b < (1u << t->hash_bits); b++)
        for (uint32_t i = t->bucket[b]; i != NIL; i = E(i).chain) {
            if (i >= t->entries || !E(i).valid) return "a hash chain holds an invalid entry";
            if (hash(t, E(i).vpn) != b) return "an entry is chained in the wrong bucket";
            if (++chained > t->entries) return "a hash chain loops";
        }
    uint32_t valid = 0;
    for (uint32_t s = 0; s < t->nsets; s++) {
        uint32_t i = t->mru[s], seen_invalid = 0;
        for (uint32_t k = 0; k < t->ways; k++, i = E(i).next) {
            if (i / t->ways != s) return "a ring holds another set's entry";
            if (E(E(i).next).prev != i) return "ring links disagree";
            if (!E(i).valid) {
                seen_invalid = 1;
                continue;
            }
            if (seen_invalid) return "a valid entry is behind an invalid one";
            if (set_of(t, E(i).vpn) != s) return "a valid entry is in the wrong set";
            if (find(t, E(i).vpn) != i) return "a valid entry is not found by its hash";
            valid++;
        }
        if (i != t->mru[s]) return "a ring is not WAYS long";
    }
    if (valid != t->resident) return "resident count is wrong";
    if (chained != valid) return "the hash holds entries no ring has as valid";
    return 0;
}
