/* PCI: configuration space through the legacy ports 0xCF8/0xCFC (PCI Local Bus 3.0 §3.2.2.3.2),
 * bus enumeration from bus 0 through bridges, BAR sizing, capabilities, MSI-X. */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H
#include <stdint.h>

#define PCI_MAX_DEVICES 64
#define PCI_BARS 6
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX 0x11

struct pci_bar {
    uint64_t addr, size;
    int io;                    /* an I/O port range, not memory */
};

struct pci_device {
    uint8_t bus, slot, func;
    uint16_t vendor, device, subsystem_device;
    uint8_t class, subclass, irq_line, irq_pin;
    struct pci_bar bar[PCI_BARS];
};

/* Find every device (once; later calls return the same list). Returns how many. */
int pci_enumerate(struct pci_device **list);

uint32_t pci_read32(const struct pci_device *d, uint8_t off);
uint16_t pci_read16(const struct pci_device *d, uint8_t off);
uint8_t pci_read8(const struct pci_device *d, uint8_t off);
void pci_write32(const struct pci_device *d, uint8_t off, uint32_t v);
void pci_write16(const struct pci_device *d, uint8_t off, uint16_t v);

/* Offset of the first capability of the given ID at or after `from` (0: the first), 0 if none. */
uint8_t pci_find_cap(const struct pci_device *d, uint8_t id, uint8_t from);

/* Let the device decode its memory and I/O BARs and master the bus (DMA). */
void pci_enable(const struct pci_device *d);

/* Map a memory BAR (uncached) and return its address; NULL for an I/O or missing BAR. */
void *pci_map_bar(const struct pci_device *d, int bar);

/* Set up MSI-X with every entry masked. Returns the number of entries, -ENODEV (no MSI-X), or
 * -EINVAL (the table the device names lies outside its BAR: said on the console, not used). */
int pci_msix_init(struct pci_device *d);
/* Point MSI-X entry n at the vector on the boot CPU and unmask it: 0, or -EINVAL when n is not
 * an entry of the device's table. */
int pci_msix_set(const struct pci_device *d, int n, uint8_t vector);
#endif
