/* tests/util.c - test helpers that need kernel services. */
#include "tests/util.h"
#include "mm/memlayout.h"

void *frame_map(uint32_t f) { return frame_addr(f); }
void frame_unmap(void *p) { (void)p; }
