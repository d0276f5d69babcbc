/* tests/test_kmalloc.c - kmalloc/kfree against a shadow record.
 *
 * 100,000 random operations: allocate a random size (mostly small, some
 * up to 3 pages), fill the block with a byte pattern derived from its
 * slot, or free a random live block after checking its whole pattern.
 * Overlapping blocks, a block handed out twice, or damage from a stray
 * poison write all show as a pattern mismatch; at the end every block is
 * freed and the heap must hold no page more than at the start. */
#include "tests/harness.h"
#include "tests/util.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"

#define SLOTS 2000

static uint8_t *blk[SLOTS];
static uint32_t len[SLOTS];

static uint8_t pat(int slot, uint32_t i) { return (uint8_t)(slot * 31 + i * 7 + (i >> 8)); }

static void check_block(int s)
{
    for (uint32_t i = 0; i < len[s]; i++)
        CHECK(blk[s][i] == pat(s, i), "block %d (%p, %u bytes) byte %u is 0x%x, expected 0x%x",
              s, blk[s], len[s], i, blk[s][i], pat(s, i));
}

static void test_kmalloc_stress(void)
{
    uint32_t pages0 = kmalloc_pages(), free0 = free_frames();
    uint32_t table0 = vmpool_table_frames(&kheap);
    uint32_t seed = 99, live = 0, allocs = 0;
    for (int op = 0; op < 100000; op++) {
        int s = rand_next(&seed) % SLOTS;
        if (blk[s]) {
            check_block(s);
            CHECK(kfree(blk[s]) == 0, "kfree(%p)", blk[s]);
            blk[s] = 0;
            live--;
            continue;
        }
        uint32_t r = rand_next(&seed) % 100;
        len[s] = r < 70 ? 1 + rand_next(&seed) % 64
               : r < 95 ? 1 + rand_next(&seed) % 1024 : 1025 + rand_next(&seed) % 12000;
        blk[s] = kmalloc(len[s]);
        CHECK(blk[s], "kmalloc(%u) failed at op %d", len[s], op);
        for (uint32_t i = 0; i < len[s]; i++) blk[s][i] = pat(s, i);
        live++, allocs++;
        if (op % 20000 == 0) msg("op %d: %u live blocks, %u heap pages", op, live, kmalloc_pages());
    }
    for (int s = 0; s < SLOTS; s++) {
        if (!blk[s]) continue;
        check_block(s);
        CHECK(kfree(blk[s]) == 0, "final kfree(%p)", blk[s]);
        blk[s] = 0;
    }
    msg("%u allocations checked; heap pages %u -> %u, free frames %u -> %u", allocs, pages0,
        kmalloc_pages(), free0, free_frames());
    CHECK(kmalloc_pages() == pages0, "heap pages leaked: %u, %u before", kmalloc_pages(), pages0);
    /* The heap's region table may have grown into new pages; it keeps them. */
    uint32_t grown = vmpool_table_frames(&kheap) - table0;
    msg("the heap's region table grew by %u frames", grown);
    CHECK(free_frames() + grown == free0, "frames leaked: %u free + %u table, %u before",
          free_frames(), grown, free0);
}

TEST("kmalloc_stress", test_kmalloc_stress, "100,000 random kmalloc/kfree against a shadow", "timeout=120");
