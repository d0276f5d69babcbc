/* mm/replace/fifo.h - FIFO's load-order line, shared with second chance.
 *
 * Second chance (second_chance.c) is FIFO that looks at the Accessed bit
 * before it evicts: it keeps the same line of slots in load order and
 * uses these functions to keep it, adding only its own victim(). */
#ifndef MM_REPLACE_FIFO_H
#define MM_REPLACE_FIFO_H

#include "mm/replace/policy.h"

void fifo_carve(struct policy *p, uint32_t nframes, struct carve *c);
void fifo_init(struct policy *p, uint32_t nframes, uint32_t seed);
/* SLOT's new page VPN joins the back of the line. */
void fifo_fault_in(struct policy *p, uint32_t slot, uint32_t vpn);
/* SLOT leaves the line. */
void fifo_evicted(struct policy *p, uint32_t slot, uint32_t vpn);
/* The slot at the front of the line: loaded longest ago. */
uint32_t fifo_oldest(const struct policy *p);
/* Send SLOT to the back of the line, as if just loaded. */
void fifo_requeue(struct policy *p, uint32_t slot);

#endif
