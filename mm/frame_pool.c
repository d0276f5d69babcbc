/* mm/frame_pool.c - the contiguous frame pool allocator.
 *
 * Each pool keeps two bits per frame in a bitmap:
 *
 *      00 FREE    01 USED (inside a sequence)    10 HEAD    11 INACC
 *
 * so that release_frames(first) can tell where a sequence handed out by
 * get_frames(n) ends: at the first frame after FIRST that is not USED.
 * 16 frames fit in one 32-bit word, frame i at bits 2*(i%16)+1..2*(i%16)
 * of word i/16.
 *
 * Searching a word at a time.  For a word W, (W | W >> 1) & 0x55555555
 * has bit 2k set exactly when frame k of the word is not free.  A word
 * with all 16 frames taken is skipped with one compare, a word with all
 * 16 free extends a run by 16 at once.  The pool also remembers a hint:
 * the lowest word that may still contain a free frame.  Allocation
 * begins there and release moves it back, so get_frames(1) costs the
 * same in a 32 MiB machine as in a 1 GiB one (`make bench` measures it).
 *
 * This file is pure data-structure code: it also compiles on the host,
 * where tests/host/test_frame_pool.c runs it under AddressSanitizer. */
#include <stddef.h>
#include "mm/frame_pool.h"
#include "mm/memlayout.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "kernel/panic.h"

#define FRAMES_PER_WORD 16
#define FRAMES_PER_INFO_FRAME (PAGE_SIZE * 8 / 2)
#define EVEN_BITS 0x55555555u

static struct frame_pool *pools;    /* every pool, for release_frames */

/* One spinlock for every pool's bitmap (kernel/sync.h, level 50).  Host
 * builds of this file are single-threaded and have no locks. */
#ifdef VMLAB_HOST
#define LOCK()   ((void)0)
#define UNLOCK() ((void)0)
#else
#include "kernel/sync.h"
static struct spinlock frames_lock = SPINLOCK_INIT("frames", LOCK_FRAMES);
#define LOCK()   spin_lock(&frames_lock)
#define UNLOCK() spin_unlock(&frames_lock)
#endif

/* The state of the pool's I-th frame (frame number base + I). */
static uint32_t state_at(const struct frame_pool *p, uint32_t i)
{
    return (p->bitmap[i / FRAMES_PER_WORD] >> (2 * (i % FRAMES_PER_WORD))) & 3;
}

/* Set the state of the pool's I-th frame to S. */
static void set_state_at(struct frame_pool *p, uint32_t i, uint32_t s)
{
    uint32_t *w = &p->bitmap[i / FRAMES_PER_WORD];
    uint32_t sh = 2 * (i % FRAMES_PER_WORD);
    *w = (*w & ~(3u << sh)) | (s << sh);
}

/* Bit 2k of the result is set when frame k of word W is not free. */
uint32_t frame_state(const struct frame_pool *p, uint32_t frame)
{
    return state_at(p, frame - p->base);
}

static inline uint32_t busy_bits(uint32_t w)
{
    return (w | (w >> 1)) & EVEN_BITS;
}

static uint32_t nwords(const struct frame_pool *p)
{
    return (p->nframes + FRAMES_PER_WORD - 1) / FRAMES_PER_WORD;
}

uint32_t needed_info_frames(uint32_t n)
{
    return (n + FRAMES_PER_INFO_FRAME - 1) / FRAMES_PER_INFO_FRAME;
}

void frame_pool_init(struct frame_pool *p, const char *name,
                     uint32_t base, uint32_t n, uint32_t info_frame)
{
    uint32_t ninfo = needed_info_frames(n);
    if (n == 0 || base == 0)
        panic("frame_pool_init(%s): bad range base 0x%x, %u frames", name, base, n);
    if (info_frame == 0 && ninfo >= n)
        panic("frame_pool_init(%s): %u frames cannot hold their own bitmap", name, n);

    p->name = name;
    p->base = base;
    p->nframes = n;
    p->bitmap = frame_addr(info_frame ? info_frame : base);
    p->hint = 0;
    for (uint32_t w = 0; w < nwords(p); w++) p->bitmap[w] = 0;
    /* Fields past the last frame of the last word are never free. */
    for (uint32_t i = n; i % FRAMES_PER_WORD; i++) set_state_at(p, i, FRAME_INACC);

    p->nfree = n;
    p->nused = 0;
    p->ninacc = 0;
    if (info_frame == 0) {
        for (uint32_t i = 0; i < ninfo; i++) set_state_at(p, i, FRAME_INACC);
        p->nfree -= ninfo;
        p->ninacc = ninfo;
    }
    p->next = pools;
    pools = p;
}

/* get_frames(P, 1): the lowest free frame, from the hint on.  Kept apart
 * because it is on the page-fault path. */
static uint32_t get_one(struct frame_pool *p)
{
    uint32_t nw = nwords(p);
    for (uint32_t w = p->hint; w < nw; w++) {
        uint32_t busy = busy_bits(p->bitmap[w]);
        if (busy == EVEN_BITS) {                /* full: no word below has room */
            p->hint = w + 1;
            continue;
        }
        uint32_t sh = __builtin_ctz(~busy & EVEN_BITS);
        p->bitmap[w] |= FRAME_HEAD << sh;       /* the field was 00 */
        p->nfree--;
        p->nused++;
        return p->base + w * FRAMES_PER_WORD + sh / 2;
    }
    return 0;
}

static uint32_t __attribute__((noinline)) get_locked(struct frame_pool *p, uint32_t n);

uint32_t get_frames(struct frame_pool *p, uint32_t n)
{
    LOCK();
    uint32_t f = n == 1 ? get_one(p) : get_locked(p, n);
    UNLOCK();
    return f;
}

static uint32_t __attribute__((noinline)) get_locked(struct frame_pool *p, uint32_t n)
{
    if (n == 0 || n > p->nframes) return 0;

    uint32_t run = 0, start = 0;
    int below_all_full = 1;         /* every word so far was full */
    for (uint32_t w = p->hint; w < nwords(p); w++) {
        uint32_t busy = busy_bits(p->bitmap[w]);
        if (busy == EVEN_BITS) {                /* 16 frames taken */
            run = 0;
            if (below_all_full) p->hint = w + 1;
            continue;
        }
        below_all_full = 0;
        if (busy == 0) {                        /* 16 frames free */
            if (run == 0) start = w * FRAMES_PER_WORD;
            run += FRAMES_PER_WORD;
            if (run >= n) goto found;
            continue;
        }
        for (uint32_t k = 0; k < FRAMES_PER_WORD; k++) {
            if (busy & (1u << (2 * k))) {
                run = 0;
                continue;
            }
            if (run++ == 0) start = w * FRAMES_PER_WORD + k;
            if (run >= n) goto found;
        }
    }
    return 0;

found:
    set_state_at(p, start, FRAME_HEAD);
    for (uint32_t i = 1; i < n; i++) set_state_at(p, start + i, FRAME_USED);
    p->nfree -= n;
    p->nused += n;
    return p->base + start;
}

struct frame_pool *frame_pool_of(uint32_t frame)
{
    for (struct frame_pool *p = pools; p; p = p->next)
        if (frame >= p->base && frame - p->base < p->nframes) return p;
    return NULL;
}

static int mark_locked(struct frame_pool *p, uint32_t base, uint32_t n);

int mark_inaccessible(struct frame_pool *p, uint32_t base, uint32_t n)
{
    LOCK();
    int r = mark_locked(p, base, n);
    UNLOCK();
    return r;
}

static int mark_locked(struct frame_pool *p, uint32_t base, uint32_t n)
{
    if (base < p->base || n > p->nframes || base - p->base > p->nframes - n) {
        kprintf("mark_inaccessible(%s): frames 0x%x+%u lie outside the pool "
                "(frames 0x%x..0x%x)\n", p->name, base, n,
                p->base, p->base + p->nframes - 1);
        return -E_INVAL;
    }
    for (uint32_t f = base; f < base + n; f++) {
        uint32_t s = frame_state(p, f);
        if (s == FRAME_USED || s == FRAME_HEAD) {
            kprintf("mark_inaccessible(%s): frame 0x%x is allocated\n", p->name, f);
            return -E_BUSY;
        }
    }
    for (uint32_t f = base; f < base + n; f++) {
        if (frame_state(p, f) == FRAME_FREE) {
            set_state_at(p, f - p->base, FRAME_INACC);
            p->nfree--;
            p->ninacc++;
        }
    }
    return 0;
}

static int release_locked(uint32_t first);

int release_frames(uint32_t first)
{
    LOCK();
    int r = release_locked(first);
    UNLOCK();
    return r;
}

static int release_locked(uint32_t first)
{
    struct frame_pool *p = frame_pool_of(first);
    if (!p) {
        kprintf("release_frames: frame 0x%x belongs to no frame pool\n", first);
        return -E_NOPOOL;
    }
    uint32_t head;
    switch (frame_state(p, first)) {
    case FRAME_FREE:
        kprintf("release_frames: frame 0x%x (%s pool) is already free\n", first, p->name);
        return -E_FREE;
    case FRAME_INACC:
        kprintf("release_frames: frame 0x%x (%s pool) is marked inaccessible\n",
                first, p->name);
        return -E_INACC;
    case FRAME_USED:
        for (head = first; frame_state(p, head) == FRAME_USED; head--)
            ;
        kprintf("release_frames: frame 0x%x (%s pool) is not the head of a sequence; "
                "its sequence starts at frame 0x%x\n", first, p->name, head);
        return -E_NOTHEAD;
    }

    uint32_t i = first - p->base, n = 0;
    set_state_at(p, i, FRAME_FREE);
    for (n = 1, i++; i < p->nframes && state_at(p, i) == FRAME_USED; i++, n++)
        set_state_at(p, i, FRAME_FREE);
    p->nfree += n;
    p->nused -= n;
    uint32_t w = (first - p->base) / FRAMES_PER_WORD;
    if (w < p->hint) p->hint = w;
    return 0;
}

void frame_pool_remove(struct frame_pool *pool)
{
    for (struct frame_pool **pp = &pools; *pp; pp = &(*pp)->next) {
        if (*pp == pool) {
            *pp = pool->next;
            return;
        }
    }
}

struct frame_pool *frame_pools(void) { return pools; }

void frame_pool_check(const struct frame_pool *p)
{
    LOCK();                             /* one moment's bitmap and counters */
    uint32_t cnt[4] = {0, 0, 0, 0};
    for (uint32_t f = p->base; f < p->base + p->nframes; f++) {
        uint32_t s = frame_state(p, f);
        /* A USED frame must follow a HEAD or another USED frame. */
        if (s == FRAME_USED && (f == p->base || frame_state(p, f - 1) == FRAME_FREE ||
                                frame_state(p, f - 1) == FRAME_INACC))
            panic("frame_pool_check(%s): frame 0x%x is USED with no sequence head",
                  p->name, f);
        cnt[s]++;
    }
    if (cnt[FRAME_FREE] != p->nfree || cnt[FRAME_USED] + cnt[FRAME_HEAD] != p->nused ||
        cnt[FRAME_INACC] != p->ninacc)
        panic("frame_pool_check(%s): counters free %u used %u inacc %u, bitmap says "
              "%u %u %u", p->name, p->nfree, p->nused, p->ninacc,
              cnt[FRAME_FREE], cnt[FRAME_USED] + cnt[FRAME_HEAD], cnt[FRAME_INACC]);
    for (uint32_t w = 0; w < p->hint; w++)
        if (busy_bits(p->bitmap[w]) != EVEN_BITS)
            panic("frame_pool_check(%s): word %u below hint %u has a free frame",
                  p->name, w, p->hint);
    UNLOCK();
}
