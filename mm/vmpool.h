/* mm/vmpool.h - VMPools: lazily backed ranges of virtual address space.
 *
 * A VMPool owns a range [base, base+size) of virtual addresses.
 * vmpool_alloc() hands out page-rounded regions of it, first fit, but
 * maps nothing: a page gets a frame from the process pool the first time
 * it is touched, in the page-fault handler (mm/fault.c), which finds
 * the pool (vmpool_pager_at) and asks it whether the address was really
 * allocated (vmpool_lookup).
 * vmpool_release() gives every page of a region back through free_page()
 * (or, in a pageable pool, the pager) and merges the region with its
 * free neighbours.
 *
 * The pool's bookkeeping (a region map, mm/region.h) lives in the pool's
 * own first pages, as in the classic design: those pages are always
 * legitimate, and like any other page they get frames only when touched,
 * so the table grows page by page as regions are added. */
#ifndef MM_VMPOOL_H
#define MM_VMPOOL_H

#include <stdint.h>
#include "mm/region.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pager;
struct aspace;

/* A VMPool.  Callers provide the storage and may read NAME, BASE, SIZE,
 * PTE_FLAGS and PAGER; everything else is private to mm/vmpool.c (use
 * the functions below). */
struct vmpool {
    const char *name;
    uint32_t base;              /* first address, page aligned */
    uint32_t size;              /* bytes, page aligned */
    uint32_t pte_flags;         /* PTE_W (and PTE_U) for its pages */
    struct pager *pager;        /* 0, or what pages this pool out (mm/pager.h) */
    struct aspace *as;          /* the space whose user half it is in, 0: the kernel half */
    /* private: */
    uint32_t meta_end;          /* [base, meta_end) holds the region map's nodes */
    struct rnode *knodes;       /* or 0; a process pool's nodes, in the kernel heap */
    struct region_map map;      /* allocated and free regions, in pages */
    struct vmpool *next;        /* all registered pools */
    uint32_t nallocs;           /* successful vmpool_alloc calls */
    uint32_t nreleases;         /* successful vmpool_release calls */
};

/* Set up POOL over [BASE, BASE+SIZE) (both page aligned; SIZE at least
 * two pages) whose pages are mapped with PTE_FLAGS and backed by frames
 * of the process pool, and register it with the page-fault handler: in
 * the current address space if it lies in the user half, for every
 * space if it lies in the kernel half.  Returns 0, or -E_INVAL (with a
 * message) if the range is misaligned, too small, overlaps the
 * identity-mapped first 4 MiB, the kernel's windows at the top, or
 * another pool of the space, or straddles the two halves. */
int vmpool_init(struct vmpool *pool, const char *name, uint32_t base, uint32_t size,
                uint32_t pte_flags);


/* Set up POOL as a pool of a process, in the current space: pages are
 * user-accessible (PTE_U, writable as each region's attributes say,
 * mm/vmobj.h), and the region map, room for MAX_REGIONS regions, is kept
 * in the kernel heap rather than in the pool's first pages, so the whole
 * range is the process's.  Returns 0, -E_NOMEM, or -E_INVAL as
 * vmpool_init. */
int vmpool_init_user(struct vmpool *pool, const char *name, uint32_t base, uint32_t size,
                     uint32_t max_regions);

/* Reserve SIZE bytes, rounded up to whole pages: returns the region's
 * first address, or 0 (with a message) if SIZE is 0 or no free region
 * is large enough.  No frame is taken until a page is touched. */
uint32_t vmpool_alloc(struct vmpool *pool, uint32_t size);

/* Release the region that starts at START: every touched page goes back
 * to the process pool (and every swapped page's slot to swap), and the
 * region rejoins the free space.  Returns 0, or (with a message naming
 * START, and no change) -E_NOPOOL if START is outside the pool, -E_FREE
 * if it is not allocated (a second release), -E_NOREGION if it is
 * inside a region but not its start, -E_INVAL if it is the pool's own
 * bookkeeping. */
int vmpool_release(struct vmpool *pool, uint32_t start);

/* Reserve exactly the pages of [VA, VA+SIZE) (VA page aligned), with
 * region attributes ATTR (mm/vmobj.h; its object gains a user).
 * Returns VA, or 0 if any of those pages is taken or outside the pool. */
uint32_t vmpool_alloc_at(struct vmpool *pool, uint32_t va, uint32_t size, uint32_t attr);

/* vmpool_alloc, with attributes ATTR for the new region. */
uint32_t vmpool_alloc_attr(struct vmpool *pool, uint32_t size, uint32_t attr);


/* Make the region that starts at START SIZE bytes long (rounded up to
 * pages, at least one): shrinking gives back the pages of its tail;
 * growing takes free pages that follow it.  Returns 0, -E_NOREGION,
 * -E_INVAL (size 0), or -E_NOMEM (no room to grow); nothing changes on
 * failure. */
int vmpool_resize(struct vmpool *pool, uint32_t start, uint32_t size);

/* Give back the pages of [VA, VA+LEN) (VA page aligned, LEN rounded up),
 * which must lie in one allocated region; what is left of the region on
 * either side stays allocated, so unmapping its middle splits it.
 * Returns 0, -E_INVAL, -E_NOREGION, or -E_NOMEM (no node for a split). */
int vmpool_unmap(struct vmpool *pool, uint32_t va, uint32_t len);

/* Memory for a copy of process pool SRC's region map (from the kernel
 * heap: call with no lock held), or 0. */
struct rnode *vmpool_clone_nodes(const struct vmpool *src);

/* Make DST a copy of process pool SRC (same range, regions and
 * attributes, its own region map in NODES, from vmpool_clone_nodes),
 * registered in space AS (fork: the pages themselves are the caller's
 * to share). */
void vmpool_clone(struct vmpool *dst, const struct vmpool *src, struct aspace *as,
                  struct rnode *nodes);

/* Is ADDR inside an allocated region of POOL (or its bookkeeping)? */
int vmpool_legit(struct vmpool *pool, uint32_t addr);

/* What the page-fault handler needs to know about an address, found in
 * one search of the pool's regions (vmpool_lookup). */
struct vmpool_where {
    uint32_t attr;              /* its region's attributes (0 in a kernel pool) */
    uint32_t pte_flags;         /* the flags its page is mapped with: the pool's own for a
                                   kernel pool; for a process pool, PTE_U, and PTE_W
                                   if its region is writable */
};

/* For the page-fault handler: vmpool_of(ADDR), and in *PG the pager of
 * ADDR's page there, whose lock a fault takes: the pool's, or 0 for the
 * pool's own bookkeeping pages (never paged) or no pool. */
struct vmpool *vmpool_pager_at(uint32_t addr, struct pager **pg);

/* vmpool_legit for an ADDR known to lie in POOL (vmpool_pager_at found
 * it there), and if ADDR is legitimate, fill *W.  Returns 1 or 0. */
int vmpool_lookup(struct vmpool *pool, uint32_t addr, struct vmpool_where *w);

/* The region of POOL that contains ADDR: sets *START and *NPAGES (bytes
 * and pages) and returns 1 if it is allocated, 0 if free, -1 if ADDR is
 * not in the pool's allocatable range (outside it, or its bookkeeping). */
int vmpool_region_of(struct vmpool *pool, uint32_t addr, uint32_t *start, uint32_t *npages);

/* What a VMPool looks like now, for messages, tests and vmstat. */
struct vmpool_info {
    uint32_t nalloc, nfree;     /* allocated and free regions */
    uint32_t allocs, releases;  /* successful vmpool_alloc / vmpool_release calls */
    uint32_t first_addr;        /* where regions start: above the pool's bookkeeping */
    uint32_t npages;            /* pages regions can take, from first_addr on */
};
void vmpool_info(const struct vmpool *pool, struct vmpool_info *out);

/* Check every invariant of POOL's region map; 0, or what is broken. */
const char *vmpool_check(const struct vmpool *pool);

/* The registered pool whose range contains ADDR, or 0. */
struct vmpool *vmpool_of(uint32_t addr);

/* The pool that holds ADDR in space AS (0 or any space, for the kernel
 * half), or 0: vmpool_of for a space that need not be the current one. */
struct vmpool *vmpool_in(struct aspace *as, uint32_t addr);

/* The first registered pool (the rest follow through ->next). */
struct vmpool *vmpools(void);

/* Release every allocated region of POOL (vmpool_release on each). */
void vmpool_empty(struct vmpool *pool);

/* Call FN(ARG, START, NPAGES, ATTR) for every allocated region of POOL,
 * in address order (FN must not change the pool). */
void vmpool_each_region(struct vmpool *pool,
                        void (*fn)(void *arg, uint32_t start, uint32_t npages, uint32_t attr),
                        void *arg);

/* Unregister POOL and free its bookkeeping pages.  Returns -E_BUSY if
 * it still has allocated regions (nothing changes), else 0. */
int vmpool_destroy(struct vmpool *pool);

/* Frames now backing POOL's own region table (it grows page by page as
 * the node array reaches new pages, and keeps them). */
uint32_t vmpool_table_frames(const struct vmpool *pool);

/* Print POOL's regions (at most MAX lines of them). */
void vmpool_print(const struct vmpool *pool, int max);

#ifdef __cplusplus
}
#endif

#endif
