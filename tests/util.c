/* tests/util.c - test helpers that need kernel services. */
#include "tests/util.h"
#include "mm/paging.h"

void *frame_map(uint32_t f) { return kmap(f); }
void frame_unmap(void *p) { kunmap(p); }
