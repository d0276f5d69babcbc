/* tests/host/test_region.c - mm/region.c on the host, under ASan/UBSan.
 *
 * Random allocate/free against a model that records, for every page of
 * the range, which region owns it: first fit must pick exactly the
 * model's lowest fitting run, every error case must be refused without
 * change, region_check must hold after every operation, and when all is
 * freed the map must be one free region again.  Also 10,000 live regions
 * and a node array that runs out.  Then allocation at a given place,
 * resizing, carving pages out of a region and region attributes, at
 * random against a model that keeps, for every page, the start of the
 * region that owns it and that region's attributes. */
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

/* ---- region_alloc_at, region_resize, region_carve, attributes ---- */

#define P2 3000
static uint32_t pown[P2];           /* model: 0 free, else the owning region's start */
static uint32_t pattr[P2];          /* model: the owning region's attributes */

/* Check every page of the map against the model. */
static void check_model(struct region_map *m, int op)
{
    EXPECT(!region_check(m), "op %d: %s", op, region_check(m));
    for (uint32_t i = 0; i < P2; i++) {
        uint32_t st, np;
        int r = region_find(m, FIRST + i, &st, &np);
        EXPECT(r == (pown[i] != 0), "op %d: page %u allocated %d, model %d", op, FIRST + i, r,
               pown[i] != 0);
        if (r == 1) EXPECT(st == pown[i], "op %d: page %u in region %u, model %u", op,
                           FIRST + i, st, pown[i]);
        EXPECT(region_attr_of(m, FIRST + i) == (pown[i] ? pattr[i] : 0), "op %d: attr of %u",
               op, FIRST + i);
        /* The fault path's lookup (through its cached last hit) agrees. */
        uint32_t a = 0xdead;
        int al = region_allocated(m, FIRST + i, &a);
        EXPECT(al == (pown[i] != 0) && (!al || a == pattr[i]),
               "op %d: region_allocated(%u) = %d attr 0x%x, model %d attr 0x%x", op, FIRST + i,
               al, a, pown[i] != 0, pattr[i]);
    }
}

/* Set the model's pages [S, S+N) to owner O with attributes A. */
static void model_set(uint32_t s, uint32_t n, uint32_t o, uint32_t a)
{
    for (uint32_t i = 0; i < n; i++) pown[s - FIRST + i] = o, pattr[s - FIRST + i] = a;
}

static void test_place_resize_carve(void)
{
    static struct rnode nodes[2000];
    struct region_map m;
    region_init(&m, nodes, 2000, FIRST, P2);
    memset(pown, 0, sizeof pown);
    srand(11);
    int placed = 0, resized = 0, carved = 0;
    for (int op = 0; op < 20000; op++) {
        uint32_t page = FIRST + rand() % P2, n = 1 + rand() % 12, a = 1 + rand() % 1000;
        int kind = rand() % 4;
        if (kind == 0) {                                /* at a place */
            int all_free = page + n <= FIRST + P2;
            for (uint32_t i = 0; all_free && i < n; i++) all_free = !pown[page - FIRST + i];
            uint32_t got = region_alloc_at(&m, page, n, a);
            EXPECT(got == (all_free ? page : 0), "op %d: alloc_at(%u, %u) = %u, model %d", op,
                   page, n, got, all_free);
            if (got) model_set(page, n, page, a), placed++;
        } else if (kind == 1 && pown[page - FIRST]) {   /* resize the region there */
            uint32_t st = pown[page - FIRST], len = 0;
            while (st - FIRST + len < P2 && pown[st - FIRST + len] == st) len++;
            uint32_t want = 1 + rand() % (2 * len + 4), room = len;
            while (st - FIRST + room < P2 && !pown[st - FIRST + room]) room++;
            int r = region_resize(&m, st, want);
            EXPECT(r == (want <= room ? 0 : -E_NOMEM), "op %d: resize(%u, %u->%u) = %d, room %u",
                   op, st, len, want, r, room);
            if (r == 0) {
                uint32_t at = pattr[st - FIRST];
                model_set(st, len, 0, 0);
                model_set(st, want, st, at);
                resized++;
            }
        } else if (kind == 1) {
            EXPECT(region_resize(&m, page, 5) == -E_NOREGION, "op %d: resize of a free page",
                   op);
        } else if (kind == 2 && pown[page - FIRST]) {   /* carve pages out */
            uint32_t st = pown[page - FIRST], ok = 1;
            for (uint32_t i = 0; i < n; i++)
                ok &= page - FIRST + i < P2 && pown[page - FIRST + i] == st;
            uint32_t at = pattr[page - FIRST];
            int r = region_carve(&m, page, n);
            EXPECT(r == (ok ? 0 : -E_NOREGION), "op %d: carve(%u, %u) = %d, model %u", op,
                   page, n, r, ok);
            if (r == 0) {
                uint32_t end = st;
                while (end - FIRST < P2 && pown[end - FIRST] == st) end++;
                model_set(page, n, 0, 0);
                if (page + n < end) model_set(page + n, end - page - n, page + n, at);
                carved++;
            }
        } else if (pown[page - FIRST] == page) {        /* free, or new attributes */
            if (rand() % 2) {
                uint32_t len = 0;
                while (page - FIRST + len < P2 && pown[page - FIRST + len] == page) len++;
                EXPECT(region_free(&m, page) == (int32_t)len, "op %d: free", op);
                model_set(page, len, 0, 0);
            } else {
                EXPECT(region_set_attr(&m, page, a) == 0, "op %d: set_attr", op);
                for (uint32_t i = page - FIRST; i < P2 && pown[i] == page; i++) pattr[i] = a;
            }
        }
        if (op % 50 == 0) check_model(&m, op);
    }
    check_model(&m, -1);
    printf("test_region: %d placed, %d resized, %d carved allocations match the model\n",
           placed, resized, carved);
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
    test_place_resize_carve();
    printf("test_region: all checks passed\n");
    return 0;
}
