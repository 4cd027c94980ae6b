/* virtio over MMIO (virtio 1.2 §4.2): version 2, and version 1 (legacy, §4.2.4), which QEMU's
 * virtio-mmio offers unless told force-legacy=false. Devices are found in the ACPI DSDT as
 * LNRO0005 devices, whose _CRS holds a Memory32Fixed and an Extended Interrupt descriptor
 * (ACPI 6.4 §6.4.3.4, §6.4.3.6): that is how QEMU's -M microvm describes them. */
#include "virtio.h"
#include "../../kernel/acpi.h"
#include "../../kernel/format.h"
#include "../../kernel/irq.h"
#include "../../kernel/paging.h"
#include <errno.h>
#include <string.h>

#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEVICE_FEATURES 0x010
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define GUEST_PAGE_SIZE 0x028
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_ALIGN 0x03C
#define QUEUE_PFN 0x040
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INTERRUPT_STATUS 0x060
#define INTERRUPT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC 0x080
#define QUEUE_DRIVER 0x090
#define QUEUE_DEVICE 0x0A0
#define CONFIG_GENERATION 0x0FC
#define CONFIG 0x100
#define MMIO_MAGIC 0x74726976          /* "virt" */
#define MMIO_SIZE 0x200
#define PAGE_BYTES 4096
#define PFN_SHIFT 12
#define ACPI_HID "LNRO0005"
#define RES_MEMORY32_FIXED 0x86
#define RES_EXTENDED_IRQ 0x89
#define RES_IRQ_EDGE (1 << 1)
#define RES_IRQ_ACTIVE_LOW (1 << 2)
#define RES_SEARCH 96                  /* the descriptors follow the _HID within this many bytes */

static volatile uint32_t *reg(struct virtio_device *d, unsigned off) { return (volatile uint32_t *)(d->mmio + off); }

static uint64_t mmio_device_features(struct virtio_device *d)
{
    *reg(d, DEVICE_FEATURES_SEL) = 0;
    uint64_t lo = *reg(d, DEVICE_FEATURES);
    *reg(d, DEVICE_FEATURES_SEL) = 1;
    return lo | (uint64_t)*reg(d, DEVICE_FEATURES) << 32;
}

static void mmio_set_driver_features(struct virtio_device *d, uint64_t f)
{
    *reg(d, DRIVER_FEATURES_SEL) = 0;
    *reg(d, DRIVER_FEATURES) = (uint32_t)f;
    *reg(d, DRIVER_FEATURES_SEL) = 1;
    *reg(d, DRIVER_FEATURES) = (uint32_t)(f >> 32);
}

static uint8_t mmio_status(struct virtio_device *d) { return (uint8_t)*reg(d, STATUS); }
static void mmio_set_status(struct virtio_device *d, uint8_t s) { *reg(d, STATUS) = s; }

static uint16_t mmio_queue_max(struct virtio_device *d, uint16_t index, int *fixed)
{
    *fixed = 0;
    *reg(d, QUEUE_SEL) = index;
    return (uint16_t)*reg(d, QUEUE_NUM_MAX);
}

static void write64(struct virtio_device *d, unsigned off, uint64_t v)
{
    *reg(d, off) = (uint32_t)v;
    *reg(d, off + 4) = (uint32_t)(v >> 32);
}

static int mmio_queue_enable(struct virtio_device *d, struct virtq *vq)
{
    *reg(d, QUEUE_SEL) = vq->index;
    *reg(d, QUEUE_NUM) = vq->size;
    if (!d->t->modern) {               /* version 1: one block at a page-numbered address */
        *reg(d, GUEST_PAGE_SIZE) = PAGE_BYTES;
        *reg(d, QUEUE_ALIGN) = VQ_ALIGN;
        *reg(d, QUEUE_PFN) = (uint32_t)((uintptr_t)vq->desc >> PFN_SHIFT);
        return 0;
    }
    write64(d, QUEUE_DESC, (uintptr_t)vq->desc);
    write64(d, QUEUE_DRIVER, (uintptr_t)vq->avail);
    write64(d, QUEUE_DEVICE, (uintptr_t)vq->used);
    *reg(d, QUEUE_READY) = 1;
    return 0;
}

static void mmio_notify(struct virtio_device *d, uint16_t index) { *reg(d, QUEUE_NOTIFY) = index; }

static void mmio_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    uint32_t gen;
    do {
        gen = d->t->modern ? *reg(d, CONFIG_GENERATION) : 0;
        for (unsigned i = 0; i < len; i++)
            ((uint8_t *)buf)[i] = d->mmio[CONFIG + off + i];
    } while (d->t->modern && gen != *reg(d, CONFIG_GENERATION));
}

static void mmio_interrupt(void *p)
{
    struct virtio_device *d = p;
    uint32_t isr = *reg(d, INTERRUPT_STATUS);
    if (!isr)
        return;                        /* a shared line, someone else's */
    *reg(d, INTERRUPT_ACK) = isr;
    virtio_interrupt(d);
}

static int mmio_irq_setup(struct virtio_device *d)
{
    return irq_attach_gsi(d->gsi, d->gsi_level, 0, mmio_interrupt, d);
}

#define MMIO_TRANSPORT(name_, kind_, modern_)                                 \
    const struct virtio_transport name_ = {                                   \
        .kind = kind_,                                                        \
        .modern = modern_,                                                    \
        .device_features = mmio_device_features,                              \
        .set_driver_features = mmio_set_driver_features,                      \
        .status = mmio_status,                                                \
        .set_status = mmio_set_status,                                        \
        .queue_max = mmio_queue_max,                                          \
        .queue_enable = mmio_queue_enable,                                    \
        .notify = mmio_notify,                                                \
        .config_read = mmio_config_read,                                      \
        .irq_setup = mmio_irq_setup,                                          \
    }
MMIO_TRANSPORT(virtio_mmio, "mmio", 1);
static MMIO_TRANSPORT(virtio_mmio_v1, "mmio-legacy", 0);

/* A transport at base with interrupt gsi: attach it if a device sits behind it. */
static void try_transport(uint32_t base, uint32_t gsi, int level)
{
    if (vm_map(base, MMIO_SIZE, VM_WRITE | VM_UNCACHED) < 0)
        return;
    struct virtio_device d = { .mmio = (volatile uint8_t *)(uintptr_t)base, .gsi = gsi, .gsi_level = level };
    uint32_t version = *reg(&d, VERSION);
    if (*reg(&d, MAGIC) != MMIO_MAGIC || (version != 1 && version != 2) || *reg(&d, DEVICE_ID) == 0)
        return;                        /* no device plugged into this transport */
    d.t = version == 2 ? &virtio_mmio : &virtio_mmio_v1;
    d.id = (uint16_t)*reg(&d, DEVICE_ID);
    ksnprintf(d.where, sizeof d.where, "mmio 0x%x irq %u", base, gsi);
    virtio_attach(&d);
}

void virtio_mmio_probe(void)
{
    uint32_t len;
    const uint8_t *dsdt = acpi_dsdt(&len);
    if (!dsdt)
        return;
    for (uint32_t i = 0; i + sizeof ACPI_HID <= len; i++) {
        if (memcmp(dsdt + i, ACPI_HID, sizeof ACPI_HID - 1) != 0)
            continue;
        uint32_t base = 0, gsi = 0, end = i + RES_SEARCH < len ? i + RES_SEARCH : len;
        int have_irq = 0, level = 1;
        for (uint32_t j = i; j + 12 <= end; j++) {
            const uint8_t *r = dsdt + j;
            if (!base && r[0] == RES_MEMORY32_FIXED && r[1] == 9 && r[2] == 0) {
                uint32_t size;
                memcpy(&base, r + 4, 4);
                memcpy(&size, r + 8, 4);
                if (size < MMIO_SIZE)
                    base = 0;
            } else if (base && !have_irq && r[0] == RES_EXTENDED_IRQ && r[4] >= 1) {
                memcpy(&gsi, r + 5, 4);
                level = !(r[3] & RES_IRQ_EDGE);
                have_irq = 1;
            }
        }
        if (base && have_irq)
            try_transport(base, gsi, level);
    }
}
