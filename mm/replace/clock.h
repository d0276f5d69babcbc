/* mm/replace/clock.h - CLOCK's hand over the slots, shared with NRU.
 *
 * enhanced_clock.c sweeps the same hand over the same slots as CLOCK
 * (clock.c) and differs only in how it chooses: it reuses these. */
#ifndef MM_REPLACE_CLOCK_H
#define MM_REPLACE_CLOCK_H

#include "mm/replace/policy.h"

/* Put the hand on slot 0.  (CLOCK has no fault_in: a page loaded into a
 * slot is only recorded, and the hand does not move.) */
void clock_init(struct policy *p, uint32_t nframes, uint32_t seed);

#endif
