/* tests/workloads/replay.c - "replay": touch the pages of a given reference string.
 *
 * Not one of the built-in workloads of the report (tests/workloads/
 * registry.c): it replays a string someone else made, a trace file
 * (trace= on the command line) or a test's own, one access per
 * reference, in order: a read of the page's first word, or a write of
 * it where the reference says so.  Real faults, evictions and swap I/O
 * happen, under whatever resident limit the experiment set.
 *
 * Every page carries its own signature once written, sig(page, version),
 * where version counts the writes to it; a shadow array keeps each
 * page's version, and every read checks the word against it (0 for a
 * page never written).  So paging that loses data, or hands a page
 * another page's frame, fails the run.  Traces from the literature are
 * read-only, which would make every page a zero page that never goes to
 * swap; replay_first_writes() therefore turns each page's first
 * reference into a write (of its signature), in the string itself, so
 * that OPT, LRU and the model pager count exactly what the kernel does. */
#include "tests/workloads/workload.h"
#include "mm/refstring.h"
#include "mm/mmu.h"
#include "lib/printf.h"
#include "lib/string.h"

static const uint32_t *rrefs;       /* the string: REF(page, write) each */
static uint32_t rn;
static uint32_t *rshadow;           /* each page's version: writes so far */

/* The word page PAGE holds after its VERSION-th write (never 0). */
static uint32_t sig(uint32_t page, uint32_t version)
{
    return (page * 2654435761u ^ version * 40503u) | 1;
}

void replay_set(const uint32_t *refs, uint32_t n, uint32_t *shadow)
{
    rrefs = refs;
    rn = n;
    rshadow = shadow;
}

void replay_first_writes(uint32_t *refs, uint32_t n, uint32_t npages, uint32_t *seen)
{
    memset(seen, 0, (npages + 31) / 32 * 4);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = REF_VPN(refs[i]);
        if (seen[v / 32] & (1u << (v % 32))) continue;
        seen[v / 32] |= 1u << (v % 32);
        refs[i] |= 1;
    }
}

static int replay_run(uint32_t base, uint32_t npages, uint32_t seed)
{
    (void)seed;
    memset(rshadow, 0, npages * 4);
    for (uint32_t i = 0; i < rn; i++) {
        uint32_t page = REF_VPN(rrefs[i]), addr = base + page * PAGE_SIZE;
        if (page >= npages) {
            kprintf("replay: reference %u is to page %u of %u\n", i, page, npages);
            return -1;
        }
        if (REF_WRITE(rrefs[i])) {
            wl_wr32(addr, sig(page, ++rshadow[page]));
            continue;
        }
        uint32_t want = rshadow[page] ? sig(page, rshadow[page]) : 0, got = wl_rd32(addr);
        if (got != want) {
            kprintf("replay: reference %u: page %u reads 0x%08x, its signature is 0x%08x "
                    "(after %u writes): paging lost or mixed up its data\n", i, page, got,
                    want, rshadow[page]);
            return -1;
        }
    }
    return 0;
}

const struct workload wl_replay = {
    "replay", "the pages of a given reference string, in order, with signatures", replay_run,
};
