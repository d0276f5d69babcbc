/* mm/commit.c - the commit charge and its limit (the design is in mm/commit.h).
 *
 * One counter, under a spinlock of its own: charges come from system
 * calls (no lock held) and from the fault path (stack growth, VM lock
 * held), and the section touches nothing else. */
#include "mm/commit.h"
#include "mm/uvm.h"
#include "mm/pager.h"
#include "mm/swap.h"
#include "kernel/sync.h"
#include "kernel/panic.h"
#include "lib/errno.h"
#include "lib/printf.h"

struct commit_stats commit_stats;
static uint32_t reserve, boot_free;
static struct spinlock commit_lock = SPINLOCK_INIT("commit", LOCK_COMMIT);

void commit_init(uint32_t frames_free)
{
    boot_free = frames_free;
    reserve = frames_free / 16 + 32;
}

uint32_t commit_limit(void)
{
    uint32_t frames = uvm_pager.limit < boot_free ? uvm_pager.limit : boot_free;
    uint32_t usable = boot_free > reserve ? boot_free - reserve : 0;
    if (frames > usable) frames = usable;
    return frames + swap_stats.nslots - swap_stats.retired;
}

int commit_charge(uint32_t npages, const char *what)
{
    spin_lock(&commit_lock);
    uint32_t limit = commit_limit(), charged = commit_stats.charged;
    int ok = npages <= limit && charged <= limit - npages;
    if (ok) {
        commit_stats.charged = charged + npages;
        if (commit_stats.charged > commit_stats.peak) commit_stats.peak = commit_stats.charged;
    } else {
        commit_stats.refused++;
    }
    spin_unlock(&commit_lock);
    if (ok) return 0;
    kprintf("commit: %s of %u pages refused: %u of the limit of %u pages are promised already\n",
            what, npages, charged, limit);
    return -E_NOMEM;
}

void commit_release(uint32_t npages)
{
    spin_lock(&commit_lock);
    if (npages > commit_stats.charged)
        panic("commit_release: %u pages, but only %u are charged", npages, commit_stats.charged);
    commit_stats.charged -= npages;
    spin_unlock(&commit_lock);
}
