/* The legacy virtio PCI transport: registers in I/O BAR 0 (virtio 1.2 §4.1.4.8), for
 * transitional devices that lack the modern capabilities (QEMU's disable-modern=on). */
#include "virtio.h"
#include "virtio_pci.h"
#include "../../kernel/x86.h"
#include <errno.h>

#define HOST_FEATURES 0
#define GUEST_FEATURES 4
#define QUEUE_PFN 8
#define QUEUE_NUM 12
#define QUEUE_SEL 14
#define QUEUE_NOTIFY 16
#define STATUS 18
#define CONFIG_VECTOR 20
#define QUEUE_VECTOR 22
#define CONFIG 20
#define CONFIG_WITH_MSIX 24
#define NO_VECTOR 0xFFFF
#define PFN_SHIFT 12

static uint16_t port(struct virtio_device *d, unsigned off) { return (uint16_t)(d->io + off); }

static uint64_t legacy_device_features(struct virtio_device *d) { return inl(port(d, HOST_FEATURES)); }
static void legacy_set_driver_features(struct virtio_device *d, uint64_t f) { outl(port(d, GUEST_FEATURES), (uint32_t)f); }
static uint8_t legacy_status(struct virtio_device *d) { return inb(port(d, STATUS)); }
static void legacy_set_status(struct virtio_device *d, uint8_t s) { outb(port(d, STATUS), s); }

static uint16_t legacy_queue_max(struct virtio_device *d, uint16_t index, int *fixed)
{
    *fixed = 1;                            /* legacy rings are the size the device says */
    outw(port(d, QUEUE_SEL), index);
    return inw(port(d, QUEUE_NUM));
}

static int legacy_queue_enable(struct virtio_device *d, struct virtq *vq)
{
    outw(port(d, QUEUE_SEL), vq->index);
    if (d->msix) {
        outw(port(d, QUEUE_VECTOR), 0);
        if (inw(port(d, QUEUE_VECTOR)) == NO_VECTOR)
            return -EIO;
    }
    outl(port(d, QUEUE_PFN), (uint32_t)((uintptr_t)vq->desc >> PFN_SHIFT));
    return 0;
}

static void legacy_notify(struct virtio_device *d, uint16_t index) { outw(port(d, QUEUE_NOTIFY), index); }

static void legacy_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    unsigned base = d->msix ? CONFIG_WITH_MSIX : CONFIG;
    for (unsigned i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = inb(port(d, base + off + i));
}

int virtio_pci_legacy_msix(struct virtio_device *d)
{
    outw(port(d, CONFIG_VECTOR), 0);
    return inw(port(d, CONFIG_VECTOR)) == NO_VECTOR ? -EIO : 0;
}

const struct virtio_transport virtio_pci_legacy = {
    .kind = "pci-legacy",
    .modern = 0,
    .device_features = legacy_device_features,
    .set_driver_features = legacy_set_driver_features,
    .status = legacy_status,
    .set_status = legacy_set_status,
    .queue_max = legacy_queue_max,
    .queue_enable = legacy_queue_enable,
    .notify = legacy_notify,
    .config_read = legacy_config_read,
    .irq_setup = virtio_pci_irq_setup,
};
