/* What the two PCI transports (modern and legacy) share. */
#ifndef DRIVERS_VIRTIO_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_VIRTIO_PCI_H
#include "virtio.h"

#define VIRTIO_PCI_LEGACY_ISR 19

/* MSI-X if the device has it, else INTx through the IOAPIC. */
int virtio_pci_irq_setup(struct virtio_device *d);
/* A legacy device with MSI-X on: give its config and queues vector entry 0. */
int virtio_pci_legacy_msix(struct virtio_device *d);
#endif
