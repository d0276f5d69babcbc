/* tests/workloads/access.c - the workloads' accessors and the reference tracer.
 *
 * Every workload (tests/workloads/NAME.c) reads and writes its region
 * only through wl_rd8/wl_wr8/wl_rd32/wl_wr32.  Each is one volatile
 * load or store, so the compiler can neither drop a touch nor merge two,
 * and the hardware sees exactly the references the program makes.  When
 * tracing is on, each access also goes through note(), which appends
 * the page it touched to the trace buffer: this page-reference string is
 * what the experiment driver replays through OPT and LRU to judge the
 * real policies.  Consecutive accesses to one page are folded into one
 * entry (no replacement policy can evict between them, so they are one
 * reference as far as paging is concerned), with the write bit ORed in
 * so that a read-then-write still counts as a dirtying reference.
 *
 * The accessors can also count accesses and call a progress function
 * every so many of them (wl_progress), so a long experiment can say how
 * far it has got.
 *
 * These functions run tens of millions of times per experiment, so the
 * path with nothing watching is one test and one memory access. */
#include "tests/workloads/workload.h"
#include "mm/mmu.h"
#include "mm/paging.h"
#include "mm/tlb_model.h"
#include "kernel/x86.h"

/* The tracer's state.  LAST is the page of the newest entry, or
 * NO_PAGE when the buffer is empty, so the first access never folds. */
#define NO_PAGE 0xFFFFFFFFu

static int watching;            /* tracing, a TLB model or a progress count is on */
static int tracing;             /* 1 between trace_start and trace_stop, unless full */
static int overflowed;          /* an entry was dropped for lack of room */
static uint32_t *tbuf;          /* the caller's buffer of CAP entries */
static uint32_t tcap, tlen;     /* its capacity and the entries used */
static uint32_t tbase;          /* the region's base: page 0 */
static uint32_t last = NO_PAGE; /* page of tbuf[tlen - 1] */

static struct tlb_model *tlbm;  /* the TLB model fed by the accessors, or 0 */
static void (*progress_fn)(uint32_t);   /* wl_progress's function, or 0 */
static uint32_t progress_every, progress_left, progress_count;

static void update_watching(void) { watching = tracing || tlbm || progress_fn; }

/* Look ADDR's page up in the TLB model.  Threads share the model (one
 * CPU, one TLB), so the update is made with interrupts off. */
static void see(uint32_t addr)
{
    uint32_t fl = read_eflags();
    cli();
    tlb_lookup(tlbm, addr >> 12);
    if (fl & EFLAGS_IF) sti();
}

/* The kernel's TLB flushes (mm/paging.c, tlb_flush_page) reach the model
 * through this observer, so it forgets what the hardware TLB forgets. */
static void model_flush_page(void *ctx, uint32_t va)
{
    tlb_invalidate(ctx, va >> PAGE_SHIFT);
}

static void model_flush_all(void *ctx)
{
    tlb_flush(ctx);
}

void wl_tlb_attach(struct tlb_model *t)
{
    static struct tlb_observer obs = { model_flush_page, model_flush_all, 0 };
    obs.ctx = t;
    tlbm = t;
    tlb_observer = t ? &obs : 0;
    update_watching();
}

void wl_progress(uint32_t every, void (*fn)(uint32_t accesses))
{
    progress_fn = every ? fn : 0;
    progress_every = progress_left = every;
    progress_count = 0;
    update_watching();
}

/* Record an access to ADDR (WRITE is 1 for a store): feed the TLB model,
 * then fold it into the newest trace entry if it is the same page, else
 * append a new one.  A full buffer stops the trace, so what is recorded
 * stays an exact prefix. */
static void note_slow(uint32_t addr, uint32_t write)
{
    if (progress_fn && --progress_left == 0) {
        progress_left = progress_every;
        progress_fn(progress_count += progress_every);
    }
    if (tlbm)
        see(addr);
    if (!tracing)
        return;
    uint32_t page = (addr - tbase) / PAGE_SIZE;
    if (page == last) {
        tbuf[tlen - 1] |= write;
        return;
    }
    if (tlen == tcap) {
        overflowed = 1;
        tracing = 0;
        update_watching();
        return;
    }
    tbuf[tlen++] = page << 1 | write;
    last = page;
}

static inline void note(uint32_t addr, uint32_t write)
{
    if (watching) note_slow(addr, write);
}

/* Each accessor makes its access first and then notes it: if the access
 * faulted, the handler's TLB flush (of the page it just mapped) has then
 * already happened, so the TLB model sees the lookup that refills the
 * entry, as the hardware does when the instruction restarts. */
uint8_t wl_rd8(uint32_t addr)
{
    uint8_t v = *(volatile uint8_t *)addr;
    note(addr, 0);
    return v;
}

void wl_wr8(uint32_t addr, uint8_t v)
{
    *(volatile uint8_t *)addr = v;
    note(addr, 1);
}

uint32_t wl_rd32(uint32_t addr)
{
    uint32_t v = *(volatile uint32_t *)addr;
    note(addr, 0);
    return v;
}

void wl_wr32(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
    note(addr, 1);
}

void trace_start(uint32_t *buf, uint32_t cap, uint32_t base)
{
    tbuf = buf;
    tcap = cap;
    tlen = 0;
    tbase = base;
    last = NO_PAGE;
    overflowed = 0;
    tracing = 1;
    update_watching();
}

uint32_t trace_stop(void)
{
    tracing = 0;
    update_watching();
    return tlen;
}

int trace_overflowed(void)
{
    return overflowed;
}
