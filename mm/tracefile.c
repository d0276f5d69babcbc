/* mm/tracefile.c - the streaming trace parser of mm/tracefile.h.
 *
 * A state machine over characters.  Between tokens it skips white
 * space; a '#' starts a comment that ends at the newline.  Inside a
 * token, TOK says how the characters so far parse:
 *
 *   START --'*'--> STAR                      (the whole token: skipped)
 *   START --'0'--> ZERO --'x'--> HEX0 --hex--> HEX --hex--> HEX
 *   START --1-9--> DEC --0-9--> DEC          (ZERO --0-9--> DEC too)
 *   ZERO, DEC, HEX --'w'--> WRITE            (nothing may follow it)
 *
 * and any other character sends it to BAD.  The value is accumulated as
 * digits arrive, so a token may be split across buffers, and its first
 * characters are kept for the error message.  White space, '#' or the
 * end of the input ends the token and says what it was. */
#include "mm/tracefile.h"

enum { BETWEEN, IN_TOKEN, IN_COMMENT };
enum { START, STAR, ZERO, DEC, HEX0, HEX, WRITE, BAD };

void tracefile_init(struct tracefile *t)
{
    t->buf = 0;
    t->len = t->pos = 0;
    t->last = 0;
    t->line = 1;
    t->where = BETWEEN;
    t->err = 0;
    t->err_line = 0;
}

void tracefile_feed(struct tracefile *t, const char *buf, uint32_t len, int last)
{
    t->buf = buf;
    t->len = len;
    t->pos = 0;
    t->last = last;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The value of hex digit C, or -1. */
static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Append digit D in BASE to the token's value, noting overflow. */
static void add_digit(struct tracefile *t, uint32_t base, uint32_t d)
{
    if (t->value > (0xFFFFFFFFu - d) / base)
        t->big = 1;
    t->value = t->value * base + d;
}

/* Character C of the current token: the next state of TOK. */
static int step(struct tracefile *t, char c)
{
    int h = hex_digit(c), dec = c >= '0' && c <= '9', w = c == 'w' || c == 'W';
    int tok = t->tok;
    if (tok == START && c == '*') return STAR;
    if (tok == ZERO && (c == 'x' || c == 'X')) return HEX0;
    if ((tok == ZERO || tok == DEC || tok == HEX) && w) return WRITE;
    if ((tok == START || tok == ZERO || tok == DEC) && dec) {
        add_digit(t, 10, (uint32_t)(c - '0'));
        return tok == START && c == '0' ? ZERO : DEC;   /* 0 then digits: decimal */
    }
    if ((tok == HEX0 || tok == HEX) && h >= 0) {
        add_digit(t, 16, (uint32_t)h);
        return HEX;
    }
    return BAD;                     /* and after STAR, WRITE or BAD, anything is */
}

static void begin_token(struct tracefile *t)
{
    t->where = IN_TOKEN;
    t->tok = START;
    t->value = 0;
    t->big = 0;
    t->tok_line = t->line;
    t->text_len = 0;
}

/* The token has ended: TRACEFILE_REF with its page, 0 for a skipped
 * '*', or TRACEFILE_ERROR. */
static int end_token(struct tracefile *t, uint32_t *page, int *write)
{
    t->where = BETWEEN;
    t->text[t->text_len < TRACEFILE_TEXT ? t->text_len : TRACEFILE_TEXT - 1] = 0;
    if (t->tok == STAR)
        return 0;
    if (t->tok == START || t->tok == HEX0 || t->tok == BAD)
        t->err = "not a page number (decimal or 0x hex, then w for a write)";
    else if (t->big)
        t->err = "page number does not fit in 32 bits";
    if (t->err) {
        t->err_line = t->tok_line;
        return TRACEFILE_ERROR;
    }
    *page = t->value;
    *write = t->tok == WRITE;
    return TRACEFILE_REF;
}

int tracefile_next(struct tracefile *t, uint32_t *page, int *write)
{
    if (t->err)
        return TRACEFILE_ERROR;
    while (t->pos < t->len) {
        char c = t->buf[t->pos++];
        int r = 0;
        if (t->where == IN_TOKEN && (is_space(c) || c == '#'))
            r = end_token(t, page, write);
        if (c == '\n') {
            t->line++;
            if (t->where == IN_COMMENT) t->where = BETWEEN;
        } else if (c == '#' && t->where != IN_COMMENT) {
            t->where = IN_COMMENT;
        } else if (t->where == IN_TOKEN) {
            if (t->text_len < TRACEFILE_TEXT - 1) t->text[t->text_len] = c;
            t->text_len++;
            t->tok = step(t, c);
        } else if (t->where == BETWEEN && !is_space(c)) {
            begin_token(t);
            t->text[t->text_len++] = c;
            t->tok = step(t, c);
        }
        if (r)
            return r;
    }
    if (!t->last)
        return TRACEFILE_MORE;
    if (t->where == IN_TOKEN) {
        int r = end_token(t, page, write);
        if (r)
            return r;
    }
    return TRACEFILE_END;
}
