/* mm/memview.h - the memory viewer: who holds every frame, what every page is.
 *
 * WeensyOS shows its students a map of physical memory; memview shows
 * vmlab's, read from the frame table (mm/frame.h) and the frame pools,
 * and the virtual memory of a process, read from its page tables:
 *
 *   physical: one character per frame of the process pool (or per group
 *     of frames, so that the map fits a screen at large RAM sizes):
 *       .  free              #  hole (not RAM)      K  kernel (heap,
 *       T  page table        k  page of a kernel      stacks, tables)
 *       1-9, a-z  a process's own page (its pid,      VMPool (the tests')
 *                 modulo 36)                        o  taken, not mapped
 *       C  copy-on-write, shared by processes     S  shared memory
 *     a group shows the most interesting of its frames (S, C, a process,
 *     T, K, k, o, #, . in that order);
 *   virtual: for each region of the process, one character per page (or
 *     group):  r resident  c copy-on-write  S shared  s swapped
 *              . not yet touched
 *   with a legend and totals.
 *
 * On the VGA screen each kind has its colour; serial gets plain text, or
 * ANSI colour with memview=ansi on the command line.  memview=fork,exit
 * prints it at every fork and exit of a process (kernel/proc.c); the
 * memview system call prints it from a program; the gdb command of the
 * same name (tools/gdb/vmlab_memview.py) reads the same tables from
 * memory and prints the same maps, without calling into the kernel. */
#ifndef MM_MEMVIEW_H
#define MM_MEMVIEW_H

#include <stdint.h>

#define MEMVIEW_PHYS 1
#define MEMVIEW_VIRT 2
#define MEMVIEW_ALL  3

/* Frames of the process pool, by kind. */
struct memview_counts {
    uint32_t free, hole, kernel, pt, pool, other;
    uint32_t zeroed;                /* on the paging daemon's zeroed list */
    uint32_t user;                  /* a process's own pages */
    uint32_t cow;                   /* shared copy-on-write */
    uint32_t shared;                /* pages of shared memory */
};

/* Count every frame of the process pool by kind (the physical map's
 * totals). */
void memview_count(struct memview_counts *out);

/* Print WHAT (MEMVIEW_PHYS, MEMVIEW_VIRT or both) for process PID (0:
 * the physical map only).  Returns 0, or -E_NOENT if there is no
 * process PID. */
int memview_print(int pid, int what);

/* memview=EVENT,...: print the maps if EVENT ("fork", "exit") is one the
 * command line asked for (kernel/proc.c calls it). */
void memview_event(const char *event, int pid);

#endif
