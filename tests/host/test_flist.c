/* tests/host/test_flist.c - the frame lists of mm/flist.c against a model, on the host.
 *
 * Three lists over a table of 500 frames (numbered from 1000, as the
 * kernel's start above 0), and 200,000 random pushes, removals from the
 * middle and pops; after every operation the lists must equal a model
 * (arrays, in order), and flist_check must find nothing wrong.  Then
 * flist_check must find each of four kinds of damage done on purpose. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "tests/host/shim.h"
#include "mm/flist.h"

#define N     500
#define FIRST 1000

static struct frame table[N];
static struct flist lists[3] = {
    { 0, 0, 0, FS_ZEROED, "zeroed" },
    { 0, 0, 0, FS_STANDBY, "standby" },
    { 0, 0, 0, FS_MODIFIED, "modified" },
};
static uint32_t model[3][N], mcount[3];
static int where[N];                /* -1 or the list frame i is on */

static uint32_t rng = 7;
static uint32_t rnd(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void model_remove(int l, uint32_t f)
{
    for (uint32_t i = 0; i < mcount[l]; i++)
        if (model[l][i] == f) {
            memmove(&model[l][i], &model[l][i + 1], (mcount[l] - i - 1) * 4);
            mcount[l]--;
            return;
        }
    EXPECT(0, "model: frame %u not on list %d", f, l);
}

static void compare(int op)
{
    for (int l = 0; l < 3; l++) {
        const char *why = flist_check(&lists[l]);
        EXPECT(!why, "op %d: list %s: %s", op, lists[l].name, why);
        EXPECT(lists[l].count == mcount[l], "op %d: %s has %u, model %u", op, lists[l].name,
               lists[l].count, mcount[l]);
        uint32_t i = 0;
        for (uint32_t f = lists[l].head; f; f = table[f - FIRST].next, i++)
            EXPECT(model[l][i] == f, "op %d: %s[%u] = %u, model %u", op, lists[l].name, i, f,
                   model[l][i]);
    }
}

int main(void)
{
    flist_table(table, FIRST, N);
    for (int i = 0; i < N; i++) where[i] = -1;
    int ops = 200000;
    for (int op = 0; op < ops; op++) {
        uint32_t i = rnd() % N, f = FIRST + i;
        int l = (int)(rnd() % 3), what = (int)(rnd() % 3);
        if (where[i] < 0) {
            flist_push(&lists[l], f);
            model[l][mcount[l]++] = f;
            where[i] = l;
        } else if (what == 0) {
            uint32_t g = flist_pop(&lists[where[i]]);
            EXPECT(g == model[where[i]][0], "op %d: pop gave %u, model %u", op, g,
                   model[where[i]][0]);
            model_remove(where[i], g);
            where[g - FIRST] = -1;
            EXPECT(table[g - FIRST].state == FS_NONE, "popped frame keeps a state");
        } else {
            flist_remove(&lists[where[i]], f);
            model_remove(where[i], f);
            where[i] = -1;
        }
        if (op % 97 == 0) compare(op);
    }
    compare(ops);
    while (flist_pop(&lists[0])) ;
    EXPECT(lists[0].count == 0 && !lists[0].head && !lists[0].tail, "emptied list not empty");
    EXPECT(flist_pop(&lists[0]) == 0, "pop of an empty list");
    printf("(model) %d random pushes, removals and pops on 3 lists of %d frames agree\n", ops, N);

    /* Damage, found. */
    struct flist *s = &lists[1];
    while (s->count < 3) {
        for (uint32_t i = 0; i < N && s->count < 3; i++)
            if (table[i].state == FS_NONE) flist_push(s, FIRST + i);
    }
    uint32_t mid = table[s->head - FIRST].next;
    s->count++;
    EXPECT(flist_check(s), "a wrong count was not found");
    s->count--;
    uint32_t p = table[mid - FIRST].prev;
    table[mid - FIRST].prev = 0;
    EXPECT(flist_check(s), "a broken prev link was not found");
    table[mid - FIRST].prev = p;
    table[mid - FIRST].state = FS_ZEROED;
    EXPECT(flist_check(s), "a frame in the wrong state was not found");
    table[mid - FIRST].state = FS_STANDBY;
    uint32_t t = s->tail;
    s->tail = mid;
    EXPECT(flist_check(s), "a wrong tail was not found");
    s->tail = t;
    EXPECT(!flist_check(s), "the repaired list is still wrong");
    printf("(damage) a wrong count, a broken link, a wrong state and a wrong tail are found\n");
    printf("test_flist: PASS\n");
    return 0;
}
