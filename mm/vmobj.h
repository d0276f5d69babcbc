/* mm/vmobj.h - what backs a region of a process: its attributes and objects.
 *
 * Every allocated region of a VMPool carries one attribute word
 * (struct rnode's ATTR, mm/region.h).  For the pools of a process it
 * says how the region's pages are made and who may write them:
 *
 *    31                                        4   3   2   1   0
 *   +-------------------------------------------+---+---+---+---+
 *   |  struct vmobj *, 16-byte aligned, or 0    | - | S | H | W |
 *   +-------------------------------------------+---+---+---+---+
 *     W  RGN_W       writable (else read-only: program text)
 *     H  RGN_SHARED  pages are the object's, shared by every mapping
 *     S  RGN_STACK   the stack: grows down by the stack rule (mm/fault.c)
 *
 *   object 0               anonymous memory: a page's first touch maps
 *                          a fresh zeroed frame (heap, stack, private mmap)
 *   VMOBJ_IMAGE            a segment of a program image: a page's first
 *                          touch copies its bytes from the image (and
 *                          zeroes the rest: bss); a clean page evicted is
 *                          simply dropped and read again from the image
 *   VMOBJ_SHARED           shared memory (named segments, MAP_SHARED): the
 *                          object keeps, for each of its pages, the frame
 *                          (or swap slot) every mapping shares
 *
 * A private page that was written is the process's own from then on,
 * whatever backs its region: it goes to swap when evicted. */
#ifndef MM_VMOBJ_H
#define MM_VMOBJ_H

#include <stdint.h>

#define RGN_W       0x1u
#define RGN_SHARED  0x2u
#define RGN_STACK   0x4u
#define RGN_FLAGS   0xFu

#define VMOBJ_IMAGE  1
#define VMOBJ_SHARED 2

#define VMOBJ_NAME 24               /* a shared segment's name, NUL included */

struct vmobj {
    uint32_t kind;                  /* VMOBJ_IMAGE or VMOBJ_SHARED */
    uint32_t refs;                  /* regions (of any space) that use it */
    /* VMOBJ_IMAGE: the region's first page holds image bytes DATA[0 ..
     * FILE_BYTES), then zeros; DATA lies in the kernel image. */
    const uint8_t *data;
    uint32_t file_bytes;
    /* VMOBJ_SHARED: */
    uint32_t npages;
    uint32_t *page;                 /* each page: 0, frame << 12 | VMOBJ_RESIDENT,
                                       or a swap entry (mm/pte.h) */
    char name[VMOBJ_NAME];          /* "" for an anonymous MAP_SHARED object */
    struct vmobj *next;             /* named segments, for shm lookups */
};

#define VMOBJ_RESIDENT 0x1u

static inline struct vmobj *rgn_obj(uint32_t attr) { return (struct vmobj *)(attr & ~RGN_FLAGS); }
static inline uint32_t rgn_attr(struct vmobj *o, uint32_t flags) { return (uint32_t)o | flags; }

/* A new image object: pages hold DATA[0 .. FILE_BYTES), then zeros.  No
 * users yet; 0 if no memory.  (kmalloc: call with no lock held.) */
struct vmobj *vmobj_image(const uint8_t *data, uint32_t file_bytes);

/* A new shared object of NPAGES zero pages, named NAME ("" or 0 for
 * none), its pages charged (mm/commit.h) until it dies or is discarded.
 * No users yet; 0 if no memory, or the charge was refused.  (No lock
 * held.) */
struct vmobj *vmobj_shared(const char *name, uint32_t npages);

/* Put shared object O on the list vmobj_find searches (VM lock held). */
void vmobj_publish(struct vmobj *o);

/* The named shared object called NAME, or 0 (VM lock held). */
struct vmobj *vmobj_find(const char *name);

/* A region starts or stops using O (0 is anonymous memory: nothing to
 * count).  The last user's put gives back O's frames and swap slots and
 * unpublishes it; its memory waits for vmobj_reap (VM lock held). */
void vmobj_get(struct vmobj *o);
void vmobj_put(struct vmobj *o);

/* Free the objects nobody uses any more.  Call with no lock held. */
void vmobj_reap(void);

/* Free O, which never got a user (a failed exec or mmap).  No lock held. */
void vmobj_discard(struct vmobj *o);

#endif
