/* drivers/pci.c - PCI configuration space through mechanism #1.
 *
 * The host bridge (on QEMU's pc machine the i440FX) decodes two 32-bit
 * I/O ports that reach any function's configuration space:
 *
 *   0xCF8  CONFIG_ADDRESS   31     enable: this is a configuration cycle
 *                           23-16  bus
 *                           15-11  device
 *                           10-8   function
 *                           7-2    dword offset into the 256 bytes
 *   0xCFC  CONFIG_DATA      the dword the address selects, read or written
 *
 * A function that is not there answers reads with all ones, so a vendor
 * ID of 0xFFFF means "empty slot".  Function 0 of every present device
 * exists; the others are looked at only if function 0's header type has
 * bit 7 (multi-function) set.  We scan by brute force, every bus and
 * slot, rather than walking bridges: simple, and over at the first match
 * (the IDE controller is device 1 on bus 0 of a pc machine). */
#include "drivers/pci.h"
#include "kernel/panic.h"
#include "kernel/x86.h"

#define CONFIG_ADDRESS  0xCF8
#define CONFIG_DATA     0xCFC
#define CONFIG_ENABLE   0x80000000u

#define BAR_IS_IO       0x1u        /* BAR bit 0: an I/O BAR; bits 31-2 the port */

/* Point CONFIG_ADDRESS at dword OFF of D. */
static void select_dword(struct pci_dev d, uint8_t off)
{
    if (off & 3)
        panic("pci: configuration offset 0x%x is not a multiple of 4", off);
    if (d.dev > 31 || d.fn > 7)
        panic("pci: no function %u:%u.%u", d.bus, d.dev, d.fn);
    outl(CONFIG_ADDRESS, CONFIG_ENABLE | (uint32_t)d.bus << 16 | (uint32_t)d.dev << 11 |
                         (uint32_t)d.fn << 8 | off);
}

uint32_t pci_read(struct pci_dev d, uint8_t off)
{
    select_dword(d, off);
    return inl(CONFIG_DATA);
}

void pci_write(struct pci_dev d, uint8_t off, uint32_t v)
{
    select_dword(d, off);
    outl(CONFIG_DATA, v);
}

/* Mechanism #1 is there if CONFIG_ADDRESS keeps what we write into it;
 * with no PCI host bridge, port 0xCF8 reads back as all ones. */
int pci_present(void)
{
    outl(CONFIG_ADDRESS, CONFIG_ENABLE);
    return inl(CONFIG_ADDRESS) == CONFIG_ENABLE;
}

int pci_find_class(uint8_t class, uint8_t sub, struct pci_dev *out)
{
    if (!pci_present())
        return 0;
    for (uint32_t bus = 0; bus < 256; bus++) {
        for (uint8_t dev = 0; dev < 32; dev++) {
            struct pci_dev d = { (uint8_t)bus, dev, 0 };
            if ((pci_read(d, PCI_ID) & 0xFFFF) == 0xFFFF)
                continue;                       /* empty slot */
            int nfn = (pci_read(d, PCI_HEADER) & (1u << 23)) ? 8 : 1;
            for (d.fn = 0; d.fn < nfn; d.fn++) {
                if ((pci_read(d, PCI_ID) & 0xFFFF) == 0xFFFF)
                    continue;
                uint32_t c = pci_read(d, PCI_CLASS);
                if ((c >> 24) == class && ((c >> 16) & 0xFF) == sub) {
                    *out = d;
                    return 1;
                }
            }
        }
    }
    return 0;
}

uint16_t pci_bar_io(struct pci_dev d, int bar)
{
    if (bar < 0 || bar > 5)
        panic("pci_bar_io: there is no BAR %d", bar);
    uint32_t v = pci_read(d, PCI_BAR0 + 4 * bar);
    if (!(v & BAR_IS_IO))
        return 0;                               /* a memory BAR */
    return (uint16_t)(v & 0xFFFC);              /* 0 if never assigned */
}

void pci_enable(struct pci_dev d, uint16_t bits)
{
    /* The status half of the dword has write-1-to-clear bits: write 0s
     * there so that none is cleared by accident. */
    uint32_t cmd = pci_read(d, PCI_CMD_STATUS) & 0xFFFF;
    pci_write(d, PCI_CMD_STATUS, cmd | bits);
}
