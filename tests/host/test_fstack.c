/* tests/host/test_fstack.c - the frame stack of mm/fstack.c against a model, on the host.
 *
 * One stack of capacity 64 over a table of 300 frames (numbered from
 * 1000, as the kernel's start above 0), and 200,000 random pushes, pops
 * and takes of a batch; after every operation the stack must equal a
 * model (an array, bottom first), each frame's state must say whether
 * it is on the stack (or, taken in a batch, keep the stack's state), a
 * push onto a full stack must leave the frame as it was, and
 * fstack_check must find nothing wrong.  Then fstack_check must find
 * each of four kinds of damage done on purpose, and a push of a frame
 * already in a state must panic (checked in a child process). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/host/shim.h"
#include "mm/flist.h"
#include "mm/fstack.h"

#define N     300
#define FIRST 1000
#define CAP   64

static struct frame table[N];
static uint32_t frames[CAP];
static struct fstack s = { frames, 0, CAP, FS_ZEROED, "zeroed" };
static uint32_t model[CAP], mcount;
static int on[N];                   /* frame i is on the stack */

static uint32_t rng = 11;
static uint32_t rnd(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static void compare(int op)
{
    const char *why = fstack_check(&s);
    EXPECT(!why, "op %d: %s", op, why);
    EXPECT(s.count == mcount, "op %d: the stack has %u, the model %u", op, s.count, mcount);
    for (uint32_t i = 0; i < mcount; i++)
        EXPECT(s.frame[i] == model[i], "op %d: frame[%u] = %u, model %u", op, i, s.frame[i],
               model[i]);
    for (int i = 0; i < N; i++)
        EXPECT((table[i].state == FS_ZEROED) == on[i], "op %d: frame %d's state %u, on %d", op,
               FIRST + i, table[i].state, on[i]);
}

int main(void)
{
    flist_table(table, FIRST, N);
    int ops = 200000, full = 0, batches = 0;
    for (int op = 0; op < ops; op++) {
        uint32_t i = rnd() % N, f = FIRST + i, what = rnd() % 16;
        if (what < 12) {                                /* push */
            if (on[i]) continue;
            int ok = fstack_push(&s, f);
            EXPECT(ok == (mcount < CAP), "op %d: push gave %d with %u of %u", op, ok, mcount, CAP);
            if (ok) {
                model[mcount++] = f;
                on[i] = 1;
            } else {
                full++;
                EXPECT(table[i].state == FS_NONE, "op %d: a refused push changed the frame", op);
            }
        } else if (what < 15) {                         /* pop */
            uint32_t g = fstack_pop(&s);
            EXPECT(g == (mcount ? model[mcount - 1] : 0), "op %d: pop gave %u", op, g);
            if (g) {
                mcount--;
                on[g - FIRST] = 0;
                EXPECT(table[g - FIRST].state == FS_NONE, "op %d: a popped frame keeps its state",
                       op);
            }
        } else {                                        /* take a batch, as a stash refill */
            uint32_t out[CAP + 1], max = rnd() % 40, n = fstack_take(&s, out, max);
            EXPECT(n == (max < mcount ? max : mcount), "op %d: take(%u) of %u gave %u", op, max,
                   mcount, n);
            for (uint32_t k = 0; k < n; k++) {
                EXPECT(out[k] == model[mcount - n + k], "op %d: take[%u] = %u, model %u", op, k,
                       out[k], model[mcount - n + k]);
                EXPECT(table[out[k] - FIRST].state == FS_ZEROED,
                       "op %d: a taken frame lost the stack's state", op);
                table[out[k] - FIRST].state = FS_NONE;  /* as a stash's take does */
                on[out[k] - FIRST] = 0;
            }
            mcount -= n;
            batches += n > 0;
        }
        if (op % 89 == 0) compare(op);
    }
    compare(ops);
    EXPECT(full > 0 && batches > 0, "the run never filled the stack (%d) or took a batch (%d)",
           full, batches);
    while (fstack_pop(&s)) ;
    EXPECT(s.count == 0 && fstack_pop(&s) == 0 && fstack_take(&s, frames, 8) == 0,
           "an emptied stack is not empty");
    printf("(model) %d random pushes, pops and batch takes agree (%d refused as full, %d "
           "batches)\n", ops, full, batches);

    /* Damage, found. */
    for (uint32_t i = 0; i < 3; i++) fstack_push(&s, FIRST + i);
    s.count = CAP + 1;
    EXPECT(fstack_check(&s), "a count above the capacity was not found");
    s.count = 3;
    table[1].state = FS_STANDBY;
    EXPECT(fstack_check(&s), "a frame in the wrong state was not found");
    table[1].state = FS_ZEROED;
    uint32_t keep = s.frame[2];
    s.frame[2] = s.frame[0];
    EXPECT(fstack_check(&s), "a frame on the stack twice was not found");
    s.frame[2] = FIRST + N + 5;
    EXPECT(fstack_check(&s), "a frame outside the table was not found");
    s.frame[2] = keep;
    EXPECT(!fstack_check(&s), "the repaired stack is still wrong");

    /* A push of a frame that is in a state already is a broken invariant. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        fstack_push(&s, FIRST);                         /* on the stack already */
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT(WIFSIGNALED(status), "pushing a frame already on the stack did not panic");
    printf("(damage) a wrong count, a wrong state, a frame twice and a frame outside the table "
           "are found; a push of a listed frame panics\n");
    printf("test_fstack: PASS\n");
    return 0;
}
