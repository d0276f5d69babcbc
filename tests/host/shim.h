/* tests/host/shim.h - helpers for host unit tests (see shim.c). */
#ifndef TESTS_HOST_SHIM_H
#define TESTS_HOST_SHIM_H

#include <stdio.h>
#include <stdlib.h>

extern int shim_messages;
extern char shim_last[512];

/* Check COND; on failure print where and why and exit 1. */
#define EXPECT(cond, ...) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: EXPECT(%s) failed: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); exit(1); } } while (0)

#endif
