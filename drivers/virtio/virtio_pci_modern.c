/* The modern (1.x) virtio PCI transport: registers that the vendor capabilities locate in the
 * memory BARs (virtio 1.2 §4.1.4). */
#include "virtio_pci.h"
#include <errno.h>

#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_NOTIFY_MULT 16
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4
#define MSIX_NO_VECTOR 0xFFFF
#define MSIX_ENTRY 0                   /* one vector for the whole device */
#define MAX_DEVICES 16

/* common configuration (§4.1.4.3) */
#define COMMON_DFSELECT 0
#define COMMON_DF 4
#define COMMON_GFSELECT 8
#define COMMON_GF 12
#define COMMON_MSIX_CONFIG 16
#define COMMON_STATUS 20
#define COMMON_CONFIG_GENERATION 21
#define COMMON_Q_SELECT 22
#define COMMON_Q_SIZE 24
#define COMMON_Q_MSIX 26
#define COMMON_Q_ENABLE 28
#define COMMON_Q_NOFF 30
#define COMMON_Q_DESC 32
#define COMMON_Q_DRIVER 40
#define COMMON_Q_DEVICE 48

struct pci_modern {
    struct virtio_pci pci;
    volatile uint8_t *common, *isr, *device_cfg;
    volatile uint8_t *notify_base;
    volatile uint8_t *notify_at[VIRTIO_MAX_QUEUES];
    uint32_t notify_mult;
};

static struct pci_modern devices[MAX_DEVICES];
static int ndevices;

static struct pci_modern *modern(struct virtio_device *d)
{
    return (struct pci_modern *)((char *)d - offsetof(struct pci_modern, pci.dev));
}

static volatile uint32_t *r32(struct pci_modern *m, unsigned off) { return (volatile uint32_t *)(m->common + off); }
static volatile uint16_t *r16(struct pci_modern *m, unsigned off) { return (volatile uint16_t *)(m->common + off); }

static uint64_t modern_device_features(struct virtio_device *d)
{
    struct pci_modern *m = modern(d);
    *r32(m, COMMON_DFSELECT) = 0;
    uint64_t lo = *r32(m, COMMON_DF);
    *r32(m, COMMON_DFSELECT) = 1;
    return lo | (uint64_t)*r32(m, COMMON_DF) << 32;
}

static void modern_set_driver_features(struct virtio_device *d, uint64_t f)
{
    struct pci_modern *m = modern(d);
    *r32(m, COMMON_GFSELECT) = 0;
    *r32(m, COMMON_GF) = (uint32_t)f;
    *r32(m, COMMON_GFSELECT) = 1;
    *r32(m, COMMON_GF) = (uint32_t)(f >> 32);
}

static uint8_t modern_status(struct virtio_device *d) { return modern(d)->common[COMMON_STATUS]; }
static void modern_set_status(struct virtio_device *d, uint8_t s) { modern(d)->common[COMMON_STATUS] = s; }

static uint16_t modern_queue_max(struct virtio_device *d, uint16_t index, int *fixed)
{
    struct pci_modern *m = modern(d);
    *fixed = 0;
    *r16(m, COMMON_Q_SELECT) = index;
    return *r16(m, COMMON_Q_SIZE);
}

static void write64(struct pci_modern *m, unsigned off, uint64_t v)
{
    *r32(m, off) = (uint32_t)v;            /* §4.1.3.1: two 32-bit writes, low first */
    *r32(m, off + 4) = (uint32_t)(v >> 32);
}

static int modern_queue_enable(struct virtio_device *d, struct virtq *vq)
{
    struct pci_modern *m = modern(d);
    *r16(m, COMMON_Q_SELECT) = vq->index;
    *r16(m, COMMON_Q_SIZE) = vq->size;
    if (d->msix) {
        *r16(m, COMMON_Q_MSIX) = MSIX_ENTRY;
        if (*r16(m, COMMON_Q_MSIX) == MSIX_NO_VECTOR)
            return -EIO;
    }
    write64(m, COMMON_Q_DESC, (uintptr_t)vq->desc);
    write64(m, COMMON_Q_DRIVER, (uintptr_t)vq->avail);
    write64(m, COMMON_Q_DEVICE, (uintptr_t)vq->used);
    /* §4.1.4.4: the queue's notification address */
    m->notify_at[vq->index] = m->notify_base + (uint32_t)*r16(m, COMMON_Q_NOFF) * m->notify_mult;
    *r16(m, COMMON_Q_ENABLE) = 1;
    return 0;
}

static void modern_notify(struct virtio_device *d, uint16_t index) { *(volatile uint16_t *)modern(d)->notify_at[index] = index; }

static void modern_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    struct pci_modern *m = modern(d);
    uint8_t gen;
    do {                                   /* §4.1.4.3.1: read until the generation holds */
        gen = m->common[COMMON_CONFIG_GENERATION];
        for (unsigned i = 0; i < len; i++)
            ((uint8_t *)buf)[i] = m->device_cfg[off + i];
    } while (gen != m->common[COMMON_CONFIG_GENERATION]);
}

static uint8_t modern_read_isr(struct virtio_pci *vp)
{
    return *modern(&vp->dev)->isr;
}

static int modern_msix_config_vector(struct virtio_pci *vp)
{
    struct pci_modern *m = modern(&vp->dev);
    *r16(m, COMMON_MSIX_CONFIG) = MSIX_ENTRY;
    return *r16(m, COMMON_MSIX_CONFIG) == MSIX_NO_VECTOR ? -EIO : 0;
}

static const struct virtio_transport transport = {
    .device_features = modern_device_features,
    .set_driver_features = modern_set_driver_features,
    .status = modern_status,
    .set_status = modern_set_status,
    .queue_max = modern_queue_max,
    .queue_enable = modern_queue_enable,
    .notify = modern_notify,
    .config_read = modern_config_read,
    .irq_setup = virtio_pci_irq_setup,
};

/* Locate the registers from the vendor capabilities (§4.1.4); 0 when all needed are there. */
static int find_registers(struct pci_modern *m, struct pci_device *p)
{
    for (uint8_t cap = pci_find_cap(p, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(p, PCI_CAP_VENDOR, cap)) {
        uint8_t type = pci_read8(p, cap + CAP_CFG_TYPE), bar = pci_read8(p, cap + CAP_BAR);
        if (bar >= PCI_BARS)
            continue;
        uint8_t *base = pci_map_bar(p, bar);
        if (!base)
            continue;
        volatile uint8_t *at = base + pci_read32(p, cap + CAP_OFFSET);
        if (type == CFG_COMMON && !m->common)
            m->common = at;
        else if (type == CFG_NOTIFY && !m->notify_base) {
            m->notify_base = at;
            m->notify_mult = pci_read32(p, cap + CAP_NOTIFY_MULT);
        } else if (type == CFG_ISR && !m->isr)
            m->isr = at;
        else if (type == CFG_DEVICE && !m->device_cfg)
            m->device_cfg = at;
    }
    return m->common && m->notify_base && m->isr ? 0 : -ENODEV;
}

struct virtio_device *virtio_pci_modern_open(struct pci_device *p, uint16_t id)
{
    if (ndevices == MAX_DEVICES)
        return NULL;
    struct pci_modern *m = &devices[ndevices];
    if (find_registers(m, p) < 0) {
        *m = (struct pci_modern){ 0 };
        return NULL;
    }
    ndevices++;
    virtio_pci_init(&m->pci, p, id);
    m->pci.read_isr = modern_read_isr;
    m->pci.msix_config_vector = modern_msix_config_vector;
    m->pci.dev.t = &transport;
    m->pci.dev.kind = "pci";
    m->pci.dev.modern = 1;
    return &m->pci.dev;
}
