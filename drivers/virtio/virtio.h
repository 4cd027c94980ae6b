/* virtio devices (virtio 1.2): one structure whatever the transport, the initialisation every
 * driver follows (§3.1.1), and the transports behind one set of functions: modern PCI (§4.1),
 * legacy PCI (§4.1.4.8) and MMIO (§4.2, versions 1 and 2). */
#ifndef DRIVERS_VIRTIO_VIRTIO_H
#define DRIVERS_VIRTIO_VIRTIO_H
#include "../../kernel/pci.h"
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

struct virtio_transport {
    const char *kind;
    int modern;                                       /* VIRTIO_F_VERSION_1 possible and required */
    uint64_t (*device_features)(struct virtio_device *);
    void (*set_driver_features)(struct virtio_device *, uint64_t);
    uint8_t (*status)(struct virtio_device *);
    void (*set_status)(struct virtio_device *, uint8_t);
    /* largest ring the device takes for a queue; 0 if the queue does not exist. A legacy device
     * takes exactly this size (fixed_size). */
    uint16_t (*queue_max)(struct virtio_device *, uint16_t index, int *fixed_size);
    int (*queue_enable)(struct virtio_device *, struct virtq *);
    void (*notify)(struct virtio_device *, uint16_t index);
    void (*config_read)(struct virtio_device *, unsigned off, void *buf, unsigned len);
    /* route the device's interrupt to virtio_interrupt(dev) */
    int (*irq_setup)(struct virtio_device *);
};

struct virtio_device {
    const struct virtio_transport *t;
    char name[8];                                     /* vda, net0, ... */
    char where[32];                                   /* pci 00:04.0, mmio 0xfeb00e00 */
    uint16_t id;
    uint64_t features;                                /* negotiated */
    /* transport state */
    struct pci_device *pci;
    volatile uint8_t *common, *isr, *device_cfg, *mmio;
    volatile uint8_t *notify_at[VIRTIO_MAX_QUEUES];
    uint32_t notify_mult, gsi;
    int gsi_level;
    uint16_t io;
    int msix;
    /* interrupts: recorded by the handler, waited for by the driver's service thread */
    int irq_pending;
    struct waitq irq_wait;
    void *driver;
};

/* §3.1.1 steps 1-6: reset, acknowledge, negotiate; and route the device's interrupt. The device must offer every feature in
 * `required` (else the device is refused with a message naming what it lacks); of `wanted`,
 * what it offers is taken. Returns 0 or -ENODEV. */
int virtio_negotiate(struct virtio_device *dev, uint64_t wanted, uint64_t required);

/* Allocate and give the device queue `index`, at most max_size long. Returns 0 or -errno. */
int virtio_setup_queue(struct virtio_device *dev, struct virtq *vq, uint16_t index, uint16_t max_size,
                       uint16_t indirect_max);

/* DRIVER_OK (§3.1.1 step 8): the device is live. Returns 0. */
int virtio_start(struct virtio_device *dev);

/* Notify the device of new requests on vq if it wants to be. */
void virtio_kick(struct virtio_device *dev, struct virtq *vq);

/* Give up on a device: FAILED status, a message naming it. */
void virtio_fail(struct virtio_device *dev, const char *why);

/* The transports' probes: each found device goes to virtio_attach. */
void virtio_pci_probe(void);
void virtio_mmio_probe(void);
/* Hand a device found by a transport to the driver for its ID. */
void virtio_attach(struct virtio_device *dev);
/* Called by the transports' interrupt handlers once they know the device raised it: wakes the
 * thread in virtio_wait_interrupt. */
void virtio_interrupt(struct virtio_device *dev);
/* Block the calling (service) thread until the device's next interrupt, or return at once if
 * one came since the last call. */
void virtio_wait_interrupt(struct virtio_device *dev);

/* Drivers (virtio_blk.c, virtio_net.c): 0, or -errno to leave the device alone. */
int virtio_blk_probe(struct virtio_device *dev);
int virtio_net_probe(struct virtio_device *dev);

extern const struct virtio_transport virtio_pci_modern, virtio_pci_legacy, virtio_mmio;
#endif
