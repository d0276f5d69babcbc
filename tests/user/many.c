/* tests/user/many.c - many processes, little memory: every kind of page through swap.
 *
 * Run by the test user_many (tests/test_user.c), which first lowers the
 * processes' resident limit (uvm_pager) far below what they touch.
 *
 *   many [N]          N processes in all (default 32): the parent and N-1
 *                     children
 *
 * The parent fills COW pages of heap with its signature, maps a named
 * shared segment of N pages, and forks N-1 children, which share the
 * heap pages copy-on-write.  Each child, for ROUNDS rounds:
 *   - fills OWN pages of its own heap (private, written: to swap);
 *   - in the first round writes every other COW page (a copy of its own;
 *     the pages it does not write stay shared with the parent and every
 *     other child: evicted, they must come back for all of them);
 *   - writes its page of the shared segment (shared: evicted, it must
 *     come back through the segment, for the parent too);
 *   - yields, then checks every word of every page it can see.
 * Every word of every page carries a signature of (owner, page, word,
 * round), so a page that comes back from swap wrong, or someone else's,
 * is found.  The parent checks its own pages while the children run,
 * waits for all of them, and checks each child's last shared page.
 * Exits 0 if every check held; a failed check prints what and where. */
#include "tests/user/ulib.h"
#include "lib/string.h"

#define PAGE   4096u
#define WORDS  (PAGE / 4)
#define COW    16                   /* heap pages shared copy-on-write */
#define OWN    8                    /* pages each child writes on its own */
#define ROUNDS 4
#define MAXN   64

static uint32_t sig(uint32_t who, uint32_t page, uint32_t k, uint32_t round)
{
    return (who * 0x9E3779B1u) ^ (page << 12) ^ k ^ (round << 24) ^ 0x5A000000u;
}

static void fill(uint32_t *p, uint32_t who, uint32_t page, uint32_t round)
{
    for (uint32_t k = 0; k < WORDS; k++) p[k] = sig(who, page, k, round);
}

/* Check page P, which must hold (WHO, PAGE, ROUND)'s signature. */
static void check(const uint32_t *p, const char *what, uint32_t who, uint32_t page,
                  uint32_t round)
{
    for (uint32_t k = 0; k < WORDS; k++)
        CHECK(p[k] == sig(who, page, k, round),
              "%s page %u word %u at %p: 0x%08x, expected 0x%08x (owner %u, round %u)", what,
              page, k, (void *)&p[k], p[k], sig(who, page, k, round), who, round);
}

static uint32_t *page_at(uint8_t *base, uint32_t i) { return (uint32_t *)(base + i * PAGE); }

static void child(uint32_t c, uint8_t *cow, uint8_t *shared)
{
    uint8_t *own = sbrk(OWN * PAGE);
    CHECK(!is_err(own), "child %u: sbrk failed", c);
    for (uint32_t r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < OWN; i++) fill(page_at(own, i), c, i, r);
        if (r == 0)
            for (uint32_t i = c % 2; i < COW; i += 2) fill(page_at(cow, i), c, i, 0);
        fill(page_at(shared, c), c, c, r);
        yield();
        for (uint32_t i = 0; i < OWN; i++) check(page_at(own, i), "own", c, i, r);
        for (uint32_t i = 0; i < COW; i++)
            check(page_at(cow, i), "copy-on-write", i % 2 == c % 2 ? c : 0, i, 0);
        check(page_at(shared, c), "shared", c, c, r);
    }
    exit(0);
}

int main(int argc, char **argv)
{
    progname = "many";
    uint32_t n = 32;
    if (argc > 1) CHECK(parse_u32(argv[1], &n) == 0 && n >= 2 && n <= MAXN,
                        "N must be 2..%d, not '%s'", MAXN, argv[1]);
    uint8_t *shared = shm_map("many", n * PAGE, 1, 0);
    CHECK(!is_err(shared), "shm_map failed: %d", (int)shared);
    uint8_t *cow = sbrk(COW * PAGE);
    CHECK(!is_err(cow), "sbrk failed");
    for (uint32_t i = 0; i < COW; i++) fill(page_at(cow, i), 0, i, 0);
    int pids[MAXN];
    for (uint32_t c = 1; c < n; c++) {
        pids[c] = fork();
        CHECK(pids[c] >= 0, "fork %u failed: %d", c, pids[c]);
        if (pids[c] == 0) child(c, cow, shared);
    }
    for (uint32_t r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < COW; i++) check(page_at(cow, i), "parent's", 0, i, 0);
        yield();
    }
    for (uint32_t c = 1; c < n; c++) {
        int status, pid = wait(&status);
        CHECK(pid > 0, "wait failed: %d", pid);
        CHECK(status == 0, "child pid %d ended with %d", pid, status);
    }
    for (uint32_t c = 1; c < n; c++) check(page_at(shared, c), "child's shared", c, c, ROUNDS - 1);
    for (uint32_t i = 0; i < COW; i++) check(page_at(cow, i), "parent's", 0, i, 0);
    printf("many: %u processes, every page checked: private, copy-on-write and shared\n", n);
    return 0;
}
