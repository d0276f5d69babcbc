/* mm/region.h - the region map of a VMPool: which pages are allocated.
 *
 * A region map covers a range of virtual pages and divides it into
 * regions, each either allocated or free, that together tile the range.
 * Allocation is first fit by address; releasing a region merges it with
 * free neighbours, so after everything is released the map is again one
 * free region.  Every operation is O(log n) in the number of regions.
 *
 * The map keeps its nodes in an array the caller provides (a VMPool puts
 * it in the pool's own first pages, which are only backed by frames as
 * the array grows).  Pure data-structure code: it compiles on the host
 * too (tests/host/test_region.c). */
#ifndef MM_REGION_H
#define MM_REGION_H

#include <stdint.h>

/* One region: a node of a treap ordered by START (a binary search tree
 * on START and a heap on PRIO), augmented with the largest free region
 * in each subtree so that first fit can descend straight to its target. */
struct rnode {
    uint32_t start;         /* first page number */
    uint32_t npages;
    uint32_t maxfree;       /* largest free npages in this subtree */
    uint32_t prio;          /* random heap priority: keeps the tree balanced */
    uint32_t left, right;   /* child indices; 0 is the empty tree */
    uint32_t free;          /* 1 if the region is free */
    uint32_t attr;          /* an allocated region's attributes: the owner's to
                               interpret (a VMPool: mm/vmpool.h); 0 when free */
};

struct region_map {
    struct rnode *node;     /* node array; node[0] is the empty-tree sentinel */
    uint32_t cap;           /* nodes the array can hold, sentinel included */
    uint32_t top;           /* nodes ever used (high-water mark) */
    uint32_t recycled;      /* list of released nodes, linked through .left */
    uint32_t nrecycled;     /* how many */
    uint32_t root;
    uint32_t nalloc;        /* allocated regions */
    uint32_t nfree;         /* free regions */
    uint32_t seed;          /* for priorities */
    uint32_t hit;           /* the allocated region region_allocated found last:
                               faults come in runs on one region */
    uint32_t first, npages; /* the range covered */
};

/* Cover pages FIRST .. FIRST+NPAGES-1 with one free region, keeping
 * nodes in NODES (CAP of them, at least 2). */
void region_init(struct region_map *m, struct rnode *nodes, uint32_t cap,
                 uint32_t first, uint32_t npages);

/* Allocate NPAGES pages: the lowest free region that fits.  Returns its
 * first page, or 0 if NPAGES is 0, no free region is large enough, or
 * the node array is full. */
uint32_t region_alloc(struct region_map *m, uint32_t npages);

/* Allocate exactly pages START .. START+NPAGES-1, with attributes ATTR:
 * they must all lie in one free region.  Returns START, or 0 if NPAGES is
 * 0, the pages are not all free, or the node array is full.  Nothing
 * changes on failure. */
uint32_t region_alloc_at(struct region_map *m, uint32_t start, uint32_t npages, uint32_t attr);

/* Release the allocated region that starts at page START.  Returns its
 * size in pages (> 0), or -E_FREE if START begins a free region, or
 * -E_NOREGION if no region starts there.  Nothing changes on error. */
int32_t region_free(struct region_map *m, uint32_t start);

/* Make the allocated region that starts at START NPAGES long (at least
 * 1): shrinking frees its tail, growing takes the front of the free
 * region that follows it.  Returns 0, -E_NOREGION if no allocated
 * region starts at START, -E_INVAL for NPAGES 0, -E_NOMEM if there is no
 * room to grow (or no node left).  Nothing changes on failure. */
int region_resize(struct region_map *m, uint32_t start, uint32_t npages);

/* Free pages START .. START+NPAGES-1, which must lie in one allocated
 * region: what is left of it on either side stays allocated (the region
 * splits in two when the pages are in its middle), with its attributes.
 * Returns 0, -E_NOREGION if the pages are not all in one allocated
 * region, -E_INVAL for NPAGES 0, -E_NOMEM if no node is left for a split.
 * Nothing changes on failure. */
int region_carve(struct region_map *m, uint32_t start, uint32_t npages);

/* Set the attributes of the allocated region that starts at START.
 * Returns 0 or -E_NOREGION. */
int region_set_attr(struct region_map *m, uint32_t start, uint32_t attr);

/* The attributes of the allocated region that contains PAGE, or 0 if
 * PAGE is in a free region or outside the map. */
uint32_t region_attr_of(const struct region_map *m, uint32_t page);

/* The region containing PAGE: sets *START and *NPAGES and returns 1 if it
 * is allocated, 0 if it is free, -1 if PAGE is outside the map. */
int region_find(const struct region_map *m, uint32_t page, uint32_t *start, uint32_t *npages);

/* 1 if PAGE lies in an allocated region, and then *ATTR is that
 * region's attributes; else 0.  region_find's answer alone, as cheaply
 * as possible, for the page-fault handler: the region found last is
 * tried first. */
int region_allocated(struct region_map *m, uint32_t page, uint32_t *attr);

/* region_allocated's first step, inline for the page-fault path: 1 (and
 * *ATTR) if PAGE lies in the allocated region found last, else 0 (then
 * ask region_allocated). */
static inline int region_hit(const struct region_map *m, uint32_t page, uint32_t *attr)
{
    const struct rnode *h = &m->node[m->hit];
    if (!m->hit || h->free || page - h->start >= h->npages) return 0;
    *attr = h->attr;
    return 1;
}

/* Call FN for every region in address order. */
void region_walk(const struct region_map *m,
                 void (*fn)(void *arg, uint32_t start, uint32_t npages, int free), void *arg);

/* Check every invariant (order, tiling, no two free neighbours, maxfree,
 * heap order, counts); returns 0 or a short description of the first
 * broken one. */
const char *region_check(const struct region_map *m);

#endif
