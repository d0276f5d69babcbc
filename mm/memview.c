/* mm/memview.c - print who holds every frame and what every page of a process is.
 *
 * The maps and their legend are described in mm/memview.h.  Everything
 * is read under the VM lock, so the picture is one moment's; the pids
 * of the processes are gathered first (kernel/proc.h), under the list's
 * own lock. */
#include "mm/memview.h"
#include "mm/frame.h"
#include "mm/frame_pool.h"
#include "mm/physmem.h"
#include "mm/paging.h"
#include "mm/aspace.h"
#include "mm/uvm.h"
#include "mm/vmobj.h"
#include "kernel/proc.h"
#include "kernel/console.h"
#include "kernel/cmdline.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

CMDLINE_KEY(memview, "memview", "fork,exit[,ansi]: print the memory maps at each fork, exit");

#define COLS      64                /* characters per line of a map */
#define MAX_LINES 32                /* lines of the physical map, at most */
#define MAX_PROCS 64

/* The kinds, in order of interest (a group of frames shows the lowest). */
enum kind { K_SHARED, K_COW, K_USER, K_PT, K_KERNEL, K_POOL, K_OTHER, K_ZEROED, K_HOLE, K_FREE };

static const char kind_char[] = "SC?TKkoz#.";
static const int kind_color[] = { VGA_PINK, VGA_LIGHTRED, VGA_LIGHTGREEN, VGA_YELLOW,
                                  VGA_WHITE, VGA_BROWN, VGA_GREY, VGA_CYAN,
                                  VGA_DARKGREY, VGA_DARKGREY };
static const int pid_colors[] = { VGA_LIGHTGREEN, VGA_LIGHTCYAN, VGA_LIGHTBLUE, VGA_GREEN,
                                  VGA_CYAN, VGA_BLUE, VGA_MAGENTA };

/* The processes' spaces and pids, gathered before the maps are drawn. */
static struct { struct aspace *as; int pid; struct uvm *vm; char name[PROC_NAME]; } procs[MAX_PROCS];
static int nprocs;

static void gather_one(void *arg, struct proc *p)
{
    (void)arg;
    if (nprocs < MAX_PROCS && p->as) {
        procs[nprocs].as = p->as;
        procs[nprocs].pid = p->pid;
        procs[nprocs].vm = p->vm;
        strlcpy(procs[nprocs].name, p->name, PROC_NAME);
        nprocs++;
    }
}

static void gather(void)
{
    nprocs = 0;
    proc_for_each(gather_one, 0);
}

static int pid_of(struct aspace *as)
{
    for (int i = 0; i < nprocs; i++)
        if (procs[i].as == as) return procs[i].pid;
    return 0;
}

/* What frame F of the process pool holds; *PID for a process's page. */
static enum kind frame_kind(uint32_t f, int *pid)
{
    uint32_t st = frame_state(&process_pool, f);
    if (st == FRAME_FREE) return K_FREE;
    if (st == FRAME_INACC) return K_HOLE;
    struct frame *fr = frame_of(f);
    if (fr->state == FS_ZEROED) return K_ZEROED;   /* the paging daemon's, ready */
    switch (fr->use) {
    case FRAME_USE_PT: return K_PT;
    case FRAME_USE_KERNEL: return K_KERNEL;
    case FRAME_USE_POOL: return K_POOL;
    case FRAME_USE_USER:
        if (fr->objpage) return K_SHARED;
        if (fr->maps > 1) return K_COW;
        *pid = fr->maps ? pid_of(fr->as) : 0;
        return K_USER;
    default: return K_OTHER;
    }
}

/* Print one map character of KIND (with PID for K_USER) in its colour. */
static void put_kind(enum kind k, int pid)
{
    char c = kind_char[k];
    int color = kind_color[k];
    if (k == K_USER) {
        c = "0123456789abcdefghijklmnopqrstuvwxyz"[pid % 36];
        color = pid_colors[pid % (int)(sizeof pid_colors / sizeof pid_colors[0])];
    }
    console_set_color(color);
    kprintf("%c", c);
}

void memview_count(struct memview_counts *out)
{
    memset(out, 0, sizeof *out);
    vm_lock_excl();
    for (uint32_t f = process_pool.base; f < process_pool.base + process_pool.nframes; f++) {
        int pid = 0;
        uint32_t *slot[] = { &out->shared, &out->cow, &out->user, &out->pt, &out->kernel,
                             &out->pool, &out->other, &out->zeroed, &out->hole, &out->free };
        (*slot[frame_kind(f, &pid)])++;
    }
    vm_unlock_excl();
}

static void print_phys(void)
{
    uint32_t n = process_pool.nframes, group = (n + COLS * MAX_LINES - 1) / (COLS * MAX_LINES);
    struct memview_counts c;
    kprintf("memview: physical memory 0x%08x-0x%08x, 1 character = %u frame%s (%u KiB):\n",
            process_pool.base * PAGE_SIZE, (process_pool.base + n) * PAGE_SIZE - 1, group,
            group == 1 ? "" : "s", group * 4);
    vm_lock_excl();
    for (uint32_t i = 0; i < n; i += group * COLS) {
        kprintf("  %08x ", (process_pool.base + i) * PAGE_SIZE);
        for (uint32_t g = i; g < n && g < i + group * COLS; g += group) {
            enum kind best = K_FREE;
            int best_pid = 0;
            for (uint32_t f = g; f < g + group && f < n; f++) {
                int pid = 0;
                enum kind k = frame_kind(process_pool.base + f, &pid);
                if (k < best) best = k, best_pid = pid;
            }
            put_kind(best, best_pid);
        }
        console_set_color(-1);
        kprintf("\n");
    }
    vm_unlock_excl();
    memview_count(&c);
    kprintf("  legend: . free  # hole  K kernel  T page table  k kernel VMPool page  "
            "o other  z zeroed (ready)\n          1-9a-z a process's page (pid)  "
            "C copy-on-write shared  S shared memory\n");
    kprintf("  totals: %u free, %u hole, %u kernel, %u page tables, %u kernel-pool, %u other, "
            "%u zeroed, %u process, %u copy-on-write shared, %u shared\n", c.free, c.hole,
            c.kernel, c.pt, c.pool, c.other, c.zeroed, c.user, c.cow, c.shared);
}

/* One region of the virtual map. */
struct vline {
    struct aspace *as;
    const char *pool;
    uint32_t resident, cow, shared, trimmed, swapped;
};

/* The state of the page at VA, whose region has attributes ATTR. */
static char page_char(struct vline *v, uint32_t va, uint32_t attr, int *color)
{
    uint32_t *pte = aspace_pte(v->as, va, 0);
    uint32_t e = pte ? *pte : 0;
    if (e & PTE_P) {
        if (attr & RGN_SHARED) return *color = VGA_PINK, v->shared++, 'S';
        if (e & PTE_COW) return *color = VGA_LIGHTRED, v->cow++, 'c';
        return *color = VGA_LIGHTGREEN, v->resident++, 'r';
    }
    if (pte_is_trans(e)) return *color = VGA_CYAN, v->trimmed++, 't';
    if (pte_is_swap(e)) return *color = VGA_LIGHTBLUE, v->swapped++, 's';
    return *color = VGA_DARKGREY, '.';
}

static void print_region(void *arg, uint32_t start, uint32_t npages, uint32_t attr)
{
    struct vline *v = arg;
    uint32_t group = (npages + COLS - 1) / COLS;
    struct vmobj *o = rgn_obj(attr);
    kprintf("  %-5s %08x-%08x %5u pages %s%s%s: ", v->pool, start, start + npages * PAGE_SIZE - 1,
            npages, attr & RGN_W ? "rw" : "r-", attr & RGN_STACK ? " stack" : "",
            o ? (o->kind == VMOBJ_IMAGE ? " image" : " shared") : "");
    if (group > 1) kprintf("(1 char = %u pages) ", group);
    static const char rank[] = "cSrts.";         /* a group shows the first of these it has */
    for (uint32_t i = 0; i < npages; i += group) {
        char best = '.';
        int color = VGA_DARKGREY, best_color = VGA_DARKGREY;
        for (uint32_t k = i; k < i + group && k < npages; k++) {
            char c = page_char(v, start + k * PAGE_SIZE, attr, &color);
            if (strchr(rank, c) < strchr(rank, best)) best = c, best_color = color;
        }
        console_set_color(best_color);
        kprintf("%c", best);
    }
    console_set_color(-1);
    kprintf("\n");
}

static int print_virt(int pid)
{
    int i;
    for (i = 0; i < nprocs && procs[i].pid != pid; i++)
        ;
    if (i == nprocs || !procs[i].vm) {
        kprintf("memview: no process %d\n", pid);
        return -E_NOENT;
    }
    kprintf("memview: pid %d '%s', virtual memory (its regions, 1 character a page):\n", pid,
            procs[i].name);
    struct vline v = { procs[i].as, 0, 0, 0, 0, 0, 0 };
    vm_lock_excl();
    v.pool = "image";
    vmpool_each_region(&procs[i].vm->image, print_region, &v);
    v.pool = "mmap";
    vmpool_each_region(&procs[i].vm->mmap, print_region, &v);
    v.pool = "stack";
    vmpool_each_region(&procs[i].vm->stack, print_region, &v);
    aspace_alt(0);
    vm_unlock_excl();
    kprintf("  legend: r resident  c copy-on-write  S shared  t trimmed (on a list: a soft fault "
            "brings it back)  s swapped  . not yet touched\n");
    kprintf("  totals: %u resident, %u copy-on-write, %u shared, %u trimmed, %u swapped\n",
            v.resident, v.cow, v.shared, v.trimmed, v.swapped);
    return 0;
}

int memview_print(int pid, int what)
{
    gather();
    if (what & MEMVIEW_PHYS) print_phys();
    return (what & MEMVIEW_VIRT) && pid ? print_virt(pid) : 0;
}

void memview_event(const char *event, int pid)
{
    const char *want = cmdline_get("memview");
    if (!want) return;
    console_ansi = strstr(want, "ansi") != 0;
    if (!strstr(want, event)) return;
    kprintf("memview: at %s of pid %d\n", event, pid);
    memview_print(pid, MEMVIEW_ALL);
}
