/* The modern (1.x) virtio PCI transport: registers that the vendor capabilities locate in the
 * memory BARs (virtio 1.2 §4.1.4). */
#include "virtio_pci.h"
#include "virtio_check.h"
#include "../../kernel/printk.h"
#include <errno.h>

#define CAP_LEN 2
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_NOTIFY_MULT 16
#define MAX_CAPS 16                    /* vendor capabilities looked at: QEMU gives 5 */
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
    struct virtio_pci_cap notify;      /* checked: the notify addresses are computed within it */
    uint32_t device_len;               /* 0 when the device has no device-config structure */
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
    /* §4.1.4.4: the queue's notification address, which must lie in the notify structure */
    uint64_t off;
    char why[128];
    if (virtio_pci_notify_offset(&m->notify, vq->index, *r16(m, COMMON_Q_NOFF), &off, why, sizeof why) < 0) {
        virtio_fail(d, why);
        return -EINVAL;
    }
    m->notify_at[vq->index] = m->notify_base + off;
    *r16(m, COMMON_Q_ENABLE) = 1;
    return 0;
}

static void modern_notify(struct virtio_device *d, uint16_t index) { *(volatile uint16_t *)modern(d)->notify_at[index] = index; }

static int modern_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    struct pci_modern *m = modern(d);
    if (!virtio_config_within(m->device_len, off, len))
        return -EIO;                       /* none there, or shorter: the driver decides */
    uint8_t gen;
    do {                                   /* §4.1.4.3.1: read until the generation holds */
        gen = m->common[COMMON_CONFIG_GENERATION];
        for (unsigned i = 0; i < len; i++)
            ((uint8_t *)buf)[i] = m->device_cfg[off + i];
    } while (gen != m->common[COMMON_CONFIG_GENERATION]);
    return 0;
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

/* The vendor capabilities as they are in configuration space (§4.1.4); how many. */
static int read_caps(struct pci_device *p, struct virtio_pci_cap *caps)
{
    int n = 0;
    for (uint8_t cap = pci_find_cap(p, PCI_CAP_VENDOR, 0); cap && n < MAX_CAPS; cap = pci_find_cap(p, PCI_CAP_VENDOR, cap))
        caps[n++] = (struct virtio_pci_cap){
            .type = pci_read8(p, cap + CAP_CFG_TYPE),
            .bar = pci_read8(p, cap + CAP_BAR),
            .cap_len = pci_read8(p, cap + CAP_LEN),
            .offset = pci_read32(p, cap + CAP_OFFSET),
            .length = pci_read32(p, cap + CAP_LENGTH),
            .notify_mult = pci_read8(p, cap + CAP_CFG_TYPE) == VIRTIO_PCI_CAP_NOTIFY ? pci_read32(p, cap + CAP_NOTIFY_MULT) : 0,
        };
    return n;
}

static volatile uint8_t *map(struct pci_device *p, const struct virtio_pci_cap *c)
{
    uint8_t *base = pci_map_bar(p, c->bar);
    return base ? base + c->offset : 0;
}

/* Locate the registers from the vendor capabilities (§4.1.4), each checked against its BAR's
 * size first. 0; -ENODEV when the device is not modern; -EINVAL when it lies (refused: said on
 * the console, and FAILED written if its common structure can be trusted with it). */
static int find_registers(struct pci_modern *m, struct pci_device *p)
{
    struct virtio_pci_cap caps[MAX_CAPS];
    struct virtio_pci_layout l;
    char why[128];
    int rc = virtio_pci_layout_check(caps, read_caps(p, caps), p->bar, &l, why, sizeof why);
    if (rc == -EINVAL) {
        kprintf("mayfly: pci %02x:%02x.%x: %s; device refused\n", p->bus, p->slot, p->func, why);
        volatile uint8_t *common = l.has_common ? map(p, &l.common) : 0;
        if (common)                        /* §2.1.2: FAILED, so that the device knows */
            common[COMMON_STATUS] |= VIRTIO_STATUS_FAILED;
    }
    if (rc < 0)
        return rc;
    m->common = map(p, &l.common);
    m->notify_base = map(p, &l.notify);
    m->isr = map(p, &l.isr);
    m->device_cfg = l.has_device ? map(p, &l.device) : 0;
    m->device_len = m->device_cfg ? l.device.length : 0;
    m->notify = l.notify;
    return m->common && m->notify_base && m->isr ? 0 : -ENODEV;
}

struct virtio_device *virtio_pci_modern_open(struct pci_device *p, uint16_t id, int *refused)
{
    *refused = 0;
    if (ndevices == MAX_DEVICES)
        return NULL;
    struct pci_modern *m = &devices[ndevices];
    int rc = find_registers(m, p);
    if (rc < 0) {
        *m = (struct pci_modern){ 0 };
        *refused = rc == -EINVAL;
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
