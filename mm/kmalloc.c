/* mm/kmalloc.c - kmalloc and kfree: size classes over the kernel-heap VMPool.
 *
 * The kernel heap is a VMPool like any other (KHEAP_BASE, mm/memlayout.h):
 * its pages are backed by process-pool frames on first touch.  Small
 * requests go to the slab layer (mm/slab.c), which takes whole pages
 * from the pool; large requests get their own page-rounded region that
 * starts with a 16-byte header:
 *
 *   large region:  [LARGE_MAGIC | npages | size | -][user data ...]
 *                  ^ page start                     ^ kmalloc returns this
 *
 * so kfree tells them apart by offset: 16 into a page is a large block,
 * 64 or more is a slab object, anything else was never handed out. */
#include "mm/kmalloc.h"
#include "mm/slab.h"
#include "mm/physmem.h"
#include "mm/memlayout.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "kernel/panic.h"
#include "kernel/sync.h"

struct vmpool kheap;
static struct slab_cache cache;
static struct mutex kheap_lock = MUTEX_INIT("kheap", LOCK_KHEAP);
static uint32_t large_pages;

#define LARGE_MAGIC 0xB16B10C5u
#define LARGE_HDR   16u

struct large_hdr {
    uint32_t magic;             /* LARGE_MAGIC while allocated */
    uint32_t npages;            /* size of the region */
    uint32_t size;              /* bytes asked for */
    uint32_t pad;
};

static void *heap_page(void *ctx)
{
    return (void *)vmpool_alloc(ctx, PAGE_SIZE);
}

static void heap_unpage(void *ctx, void *page)
{
    if (vmpool_release(ctx, (uint32_t)page) != 0)
        panic("kmalloc: slab page %p was not a heap region", page);
}

void kmalloc_init(void)
{
    if (vmpool_init(&kheap, "kheap", KHEAP_BASE, KHEAP_SIZE, PTE_W) != 0)
        panic("kmalloc_init: cannot create the kernel heap pool");
    slab_init(&cache, heap_page, heap_unpage, &kheap);
}

static void *kmalloc_locked(uint32_t size);
static int kfree_locked(void *p);

void *kmalloc(uint32_t size)
{
    mutex_lock(&kheap_lock);
    void *p = kmalloc_locked(size);
    mutex_unlock(&kheap_lock);
    return p;
}

int kfree(void *p)
{
    mutex_lock(&kheap_lock);
    int r = kfree_locked(p);
    mutex_unlock(&kheap_lock);
    return r;
}

static void *kmalloc_locked(uint32_t size)
{
    if (size == 0) {
        kprintf("kmalloc: kmalloc(0) refused\n");
        return 0;
    }
    if (size <= SLAB_MAX) {
        void *p = slab_alloc(&cache, size);
        if (!p) kprintf("kmalloc: out of memory for %u bytes\n", size);
        return p;
    }
    if (size > KHEAP_SIZE) {
        kprintf("kmalloc: %u bytes is larger than the whole heap\n", size);
        return 0;
    }
    uint32_t va = vmpool_alloc(&kheap, size + LARGE_HDR);
    if (!va) return 0;
    struct large_hdr *h = (struct large_hdr *)va;
    h->magic = LARGE_MAGIC;
    h->npages = PG_ROUND_UP(size + LARGE_HDR) / PAGE_SIZE;
    h->size = size;
    large_pages += h->npages;
    return (void *)(va + LARGE_HDR);
}

static int kfree_locked(void *p)
{
    uint32_t va = (uint32_t)p, start, npages;
    if (!p) return 0;
    int found = vmpool_region_of(&kheap, va, &start, &npages);
    if (found < 0) {
        struct vmpool_info in;
        vmpool_info(&kheap, &in);
        kprintf("kfree: %p is not in the kernel heap (0x%x-0x%x)\n", p, in.first_addr,
                kheap.base + kheap.size - 1);
        return -E_NOPOOL;
    }
    if (found != 1) {
        kprintf("kfree: %p is in no allocated heap region: a double free or a stale "
                "pointer\n", p);
        return -E_FREE;
    }
    if (PGOFF(va) == LARGE_HDR) {
        struct large_hdr *h = (struct large_hdr *)(va - LARGE_HDR);
        if (start != PG_ROUND_DOWN(va) || h->magic != LARGE_MAGIC || h->npages != npages) {
            kprintf("kfree: %p was not returned by kmalloc\n", p);
            return -E_INVAL;
        }
        h->magic = 0;
        large_pages -= npages;
        return vmpool_release(&kheap, va - LARGE_HDR);
    }
    if (PGOFF(va) < LARGE_HDR * 4) {
        kprintf("kfree: %p was not returned by kmalloc\n", p);
        return -E_INVAL;
    }
    return slab_free(&cache, p);
}

uint32_t kmalloc_pages(void)
{
    return cache.pages + large_pages;
}
