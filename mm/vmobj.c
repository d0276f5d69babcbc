/* mm/vmobj.c - the objects behind regions: program images, shared memory.
 *
 * Objects are counted by the regions that use them (mm/vmpool.c calls
 * vmobj_get and vmobj_put as regions are made, split, cloned and
 * released), under the VM lock.  The last region's vmobj_put gives back
 * a shared object's frames and swap slots at once, and takes it off the
 * list of named segments, so nobody can find it again; but its memory
 * came from the kernel heap, whose lock ranks below the VM lock, so it
 * is freed later, by vmobj_reap, which callers run with no lock held. */
#include "mm/vmobj.h"
#include "mm/pager.h"
#include "mm/commit.h"
#include "mm/frame.h"
#include "mm/paging.h"
#include "mm/swap.h"
#include "mm/kmalloc.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/string.h"

static struct vmobj *named;         /* shared segments with a name */
static struct vmobj *dead;          /* objects to free (vmobj_reap) */

struct vmobj *vmobj_image(const uint8_t *data, uint32_t file_bytes)
{
    struct vmobj *o = kmalloc(sizeof *o);
    if (!o) return 0;
    memset(o, 0, sizeof *o);
    o->kind = VMOBJ_IMAGE;
    o->data = data;
    o->file_bytes = file_bytes;
    return o;
}

struct vmobj *vmobj_shared(const char *name, uint32_t npages)
{
    if (commit_charge(npages, "a shared object") != 0) return 0;
    struct vmobj *o = kmalloc(sizeof *o);
    uint32_t *page = kmalloc(npages * 4);
    if (!o || !page) {
        kfree(o);
        kfree(page);
        commit_release(npages);
        return 0;
    }
    memset(o, 0, sizeof *o);
    memset(page, 0, npages * 4);
    o->kind = VMOBJ_SHARED;
    o->npages = npages;
    o->page = page;
    strlcpy(o->name, name ? name : "", sizeof o->name);
    return o;
}

void vmobj_publish(struct vmobj *o)
{
    ASSERT(vm_excl_held());
    o->next = named;
    named = o;
}

struct vmobj *vmobj_find(const char *name)
{
    ASSERT(vm_excl_held());
    for (struct vmobj *o = named; o; o = o->next)
        if (strcmp(o->name, name) == 0) return o;
    return 0;
}

void vmobj_get(struct vmobj *o)
{
    if (o) o->refs++;
}

/* Give back everything shared object O holds: no mapping is left. */
static void release_pages(struct vmobj *o)
{
    for (uint32_t i = 0; i < o->npages; i++) {
        uint32_t e = o->page[i];
        if (e & VMOBJ_RESIDENT) {
            if (frame_of(e >> 12)->maps) panic("vmobj: page %u of '%s' is still mapped", i, o->name);
            pager_free_frame(e >> 12);
        } else if (pte_is_swap(e)) {
            swap_free(pte_slot(e));
        }
        o->page[i] = 0;
    }
}

void vmobj_put(struct vmobj *o)
{
    if (!o) return;
    if (o->refs == 0) panic("vmobj_put: an object with no users");
    if (--o->refs) return;
    if (o->kind == VMOBJ_SHARED) {
        release_pages(o);
        commit_release(o->npages);
    }
    for (struct vmobj **pp = &named; *pp; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
    o->next = dead;
    dead = o;
}

void vmobj_reap(void)
{
    for (;;) {
        vm_lock_excl();
        struct vmobj *o = dead;
        if (o) dead = o->next;
        vm_unlock_excl();
        if (!o) return;
        kfree(o->page);
        kfree(o);
    }
}

void vmobj_discard(struct vmobj *o)
{
    if (!o) return;
    if (o->refs) panic("vmobj_discard: '%s' has %u users", o->name, o->refs);
    if (o->kind == VMOBJ_SHARED) commit_release(o->npages);
    kfree(o->page);
    kfree(o);
}
