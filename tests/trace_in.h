/* tests/trace_in.h - a trace file brought into the kernel for replay.
 *
 * The kernel's trace replay (trace= on the command line, tests/
 * experiment.c) and the trace tests read a page-reference trace, the
 * text format of mm/tracefile.h, from one of two places: the trace disk
 * the host runner attaches (trace_in_disk), or a string in kernel memory
 * (trace_in_text, for tests).  Both go through trace_in_feed: the
 * streaming parser (mm/tracefile.c), then dense page numbers in order of
 * first use (mm/renumber.c), then the rule every replay applies, that
 * each page's first reference is a write (replay_first_writes,
 * tests/workloads/replay.c), so that the kernel, OPT, LRU and the host's
 * replay tool (tests/host/replay.c) all count the same string.
 *
 * The trace disk is the IDE primary master (QEMU -drive index=0; the
 * swap disk is the slave, index=1).  tools/tracedisk.py writes it:
 *
 *   sector 0    header: the 8 bytes "VMLABTRC", then the length of the
 *               text in bytes (32 bits, little-endian); the rest zero
 *   sector 1..  the trace file's bytes as they are, then zeros to the
 *               end of a 4 KiB page
 *
 * Limits: TRACE_MAX_REFS references, TRACE_MAX_PAGES distinct pages;
 * a trace past one is refused with a message naming the limit and the
 * line where it was passed, as is any token the parser refuses. */
#ifndef TESTS_TRACE_IN_H
#define TESTS_TRACE_IN_H

#include <stdint.h>
#include "mm/tracefile.h"
#include "mm/renumber.h"

#define TRACE_MAX_REFS  (1u << 22)      /* 4,194,304 references (16 MiB of them) */
#define TRACE_MAX_PAGES (1u << 18)      /* 262,144 distinct pages: a 1 GiB region */
#define TRACE_NAME      32              /* bytes of a trace's name, the NUL included */
#define TRACE_DISK_MAGIC "VMLABTRC"

struct trace_in {
    char name[TRACE_NAME];      /* for messages and ROW lines */
    uint32_t *refs;             /* REF(page, write) each (mm/refstring.h), dense pages */
    uint32_t n;                 /* references so far */
    uint32_t npages;            /* distinct pages (after trace_in_feed's end) */
    char err[160];              /* why loading failed, or "" */
    /* While loading: */
    uint32_t max;               /* references (and pages) BYTES can hold */
    uint32_t bytes, fed;        /* the text's length, and how much of it came */
    struct tracefile tf;
    struct renumber rn;
    void *rmem;                 /* the renumbering table's memory */
};

/* Start loading a trace called NAME of BYTES bytes of text (or fewer)
 * into T.  Its reference array and renumbering table come from kmalloc,
 * sized for the most references BYTES can hold (a digit and a blank
 * each), up to the limits.  Returns 0, or -E_NOMEM (T->err says so). */
int trace_in_begin(struct trace_in *t, const char *name, uint32_t bytes);

/* The next LEN bytes of T's text are at BUF (no more than the BYTES
 * given to trace_in_begin in all; else panics); LAST if they are the
 * end.  Parses them.  Returns 1 once the end is read (T->n and T->npages are
 * final, every page's first reference is a write, the renumbering table
 * is freed), 0 if more text is wanted, or -E_INVAL with T->err naming the
 * line and what is wrong there: a bad token, a limit passed, or no
 * references at all. */
int trace_in_feed(struct trace_in *t, const char *buf, uint32_t len, int last);

/* Load all of TEXT (a NUL-terminated string) as trace NAME into T.
 * Returns 0 or an error as trace_in_begin/trace_in_feed (T->err). */
int trace_in_text(struct trace_in *t, const char *name, const char *text);

/* Load the trace on the trace disk as trace NAME into T, reading the
 * disk a DMA command (128 KiB) at a time.  Returns 0; -E_IO if there is
 * no trace disk or it cannot be read, -E_INVAL if its header is not one
 * tools/tracedisk.py wrote or its text is refused (T->err says which). */
int trace_in_disk(struct trace_in *t, const char *name);

/* Free T's memory (any time: after an error too). */
void trace_in_free(struct trace_in *t);

#endif
