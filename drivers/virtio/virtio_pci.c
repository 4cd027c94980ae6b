/* virtio over PCI: which functions are virtio devices (§4.1.2), the choice of transport, and
 * the interrupt both transports route the same way (§4.1.4.5 ISR, §4.1.5.1.2 MSI-X). */
#include "virtio_pci.h"
#include "../../kernel/format.h"
#include "../../kernel/irq.h"
#include <errno.h>

#define VIRTIO_PCI_VENDOR 0x1AF4
#define DEVICE_TRANSITIONAL_FIRST 0x1000
#define DEVICE_TRANSITIONAL_LAST 0x103F
#define DEVICE_MODERN_BASE 0x1040
#define DEVICE_MODERN_LAST 0x107F
#define ISR_QUEUE 1
#define ISR_CONFIG 2
#define MSIX_ENTRY 0                   /* one vector for the whole device */

struct virtio_device *virtio_pci_open(struct pci_device *p)
{
    if (p->vendor != VIRTIO_PCI_VENDOR || p->device < DEVICE_TRANSITIONAL_FIRST || p->device > DEVICE_MODERN_LAST)
        return NULL;
    /* §4.1.2.1: modern IDs are 0x1040 + the device type; transitional ones carry it in the
     * subsystem ID */
    uint16_t id = p->device >= DEVICE_MODERN_BASE ? p->device - DEVICE_MODERN_BASE : p->subsystem_device;
    pci_enable(p);
    int refused;
    struct virtio_device *d = virtio_pci_modern_open(p, id, &refused);
    if (!d && !refused && p->device <= DEVICE_TRANSITIONAL_LAST)
        d = virtio_pci_legacy_open(p, id);
    return d;
}

void virtio_pci_init(struct virtio_pci *vp, struct pci_device *p, uint16_t id)
{
    vp->pci = p;
    vp->dev.id = id;
    ksnprintf(vp->dev.where, sizeof vp->dev.where, "pci %02x:%02x.%x", p->bus, p->slot, p->func);
}

static void msix_interrupt(void *p) { virtio_interrupt(p); }

/* INTx is shared and level-triggered: reading the ISR tells whether it was ours and lowers it. */
static void intx_interrupt(void *p)
{
    struct virtio_pci *vp = p;
    if (vp->read_isr(vp) & (ISR_QUEUE | ISR_CONFIG))
        virtio_interrupt(&vp->dev);
}

int virtio_pci_irq_setup(struct virtio_device *d)
{
    struct virtio_pci *vp = virtio_pci_of(d);
    int entries = pci_msix_init(vp->pci);
    if (entries == -EINVAL)
        return entries;                /* a table outside its BAR: a device that lies (kernel/pci.c) */
    if (entries > 0) {
        int vector = irq_alloc_vector(msix_interrupt, d);
        if (vector < 0)
            return vector;
        int rc = pci_msix_set(vp->pci, MSIX_ENTRY, (uint8_t)vector);
        if (rc < 0)
            return rc;
        d->msix = 1;
        return vp->msix_config_vector(vp);
    }
    /* The firmware wrote the line it routed INTx to; on the PC's IOAPIC the GSI has that number. */
    if (vp->pci->irq_pin == 0 || vp->pci->irq_line == 0 || vp->pci->irq_line == 0xFF)
        return -ENODEV;
    return irq_attach_gsi(vp->pci->irq_line, 1, 0, intx_interrupt, vp);
}
