/* mm/refstring.c - Belady's OPT and exact LRU over a reference string.
 *
 * Both simulate a memory of NFRAMES frames over the references and
 * count faults, disk reads and disk writes by the rules in refstring.h.
 * Per-page state is one byte of flags (resident, dirty, has a swap copy)
 * in the caller's WORK area, laid out as
 *
 *      next_use[n]   u32   OPT: index of the next reference to the same page
 *      key[npages]   u32   OPT: last seen, then heap key / LRU: older link
 *      pos[npages]   u32   OPT: heap index / LRU: newer link
 *      heap[nframes] u32   OPT: resident pages, farthest next use on top
 *      flags[npages] u8
 *
 * OPT in O(n log nframes): one backward pass fills next_use[] from a
 * last-seen table; then a max-heap of the resident pages keyed by next
 * use gives the victim at its top.  A hit only moves the page's key
 * later (from "now" to its next use), a sift up.
 *
 * LRU in O(n): the resident pages on a doubly linked list, most recently
 * used first; a hit moves the page to the front, a fault evicts the back. */
#include "mm/refstring.h"
#include "kernel/panic.h"

#define NONE      0xFFFFFFFFu
#define RESIDENT  1u
#define DIRTY     2u        /* written since it was last loaded */
#define COPY      4u        /* swap holds a copy of the page */

/* The WORK area carved into its arrays (see above). */
struct work {
    uint32_t *next_use, *key, *pos, *heap;
    uint8_t *flags;
};

_Static_assert(REFSTRING_MAX_FRAMES == 1048576 && REFSTRING_MAX_PAGES == 1048576 &&
               REFSTRING_MAX_REFS == 268435456, "refstring_check's messages name the limits");

const char *refstring_check(uint32_t n, uint32_t npages, uint32_t nframes)
{
    if (nframes == 0) return "no frames";
    if (nframes > REFSTRING_MAX_FRAMES) return "more than 1048576 frames";
    if (npages == 0) return "no pages";
    if (npages > REFSTRING_MAX_PAGES) return "more than 1048576 distinct pages";
    if (n > REFSTRING_MAX_REFS) return "more than 268435456 references";
    return 0;
}

uint32_t refstring_work_bytes(uint32_t n, uint32_t npages, uint32_t nframes)
{
    return 4 * (n + 2 * npages + nframes) + npages;
}

/* Check the limits, carve WORK, clear *OUT and the page flags. */
static struct work setup(const char *who, uint32_t n, uint32_t nframes,
                         uint32_t npages, void *work, struct ref_result *out)
{
    const char *why = refstring_check(n, npages, nframes);
    if (why)
        panic("%s: n=%u nframes=%u npages=%u: %s", who, n, nframes, npages, why);
    if ((uintptr_t)work & 3)
        panic("%s: work area %p is not 4-byte aligned", who, work);
    struct work w;
    w.next_use = work;
    w.key = w.next_use + n;
    w.pos = w.key + npages;
    w.heap = w.pos + npages;
    w.flags = (uint8_t *)(w.heap + nframes);
    for (uint32_t v = 0; v < npages; v++)
        w.flags[v] = 0;
    out->faults = out->disk_reads = out->disk_writes = 0;
    return w;
}

/* Page V faults in: demand-zero unless swap holds a copy. */
static void load(uint8_t *flags, uint32_t v, struct ref_result *out)
{
    out->faults++;
    if (flags[v] & COPY)
        out->disk_reads++;
    flags[v] = (uint8_t)((flags[v] & COPY) | RESIDENT);
}

/* Page V is evicted: written to swap only if dirty. */
static void unload(uint8_t *flags, uint32_t v, struct ref_result *out)
{
    if (flags[v] & DIRTY) {
        out->disk_writes++;
        flags[v] |= COPY;
    }
    flags[v] &= (uint8_t)~(RESIDENT | DIRTY);
}

/* The vpn of reference REF, which must be below NPAGES. */
static uint32_t ref_vpn(const char *who, uint32_t ref, uint32_t npages)
{
    uint32_t v = REF_VPN(ref);
    if (v >= npages)
        panic("%s: page %u is not below npages=%u", who, v, npages);
    return v;
}

/* ---- OPT ---- */

static void heap_swap(struct work *w, uint32_t i, uint32_t j)
{
    uint32_t a = w->heap[i], b = w->heap[j];
    w->heap[i] = b; w->pos[b] = i;
    w->heap[j] = a; w->pos[a] = j;
}

/* Move heap entry I up while its key beats its parent's. */
static void sift_up(struct work *w, uint32_t i)
{
    while (i > 0 && w->key[w->heap[i]] > w->key[w->heap[(i - 1) / 2]]) {
        heap_swap(w, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

/* Move heap entry I down while a child's key beats it; SIZE entries. */
static void sift_down(struct work *w, uint32_t i, uint32_t size)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < size && w->key[w->heap[l]] > w->key[w->heap[big]]) big = l;
        if (r < size && w->key[w->heap[r]] > w->key[w->heap[big]]) big = r;
        if (big == i)
            return;
        heap_swap(w, i, big);
        i = big;
    }
}

/* Heap key of a page next used at reference NEXT (N: never): later
 * first, and at equal NEXT (only possible for "never") clean first. */
static uint32_t opt_key(uint32_t next, uint8_t flags)
{
    return 2 * next + ((flags & DIRTY) ? 0 : 1);
}

void opt_simulate(const uint32_t *refs, uint32_t n, uint32_t nframes,
                  uint32_t npages, void *work, struct ref_result *out)
{
    struct work w = setup("opt_simulate", n, nframes, npages, work, out);

    /* Backwards: key[v] is the first reference to V after i (n: none). */
    for (uint32_t v = 0; v < npages; v++)
        w.key[v] = n;
    for (uint32_t i = n; i-- > 0;) {
        uint32_t v = ref_vpn("opt_simulate", refs[i], npages);
        w.next_use[i] = w.key[v];
        w.key[v] = i;
    }

    uint32_t size = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = REF_VPN(refs[i]);
        int hit = w.flags[v] & RESIDENT;
        if (!hit) {
            if (size == nframes) {          /* evict the top: farthest next use */
                uint32_t u = w.heap[0];
                heap_swap(&w, 0, --size);
                sift_down(&w, 0, size);
                unload(w.flags, u, out);
            }
            load(w.flags, v, out);
            w.heap[size] = v;
            w.pos[v] = size++;
        }
        if (REF_WRITE(refs[i]))
            w.flags[v] |= DIRTY;
        /* V's key was "i" (or it is new): it only grows, so sift up. */
        w.key[v] = opt_key(w.next_use[i], w.flags[v]);
        sift_up(&w, w.pos[v]);
    }
}

/* ---- LRU ---- */

/* The list: w->key[v] links to the next older page, w->pos[v] to the
 * next newer; *MRU and *LRU are its ends (NONE if empty). */
static void lru_unlink(struct work *w, uint32_t v, uint32_t *mru, uint32_t *lru)
{
    uint32_t older = w->key[v], newer = w->pos[v];
    if (newer == NONE) *mru = older; else w->key[newer] = older;
    if (older == NONE) *lru = newer; else w->pos[older] = newer;
}

static void lru_push(struct work *w, uint32_t v, uint32_t *mru, uint32_t *lru)
{
    w->key[v] = *mru;
    w->pos[v] = NONE;
    if (*mru == NONE) *lru = v; else w->pos[*mru] = v;
    *mru = v;
}

void lru_simulate(const uint32_t *refs, uint32_t n, uint32_t nframes,
                  uint32_t npages, void *work, struct ref_result *out)
{
    struct work w = setup("lru_simulate", n, nframes, npages, work, out);
    uint32_t mru = NONE, lru = NONE, resident = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = ref_vpn("lru_simulate", refs[i], npages);
        if (w.flags[v] & RESIDENT) {
            lru_unlink(&w, v, &mru, &lru);
        } else {
            if (resident == nframes) {
                uint32_t u = lru;
                lru_unlink(&w, u, &mru, &lru);
                unload(w.flags, u, out);
            } else {
                resident++;
            }
            load(w.flags, v, out);
        }
        lru_push(&w, v, &mru, &lru);
        if (REF_WRITE(refs[i]))
            w.flags[v] |= DIRTY;
    }
}
