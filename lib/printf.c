/* lib/printf.c - a small printf-style formatter.
 *
 * vformat() turns a format and its arguments into a stream of characters
 * handed one by one to a callback; kprintf sends them to the console and
 * ksnprintf into a buffer.  It knows %d %i %u %x %X %p %s %c %% with '-',
 * '0', a width (a number, or * from the arguments), a precision for %s
 * (.N or .*: at most that many characters) and the l/ll/z modifiers:
 * what kernel messages need, no more.  An unknown conversion is printed
 * as written, so a mistake shows in the output instead of eating an
 * argument silently; the compiler's format check (PRINTF_LIKE) catches
 * most first. */
#include <stdint.h>
#include "lib/printf.h"

struct spec {
    int left;       /* '-': pad on the right */
    int zero;       /* '0': pad with zeros instead of spaces */
    int width;      /* minimum field width */
    int prec;       /* %s: most characters printed; -1: no limit */
};

/* Emit S (LEN characters) padded to the field width of SP. */
static int emit(void (*putc)(char, void *), void *arg, const struct spec *sp,
                const char *s, int len)
{
    int n = 0;
    int pad = sp->width > len ? sp->width - len : 0;
    char padc = sp->zero && !sp->left ? '0' : ' ';

    /* Zero padding goes after a minus sign: -0042, not 00-42. */
    if (padc == '0' && len > 0 && s[0] == '-') {
        putc('-', arg), n++;
        s++, len--;
    }
    if (!sp->left)
        for (; pad > 0; pad--) putc(padc, arg), n++;
    for (int i = 0; i < len; i++) putc(s[i], arg), n++;
    for (; pad > 0; pad--) putc(' ', arg), n++;
    return n;
}

/* Write V in base BASE into the end of BUF (at least 24 bytes); return
 * the start of the digits. */
static char *digits(char *end, uint64_t v, unsigned base, int upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    *--end = '\0';
    do {
        *--end = set[v % base];
        v /= base;
    } while (v);
    return end;
}

int vformat(void (*putc)(char, void *), void *arg, const char *fmt, va_list ap)
{
    int n = 0;
    char buf[24];

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc(*fmt, arg), n++;
            continue;
        }
        struct spec sp = {0, 0, 0, -1};
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-') sp.left = 1;
            else if (*fmt == '0') sp.zero = 1;
            else break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int), fmt++;
            if (sp.width < 0) sp.left = 1, sp.width = -sp.width;
        }
        while (*fmt >= '0' && *fmt <= '9')
            sp.width = sp.width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int), fmt++;
                if (sp.prec < 0) sp.prec = -1;
            }
            while (*fmt >= '0' && *fmt <= '9')
                sp.prec = sp.prec * 10 + (*fmt++ - '0');
        }
        int lng = 0;
        while (*fmt == 'l') lng++, fmt++;
        if (*fmt == 'z') fmt++;                 /* size_t is 32 bits here */

        uint64_t u;
        int64_t d;
        char *s;
        switch (*fmt) {
        case 'd': case 'i':
            d = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            s = digits(buf + sizeof buf, d < 0 ? -(uint64_t)d : (uint64_t)d, 10, 0);
            if (d < 0) *--s = '-';
            n += emit(putc, arg, &sp, s, (int)(buf + sizeof buf - 1 - s));
            break;
        case 'u': case 'x': case 'X':
            u = lng >= 2 ? va_arg(ap, unsigned long long)
                : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            s = digits(buf + sizeof buf, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            n += emit(putc, arg, &sp, s, (int)(buf + sizeof buf - 1 - s));
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            s = digits(buf + sizeof buf, u, 16, 0);
            /* Pointers always print as 0x followed by 8 digits. */
            while (buf + sizeof buf - 1 - s < 8) *--s = '0';
            *--s = 'x';
            *--s = '0';
            n += emit(putc, arg, &sp, s, (int)(buf + sizeof buf - 1 - s));
            break;
        case 's':
            s = va_arg(ap, char *);
            if (!s) s = "(null)";
            { int len = 0; while (s[len] && (sp.prec < 0 || len < sp.prec)) len++;
              n += emit(putc, arg, &sp, s, len); }
            break;
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            n += emit(putc, arg, &sp, buf, 1);
            break;
        case '%':
            putc('%', arg), n++;
            break;
        case '\0':
            return n;                           /* stray % at the end */
        default:                                /* unknown: print it raw */
            putc('%', arg), putc(*fmt, arg), n += 2;
        }
    }
    return n;
}

/* kprintf is kvprintf with its arguments gathered; kvprintf itself is
 * the console's (kernel/console.c), or a host test's (tests/host/shim.c). */
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

struct sbuf {
    char *p;        /* next free byte */
    char *end;      /* last byte, reserved for the terminating NUL */
};

static void sbuf_putc(char c, void *arg)
{
    struct sbuf *b = arg;
    if (b->p < b->end) *b->p++ = c;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sbuf b = { buf, buf + (size ? size - 1 : 0) };
    int n = vformat(sbuf_putc, &b, fmt, ap);
    if (size) *b.p = '\0';
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
