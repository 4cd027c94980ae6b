/* virtio over MMIO (virtio 1.2 §4.2): version 2, and version 1 (legacy, §4.2.4), which QEMU's
 * virtio-mmio offers unless told force-legacy=false. One transport; the version, read from the
 * device, decides the few places they differ. */
#include "virtio_mmio.h"
#include "virtio_check.h"
#include "../../kernel/printk.h"
#include "../../kernel/format.h"
#include "../../kernel/irq.h"
#include "../../kernel/page_alloc.h"
#include "../../kernel/paging.h"
#include <errno.h>
#include <stddef.h>
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
#define MMIO_SIZE 0x200                /* what we map: registers and 256 bytes of configuration */
#define REG_ALIGN 4                    /* registers are 32-bit, naturally aligned (§4.2.2) */
#define PFN_SHIFT 12
#define VERSION_LEGACY 1
#define VERSION_MODERN 2
#define MAX_DEVICES 16

struct mmio {
    struct virtio_device dev;
    volatile uint8_t *base;
    uint32_t gsi;
    int level;
};

static struct mmio devices[MAX_DEVICES];
static int ndevices;

static struct mmio *mmio(struct virtio_device *d) { return (struct mmio *)((char *)d - offsetof(struct mmio, dev)); }

static volatile uint32_t *reg(struct virtio_device *d, unsigned off) { return (volatile uint32_t *)(mmio(d)->base + off); }

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
    if (!d->modern) {   /* one block at a page-numbered address (§4.2.4) */
        *reg(d, GUEST_PAGE_SIZE) = PAGE_SIZE;
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

/* Version 2 has a generation counter to read against (§4.2.2); version 1 has none. */
static int mmio_config_read(struct virtio_device *d, unsigned off, void *buf, unsigned len)
{
    struct mmio *m = mmio(d);
    if (!virtio_config_within(MMIO_SIZE - CONFIG, off, len))
        return -EIO;                   /* beyond what we mapped */
    int counted = m->dev.modern;
    uint32_t gen;
    do {
        gen = counted ? *reg(d, CONFIG_GENERATION) : 0;
        for (unsigned i = 0; i < len; i++)
            ((uint8_t *)buf)[i] = m->base[CONFIG + off + i];
    } while (counted && gen != *reg(d, CONFIG_GENERATION));
    return 0;
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
    return irq_attach_gsi(mmio(d)->gsi, mmio(d)->level, 0, mmio_interrupt, d);
}

static const struct virtio_transport transport = {
    .device_features = mmio_device_features,
    .set_driver_features = mmio_set_driver_features,
    .status = mmio_status,
    .set_status = mmio_set_status,
    .queue_max = mmio_queue_max,
    .queue_enable = mmio_queue_enable,
    .notify = mmio_notify,
    .config_read = mmio_config_read,
    .irq_setup = mmio_irq_setup,
};

/* The range the platform (ACPI) gives: aligned for the registers, large enough for them and
 * the configuration we read, and not wrapping the address space. */
static int check_range(uint64_t base, uint64_t size)
{
    const char *why = base % REG_ALIGN        ? "is not 4-byte aligned"
                    : size < MMIO_SIZE        ? "is shorter than 0x200 bytes"
                    : base + size < base      ? "wraps the address space"
                                              : 0;
    if (why)
        kprintf("mayfly: virtio-mmio range 0x%lx+0x%lx %s; refused\n", (unsigned long)base, (unsigned long)size, why);
    return why ? -EINVAL : 0;
}

struct virtio_device *virtio_mmio_open(uint64_t base, uint64_t size, uint32_t gsi, int level)
{
    if (ndevices == MAX_DEVICES || check_range(base, size) < 0 || vm_map(base, MMIO_SIZE, VM_WRITE | VM_UNCACHED) < 0)
        return NULL;
    struct mmio *m = &devices[ndevices];
    *m = (struct mmio){ .base = (volatile uint8_t *)(uintptr_t)base, .gsi = gsi, .level = level };
    m->dev.t = &transport;
    uint32_t version = *reg(&m->dev, VERSION), id = *reg(&m->dev, DEVICE_ID);
    if (*reg(&m->dev, MAGIC) != MMIO_MAGIC || (version != VERSION_LEGACY && version != VERSION_MODERN) || id == 0)
        return NULL;                   /* no device plugged into this transport (§4.2.3.1.1) */
    ndevices++;
    m->dev.id = (uint16_t)id;
    m->dev.modern = version == VERSION_MODERN;
    m->dev.kind = m->dev.modern ? "mmio" : "mmio-legacy";
    ksnprintf(m->dev.where, sizeof m->dev.where, "mmio 0x%lx irq %u", (unsigned long)base, gsi);
    return &m->dev;
}
