/* mm/uvm.h - a process's memory: program, heap, mappings and stack.
 *
 * A process's half of its address space (the layout is drawn in
 * mm/memlayout.h) is three VMPools of the space (mm/vmpool.h), each
 * region with attributes saying how its pages are made (mm/vmobj.h):
 *
 *   image  USER_IMAGE .. USER_MMAP       a region per program segment,
 *                                        backed by the program image; then
 *                                        the heap, one anonymous region
 *                                        from heap_start to the break
 *   mmap   USER_MMAP .. USER_MMAP_END    a region per mmap or shared segment
 *   stack  USER_MMAP_END .. USER_END     one region, the top USER_STACK_MAX
 *                                        bytes, grown into by the stack rule
 *
 * Nothing is mapped when a region is made: every page is made by the
 * page-fault handler on first touch (mm/fault.c asks uvm_make_page how).
 * So exec copies nothing, fork copies page tables but no pages
 * (copy-on-write), and a heap that grows takes frames only as it is used.
 *
 * Every function that changes the memory runs in the process's own
 * thread, with its space current, except uvm_fork, which reads the
 * current (parent's) space and writes the child's through the ALT
 * window.  Errors are -E_xxx, with nothing changed. */
#ifndef MM_UVM_H
#define MM_UVM_H

#include <stdint.h>
#include "mm/vmpool.h"

struct aspace;
struct trapframe;

struct uvm {
    struct vmpool image, mmap, stack;
    uint32_t heap_start;            /* the page after the program */
    uint32_t brk;                   /* the program break: the heap ends here */
    uint32_t entry;                 /* the program's first instruction */
    uint32_t committed;             /* pages charged for it (mm/commit.h), but
                                       the stack's, which its space's stack_low
                                       measures */
};

/* The policy for processes' pages unless upolicy= names another.  Their
 * pager knows a page by its frame number, which a new page reuses soon
 * after an old one leaves it; so a policy that remembers evicted pages
 * (clock_pro, car) would take one page's history for another's.  CLOCK
 * remembers nothing but the A bits. */
#define UVM_POLICY "clock"

/* The pager of every process's pages (mm/pager.h); its limit is set by
 * uframes= and by tests (pager_set_limit). */
extern struct pager uvm_pager;

/* Set up uvm_pager (after kmalloc_init and swap_init), as uframes= and
 * upolicy= say; a bad value ends the boot naming it. */
void uvm_init(void);

/* How far below the stack pointer a fault still grows the stack: a
 * `pusha` stores 32 bytes below ESP before moving it. */
#define USER_STACK_SLACK 32

/* Set up VM in the current (empty) space for the ELF image IMAGE (SIZE
 * bytes, checked by the caller: kernel/elf.h): a region per loadable
 * segment, the stack, and on the stack the arguments ARGC, ARGV (kernel
 * strings), as main(argc, argv) expects them.  Sets *ESP to the initial
 * stack pointer.  Returns 0, -E_NOMEM, or -E_2BIG (arguments too big);
 * on failure VM holds nothing (uvm_destroy is not needed). */
int uvm_exec(struct uvm *vm, const uint8_t *image, uint32_t size, int argc,
             char *const argv[], uint32_t *esp);

/* Give back everything VM holds: every page (frames, swap slots), its
 * regions and pools, and its commit charge.  Its space must be current.
 * A zeroed VM (a fork that failed at once) holds nothing. */
void uvm_destroy(struct uvm *vm);

/* Make CHILD, in space CHILD_AS (not current), a copy of the current
 * process's VM: the same regions, and every page shared, writable
 * private ones copy-on-write in both (mm/pte.h), shared ones as they
 * are, swapped ones naming the same slot.  With EAGER, every resident
 * private page is copied at once instead, as a fork without
 * copy-on-write would (the benchmark compares the two).  Returns 0 or
 * -E_NOMEM (then the caller tears the child down). */
int uvm_fork(struct uvm *child, struct aspace *child_as, struct uvm *parent, int eager);

/* Move the program break by INCR bytes (negative shrinks it, and gives
 * the frames of whole pages above it back).  Sets *OLD to the break
 * before.  Returns 0 or -E_NOMEM (beyond USER_HEAP_MAX or the pool). */
int uvm_sbrk(struct uvm *vm, int32_t incr, uint32_t *old);

/* Map LEN bytes of anonymous memory, writable if WRITE, private or
 * SHARED (kept across fork: parent and children see each other's
 * writes).  Sets *ADDR.  Returns 0, -E_INVAL (LEN 0), or -E_NOMEM. */
int uvm_mmap(struct uvm *vm, uint32_t len, int write, int shared, uint32_t *addr);

/* Open the shared segment called NAME (creating it, SIZE bytes, if
 * CREATE and it does not exist) and map all of it, writable.  Sets
 * *ADDR and *SIZE_OUT.  Returns 0, -E_NOENT, -E_INVAL (a bad name or
 * size), or -E_NOMEM.  The segment lives while any mapping of it does. */
int uvm_shm_map(struct uvm *vm, const char *name, uint32_t size, int create,
                uint32_t *addr, uint32_t *size_out);

/* Unmap [ADDR, ADDR+LEN) of the mmap area: the whole of a mapping, or
 * part of one (its ends, or its middle, which splits it).  Returns 0 or
 * -E_INVAL (not page aligned, LEN 0, not inside one mapping). */
int uvm_munmap(struct uvm *vm, uint32_t addr, uint32_t len);

/* For the page-fault handler (VM lock shared, the processes' pager's
 * lock held), in the current space:
 *
 * uvm_stack_rule: may a fault at VA, in the stack region, grow the
 * stack?  1 if VA is above the lowest stack page so far, or no more than
 * USER_STACK_SLACK bytes below the user stack pointer SP; then the stack
 * now reaches down to VA's page, and its new pages are charged
 * (mm/commit.h).  0 if VA is too far below SP; -E_NOMEM if the charge
 * was refused.
 *
 * uvm_make_page: give the fresh frame F the contents of the page at VA
 * of POOL, whose region has attributes ATTR and is not shared: the
 * image's bytes (returns 1), or nothing (returns 0: the caller zeroes).
 *
 * uvm_shared_page: map the page at VA of the shared region (attributes
 * ATTR, its pages mapped with FLAGS: vmpool_lookup's) of POOL: the
 * object's frame, which is made (zeroed, or read back from swap) if it
 * has none.  Returns 0 or an error; -E_AGAIN: let the
 * access fault again (after a wait). */
int uvm_stack_rule(uint32_t va, uint32_t sp);
int uvm_make_page(struct vmpool *pool, uint32_t va, uint32_t attr, uint32_t f);
int uvm_shared_page(struct vmpool *pool, uint32_t va, uint32_t attr, uint32_t flags);

/* Counts of VM's pages now, for the vmstat system call and memview. */
struct uvm_counts {
    uint32_t resident;              /* pages mapped */
    uint32_t swapped;               /* pages whose PTE names a swap slot */
    uint32_t cow;                   /* mapped copy-on-write */
    uint32_t shared;                /* mapped from a shared object */
};
void uvm_count(struct uvm *vm, struct uvm_counts *out);

#endif
