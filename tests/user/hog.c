/* tests/user/hog.c - asks for memory until refused, then uses all it was given.
 *
 * Run by the test user_exhaust (tests/test_user.c), with the processes'
 * resident limit lowered and a small swap disk, so that memory plus swap
 * (the commit limit, mm/commit.h) is a few MiB.
 *
 *   hog sbrk    grow the heap 64 KiB at a time until sbrk says -E_NOMEM
 *   hog mmap    map 1 MiB private writable regions until mmap refuses (big
 *               enough that the commit limit, not the 64 regions a
 *               process may map, is what refuses)
 *   hog fork    touch 64 pages, then fork children (each waiting) until
 *               fork refuses
 *   hog hold    a bystander: touch 64 pages, then check them for a while
 *
 * A refusal must be -E_NOMEM, and clean: everything granted before it
 * must then work.  So after the refusal the hog writes every page it was
 * given (most go to swap) and reads every one back; the forked children
 * each write all 64 pages (a copy-on-write copy each) and check them.
 * Exits 0 if all held. */
#include "tests/user/ulib.h"
#include "lib/string.h"
#include "lib/errno.h"

#define PAGE  4096u
#define CHUNK (64 * 1024u)
#define MCHUNK (1024 * 1024u)
#define MAXREGIONS 64

static uint32_t word(uint32_t page, uint32_t k) { return page * 0x01000193u ^ k ^ 0xA5A5A5A5u; }

/* Write and check the first and last word of each of N pages at P,
 * numbered from FIRST. */
static void use_pages(uint8_t *p, uint32_t n, uint32_t first)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *w = (uint32_t *)(p + i * PAGE);
        w[0] = word(first + i, 0);
        w[PAGE / 4 - 1] = word(first + i, 1);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *w = (uint32_t *)(p + i * PAGE);
        CHECK(w[0] == word(first + i, 0) && w[PAGE / 4 - 1] == word(first + i, 1),
              "page %u at %p came back wrong", first + i, (void *)w);
    }
}

static void hog_sbrk(void)
{
    uint8_t *start = sbrk(0), *p;
    uint32_t chunks = 0;
    while (!is_err(p = sbrk(CHUNK))) chunks++;
    CHECK(p == (void *)-E_NOMEM, "sbrk failed with %d, not -E_NOMEM", (int)p);
    uint32_t n = chunks * (CHUNK / PAGE);
    use_pages(start, n, 0);
    printf("hog: sbrk refused after %u pages (E_NOMEM); all %u written and read back\n", n, n);
}

static void hog_mmap(void)
{
    static uint8_t *region[MAXREGIONS];
    uint32_t n = 0;
    void *p;
    while (n < MAXREGIONS && !is_err(p = mmap(MCHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE)))
        region[n++] = p;
    CHECK(n < MAXREGIONS, "mmap was never refused");
    CHECK(p == (void *)-E_NOMEM, "mmap failed with %d, not -E_NOMEM", (int)p);
    for (uint32_t i = 0; i < n; i++) use_pages(region[i], MCHUNK / PAGE, i * (MCHUNK / PAGE));
    printf("hog: mmap refused after %u regions (E_NOMEM); all %u pages written and read back\n",
           n, n * (MCHUNK / PAGE));
}

static void hog_fork(void)
{
    enum { N = 64 };
    uint8_t *p = sbrk(N * PAGE);
    CHECK(!is_err(p), "sbrk");
    use_pages(p, N, 0);
    volatile uint32_t *go = shm_map("hog-go", PAGE, 1, 0);
    CHECK(!is_err((void *)go), "shm_map");
    uint32_t children = 0;
    int pid;
    while ((pid = fork()) > 0) children++;
    if (pid == 0) {                     /* a child: wait for the word, then write */
        while (!*go) sleep(1);
        use_pages(p, N, 1000);
        exit(0);
    }
    CHECK(pid == -E_NOMEM, "fork failed with %d, not -E_NOMEM", pid);
    CHECK(children > 0, "not even one fork was allowed");
    *go = 1;
    for (uint32_t i = 0; i < children; i++) {
        int status;
        CHECK(wait(&status) > 0 && status == 0, "a child ended with %d", status);
    }
    for (uint32_t i = 0; i < N; i++)
        CHECK(*(uint32_t *)(p + i * PAGE) == word(i, 0), "the parent's page %u changed", i);
    printf("hog: fork refused after %u children (E_NOMEM); each copied and checked its %d "
           "pages\n", children, N);
}

static void hold(void)
{
    enum { N = 64 };
    uint8_t *p = sbrk(N * PAGE);
    CHECK(!is_err(p), "sbrk");
    use_pages(p, N, 0);
    for (int round = 0; round < 200; round++) {
        for (uint32_t i = 0; i < N; i++)
            CHECK(*(uint32_t *)(p + i * PAGE) == word(i, 0), "round %d: page %u lost", round, i);
        sleep(1);
    }
    printf("hog: the bystander's %d pages held through it all\n", N);
}

int main(int argc, char **argv)
{
    progname = "hog";
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "sbrk")) hog_sbrk();
    else if (!strcmp(mode, "mmap")) hog_mmap();
    else if (!strcmp(mode, "fork")) hog_fork();
    else if (!strcmp(mode, "hold")) hold();
    else fail("mode '%s': expected sbrk, mmap, fork or hold", mode);
    return 0;
}
