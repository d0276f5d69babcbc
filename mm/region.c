/* mm/region.c - a VMPool's regions in a treap, first fit in O(log n).
 *
 * The regions of a map tile its range: [free][alloc][alloc][free]...
 * They are the nodes of a treap: a binary search tree keyed by start
 * page, which is also a heap on a random priority, which keeps its
 * expected depth logarithmic without any rebalancing rules beyond a
 * rotation on insert.  Each node also records MAXFREE, the size of the
 * largest free region in its subtree, so that first fit is a single
 * descent: go left if the left subtree has room, else take this node if
 * it is free and big enough, else go right.
 *
 * Allocation splits the chosen free region (a new allocated node takes
 * its front).  Release marks the node free and merges it with a free
 * successor and a free predecessor, so free regions never touch.  Nodes
 * live in an array and are named by index (0 = empty), so the structure
 * can sit in any memory, including a VMPool's own lazily-mapped pages. */
#include <stddef.h>
#include "mm/region.h"
#include "lib/errno.h"

#define N(i) (m->node[i])

static uint32_t max3(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t x = a > b ? a : b;
    return x > c ? x : c;
}

/* Recompute node T's MAXFREE from itself and its children. */
static void update(struct region_map *m, uint32_t t)
{
    N(t).maxfree = max3(N(t).free ? N(t).npages : 0, N(N(t).left).maxfree,
                        N(N(t).right).maxfree);
}

static uint32_t rot_right(struct region_map *m, uint32_t t)
{
    uint32_t l = N(t).left;
    N(t).left = N(l).right;
    N(l).right = t;
    update(m, t);
    update(m, l);
    return l;
}

static uint32_t rot_left(struct region_map *m, uint32_t t)
{
    uint32_t r = N(t).right;
    N(t).right = N(r).left;
    N(r).left = t;
    update(m, t);
    update(m, r);
    return r;
}

/* A fresh node, or 0 if the array is full. */
static uint32_t node_new(struct region_map *m, uint32_t start, uint32_t npages, int free)
{
    uint32_t i;
    if (m->recycled) {
        i = m->recycled;
        m->recycled = N(i).left;
        m->nrecycled--;
    } else if (m->top < m->cap) {
        i = m->top++;
    } else {
        return 0;
    }
    uint32_t x = m->seed;                       /* xorshift32 */
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    m->seed = x;
    N(i) = (struct rnode){ start, npages, free ? npages : 0, x, 0, 0, (uint32_t)free, 0 };
    return i;
}

static void node_put(struct region_map *m, uint32_t i)
{
    N(i).free = 1;                  /* never an allocated region to the hit cache */
    N(i).npages = 0;
    N(i).left = m->recycled;
    N(i).attr = 0;
    m->recycled = i;
    m->nrecycled++;
}

/* Insert node X into subtree T; returns the new subtree root. */
static uint32_t insert(struct region_map *m, uint32_t t, uint32_t x)
{
    if (!t) return x;
    if (N(x).start < N(t).start) {
        N(t).left = insert(m, N(t).left, x);
        if (N(N(t).left).prio < N(t).prio) t = rot_right(m, t);
    } else {
        N(t).right = insert(m, N(t).right, x);
        if (N(N(t).right).prio < N(t).prio) t = rot_left(m, t);
    }
    update(m, t);
    return t;
}

/* Join two treaps, every key of A below every key of B. */
static uint32_t merge(struct region_map *m, uint32_t a, uint32_t b)
{
    if (!a) return b;
    if (!b) return a;
    if (N(a).prio < N(b).prio) {
        N(a).right = merge(m, N(a).right, b);
        update(m, a);
        return a;
    }
    N(b).left = merge(m, a, N(b).left);
    update(m, b);
    return b;
}

/* Remove the node with key START from subtree T (it must be there). */
static uint32_t erase(struct region_map *m, uint32_t t, uint32_t start)
{
    if (N(t).start == start) {
        uint32_t r = merge(m, N(t).left, N(t).right);
        node_put(m, t);
        return r;
    }
    if (start < N(t).start) N(t).left = erase(m, N(t).left, start);
    else N(t).right = erase(m, N(t).right, start);
    update(m, t);
    return t;
}

/* Recompute MAXFREE along the path to key START after its node changed. */
static void fix_path(struct region_map *m, uint32_t t, uint32_t start)
{
    if (!t) return;
    if (start < N(t).start) fix_path(m, N(t).left, start);
    else if (start > N(t).start) fix_path(m, N(t).right, start);
    update(m, t);
}

/* The node whose key is exactly START, or 0. */
static uint32_t lookup(const struct region_map *m, uint32_t start)
{
    uint32_t t = m->root;
    while (t && N(t).start != start) t = start < N(t).start ? N(t).left : N(t).right;
    return t;
}

/* The node with the largest key at or below PAGE (the region that would
 * contain it), or 0 if every key is above PAGE.  One descent: this is
 * on the page-fault path. */
static uint32_t floor_node(const struct region_map *m, uint32_t page)
{
    uint32_t t = m->root, best = 0;
    while (t) {
        if (N(t).start > page) {
            t = N(t).left;
        } else {
            best = t;
            if (N(t).start == page) break;
            t = N(t).right;
        }
    }
    return best;
}

void region_init(struct region_map *m, struct rnode *nodes, uint32_t cap,
                 uint32_t first, uint32_t npages)
{
    m->node = nodes;
    m->cap = cap;
    m->top = 1;
    m->recycled = 0;
    m->nrecycled = 0;
    m->seed = 0x2545F491u ^ first;
    m->first = first;
    m->npages = npages;
    m->hit = 0;
    N(0) = (struct rnode){ 0, 0, 0, 0, 0, 0, 0, 0 };
    m->root = node_new(m, first, npages, 1);
    m->nalloc = 0;
    m->nfree = 1;
}

uint32_t region_alloc(struct region_map *m, uint32_t npages)
{
    if (npages == 0 || N(m->root).maxfree < npages) return 0;
    uint32_t t = m->root;
    for (;;) {
        if (N(N(t).left).maxfree >= npages) t = N(t).left;
        else if (N(t).free && N(t).npages >= npages) break;
        else t = N(t).right;
    }
    uint32_t start = N(t).start;
    if (N(t).npages == npages) {                /* exact fit: flip it */
        N(t).free = 0;
        fix_path(m, m->root, start);
        m->nfree--;
    } else {                                    /* split off the front */
        uint32_t x = node_new(m, start, npages, 0);
        if (!x) return 0;
        N(t).start += npages;                   /* still between its neighbours */
        N(t).npages -= npages;
        /* X's key is T's old start, so inserting X walks the path to T
         * and recomputes MAXFREE on every node of it: no fix_path needed. */
        m->root = insert(m, m->root, x);
    }
    m->nalloc++;
    return start;
}

int32_t region_free(struct region_map *m, uint32_t start)
{
    uint32_t t = lookup(m, start);
    if (!t) return -E_NOREGION;
    if (N(t).free) return -E_FREE;
    uint32_t n = N(t).npages;

    N(t).free = 1;
    m->nalloc--;
    m->nfree++;
    uint32_t s = lookup(m, start + n);          /* merge a free successor */
    if (s && N(s).free) {
        N(t).npages += N(s).npages;
        m->root = erase(m, m->root, N(s).start);
        m->nfree--;
    }
    uint32_t p = start ? floor_node(m, start - 1) : 0;     /* merge into a free predecessor */
    if (p && N(p).free) {
        N(p).npages += N(t).npages;
        m->root = erase(m, m->root, start);
        m->nfree--;
        fix_path(m, m->root, N(p).start);
    } else {
        fix_path(m, m->root, start);
    }
    return (int32_t)n;
}

int region_find(const struct region_map *m, uint32_t page, uint32_t *start, uint32_t *npages)
{
    if (page < m->first || page - m->first >= m->npages) return -1;
    uint32_t t = floor_node(m, page);           /* never 0: the regions tile the range */
    if (start) *start = N(t).start;
    if (npages) *npages = N(t).npages;
    return !N(t).free;
}

int region_allocated(struct region_map *m, uint32_t page, uint32_t *attr)
{
    /* The cached node is always a real node: freeing its region sets its
     * free flag, and a recycled node is marked free and empty. */
    if (region_hit(m, page, attr)) return 1;
    uint32_t h = floor_node(m, page);
    if (!h || N(h).free || page - N(h).start >= N(h).npages) return 0;
    m->hit = h;
    *attr = N(h).attr;
    return 1;
}

/* Nodes that can still be had (never used, or recycled). */
static uint32_t nodes_left(const struct region_map *m)
{
    return m->cap - m->top + m->nrecycled;
}

uint32_t region_alloc_at(struct region_map *m, uint32_t start, uint32_t npages, uint32_t attr)
{
    if (npages == 0 || start < m->first || start - m->first >= m->npages) return 0;
    uint32_t t = floor_node(m, start);
    uint32_t tstart = N(t).start, tend = tstart + N(t).npages, end = start + npages;
    if (!N(t).free || end > tend || end < start) return 0;
    uint32_t need = (start > tstart) + (end < tend);   /* pieces beside ours */
    if (nodes_left(m) < need) return 0;
    if (start == tstart && end == tend) {               /* exact fit: flip it */
        N(t).free = 0;
        N(t).attr = attr;
        fix_path(m, m->root, tstart);
        m->nfree--;
    } else if (start == tstart) {                       /* the front, as region_alloc */
        uint32_t x = node_new(m, start, npages, 0);
        N(x).attr = attr;
        N(t).start = end;
        N(t).npages = tend - end;
        m->root = insert(m, m->root, x);
    } else {                                            /* the back or the middle */
        N(t).npages = start - tstart;
        fix_path(m, m->root, tstart);
        uint32_t x = node_new(m, start, npages, 0);
        N(x).attr = attr;
        m->root = insert(m, m->root, x);
        if (end < tend) {
            m->root = insert(m, m->root, node_new(m, end, tend - end, 1));
            m->nfree++;
        }
    }
    m->nalloc++;
    return start;
}

int region_resize(struct region_map *m, uint32_t start, uint32_t npages)
{
    uint32_t t = lookup(m, start);
    if (!t || N(t).free) return -E_NOREGION;
    if (npages == 0) return -E_INVAL;
    uint32_t old = N(t).npages, end = start + old;
    uint32_t s = end - m->first < m->npages ? lookup(m, end) : 0;     /* the next region */
    if (npages > old) {                                 /* grow into a free successor */
        uint32_t more = npages - old;
        if (!s || !N(s).free || N(s).npages < more) return -E_NOMEM;
        if (N(s).npages == more) {
            m->root = erase(m, m->root, N(s).start);
            m->nfree--;
        } else {
            N(s).start += more;                         /* still between its neighbours */
            N(s).npages -= more;
            fix_path(m, m->root, N(s).start);
        }
        N(t).npages = npages;
        fix_path(m, m->root, start);
    } else if (npages < old) {                          /* the tail becomes free */
        uint32_t less = old - npages;
        if (s && N(s).free) {
            N(s).start -= less;
            N(s).npages += less;
            N(t).npages = npages;
            fix_path(m, m->root, start);
            fix_path(m, m->root, N(s).start);
        } else {
            if (nodes_left(m) < 1) return -E_NOMEM;
            N(t).npages = npages;
            fix_path(m, m->root, start);
            m->root = insert(m, m->root, node_new(m, start + npages, less, 1));
            m->nfree++;
        }
    }
    return 0;
}

int region_carve(struct region_map *m, uint32_t start, uint32_t npages)
{
    if (npages == 0) return -E_INVAL;
    if (start < m->first || start - m->first >= m->npages) return -E_NOREGION;
    uint32_t t = floor_node(m, start);
    uint32_t tstart = N(t).start, tend = tstart + N(t).npages, end = start + npages;
    if (N(t).free || end > tend || end < start) return -E_NOREGION;
    uint32_t attr = N(t).attr;
    /* Free the whole region (which merges it with free neighbours), then
     * allocate back what stays on either side: at most two new nodes,
     * checked for first so that nothing can fail half way. */
    if (nodes_left(m) < 2) return -E_NOMEM;
    region_free(m, tstart);
    if (tstart < start) region_alloc_at(m, tstart, start - tstart, attr);
    if (end < tend) region_alloc_at(m, end, tend - end, attr);
    return 0;
}

int region_set_attr(struct region_map *m, uint32_t start, uint32_t attr)
{
    uint32_t t = lookup(m, start);
    if (!t || N(t).free) return -E_NOREGION;
    N(t).attr = attr;
    return 0;
}

uint32_t region_attr_of(const struct region_map *m, uint32_t page)
{
    if (page < m->first || page - m->first >= m->npages) return 0;
    uint32_t t = floor_node(m, page);
    return !N(t).free && page - N(t).start < N(t).npages ? N(t).attr : 0;
}

static void walk(const struct region_map *m, uint32_t t,
                 void (*fn)(void *, uint32_t, uint32_t, int), void *arg)
{
    if (!t) return;
    walk(m, N(t).left, fn, arg);
    fn(arg, N(t).start, N(t).npages, N(t).free);
    walk(m, N(t).right, fn, arg);
}

void region_walk(const struct region_map *m,
                 void (*fn)(void *, uint32_t, uint32_t, int), void *arg)
{
    walk(m, m->root, fn, arg);
}

struct check {
    uint32_t next;          /* where the next region must start */
    int prev_free;
    uint32_t nalloc, nfree;
    const char *err;
};

static void check_one(void *arg, uint32_t start, uint32_t npages, int free)
{
    struct check *c = arg;
    if (c->err) return;
    if (start != c->next) c->err = "regions do not tile the range";
    else if (npages == 0) c->err = "empty region";
    else if (free && c->prev_free) c->err = "two free regions touch";
    c->next = start + npages;
    c->prev_free = free;
    if (free) c->nfree++;
    else c->nalloc++;
}

/* Heap order and MAXFREE of every node of subtree T. */
static const char *check_tree(const struct region_map *m, uint32_t t)
{
    if (!t) return 0;
    uint32_t l = N(t).left, r = N(t).right;
    if ((l && N(l).prio < N(t).prio) || (r && N(r).prio < N(t).prio))
        return "heap order broken";
    if ((l && N(l).start >= N(t).start) || (r && N(r).start <= N(t).start))
        return "search order broken";
    if (N(t).maxfree != max3(N(t).free ? N(t).npages : 0, N(l).maxfree, N(r).maxfree))
        return "maxfree out of date";
    const char *e = check_tree(m, l);
    return e ? e : check_tree(m, r);
}

const char *region_check(const struct region_map *m)
{
    struct check c = { m->first, 0, 0, 0, 0 };
    region_walk(m, check_one, &c);
    if (c.err) return c.err;
    if (c.next != m->first + m->npages) return "regions do not reach the end of the range";
    if (c.nalloc != m->nalloc || c.nfree != m->nfree) return "region counts wrong";
    return check_tree(m, m->root);
}
