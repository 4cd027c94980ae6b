/* virtio over PCI: finding the devices, their interrupts, and the modern (1.x) transport whose
 * registers the vendor capabilities locate (virtio 1.2 §4.1.4). */
#include "virtio.h"
#include "virtio_pci.h"
#include "../../kernel/format.h"
#include "../../kernel/irq.h"
#include "../../kernel/x86.h"
#include <errno.h>

#define VIRTIO_PCI_VENDOR 0x1AF4
#define DEVICE_TRANSITIONAL_FIRST 0x1000
#define DEVICE_TRANSITIONAL_LAST 0x103F
#define DEVICE_MODERN_BASE 0x1040
#define DEVICE_MODERN_LAST 0x107F
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_NOTIFY_MULT 16
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4
#define MSIX_NO_VECTOR 0xFFFF
#define ISR_QUEUE 1
#define ISR_CONFIG 2

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

static volatile uint32_t *r32(struct virtio_device *d, unsigned off) { return (volatile uint32_t *)(d->common + off); }
static volatile uint16_t *r16(struct virtio_device *d, unsigned off) { return (volatile uint16_t *)(d->common + off); }

static uint64_t modern_device_features(struct virtio_device *d)
{
    *r32(d, COMMON_DFSELECT) = 0;
    uint64_t lo = *r32(d, COMMON_DF);
    *r32(d, COMMON_DFSELECT) = 1;
    return lo | (uint64_t)*r32(d, COMMON_DF) << 32;
}

static void modern_set_driver_features(struct virtio_device *d, uint64_t f)
{
    *r32(d, COMMON_GFSELECT) = 0;
    *r32(d, COMMON_GF) = (uint32_t)f;
    *r32(d, COMMON_GFSELECT) = 1;
    *r32(d, COMMON_GF) = (uint32_t)(f >> 32);
}

static uint8_t modern_status(struct virtio_device *d) { return d->common[COMMON_STATUS]; }
static void modern_set_status(struct virtio_device *d, uint8_t s) { d->common[COMMON_STATUS] = s; }

static uint16_t modern_queue_max(struct virtio_device *d, uint16_t index, int *fixed)
{
    *fixed = 0;
    *r16(d, COMMON_Q_SELECT) = index;
    return *r16(d, COMMON_Q_SIZE);
}

static void write64(struct virtio_device *d, unsigned off, uint64_t v)
{
    *r32(d, off) = (uint32_t)v;            /* §4.1.3.1: two 32-bit writes, low first */
    *r32(d, off + 4) = (uint32_t)(v >> 32);
}

static int modern_queue_enable(struct virtio_device *d, struct virtq *vq)
{
    *r16(d, COMMON_Q_SELECT) = vq->index;
    *r16(d, COMMON_Q_SIZE) = vq->size;
    if (d->msix) {
        *r16(d, COMMON_Q_MSIX) = 0;        /* one vector for the whole device */
        if (*r16(d, COMMON_Q_MSIX) == MSIX_NO_VECTOR)
            return -EIO;
    }
    write64(d, COMMON_Q_DESC, (uintptr_t)vq->desc);
    write64(d, COMMON_Q_DRIVER, (uintptr_t)vq->avail);
    write64(d, COMMON_Q_DEVICE, (uintptr_t)vq->used);
    d->notify_at[vq->index] = d->notify_at[0] + (uint32_t)*r16(d, COMMON_Q_NOFF) * d->notify_mult;
    *r16(d, COMMON_Q_ENABLE) = 1;
    return 0;
}

static void modern_notify(struct virtio_device *d, uint16_t index) { *(volatile uint16_t *)d->notify_at[index] = index; }

static void modern_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    uint8_t gen;
    do {                                   /* §4.1.4.3.1: read until the generation holds */
        gen = d->common[COMMON_CONFIG_GENERATION];
        for (unsigned i = 0; i < len; i++)
            ((uint8_t *)buf)[i] = d->device_cfg[off + i];
    } while (gen != d->common[COMMON_CONFIG_GENERATION]);
}

static void msix_interrupt(void *p) { virtio_interrupt(p); }

/* INTx is shared and level-triggered: reading the ISR tells whether it was ours and lowers it. */
static void intx_interrupt(void *p)
{
    struct virtio_device *d = p;
    uint8_t isr = d->isr ? *d->isr : inb((uint16_t)(d->io + VIRTIO_PCI_LEGACY_ISR));
    if (isr & (ISR_QUEUE | ISR_CONFIG))
        virtio_interrupt(d);
}

int virtio_pci_irq_setup(struct virtio_device *d)
{
    if (pci_msix_init(d->pci) > 0) {
        int vector = irq_alloc_vector(msix_interrupt, d);
        if (vector < 0)
            return vector;
        pci_msix_set(d->pci, 0, (uint8_t)vector);
        d->msix = 1;
        if (d->t == &virtio_pci_modern) {
            *r16(d, COMMON_MSIX_CONFIG) = 0;
            return *r16(d, COMMON_MSIX_CONFIG) == MSIX_NO_VECTOR ? -EIO : 0;
        }
        return virtio_pci_legacy_msix(d);
    }
    /* The firmware wrote the line it routed INTx to; on the PC's IOAPIC the GSI has that number. */
    if (d->pci->irq_pin == 0 || d->pci->irq_line == 0 || d->pci->irq_line == 0xFF)
        return -ENODEV;
    return irq_attach_gsi(d->pci->irq_line, 1, 0, intx_interrupt, d);
}

const struct virtio_transport virtio_pci_modern = {
    .kind = "pci",
    .modern = 1,
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

/* Locate the modern registers from the vendor capabilities; 0 when all needed are there. */
static int find_modern(struct virtio_device *d)
{
    for (uint8_t cap = pci_find_cap(d->pci, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(d->pci, PCI_CAP_VENDOR, cap)) {
        uint8_t type = pci_read8(d->pci, cap + CAP_CFG_TYPE), bar = pci_read8(d->pci, cap + CAP_BAR);
        if (bar >= PCI_BARS)
            continue;
        uint8_t *base = pci_map_bar(d->pci, bar);
        if (!base)
            continue;
        volatile uint8_t *at = base + pci_read32(d->pci, cap + CAP_OFFSET);
        if (type == CFG_COMMON && !d->common)
            d->common = at;
        else if (type == CFG_NOTIFY && !d->notify_at[0]) {
            d->notify_at[0] = at;
            d->notify_mult = pci_read32(d->pci, cap + CAP_NOTIFY_MULT);
        } else if (type == CFG_ISR && !d->isr)
            d->isr = at;
        else if (type == CFG_DEVICE && !d->device_cfg)
            d->device_cfg = at;
    }
    return d->common && d->notify_at[0] && d->isr ? 0 : -ENODEV;
}

void virtio_pci_probe(void)
{
    struct pci_device *list;
    int n = pci_enumerate(&list);
    for (int i = 0; i < n; i++) {
        struct pci_device *p = &list[i];
        if (p->vendor != VIRTIO_PCI_VENDOR || p->device < DEVICE_TRANSITIONAL_FIRST || p->device > DEVICE_MODERN_LAST)
            continue;
        struct virtio_device d = { .pci = p };
        d.id = p->device >= DEVICE_MODERN_BASE ? p->device - DEVICE_MODERN_BASE : p->subsystem_device;
        ksnprintf(d.where, sizeof d.where, "pci %02x:%02x.%x", p->bus, p->slot, p->func);
        pci_enable(p);
        if (find_modern(&d) == 0) {
            d.t = &virtio_pci_modern;
        } else if (p->device <= DEVICE_TRANSITIONAL_LAST && p->bar[0].io && p->bar[0].size) {
            d = (struct virtio_device){ .pci = p, .id = d.id, .t = &virtio_pci_legacy, .io = (uint16_t)p->bar[0].addr };
            ksnprintf(d.where, sizeof d.where, "pci %02x:%02x.%x", p->bus, p->slot, p->func);
        } else {
            continue;
        }
        virtio_attach(&d);
    }
}
