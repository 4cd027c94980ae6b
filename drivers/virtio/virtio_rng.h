/* The virtio entropy device driver (virtio 1.2 §5.4), for discovery. */
#ifndef DRIVERS_VIRTIO_VIRTIO_RNG_H
#define DRIVERS_VIRTIO_VIRTIO_RNG_H
#include "virtio.h"
#include <stddef.h>

#define VIRTIO_ID_RNG 4

/* Bring up the entropy device dev (the first one only: one is enough). Returns 0, or -errno
 * with the device left failed and a message saying why. */
int virtio_rng_attach(struct virtio_device *dev);

/* Fill up to len bytes from the device (at most VIRTIO_RNG_REQUEST_MAX per call); returns how
 * many the device wrote, -ENODEV when there is none (or it broke), -EBUSY when another thread is
 * reading, -ETIMEDOUT when it did not answer in time. Thread context. */
#define VIRTIO_RNG_REQUEST_MAX 64
int virtio_rng_read(void *buf, size_t len);
#endif
