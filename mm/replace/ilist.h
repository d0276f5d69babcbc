/* mm/replace/ilist.h - doubly linked lists threaded through arrays of indices.
 *
 * Policies keep their pages in lists without allocating nodes: element
 * e of a list is an index (a slot, or an entry of the policy's table),
 * and its links are next[e] and prev[e] in arrays the policy carved.
 * FIFO's load order (fifo.c) is one such list over the slots; CAR
 * (car.c) keeps four over one table of entries, each entry on at most
 * one of them.  Appending, removing any element and taking the head are
 * constant time. */
#ifndef MM_REPLACE_ILIST_H
#define MM_REPLACE_ILIST_H

#include <stdint.h>

#define ILIST_NIL 0xFFFFu       /* no element */

struct ilinks {
    uint16_t *next;             /* towards the tail */
    uint16_t *prev;             /* towards the head */
};

struct ilist {
    uint16_t head, tail;        /* ILIST_NIL when empty */
    uint32_t len;
};

static inline void ilist_init(struct ilist *l)
{
    l->head = l->tail = ILIST_NIL;
    l->len = 0;
}

/* Put E at the tail of L. */
static inline void ilist_append(struct ilist *l, const struct ilinks *k, uint32_t e)
{
    uint16_t t = l->tail;
    k->prev[e] = t;
    k->next[e] = ILIST_NIL;
    if (t == ILIST_NIL)
        l->head = (uint16_t)e;
    else
        k->next[t] = (uint16_t)e;
    l->tail = (uint16_t)e;
    l->len++;
}

/* Take E out of L, wherever it is in it. */
static inline void ilist_remove(struct ilist *l, const struct ilinks *k, uint32_t e)
{
    uint16_t n = k->next[e], v = k->prev[e];
    if (v == ILIST_NIL) l->head = n; else k->next[v] = n;
    if (n == ILIST_NIL) l->tail = v; else k->prev[n] = v;
    l->len--;
}

#endif
