/* lib/string.c - memory and string routines for a freestanding kernel.
 * Plain byte loops, except memset/memcpy, which move 32-bit words when
 * they can: they zero and copy whole pages on the paging paths. */
#include <stdint.h>
#include "lib/string.h"

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    if (((uintptr_t)d & 3) == 0 && (n & 3) == 0) {
        uint32_t w = (uint8_t)c * 0x01010101u;
        uint32_t cnt = n / 4;
        asm volatile("cld; rep stosl" : "+D"(d), "+c"(cnt) : "a"(w) : "memory");
        return dst;
    }
    while (n--) *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
        uint32_t cnt = n / 4;
        asm volatile("cld; rep movsl" : "+D"(d), "+S"(s), "+c"(cnt) : : "memory");
        return dst;
    }
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d < s || d >= s + n) {
        while (n--) *d++ = *s++;
    } else {
        d += n, s += n;
        while (n--) *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b) return (uint8_t)*a - (uint8_t)*b;
        if (!*a) return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c) return (char *)s;
    return c == 0 ? (char *)s : NULL;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncmp(hay, needle, n) == 0) return (char *)hay;
    return n ? 0 : (char *)hay;
}

unsigned long strtoul_simple(const char *s, const char **end)
{
    const char *start = s;
    uint64_t v = 0;
    int ndigits = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
    for (;; s++, ndigits++) {
        unsigned d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
        else break;
        v = v * base + d;
        if (v > 0xFFFFFFFFu) {                  /* too large: not a number we take */
            if (end) *end = start;
            return 0xFFFFFFFFu;
        }
    }
    if (base == 16 && ndigits == 0) s = start;  /* "0x" alone */
    if (end) *end = s;
    return (unsigned long)v;
}

int parse_u32(const char *s, uint32_t *out)
{
    const char *end;
    uint32_t v = strtoul_simple(s, &end);
    if (end == s || *end) return -1;
    *out = v;
    return 0;
}
