/* virtio over PCI (virtio 1.2 §4.1): which PCI functions are virtio devices, and what the two
 * PCI transports (modern, virtio_pci_modern.c; legacy, virtio_pci_legacy.c) share: the PCI
 * function and its interrupt, MSI-X or INTx. */
#ifndef DRIVERS_VIRTIO_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_VIRTIO_PCI_H
#include "virtio.h"
#include "../../kernel/pci.h"
#include <stddef.h>

/* A PCI transport's state begins with this; the device is inside it. */
struct virtio_pci {
    struct virtio_device dev;
    struct pci_device *pci;
    /* the transport's two differences in interrupt routing */
    uint8_t (*read_isr)(struct virtio_pci *);          /* INTx: reading it acknowledges (§4.1.4.5) */
    int (*msix_config_vector)(struct virtio_pci *);    /* MSI-X: config changes to entry 0 */
};

static inline struct virtio_pci *virtio_pci_of(struct virtio_device *d)
{
    return (struct virtio_pci *)((char *)d - offsetof(struct virtio_pci, dev));
}

/* The virtio device behind PCI function p, opened through the modern transport if its
 * capabilities are there, else the legacy one if it is transitional; NULL when p is not a
 * virtio device, or no transport can drive it. Enables p (memory, I/O, bus mastering). */
struct virtio_device *virtio_pci_open(struct pci_device *p);

/* The two transports, for virtio_pci_open: NULL if the device lacks what they need; the
 * modern one sets *refused when the device has its capabilities but they lie (said on the
 * console), so that it is not tried as a legacy device either. */
struct virtio_device *virtio_pci_modern_open(struct pci_device *p, uint16_t id, int *refused);
struct virtio_device *virtio_pci_legacy_open(struct pci_device *p, uint16_t id);
/* For them: the fields of struct virtio_pci and the device's ID and location. */
void virtio_pci_init(struct virtio_pci *vp, struct pci_device *p, uint16_t id);

/* The transports' irq_setup: MSI-X if the device has it, else INTx through the IOAPIC. */
int virtio_pci_irq_setup(struct virtio_device *d);
#endif
