/* drivers/pci.h - PCI configuration space, through mechanism #1.
 *
 * Every PCI function has 256 bytes of configuration space: who it is
 * (vendor, device, class), what it decodes (its BARs, base address
 * registers) and what it may do (the command register).  Drivers find
 * their device here by class and read where its registers live; the
 * IDE disks' driver (drivers/ata_dma.c) finds the IDE controller's bus
 * master this way.  Nothing here allocates or moves BARs: the BIOS has
 * already placed them. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdint.h>

/* One function on the bus: bus 0-255, device (slot) 0-31, function 0-7. */
struct pci_dev {
    uint8_t bus, dev, fn;
};

/* Offsets into the configuration header (type 0, the header of every
 * device that is not a bridge).  Reads and writes are whole dwords. */
#define PCI_ID          0x00    /* vendor ID (low 16 bits), device ID (high) */
#define PCI_CMD_STATUS  0x04    /* command (low 16 bits), status (high) */
#define PCI_CLASS       0x08    /* revision, prog-if, subclass, class (high byte) */
#define PCI_HEADER      0x0C    /* header type in bits 16-23; bit 23: multi-function */
#define PCI_BAR0        0x10    /* BARs 0-5, a dword each */

/* Command register bits. */
#define PCI_CMD_IO      0x0001  /* respond to the I/O-space BARs */
#define PCI_CMD_MEMORY  0x0002  /* respond to the memory-space BARs */
#define PCI_CMD_MASTER  0x0004  /* may start bus cycles itself (DMA) */

/* Classes (PCI_CLASS bits 24-31) and subclasses (bits 16-23). */
#define PCI_CLASS_STORAGE   0x01
#define PCI_SUBCLASS_IDE    0x01

/* Is there a PCI bus answering configuration mechanism #1?  (An ISA-only
 * machine, QEMU's isapc, has none.) */
int pci_present(void);

/* Read the configuration dword at OFF (a multiple of 4) of D. */
uint32_t pci_read(struct pci_dev d, uint8_t off);

/* Write V to the configuration dword at OFF (a multiple of 4) of D. */
void pci_write(struct pci_dev d, uint8_t off, uint32_t v);

/* Find the first function (lowest bus, device, function) of class CLASS
 * and subclass SUB, and store it in *OUT.  Returns 1 if found, 0 if
 * there is none or no PCI bus at all. */
int pci_find_class(uint8_t class, uint8_t sub, struct pci_dev *out);

/* The I/O port base that BAR number BAR (0-5) of D decodes, or 0 if
 * that BAR is a memory BAR or was never assigned. */
uint16_t pci_bar_io(struct pci_dev d, int bar);

/* Set BITS (PCI_CMD_*) in D's command register, keeping the others. */
void pci_enable(struct pci_dev d, uint16_t bits);

#endif
