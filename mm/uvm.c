/* mm/uvm.c - a process's memory: exec, fork, sbrk, mmap, shared memory, exit.
 *
 * The design is in mm/uvm.h; the page-level work happens in the fault
 * handler (mm/fault.c), which calls back here for what is particular to
 * processes: the stack rule, image pages and shared pages. */
#include "mm/uvm.h"
#include "mm/vmobj.h"
#include "mm/aspace.h"
#include "mm/paging.h"
#include "mm/frame.h"
#include "mm/swap.h"
#include "mm/pager.h"
#include "mm/daemon.h"
#include "mm/uaccess.h"
#include "mm/commit.h"
#include "mm/kmalloc.h"
#include "mm/physmem.h"
#include "kernel/elf.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/string.h"

CMDLINE_KEY(uframes, "uframes", "N: at most N pages of processes resident (default: all "
            "frames, up to 16384), the rest in swap");
CMDLINE_KEY(upolicy, "upolicy", "P: the replacement policy for processes' pages (default clock)");

/* The pager of every process's pages: one resident set over all their
 * frames, keyed by frame (mm/pager.h). */
struct pager uvm_pager;

void uvm_init(void)
{
    commit_init(process_pool.nfree);
    uint32_t all = process_pool.nfree < POLICY_MAX_FRAMES ? process_pool.nfree
                                                           : POLICY_MAX_FRAMES;
    uint32_t limit = cmdline_uint("uframes", all);
    const char *policy = cmdline_get("upolicy") ? cmdline_get("upolicy") : UVM_POLICY;
    if (limit == 0 || limit > all)
        cmdline_refuse("uframes=%u: processes can have 1..%u pages resident here", limit, all);
    int err = pager_attach_frames(&uvm_pager, "processes", policy, all, 1);
    if (err == -E_INVAL) cmdline_refuse("upolicy=%s: no such policy", policy);
    if (err) panic("uvm_init: no pager for processes' pages: %s", errname(err));
    if ((err = pager_set_limit(&uvm_pager, limit)) != 0)
        panic("uvm_init: limit %u: %s", limit, errname(err));
}

#define MAX_IMAGE_REGIONS 16        /* segments and the heap */
#define MAX_MAPPINGS      64        /* mmap and shared segments, after splits */
#define MAX_ARGS          32        /* arguments to a program */
#define MAX_ARG_BYTES     4096      /* their strings, all together */

/* ---- exec and exit ---- */

/* Make VM's pools pageable, by the processes' pager. */
static void serve(struct uvm *vm)
{
    pager_serve(&uvm_pager, &vm->image);
    pager_serve(&uvm_pager, &vm->mmap);
    pager_serve(&uvm_pager, &vm->stack);
}

/* Set up VM's three pools in the current space.  0 or -E_NOMEM. */
static int pools_init(struct uvm *vm)
{
    if (vmpool_init_user(&vm->image, "image", USER_IMAGE, USER_MMAP - USER_IMAGE,
                         MAX_IMAGE_REGIONS) != 0)
        return -E_NOMEM;
    if (vmpool_init_user(&vm->mmap, "mmap", USER_MMAP, USER_MMAP_END - USER_MMAP,
                         MAX_MAPPINGS) != 0) {
        vmpool_destroy(&vm->image);
        return -E_NOMEM;
    }
    if (vmpool_init_user(&vm->stack, "stack", USER_MMAP_END, USER_END - USER_MMAP_END, 2) != 0) {
        vmpool_destroy(&vm->mmap);
        vmpool_destroy(&vm->image);
        return -E_NOMEM;
    }
    serve(vm);
    return 0;
}

/* The stack pages the current space has charged: down to stack_low. */
static uint32_t stack_pages(void)
{
    uint32_t low = current_as->stack_low;
    return low ? (USER_STACK_TOP - low) / PAGE_SIZE : 0;
}

void uvm_destroy(struct uvm *vm)
{
    struct vmpool *pools[] = { &vm->image, &vm->mmap, &vm->stack };
    for (int i = 0; i < 3 && vm->stack.size; i++) {     /* (a zeroed VM has none) */
        vmpool_empty(pools[i]);
        vmpool_destroy(pools[i]);
    }
    commit_release(vm->committed + stack_pages());
    vm->committed = 0;
    current_as->stack_low = 0;
    vmobj_reap();
}

/* Charge NPAGES for VM, as WHAT.  0 or -E_NOMEM. */
static int charge(struct uvm *vm, uint32_t npages, const char *what)
{
    int err = commit_charge(npages, what);
    if (!err) vm->committed += npages;
    return err;
}

/* Take back NPAGES charged for VM. */
static void uncharge(struct uvm *vm, uint32_t npages)
{
    commit_release(npages);
    vm->committed -= npages;
}

/* Push the arguments on the new stack, below USER_STACK_TOP:
 *
 *   USER_STACK_TOP ->  the strings, NUL-terminated
 *                      argv[argc] = 0, argv[argc-1] ... argv[0]
 *                      argv  (the address of argv[0])
 *   esp            ->  argc
 *
 * so that main(argc, argv), called by crt0 with the stack as it finds
 * it, sees them.  Returns 0 or -E_2BIG. */
static int push_args(int argc, char *const argv[], uint32_t *esp)
{
    uint32_t bytes = 0;
    if (argc < 0 || argc > MAX_ARGS) return -E_2BIG;
    for (int i = 0; i < argc; i++) bytes += strlen(argv[i]) + 1;
    if (bytes > MAX_ARG_BYTES) return -E_2BIG;
    uint32_t strs = USER_STACK_TOP - ((bytes + 3) & ~3u);
    uint32_t vec = strs - (argc + 1) * 4, sp = vec - 8;
    /* These pages are legitimate before anything runs: the stack reaches
     * down to here from the start, and they are charged now. */
    if (commit_charge((USER_STACK_TOP - PG_ROUND_DOWN(sp)) / PAGE_SIZE, "exec's stack") != 0)
        return -E_NOMEM;
    current_as->stack_low = PG_ROUND_DOWN(sp);
    uint32_t p = strs;
    for (int i = 0; i < argc; i++) {
        uint32_t n = strlen(argv[i]) + 1;
        if (copy_to_user(vec + 4 * i, &p, 4) != 0 || copy_to_user(p, argv[i], n) != 0)
            return -E_2BIG;
        p += n;
    }
    uint32_t zero = 0, a = (uint32_t)argc;
    if (copy_to_user(vec + 4 * argc, &zero, 4) != 0 || copy_to_user(sp, &a, 4) != 0 ||
        copy_to_user(sp + 4, &vec, 4) != 0)
        return -E_2BIG;
    *esp = sp;
    return 0;
}

int uvm_exec(struct uvm *vm, const uint8_t *image, uint32_t size, int argc,
             char *const argv[], uint32_t *esp)
{
    struct elf_info ei;
    if (elf_check("exec", image, size, &ei) != 0) return -E_NOEXEC;
    memset(vm, 0, sizeof *vm);
    int err = pools_init(vm);
    if (err) return err;
    for (uint32_t i = 0; i < ei.nsegs; i++) {
        const struct elf_seg *s = &ei.seg[i];
        uint32_t lo = PG_ROUND_DOWN(s->vaddr), hi = PG_ROUND_UP(s->vaddr + s->memsz);
        /* The region's first page starts PGOFF(vaddr) bytes before the
         * segment in the file too (elf_check made them agree). */
        if (s->write && charge(vm, (hi - lo) / PAGE_SIZE, "exec's writable segment") != 0) {
            uvm_destroy(vm);
            return -E_NOMEM;
        }
        struct vmobj *o = vmobj_image(image + s->offset - PGOFF(s->vaddr),
                                      PGOFF(s->vaddr) + s->filesz);
        if (!o || !vmpool_alloc_at(&vm->image, lo, hi - lo, rgn_attr(o, s->write ? RGN_W : 0))) {
            vmobj_discard(o);
            uvm_destroy(vm);
            return -E_NOMEM;
        }
    }
    vm->heap_start = vm->brk = ei.end;
    vm->entry = ei.entry;
    if (!vmpool_alloc_at(&vm->stack, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_MAX,
                         RGN_W | RGN_STACK) ||
        (err = push_args(argc, argv, esp)) != 0) {
        uvm_destroy(vm);
        return err ? err : -E_NOMEM;
    }
    return 0;
}

/* ---- fork ---- */

struct fork_copy {
    struct aspace *child;
    int eager;                  /* copy every private page now (to compare) */
    int err;
};

/* Eager fork's way with a private page E at VA: a copy of it for the
 * child, now.  Returns the child's PTE, or 0 if no frame was left. */
static pte_t copy_now(struct fork_copy *fc, uint32_t va, pte_t e)
{
    /* Only a free frame and a free resident slot will do: evicting now
     * could take away the very tables being walked.  (Eager fork is for
     * the benchmark's comparison.) */
    if (uvm_pager.nresident >= uvm_pager.limit) return 0;
    uint32_t g = get_frames(&process_pool, 1);
    if (!g) return 0;
    vm_fill_frame(VMWIN_VA, g, (const void *)va);      /* (the VM lock exclusive) */
    frame_map_fresh(g, fc->child, va, FRAME_USE_USER);
    pager_loaded(&uvm_pager, va, g);
    return g << 12 | PTE_FLAGS(e);
}

/* Share every page of the region [START, START + NPAGES pages), whose
 * attributes are ATTR, with the child, a page table at a time: the
 * child's table is found once for each (through the ALT window) and the
 * two are walked side by side.  A writable private page becomes
 * copy-on-write in both (or, eager, is copied); a shared or read-only
 * page is simply mapped by both; a swapped page gives its slot one more
 * reference. */
static void copy_region(void *arg, uint32_t start, uint32_t npages, uint32_t attr)
{
    struct fork_copy *fc = arg;
    if (fc->err) return;                        /* an earlier region failed */
    uint32_t end = start + npages * PAGE_SIZE;
    int private = !(attr & RGN_SHARED), copy = fc->eager && private;
    struct aspace *child = fc->child;
    for (uint32_t va = pt_skip_absent(start, end); va < end; va = pt_skip_absent(va, end)) {
        uint32_t span_end = (va & ~(PT_SPAN - 1)) + PT_SPAN, pdx = PDX(va), live = 0, data = 0;
        if (span_end > end || span_end == 0) span_end = end;
        pte_t *pte = pte_of(va), *ctable = 0;
        for (; va < span_end; va += PAGE_SIZE, pte++) {
            pte_t e = *pte;
            if (!e) continue;
            if (!ctable) {
                pte_t *c = aspace_pte(child, va, 1);
                if (!c) goto nomem;
                ctable = c - PTX(va);
            }
            if (pte_is_swap(e)) {
                swap_dup(pte_slot(e));
            } else if (copy && (e & PTE_P)) {
                if (!(e = copy_now(fc, va, e))) goto nomem;
                data++;
            } else {
                /* Present, or in transition (trimmed by the daemon: both
                 * entries stay transition entries of the one frame). */
                pte_t pe = (e & PTE_W) && private ? (e & ~PTE_W) | PTE_COW : e;
                if (frame_add_map(pte_frame(e), child, va) != 0) goto nomem;
                *pte = e = pe;                  /* the parent's TLB is flushed at the end */
                data++;
            }
            ctable[PTX(va)] = e & ~(PTE_A | PTE_D);
            live++;
        }
        child->pt_live[pdx] += live;
        VMSTAT_ADD(frames_data, data);
        continue;
    nomem:
        child->pt_live[pdx] += live;
        VMSTAT_ADD(frames_data, data);
        fc->err = -E_NOMEM;
        return;
    }
}

int uvm_fork(struct uvm *child, struct aspace *child_as, struct uvm *parent, int eager)
{
    struct vmpool *from[] = { &parent->image, &parent->mmap, &parent->stack };
    struct vmpool *to[] = { &child->image, &child->mmap, &child->stack };
    struct rnode *nodes[3];
    memset(child, 0, sizeof *child);            /* what uvm_destroy of a failure sees */
    for (int i = 0; i < 3; i++) {
        if (!(nodes[i] = vmpool_clone_nodes(from[i]))) {
            while (i--) kfree(nodes[i]);
            return -E_NOMEM;
        }
    }
    /* Every page the parent was promised may be copied, once written. */
    uint32_t promised = parent->committed + stack_pages();
    if (commit_charge(promised, "fork") != 0) {
        for (int i = 0; i < 3; i++) kfree(nodes[i]);
        return -E_NOMEM;
    }
    *child = *parent;
    for (int i = 0; i < 3; i++) vmpool_clone(to[i], from[i], child_as, nodes[i]);
    serve(child);
    struct fork_copy fc = { child_as, eager, 0 };
    vm_lock_excl();
    child_as->stack_low = current_as->stack_low;
    for (int i = 0; i < 3 && !fc.err; i++) vmpool_each_region(from[i], copy_region, &fc);
    tlb_flush_all();                /* the parent's writable pages just lost W */
    aspace_alt(0);
    vm_unlock_excl();
    /* On failure the child holds some pages; the caller tears it down in
     * the child's own space (uvm_destroy), as for any exit. */
    return fc.err;
}

/* ---- sbrk, mmap, shared memory ---- */

int uvm_sbrk(struct uvm *vm, int32_t incr, uint32_t *old)
{
    uint32_t brk = vm->brk, nbrk = brk + (uint32_t)incr;
    if ((incr > 0 && (nbrk < brk || nbrk - vm->heap_start > USER_HEAP_MAX)) ||
        (incr < 0 && (nbrk > brk || nbrk < vm->heap_start)))
        return -E_NOMEM;
    uint32_t have = PG_ROUND_UP(brk) - vm->heap_start, want = PG_ROUND_UP(nbrk) - vm->heap_start;
    int err = 0;
    if (want > have && charge(vm, (want - have) / PAGE_SIZE, "sbrk") != 0) return -E_NOMEM;
    if (want != have) {
        if (have == 0)
            err = vmpool_alloc_at(&vm->image, vm->heap_start, want, RGN_W) ? 0 : -E_NOMEM;
        else if (want == 0)
            err = vmpool_release(&vm->image, vm->heap_start);
        else
            err = vmpool_resize(&vm->image, vm->heap_start, want);
    }
    if (want > have && err) uncharge(vm, (want - have) / PAGE_SIZE);
    if (err) return -E_NOMEM;
    if (want < have) uncharge(vm, (have - want) / PAGE_SIZE);
    *old = brk;
    vm->brk = nbrk;
    return 0;
}

int uvm_mmap(struct uvm *vm, uint32_t len, int write, int shared, uint32_t *addr)
{
    if (len == 0 || len > USER_MMAP_END - USER_MMAP) return -E_INVAL;
    struct vmobj *o = 0;
    uint32_t flags = (write ? RGN_W : 0), npages = PG_ROUND_UP(len) / PAGE_SIZE;
    if (shared) {
        o = vmobj_shared("", npages);           /* charges the object's pages */
        if (!o) return -E_NOMEM;
        flags |= RGN_SHARED;
    } else if (write && charge(vm, npages, "mmap") != 0) {
        return -E_NOMEM;
    }
    uint32_t va = vmpool_alloc_attr(&vm->mmap, len, rgn_attr(o, flags));
    if (!va) {
        if (!shared && write) uncharge(vm, npages);
        vmobj_discard(o);
        return -E_NOMEM;
    }
    *addr = va;
    return 0;
}

int uvm_shm_map(struct uvm *vm, const char *name, uint32_t size, int create,
                uint32_t *addr, uint32_t *size_out)
{
    if (!name[0] || strlen(name) >= VMOBJ_NAME) return -E_INVAL;
    /* A new object is made before the VM lock (kmalloc ranks below it),
     * and thrown away if the segment turns out to exist already. */
    struct vmobj *fresh = 0;
    if (create) {
        if (size == 0 || size > USER_MMAP_END - USER_MMAP) return -E_INVAL;
        if (!(fresh = vmobj_shared(name, PG_ROUND_UP(size) / PAGE_SIZE))) return -E_NOMEM;
    }
    vm_lock_excl();
    struct vmobj *o = vmobj_find(name);
    if (!o && fresh) vmobj_publish(o = fresh), fresh = 0;
    vmobj_get(o);                   /* held while we map it, so it cannot die meanwhile */
    vm_unlock_excl();
    vmobj_discard(fresh);
    if (!o) return -E_NOENT;
    uint32_t bytes = o->npages * PAGE_SIZE;
    uint32_t va = vmpool_alloc_attr(&vm->mmap, bytes, rgn_attr(o, RGN_W | RGN_SHARED));
    vm_lock_excl();
    vmobj_put(o);
    vm_unlock_excl();
    vmobj_reap();
    if (!va) return -E_NOMEM;
    *addr = va;
    *size_out = bytes;
    return 0;
}

/* The charged pages (private and writable) of [START, END), summed
 * over the regions of a pool (vmpool_each_region). */
struct unmapped {
    uint32_t start, end, pages;
};

static void count_charged(void *arg, uint32_t start, uint32_t npages, uint32_t attr)
{
    struct unmapped *u = arg;
    uint32_t end = start + npages * PAGE_SIZE;
    if (!(attr & RGN_W) || (attr & RGN_SHARED) || end <= u->start || start >= u->end) return;
    uint32_t lo = start > u->start ? start : u->start, hi = end < u->end ? end : u->end;
    u->pages += (hi - lo) / PAGE_SIZE;
}

int uvm_munmap(struct uvm *vm, uint32_t addr, uint32_t len)
{
    if (PGOFF(addr) || len == 0 || addr < USER_MMAP || addr >= USER_MMAP_END ||
        len > USER_MMAP_END - addr)
        return -E_INVAL;
    struct unmapped u = { addr, addr + PG_ROUND_UP(len), 0 };
    vmpool_each_region(&vm->mmap, count_charged, &u);
    int err = vmpool_unmap(&vm->mmap, addr, len);
    if (!err) uncharge(vm, u.pages);
    vmobj_reap();
    return err ? -E_INVAL : 0;
}

/* ---- for the fault handler ---- */

int uvm_stack_rule(uint32_t va, uint32_t sp)
{
    struct aspace *as = current_as;
    if (va >= as->stack_low) return 1;
    if (va + USER_STACK_SLACK < sp) return 0;
    if (commit_charge((as->stack_low - PG_ROUND_DOWN(va)) / PAGE_SIZE, "stack growth") != 0)
        return -E_NOMEM;
    as->stack_low = PG_ROUND_DOWN(va);
    return 1;
}

int uvm_make_page(struct vmpool *pool, uint32_t va, uint32_t attr, uint32_t f)
{
    struct vmobj *o = rgn_obj(attr);
    if (!o || o->kind != VMOBJ_IMAGE) return 0;
    uint32_t start, off;
    vmpool_region_of(pool, va, &start, 0);
    off = PG_ROUND_DOWN(va) - start;
    uint8_t *p = kmap(f);
    uint32_t n = off < o->file_bytes ? o->file_bytes - off : 0;
    if (n > PAGE_SIZE) n = PAGE_SIZE;
    memcpy(p, o->data + off, n);
    memset(p + n, 0, PAGE_SIZE - n);
    kunmap(p);
    VMSTAT_ADD(fault_image, 1);
    return 1;
}

int uvm_shared_page(struct vmpool *pool, uint32_t va, uint32_t attr, uint32_t flags)
{
    struct vmobj *o = rgn_obj(attr);
    uint32_t start, page = PG_ROUND_DOWN(va);
    vmpool_region_of(pool, page, &start, 0);
    uint32_t i = (page - start) / PAGE_SIZE, f;
    int err;
    if (!(o->page[i] & VMOBJ_RESIDENT)) {       /* the object's page needs a frame */
        /* Getting it may evict pages, this object's too; but not this
         * one, which is not resident: read its entry after. */
        if ((err = pager_frame(pool->pager, &f)) != 0) return err;
        uint32_t e = o->page[i];
        if (pte_is_swap(e)) {
            int unlocked;
            err = pager_read_slot(pool->pager, pte_slot(e), f, &unlocked);
            if (!err && unlocked && o->page[i] != e) {  /* brought in meanwhile: look again */
                frame_release(f);
                return -E_AGAIN;
            }
            if (err) {
                frame_release(f);
                return err;
            }
            if (unlocked) pager_reserve(pool->pager);
            frame_of(f)->slot = pte_slot(e);    /* the slot's reference is the frame's now */
            if (pool->pager) pool->pager->disk_reads++;
        } else {
            vm_fill_frame(pager_window(pool->pager), f, 0);
        }
        frame_of(f)->objpage = &o->page[i];
        frame_of(f)->use = FRAME_USE_USER;
        o->page[i] = f << 12 | VMOBJ_RESIDENT;
        if (pool->pager) pager_loaded(pool->pager, page, f);
    }
    f = o->page[i] >> 12;
    /* A page the daemon took out of the working set: take it back. */
    if (frame_of(f)->state != FS_NONE && (err = pager_rescue(pool->pager, page, f)) != 0)
        return err;
    /* No frame for the page table or a reverse-map entry: make one from
     * pages (a standby frame, say), and let the access fault again (making
     * room may have evicted this very page: look at it afresh). */
    if (pt_ensure(page) < 0 || map_page(page, f, flags) != 0)
        return (err = pager_make_room(1)) == 0 ? -E_AGAIN : err;
    VMSTAT_ADD(fault_shared, 1);
    return 0;
}

/* ---- counting ---- */

static void count_region(void *arg, uint32_t start, uint32_t npages, uint32_t attr)
{
    struct uvm_counts *c = arg;
    uint32_t end = start + npages * PAGE_SIZE;
    for (uint32_t va = pt_skip_absent(start, end); va < end;
         va = pt_skip_absent(va + PAGE_SIZE, end)) {
        pte_t e = *pte_of(va);
        if (e & PTE_P) {
            c->resident++;
            c->cow += (e & PTE_COW) != 0;
            c->shared += (attr & RGN_SHARED) != 0;
        } else {
            c->swapped += pte_is_swap(e);
        }
    }
}

void uvm_count(struct uvm *vm, struct uvm_counts *out)
{
    memset(out, 0, sizeof *out);
    vm_lock_excl();
    vmpool_each_region(&vm->image, count_region, out);
    vmpool_each_region(&vm->mmap, count_region, out);
    vmpool_each_region(&vm->stack, count_region, out);
    vm_unlock_excl();
}
