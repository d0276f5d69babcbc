/* mm/slab.c - the size-class allocator under kmalloc.
 *
 *   slab page (4 KiB):  [header | pad][obj 0][obj 1] ... [obj n-1]
 *
 * Objects start at the first multiple of the object size past the header
 * (64 bytes for the small classes), so every object is aligned to its
 * own size.  A free object holds, in its first word, the offset of the
 * next free object in the page, and the poison byte 0x6B everywhere
 * else; slab_alloc checks the poison before handing the object out, so a
 * write through a dangling pointer is caught at the next allocation.
 * The header's INUSE bitmap tells a double free from a first one. */
#include <stddef.h>
#include "mm/slab.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "kernel/panic.h"

static uint32_t obj_size(uint32_t cls) { return SLAB_MIN << cls; }

/* Offset of object 0: the header rounded up to the object size (64 minimum). */
static uint32_t first_off(uint32_t cls)
{
    uint32_t s = obj_size(cls), h = sizeof(struct slab_page);
    if (s < 64) s = 64;
    return (h + s - 1) / s * s;
}

static uint32_t nobjs(uint32_t cls) { return (SLAB_PAGE - first_off(cls)) / obj_size(cls); }

uint32_t slab_class_size(uint32_t size)
{
    uint32_t cls = 0;
    while (obj_size(cls) < size) cls++;
    return obj_size(cls);
}

void slab_init(struct slab_cache *c, void *(*page_alloc)(void *),
               void (*page_free)(void *, void *), void *ctx)
{
    memset(c, 0, sizeof *c);
    c->page_alloc = page_alloc;
    c->page_free = page_free;
    c->ctx = ctx;
}

static void unlink_page(struct slab_cache *c, struct slab_page *pg)
{
    if (pg->prev) pg->prev->next = pg->next;
    else c->partial[pg->cls] = pg->next;
    if (pg->next) pg->next->prev = pg->prev;
    pg->next = pg->prev = 0;
}

static void push_page(struct slab_cache *c, struct slab_page *pg)
{
    pg->prev = 0;
    pg->next = c->partial[pg->cls];
    if (pg->next) pg->next->prev = pg;
    c->partial[pg->cls] = pg;
}

/* A new page for class CLS with every object free and poisoned. */
static struct slab_page *new_page(struct slab_cache *c, uint32_t cls)
{
    struct slab_page *pg = c->page_alloc(c->ctx);
    if (!pg) return 0;
    uint32_t s = obj_size(cls), off = first_off(cls), n = nobjs(cls);
    memset(pg, 0, sizeof *pg);
    memset((uint8_t *)pg + off, SLAB_POISON, n * s);
    pg->magic = SLAB_MAGIC;
    pg->cls = (uint16_t)cls;
    pg->nfree = (uint16_t)n;
    pg->freelist = off;
    for (uint32_t i = 0; i < n; i++)
        *(uint32_t *)((uint8_t *)pg + off + i * s) = i + 1 < n ? off + (i + 1) * s : 0;
    c->pages++;
    push_page(c, pg);
    return pg;
}

void *slab_alloc(struct slab_cache *c, uint32_t size)
{
    if (size == 0 || size > SLAB_MAX) return 0;
    uint32_t cls = 0;
    while (obj_size(cls) < size) cls++;
    struct slab_page *pg = c->partial[cls];
    if (!pg && !(pg = new_page(c, cls))) return 0;

    uint32_t off = pg->freelist, s = obj_size(cls);
    uint8_t *obj = (uint8_t *)pg + off;
    for (uint32_t i = 4; i < s; i++)
        if (obj[i] != SLAB_POISON)
            panic("slab_alloc: free object %p (%u bytes) was written at byte %u after it "
                  "was freed", obj, s, i);
    pg->freelist = *(uint32_t *)obj;
    uint32_t idx = (off - first_off(cls)) / s;
    pg->inuse[idx / 32] |= 1u << (idx % 32);
    if (--pg->nfree == 0) unlink_page(c, pg);
    c->live[cls]++;
    return obj;
}

int slab_free(struct slab_cache *c, void *p)
{
    struct slab_page *pg = (struct slab_page *)((uintptr_t)p & ~(uintptr_t)(SLAB_PAGE - 1));
    uint32_t off = (uint32_t)((uintptr_t)p - (uintptr_t)pg);
    if (pg->magic != SLAB_MAGIC || pg->cls >= SLAB_NCLASSES) {
        kprintf("kfree: %p is not in a kmalloc page\n", p);
        return -E_INVAL;
    }
    uint32_t cls = pg->cls, s = obj_size(cls);
    if (off < first_off(cls) || (off - first_off(cls)) % s != 0 ||
        (off - first_off(cls)) / s >= nobjs(cls)) {
        kprintf("kfree: %p is not the start of a %u-byte object\n", p, s);
        return -E_INVAL;
    }
    uint32_t idx = (off - first_off(cls)) / s;
    if (!(pg->inuse[idx / 32] & (1u << (idx % 32)))) {
        kprintf("kfree: %p (%u-byte object) is already free: double free\n", p, s);
        return -E_FREE;
    }
    pg->inuse[idx / 32] &= ~(1u << (idx % 32));
    memset(p, SLAB_POISON, s);                  /* catch use after free */
    *(uint32_t *)p = pg->freelist;
    pg->freelist = off;
    c->live[cls]--;
    if (pg->nfree++ == 0) push_page(c, pg);
    if (pg->nfree == nobjs(cls)) {              /* empty: give the page back */
        unlink_page(c, pg);
        pg->magic = 0;
        c->pages--;
        c->page_free(c->ctx, pg);
    }
    return 0;
}
