/* drivers/ata_probe.c - finding the IDE disks: IDENTIFY, and ata_init.
 *
 * ata_init(UNIT) asks one drive of the primary bus, the master (a trace
 * disk) or the slave (the swap disk), to IDENTIFY itself, keeps its
 * size and model (ata_sectors, ata_model), and chooses how the page
 * calls will move its data: READ/WRITE MULTIPLE if the drive takes a
 * page a block, bus-master DMA if the drive and the IDE controller can
 * do it (drivers/ata_dma.c).  No disk, or one that is not an ATA disk,
 * is found out within a second and reported, never waited for forever.
 * Built on the task file layer (drivers/ata_taskfile.c; all the layers
 * are listed in drivers/ata_priv.h). */
#include "drivers/ata_priv.h"
#include "drivers/ata_regs.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* Copy IDENTIFY words FIRST.. (NWORDS of them) into S as text: ATA
 * strings hold two characters per word, the first in the high byte.
 * Trailing blanks are cut. */
static void identify_string(const uint16_t *id, int first, int nwords, char *s)
{
    int n = 0;
    for (int i = 0; i < nwords; i++) {
        s[n++] = (char)(id[first + i] >> 8);
        s[n++] = (char)(id[first + i] & 0xFF);
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == 0))
        n--;
    s[n] = 0;
}

/* Send IDENTIFY to drive UNIT and read its 256 words into ID.  Returns
 * 0, or -E_IO (with a message) if no ATA disk answers. */
static int identify(unsigned unit, uint16_t *id)
{
    const char *name = ata_bus.drive[unit].name;
    uint8_t st;
    outb(ATA_CONTROL, CTRL_NIEN);
    outb(ATA_DRIVE, DRIVE_SELECT(unit, 0));
    ata_delay400();
    st = inb(ATA_STATUS);
    if (st == 0xFF) {               /* pulled-up data lines: nothing there */
        kprintf("ata: no disk: floating bus on the primary IDE channel (status 0xff)\n");
        return -E_IO;
    }
    if (ata_wait_status(0, &st) < 0) {
        kprintf("ata: no disk: %s stays busy (status 0x%x)\n", name, st);
        ata_reset_bus();
        return -E_IO;
    }
    outb(ATA_SECCOUNT, 0);
    outb(ATA_LBA0, 0);
    outb(ATA_LBA1, 0);
    outb(ATA_LBA2, 0);
    outb(ATA_COMMAND, CMD_IDENTIFY);
    ata_delay400();
    st = inb(ATA_STATUS);
    if (st == 0 || st == 0xFF) {    /* no drive answers at this position */
        kprintf("ata: no disk on the IDE %s (status 0x%x after IDENTIFY)\n", name, st);
        return -E_IO;
    }
    if (ata_wait_status(0, &st) < 0) {
        kprintf("ata: no disk: %s did not answer IDENTIFY (status 0x%x)\n", name, st);
        ata_reset_bus();
        return -E_IO;
    }
    /* ATAPI and SATA devices abort IDENTIFY and leave a signature here. */
    uint8_t sig1 = inb(ATA_LBA1), sig2 = inb(ATA_LBA2);
    if (sig1 || sig2) {
        kprintf("ata: %s is not an ATA disk (signature 0x%x%x)\n", name, sig2, sig1);
        return -E_IO;
    }
    if (ata_wait_status(ST_DRQ, &st) < 0) {
        kprintf("ata: IDENTIFY timed out waiting for data (status 0x%x)\n", st);
        ata_reset_bus();
        return -E_IO;
    }
    if (st & (ST_ERR | ST_DF)) {
        kprintf("ata: IDENTIFY failed: status 0x%x error 0x%x\n", st, inb(ATA_ERROR));
        return -E_IO;
    }
    insw(ATA_DATA, id, 256);
    ata_delay400();
    if (ata_wait_status(0, &st) < 0 || (st & (ST_ERR | ST_DF | ST_DRQ))) {
        kprintf("ata: IDENTIFY did not complete cleanly (status 0x%x)\n", st);
        ata_reset_bus();
        return -E_IO;
    }
    return 0;
}

int ata_init(unsigned unit)
{
    static uint16_t id[256];        /* the IDENTIFY sector */
    struct ata_drive *d = ata_drive_of("ata_init", unit);
    if (!d)
        return -E_INVAL;

    mutex_lock(&ata_disk_lock);
    d->present = 0;
    d->nsectors = 0;
    d->model[0] = 0;
    d->mult_ok = d->mult_on = d->dma_ok = 0;
    int rc = identify(unit, id);
    if (rc < 0)
        goto out;
    rc = -E_IO;
    if (!(id[ID_CAPS] & (1u << 9))) {
        kprintf("ata: %s does not support LBA addressing\n", d->name);
        goto out;
    }
    uint32_t n = id[ID_LBA28] | ((uint32_t)id[ID_LBA28 + 1] << 16);
    if (n == 0 || n > LBA28_LIMIT) {
        kprintf("ata: %s reports %u LBA28 sectors\n", d->name, n);
        goto out;
    }
    d->nsectors = n;
    identify_string(id, 27, 20, d->model);
    d->present = 1;
    rc = 0;

    d->mult_ok = (id[ID_MULTIPLE] & 0xFF) >= ATA_PAGE_SECTORS && ata_set_block_size(unit) == 0;
    d->mult_on = d->mult_ok;
    uint16_t bm_known = ata_bus.bm_base;
    ata_dma_setup(unit, id);
    /* DMA goes on when the bus master is first found; a later ata_init
     * (of the other drive, or again) keeps what ata_set_dma chose. */
    if (!ata_bus.bm_base) ata_bus.dma_on = 0;
    else if (!bm_known) ata_bus.dma_on = 1;
    kprintf("ata: %s '%s': %u sectors (%u KiB), LBA28 PIO; pages by %s%s\n", d->name,
            d->model, d->nsectors, d->nsectors / 2,
            ata_bus.dma_on && d->dma_ok ? "bus-master DMA on IRQ 14, else " : "",
            d->mult_on ? "READ/WRITE MULTIPLE (8 sectors a block)" : "PIO a sector at a time");
out:
    mutex_unlock(&ata_disk_lock);
    return rc;
}

uint32_t ata_sectors(unsigned unit)
{
    return unit < ATA_DRIVES && ata_bus.drive[unit].present ? ata_bus.drive[unit].nsectors : 0;
}

const char *ata_model(unsigned unit) { return unit < ATA_DRIVES ? ata_bus.drive[unit].model : ""; }
