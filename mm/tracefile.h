/* mm/tracefile.h - reading a page-reference trace file, a buffer at a time.
 *
 * Traces from the replacement literature (and strings of our own) are
 * plain text, one reference per whitespace-separated token:
 *
 *   1234        a read of page 1234 (decimal, any 32-bit value)
 *   0x4d2       the same page in hex (0x or 0X, 1 to 8 significant digits)
 *   1234w       a write (w or W right after the number)
 *   *           nothing: a marker the LIRS authors' traces carry; skipped
 *   # ...       a comment, to the end of the line (also right after a token)
 *
 * Anything else is an error, reported with its line number.  Page
 * numbers are whatever the trace used (block numbers, addresses):
 * sparse and large; mm/renumber.h numbers them densely.
 *
 * The parser is streaming and allocates nothing: the caller feeds it
 * bytes as they come (from a file on the host, from a disk in the
 * kernel), in buffers of any size, split anywhere, even in the middle
 * of a token, and pulls references out.  Pure code, host-tested
 * (tests/host/test_tracefile.c); the host replay tool
 * (tests/host/replay.c) reads traces with it. */
#ifndef MM_TRACEFILE_H
#define MM_TRACEFILE_H

#include <stdint.h>

#define TRACEFILE_TEXT 32           /* bytes of a bad token kept for the message */

struct tracefile {
    const char *buf;                /* what tracefile_feed gave, and how far */
    uint32_t len, pos;              /* into it next() has read */
    int last;                       /* no bytes will follow BUF */
    uint32_t line;                  /* the line being read, from 1 */
    int where;                      /* between tokens, in one, in a comment */
    int tok;                        /* how the token so far parses */
    uint32_t value;                 /* its page number so far */
    int big;                        /* ... which no longer fits in 32 bits */
    uint32_t tok_line;              /* the line the token started on */
    char text[TRACEFILE_TEXT];      /* its first characters, 0-terminated */
    uint32_t text_len;              /* its length in all */
    const char *err;                /* the error, or 0; sticky */
    uint32_t err_line;              /* where it is */
};

/* What tracefile_next returns. */
#define TRACEFILE_REF    1          /* *PAGE, *WRITE hold the next reference */
#define TRACEFILE_MORE   0          /* every byte fed is read: feed more */
#define TRACEFILE_END    2          /* the last byte is read: no more references */
#define TRACEFILE_ERROR (-1)        /* T->err says what, at line T->err_line, and
                                       T->text holds the token (maybe cut short) */

/* Start reading a new trace. */
void tracefile_init(struct tracefile *t);

/* The next LEN bytes of the trace are at BUF, which must stay put until
 * tracefile_next returns TRACEFILE_MORE; LAST if they are the end of it.
 * Feed only after TRACEFILE_MORE (or right after init). */
void tracefile_feed(struct tracefile *t, const char *buf, uint32_t len, int last);

/* The next reference: its page number into *PAGE and 1 into *WRITE if it
 * is a write, else 0, and T->tok_line is the line it is on.  Returns one
 * of the TRACEFILE_ codes above. */
int tracefile_next(struct tracefile *t, uint32_t *page, int *write);

#endif
