/* tests/trace_in.c - trace text to a reference string, from memory or the trace disk.
 *
 * What tests/trace_in.h promises: the parser's references are
 * renumbered and appended as they come, so the text itself is never held
 * whole: room for a reference per two bytes of text (the most a text can
 * hold: a digit and a blank), four bytes each, at most TRACE_MAX_REFS of
 * them; the renumbering table; and one 128 KiB read buffer.  Errors are written into T->err as
 * "trace NAME: line L: what", the form every caller prints. */
#include "tests/trace_in.h"
#include "tests/workloads/workload.h"
#include "drivers/ata.h"
#include "mm/kmalloc.h"
#include "mm/mmu.h"
#include "mm/physmem.h"
#include "mm/refstring.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define READ_PAGES ATA_DMA_MAX_PAGES    /* pages of text per disk read: one DMA command */

/* Say why loading T failed, after "trace NAME: ", and return -E_INVAL. */
static int refuse(struct trace_in *t, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int refuse(struct trace_in *t, const char *fmt, ...)
{
    uint32_t n = (uint32_t)ksnprintf(t->err, sizeof t->err, "trace %s: ", t->name);
    if (n >= sizeof t->err) n = sizeof t->err - 1;
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(t->err + n, sizeof t->err - n, fmt, ap);
    va_end(ap);
    return -E_INVAL;
}

void trace_in_free(struct trace_in *t)
{
    kfree(t->refs);
    kfree(t->rmem);
    t->refs = 0;
    t->rmem = 0;
}

int trace_in_begin(struct trace_in *t, const char *name, uint32_t bytes)
{
    ksnprintf(t->name, sizeof t->name, "%s", name);
    t->n = t->npages = 0;
    t->err[0] = 0;
    t->fed = 0;
    t->bytes = bytes;
    /* Room for every reference the text can hold (one per two bytes),
     * or up to the limits: passing a limit is caught before the store. */
    t->max = bytes / 2 + 1;
    uint32_t maxrefs = t->max < TRACE_MAX_REFS ? t->max : TRACE_MAX_REFS;
    uint32_t maxpages = t->max < TRACE_MAX_PAGES ? t->max : TRACE_MAX_PAGES;
    t->refs = kmalloc(maxrefs * 4);
    t->rmem = kmalloc(renumber_bytes(maxpages));
    if (!t->refs || !t->rmem) {
        trace_in_free(t);
        ksnprintf(t->err, sizeof t->err, "trace %s: no heap for %u references and %u "
                  "pages' numbers", t->name, maxrefs, maxpages);
        return -E_NOMEM;
    }
    renumber_init(&t->rn, maxpages, t->rmem);
    tracefile_init(&t->tf);
    return 0;
}

/* The end of T's text is read: the page count, the first-write rule, and
 * the renumbering table is no longer needed. */
static int finish(struct trace_in *t)
{
    if (t->n == 0)
        return refuse(t, "line %u: the trace holds no references", t->tf.line);
    t->npages = t->rn.count;
    kfree(t->rmem);
    t->rmem = 0;
    uint32_t *seen = kmalloc((t->npages + 31) / 32 * 4);
    if (!seen)
        return refuse(t, "no heap for a bitmap of %u pages", t->npages);
    replay_first_writes(t->refs, t->n, t->npages, seen);
    kfree(seen);
    return 1;
}

int trace_in_feed(struct trace_in *t, const char *buf, uint32_t len, int last)
{
    if (len > t->bytes - t->fed)
        panic("trace_in_feed: %u more bytes of %s, past the %u trace_in_begin was told",
              len, t->name, t->bytes);
    t->fed += len;
    tracefile_feed(&t->tf, buf, len, last);
    for (;;) {
        uint32_t page;
        int write, r = tracefile_next(&t->tf, &page, &write);
        if (r == TRACEFILE_MORE)
            return 0;
        if (r == TRACEFILE_END)
            return finish(t);
        if (r == TRACEFILE_ERROR)
            return refuse(t, "line %u: %s: '%s'", t->tf.err_line, t->tf.err, t->tf.text);
        uint32_t v = renumber(&t->rn, page);
        if (v == RENUMBER_FULL && t->rn.max < TRACE_MAX_PAGES)
            panic("trace_in_feed: %s has more pages than its %u bytes can name", t->name,
                  t->bytes);
        if (v == RENUMBER_FULL)
            return refuse(t, "line %u: page %u is one more distinct page than the replay "
                          "takes: at most %u (TRACE_MAX_PAGES)", t->tf.tok_line, page,
                          TRACE_MAX_PAGES);
        if (t->n == t->max)
            panic("trace_in_feed: %s has more references than its %u bytes can hold",
                  t->name, t->bytes);
        if (t->n == TRACE_MAX_REFS)
            return refuse(t, "line %u: more than %u references; the replay takes at most "
                          "%u (TRACE_MAX_REFS)", t->tf.tok_line, TRACE_MAX_REFS, TRACE_MAX_REFS);
        t->refs[t->n++] = REF(v, write);
    }
}

int trace_in_text(struct trace_in *t, const char *name, const char *text)
{
    uint32_t len = strlen(text);
    int rc = trace_in_begin(t, name, len);
    if (rc)
        return rc;
    rc = trace_in_feed(t, text, len, 1);
    return rc == 1 ? 0 : rc;
}

/* Read and check the trace disk's header; store the text's length in
 * *LEN.  Returns 0, or -E_IO / -E_INVAL with T->err saying why. */
static int read_header(struct trace_in *t, uint32_t *len)
{
    static uint8_t hdr[ATA_SECTOR_SIZE];
    if (ata_init(ATA_MASTER) != 0) {
        ksnprintf(t->err, sizeof t->err, "trace %s: no trace disk on the IDE primary master "
                  "(tools/runtests.py run --trace FILE attaches one)", t->name);
        return -E_IO;
    }
    if (ata_read(ATA_MASTER, 0, 1, hdr) != 0) {
        ksnprintf(t->err, sizeof t->err, "trace %s: the trace disk's header cannot be read",
                  t->name);
        return -E_IO;
    }
    if (memcmp(hdr, TRACE_DISK_MAGIC, 8) != 0)
        return refuse(t, "the disk on the IDE primary master is no trace disk (its first "
                      "sector does not start with %s: tools/tracedisk.py writes one)",
                      TRACE_DISK_MAGIC);
    memcpy(len, hdr + 8, 4);
    uint32_t pages = (ata_sectors(ATA_MASTER) - 1) / ATA_PAGE_SECTORS;  /* (no overflow) */
    if (*len / PAGE_SIZE + (*len % PAGE_SIZE != 0) > pages)
        return refuse(t, "the header says %u bytes of text, but the disk holds only %u whole "
                      "pages after it", *len, pages);
    return 0;
}

int trace_in_disk(struct trace_in *t, const char *name)
{
    ksnprintf(t->name, sizeof t->name, "%s", name);
    t->refs = t->rmem = 0;
    uint32_t len;
    int rc = read_header(t, &len);
    if (rc)
        return rc;
    /* The read buffer: frames of the kernel pool, which is mapped one to
     * one, so each page's virtual address (for PIO) is its physical one
     * (for DMA). */
    uint32_t f = get_frames(&kernel_pool, READ_PAGES);
    if (!f) {
        ksnprintf(t->err, sizeof t->err, "trace %s: no %u frames in the kernel pool to read "
                  "into", t->name, READ_PAGES);
        return -E_NOMEM;
    }
    struct ata_page pages[READ_PAGES];
    for (uint32_t i = 0; i < READ_PAGES; i++)
        pages[i] = (struct ata_page){ (f + i) * PAGE_SIZE, (void *)((f + i) * PAGE_SIZE) };
    if ((rc = trace_in_begin(t, name, len)) != 0) {
        release_frames(f);
        return rc;
    }
    /* An empty text is one empty feed: the parser then says "no references". */
    for (uint32_t off = 0; rc == 0; ) {
        uint32_t chunk = len - off < READ_PAGES * PAGE_SIZE ? len - off : READ_PAGES * PAGE_SIZE;
        uint32_t npg = (chunk + PAGE_SIZE - 1) / PAGE_SIZE;
        if (npg && ata_read_pages(ATA_MASTER, 1 + off / ATA_SECTOR_SIZE, pages, npg) != 0) {
            ksnprintf(t->err, sizeof t->err, "trace %s: reading the trace disk at byte %u "
                      "failed", t->name, off);
            rc = -E_IO;
            break;
        }
        off += chunk;
        rc = trace_in_feed(t, (const char *)(f * PAGE_SIZE), chunk, off == len);
    }
    release_frames(f);
    return rc == 1 ? 0 : rc;
}
