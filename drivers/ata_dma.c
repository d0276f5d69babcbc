/* drivers/ata_dma.c - moving pages by bus-master DMA, and IRQ 14.
 *
 * With a bus master (the IDE controller's, found on PCI at ata_init),
 * the page calls move up to ATA_DMA_MAX_PAGES pages in one READ DMA or
 * WRITE DMA command, wherever the pages lie in physical memory: the
 * controller follows a table of physical regions (PRDs, drawn in
 * drivers/ata_regs.h), one a page, and the CPU copies nothing.  The
 * channel has one bus master for both its drives: it moves the data of
 * whichever drive the command went to (ata_start_command selects it).
 *
 * Waiting.  A thread with interrupts on sleeps on a semaphore that the
 * IRQ 14 handler raises when the drive interrupts at the command's end;
 * a watchdog on the PIT tick raises it instead after TIMEOUT_TICKS.
 * Anything else (boot, interrupts off in the caller) polls the bus
 * master's status, with nIEN set so that the drive does not interrupt.
 *
 * Layers: built on the task file (drivers/ata_taskfile.c); drivers/ata.c
 * decides when to use DMA and retries a failed command by DMA, then by
 * PIO (drivers/ata_priv.h lists them all). */
#include "drivers/ata_priv.h"
#include "drivers/ata_regs.h"
#include "drivers/pci.h"
#include "kernel/panic.h"
#include "kernel/pic.h"
#include "kernel/pit.h"
#include "kernel/thread.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/memlayout.h"

/* The PRD table, as the controller reads it: physical memory, 4-byte
 * aligned, and not crossing a 64 KiB boundary.  Aligning it to its own
 * size (256 bytes, a divisor of 64 KiB) guarantees both.  It lives in
 * the kernel image, which is mapped one-to-one (mm/memlayout.h), so its
 * address is its physical address.  One entry per page: a 4 KiB page at
 * a 4 KiB-aligned address never crosses a 64 KiB boundary. */
static struct prd prdt[ATA_DMA_MAX_PAGES] __attribute__((aligned(256)));
_Static_assert(sizeof prdt == 256, "the PRD table must fill its alignment");
_Static_assert(ATA_DMA_MAX_PAGES * ATA_PAGE_SECTORS == MAX_PER_CMD,
               "a DMA command moves at most 256 sectors");

/* A DMA command waited for by sleeping.  The issuer arms it; the first
 * of the IRQ handler and the watchdog to see it disarms it and raises
 * dma_done, exactly once per command.  Both run with interrupts off. */
static int irq_ready;           /* handler, watchdog and semaphore installed */
static struct semaphore dma_done;
static volatile int inflight;   /* armed: a sleeper waits for the interrupt */
static volatile uint32_t armed_at;  /* PIT tick it was armed at */
static volatile int timed_out;  /* the watchdog, not the drive, woke it */
static volatile uint8_t irq_bmst, irq_st;   /* what the handler read */

/* IRQ 14: the drive has finished a command (nIEN is clear only while an
 * armed DMA command runs).  Reading the bus master's status tells
 * whether the interrupt is the drive's; writing its INT bit back clears
 * the bit, and reading the drive's status register lowers the drive's
 * interrupt line.  trap() has already acknowledged the PIC. */
static int ata_irq(struct trapframe *tf)
{
    (void)tf;
    ata_bus.stats.irqs++;
    uint8_t b = inb(ata_bus.bm_base + BM_STATUS);
    if (!(b & BM_ST_INT))
        return 1;                       /* not the drive's interrupt */
    outb(ata_bus.bm_base + BM_STATUS, BM_ST_CLEAR);
    uint8_t st = inb(ATA_STATUS);
    if (!inflight)
        return 1;                       /* late: the watchdog gave up on it */
    irq_bmst = b;
    irq_st = st;
    inflight = 0;
    sema_up(&dma_done);
    return 1;
}

/* On every PIT tick: wake a sleeper whose drive has not answered in
 * TIMEOUT_TICKS. */
static void watchdog(void)
{
    if (inflight && pit_ticks() - armed_at > TIMEOUT_TICKS) {
        inflight = 0;
        timed_out = 1;
        sema_up(&dma_done);
    }
}

/* May the caller sleep until IRQ 14?  Only a thread, with interrupts on
 * (else the interrupt could not come, and the boot and panic paths have
 * none of either). */
static int can_sleep(void)
{
    return irq_ready && thread_current() && (read_eflags() & EFLAGS_IF);
}

/* Arm the wait for the next command's interrupt. */
static void arm(void)
{
    timed_out = 0;
    armed_at = pit_ticks();
    inflight = 1;
}

/* Take back an armed wait whose command never started.  With interrupts
 * off neither the handler nor the watchdog can raise the semaphore any
 * more, so setting its count to 0 drops any raise already made. */
static void disarm(void)
{
    uint32_t fl = read_eflags();
    cli();
    inflight = 0;
    sema_init(&dma_done, "ata dma", 0);
    if (fl & EFLAGS_IF)
        sti();
}

/* Has a polled DMA command ended: the bus master done (active dropped),
 * or the drive stopped with an error before any data moved (the bus
 * master then waits for data forever)?  Stores the bus master's status
 * in *BMST. */
static int dma_ended(uint32_t unused, uint8_t *bmst)
{
    (void)unused;
    uint8_t b = inb(ata_bus.bm_base + BM_STATUS);
    *bmst = b;
    if (!(b & BM_ST_ACTIVE) || (b & BM_ST_INT))
        return 1;
    uint8_t s = inb(ATA_ALTSTATUS);
    return !(s & ST_BSY) && (s & (ST_ERR | ST_DF));
}

/* Wait for the end of the started DMA command: asleep if SLEEP (armed),
 * else polling.  Stores the bus master's and the drive's final status
 * in *BMST and *ST.  Returns 0, or -E_IO on timeout (not reported). */
static int dma_wait(int sleep, uint8_t *bmst, uint8_t *st)
{
    if (sleep) {
        sema_down(&dma_done);
        ata_bus.stats.irq_waits++;
        if (timed_out) {
            *bmst = inb(ata_bus.bm_base + BM_STATUS);
            *st = inb(ATA_ALTSTATUS);
            return -E_IO;
        }
        *bmst = irq_bmst;
        *st = irq_st;
        return 0;
    }
    int rc = ata_poll_until(dma_ended, 0, bmst);
    ata_bus.stats.poll_waits++;
    if (rc == 0)
        rc = ata_wait_status(0, st);
    else
        *st = inb(ATA_ALTSTATUS);
    outb(ata_bus.bm_base + BM_STATUS, BM_ST_CLEAR);
    return rc;
}

/* The steps SFF-8038i prescribes: PRD table, pointer and direction,
 * clear the status, the command to the drive, start the bus master; at
 * the end stop it, then read its status and the drive's. */
int ata_dma_command(struct ata_req *r, uint32_t first, uint32_t n)
{
    const char *what = r->write ? "DMA write" : "DMA read";
    uint32_t lba = r->lba + first, npages = n / ATA_PAGE_SECTORS;
    const struct ata_page *pg = &r->pages[first / ATA_PAGE_SECTORS];
    uint16_t bm = ata_bus.bm_base;
    uint8_t dir = r->write ? 0 : BM_CMD_TOMEM, bmst, st;

    for (uint32_t i = 0; i < npages; i++)
        prdt[i] = (struct prd){ pg[i].pa, PAGE_SIZE, i + 1 == npages ? PRD_EOT : 0 };
    /* outb() does not tell the compiler it reads memory: without this the
     * table could still be in registers when the controller fetches it.
     * (The CPU itself drains its stores before an OUT.) */
    asm volatile("" : : : "memory");
    outb(bm + BM_CMD, 0);
    outl(bm + BM_PRDT, (uint32_t)prdt);
    outb(bm + BM_CMD, dir);
    outb(bm + BM_STATUS, BM_ST_CLEAR);

    int sleep = can_sleep();
    outb(ATA_CONTROL, sleep ? 0 : CTRL_NIEN);   /* the interrupt only if we sleep on it */
    if (sleep)
        arm();
    int rc = ata_start_command(r, r->write ? CMD_WRITE_DMA : CMD_READ_DMA, lba, n, what);
    if (rc < 0) {
        if (sleep)
            disarm();
        outb(ATA_CONTROL, CTRL_NIEN);
        return rc;
    }
    ata_bus.stats.dma_cmds++;
    outb(bm + BM_CMD, dir | BM_CMD_START);
    rc = dma_wait(sleep, &bmst, &st);
    outb(bm + BM_CMD, dir);                     /* stop: the transfer is over */
    outb(ATA_CONTROL, CTRL_NIEN);
    if (rc < 0)
        return ata_timeout(r, what, lba, n, st);
    if ((bmst & BM_ST_ERR) || (st & (ST_ERR | ST_DF)))
        return ata_device_error(r, what, lba, n, st, bmst);
    if ((bmst & BM_ST_ACTIVE) || (st & ST_DRQ)) {
        kprintf("ata: %s of LBA %u-%u did not end cleanly: bus master status 0x%x, "
                "status 0x%x\n", what, lba, lba + n - 1, bmst, st);
        ata_reset_bus();
        return ata_failed(r, lba);
    }
    if (r->write)
        ata_bus.stats.sectors_written += n;
    else
        ata_bus.stats.sectors_read += n;
    r->done += n;
    return 0;
}

/* ---- Finding the bus master ---------------------------------------- */

/* Find the IDE controller's bus master for the primary channel: the
 * first PCI function of class 01/01, in compatibility mode (so that its
 * primary channel is the one at 0x1F0 and IRQ 14), with a bus master
 * and an I/O BAR4.  Let it decode its I/O ports and master the bus.
 * Returns the bus master's I/O base, or 0 (saying why) if there is none.
 *
 * Real hardware would also need the drive's DMA mode chosen (SET
 * FEATURES) and the PIIX's timing registers programmed; QEMU needs
 * neither, and we leave both as the BIOS left them. */
static uint16_t find_bus_master(void)
{
    struct pci_dev d;
    if (!pci_find_class(PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, &d)) {
        kprintf("ata: no PCI IDE controller: no DMA\n");
        return 0;
    }
    uint8_t progif = (pci_read(d, PCI_CLASS) >> 8) & 0xFF;
    uint16_t base = pci_bar_io(d, BM_BAR);
    if ((progif & PROGIF_PRI_NATIVE) || !(progif & PROGIF_BUSMASTER) || !base) {
        kprintf("ata: IDE controller %u:%u.%u (prog-if 0x%x, BAR4 0x%x) has no usable "
                "bus master for the legacy primary channel: no DMA\n", d.bus, d.dev, d.fn,
                progif, pci_read(d, PCI_BAR0 + 4 * BM_BAR));
        return 0;
    }
    pci_enable(d, PCI_CMD_IO | PCI_CMD_MASTER);
    return base;
}

/* The bus master is left stopped with its status clear; IRQ 14's
 * handler, the watchdog and the semaphore are installed once, at the
 * first ata_init that finds a bus master. */
void ata_dma_setup(unsigned unit, const uint16_t *id)
{
    struct ata_drive *d = &ata_bus.drive[unit];
    d->dma_ok = 0;
    if (!(id[ID_CAPS] & (1u << 8))) {
        kprintf("ata: the %s does not do DMA\n", d->name);
        return;
    }
    ata_bus.bm_base = 0;
    uint16_t base = find_bus_master();
    if (!base)
        return;
    if ((uint32_t)prdt + sizeof prdt > IDENTITY_END)
        panic("ata: PRD table at %p is outside the identity-mapped kernel", (void *)prdt);
    outb(base + BM_CMD, 0);
    outb(base + BM_STATUS, BM_ST_CLEAR);
    ata_bus.bm_base = base;
    d->dma_ok = 1;
    if (!irq_ready) {
        sema_init(&dma_done, "ata dma", 0);
        trap_register(T_IRQ0 + ATA_IRQ, ata_irq);
        pit_add_hook(watchdog);
        pic_unmask(ATA_IRQ);
        irq_ready = 1;
    }
}
