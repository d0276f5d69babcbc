/* drivers/ata_regs.h - ATA and IDE bus-master hardware facts: ports, bits, commands.
 *
 * Only what the hardware defines lives here; the driver built on it is
 * drivers/ata.c (the calls) with drivers/ata_taskfile.c, ata_pio.c,
 * ata_dma.c and ata_probe.c (drivers/ata_priv.h lists who does what).
 *
 * How ATA works.  The drive is reached through the "task file", a
 * handful of 8-bit I/O ports (plus one 16-bit data port) on the bus:
 *
 *   0x1F0  data          16 bits at a time; a sector is 256 words
 *   0x1F1  error         (read) why the last command failed, see ERR below
 *   0x1F2  sector count  how many sectors this command moves (0 means 256)
 *   0x1F3  LBA  0-7      the 28-bit sector number (LBA28) is spread over
 *   0x1F4  LBA  8-15       these three registers and the low nibble of
 *   0x1F5  LBA 16-23       the drive register
 *   0x1F6  drive         0xE0 | slave << 4 | LBA 24-27
 *   0x1F7  status / command (reading it gives the status, writing it
 *                          starts a command)
 *   0x3F6  alternate status / device control: the same status byte
 *          without side effects; written, nIEN (no interrupts) and SRST
 *          (software reset of both drives on the bus)
 *
 * The bus's two drives, master (drive 0) and slave (drive 1), share
 * these ports: the drive register's slave bit says which of them the
 * next command is for (and which answers in status).
 *
 * A command is: select the drive, fill in count and LBA, write the
 * command byte.  The drive then raises BSY ("busy: the other bits mean
 * nothing, do not touch the task file") while it works.  If something
 * goes wrong it drops BSY with ERR (or DF, "device fault") set, and the
 * error register says what: ABRT (command aborted), IDNF (no such
 * sector), UNC (unreadable data), ...
 *
 * Three ways to move the data, slowest first:
 *
 *   PIO, a sector at a time (READ/WRITE SECTORS): the drive raises DRQ
 *     ("data request") for each sector and the CPU moves its 256 words
 *     through the data port.
 *   PIO multiple (READ/WRITE MULTIPLE): the same, but DRQ comes once per
 *     block of sectors (SET MULTIPLE MODE chooses the block size), so the
 *     status handshake happens once a block instead of once a sector.
 *   Bus-master DMA (READ/WRITE DMA): the IDE controller itself copies
 *     between the drive and memory, following a list of physical regions
 *     left in memory (the PRD table, below), and the drive interrupts
 *     when it is done.  The CPU does no copying meanwhile.
 *
 * Each status read after a drive select or a command must wait 400 ns
 * first: the drive needs that long before its status reflects the new
 * state. */
#ifndef DRIVERS_ATA_REGS_H
#define DRIVERS_ATA_REGS_H

#include <stdint.h>

/* Task file ports of the primary bus. */
#define ATA_DATA        0x1F0
#define ATA_ERROR       0x1F1
#define ATA_SECCOUNT    0x1F2
#define ATA_LBA0        0x1F3
#define ATA_LBA1        0x1F4
#define ATA_LBA2        0x1F5
#define ATA_DRIVE       0x1F6
#define ATA_STATUS      0x1F7   /* read */
#define ATA_COMMAND     0x1F7   /* write */
#define ATA_ALTSTATUS   0x3F6   /* read */
#define ATA_CONTROL     0x3F6   /* write */
#define ATA_IRQ         14      /* the primary channel's interrupt line */

/* Drive register: bits 7 and 5 are always 1, bit 6 selects LBA
 * addressing, bit 4 the slave (drive 1); the low nibble is LBA 24-27.
 * DRIVE_SELECT(UNIT, LBA) is the value that selects drive UNIT (0 or 1)
 * for LBA's top nibble. */
#define DRIVE_LBA       0xE0
#define DRIVE_UNIT_BIT  4
#define DRIVE_SELECT(unit, lba) \
    ((uint8_t)(DRIVE_LBA | (uint32_t)(unit) << DRIVE_UNIT_BIT | (((lba) >> 24) & 0x0F)))

/* Device control register. */
#define CTRL_NIEN       0x02    /* the drive raises no interrupts */
#define CTRL_SRST       0x04    /* software reset, held while set */

/* Status register. */
#define ST_ERR          0x01    /* the command failed; see the error register */
#define ST_DRQ          0x08    /* the drive wants to move a sector of data */
#define ST_DF           0x20    /* device fault */
#define ST_DRDY         0x40    /* drive ready for a command */
#define ST_BSY          0x80    /* busy: ignore every other bit */

/* Commands. */
#define CMD_READ        0x20    /* READ SECTORS, LBA28, PIO */
#define CMD_WRITE       0x30    /* WRITE SECTORS, LBA28, PIO */
#define CMD_READ_MULT   0xC4    /* READ MULTIPLE: PIO, a DRQ per block */
#define CMD_WRITE_MULT  0xC5    /* WRITE MULTIPLE */
#define CMD_SET_MULT    0xC6    /* SET MULTIPLE MODE: block size in the count */
#define CMD_READ_DMA    0xC8    /* READ DMA, LBA28 */
#define CMD_WRITE_DMA   0xCA    /* WRITE DMA, LBA28 */
#define CMD_FLUSH       0xE7    /* FLUSH CACHE */
#define CMD_IDENTIFY    0xEC

/* IDENTIFY words we use. */
#define ID_MULTIPLE     47      /* bits 0-7: largest block READ/WRITE MULTIPLE takes */
#define ID_CAPS         49      /* bit 8: DMA supported; bit 9: LBA supported */
#define ID_LBA28        60      /* words 60-61: sectors addressable with LBA28 */

#define MAX_PER_CMD     256u    /* a sector count of 0 means 256 */
#define LBA28_LIMIT     (1u << 28)
#define WORDS_PER_SECTOR 256u

/* The bus master (SFF-8038i, as the PIIX implements it).  The IDE
 * controller is a PCI function of class 01 (storage), subclass 01 (IDE);
 * its BAR4 holds 16 I/O ports, 8 per channel, the primary's first:
 *
 *   +0  command   bit 0 start/stop: set, the controller follows the PRD
 *                 table; cleared, it stops (abandoning a transfer).
 *                 Bit 3 direction, as the controller sees it: 1 = the
 *                 bus master WRITES memory, which is a disk READ; 0 =
 *                 it reads memory, a disk write.  Change the direction
 *                 and the table pointer only while stopped.
 *   +2  status    bit 0 active: set by start, cleared when the last
 *                 region is done; bit 1 error (a PCI abort while
 *                 transferring); bit 2 interrupt: the drive raised its
 *                 interrupt line.  Bits 1 and 2 are cleared by writing
 *                 1 to them.  Bits 5 and 6 are "drive 0/1 can do DMA",
 *                 notes for software that the hardware ignores.
 *   +4  PRD table pointer: the physical address of the table, 4-aligned
 *
 * On a normal end the drive interrupts with active already clear; with
 * active still set, the table promised more memory than the command
 * moved.  The drive's interrupt sets bit 2 only when nIEN is clear:
 * with nIEN set, completion shows as active dropping. */
#define BM_CMD          0
#define BM_STATUS       2
#define BM_PRDT         4
#define BM_CMD_START    0x01
#define BM_CMD_TOMEM    0x08
#define BM_ST_ACTIVE    0x01
#define BM_ST_ERR       0x02
#define BM_ST_INT       0x04
#define BM_ST_DRV0_DMA  0x20    /* the master can do DMA */
#define BM_ST_DRV1_DMA  0x40    /* the slave can do DMA */
#define BM_ST_CLEAR     (BM_ST_DRV0_DMA | BM_ST_DRV1_DMA | BM_ST_INT | BM_ST_ERR)

/* Prog-if (PCI_CLASS bits 8-15) of an IDE controller: bit 0 set means
 * the primary channel is in PCI native mode (ports in BAR0/BAR1 and a
 * PCI interrupt) instead of at 0x1F0 with IRQ 14; bit 7 means there is
 * a bus master. */
#define PROGIF_PRI_NATIVE 0x01
#define PROGIF_BUSMASTER  0x80
#define BM_BAR            4     /* the BAR that holds the bus master's ports */

/* A Physical Region Descriptor: one piece of memory of a DMA transfer.
 * BYTES must be even, and 0 means 64 KiB; a region may not cross a
 * 64 KiB boundary (the controller's address counter carries only in its
 * low 16 bits).  Bit 15 of the last word (bit 31 of the second dword)
 * marks the table's last entry.  The table itself must be 4-byte
 * aligned and must not cross a 64 KiB boundary either. */
struct prd {
    uint32_t addr;              /* physical address of the region */
    uint16_t bytes;             /* its length */
    uint16_t flags;             /* PRD_EOT on the last entry */
};
#define PRD_EOT         0x8000

#endif
