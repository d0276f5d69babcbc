/* mm/pte.h - what vmlab keeps in the bits of a PTE the MMU leaves alone.
 *
 * The MMU reads a PTE whose P bit is 1 (mm/mmu.h), and ignores every
 * other bit of one whose P bit is 0; in a present PTE it ignores the
 * three AVAIL bits 9-11.  vmlab uses them so:
 *
 * Present (P = 1):
 *   31                              12 11  10   9   8 ... 2   1   0
 *  +----------------------------------+---+---+---+-------+---+---+
 *  |          frame number            | 0 |COW| 0 |G.. U  | W | 1 |
 *  +----------------------------------+---+---+---+-------+---+---+
 *    COW (PTE_COW): copy-on-write.  W is clear; the first write faults
 *    (protection, write) and mm/fault.c gives the writer a copy, or, if
 *    it is the last mapping of the frame, just sets W again.
 *
 * Not present (P = 0):
 *   0                               never touched, or dropped clean: the
 *                                   next touch makes the page afresh
 *                                   (zeroes, or image or object bytes)
 *  +----------------------------------+---+---+---+-------------+---+
 *  |     swap slot number (20 bits)   | 0 | 0 | 1 |   0 ... 0   | 0 |
 *  +----------------------------------+---+---+---+-------------+---+
 *                                             PTE_SWAPPED        P=0
 *    the page's contents are in that swap slot (mm/swap.h); several
 *    PTEs may name one slot (copy-on-write sharers), which counts them.
 *
 *  +----------------------------------+---+---+---+-------------+---+
 *  |          frame number            | 1 |COW| 0 |  W, U ...   | 0 |
 *  +----------------------------------+---+---+---+-------------+---+
 *                                      PTE_TRANS                 P=0
 *    transition: the page is still in that frame, but the paging daemon
 *    (mm/daemon.c) has taken it out of its working set: the frame is on
 *    the standby or modified list, or being written.  The
 *    rest of the entry is the present entry it was, P aside (A and D are
 *    0: D went into the frame's FRAME_DIRTY), so a fault on it rescues
 *    the page by setting P again: a soft fault, no disk read. */
#ifndef MM_PTE_H
#define MM_PTE_H

#include <stdint.h>
#include "mm/mmu.h"

typedef uint32_t pte_t;

#define PTE_SWAPPED     0x200u          /* P = 0: the rest names a swap slot */
#define PTE_COW         0x400u          /* P = 1: copy-on-write (W is clear) */
#define PTE_TRANS       0x800u          /* P = 0: the page is in transition, in its frame */

static inline pte_t swap_pte(uint32_t slot) { return slot << 12 | PTE_SWAPPED; }
static inline int pte_is_swap(pte_t e) { return !(e & PTE_P) && (e & PTE_SWAPPED); }
static inline int pte_is_trans(pte_t e) { return !(e & PTE_P) && (e & PTE_TRANS); }
/* The transition entry for present entry E, and back. */
static inline pte_t pte_to_trans(pte_t e) { return (e & ~(PTE_P | PTE_A | PTE_D)) | PTE_TRANS; }
static inline pte_t pte_from_trans(pte_t e) { return (e & ~PTE_TRANS) | PTE_P; }
static inline uint32_t pte_slot(pte_t e) { return e >> 12; }
static inline uint32_t pte_frame(pte_t e) { return e >> 12; }

#endif
