/* mm/frame.h - the frame table: one entry per frame of the process pool.
 *
 * The frame pools (mm/frame_pool.h) say only whether a frame is free.
 * Once frames can be shared (fork's copy-on-write, shared memory), the
 * kernel must also know, for every frame in use, who maps it: how many
 * page-table entries point at it (a copy-on-write write copies the page
 * only if that count is above one; the frame is freed when it reaches
 * zero) and which ones (to evict a shared page, every mapping of it must
 * go: the reverse map).  That is this table, kept beside the frames:
 *
 *   frame number f  ->  frames[f - process_pool.base]
 *
 *      maps    PTEs that map the frame now (present)
 *      use     what it holds: a page table, a kernel page, a page of a
 *              pool of the kernel's space, a process's page
 *      as, va  its first mapping, kept in the entry itself (most frames
 *              have exactly one mapping, and then the reverse map costs
 *              no allocation)
 *      more    further mappings: a chain of struct rmap
 *      slot    the swap slot holding a current copy of the page, if any
 *              (one reference to the slot is the frame's)
 *      objpage the entry of a shared object's page array (mm/vmobj.h)
 *              that names this frame, if it is an object's page
 *      pager   the pager that holds it resident (mm/pager.h), if any,
 *      wslot   and its slot there
 *      next,   instead of those, on one of the paging daemon's lists
 *      prev    (mm/daemon.h): the frames before and after it
 *      state   where it is in the paging daemon's life cycle (FS_*)
 *      flags   FRAME_DIRTY: some mapping's D bit was set when that
 *              mapping went (the page differs from any swap copy);
 *              FRAME_INFLIGHT: the writer is writing it; FRAME_DOOMED:
 *              its page was released while in flight
 *
 * The table lives in the kernel half at FRAMETAB_BASE (mm/memlayout.h),
 * 32 bytes a frame (24 MiB for 3 GiB of RAM), mapped at boot.  A
 * frame's entry changes under the lock of whoever holds the frame
 * (mm/paging.h): the VM lock exclusive, or shared with the lock of the
 * pager whose page it holds (or the unpaged lock); STATE, NEXT and PREV
 * of a frame on a list, under the lists lock too (mm/daemon.c).  A frame
 * mapped more than once (fork, shared memory) is always a process's, so
 * the reverse-map entries are taken and given back only under the
 * processes' pager's lock or the VM lock exclusive.  map_page and the
 * unmapping functions of mm/paging.c keep MAPS and the reverse map, so
 * no caller can forget to. */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdint.h>
#include "mm/memlayout.h"

#ifdef __cplusplus
extern "C" {
#endif

struct aspace;
struct pager;

/* What a frame in use holds. */
#define FRAME_USE_NONE   0      /* free, or in flight (taken, not yet mapped) */
#define FRAME_USE_PT     1      /* a page table or page directory */
#define FRAME_USE_KERNEL 2      /* a page of the kernel half (heap, stacks, this table) */
#define FRAME_USE_POOL   3      /* a page of a VMPool of the kernel's own space */
#define FRAME_USE_USER   4      /* a page of a process */

/* A mapping beyond a frame's first. */
struct rmap {
    struct aspace *as;
    uint32_t va;
    struct rmap *next;
};

struct frame {
    uint16_t maps;              /* PTEs mapping it now (present, or in transition) */
    uint8_t use;                /* FRAME_USE_* */
    uint8_t state : 4;          /* FS_* */
    uint8_t flags : 4;          /* FRAME_DIRTY, FRAME_INFLIGHT, FRAME_DOOMED */
    uint32_t slot;              /* swap slot with a current copy, or 0xFFFFFFFF */
    struct aspace *as;          /* first mapping: space ... */
    uint32_t va;                /* ... and page address (valid while maps > 0) */
    struct rmap *more;          /* the other mappings, 0 if none */
    uint32_t *objpage;          /* the shared object's entry for it, or 0 */
    union {
        struct {                /* state FS_NONE: */
            struct pager *pager;    /* the pager it is resident in, or 0 */
            uint32_t wslot;         /* its slot there, or FRAME_NO_WSLOT */
        };
        struct {                /* on a list (FS_STANDBY, FS_MODIFIED); unused by
                                   FS_ZEROED frames (on a stack, mm/fstack.h, or in
                                   a pager's stash) */
            uint32_t next, prev;    /* neighbours, by frame number; 0 at the ends */
        };
    };
};

#define FRAME_DIRTY    0x1      /* a mapping's D bit was seen set (it may be gone now) */
#define FRAME_INFLIGHT 0x2      /* being written to swap by the writer */
#define FRAME_DOOMED   0x4      /* released while in flight: the writer frees it */
#define FRAME_NO_WSLOT 0xFFFFFFFFu

/* The paging daemon's frame states (mm/daemon.h draws the transitions).
 * A frame in none of the lists is FS_NONE: free in the frame pool, or in
 * use (USE says as what: a page table, a kernel page, a page of a
 * process or pool, resident and mapped). */
#define FS_NONE     0
#define FS_ZEROED   1           /* taken from the pool, all zeros: on the zeroed list,
                                   or in a pager's stash (mm/daemon.c) */
#define FS_STANDBY  2           /* on the standby list: trimmed, clean */
#define FS_MODIFIED 3           /* on the modified list: trimmed, dirty */
#define FS_WRITING  4           /* taken off the modified list by the writer, in flight */

/* E leaves a list (or a stash, or the writer's hands) for no state: in
 * no pager, the union's other side. */
static inline void frame_to_none(struct frame *e)
{
    e->state = FS_NONE;
    e->pager = 0;
    e->wslot = FRAME_NO_WSLOT;
}

/* Map and fill the table (after paging_init): record the page tables
 * and kernel pages already mapped. */
void frame_table_init(void);

/* The process pool's frames [frame_first, frame_first + frame_count);
 * frame_count is 0 until the table is up.  (Read them through the
 * functions below.) */
extern uint32_t frame_first, frame_count;
void frame_bad(uint32_t f, const char *why) __attribute__((noreturn));

/* The entry of process-pool frame F (panics on a frame outside it). */
static inline struct frame *frame_of(uint32_t f)
{
    if (f - frame_first >= frame_count) frame_bad(f, "is not in the process pool");
    return (struct frame *)FRAMETAB_BASE + (f - frame_first);
}

/* Record that (AS, VA) is the first and only mapping of frame F, just
 * taken from the pool, which now holds a page of kind USE: frame_add_map
 * and frame_set_use in one, for the page-fault path.  Panics if F is
 * mapped already; does nothing before the table is up. */
static inline void frame_map_fresh(uint32_t f, struct aspace *as, uint32_t va, uint8_t use)
{
    if (!frame_count) return;
    struct frame *fr = frame_of(f);
    if (fr->maps) frame_bad(f, "is mapped already, but was taken as a fresh frame");
    fr->maps = 1;
    fr->use = use;
    fr->as = as;
    fr->va = va;
}

/* Is the frame table up (frame_table_init has run)? */
int frame_table_ready(void);

/* Record that (AS, VA) now maps frame F.  Returns 0, or -E_NOMEM if no
 * memory is left for a reverse-map entry (only a second mapping needs
 * one).  Inline for fork, which shares thousands of pages in a loop; the
 * rare cases (the table not up yet, the arena to grow) are
 * frame_add_map_slow's. */
extern struct rmap *rmap_free_list;     /* unused reverse-map entries (mm/frame.c) */
int frame_add_map_slow(uint32_t f, struct aspace *as, uint32_t va);
static inline int frame_add_map(uint32_t f, struct aspace *as, uint32_t va)
{
    struct rmap *r = rmap_free_list;
    if (!frame_count || !r) return frame_add_map_slow(f, as, va);
    struct frame *fr = frame_of(f);
    if (fr->maps == 0) {
        fr->as = as;
        fr->va = va;
    } else {
        rmap_free_list = r->next;
        *r = (struct rmap){ as, va, fr->more };
        fr->more = r;
    }
    fr->maps++;
    return 0;
}

/* Record that (AS, VA) no longer maps frame F; returns the mappings
 * left.  Panics if (AS, VA) was not one. */
uint32_t frame_remove_map(uint32_t f, struct aspace *as, uint32_t va);

/* Call FN(ARG, AS, VA) for every mapping of frame F (FN must not change
 * them).  Inline, so that a constant FN is inlined too: the soft fault's
 * path and eviction's walk it. */
static inline void frame_for_each_map(uint32_t f,
                                      void (*fn)(void *arg, struct aspace *as, uint32_t va),
                                      void *arg)
{
    struct frame *fr = frame_of(f);
    if (fr->maps == 0) return;
    fn(arg, fr->as, fr->va);
    for (struct rmap *r = fr->more; r; r = r->next) fn(arg, r->as, r->va);
}

/* Set the use of frame F (a page table, say). */
void frame_set_use(uint32_t f, uint8_t use);

#ifdef __cplusplus
}
#endif

#endif
