/* mm/slab.h - size classes carved from pages: the small-object layer of kmalloc.
 *
 * Small requests are rounded up to a size class (16, 32, ... 1024 bytes)
 * and served from pages dedicated to that class, so that a 24-byte
 * object costs 32 bytes rather than a whole page.  Each slab page starts
 * with a header (struct slab_page) followed by equal-sized objects.
 * Pages come from, and return to, a page source the caller supplies
 * (kmalloc's is the kernel-heap VMPool).  Pure code: it also compiles
 * on the host (tests/host/test_slab.c). */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <stdint.h>

#define SLAB_NCLASSES   7               /* 16 .. 1024 */
#define SLAB_MIN        16u
#define SLAB_MAX        1024u           /* larger requests are not slab objects */
#define SLAB_PAGE       4096u
#define SLAB_MAGIC      0x51AB51ABu
#define SLAB_POISON     0x6B            /* fills every free object */

struct slab_page {
    uint32_t magic;             /* SLAB_MAGIC: tells a slab page from anything else */
    uint16_t cls;               /* size class index */
    uint16_t nfree;             /* free objects in this page */
    uint32_t freelist;          /* offset of the first free object, 0 if none */
    struct slab_page *next;     /* this class's pages that have a free object */
    struct slab_page *prev;
    uint32_t inuse[8];          /* bit i: object i is allocated (256 at most) */
};

struct slab_cache {
    struct slab_page *partial[SLAB_NCLASSES];   /* pages with free objects */
    void *(*page_alloc)(void *ctx);             /* a 4 KiB aligned page, or 0 */
    void (*page_free)(void *ctx, void *page);
    void *ctx;
    uint32_t pages;                             /* slab pages held now */
    uint32_t live[SLAB_NCLASSES];               /* objects allocated, per class */
};

/* Start CACHE with no pages, taking pages from PAGE_ALLOC/PAGE_FREE. */
void slab_init(struct slab_cache *c, void *(*page_alloc)(void *ctx),
               void (*page_free)(void *ctx, void *page), void *ctx);

/* An object of at least SIZE bytes (1..SLAB_MAX), or 0 if no page could
 * be had.  Panics if the object's poison was damaged while it was free
 * (someone wrote to freed memory). */
void *slab_alloc(struct slab_cache *c, uint32_t size);

/* Free object P.  Returns 0, or with a message naming P and no change:
 * -E_INVAL if P is not the start of an object in a slab page, -E_FREE if
 * it is already free (a double free).  An emptied page is given back. */
int slab_free(struct slab_cache *c, void *p);

/* Size of the class serving SIZE (for tests and statistics). */
uint32_t slab_class_size(uint32_t size);

#endif
