/* mm/kmalloc.h - the kernel heap: kmalloc/kfree on a VMPool. */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stdint.h>
#include "mm/vmpool.h"

#ifdef __cplusplus
extern "C" {
#endif

extern struct vmpool kheap;             /* the kernel-heap pool at KHEAP_BASE */

/* Set up the kernel heap pool. */
void kmalloc_init(void);

/* SIZE bytes of kernel memory (not zeroed).  Requests up to SLAB_MAX
 * come from size classes; larger ones get whole pages of their own, from
 * vmpool_alloc, and are page aligned.  Returns 0 (with a message) for
 * SIZE 0 or when memory runs out. */
void *kmalloc(uint32_t size);

/* Free P (0 is ignored).  Returns 0, or (with a message naming P, and
 * nothing changed) an error for a pointer kmalloc did not return or one
 * already freed. */
int kfree(void *p);

/* Slab pages and large regions held now (for leak checks). */
uint32_t kmalloc_pages(void);

#ifdef __cplusplus
}
#endif

#endif
