/* What every virtio driver does the same way, whatever the transport: the library of virtio.h.
 * Nothing here calls a driver. */
#include "virtio.h"
#include "virtio_check.h"
#include "../../kernel/clock.h"
#include "../../kernel/fence.h"
#include "../../kernel/memory.h"
#include "../../kernel/format.h"
#include "../../kernel/printk.h"
#include "../../kernel/thread.h"
#include "../../kernel/x86.h"
#include <errno.h>
#include <string.h>

#define RESET_TIMEOUT_NS NSEC_PER_SEC  /* §2.1.2: "SHOULD wait for the device to reset"; not forever */

void virtio_fail(struct virtio_device *dev, const char *why)
{
    if (dev->failed)                   /* the first reason is the one to tell */
        return;
    dev->failed = 1;
    kprintf("mayfly: %s (virtio %s at %s): %s; device disabled\n", dev->name[0] ? dev->name : "virtio",
            dev->kind, dev->where, why);
    dev->t->set_status(dev, dev->t->status(dev) | VIRTIO_STATUS_FAILED);
}

/* §2.1.2/§4.1.4.3.2: after a reset the device's status reads 0 once it is done; a device that
 * never gets there must not hold the boot. */
static int wait_reset(struct virtio_device *dev)
{
    uint64_t deadline = clock_monotonic_ns() + RESET_TIMEOUT_NS;
    while (dev->t->status(dev) != 0) {
        if (clock_monotonic_ns() > deadline)
            return -ETIMEDOUT;
        cpu_pause();
    }
    return 0;
}

int virtio_negotiate(struct virtio_device *dev, uint64_t wanted, uint64_t required)
{
    const struct virtio_transport *t = dev->t;
    t->set_status(dev, 0);                                       /* 1: reset */
    if (wait_reset(dev) < 0) {
        virtio_fail(dev, "its status did not read 0 within 1 s of reset");
        return -ENODEV;
    }
    t->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);               /* 2 */
    t->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);   /* 3 */
    if (dev->modern)
        required |= VIRTIO_F_VERSION_1;
    else
        required &= ~VIRTIO_F_VERSION_1, wanted &= ~VIRTIO_F_VERSION_1;
    uint64_t offered = t->device_features(dev);                  /* 4 */
    if ((offered & required) != required) {
        char why[96];
        ksnprintf(why, sizeof why, "lacks required features 0x%lx (offers 0x%lx)",
                  (unsigned long)(required & ~offered), (unsigned long)offered);
        virtio_fail(dev, why);
        return -ENODEV;
    }
    dev->features = offered & (wanted | required);
    t->set_driver_features(dev, dev->features);
    if (dev->modern) {                                           /* 5, 6: legacy has no FEATURES_OK */
        t->set_status(dev, t->status(dev) | VIRTIO_STATUS_FEATURES_OK);
        if (!(t->status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
            virtio_fail(dev, "refused the features we chose");
            return -ENODEV;
        }
    }
    return 0;
}

int virtio_route_interrupt(struct virtio_device *dev)
{
    if (dev->t->irq_setup(dev) < 0) {
        virtio_fail(dev, "no interrupt could be set up");
        return -ENODEV;
    }
    thread_wakeup_source_add();        /* its interrupts wake the threads waiting on it */
    return 0;
}

int virtio_setup_queue(struct virtio_device *dev, struct virtq *vq, uint16_t index, uint16_t max_size,
                       uint16_t indirect_max)
{
    int fixed;
    if (index >= VIRTIO_MAX_QUEUES)
        return -ENODEV;
    uint16_t size = dev->t->queue_max(dev, index, &fixed);
    char why[96];
    if (virtio_queue_size_check(index, size, why, sizeof why) < 0) {
        virtio_fail(dev, why);
        return -ENODEV;
    }
    if (!fixed)
        while (size > max_size)
            size /= 2;
    if (!(dev->features & VIRTIO_F_INDIRECT_DESC))
        indirect_max = 0;
    size_t bytes = PAGE_ROUND_UP(vq_bytes(size, indirect_max));
    void *mem = page_alloc(bytes / PAGE_SIZE);
    if (!mem)
        return -ENOMEM;
    memset(mem, 0, bytes);
    vq_init(vq, dev->name, index, size, mem, indirect_max, (dev->features & VIRTIO_F_EVENT_IDX) != 0);
    vq->fence = device_fence;
    int rc = dev->t->queue_enable(dev, vq);
    if (rc < 0)
        page_free(mem, bytes / PAGE_SIZE);
    return rc;
}

void virtio_start(struct virtio_device *dev)
{
    dev->t->set_status(dev, dev->t->status(dev) | VIRTIO_STATUS_DRIVER_OK);
    kdebug("mayfly: %s: virtio %s at %s, features 0x%lx%s\n", dev->name, dev->kind, dev->where,
           (unsigned long)dev->features, dev->msix ? ", MSI-X" : "");
}

int virtio_config_read(struct virtio_device *dev, unsigned off, void *buf, unsigned len)
{
    if (dev->t->config_read(dev, off, buf, len) == 0)
        return 0;
    memset(buf, 0, len);
    return -EIO;
}

void virtio_kick(struct virtio_device *dev, struct virtq *vq)
{
    if (vq_kick_needed(vq))
        dev->t->notify(dev, vq->index);
}

void virtio_interrupt(struct virtio_device *dev)
{
    dev->irq_pending = 1;
    waitq_wake_all(&dev->irq_wait);
}

int virtio_wait_interrupt(struct virtio_device *dev, uint64_t deadline)
{
    int s = irq_save(), rc = 0;
    while (!dev->irq_pending && rc != -ETIMEDOUT)
        rc = waitq_wait(&dev->irq_wait, deadline);
    dev->irq_pending = 0;
    irq_restore(s);
    return rc == -ETIMEDOUT ? rc : 0;
}
