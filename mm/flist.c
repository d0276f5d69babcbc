/* mm/flist.c - lists of frames threaded through the frame table (mm/flist.h). */
#include "mm/flist.h"
#include "kernel/panic.h"

static struct frame *table;
static uint32_t first, nframes;

void flist_table(struct frame *t, uint32_t f, uint32_t n)
{
    table = t;
    first = f;
    nframes = n;
}

static void __attribute__((noreturn, noinline)) outside(uint32_t f)
{
    panic("flist: frame 0x%x is not in the table", f);
}

static inline struct frame *entry(uint32_t f)
{
    if (__builtin_expect(f - first >= nframes, 0)) outside(f);
    return &table[f - first];
}

struct frame *flist_entry(uint32_t f) { return entry(f); }

int flist_has(uint32_t f) { return f - first < nframes; }

static void __attribute__((noreturn, noinline)) wrong_state(const struct flist *l, uint32_t f)
{
    panic("flist(%s): frame 0x%x is in state %u, not this list's", l->name, f, entry(f)->state);
}

void flist_push(struct flist *l, uint32_t f)
{
    struct frame *e = entry(f);
    if (e->state != FS_NONE)
        panic("flist_push(%s): frame 0x%x is in state %u already", l->name, f, e->state);
    e->state = l->state;
    e->next = 0;
    e->prev = l->tail;
    if (l->tail) entry(l->tail)->next = f;
    else l->head = f;
    l->tail = f;
    l->count++;
}

void flist_remove(struct flist *l, uint32_t f)
{
    struct frame *e = entry(f);
    if (e->state != l->state) wrong_state(l, f);
    /* Its neighbours are on the list, and so in the table (flist_push
     * checked them): no need to check their numbers again. */
    if (e->prev) table[e->prev - first].next = e->next;
    else l->head = e->next;
    if (e->next) table[e->next - first].prev = e->prev;
    else l->tail = e->prev;
    l->count--;
    frame_to_none(e);
}

uint32_t flist_pop(struct flist *l)
{
    uint32_t f = l->head;
    if (f) flist_remove(l, f);
    return f;
}

const char *flist_check(const struct flist *l)
{
    uint32_t n = 0, prev = 0;
    for (uint32_t f = l->head; f; prev = f, f = entry(f)->next) {
        if (entry(f)->prev != prev) return "a frame's prev link does not name the frame before it";
        if (entry(f)->state != l->state) return "a frame on the list is not in the list's state";
        if (++n > l->count) return "the list is longer than its count (or a cycle)";
    }
    if (n != l->count) return "the list is shorter than its count";
    if (l->tail != prev) return "the tail is not the last frame";
    return 0;
}
