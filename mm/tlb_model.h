/* mm/tlb_model.h - a software TLB model: what a TLB of a given shape would see.
 *
 * This is a TEACHING MODEL of what the hardware TLB would see, not the
 * hardware TLB.  The real TLB is invisible to software: no instruction
 * reads its contents or counts its misses, its size and associativity
 * differ between CPUs (and between 4 KiB and 4 MiB pages), and it is
 * emptied by invlpg and by every CR3 write.  The model knows only what
 * its caller tells it: tlb_lookup for each translation the caller wants
 * counted, tlb_invalidate where the kernel runs invlpg, tlb_flush where
 * it reloads CR3.  A flush or invalidation nobody reports is one the
 * model never sees.
 *
 * Shape: ENTRIES entries in sets of WAYS, replaced LRU within a set.
 * A virtual page number VPN lives only in set VPN mod (ENTRIES/WAYS).
 * WAYS = ENTRIES (or 0) is fully associative, one set; WAYS = 1 is
 * direct mapped.  Every operation costs O(1): a hash from VPN to entry
 * finds a hit, and a doubly linked ring per set keeps the LRU order.
 *
 * The caller provides the memory (tlb_model_bytes(ENTRIES) bytes), so
 * the kernel can kmalloc it and the host tests malloc it.  Pure code: it
 * also compiles on the host (tests/host/test_tlb.c); the in-kernel test
 * is tests/test_tlb_model.c. */
#ifndef MM_TLB_MODEL_H
#define MM_TLB_MODEL_H

#include <stdint.h>

#define TLB_MODEL_MAX_ENTRIES   65536u  /* keeps every index and byte count in 32 bits */

struct tlb_entry;                       /* private to mm/tlb_model.c */

struct tlb_model {
    uint32_t entries;           /* total entries */
    uint32_t ways;              /* entries per set (ENTRIES when fully associative) */
    uint32_t nsets;             /* ENTRIES / WAYS, a power of two */
    uint32_t hash_bits;         /* the VPN hash has 1 << hash_bits buckets */
    struct tlb_entry *e;        /* ENTRIES entries; set s owns e[s*ways .. s*ways+ways-1] */
    uint32_t *bucket;           /* hash chain heads: index into e, ~0u if empty */
    uint32_t *mru;              /* per set: its most recently used entry */
    uint32_t resident;          /* valid entries now */
    uint64_t lookups;           /* tlb_lookup calls since init */
    uint64_t misses;            /* of which missed */
};

/* Bytes of memory a model of ENTRIES entries needs (whatever its WAYS),
 * 4-byte aligned.  Returns 0 if ENTRIES is 0 or above
 * TLB_MODEL_MAX_ENTRIES. */
uint32_t tlb_model_bytes(uint32_t entries);

/* Set up T as an empty TLB of ENTRIES entries, WAYS per set (0 means
 * fully associative), in MEM (tlb_model_bytes(ENTRIES) bytes, 4-byte
 * aligned).  Counters start at 0.  Returns 0, or -E_INVAL with a message
 * naming the bad value if ENTRIES is 0 or too large, WAYS exceeds
 * ENTRIES or does not divide it, ENTRIES/WAYS is not a power of two, or
 * MEM is null or misaligned; T is then unusable. */
int tlb_model_init(struct tlb_model *t, uint32_t entries, uint32_t ways, void *mem);

/* Translate virtual page VPN through the model: returns 1 on a hit
 * (VPN becomes its set's most recently used entry) or 0 on a miss, in
 * which case VPN is filled into its set, replacing an invalid entry if
 * the set has one and its least recently used entry otherwise.  Counts
 * the lookup, and the miss. */
int tlb_lookup(struct tlb_model *t, uint32_t vpn);

/* 1 if VPN is in the model now, else 0.  Changes nothing, counts
 * nothing: for tests and for printing, not for simulating an access. */
int tlb_contains(const struct tlb_model *t, uint32_t vpn);

/* Drop VPN's entry if it has one, as invlpg would; the freed entry is
 * the first its set refills.  Not a lookup: the counters do not move. */
void tlb_invalidate(struct tlb_model *t, uint32_t vpn);

/* Drop every entry, as a CR3 reload would (the model has no global
 * pages).  Costs O(ENTRIES); the counters do not move. */
void tlb_flush(struct tlb_model *t);

/* The miss rate in thousandths of a percent (0 .. 100000, rounded to
 * nearest), computed in integers; 0 if there has been no lookup. */
uint32_t tlb_miss_rate_milli(const struct tlb_model *t);

/* Print one line: NAME, lookups, misses and the miss rate as a
 * percentage with three decimals, e.g. "matmul: 2064 lookups, 3 misses,
 * miss rate 0.145%". */
void tlb_model_print(const struct tlb_model *t, const char *name);

/* Check every invariant (each set's ring, invalid entries at its LRU
 * end, every valid entry in its own set and in the hash exactly once,
 * RESIDENT); returns 0 or a short description of the first broken one.
 * O(ENTRIES + buckets): for tests. */
const char *tlb_model_check(const struct tlb_model *t);

#endif
