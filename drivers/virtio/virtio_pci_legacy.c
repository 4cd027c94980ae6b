/* The legacy virtio PCI transport: registers in I/O BAR 0 (virtio 1.2 §4.1.4.8), for
 * transitional devices that lack the modern capabilities (QEMU's disable-modern=on). */
#include "virtio_pci.h"
#include "virtio_check.h"
#include "../../kernel/printk.h"
#include "../../kernel/x86.h"
#include <errno.h>

#define HOST_FEATURES 0
#define GUEST_FEATURES 4
#define QUEUE_PFN 8
#define QUEUE_NUM 12
#define QUEUE_SEL 14
#define QUEUE_NOTIFY 16
#define STATUS 18
#define ISR 19
#define CONFIG_VECTOR 20
#define QUEUE_VECTOR 22
#define CONFIG 20
#define CONFIG_WITH_MSIX 24
#define NO_VECTOR 0xFFFF
#define MSIX_ENTRY 0                   /* one vector for the whole device */
#define PFN_SHIFT 12
#define LEGACY_BAR 0
#define MAX_DEVICES 16
#define IO_SPACE 0x10000               /* x86 I/O ports are 16 bits */

struct pci_legacy {
    struct virtio_pci pci;
    uint16_t io;                       /* the first port of BAR 0 */
    uint32_t io_size;                  /* its size: no register is touched beyond it */
};

static struct pci_legacy devices[MAX_DEVICES];
static int ndevices;

static struct pci_legacy *legacy(struct virtio_device *d)
{
    return (struct pci_legacy *)((char *)d - offsetof(struct pci_legacy, pci.dev));
}

static uint16_t port(struct virtio_device *d, unsigned off) { return (uint16_t)(legacy(d)->io + off); }

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
        outw(port(d, QUEUE_VECTOR), MSIX_ENTRY);
        if (inw(port(d, QUEUE_VECTOR)) == NO_VECTOR)
            return -EIO;
    }
    outl(port(d, QUEUE_PFN), (uint32_t)((uintptr_t)vq->desc >> PFN_SHIFT));
    return 0;
}

static void legacy_notify(struct virtio_device *d, uint16_t index) { outw(port(d, QUEUE_NOTIFY), index); }

/* The device-specific configuration moves by 4 bytes once MSI-X is on (§4.1.4.8). */
static int legacy_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    unsigned base = d->msix ? CONFIG_WITH_MSIX : CONFIG;
    uint32_t size = legacy(d)->io_size;
    if (size < base || !virtio_config_within(size - base, off, len))
        return -EIO;
    for (unsigned i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = inb(port(d, base + off + i));
    return 0;
}

static uint8_t legacy_read_isr(struct virtio_pci *vp) { return inb(port(&vp->dev, ISR)); }

static int legacy_msix_config_vector(struct virtio_pci *vp)
{
    if (legacy(&vp->dev)->io_size < CONFIG_WITH_MSIX)
        return -EIO;                   /* no room for the MSI-X vector registers (§4.1.4.8) */
    outw(port(&vp->dev, CONFIG_VECTOR), MSIX_ENTRY);
    return inw(port(&vp->dev, CONFIG_VECTOR)) == NO_VECTOR ? -EIO : 0;
}

static const struct virtio_transport transport = {
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

/* BAR 0 must hold the common header (§4.1.4.8) within the I/O space; the device-specific
 * configuration after it is checked at each read. */
static int check_bar(const struct pci_device *p)
{
    const struct pci_bar *b = &p->bar[LEGACY_BAR];
    if (b->size < CONFIG || !pci_range_within(IO_SPACE, b->addr, b->size)) {
        kprintf("mayfly: pci %02x:%02x.%x: legacy virtio I/O BAR 0x%lx+0x%lx %s; device refused\n", p->bus,
                p->slot, p->func, (unsigned long)b->addr, (unsigned long)b->size,
                b->size < CONFIG ? "is shorter than the legacy header (20 bytes)" : "lies outside the I/O space");
        return -EINVAL;
    }
    return 0;
}

struct virtio_device *virtio_pci_legacy_open(struct pci_device *p, uint16_t id)
{
    if (!p->bar[LEGACY_BAR].io || !p->bar[LEGACY_BAR].size || ndevices == MAX_DEVICES || check_bar(p) < 0)
        return NULL;
    struct pci_legacy *l = &devices[ndevices++];
    virtio_pci_init(&l->pci, p, id);
    l->io = (uint16_t)p->bar[LEGACY_BAR].addr;
    l->io_size = (uint32_t)p->bar[LEGACY_BAR].size;
    l->pci.read_isr = legacy_read_isr;
    l->pci.msix_config_vector = legacy_msix_config_vector;
    l->pci.dev.t = &transport;
    l->pci.dev.kind = "pci-legacy";
    l->pci.dev.modern = 0;
    return &l->pci.dev;
}
