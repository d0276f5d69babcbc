/* lib/string.h - the few C string and memory routines the kernel uses.
 * gcc may also emit calls to memset/memcpy/memmove/memcmp on its own. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* The first occurrence of NEEDLE in HAY, or 0. */
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);

/* Parse an unsigned decimal (or 0x-prefixed hex) number from S.  Sets
 * *END to the first unparsed character.  Returns the value; a value that
 * does not fit in 32 bits returns 0xFFFFFFFF and sets *END to S (so it
 * reads as "not a number"). */
unsigned long strtoul_simple(const char *s, const char **end);

/* Parse all of S as an unsigned 32-bit number (decimal, or hex after
 * 0x) into *OUT.  Returns 0, or -1 if S is empty, has anything after the
 * digits, or is larger than 4294967295 (then *OUT is unchanged). */
int parse_u32(const char *s, uint32_t *out);

#ifdef __cplusplus
}
#endif

#endif
