/* tests/host/test_region.c - mm/region.c on the host, under ASan/UBSan.
 *
 * Random allocate/free against a model that records, for every page of
 * the range, which region owns it: first fit must pick exactly the
 * model's lowest fitting run, every error case must be refused without
 * change, region_check must hold after every operation, and when all is
 * freed the map must be one free region again.  Also 10,000 live regions
 * and a node array that runs out. */
#include <stdint.h>
#include <string.h>
#include "tests/host/shim.h"
#include "mm/region.h"
#include "lib/errno.h"

#define FIRST 1000
#define NPAGES 60000

static int32_t owner[NPAGES];       /* model: -1 free, else region start */

static uint32_t model_first_fit(uint32_t n)
{
    for (uint32_t i = 0, run = 0; i < NPAGES; i++) {
        run = owner[i] < 0 ? run + 1 : 0;
        if (run == n) return FIRST + i + 1 - n;
    }
    return 0;
}

int main(void)
{
    static struct rnode nodes[40000];
    struct region_map m;
    region_init(&m, nodes, 40000, FIRST, NPAGES);
    for (int i = 0; i < NPAGES; i++) owner[i] = -1;
    EXPECT(region_alloc(&m, 0) == 0, "alloc 0");
    EXPECT(region_alloc(&m, NPAGES + 1) == 0, "alloc too big");
    EXPECT(region_alloc(&m, NPAGES) == FIRST, "whole range");
    EXPECT(region_free(&m, FIRST) == NPAGES, "free whole");
    EXPECT(m.nfree == 1 && m.nalloc == 0, "back to one region");

    static uint32_t live[12000], lsize[12000];
    int nlive = 0;
    srand(5);
    for (int op = 0; op < 200000; op++) {
        int want_alloc = nlive < 10000 && (nlive == 0 || rand() % 100 < (op < 60000 ? 80 : 50));
        if (want_alloc) {
            uint32_t n = 1 + rand() % (rand() % 20 == 0 ? 50 : 4);
            uint32_t exp = model_first_fit(n);
            uint32_t got = region_alloc(&m, n);
            EXPECT(got == exp, "op %d: alloc(%u) = %u, model says %u", op, n, got, exp);
            if (!got) continue;
            for (uint32_t i = 0; i < n; i++) owner[got - FIRST + i] = (int32_t)got;
            live[nlive] = got, lsize[nlive] = n, nlive++;
        } else {
            int k = rand() % nlive;
            uint32_t s = live[k];
            /* Bad frees first: interior page, free page. */
            if (lsize[k] > 1) EXPECT(region_free(&m, s + 1) == -E_NOREGION, "interior free");
            EXPECT(region_free(&m, s) == (int32_t)lsize[k], "free %u", s);
            EXPECT(region_free(&m, s) == -E_NOREGION || region_free(&m, s) == -E_FREE,
                   "double free of %u accepted", s);
            for (uint32_t i = 0; i < lsize[k]; i++) owner[s - FIRST + i] = -1;
            live[k] = live[--nlive], lsize[k] = lsize[nlive];
        }
        if (op % 97 == 0) {
            const char *e = region_check(&m);
            EXPECT(!e, "op %d: %s", op, e);
            uint32_t page = FIRST + rand() % NPAGES, st, np;
            int r = region_find(&m, page, &st, &np);
            EXPECT(r == (owner[page - FIRST] >= 0), "find(%u) = %d", page, r);
            if (r == 1) EXPECT(st == (uint32_t)owner[page - FIRST], "find start");
        }
        if (nlive == 10000 && op % 1000 == 0) EXPECT(m.nalloc == 10000, "10000 live");
    }
    printf("test_region: peak nodes %u, %u live regions before cleanup\n", m.top, m.nalloc);
    while (nlive) {
        nlive--;
        EXPECT(region_free(&m, live[nlive]) == (int32_t)lsize[nlive], "cleanup");
    }
    EXPECT(!region_check(&m), "final check");
    uint32_t st, np;
    EXPECT(m.nalloc == 0 && m.nfree == 1, "%u/%u regions", m.nalloc, m.nfree);
    EXPECT(region_find(&m, FIRST, &st, &np) == 0 && st == FIRST && np == NPAGES, "one free region");
    EXPECT(region_find(&m, FIRST - 1, 0, 0) == -1 && region_find(&m, FIRST + NPAGES, 0, 0) == -1,
           "outside");

    /* A node array of 5 holds the sentinel and 4 regions: then alloc fails cleanly. */
    static struct rnode few[5];
    region_init(&m, few, 5, 10, 100);
    EXPECT(region_alloc(&m, 1) == 10 && region_alloc(&m, 1) == 11 && region_alloc(&m, 1) == 12,
           "three allocations");
    EXPECT(region_alloc(&m, 1) == 0, "node array full: allocation refused");
    EXPECT(!region_check(&m), "still consistent when full");
    EXPECT(region_free(&m, 11) == 1 && region_alloc(&m, 1) == 11, "exact fit needs no node");
    printf("test_region: all checks passed\n");
    return 0;
}
