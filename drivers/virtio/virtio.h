/* The virtio library the virtio drivers use (virtio 1.2): one device structure whatever the
 * transport, the initialisation every driver follows (§3.1.1), queues, notifications and
 * interrupts. It calls no driver: discovery (drivers/discovery.c) opens a device through its
 * transport (virtio_pci.h, virtio_mmio.h) and hands it to the driver for its ID. */
#ifndef DRIVERS_VIRTIO_VIRTIO_H
#define DRIVERS_VIRTIO_VIRTIO_H
#include "virtqueue.h"
#include "../../kernel/thread.h"
#include <stdint.h>

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_F_INDIRECT_DESC (1ull << 28)
#define VIRTIO_F_EVENT_IDX (1ull << 29)
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_MAX_QUEUES 4

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

struct virtio_device;

/* What a transport does for a device. Each transport keeps its own state in a structure that
 * embeds the virtio_device, and finds it from the device it is given. */
struct virtio_transport {
    uint64_t (*device_features)(struct virtio_device *);
    void (*set_driver_features)(struct virtio_device *, uint64_t);
    uint8_t (*status)(struct virtio_device *);
    void (*set_status)(struct virtio_device *, uint8_t);
    /* largest ring the device takes for a queue; 0 if the queue does not exist. A legacy device
     * takes exactly this size (*fixed_size set). */
    uint16_t (*queue_max)(struct virtio_device *, uint16_t index, int *fixed_size);
    int (*queue_enable)(struct virtio_device *, struct virtq *);
    void (*notify)(struct virtio_device *, uint16_t index);
    /* 0, or -EIO when [off, off + len) is not in the device's configuration */
    int (*config_read)(struct virtio_device *, unsigned off, void *buf, unsigned len);
    /* route the device's interrupt to virtio_interrupt(dev); 0 or -errno */
    int (*irq_setup)(struct virtio_device *);
};

struct virtio_device {
    const struct virtio_transport *t;
    const char *kind;                                 /* "pci", "pci-legacy", "mmio", "mmio-legacy" */
    int modern;                                       /* VIRTIO_F_VERSION_1 possible and required */
    char name[8];                                     /* vda, net0, ...: given by discovery */
    char where[32];                                   /* pci 00:04.0, mmio 0xfeb00e00 irq 16 */
    uint16_t id;                                      /* VIRTIO_ID_* */
    uint64_t features;                                /* negotiated */
    int msix;                                         /* interrupts come as MSI-X messages (set by
                                                         the transport's irq_setup) */
    int failed;                                       /* given up on (virtio_fail) */
    /* interrupts: recorded by the handler, waited for by the driver's service thread */
    int irq_pending;
    struct waitq irq_wait;
};

/* §3.1.1 steps 1-6: reset (the status must read 0 within 1 s, else the device is refused),
 * acknowledge, negotiate. The device must offer every feature in
 * `required` (else the device is refused with a message naming what it lacks); of `wanted`,
 * what it offers is taken (dev->features). Returns 0 or -ENODEV. */
int virtio_negotiate(struct virtio_device *dev, uint64_t wanted, uint64_t required);

/* Route the device's interrupt to virtio_interrupt: after virtio_negotiate, before the queues
 * are set up (with MSI-X, each queue is told its vector as it is enabled, §4.1.5.1.2). Returns 0,
 * or -ENODEV (the device is failed with a message). */
int virtio_route_interrupt(struct virtio_device *dev);

/* Allocate and give the device queue `index`, at most max_size long. Returns 0 or -errno; a
 * queue that does not exist or whose size is not a power of 2 (§2.7) fails the device. */
int virtio_setup_queue(struct virtio_device *dev, struct virtq *vq, uint16_t index, uint16_t max_size,
                       uint16_t indirect_max);

/* DRIVER_OK (§3.1.1 step 8): the device is live; `debug` lists it. */
void virtio_start(struct virtio_device *dev);

/* Read len bytes of the device-specific configuration at off. Returns 0, or -EIO (buf zeroed)
 * when the device's configuration does not hold them (a modern PCI device may have none): a
 * driver that needs the value refuses the device. */
int virtio_config_read(struct virtio_device *dev, unsigned off, void *buf, unsigned len);

/* Notify the device of new requests on vq if it wants to be. */
void virtio_kick(struct virtio_device *dev, struct virtq *vq);

/* Give up on a device: FAILED status, a message naming it and why. Only the first call on a
 * device does anything, so a transport can fail it with the precise reason and the driver's
 * more general one after it is not printed. */
void virtio_fail(struct virtio_device *dev, const char *why);

/* Called by the transports' interrupt handlers once they know the device raised it: wakes the
 * thread in virtio_wait_interrupt. */
void virtio_interrupt(struct virtio_device *dev);
/* Block the calling (service) thread until the device's next interrupt, or return at once if
 * one came since the last call. With a deadline (monotonic ns; 0: none), -ETIMEDOUT when it
 * passes first; else 0. */
int virtio_wait_interrupt(struct virtio_device *dev, uint64_t deadline);
#endif
