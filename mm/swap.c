/* mm/swap.c - slot allocation, checksums and I/O for the swap area.
 *
 *   disk:  [slot 0: header][slot 1][slot 2] ...   (8 sectors per slot)
 *
 * Three arrays in kernel memory describe the slots: each slot's count of
 * references (0: free; RETIRED: a write to it failed, it is never used
 * again), a bitmap of retired slots, and the CRC-32
 * of what was last written to each.  The arrays are sized from the disk
 * at swap_init and come from kmalloc.  Slots are handed out lowest first,
 * so tests can predict which sectors a page lands on.
 *
 * Pages move with ata_read_pages/ata_write_pages (drivers/ata.h): by
 * bus-master DMA where the machine has it, straight between the frame
 * and the disk, with no cache flush (swap need not survive a power cut).
 * The frame is also kmap'ed: the CRC is computed through that window,
 * and it is what the driver's PIO fallback copies through. */
#include "mm/swap.h"
#include "mm/kmalloc.h"
#include "mm/paging.h"
#include "drivers/ata.h"
#include "kernel/panic.h"
#include "kernel/sync.h"
#include "lib/crc32.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define SWAP_MAGIC 0x50415753u          /* "SWAP" */
#define MAX_SLOTS  (1u << 20)           /* 20 bits of slot number in a PTE */

struct swap_stats swap_stats;
static int full_said;                   /* "swap area full" printed, no slot freed since */
static uint32_t nslots;                 /* slots on the disk, header included */
static uint16_t *refs;                  /* references to each slot, 0: free */
static uint32_t *retired, *crc;
#define RETIRED 0xFFFFu
static uint32_t hint = 1;               /* no free slot below this one */
static struct mutex swap_lock = MUTEX_INIT("swap", LOCK_SWAP);
static char absent_why[96] = "swap_init has not run";
static char last_error[96];

/* Remember (and print) that OP of SLOT failed with ERR. */
static int failed(int err, const char *op, uint32_t slot)
{
    ksnprintf(last_error, sizeof last_error, "%s %s swap slot %u (LBA %u)", errname(err), op,
              slot, swap_lba(slot));
    return err;
}

const char *swap_absent_why(void) { return nslots ? "" : absent_why; }
const char *swap_last_error(void) { return last_error; }

static void set_bit(uint32_t *m, uint32_t i) { m[i / 32] |= 1u << (i % 32); }

/* Is SLOT one that holds a page now? */
static int in_use(uint32_t slot)
{
    return slot && slot < nslots && refs[slot] && refs[slot] != RETIRED;
}

uint32_t swap_lba(uint32_t slot) { return slot * SECTORS_PER_SLOT; }
int swap_present(void) { return nslots != 0; }

int swap_init(void)
{
    if (ata_init(ATA_SLAVE) != 0) {
        ksnprintf(absent_why, sizeof absent_why, "no disk on the IDE primary slave");
        return -E_IO;
    }
    uint32_t n = ata_sectors(ATA_SLAVE) / SECTORS_PER_SLOT;
    if (n > MAX_SLOTS) n = MAX_SLOTS;
    if (n < 2) {
        ksnprintf(absent_why, sizeof absent_why, "the disk has %u sectors: swap needs at "
                  "least %u (a header slot and one page slot)", ata_sectors(ATA_SLAVE),
                  2 * SECTORS_PER_SLOT);
        kprintf("swap: %s\n", absent_why);
        return -E_IO;
    }
    uint32_t words = (n + 31) / 32;
    refs = kmalloc(n * 2);
    retired = kmalloc(words * 4);
    crc = kmalloc(n * 4);
    if (!refs || !retired || !crc) panic("swap_init: no memory for %u slots", n);
    /* Touch every page of the maps now: the swap lock ranks below the VM
     * lock, so swap code must never fault on them later. */
    memset(refs, 0, n * 2);
    memset(retired, 0, words * 4);
    memset(crc, 0, n * 4);
    refs[0] = RETIRED;                  /* the header: never a page's */

    static uint32_t hdr[128];
    hdr[0] = SWAP_MAGIC;
    hdr[1] = n;
    if (ata_write(ATA_SLAVE, 0, 1, hdr) != 0) kprintf("swap: could not write the header\n");
    nslots = n;
    swap_stats.nslots = n - 1;
    kprintf("swap: %u slots of 4 KiB on %s\n", n - 1, ata_model(ATA_SLAVE));
    return 0;
}

/* Take the lowest free, unretired slot; SWAP_NONE if there is none. */
static uint32_t slot_alloc(void)
{
    for (uint32_t s = hint; s < nslots; s++) {
        if (!refs[s]) {
            refs[s] = 1;
            hint = s + 1;
            swap_stats.used++;
            return s;
        }
    }
    return SWAP_NONE;
}

void swap_free(uint32_t slot)
{
    mutex_lock(&swap_lock);
    if (!in_use(slot)) panic("swap_free: slot %u is not in use", slot);
    if (--refs[slot] == 0) {
        swap_stats.used--;
        if (slot < hint) hint = slot;
        full_said = 0;
    }
    mutex_unlock(&swap_lock);
}

void swap_dup(uint32_t slot)
{
    mutex_lock(&swap_lock);
    if (!in_use(slot) || refs[slot] == RETIRED - 1)
        panic("swap_dup: slot %u is not in use, or has too many references", slot);
    refs[slot]++;
    mutex_unlock(&swap_lock);
}

uint32_t swap_refs(uint32_t slot) { return in_use(slot) ? refs[slot] : 0; }

int swap_write(uint32_t *slot, uint32_t frame)
{
    if (!nslots) {
        ksnprintf(last_error, sizeof last_error, "no swap area: %s", absent_why);
        return -E_IO;
    }
    mutex_lock(&swap_lock);
    void *page = kmap(frame);
    struct ata_page one = { frame * PAGE_SIZE, page };   /* DMA uses pa, PIO va */
    uint32_t sum = crc32(page, PAGE_SIZE);
    int err = 0;
    if (*slot != SWAP_NONE && refs[*slot] > 1) {
        /* Others still need what the slot holds (copy-on-write sharers
         * whose PTEs name it): give up our reference, write elsewhere. */
        refs[*slot]--;
        *slot = SWAP_NONE;
    }
    for (int tries = 0; tries < 4; tries++) {
        if (*slot == SWAP_NONE && (*slot = slot_alloc()) == SWAP_NONE) {
            if (!full_said)             /* once until a slot frees: it repeats */
                kprintf("swap: swap area full (%u slots in use, %u retired)\n",
                        swap_stats.used, swap_stats.retired);
            full_said = 1;
            err = -E_SWAPFULL;
            break;
        }
        if ((err = ata_write_pages(ATA_SLAVE, swap_lba(*slot), &one, 1)) == 0) {
            crc[*slot] = sum;
            swap_stats.writes++;
            swap_stats.write_cmds++;
            break;
        }
        /* The slot stays marked in use forever, so it is never chosen again. */
        failed(err, "writing", *slot);
        kprintf("swap: write to slot %u (LBA %u) failed; slot retired\n", *slot,
                swap_lba(*slot));
        set_bit(retired, *slot);
        refs[*slot] = RETIRED;
        swap_stats.retired++;
        swap_stats.used--;
        *slot = SWAP_NONE;
    }
    kunmap(page);
    mutex_unlock(&swap_lock);
    return err;
}

/* Take N free, unretired slots in a row (the lowest such run); the
 * first, or SWAP_NONE if there is no such run. */
static uint32_t run_alloc(uint32_t n)
{
    uint32_t len = 0;
    for (uint32_t s = hint; s < nslots; s++) {
        len = refs[s] ? 0 : len + 1;
        if (len == n) {
            uint32_t first = s + 1 - n;
            for (uint32_t i = first; i <= s; i++) refs[i] = 1;
            swap_stats.used += n;
            return first;
        }
    }
    return SWAP_NONE;
}

int swap_write_run(const uint32_t *frames, uint32_t n, uint32_t *first)
{
    if (n == 0 || n > SWAP_RUN_MAX) panic("swap_write_run: %u pages (1..%u)", n, SWAP_RUN_MAX);
    if (!nslots) {
        ksnprintf(last_error, sizeof last_error, "no swap area: %s", absent_why);
        return -E_IO;
    }
    mutex_lock(&swap_lock);
    uint32_t s = run_alloc(n);
    if (s == SWAP_NONE) {
        mutex_unlock(&swap_lock);
        return -E_SWAPFULL;
    }
    struct ata_page pages[SWAP_RUN_MAX];
    for (uint32_t i = 0; i < n; i++) {
        pages[i].pa = frames[i] * PAGE_SIZE;
        pages[i].va = kmap(frames[i]);
        crc[s + i] = crc32(pages[i].va, PAGE_SIZE);
    }
    int err = ata_write_pages(ATA_SLAVE, swap_lba(s), pages, n);
    for (uint32_t i = 0; i < n; i++) kunmap(pages[i].va);
    if (err) {
        /* Every slot of the run is retired: which sector failed is not
         * known, and a slot that failed once is not trusted again. */
        failed(err, "writing", s);
        kprintf("swap: write of %u pages to slots %u-%u (LBA %u) failed; slots retired\n", n, s,
                s + n - 1, swap_lba(s));
        for (uint32_t i = 0; i < n; i++) {
            set_bit(retired, s + i);
            refs[s + i] = RETIRED;
        }
        swap_stats.retired += n;
        swap_stats.used -= n;
    } else {
        swap_stats.writes += n;
        swap_stats.write_cmds++;
        *first = s;
    }
    mutex_unlock(&swap_lock);
    return err;
}

int swap_read(uint32_t slot, uint32_t frame)
{
    if (!in_use(slot)) panic("swap_read: slot %u holds no page", slot);
    mutex_lock(&swap_lock);
    void *page = kmap(frame);
    struct ata_page one = { frame * PAGE_SIZE, page };   /* DMA uses pa, PIO va */
    int err = ata_read_pages(ATA_SLAVE, swap_lba(slot), &one, 1);
    if (err) {
        kprintf("swap: read of slot %u failed; retrying once\n", slot);
        swap_stats.read_retries++;
        err = ata_read_pages(ATA_SLAVE, swap_lba(slot), &one, 1);
        if (err) failed(err, "reading", slot);
    }
    if (!err) {
        uint32_t sum = crc32(page, PAGE_SIZE);
        if (sum != crc[slot]) {
            kprintf("swap: E_CHECKSUM: slot %u read back with CRC 0x%08x, written with "
                    "0x%08x; the page is not handed out\n", slot, sum, crc[slot]);
            swap_stats.checksum_errors++;
            err = -E_CHECKSUM;
            failed(err, "reading", slot);
        } else {
            swap_stats.reads++;
        }
    }
    kunmap(page);
    mutex_unlock(&swap_lock);
    return err;
}

void swap_print(void)
{
    if (!nslots) {
        kprintf("swap: none\n");
        return;
    }
    kprintf("swap: %u slots, %u used, %u retired; %u reads (%u retried), %u writes, "
            "%u checksum errors\n", swap_stats.nslots, swap_stats.used, swap_stats.retired,
            swap_stats.reads, swap_stats.read_retries, swap_stats.writes,
            swap_stats.checksum_errors);
}
