/* mm/fstack.c - stacks of frames (mm/fstack.h). */
#include "mm/fstack.h"
#include "mm/flist.h"
#include "kernel/panic.h"
#include "lib/string.h"

int fstack_push(struct fstack *s, uint32_t f)
{
    struct frame *e = flist_entry(f);
    if (e->state != FS_NONE)
        panic("fstack_push(%s): frame 0x%x is in state %u already", s->name, f, e->state);
    if (s->count == s->cap) return 0;
    e->state = s->state;
    s->frame[s->count++] = f;
    return 1;
}

uint32_t fstack_pop(struct fstack *s)
{
    if (!s->count) return 0;
    uint32_t f = s->frame[--s->count];
    struct frame *e = flist_entry(f);
    if (e->state != s->state)
        panic("fstack_pop(%s): frame 0x%x is in state %u, not the stack's", s->name, f, e->state);
    frame_to_none(e);
    return f;
}

uint32_t fstack_take(struct fstack *s, uint32_t *out, uint32_t max)
{
    uint32_t n = max < s->count ? max : s->count;
    s->count -= n;
    memcpy(out, &s->frame[s->count], n * sizeof *out);
    return n;
}

const char *fstack_check(const struct fstack *s)
{
    if (s->count > s->cap) return "the count is above the capacity";
    for (uint32_t i = 0; i < s->count; i++) {
        if (!flist_has(s->frame[i])) return "a frame on the stack is not in the table";
        if (flist_entry(s->frame[i])->state != s->state)
            return "a frame on the stack is not in the stack's state";
        for (uint32_t k = 0; k < i; k++)
            if (s->frame[k] == s->frame[i]) return "a frame is on the stack twice";
    }
    return 0;
}
