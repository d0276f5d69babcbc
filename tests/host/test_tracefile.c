/* tests/host/test_tracefile.c - the trace parser and the page renumbering.
 *
 * mm/tracefile.c reads the trace format of mm/tracefile.h a buffer at a
 * time; mm/renumber.c numbers sparse pages densely.  Checked here, under
 * ASan/UBSan:
 *   - random traces are generated from a list of references (decimal
 *     and hex, w and W, '*' markers, comments, tabs, CR LF, no final
 *     newline) and parsed back: the references must be the list, and the
 *     same whether the text comes in one buffer or in pieces of 1 to 7
 *     bytes (split inside tokens, comments and "0x").  Would fail on a
 *     token lost or merged at a buffer edge.
 *   - the extremes (0, 4294967295, 0xFFFFFFFF) parse; 2^32 and every
 *     kind of bad token is an error naming the line it is on, with the
 *     token in the message, and errors stay errors.
 *   - renumber against a linear list: first-use order, the same page
 *     always the same number, RENUMBER_FULL past the limit. */
#include <stdint.h>
#include <string.h>
#include "tests/host/shim.h"
#include "tests/util.h"
#include "mm/tracefile.h"
#include "mm/renumber.h"

static uint32_t rng = 4242;

struct ref { uint32_t page; int write; };

/* Parse TEXT fed in pieces of 1..MAXPIECE bytes (0: all at once) into
 * OUT (at most MAX).  Returns the count, or -1 with *T holding the error. */
static int parse(const char *text, uint32_t maxpiece, struct ref *out, int max,
                 struct tracefile *t)
{
    uint32_t len = (uint32_t)strlen(text), at = 0;
    int n = 0;
    tracefile_init(t);
    for (;;) {
        uint32_t piece = maxpiece ? 1 + rand_next(&rng) % maxpiece : len;
        if (piece > len - at) piece = len - at;
        tracefile_feed(t, text + at, piece, at + piece == len);
        at += piece;
        int r;
        while ((r = tracefile_next(t, &out[n].page, &out[n].write)) == TRACEFILE_REF)
            EXPECT(++n < max, "too many references");
        if (r == TRACEFILE_ERROR) return -1;
        if (r == TRACEFILE_END) return n;
    }
}

/* A random trace of N references (kept in WANT) as text in BUF. */
static void make_trace(struct ref *want, int n, char *buf, size_t size)
{
    size_t at = 0;
    static const char *seps[] = { " ", "\n", "\t", "\r\n", "  \n\n", " # a comment * 12\n",
                                  "\n# 0x12 w\n", " * ", "\n*\n" };
    for (int i = 0; i < n; i++) {
        uint32_t r = rand_next(&rng);
        want[i].page = r % 3 == 0 ? r % 100 : r % 3 == 1 ? rand_next(&rng) : 0xFFFFFFFFu - r % 5;
        want[i].write = rand_next(&rng) % 3 == 0;
        const char *fmt = rand_next(&rng) % 2 ? "%u%s" : rand_next(&rng) % 2 ? "0x%x%s"
                                                                                : "0X%X%s";
        const char *w = !want[i].write ? "" : rand_next(&rng) % 2 ? "w" : "W";
        at += (size_t)snprintf(buf + at, size - at, fmt, want[i].page, w);
        if (i + 1 < n || rand_next(&rng) % 2)
            at += (size_t)snprintf(buf + at, size - at, "%s",
                                   rand_next(&rng) % 4 ? " " : seps[rand_next(&rng) % 9]);
        if (rand_next(&rng) % 20 == 0)          /* a comment right after a token */
            at += (size_t)snprintf(buf + at, size - at, "#c\n");
        EXPECT(at < size - 64, "trace buffer too small");
    }
}

static void test_roundtrip(void)
{
    static char text[1 << 16];
    static struct ref want[2000], got[2000];
    struct tracefile t;
    int traces = 0;
    for (int k = 0; k < 200; k++) {
        int n = 1 + (int)(rand_next(&rng) % 1500);
        make_trace(want, n, text, sizeof text);
        for (uint32_t piece = 0; piece <= 7; piece += 7) {
            int m = parse(text, piece, got, 2000, &t);
            EXPECT(m == n, "%d references parsed of %d (pieces %u): line %u: %s '%s'", m, n,
                   piece, t.err_line, t.err ? t.err : "", t.text);
            for (int i = 0; i < n; i++)
                EXPECT(got[i].page == want[i].page && got[i].write == want[i].write,
                       "reference %d: %u%s, wanted %u%s", i, got[i].page,
                       got[i].write ? "w" : "", want[i].page, want[i].write ? "w" : "");
        }
        traces++;
    }
    struct ref one[8];
    EXPECT(parse("", 0, one, 8, &t) == 0 && parse("# only\n#\n", 3, one, 8, &t) == 0,
           "empty traces");
    EXPECT(parse("0 4294967295 0xFFFFFFFFw 0x0W 007", 2, one, 8, &t) == 5 &&
           one[0].page == 0 && one[1].page == 4294967295u && one[2].page == 0xFFFFFFFFu &&
           one[2].write && one[3].page == 0 && one[3].write && one[4].page == 7, "extremes");
    printf("(tracefile) %d random traces parse back exactly, whole and in 1-7 byte pieces\n",
           traces);
}

static void test_errors(void)
{
    static const struct { const char *text; uint32_t line; const char *token; } bad[] = {
        { "1 2\n3 12a 4", 2, "12a" },
        { "0x", 1, "0x" },
        { "5\n\n x12", 3, "x12" },
        { "**", 1, "**" },
        { "*5", 1, "*5" },
        { "5ww", 1, "5ww" },
        { "5w3", 1, "5w3" },
        { "4294967296", 1, "4294967296" },
        { "0x100000000", 1, "0x100000000" },
        { "# c\n-1", 2, "-1" },
        { "1.5", 1, "1.5" },
        { "0xW", 1, "0xW" },
        { "w", 1, "w" },
        { "1\n2\n3\n99999999999999999999999999999999999999999", 4,
          "9999999999999999999999999999999" },
    };
    struct ref out[8];
    struct tracefile t;
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (uint32_t piece = 0; piece <= 3; piece += 3) {
            EXPECT(parse(bad[i].text, piece, out, 8, &t) == -1, "'%s' accepted", bad[i].text);
            EXPECT(t.err && t.err_line == bad[i].line && strcmp(t.text, bad[i].token) == 0,
                   "'%s': line %u token '%s', wanted line %u '%s'", bad[i].text, t.err_line,
                   t.text, bad[i].line, bad[i].token);
            uint32_t pg;
            int w;
            EXPECT(tracefile_next(&t, &pg, &w) == TRACEFILE_ERROR, "the error did not stick");
        }
    }
    printf("(tracefile) %u kinds of bad token refused with their line and text\n",
           (unsigned)(sizeof bad / sizeof bad[0]));
}

static void test_renumber(void)
{
    enum { MAX = 3000 };
    static uint32_t seen[MAX];
    struct renumber r;
    void *mem = malloc(renumber_bytes(MAX));
    renumber_init(&r, MAX, mem);
    uint32_t nseen = 0;
    for (int i = 0; i < 100000; i++) {
        uint32_t kind = rand_next(&rng) % 4, x = rand_next(&rng);
        uint32_t page = kind == 0 ? 0xFFFFFFFFu - x % 7 : kind == 1 ? x % 5000
                        : kind == 2 ? (x % 3000) << 20 : seen[x % (nseen < MAX ? nseen + 1 : MAX)];
        uint32_t want = nseen;
        for (uint32_t k = 0; k < nseen; k++)
            if (seen[k] == page) want = k;
        if (want == nseen && nseen == MAX) want = RENUMBER_FULL;
        else if (want == nseen) seen[nseen++] = page;
        EXPECT(renumber(&r, page) == want, "page %u", page);
    }
    EXPECT(nseen == MAX && r.count == MAX, "the table never filled (%u)", nseen);
    free(mem);
    printf("(renumber) 100000 pages numbered in first-use order, %u distinct, then full\n",
           nseen);
}

int main(void)
{
    test_roundtrip();
    test_errors();
    test_renumber();
    printf("test_tracefile: PASS\n");
    return 0;
}
